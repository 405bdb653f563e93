//! Cutting a stream of text into documents without parsing it, so that documents can be
//! parsed on several cores and a stream of any length is read in bounded memory.
//!
//! YAML forbids a line starting with `---` or `...` (followed by a space or the end of the
//! line) anywhere inside a document, even in block scalars and quoted strings, so such a line
//! is always a document boundary: cutting there is what a conforming parser does too.

use std::io::{self, BufRead, Read};

/// The largest document read: far beyond any real manifest, and a bound on the memory one
/// document can take (a stream with no line breaks, such as `/dev/zero` on stdin, stops
/// here instead of filling memory).
pub(crate) const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// The text of one document (possibly with comments or empty documents around it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Chunk {
    /// Raw bytes; checked for UTF-8 by whoever parses them.
    pub text: Vec<u8>,
    /// The line of the input where `text` starts (1-based).
    pub first_line: u32,
}

/// Splits a reader into [`Chunk`]s.
pub(crate) struct Splitter<R> {
    reader: R,
    next_line: u32,
    pending: Vec<u8>,
    pending_first_line: u32,
    pending_has_content: bool,
    /// The pending document is JSON (its first content starts with `{` or `[`).
    pending_json: bool,
    line: Vec<u8>,
    done: bool,
}

fn is_marker(line: &[u8], marker: &[u8; 3]) -> bool {
    line.starts_with(marker) && line.get(3).is_none_or(|b| b.is_ascii_whitespace())
}

/// True for a line that holds YAML content (not blank, a comment or a directive).
fn has_content(line: &[u8]) -> bool {
    match line.iter().position(|b| !b.is_ascii_whitespace()) {
        None => false,
        Some(i) => line[i] != b'#' && !(i == 0 && line[0] == b'%'),
    }
}

impl<R: BufRead> Splitter<R> {
    /// A splitter over `reader`, whose first line is line 1.
    pub(crate) fn new(reader: R) -> Self {
        Splitter {
            reader,
            next_line: 1,
            pending: Vec::new(),
            pending_first_line: 1,
            pending_has_content: false,
            pending_json: false,
            line: Vec::new(),
            done: false,
        }
    }

    fn take_pending(&mut self) -> Option<Chunk> {
        let has_content = self.pending_has_content;
        let text = std::mem::take(&mut self.pending);
        let first_line = self.pending_first_line;
        self.pending_first_line = self.next_line;
        self.pending_has_content = false;
        self.pending_json = false;
        has_content.then_some(Chunk { text, first_line })
    }

    fn push_line(&mut self) {
        if self.pending.is_empty() {
            self.pending_first_line = self.next_line;
        }
        self.pending.extend_from_slice(&self.line);
        self.next_line = self.next_line.saturating_add(1);
    }
}

impl<R: BufRead> Iterator for Splitter<R> {
    type Item = io::Result<Chunk>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.line.clear();
            let room = MAX_DOCUMENT_BYTES.saturating_sub(self.pending.len()) as u64 + 1;
            match (&mut self.reader)
                .take(room)
                .read_until(b'\n', &mut self.line)
            {
                Err(error) => {
                    self.done = true;
                    return Some(Err(error));
                }
                Ok(0) => {
                    self.done = true;
                    return self.take_pending().map(Ok);
                }
                Ok(_) => {}
            }
            if self.pending.len() + self.line.len() > MAX_DOCUMENT_BYTES {
                self.done = true;
                return Some(Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "the document starting at line {} is larger than {} MiB (is this a binary or endless input?)",
                        if self.pending.is_empty() {
                            self.next_line
                        } else {
                            self.pending_first_line
                        },
                        MAX_DOCUMENT_BYTES / (1024 * 1024)
                    ),
                )));
            }
            if self.next_line == 1 && self.line.starts_with("\u{feff}".as_bytes()) {
                self.line.drain(..3);
            }
            if is_marker(&self.line, b"---") {
                // A new document starts; what came before it is a document of its own
                // unless it was only comments (which then belong to this one).
                let finished = if self.pending_has_content {
                    self.take_pending()
                } else {
                    None
                };
                self.push_line();
                // `--- {inline: content}` puts content on the marker line itself.
                self.pending_has_content |= has_content(&self.line[3..]);
                if finished.is_some() {
                    return finished.map(Ok);
                }
            } else if is_marker(&self.line, b"...") {
                self.push_line();
                if let Some(chunk) = self.take_pending() {
                    return Some(Ok(chunk));
                }
            } else if self.pending_json && matches!(self.line.first(), Some(b'{' | b'[')) {
                // A JSON stream (`kubectl get -o json` output, one object per line...): a
                // value that starts at column 0 is a new document, as nested lines of a
                // pretty-printed value are indented.
                let finished = self.take_pending();
                self.pending_has_content = true;
                self.pending_json = true;
                self.push_line();
                if finished.is_some() {
                    return finished.map(Ok);
                }
            } else {
                if !self.pending_has_content && has_content(&self.line) {
                    let first = self.line.iter().find(|b| !b.is_ascii_whitespace());
                    self.pending_json = matches!(first, Some(b'{' | b'['));
                    self.pending_has_content = true;
                }
                self.push_line();
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<(u32, String)> {
        Splitter::new(text.as_bytes())
            .map(|c| {
                let c = c.unwrap_or_else(|e| panic!("{e}"));
                (c.first_line, String::from_utf8_lossy(&c.text).into_owned())
            })
            .collect()
    }

    #[test]
    fn cuts_at_document_markers_and_keeps_line_numbers() {
        let chunks = split("a: 1\n---\n# Source: x\nb: 2\n---\n---\nc: 3\n");
        assert_eq!(
            chunks,
            [
                (1, "a: 1\n".to_string()),
                (2, "---\n# Source: x\nb: 2\n".to_string()),
                (5, "---\n---\nc: 3\n".to_string()),
            ]
        );
    }

    #[test]
    fn comment_only_and_empty_input_give_no_chunks() {
        assert!(split("").is_empty());
        assert!(split("# nothing\n\n---\n# still nothing\n").is_empty());
    }

    #[test]
    fn markers_need_a_space_or_line_end_and_column_zero() {
        let chunks = split("a: |\n  ---\n  text\nb: ---x\n---x: 1\n");
        assert_eq!(chunks.len(), 1);
    }

    #[test]
    fn content_on_the_marker_line_and_document_ends() {
        let chunks = split("--- {a: 1}\n...\n%YAML 1.1\n---\nb: 2\n");
        assert_eq!(
            chunks,
            [
                (1, "--- {a: 1}\n...\n".to_string()),
                (3, "%YAML 1.1\n---\nb: 2\n".to_string()),
            ]
        );
    }

    #[test]
    fn json_streams_are_cut_at_each_top_level_value() {
        let chunks = split("{\"a\": 1}\n{\"b\": 2}\n{\n  \"c\": {\n    \"d\": 3\n  }\n}\n[1]\n");
        assert_eq!(
            chunks,
            [
                (1, "{\"a\": 1}\n".to_string()),
                (2, "{\"b\": 2}\n".to_string()),
                (3, "{\n  \"c\": {\n    \"d\": 3\n  }\n}\n".to_string()),
                (8, "[1]\n".to_string()),
            ]
        );
        // YAML is not cut at a `{` line (a flow mapping continues over lines).
        assert_eq!(split("a:\n{b: 1}\n").len(), 1);
    }

    #[test]
    fn an_endless_line_stops_at_the_document_limit() {
        let endless = std::io::repeat(b'a');
        let mut splitter = Splitter::new(std::io::BufReader::new(endless));
        let error = splitter.next().and_then(Result::err).map(|e| e.to_string());
        assert!(
            error
                .as_deref()
                .is_some_and(|e| e.contains("larger than 64 MiB")),
            "{error:?}"
        );
        assert!(splitter.next().is_none());
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        let chunks = split("\u{feff}a: 1\r\n---\r\nb: 2");
        assert_eq!(
            chunks,
            [(1, "a: 1\r\n".to_string()), (2, "---\r\nb: 2".to_string())]
        );
    }
}
