//! The prompt line edits like a shell's (readline's emacs keys): a cursor, `ctrl-a`/`ctrl-e`,
//! `ctrl-u`/`ctrl-k`/`ctrl-w`, word moves, and a history per prompt (`/`, `&`, `!`, `:`, a
//! source's format and zone) that Up/Down walk, keeping to the lines that start with what is
//! typed (as vim's `:` does). The history is kept in the session. A prefilled value (a source's
//! format or zone) is replaced by typing, as a selected text would be.

use super::state::{AppState, Prompt, PromptKind};

/// Lines kept per prompt.
pub const HISTORY: usize = 100;

/// One editing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Delete the character under the cursor.
    Delete,
    Left,
    Right,
    Home,
    End,
    WordLeft,
    WordRight,
    /// Delete from the start of the line to the cursor (`ctrl-u`).
    KillStart,
    /// Delete from the cursor to the end (`ctrl-k`).
    KillEnd,
    /// Delete the word before the cursor (`ctrl-w`).
    KillWord,
    /// The previous / next line of this prompt's history.
    Older,
    Newer,
}

impl Prompt {
    /// An empty prompt of `kind`.
    pub fn new(kind: PromptKind) -> Prompt {
        Prompt {
            kind,
            text: String::new(),
            cursor: 0,
            fresh: false,
            error: None,
            target: None,
            browsing: None,
        }
    }

    /// A prompt holding `text`, the cursor at its end; typing replaces it.
    pub fn prefilled(kind: PromptKind, text: &str) -> Prompt {
        Prompt {
            cursor: text.chars().count(),
            fresh: !text.is_empty(),
            text: text.to_string(),
            ..Prompt::new(kind)
        }
    }

    /// The byte offset of character `i`.
    fn at(&self, i: usize) -> usize {
        self.text
            .char_indices()
            .nth(i)
            .map_or(self.text.len(), |(b, _)| b)
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// The text before the cursor (for drawing the cursor).
    pub fn before_cursor(&self) -> &str {
        &self.text[..self.at(self.cursor)]
    }

    fn set(&mut self, text: String) {
        self.cursor = text.chars().count();
        self.text = text;
    }

    /// Types `c` at the cursor.
    pub fn insert(&mut self, c: char) {
        if self.fresh {
            self.text.clear();
            self.cursor = 0;
        }
        self.fresh = false;
        self.browsing = None;
        let at = self.at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
        self.error = None;
    }

    /// Deletes the character before the cursor (all of a prefilled value).
    pub fn backspace(&mut self) {
        if self.fresh {
            self.set(String::new());
        } else if self.cursor > 0 {
            let (a, b) = (self.at(self.cursor - 1), self.at(self.cursor));
            self.text.replace_range(a..b, "");
            self.cursor -= 1;
        }
        self.fresh = false;
        self.browsing = None;
        self.error = None;
    }

    /// Where the word before the cursor starts (blanks, then non-blanks, as `ctrl-w`).
    fn word_start(&self) -> usize {
        let chars: Vec<char> = self.text.chars().collect();
        let mut i = self.cursor;
        while i > 0 && chars[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !chars[i - 1].is_whitespace() {
            i -= 1;
        }
        i
    }

    /// Where the word after the cursor ends.
    fn word_end(&self) -> usize {
        let chars: Vec<char> = self.text.chars().collect();
        let mut i = self.cursor;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        i
    }

    /// Applies an editing key; `history` is this prompt's, oldest first.
    pub fn edit(&mut self, e: Edit, history: &[String]) {
        if !matches!(e, Edit::Older | Edit::Newer) {
            self.browsing = None;
        }
        self.fresh = false;
        match e {
            Edit::Delete => {
                if self.cursor < self.len() {
                    let (a, b) = (self.at(self.cursor), self.at(self.cursor + 1));
                    self.text.replace_range(a..b, "");
                }
            }
            Edit::Left => self.cursor = self.cursor.saturating_sub(1),
            Edit::Right => self.cursor = (self.cursor + 1).min(self.len()),
            Edit::Home => self.cursor = 0,
            Edit::End => self.cursor = self.len(),
            Edit::WordLeft => self.cursor = self.word_start(),
            Edit::WordRight => self.cursor = self.word_end(),
            Edit::KillStart => {
                let at = self.at(self.cursor);
                self.text.replace_range(..at, "");
                self.cursor = 0;
            }
            Edit::KillEnd => {
                let at = self.at(self.cursor);
                self.text.truncate(at);
            }
            Edit::KillWord => {
                let start = self.word_start();
                let (a, b) = (self.at(start), self.at(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor = start;
            }
            Edit::Older | Edit::Newer => self.walk(e == Edit::Older, history),
        }
        self.error = None;
    }

    /// Up / Down: the next older (newer) line that starts with what was typed before the walk
    /// began; past the newest, what was typed comes back.
    fn walk(&mut self, older: bool, history: &[String]) {
        let (pos, draft) = match self.browsing.take() {
            Some(b) => b,
            None => (history.len(), self.text.clone()),
        };
        let matches = |i: &usize| history[*i].starts_with(&draft) && history[*i] != self.text;
        let next = if older {
            (0..pos).rev().find(matches)
        } else {
            (pos + 1..history.len()).find(matches)
        };
        match next {
            Some(i) => {
                self.set(history[i].clone());
                self.browsing = Some((i, draft));
            }
            None if older => self.browsing = Some((pos, draft)),
            None => self.set(draft),
        }
    }
}

/// Adds a submitted line to its prompt's history (once: an earlier copy moves to the end).
pub fn remember(s: &mut AppState, kind: PromptKind, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    let h = s.history.entry(kind.name().to_string()).or_default();
    h.retain(|t| t != text);
    h.push(text.to_string());
    if h.len() > HISTORY {
        h.remove(0);
    }
}

/// The history of the open prompt's kind.
pub fn history_of(s: &AppState, kind: PromptKind) -> &[String] {
    s.history.get(kind.name()).map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> Prompt {
        let mut p = Prompt::new(PromptKind::Command);
        text.chars().for_each(|c| p.insert(c));
        p
    }

    #[test]
    fn shell_keys_edit_at_the_cursor() {
        let mut p = typed("goto 13:00");
        p.edit(Edit::Home, &[]);
        p.insert('x');
        assert_eq!((p.text.as_str(), p.cursor), ("xgoto 13:00", 1));
        p.edit(Edit::Delete, &[]);
        assert_eq!(p.text, "xoto 13:00");
        p.edit(Edit::End, &[]);
        p.edit(Edit::KillWord, &[]);
        assert_eq!(p.text, "xoto ");
        p.edit(Edit::KillWord, &[]);
        assert_eq!(p.text, "");
        let mut p = typed("since 1d");
        p.edit(Edit::WordLeft, &[]);
        assert_eq!(p.cursor, 6);
        p.edit(Edit::KillEnd, &[]);
        assert_eq!(p.text, "since ");
        p.edit(Edit::Left, &[]);
        p.edit(Edit::KillStart, &[]);
        assert_eq!((p.text.as_str(), p.cursor), (" ", 0));
        let mut p = typed("日本");
        p.edit(Edit::Left, &[]);
        p.backspace();
        assert_eq!((p.text.as_str(), p.before_cursor()), ("本", ""));
    }

    #[test]
    fn a_prefilled_value_is_replaced_by_typing_and_kept_by_moving() {
        let mut p = Prompt::prefilled(PromptKind::Zone, "local");
        "Europe/Berlin".chars().for_each(|c| p.insert(c));
        assert_eq!(p.text, "Europe/Berlin");
        let mut p = Prompt::prefilled(PromptKind::Zone, "local");
        p.edit(Edit::End, &[]);
        p.insert('!');
        assert_eq!(p.text, "local!");
        let mut p = Prompt::prefilled(PromptKind::Zone, "local");
        p.backspace();
        assert_eq!(p.text, "");
    }

    #[test]
    fn up_and_down_walk_the_lines_that_start_with_what_is_typed() {
        let h: Vec<String> = ["goto 13:00", "bucket 5m", "goto -2h", "since 1d"]
            .map(String::from)
            .to_vec();
        let mut p = typed("go");
        p.edit(Edit::Older, &h);
        assert_eq!(p.text, "goto -2h");
        p.edit(Edit::Older, &h);
        assert_eq!(p.text, "goto 13:00");
        p.edit(Edit::Older, &h);
        assert_eq!(p.text, "goto 13:00", "the oldest stays");
        p.edit(Edit::Newer, &h);
        assert_eq!(p.text, "goto -2h");
        p.edit(Edit::Newer, &h);
        assert_eq!(p.text, "go", "past the newest: what was typed");
        let mut p = typed("");
        p.edit(Edit::Older, &h);
        assert_eq!(p.text, "since 1d");
    }
}
