//! Writing manifests into a folder (`--output-dir`) so that the folder is exactly the
//! release, or untouched.
//!
//! Everything is written into a new, private folder next to the target (created
//! exclusively with an unpredictable name), then swapped in: a render that fails part-way
//! leaves the previous output as it was, and files of objects that are no longer rendered
//! do not linger (so `kubectl apply -f DIR` never applies a stale object). A folder that
//! exists and holds files tack did not write is refused rather than replaced: the marker
//! file [`MARKER`] tells tack's folders apart. Secret manifests are written mode 0600,
//! everything else 0644; file names are made from kinds and names with anything but
//! `a-z 0-9 . _ -` replaced, so an object name cannot lead outside the folder.

use crate::manifest::{Manifests, WriteError, safe_name};
use std::path::{Path, PathBuf};

/// The file that marks a folder as written by tack (and so safe to replace).
///
/// ```
/// assert_eq!(tack::output::MARKER, ".tack-output");
/// ```
pub const MARKER: &str = ".tack-output";

const MARKER_TEXT: &str =
    "Written by `tack render --output-dir`: tack replaces this folder on every render.\n";

fn error(path: &Path, source: std::io::Error) -> WriteError {
    WriteError {
        path: path.to_path_buf(),
        source,
    }
}

/// A folder being filled, swapped into place by [`OutputDir::commit`].
///
/// ```
/// use tack::output::OutputDir;
/// use tack::{App, Release};
/// let target = std::env::temp_dir().join(format!("tack-doc-output-{}", std::process::id()));
/// let manifests = Release::new("prod", App::new("mnist", "mnist:1")).render()?;
/// let mut out = OutputDir::new(&target)?;
/// out.write_manifests("", &manifests)?;
/// let files = out.commit()?;
/// assert!(files.iter().any(|f| f.ends_with("01-service-mnist.yaml")));
/// assert!(target.join(tack::output::MARKER).is_file());
/// std::fs::remove_dir_all(&target)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct OutputDir {
    target: PathBuf,
    staging: tempfile::TempDir,
    written: Vec<PathBuf>,
}

impl OutputDir {
    /// Starts writing a new version of `target`.
    ///
    /// # Errors
    /// `target` exists and is not a folder tack wrote, or its parent cannot hold the new
    /// folder.
    ///
    /// ```
    /// use tack::output::OutputDir;
    /// // A folder with files tack did not write is never replaced.
    /// let mine = std::env::temp_dir().join(format!("tack-doc-mine-{}", std::process::id()));
    /// std::fs::create_dir_all(&mine)?;
    /// std::fs::write(mine.join("notes.txt"), "keep me")?;
    /// assert!(OutputDir::new(&mine).is_err());
    /// std::fs::remove_dir_all(&mine)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(target: &Path) -> Result<OutputDir, WriteError> {
        check_replaceable(target)?;
        let parent = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|source| error(&parent, source))?;
        let prefix = format!(
            ".{}.tack-new-",
            target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        );
        let staging = tempfile::Builder::new()
            .prefix(&prefix)
            .tempdir_in(&parent)
            .map_err(|source| error(&parent, source))?;
        Ok(OutputDir {
            target: target.to_path_buf(),
            staging,
            written: Vec::new(),
        })
    }

    /// Writes one file per object of `manifests` into the sub-folder `folder` (`""` for the
    /// top), named `NN-kind-name.yaml` in install order.
    ///
    /// # Errors
    /// A file cannot be written.
    ///
    /// ```
    /// use tack::output::OutputDir;
    /// use tack::{App, Release};
    /// let target = std::env::temp_dir().join(format!("tack-doc-sub-{}", std::process::id()));
    /// let manifests = Release::new("prod", App::new("mnist", "mnist:1")).render()?;
    /// let mut out = OutputDir::new(&target)?;
    /// out.write_manifests("ml/../../prod", &manifests)?; // parts of a folder are made safe
    /// let files = out.commit()?;
    /// assert!(files[0].starts_with(target.join("ml").join("__").join("__")));
    /// std::fs::remove_dir_all(&target)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_manifests(
        &mut self,
        folder: &str,
        manifests: &Manifests,
    ) -> Result<(), WriteError> {
        let relative: PathBuf = folder
            .split('/')
            .filter(|part| !part.is_empty())
            .map(safe_name)
            .collect();
        let dir = self.staging.path().join(&relative);
        std::fs::create_dir_all(&dir).map_err(|source| error(&dir, source))?;
        for (manifest, name) in manifests.iter().zip(manifests.file_names()) {
            let path = dir.join(&name);
            let secret = manifest.kind() == "Secret";
            write_file(&path, manifest.to_yaml().as_bytes(), secret)?;
            self.written.push(self.target.join(&relative).join(name));
        }
        Ok(())
    }

    /// Puts the new folder in place of the target (whose old content is removed), and
    /// returns the files written.
    ///
    /// # Errors
    /// The swap failed; the old output is then still in place.
    ///
    /// ```
    /// use tack::output::OutputDir;
    /// use tack::{App, Release};
    /// let target = std::env::temp_dir().join(format!("tack-doc-commit-{}", std::process::id()));
    /// let two = Release::new("a", App::new("mnist", "mnist:1").secret_env("k", "K", "v")).render()?;
    /// let one = Release::new("a", App::new("mnist", "mnist:1")).render()?;
    /// for manifests in [&two, &one] {
    ///     let mut out = OutputDir::new(&target)?;
    ///     out.write_manifests("", manifests)?;
    ///     out.commit()?;
    /// }
    /// // The Secret of the first render is gone: the folder is exactly the last release.
    /// assert!(!target.join("01-secret-mnist.yaml").exists());
    /// std::fs::remove_dir_all(&target)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn commit(self) -> Result<Vec<PathBuf>, WriteError> {
        let OutputDir {
            target,
            staging,
            written,
        } = self;
        write_file(&staging.path().join(MARKER), MARKER_TEXT.as_bytes(), false)?;
        check_replaceable(&target)?;
        let staged = staging.keep();
        let result = swap(&staged, &target);
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&staged);
        }
        result.map(|()| written)
    }
}

/// `staged` becomes `target`; the old `target`, if any, is moved aside first and removed.
fn swap(staged: &Path, target: &Path) -> Result<(), WriteError> {
    if std::fs::symlink_metadata(target).is_ok() {
        let parent = staged.parent().unwrap_or(Path::new("."));
        let old = tempfile::Builder::new()
            .prefix(".tack-old-")
            .tempdir_in(parent)
            .map_err(|source| error(parent, source))?
            .keep();
        let aside = old.join("output");
        std::fs::rename(target, &aside).map_err(|source| error(target, source))?;
        if let Err(source) = std::fs::rename(staged, target) {
            // Put the old output back.
            let _ = std::fs::rename(&aside, target);
            let _ = std::fs::remove_dir_all(&old);
            return Err(error(target, source));
        }
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    } else {
        std::fs::rename(staged, target).map_err(|source| error(target, source))
    }
}

/// A target may be replaced when it does not exist, is an empty folder, or holds the
/// marker of an earlier render.
fn check_replaceable(target: &Path) -> Result<(), WriteError> {
    let Ok(metadata) = std::fs::symlink_metadata(target) else {
        return Ok(());
    };
    let refuse = |why: &str| {
        Err(error(
            target,
            std::io::Error::other(format!(
                "{why}; tack replaces the whole output folder, so it only writes into a new or empty folder, or one it wrote before"
            )),
        ))
    };
    if !metadata.is_dir() {
        return refuse("it is not a folder");
    }
    if target.join(MARKER).is_file() {
        return Ok(());
    }
    let empty = std::fs::read_dir(target)
        .map_err(|source| error(target, source))?
        .next()
        .is_none();
    if empty {
        Ok(())
    } else {
        refuse("it holds files tack did not write")
    }
}

/// Writes a new file exclusively (it is in a fresh private folder), 0600 for secrets.
fn write_file(path: &Path, bytes: &[u8], secret: bool) -> Result<(), WriteError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if secret { 0o600 } else { 0o644 });
    }
    let mut file = options.open(path).map_err(|source| error(path, source))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|source| error(path, source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_leave_the_folder() {
        assert_eq!(safe_name("../../escaped"), ".._.._escaped");
        assert_eq!(safe_name(".."), "__");
        assert_eq!(safe_name("Pod\u{1b}[2J"), "pod__2j");
        assert_eq!(safe_name("ml"), "ml");
    }
}
