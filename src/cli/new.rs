//! `tack new`: scaffold a chart, or convert a Helm chart (`--from-helm`).

use super::console::Console;
use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE, Outcome};
use crate::pipeline::{RenderRequest, Renderer};
use clap::Args;
use std::path::{Path, PathBuf};

/// Examples shown by `tack new --help`.
pub const EXAMPLES: &str = "Examples:
  tack new charts/fraud-detector
  tack lint charts/fraud-detector
  tack render charts/fraud-detector -f charts/fraud-detector/values/canary.yaml
  tack new charts/web --from-helm helm/web     (a chart `helm create` made; see charts/web/MIGRATION.md)";

/// Arguments of `tack new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The chart folder to create; its last part names the chart and the app.
    path: PathBuf,
    /// Convert this Helm chart (one `helm create` made, or like it): typed values for what
    /// tack builds, `extra` for the rest, other templates copied to `helm-templates/` to port.
    #[arg(long = "from-helm", value_name = "HELM_CHART")]
    from_helm: Option<PathBuf>,
    /// The values schema the new value files point editors at (written if missing).
    #[arg(
        long = "schema",
        value_name = "FILE",
        default_value = "schemas/values.schema.json"
    )]
    schema: PathBuf,
}

/// Runs `tack new`.
pub fn run(args: NewArgs, console: &Console) -> Outcome {
    if let Some(helm) = &args.from_helm {
        return convert(helm, &args, console);
    }
    match crate::scaffold::new_chart(&args.path, &args.schema) {
        Ok(scaffold) => {
            for file in &scaffold.files {
                console.note(&format!("created {}", file.display()));
            }
            let chart = args.path.display();
            console.note(&format!(
                "\nnext: tack lint {chart}   (or tack render {chart} -f {})",
                Path::new(&args.path).join("values/canary.yaml").display()
            ));
            Ok(EXIT_OK)
        }
        Err(err) => {
            console.error(&err.to_string(), None);
            Ok(EXIT_USAGE)
        }
    }
}

/// `tack new DIR --from-helm CHART`: converts, then renders the new chart with its defaults
/// to show it works (exit 1 with the problems when it does not).
fn convert(helm: &Path, args: &NewArgs, console: &Console) -> Outcome {
    let migration = match crate::scaffold::from_helm::from_helm(helm, &args.path, &args.schema) {
        Ok(migration) => migration,
        Err(err) => {
            console.error(&err.to_string(), None);
            return Ok(EXIT_USAGE);
        }
    };
    for file in &migration.files {
        console.note(&format!("created {}", file.display()));
    }
    let chart = args.path.display();
    let to_port = migration.to_port();
    if !to_port.is_empty() {
        console.warning(&format!(
            "{} template{} to port by hand (copied to {}/helm-templates/, which tack does not read): {}; MIGRATION.md shows each Go template line in minijinja form",
            to_port.len(),
            if to_port.len() == 1 { "" } else { "s" },
            chart,
            to_port.join(", ")
        ));
    }
    let renderer = Renderer::new(crate::KubeVersion::LATEST);
    match renderer.render(&RenderRequest::new(&args.path)) {
        Ok(rendered) => {
            console.note(&format!(
                "\n{chart} renders {} objects with its defaults; where every Helm value went: {}\nnext: tack lint {chart}   (or tack render {chart} -f {})",
                rendered.manifests.len(),
                args.path.join("MIGRATION.md").display(),
                args.path.join("values/canary.yaml").display()
            ));
            Ok(EXIT_OK)
        }
        Err(error) => {
            console.diagnostics(&error.diagnostics());
            console.error(
                &format!("{chart} was written but does not render yet; fix the values above (MIGRATION.md says where each came from)"),
                None,
            );
            Ok(EXIT_INVALID)
        }
    }
}
