//! Per-file progress, stored in tantivy's commit payload so that it is committed atomically
//! with the documents it describes: after a crash the index and its checkpoints agree.

use crate::format::LineContext;
use crate::source::Compression;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Bumped when the layout of the index or the checkpoint changes, or when parsing gives lines
/// already indexed other levels or key-values (the level column and `key=value` terms are
/// kept, not parsed again); an index with another version is rebuilt. 3: levels from the HTTP
/// status, the syslog PRI and severity file names, and `facility` fields. 4: each `docker
/// compose` service read by its own format (its times, levels and key-values).
pub const VERSION: u32 = 4;

/// Everything known about one file identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileState {
    /// Stable identity, stored in every document of the file.
    pub id: u64,
    /// Where the file is now (it moves on rotation).
    #[serde(with = "super::path_bytes")]
    pub path: PathBuf,
    pub dev: u64,
    pub ino: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<Compression>,
    /// Size on disk and mtime when last read: unchanged means nothing to do.
    pub size: u64,
    pub mtime_ns: i64,
    /// Resume point in the decompressed content: the start of the last event indexed (which is
    /// re-indexed when the file grows, since continuation lines may follow), or the start of the
    /// first event not yet indexed.
    pub offset: u64,
    /// Lines before `offset`.
    pub line: u64,
    /// Length and hash of the leading content bytes that identify the file after a rename.
    pub head_len: u32,
    pub head_hash: u64,
    /// Hash of the bytes just before `offset` (up to [`TAIL_CHECK_LEN`]), for plain files:
    /// a file that grew but no longer holds them there was rewritten (truncated and written
    /// again), not appended to. Absent in older checkpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tail_check: Option<TailCheck>,
    /// Detected or configured format name.
    pub format: String,
    /// What the config said for this file's path when its format and zone were decided
    /// (absent in checkpoints written before it was recorded): a change re-reads the file.
    #[serde(default)]
    pub configured: Option<super::settings::Configured>,
    /// Parser state at `offset` (zone, year inference).
    pub ctx: LineContext,
    /// Time of the last event before `offset`, used to date lines without a timestamp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_ts: Option<i64>,
    /// True when the event starting at `offset` is in the index (the last one of the file).
    pub tail_indexed: bool,
    /// Events indexed, first and last event time (for the sources list).
    pub events: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_ts: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ts: Option<i64>,
    /// Lines read with invalid UTF-8 or cut (absent in older checkpoints: none counted).
    #[serde(default)]
    pub garbled: Garbled,
}

/// Garbled lines of a file, counted once each (a re-read of the last event does not count
/// its lines again: only lines after `through` are counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Garbled {
    /// Lines with invalid UTF-8 (indexed with U+FFFD).
    pub invalid_utf8: u64,
    /// Lines over the longest event text, indexed cut.
    pub cut: u64,
    /// The last line number looked at.
    pub through: u64,
}

impl Garbled {
    /// Line `line` had invalid UTF-8 (`bad`) or was cut.
    pub fn see(&mut self, line: u64, bad: bool, cut: bool) {
        if line > self.through {
            self.invalid_utf8 += u64::from(bad);
            self.cut += u64::from(cut);
            self.through = line;
        }
    }
}

/// How many bytes before the resume offset [`FileState::tail_check`] covers.
pub const TAIL_CHECK_LEN: u64 = 256;

/// A hash of the `len` bytes ending at the resume offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TailCheck {
    pub len: u32,
    pub hash: u64,
}

/// The whole payload.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Checkpoint {
    pub version: u32,
    /// The canonical paths this index covers.
    #[serde(with = "super::path_bytes::vec")]
    pub roots: Vec<PathBuf>,
    pub next_id: u64,
    pub files: Vec<FileState>,
    /// The hash naming the pattern miner's state committed with these documents (the side
    /// file `patterns-<hash>.json`, see `pattern_state`); `None` before any pattern.
    #[serde(default)]
    pub patterns: Option<String>,
    /// A rotation was under way when this was committed (see `Summary::rotating`): lines
    /// written before the newest ones may still be in a file not readable yet. A follower
    /// shows nothing new from such a commit; the writer commits again once it has settled.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rotating: bool,
}

impl Checkpoint {
    pub fn new(roots: Vec<PathBuf>) -> Checkpoint {
        Checkpoint {
            version: VERSION,
            roots,
            next_id: 1,
            files: Vec::new(),
            patterns: None,
            rotating: false,
        }
    }

    pub fn file(&self, id: u64) -> Option<&FileState> {
        self.files.iter().find(|f| f.id == id)
    }
}
