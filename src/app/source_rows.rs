//! The sources pane's rows: every file under the roots with its state. The indexed files
//! first (`Span::files`, the rows the selection moves over), then those the index left out
//! (`Span::unread`: binary, unreadable, empty). Read-only, used by the pane and its drawing.

use super::data::{SourceInfo, Unread};
use super::state::AppState;

/// What became of a file under the roots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    Indexed,
    /// Being read by the indexer now.
    Reading,
    /// No timestamps recognised: its events are dated by its modification time (and hidden
    /// when first met).
    Undated,
    /// Nothing in it (indexed, or left out as an empty login record file).
    Empty,
    /// Not text: left out.
    Binary,
    /// Could not be opened or read (permission denied, an I/O error).
    Unreadable,
    /// Left out for another reason (a FIFO, a symlink not followed...).
    Skipped,
}

impl FileState {
    pub fn name(self) -> &'static str {
        match self {
            FileState::Indexed => "indexed",
            FileState::Reading => "reading",
            FileState::Undated => "undated",
            FileState::Empty => "empty",
            FileState::Binary => "binary",
            FileState::Unreadable => "unreadable",
            FileState::Skipped => "skipped",
        }
    }

    /// The state of an indexed file.
    pub fn of(s: &AppState, f: &SourceInfo) -> FileState {
        match &s.progress {
            Some(p) if p.file == f.path => FileState::Reading,
            _ if f.untimed() => FileState::Undated,
            _ if f.events == 0 => FileState::Empty,
            _ => FileState::Indexed,
        }
    }

    /// The state of a file left out, from the reason the indexer gave.
    pub fn of_unread(u: &Unread) -> FileState {
        let r = u.reason.as_str();
        if r.starts_with("binary") {
            FileState::Binary
        } else if r.starts_with("empty") {
            FileState::Empty
        } else if r.contains("permission denied") || r.contains("os error") {
            FileState::Unreadable
        } else {
            FileState::Skipped
        }
    }
}

/// One row of the pane: an indexed file, or one left out and why.
#[derive(Debug, Clone, Copy)]
pub enum Row<'a> {
    File(&'a SourceInfo),
    Unread(&'a Unread),
}

impl Row<'_> {
    pub fn path(&self) -> &str {
        match self {
            Row::File(f) => &f.path,
            Row::Unread(u) => &u.path,
        }
    }

    pub fn state(&self, s: &AppState) -> FileState {
        match self {
            Row::File(f) => FileState::of(s, f),
            Row::Unread(u) => FileState::of_unread(u),
        }
    }
}

/// Every row, the indexed files first.
pub fn rows(s: &AppState) -> Vec<Row<'_>> {
    let Some(span) = &s.span else {
        return Vec::new();
    };
    span.files
        .iter()
        .map(Row::File)
        .chain(span.unread.iter().map(Row::Unread))
        .collect()
}
