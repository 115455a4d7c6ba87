//! Event records and their text, jsonl and csv renderings.

use super::escape::{escape_controls, escape_json};
use crate::time::format_utc;
use serde::Serialize;
use std::io::{self, Write};

/// One event as printed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EventRecord {
    pub ts: String,
    pub source: String,
    pub line: u64,
    pub level: Option<&'static str>,
    pub host: Option<String>,
    pub program: Option<String>,
    /// The pattern id (16 hex digits), absent for events read without the index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    pub message: String,
    pub text: String,
    pub fields: serde_json::Map<String, serde_json::Value>,
    #[serde(skip)]
    pub ts_us: i64,
    /// The source as shown to people (relative to the root).
    #[serde(skip)]
    pub short_source: String,
    /// Where the timestamp is in `text` (see [`crate::event::Parsed::time_span`]).
    #[serde(skip)]
    pub time_span: Option<(usize, usize)>,
}

impl EventRecord {
    pub fn new(
        ts_us: i64,
        source: String,
        short_source: String,
        line: u64,
        text: String,
    ) -> EventRecord {
        EventRecord {
            ts: format_utc(ts_us),
            source,
            line,
            level: None,
            host: None,
            program: None,
            pattern: None,
            message: String::new(),
            text,
            fields: serde_json::Map::new(),
            ts_us,
            short_source,
            time_span: None,
        }
    }
}

/// The most bytes of one event's text read back to be shown or searched by a regex (as much
/// as the index keeps of it): a 50 MB line shows its first MiB and a marker.
pub const MAX_SHOWN: u64 = 1 << 20;

/// `text`, read from at most [`MAX_SHOWN`] of the event's `len` bytes, with a marker at its
/// end when that was not all of it.
pub fn shown_text(mut text: String, len: u64) -> String {
    if len > MAX_SHOWN {
        text.push_str(&format!(" … [{} more bytes not shown]", len - MAX_SHOWN));
    }
    text
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EventFormat {
    Text,
    Jsonl,
    Csv,
}

/// Writes events one by one in a format.
pub struct EventWriter<W: Write> {
    out: W,
    format: EventFormat,
    header_done: bool,
}

impl<W: Write> EventWriter<W> {
    pub fn new(out: W, format: EventFormat) -> Self {
        EventWriter {
            out,
            format,
            header_done: false,
        }
    }

    pub fn write(&mut self, e: &EventRecord) -> io::Result<()> {
        match self.format {
            EventFormat::Text => {
                // `time source:line text`, continuation lines as they are in the file.
                writeln!(
                    self.out,
                    "{} {}:{} {}",
                    e.ts,
                    escape_controls(&e.short_source, false),
                    e.line,
                    escape_controls(&e.text, true)
                )
            }
            EventFormat::Jsonl => {
                let text = serde_json::to_string(e).map_err(io::Error::other)?;
                self.out.write_all(escape_json(&text).as_bytes())?;
                self.out.write_all(b"\n")
            }
            EventFormat::Csv => {
                if !self.header_done {
                    self.header_done = true;
                    writeln!(self.out, "ts,source,line,level,host,program,message,text")?;
                }
                let cells = [
                    e.ts.clone(),
                    e.source.clone(),
                    e.line.to_string(),
                    e.level.unwrap_or("").to_string(),
                    e.host.clone().unwrap_or_default(),
                    e.program.clone().unwrap_or_default(),
                    e.message.clone(),
                    e.text.clone(),
                ];
                let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
                writeln!(self.out, "{}", row.join(","))
            }
        }
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// RFC 4180 quoting; control characters other than newlines escaped.
pub fn csv_cell(s: &str) -> String {
    let s = escape_controls(s, true);
    if s.contains([',', '"', '\n']) || s.starts_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec() -> EventRecord {
        let mut e = EventRecord::new(
            1_790_000_000_123_000,
            "/var/log/auth.log".into(),
            "auth.log".into(),
            17,
            "Oct 5 sshd: \x1b[2Jhi, \"you\"\n  next".into(),
        );
        e.level = Some("error");
        e
    }

    fn render(format: EventFormat) -> String {
        let mut buf = Vec::new();
        EventWriter::new(&mut buf, format).write(&rec()).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn text_escapes_terminal_sequences() {
        assert_eq!(
            render(EventFormat::Text),
            "2026-09-21T14:13:20.123Z auth.log:17 Oct 5 sshd: \\x1b[2Jhi, \"you\"\n  next\n"
        );
    }

    #[test]
    fn jsonl_has_the_contract_keys() {
        let v: serde_json::Value = serde_json::from_str(&render(EventFormat::Jsonl)).unwrap();
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            [
                "fields", "host", "level", "line", "message", "program", "source", "text", "ts"
            ]
        );
        assert_eq!(v["ts"], "2026-09-21T14:13:20.123Z");
        assert_eq!(v["text"], "Oct 5 sshd: \x1b[2Jhi, \"you\"\n  next");
    }

    fn hostile() -> EventRecord {
        let mut e = rec();
        e.text = "c1\u{85} del\u{7f} rlo\u{202e} lri\u{2066} zw\u{200b} bom\u{feff} esc\x1b".into();
        e.message = e.text.clone();
        e.fields
            .insert("k\u{202e}".into(), serde_json::json!("v\u{9b}"));
        e
    }

    fn render_one(format: EventFormat, e: &EventRecord) -> String {
        let mut buf = Vec::new();
        EventWriter::new(&mut buf, format).write(e).unwrap();
        String::from_utf8(buf).unwrap()
    }

    /// No C1 control, DEL, bidi control or zero-width character leaves in any format.
    #[test]
    fn every_format_escapes_c1_del_bidi_and_zero_width() {
        let raw = |s: &str| {
            s.chars().any(|c| {
                matches!(c, '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}' | '\u{feff}' | '\x1b')
            })
        };
        let e = hostile();
        let text = render_one(EventFormat::Text, &e);
        assert!(!raw(&text), "{}", text.escape_debug());
        assert!(
            text.contains("c1\\x85 del\\x7f rlo\\u{202e} lri\\u{2066} zw\\u{200b} bom\\u{feff}"),
            "{text}"
        );
        let csv = render_one(EventFormat::Csv, &e);
        assert!(!raw(&csv), "{}", csv.escape_debug());
        assert!(csv.contains("rlo\\u{202e}"), "{csv}");
        let jsonl = render_one(EventFormat::Jsonl, &e);
        assert!(!raw(&jsonl), "{}", jsonl.escape_debug());
        assert!(
            jsonl.contains(r"c1\u0085 del\u007f rlo\u202e lri\u2066 zw\u200b bom\ufeff esc\u001b"),
            "{jsonl}"
        );
        // JSON escapes: a program reading the line gets the text as it was.
        let v: serde_json::Value = serde_json::from_str(&jsonl).unwrap();
        assert_eq!(v["text"], e.text.as_str());
        assert_eq!(v["fields"]["k\u{202e}"], "v\u{9b}");
    }

    #[test]
    fn a_long_event_is_cut_with_a_marker() {
        assert_eq!(shown_text("abc".into(), 3), "abc");
        assert_eq!(
            shown_text("x".into(), MAX_SHOWN + 10),
            "x … [10 more bytes not shown]"
        );
    }

    #[test]
    fn csv_quotes_and_escapes() {
        let out = render(EventFormat::Csv);
        assert!(out.starts_with("ts,source,line,level,host,program,message,text\n"));
        assert!(
            out.contains("\"Oct 5 sshd: \\x1b[2Jhi, \"\"you\"\"\n  next\""),
            "{out}"
        );
    }
}
