//! Chart templates: `templates/*.yaml` rendered with minijinja into extra objects
//! (ConfigMaps, PVCs, Jobs, CronJobs, HPAs, ...) that the typed model does not cover.
//!
//! Templates see `values` (the typed values with every key present, plus the chart's
//! `extra` keys), `release` (`name`, `namespace`, `revision`), `chart` (`Chart.yaml`) and
//! `capabilities` (`kubeVersion`, `apiVersions`). Undefined variables are errors. `_*.yaml` files are
//! partials for `include` and render nothing themselves. Output is parsed as YAML documents;
//! an error in it points at the template line that wrote the bad line.

mod functions;
mod go_syntax;
pub(crate) use go_syntax::minijinja_form;
mod markers;
mod scrub;

pub use functions::MAX_INCLUDE_DEPTH;

use super::Error;
use crate::diagnostic::{Check, Diagnostic, Diagnostics};
use crate::input::InputError;
use crate::kube_version::KubeVersion;
use crate::source::{Location, SourceId, SourceMap};
use crate::yaml::json::{YamlDocument, read_documents};
use crate::yaml::{Limits, Parsed};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Templates that fail to compile or to render, or write something that is not YAML: every
/// problem found, at template positions.
///
/// ```
/// use tack::chart::Templates;
/// use tack::diagnostic::Check;
/// let error = Templates::from_sources([("cm.yaml", "name: {{ values.name\n")]).unwrap_err();
/// assert_eq!(error.0.items[0].check, Check::Template);
/// assert!(error.to_string().starts_with("template errors:\n"));
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[error("template errors:\n{0}")]
pub struct TemplateError(pub Diagnostics);

/// Largest template file read.
const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// The work a template may do before it is stopped: minijinja charges one fuel per
/// instruction and one per 64 bytes of data it produces, so this bounds runaway loops and
/// strings that double in size alike (at most about 128 MiB of data per template).
const FUEL: u64 = 2_000_000;

/// The most a template may write: a manifest is a few KB.
pub(crate) const MAX_OUTPUT_BYTES: usize = 16 * 1024 * 1024;

/// The longest `{{ ... }}` or `{% ... %}` tag: longer ones are refused before minijinja
/// parses them, because a very long expression (`1 + 1 + ...` with 30,000 terms) nests
/// the syntax tree so deep that compiling it would exhaust the stack.
const MAX_TAG_BYTES: usize = 20_000;

/// How deep macros and `{% include %}` may call each other.
const RECURSION_LIMIT: usize = 100;

/// One template file of a chart.
///
/// ```
/// let chart = tack::chart::Chart::load("charts/mnist-pipeline".as_ref())?;
/// let file = &chart.templates().files()[0];
/// assert_eq!(file.name, "_labels.yaml");
/// assert_eq!(file.display, "charts/mnist-pipeline/templates/_labels.yaml");
/// assert!(file.source.contains("app.kubernetes.io/name"));
/// # Ok::<(), tack::chart::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// Name relative to `templates/`, e.g. `job.yaml` or `_helpers.yaml`.
    pub name: String,
    /// How messages name the file, e.g. `charts/mnist-pipeline/templates/job.yaml`.
    pub display: String,
    /// The template text.
    pub source: String,
}

impl TemplateFile {
    /// True for `_*.yaml` partials, which only `include` renders.
    ///
    /// ```
    /// use tack::chart::Templates;
    /// let names = ["_helpers.yaml", "cm.yaml", "jobs/_env.yaml"];
    /// let templates = Templates::from_sources(names.map(|name| (name, "")))?;
    /// let partial: Vec<bool> = templates.files().iter().map(|f| f.is_partial()).collect();
    /// assert_eq!(partial, [true, false, true]);
    /// # Ok::<(), tack::chart::TemplateError>(())
    /// ```
    pub fn is_partial(&self) -> bool {
        self.name
            .rsplit('/')
            .next()
            .is_some_and(|base| base.starts_with('_'))
    }

    /// True for `NOTES.txt`, Helm's usage notes: rendered apart, printed to stderr, never a
    /// manifest.
    ///
    /// ```
    /// let templates = tack::chart::Templates::from_sources([("NOTES.txt", "hi"), ("cm.yaml", "")])?;
    /// let notes: Vec<bool> = templates.files().iter().map(|f| f.is_notes()).collect();
    /// assert_eq!(notes, [true, false]);
    /// # Ok::<(), tack::chart::TemplateError>(())
    /// ```
    pub fn is_notes(&self) -> bool {
        self.name == NOTES
    }
}

/// The name of Helm's usage notes in `templates/`.
const NOTES: &str = "NOTES.txt";

/// The most text `NOTES.txt` may print.
const MAX_NOTES_BYTES: usize = 64 * 1024;

/// The variables a template sees besides `values`.
///
/// ```
/// use tack::chart::Templates;
/// use tack::chart::templates::{ReleaseInfo, TemplateContext};
/// let template = "release: {{ release.name }}\nnamespace: {{ release.namespace }}\n";
/// let templates = Templates::from_sources([("r.yaml", template)])?;
/// let context = TemplateContext {
///     values: serde_json::json!({}),
///     release: ReleaseInfo { name: "prod".into(), namespace: Some("ml".into()), revision: 1 },
///     chart: serde_json::json!({}),
///     kube_version: tack::KubeVersion::LATEST,
///     secrets: Vec::new(),
///     objects: serde_json::Value::Null,
///     api_versions: Vec::new(),
/// };
/// let rendered = &templates.render(&context)?[0].value;
/// assert_eq!(rendered, &serde_json::json!({"release": "prod", "namespace": "ml"}));
/// # Ok::<(), tack::chart::TemplateError>(())
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseInfo {
    /// Release name.
    pub name: String,
    /// Namespace, if set.
    pub namespace: Option<String>,
    /// Always 1: tack never reads the cluster to count upgrades (as `helm template`).
    pub revision: u32,
}

/// Everything a template sees.
///
/// ```
/// use tack::chart::Templates;
/// use tack::chart::templates::{ReleaseInfo, TemplateContext};
/// let context = TemplateContext {
///     values: serde_json::json!({"name": "mnist", "extra": {"key": "hunter2"}}),
///     release: ReleaseInfo { name: "prod".into(), namespace: None, revision: 1 },
///     chart: serde_json::json!({"name": "demo"}),
///     kube_version: tack::KubeVersion::new(33),
///     secrets: vec!["hunter2".into()],
///     objects: serde_json::Value::Null,
///     api_versions: Vec::new(),
/// };
/// let templates = Templates::from_sources([("v.yaml", "kube: {{ capabilities.kubeVersion }}\n")])?;
/// assert_eq!(templates.render(&context)?[0].value["kube"], "1.33.0");
/// let failing = Templates::from_sources([("f.yaml", "{{ fail('bad key ' ~ values.extra.key) }}")])?;
/// assert!(!failing.render(&context).unwrap_err().to_string().contains("hunter2")); // scrubbed
/// # Ok::<(), tack::chart::TemplateError>(())
/// ```
#[derive(Debug, Clone)]
pub struct TemplateContext {
    /// `values`: the typed values (every key present) and the chart's `extra` keys.
    pub values: serde_json::Value,
    /// `release`.
    pub release: ReleaseInfo,
    /// `chart`: the fields of `Chart.yaml`.
    pub chart: serde_json::Value,
    /// `capabilities.kubeVersion` (templates see it as `1.37.0`).
    pub kube_version: KubeVersion,
    /// Secret strings, scrubbed from any error message.
    pub secrets: Vec<String>,
    /// `objects`: the names and selector labels of the objects the strategy rendered
    /// (`objects.deployments[*].name`, `objects.selector`, `objects.service.name`...).
    pub objects: serde_json::Value,
    /// `capabilities.apiVersions`: `group/version` and `group/version/Kind` of what the
    /// cluster serves (`capabilities.apiVersions.has("apps/v1")`).
    pub api_versions: Vec<String>,
}

/// One YAML document written by a template.
///
/// ```
/// # use tack::chart::templates::{ReleaseInfo, TemplateContext};
/// # let context = TemplateContext {
/// #     values: serde_json::json!({"name": "mnist"}),
/// #     release: ReleaseInfo { name: "prod".into(), namespace: None, revision: 1 },
/// #     chart: serde_json::json!({"name": "demo"}),
/// #     kube_version: tack::KubeVersion::LATEST,
/// #     secrets: Vec::new(),
/// #     objects: serde_json::Value::Null,
/// #     api_versions: Vec::new(),
/// # };
/// let templates = tack::chart::Templates::from_sources([("two.yaml", "kind: A\n---\nkind: B\n")])?;
/// let documents = templates.render(&context)?;
/// assert_eq!((documents[1].template.as_str(), documents[1].line), ("two.yaml", 3));
/// assert_eq!(documents[1].value["kind"], "B");
/// # Ok::<(), tack::chart::TemplateError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedDocument {
    /// The template file, e.g. `configmap.yaml`.
    pub template: String,
    /// 1-based line in the template's output where the document starts.
    pub line: u32,
    /// The document.
    pub value: serde_json::Value,
    /// Keys the output gives twice in one mapping with the same value (kept once), with
    /// the output line of the second: worth a warning, not an error.
    pub identical_duplicates: Vec<(u32, String)>,
    /// The output line of each node, so problems in the object can point at lines.
    pub(crate) lines: crate::yaml::NodeLines,
}

/// The templates of a chart, compiled once.
///
/// ```
/// # use tack::chart::templates::{ReleaseInfo, TemplateContext};
/// # let context = TemplateContext {
/// #     values: serde_json::json!({"name": "mnist"}),
/// #     release: ReleaseInfo { name: "prod".into(), namespace: None, revision: 1 },
/// #     chart: serde_json::json!({"name": "demo"}),
/// #     kube_version: tack::KubeVersion::LATEST,
/// #     secrets: Vec::new(),
/// #     objects: serde_json::Value::Null,
/// #     api_versions: Vec::new(),
/// # };
/// let templates = tack::chart::Templates::from_sources([
///     ("_name.yaml", "{{ values.name }}-settings"),
///     ("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include('_name.yaml') }}\n"),
/// ])?;
/// let documents = templates.render(&context)?; // partials render nothing themselves
/// assert_eq!(documents.len(), 1);
/// assert_eq!(documents[0].value["metadata"]["name"], "mnist-settings");
/// # Ok::<(), tack::chart::TemplateError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Templates {
    files: Vec<TemplateFile>,
    /// The template texts, for messages.
    sources: SourceMap,
    /// `sources` id of each file.
    ids: Vec<SourceId>,
    /// The compiled environment (none without templates).
    env: Option<Arc<Environment<'static>>>,
}

impl Templates {
    /// Reads and compiles `templates/` of a chart folder (recursively; `.yaml`, `.yml` and
    /// `.tpl` files). Files that resolve outside the chart folder `root` (canonical; through
    /// symlinks) are refused.
    pub(crate) fn load(chart_dir: &Path, root: &Path) -> Result<Templates, Error> {
        let files = read_files(chart_dir, root)?;
        if files.is_empty() {
            return Ok(Templates::default());
        }
        Ok(Templates::compile(files)?)
    }

    /// Templates from memory (name, text), compiled, for tests and tools.
    ///
    /// # Errors
    /// A template does not compile.
    ///
    /// ```
    /// use tack::chart::Templates;
    /// let templates = Templates::from_sources([("cm.yaml", "kind: ConfigMap\n")])?;
    /// assert_eq!(templates.files().len(), 1);
    /// assert!(Templates::from_sources([("bad.yaml", "{{ x")]).is_err());
    /// # Ok::<(), tack::chart::TemplateError>(())
    /// ```
    pub fn from_sources<N: Into<String>, S: Into<String>>(
        sources: impl IntoIterator<Item = (N, S)>,
    ) -> Result<Self, TemplateError> {
        let mut files: Vec<TemplateFile> = sources
            .into_iter()
            .map(|(name, source)| {
                let name = name.into();
                TemplateFile {
                    display: format!("templates/{name}"),
                    name,
                    source: source.into(),
                }
            })
            .collect();
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Templates::compile(files)
    }

    fn compile(files: Vec<TemplateFile>) -> Result<Templates, TemplateError> {
        if files.is_empty() {
            return Ok(Templates::default());
        }
        let mut sources = SourceMap::new();
        let ids: Vec<SourceId> = files
            .iter()
            .map(|f| sources.add(f.display.clone(), f.source.as_str()))
            .collect();
        let too_long: Vec<Diagnostic> = files
            .iter()
            .zip(&ids)
            .filter_map(|(file, id)| {
                let (line, column) = longest_tag_over(&file.source, MAX_TAG_BYTES)?;
                Some(
                    Diagnostic::error(
                        Check::Template,
                        format!("a tag longer than {MAX_TAG_BYTES} bytes"),
                    )
                    .at(Location {
                        source: *id,
                        line,
                        column,
                    })
                    .help("split the expression into several `{% set %}` steps or a macro"),
                )
            })
            .collect();
        if !too_long.is_empty() {
            return Err(TemplateError(Diagnostics::new(too_long, sources)));
        }
        let mut templates = Templates {
            files,
            sources,
            ids,
            env: None,
        };
        match templates.compile_with_room(false) {
            Ok(env) => templates.env = Some(Arc::new(env)),
            Err(err) => {
                let reporter = templates.reporter(&[]);
                return Err(TemplateError(Diagnostics::new(
                    vec![reporter.problem(&err)],
                    templates.sources.clone(),
                )));
            }
        }
        Ok(templates)
    }

    /// Builds the environment on a thread with a known, large stack: minijinja's compiler
    /// recurses over the syntax tree, whose depth the tag length bounds.
    fn compile_with_room(&self, marked: bool) -> Result<Environment<'static>, minijinja::Error> {
        const COMPILER_STACK: usize = 64 * 1024 * 1024;
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("tack-templates".into())
                .stack_size(COMPILER_STACK)
                .spawn_scoped(scope, || self.environment(marked))
                .map_err(|err| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("cannot start the template compiler: {err}"),
                    )
                })?
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }

    /// Renders `NOTES.txt`, if the chart has one: the text Helm prints after an install,
    /// secrets replaced by `***`, at most 64 KiB.
    ///
    /// # Errors
    /// The notes template fails.
    ///
    /// ```
    /// # use tack::chart::templates::{ReleaseInfo, TemplateContext};
    /// # let context = TemplateContext {
    /// #     values: serde_json::json!({"name": "mnist"}),
    /// #     release: ReleaseInfo { name: "prod".into(), namespace: None, revision: 1 },
    /// #     chart: serde_json::json!({"name": "demo"}),
    /// #     kube_version: tack::KubeVersion::LATEST,
    /// #     secrets: Vec::new(),
    /// #     objects: serde_json::Value::Null,
    /// #     api_versions: Vec::new(),
    /// # };
    /// let templates = tack::chart::Templates::from_sources([("NOTES.txt", "Open {{ release.name }}.")])?;
    /// assert_eq!(templates.render_notes(&context)?.as_deref(), Some("Open prod."));
    /// assert!(templates.render(&context)?.is_empty()); // not a manifest
    /// # Ok::<(), tack::chart::TemplateError>(())
    /// ```
    pub fn render_notes(&self, context: &TemplateContext) -> Result<Option<String>, TemplateError> {
        let (Some(env), true) = (&self.env, self.files.iter().any(TemplateFile::is_notes)) else {
            return Ok(None);
        };
        let reporter = self.reporter(&context.secrets);
        functions::start_render();
        let mut output = LimitedOutput::default();
        let rendered = env.get_template(NOTES).and_then(|template| {
            template
                .render_captured_to(context_value(context), &mut output)
                .map(drop)
        });
        if let Err(err) = rendered {
            return Err(TemplateError(Diagnostics::new(
                vec![reporter.problem(&err)],
                self.sources.clone(),
            )));
        }
        let text = String::from_utf8_lossy(&output.bytes);
        let text = crate::diagnostic::shorten(&text, MAX_NOTES_BYTES);
        Ok(Some(reporter.scrub(&text)))
    }

    fn reporter(&self, secrets: &[String]) -> Reporter<'_> {
        Reporter {
            files: &self.files,
            ids: &self.ids,
            scrubber: scrub::Scrubber::new(secrets),
        }
    }

    /// The template files, by name.
    ///
    /// ```
    /// let templates = tack::chart::Templates::from_sources([("job.yaml", ""), ("cm.yaml", "")])?;
    /// let names: Vec<&str> = templates.files().iter().map(|f| f.name.as_str()).collect();
    /// assert_eq!(names, ["cm.yaml", "job.yaml"]);
    /// # Ok::<(), tack::chart::TemplateError>(())
    /// ```
    pub fn files(&self) -> &[TemplateFile] {
        &self.files
    }

    /// True when the chart has no templates.
    ///
    /// ```
    /// use tack::chart::Chart;
    /// assert!(Chart::load("charts/model-serving".as_ref())?.templates().is_empty());
    /// assert!(!Chart::load("charts/mnist-pipeline".as_ref())?.templates().is_empty());
    /// # Ok::<(), tack::chart::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Renders every template that is not a partial, in name order, into YAML documents.
    ///
    /// # Errors
    /// Every template that fails or writes something that is not YAML.
    ///
    /// ```
    /// use tack::diagnostic::Check;
    /// # use tack::chart::templates::{ReleaseInfo, TemplateContext};
    /// # let context = TemplateContext {
    /// #     values: serde_json::json!({"name": "mnist"}),
    /// #     release: ReleaseInfo { name: "prod".into(), namespace: None, revision: 1 },
    /// #     chart: serde_json::json!({"name": "demo"}),
    /// #     kube_version: tack::KubeVersion::LATEST,
    /// #     secrets: Vec::new(),
    /// #     objects: serde_json::Value::Null,
    /// #     api_versions: Vec::new(),
    /// # };
    /// let templates = tack::chart::Templates::from_sources([("cm.yaml", "n: {{ values.nmae }}\n")])?;
    /// let error = templates.render(&context).unwrap_err(); // undefined variables are errors
    /// assert_eq!(error.0.items[0].check, Check::Template);
    /// # Ok::<(), tack::chart::TemplateError>(())
    /// ```
    pub fn render(
        &self,
        context: &TemplateContext,
    ) -> Result<Vec<RenderedDocument>, TemplateError> {
        let Some(env) = &self.env else {
            return Ok(Vec::new());
        };
        let reporter = self.reporter(&context.secrets);
        let ctx = context_value(context);
        let mut documents = Vec::new();
        let mut problems = Vec::new();
        for (index, file) in self.files.iter().enumerate() {
            if file.is_partial() || file.is_notes() {
                continue;
            }
            functions::start_render();
            let mut output = LimitedOutput::default();
            let rendered = env
                .get_template(&file.name)
                .and_then(|template| template.render_captured_to(&ctx, &mut output).map(drop));
            let output = match (rendered, output.overflowed) {
                (_, true) => {
                    problems.push(reporter.too_large(index));
                    continue;
                }
                (Ok(_), false) => String::from_utf8_lossy(&output.bytes).into_owned(),
                (Err(err), false) => {
                    let mut problem = reporter.problem(&err);
                    if let Some(suggestion) = close_key(&problem.message, context) {
                        problem.help = Some(match problem.help {
                            Some(help) => format!("did you mean `{suggestion}`? ({help})"),
                            None => format!("did you mean `{suggestion}`?"),
                        });
                    }
                    problems.push(problem);
                    continue;
                }
            };
            match parse_documents(&output) {
                Ok(parsed) => {
                    documents.extend(parsed.into_iter().map(|document| RenderedDocument {
                        template: file.name.clone(),
                        line: document.line,
                        value: document.value,
                        identical_duplicates: document.identical_duplicates,
                        lines: crate::yaml::NodeLines(Some(std::sync::Arc::new(document.lines))),
                    }))
                }
                Err(error) => {
                    let line = error.line.max(1);
                    let message = error.message_hiding(|text| reporter.scrub(text));
                    let origin = self.locate_output_line(index, &ctx, line);
                    problems.push(reporter.output_problem(index, origin, line, &message));
                }
            }
        }
        if problems.is_empty() {
            Ok(documents)
        } else {
            Err(TemplateError(Diagnostics::new(
                problems,
                self.sources.clone(),
            )))
        }
    }

    /// The environment: strict, no escaping, Helm-like helpers, blocks trimmed like Ansible
    /// (a `{% if %}` line leaves no blank line). With `marked`, templates carry line markers.
    fn environment(&self, marked: bool) -> Result<Environment<'static>, minijinja::Error> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_fuel(Some(FUEL));
        env.set_recursion_limit(RECURSION_LIMIT);
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()?;
        env.set_syntax(syntax);
        functions::register(&mut env);
        env.set_loader(|name| {
            if name.contains("..") || name.starts_with('/') || name.contains('\\') {
                return Err(minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    format!("refused to include `{name}`: includes name templates of this chart, such as `_helpers.yaml`, never paths outside it"),
                ));
            }
            Ok(None::<String>)
        });
        for (index, file) in self.files.iter().enumerate() {
            let source = if marked {
                markers::instrument(&file.source, index)
            } else {
                file.source.clone()
            };
            env.add_template_owned(file.name.clone(), source)?;
        }
        Ok(env)
    }

    /// For each output line of template `name` rendered with `context`, the line of `name`
    /// that wrote it (`None` where an include or nothing known did). Renders the template
    /// again with line markers: for problems only.
    pub(crate) fn output_lines(&self, context: &TemplateContext, name: &str) -> Vec<Option<u32>> {
        let Some(index) = self.files.iter().position(|f| f.name == name) else {
            return Vec::new();
        };
        let Ok(env) = self.compile_with_room(true) else {
            return Vec::new();
        };
        let ctx = context_value(context);
        let Some(output) = env
            .get_template(name)
            .ok()
            .and_then(|template| template.render(&ctx).ok())
        else {
            return Vec::new();
        };
        let (_, origins) = markers::strip(&output);
        origins
            .into_iter()
            .map(|origin| {
                origin
                    .filter(|(file, _)| *file == index)
                    .map(|(_, line)| line)
            })
            .collect()
    }

    /// Renders template `index` again with line markers to find which template line wrote
    /// output line `line`.
    fn locate_output_line(
        &self,
        index: usize,
        ctx: &minijinja::Value,
        line: u32,
    ) -> Option<markers::Origin> {
        let env = self.compile_with_room(true).ok()?;
        let output = env
            .get_template(&self.files.get(index)?.name)
            .ok()?
            .render(ctx)
            .ok()?;
        let (_, origins) = markers::strip(&output);
        origins
            .get(usize::try_from(line).ok()?.checked_sub(1)?)
            .copied()
            .flatten()
    }
}

/// For "undefined: `values.extra.sise` is undefined": the key of what templates see that
/// is closest to the undefined one, with its path (`values.extra.size`).
fn close_key(message: &str, context: &TemplateContext) -> Option<String> {
    let path = message
        .strip_prefix("undefined: `")?
        .strip_suffix("` is undefined")?;
    let (parent, last) = match path.rsplit_once('.') {
        Some((parent, last)) => (Some(parent), last),
        None => (None, path),
    };
    let seen = serde_json::json!({
        "values": context.values,
        "release": context.release,
        "chart": context.chart,
        "capabilities": {"kubeVersion": context.kube_version.full(), "apiVersions": []},
        "objects": context.objects,
    });
    let mut node = &seen;
    for segment in parent.into_iter().flat_map(|p| p.split('.')) {
        node = node.get(segment)?;
    }
    let keys: Vec<&str> = node.as_object()?.keys().map(String::as_str).collect();
    let best = crate::diagnostic::closest(last, keys.iter().copied())?;
    Some(match parent {
        Some(parent) => format!("{parent}.{best}"),
        None => best.to_string(),
    })
}

/// `capabilities.apiVersions`: a list templates iterate or test with `in`, and Helm's
/// `.Has`: `capabilities.apiVersions.has("policy/v1")`.
#[derive(Debug)]
struct ApiVersions(Vec<String>);

impl minijinja::value::Object for ApiVersions {
    fn repr(self: &std::sync::Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Seq
    }

    fn get_value(self: &std::sync::Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        let index = key.as_usize()?;
        self.0
            .get(index)
            .map(|v| minijinja::Value::from(v.as_str()))
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Seq(self.0.len())
    }

    fn call_method(
        self: &std::sync::Arc<Self>,
        _state: &mut minijinja::State<'_, '_>,
        method: &str,
        args: &[minijinja::Value],
    ) -> Result<minijinja::Value, minijinja::Error> {
        match (method, args) {
            ("has", [wanted]) => {
                let wanted = wanted.as_str().unwrap_or_default();
                Ok(minijinja::Value::from(self.0.iter().any(|v| v == wanted)))
            }
            _ => Err(minijinja::Error::new(
                minijinja::ErrorKind::UnknownMethod,
                "capabilities.apiVersions has one method: has(\"group/version\")",
            )),
        }
    }
}

/// What templates see: `values`, `release`, `chart`, `capabilities`, `objects`.
fn context_value(context: &TemplateContext) -> minijinja::Value {
    minijinja::context! {
        values => minijinja::Value::from(minijinja::value::Serde(&context.values)),
        release => minijinja::Value::from(minijinja::value::Serde(&context.release)),
        chart => minijinja::Value::from(minijinja::value::Serde(&context.chart)),
        capabilities => minijinja::context! {
            kubeVersion => context.kube_version.full(),
            apiVersions => minijinja::Value::from_object(ApiVersions(context.api_versions.clone())),
        },
        objects => minijinja::Value::from(minijinja::value::Serde(&context.objects)),
    }
}

/// Template output, refusing to grow past [`MAX_OUTPUT_BYTES`].
#[derive(Default)]
struct LimitedOutput {
    bytes: Vec<u8>,
    overflowed: bool,
}

impl std::io::Write for LimitedOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_OUTPUT_BYTES {
            self.overflowed = true;
            return Err(std::io::Error::other("template output too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The line and column of the first `{{ }}` or `{% %}` tag of `source` longer than
/// `limit` bytes (comments and `{% raw %}` bodies are not parsed, so they do not count).
fn longest_tag_over(source: &str, limit: usize) -> Option<(u32, u32)> {
    let bytes = source.as_bytes();
    let mut i = 0;
    while let Some(offset) = source[i..].find('{') {
        let start = i + offset;
        let close = match bytes.get(start + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                i = start + 1;
                continue;
            }
        };
        let body_start = start + 2;
        let end = source[body_start..]
            .find(close)
            .map_or(source.len(), |e| body_start + e + 2);
        let tag = &source[start..end];
        if close == "%}"
            && tag
                .trim_start_matches("{%")
                .trim_start_matches('-')
                .trim_start()
                .starts_with("raw")
        {
            // Skip to the end of the raw block: its body is text.
            i = source[end..]
                .find("endraw")
                .map_or(source.len(), |e| end + e + "endraw".len());
            continue;
        }
        if close != "#}" && tag.len() > limit {
            let before = &source[..start];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Some((
                u32::try_from(line).unwrap_or(u32::MAX),
                u32::try_from(column).unwrap_or(u32::MAX),
            ));
        }
        i = end.max(start + 1);
    }
    None
}

/// Parses template output into documents with their start lines, read as Kubernetes reads
/// manifests. Empty documents are skipped; the first error stops.
fn parse_documents(output: &str) -> Result<Vec<YamlDocument>, crate::yaml::Error> {
    let mut documents = Vec::new();
    for parsed in read_documents(output, 1, &Limits::MANIFESTS) {
        match parsed {
            Parsed::Document(document) => documents.push(document),
            Parsed::Empty => {}
            Parsed::Error(error) => return Err(error),
        }
    }
    Ok(documents)
}

/// Turns minijinja errors into problems at template positions, secrets scrubbed.
struct Reporter<'a> {
    files: &'a [TemplateFile],
    ids: &'a [SourceId],
    scrubber: scrub::Scrubber,
}

impl Reporter<'_> {
    fn scrub(&self, text: &str) -> String {
        self.scrubber.scrub(text)
    }

    fn location(
        &self,
        name: Option<&str>,
        line: Option<usize>,
        range: Option<std::ops::Range<usize>>,
    ) -> Location {
        let index = name.and_then(|n| self.files.iter().position(|f| f.name == n));
        let Some(index) = index else {
            return Location::UNKNOWN;
        };
        let source = &self.files[index].source;
        let line = line.unwrap_or(1);
        let column = range
            .and_then(|r| {
                let before = source.get(..r.start)?;
                let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                Some(before[line_start..].chars().count() + 1)
            })
            .unwrap_or(1);
        Location {
            source: self.ids[index],
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }

    /// The text of line `line` (1-based) of the template `name`.
    fn line_text(&self, name: Option<&str>, line: Option<usize>) -> Option<&str> {
        let file = self.files.iter().find(|f| Some(f.name.as_str()) == name)?;
        file.source.lines().nth(line?.checked_sub(1)?)
    }

    /// The innermost error of a chain (include errors wrap the real one), and how many
    /// includes deep it was.
    fn innermost(err: &minijinja::Error) -> (&minijinja::Error, usize) {
        let mut current = err;
        let mut depth = 0;
        while let Some(inner) =
            std::error::Error::source(current).and_then(|s| s.downcast_ref::<minijinja::Error>())
        {
            current = inner;
            depth += 1;
        }
        (current, depth)
    }

    fn problem(&self, err: &minijinja::Error) -> Diagnostic {
        let (inner, depth) = Self::innermost(err);
        let kind = inner.kind();
        // Messages of these kinds come from the template's text (names, syntax); every
        // other one may carry values, which are scrubbed of secrets.
        let from_text = matches!(
            kind,
            minijinja::ErrorKind::UndefinedError
                | minijinja::ErrorKind::SyntaxError
                | minijinja::ErrorKind::TemplateNotFound
        );
        let detail = inner.detail().map(|d| {
            if from_text {
                d.to_string()
            } else {
                self.scrub(d)
            }
        });
        let (message, help) = match kind {
            minijinja::ErrorKind::UndefinedError => (
                format!("undefined: {}", detail.unwrap_or_else(|| "a value is undefined".to_string())),
                Some("check the name against the values; use `x | default(...)` or `{% if x is defined %}` for optional keys".to_string()),
            ),
            minijinja::ErrorKind::SyntaxError => (
                format!("template syntax error: {}", detail.unwrap_or_default()),
                None,
            ),
            minijinja::ErrorKind::TemplateNotFound => (
                detail.unwrap_or_else(|| "template not found".to_string()).to_string(),
                Some(format!("templates of this chart: {}", self.names())),
            ),
            minijinja::ErrorKind::OutOfFuel => (
                "the template did too much work: a loop that runs too long, or a value that keeps growing".to_string(),
                Some("templates may run about 2 million steps and make about 128 MiB of data".to_string()),
            ),
            _ if depth >= 40 || detail.as_deref().is_some_and(|d| d.contains("recursion")) => (
                format!("include recursion: {}", detail.unwrap_or_else(|| kind.to_string())),
                Some("a template includes itself, directly or through others".to_string()),
            ),
            _ => (detail.unwrap_or_else(|| kind.to_string()), None),
        };
        let location = self.location(inner.name(), inner.line(), inner.range());
        let location = if location.is_known() {
            location
        } else {
            self.location(err.name(), err.line(), err.range())
        };
        // Helm's Go syntax on the failing line: show the line in minijinja.
        let help = self
            .line_text(inner.name().or(err.name()), inner.line().or(err.line()))
            .and_then(go_syntax::hint)
            .or(help);
        let mut problem = Diagnostic::error(Check::Template, message)
            .at(location)
            .help_opt(help);
        if depth > 0 && depth < 40 {
            problem.help = Some(match problem.help {
                Some(help) => format!(
                    "{help} (reached through {depth} include{})",
                    if depth == 1 { "" } else { "s" }
                ),
                None => format!(
                    "reached through {depth} include{}",
                    if depth == 1 { "" } else { "s" }
                ),
            });
        }
        problem
    }

    fn output_problem(
        &self,
        index: usize,
        origin: Option<markers::Origin>,
        output_line: u32,
        message: &str,
    ) -> Diagnostic {
        let (template, line) = origin.unwrap_or((index, output_line));
        let file = self.files.get(template).or_else(|| self.files.get(index));
        let location = match file {
            Some(file) => Location {
                source: self.ids[self
                    .files
                    .iter()
                    .position(|f| f.name == file.name)
                    .unwrap_or(index)],
                line,
                column: 1,
            },
            None => Location::UNKNOWN,
        };
        Diagnostic::error(
            Check::Template,
            format!("the template's output is not valid YAML: {message} (output line {output_line})"),
        )
        .at(location)
        .help("this template line wrote the bad output; check indentation (`nindent`) and quoting (`quote`)")
    }

    /// A template whose output passed [`MAX_OUTPUT_BYTES`].
    fn too_large(&self, index: usize) -> Diagnostic {
        Diagnostic::error(
            Check::Template,
            format!(
                "the template wrote more than {} MiB; a manifest is a few KB",
                MAX_OUTPUT_BYTES / (1024 * 1024)
            ),
        )
        .at(Location::file(self.ids[index]))
        .help("look for a loop that repeats a large value")
    }

    fn names(&self) -> String {
        self.files
            .iter()
            .map(|f| format!("`{}`", f.name))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Read(InputError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads the files of a chart's `templates/` (recursively; `.yaml`, `.yml` and `.tpl` files
/// and `NOTES.txt`), in name order, without compiling them. Files that resolve outside the
/// chart folder `root` (canonical; through symlinks) are refused.
pub(crate) fn read_files(chart_dir: &Path, root: &Path) -> Result<Vec<TemplateFile>, Error> {
    let dir = chart_dir.join("templates");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut paths = Vec::new();
    collect(&dir, &mut paths)?;
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let real = canonical(&path)?;
        if !real.starts_with(root) {
            return Err(Error::Refused {
                path,
                reason: "it resolves outside the chart folder (a symlink?); templates must live in the chart".to_string(),
            });
        }
        let bytes =
            crate::input::read_limited(&path, MAX_TEMPLATE_BYTES).map_err(|error| match error {
                InputError::TooLarge { .. } => Error::Refused {
                    path: path.clone(),
                    reason: format!(
                        "templates may be up to {}",
                        crate::input::human_bytes(MAX_TEMPLATE_BYTES)
                    ),
                },
                other => Error::Read(other),
            })?;
        let source = String::from_utf8(bytes).map_err(|_| Error::Refused {
            path: path.clone(),
            reason: "it is not UTF-8 text".to_string(),
        })?;
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        files.push(TemplateFile {
            name,
            display: path.display().to_string(),
            source,
        });
    }
    Ok(files)
}

fn canonical(path: &Path) -> Result<PathBuf, Error> {
    path.canonicalize().map_err(|source| io_error(path, source))
}

/// Collects template files under `dir`. Folders reached twice (a symlink loop) are walked
/// once; entries that are neither files nor folders (FIFOs, devices) are skipped.
fn collect(dir: &Path, paths: &mut Vec<PathBuf>) -> Result<(), Error> {
    let mut visited = crate::walk::Visited::default();
    collect_in(dir, paths, &mut visited)
}

fn collect_in(
    dir: &Path,
    paths: &mut Vec<PathBuf>,
    visited: &mut crate::walk::Visited,
) -> Result<(), Error> {
    let metadata = std::fs::metadata(dir).map_err(|source| io_error(dir, source))?;
    if !visited.first_visit(&metadata) {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|source| io_error(dir, source))?;
    for entry in entries {
        let entry = entry.map_err(|source| io_error(dir, source))?;
        let path = entry.path();
        let Ok(metadata) = std::fs::metadata(&path) else {
            // A dangling symlink: reading it would fail; it is not a template.
            continue;
        };
        if metadata.is_dir() {
            collect_in(&path, paths, visited)?;
        } else if metadata.is_file()
            && (path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "tpl")
                || path.file_name().is_some_and(|n| n == NOTES))
        {
            paths.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn context() -> TemplateContext {
        TemplateContext {
            values: json!({"name": "mnist", "replicas": 3, "extra": {"size": "10Gi"}, "secrets": {"k": {"value": "hunter2"}}}),
            release: ReleaseInfo {
                name: "prod".into(),
                namespace: Some("ml".into()),
                revision: 1,
            },
            chart: json!({"name": "demo", "version": "0.1.0"}),
            kube_version: KubeVersion::LATEST,
            secrets: vec!["hunter2".into()],
            objects: serde_json::Value::Null,
            api_versions: Vec::new(),
        }
    }

    fn messages(templates: &Templates) -> Vec<String> {
        match templates.render(&context()) {
            Err(TemplateError(all)) => all.items.iter().map(|p| p.describe(&all.sources)).collect(),
            other => panic!("expected template problems, got {other:?}"),
        }
    }

    #[test]
    fn renders_documents_with_variables_and_partials() {
        let templates = Templates::from_sources([
            (
                "pvc.yaml",
                "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {{ values.name }}-model\n  labels:{{ include('_labels.yaml') | nindent(4) }}\nspec:\n  resources: {requests: {storage: {{ values.extra.size }}}}\n---\n# empty\n",
            ),
            (
                "_labels.yaml",
                "app: {{ values.name }}\nrelease: {{ release.name }}\n",
            ),
        ]).unwrap();
        let docs = templates.render(&context()).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].template, "pvc.yaml");
        assert_eq!(
            docs[0].value["metadata"],
            json!({"name": "mnist-model", "labels": {"app": "mnist", "release": "prod"}})
        );
    }

    #[test]
    fn undefined_variables_name_the_template_line_and_variable() {
        let templates =
            Templates::from_sources([("cm.yaml", "a: 1\nb: {{ values.unrelated.deeper }}\n")])
                .unwrap();
        assert_eq!(
            messages(&templates),
            [
                "templates/cm.yaml:2:13: error[template]: undefined: `values.unrelated` is undefined (help: check the name against the values; use `x | default(...)` or `{% if x is defined %}` for optional keys)"
            ]
        );
        // A near miss names the key meant, top-level names too.
        let templates = Templates::from_sources([
            ("a.yaml", "size: {{ values.extra.sise }}\n"),
            ("b.yaml", "name: {{ relase.name }}\n"),
        ])
        .unwrap();
        let found = messages(&templates);
        assert!(
            found[0].contains("did you mean `values.extra.size`?"),
            "{found:?}"
        );
        assert!(found[1].contains("did you mean `release`?"), "{found:?}");
    }

    #[test]
    fn invalid_yaml_output_points_at_the_template_line() {
        let templates = Templates::from_sources([(
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\n{% if true %}\ndata:\n  a: 1\n   b: {{ values.name }}\n{% endif %}\n",
        )]).unwrap();
        let found = messages(&templates);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with(
                "templates/cm.yaml:6:1: error[template]: the template's output is not valid YAML"
            ),
            "{found:?}"
        );
    }

    #[test]
    fn includes_that_escape_the_chart_are_refused() {
        let templates =
            Templates::from_sources([("x.yaml", "{{ include('../../etc/passwd') }}")]).unwrap();
        let found = messages(&templates);
        assert!(
            found[0].contains("refused to include `../../etc/passwd`"),
            "{found:?}"
        );
    }

    #[test]
    fn include_recursion_is_bounded() {
        let templates = Templates::from_sources([
            ("x.yaml", "{{ include('_a.yaml') }}"),
            ("_a.yaml", "{{ include('_a.yaml') }}"),
        ])
        .unwrap();
        let found = messages(&templates);
        assert!(found[0].contains("nested more than 32 deep"), "{found:?}");
        let statements = Templates::from_sources([
            ("y.yaml", "{% include '_b.yaml' %}"),
            ("_b.yaml", "{% include '_b.yaml' %}"),
        ])
        .unwrap();
        let found = messages(&statements);
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn secrets_are_scrubbed_from_messages() {
        let templates = Templates::from_sources([(
            "x.yaml",
            "{{ fail('bad key ' ~ values.secrets.k.value) }}",
        )])
        .unwrap();
        let found = messages(&templates);
        assert!(!found[0].contains("hunter2"), "{found:?}");
    }
}
