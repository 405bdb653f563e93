//! Reading input files safely: only regular files, never more than a limit, whatever the
//! file claims to be.
//!
//! `metadata().len()` is 0 for `/dev/zero` and growing files, and opening a FIFO blocks until
//! a writer comes; so the file type is checked before opening (devices, FIFOs and sockets are
//! refused) and the bytes are read through a reader that stops one byte past the limit.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Why an input file could not be read.
///
/// ```
/// use tack::input::InputError;
/// use tack::values::{Error, ValuesLoader};
/// let error = ValuesLoader::new().add_file("values".as_ref()).unwrap_err();
/// assert!(matches!(error, Error::Input(InputError::NotAFile { what: "a folder", .. })));
/// assert_eq!(error.to_string(), "values is a folder, not a regular file");
/// ```
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The path is a device, FIFO, socket or folder, not a file.
    #[error("{} is {what}, not a regular file", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is ("a folder", "a device", "a FIFO", "a socket").
        what: &'static str,
    },
    /// The file is larger than allowed.
    #[error("{} is larger than {}, the most tack reads from one file", path.display(), human_bytes(*limit))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },
}

impl InputError {
    /// True when the file does not exist.
    ///
    /// ```
    /// # use std::io;
    /// let error = tack::input::InputError::Io {
    ///     path: "values.yaml".into(),
    ///     source: io::Error::from(io::ErrorKind::NotFound),
    /// };
    /// assert!(error.is_not_found());
    /// ```
    pub fn is_not_found(&self) -> bool {
        matches!(self, InputError::Io { source, .. } if source.kind() == io::ErrorKind::NotFound)
    }
}

/// True when `relative`, joined to `base` and with its `..` resolved by name alone, stays
/// inside `root` (`base` and `root` absolute and canonical).
///
/// Checked before touching the file system, so a path that climbs out is refused as outside
/// whether or not its target exists (and nothing outside is probed). Symlinks are for the
/// caller's `canonicalize` afterwards.
pub(crate) fn lexically_inside(root: &Path, base: &Path, relative: &Path) -> bool {
    use std::path::Component;
    let mut resolved = base.to_path_buf();
    for component in relative.components() {
        match component {
            Component::ParentDir => {
                if !resolved.pop() {
                    return false;
                }
            }
            Component::Normal(part) => resolved.push(part),
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    resolved.starts_with(root)
}

/// `16777216` as `16 MiB`, `1536` as `1536 bytes`.
pub(crate) fn human_bytes(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// What a path that is not a regular file is, in words.
fn what_it_is(file_type: &std::fs::FileType) -> Option<&'static str> {
    if file_type.is_file() {
        return None;
    }
    if file_type.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

/// Opens `path` for reading if it is a regular file (following symlinks).
///
/// # Errors
/// It does not exist, cannot be opened, or is not a regular file.
pub(crate) fn open_regular(path: &Path) -> Result<File, InputError> {
    let io = |source| InputError::Io {
        path: path.to_path_buf(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(io)?;
    if let Some(what) = what_it_is(&metadata.file_type()) {
        return Err(InputError::NotAFile {
            path: path.to_path_buf(),
            what,
        });
    }
    File::open(path).map_err(io)
}

/// Reads a regular file of at most `limit` bytes.
///
/// # Errors
/// See [`open_regular`]; and a file longer than `limit`.
pub(crate) fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    let file = open_regular(path)?;
    read_to_limit(file, limit).map_err(|error| match error {
        LimitError::Io(source) => InputError::Io {
            path: path.to_path_buf(),
            source,
        },
        LimitError::TooLarge => InputError::TooLarge {
            path: path.to_path_buf(),
            limit,
        },
    })
}

/// Why [`read_to_limit`] stopped.
#[derive(Debug)]
pub(crate) enum LimitError {
    /// Reading failed.
    Io(io::Error),
    /// There was more than the limit.
    TooLarge,
}

/// Reads everything from `reader`, but no more than `limit` bytes.
///
/// # Errors
/// Reading failed, or there was more than `limit` bytes.
pub(crate) fn read_to_limit(reader: impl Read, limit: u64) -> Result<Vec<u8>, LimitError> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(LimitError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(LimitError::TooLarge);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn climbing_out_by_name_is_outside_whatever_exists() {
        use super::lexically_inside;
        use std::path::Path;
        let root = Path::new("/repo");
        let base = Path::new("/repo/apps/web");
        assert!(lexically_inside(root, base, Path::new("values/prod.yaml")));
        assert!(lexically_inside(
            root,
            base,
            Path::new("../../shared/v.yaml")
        ));
        assert!(lexically_inside(root, base, Path::new("./a/../b")));
        assert!(!lexically_inside(
            root,
            base,
            Path::new("../../../etc/passwd")
        ));
        assert!(!lexically_inside(root, base, Path::new("../../../repo2/x")));
        assert!(!lexically_inside(root, base, Path::new("/etc/passwd")));
        assert!(!lexically_inside(
            Path::new("/"),
            Path::new("/"),
            Path::new("../..")
        ));
    }

    use super::*;

    #[test]
    fn refuses_what_is_not_a_regular_file() {
        let folder = read_limited(Path::new("src"), 10).unwrap_err();
        assert!(
            matches!(
                folder,
                InputError::NotAFile {
                    what: "a folder",
                    ..
                }
            ),
            "{folder}"
        );
        let device = read_limited(Path::new("/dev/null"), 10).unwrap_err();
        assert!(
            matches!(
                device,
                InputError::NotAFile {
                    what: "a device",
                    ..
                }
            ),
            "{device}"
        );
        assert!(
            read_limited(Path::new("does/not/exist"), 10)
                .unwrap_err()
                .is_not_found()
        );
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_bytes(16 * 1024 * 1024), "16 MiB");
        assert_eq!(human_bytes(2048), "2 KiB");
        assert_eq!(human_bytes(1000), "1000 bytes");
    }

    #[test]
    fn stops_past_the_limit() {
        let err = read_limited(Path::new("Cargo.toml"), 10).unwrap_err();
        assert!(
            matches!(err, InputError::TooLarge { limit: 10, .. }),
            "{err}"
        );
    }
}
