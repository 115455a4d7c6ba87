//! `timberline seal` and `timberline verify`: proof that the logs kept are the logs written
//! (ISO 27001 A.12.4.1, PCI DSS 10.5), with the hashes kept apart from the logs.
//!
//! A seal records, per file, its identity, size and the SHA-256 of its (decompressed)
//! content with a hash per block, as one record of a hash-chained manifest. `verify` reads the
//! chain, then judges every file against the last seal, following rotation: content is
//! matched by hash across a rotation family, so `x.1` sealed yesterday is `x.2.gz` today.
//! Neither needs the index, only read access to the logs.
//!
//! - `hash`: one pass over a content (whole, per block, prefixes).
//! - `content`: a file's identity and content, decompressed by its magic bytes.
//! - `manifest`: the records, their chain, and the atomic append.
//! - `scope`: what the paths cover, and keeping the manifest out of it.
//! - `verify`: the verdicts, with no I/O.
//! - `run`: the two commands' work; `report`: verify's text and JSON.

pub mod content;
pub mod hash;
pub mod manifest;
pub mod report;
pub mod run;
pub mod scope;
pub mod verify;
#[cfg(test)]
mod verify_tests;

pub use run::{Report, Sealing, seal, verify};

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error(
        "the manifest {} is inside {}, which is sealed: keep it apart from the logs (another \
         folder, ideally another administrator's)",
        manifest.display(),
        root.display()
    )]
    ManifestInside { manifest: PathBuf, root: PathBuf },
    #[error("{}: {what}", path.display())]
    Io { path: PathBuf, what: String },
    #[error(
        "the manifest {}: its chain is broken ({problem}); nothing was sealed on top of it \
         (`timberline verify` says what is wrong)",
        path.display()
    )]
    BrokenChain { path: PathBuf, problem: String },
    #[error("{}: no seal record to verify against ({problem})", path.display())]
    NoSeal { path: PathBuf, problem: String },
    #[error("nothing to seal: no file could be read{}", list(notes))]
    NothingToSeal { notes: Vec<String> },
    #[error("--root {0}: not a SHA-256 (64 hex digits)")]
    BadRoot(String),
}

fn list(notes: &[String]) -> String {
    if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join("; "))
    }
}

impl SealError {
    /// 2 for what the arguments got wrong, 1 for the rest.
    pub fn exit_code(&self) -> u8 {
        match self {
            SealError::ManifestInside { .. } | SealError::BadRoot(_) => 2,
            _ => 1,
        }
    }
}
