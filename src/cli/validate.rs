//! `tack validate`: check any manifests offline (tack's own, `helm template` output,
//! hand-written files), like kubeconform but stricter and with cross-object checks.

use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE};
use clap::{Args, ValueEnum};
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use tack::validate::{Checks, KubeVersion, Problem, Report, Severity, Validator, collect_inputs};

/// Examples shown under `tack validate --help`.
pub const EXAMPLES: &str = "Examples:
  helm template x ./legacy-chart | tack validate -
  tack validate k8s/ --kube-version 1.33
  tack validate release.yaml --complete --external registry-credentials
  tack validate crds/ --schema-dir schemas/crds --reject-unknown-kinds --format junit

Exit codes: 0 valid (warnings allowed), 1 invalid manifests, 2 usage or I/O error.";

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One block per problem, for people (coloured on a terminal).
    Human,
    /// The whole report as JSON.
    Json,
    /// JUnit XML: one test suite per file, one test case per object.
    Junit,
}

/// Arguments of `tack validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files, folders (searched recursively for *.yaml, *.yml, *.json) or `-` for standard input.
    #[arg(value_name = "PATH", default_value = "-")]
    paths: Vec<PathBuf>,
    /// Reject fields the schema does not define (the default).
    #[arg(long, overrides_with = "no_strict")]
    strict: bool,
    /// Allow fields the schema does not define.
    #[arg(long = "no-strict", overrides_with = "strict")]
    no_strict: bool,
    /// Kubernetes version to check removed and deprecated APIs against, e.g. 1.33 or 1.33.0
    /// [default: the newest supported].
    #[arg(long, value_name = "VERSION")]
    kube_version: Option<KubeVersion>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Print only the totals, not each problem.
    #[arg(long)]
    summary: bool,
    /// The input is the whole app: references to objects not in it are errors, not warnings.
    #[arg(long)]
    complete: bool,
    /// An object that exists outside the input (NAME or Kind/NAME); repeat or separate with commas.
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    external: Vec<String>,
    /// Checks to run: all, or a comma-separated list of schema, removed-api, rules, references.
    #[arg(long, value_name = "LIST", default_value = "all")]
    checks: Checks,
    /// Report kinds without a schema (custom resources) as errors instead of skipping them.
    #[arg(long)]
    reject_unknown_kinds: bool,
    /// A folder of JSON Schemas for custom kinds, named <kind>_<version>.json (kubeconform's
    /// layout, optionally under <group>/); repeatable.
    #[arg(long, value_name = "DIR")]
    schema_dir: Vec<PathBuf>,
    /// Skip documents that are not Kubernetes objects (neither kind nor metadata: value files,
    /// Chart.yaml, CI configs) instead of reporting them; for checking every YAML file of a
    /// repository, as the pre-commit hook does.
    #[arg(long)]
    skip_non_objects: bool,
}

impl ValidateArgs {
    fn validator(&self) -> Validator {
        let mut validator = Validator::default()
            .strict(!self.no_strict)
            .complete(self.complete)
            .checks(self.checks)
            .reject_unknown_kinds(self.reject_unknown_kinds)
            .skip_non_objects(self.skip_non_objects)
            .record_objects(self.format == Format::Junit);
        if let Some(version) = self.kube_version {
            validator = validator.kube_version(version);
        }
        for external in &self.external {
            validator = validator.external(external.trim());
        }
        for dir in &self.schema_dir {
            validator = validator.schema_dir(dir);
        }
        validator
    }
}

/// Runs `tack validate` and returns its exit code.
pub fn run(args: ValidateArgs) -> u8 {
    let validator = args.validator();
    if let Err(error) = validator.check_schema_dirs() {
        eprintln!("error: {error}");
        return EXIT_USAGE;
    }
    let inputs = match collect_inputs(&args.paths) {
        Ok(inputs) => inputs,
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_USAGE;
        }
    };
    let report = validator.validate_inputs(inputs);
    let text = match args.format {
        Format::Human => human(&report, args.summary, colour()),
        Format::Json => json_report(&report, args.summary),
        Format::Junit => junit(&report),
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    exit_code(&report)
}

fn exit_code(report: &Report) -> u8 {
    if report.has_input_errors() {
        EXIT_USAGE
    } else if report.has_errors() {
        EXIT_INVALID
    } else {
        EXIT_OK
    }
}

pub(crate) fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn plural(count: usize, word: &str) -> String {
    format!("{count} {word}{}", if count == 1 { "" } else { "s" })
}

/// The one-line totals.
fn totals(report: &Report) -> String {
    let mut line = format!(
        "{}, {} in {} ({})",
        plural(report.error_count(), "error"),
        plural(report.warning_count(), "warning"),
        plural(report.objects, "object"),
        plural(report.documents, "document"),
    );
    let skipped = report.skipped_kinds();
    if !skipped.is_empty() {
        let _ = write!(
            line,
            "; {} skipped (no schema): {}",
            plural(report.skipped.len(), "object"),
            skipped.join(", ")
        );
    }
    line
}

/// Human output: a compiler-style block per problem, then the totals.
pub(crate) fn human(report: &Report, summary_only: bool, colour: bool) -> String {
    let paint = |code: &str, text: &str| {
        if colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    if !summary_only {
        for problem in &report.problems {
            let label = match problem.severity {
                Severity::Error => paint("1;31", "error"),
                Severity::Warning => paint("1;33", "warning"),
            };
            let object = problem
                .object
                .as_deref()
                .map(|o| format!("{o}: "))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{label}[{}]: {object}{}",
                problem.check,
                paint("1", &problem.message)
            );
            let mut location = problem.file.to_string();
            if problem.line > 0 {
                let _ = write!(location, ":{}", problem.line);
            }
            if !problem.path.is_empty() {
                let _ = write!(location, " at {}", problem.path);
            }
            let _ = writeln!(out, "  {} {location}", paint("34", "-->"));
            if let Some(hint) = &problem.hint {
                let _ = writeln!(out, "  {} {hint}", paint("36", "= help:"));
            }
            out.push('\n');
        }
    }
    let verdict = if report.has_errors() {
        paint("1;31", "invalid")
    } else {
        paint("1;32", "valid")
    };
    let _ = writeln!(out, "{verdict}: {}", totals(report));
    out
}

fn json_report(report: &Report, summary_only: bool) -> String {
    let summary = json!({
        "valid": report.is_valid(),
        "errors": report.error_count(),
        "warnings": report.warning_count(),
        "objects": report.objects,
        "documents": report.documents,
        "skippedKinds": report.skipped_kinds(),
    });
    let value = if summary_only {
        json!({"summary": summary})
    } else {
        json!({
            "summary": summary,
            "problems": report.problems,
            "skipped": report.skipped,
        })
    };
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

#[derive(Default)]
struct Case<'a> {
    name: String,
    errors: Vec<&'a Problem>,
    skipped: bool,
}

/// JUnit XML: a suite per file, a case per object (or per unreadable document).
fn junit(report: &Report) -> String {
    let mut suites: BTreeMap<&str, Vec<Case<'_>>> = BTreeMap::new();
    for checked in &report.checked {
        suites.entry(&checked.file).or_default().push(Case {
            name: format!("{} (line {})", checked.object, checked.line),
            ..Case::default()
        });
    }
    for problem in report.errors() {
        let cases = suites.entry(&problem.file).or_default();
        let name = match &problem.object {
            Some(object) => format!("{object} (line {})", problem.document_line),
            None => format!("document at line {}", problem.document_line),
        };
        match cases.iter_mut().find(|c| c.name == name) {
            Some(case) => case.errors.push(problem),
            None => cases.push(Case {
                name,
                errors: vec![problem],
                skipped: false,
            }),
        }
    }
    for skipped in &report.skipped {
        let name = format!("{} (line {})", skipped.object, skipped.line);
        if let Some(case) = suites
            .get_mut(skipped.file.as_ref())
            .and_then(|cases| cases.iter_mut().find(|c| c.name == name))
        {
            case.skipped = true;
        }
    }
    let total: usize = suites.values().map(Vec::len).sum();
    let failures: usize = suites
        .values()
        .flatten()
        .filter(|c| !c.errors.is_empty())
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"tack validate\" tests=\"{total}\" failures=\"{failures}\">"
    );
    for (file, cases) in &suites {
        let failed = cases.iter().filter(|c| !c.errors.is_empty()).count();
        let skipped = cases.iter().filter(|c| c.skipped).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" skipped=\"{skipped}\">",
            xml_escape(file),
            cases.len()
        );
        for case in cases {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml_escape(file),
                xml_escape(&case.name)
            );
            if case.errors.is_empty() && !case.skipped {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            if case.skipped {
                out.push_str("      <skipped message=\"no schema for this kind\"/>\n");
            }
            if let Some(first) = case.errors.first() {
                let body: Vec<String> = case.errors.iter().map(|p| p.to_string()).collect();
                let _ = writeln!(
                    out,
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                    xml_escape(&first.message),
                    first.check,
                    xml_escape(&body.join("\n"))
                );
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(text: &str) -> Report {
        Validator::default()
            .record_objects(true)
            .validate_str("in.yaml", text)
    }

    const BAD: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{port: 80}]\n  tpye: ClusterIP\n";

    #[test]
    fn human_output_names_place_and_fix() {
        let text = human(&report(BAD), false, false);
        assert!(
            text.contains("error[schema]: Service/web: unknown field \"tpye\""),
            "{text}"
        );
        assert!(text.contains("--> in.yaml:6 at /spec/tpye"), "{text}");
        assert!(text.contains("= help: did you mean \"type\"?"), "{text}");
        assert!(
            text.ends_with("invalid: 1 error, 0 warnings in 1 object (1 document)\n"),
            "{text}"
        );
        let summary = human(&report(BAD), true, false);
        assert_eq!(summary.lines().count(), 1);
    }

    #[test]
    fn json_output_is_the_report() {
        let value: serde_json::Value =
            serde_json::from_str(&json_report(&report(BAD), false)).unwrap_or_default();
        assert_eq!(value["summary"]["errors"], 1);
        assert_eq!(value["problems"][0]["path"], "/spec/tpye");
        assert_eq!(value["problems"][0]["line"], 6);
        assert_eq!(value["problems"][0]["check"], "schema");
    }

    #[test]
    fn junit_output_has_a_case_per_object() {
        let text = junit(&report(&format!(
            "{BAD}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: ok}}\n---\napiVersion: acme.io/v1\nkind: Widget\nmetadata: {{name: w}}\n"
        )));
        assert!(text.contains("tests=\"3\" failures=\"1\""), "{text}");
        assert!(
            text.contains("<testcase classname=\"in.yaml\" name=\"ConfigMap/ok (line 8)\"/>"),
            "{text}"
        );
        assert!(
            text.contains("<failure message=\"unknown field &quot;tpye&quot;"),
            "{text}"
        );
        assert!(text.contains("<skipped"), "{text}");
    }

    #[test]
    fn exit_codes() {
        assert_eq!(exit_code(&report(BAD)), EXIT_INVALID);
        assert_eq!(
            exit_code(&report(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
            )),
            EXIT_OK
        );
    }
}
