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
