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

use crate::chart::Chart;
use crate::error::Error;
use crate::render::{RenderRequest, RenderValidators, Rendered, render_with_chart};
use crate::source::SourceMap;
use crate::validate::KubeVersion;
use crate::values::{
    FieldPath, Node, Problem, SetFlag, SetKind, ValuesError, from_tree, parse_yaml,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The content of a releases file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReleasesFile {
    /// The releases, rendered in this order.
    pub releases: Vec<ReleaseEntry>,
}

/// One release of a releases file.
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
    pub fn id(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}/{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A loaded releases file.
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
    pub fn load(path: &Path) -> Result<Releases, ValuesError> {
        let text = std::fs::read_to_string(path).map_err(|source| ValuesError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut sources = SourceMap::new();
        let name = path.display().to_string();
        let tree =
            parse_yaml(&mut sources, &name, &text).map_err(|problem| ValuesError::Invalid {
                problems: vec![problem],
                sources: sources.clone(),
            })?;
        let typed = from_tree::<ReleasesFile>(&tree);
        let mut problems = typed.problems;
        if let (Some(file), true) = (&typed.value, problems.is_empty()) {
            problems.extend(check(file, &tree));
        }
        match typed.value {
            Some(file) if problems.is_empty() => Ok(Releases {
                path: path.to_path_buf(),
                dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
                file,
                tree,
                sources,
            }),
            _ => Err(ValuesError::Invalid { problems, sources }),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The releases, in file order.
    pub fn entries(&self) -> &[ReleaseEntry] {
        &self.file.releases
    }

    /// The releases to render: all, or the one named by `only` (`name` or `namespace/name`).
    pub fn select(&self, only: Option<&str>) -> Result<Vec<usize>, ValuesError> {
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
            let suggestion = crate::values::closest_name(only, &refs)
                .map(|best| format!("; did you mean `{best}`?"))
                .unwrap_or_default();
            return Err(ValuesError::BadFlag {
                flag: "--only",
                text: only.to_string(),
                message: format!(
                    "no release of that name in {} (releases: {}){suggestion}",
                    self.path.display(),
                    names.join(", ")
                ),
            });
        }
        Ok(chosen)
    }

    /// The render request of release `index`.
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
            kube_version: None,
        })
    }

    /// Where release `index` is written in the file, as `tack.yaml:4:5`.
    pub fn describe(&self, index: usize) -> String {
        let at = self
            .tree
            .locate(&FieldPath::root().key("releases").index(index), false);
        self.sources.describe(at)
    }

    /// Renders the selected releases for Kubernetes `kube_version` on all cores. Results come back in file order, so
    /// output is deterministic whatever the scheduling. Each chart is loaded once.
    pub fn render(
        &self,
        selected: &[usize],
        kube_version: KubeVersion,
    ) -> Vec<(usize, Result<Rendered, Error>)> {
        let requests: Vec<(usize, RenderRequest)> = selected
            .iter()
            .filter_map(|i| {
                self.request(*i).map(|r| {
                    let request = RenderRequest {
                        kube_version: Some(kube_version),
                        ..r
                    };
                    (*i, request)
                })
            })
            .collect();
        let mut charts: BTreeMap<PathBuf, Option<Chart>> = BTreeMap::new();
        for (_, request) in &requests {
            charts
                .entry(request.chart.clone())
                .or_insert_with(|| Chart::load(&request.chart).ok());
        }
        let validators = RenderValidators::new(kube_version);
        crate::parallel::map_in_order(&requests, |(index, request)| {
            let result = match charts.get(&request.chart).and_then(Option::as_ref) {
                Some(chart) => render_with_chart(chart, request, &validators),
                // Load again to get the error itself (errors are not shared).
                None => Chart::load(&request.chart)
                    .map_err(Error::from)
                    .and_then(|chart| render_with_chart(&chart, request, &validators)),
            };
            (*index, result)
        })
    }
}

/// Problems a typed releases file can still have.
fn check(file: &ReleasesFile, tree: &Node) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    if file.releases.is_empty() {
        let path = FieldPath::root().key("releases");
        problems.push(
            Problem::new(tree.locate(&path, false), path, "no releases")
                .with_help("add e.g. `- {name: mnist, chart: charts/model-serving}`"),
        );
    }
    for (i, release) in file.releases.iter().enumerate() {
        let path = FieldPath::root().key("releases").index(i);
        if !crate::names::is_dns1123_label(&release.name) {
            let name_path = path.key("name");
            problems.push(
                Problem::new(
                    tree.locate(&name_path, false),
                    name_path,
                    format!("`{}` is not a valid release name", release.name),
                )
                .with_help("use lowercase letters, digits and `-`, at most 63 characters"),
            );
        }
        if let Some(namespace) = &release.namespace
            && !crate::names::is_dns1123_label(namespace)
        {
            let ns_path = path.key("namespace");
            problems.push(Problem::new(
                tree.locate(&ns_path, false),
                ns_path,
                format!("`{namespace}` is not a valid namespace"),
            ));
        }
        if !seen.insert(release.id()) {
            let name_path = path.key("name");
            problems.push(
                Problem::new(
                    tree.locate(&name_path, false),
                    name_path,
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
                .with_help(
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

    fn load(text: &str) -> Result<Releases, ValuesError> {
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
            Err(ValuesError::Invalid { problems, .. }) => problems
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
