//! Diagnostics for people: compiler-style blocks through `annotate-snippets`, with the source
//! line and a caret when the text is known and not secret.
//!
//! ```text
//! error[values]: unknown key `replicsa`
//!  --> values/prod.yaml:2:1
//!   |
//! 2 | replicsa: 3
//!   | ^^^^^^^^ `replicsa`
//!   |
//!   = help: did you mean `replicas`?
//! ```

use super::{Diagnostic, Output, Severity, Summary, escape_controls};
use crate::source::SourceMap;
use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use std::io::{self, Write};

/// Renders diagnostics as text blocks, in colour or plain.
///
/// ```
/// use tack::diagnostic::{Check, Diagnostic, human::Human};
/// use tack::source::{Location, SourceMap};
/// let mut sources = SourceMap::new();
/// let file = sources.add("values/canary.yaml", "strategy:\n  canary:\n    weight: 150\n");
/// let d = Diagnostic::error(Check::Values, "expected a percentage from 0 to 100, found 150")
///     .at(Location { source: file, line: 3, column: 13 })
///     .path("strategy.canary.weight");
/// let text = Human::new(false).render(&d, &sources);
/// assert!(text.contains("3 |     weight: 150"), "{text}");
/// assert!(text.contains("^^^ `strategy.canary.weight`"), "{text}");
/// ```
#[derive(Debug, Clone)]
pub struct Human {
    renderer: Renderer,
    colour: bool,
}

impl Human {
    /// A renderer, with ANSI colours when `colour` is on.
    ///
    /// ```
    /// let plain = tack::diagnostic::human::Human::new(false);
    /// assert!(!plain.colour());
    /// ```
    pub fn new(colour: bool) -> Self {
        let renderer = if colour {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        Human {
            renderer: renderer.decor_style(DecorStyle::Ascii),
            colour,
        }
    }

    /// Whether it writes colours.
    ///
    /// ```
    /// assert!(tack::diagnostic::human::Human::new(true).colour());
    /// ```
    pub fn colour(&self) -> bool {
        self.colour
    }

    /// One diagnostic as a block of text (no trailing newline).
    ///
    /// ```
    /// use tack::diagnostic::{Check, Diagnostic, human::Human};
    /// use tack::source::{Location, SourceMap};
    /// let mut sources = SourceMap::new();
    /// let file = sources.add("values.yaml", "secrets: {apiKey: {value: [hunter2]}}\n");
    /// let at = Location { source: file, line: 1, column: 27 };
    /// let d = Diagnostic::error(Check::Values, "expected a string").at(at);
    /// assert!(Human::new(false).render(&d, &sources).contains("hunter2"));
    /// let secret = d.sensitive(true); // the source line is never shown
    /// assert!(!Human::new(false).render(&secret, &sources).contains("hunter2"));
    /// ```
    pub fn render(&self, diagnostic: &Diagnostic, sources: &SourceMap) -> String {
        let level = match diagnostic.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let message = match &diagnostic.object {
            Some(object) => format!(
                "{}: {}",
                escape_controls(object),
                escape_controls(&diagnostic.message)
            ),
            None => escape_controls(&diagnostic.message).into_owned(),
        };
        let mut group = Group::with_title(level.primary_title(message).id(diagnostic.check.name()));
        let location = diagnostic.location;
        let name = escape_controls(sources.name(location.source)).into_owned();
        let path = escape_controls(&diagnostic.path).into_owned();
        let line_text = sources
            .line_text(location.source, location.line)
            .filter(|_| location.is_known() && !diagnostic.sensitive);
        match line_text {
            Some(text) => {
                let (text, column) = window(&visible(text), location.column as usize);
                let span = token_span(&text, column);
                let label = if path.is_empty() {
                    String::new()
                } else {
                    format!("`{path}`")
                };
                group = group.element(
                    Snippet::source(text)
                        .line_start(location.line as usize)
                        .path(name)
                        .annotation(AnnotationKind::Primary.span(span).label(label)),
                );
            }
            None => {
                if location.source.0 != u32::MAX {
                    let mut origin = Origin::path(name);
                    if location.line > 0 {
                        origin = origin.line(location.line as usize);
                        if location.column > 0 {
                            origin = origin.char_column(location.column as usize);
                        }
                    }
                    group = group.element(origin);
                }
                if !path.is_empty() {
                    let note = if path.starts_with('/') {
                        format!("at {path}")
                    } else {
                        format!("field `{path}`")
                    };
                    group = group.element(Level::NOTE.message(note));
                }
            }
        }
        if let Some(help) = &diagnostic.help {
            group = group.element(Level::HELP.message(escape_controls(help).into_owned()));
        }
        self.renderer.render(&[group])
    }

    /// A message with no position: a line such as `error: cannot write output: ...`.
    ///
    /// ```
    /// let h = tack::diagnostic::human::Human::new(false);
    /// assert_eq!(h.message(tack::diagnostic::Severity::Error, "boom", None), "error: boom");
    /// ```
    pub fn message(&self, severity: Severity, message: &str, help: Option<&str>) -> String {
        let level = match severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut group =
            Group::with_title(level.primary_title(escape_controls(message).into_owned()));
        if let Some(help) = help {
            group = group.element(Level::HELP.message(escape_controls(help).into_owned()));
        }
        self.renderer.render(&[group])
    }

    /// `text` in bold (when colour is on), for verdict lines.
    pub(crate) fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// The part of a long line around `column` (1-based), and the column in that part: a
/// 15 MB line is shown as the 200 characters around the mistake.
fn window(line: &str, column: usize) -> (String, usize) {
    const SHOWN: usize = 200;
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= SHOWN {
        return (line.to_string(), column);
    }
    let at = column.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(SHOWN / 2);
    let end = (start + SHOWN).min(chars.len());
    let mut shown = String::new();
    let mut new_column = at - start + 1;
    if start > 0 {
        shown.push_str("...");
        new_column += 3;
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push_str("...");
    }
    (shown, new_column)
}

/// A source line with control characters replaced by `\u{fffd}` (one character each, so
/// columns stay where they were).
fn visible(line: &str) -> String {
    line.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
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

/// Human output of a whole report: a block per diagnostic, a blank line after each, and the
/// verdict line with the totals.
///
/// ```
/// use tack::diagnostic::{Check, Diagnostic, Output, Summary, human::HumanOutput};
/// use tack::source::SourceMap;
/// let mut out = HumanOutput::new(Vec::new(), false);
/// out.write(&Diagnostic::error(Check::Schema, "bad"), &SourceMap::new())?;
/// let text = String::from_utf8(out.finish(&Summary::default(), &SourceMap::new())?)?;
/// assert!(text.starts_with("error[schema]: bad"), "{text}");
/// assert!(text.ends_with("invalid: 1 error, 0 warnings in 0 objects (0 documents)\n"), "{text}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct HumanOutput<W: Write> {
    out: W,
    human: Human,
    errors: usize,
    warnings: usize,
    totals_only: bool,
}

impl<W: Write> HumanOutput<W> {
    /// Human output into `out`.
    ///
    /// ```
    /// use tack::diagnostic::{Check, Diagnostic, Output, Summary, human::HumanOutput};
    /// use tack::source::SourceMap;
    /// let mut out = HumanOutput::new(Vec::new(), false);
    /// let warning = Diagnostic::warning(Check::References, "Secret \"api\" is not in the input");
    /// out.write(&warning, &SourceMap::new())?;
    /// let text = String::from_utf8(out.finish(&Summary::default(), &SourceMap::new())?)?;
    /// assert!(text.starts_with("warning[references]: Secret \"api\" is not in the input"), "{text}");
    /// assert!(text.ends_with("valid: 0 errors, 1 warning in 0 objects (0 documents)\n"), "{text}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(out: W, colour: bool) -> Self {
        HumanOutput {
            out,
            human: Human::new(colour),
            errors: 0,
            warnings: 0,
            totals_only: false,
        }
    }

    /// Counts diagnostics but prints only the totals.
    ///
    /// ```
    /// use tack::diagnostic::{Check, Diagnostic, Output, Summary, human::HumanOutput};
    /// use tack::source::SourceMap;
    /// let mut out = HumanOutput::new(Vec::new(), false).totals_only(true);
    /// out.write(&Diagnostic::error(Check::Schema, "bad"), &SourceMap::new())?;
    /// let text = String::from_utf8(out.finish(&Summary::default(), &SourceMap::new())?)?;
    /// assert_eq!(text, "invalid: 1 error, 0 warnings in 0 objects (0 documents)\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn totals_only(mut self, yes: bool) -> Self {
        self.totals_only = yes;
        self
    }
}

impl<W: Write> Output for HumanOutput<W> {
    type Target = W;

    fn write(&mut self, diagnostic: &Diagnostic, sources: &SourceMap) -> io::Result<()> {
        match diagnostic.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        if self.totals_only {
            return Ok(());
        }
        writeln!(self.out, "{}\n", self.human.render(diagnostic, sources))
    }

    fn finish(mut self, summary: &Summary, _sources: &SourceMap) -> io::Result<W> {
        let verdict = if self.errors > 0 {
            self.human.paint("1;31", "invalid")
        } else {
            self.human.paint("1;32", "valid")
        };
        writeln!(
            self.out,
            "{verdict}: {}",
            totals(self.errors, self.warnings, summary)
        )?;
        self.out.flush()?;
        Ok(self.out)
    }
}

fn plural(count: usize, word: &str) -> String {
    format!("{count} {word}{}", if count == 1 { "" } else { "s" })
}

/// The one-line totals: `1 error, 0 warnings in 3 objects (3 documents)`.
pub(crate) fn totals(errors: usize, warnings: usize, summary: &Summary) -> String {
    let mut line = format!(
        "{}, {} in {} ({})",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(summary.objects, "object"),
        plural(summary.documents, "document"),
    );
    if !summary.skipped_kinds.is_empty() {
        let count: usize = summary.skipped_kinds.iter().map(|(_, n)| n).sum();
        let kinds: Vec<&str> = summary
            .skipped_kinds
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        line.push_str(&format!(
            "; {} skipped (no schema): {}",
            plural(count, "object"),
            kinds.join(", ")
        ));
    }
    if summary.cel_skipped > 0 {
        line.push_str(&format!(
            "; {} not evaluated (transition rules, rules that do not compile, functions tack does not provide)",
            plural(summary.cel_skipped, "CEL rule")
        ));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Check;
    use crate::source::Location;

    #[test]
    fn shows_the_line_and_a_caret_under_the_value() {
        let mut sources = SourceMap::new();
        let id = sources.add(
            "values/canary.yaml",
            "strategy:\n  canary:\n    weight: 150\n",
        );
        let d = Diagnostic::error(
            Check::Values,
            "expected a percentage from 0 to 100, found 150",
        )
        .at(Location {
            source: id,
            line: 3,
            column: 13,
        })
        .path("strategy.canary.weight")
        .help("a weight is a share of traffic");
        assert_eq!(
            Human::new(false).render(&d, &sources),
            "error[values]: expected a percentage from 0 to 100, found 150\n --> values/canary.yaml:3:13\n  |\n3 |     weight: 150\n  |             ^^^ `strategy.canary.weight`\n  |\n  = help: a weight is a share of traffic"
        );
    }

    #[test]
    fn secret_lines_are_never_shown() {
        let mut sources = SourceMap::new();
        let id = sources.add("values.yaml", "secrets:\n  apiKey: {valeu: hunter2}\n");
        let d = Diagnostic::error(Check::Values, "unknown key `valeu`")
            .at(Location {
                source: id,
                line: 2,
                column: 13,
            })
            .path("secrets.apiKey.valeu")
            .sensitive(true);
        let text = Human::new(false).render(&d, &sources);
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("values.yaml:2:13"), "{text}");
        assert!(text.contains("field `secrets.apiKey.valeu`"), "{text}");
    }

    #[test]
    fn objects_without_text_name_their_pointer() {
        let mut sources = SourceMap::new();
        let id = sources.add_name("in.yaml");
        let d = Diagnostic::error(Check::Schema, "unknown field \"tpye\"")
            .at(Location {
                source: id,
                line: 6,
                column: 0,
            })
            .object("Service/web")
            .path("/spec/tpye")
            .help("did you mean \"type\"?");
        assert_eq!(
            Human::new(false).render(&d, &sources),
            "error[schema]: Service/web: unknown field \"tpye\"\n--> in.yaml:6\n = note: at /spec/tpye\n = help: did you mean \"type\"?"
        );
    }

    #[test]
    fn control_characters_cannot_reach_the_terminal() {
        let d = Diagnostic::error(Check::Rules, "name \u{1b}[2Jfake").object("Pod/\u{1b}]0;x\u{7}");
        let text = Human::new(false).render(&d, &SourceMap::new());
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(!text.contains('\u{7}'), "{text:?}");
    }

    #[test]
    fn long_lines_show_the_part_around_the_mistake() {
        let line = format!("{}BAD{}", "a".repeat(10_000), "b".repeat(10_000));
        let (shown, column) = window(&line, 10_001);
        assert!(shown.len() < 220, "{}", shown.len());
        assert!(shown.starts_with("...") && shown.ends_with("..."));
        assert_eq!(&shown[column - 1..column + 2], "BAD");
        assert_eq!(window("short", 3), ("short".to_string(), 3));
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
