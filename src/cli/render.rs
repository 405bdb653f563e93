//! `tack render`: chart + values -> validated manifests on stdout (or in a folder).

use super::diagnostic::Diagnostics;
use super::values_args::{self, ValuesArgs};
use super::{EXIT_OK, EXIT_USAGE, report};
use clap::{ArgMatches, Args, ValueEnum};
use std::path::PathBuf;
use tack::RenderRequest;

/// Examples shown by `tack render --help`.
pub const EXAMPLES: &str = "Examples:
  tack render charts/model-serving -f values/canary.yaml | kubectl apply -f -
  tack render charts/model-serving -f values/canary.yaml --set strategy.canary.weight=50
  tack render charts/model-serving -f values/blue-green.yaml --set strategy.blueGreen.active=green
  tack render charts/model-serving --namespace ml --format json
  tack render charts/model-serving -f values/routing.yaml --output-dir out/";

/// Arguments of `tack render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The chart folder (holding Chart.yaml and values.yaml).
    #[arg(required_unless_present = "releases", conflicts_with = "releases")]
    chart: Option<PathBuf>,
    /// Render every release of a releases file (tack.yaml) instead of one chart.
    #[arg(short = 'r', long = "releases", value_name = "FILE", conflicts_with_all = values_args::IDS)]
    releases: Option<PathBuf>,
    /// With --releases: render only this release (`name` or `namespace/name`).
    #[arg(long = "only", value_name = "NAME", requires = "releases")]
    only: Option<String>,
    #[command(flatten)]
    values: ValuesArgs,
    /// Output format.
    #[arg(long = "format", value_enum, default_value_t = Format::Yaml)]
    format: Format,
    /// Write one file per object into this folder instead of printing.
    #[arg(short = 'o', long = "output-dir", value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Print the merged values to stderr, each with the file or flag that set it
    /// (secret values are shown as `<redacted>`).
    #[arg(long = "debug")]
    debug: bool,
}

/// How manifests are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Multi-document YAML with `# Source:` comments.
    Yaml,
    /// A JSON `v1/List`.
    Json,
}

/// Runs `tack render`.
pub fn run(args: RenderArgs, matches: Option<&ArgMatches>, diagnostics: &Diagnostics) -> u8 {
    if let Some(file) = &args.releases {
        return run_releases(&args, file, diagnostics);
    }
    let request = args
        .values
        .request(args.chart.clone().unwrap_or_default(), matches);
    if args.debug {
        print_merged_values(&request);
    }
    let rendered = match tack::render(&request) {
        Ok(rendered) => rendered,
        Err(error) => return report(&error, diagnostics),
    };
    for warning in &rendered.warnings {
        eprintln!("{}", diagnostics.warning(warning));
    }
    print_report_notes(&rendered.report);
    if let Some(dir) = &args.output_dir {
        return write_dir(&rendered.manifests, dir, diagnostics);
    }
    let text = match args.format {
        Format::Yaml => rendered.manifests.to_yaml(),
        Format::Json => rendered.manifests.to_json(),
    };
    super::write_stdout(&text, diagnostics)
}

/// Validation warnings and skipped kinds of a valid render, on stderr.
fn print_report_notes(report: &tack::validate::Report) {
    if !report.problems.is_empty() || !report.skipped.is_empty() {
        eprint!(
            "{}",
            super::validate::human(report, false, super::validate::colour())
        );
    }
}

fn write_dir(manifests: &tack::Manifests, dir: &std::path::Path, diagnostics: &Diagnostics) -> u8 {
    match manifests.write_dir(dir) {
        Ok(files) => {
            eprintln!("wrote {} files to {}", files.len(), dir.display());
            EXIT_OK
        }
        Err(err) => {
            eprintln!(
                "{}",
                diagnostics.error(&format!("cannot write to {}: {err}", dir.display()), None)
            );
            EXIT_USAGE
        }
    }
}

/// `tack render -r tack.yaml`: every release, rendered in parallel, printed in file order.
/// If any release fails, every failure is reported and nothing is printed.
fn run_releases(args: &RenderArgs, file: &std::path::Path, diagnostics: &Diagnostics) -> u8 {
    let releases = match tack::releases::Releases::load(file) {
        Ok(releases) => releases,
        Err(error) => return report(&tack::Error::Releases(error), diagnostics),
    };
    let selected = match releases.select(args.only.as_deref()) {
        Ok(selected) => selected,
        Err(error) => return report(&tack::Error::Releases(error), diagnostics),
    };
    let results = releases.render(&selected, args.values.kube_version.unwrap_or_default());
    let mut worst = EXIT_OK;
    let mut rendered = Vec::new();
    for (index, result) in results {
        match result {
            Ok(output) => rendered.push((index, output)),
            Err(error) => {
                let entry = &releases.entries()[index];
                eprintln!(
                    "{}",
                    diagnostics.error(
                        &format!(
                            "release `{}` ({}) failed:",
                            entry.id(),
                            releases.describe(index)
                        ),
                        None
                    )
                );
                worst = worst.max(report(&error, diagnostics));
            }
        }
    }
    if worst != EXIT_OK {
        return worst;
    }
    for (index, output) in &rendered {
        let entry = &releases.entries()[*index];
        for warning in &output.warnings {
            eprintln!(
                "{}",
                diagnostics.warning(&format!("release `{}`: {warning}", entry.id()))
            );
        }
    }
    if let Some(dir) = &args.output_dir {
        for (index, output) in &rendered {
            let entry = &releases.entries()[*index];
            let folder = match &entry.namespace {
                Some(ns) => dir.join(ns).join(&entry.name),
                None => dir.join(&entry.name),
            };
            let code = write_dir(&output.manifests, &folder, diagnostics);
            if code != EXIT_OK {
                return code;
            }
        }
        return EXIT_OK;
    }
    let text = match args.format {
        Format::Yaml => rendered
            .iter()
            .map(|(_, r)| r.manifests.to_yaml())
            .collect(),
        Format::Json => {
            let mut all = tack::Manifests::default();
            for (_, output) in &rendered {
                all.append(output.manifests.clone());
            }
            all.to_json()
        }
    };
    super::write_stdout(&text, diagnostics)
}

/// `--debug`: every merged value and where it was set last.
fn print_merged_values(request: &RenderRequest) {
    let Ok(chart) = tack::chart::Chart::load(&request.chart) else {
        return;
    };
    let Ok(mut loader) = chart.values() else {
        return;
    };
    for file in &request.value_files {
        if loader.add_file(file).is_err() {
            return;
        }
    }
    for flag in &request.sets {
        if loader.apply_set(flag, &request.cwd).is_err() {
            return;
        }
    }
    eprintln!("debug: merged values (each from the last file or flag that set it):");
    for (path, node) in loader.tree().leaves() {
        let value = match &node.value {
            _ if tack::values::is_sensitive(&path) => "<redacted>".to_string(),
            tack::values::NodeValue::Scalar(scalar) => match scalar.kind {
                tack::values::ScalarKind::Str => format!("{:?}", scalar.text),
                tack::values::ScalarKind::Null => "null".to_string(),
                _ => scalar.text.clone(),
            },
            tack::values::NodeValue::Seq(_) => "[]".to_string(),
            tack::values::NodeValue::Map(_) => "{}".to_string(),
        };
        eprintln!(
            "  {path} = {value}  ({})",
            loader.sources().describe(node.location)
        );
    }
}
