//! Printing problems the way compilers do: position, the offending line, a caret, help.

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use std::io::IsTerminal;
use tack::source::SourceMap;
use tack::values::Problem;

/// Renders diagnostics for standard error, in colour when it is a terminal and `NO_COLOR`
/// is not set.
pub struct Diagnostics {
    renderer: Renderer,
}

impl Diagnostics {
    /// A renderer suited to this process's standard error.
    pub fn for_stderr() -> Self {
        let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let renderer = if colour {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        Diagnostics {
            renderer: renderer.decor_style(DecorStyle::Ascii),
        }
    }

    /// A renderer without colour (for tests and files).
    #[cfg(test)]
    pub fn plain() -> Self {
        Diagnostics {
            renderer: Renderer::plain().decor_style(DecorStyle::Ascii),
        }
    }

    /// An error with no position, e.g. a missing file.
    pub fn error(&self, message: &str, help: Option<&str>) -> String {
        let mut group = Group::with_title(Level::ERROR.primary_title(message));
        if let Some(help) = help {
            group = group.element(Level::HELP.message(help));
        }
        self.renderer.render(&[group])
    }

    /// A warning with no position.
    pub fn warning(&self, message: &str) -> String {
        self.renderer
            .render(&[Group::with_title(Level::WARNING.primary_title(message))])
    }

    /// A problem in values or a chart file, with its line unless the value is a secret.
    pub fn problem(&self, problem: &Problem, sources: &SourceMap) -> String {
        let location = problem.location;
        let name = sources.name(location.source).to_string();
        let mut group = Group::with_title(Level::ERROR.primary_title(problem.message.as_str()));
        let line_text = sources
            .line_text(location.source, location.line)
            .filter(|_| location.is_known());
        match line_text {
            Some(text) if !problem.sensitive => {
                let span = token_span(text, location.column as usize);
                let label = if problem.path.is_root() {
                    String::new()
                } else {
                    format!("`{}`", problem.path)
                };
                group = group.element(
                    Snippet::source(text.to_string())
                        .line_start(location.line as usize)
                        .path(name)
                        .annotation(AnnotationKind::Primary.span(span).label(label)),
                );
            }
            _ if location.is_known() => {
                group = group.element(
                    Origin::path(name)
                        .line(location.line as usize)
                        .char_column(location.column as usize),
                );
                if !problem.path.is_root() {
                    group = group.element(Level::NOTE.message(format!("field `{}`", problem.path)));
                }
            }
            _ => {
                group = group.element(Origin::path(name));
                if !problem.path.is_root() {
                    group = group.element(Level::NOTE.message(format!("field `{}`", problem.path)));
                }
            }
        }
        if let Some(help) = &problem.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        self.renderer.render(&[group])
    }
}

/// The byte range of the word starting at `column` (1-based, in characters) in `line`:
/// up to the next space, comma or closing bracket, at least one character.
fn token_span(line: &str, column: usize) -> std::ops::Range<usize> {
    let start = line
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let quoted = rest.starts_with(['"', '\'']);
    let len = if quoted {
        let quote = rest.chars().next().unwrap_or('"');
        rest[1..].find(quote).map_or(rest.len(), |end| end + 2)
    } else {
        let colon = rest
            .match_indices(':')
            .find(|(i, _)| rest[i + 1..].is_empty() || rest[i + 1..].starts_with(' '))
            .map_or(rest.len(), |(i, _)| i);
        rest.find([' ', ',', '}', ']', '#'])
            .unwrap_or(rest.len())
            .min(colon)
    };
    let end = (start + len.max(1)).min(line.len());
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tack::source::Location;
    use tack::values::FieldPath;

    #[test]
    fn shows_the_line_and_a_caret_under_the_value() {
        let mut sources = SourceMap::new();
        let id = sources.add(
            "values/canary.yaml",
            "strategy:\n  canary:\n    weight: 150\n",
        );
        let problem = Problem::new(
            Location {
                source: id,
                line: 3,
                column: 13,
            },
            FieldPath::parse("strategy.canary.weight"),
            "expected a percentage from 0 to 100, found 150",
        )
        .with_help("a weight is a share of traffic");
        let text = Diagnostics::plain().problem(&problem, &sources);
        assert_eq!(
            text,
            "error: expected a percentage from 0 to 100, found 150\n --> values/canary.yaml:3:13\n  |\n3 |     weight: 150\n  |             ^^^ `strategy.canary.weight`\n  |\n  = help: a weight is a share of traffic"
        );
    }

    #[test]
    fn secret_lines_are_never_shown() {
        let mut sources = SourceMap::new();
        let id = sources.add("values.yaml", "secrets:\n  apiKey: {valeu: hunter2}\n");
        let problem = Problem::new(
            Location {
                source: id,
                line: 2,
                column: 13,
            },
            FieldPath::parse("secrets.apiKey.valeu"),
            "unknown key `valeu`",
        );
        let text = Diagnostics::plain().problem(&problem, &sources);
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("values.yaml:2:13"), "{text}");
    }

    #[test]
    fn token_spans() {
        assert_eq!(token_span("  tag: \"1.0\" # x", 8), 7..12);
        assert_eq!(token_span("a: {b: 1, c: 2}", 8), 7..8);
        assert_eq!(token_span("a:", 9), 2..2);
        assert_eq!(token_span("replicsa: 3", 1), 0..8);
        assert_eq!(token_span("time: 12:30", 7), 6..11);
    }
}
