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

/// The most bytes of one line kept by default: the most text an event indexes
/// (`index::update::MAX_EVENT_TEXT`) and a little more, so that a longer line is seen to be.
pub const MAX_KEPT: usize = (1 << 20) + 4;

/// Reads lines from a stream positioned at `start_offset`. Of a line longer than the reader's
/// limit only the first bytes are kept (cut at a UTF-8 boundary when the text is UTF-8); the
/// rest is read past without being kept, and counted, so offsets and lengths stay exact and a
/// line of gigabytes costs no more memory than the limit.
pub struct LineReader<R> {
    inner: R,
    buf: Vec<u8>,
    offset: u64,
    keep: usize,
    /// Raw bytes read at content offsets below `head_limit` (see [`LineReader::capture_head`]).
    head: Vec<u8>,
    head_limit: u64,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(inner: R, start_offset: u64) -> Self {
        LineReader {
            inner,
            buf: Vec::with_capacity(4096),
            offset: start_offset,
            keep: MAX_KEPT,
            head: Vec::new(),
            head_limit: 0,
        }
    }

    /// Keeps the raw bytes read at content offsets below `limit` (from the start offset on),
    /// exactly as they were read: what identifies the file, taken from the reading itself
    /// rather than from the file again later, when a rotation may have emptied it.
    pub fn capture_head(mut self, limit: u64) -> Self {
        self.head_limit = limit;
        self
    }

    /// The bytes kept by [`LineReader::capture_head`], starting at the start offset.
    pub fn captured(&self) -> &[u8] {
        &self.head
    }

    /// Keeps at most `keep` bytes of each line (at least 1).
    pub fn keep_at_most(mut self, keep: usize) -> Self {
        self.keep = keep.max(1);
        self
    }

    /// Offset of the next line to be read.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The next line, or `None` at end of stream. A read error (e.g. a truncated gzip) is
    /// returned once; the bytes read before it are lost only up to the last newline.
    pub fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        self.buf.clear();
        let (n, terminated) = self.read_line()?;
        if n == 0 {
            return Ok(None);
        }
        let start = self.offset;
        self.offset += n;
        let mut end = self.buf.len();
        if terminated && end as u64 == n {
            // The whole line was kept: drop its `\n` and a `\r` before it.
            end -= 1;
            if end > 0 && self.buf[end - 1] == b'\r' {
                end -= 1;
            }
        } else if (end as u64) < n {
            end = utf8_boundary(&self.buf[..end]);
        }
        Ok(Some(Line {
            offset: start,
            len_with_eol: n,
            bytes: &self.buf[..end],
            terminated,
        }))
    }

    /// Reads one line: keeps up to `keep` bytes in `buf`, passes over the rest. Returns its
    /// length (terminator included) and whether it ended with `\n`.
    fn read_line(&mut self) -> io::Result<(u64, bool)> {
        let mut n = 0u64;
        loop {
            let avail = match self.inner.fill_buf() {
                Ok(a) => a,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                return Ok((n, false));
            }
            let (used, done) = match memchr::memchr(b'\n', avail) {
                Some(i) => (i + 1, true),
                None => (avail.len(), false),
            };
            let at = self.offset + n;
            if at < self.head_limit {
                let take = used.min(usize::try_from(self.head_limit - at).unwrap_or(usize::MAX));
                self.head.extend_from_slice(&avail[..take]);
            }
            let room = self.keep.saturating_sub(self.buf.len());
            self.buf.extend_from_slice(&avail[..used.min(room)]);
            self.inner.consume(used);
            n += used as u64;
            if done {
                return Ok((n, true));
            }
        }
    }
}

/// `bytes` without an incomplete UTF-8 sequence at its end (what cutting a line may leave).
fn utf8_boundary(bytes: &[u8]) -> usize {
    match std::str::from_utf8(bytes) {
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        _ => bytes.len(),
    }
}

/// The first lines of a stream, for format detection: at most `lines` lines of at most
/// `line_bytes` bytes each, read from at most `total_bytes` of the stream (a first line of
/// gigabytes is not read through to find a second). A read error after some lines ends the
/// sample; before any, it is returned.
pub fn sample<R: BufRead>(
    reader: R,
    lines: usize,
    line_bytes: usize,
    total_bytes: u64,
) -> io::Result<Vec<String>> {
    let mut r = LineReader::new(reader.take(total_bytes), 0).keep_at_most(line_bytes);
    let mut out = Vec::new();
    while out.len() < lines {
        match r.next_line() {
            Ok(Some(l)) => out.push(String::from_utf8_lossy(l.bytes).into_owned()),
            Ok(None) => break,
            Err(_) if !out.is_empty() => break,
            Err(e) => return Err(e),
        }
    }
    Ok(out)
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

    /// A line longer than the limit keeps its first bytes (at a char boundary) and its exact
    /// length; the next line starts where it should.
    #[test]
    fn long_lines_keep_a_prefix_and_exact_offsets() {
        let mut data = b"short\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', 10_000));
        data.extend_from_slice("é\r\nafter\n".as_bytes());
        data.extend(std::iter::repeat_n(b'y', 5_000));
        // A small buffer: the line arrives in many pieces.
        let mut r =
            LineReader::new(std::io::BufReader::with_capacity(64, &data[..]), 0).keep_at_most(100);
        let l = r.next_line().unwrap().unwrap();
        assert_eq!((l.offset, l.len_with_eol, l.bytes), (0, 6, &b"short"[..]));
        let l = r.next_line().unwrap().unwrap();
        assert_eq!((l.offset, l.len_with_eol, l.bytes.len()), (6, 10_004, 100));
        assert!(l.terminated);
        let l = r.next_line().unwrap().unwrap();
        assert_eq!((l.offset, l.bytes), (10_010, &b"after"[..]));
        let l = r.next_line().unwrap().unwrap();
        assert_eq!(
            (l.offset, l.len_with_eol, l.bytes.len()),
            (10_016, 5_000, 100)
        );
        assert!(!l.terminated);
        assert!(r.next_line().unwrap().is_none());
        // A cut inside a multi-byte char leaves it out.
        let text = "aé".repeat(10);
        for (keep, kept) in [(2, "a"), (3, "aé"), (4, "aéa"), (5, "aéa")] {
            let mut r = LineReader::new(text.as_bytes(), 0).keep_at_most(keep);
            assert_eq!(r.next_line().unwrap().unwrap().bytes, kept.as_bytes());
        }
    }

    #[test]
    fn a_sample_reads_a_bounded_prefix() {
        let mut data = b"first\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', 1 << 20));
        data.extend_from_slice(b"\nthird\n");
        let got = sample(&data[..], 10, 16, 4096).unwrap();
        assert_eq!(got, ["first", "xxxxxxxxxxxxxxxx"]);
        let got = sample(&data[..], 10, 16, u64::MAX).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(sample(&data[..], 1, 16, u64::MAX).unwrap(), ["first"]);
    }

    #[test]
    fn skip_stops_at_end() {
        let mut data: &[u8] = b"hello";
        assert_eq!(skip_bytes(&mut data, 10).unwrap(), 5);
    }
}
