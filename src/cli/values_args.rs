//! The value flags `render` and `diff` share: `-f`, the `--set` family, release, namespace and
//! the Kubernetes version, each defined once.

use crate::kube_version::KubeVersion;
use crate::pipeline::RenderRequest;
use crate::values::{SetFlag, SetKind};
use clap::{ArgMatches, Args};
use std::path::PathBuf;

/// Value files, `--set` flags, release name, namespace and Kubernetes version.
#[derive(Debug, Clone, Args)]
pub struct ValuesArgs {
    /// A value file merged over the chart's values.yaml; repeat to layer several, in order.
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub values: Vec<PathBuf>,
    /// Set a value: `path.to.key=value`, typed as Helm types it (`3`, `true`, `null`
    /// deletes; `1.5`, `0777`, `yes` stay strings); `a=1,b=2` sets several; `list[0].key=x`
    /// indexes lists; `{a,b}` is a list; a backslash escapes the next character.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Set a value that is always a string: `image.tag=010`.
    #[arg(long = "set-string", value_name = "PATH=VALUE")]
    pub set_string: Vec<String>,
    /// Set a value to the content of a file: `tlsSecrets.mnist-tls.cert=tls.crt`.
    #[arg(long = "set-file", value_name = "PATH=FILE")]
    pub set_file: Vec<String>,
    /// Set a value from JSON: `nodeSelector={"gpu":"a100"}` (merged into a mapping), or a
    /// whole JSON object: `{"replicas":3}`.
    #[arg(long = "set-json", value_name = "PATH=JSON")]
    pub set_json: Vec<String>,
    /// Set a value to the literal rest of the flag, commas and backslashes included:
    /// `extra.args=--a=1,--b=2`.
    #[arg(long = "set-literal", value_name = "PATH=TEXT")]
    pub set_literal: Vec<String>,
    /// API versions the cluster serves beyond the built-in ones of --kube-version, for
    /// templates' `capabilities.apiVersions` (`monitoring.coreos.com/v1`, or with the kind:
    /// `monitoring.coreos.com/v1/ServiceMonitor`); repeatable or comma-separated.
    #[arg(
        short = 'a',
        long = "api-versions",
        value_name = "GROUP/VERSION",
        value_delimiter = ','
    )]
    pub api_versions: Vec<String>,
    /// Release name, the `app.kubernetes.io/instance` label (default: the app's name).
    #[arg(long = "release", value_name = "NAME")]
    pub release: Option<String>,
    /// Namespace of every object (default: none, so kubectl uses its current namespace).
    #[arg(short = 'n', long = "namespace", value_name = "NS")]
    pub namespace: Option<String>,
    #[command(flatten)]
    pub kube: KubeVersionArg,
}

/// The cluster: `--kube-version` and `--crd`, shared by every command that renders or
/// validates.
#[derive(Debug, Clone, Args)]
pub struct KubeVersionArg {
    /// Kubernetes version to render and validate for, e.g. 1.33 or 1.33.0 [default: the
    /// newest supported].
    #[arg(long = "kube-version", value_name = "VERSION")]
    pub kube_version: Option<KubeVersion>,
    /// CustomResourceDefinitions the cluster has, to check custom resources against (a YAML
    /// or JSON file of CRDs, or a folder of them); repeatable.
    #[arg(long = "crd", value_name = "FILE|DIR")]
    pub crd: Vec<PathBuf>,
}

impl KubeVersionArg {
    /// The version asked for, or the newest tack knows.
    pub fn get(&self) -> KubeVersion {
        self.kube_version.unwrap_or_default()
    }

    /// A renderer for this cluster, or (the error reported) the exit code: a `--crd` that
    /// cannot be read or holds something other than CRDs is a usage error.
    pub fn renderer(
        &self,
        console: &super::console::Console,
    ) -> Result<crate::pipeline::Renderer, u8> {
        let mut renderer = crate::pipeline::Renderer::new(self.get());
        for crd in &self.crd {
            renderer = renderer.crd(crd).map_err(|error| {
                console.error(&error.to_string(), None);
                super::EXIT_USAGE
            })?;
        }
        Ok(renderer)
    }
}

/// How best-practice problems are reported (`--practices`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PracticesLevel {
    /// As warnings: shown, but the exit status stays 0.
    Warn,
    /// As errors: exit status 1.
    Error,
    /// Not checked.
    Off,
}

impl PracticesLevel {
    /// The severity of practice problems, or `None` when they are not checked.
    pub fn severity(self) -> Option<crate::diagnostic::Severity> {
        match self {
            PracticesLevel::Warn => Some(crate::diagnostic::Severity::Warning),
            PracticesLevel::Error => Some(crate::diagnostic::Severity::Error),
            PracticesLevel::Off => None,
        }
    }
}

/// Ids of the value arguments, for `conflicts_with_all`.
pub const IDS: [&str; 9] = [
    "api_versions",
    "values",
    "set",
    "set_string",
    "set_file",
    "set_json",
    "set_literal",
    "release",
    "namespace",
];

impl ValuesArgs {
    /// The `--set` family flags in the order they were given on the command line.
    pub fn ordered_sets(&self, matches: Option<&ArgMatches>) -> Vec<SetFlag> {
        let groups = [
            ("set", SetKind::Typed, &self.set),
            ("set_string", SetKind::String, &self.set_string),
            ("set_file", SetKind::File, &self.set_file),
            ("set_json", SetKind::Json, &self.set_json),
            ("set_literal", SetKind::Literal, &self.set_literal),
        ];
        let mut flags: Vec<(usize, SetFlag)> = Vec::new();
        for (id, kind, values) in groups {
            let indices: Vec<usize> = matches
                .and_then(|m| m.indices_of(id))
                .map(Iterator::collect)
                .unwrap_or_default();
            for (i, value) in values.iter().enumerate() {
                let position = indices.get(i).copied().unwrap_or(usize::MAX);
                flags.push((position, SetFlag::new(kind, value.clone())));
            }
        }
        flags.sort_by_key(|(position, _)| *position);
        flags.into_iter().map(|(_, flag)| flag).collect()
    }

    /// The render request for `chart` with these values.
    pub fn request(&self, chart: PathBuf, matches: Option<&ArgMatches>) -> RenderRequest {
        RenderRequest {
            chart,
            value_files: self.values.clone(),
            sets: self.ordered_sets(matches),
            release: self.release.clone(),
            namespace: self.namespace.clone(),
            cwd: PathBuf::from("."),
            api_versions: self.api_versions.clone(),
        }
    }
}
