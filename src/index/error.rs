//! Errors of the index layer: each says which file or folder, and what happened.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("{} is not a timberline index and is not empty; refusing to overwrite it (choose another --index-dir)", .0.display())]
    Foreign(PathBuf),
    /// The index folder is not safe to use: another user owns it, or it is a symbolic link.
    #[error("{}: {why}; refusing to use it (remove it, or choose another --index-dir)", path.display())]
    Unsafe { path: PathBuf, why: String },
    /// The index folder belongs to another user: it is refused, whatever its mode.
    #[error("{} is owned by {owner}; run as that user or use --index-dir (an index holds what its logs hold: each user keeps their own)", path.display())]
    OwnedByOther { path: PathBuf, owner: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no space left on the device holding the index {}; the index is left as of its last commit ({done}). Free some space and run again.", path.display())]
    DiskFull { path: PathBuf, done: String },
    /// The index's own files are damaged: said once, and rebuilt at the next run.
    #[error("index {} is damaged ({}); it will be rebuilt from the logs at the next run (`timberline index`)", path.display(), crate::output::error_text::brief(&source.to_string(), 200))]
    Damaged {
        path: PathBuf,
        source: tantivy::TantivyError,
    },
    /// tantivy's text can hold a whole file (a corrupt `meta.json`): one line of it is shown.
    #[error("index {}: {}", path.display(), crate::output::error_text::brief(&source.to_string(), 200))]
    Tantivy {
        path: PathBuf,
        source: tantivy::TantivyError,
    },
    /// The index would be rebuilt, but another process is writing it: it is left alone.
    #[error("{why}: not done, since another timberline is writing the index {} now; it is left as it is (try again once that one stops)", path.display())]
    InUse { path: PathBuf, why: String },
    #[error(transparent)]
    Query(#[from] crate::query::QueryError),
    #[error("cannot find a data folder for the index (is HOME set?); pass --index-dir DIR")]
    NoDataDir,
}

impl IndexError {
    pub fn io(path: &Path, source: std::io::Error) -> IndexError {
        IndexError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// A tantivy error on the index at `path`. One that says the index's files are damaged
    /// (corrupt data, a segment file missing or cut short) marks the index for a rebuild.
    pub fn tantivy(path: &Path, source: tantivy::TantivyError) -> IndexError {
        if is_damage(&source) && super::store::mark_damaged(path, &source.to_string()) {
            return IndexError::Damaged {
                path: path.to_path_buf(),
                source,
            };
        }
        IndexError::Tantivy {
            path: path.to_path_buf(),
            source,
        }
    }

    /// True for errors caused by the user's input (exit code 2).
    pub fn is_usage(&self) -> bool {
        matches!(self, IndexError::Query(_))
    }
}

/// True when a tantivy error means the index's own files are damaged (not a full disk, not
/// a permission problem).
fn is_damage(err: &tantivy::TantivyError) -> bool {
    use std::io::ErrorKind;
    use tantivy::TantivyError as E;
    use tantivy::directory::error::OpenReadError;
    let io_damage = |e: &std::io::Error| {
        matches!(e.kind(), ErrorKind::InvalidData | ErrorKind::UnexpectedEof)
            || (e.kind() == ErrorKind::Other && !e.to_string().contains("No space left"))
    };
    match err {
        E::DataCorruption(_) => true,
        E::IoError(e) => io_damage(e),
        E::OpenReadError(OpenReadError::FileDoesNotExist(_)) => true,
        E::OpenReadError(OpenReadError::IoError { io_error, .. }) => io_damage(io_error),
        _ => false,
    }
}

/// True when a tantivy or I/O error means the disk is full.
pub fn is_disk_full(err: &tantivy::TantivyError) -> bool {
    let text = err.to_string();
    text.contains("No space left") || text.contains("os error 28") || text.contains("StorageFull")
}
