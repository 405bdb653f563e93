//! Reading YAML text into a [`Node`] tree, with positions, through tack's one YAML front end
//! ([`crate::yaml`]), and turning its errors into values diagnostics.

use super::error::problem;
use super::path::FieldPath;
use super::tree::{Node, NodeValue};
use crate::diagnostic::Diagnostic;
use crate::source::{Location, SourceId, SourceMap};
use crate::yaml::{self, Limits};

/// Value files larger than this are refused before they are read: real ones are a few KB, and
/// the typed tree of a file costs several times its size in memory.
pub const MAX_VALUES_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Parses one YAML document of values, registering the text in `sources` under `name`.
///
/// An empty or comment-only document is an empty mapping. Anything but a mapping at the top
/// is an error, as are duplicate keys, tabs used for indentation, alias bombs and a second
/// document.
pub fn parse_yaml(sources: &mut SourceMap, name: &str, text: &str) -> Result<Node, Diagnostic> {
    let id = sources.add(name, text);
    parse_registered(id, text)
}

/// Parses text that is already in a source map.
pub(crate) fn parse_registered(id: SourceId, text: &str) -> Result<Node, Diagnostic> {
    let node = yaml::read_tree(id, text, &Limits::VALUES).map_err(|error| {
        let location = Location {
            source: id,
            line: error.line,
            column: error.column,
        };
        // A mistake inside `secrets` or `tlsSecrets` must not show the line: it may hold
        // the secret.
        let sensitive = in_secret_section(text, error.line);
        problem(location, &FieldPath::root(), error.to_string())
            .help_opt(error.help())
            .sensitive(sensitive)
    })?;
    match &node.value {
        NodeValue::Map(_) => Ok(node),
        _ => Err(problem(
            node.location,
            &FieldPath::root(),
            format!(
                "values must be a mapping of keys to values, found {}",
                node.describe()
            ),
        )
        .help("start the file with keys such as `name: mnist` or `replicas: 3`")),
    }
}

/// True when line `line` of `text` lies in the top-level `secrets` or `tlsSecrets` section
/// (the nearest line at or above it that starts in column 1 opens that section).
fn in_secret_section(text: &str, line: u32) -> bool {
    let Some(last) = usize::try_from(line).ok().and_then(|l| l.checked_sub(1)) else {
        return false;
    };
    let lines: Vec<&str> = text.split('\n').take(last + 1).collect();
    lines
        .iter()
        .rev()
        .map(|l| l.trim_start_matches('\u{feff}'))
        .find(|l| {
            l.chars()
                .next()
                .is_some_and(|c| !c.is_whitespace() && c != '#' && c != '-')
        })
        .is_some_and(|top| {
            let key = top.split(':').next().unwrap_or_default().trim();
            let key = key
                .trim_start_matches('{')
                .trim()
                .trim_matches(|c| c == '"' || c == '\'');
            key == "secrets" || key == "tlsSecrets"
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Node, Diagnostic> {
        parse_yaml(&mut SourceMap::new(), "v.yaml", text)
    }

    #[test]
    fn empty_and_comment_only_files_are_empty_mappings() {
        for text in ["", "# only a comment\n", "---\n", "~\n"] {
            assert_eq!(
                parse(text).unwrap().to_json(),
                serde_json::json!({}),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_list_at_the_top_is_an_error() {
        let problem = parse("- a\n- b\n").unwrap_err();
        assert!(
            problem.message.contains("found a list"),
            "{}",
            problem.message
        );
    }

    #[test]
    fn syntax_errors_have_positions_and_plain_words() {
        let dup = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!((dup.location.line, dup.location.column), (2, 1));
        assert_eq!(dup.message, "duplicate key `a` in one mapping");
        let tab = parse("a:\n\tb: 1\n").unwrap_err();
        assert_eq!(tab.message, "a tab is used for indentation");
        let bracket = parse("a: [1\n").unwrap_err();
        assert!(
            bracket
                .message
                .starts_with("invalid YAML: unclosed bracket")
        );
    }

    #[test]
    fn syntax_errors_in_secret_sections_hide_their_line() {
        let e = parse("name: x\nsecrets:\n  apiKey: {value: hunter2\n").unwrap_err();
        assert!(e.sensitive, "{e:?}");
        assert!(!e.message.contains("hunter2"), "{e:?}");
        let e = parse("secrets:\n  a: 1\n  a: 2\n").unwrap_err();
        assert!(e.sensitive);
        let e = parse("name: [x\n").unwrap_err();
        assert!(!e.sensitive);
        assert!(in_secret_section(
            "tlsSecrets:\n  web:\n    # c\n    key: |\n",
            4
        ));
        assert!(!in_secret_section("secrets: {}\nenv:\n  A: 1\n", 3));
    }

    #[test]
    fn byte_order_mark_is_accepted() {
        let node = parse("\u{feff}replicas: 2\n").unwrap();
        assert_eq!(node.to_json(), serde_json::json!({"replicas": 2}));
    }

    #[test]
    fn doc_examples() {
        {
            use crate::source::SourceMap;
            let mut sources = SourceMap::new();
            let node =
                crate::values::parse_yaml(&mut sources, "values.yaml", "replicas: 3\n").unwrap();
            assert_eq!(node.to_json(), serde_json::json!({"replicas": 3}));
        }
    }
}
