//! The one YAML front end: value files, `Chart.yaml`, releases files, template output and the
//! manifests `tack validate` reads all go through it.
//!
//! It reads YAML the way Kubernetes does (go-yaml v2 behind `sigs.k8s.io/yaml`: YAML 1.1
//! booleans such as `yes` and `off`, `0644` octal, `<<` merge keys), from `granit_parser`
//! events in one pass, under one set of [`Limits`] (nesting depth, what aliases and merges may
//! copy, documents per text), and reports [`Error`]s in tack's own words, chosen by the
//! parser's error *kind*, never by matching its message text.
//!
//! Two builders share the event loop:
//! - [`read_tree`] builds a [`Node`] tree in which every node keeps its position and every
//!   scalar its spelling (`tag: 1.10` stays `"1.10"` for a string field), for value files;
//! - the JSON builder ([`json`]) builds `serde_json::Value`s with a line index, for manifests,
//!   where speed matters (it is the hot path of `tack validate`).

pub(crate) mod json;
pub(crate) mod lines;
mod reader;
mod scalar;
mod tree;

pub(crate) use lines::NodeLines;
pub(crate) use reader::{Mark, Parsed};
pub use tree::{Entry, Node, NodeValue, Scalar, ScalarKind};

use crate::diagnostic::shorten;
use crate::source::SourceId;
use serde_saphyr::granit_parser::{ErrorKind as ScanKind, ScanError};
use std::fmt;

/// How much one text may make tack do. Every YAML reader of tack runs under one of these.
///
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of lists and mappings (Kubernetes objects nest about 15 deep; CRD
    /// schemas about 40).
    pub max_depth: usize,
    /// Nodes that aliases (`*name`) and the anchors they copy may add to one document.
    pub max_alias_nodes: u64,
    /// Bytes of text that aliases may copy in one document.
    pub max_alias_bytes: u64,
    /// Documents in one text.
    pub max_documents: usize,
}

impl Limits {
    /// Nesting depth of every reader.
    pub const MAX_DEPTH: usize = 128;
    /// Alias nodes per document of every reader.
    pub const MAX_ALIAS_NODES: u64 = 250_000;
    /// Alias bytes per document of every reader.
    pub const MAX_ALIAS_BYTES: u64 = 16 * 1024 * 1024;

    /// For value files, `Chart.yaml` and releases files: one document.
    pub const VALUES: Limits = Limits {
        max_depth: Self::MAX_DEPTH,
        max_alias_nodes: Self::MAX_ALIAS_NODES,
        max_alias_bytes: Self::MAX_ALIAS_BYTES,
        max_documents: 1,
    };

    /// For manifests (a stream is cut into documents before it is parsed, so this bounds
    /// the documents of one piece) and template output.
    pub const MANIFESTS: Limits = Limits {
        max_depth: Self::MAX_DEPTH,
        max_alias_nodes: Self::MAX_ALIAS_NODES,
        max_alias_bytes: Self::MAX_ALIAS_BYTES,
        max_documents: 100_000,
    };
}

/// A YAML text that could not be read: where, and what kind of mistake.
///
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", kind.message())]
pub struct Error {
    /// 1-based line (`0` when unknown).
    pub line: u32,
    /// 1-based column (`0` when unknown).
    pub column: u32,
    /// What is wrong.
    pub kind: ErrorKind,
}

impl Error {
    pub(crate) fn at(at: Mark, kind: ErrorKind) -> Self {
        Error {
            line: at.line,
            column: at.column,
            kind,
        }
    }

    /// What to do about it, when there is a usual fix.
    pub fn help(&self) -> Option<String> {
        self.kind.help()
    }

    /// The message with `hide` applied to the parts that come from the input (a key, a
    /// tag), for text that may hold secret values (template output).
    pub(crate) fn message_hiding(&self, hide: impl Fn(&str) -> String) -> String {
        match &self.kind {
            ErrorKind::DuplicateKey { key } => ErrorKind::DuplicateKey { key: hide(key) }.message(),
            ErrorKind::ConflictingKey { key } => {
                ErrorKind::ConflictingKey { key: hide(key) }.message()
            }
            ErrorKind::UnsupportedTag { tag } => {
                ErrorKind::UnsupportedTag { tag: hide(tag) }.message()
            }
            ErrorKind::NotRepresentable { text } => {
                ErrorKind::NotRepresentable { text: hide(text) }.message()
            }
            ErrorKind::Syntax { detail, .. } => detail.clone(),
            other => other.message(),
        }
    }
}

/// The kinds of [`Error`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is not YAML; `detail` says what the parser expected.
    Syntax {
        /// The parser's description of the mistake.
        detail: String,
        /// A usual fix for this kind of mistake.
        help: Option<&'static str>,
    },
    /// A tab used for indentation.
    Tab,
    /// A key written twice in one mapping.
    DuplicateKey {
        /// The key (shortened if long).
        key: String,
    },
    /// A key written twice in one mapping of a manifest, with different values (the same
    /// value twice is harmless there: kubectl keeps the last).
    ConflictingKey {
        /// The key (shortened if long).
        key: String,
    },
    /// Lists and mappings nested deeper than the limit.
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// Aliases copy more than the limit (a "billion laughs" document).
    AliasBudget {
        /// Nodes allowed.
        nodes: u64,
        /// Bytes allowed.
        bytes: u64,
    },
    /// An alias to an anchor that does not exist (yet).
    UnknownAnchor,
    /// A list or mapping used as a key.
    ComplexKey,
    /// A tag Kubernetes does not read.
    UnsupportedTag {
        /// The tag as written.
        tag: String,
    },
    /// `!!int`, `!!float` or `!!bool` on a value that is not one.
    NotA {
        /// The tag.
        tag: String,
        /// What it asks for.
        what: &'static str,
    },
    /// `.inf` or `.nan`, which JSON cannot hold.
    NotRepresentable {
        /// The spelling.
        text: String,
    },
    /// A `<<` merge key whose value is not a mapping or a list of mappings.
    MergeNotMapping,
    /// More documents than allowed.
    TooManyDocuments {
        /// The limit.
        limit: usize,
    },
    /// The parser's events did not nest (a parser bug, reported rather than trusted).
    Unbalanced,
}

impl ErrorKind {
    fn from_scan(error: &ScanError, limits: &Limits) -> ErrorKind {
        use ScanKind as K;
        let help = match error.kind() {
            K::TabInIndentation
            | K::TabInBlockIndentation
            | K::TabNotAllowed
            | K::TabAtBlockScalarStart
            | K::TabInPlainScalar => return ErrorKind::Tab,
            K::RecursionLimitExceeded => {
                return ErrorKind::TooDeep {
                    limit: limits.max_depth,
                };
            }
            K::UnknownAnchor => return ErrorKind::UnknownAnchor,
            K::MappingValueNotAllowed
            | K::InvalidMappingValueWhitespace
            | K::InvalidColonPlacement
            | K::SimpleKeyExpected
            | K::InvalidSimpleKey => {
                Some("check the indentation of this line, or quote a value that contains `: `")
            }
            K::ExpectedBlockMappingKey
            | K::ExpectedBlockSequenceEntry
            | K::BlockSequenceEntryNotAllowed
            | K::InvalidIndentation
            | K::InvalidBlockScalarIndent => {
                Some("check the indentation: items of one list or mapping start in one column")
            }
            K::UnexpectedEof
            | K::UnexpectedEofFlowSequence
            | K::UnexpectedEofFlowMapping
            | K::UnexpectedEofImplicitFlowMapping
            | K::UnexpectedEofBlockSequence
            | K::UnexpectedEofBlockMapping
            | K::UnclosedFlowCollection { .. }
            | K::MismatchedFlowCollectionEnd { .. }
            | K::MisplacedFlowCollectionEnd
            | K::ExpectedFlowMappingSeparator
            | K::ExpectedFlowSequenceSeparator
            | K::UnclosedQuotedScalar => Some(
                "check that brackets, braces and quotes are closed and the indentation is consistent",
            ),
            _ => None,
        };
        ErrorKind::Syntax {
            detail: error.info(),
            help,
        }
    }

    /// The message, in tack's words.
    fn message(&self) -> String {
        match self {
            ErrorKind::Syntax { detail, .. } => format!("invalid YAML: {detail}"),
            ErrorKind::Tab => "a tab is used for indentation".to_string(),
            ErrorKind::DuplicateKey { key } => {
                format!("duplicate key `{}` in one mapping", shorten(key, 80))
            }
            ErrorKind::ConflictingKey { key } => format!(
                "duplicate key `{}` with a different value in one mapping",
                shorten(key, 80)
            ),
            ErrorKind::TooDeep { limit } => {
                format!("lists and mappings are nested more than {limit} levels deep")
            }
            ErrorKind::AliasBudget { nodes, .. } => format!(
                "aliases expand the document past {} nodes or {} MiB (a \"billion laughs\" document?)",
                group_digits(*nodes),
                Limits::MAX_ALIAS_BYTES / (1024 * 1024)
            ),
            ErrorKind::UnknownAnchor => {
                "an alias (`*name`) to an anchor that is not defined before it".to_string()
            }
            ErrorKind::ComplexKey => {
                "a mapping key must be a plain value, not a list or a mapping".to_string()
            }
            ErrorKind::UnsupportedTag { tag } => {
                format!("unsupported YAML tag `{}`", shorten(tag, 40))
            }
            ErrorKind::NotA { tag, what } => format!("a value tagged `{tag}` is not {what}"),
            ErrorKind::NotRepresentable { text } => format!(
                "`{text}` (infinity or not-a-number) cannot be represented in JSON, so Kubernetes cannot read it"
            ),
            ErrorKind::MergeNotMapping => {
                "a `<<` merge key needs a mapping or a list of mappings".to_string()
            }
            ErrorKind::TooManyDocuments { limit: 1 } => {
                "a second YAML document (`---`): this file holds one".to_string()
            }
            ErrorKind::TooManyDocuments { limit } => {
                format!(
                    "more than {} YAML documents in one input",
                    group_digits(*limit as u64)
                )
            }
            ErrorKind::Unbalanced => "the YAML parser lost track of nesting here".to_string(),
        }
    }

    fn help(&self) -> Option<String> {
        let help = match self {
            ErrorKind::Syntax { help, .. } => return help.map(str::to_string),
            ErrorKind::Tab => "YAML indents with spaces only; replace the tab with spaces",
            ErrorKind::ConflictingKey { .. } => {
                "keep the one you mean: kubectl and Helm would silently use the last"
            }
            ErrorKind::DuplicateKey { .. } => {
                "keep one of them: Kubernetes tools would silently use only the last"
            }
            ErrorKind::TooDeep { .. } => {
                "real manifests and value files nest far less; flatten the structure"
            }
            ErrorKind::AliasBudget { .. } => {
                "aliases (`*name`) that repeat large anchors multiply the document; expand them by hand or use fewer levels"
            }
            ErrorKind::UnknownAnchor => "define the anchor (`&name`) before the first alias to it",
            ErrorKind::ComplexKey => "Kubernetes objects and value files only have text keys",
            ErrorKind::UnsupportedTag { .. } => "Kubernetes does not read custom tags: remove it",
            ErrorKind::NotA { .. } => "remove the tag, or fix the value",
            ErrorKind::NotRepresentable { .. } => "quote it if it is meant as text",
            ErrorKind::MergeNotMapping => "`<<` takes an alias to a mapping, or a list of them",
            ErrorKind::TooManyDocuments { limit: 1 } => {
                "split it into two files and pass both with -f"
            }
            ErrorKind::TooManyDocuments { .. } => "split the input into several files",
            ErrorKind::Unbalanced => return None,
        };
        Some(help.to_string())
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// `250000` as `250,000`.
fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Reads one YAML document of values into a positioned tree, every node located in
/// `source`. An empty or comment-only text is an empty mapping; keys stay as written (`on:`
/// is the key `on`); `null`s are kept (merging gives them meaning).
///
/// # Errors
/// The first mistake: syntax, a duplicate key, a limit passed, a second document.
pub fn read_tree(source: SourceId, text: &str, limits: &Limits) -> Result<Node, Error> {
    tree::read(source, text, limits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> Error {
        read_tree(SourceId(0), text, &Limits::VALUES).expect_err("an error")
    }

    #[test]
    fn hints_come_from_the_kind_of_mistake() {
        let e = error("a: b: c\n");
        assert!(e.help().is_some_and(|h| h.contains("indentation")), "{e:?}");
        let e = error("a: [1, 2\n");
        assert!(e.help().is_some_and(|h| h.contains("brackets")), "{e:?}");
        assert!(e.to_string().starts_with("invalid YAML: "), "{e}");
        assert_eq!(error("a:\n\tb: 1\n").kind, ErrorKind::Tab);
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(matches!(
            error(&deep).kind,
            ErrorKind::TooDeep { limit: 128 }
        ));
        let mut block = String::new();
        for level in 0..200 {
            block.push_str(&" ".repeat(level));
            block.push_str("a:\n");
        }
        assert!(matches!(error(&block).kind, ErrorKind::TooDeep { .. }));
    }

    #[test]
    fn aliases_cannot_nest_past_the_limit() {
        let mut text = String::from("a: &a ");
        text.push_str(&"[".repeat(100));
        text.push_str(&"]".repeat(100));
        text.push('\n');
        text.push_str("b:");
        text.push_str(&" [".repeat(60));
        text.push_str(" *a");
        text.push_str(&"]".repeat(60));
        assert!(
            matches!(error(&text).kind, ErrorKind::TooDeep { .. }),
            "{:?}",
            error(&text)
        );
    }

    #[test]
    fn a_second_document_is_refused_in_value_files() {
        let e = error("a: 1\n---\nb: 2\n");
        assert_eq!(e.kind, ErrorKind::TooManyDocuments { limit: 1 });
        assert_eq!(e.line, 2);
    }

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits(250_000), "250,000");
        assert_eq!(group_digits(1_000_000), "1,000,000");
        assert_eq!(group_digits(12), "12");
    }
}
