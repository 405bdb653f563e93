//! Walking folders that input controls: every folder is entered once, however many symlinks
//! lead to it, so two links to each other cannot make a walk endless.

use std::collections::HashSet;
use std::fs::Metadata;

/// The folders a walk has entered, by device and inode.
#[derive(Debug, Default)]
pub(crate) struct Visited {
    seen: HashSet<(u64, u64)>,
}

impl Visited {
    /// Records a folder; `false` if the walk has been in it before.
    pub(crate) fn first_visit(&mut self, metadata: &Metadata) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            self.seen.insert((metadata.dev(), metadata.ino()))
        }
        #[cfg(not(unix))]
        {
            // Without inodes, fall back to bounding the number of folders.
            let _ = metadata;
            let next = (0, self.seen.len() as u64);
            self.seen.len() < 100_000 && self.seen.insert(next)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_entered_once() {
        let mut visited = Visited::default();
        let metadata = std::fs::metadata("src").expect("src exists");
        assert!(visited.first_visit(&metadata));
        assert!(!visited.first_visit(&metadata));
    }
}
