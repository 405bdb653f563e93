//! The command line: clap definitions, dispatch, and the one place output is written
//! (`console`). Everything that does real work lives in the rest of the library; this layer
//! parses, calls and prints. `main.rs` only calls [`run`].
//!
//! Exit codes: 0 success (and a closed stdout, as ripgrep does: `tack render ... | head`
//! stops quietly), 1 invalid input, 2 usage or I/O error; `tack diff` uses 1 for "there are
//! changes".

mod argocd;
mod completions;
mod console;
mod diff;
mod explain;
mod habits;
mod krm;
mod lint;
mod new;
mod render;
mod schema;
mod show;
mod validate;
mod values_args;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use console::{Console, Failure};
use std::process::ExitCode;

/// Exit code for valid input.
const EXIT_OK: u8 = 0;
/// Exit code for invalid values or manifests (and, for `diff`, changes).
const EXIT_INVALID: u8 = 1;
/// Exit code for usage and I/O errors.
const EXIT_USAGE: u8 = 2;

/// `tack --version`: the version and the git revision it was built from.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (git ",
    env!("TACK_GIT_REVISION"),
    ")"
);

/// What a command returns: its exit code, or why it stopped writing.
type Outcome = Result<u8, Failure>;

/// Typed, validated Kubernetes manifests for model-serving apps.
#[derive(Debug, Parser)]
#[command(name = "tack", version = VERSION, about, long_about = None)]
struct Cli {
    /// When to colour diagnostics: auto (when the stream is a terminal and NO_COLOR is
    /// unset), always, never.
    #[arg(long = "color", global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    /// Colour a stream when it is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Render a chart into validated manifests (YAML on stdout, for `kubectl apply -f -`).
    #[command(after_help = render::EXAMPLES, visible_alias = "template")]
    Render(Box<render::RenderArgs>),
    /// Show what a change of values, or of files since a git revision, does to the objects.
    #[command(after_help = diff::EXAMPLES)]
    Diff(Box<diff::DiffArgs>),
    /// Show where a release's requests go: entry point -> route or Ingress -> Service -> pods.
    #[command(after_help = explain::EXAMPLES)]
    Explain(Box<explain::ExplainArgs>),
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
    /// Argo CD config management plugin commands: generate, parameters, discover.
    #[command(after_help = argocd::EXAMPLES)]
    Argocd(argocd::ArgocdArgs),
    /// Run as a KRM function (kustomize generator, kpt): a ResourceList with a tack.dev/v1
    /// Release on stdin, the rendered objects appended on stdout.
    #[command(after_help = krm::EXAMPLES)]
    Krm(krm::KrmArgs),
    /// Print a chart's values.yaml or Chart.yaml, as `helm show values|chart` does.
    #[command(after_help = show::EXAMPLES)]
    Show(show::ShowArgs),
}

/// Parses this process's command line, runs the command and returns its exit code: all
/// `main.rs` does. [`run_from`] takes the arguments instead (and has a tested example; this
/// one would read the doctest's own arguments).
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     tack::cli::run()
/// }
/// ```
pub fn run() -> ExitCode {
    run_from(std::env::args_os())
}

/// Runs the command line `args` (the first is the program name), as the `tack` binary
/// would, printing to this process's stdout and stderr.
///
/// ```
/// use std::process::ExitCode;
/// let code = tack::cli::run_from(["tack", "validate", "tests/golden/model-serving/canary.yaml"]);
/// assert_eq!(code, ExitCode::SUCCESS);
/// assert_eq!(tack::cli::run_from(["tack", "render", "no/such/chart"]), ExitCode::from(2));
/// ```
pub fn run_from<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    if let Some(answer) = habits::answer(&args) {
        let console = Console::new(ColorChoice::Auto);
        console.error(&answer.message, Some(answer.help));
        return ExitCode::from(EXIT_USAGE);
    }
    let matches = match Cli::command().try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(err) => return clap_exit(&err),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => return clap_exit(&err),
    };
    let console = Console::new(cli.color);
    let outcome = match cli.command {
        Command::Render(args) => render::run(*args, matches.subcommand_matches("render"), &console),
        Command::Schema(args) => schema::run(args, &console),
        Command::Show(args) => show::run(args, &console),
        Command::Argocd(args) => argocd::run(args, &console),
        Command::Krm(args) => krm::run(args, &console),
        Command::New(args) => new::run(args, &console),
        Command::Lint(args) => lint::run(args, &console),
        Command::Completions(args) => completions::run(args, &console),
        Command::Diff(args) => diff::run(*args, matches.subcommand_matches("diff"), &console),
        Command::Validate(args) => validate::run(args, &console),
        Command::Explain(args) => {
            explain::run(*args, matches.subcommand_matches("explain"), &console)
        }
    };
    ExitCode::from(console.finish(outcome))
}

fn clap_exit(err: &clap::Error) -> ExitCode {
    let code = if err.use_stderr() {
        EXIT_USAGE
    } else {
        EXIT_OK
    };
    // `--help | head` closes the pipe; nothing more to say then.
    let _ = err.print();
    ExitCode::from(code)
}
