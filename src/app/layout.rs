//! Where things go on screen, and how an event is cut into screen lines. Shared by the update
//! (scrolling, clicks) and the drawing, so both agree.

use super::data::LogEvent;
use super::state::AppState;
use crate::output::escape_controls;
use unicode_width::UnicodeWidthChar;

/// Rows of the timeline when shown.
pub const TIMELINE_ROWS: u16 = 5;
/// Gutter (mark), time, source tag, level, and the blanks between them.
pub const GUTTER: usize = 1;
pub const TIME_COLS: usize = 14;
pub const LEVEL_COLS: usize = 5;

/// Columns before the message, with a source column `source_cols` wide (`AppState::source_cols`,
/// see [`super::source_tag`]).
pub fn prefix_cols(source_cols: usize) -> usize {
    GUTTER + TIME_COLS + 1 + source_cols + 1 + LEVEL_COLS + 1
}

/// A band of screen rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Band {
    pub y: u16,
    pub rows: u16,
}

impl Band {
    pub fn contains(&self, y: u16) -> bool {
        y >= self.y && y < self.y + self.rows
    }
}

/// The screen, top to bottom: timeline, log view, status line, prompt line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub width: u16,
    pub timeline: Band,
    pub log: Band,
    pub status: Band,
    pub prompt: Band,
}

pub fn layout(s: &AppState) -> Layout {
    let h = s.height;
    let tl = if s.timeline.visible && h >= 12 {
        TIMELINE_ROWS
    } else {
        0
    };
    let log_rows = h.saturating_sub(tl + 2);
    Layout {
        width: s.width,
        timeline: Band { y: 0, rows: tl },
        log: Band {
            y: tl,
            rows: log_rows,
        },
        status: Band {
            y: tl + log_rows,
            rows: h.min(1),
        },
        prompt: Band {
            y: (tl + log_rows + 1).min(h.saturating_sub(1)),
            rows: h.saturating_sub(1).min(1),
        },
    }
}

/// Columns left for the message.
pub fn message_cols(width: u16, source_cols: usize) -> usize {
    (width as usize)
        .saturating_sub(prefix_cols(source_cols))
        .max(8)
}

/// The most bytes of one line of an event shown in the log view: a line of a megabyte costs
/// the same to lay out and draw as one of a few kilobytes (the detail popup shows more).
pub const MAX_ROW_BYTES: usize = 4096;
/// The most bytes of one line shown in the detail popup.
pub const MAX_DETAIL_BYTES: usize = 64 * 1024;

/// `line` cut to at most `max` bytes (at a char boundary), with a marker saying how many were
/// left out.
pub fn cut_line(line: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if line.len() <= max {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut end = max;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    std::borrow::Cow::Owned(format!(
        "{} … [{} more bytes]",
        &line[..end],
        line.len() - end
    ))
}

/// The event's text as shown, one string per line, escaped: `program: message` and then the
/// event's continuation lines, each cut to [`MAX_ROW_BYTES`].
pub fn event_lines(e: &LogEvent) -> Vec<String> {
    let first = match (&e.program, e.message.is_empty()) {
        (Some(p), false) => format!("{p}: {}", e.message),
        (Some(p), true) => p.clone(),
        (None, _) => e.message.clone(),
    };
    let first = if first.is_empty() {
        e.text.lines().next().unwrap_or("").to_string()
    } else {
        with_salient_fields(first, e)
    };
    std::iter::once(first.as_str())
        .chain(e.text.lines().skip(1))
        .map(|l| clean(&cut_line(l, MAX_ROW_BYTES)))
        .collect()
}

/// Fields a sysadmin reads a row by, when the message leaves them out: who (the client of an
/// access or error log line, in front) and what went wrong (a JSON line's `err`, after).
fn with_salient_fields(mut first: String, e: &LogEvent) -> String {
    let value = |k: &str| match e.fields.get(k) {
        Some(serde_json::Value::String(v)) if !v.is_empty() => Some(v.clone()),
        Some(serde_json::Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    if let Some(client) = value("client").or_else(|| value("remote_addr"))
        && !first.contains(&client)
    {
        first = format!("{client} {first}");
    }
    for key in ["err", "error", "exception"] {
        if let Some(v) = value(key)
            && !first.contains(&v)
        {
            first.push_str(&format!(" {key}={v}"));
        }
    }
    first
}

/// Escapes controls and turns tabs into blanks.
pub fn clean(s: &str) -> String {
    escape_controls(s, false).replace('\t', " ")
}

/// Display width of a char (controls are already escaped).
pub fn char_cols(c: char) -> usize {
    c.width().unwrap_or(0)
}

pub fn str_cols(s: &str) -> usize {
    s.chars().map(char_cols).sum()
}

/// Cuts `s` into pieces of at most `cols` columns, between words where it can (a wide char
/// never straddles two).
pub fn wrap_line(s: &str, cols: usize) -> Vec<String> {
    // At spaces, as `less` and a terminal's reader expect; a word longer than the row is cut.
    let opts = textwrap::Options::new(cols.max(2))
        .break_words(true)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit);
    let out: Vec<String> = textwrap::wrap(s, opts)
        .into_iter()
        .map(|piece| piece.into_owned())
        .collect();
    if out.is_empty() {
        vec![String::new()]
    } else {
        out
    }
}

/// `s` without its first `cols` columns (a wide char cut in half becomes a blank).
pub fn skip_cols(s: &str, cols: usize) -> String {
    let mut skipped = 0;
    let mut out = String::new();
    for c in s.chars() {
        if skipped >= cols {
            out.push(c);
            continue;
        }
        skipped += char_cols(c);
        if skipped > cols {
            out.push(' ');
        }
    }
    out
}

/// Screen rows the event takes in `s`'s log view.
pub fn event_rows(s: &AppState, e: &LogEvent) -> usize {
    let lines = event_lines(e);
    if !s.wrap {
        return lines.len().max(1);
    }
    let cols = message_cols(s.width, s.source_cols);
    lines
        .iter()
        .map(|l| wrap_line(l, cols).len().max(1))
        .sum::<usize>()
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_chars_wrap_and_skip_by_columns() {
        assert_eq!(wrap_line("日本語ab", 4), vec!["日本", "語ab"]);
        assert_eq!(wrap_line("日本語", 5), vec!["日本", "語"]);
    }

    #[test]
    fn a_row_keeps_the_client_of_an_access_line_and_the_error_of_a_json_line() {
        let mut access = LogEvent {
            message: "GET /wp-login.php HTTP/1.1 404".into(),
            ..LogEvent::default()
        };
        access.fields.insert("client".into(), "203.0.113.9".into());
        assert_eq!(
            event_lines(&access)[0],
            "203.0.113.9 GET /wp-login.php HTTP/1.1 404"
        );
        let mut json = LogEvent {
            program: Some("api".into()),
            message: "request failed".into(),
            ..LogEvent::default()
        };
        json.fields
            .insert("err".into(), "connection refused".into());
        assert_eq!(
            event_lines(&json)[0],
            "api: request failed err=connection refused"
        );
        // Already in the message: not twice.
        json.message = "request failed: connection refused".into();
        assert_eq!(
            event_lines(&json)[0],
            "api: request failed: connection refused"
        );
    }

    #[test]
    fn lines_wrap_between_words_and_cut_only_words_longer_than_the_row() {
        assert_eq!(
            wrap_line("Failed password for invalid user admin", 16),
            vec!["Failed password", "for invalid user", "admin"]
        );
        assert_eq!(
            wrap_line("token=0123456789abcdef0123 ok", 10),
            vec!["token=0123", "456789abcd", "ef0123 ok"]
        );
        assert_eq!(wrap_line("", 10), vec![String::new()]);
        assert_eq!(skip_cols("日本語", 1), " 本語");
        assert_eq!(skip_cols("ab日", 2), "日");
        assert_eq!(str_cols("日本a"), 5);
    }

    /// A line of megabytes is laid out from its first kilobytes: rows and text are bounded.
    #[test]
    fn huge_lines_are_cut_for_the_screen() {
        let e = LogEvent {
            message: "x".repeat(1 << 20),
            text: format!("{}\n{}\nshort", "x".repeat(1 << 20), "\0".repeat(1 << 20)),
            ..LogEvent::default()
        };
        let lines = event_lines(&e);
        assert_eq!(lines.len(), 3);
        assert!(lines[0].ends_with(&format!(" … [{} more bytes]", (1 << 20) - MAX_ROW_BYTES)));
        assert!(
            lines.iter().all(|l| l.len() < 3 * MAX_ROW_BYTES),
            "escaped, still bounded"
        );
        assert_eq!(lines[2], "short");
        let mut s = AppState::new(80, 24);
        s.wrap = true;
        assert!(event_rows(&s, &e) < 3 * MAX_ROW_BYTES / 40);
        assert_eq!(cut_line("aé", 2), "a … [2 more bytes]");
    }

    #[test]
    fn event_lines_escape_controls() {
        let e = LogEvent {
            message: "a\x1b[31mred".into(),
            text: "x a\x1b[31mred\n  at line2\tz".into(),
            ..LogEvent::default()
        };
        assert_eq!(event_lines(&e), vec!["a\\x1b[31mred", "  at line2 z"]);
        assert_eq!(event_rows(&AppState::new(80, 24), &e), 2);
    }
}
