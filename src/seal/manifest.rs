//! The manifest: a JSON-lines file, one record per seal, hash-chained. Each record names the
//! SHA-256 of the record before it (`prev`, `null` for the first) and carries its own
//! (`hash`: the SHA-256 of the record as written without its last member, `,"hash":"…"`).
//! A record is written exactly as [`serde_json`] writes the struct, so a line that differs
//! from that in any byte has been edited. The file is replaced whole (temporary file, then
//! rename) under a lock on its folder: a failed seal leaves it as it was.

use super::SealError;
use super::hash::{BlockHash, Digest, MAX_BLOCK};
use crate::source::compress::Compression;
use crate::source::discover::describe_io;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The record format written; another is refused.
pub const VERSION: u32 = 1;

/// One file as sealed. For a plain file, `len` and `sha256` are also the sealed prefix of a
/// file that keeps growing: a later content whose first `len` bytes hash to `sha256` has only
/// been appended to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sealed {
    #[serde(with = "crate::index::path_bytes")]
    pub path: PathBuf,
    pub dev: u64,
    pub ino: u64,
    /// Bytes on disk.
    pub size: u64,
    /// `None`: the content is the bytes on disk.
    pub compression: Option<Compression>,
    /// Bytes of content (decompressed).
    pub len: u64,
    /// SHA-256 of the content.
    pub sha256: Digest,
    /// Per block of the record's `block` bytes of content.
    pub blocks: Vec<BlockHash>,
}

/// One seal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub version: u32,
    pub prev: Option<Digest>,
    /// When it was made, RFC 3339 UTC.
    pub at: String,
    /// Block size of the files' block hashes.
    pub block: u64,
    pub files: Vec<Sealed>,
    pub hash: Digest,
}

/// What the hash covers: the record but its hash, in the same order.
#[derive(Serialize)]
struct Body<'a> {
    version: u32,
    prev: &'a Option<Digest>,
    at: &'a str,
    block: u64,
    files: &'a [Sealed],
}

impl Record {
    pub fn new(prev: Option<Digest>, at: String, block: u64, files: Vec<Sealed>) -> Record {
        let mut r = Record {
            version: VERSION,
            prev,
            at,
            block,
            files,
            hash: Digest([0; 32]),
        };
        r.hash = r.body_hash();
        r
    }

    /// The SHA-256 this record's `hash` should hold. (Serialising these structs cannot fail:
    /// no maps, and paths go through `path_bytes`.)
    pub fn body_hash(&self) -> Digest {
        let body = Body {
            version: self.version,
            prev: &self.prev,
            at: &self.at,
            block: self.block,
            files: &self.files,
        };
        Digest::of(&serde_json::to_vec(&body).unwrap_or_default())
    }

    /// The line written for it (with its newline).
    pub fn line(&self) -> Vec<u8> {
        let mut line = serde_json::to_vec(self).unwrap_or_default();
        line.push(b'\n');
        line
    }
}

/// A break in the chain, at a line of the manifest (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub line: usize,
    pub what: String,
}

/// A manifest as read: the records that parsed, and what is wrong with the chain.
#[derive(Debug, Clone, Default)]
pub struct Chain {
    /// With their line numbers.
    pub records: Vec<(usize, Record)>,
    pub problems: Vec<Problem>,
}

impl Chain {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }

    /// The last record that could be read.
    pub fn last(&self) -> Option<&Record> {
        self.records.last().map(|(_, r)| r)
    }

    /// Whether a record has the hash `root` (one mailed at an earlier seal).
    pub fn holds(&self, root: &Digest) -> bool {
        self.records.iter().any(|(_, r)| &r.hash == root)
    }
}

/// Reads the chain from the manifest's bytes: each line must be a record as timberline
/// writes it, with the right hash, naming the record before it.
pub fn check(bytes: &[u8]) -> Chain {
    let mut chain = Chain::default();
    let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let cut_short = lines.last().is_some_and(|l| !l.is_empty());
    if !cut_short {
        lines.pop(); // after the last newline
    }
    // The hash the next record must name as `prev`; `None` once a line could not be read.
    let mut expected: Option<Option<Digest>> = Some(None);
    let count = lines.len();
    for (i, raw) in lines.into_iter().enumerate() {
        let line = i + 1;
        let mut problem = |what: String| chain.problems.push(Problem { line, what });
        if cut_short && line == count {
            problem("cut short: no newline at its end".into());
        }
        let record: Record = match serde_json::from_slice(raw) {
            Ok(r) => r,
            Err(e) => {
                let what = if raw.is_empty() {
                    "an empty line".to_string()
                } else {
                    format!("not a seal record ({e})")
                };
                problem(what);
                expected = None;
                continue;
            }
        };
        if let Some(what) = record_problem(&record, raw) {
            problem(what);
        }
        if let Some(want) = expected
            && want != record.prev
        {
            problem(match (want, record.prev) {
                (None, _) => "names a previous record, but none is before it: the records \
                              before it were removed"
                    .into(),
                (Some(_), None) => "names no previous record, but one is before it".into(),
                (Some(_), Some(_)) => "does not name the record before it: a record was \
                                       removed, inserted or rewritten"
                    .into(),
            });
        }
        expected = Some(Some(record.hash));
        chain.records.push((line, record));
    }
    chain
}

/// What is wrong with one record on its own.
fn record_problem(r: &Record, raw: &[u8]) -> Option<String> {
    if r.version != VERSION {
        return Some(format!(
            "version {} (this timberline reads {VERSION})",
            r.version
        ));
    }
    if r.block == 0 || r.block > MAX_BLOCK {
        return Some(format!("a block size of {} bytes", r.block));
    }
    if let Some(f) = r
        .files
        .iter()
        .find(|f| f.blocks.len() as u64 != f.len.div_ceil(r.block))
    {
        return Some(format!(
            "{}: {} block hashes for {} bytes",
            f.path.display(),
            f.blocks.len(),
            f.len
        ));
    }
    if r.body_hash() != r.hash {
        return Some("its hash does not match its content: edited since it was written".into());
    }
    if r.line().strip_suffix(b"\n") != Some(raw) {
        return Some("not as timberline wrote it: edited since it was written".into());
    }
    None
}

/// Reads the manifest at `path`.
pub fn load(path: &Path) -> Result<Chain, SealError> {
    let bytes = std::fs::read(path).map_err(|e| SealError::io(path, &e))?;
    Ok(check(&bytes))
}

/// Appends a seal of `files` made `at`, naming the last record, and returns it. Refuses to
/// extend a manifest whose chain is broken, or a file that is not a manifest.
pub fn append(
    path: &Path,
    files: Vec<Sealed>,
    at: String,
    block: u64,
) -> Result<Record, SealError> {
    let dir = folder_of(path);
    let _lock = lock(&dir)?;
    let existing = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(SealError::io(path, &e)),
    };
    let chain = check(&existing);
    if let Some(p) = chain.problems.first() {
        return Err(SealError::BrokenChain {
            path: path.to_path_buf(),
            problem: format!("line {}: {}", p.line, p.what),
        });
    }
    let record = Record::new(chain.last().map(|r| r.hash), at, block, files);
    let mut bytes = existing;
    bytes.extend_from_slice(&record.line());
    replace(path, &dir, &bytes)?;
    Ok(record)
}

/// The folder a manifest path is in (`.` for a bare name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// An exclusive `flock` on `dir`, so two seals at once cannot both extend the same last record
/// (the file itself is replaced by rename, so it cannot hold the lock).
fn lock(dir: &Path) -> Result<nix::fcntl::Flock<std::fs::File>, SealError> {
    let f = std::fs::File::open(dir).map_err(|e| SealError::io(dir, &e))?;
    nix::fcntl::Flock::lock(f, nix::fcntl::FlockArg::LockExclusive).map_err(|(_, errno)| {
        SealError::Io {
            path: dir.to_path_buf(),
            what: format!("cannot lock it: {errno}"),
        }
    })
}

/// Writes `bytes` to a temporary file beside `path`, flushed to disk, then renames it over
/// `path` (keeping an existing file's permissions).
fn replace(path: &Path, dir: &Path, bytes: &[u8]) -> Result<(), SealError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let io = |e: std::io::Error| SealError::io(path, &e);
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| SealError::io(dir, &e))?;
    tmp.write_all(bytes).map_err(io)?;
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file()
            .set_permissions(meta.permissions())
            .map_err(io)?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    // The rename itself reaches the disk with the folder's entry.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

impl SealError {
    pub(super) fn io(path: &Path, e: &std::io::Error) -> SealError {
        SealError::Io {
            path: path.to_path_buf(),
            what: describe_io(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, content: &[u8]) -> Sealed {
        let scan = super::super::hash::scan(&mut &content[..], 4, &Default::default()).unwrap();
        Sealed {
            path: PathBuf::from(name),
            dev: 1,
            ino: 2,
            size: scan.len,
            compression: None,
            len: scan.len,
            sha256: scan.sha256,
            blocks: scan.blocks,
        }
    }

    fn chain_of(n: usize) -> (Vec<Record>, Vec<u8>) {
        let mut records: Vec<Record> = Vec::new();
        let mut bytes = Vec::new();
        for i in 0..n {
            let r = Record::new(
                records.last().map(|r| r.hash),
                format!("2026-10-0{}T00:00:00.000Z", i + 1),
                4,
                vec![file("/logs/x", format!("seal {i}\n").as_bytes())],
            );
            bytes.extend_from_slice(&r.line());
            records.push(r);
        }
        (records, bytes)
    }

    fn problems(bytes: &[u8]) -> Vec<(usize, String)> {
        check(bytes)
            .problems
            .into_iter()
            .map(|p| (p.line, p.what))
            .collect()
    }

    #[test]
    fn an_intact_chain_reads_back() {
        let (records, bytes) = chain_of(3);
        let chain = check(&bytes);
        assert!(chain.is_intact(), "{:?}", chain.problems);
        assert_eq!(chain.records.len(), 3);
        assert_eq!(chain.last(), records.last());
        assert!(chain.holds(&records[0].hash));
        assert!(!chain.holds(&Digest::of(b"other")));
        assert_eq!(records[0].prev, None);
        assert_eq!(records[2].prev, Some(records[1].hash));
        assert!(check(b"").is_intact());
    }

    #[test]
    fn the_hash_covers_the_line_without_its_hash_member() {
        let (records, bytes) = chain_of(1);
        let line = std::str::from_utf8(&bytes).unwrap().trim_end();
        let member = format!(",\"hash\":\"{}\"}}", records[0].hash);
        let body = line.strip_suffix(&member).unwrap().to_string() + "}";
        assert_eq!(Digest::of(body.as_bytes()), records[0].hash);
    }

    #[test]
    fn an_edited_record_breaks_the_chain() {
        let (_, bytes) = chain_of(3);
        let text = String::from_utf8(bytes).unwrap();
        // A content edit: the hash no longer matches.
        let edited = text.replacen("2026-10-02", "2026-10-09", 1);
        assert_eq!(
            problems(edited.as_bytes()),
            [(
                2,
                "its hash does not match its content: edited since it was written".to_string()
            )]
        );
        // The same record with its hash recomputed: the next record no longer names it.
        let lines: Vec<&str> = text.lines().collect();
        let mut r: Record = serde_json::from_str(lines[1]).unwrap();
        r.at = "2026-10-09T00:00:00.000Z".into();
        r.hash = r.body_hash();
        let line = String::from_utf8(r.line()).unwrap();
        let forged = format!("{}\n{line}{}\n", lines[0], lines[2]);
        let p = problems(forged.as_bytes());
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0, 3);
        assert!(
            p[0].1.contains("does not name the record before it"),
            "{p:?}"
        );
        // Only whitespace added: still an edit.
        let spaced = text.replacen("{\"version\"", "{ \"version\"", 1);
        assert_eq!(problems(spaced.as_bytes())[0].0, 1);
    }

    #[test]
    fn removed_or_damaged_lines_break_the_chain() {
        let (_, bytes) = chain_of(3);
        let text = String::from_utf8(bytes).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let first_gone = format!("{}\n{}\n", lines[1], lines[2]);
        assert!(
            problems(first_gone.as_bytes())[0]
                .1
                .contains("none is before it")
        );
        let middle_gone = format!("{}\n{}\n", lines[0], lines[2]);
        assert_eq!(problems(middle_gone.as_bytes())[0].0, 2);
        let cut = &text[..text.len() - 10];
        let p = problems(cut.as_bytes());
        assert_eq!(p[0], (3, "cut short: no newline at its end".to_string()));
        let garbage = format!("{}\nnot json\n{}\n", lines[0], lines[1]);
        let p = problems(garbage.as_bytes());
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].1.starts_with("not a seal record"), "{p:?}");
        let blank = format!("{}\n\n{}\n", lines[0], lines[1]);
        assert_eq!(
            problems(blank.as_bytes())[0],
            (2, "an empty line".to_string())
        );
        let extra = text.replacen("\"dev\"", "\"extra\":1,\"dev\"", 1);
        assert!(problems(extra.as_bytes())[0].1.contains("unknown field"));
    }

    #[test]
    fn append_chains_and_refuses_a_broken_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("seals.jsonl");
        let at = || "2026-10-01T00:00:00.000Z".to_string();
        let a = append(&path, vec![file("/logs/x", b"a\n")], at(), 4).unwrap();
        let b = append(&path, vec![file("/logs/x", b"a\nb\n")], at(), 4).unwrap();
        assert_eq!(b.prev, Some(a.hash));
        let chain = load(&path).unwrap();
        assert!(chain.is_intact());
        assert_eq!(chain.last(), Some(&b));
        // A broken manifest is left as it is.
        let text = std::fs::read_to_string(&path).unwrap();
        let broken = text.replacen("\"len\":2", "\"len\":3", 1);
        std::fs::write(&path, &broken).unwrap();
        let err = append(&path, vec![file("/logs/x", b"a\n")], at(), 4).unwrap_err();
        assert!(matches!(err, SealError::BrokenChain { .. }), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
        // Nothing left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }
}
