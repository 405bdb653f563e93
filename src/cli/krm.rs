//! `tack krm`: the KRM function (kustomize generator, kpt function): a `ResourceList` on
//! stdin, the same list with the rendered objects on stdout.

use super::console::Console;
use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE, Outcome};
use clap::Args;

/// Examples shown by `tack krm --help`.
pub const EXAMPLES: &str = "Examples: (kustomize and kpt run it; see README \"kustomize\")
  kubectl kustomize --enable-alpha-plugins --enable-exec deploy/kustomize
  tack krm < resource-list.yaml";

/// Arguments of `tack krm` (none: everything is in the function config).
#[derive(Debug, Args)]
pub struct KrmArgs {}

/// Runs `tack krm`.
pub fn run(_args: KrmArgs, console: &Console) -> Outcome {
    let input =
        match crate::input::read_to_limit(std::io::stdin().lock(), crate::krm::MAX_INPUT_BYTES) {
            Ok(bytes) => bytes,
            Err(crate::input::LimitError::TooLarge) => {
                console.error(
                    &format!(
                        "tack krm: stdin holds more than {}, the most tack reads",
                        crate::input::human_bytes(crate::krm::MAX_INPUT_BYTES)
                    ),
                    None,
                );
                return Ok(EXIT_USAGE);
            }
            Err(crate::input::LimitError::Io(error)) => {
                console.error(&format!("tack krm: cannot read stdin: {error}"), None);
                return Ok(EXIT_USAGE);
            }
        };
    let Ok(input) = String::from_utf8(input) else {
        console.error("tack krm: stdin is not UTF-8 text", None);
        return Ok(EXIT_USAGE);
    };
    let outcome = crate::krm::run(&input, std::path::Path::new("."));
    let text = serde_saphyr::to_string(&outcome.list).unwrap_or_default();
    if outcome.failed {
        for result in outcome.list["results"].as_array().into_iter().flatten() {
            console.error(
                &format!(
                    "tack krm: {}",
                    result["message"].as_str().unwrap_or_default()
                ),
                None,
            );
        }
    }
    console.out(text)?;
    Ok(if outcome.failed {
        EXIT_INVALID
    } else {
        EXIT_OK
    })
}
