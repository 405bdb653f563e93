//! Reading files as they were at a git revision, for `tack diff --against REV`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Why files could not be read from git.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// git could not be run.
    #[error("cannot run git: {0}")]
    Run(std::io::Error),
    /// The folder is not in a git repository.
    #[error("{} is not inside a git repository", .0.display())]
    NotARepository(PathBuf),
    /// The revision does not exist.
    #[error("revision `{0}` does not exist in this repository")]
    UnknownRevision(String),
    /// A path is outside the repository.
    #[error("{} is outside the git repository", .0.display())]
    OutsideRepository(PathBuf),
    /// A file could not be written to the temporary checkout.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// The files of some paths as they were at a revision, written under a private temporary
/// folder (created exclusively, with an unpredictable name, readable by the user only) that
/// is removed when this is dropped, on every exit path that unwinds.
#[derive(Debug)]
pub struct Snapshot {
    dir: tempfile::TempDir,
    root: PathBuf,
}

fn git(cwd: &Path, args: &[&str]) -> Result<Option<Vec<u8>>, GitError> {
    let output = Command::new("git")
        .args(args)
        .current_dir(cwd)
        .output()
        .map_err(GitError::Run)?;
    Ok(output.status.success().then_some(output.stdout))
}

impl Snapshot {
    /// Checks out `paths` (files or folders, relative to `cwd` or absolute) as they were at
    /// `revision`. Paths that did not exist then are simply absent.
    pub fn at(revision: &str, cwd: &Path, paths: &[PathBuf]) -> Result<Snapshot, GitError> {
        let top = git(cwd, &["rev-parse", "--show-toplevel"])?
            .ok_or_else(|| GitError::NotARepository(cwd.to_path_buf()))?;
        let root = PathBuf::from(String::from_utf8_lossy(&top).trim());
        let commit = format!("{revision}^{{commit}}");
        if git(cwd, &["rev-parse", "--verify", "--quiet", &commit])?.is_none() {
            return Err(GitError::UnknownRevision(revision.to_string()));
        }
        let dir = tempfile::Builder::new()
            .prefix("tack-diff-")
            .tempdir()
            .map_err(|source| GitError::Write {
                path: std::env::temp_dir(),
                source,
            })?;
        let snapshot = Snapshot { dir, root };
        for path in paths {
            let absolute = if path.is_absolute() {
                path.clone()
            } else {
                cwd.join(path)
            };
            let absolute = absolute.canonicalize().unwrap_or(absolute);
            let canonical_root = snapshot
                .root
                .canonicalize()
                .unwrap_or_else(|_| snapshot.root.clone());
            let relative = absolute
                .strip_prefix(&canonical_root)
                .map_err(|_| GitError::OutsideRepository(path.clone()))?
                .to_string_lossy()
                .replace('\\', "/");
            let listing = git(
                &snapshot.root,
                &["ls-tree", "-r", "--name-only", revision, "--", &relative],
            )?
            .unwrap_or_default();
            for file in String::from_utf8_lossy(&listing).lines() {
                let spec = format!("{revision}:{file}");
                let Some(content) = git(&snapshot.root, &["show", &spec])? else {
                    continue;
                };
                let target = snapshot.dir.path().join(file);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent).map_err(|source| GitError::Write {
                        path: parent.to_path_buf(),
                        source,
                    })?;
                }
                std::fs::write(&target, content).map_err(|source| GitError::Write {
                    path: target.clone(),
                    source,
                })?;
            }
        }
        Ok(snapshot)
    }

    /// Where `path` (as given to [`Snapshot::at`], relative to `cwd`) lives in the snapshot.
    pub fn path(&self, cwd: &Path, path: &Path) -> PathBuf {
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            cwd.join(path)
        };
        let absolute = absolute.canonicalize().unwrap_or(absolute);
        let root = self
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.root.clone());
        match absolute.strip_prefix(&root) {
            Ok(relative) => self.dir.path().join(relative),
            Err(_) => absolute,
        }
    }
}
