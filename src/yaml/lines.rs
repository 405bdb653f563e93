//! Lines of a document's nodes by path, for messages about objects read as JSON values.
//!
//! A path is hashed (FNV-1a over its segments), so the index stores 12 bytes a node and a
//! problem at `/spec/template/spec/containers/0/image` finds its line without parsing again.

/// The segments of a JSON Pointer, unescaped (allocating only for escaped ones).
pub(crate) fn pointer_segments(
    pointer: &str,
) -> impl Iterator<Item = std::borrow::Cow<'_, str>> + '_ {
    pointer.split('/').skip(1).map(|s| {
        if s.contains('~') {
            std::borrow::Cow::Owned(s.replace("~1", "/").replace("~0", "~"))
        } else {
            std::borrow::Cow::Borrowed(s)
        }
    })
}

/// The hash of the root path.
pub(crate) const ROOT_PATH: u64 = 0xcbf2_9ce4_8422_2325;

/// The hash of `parent`'s path extended by one segment (FNV-1a, with a separator so that
/// `a/bc` and `ab/c` differ). Array indexes are hashed as their decimal text.
pub(crate) fn child_path(parent: u64, segment: &[u8]) -> u64 {
    let mut hash = (parent ^ 0xff).wrapping_mul(0x0100_0000_01b3);
    for byte in segment {
        hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The hash of an array element's path.
pub(crate) fn index_path(parent: u64, index: usize) -> u64 {
    let mut buffer = itoa_buffer();
    child_path(parent, format_index(&mut buffer, index))
}

fn itoa_buffer() -> [u8; 20] {
    [0; 20]
}

fn format_index(buffer: &mut [u8; 20], mut index: usize) -> &[u8] {
    let mut start = buffer.len();
    loop {
        start -= 1;
        // `index % 10` is below 10, so the cast cannot truncate.
        buffer[start] = b'0' + (index % 10) as u8;
        index /= 10;
        if index == 0 {
            break;
        }
    }
    &buffer[start..]
}

/// The hash of `pointer`'s path below `base`.
pub(crate) fn pointer_path(base: u64, pointer: &str) -> u64 {
    pointer_segments(pointer).fold(base, |path, segment| child_path(path, segment.as_bytes()))
}

/// Lines of the nodes of one YAML document, by path, so that a problem at
/// `/spec/template/spec/containers/0/image` can point at its line without parsing again.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineIndex {
    entries: Vec<(u64, u32)>,
}

impl LineIndex {
    /// An empty index with room for `capacity` lines.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        LineIndex {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// Records the line of the node at `path` (the first record of a path wins).
    /// Call [`LineIndex::seal`] once everything is recorded.
    pub(crate) fn record(&mut self, path: u64, line: u32) {
        self.entries.push((path, line));
    }

    /// Sorts the records for lookups (stable: the first record of a path stays first).
    pub(crate) fn seal(&mut self) {
        self.entries.sort_by_key(|(path, _)| *path);
        self.entries.shrink_to_fit();
    }

    fn find(&self, path: u64) -> Option<u32> {
        let index = self.entries.partition_point(|(p, _)| *p < path);
        self.entries
            .get(index)
            .filter(|(p, _)| *p == path)
            .map(|(_, line)| *line)
    }

    /// The line of the deepest recorded node on `pointer` (relative to `base`, the path of
    /// the object inside its document, e.g. the item of a `List`).
    pub(crate) fn line_of(&self, base: u64, pointer: &str) -> Option<u32> {
        let mut best = self.find(base);
        let mut path = base;
        for segment in pointer_segments(pointer) {
            path = child_path(path, segment.as_bytes());
            if let Some(line) = self.find(path) {
                best = Some(line);
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_paths_hash_like_their_decimal_text() {
        assert_eq!(index_path(ROOT_PATH, 0), child_path(ROOT_PATH, b"0"));
        assert_eq!(index_path(ROOT_PATH, 1234), child_path(ROOT_PATH, b"1234"));
        assert_ne!(
            child_path(child_path(ROOT_PATH, b"a"), b"bc"),
            child_path(child_path(ROOT_PATH, b"ab"), b"c")
        );
    }

    #[test]
    fn lines_fall_back_to_the_deepest_known_ancestor() {
        let mut index = LineIndex::default();
        let spec = child_path(ROOT_PATH, b"spec");
        index.record(ROOT_PATH, 1);
        index.record(spec, 5);
        index.record(child_path(spec, b"replicas"), 6);
        index.record(spec, 9);
        index.seal();
        assert_eq!(index.line_of(ROOT_PATH, "/spec/replicas"), Some(6));
        assert_eq!(index.line_of(ROOT_PATH, "/spec/unknown/deeper"), Some(5));
        assert_eq!(index.line_of(ROOT_PATH, ""), Some(1));
    }
}

/// The node lines of a value that came from YAML (`None` when it did not), carried beside
/// the value. Positions are not part of a value's identity: two equal values are equal
/// whatever lines they came from.
#[derive(Debug, Clone, Default)]
pub(crate) struct NodeLines(pub Option<std::sync::Arc<LineIndex>>);

impl PartialEq for NodeLines {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
