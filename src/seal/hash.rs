//! One pass over a file's content: its SHA-256, a short hash per block (to find the first
//! block that differs), the newlines before each block (to name its line), and the SHA-256
//! of the prefixes asked for (to recognise a sealed file that has grown since).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest as _, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::{self, Read};

/// The block size of the seals timberline writes. Each record names its own, so a manifest
/// stays verifiable if this changes.
pub const BLOCK: u64 = 64 * 1024;

/// The largest block size a record may name (a larger one is refused as damage).
pub const MAX_BLOCK: u64 = 64 << 20;

/// A SHA-256, written as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    pub fn of(bytes: &[u8]) -> Digest {
        Digest(Sha256::digest(bytes).into())
    }

    pub fn hex(&self) -> String {
        hex(&self.0)
    }

    /// Parses 64 hex digits (either case).
    pub fn parse(text: &str) -> Option<Digest> {
        let mut out = [0u8; 32];
        unhex(text, &mut out).then_some(Digest(out))
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.hex())
    }
}

/// The first 8 bytes of a block's SHA-256 (16 hex digits). Blocks only locate a change: what
/// proves the content is the whole content's full SHA-256, so a block hash need not resist a
/// forger, and the short form keeps a manifest at about 300 KB per sealed GB.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct BlockHash(pub [u8; 8]);

impl BlockHash {
    fn of(bytes: &[u8]) -> BlockHash {
        let full: [u8; 32] = Sha256::digest(bytes).into();
        let mut short = [0u8; 8];
        short.copy_from_slice(&full[..8]);
        BlockHash(short)
    }
}

impl fmt::Debug for BlockHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlockHash({})", hex(&self.0))
    }
}

fn hex(bytes: &[u8]) -> String {
    use fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Fills `out` from exactly `2 * out.len()` hex digits.
fn unhex(text: &str, out: &mut [u8]) -> bool {
    let text = text.as_bytes();
    if text.len() != out.len() * 2 {
        return false;
    }
    let digit = |c: u8| (c as char).to_digit(16);
    for (i, pair) in text.chunks_exact(2).enumerate() {
        match (digit(pair[0]), digit(pair[1])) {
            (Some(h), Some(l)) => out[i] = (h * 16 + l) as u8,
            _ => return false,
        }
    }
    true
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Digest, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        Digest::parse(&text)
            .ok_or_else(|| serde::de::Error::custom("not a SHA-256 (64 hex digits)"))
    }
}

impl Serialize for BlockHash {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex(&self.0))
    }
}

impl<'de> Deserialize<'de> for BlockHash {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<BlockHash, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        let mut out = [0u8; 8];
        if unhex(&text, &mut out) {
            Ok(BlockHash(out))
        } else {
            Err(serde::de::Error::custom("not a block hash (16 hex digits)"))
        }
    }
}

/// What one pass over a content tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// Bytes of content read.
    pub len: u64,
    pub sha256: Digest,
    /// One per block of `block` bytes; the last one may be shorter.
    pub blocks: Vec<BlockHash>,
    /// Newlines before each block's start.
    pub lines_before: Vec<u64>,
    /// Newlines in the whole content.
    pub newlines: u64,
    /// SHA-256 of the first `n` bytes, for each `n` asked for that is at most `len`.
    pub prefixes: BTreeMap<u64, Digest>,
    pub block: u64,
}

impl Scan {
    /// The line (1-based) on which block `index` starts; past the last block, the line after
    /// the last newline.
    pub fn line_at_block(&self, index: usize) -> u64 {
        self.lines_before
            .get(index)
            .copied()
            .unwrap_or(self.newlines)
            + 1
    }
}

/// Reads `reader` to its end in blocks of `block` bytes (1 to [`MAX_BLOCK`]).
pub fn scan(reader: &mut dyn Read, block: u64, prefixes: &BTreeSet<u64>) -> io::Result<Scan> {
    let block = block.clamp(1, MAX_BLOCK);
    let mut buf = vec![0u8; block as usize];
    let mut whole = Sha256::new();
    let mut out = Scan {
        len: 0,
        sha256: Digest([0; 32]),
        blocks: Vec::new(),
        lines_before: Vec::new(),
        newlines: 0,
        prefixes: BTreeMap::new(),
        block,
    };
    loop {
        let filled = fill(reader, &mut buf)?;
        if filled == 0 {
            break;
        }
        let chunk = &buf[..filled];
        let start = out.len;
        let end = start + filled as u64;
        // A prefix ending inside this block: the hash so far plus the block's first bytes.
        for &n in prefixes.range(start + 1..=end) {
            let mut h = whole.clone();
            h.update(&chunk[..(n - start) as usize]);
            out.prefixes.insert(n, Digest(h.finalize().into()));
        }
        whole.update(chunk);
        out.blocks.push(BlockHash::of(chunk));
        out.lines_before.push(out.newlines);
        out.newlines += memchr::memchr_iter(b'\n', chunk).count() as u64;
        out.len = end;
        if filled < buf.len() {
            break;
        }
    }
    out.sha256 = Digest(whole.finalize().into());
    if prefixes.contains(&0) {
        out.prefixes.insert(0, Digest::of(b""));
    }
    Ok(out)
}

/// Reads until `buf` is full or the stream ends; how many bytes were read.
fn fill(reader: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(k) => filled += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_of(bytes: &[u8], block: u64, prefixes: &[u64]) -> Scan {
        let set: BTreeSet<u64> = prefixes.iter().copied().collect();
        scan(&mut &bytes[..], block, &set).unwrap()
    }

    #[test]
    fn whole_hash_is_sha256_of_the_content() {
        // FIPS 180-2's example.
        let s = scan_of(b"abc", 2, &[]);
        assert_eq!(
            s.sha256.hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(s.len, 3);
        assert_eq!(s.blocks.len(), 2);
        assert_eq!(s.sha256, Digest::of(b"abc"));
    }

    #[test]
    fn prefixes_blocks_and_lines() {
        let text = b"one\ntwo\nthree\nfour\n";
        let s = scan_of(text, 5, &[0, 4, 5, 6, 19, 200]);
        for n in [0usize, 4, 5, 6, 19] {
            assert_eq!(s.prefixes[&(n as u64)], Digest::of(&text[..n]), "{n}");
        }
        assert!(!s.prefixes.contains_key(&200));
        assert_eq!(s.blocks.len(), 4);
        assert_eq!(s.blocks[1], BlockHash::of(&text[5..10]));
        // Block 2 starts at byte 10, on line 3 ("three" starts at 8).
        assert_eq!(s.lines_before, [0, 1, 2, 3]);
        assert_eq!(s.line_at_block(2), 3);
        assert_eq!(s.newlines, 4);
        assert_eq!(s.line_at_block(9), 5);
    }

    #[test]
    fn empty_content() {
        let s = scan_of(b"", 4, &[0]);
        assert_eq!((s.len, s.blocks.len()), (0, 0));
        assert_eq!(s.sha256, Digest::of(b""));
        assert_eq!(s.prefixes[&0], Digest::of(b""));
    }

    #[test]
    fn hex_round_trips_and_refuses_bad_digits() {
        let d = Digest::of(b"x");
        assert_eq!(Digest::parse(&d.hex()), Some(d));
        assert_eq!(Digest::parse(&d.hex().to_uppercase()), Some(d));
        assert_eq!(Digest::parse("zz"), None);
        assert_eq!(Digest::parse(&"g".repeat(64)), None);
        let json = serde_json::to_string(&BlockHash::of(b"x")).unwrap();
        assert_eq!(json.len(), 18);
        let back: BlockHash = serde_json::from_str(&json).unwrap();
        assert_eq!(back, BlockHash::of(b"x"));
        assert!(serde_json::from_str::<BlockHash>("\"00\"").is_err());
    }
}
