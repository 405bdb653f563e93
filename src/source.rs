//! Where things came from: the files and command-line flags tack read, and positions in them.
//!
//! Every error about user input carries a [`Location`]; the [`SourceMap`] that goes with it
//! holds the text, so a front end can print the offending line.

use std::sync::Arc;

/// Identifies one entry of a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub u32);

/// One input: a file, standard input, or a command-line flag.
#[derive(Debug, Clone)]
pub struct Source {
    /// How the input is named in messages: a path, `<stdin>`, or the flag as typed.
    pub name: String,
    /// The whole text of the input.
    pub text: Arc<str>,
}

/// A position in one input. Lines and columns start at 1; `0` means unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Location {
    /// The input the position is in.
    pub source: SourceId,
    /// Line, starting at 1.
    pub line: u32,
    /// Column in characters, starting at 1.
    pub column: u32,
}

impl Default for SourceId {
    fn default() -> Self {
        SourceId(u32::MAX)
    }
}

impl Location {
    /// A location that points nowhere (for values built in code rather than read from input).
    pub const UNKNOWN: Location = Location {
        source: SourceId(u32::MAX),
        line: 0,
        column: 0,
    };

    /// True when the location points into a known input.
    pub fn is_known(&self) -> bool {
        self.source.0 != u32::MAX && self.line > 0
    }
}

/// The inputs of one run, so that errors can show the lines they point at.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    sources: Vec<Source>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an input and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> SourceId {
        let id = SourceId(self.sources.len() as u32);
        self.sources.push(Source {
            name: name.into(),
            text: text.into(),
        });
        id
    }

    /// The input with this id, if it is in the map.
    pub fn get(&self, id: SourceId) -> Option<&Source> {
        self.sources.get(id.0 as usize)
    }

    /// The name of the input a location points into, or `<unknown>`.
    pub fn name(&self, id: SourceId) -> &str {
        self.get(id).map_or("<unknown>", |s| s.name.as_str())
    }

    /// The text of line `line` (1-based) of an input, without its line break.
    pub fn line_text(&self, id: SourceId, line: u32) -> Option<&str> {
        let source = self.get(id)?;
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        source
            .text
            .split('\n')
            .nth(index)
            .map(|l| l.trim_end_matches('\r').trim_start_matches('\u{feff}'))
    }

    /// `name:line:column` for a location, as editors and terminals understand it.
    pub fn describe(&self, location: Location) -> String {
        if location.is_known() {
            format!(
                "{}:{}:{}",
                self.name(location.source),
                location.line,
                location.column
            )
        } else {
            self.name(location.source).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_locations_and_lines() {
        let mut map = SourceMap::new();
        let id = map.add("values/canary.yaml", "a: 1\r\nb: 2\n");
        let at = Location {
            source: id,
            line: 2,
            column: 4,
        };
        assert_eq!(map.describe(at), "values/canary.yaml:2:4");
        assert_eq!(map.line_text(id, 1), Some("a: 1"));
        assert_eq!(map.line_text(id, 2), Some("b: 2"));
        assert_eq!(map.line_text(id, 9), None);
        assert!(!Location::UNKNOWN.is_known());
    }
}
