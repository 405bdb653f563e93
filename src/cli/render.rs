//! `tack render`: chart + values -> validated manifests on stdout (or in a folder).

use super::console::Console;
use super::values_args::{self, ValuesArgs};
use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE, Outcome};
use crate::manifest::Manifests;
use crate::output::OutputDir;
use crate::pipeline::{self, Layered, Rendered, Renderer};
use crate::releases::Releases;
use crate::spool::Spool;
use crate::validate::Report;
use crate::values::{NodeValue, ScalarKind, is_sensitive};
use clap::{ArgMatches, Args, ValueEnum};
use std::path::{Path, PathBuf};

/// Examples shown by `tack render --help`.
pub const EXAMPLES: &str = "Examples:
  tack render charts/model-serving -f values/canary.yaml | kubectl apply -f -
  tack template mnist charts/model-serving -f values/canary.yaml   (Helm's order: NAME CHART)
  tack render charts/model-serving -f values/canary.yaml --set strategy.canary.weight=50
  tack render charts/model-serving -f values/blue-green.yaml --set strategy.blueGreen.active=green
  tack render charts/model-serving --namespace ml -o json
  tack render charts/model-serving -f values/routing.yaml --output-dir out/";

/// Arguments of `tack render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The chart folder (holding Chart.yaml and values.yaml); or, as `helm template NAME
    /// CHART`, the release name followed by the chart folder.
    #[arg(
        required_unless_present = "releases",
        conflicts_with = "releases",
        value_name = "[NAME] CHART",
        num_args = 1..=2
    )]
    chart: Vec<PathBuf>,
    /// Render every release of a releases file (tack.yaml) instead of one chart.
    #[arg(short = 'r', long = "releases", value_name = "FILE", conflicts_with_all = values_args::IDS)]
    releases: Option<PathBuf>,
    /// With --releases: render only this release (`name` or `namespace/name`).
    #[arg(long = "only", value_name = "NAME", requires = "releases")]
    only: Option<String>,
    #[command(flatten)]
    values: ValuesArgs,
    /// Output format (as kubectl's `-o`).
    #[arg(short = 'o', long = "output", visible_alias = "format", value_enum, default_value_t = Format::Yaml)]
    format: Format,
    /// Write one file per object into this folder instead of printing.
    #[arg(long = "output-dir", value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Accepted for Helm's sake: the chart's `crds/` are always printed, first.
    #[arg(long = "include-crds", conflicts_with = "skip_crds")]
    include_crds: bool,
    /// Leave out the objects of the chart's `crds/` folder (they are still used to check
    /// the custom resources).
    #[arg(long = "skip-crds")]
    skip_crds: bool,
    /// Print only these objects: a template (`templates/job.yaml`) or `Kind/name`
    /// (`Deployment/mnist`); repeatable. Each must match something.
    #[arg(short = 's', long = "show-only", value_name = "TEMPLATE|KIND/NAME")]
    show_only: Vec<String>,
    /// Print the merged values to stderr, each with the file or flag that set it
    /// (secret values are shown as `<redacted>`).
    #[arg(long = "debug")]
    debug: bool,
}

/// How manifests are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Multi-document YAML with `# Source:` comments.
    Yaml,
    /// A JSON `v1/List`.
    Json,
}

/// Runs `tack render`.
pub fn run(args: RenderArgs, matches: Option<&ArgMatches>, console: &Console) -> Outcome {
    let renderer = match args.values.kube.renderer(console) {
        Ok(renderer) => renderer,
        Err(code) => return Ok(code),
    };
    if let Some(file) = &args.releases {
        return run_releases(&args, file, &renderer, console);
    }
    let mut request = args
        .values
        .request(args.chart.last().cloned().unwrap_or_default(), matches);
    if let [name, _] = args.chart.as_slice() {
        let name = name.to_string_lossy().into_owned();
        if args.values.release.as_ref().is_some_and(|r| *r != name) {
            console.error(
                &format!(
                    "the release is named twice: `{name}` before the chart and `--release {}`",
                    args.values.release.as_deref().unwrap_or_default()
                ),
                Some("give the name once: `tack render NAME CHART` or `tack render CHART --release NAME`"),
            );
            return Ok(EXIT_USAGE);
        }
        request.release = Some(name);
    }
    let rendered = renderer.layer(&request).and_then(|layered| {
        if args.debug {
            print_merged_values(&layered, console);
        }
        renderer.render_layered(layered, &request)
    });
    let mut rendered = match rendered {
        Ok(rendered) => rendered,
        Err(error) => return Ok(report_failure(&error, console)),
    };
    if args.skip_crds {
        rendered.manifests.retain(|m| !is_chart_crd(m));
    }
    if !args.show_only.is_empty() {
        let unmatched: Vec<&String> = args
            .show_only
            .iter()
            .filter(|wanted| !rendered.manifests.iter().any(|m| shown(m, wanted)))
            .collect();
        if let Some(first) = unmatched.first() {
            let names: Vec<String> = rendered
                .manifests
                .iter()
                .map(|m| format!("{}/{}", m.kind(), m.name()))
                .collect();
            console.error(
                &format!(
                    "--show-only {first}: no object of the render is that template or Kind/name"
                ),
                Some(&format!("the render holds {}", names.join(", "))),
            );
            return Ok(EXIT_USAGE);
        }
        rendered
            .manifests
            .retain(|m| args.show_only.iter().any(|wanted| shown(m, wanted)));
    }
    print_notes(&rendered, console);
    if let Some(dir) = &args.output_dir {
        let code = write_dir(dir, [("", &rendered.manifests)], console);
        print_chart_notes(&rendered, console);
        return Ok(code);
    }
    let text = match args.format {
        Format::Yaml => rendered.manifests.to_yaml(),
        Format::Json => rendered.manifests.to_json(),
    };
    console.out(text)?;
    print_chart_notes(&rendered, console);
    Ok(EXIT_OK)
}

/// Whether `manifest` comes from the chart's `crds/` folder.
fn is_chart_crd(manifest: &crate::manifest::Manifest) -> bool {
    manifest
        .source()
        .split_once('/')
        .is_some_and(|(_, rest)| rest.starts_with("crds/"))
}

/// Whether `--show-only wanted` names `manifest`: its template (`templates/job.yaml`, as
/// Helm writes it, or the whole source), or its `Kind/name`.
fn shown(manifest: &crate::manifest::Manifest, wanted: &str) -> bool {
    let source = manifest.source();
    source == wanted
        || source.ends_with(&format!("/{wanted}"))
        || wanted == format!("{}/{}", manifest.kind(), manifest.name())
}

/// Prints a failed render's problems and a summary line; returns the exit code.
pub fn report_failure(error: &pipeline::Error, console: &Console) -> u8 {
    report_problems(
        &error.diagnostics(),
        error.is_invalid_input(),
        error.place(),
        console,
    )
}

/// Prints `diagnostics` and, for invalid input, "N problems `place`; nothing was
/// rendered"; returns the exit code (invalid input, or usage and I/O).
fn report_problems(
    diagnostics: &crate::diagnostic::Diagnostics,
    invalid_input: bool,
    place: &str,
    console: &Console,
) -> u8 {
    console.diagnostics(diagnostics);
    if !invalid_input {
        return EXIT_USAGE;
    }
    let count = diagnostics.error_count().max(1);
    console.error(
        &format!(
            "{count} problem{} {place}; nothing was rendered",
            if count == 1 { "" } else { "s" },
        ),
        None,
    );
    EXIT_INVALID
}

/// Warnings of a valid render (an empty value file, validation warnings) and kinds that
/// were not checked against a schema, on stderr.
/// The chart's `NOTES.txt`, after the output, on stderr (as Helm prints it after an install).
fn print_chart_notes(rendered: &Rendered, console: &Console) {
    if let Some(notes) = rendered.notes.as_deref().filter(|n| !n.trim().is_empty()) {
        console.note(notes.trim_end());
    }
}

fn print_notes(rendered: &Rendered, console: &Console) {
    console.diagnostics(&rendered.warnings);
    console.diagnostics(&rendered.report.diagnostics());
    print_skipped(&rendered.report, console);
}

fn print_skipped(report: &Report, console: &Console) {
    let kinds = report.skipped_kinds();
    if !kinds.is_empty() {
        let count = report.skipped().count();
        console.warning(&format!(
            "{count} object{} not checked against a schema (no schema for its kind): {}",
            if count == 1 { "" } else { "s" },
            kinds.join(", ")
        ));
    }
}

/// Writes `(sub-folder, objects)` into `dir`, which becomes exactly that output.
fn write_dir<'m>(
    dir: &Path,
    parts: impl IntoIterator<Item = (&'m str, &'m Manifests)>,
    console: &Console,
) -> u8 {
    let written = OutputDir::new(dir).and_then(|mut out| {
        for (folder, manifests) in parts {
            out.write_manifests(folder, manifests)?;
        }
        out.commit()
    });
    match written {
        Ok(files) => {
            console.note(&format!("wrote {} files to {}", files.len(), dir.display()));
            EXIT_OK
        }
        Err(err) => {
            console.error(&err.to_string(), None);
            EXIT_USAGE
        }
    }
}

/// `tack render -r tack.yaml`: every release, rendered in parallel, printed in file order.
/// If any release fails, every failure is reported and nothing is printed.
///
/// Each release is turned into its output text on the core that rendered it and its objects
/// are dropped there; the text waits in a [`Spool`] (or goes into the output folder being
/// filled) until every release is done, so memory holds text, not object trees.
fn run_releases(args: &RenderArgs, file: &Path, renderer: &Renderer, console: &Console) -> Outcome {
    let releases = match Releases::load(file) {
        Ok(releases) => releases,
        Err(error) => return Ok(report_releases_error(&error, console)),
    };
    let selected = match releases.select(args.only.as_deref()) {
        Ok(selected) => selected,
        Err(error) => return Ok(report_releases_error(&error, console)),
    };
    let requests: Vec<(usize, pipeline::RenderRequest)> = selected
        .iter()
        .filter_map(|i| releases.request(*i).map(|r| (*i, r)))
        .collect();
    let mut out_dir = match &args.output_dir {
        Some(dir) => match OutputDir::new(dir) {
            Ok(out) => Some(out),
            Err(err) => {
                console.error(&err.to_string(), None);
                return Ok(EXIT_USAGE);
            }
        },
        None => None,
    };
    // Text for stdout; objects only for a JSON List, which is one document.
    let keep_objects = out_dir.is_some() || args.format == Format::Json;
    let mut spool = Spool::default();
    let mut json = Manifests::default();
    let mut worst = EXIT_OK;
    let mut failure: Option<String> = None;
    crate::parallel::for_each_in_order(
        &requests,
        |(index, request)| {
            let rendered = renderer.render(request).map(|output| Finished {
                body: if keep_objects {
                    Body::Objects(output.manifests)
                } else {
                    Body::Text(output.manifests.to_yaml())
                },
                warnings: output.warnings,
                report: output.report,
            });
            (*index, rendered)
        },
        |_, (index, result)| {
            let entry = &releases.entries()[index];
            let finished = match result {
                Ok(finished) => finished,
                Err(error) => {
                    console.error(
                        &format!(
                            "release `{}` ({}) failed:",
                            entry.id(),
                            releases.describe(index)
                        ),
                        None,
                    );
                    worst = worst.max(report_failure(&error, console));
                    return;
                }
            };
            if worst != EXIT_OK || failure.is_some() {
                return;
            }
            let mut notes = finished.warnings;
            notes.append(finished.report.diagnostics());
            for diagnostic in &mut notes.items {
                diagnostic.message = format!("release `{}`: {}", entry.id(), diagnostic.message);
            }
            console.diagnostics(&notes);
            print_skipped(&finished.report, console);
            let written = match (&mut out_dir, finished.body) {
                (Some(out), Body::Objects(objects)) => {
                    let folder = match &entry.namespace {
                        Some(ns) => format!("{ns}/{}", entry.name),
                        None => entry.name.clone(),
                    };
                    out.write_manifests(&folder, &objects)
                        .map_err(|e| e.to_string())
                }
                (None, Body::Objects(objects)) => {
                    json.append(objects);
                    Ok(())
                }
                (_, Body::Text(text)) => spool
                    .write(text.as_bytes())
                    .map_err(|e| format!("cannot hold the output in a temporary file: {e}")),
            };
            if let Err(error) = written {
                failure = Some(error);
            }
        },
    );
    if worst != EXIT_OK {
        return Ok(worst);
    }
    if let Some(failure) = failure {
        console.error(&failure, None);
        return Ok(EXIT_USAGE);
    }
    if let Some(out) = out_dir {
        return Ok(match out.commit() {
            Ok(files) => {
                console.note(&format!(
                    "wrote {} files to {}",
                    files.len(),
                    args.output_dir
                        .as_deref()
                        .unwrap_or(Path::new("."))
                        .display()
                ));
                EXIT_OK
            }
            Err(err) => {
                console.error(&err.to_string(), None);
                EXIT_USAGE
            }
        });
    }
    if args.format == Format::Json {
        console.out(json.to_json())?;
    } else {
        console.out_spool(spool)?;
    }
    Ok(EXIT_OK)
}

/// What is kept of a release's objects: their YAML, or the objects themselves for an
/// output folder or a JSON List.
enum Body {
    Text(String),
    Objects(Manifests),
}

/// One release's output, kept until every release is done.
struct Finished {
    body: Body,
    warnings: crate::diagnostic::Diagnostics,
    report: Report,
}

/// Prints a releases file's problems; returns the exit code.
pub fn report_releases_error(error: &crate::releases::Error, console: &Console) -> u8 {
    report_problems(
        &error.diagnostics(),
        error.is_invalid_input(),
        "in the releases file",
        console,
    )
}

/// `--debug`: every merged value and where it was set last, as notes on stderr.
fn print_merged_values(layered: &Layered, console: &Console) {
    let mut lines =
        vec!["debug: merged values (each from the last file or flag that set it):".to_string()];
    for (path, node) in layered.tree().leaves() {
        let value = match &node.value {
            _ if is_sensitive(&path) => "<redacted>".to_string(),
            NodeValue::Scalar(scalar) if scalar.sensitive => "<redacted>".to_string(),
            NodeValue::Scalar(scalar) => match scalar.kind {
                ScalarKind::Str => format!("{:?}", crate::diagnostic::shorten(&scalar.text, 200)),
                ScalarKind::Null => "null".to_string(),
                _ => scalar.text.clone(),
            },
            NodeValue::Seq(_) => "[]".to_string(),
            NodeValue::Map(_) => "{}".to_string(),
        };
        lines.push(format!(
            "  {path} = {value}  ({})",
            layered.sources().describe(node.location)
        ));
    }
    console.note(&crate::diagnostic::escape_controls(&lines.join("\n")));
}
