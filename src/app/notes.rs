//! The notes the worker sent (the index's and the files': a binary file skipped, no
//! timestamps recognised, watching fell back to polling), each once, in arrival order, the
//! last [`MAX_NOTES`] of them: the state's data, with no import of the rest of `app/` (the
//! pane is `note_pane`).

use std::collections::{HashSet, VecDeque};

/// The most notes kept: the oldest go first.
pub const MAX_NOTES: usize = 500;

/// Escapes controls and turns tabs into blanks, as `layout::clean` does for all text shown.
fn clean(s: &str) -> String {
    crate::output::escape_controls(s, false).replace('\t', " ")
}

/// The notes received so far, escaped for the screen, and the key that opens the pane (from
/// the keymap; the status line names it).
#[derive(Debug, Clone)]
pub struct Notes {
    lines: VecDeque<String>,
    seen: HashSet<String>,
    /// Notes dropped to stay within [`MAX_NOTES`].
    pub dropped: usize,
    pub key: String,
}

impl Default for Notes {
    fn default() -> Notes {
        Notes {
            lines: VecDeque::new(),
            seen: HashSet::new(),
            dropped: 0,
            key: "i".into(),
        }
    }
}

impl Notes {
    /// Keeps `note` (escaped) unless it is already kept; true when it is new.
    pub fn add(&mut self, note: &str) -> bool {
        let note = clean(note.trim_end());
        if note.is_empty() || !self.seen.insert(note.clone()) {
            return false;
        }
        self.lines.push_back(note);
        while self.lines.len() > MAX_NOTES {
            if let Some(old) = self.lines.pop_front() {
                self.seen.remove(&old);
                self.dropped += 1;
            }
        }
        true
    }

    /// Keeps each of `notes`; returns the new ones (escaped).
    pub fn extend(&mut self, notes: &[String]) -> Vec<String> {
        notes
            .iter()
            .filter(|n| self.add(n))
            .map(|n| clean(n.trim_end()))
            .collect()
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// In arrival order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.lines.iter().map(String::as_str)
    }

    /// `(and 3 more notes: i lists them)`.
    pub fn more(&self, n: usize) -> String {
        let what = if n == 1 { "note" } else { "notes" };
        match self.key.as_str() {
            "" => format!("(and {n} more {what})"),
            k => format!("(and {n} more {what}: {k} lists them)"),
        }
    }
}
