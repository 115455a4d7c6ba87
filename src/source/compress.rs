//! Compression recognised by magic bytes (not by name), and decompressing readers.

use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    Gzip,
    Bzip2,
    Xz,
    Zstd,
}

impl Compression {
    /// Recognises a compressed stream from its first bytes.
    pub fn sniff(head: &[u8]) -> Option<Compression> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else if head.starts_with(b"BZh") && head.len() >= 4 && head[3].is_ascii_digit() {
            Some(Compression::Bzip2)
        } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
            Some(Compression::Xz)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compression::Zstd)
        } else {
            None
        }
    }

    /// Wraps `inner` in the matching decoder.
    pub fn decoder<'a, R: Read + 'a>(self, inner: R) -> io::Result<Box<dyn Read + 'a>> {
        self.decoder_buffered(inner, 256 * 1024)
    }

    /// Like [`Compression::decoder`], reading `inner` `buffer` bytes at a time.
    fn decoder_buffered<'a, R: Read + 'a>(
        self,
        inner: R,
        buffer: usize,
    ) -> io::Result<Box<dyn Read + 'a>> {
        Ok(match self {
            Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(
                BufReader::with_capacity(buffer, inner),
            )),
            Compression::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(inner)),
            Compression::Xz => Box::new(liblzma::read::XzDecoder::new_multi_decoder(inner)),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(inner)?),
        })
    }
}

/// Reads up to `n` bytes from the start of `reader` (fewer at end of stream).
pub fn read_prefix(reader: &mut dyn Read, n: usize) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(n.min(1 << 20));
    reader.take(n as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Opens a file for reading its (decompressed) content.
pub fn open_content(path: &Path, compression: Option<Compression>) -> io::Result<Box<dyn BufRead>> {
    content_of(File::open(path)?, compression)
}

/// Like [`open_content`], for a file already open.
pub fn content_of(file: File, compression: Option<Compression>) -> io::Result<Box<dyn BufRead>> {
    Ok(match compression {
        None => Box::new(BufReader::with_capacity(256 * 1024, file)),
        Some(c) => Box::new(BufReader::with_capacity(256 * 1024, c.decoder(file)?)),
    })
}

/// True when a compressed file decodes to its end (false while it is still being written, or
/// when it was cut short).
pub fn is_complete(file: File, compression: Compression) -> bool {
    let Ok(mut decoder) = compression.decoder(file) else {
        return false;
    };
    io::copy(&mut decoder, &mut io::sink()).is_ok()
}

/// Reads the first `n` bytes of a file's decompressed content. A damaged compressed stream
/// yields what could be decoded. Only about `n` bytes are read and decoded: every command looks
/// at the head of every file (8 KB to classify it, 1 KB to identify it).
pub fn content_prefix(
    path: &Path,
    compression: Option<Compression>,
    n: usize,
) -> io::Result<Vec<u8>> {
    content_prefix_of(File::open(path)?, compression, n)
}

/// Like [`content_prefix`], for a file already open.
pub fn content_prefix_of(
    file: File,
    compression: Option<Compression>,
    n: usize,
) -> io::Result<Vec<u8>> {
    let mut reader: Box<dyn Read> = match compression {
        None => Box::new(file),
        Some(c) => c.decoder_buffered(file, n.clamp(4096, 64 * 1024))?,
    };
    let mut buf = Vec::with_capacity(n);
    let mut chunk = [0u8; 8192];
    while buf.len() < n {
        let want = (n - buf.len()).min(chunk.len());
        match reader.read(&mut chunk[..want]) {
            Ok(0) => break,
            Ok(k) => buf.extend_from_slice(&chunk[..k]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if buf.is_empty() => return Err(e),
            Err(_) => break,
        }
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn sniffs_magic_bytes() {
        assert_eq!(
            Compression::sniff(&[0x1f, 0x8b, 8, 0]),
            Some(Compression::Gzip)
        );
        assert_eq!(Compression::sniff(b"BZh91AY"), Some(Compression::Bzip2));
        assert_eq!(
            Compression::sniff(&[0x28, 0xb5, 0x2f, 0xfd, 0]),
            Some(Compression::Zstd)
        );
        assert_eq!(Compression::sniff(b"Nov 22 07:39:58 vm"), None);
        assert_eq!(Compression::sniff(b"BZhello"), None);
    }

    #[test]
    fn reads_prefix_of_gzip_and_zstd() {
        let dir = tempfile::tempdir().unwrap();
        let gz = dir.path().join("a.gz");
        let mut enc = flate2::write::GzEncoder::new(
            File::create(&gz).unwrap(),
            flate2::Compression::default(),
        );
        enc.write_all(b"line one\nline two\n").unwrap();
        enc.finish().unwrap();
        assert_eq!(
            content_prefix(&gz, Some(Compression::Gzip), 8).unwrap(),
            b"line one"
        );
        let zs = dir.path().join("a.zst");
        std::fs::write(&zs, zstd::encode_all(&b"hello\n"[..], 3).unwrap()).unwrap();
        assert_eq!(
            content_prefix(&zs, Some(Compression::Zstd), 100).unwrap(),
            b"hello\n"
        );
    }
}
