//! Helm charts' Go template syntax, recognised in a failing template line and shown in
//! tack's minijinja form: `{{ .Values.x }}` -> `{{ values.x }}`,
//! `{{- include "name" . | nindent 4 }}` -> `{{- include("name") | nindent(4) }}`,
//! `{{ if .Values.x }}` -> `{% if values.x %}`, `{{ end }}` -> `{% endif %}` or
//! `{% endfor %}`.

/// The longest line translated.
const MAX_LINE_BYTES: usize = 2000;

/// Helm's objects and their names in tack templates.
const OBJECTS: [(&str, &str); 9] = [
    (".Values.", "values."),
    (".Release.Name", "release.name"),
    (".Release.Namespace", "release.namespace"),
    (".Release.Revision", "release.revision"),
    (".Chart.Name", "chart.name"),
    (".Chart.Version", "chart.version"),
    (".Chart.AppVersion", "chart.appVersion"),
    (
        ".Capabilities.KubeVersion.Version",
        "capabilities.kubeVersion",
    ),
    (".Capabilities.KubeVersion", "capabilities.kubeVersion"),
];

/// Whether a line holds a Go template action (`{{ .x }}`, `{{ include "n" . }}`,
/// `{{ if ... }}`, `{{ end }}`...).
fn is_go_template(line: &str) -> bool {
    line.match_indices("{{").any(|(i, _)| {
        let action = line[i + 2..].trim_start_matches('-').trim_start();
        action.starts_with('.')
            || action.starts_with('$')
            || [
                "include \"",
                "template \"",
                "define \"",
                "toYaml ",
                "quote ",
                "tpl ",
            ]
            .iter()
            .any(|word| action.starts_with(word))
            || ["if ", "range ", "with ", "else", "end"]
                .iter()
                .any(|word| {
                    action.starts_with(word) && action[word.len()..].contains(['.', '}', ' '])
                })
    })
}

/// The line written as a tack template, if it is Go template syntax.
pub(crate) fn minijinja_form(line: &str) -> Option<String> {
    // A line longer than any template line a person writes is not worth translating.
    if line.len() > MAX_LINE_BYTES || !is_go_template(line) {
        return None;
    }
    let mut out = line.trim().to_string();
    for (go, jinja) in OBJECTS {
        out = out.replace(go, jinja);
    }
    // `include "name" .` and `template "name" .` -> `include("name")`.
    for word in ["include", "template"] {
        while let Some(start) = out.find(&format!("{word} \"")) {
            let name_start = start + word.len() + 2;
            let Some(name_len) = out[name_start..].find('"') else {
                break;
            };
            let name = out[name_start..name_start + name_len].to_string();
            let mut end = name_start + name_len + 1;
            let rest = &out[end..];
            let context = rest.len() - rest.trim_start_matches([' ', '.', '$']).len();
            end += context;
            out.replace_range(start..end, &format!("include(\"{name}\") "));
        }
    }
    // Functions before their argument: `toYaml x` -> `x | toyaml`, `quote x` -> `x | quote`.
    for (go, filter) in [("toYaml ", "toyaml"), ("quote ", "quote")] {
        let mut from = 0;
        while let Some(found) = out[from..].find(go) {
            let at = from + found;
            let arg_start = at + go.len();
            let arg_len = out[arg_start..]
                .find([' ', '|', '}'])
                .unwrap_or(out.len() - arg_start);
            // Already a filter (`x | quote`), or nothing follows: left as it is.
            if arg_len == 0 || out[..at].trim_end().ends_with('|') {
                from = arg_start;
                continue;
            }
            let arg = out[arg_start..arg_start + arg_len].to_string();
            let replacement = format!("{arg} | {filter}");
            out.replace_range(at..arg_start + arg_len, &replacement);
            from = at + replacement.len();
        }
    }
    // Filters with a bare argument: `| nindent 4` -> `| nindent(4)`.
    for filter in ["nindent", "indent"] {
        let pattern = format!("| {filter} ");
        if let Some(at) = out.find(&pattern) {
            let arg_start = at + pattern.len();
            let arg_len = out[arg_start..]
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(out.len() - arg_start);
            if arg_len > 0 {
                let arg = out[arg_start..arg_start + arg_len].to_string();
                out.replace_range(at..arg_start + arg_len, &format!("| {filter}({arg})"));
            }
        }
    }
    // Control flow: `{{ if x }}` -> `{% if x %}`, `{{ end }}` -> `{% endif %}`.
    for word in ["if", "range", "with", "else", "end"] {
        for open in ["{{- ", "{{ "] {
            let pattern = format!("{open}{word}");
            if let Some(at) = out.find(&pattern) {
                let Some(close) = out[at..].find("}}") else {
                    continue;
                };
                let inner = out[at + open.len()..at + close]
                    .trim_end()
                    .trim_end_matches('-')
                    .trim();
                let statement = match word {
                    "range" => inner.replacen("range", "for item in", 1),
                    "end" => "endif (or endfor)".to_string(),
                    _ => inner.to_string(),
                };
                let dash = if open.contains('-') { "-" } else { "" };
                out.replace_range(at..at + close + 2, &format!("{{%{dash} {statement} %}}"));
            }
        }
    }
    Some(out.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A hint for a failing template line that is Go template syntax.
pub(super) fn hint(line: &str) -> Option<String> {
    let form = minijinja_form(line)?;
    Some(format!(
        "this is Helm's Go template syntax; tack templates are minijinja: write `{form}` (`.Values.x` is `values.x`, `.Release.Name` is `release.name`, `{{{{ include \"n\" . }}}}` is `{{{{ include(\"n\") }}}}`, `{{{{ if }}}}...{{{{ end }}}}` is `{{% if %}}...{{% endif %}}`)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_template_lines_get_their_minijinja_form() {
        for (go, jinja) in [
            (
                "  replicas: {{ .Values.replicaCount }}",
                "replicas: {{ values.replicaCount }}",
            ),
            (
                "  {{- include \"mychart.labels\" . | nindent 4 }}",
                "{{- include(\"mychart.labels\") | nindent(4) }}",
            ),
            (
                "  name: {{ .Release.Name }}-web",
                "name: {{ release.name }}-web",
            ),
            (
                "  app: {{ quote .Chart.Name }}",
                "app: {{ chart.name | quote }}",
            ),
            (
                "{{- if .Values.ingress.enabled -}}",
                "{%- if values.ingress.enabled %}",
            ),
            ("{{- end }}", "{%- endif (or endfor) %}"),
            (
                "  {{- toYaml .Values.resources | nindent 12 }}",
                "{{- values.resources | toyaml | nindent(12) }}",
            ),
        ] {
            assert_eq!(minijinja_form(go).as_deref(), Some(jinja), "{go}");
        }
        for jinja in [
            "name: {{ values.name }}",
            "{% if values.x %}",
            "plain: text",
            "{{ x }}",
        ] {
            assert_eq!(minijinja_form(jinja), None, "{jinja}");
        }
    }
}
