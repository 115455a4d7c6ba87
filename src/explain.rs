//! `timberline explain FILE`: why a file reads as it does. The format chosen (configured or
//! detected, with every candidate's score), the zone and year rules applied, and the first
//! events as parsed, so that a user sees in one command why a file reads wrong and what
//! `[[format]]` would fix it. Reads the file only; the index is not touched.

use crate::config::Config;
use crate::format::{self, Format, LineContext, LineKind, Planned};
use crate::output::escape::escape_controls;
use crate::source::compress::{self, Compression};
use crate::source::lines::LineReader;
use crate::time::{Zone, format_utc};
use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;

/// Lines detection looks at (as the indexer does).
const SAMPLE: usize = 200;
/// Events shown.
const SHOWN: usize = 8;

#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// The report for `path`, as text for a terminal (control characters escaped).
pub fn explain(path: &Path, config: &Config) -> Result<String, ExplainError> {
    let io = |source| ExplainError::Io {
        path: path.display().to_string(),
        source,
    };
    let compression = sniff(path).map_err(io)?;
    let lines = head(path, compression).map_err(io)?;
    let mtime_us = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map(|t| crate::time::to_micros(t.into()))
        .unwrap_or(0);
    let over = config.override_for(path);
    let mut out = String::new();
    let _ = writeln!(out, "file: {}", path.display());
    if let Some(c) = compression {
        let _ = writeln!(out, "compressed: {c:?} (read through its decoder)");
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let detection = format::detect_explained(&refs, &config.formats);
    let configured = over
        .and_then(|o| o.format.as_deref())
        .and_then(|n| Format::by_name(n, &config.formats));
    let _ = writeln!(
        out,
        "looked at: the first {} non-blank lines, {} of which could start a record",
        detection.sampled, detection.eligible
    );
    let _ = writeln!(out, "scores (record starts per format):");
    if detection.scores.is_empty() {
        let _ = writeln!(
            out,
            "  none: no format reads a time at the start of any line"
        );
    }
    for s in detection.scores.iter().take(8) {
        let _ = writeln!(out, "  {:<16} {:>4}", s.format, s.starts);
    }
    let format = match (&configured, &detection.chosen) {
        (Some(f), _) => {
            let _ = writeln!(
                out,
                "format: {} (set in the config for this path)",
                f.name()
            );
            f.clone()
        }
        (None, Some(f)) => {
            let _ = writeln!(out, "format: {} (detected: {})", f.name(), detection.reason);
            f.clone()
        }
        (None, None) => {
            let _ = writeln!(
                out,
                "format: text (no timestamps recognised: {}); every line is an event dated by the \
                 file's modification time",
                detection.reason
            );
            Format::plain_text()
        }
    };
    if let Some(d) = format::describe_data_format(format.name()) {
        let _ = writeln!(out, "  {d} (a row of formats/builtin.toml)");
    }
    let zone_name = over.and_then(|o| o.timezone.as_deref());
    let zone = zone_name.and_then(Zone::parse).unwrap_or(Zone::Local);
    let _ = writeln!(
        out,
        "zone: times that carry an offset or a zone keep it; others are read in {}",
        match zone_name {
            Some(z) => format!("{z} (set in the config for this path)"),
            None => "the local zone (TZ; set `timezone` for this path to change it)".to_string(),
        }
    );
    let mut ctx = LineContext::new(&zone, mtime_us).named(path);
    if format.needs_plan() {
        let planned = compress::open_content(path, compression)
            .ok()
            .and_then(|r| format::plan(&format, &mut ctx, r));
        let _ = writeln!(out, "{}", year_rule(planned, mtime_us));
    }
    if !format.is_plain_text() {
        let _ = writeln!(out, "first events:");
        events(&format, &lines, &mut ctx, &mut out);
        for n in format::take_notes(&mut ctx) {
            let _ = writeln!(out, "note: {n}");
        }
    }
    if format.is_plain_text()
        && let Some(first) = lines.iter().find(|l| !l.trim().is_empty())
    {
        let _ = writeln!(
            out,
            "first line: {}\nto read it, add a [[format]] to the config, e.g.:\n  [[format]]\n  \
             name = \"mine\"\n  regex = '(?P<ts>\\S+ \\S+) (?P<level>\\S+) (?P<message>.*)'\n  \
             time_format = \"%Y-%m-%d %H:%M:%S\"\n  (and `format = \"mine\"` in a [[source]] for \
             this path; formats/builtin.toml has more examples)",
            clip(first)
        );
    }
    Ok(escape_controls(&out, true).into_owned())
}

fn year_rule(planned: Option<Planned>, mtime_us: i64) -> String {
    let mtime = format_utc(mtime_us);
    match planned {
        None => "year: the stamps lack a year or a date, but none was read".to_string(),
        Some(p) if p.days => format!(
            "day: time-only stamps; the first line's day is {} ({} wraps past midnight, each a \
             day), so that the last line falls before the file's mtime {mtime}",
            day_name(p.first),
            p.wraps
        ),
        Some(p) => format!(
            "year: year-less stamps; the first line's year is {} ({} wraps, each a year), so that \
             the last line falls before the file's mtime {mtime}",
            p.first, p.wraps
        ),
    }
}

fn day_name(days: i32) -> String {
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|d| d.checked_add_signed(chrono::Duration::days(i64::from(days))))
        .map_or_else(|| days.to_string(), |d| d.to_string())
}

/// The first events as parsed: line number, time, level, host, program, message, each
/// grouped as the indexer groups it (a header ends it; a detail line adds its time or message
/// when it had none). A multi-line event's lines are shown whole under it, indented.
fn events(format: &Format, lines: &[String], ctx: &mut LineContext, out: &mut String) {
    let mut shown = 0;
    let mut outside = 0;
    let mut open: Option<Shown> = None;
    for (i, line) in lines.iter().enumerate() {
        match format.parse_line(line, ctx) {
            LineKind::Start(p) => {
                if let Some(e) = open.take() {
                    e.write(out);
                }
                if shown == SHOWN {
                    break;
                }
                if outside > 0 {
                    let _ = writeln!(out, "    (+{outside} lines before, in no event)");
                    outside = 0;
                }
                shown += 1;
                open = Some(Shown::new(i, p, line));
            }
            LineKind::Header => {
                if let Some(e) = open.take() {
                    e.write(out);
                }
            }
            kind => match open.as_mut() {
                Some(e) => e.add(kind, line, i),
                None => outside += 1,
            },
        }
    }
    if let Some(e) = open.take() {
        e.write(out);
    }
    if shown == 0 {
        let _ = writeln!(out, "  none in the first {} lines", lines.len());
    }
}

/// Lines of one event shown; the rest are counted.
const SHOWN_LINES: usize = 40;
/// Characters of each of its lines shown.
const SHOWN_WIDTH: usize = 300;

/// An event being shown: its first line's number, what it parsed to, and its lines.
struct Shown<'a> {
    line: usize,
    parsed: crate::event::Parsed,
    lines: Vec<&'a str>,
    /// Notes on its lines (a bad timestamp), said after it.
    notes: Vec<String>,
}

impl<'a> Shown<'a> {
    fn new(i: usize, parsed: crate::event::Parsed, first: &'a str) -> Shown<'a> {
        Shown {
            line: i + 1,
            parsed,
            lines: vec![first],
            notes: Vec::new(),
        }
    }

    /// A line after the first: a continuation, a detail, or one whose time is unreadable
    /// (which the indexer keeps as a continuation, and reports).
    fn add(&mut self, kind: LineKind, line: &'a str, i: usize) {
        match kind {
            LineKind::Detail { ts, message, .. } => {
                if let Some(ts) = ts {
                    self.parsed.ts = ts;
                }
                if self.parsed.message.is_empty()
                    && let Some(m) = message
                {
                    self.parsed.message = m;
                }
            }
            LineKind::BadTimestamp { reason } => self
                .notes
                .push(format!("  line {:<4} bad timestamp: {reason}", i + 1)),
            _ => {}
        }
        self.lines.push(line);
    }

    fn write(self, out: &mut String) {
        let p = &self.parsed;
        let _ = writeln!(
            out,
            "  line {:<4} {}  level={} host={} program={}  {}",
            self.line,
            format_utc(p.ts),
            p.level.map_or("-", |l| l.as_str()),
            p.host.as_deref().unwrap_or("-"),
            p.program.as_deref().unwrap_or("-"),
            clip(&p.message)
        );
        if self.lines.len() > 1 {
            for l in self.lines.iter().take(SHOWN_LINES) {
                let l = l.strip_suffix('\r').unwrap_or(l);
                let _ = writeln!(out, "      {}", clip_at(l, SHOWN_WIDTH));
            }
            if self.lines.len() > SHOWN_LINES {
                let _ = writeln!(out, "      (+{} lines)", self.lines.len() - SHOWN_LINES);
            }
        }
        for n in self.notes {
            let _ = writeln!(out, "{n}");
        }
    }
}

fn clip(s: &str) -> String {
    clip_at(s, 100)
}

/// `s` cut to `n` characters, with `…` when cut.
fn clip_at(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

fn sniff(path: &Path) -> std::io::Result<Option<Compression>> {
    let mut head = [0u8; 8];
    let mut f = std::fs::File::open(path)?;
    let n = f.read(&mut head)?;
    Ok(Compression::sniff(&head[..n]))
}

fn head(path: &Path, compression: Option<Compression>) -> std::io::Result<Vec<String>> {
    let mut lines = LineReader::new(compress::open_content(path, compression)?, 0);
    let mut out = Vec::new();
    while out.len() < SAMPLE {
        match lines.next_line() {
            Ok(Some(l)) => out.push(
                String::from_utf8_lossy(&l.bytes[..l.bytes.len().min(64 * 1024)]).into_owned(),
            ),
            Ok(None) => break,
            Err(_) if !out.is_empty() => break,
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.log");
        std::fs::write(&path, text).unwrap();
        explain(&path, &Config::default()).unwrap()
    }

    #[test]
    fn a_readable_file_shows_format_scores_zone_and_events() {
        let r = report(
            "2026-12-03 01:17:36.808 PST [11892] LOG:  checkpoint starting: immediate force wait\n\
             2026-12-03 01:17:36.840 PST [12040] ERROR:  division by zero\n",
        );
        assert!(
            r.contains("format: iso (detected: iso starts 2 of the 2"),
            "{r}"
        );
        assert!(r.contains("zone: times that carry an offset"), "{r}");
        assert!(
            r.contains("2026-12-03T09:17:36.840Z  level=error host=- program=postgres"),
            "{r}"
        );
    }

    #[test]
    fn a_year_less_file_shows_the_year_rule_and_an_unreadable_one_a_format_to_write() {
        let r =
            report("Oct 30 06:25:01 web-1 CRON[2211]: a\nJun 26 07:00:01 web-1 CRON[8101]: b\n");
        assert!(
            r.contains("year: year-less stamps; the first line's year is"),
            "{r}"
        );
        assert!(r.contains("(1 wraps, each a year)"), "{r}");
        let r = report("hello \u{1b}[31mworld\nsecond line\n");
        assert!(r.contains("format: text (no timestamps recognised"), "{r}");
        assert!(r.contains("[[format]]"), "{r}");
        assert!(r.contains("\\x1b[31m") && !r.contains('\u{1b}'), "{r}");
    }
}
