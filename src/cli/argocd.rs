//! `tack argocd generate|parameters|discover`: the commands of tack's Argo CD config
//! management plugin (`deploy/argocd/plugin.yaml`). Objects go to stdout, diagnostics to
//! stderr; any problem is a non-zero exit with nothing on stdout.

use super::console::Console;
use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE, Outcome};
use crate::argocd::{self, ArgoEnv, Error};
use clap::{Args, Subcommand};

/// Examples shown by `tack argocd --help`.
pub const EXAMPLES: &str =
    "Examples: (Argo CD runs these in the app's source folder; see deploy/argocd/)
  ARGOCD_APP_NAME=mnist ARGOCD_APP_NAMESPACE=ml tack argocd generate
  ARGOCD_APP_PARAMETERS='[{\"name\":\"canaryWeight\",\"string\":\"30\"}]' tack argocd generate
  tack argocd parameters
  tack argocd discover     (prints tack.yaml or Chart.yaml for a tack source, nothing otherwise)";

/// Arguments of `tack argocd`.
#[derive(Debug, Args)]
pub struct ArgocdArgs {
    #[command(subcommand)]
    command: ArgocdCommand,
}

#[derive(Debug, Subcommand)]
enum ArgocdCommand {
    /// Render the source folder (a chart, or a tack.yaml's releases) with the app's
    /// parameters: the plugin's `generate` command.
    Generate,
    /// Print the parameter announcement (JSON) for Argo CD's UI: the plugin's
    /// `parameters.dynamic` command.
    Parameters,
    /// Print the kind (`tack.yaml` or `Chart.yaml`) when the folder is a tack source, and
    /// nothing otherwise (Argo CD: non-empty output and exit 0 is a match): the plugin's
    /// `discover.find.command`.
    Discover,
}

/// Runs `tack argocd`.
pub fn run(args: ArgocdArgs, console: &Console) -> Outcome {
    let cwd = std::path::PathBuf::from(".");
    let env = ArgoEnv::from_process();
    match args.command {
        ArgocdCommand::Generate => generate(&env, &cwd, console),
        ArgocdCommand::Parameters => {
            let text =
                serde_json::to_string_pretty(&argocd::announce(&env, &cwd)).unwrap_or_default();
            console.out(format!("{text}\n"))?;
            Ok(EXIT_OK)
        }
        ArgocdCommand::Discover => match argocd::source_kind(&cwd) {
            Some(kind) => {
                let what = match kind {
                    argocd::SourceKind::Releases => "tack.yaml",
                    argocd::SourceKind::Chart => "Chart.yaml",
                };
                console.out(format!("{what}\n"))?;
                Ok(EXIT_OK)
            }
            None => Ok(EXIT_OK),
        },
    }
}

fn generate(env: &ArgoEnv, cwd: &std::path::Path, console: &Console) -> Outcome {
    match argocd::generate(env, cwd) {
        Ok(generated) => {
            // Nothing on stderr when it works: newer argocd-cmp-servers append a command's
            // stderr to its output. Warnings go first, as YAML comments.
            let mut text = String::new();
            for warning in generated.warning_lines() {
                text.push_str(&format!("# tack: warning: {warning}\n"));
            }
            text.push_str(&generated.manifests.to_yaml());
            console.out(text)?;
            Ok(EXIT_OK)
        }
        Err(error) => {
            console.diagnostics(&error.diagnostics());
            let code = match &error {
                Error::Render { error, .. } if !error.is_invalid_input() => EXIT_USAGE,
                Error::Render { .. } | Error::Empty => EXIT_INVALID,
                Error::Releases(error) if error.is_invalid_input() => EXIT_INVALID,
                _ => EXIT_USAGE,
            };
            console.error(&format!("tack argocd generate: {error}"), None);
            Ok(code)
        }
    }
}
