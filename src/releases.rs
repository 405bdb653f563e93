//! Releases files (`tack.yaml`): every release of a repository in one place, as helmfile
//! does for Helm. `tack render -r tack.yaml` renders them all, in parallel, in file order.
//!
//! ```yaml
//! releases:
//!   - name: mnist
//!     namespace: ml
//!     chart: charts/model-serving
//!     values: [values/canary.yaml]
//!     set: [strategy.canary.weight=20]
//! ```
//!
//! Paths are relative to the folder of the releases file.

use crate::diagnostic::{Check, Diagnostic, Diagnostics, did_you_mean};
use crate::input::InputError;
use crate::pipeline::{self, RenderRequest, Rendered, Renderer};
use crate::source::SourceMap;
use crate::values::{FieldPath, Node, SetFlag, SetKind, from_tree, parse_yaml, problem};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The largest releases file read.
const MAX_RELEASES_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Why a releases file could not be used.
///
/// ```
/// use tack::releases::{Error, Releases};
/// let releases = Releases::load("tack.yaml".as_ref())?;
/// let error = releases.select(Some("mnist-canry")).unwrap_err();
/// assert!(matches!(error, Error::UnknownRelease { .. }));
/// assert!(error.to_string().ends_with("; did you mean `mnist-canary`?"));
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("{0}")]
    Read(#[source] InputError),
    /// The file is not UTF-8 text.
    #[error("{} is not UTF-8 text", .0.display())]
    NotText(PathBuf),
    /// The file has mistakes; every one found is listed.
    #[error("the releases file has mistakes:\n{0}")]
    Invalid(Diagnostics),
    /// `--only` names no release of the file.
    #[error("--only {only:?}: no release of that name in {} (releases: {names}){suggestion}", path.display())]
    UnknownRelease {
        /// What `--only` said.
        only: String,
        /// The file.
        path: PathBuf,
        /// The releases it has.
        names: String,
        /// `; did you mean ...?`, or nothing.
        suggestion: String,
    },
}

impl Error {
    /// The error as diagnostics, for printing.
    ///
    /// ```
    /// use tack::diagnostic::Check;
    /// let error = tack::releases::Releases::load("missing/tack.yaml".as_ref()).unwrap_err();
    /// let all = error.diagnostics();
    /// assert_eq!(all.items[0].check, Check::Input);
    /// assert!(all.items[0].message.starts_with("cannot read missing/tack.yaml"));
    /// ```
    pub fn diagnostics(&self) -> Diagnostics {
        match self {
            Error::Invalid(diagnostics) => diagnostics.clone(),
            Error::Read(_) => single(Diagnostic::error(Check::Input, self.to_string())),
            Error::NotText(_) | Error::UnknownRelease { .. } => {
                single(Diagnostic::error(Check::Releases, self.to_string()))
            }
        }
    }

    /// True for mistakes in the file (exit 1); false when it cannot be read or `--only`
    /// names nothing (exit 2).
    ///
    /// ```
    /// use tack::releases::{Error, Releases};
    /// let missing = Releases::load("missing/tack.yaml".as_ref()).unwrap_err();
    /// assert!(!missing.is_invalid_input()); // cannot be read: exit 2
    /// assert!(Error::Invalid(Default::default()).is_invalid_input()); // mistakes: exit 1
    /// ```
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Error::Invalid(_) | Error::NotText(_))
    }
}

fn single(diagnostic: Diagnostic) -> Diagnostics {
    Diagnostics::new(vec![diagnostic], SourceMap::new())
}

/// The content of a releases file.
///
/// ```
/// use tack::releases::ReleasesFile;
/// let file: ReleasesFile = serde_json::from_value(serde_json::json!({
///     "releases": [{"name": "mnist", "chart": "charts/model-serving", "setString": ["image.tag=010"]}]
/// }))?;
/// assert_eq!(file.releases[0].set_string, ["image.tag=010"]);
/// assert_eq!(file.releases[0].namespace, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReleasesFile {
    /// The releases, rendered in this order.
    pub releases: Vec<ReleaseEntry>,
}

/// One release of a releases file.
///
/// ```
/// let releases = tack::releases::Releases::load("tack.yaml".as_ref())?;
/// let canary = releases.entries().iter().find(|r| r.name == "mnist-canary").unwrap();
/// assert_eq!(canary.chart, "charts/model-serving");
/// assert_eq!(canary.values, ["values/canary.yaml"]);
/// # Ok::<(), tack::releases::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReleaseEntry {
    /// Release name (`app.kubernetes.io/instance`).
    pub name: String,
    /// Namespace of every object.
    #[serde(default)]
    pub namespace: Option<String>,
    /// The chart folder.
    pub chart: String,
    /// Value files merged over the chart's defaults, in order.
    #[serde(default)]
    pub values: Vec<String>,
    /// `--set` pairs (`path=value`), applied after the files.
    #[serde(default)]
    pub set: Vec<String>,
    /// `--set-string` pairs, applied after `set`.
    #[serde(default)]
    pub set_string: Vec<String>,
}

impl ReleaseEntry {
    /// `namespace/name`, or `name` without a namespace.
    ///
    /// ```
    /// use tack::releases::ReleaseEntry;
    /// let releases = tack::releases::Releases::load("tack.yaml".as_ref())?;
    /// assert_eq!(releases.entries()[0].id(), "ml-rolling/mnist-rolling");
    /// let entry = ReleaseEntry { namespace: None, ..releases.entries()[0].clone() };
    /// assert_eq!(entry.id(), "mnist-rolling");
    /// # Ok::<(), tack::releases::Error>(())
    /// ```
    pub fn id(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}/{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A loaded releases file.
///
/// ```
/// use tack::releases::Releases;
/// let releases = Releases::load("tack.yaml".as_ref())?;
/// let selected = releases.select(Some("ml-canary/mnist-canary"))?;
/// let results = releases.render(&selected, &tack::Renderer::default());
/// let rendered = results[0].1.as_ref().unwrap();
/// assert!(rendered.manifests.iter().any(|m| m.display_name() == "Deployment/ml-canary/mnist-canary"));
/// # Ok::<(), tack::releases::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Releases {
    path: PathBuf,
    dir: PathBuf,
    file: ReleasesFile,
    tree: Node,
    sources: SourceMap,
}

impl Releases {
    /// Reads and checks a releases file: unknown keys (with "did you mean"), invalid names,
    /// and two releases with the same name and namespace are errors at their lines.
    ///
    /// # Errors
    /// The file cannot be read or has mistakes.
    ///
    /// ```
    /// use tack::releases::Releases;
    /// let releases = Releases::load("tack.yaml".as_ref())?;
    /// assert!(releases.entries().iter().any(|r| r.name == "mnist-canary"));
    /// assert!(Releases::load("missing/tack.yaml".as_ref()).is_err());
    /// # Ok::<(), tack::releases::Error>(())
    /// ```
    pub fn load(path: &Path) -> Result<Releases, Error> {
        let bytes =
            crate::input::read_limited(path, MAX_RELEASES_FILE_BYTES).map_err(Error::Read)?;
        let text = String::from_utf8(bytes).map_err(|_| Error::NotText(path.to_path_buf()))?;
        Releases::parse(path, &text)
    }

    /// Reads and checks the text of a releases file that lives at `path` (paths in it are
    /// relative to its folder), as [`Releases::load`] does after reading it.
    ///
    /// # Errors
    /// The text has mistakes.
    ///
    /// ```
    /// use tack::releases::Releases;
    /// let text = "releases:\n  - {name: mnist, chart: charts/model-serving}\n";
    /// let releases = Releases::parse("tack.yaml".as_ref(), text)?;
    /// assert_eq!(releases.entries()[0].name, "mnist");
    /// assert!(Releases::parse("tack.yaml".as_ref(), "releases: []\n").is_err());
    /// # Ok::<(), tack::releases::Error>(())
    /// ```
    pub fn parse(path: &Path, text: &str) -> Result<Releases, Error> {
        let mut sources = SourceMap::new();
        let name = path.display().to_string();
        let invalid = |mut problems: Vec<Diagnostic>, sources: &SourceMap| {
            for problem in &mut problems {
                problem.check = Check::Releases;
            }
            Error::Invalid(Diagnostics::new(problems, sources.clone()))
        };
        let tree = parse_yaml(&mut sources, &name, text)
            .map_err(|problem| invalid(vec![problem], &sources))?;
        let typed = from_tree::<ReleasesFile>(&tree);
        let mut problems = typed.problems;
        if let (Some(file), true) = (&typed.value, problems.is_empty()) {
            problems.extend(check(file, &tree, path.parent().unwrap_or(Path::new(""))));
        }
        match typed.value {
            Some(file) if problems.is_empty() => Ok(Releases {
                path: path.to_path_buf(),
                dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
                file,
                tree,
                sources,
            }),
            _ => Err(invalid(problems, &sources)),
        }
    }

    /// The file's path.
    ///
    /// ```
    /// let releases = tack::releases::Releases::load("tack.yaml".as_ref())?;
    /// assert_eq!(releases.path(), std::path::Path::new("tack.yaml"));
    /// # Ok::<(), tack::releases::Error>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The releases, in file order.
    ///
    /// ```
    /// let releases = tack::releases::Releases::load("tack.yaml".as_ref())?;
    /// let first = &releases.entries()[0];
    /// assert_eq!((first.name.as_str(), first.namespace.as_deref()), ("mnist-rolling", Some("ml-rolling")));
    /// # Ok::<(), tack::releases::Error>(())
    /// ```
    pub fn entries(&self) -> &[ReleaseEntry] {
        &self.file.releases
    }

    /// The releases to render: all, or the one named by `only` (`name` or `namespace/name`).
    ///
    /// # Errors
    /// `only` names no release.
    ///
    /// ```
    /// let releases = tack::releases::Releases::load("tack.yaml".as_ref())?;
    /// assert_eq!(releases.select(None)?.len(), releases.entries().len());
    /// let chosen = releases.select(Some("ml-canary/mnist-canary"))?;
    /// assert_eq!(releases.entries()[chosen[0]].name, "mnist-canary");
    /// assert!(releases.select(Some("nope")).is_err());
    /// # Ok::<(), tack::releases::Error>(())
    /// ```
    pub fn select(&self, only: Option<&str>) -> Result<Vec<usize>, Error> {
        let Some(only) = only else {
            return Ok((0..self.file.releases.len()).collect());
        };
        let chosen: Vec<usize> = self
            .file
            .releases
            .iter()
            .enumerate()
            .filter(|(_, r)| r.name == only || r.id() == only)
            .map(|(i, _)| i)
            .collect();
        if chosen.is_empty() {
            let names: Vec<String> = self.file.releases.iter().map(ReleaseEntry::id).collect();
            let refs: Vec<&str> = names
                .iter()
                .map(String::as_str)
                .chain(self.file.releases.iter().map(|r| r.name.as_str()))
                .collect();
            let suggestion = did_you_mean(only, &refs, '`')
                .map(|hint| format!("; {hint}"))
                .unwrap_or_default();
            return Err(Error::UnknownRelease {
                only: crate::diagnostic::shorten(only, 80).into_owned(),
                path: self.path.clone(),
                names: names.join(", "),
                suggestion,
            });
        }
        Ok(chosen)
    }

    /// The render request of release `index`.
    ///
    /// ```
    /// let releases = tack::releases::Releases::load("tack.yaml".as_ref())?;
    /// let index = releases.select(Some("mnist-canary-ingress"))?[0];
    /// let request = releases.request(index).unwrap();
    /// assert_eq!(request.release.as_deref(), Some("mnist-canary-ingress"));
    /// assert_eq!(request.sets[0].text, "strategy.canary.weight=30");
    /// assert!(releases.request(releases.entries().len()).is_none());
    /// # Ok::<(), tack::releases::Error>(())
    /// ```
    pub fn request(&self, index: usize) -> Option<RenderRequest> {
        let entry = self.file.releases.get(index)?;
        let mut sets: Vec<SetFlag> = entry
            .set
            .iter()
            .map(|s| SetFlag::new(SetKind::Typed, s.clone()))
            .collect();
        sets.extend(
            entry
                .set_string
                .iter()
                .map(|s| SetFlag::new(SetKind::String, s.clone())),
        );
        Some(RenderRequest {
            chart: self.dir.join(&entry.chart),
            value_files: entry.values.iter().map(|v| self.dir.join(v)).collect(),
            sets,
            release: Some(entry.name.clone()),
            namespace: entry.namespace.clone(),
            cwd: self.dir.clone(),
            api_versions: Vec::new(),
        })
    }

    /// Where release `index` is written in the file, as `tack.yaml:4:5`.
    ///
    /// ```
    /// let releases = tack::releases::Releases::load("tack.yaml".as_ref())?;
    /// assert_eq!(releases.describe(0), "tack.yaml:5:5");
    /// # Ok::<(), tack::releases::Error>(())
    /// ```
    pub fn describe(&self, index: usize) -> String {
        let at = self
            .tree
            .locate(&FieldPath::root().key("releases").index(index), false);
        self.sources.describe(at)
    }

    /// Renders the selected releases with `renderer` on all cores. Results come back in
    /// file order, so output is deterministic whatever the scheduling; each chart is loaded
    /// once (the renderer keeps it).
    ///
    /// ```
    /// use tack::releases::Releases;
    /// let releases = Releases::load("tack.yaml".as_ref())?;
    /// let all = releases.select(None)?;
    /// let results = releases.render(&all, &tack::Renderer::default());
    /// let indexes: Vec<usize> = results.iter().map(|(index, _)| *index).collect();
    /// assert_eq!(indexes, all); // in file order
    /// assert!(results.iter().all(|(_, result)| result.is_ok()));
    /// # Ok::<(), tack::releases::Error>(())
    /// ```
    pub fn render(
        &self,
        selected: &[usize],
        renderer: &Renderer,
    ) -> Vec<(usize, Result<Rendered, pipeline::Error>)> {
        let requests: Vec<(usize, RenderRequest)> = selected
            .iter()
            .filter_map(|i| self.request(*i).map(|r| (*i, r)))
            .collect();
        crate::parallel::map_in_order(&requests, |(index, request)| {
            (*index, renderer.render(request))
        })
    }
}

/// Problems a typed releases file can still have. `dir` is its folder.
fn check(file: &ReleasesFile, tree: &Node, dir: &Path) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    // Charts and value files stay inside the releases file's folder: anyone can commit a
    // releases file, and `values: [/proc/self/environ]` would print the CI's environment in
    // the YAML error.
    let root = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }
    .canonicalize()
    .ok();
    for (i, release) in file.releases.iter().enumerate() {
        let path = FieldPath::root().key("releases").index(i);
        let named = std::iter::once((path.key("chart"), &release.chart)).chain(
            release
                .values
                .iter()
                .enumerate()
                .map(|(j, v)| (path.key("values").index(j), v)),
        );
        for (field, given) in named {
            let outside = Path::new(given).is_absolute()
                || match (&root, dir.join(given).canonicalize()) {
                    (Some(root), Ok(real)) => !real.starts_with(root),
                    _ => false,
                };
            if outside {
                problems.push(
                    problem(
                        tree.locate(&field, false),
                        &field,
                        format!(
                            "`{}` is outside the folder of the releases file",
                            crate::diagnostic::shorten(given, 80)
                        ),
                    )
                    .help("paths are relative to the releases file and stay in its folder"),
                );
            }
        }
    }
    let mut seen = BTreeSet::new();
    if file.releases.is_empty() {
        let path = FieldPath::root().key("releases");
        problems.push(
            problem(tree.locate(&path, false), &path, "no releases")
                .help("add e.g. `- {name: mnist, chart: charts/model-serving}`"),
        );
    }
    for (i, release) in file.releases.iter().enumerate() {
        let path = FieldPath::root().key("releases").index(i);
        if !crate::names::is_dns1123_label(&release.name) {
            let name_path = path.key("name");
            problems.push(
                problem(
                    tree.locate(&name_path, false),
                    &name_path,
                    format!("`{}` is not a valid release name", release.name),
                )
                .help("use lowercase letters, digits and `-`, at most 63 characters"),
            );
        }
        if let Some(namespace) = &release.namespace
            && !crate::names::is_dns1123_label(namespace)
        {
            let ns_path = path.key("namespace");
            problems.push(problem(
                tree.locate(&ns_path, false),
                &ns_path,
                format!("`{namespace}` is not a valid namespace"),
            ));
        }
        if !seen.insert(release.id()) {
            let name_path = path.key("name");
            problems.push(
                problem(
                    tree.locate(&name_path, false),
                    &name_path,
                    format!(
                        "release `{}` is listed twice{}",
                        release.name,
                        release
                            .namespace
                            .as_ref()
                            .map(|ns| format!(" in namespace `{ns}`"))
                            .unwrap_or_default()
                    ),
                )
                .help(
                    "two releases with one name and namespace would overwrite each other's objects",
                ),
            );
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Releases, Error> {
        let dir = std::env::temp_dir().join(format!(
            "tack-releases-{}-{}",
            std::process::id(),
            text.len()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("tack.yaml");
        std::fs::write(&path, text).unwrap();
        let result = Releases::load(&path);
        let _ = std::fs::remove_dir_all(&dir);
        result
    }

    fn problems(text: &str) -> Vec<String> {
        match load(text) {
            Err(Error::Invalid(all)) => all
                .items
                .into_iter()
                .map(|p| format!("{}: {}", p.path, p.message))
                .collect(),
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn unknown_keys_and_duplicates_are_errors() {
        assert_eq!(
            problems("releases:\n  - {name: a, chart: c, valeus: [x]}\n"),
            ["releases[0].valeus: unknown key `valeus`"]
        );
        assert_eq!(
            problems(
                "releases:\n  - {name: a, namespace: ml, chart: c}\n  - {name: a, namespace: ml, chart: d}\n  - {name: a, chart: d}\n"
            ),
            ["releases[1].name: release `a` is listed twice in namespace `ml`"]
        );
    }

    #[test]
    fn only_picks_by_name_or_id() {
        let releases =
            load("releases:\n  - {name: a, namespace: ml, chart: c}\n  - {name: b, chart: c}\n")
                .unwrap();
        assert_eq!(releases.select(Some("ml/a")).unwrap(), [0]);
        assert_eq!(releases.select(Some("b")).unwrap(), [1]);
        let err = releases.select(Some("aa")).unwrap_err().to_string();
        assert!(err.contains("no release of that name"), "{err}");
    }
}
