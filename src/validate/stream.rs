//! Validating streams on every core in bounded memory.
//!
//! One thread reads the inputs and cuts them into documents ([`Splitter`]) without parsing;
//! batches of documents go through a bounded queue to one worker per core, which parses
//! (once) and checks them; results come back numbered and are put in input order. Only the
//! problems and each object's small [`Facts`] are kept, so memory does not grow with the
//! documents of a long stream.

use super::check::{self, Outcome};
use super::cross::{Collected, Facts};
use super::parse::{self, Contents};
use super::report::{Passed, Report};
use super::split::{Chunk, Splitter};
use super::{Input, Validator};
use crate::diagnostic::{Check, CheckedObject, Diagnostic};
use crate::source::{Location, SourceId, SourceMap};
use std::collections::BTreeMap;
use std::io::{BufReader, Read};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// The most documents one run reads, over all its inputs.
const MAX_DOCUMENTS: u64 = 10_000_000;

/// Documents per batch, and bytes per batch: enough to make queueing cheap.
const BATCH_DOCUMENTS: usize = 64;
const BATCH_BYTES: usize = 256 * 1024;

/// One input of a stream.
pub(crate) enum Source<'a> {
    /// A reader, with its name.
    Reader(String, Box<dyn Read + Send + 'a>),
    /// A file, opened by the reading thread.
    Path(PathBuf),
    /// Standard input.
    Stdin,
}

impl<'a> Source<'a> {
    pub(crate) fn reader(name: &str, reader: impl Read + Send + 'a) -> Self {
        Source::Reader(name.to_string(), Box::new(reader))
    }

    /// How messages name it.
    fn name(&self) -> String {
        match self {
            Source::Reader(name, _) => name.clone(),
            Source::Path(path) => path.display().to_string(),
            Source::Stdin => "<stdin>".to_string(),
        }
    }
}

impl From<Input> for Source<'_> {
    fn from(input: Input) -> Self {
        match input {
            Input::Path(path) => Source::Path(path),
            Input::Stdin => Source::Stdin,
            Input::Text { name, text } => Source::reader(&name, std::io::Cursor::new(text)),
        }
    }
}

enum Job {
    Documents {
        seq: u64,
        source: SourceId,
        chunks: Vec<Chunk>,
    },
    Failed {
        seq: u64,
        problem: Diagnostic,
    },
}

#[derive(Default)]
struct BatchOutcome {
    report: Report,
    facts: Vec<Facts>,
    /// CustomResourceDefinitions of the input, which may define kinds seen before them.
    crds: Vec<crate::validate::crd::Crd>,
    /// Objects of kinds without a schema, kept (up to [`MAX_DEFERRED_BYTES`] over the whole
    /// stream) until the stream's CRDs are known, with what checking them found meanwhile.
    deferred: Vec<(super::object::Object, Outcome)>,
}

/// What a stream keeps of objects waiting for a CRD later in the stream; past it they stay
/// unchecked, as without the CRD.
const MAX_DEFERRED_BYTES: usize = 64 * 1024 * 1024;

fn input_problem(source: SourceId, message: String) -> Diagnostic {
    Diagnostic::error(Check::Input, message).at(Location::file(source))
}

/// Reads every source, cutting documents apart, and queues them in batches. `sources[i]`
/// is `SourceId(i)`.
fn read_all(sources: Vec<Source<'_>>, names: &SourceMap, jobs: SyncSender<Job>) {
    let mut seq = 0u64;
    let mut documents = 0u64;
    let send = |job: Job| jobs.send(job).is_ok();
    for (index, source) in sources.into_iter().enumerate() {
        let id = SourceId(u32::try_from(index).unwrap_or(u32::MAX - 1));
        let file = names.name(id);
        let reader: Box<dyn Read + Send + '_> = match source {
            Source::Reader(_, reader) => reader,
            Source::Stdin => Box::new(std::io::stdin()),
            Source::Path(path) => match crate::input::open_regular(&path) {
                Ok(opened) => Box::new(opened),
                Err(error) => {
                    let problem = input_problem(id, error.to_string());
                    if !send(Job::Failed { seq, problem }) {
                        return;
                    }
                    seq += 1;
                    continue;
                }
            },
        };
        let mut batch = Vec::new();
        let mut bytes = 0;
        for chunk in Splitter::new(BufReader::with_capacity(64 * 1024, reader)) {
            documents += 1;
            if documents > MAX_DOCUMENTS {
                let problem = input_problem(
                    id,
                    format!("more than {MAX_DOCUMENTS} documents in one run; split the input"),
                );
                let _ = send(Job::Failed { seq, problem });
                return;
            }
            match chunk {
                Ok(chunk) => {
                    bytes += chunk.text.len();
                    batch.push(chunk);
                    if batch.len() >= BATCH_DOCUMENTS || bytes >= BATCH_BYTES {
                        let chunks = std::mem::take(&mut batch);
                        bytes = 0;
                        if !send(Job::Documents {
                            seq,
                            source: id,
                            chunks,
                        }) {
                            return;
                        }
                        seq += 1;
                    }
                }
                Err(error) => {
                    let problem = input_problem(id, format!("cannot read {file}: {error}"));
                    if !send(Job::Failed { seq, problem }) {
                        return;
                    }
                    seq += 1;
                    break;
                }
            }
        }
        if !batch.is_empty() {
            if !send(Job::Documents {
                seq,
                source: id,
                chunks: batch,
            }) {
                return;
            }
            seq += 1;
        }
    }
}

/// Parses and checks batches until the queue closes.
fn work(
    validator: &Validator,
    jobs: &Mutex<Receiver<Job>>,
    results: SyncSender<(u64, BatchOutcome)>,
    deferred_bytes: &std::sync::atomic::AtomicUsize,
) {
    loop {
        let job = {
            let Ok(queue) = jobs.lock() else { return };
            match queue.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        let (seq, outcome) = match job {
            Job::Failed { seq, problem } => {
                let mut outcome = BatchOutcome::default();
                outcome.report.problems.push(problem);
                (seq, outcome)
            }
            Job::Documents {
                seq,
                source,
                chunks,
            } => {
                let mut outcome = BatchOutcome::default();
                for chunk in &chunks {
                    let mut contents = Contents {
                        skip_non_objects: validator.config.skip_non_objects,
                        ..Contents::default()
                    };
                    parse::read_text(&chunk.text, chunk.first_line, source, &mut contents);
                    // A kind's first few objects get a validator cut down to them (cheap to
                    // compile); after that its full validator is compiled once and shared.
                    let lookups = validator.prepare(&contents.objects);
                    let lookup = |api_version: &str, kind: &str| {
                        lookups
                            .get(&(api_version.to_string(), kind.to_string()))
                            .cloned()
                            .unwrap_or_else(|| validator.full_lookup(api_version, kind))
                    };
                    outcome.report.documents += contents.documents;
                    outcome.report.problems.extend(contents.problems);
                    for object in contents.objects {
                        if crate::validate::crd::is_crd(&object.value)
                            && let Ok(crd) =
                                crate::validate::crd::Crd::from_value(&object.value, &object.name)
                        {
                            outcome.crds.push(crate::validate::crd::Crd {
                                location: Some(crate::source::Location {
                                    source: object.source,
                                    line: object.line(),
                                    column: 0,
                                }),
                                ..crd
                            });
                        }
                        let checked = check::check_object(&validator.config, &object, &lookup);
                        if checked.skipped.is_some() {
                            let size = super::document::value_size(&object.value).bytes;
                            let total = deferred_bytes
                                .fetch_add(size, std::sync::atomic::Ordering::Relaxed);
                            if total + size <= MAX_DEFERRED_BYTES {
                                outcome.deferred.push((object, checked));
                                continue;
                            }
                        }
                        let object = &object;
                        let Outcome {
                            problems,
                            facts,
                            skipped,
                            cel_skipped,
                        } = checked;
                        outcome.report.objects += 1;
                        outcome.report.cel_skipped += cel_skipped;
                        outcome.report.problems.extend(problems);
                        outcome.facts.extend(facts);
                        if skipped.is_some() || validator.config.record_objects {
                            outcome.report.checked.push(CheckedObject {
                                source: object.source,
                                line: object.line(),
                                object: object.name.clone(),
                                skipped,
                            });
                        }
                    }
                }
                (seq, outcome)
            }
        };
        if results.send((seq, outcome)).is_err() {
            return;
        }
    }
}

/// Where problems go as they are found, in input order: given each problem and the
/// inputs' names. Problems a sink takes are counted in [`Report::passed`], not kept.
pub(crate) type Sink<'s> = &'s mut dyn FnMut(Diagnostic, &SourceMap);

/// Hands `problem` to `sink`, counting it in `passed`.
pub(super) fn hand_on(
    sink: &mut Sink<'_>,
    passed: &mut Passed,
    problem: Diagnostic,
    names: &SourceMap,
) {
    passed.count(&problem);
    sink(problem, names);
}

/// Hands `report`'s problems to `sink`, if there is one.
fn pass_on(report: &mut Report, names: &SourceMap, sink: &mut Option<Sink<'_>>) {
    if let Some(sink) = sink {
        for problem in report.problems.drain(..) {
            hand_on(sink, &mut report.passed, problem, names);
        }
    }
}

/// Validates the sources in order, on `validator`'s threads; problems go to `sink` as they
/// are found when there is one, and into the report when not.
pub(crate) fn run(
    validator: &Validator,
    sources: Vec<Source<'_>>,
    mut sink: Option<Sink<'_>>,
) -> Report {
    let threads = match validator.config.threads {
        0 => std::thread::available_parallelism().map_or(2, usize::from),
        n => n,
    };
    let (job_sender, job_receiver) = sync_channel::<Job>(threads * 2);
    let (result_sender, result_receiver) = sync_channel::<(u64, BatchOutcome)>(threads * 2);
    let job_receiver = Mutex::new(job_receiver);
    let mut names = SourceMap::new();
    for source in &sources {
        names.add_name(source.name());
    }
    let mut report = Report::default();
    let mut facts = Collected::default();
    let mut crds = Vec::new();
    let mut deferred = Vec::new();
    let deferred_bytes = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let names = &names;
        scope.spawn(move || read_all(sources, names, job_sender));
        for _ in 0..threads {
            let results = result_sender.clone();
            let jobs = &job_receiver;
            let deferred_bytes = &deferred_bytes;
            scope.spawn(move || work(validator, jobs, results, deferred_bytes));
        }
        drop(result_sender);
        // Results arrive in any order; put them back in input order.
        let mut pending = BTreeMap::new();
        let mut next = 0u64;
        for (seq, outcome) in result_receiver {
            pending.insert(seq, outcome);
            while let Some(outcome) = pending.remove(&next) {
                report.merge(outcome.report);
                pass_on(&mut report, names, &mut sink);
                facts.extend(outcome.facts);
                crds.extend(outcome.crds);
                deferred.extend(outcome.deferred);
                next += 1;
            }
        }
    });
    // Objects without a schema, checked again now that the stream's CRDs are known.
    let with_crds = validator.with_input_crds(crds, &mut report.problems);
    for (object, first) in deferred {
        let outcome = match &with_crds {
            Some(again)
                if again
                    .config
                    .crds
                    .get(object.api_version(), object.kind())
                    .is_some() =>
            {
                check::check_object(&again.config, &object, &|a: &str, k: &str| {
                    again.full_lookup(a, k)
                })
            }
            _ => first,
        };
        validator.absorb(&mut report, &mut facts, &object, outcome);
        pass_on(&mut report, &names, &mut sink);
    }
    pass_on(&mut report, &names, &mut sink);
    report.sources = names;
    validator.finish(&mut report, facts.all(), &mut sink);
    report
}
