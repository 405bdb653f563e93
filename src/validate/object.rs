//! One object to check, with everything needed to say where a problem in it is.

use super::document::object_name;
use crate::diagnostic::{Check, Diagnostic, Severity};
use crate::source::{Location, SourceId};
use crate::yaml::lines::{LineIndex, ROOT_PATH, pointer_path};
use serde_json::Value;
use std::sync::Arc;

/// An object read from the input (a document, or one item of a `List`).
#[derive(Debug, Clone)]
pub(crate) struct Object {
    /// The object.
    pub value: Value,
    /// The input it came from.
    pub source: SourceId,
    /// The line of its document.
    pub document_line: u32,
    /// Lines of the document's nodes, when it was read from YAML text.
    pub lines: Option<Arc<LineIndex>>,
    /// The path of this object inside its document (the root, or `/items/3` of a `List`).
    pub base: u64,
    /// `Kind/namespace/name`.
    pub name: String,
}

impl Object {
    /// An object that is a whole document.
    pub(crate) fn new(
        value: Value,
        source: SourceId,
        document_line: u32,
        lines: Option<Arc<LineIndex>>,
    ) -> Self {
        let name = object_name(&value);
        Object {
            value,
            source,
            document_line,
            lines,
            base: ROOT_PATH,
            name,
        }
    }

    /// The line of the node at `path` (a JSON Pointer), or of the object.
    pub(crate) fn line_of(&self, path: &str) -> u32 {
        line_in(self.lines.as_deref(), self.base, path, self.document_line)
    }

    /// Where the object is, without the object: the lines of `pointers` only (so that a
    /// long stream does not keep every document's line index alive).
    pub(crate) fn site(&self, pointers: &[&str]) -> Site {
        let lines = self.lines.as_ref().map(|_| {
            let own = self.line();
            let mut kept = LineIndex::with_capacity(pointers.len() + 1);
            kept.record(self.base, own);
            for pointer in pointers {
                // A node on the object's own line (or absent, so placed there) needs no
                // record: the lookup falls back to the object's line.
                let line = self.line_of(pointer);
                if line != own {
                    kept.record(pointer_path(self.base, pointer), line);
                }
            }
            kept.seal();
            Box::new(kept)
        });
        Site {
            source: self.source,
            document_line: self.document_line,
            lines,
            base: self.base,
            name: self.name.clone().into_boxed_str(),
        }
    }

    /// The line where the object itself starts.
    pub(crate) fn line(&self) -> u32 {
        self.line_of("")
    }

    /// A problem in this object.
    pub(crate) fn problem(
        &self,
        severity: Severity,
        check: Check,
        path: impl Into<String>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Diagnostic {
        let path = path.into();
        let line = self.line_of(&path);
        problem(
            self.source,
            &self.name,
            line,
            self.line(),
            path,
            severity,
            check,
            message,
            help,
        )
    }

    /// The object's `apiVersion`, or `""`.
    pub(crate) fn api_version(&self) -> &str {
        self.value
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// The object's `kind`, or `""`.
    pub(crate) fn kind(&self) -> &str {
        self.value.get("kind").and_then(Value::as_str).unwrap_or("")
    }

    /// A string under `metadata`.
    pub(crate) fn metadata_str(&self, key: &str) -> Option<&str> {
        self.value
            .get("metadata")
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
    }
}

/// The line of the node at `path` below `base` in `lines`, or `document_line`.
fn line_in(lines: Option<&LineIndex>, base: u64, path: &str, document_line: u32) -> u32 {
    lines
        .and_then(|lines| lines.line_of(base, path))
        .unwrap_or(document_line)
}

/// A diagnostic at `line` of the object `name` whose document starts at `document_line`.
#[allow(clippy::too_many_arguments)] // Internal: the two callers pass their own fields.
fn problem(
    source: SourceId,
    name: &str,
    line: u32,
    document_line: u32,
    path: String,
    severity: Severity,
    check: Check,
    message: impl Into<String>,
    help: Option<String>,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(severity, check, message)
        .at(Location {
            source,
            line,
            column: 0,
        })
        .object(name)
        .help_opt(help);
    diagnostic.document_line = document_line;
    diagnostic.path = path;
    diagnostic
}

/// Where an object was, kept after the object is dropped: enough to place a problem found
/// later (by the cross-object checks) at the lines of the fields it recorded.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    /// The input it came from.
    pub source: SourceId,
    document_line: u32,
    lines: Option<Box<LineIndex>>,
    base: u64,
    /// `Kind/namespace/name`.
    pub name: Box<str>,
}

impl Site {
    /// The line of the recorded node at `path`, or of the object.
    fn line_of(&self, path: &str) -> u32 {
        line_in(self.lines.as_deref(), self.base, path, self.document_line)
    }

    /// The line where the object starts.
    pub(crate) fn line(&self) -> u32 {
        self.line_of("")
    }

    /// A problem in the object, at the recorded `path`.
    pub(crate) fn problem(
        &self,
        severity: Severity,
        check: Check,
        path: impl Into<String>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Diagnostic {
        let path = path.into();
        let line = self.line_of(&path);
        problem(
            self.source,
            &self.name,
            line,
            self.line(),
            path,
            severity,
            check,
            message,
            help,
        )
    }
}
