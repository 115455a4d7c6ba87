//! What identifies a log file across rotation: its inode while it lives, and the hash of its
//! first bytes (decompressed) once it has been renamed, copied or compressed.

use super::compress::{Compression, content_prefix};
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// How many leading content bytes identify a file. Files shorter than this are identified by
/// all their bytes (and re-identified as they grow).
pub const HEAD_LEN: usize = 1024;

/// The cheap facts of a file, from one `stat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStat {
    pub dev: u64,
    pub ino: u64,
    /// Size on disk (compressed size for compressed files).
    pub size: u64,
    /// Modification time, ns since the epoch.
    pub mtime_ns: i64,
}

impl FileStat {
    pub fn of(path: &Path) -> io::Result<FileStat> {
        let m = std::fs::metadata(path)?;
        Ok(FileStat {
            dev: m.dev(),
            ino: m.ino(),
            size: m.len(),
            mtime_ns: m
                .mtime()
                .saturating_mul(1_000_000_000)
                .saturating_add(m.mtime_nsec()),
        })
    }
}

/// The file under a path is no longer the one looked at: renamed over, or replaced, between its
/// `stat` and its reading (a rotation under way).
#[derive(Debug, thiserror::Error)]
#[error("replaced by another file since it was listed")]
pub struct Replaced;

/// Opens `path` and checks that it is still the file `identity` (device, inode) was taken from.
/// The check is made on the open file, so a rename between the check and the reading cannot
/// slip by. A replaced file is a `NotFound` error (see [`is_replaced`]).
pub fn open_same(path: &Path, identity: (u64, u64)) -> io::Result<std::fs::File> {
    let file = std::fs::File::open(path)?;
    let m = file.metadata()?;
    if (m.dev(), m.ino()) != identity {
        return Err(io::Error::new(io::ErrorKind::NotFound, Replaced));
    }
    Ok(file)
}

/// Whether `e` says the file was replaced since it was listed (see [`open_same`]).
pub fn is_replaced(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Replaced>())
}

/// Hash of the first `len` content bytes of `path`; `None` when the content is shorter.
pub fn head_hash(
    path: &Path,
    compression: Option<Compression>,
    len: usize,
) -> io::Result<Option<u64>> {
    let prefix = content_prefix(path, compression, len)?;
    Ok((prefix.len() == len).then(|| hash_bytes(&prefix)))
}

pub fn hash_bytes(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}
