//! Command-line front end: clap definitions and dispatch. Everything that does real work
//! lives in the library; this layer parses, calls and prints.

mod completions;
mod diagnostic;
mod diff;
mod lint;
mod new;
mod render;
mod schema;
mod validate;
mod values_args;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use diagnostic::Diagnostics;
use std::process::ExitCode;
use tack::Error;
use tack::chart::ChartError;
use tack::values::ValuesError;

/// Exit code for valid input.
pub const EXIT_OK: u8 = 0;
/// Exit code for invalid values or manifests.
pub const EXIT_INVALID: u8 = 1;
/// Exit code for usage and I/O errors.
pub const EXIT_USAGE: u8 = 2;

/// Typed, validated Kubernetes manifests for model-serving apps.
#[derive(Debug, Parser)]
#[command(name = "tack", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Render a chart into validated manifests (YAML on stdout, for `kubectl apply -f -`).
    #[command(after_help = render::EXAMPLES)]
    Render(Box<render::RenderArgs>),
    /// Show what a change of values, or of files since a git revision, does to the objects.
    #[command(after_help = diff::EXAMPLES)]
    Diff(Box<diff::DiffArgs>),
    /// Render and check every chart with every value file that targets it.
    #[command(after_help = lint::EXAMPLES)]
    Lint(lint::LintArgs),
    /// Create a chart that lints clean, with one value file per strategy.
    #[command(after_help = new::EXAMPLES)]
    New(new::NewArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = completions::EXAMPLES)]
    Completions(completions::CompletionsArgs),
    /// Print the JSON Schema of value files (draft 2020-12), for editors and CI.
    #[command(after_help = schema::EXAMPLES)]
    Schema(schema::SchemaArgs),
    /// Validate manifests offline: schema, removed APIs, API-server rules, cross-object checks.
    #[command(after_help = validate::EXAMPLES)]
    Validate(validate::ValidateArgs),
}

/// Parses the command line, runs the command and returns its exit code.
pub fn run() -> ExitCode {
    let matches = match Cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(err) => return clap_exit(err),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => return clap_exit(err),
    };
    let diagnostics = Diagnostics::for_stderr();
    let code = match cli.command {
        Command::Render(args) => {
            let sub = matches.subcommand_matches("render");
            render::run(*args, sub, &diagnostics)
        }
        Command::Schema(args) => schema::run(args, &diagnostics),
        Command::New(args) => new::run(args, &diagnostics),
        Command::Lint(args) => lint::run(args, &diagnostics),
        Command::Completions(args) => completions::run(args),
        Command::Diff(args) => diff::run(*args, matches.subcommand_matches("diff"), &diagnostics),
        Command::Validate(args) => validate::run(args),
    };
    ExitCode::from(code)
}

fn clap_exit(err: clap::Error) -> ExitCode {
    let code = if err.use_stderr() {
        EXIT_USAGE
    } else {
        EXIT_OK
    };
    let _ = err.print();
    ExitCode::from(code)
}

/// Prints a library error as diagnostics and returns its exit code.
pub fn report(error: &Error, diagnostics: &Diagnostics) -> u8 {
    let (text, code) = describe(error, diagnostics);
    eprint!("{text}");
    code
}

/// A library error as diagnostics text (ending in a newline), and its exit code.
pub fn describe(error: &Error, diagnostics: &Diagnostics) -> (String, u8) {
    use std::fmt::Write;
    let mut out = String::new();
    match error {
        Error::Releases(ValuesError::Invalid { problems, sources }) => {
            for problem in problems {
                let _ = writeln!(out, "{}\n", diagnostics.problem(problem, sources));
            }
            let _ = writeln!(out, "{}", summary(problems.len(), "in the releases file"));
            (out, EXIT_INVALID)
        }
        Error::Releases(inner) => {
            let _ = writeln!(out, "{}", diagnostics.error(&inner.to_string(), None));
            (out, EXIT_USAGE)
        }
        Error::Values(ValuesError::Invalid { problems, sources }) => {
            for problem in problems {
                let _ = writeln!(out, "{}\n", diagnostics.problem(problem, sources));
            }
            let _ = writeln!(out, "{}", summary(problems.len(), "in values"));
            (out, EXIT_INVALID)
        }
        Error::Chart(ChartError::Invalid { problems, sources }) => {
            for problem in problems {
                let _ = writeln!(out, "{}\n", diagnostics.problem(problem, sources));
            }
            let _ = writeln!(out, "{}", summary(problems.len(), "in Chart.yaml"));
            (out, EXIT_INVALID)
        }
        Error::Chart(ChartError::Template { problems, sources }) => {
            for problem in problems {
                let _ = writeln!(out, "{}\n", diagnostics.problem(problem, sources));
            }
            let _ = writeln!(out, "{}", summary(problems.len(), "in templates"));
            (out, EXIT_INVALID)
        }
        Error::Chart(
            ChartError::Refused { .. }
            | ChartError::BadSchema { .. }
            | ChartError::KubeVersion { .. },
        ) => {
            let _ = writeln!(out, "{}", diagnostics.error(&error.to_string(), None));
            (out, EXIT_INVALID)
        }
        Error::Invalid { report } => {
            out.push_str(&validate::human(report, false, validate::colour()));
            let _ = writeln!(
                out,
                "error: the rendered objects are not valid; nothing was rendered"
            );
            (out, EXIT_INVALID)
        }
        Error::App { problems } => {
            let sources = tack::source::SourceMap::new();
            for problem in problems {
                let _ = writeln!(out, "{}\n", diagnostics.problem(problem, &sources));
            }
            (out, EXIT_INVALID)
        }
        Error::Values(ValuesError::BadFlag { flag, .. }) => {
            let help = flag
                .starts_with("--set")
                .then_some("write `--set path.to.key=value`; escape dots in keys as `\\.`");
            let _ = writeln!(out, "{}", diagnostics.error(&error.to_string(), help));
            (out, EXIT_USAGE)
        }
        Error::Chart(ChartError::NotFound(_) | ChartError::NotAFolder(_)) => {
            let _ = writeln!(out,
                "{}",
                diagnostics.error(
                    &error.to_string(),
                    Some("pass the folder that holds Chart.yaml, e.g. `tack render charts/model-serving`"),
                )
            );
            (out, EXIT_USAGE)
        }
        Error::Values(_) | Error::Chart(_) | Error::Write { .. } => {
            let _ = writeln!(out, "{}", diagnostics.error(&error.to_string(), None));
            (out, EXIT_USAGE)
        }
    }
}

/// Writes command output to stdout; a closed pipe (`| head`) is not an error worth a
/// message.
pub fn write_stdout(text: &str, diagnostics: &Diagnostics) -> u8 {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => EXIT_OK,
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(err) => {
            eprintln!(
                "{}",
                diagnostics.error(&format!("cannot write output: {err}"), None)
            );
            EXIT_USAGE
        }
    }
}

fn summary(count: usize, place: &str) -> String {
    format!(
        "error: {count} problem{} {place}; nothing was rendered",
        if count == 1 { "" } else { "s" }
    )
}
