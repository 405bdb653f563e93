//! Where things came from: the files and command-line flags tack read, and positions in them.
//!
//! Every error about user input carries a [`Location`]; the [`SourceMap`] that goes with it
//! holds the text, so a front end can print the offending line.

use std::sync::Arc;

/// Identifies one entry of a [`SourceMap`].
///
/// ```
/// use tack::source::{SourceId, SourceMap};
/// let mut sources = SourceMap::new();
/// assert_eq!(sources.add("a.yaml", ""), SourceId(0));
/// assert_eq!(sources.add("b.yaml", ""), SourceId(1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub u32);

/// One input: a file, standard input, or a command-line flag.
///
/// ```
/// let mut sources = tack::source::SourceMap::new();
/// let id = sources.add("values.yaml", "replicas: 3\n");
/// let source = sources.get(id).unwrap();
/// assert_eq!(&*source.name, "values.yaml");
/// assert_eq!(source.text.as_deref(), Some("replicas: 3\n"));
/// ```
#[derive(Debug, Clone)]
pub struct Source {
    /// How the input is named in messages: a path, `<stdin>`, or the flag as typed.
    pub name: Arc<str>,
    /// The whole text of the input, when it is kept (validation of long streams keeps only
    /// the names).
    pub text: Option<Arc<str>>,
}

/// A position in one input. Lines and columns start at 1; `0` means unknown.
///
/// ```
/// use tack::source::{Location, SourceMap};
/// let mut sources = SourceMap::new();
/// let id = sources.add("values.yaml", "replicas: three\n");
/// let at = Location { source: id, line: 1, column: 11 };
/// assert_eq!(sources.describe(at), "values.yaml:1:11");
/// ```
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

    /// True when the location points at a line of a known input (a whole-file location,
    /// with line `0`, is not known).
    ///
    /// ```
    /// use tack::source::{Location, SourceId};
    /// assert!(Location { source: SourceId(0), line: 1, column: 1 }.is_known());
    /// assert!(!Location::file(SourceId(0)).is_known());
    /// assert!(!Location::UNKNOWN.is_known());
    /// ```
    pub fn is_known(&self) -> bool {
        self.source.0 != u32::MAX && self.line > 0
    }

    /// A location naming a whole input, with no line: for problems about a whole file.
    ///
    /// ```
    /// use tack::source::{Location, SourceId};
    /// assert_eq!(Location::file(SourceId(2)).line, 0);
    /// ```
    pub fn file(source: SourceId) -> Self {
        Location {
            source,
            line: 0,
            column: 0,
        }
    }

    /// The same position in a source map whose ids start `offset` later (see
    /// [`SourceMap::append`]).
    pub(crate) fn offset(self, offset: u32) -> Self {
        if self.source.0 == u32::MAX {
            return self;
        }
        Location {
            source: SourceId(self.source.0 + offset),
            ..self
        }
    }
}

/// The inputs of one run, so that errors can show the lines they point at.
///
/// ```
/// let mut sources = tack::source::SourceMap::new();
/// let id = sources.add("values.yaml", "name: mnist\nreplicas: 3\n");
/// assert_eq!(sources.len(), 1);
/// assert_eq!(sources.line_text(id, 2), Some("replicas: 3"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    sources: Vec<Source>,
}

impl SourceMap {
    /// An empty map.
    ///
    /// ```
    /// let sources = tack::source::SourceMap::new();
    /// assert!(sources.is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an input and returns its id.
    ///
    /// ```
    /// let mut sources = tack::source::SourceMap::new();
    /// let id = sources.add("values.yaml", "replicas: 3\n");
    /// assert_eq!(sources.name(id), "values.yaml");
    /// ```
    pub fn add(&mut self, name: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> SourceId {
        self.push(Source {
            name: name.into(),
            text: Some(text.into()),
        })
    }

    /// Adds an input whose text is not kept (messages name it but show no lines).
    ///
    /// ```
    /// let mut sources = tack::source::SourceMap::new();
    /// let id = sources.add_name("<stdin>");
    /// assert_eq!(sources.line_text(id, 1), None);
    /// ```
    pub fn add_name(&mut self, name: impl Into<Arc<str>>) -> SourceId {
        self.push(Source {
            name: name.into(),
            text: None,
        })
    }

    fn push(&mut self, source: Source) -> SourceId {
        let id = SourceId(u32::try_from(self.sources.len()).unwrap_or(u32::MAX - 1));
        self.sources.push(source);
        id
    }

    /// The id of the input called `name`, adding it (without text) if it is new.
    ///
    /// ```
    /// let mut sources = tack::source::SourceMap::new();
    /// let a = sources.id_of("model-serving/canary");
    /// assert_eq!(sources.id_of("model-serving/canary"), a);
    /// ```
    pub fn id_of(&mut self, name: &str) -> SourceId {
        match self.sources.iter().position(|s| &*s.name == name) {
            Some(index) => SourceId(u32::try_from(index).unwrap_or(u32::MAX - 1)),
            None => self.add_name(name),
        }
    }

    /// Moves every input of `other` to the end of this map; returns how much `other`'s ids
    /// moved (add it to their `SourceId`s).
    ///
    /// ```
    /// let mut a = tack::source::SourceMap::new();
    /// a.add("a.yaml", "");
    /// let mut b = tack::source::SourceMap::new();
    /// b.add("b.yaml", "");
    /// assert_eq!(a.append(b), 1);
    /// assert_eq!(a.name(tack::source::SourceId(1)), "b.yaml");
    /// ```
    pub fn append(&mut self, other: SourceMap) -> u32 {
        let offset = u32::try_from(self.sources.len()).unwrap_or(u32::MAX - 1);
        self.sources.extend(other.sources);
        offset
    }

    /// How many inputs there are.
    ///
    /// ```
    /// assert_eq!(tack::source::SourceMap::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.sources.len()
    }

    /// True when there are none.
    ///
    /// ```
    /// assert!(tack::source::SourceMap::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// The input with this id, if it is in the map.
    ///
    /// ```
    /// use tack::source::{SourceId, SourceMap};
    /// let mut sources = SourceMap::new();
    /// let id = sources.add_name("<stdin>");
    /// assert_eq!(sources.get(id).map(|s| s.text.is_none()), Some(true));
    /// assert!(sources.get(SourceId(7)).is_none());
    /// ```
    pub fn get(&self, id: SourceId) -> Option<&Source> {
        self.sources.get(id.0 as usize)
    }

    /// The name of the input a location points into, or `<unknown>`.
    ///
    /// ```
    /// use tack::source::{SourceId, SourceMap};
    /// let mut sources = SourceMap::new();
    /// let id = sources.add("values.yaml", "");
    /// assert_eq!(sources.name(id), "values.yaml");
    /// assert_eq!(sources.name(SourceId(9)), "<unknown>");
    /// ```
    pub fn name(&self, id: SourceId) -> &str {
        self.get(id).map_or("<unknown>", |s| &s.name)
    }

    /// The shared name of an input, for values that outlive the map.
    ///
    /// ```
    /// let mut sources = tack::source::SourceMap::new();
    /// let id = sources.add("values.yaml", "");
    /// let name = sources.name_arc(id);
    /// drop(sources);
    /// assert_eq!(&*name, "values.yaml");
    /// ```
    pub fn name_arc(&self, id: SourceId) -> Arc<str> {
        self.get(id)
            .map_or_else(|| Arc::from("<unknown>"), |s| s.name.clone())
    }

    /// The text of line `line` (1-based) of an input, without its line break.
    ///
    /// ```
    /// let mut sources = tack::source::SourceMap::new();
    /// let id = sources.add("values.yaml", "a: 1\r\nb: 2\n");
    /// assert_eq!(sources.line_text(id, 1), Some("a: 1"));
    /// assert_eq!(sources.line_text(id, 9), None);
    /// ```
    pub fn line_text(&self, id: SourceId, line: u32) -> Option<&str> {
        let text = self.get(id)?.text.as_deref()?;
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        text.split('\n')
            .nth(index)
            .map(|l| l.trim_end_matches('\r').trim_start_matches('\u{feff}'))
    }

    /// `name:line:column` for a location, as editors and terminals understand it
    /// (`name:line` when the column is unknown, `name` when the line is).
    ///
    /// ```
    /// use tack::source::{Location, SourceMap};
    /// let mut sources = SourceMap::new();
    /// let id = sources.add("values.yaml", "replicas: 3\n");
    /// let at = Location { source: id, line: 1, column: 11 };
    /// assert_eq!(sources.describe(at), "values.yaml:1:11");
    /// assert_eq!(sources.describe(Location { column: 0, ..at }), "values.yaml:1");
    /// assert_eq!(sources.describe(Location::file(id)), "values.yaml");
    /// ```
    pub fn describe(&self, location: Location) -> String {
        let name = self.name(location.source);
        match (location.is_known(), location.column) {
            (false, _) => name.to_string(),
            (true, 0) => format!("{name}:{}", location.line),
            (true, column) => format!("{name}:{}:{column}", location.line),
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
