//! `tack new`: scaffold a chart.

use super::console::Console;
use super::{EXIT_OK, EXIT_USAGE, Outcome};
use clap::Args;
use std::path::{Path, PathBuf};

/// Examples shown by `tack new --help`.
pub const EXAMPLES: &str = "Examples:
  tack new charts/fraud-detector
  tack lint charts/fraud-detector
  tack render charts/fraud-detector -f charts/fraud-detector/values/canary.yaml";

/// Arguments of `tack new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The chart folder to create; its last part names the chart and the app.
    path: PathBuf,
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
