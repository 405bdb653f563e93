//! `tack validate`: check any manifests offline (tack's own, `helm template` output,
//! hand-written files), like kubeconform but stricter and with cross-object checks.

use super::console::Console;
use super::values_args::{KubeVersionArg, PracticesLevel};
use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE, Outcome};
use crate::diagnostic::Output;
use crate::diagnostic::human::HumanOutput;
use crate::diagnostic::json::JsonOutput;
use crate::diagnostic::junit::JunitOutput;
use crate::validate::{Checks, Input, NodePortRange, Report, Validator, collect_inputs};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Examples shown under `tack validate --help`.
pub const EXAMPLES: &str = "Examples:
  helm template x ./legacy-chart | tack validate -
  tack validate k8s/ --kube-version 1.33
  tack validate release.yaml --complete --external registry-credentials
  tack validate k8s/ --crd crds/ --reject-unknown-kinds --format junit
  tack validate k8s/ --schema-dir schemas/crds   # kubeconform-style JSON Schemas
  tack validate k8s/ --checks all,practices      # and best practices, as warnings

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
    #[command(flatten)]
    kube: KubeVersionArg,
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
    /// Checks to run: all (every correctness check), or a comma-separated list of schema,
    /// removed-api, rules, references, practices (best practices: `all,practices`).
    #[arg(long, value_name = "LIST", default_value = "all")]
    checks: Checks,
    /// Check best practices and report them as warnings or errors (implies `--checks
    /// ...,practices`; `off` skips them).
    #[arg(long, value_enum, value_name = "LEVEL")]
    practices: Option<PracticesLevel>,
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
    /// The cluster's NodePort range (the API server's --service-node-port-range); a
    /// nodePort outside it is a warning.
    #[arg(long, value_name = "FIRST-LAST", default_value_t = NodePortRange::default())]
    node_port_range: NodePortRange,
}

impl ValidateArgs {
    fn validator(&self) -> Result<Validator, crate::validate::ValidateError> {
        let mut validator = Validator::default()
            .strict(!self.no_strict)
            .complete(self.complete)
            .checks(self.checks)
            .reject_unknown_kinds(self.reject_unknown_kinds)
            .skip_non_objects(self.skip_non_objects)
            .node_port_range(self.node_port_range)
            .record_objects(self.format == Format::Junit);
        if let Some(version) = self.kube.kube_version {
            validator = validator.kube_version(version);
        }
        match self.practices.map(PracticesLevel::severity) {
            Some(Some(severity)) => validator = validator.practices(severity),
            Some(None) => {
                validator = validator.checks(Checks {
                    practices: false,
                    ..self.checks
                });
            }
            None => {}
        }
        for external in &self.external {
            validator = validator.external(external.trim());
        }
        for dir in &self.schema_dir {
            validator = validator.schema_dir(dir);
        }
        for crd in &self.kube.crd {
            validator = validator.crd(crd)?;
        }
        Ok(validator)
    }
}

/// Runs `tack validate` and returns its exit code.
pub fn run(args: ValidateArgs, console: &Console) -> Outcome {
    let validator = match args.validator() {
        Ok(validator) => validator,
        Err(error) => {
            console.error(&error.to_string(), None);
            return Ok(EXIT_USAGE);
        }
    };
    if let Err(error) = validator.check_schema_dirs() {
        console.error(&error.to_string(), None);
        return Ok(EXIT_USAGE);
    }
    let inputs = match collect_inputs(&args.paths) {
        Ok(inputs) => inputs,
        Err(error) => {
            console.error(&error.to_string(), None);
            return Ok(EXIT_USAGE);
        }
    };
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let colour = console.stdout_colour();
    let (report, _) = report_as(
        &validator,
        inputs,
        args.format,
        args.summary,
        colour,
        stdout,
    )?;
    Ok(exit_code(&report))
}

/// Validates `inputs` and writes the report into `out` in `format` (with totals only, and
/// colour, as asked).
fn report_as<W: std::io::Write>(
    validator: &Validator,
    inputs: Vec<Input>,
    format: Format,
    totals_only: bool,
    colour: bool,
    out: W,
) -> Result<(Report, W), std::io::Error> {
    match format {
        Format::Human => {
            let out = HumanOutput::new(out, colour).totals_only(totals_only);
            report_to(validator, inputs, out, totals_only)
        }
        Format::Json => report_to(validator, inputs, JsonOutput::new(out), totals_only),
        Format::Junit => report_to(validator, inputs, JunitOutput::new(out), totals_only),
    }
}

/// Validates `inputs`, handing each problem to `out` as it is found (people see problems
/// while a long stream is still being read; nothing keeps them all), then the totals.
fn report_to<O: Output>(
    validator: &Validator,
    inputs: Vec<Input>,
    mut out: O,
    totals_only: bool,
) -> Result<(Report, O::Target), std::io::Error> {
    let mut failed = None;
    let report = validator.validate_inputs_to(inputs, &mut |problem, sources| {
        if failed.is_none()
            && let Err(error) = out.write(&problem, sources)
        {
            failed = Some(error);
        }
    });
    if let Some(error) = failed {
        return Err(error);
    }
    let target = out.finish(&report.summary(totals_only), &report.sources)?;
    Ok((report, target))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn report(text: &str) -> Report {
        Validator::default()
            .record_objects(true)
            .validate_str("in.yaml", text)
    }

    /// What `tack validate --format FORMAT` prints for `input`.
    fn text(input: &str, format: Format, totals_only: bool) -> String {
        let validator = Validator::default().record_objects(format == Format::Junit);
        let inputs = vec![Input::Text {
            name: "in.yaml".to_string(),
            text: input.to_string(),
        }];
        let bytes = report_as(&validator, inputs, format, totals_only, false, Vec::new())
            .map(|(_, bytes)| bytes);
        String::from_utf8(bytes.unwrap_or_default()).unwrap_or_default()
    }

    const BAD: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{port: 80}]\n  tpye: ClusterIP\n";

    #[test]
    fn human_output_names_place_and_fix() {
        let out = text(BAD, Format::Human, false);
        assert!(
            out.contains("error[schema]: Service/web: unknown field \"tpye\""),
            "{out}"
        );
        assert!(out.contains("--> in.yaml:6"), "{out}");
        assert!(out.contains("= note: at /spec/tpye"), "{out}");
        assert!(out.contains("= help: did you mean \"type\"?"), "{out}");
        assert!(
            out.ends_with("invalid: 1 error, 0 warnings in 1 object (1 document)\n"),
            "{out}"
        );
        let summary = text(BAD, Format::Human, true);
        assert_eq!(summary.lines().count(), 1);
    }

    #[test]
    fn json_output_is_the_report() {
        let value: serde_json::Value =
            serde_json::from_str(&text(BAD, Format::Json, false)).unwrap_or_default();
        assert_eq!(value["summary"]["errors"], 1);
        assert_eq!(value["problems"][0]["path"], "/spec/tpye");
        assert_eq!(value["problems"][0]["line"], 6);
        assert_eq!(value["problems"][0]["check"], "schema");
        assert_eq!(value["problems"][0]["file"], "in.yaml");
    }

    #[test]
    fn junit_output_has_a_case_per_object() {
        let out = text(
            &format!(
                "{BAD}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: ok}}\n---\napiVersion: acme.io/v1\nkind: Widget\nmetadata: {{name: w}}\n"
            ),
            Format::Junit,
            false,
        );
        assert!(out.contains("tests=\"3\" failures=\"1\""), "{out}");
        assert!(
            out.contains("<testcase classname=\"in.yaml\" name=\"ConfigMap/ok (line 8)\"/>"),
            "{out}"
        );
        assert!(
            out.contains("<failure message=\"unknown field &quot;tpye&quot;"),
            "{out}"
        );
        assert!(out.contains("<skipped"), "{out}");
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
