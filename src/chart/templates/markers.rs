//! Mapping lines of a template's output back to the template lines that wrote them.
//!
//! minijinja has no source maps, so a template is rendered a second time (only when its output
//! is not valid YAML) with a marker at the start of each line that writes text directly:
//! `\u{E000}<template>:<line>\u{E001}`. Markers go only where they cannot change whitespace
//! handling: not inside tags, and not before lines that start with a block tag, a comment or
//! a whitespace-trimming expression. Each output line then belongs to the last marker seen.

const START: char = '\u{E000}';
const END: char = '\u{E001}';

/// Where an output line came from: template index and 1-based line.
pub type Origin = (usize, u32);

/// The template source with markers, for the template with index `template`.
pub fn instrument(source: &str, template: usize) -> String {
    let mut out = String::with_capacity(source.len() + source.len() / 4);
    let mut state = State::Data;
    let mut line = 1u32;
    let mut at_line_start = true;
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if at_line_start && state == State::Data && wants_marker(&chars[i..]) {
            out.push(START);
            out.push_str(&format!("{template}:{line}"));
            out.push(END);
        }
        at_line_start = false;
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        state = match (state, c, next) {
            (State::Data, '{', Some('{')) => State::Tag {
                close: '}',
                quote: None,
            },
            (State::Data, '{', Some('%')) => State::Tag {
                close: '%',
                quote: None,
            },
            (State::Data, '{', Some('#')) => State::Comment,
            (State::Tag { close, quote: None }, '"' | '\'', _) => State::Tag {
                close,
                quote: Some(c),
            },
            (
                State::Tag {
                    close,
                    quote: Some(q),
                },
                _,
                _,
            ) if c == q => State::Tag { close, quote: None },
            (State::Tag { close, quote: None }, _, Some('}')) if c == close => {
                out.push(c);
                out.push('}');
                i += 2;
                state = State::Data;
                continue;
            }
            (State::Comment, '#', Some('}')) => {
                out.push_str("#}");
                i += 2;
                state = State::Data;
                continue;
            }
            (state, _, _) => state,
        };
        out.push(c);
        if c == '\n' {
            line += 1;
            at_line_start = true;
        }
        i += 1;
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Data,
    Tag { close: char, quote: Option<char> },
    Comment,
}

/// False for lines whose start must not get text before it: blank lines, block tags and
/// comments (which `lstrip_blocks` strips to the line start) and `{{-` (which trims the
/// whitespace before it).
fn wants_marker(rest: &[char]) -> bool {
    let first = rest.iter().position(|c| *c != ' ' && *c != '\t');
    let Some(first) = first else {
        return false;
    };
    !matches!(
        (rest[first], rest.get(first + 1), rest.get(first + 2)),
        ('\n' | '\r', _, _) | ('{', Some('%' | '#'), _) | ('{', Some('{'), Some('-'))
    )
}

/// Removes the markers from rendered output and returns, for each output line, where it came
/// from (the last marker seen, or `None` before any).
pub fn strip(output: &str) -> (String, Vec<Option<Origin>>) {
    let mut text = String::with_capacity(output.len());
    let mut origins = Vec::new();
    let mut current: Option<Origin> = None;
    let mut line_origin: Option<Origin> = None;
    let mut chars = output.chars().peekable();
    while let Some(c) = chars.next() {
        if c == START {
            let marker: String = chars.by_ref().take_while(|c| *c != END).collect();
            if let Some((template, line)) = marker.split_once(':')
                && let (Ok(template), Ok(line)) = (template.parse(), line.parse())
            {
                current = Some((template, line));
                line_origin = current;
            }
            continue;
        }
        text.push(c);
        if c == '\n' {
            origins.push(line_origin.or(current));
            line_origin = None;
        }
    }
    origins.push(line_origin.or(current));
    (text, origins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_data_lines_only() {
        let source = "a: 1\n{% if x %}\n  b: {{ y }}\n{% endif %}\n{{- z }}\n{# c\n d #}\n";
        let marked = instrument(source, 3);
        assert_eq!(
            marked,
            "\u{E000}3:1\u{E001}a: 1\n{% if x %}\n\u{E000}3:3\u{E001}  b: {{ y }}\n{% endif %}\n{{- z }}\n{# c\n d #}\n"
        );
    }

    #[test]
    fn tags_spanning_lines_are_not_marked() {
        let source = "a: {{ f(1,\n 2) }}\nb: {% set s = \"%}\" %}x\n";
        let marked = instrument(source, 0);
        assert_eq!(
            marked,
            "\u{E000}0:1\u{E001}a: {{ f(1,\n 2) }}\n\u{E000}0:3\u{E001}b: {% set s = \"%}\" %}x\n"
        );
    }

    #[test]
    fn strip_maps_each_line_to_its_template_line() {
        let output = "\u{E000}0:1\u{E001}a: 1\n\u{E000}0:4\u{E001}b:\n  c: 2\n";
        let (text, origins) = strip(output);
        assert_eq!(text, "a: 1\nb:\n  c: 2\n");
        assert_eq!(
            origins,
            [Some((0, 1)), Some((0, 4)), Some((0, 4)), Some((0, 4))]
        );
    }
}
