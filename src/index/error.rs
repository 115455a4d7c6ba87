//! Errors of the index layer: each says which file or folder, and what happened.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("{} is not a timberline index and is not empty; refusing to overwrite it (choose another --index-dir)", .0.display())]
    Foreign(PathBuf),
    /// The index folder is not safe to use: another user owns it, or it is a symbolic link.
    #[error("{}: {why}; refusing to use it (remove it, or choose another --index-dir)", path.display())]
    Unsafe { path: PathBuf, why: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no space left on the device holding the index {}; the index is left as of its last commit ({done}). Free some space and run again.", path.display())]
    DiskFull { path: PathBuf, done: String },
    /// tantivy's text can hold a whole file (a corrupt `meta.json`): one line of it is shown.
    #[error("index {}: {}", path.display(), crate::output::error_text::brief(&source.to_string(), 200))]
    Tantivy {
        path: PathBuf,
        source: tantivy::TantivyError,
    },
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

    pub fn tantivy(path: &Path, source: tantivy::TantivyError) -> IndexError {
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

/// True when a tantivy or I/O error means the disk is full.
pub fn is_disk_full(err: &tantivy::TantivyError) -> bool {
    let text = err.to_string();
    text.contains("No space left") || text.contains("os error 28") || text.contains("StorageFull")
}
