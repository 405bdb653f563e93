//! `tack completions`: shell completion scripts.

use super::console::Console;
use super::{EXIT_OK, Outcome};
use clap::{Args, CommandFactory};
use clap_complete::Shell;

/// Examples shown by `tack completions --help`.
pub const EXAMPLES: &str = "Examples:
  tack completions bash > ~/.local/share/bash-completion/completions/tack
  tack completions zsh > \"${fpath[1]}/_tack\"
  tack completions fish > ~/.config/fish/completions/tack.fish";

/// Arguments of `tack completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    shell: Shell,
}

/// Prints the completion script.
pub fn run(args: CompletionsArgs, console: &Console) -> Outcome {
    let mut command = super::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "tack", &mut script);
    console.out(script)?;
    Ok(EXIT_OK)
}
