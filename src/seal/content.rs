//! Reading one file for a seal or a verification: its identity from the open file, then its
//! content (decompressed when its first bytes say gzip, bzip2, xz or zstd) in one pass.

use super::hash::{Scan, scan};
use crate::source::compress::{Compression, read_prefix};
use crate::source::identity::open_same;
use std::collections::BTreeSet;
use std::io::{self, Read, Seek};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// A file as read.
#[derive(Debug, Clone)]
pub struct FileScan {
    pub path: PathBuf,
    pub dev: u64,
    pub ino: u64,
    /// Bytes on disk.
    pub size: u64,
    /// How the content was decoded (`None`: the bytes themselves).
    pub compression: Option<Compression>,
    pub scan: Scan,
    /// Said when the file claimed a compression its data did not hold up to.
    pub note: Option<String>,
}

/// Reads `path`, asking for the SHA-256 of the content's first `n` bytes for each `n` in
/// `prefixes`. A file whose magic bytes promise a compression that then fails to decode (a
/// damaged or half-written `.gz`) is read as its raw bytes, with a note, so seal and verify
/// read it the same way.
pub fn scan_file(path: &Path, block: u64, prefixes: &BTreeSet<u64>) -> io::Result<FileScan> {
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    let identity = (meta.dev(), meta.ino());
    let head = read_prefix(&mut file, 8)?;
    let compression = Compression::sniff(&head);
    file.rewind()?;
    let mut note = None;
    let (compression, scan) = match compression {
        // Up to its size when opened: a busy log is not chased while it grows.
        None => (None, scan(&mut (&file).take(meta.len()), block, prefixes)?),
        Some(c) => match c
            .decoder(file)
            .and_then(|mut r| scan(&mut r, block, prefixes))
        {
            Ok(s) => (Some(c), s),
            Err(e) => {
                note = Some(format!(
                    "{c:?} data that does not decode ({e}): read as its raw bytes"
                ));
                // Through the same inode: a rename meanwhile must not swap the file.
                let again = open_same(path, identity)?;
                let len = again.metadata()?.len();
                (None, scan(&mut again.take(len), block, prefixes)?)
            }
        },
    };
    // A plain file may have been cut while it was read: what was read is what counts.
    let size = if compression.is_none() {
        scan.len
    } else {
        meta.len()
    };
    Ok(FileScan {
        path: path.to_path_buf(),
        dev: identity.0,
        ino: identity.1,
        size,
        compression,
        scan,
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::hash::Digest;
    use std::io::Write;

    #[test]
    fn compressed_files_are_read_decompressed() {
        let dir = tempfile::tempdir().unwrap();
        let text = b"line one\nline two\n";
        let plain = dir.path().join("x.1");
        std::fs::write(&plain, text).unwrap();
        let gz = dir.path().join("x.2.gz");
        let mut enc = flate2::write::GzEncoder::new(
            std::fs::File::create(&gz).unwrap(),
            flate2::Compression::default(),
        );
        enc.write_all(text).unwrap();
        enc.finish().unwrap();
        let a = scan_file(&plain, 4, &BTreeSet::new()).unwrap();
        let b = scan_file(&gz, 4, &BTreeSet::new()).unwrap();
        assert_eq!(a.scan.sha256, Digest::of(text));
        assert_eq!(b.scan.sha256, a.scan.sha256);
        assert_eq!(b.compression, Some(Compression::Gzip));
        assert_eq!(a.compression, None);
        assert_eq!(a.size, text.len() as u64);
        assert!(b.size != 0 && b.note.is_none());
    }

    #[test]
    fn damaged_compressed_data_is_read_raw() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("x.gz");
        let bytes = b"\x1f\x8b\x08\x00garbage that is no deflate stream";
        std::fs::write(&bad, bytes).unwrap();
        let s = scan_file(&bad, 8, &BTreeSet::new()).unwrap();
        assert_eq!(s.compression, None);
        assert_eq!(s.scan.sha256, Digest::of(bytes));
        assert!(s.note.unwrap().contains("raw bytes"));
    }
}
