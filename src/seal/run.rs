//! The two commands' work, from the paths to a record or a report: listing the files, reading
//! each once, and (for verify) gathering what the verdicts need. Needs read access only to
//! the logs (and, for seal, write access to the manifest's folder); never the index.

use super::SealError;
use super::content::scan_file;
use super::hash::{BLOCK, Digest};
use super::manifest::{self, Problem, Record, Sealed};
use super::scope;
use super::verify::{Current, FileVerdict, Unreadable, Wants, exit_code, judge};
use crate::source::discover::{self, Skipped, describe_io};
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

/// What `seal` did.
#[derive(Debug)]
pub struct Sealing {
    pub manifest: PathBuf,
    pub record: Record,
    /// Bytes of content sealed.
    pub bytes: u64,
    /// Said on the way (files passed over, damaged compressed data).
    pub notes: Vec<String>,
    /// Files that should have been sealed but could not be read.
    pub unsealed: usize,
}

/// Seals the files under `inputs` into the manifest at `manifest`.
pub fn seal(inputs: &[PathBuf], manifest: &Path) -> Result<Sealing, SealError> {
    let (files, skipped) = discover::list(inputs);
    let manifest = scope::guard(manifest, inputs, &files)?;
    let mut notes = Vec::new();
    let mut unsealed = 0;
    for s in &skipped {
        notes.push(format!("{}: {}; not sealed", s.path.display(), s.reason));
        // A path named that is not there (a typo in a cron line) fails the seal too.
        unsealed += usize::from(unreadable(s) || inputs.contains(&s.path));
    }
    let mut sealed = Vec::new();
    for path in &files {
        match scan_file(path, BLOCK, &BTreeSet::new()) {
            Ok(f) => {
                if let Some(note) = &f.note {
                    notes.push(format!("{}: {note}", path.display()));
                }
                sealed.push(Sealed {
                    path: f.path,
                    dev: f.dev,
                    ino: f.ino,
                    size: f.size,
                    compression: f.compression,
                    len: f.scan.len,
                    sha256: f.scan.sha256,
                    blocks: f.scan.blocks,
                });
            }
            Err(e) => {
                notes.push(format!(
                    "{}: {}; not sealed",
                    path.display(),
                    describe_io(&e)
                ));
                unsealed += 1;
            }
        }
    }
    if sealed.is_empty() {
        return Err(SealError::NothingToSeal { notes });
    }
    let bytes = sealed.iter().map(|s| s.len).sum();
    let at = crate::time::format_utc(crate::time::to_micros(chrono::Utc::now()));
    let record = manifest::append(&manifest, sealed, at, BLOCK)?;
    Ok(Sealing {
        manifest,
        record,
        bytes,
        notes,
        unsealed,
    })
}

/// Whether a file passed over while listing was one to seal (and could not be read), rather
/// than something that is not a log file (a FIFO, a broken link).
fn unreadable(s: &Skipped) -> bool {
    s.reason == "permission denied"
}

/// What `verify` found.
#[derive(Debug)]
pub struct Report {
    pub manifest: PathBuf,
    /// Records in the manifest that could be read.
    pub seals: usize,
    /// The record verified against (the last that could be read) and its line.
    pub record: Record,
    pub line: usize,
    pub problems: Vec<Problem>,
    /// The root hash asked for with `--root`, and whether a record has it.
    pub root_asked: Option<(Digest, bool)>,
    pub files: Vec<FileVerdict>,
    pub notes: Vec<String>,
    pub exit: u8,
}

impl Report {
    pub fn chain_intact(&self) -> bool {
        self.problems.is_empty() && self.root_asked.is_none_or(|(_, found)| found)
    }
}

/// Verifies the files under `inputs` against the last seal in `manifest` (and, with `root`,
/// that the manifest still holds the record of that hash).
pub fn verify(
    inputs: &[PathBuf],
    manifest: &Path,
    root: Option<Digest>,
) -> Result<Report, SealError> {
    let (files, skipped) = discover::list(inputs);
    let manifest = scope::guard(manifest, inputs, &files)?;
    let chain = manifest::load(&manifest)?;
    let Some((line, record)) = chain.records.last().cloned() else {
        return Err(SealError::NoSeal {
            path: manifest,
            problem: chain
                .problems
                .first()
                .map(|p| format!("line {}: {}", p.line, p.what))
                .unwrap_or_else(|| "it is empty".into()),
        });
    };
    let roots = scope::roots(inputs);
    let sealed: Vec<Sealed> = record
        .files
        .iter()
        .filter(|s| scope::covers(inputs, &roots, &s.path))
        .cloned()
        .collect();
    let wants = Wants::new(&sealed);
    let mut notes = Vec::new();
    let mut unread = Vec::new();
    for s in skipped {
        if unreadable(&s) {
            unread.push(Unreadable {
                path: s.path,
                reason: s.reason,
            });
        } else {
            notes.push(format!("{}: {}; not verified", s.path.display(), s.reason));
        }
    }
    let mut current = Vec::new();
    for path in &files {
        let want = match std::fs::metadata(path) {
            Ok(m) => {
                use std::os::unix::fs::MetadataExt;
                wants.of(path, m.dev(), m.ino())
            }
            Err(_) => BTreeSet::new(),
        };
        match scan_file(path, record.block, &want) {
            Ok(f) => {
                if let Some(note) = &f.note {
                    notes.push(format!("{}: {note}", path.display()));
                }
                current.push(Current {
                    path: f.path,
                    dev: f.dev,
                    ino: f.ino,
                    scan: f.scan,
                });
            }
            // Gone between the listing and the reading: as if not listed.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => unread.push(Unreadable {
                path: path.clone(),
                reason: describe_io(&e),
            }),
        }
    }
    // A sealed file not listed may be hidden rather than gone (a folder no longer readable).
    let listed: HashSet<&Path> = files.iter().map(PathBuf::as_path).collect();
    for s in &sealed {
        if listed.contains(s.path.as_path()) || unread.iter().any(|u| u.path == s.path) {
            continue;
        }
        match std::fs::metadata(&s.path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => unread.push(Unreadable {
                path: s.path.clone(),
                reason: describe_io(&e),
            }),
            Ok(m) if !m.is_file() => unread.push(Unreadable {
                path: s.path.clone(),
                reason: "no longer a regular file".into(),
            }),
            Ok(_) => {}
        }
    }
    let verdicts = judge(&sealed, record.block, &current, &unread);
    let root_asked = root.map(|r| (r, chain.holds(&r)));
    let mut report = Report {
        manifest,
        seals: chain.records.len(),
        record,
        line,
        problems: chain.problems,
        root_asked,
        files: verdicts,
        notes,
        exit: 0,
    };
    report.exit = exit_code(&report.files, report.chain_intact());
    Ok(report)
}
