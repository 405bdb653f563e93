//! Field paths in values, as users write them: `strategy.canary.weight`, `env[0].name`.

use std::fmt;

/// One step of a [`FieldPath`]: a mapping key or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// A key in a mapping.
    Key(String),
    /// A position in a list, from 0.
    Index(usize),
}

/// The path from the root of the values to one field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldPath {
    segments: Vec<Segment>,
}

impl FieldPath {
    /// The root of the values (prints as `<root>`).
    pub fn root() -> Self {
        Self::default()
    }

    /// Parses a dotted path such as `strategy.canary.weight` or `versions[1].tag`, as
    /// [`Display`](fmt::Display) writes it (`\\.` is a dot inside a key). Used for paths
    /// written in code and read back from diagnostics; user input goes through the `--set`
    /// parser.
    pub fn parse(dotted: &str) -> Self {
        let mut path = Self::root();
        for part in split_unescaped_dots(dotted)
            .iter()
            .filter(|p| !p.is_empty())
        {
            let (name, mut rest) = part
                .split_once('[')
                .map_or((part.as_str(), ""), |(n, r)| (n, r));
            if !name.is_empty() {
                path = path.key(name);
            }
            while let Some((number, after)) = rest.split_once(']') {
                if let Ok(index) = number.parse() {
                    path = path.index(index);
                }
                rest = after.strip_prefix('[').unwrap_or(after);
            }
        }
        path
    }

    /// This path extended by a mapping key.
    pub fn key(&self, key: impl Into<String>) -> Self {
        let mut segments = self.segments.clone();
        segments.push(Segment::Key(key.into()));
        Self { segments }
    }

    /// This path extended by a list index.
    pub fn index(&self, index: usize) -> Self {
        let mut segments = self.segments.clone();
        segments.push(Segment::Index(index));
        Self { segments }
    }

    /// The steps of the path, from the root.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// True for the root path.
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// The path one level up; `None` for the root.
    pub fn parent(&self) -> Option<Self> {
        let (_, rest) = self.segments.split_last()?;
        Some(Self {
            segments: rest.to_vec(),
        })
    }

    /// True when `self` is `other` or lies below it.
    pub fn starts_with(&self, other: &FieldPath) -> bool {
        self.segments.starts_with(&other.segments)
    }
}

/// `a.b\\.c` as `["a", "b.c"]`.
fn split_unescaped_dots(dotted: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = dotted.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                chars.next();
                if let Some(part) = parts.last_mut() {
                    part.push('.');
                }
            }
            '.' => parts.push(String::new()),
            c => {
                if let Some(part) = parts.last_mut() {
                    part.push(c);
                }
            }
        }
    }
    parts
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segments.is_empty() {
            return f.write_str("<root>");
        }
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Key(key) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    // Keys holding dots (annotation names) are escaped the way `--set` reads them.
                    f.write_str(&key.replace('.', "\\."))?;
                }
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_users_write_it() {
        let path = FieldPath::root()
            .key("podAnnotations")
            .key("prometheus.io/scrape");
        assert_eq!(path.to_string(), "podAnnotations.prometheus\\.io/scrape");
        assert_eq!(FieldPath::root().to_string(), "<root>");
    }

    #[test]
    fn parse_reads_back_what_display_writes() {
        let path = FieldPath::root()
            .key("podAnnotations")
            .key("prometheus.io/scrape")
            .index(2);
        assert_eq!(FieldPath::parse(&path.to_string()), path);
    }

    #[test]
    fn parses_dotted_paths_with_indexes() {
        let path = FieldPath::parse("strategy.routing.versions[1].tag");
        assert_eq!(path.to_string(), "strategy.routing.versions[1].tag");
        assert!(path.starts_with(&FieldPath::parse("strategy.routing")));
    }

    #[test]
    fn doc_examples() {
        {
            use crate::values::FieldPath;
            let path = FieldPath::root().key("env").index(0).key("name");
            assert_eq!(path.to_string(), "env[0].name");
        }
    }
}
