//! Diagnostics as JSON, for tools: one object per diagnostic, and a whole report with its
//! totals.
//!
//! ```json
//! {"severity": "error", "check": "schema", "file": "in.yaml", "line": 6, "column": 0,
//!  "documentLine": 1, "object": "Service/web", "path": "/spec/tpye",
//!  "message": "unknown field \"tpye\"", "help": "did you mean \"type\"?"}
//! ```

use super::{Diagnostic, Output, Summary};
use crate::source::SourceMap;
use crate::spool::Spool;
use serde_json::{Value, json};
use std::io::{self, Write};

/// One diagnostic as a JSON object (`help` and `object` are `null` when absent).
///
/// ```
/// use tack::diagnostic::{Check, Diagnostic, json::to_json};
/// let value = to_json(&Diagnostic::error(Check::Values, "bad").path("replicas"), &Default::default());
/// assert_eq!(value["check"], "values");
/// assert_eq!(value["path"], "replicas");
/// ```
pub fn to_json(diagnostic: &Diagnostic, sources: &SourceMap) -> Value {
    json!({
        "severity": diagnostic.severity,
        "check": diagnostic.check,
        "file": sources.name(diagnostic.location.source),
        "line": diagnostic.location.line,
        "column": diagnostic.location.column,
        "documentLine": diagnostic.document_line,
        "object": diagnostic.object,
        "path": diagnostic.path,
        "message": diagnostic.message,
        "help": diagnostic.help,
    })
}

/// The totals of a report as JSON.
///
/// ```
/// use tack::diagnostic::{Summary, json::summary_json};
/// let value = summary_json(0, 1, &Summary { objects: 2, documents: 2, ..Summary::default() });
/// assert_eq!(value["valid"], true);
/// assert_eq!(value["warnings"], 1);
/// ```
pub fn summary_json(errors: usize, warnings: usize, summary: &Summary) -> Value {
    json!({
        "valid": errors == 0,
        "errors": errors,
        "warnings": warnings,
        "objects": summary.objects,
        "documents": summary.documents,
        "skippedKinds": summary.skipped_kinds.iter().map(|(kind, _)| kind).collect::<Vec<_>>(),
        "celRulesSkipped": summary.cel_skipped,
    })
}

/// A whole report as one pretty JSON document: `{"summary": ..., "problems": [...],
/// "skipped": [...]}` (only `summary` with totals only).
///
/// ```
/// use tack::diagnostic::{Check, Diagnostic, Output, Summary, json::JsonOutput};
/// use tack::source::SourceMap;
/// let mut out = JsonOutput::new(Vec::new());
/// out.write(&Diagnostic::warning(Check::References, "no pods"), &SourceMap::new())?;
/// let bytes = out.finish(&Summary::default(), &SourceMap::new())?;
/// let report: serde_json::Value = serde_json::from_slice(&bytes)?;
/// assert_eq!(report["problems"][0]["message"], "no pods");
/// assert_eq!(report["summary"]["valid"], true);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct JsonOutput<W: Write> {
    out: W,
    /// The problems written so far, as the pretty-printed items of the `problems` array:
    /// text, not values, and on disk past a few megabytes, so a run with a million
    /// problems does not keep a million JSON values.
    problems: Spool,
    errors: usize,
    warnings: usize,
}

impl<W: Write> JsonOutput<W> {
    /// JSON output into `out`.
    ///
    /// ```
    /// use tack::diagnostic::{Check, Diagnostic, Output, Summary, json::JsonOutput};
    /// use tack::source::SourceMap;
    /// let mut out = JsonOutput::new(Vec::new());
    /// out.write(&Diagnostic::error(Check::Schema, "bad"), &SourceMap::new())?;
    /// let totals_only = Summary { totals_only: true, ..Summary::default() };
    /// let bytes = out.finish(&totals_only, &SourceMap::new())?;
    /// let report: serde_json::Value = serde_json::from_slice(&bytes)?;
    /// assert_eq!(report.as_object().unwrap().len(), 1); // only the summary
    /// assert_eq!(report["summary"]["errors"], 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(out: W) -> Self {
        JsonOutput {
            out,
            problems: Spool::default(),
            errors: 0,
            warnings: 0,
        }
    }
}

impl<W: Write> Output for JsonOutput<W> {
    type Target = W;

    fn write(&mut self, diagnostic: &Diagnostic, sources: &SourceMap) -> io::Result<()> {
        let first = self.errors + self.warnings == 0;
        if diagnostic.is_error() {
            self.errors += 1;
        } else {
            self.warnings += 1;
        }
        self.problems.write(if first { b"[\n" } else { b",\n" })?;
        let item = serde_json::to_string_pretty(&to_json(diagnostic, sources))?;
        self.problems.write(b"    ")?;
        self.problems.write(nested(&item, 2).as_bytes())
    }

    fn finish(mut self, summary: &Summary, sources: &SourceMap) -> io::Result<W> {
        let totals = summary_json(self.errors, self.warnings, summary);
        if summary.totals_only {
            serde_json::to_writer_pretty(&mut self.out, &json!({ "summary": totals }))?;
        } else {
            let skipped: Vec<Value> = summary
                .checked
                .iter()
                .filter_map(|object| {
                    let kind = object.skipped.as_deref()?;
                    let (api_version, kind) = kind.rsplit_once('/').unwrap_or(("", kind));
                    Some(json!({
                        "file": sources.name(object.source),
                        "line": object.line,
                        "object": object.object,
                        "apiVersion": api_version,
                        "kind": kind,
                    }))
                })
                .collect();
            // The layout `serde_json::to_writer_pretty` gives the whole report, with the
            // problems copied in from the spool.
            let out = &mut self.out;
            let summary = serde_json::to_string_pretty(&totals)?;
            write!(
                out,
                "{{\n  \"summary\": {},\n  \"problems\": ",
                nested(&summary, 1)
            )?;
            if self.errors + self.warnings > 0 {
                self.problems.copy_to(out)?;
                out.write_all(b"\n  ]")?;
            } else {
                out.write_all(b"[]")?;
            }
            let skipped = serde_json::to_string_pretty(&skipped)?;
            write!(out, ",\n  \"skipped\": {}\n}}", nested(&skipped, 1))?;
        }
        self.out.write_all(b"\n")?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Pretty JSON `text` for a place `depth` levels deep: every line after the first
/// indented by two spaces per level (the first line follows the key or the item's indent).
fn nested(text: &str, depth: usize) -> String {
    text.replace('\n', &format!("\n{}", "  ".repeat(depth)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Check, CheckedObject, Diagnostic};
    use crate::source::{Location, SourceId};

    /// The report as one value, pretty-printed whole: what the spooled writer must match.
    fn whole(problems: &[Diagnostic], summary: &Summary, sources: &SourceMap) -> String {
        let errors = problems.iter().filter(|p| p.is_error()).count();
        let totals = summary_json(errors, problems.len() - errors, summary);
        let items: Vec<Value> = problems.iter().map(|p| to_json(p, sources)).collect();
        let skipped: Vec<Value> = summary
            .checked
            .iter()
            .map(|o| json!({"file": sources.name(o.source), "line": o.line, "object": o.object, "apiVersion": "acme.io/v1", "kind": "Widget"}))
            .collect();
        let value = json!({"summary": totals, "problems": items, "skipped": skipped});
        serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
    }

    fn written(problems: &[Diagnostic], summary: &Summary, sources: &SourceMap) -> String {
        let mut out = JsonOutput::new(Vec::new());
        for problem in problems {
            out.write(problem, sources).unwrap_or_default();
        }
        String::from_utf8(out.finish(summary, sources).unwrap_or_default()).unwrap_or_default()
    }

    #[test]
    fn spooled_problems_give_the_layout_of_the_whole_report() {
        let mut sources = SourceMap::new();
        let file = sources.add_name("k8s/app.yaml".to_string());
        let at = Location {
            source: file,
            line: 6,
            column: 2,
        };
        let problems = [
            Diagnostic::error(Check::Schema, "unknown field \"tpye\"\nsecond line")
                .at(at)
                .help("did you mean \"type\"?"),
            Diagnostic::warning(Check::References, "Secret \"mnist\" is not in the input"),
            Diagnostic::error(Check::Rules, "duplicate port"),
        ];
        let summary = Summary {
            documents: 3,
            objects: 3,
            checked: vec![CheckedObject {
                source: SourceId(0),
                line: 9,
                object: "Widget/w".to_string(),
                skipped: Some("acme.io/v1/Widget".to_string()),
            }],
            ..Summary::default()
        };
        for count in 0..=problems.len() {
            let problems = &problems[..count];
            assert_eq!(
                written(problems, &summary, &sources),
                whole(problems, &summary, &sources)
            );
        }
    }
}
