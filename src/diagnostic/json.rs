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
    problems: Vec<Value>,
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
            problems: Vec::new(),
            errors: 0,
            warnings: 0,
        }
    }
}

impl<W: Write> Output for JsonOutput<W> {
    type Target = W;

    fn write(&mut self, diagnostic: &Diagnostic, sources: &SourceMap) -> io::Result<()> {
        if diagnostic.is_error() {
            self.errors += 1;
        } else {
            self.warnings += 1;
        }
        self.problems.push(to_json(diagnostic, sources));
        Ok(())
    }

    fn finish(mut self, summary: &Summary, sources: &SourceMap) -> io::Result<W> {
        let totals = summary_json(self.errors, self.warnings, summary);
        let value = if summary.totals_only {
            json!({ "summary": totals })
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
            json!({ "summary": totals, "problems": self.problems, "skipped": skipped })
        };
        serde_json::to_writer_pretty(&mut self.out, &value)?;
        self.out.write_all(b"\n")?;
        self.out.flush()?;
        Ok(self.out)
    }
}
