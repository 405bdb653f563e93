//! Output held back until it may be written: in memory up to a size, then in an unlinked
//! temporary file, so a long run keeps its text without keeping it all in memory.
//!
//! `tack render -r` prints nothing when any release fails (a pipe into `kubectl apply`
//! must not apply part of the releases), so the text of the releases rendered so far waits
//! here rather than on stdout. The file has no name on disk: nothing is left behind if the
//! process is killed.

use std::fs::File;
use std::io::{self, Seek, Write};

/// How much text stays in memory before the rest goes to a temporary file.
const IN_MEMORY: usize = 8 * 1024 * 1024;

/// Text written in pieces, replayed in order by [`Spool::copy_to`].
#[derive(Debug, Default)]
pub(crate) struct Spool {
    memory: Vec<u8>,
    file: Option<File>,
    limit: Option<usize>,
}

impl Spool {
    /// A spool that keeps at most `limit` bytes in memory.
    #[cfg(test)]
    pub(crate) fn with_memory_limit(limit: usize) -> Self {
        Spool {
            limit: Some(limit),
            ..Spool::default()
        }
    }

    /// Appends `bytes`.
    ///
    /// # Errors
    /// The temporary file cannot be created or written.
    pub(crate) fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        if let Some(file) = &mut self.file {
            return file.write_all(bytes);
        }
        if self.memory.len() + bytes.len() <= self.limit.unwrap_or(IN_MEMORY) {
            self.memory.extend_from_slice(bytes);
            return Ok(());
        }
        let mut file = tempfile::tempfile()?;
        file.write_all(&self.memory)?;
        file.write_all(bytes)?;
        self.memory = Vec::new();
        self.file = Some(file);
        Ok(())
    }

    /// True once the text has gone to the temporary file.
    #[cfg(test)]
    pub(crate) fn on_disk(&self) -> bool {
        self.file.is_some()
    }

    /// Writes everything held, in order, to `out`.
    ///
    /// # Errors
    /// Reading the temporary file or writing `out` fails.
    pub(crate) fn copy_to(mut self, out: &mut impl Write) -> io::Result<()> {
        match &mut self.file {
            None => out.write_all(&self.memory),
            Some(file) => {
                file.rewind()?;
                io::copy(file, out).map(drop)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Spool;

    #[test]
    fn text_past_the_limit_comes_back_whole_and_in_order() {
        let mut spool = Spool::with_memory_limit(1000);
        let mut expected = Vec::new();
        for i in 0..500 {
            let piece = format!("---\nkind: Piece\nmetadata: {{name: p{i}}}\n");
            spool.write(piece.as_bytes()).expect("write");
            expected.extend_from_slice(piece.as_bytes());
        }
        assert!(spool.on_disk());
        let mut out = Vec::new();
        spool.copy_to(&mut out).expect("copy");
        assert_eq!(out, expected);
    }
}
