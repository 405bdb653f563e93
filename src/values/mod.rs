//! Values: reading value files and `--set` flags, merging them by Helm's rules, and turning
//! the result into the typed [`App`] model with every mistake reported where it was made.
//!
//! ```
//! use tack::values::{SetFlag, SetKind, ValuesLoader};
//! let mut loader = ValuesLoader::new();
//! loader.add_yaml("values.yaml", "name: mnist\nimage: {repository: ghcr.io/acme/mnist, tag: '1.0'}\n")?;
//! loader.apply_set(&SetFlag::new(SetKind::Typed, "replicas=3"), std::path::Path::new("."))?;
//! let loaded = loader.finish(None)?;
//! assert_eq!(loaded.app.replicas, 3);
//! # Ok::<(), tack::values::Error>(())
//! ```

mod check;
mod de;
mod error;
#[cfg(test)]
mod helm_parity;
mod load;
pub mod model;
mod path;
mod schema;
mod set;
mod strvals;
mod tree;

pub(crate) use check::{DEFAULT_GRACE_PERIOD, DEFAULT_SHUTDOWN_DELAY, check, is_extended_resource};
pub use error::Error;
pub(crate) use error::{is_sensitive, problem};
pub(crate) use load::{MAX_VALUES_FILE_BYTES, parse_yaml};
pub use model::*;
pub(crate) use path::FieldPath;
pub use schema::{embed_extra_schema, values_schema, values_schema_text};
pub use set::{SetFlag, SetKind};
pub(crate) use tree::{Node, NodeValue, ScalarKind, merge};

pub(crate) use de::from_tree;
pub(crate) use error::path_within;

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::source::{Location, SourceMap};
use std::path::{Path, PathBuf};

/// Layers value sources in order (chart defaults, `-f` files, `--set` flags) into one tree,
/// then reads the typed model from it.
///
/// ```
/// use tack::values::ValuesLoader;
/// let mut values = ValuesLoader::new();
/// values.add_file("charts/model-serving/values.yaml".as_ref())?; // the chart's defaults
/// values.add_file("values/canary.yaml".as_ref())?; // -f values/canary.yaml
/// let app = values.finish(None)?.app;
/// assert_eq!((app.name.as_str(), app.replicas), ("mnist", 10));
/// # Ok::<(), tack::values::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ValuesLoader {
    sources: SourceMap,
    tree: Node,
    warnings: Vec<Diagnostic>,
}

/// Values read into the model, with the tree and sources they came from.
///
/// ```
/// let mut values = tack::values::ValuesLoader::new();
/// values.add_yaml("values.yaml", "name: mnist\nimage: {repository: mnist, tag: '1'}\n")?;
/// values.add_yaml("prod.yaml", "# nothing yet\n")?;
/// let loaded = values.finish(None)?;
/// assert_eq!(loaded.app.name, "mnist");
/// assert_eq!(loaded.sources.len(), 2);
/// assert_eq!(loaded.warnings[0].message, "prod.yaml holds no values; it changes nothing");
/// # Ok::<(), tack::values::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct LoadedValues {
    /// The typed app.
    pub app: App,
    /// The merged tree (for templates and positions).
    pub(crate) tree: Node,
    /// The texts read.
    pub sources: SourceMap,
    /// Things worth telling the user that are not errors (e.g. an empty value file).
    pub warnings: Vec<Diagnostic>,
}

/// Problems with values paths, located in the tree the values were read into, as a values
/// error: for checks that need more than the values (the Kubernetes version or schema).
pub(crate) fn located_error(
    tree: &Node,
    sources: &SourceMap,
    mut problems: Vec<Diagnostic>,
) -> Error {
    locate(tree, &mut problems);
    problems.sort_by_key(|p| (p.location.source, p.location.line, p.location.column));
    Error::Invalid(Diagnostics::new(problems, sources.clone()))
}

/// Points problems without a location at the value their path names (an unknown key's
/// problem at the key), and hides `--set-file` values a message quotes.
fn locate(tree: &Node, problems: &mut [Diagnostic]) {
    for problem in problems {
        let path = FieldPath::parse(&problem.path);
        if !problem.location.is_known() {
            let at_key = problem.message.starts_with("unknown field");
            problem.location = tree.locate(&path, at_key);
        }
        // A check may quote the value; a `--set-file` value is never shown.
        if let Some(NodeValue::Scalar(scalar)) = tree.get(&path).map(|n| &n.value)
            && scalar.sensitive
        {
            problem.sensitive = true;
            if !scalar.text.is_empty() {
                problem.message = problem.message.replace(&scalar.text, "***");
                if let Some(help) = &mut problem.help {
                    *help = help.replace(&scalar.text, "***");
                }
            }
        }
    }
}

impl Default for ValuesLoader {
    fn default() -> Self {
        Self::new()
    }
}

impl ValuesLoader {
    /// A loader with no values yet.
    ///
    /// ```
    /// let values = tack::values::ValuesLoader::new();
    /// assert!(values.sources().is_empty());
    /// // Nothing set yet: `name` and `image` are missing.
    /// assert!(values.finish(None).unwrap_err().is_invalid_input());
    /// ```
    pub fn new() -> Self {
        ValuesLoader {
            sources: SourceMap::new(),
            tree: Node::empty_map(Location::UNKNOWN),
            warnings: Vec::new(),
        }
    }

    /// The texts read so far.
    ///
    /// ```
    /// use tack::source::SourceId;
    /// let mut values = tack::values::ValuesLoader::new();
    /// values.add_yaml("values.yaml", "replicas: 3\n")?;
    /// assert_eq!(values.sources().name(SourceId(0)), "values.yaml");
    /// assert_eq!(values.sources().line_text(SourceId(0), 1), Some("replicas: 3"));
    /// # Ok::<(), tack::values::Error>(())
    /// ```
    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    /// The merged tree so far.
    pub(crate) fn tree(&self) -> &Node {
        &self.tree
    }

    /// Merges YAML text over the values so far; `name` is how messages refer to it.
    ///
    /// ```
    /// let mut values = tack::values::ValuesLoader::new();
    /// values.add_yaml("values.yaml", "name: mnist\nimage: {repository: mnist}\nreplicas: 2\n")?;
    /// values.add_yaml("prod.yaml", "replicas: 5\n")?;
    /// assert_eq!(values.finish(Some("1.0"))?.app.replicas, 5); // the later text wins
    /// assert!(tack::values::ValuesLoader::new().add_yaml("bad.yaml", "a: [1\n").is_err());
    /// # Ok::<(), tack::values::Error>(())
    /// ```
    pub fn add_yaml(&mut self, name: &str, text: &str) -> Result<(), Error> {
        let node = parse_yaml(&mut self.sources, name, text)
            .map_err(|problem| self.invalid(vec![problem]))?;
        if matches!(&node.value, NodeValue::Map(entries) if entries.is_empty()) {
            self.warnings.push(
                Diagnostic::new(
                    Severity::Warning,
                    crate::diagnostic::Check::Values,
                    format!("{name} holds no values; it changes nothing"),
                )
                .at(Location::file(node.location.source)),
            );
        }
        merge(&mut self.tree, node);
        Ok(())
    }

    /// Reads a value file and merges it over the values so far.
    ///
    /// ```
    /// let mut values = tack::values::ValuesLoader::new();
    /// values.add_file("charts/model-serving/values.yaml".as_ref())?;
    /// values.add_file("values/recreate.yaml".as_ref())?;
    /// assert_eq!(values.finish(None)?.app.strategy.kind, tack::values::StrategyType::Recreate);
    /// let missing = tack::values::ValuesLoader::new().add_file("values/missing.yaml".as_ref());
    /// assert!(!missing.unwrap_err().is_invalid_input()); // cannot be read: exit 2
    /// # Ok::<(), tack::values::Error>(())
    /// ```
    pub fn add_file(&mut self, path: &Path) -> Result<(), Error> {
        let text = read_values_file(path, &mut self.sources)?;
        self.add_yaml(&path.display().to_string(), &text)
    }

    /// Applies a `--set`-family flag; files of `--set-file` are read relative to `cwd`.
    ///
    /// ```
    /// use tack::values::{IntOrPercent, SetFlag, SetKind, ValuesLoader};
    /// let mut values = ValuesLoader::new();
    /// values.add_file("charts/model-serving/values.yaml".as_ref())?;
    /// let flag = SetFlag::new(SetKind::Typed, "replicas=5,strategy.rollingUpdate.maxSurge=1");
    /// values.apply_set(&flag, ".".as_ref())?;
    /// let app = values.finish(None)?.app;
    /// assert_eq!(app.replicas, 5);
    /// assert_eq!(app.strategy.rolling_update.unwrap().max_surge, Some(IntOrPercent::Int(1)));
    /// # Ok::<(), tack::values::Error>(())
    /// ```
    pub fn apply_set(&mut self, flag: &SetFlag, cwd: &Path) -> Result<(), Error> {
        set::apply(&mut self.tree, &mut self.sources, flag, cwd)
    }

    /// Reads the typed model. `app_version` (the chart's) is the default image tag.
    /// Files named in `secrets` and `tlsSecrets` are read relative to the value file
    /// that names them.
    ///
    /// ```
    /// let mut values = tack::values::ValuesLoader::new();
    /// values.add_yaml("values.yaml", "name: mnist\nimage: {repository: mnist}\n")?;
    /// let app = values.clone().finish(Some("1.9.1"))?.app;
    /// assert_eq!(app.image.tag.as_deref(), Some("1.9.1")); // the chart's appVersion
    /// values.add_yaml("prod.yaml", "replicsa: 3\n")?;
    /// let error = values.finish(Some("1.9.1")).unwrap_err();
    /// assert_eq!(error.diagnostics().items[0].help.as_deref(), Some("did you mean `replicas`?"));
    /// # Ok::<(), tack::values::Error>(())
    /// ```
    pub fn finish(self, app_version: Option<&str>) -> Result<LoadedValues, Error> {
        let typed = from_tree::<App>(&self.tree);
        let mut problems = typed.problems;
        let Some(mut app) = typed.value else {
            return Err(self.invalid(problems));
        };
        // No tag, or Helm's `tag: ""`: the chart's appVersion.
        if app.image.tag.as_deref().is_none_or(str::is_empty) {
            app.image.tag = app_version.map(str::to_string);
        }
        // Checks of fields that were already wrong (or of what holds them) would only
        // repeat a problem in other words.
        let replaced: Vec<String> = typed
            .replaced
            .iter()
            .map(|r| {
                if r.is_root() {
                    String::new()
                } else {
                    r.to_string()
                }
            })
            .collect();
        let related = |path: &str| {
            replaced
                .iter()
                .any(|r| path_within(path, r) || path_within(r, path))
        };
        problems.extend(check(&app).into_iter().filter(|p| !related(&p.path)));
        if problems.is_empty() {
            problems.extend(self.read_secret_files(&mut app));
        }
        if !problems.is_empty() {
            locate(&self.tree, &mut problems);
            return Err(self.invalid(problems));
        }
        Ok(LoadedValues {
            app,
            tree: self.tree,
            sources: self.sources,
            warnings: self.warnings,
        })
    }

    fn invalid(&self, mut problems: Vec<Diagnostic>) -> Error {
        problems.sort_by_key(|p| (p.location.source, p.location.line, p.location.column));
        Error::Invalid(Diagnostics::new(problems, self.sources.clone()))
    }

    /// Replaces `file`, `certFile` and `keyFile` references by the files' content.
    fn read_secret_files(&self, app: &mut App) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for (key, secret) in &mut app.secrets {
            if let Some(file) = secret.file.take() {
                let path = FieldPath::parse("secrets").key(key.as_str()).key("file");
                match self.read_referenced(&path, &file) {
                    Ok(text) => secret.value = Some(text),
                    Err(problem) => problems.push(problem),
                }
            }
        }
        for (name, tls) in &mut app.tls_secrets {
            let base = FieldPath::parse("tlsSecrets").key(name.as_str());
            if let Some(file) = tls.cert_file.take() {
                match self.read_referenced(&base.key("certFile"), &file) {
                    Ok(text) => tls.cert = Some(text),
                    Err(problem) => problems.push(problem),
                }
            }
            if let Some(file) = tls.key_file.take() {
                match self.read_referenced(&base.key("keyFile"), &file) {
                    Ok(text) => tls.key = Some(text),
                    Err(problem) => problems.push(problem),
                }
            }
        }
        problems
    }

    fn read_referenced(&self, field: &FieldPath, file: &str) -> Result<String, Diagnostic> {
        let location = self.tree.locate(field, false);
        let base = self
            .sources
            .get(location.source)
            .map(|s| Path::new(&*s.name))
            .filter(|p| p.is_file())
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let path: PathBuf = base.join(file);
        let unreadable = |message: String| {
            problem(location, field, message).help(
                "paths are relative to the value file that names them, and stay in its folder",
            )
        };
        // A value file may only name files in its own folder (or below): anyone can commit
        // a value file, and `file: /proc/self/environ` would put the CI's environment into
        // a rendered Secret.
        let folder = if base.as_os_str().is_empty() {
            Path::new(".")
        } else {
            base.as_path()
        };
        let inside = match (folder.canonicalize(), path.canonicalize()) {
            (Ok(folder), Ok(real)) => real.starts_with(folder),
            (_, Err(err)) => {
                return Err(unreadable(format!("cannot read {}: {err}", path.display())));
            }
            (Err(_), _) => false,
        };
        if !inside || Path::new(file).is_absolute() {
            return Err(unreadable(format!(
                "{file} is outside the folder of the value file that names it"
            )));
        }
        let bytes = crate::input::read_limited(&path, MAX_VALUES_FILE_BYTES)
            .map_err(|err| unreadable(err.to_string()))?;
        String::from_utf8(bytes)
            .map_err(|_| unreadable(format!("{} is not UTF-8 text", path.display())))
    }
}

/// Reads a value file: refuses files over [`MAX_VALUES_FILE_BYTES`] and reports text that is
/// not UTF-8 at the line and column of the first bad byte.
fn read_values_file(path: &Path, sources: &mut SourceMap) -> Result<String, Error> {
    let bytes = crate::input::read_limited(path, MAX_VALUES_FILE_BYTES).map_err(Error::Input)?;
    String::from_utf8(bytes).map_err(|err| {
        let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
        let before = String::from_utf8_lossy(valid);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let name = path.display().to_string();
        let id = sources.add(name, String::from_utf8_lossy(err.as_bytes()).into_owned());
        let problem = problem(
            Location {
                source: id,
                line: u32::try_from(line).unwrap_or(u32::MAX),
                column: u32::try_from(column).unwrap_or(u32::MAX),
            },
            &FieldPath::root(),
            "the file is not UTF-8 text",
        )
        .help("value files are YAML, which must be UTF-8; is this a binary file?");
        Error::Invalid(Diagnostics::new(vec![problem], sources.clone()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "name: mnist\nimage:\n  repository: ghcr.io/acme/mnist\n  tag: '1.0'\n";

    fn load(extra: &str) -> Result<LoadedValues, Error> {
        let mut loader = ValuesLoader::new();
        loader.add_yaml("values.yaml", BASE)?;
        loader.add_yaml("prod.yaml", extra)?;
        loader.finish(None)
    }

    fn problems(extra: &str) -> Vec<String> {
        match load(extra) {
            Err(Error::Invalid(all)) => {
                all.items.iter().map(|p| p.describe(&all.sources)).collect()
            }
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn unknown_keys_get_did_you_mean() {
        assert_eq!(
            problems("replicsa: 3\n"),
            [
                "prod.yaml:1:1: error[values] replicsa: unknown key `replicsa` (help: did you mean `replicas`?)"
            ]
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_position() {
        let found = problems(
            "replicas: three\nservice:\n  prot: 80\n  type: Balancer\nstrategy:\n  type: canary\n  canary: {weight: 150, tag: '2'}\n",
        );
        assert_eq!(
            found,
            [
                "prod.yaml:1:11: error[values] replicas: expected a non-negative integer, found a string `three`",
                "prod.yaml:3:3: error[values] service.prot: unknown key `prot` (help: did you mean `port`?)",
                "prod.yaml:4:9: error[values] service.type: `Balancer` is not one of `ClusterIP`, `NodePort` or `LoadBalancer` (help: did you mean `LoadBalancer`?)",
                "prod.yaml:7:20: error[values] strategy.canary.weight: expected a percentage from 0 to 100, found 150",
            ]
        );
    }

    #[test]
    fn missing_required_keys_point_at_their_mapping() {
        let mut loader = ValuesLoader::new();
        loader
            .add_yaml("values.yaml", "image: {tag: '1'}\n")
            .unwrap();
        let Err(Error::Invalid(all)) = loader.finish(None) else {
            panic!("expected problems");
        };
        let found: Vec<String> = all.items.iter().map(|p| p.describe(&all.sources)).collect();
        assert_eq!(
            found,
            [
                "values.yaml:1:1: error[values] name: missing required key `name`",
                "values.yaml:1:8: error[values] image.repository: missing required key `repository`",
            ]
        );
    }

    #[test]
    fn secret_values_never_appear_in_messages() {
        let found = problems("secrets:\n  apiKey: {value: [hunter2], envName: API_KEY}\n");
        assert_eq!(found.len(), 1);
        assert!(!found[0].contains("hunter2"), "{}", found[0]);
        let Err(Error::Invalid(all)) = load("secrets:\n  apiKey: {value: [hunter2]}\n") else {
            panic!("expected problems");
        };
        assert!(all.items[0].sensitive);
    }

    #[test]
    fn strings_keep_their_spelling_and_numbers_stay_numbers() {
        let loaded = load("image: {tag: 1.10}\nenv: {WORKERS: 4, RATIO: 0.50}\n").unwrap();
        assert_eq!(loaded.app.image.tag.as_deref(), Some("1.10"));
        assert_eq!(loaded.app.env["RATIO"], EnvValue::Value("0.50".into()));
        assert_eq!(loaded.app.env["WORKERS"], EnvValue::Value("4".into()));
    }

    #[test]
    fn quoted_numbers_get_a_hint() {
        assert_eq!(
            problems("replicas: '3'\n"),
            [
                "prod.yaml:1:11: error[values] replicas: expected a non-negative integer, found a string `3` (help: remove the quotes: a quoted number is a string)"
            ]
        );
    }

    #[test]
    fn chart_app_version_is_the_default_tag() {
        let mut loader = ValuesLoader::new();
        loader
            .add_yaml("values.yaml", "name: mnist\nimage: {repository: r}\n")
            .unwrap();
        assert_eq!(
            loader.finish(Some("3.1")).unwrap().app.image.tag.as_deref(),
            Some("3.1")
        );
        // Helm charts write `tag: ""` for "the appVersion".
        let mut loader = ValuesLoader::new();
        loader
            .add_yaml(
                "values.yaml",
                "name: mnist
image: {repository: r, tag: \"\"}
",
            )
            .unwrap();
        assert_eq!(
            loader.finish(Some("3.1")).unwrap().app.image.tag.as_deref(),
            Some("3.1")
        );
    }

    #[test]
    fn empty_files_warn() {
        let loaded = load("# nothing here\n").unwrap();
        assert_eq!(
            loaded.warnings[0].message,
            "prod.yaml holds no values; it changes nothing"
        );
    }
}
