//! Reading a (decompressed) stream line by line, keeping each line's byte offset.

use std::io::{self, BufRead};

/// One line of a source: its bytes without the terminator (`\n`, and a `\r` before it).
#[derive(Debug)]
pub struct Line<'a> {
    /// Byte offset of the line start in the decompressed content.
    pub offset: u64,
    /// Length in bytes including the terminator.
    pub len_with_eol: u64,
    pub bytes: &'a [u8],
    /// False for a final line with no `\n` (it may still be being written).
    pub terminated: bool,
}

/// Reads lines from a stream positioned at `start_offset`.
pub struct LineReader<R> {
    inner: R,
    buf: Vec<u8>,
    offset: u64,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(inner: R, start_offset: u64) -> Self {
        LineReader {
            inner,
            buf: Vec::with_capacity(4096),
            offset: start_offset,
        }
    }

    /// Offset of the next line to be read.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The next line, or `None` at end of stream. A read error (e.g. a truncated gzip) is
    /// returned once; the bytes read before it are lost only up to the last newline.
    pub fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        self.buf.clear();
        let n = match self.inner.read_until(b'\n', &mut self.buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return self.next_line(),
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(None);
        }
        let start = self.offset;
        self.offset += n as u64;
        let mut end = self.buf.len();
        let terminated = self.buf[end - 1] == b'\n';
        if terminated {
            end -= 1;
            if end > 0 && self.buf[end - 1] == b'\r' {
                end -= 1;
            }
        }
        Ok(Some(Line {
            offset: start,
            len_with_eol: n as u64,
            bytes: &self.buf[..end],
            terminated,
        }))
    }
}

/// Skips `n` bytes of a stream (used to resume inside compressed content).
pub fn skip_bytes(reader: &mut dyn BufRead, mut n: u64) -> io::Result<u64> {
    let mut skipped = 0;
    while n > 0 {
        let avail = reader.fill_buf()?;
        if avail.is_empty() {
            break;
        }
        let k = (avail.len() as u64).min(n);
        reader.consume(k as usize);
        n -= k;
        skipped += k;
    }
    Ok(skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8]) -> Vec<(u64, String, bool)> {
        let mut r = LineReader::new(input, 0);
        let mut out = Vec::new();
        while let Some(l) = r.next_line().unwrap() {
            out.push((
                l.offset,
                String::from_utf8_lossy(l.bytes).into_owned(),
                l.terminated,
            ));
        }
        out
    }

    #[test]
    fn offsets_crlf_and_missing_final_newline() {
        let got = collect(b"a\r\nbb\n\nlast");
        assert_eq!(
            got,
            vec![
                (0, "a".into(), true),
                (3, "bb".into(), true),
                (6, "".into(), true),
                (7, "last".into(), false)
            ]
        );
    }

    #[test]
    fn skip_stops_at_end() {
        let mut data: &[u8] = b"hello";
        assert_eq!(skip_bytes(&mut data, 10).unwrap(), 5);
    }
}
