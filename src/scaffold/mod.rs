//! `tack new`: a new chart that renders and lints clean, with one value file per strategy,
//! or one converted from a Helm chart ([`from_helm`]).

pub mod from_helm;

use std::path::{Path, PathBuf};

/// Why a chart could not be created.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The name cannot name a chart and its app.
    #[error(
        "`{0}` cannot name a chart: use lowercase letters, digits and `-`, starting with a letter, at most 55 characters"
    )]
    BadName(String),
    /// The folder exists already.
    #[error("{} exists already; tack new never overwrites files", .0.display())]
    Exists(PathBuf),
    /// The Helm chart to convert cannot be read: no `Chart.yaml`, a file that is not YAML,
    /// too large, or outside the chart.
    #[error("cannot convert {}: {reason}", path.display())]
    Source {
        /// The file or folder.
        path: PathBuf,
        /// What is wrong, and the fix where one exists.
        reason: String,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// What [`new_chart`] wrote.
#[derive(Debug, Clone)]
pub struct Scaffold {
    /// Every file written, chart files first.
    pub files: Vec<PathBuf>,
}

/// The value file of each strategy, by file name.
const STRATEGY_FILES: &[(&str, &str)] = &[
    (
        "rolling-update.yaml",
        "# Rolling update: pods replaced one at a time, never fewer than `replicas` ready.\nstrategy:\n  type: rollingUpdate\n  rollingUpdate: {maxSurge: 1, maxUnavailable: 0, minReadySeconds: 5}\n",
    ),
    (
        "recreate.yaml",
        "# Recreate: all old pods stop before the new ones start.\nstrategy:\n  type: recreate\n",
    ),
    (
        "blue-green.yaml",
        "# Blue/green: flip with --set strategy.blueGreen.active=green, flip back to roll back.\nstrategy:\n  type: blueGreen\n  blueGreen:\n    active: blue\n    blue: {tag: \"0.1.0\"}\n    green: {tag: \"0.2.0\"}\n    preview: true\n",
    ),
    (
        "canary.yaml",
        "# Canary by replicas: 1 of 10 pods runs the new version.\nreplicas: 10\nstrategy:\n  type: canary\n  canary: {weight: 10, tag: \"0.2.0\"}\n",
    ),
    (
        "canary-ingress.yaml",
        "# Canary by ingress weight (ingress-nginx): exactly 10% of requests.\ningress: {enabled: true, className: nginx, host: NAME.example.com}\nstrategy:\n  type: canary\n  canary: {weight: 10, tag: \"0.2.0\", mode: ingress, header: X-Canary}\n",
    ),
    (
        "routing.yaml",
        "# Path routing: /v1 and /v2 side by side.\ningress: {enabled: true, className: nginx, host: NAME.example.com}\nstrategy:\n  type: routing\n  routing:\n    versions:\n      - {name: v1, tag: \"0.1.0\"}\n      - {name: v2, tag: \"0.2.0\"}\n",
    ),
];

/// Creates the chart folder `dir` (named after its last component) with `Chart.yaml`,
/// `values.yaml`, a sample template and `values/<strategy>.yaml` for each strategy.
/// `schema` is the path of the values schema the value files point editors at; when it
/// does not exist, it is written there.
pub fn new_chart(dir: &Path, schema: &Path) -> Result<Scaffold, ScaffoldError> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !crate::names::is_dns1035_label(&name) || name.len() > 55 {
        return Err(ScaffoldError::BadName(name));
    }
    if dir.exists() {
        return Err(ScaffoldError::Exists(dir.to_path_buf()));
    }
    let mut files = Vec::new();
    let mut write = |path: PathBuf, text: String| write_file(&mut files, path, text);
    let schema_line = |from: &Path| schema_line(from, schema);
    write(
        dir.join("Chart.yaml"),
        format!(
            "apiVersion: v2\nname: {name}\ndescription: {name}, rendered by tack\nversion: 0.1.0\nappVersion: \"0.1.0\"\n"
        ),
    )?;
    write(
        dir.join("values.yaml"),
        format!(
            "{}# Defaults of the {name} chart; value files in values/ are merged over them.\nname: {name}\nimage:\n  repository: ghcr.io/example/{name}\n  tag: \"0.1.0\"\n  pullPolicy: IfNotPresent\nreplicas: 2\ncontainerPort: 8080\nenvFrom:\n  - configMap: {name}-settings   # rendered by templates/configmap.yaml\nresources:\n  requests: {{cpu: 100m, memory: 128Mi}}\n  limits: {{cpu: 500m, memory: 256Mi}}\nreadinessProbe:\n  httpGet: {{path: /healthz}}\nservice:\n  type: ClusterIP\n  port: 80\ningress:\n  enabled: false\nstrategy:\n  type: rollingUpdate\nextra:\n  settings:\n    LOG_LEVEL: info\n",
            schema_line(dir)
        ),
    )?;
    write(
        dir.join("templates/configmap.yaml"),
        "# A sample template: settings passed to the app with envFrom.\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ values.name }}-settings\n  labels:\n    app.kubernetes.io/name: {{ values.name }}\n    app.kubernetes.io/instance: {{ release.name }}\n    app.kubernetes.io/managed-by: tack\ndata:\n{% for key, value in values.extra.settings | items %}\n  {{ key }}: {{ value | string | quote }}\n{% endfor %}\n".to_string(),
    )?;
    let values_dir = dir.join("values");
    for (file, text) in STRATEGY_FILES {
        write(
            values_dir.join(file),
            format!(
                "{}{}",
                schema_line(&values_dir),
                text.replace("NAME", &name)
            ),
        )?;
    }
    if !schema.exists() {
        write(schema.to_path_buf(), crate::values::values_schema_text())?;
    }
    Ok(Scaffold { files })
}

/// The first line of a value file in `folder`: the values schema for editors.
fn schema_line(folder: &Path, schema: &Path) -> String {
    format!(
        "# yaml-language-server: $schema={}\n",
        relative(folder, schema).display()
    )
}

/// Writes `text` to `path` (making its folders) and records it in `files`.
fn write_file(files: &mut Vec<PathBuf>, path: PathBuf, text: String) -> Result<(), ScaffoldError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| ScaffoldError::Write {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(&path, text).map_err(|source| ScaffoldError::Write {
        path: path.clone(),
        source,
    })?;
    files.push(path);
    Ok(())
}

/// `to` relative to the folder `from` (both relative to the same place, or both absolute).
pub(crate) fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to_parts: Vec<_> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut path = PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for part in &to_parts[common..] {
        path.push(part.as_os_str());
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new("charts/x"), Path::new("schemas/v.json")),
            PathBuf::from("../../schemas/v.json")
        );
        assert_eq!(
            relative(Path::new("charts/x/values"), Path::new("schemas/v.json")),
            PathBuf::from("../../../schemas/v.json")
        );
    }

    #[test]
    fn refuses_bad_names_and_existing_folders() {
        assert!(matches!(
            new_chart(Path::new("Bad_Name"), Path::new("s.json")),
            Err(ScaffoldError::BadName(_))
        ));
        assert!(matches!(
            new_chart(Path::new("src"), Path::new("s.json")),
            Err(ScaffoldError::Exists(_))
        ));
    }
}
