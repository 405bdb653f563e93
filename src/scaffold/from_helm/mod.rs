//! `tack new DIR --from-helm CHART`: a `helm create`-style chart as a tack chart. Values the
//! model covers get their tack names and types ([`convert_values`]); the rest goes to
//! `extra`. The templates tack builds from typed values (helm create's Deployment, Service,
//! ServiceAccount, Ingress, HorizontalPodAutoscaler and HTTPRoute) are dropped;
//! `_helpers.tpl` and Helm's test hooks are not needed; any other template is copied to
//! `helm-templates/` (which tack does not read) with its lines in minijinja form, to port by
//! hand. `MIGRATION.md` says where every value and template went.

mod values;

pub use values::{ConvertedValues, ValueNote, convert_values};

use super::{STRATEGY_FILES, ScaffoldError, schema_line, write_file};
use crate::source::SourceId;
use crate::yaml::{Limits, read_tree};
use serde_json::{Map, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The most bytes read from `Chart.yaml` or `values.yaml`.
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Templates `helm create` writes that tack builds from typed values: (file, kind).
const BUILT: [(&str, &str); 6] = [
    ("deployment.yaml", "Deployment"),
    ("service.yaml", "Service"),
    ("serviceaccount.yaml", "ServiceAccount"),
    ("ingress.yaml", "Ingress"),
    ("hpa.yaml", "HorizontalPodAutoscaler"),
    ("httproute.yaml", "HTTPRoute"),
];

/// What became of one Helm template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateFate {
    /// tack builds this kind from the typed values.
    Built(&'static str),
    /// `_helpers.tpl`: tack names and labels every object itself.
    Helpers,
    /// A `helm test` hook (`templates/tests/`).
    Test,
    /// `NOTES.txt`, rewritten as a tack template.
    Notes,
    /// Written to `templates/` in minijinja form: it has no control flow and every Go
    /// template line has an exact minijinja form.
    Translated(String),
    /// Copied to `helm-templates/`, to port by hand: (line, Helm line, minijinja form).
    ToPort(Vec<(usize, String, String)>),
}

/// What [`from_helm`] made.
#[derive(Debug, Clone)]
pub struct Migration {
    /// Every file written.
    pub files: Vec<PathBuf>,
    /// Where each Helm value went.
    pub values: Vec<ValueNote>,
    /// Each Helm template (its name under `templates/`) and what became of it.
    pub templates: Vec<(String, TemplateFate)>,
}

fn migration_to_port(templates: &[(String, TemplateFate)]) -> Vec<&str> {
    templates
        .iter()
        .filter(|(_, fate)| matches!(fate, TemplateFate::ToPort(_)))
        .map(|(name, _)| name.as_str())
        .collect()
}

/// The partial with tack's labels, for ported templates (`include("_labels.yaml")`).
const LABELS_PARTIAL: &str = "_labels.yaml";

/// tack's labels, as its own objects carry them.
const LABELS: &str = "app.kubernetes.io/name: {{ values.name }}
app.kubernetes.io/instance: {{ release.name }}
app.kubernetes.io/version: {{ (values.image.tag if values.image is defined and values.image.tag else chart.appVersion) | string | quote }}
app.kubernetes.io/managed-by: tack
";

/// The partial with the label every pod of the app carries, for selectors.
const SELECTOR_PARTIAL: &str = "_selector-labels.yaml";

/// The label tack's Deployments give every pod of the app (tracks and colours add theirs).
const SELECTOR_LABELS: &str = "app: {{ values.name }}\n";

impl Migration {
    /// Templates left to port by hand (in `helm-templates/`).
    pub fn to_port(&self) -> Vec<&str> {
        migration_to_port(&self.templates)
    }
}

fn source_error(path: &Path, reason: impl Into<String>) -> ScaffoldError {
    ScaffoldError::Source {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Reads a YAML file of the Helm chart as JSON (one document, tack's limits).
fn read_yaml(path: &Path) -> Result<Value, ScaffoldError> {
    let bytes = crate::input::read_limited(path, MAX_FILE_BYTES)
        .map_err(|e| source_error(path, e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| source_error(path, "it is not UTF-8 text"))?;
    let tree = read_tree(SourceId(0), &text, &Limits::VALUES).map_err(|e| {
        source_error(
            path,
            format!("line {}, column {}: {e}", e.line.max(1), e.column.max(1)),
        )
    })?;
    Ok(tree.to_json())
}

/// Converts the Helm chart folder `helm` into the new tack chart folder `dir`. `schema` is
/// the values schema the value files point editors at (written when missing).
///
/// # Errors
/// `dir` exists, the Helm chart has no readable `Chart.yaml` with a `name`, a file is not
/// YAML, a template resolves outside the chart, or a file cannot be written.
pub fn from_helm(helm: &Path, dir: &Path, schema: &Path) -> Result<Migration, ScaffoldError> {
    if dir.exists() {
        return Err(ScaffoldError::Exists(dir.to_path_buf()));
    }
    let chart_file = helm.join("Chart.yaml");
    if !chart_file.is_file() {
        return Err(source_error(
            helm,
            "no Chart.yaml: name a Helm chart folder (the one `helm create` made)",
        ));
    }
    let meta = read_yaml(&chart_file)?;
    let chart_name = meta
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| source_error(&chart_file, "`name` is missing or not text"))?
        .to_string();
    let helm_values = match helm.join("values.yaml") {
        path if path.is_file() => read_yaml(&path)?,
        _ => Value::Object(Map::new()),
    };
    let Value::Object(helm_values) = helm_values else {
        return Err(source_error(
            &helm.join("values.yaml"),
            "the values are not a mapping",
        ));
    };
    let app_name = if crate::names::is_dns1035_label(&chart_name) {
        chart_name.as_str()
    } else {
        "app"
    };
    let mut converted = convert_values(&helm_values, app_name);
    let model = crate::values::values_schema();
    fit_to_model(&mut converted, &model);
    in_model_order(&mut converted.values, &model);
    let name = converted.values["name"]
        .as_str()
        .unwrap_or(app_name)
        .to_string();
    if !crate::names::is_dns1035_label(&name) || name.len() > 55 {
        return Err(ScaffoldError::BadName(name));
    }

    let root = helm
        .canonicalize()
        .map_err(|e| source_error(helm, e.to_string()))?;
    let template_files = crate::chart::templates::read_files(helm, &root)
        .map_err(|e| source_error(helm, e.to_string()))?;
    let mut renames = renames(&helm_values, &converted.values);
    renames.extend(helper_renames(&template_files));
    let mut templates = Vec::new();
    let mut to_copy = Vec::new();
    for file in &template_files {
        let fate = fate(&file.name, &file.source, &renames);
        if matches!(fate, TemplateFate::ToPort(_)) {
            to_copy.push(file);
        }
        templates.push((file.name.clone(), fate));
    }

    let mut files = Vec::new();
    write_file(&mut files, dir.join("Chart.yaml"), chart_yaml(&meta, &name))?;
    let schema_line = |from: &Path| schema_line(from, schema);
    let body = serde_saphyr::to_string(&Value::Object(converted.values.clone()))
        .map_err(|e| source_error(helm, format!("the converted values cannot be written: {e}")))?;
    write_file(
        &mut files,
        dir.join("values.yaml"),
        format!(
            "{}# Converted by `tack new --from-helm` from the Helm chart\n#   {}\n# MIGRATION.md says where every Helm value went. Value files in values/ are merged over\n# these.\n{body}",
            schema_line(dir),
            helm.display()
        ),
    )?;
    write_file(
        &mut files,
        dir.join("templates/NOTES.txt"),
        NOTES.to_string(),
    )?;
    for file in to_copy {
        write_file(
            &mut files,
            dir.join("helm-templates").join(&file.name),
            file.source.clone(),
        )?;
    }
    let mut wants_labels = false;
    for (name, fate) in &templates {
        if let TemplateFate::Translated(text) = fate {
            wants_labels |= text.contains(LABELS_PARTIAL) || text.contains(SELECTOR_PARTIAL);
            write_file(&mut files, dir.join("templates").join(name), text.clone())?;
        }
    }
    if wants_labels || !migration_to_port(&templates).is_empty() {
        for (partial, text) in [
            (LABELS_PARTIAL, LABELS),
            (SELECTOR_PARTIAL, SELECTOR_LABELS),
        ] {
            write_file(
                &mut files,
                dir.join("templates").join(partial),
                text.to_string(),
            )?;
        }
    }
    let values_dir = dir.join("values");
    for (file, text) in STRATEGY_FILES {
        write_file(
            &mut files,
            values_dir.join(file),
            format!(
                "{}{}",
                schema_line(&values_dir),
                text.replace("NAME", &name)
            ),
        )?;
    }
    let migration = Migration {
        files: Vec::new(),
        values: converted.notes,
        templates,
    };
    write_file(
        &mut files,
        dir.join("MIGRATION.md"),
        report(helm, dir, &meta, &migration),
    )?;
    if !schema.exists() {
        write_file(
            &mut files,
            schema.to_path_buf(),
            crate::values::values_schema_text(),
        )?;
    }
    Ok(Migration { files, ..migration })
}

/// Moves every top-level value tack's values schema rejects to `extra`, with the reason.
fn fit_to_model(converted: &mut ConvertedValues, model: &Value) {
    let Ok(validator) = jsonschema::validator_for(model) else {
        return;
    };
    for _ in 0..64 {
        let instance = Value::Object(converted.values.clone());
        let Some((key, message)) = validator.iter_errors(&instance).find_map(|error| {
            let path = error.instance_path().as_str().to_string();
            let key = path.trim_start_matches('/').split('/').next()?.to_string();
            (!key.is_empty() && key != "name" && key != "extra")
                .then(|| (key.replace("~1", "/").replace("~0", "~"), error.to_string()))
        }) else {
            return;
        };
        let Some(value) = converted.values.remove(&key) else {
            return;
        };
        let extra = converted
            .values
            .entry("extra")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(extra) = extra.as_object_mut() {
            extra.insert(key.clone(), value);
        }
        let mut message: String = message.chars().take(160).collect();
        if message.len() == 160 {
            message.push_str("...");
        }
        for note in converted
            .notes
            .iter_mut()
            .filter(|n| n.helm == key || n.helm.starts_with(&format!("{key}.")))
        {
            note.became = format!("`extra.{key}`: tack's `{key}` rejects it ({message})");
        }
        // `extra` last, as written.
        if let Some(extra) = converted.values.remove("extra") {
            converted.values.insert("extra".into(), extra);
        }
    }
}

/// Puts the values in the order of tack's model (the schema's), `extra` last.
fn in_model_order(values: &mut Map<String, Value>, model: &Value) {
    let order: Vec<&String> = model
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().collect())
        .unwrap_or_default();
    let rank = |key: &str| order.iter().position(|k| *k == key).unwrap_or(order.len());
    let mut entries: Vec<(String, Value)> = std::mem::take(values).into_iter().collect();
    entries.sort_by_key(|(key, _)| {
        if key == "extra" {
            usize::MAX
        } else {
            rank(key)
        }
    });
    values.extend(entries);
}

/// `.Values.<helm key>` -> the path templates read in tack, for the hints.
fn renames(helm: &Map<String, Value>, tack: &Map<String, Value>) -> Vec<(String, String)> {
    let extra = tack.get("extra").and_then(Value::as_object);
    helm.keys()
        .filter_map(|key| {
            let to = if key == "replicaCount" {
                "replicas".to_string()
            } else if extra.is_some_and(|e| e.contains_key(key)) && !tack.contains_key(key) {
                format!("extra.{key}")
            } else {
                return None;
            };
            Some((format!(".Values.{key}"), format!(".Values.{to}")))
        })
        .collect()
}

/// `include "CHART.fullname" .` and the other helpers `helm create` writes in
/// `_helpers.tpl`, as tack reads them: the app's name, or tack's labels.
fn helper_renames(files: &[crate::chart::templates::TemplateFile]) -> Vec<(String, String)> {
    let Some(helpers) = files.iter().find(|f| f.name == "_helpers.tpl") else {
        return Vec::new();
    };
    let mut renames = Vec::new();
    for line in helpers.source.lines() {
        let Some(rest) = line.split("define \"").nth(1) else {
            continue;
        };
        let Some(name) = rest.split('"').next() else {
            continue;
        };
        let to = match name.rsplit('.').next() {
            Some("fullname" | "name") => ".Values.name",
            Some("labels") => "include \"_labels.yaml\" .",
            Some("selectorLabels") => "include \"_selector-labels.yaml\" .",
            _ => continue,
        };
        for context in [" .", " $"] {
            renames.push((format!("include \"{name}\"{context}"), to.to_string()));
        }
    }
    renames
}

/// The template in minijinja form, when that is exact: no control flow, no spacing that
/// the translation would change, and every action a form tack compiles.
fn translated(name: &str, source: &str, renames: &[(String, String)]) -> Option<String> {
    let mut out = String::with_capacity(source.len());
    for line in source.lines() {
        let mut renamed = line.to_string();
        for (from, to) in renames {
            renamed = rename_path(&renamed, from, to);
        }
        if !renamed.contains("{{") {
            out.push_str(line);
        } else {
            let form = crate::chart::templates::minijinja_form(&renamed)?;
            let collapsed = renamed.split_whitespace().collect::<Vec<_>>().join(" ");
            if form.contains("{%") || form.contains('$') || collapsed != renamed.trim() {
                return None;
            }
            let indent = &line[..line.len() - line.trim_start().len()];
            out.push_str(indent);
            out.push_str(&form);
        }
        out.push('\n');
    }
    crate::chart::Templates::from_sources([(name, out.as_str())]).ok()?;
    Some(out)
}

/// What becomes of the Helm template `name`.
fn fate(name: &str, source: &str, renames: &[(String, String)]) -> TemplateFate {
    if let Some((_, kind)) = BUILT
        .iter()
        .find(|(file, kind)| *file == name && source.contains(&format!("kind: {kind}")))
    {
        return TemplateFate::Built(kind);
    }
    if name == "_helpers.tpl" {
        return TemplateFate::Helpers;
    }
    if name.starts_with("tests/") {
        return TemplateFate::Test;
    }
    if name == "NOTES.txt" {
        return TemplateFate::Notes;
    }
    if let Some(text) = translated(name, source, renames) {
        return TemplateFate::Translated(text);
    }
    let hints = source
        .lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let mut renamed = line.to_string();
            for (from, to) in renames {
                renamed = rename_path(&renamed, from, to);
            }
            let form = crate::chart::templates::minijinja_form(&renamed)?;
            Some((index + 1, line.trim().to_string(), form))
        })
        .collect();
    TemplateFate::ToPort(hints)
}

/// Replaces `from` where a whole path segment follows (`.Values.replicaCount` but not
/// `.Values.replicaCountMax`).
fn rename_path(line: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find(from) {
        let after = &rest[at + from.len()..];
        let whole = !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
        out.push_str(&rest[..at]);
        out.push_str(if whole { to } else { from });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The new `Chart.yaml`: Helm's fields tack reads (`dependencies` and the like are not).
fn chart_yaml(meta: &Value, name: &str) -> String {
    let text = |key: &str| meta.get(key).and_then(Value::as_str).map(str::to_string);
    let mut out = Map::new();
    out.insert("apiVersion".into(), "v2".into());
    out.insert("name".into(), name.into());
    for key in [
        "description",
        "version",
        "appVersion",
        "kubeVersion",
        "home",
        "icon",
    ] {
        let value = match (key, text(key), meta.get(key)) {
            (_, Some(value), _) => value,
            // `appVersion: 1.16` in a Chart.yaml is a number; tack wants text.
            ("appVersion" | "version", None, Some(Value::Number(n))) => n.to_string(),
            ("version", None, _) => "0.1.0".to_string(),
            _ => continue,
        };
        out.insert(key.into(), value.into());
    }
    for key in ["keywords", "sources", "maintainers"] {
        if let Some(list) = meta.get(key).filter(|v| v.is_array()) {
            out.insert(key.into(), list.clone());
        }
    }
    serde_saphyr::to_string(&Value::Object(out)).unwrap_or_default()
}

/// The converted chart's usage notes (printed to stderr after a render).
const NOTES: &str = "{# Printed to stderr after `tack render`, like Helm's NOTES.txt. #}
{{ values.name }} is released as {{ release.name }}{% if release.namespace %} in namespace {{ release.namespace }}{% endif %}.
{% if values.ingress is defined and values.ingress.enabled and values.ingress.host %}
Open http{% if values.ingress.tlsSecret %}s{% endif %}://{{ values.ingress.host }}/
{% else %}
Reach it from your machine: kubectl port-forward service/{{ values.name }} 8080:{{ values.service.port if values.service is defined and values.service.port else 80 }}
{% endif %}
Wait for it: kubectl rollout status deployment/{{ values.name }}
";

/// What tack renders differently from the Helm chart, on purpose.
const DIFFERENCES: &str = "## What changes on the cluster

- **Selectors.** tack's Deployments select pods by `app` and `track` (and a colour or
  version label for blue/green and routing); Helm's by `app.kubernetes.io/name` and
  `instance`. Kubernetes does not let a Deployment's selector change, so `kubectl apply`
  over a Deployment of the Helm release with the same name fails: remove the Helm release
  first (`helm uninstall`), or start in a new namespace and switch traffic.
- **Secure defaults.** tack runs pods as non-root, without privilege escalation, with every
  capability dropped, the runtime's seccomp profile and a read-only root filesystem (`/tmp`
  writable), and pauses 5 seconds before a pod stops so no request is cut. An image that
  needs root (the `nginx` of `helm create`) fails to start: use an unprivileged image
  (`nginxinc/nginx-unprivileged`, port 8080), or set `secureDefaults: false` to render only
  what the values say.
- **Names.** Every object is named `name` from `values.yaml` (Helm: `RELEASE-CHART`
  unless `fullnameOverride`), so one release per namespace; give each release its own
  `name` in `tack.yaml` to run several.
";

/// `MIGRATION.md`: where every value and template went, and what to do next.
fn report(helm: &Path, dir: &Path, meta: &Value, migration: &Migration) -> String {
    let mut out = String::new();
    let chart = dir.display();
    let _ = writeln!(
        out,
        "# Converted from the Helm chart `{}`\n\nMade by `tack new {chart} --from-helm {}`. Check it with `tack lint {chart}`, and read\n`tack render {chart}` next to `helm template x {}`.\n",
        helm.display(),
        helm.display(),
        helm.display()
    );
    let _ = writeln!(out, "{DIFFERENCES}");
    let _ = writeln!(out, "## Values\n\n| Helm value | in tack |\n|---|---|");
    for note in &migration.values {
        let _ = writeln!(
            out,
            "| `{}` | {} |",
            note.helm,
            note.became.replace('|', "\\|")
        );
    }
    let _ = writeln!(out, "\n## Templates\n");
    if migration.templates.is_empty() {
        let _ = writeln!(out, "The Helm chart has no templates.");
    }
    for (name, fate) in &migration.templates {
        let line = match fate {
            TemplateFate::Built(kind) => {
                format!("built by tack from the typed values (the {kind}); not copied")
            }
            TemplateFate::Helpers => "not needed: tack names every object `values.name` and sets the `app.kubernetes.io/*` labels itself; not copied".to_string(),
            TemplateFate::Test => "a `helm test` hook; not copied: after `kubectl apply`, run `kubectl rollout status deployment/NAME`, or make it an Argo CD PostSync hook".to_string(),
            TemplateFate::Notes => "rewritten for tack as `templates/NOTES.txt`".to_string(),
            TemplateFate::Translated(_) => format!("written to `templates/{name}` in minijinja form (read it: Helm values are read by their tack names, helpers became `values.name` and `include(\"_labels.yaml\")`)"),
            TemplateFate::ToPort(_) => format!("to port by hand: copied to `helm-templates/{name}`, which tack does not read; write it in minijinja into `templates/`, reading Helm values as below"),
        };
        let _ = writeln!(out, "- `{name}`: {line}");
        if let TemplateFate::ToPort(hints) = fate {
            for (number, go, jinja) in hints {
                let _ = writeln!(out, "  - line {number}: `{go}` -> `{jinja}`");
            }
        }
    }
    if meta.get("dependencies").is_some_and(|d| !is_empty_list(d)) {
        let _ = writeln!(
            out,
            "\n## Dependencies\n\n`Chart.yaml` lists `dependencies` (subcharts). tack has none: give each one its own\nrelease in `tack.yaml`, or render it with Helm beside this chart."
        );
    }
    let _ = writeln!(
        out,
        "\n## Next\n\n- `tack lint {chart}`\n- `tack render {chart}` (a rolling update), or a strategy: `tack render {chart} -f {chart}/values/canary.yaml`\n- Helm's hooks become Argo CD sync waves and hooks, or `kubectl wait`; rollback is `git revert` and a new render."
    );
    out
}

fn is_empty_list(value: &Value) -> bool {
    value.as_array().is_some_and(Vec::is_empty) || value.is_null()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_paths_keep_longer_keys() {
        assert_eq!(
            rename_path(
                "{{ .Values.replicaCount }} {{ .Values.replicaCountMax }}",
                ".Values.replicaCount",
                ".Values.replicas"
            ),
            "{{ .Values.replicas }} {{ .Values.replicaCountMax }}"
        );
    }

    #[test]
    fn helm_create_templates_are_built_and_others_are_ported() {
        let renames = [(".Values.team".to_string(), ".Values.extra.team".to_string())];
        assert_eq!(
            fate("service.yaml", "kind: Service\n", &renames),
            TemplateFate::Built("Service")
        );
        // A second Service of the user's is not helm create's: translated, as it has no
        // control flow.
        assert_eq!(
            fate(
                "metrics-service.yaml",
                "kind: Service\nname: {{ .Values.team }}-m\n",
                &renames
            ),
            TemplateFate::Translated("kind: Service\nname: {{ values.extra.team }}-m\n".into())
        );
        // With control flow it is ported by hand, each Go line shown in minijinja form.
        let TemplateFate::ToPort(hints) = fate(
            "metrics-service.yaml",
            "{{- if .Values.team }}\nkind: Service\nname: {{ .Values.team }}-m\n{{- end }}\n",
            &renames,
        ) else {
            panic!("not ported");
        };
        assert_eq!(hints.len(), 3);
        assert_eq!(
            hints[1],
            (
                3,
                "name: {{ .Values.team }}-m".to_string(),
                "name: {{ values.extra.team }}-m".to_string()
            )
        );
        // Spacing the translation would change is not translated.
        assert!(matches!(
            fate("a.yaml", "x: {{ .Values.team }}   # note\n", &renames),
            TemplateFate::ToPort(_)
        ));
        assert_eq!(
            fate("tests/test-connection.yaml", "", &renames),
            TemplateFate::Test
        );
        assert_eq!(fate("_helpers.tpl", "", &renames), TemplateFate::Helpers);
    }

    #[test]
    fn values_the_model_rejects_move_to_extra() {
        let helm = serde_json::json!({"resources": {"requests": {"cpu": [1]}}, "replicaCount": 2});
        let mut converted = convert_values(helm.as_object().expect("a mapping"), "web");
        fit_to_model(&mut converted, &crate::values::values_schema());
        assert!(converted.values.get("resources").is_none());
        assert_eq!(
            converted.values["extra"]["resources"]["requests"]["cpu"][0],
            1
        );
        assert_eq!(converted.values["replicas"], 2);
        let note = converted
            .notes
            .iter()
            .find(|n| n.helm == "resources")
            .expect("a note");
        assert!(note.became.contains("rejects"), "{}", note.became);
    }
}
