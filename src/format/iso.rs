//! Generic leading ISO 8601 / `YYYY-MM-DD HH:MM:SS[,.]fff` lines with an optional level word
//! right after the time: Python logging (`2026-11-22 03:10:41,620 ERROR [payments.worker] 1125:
//! msg`, default `... - name - LEVEL - msg`), Hadoop (`... INFO [main] org.x.Y: msg`), Zookeeper
//! (`... - INFO  [thread] - msg`).

use super::stamp::{self, Miss, R};
use super::{LineContext, kvextract};
use crate::event::{Level, Parsed};

/// The first word of `s` as a level, when it is one (≥ 3 chars, so a message starting with
/// `a` or `I` is not read as a level). Returns (level, rest after the word and spaces).
pub fn level_word(s: &str) -> Option<(Level, &str)> {
    let end = s.find([' ', '\t']).unwrap_or(s.len());
    let word = &s[..end];
    if word.len() < 3 || word.len() > 12 {
        return None;
    }
    let level = Level::parse(word)?;
    Some((level, s[end..].trim_start_matches([' ', '\t'])))
}

/// `[name] 1234: msg` (Python `[%(name)s] %(process)d:`): (program, pid, msg).
fn bracket_name_pid(s: &str) -> Option<(&str, &str, &str)> {
    let inner = s.strip_prefix('[')?;
    let close = inner.find("] ")?;
    let after = &inner[close + 2..];
    let colon = after.find(": ")?;
    let pid = &after[..colon];
    if pid.is_empty() || !pid.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((&inner[..close], pid, &after[colon + 2..]))
}

/// Level, program and message from the text after a timestamp.
pub fn tail(rest: &str, p: &mut Parsed) {
    let mut s = rest.trim_start_matches([' ', '\t']);
    if let Some(r) = s.strip_prefix("- ") {
        s = r.trim_start_matches(' ');
    }
    if let Some((level, r)) = level_word(s) {
        p.level = Some(level);
        s = r;
        if let Some(r) = s.strip_prefix("- ") {
            s = r;
        }
    } else if let Some((name, r)) = s.split_once(" - ")
        && !name.contains(' ')
        && let Some((level, r)) = level_word(r)
    {
        // Python's default `%(asctime)s - %(name)s - %(levelname)s - %(message)s`.
        p.level = Some(level);
        p.program = Some(name.to_string());
        s = r.strip_prefix("- ").unwrap_or(r);
    }
    if p.program.is_none()
        && let Some((name, pid, msg)) = bracket_name_pid(s)
    {
        p.program = Some(name.to_string());
        p.fields.push(("pid".to_string(), pid.to_string()));
        s = msg;
    }
    if p.program.is_none()
        && let Some((thread, logger, msg)) = bracket_thread_logger(s)
    {
        // Hadoop/log4j `[thread] org.x.Class: msg`.
        p.program = Some(logger.to_string());
        p.fields.push(("thread".to_string(), thread.to_string()));
        s = msg;
    }
    p.message = s.to_string();
    kvextract::extract(&p.message, &mut p.fields);
}

/// `[thread] dotted.logger.Name: msg`: (thread, logger, msg).
fn bracket_thread_logger(s: &str) -> Option<(&str, &str, &str)> {
    let inner = s.strip_prefix('[')?;
    let close = inner.find("] ")?;
    let after = &inner[close + 2..];
    let colon = after.find(": ")?;
    let logger = &after[..colon];
    if !logger.contains('.') || logger.contains([' ', '[', ']']) {
        return None;
    }
    Some((&inner[..close], logger, &after[colon + 2..]))
}

pub fn parse(line: &str, ctx: &mut LineContext) -> R<Parsed> {
    let (w, used) = stamp::iso(line.as_bytes(), false)?;
    let rest = &line[used..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return Err(Miss::Shape);
    }
    let mut p = Parsed {
        ts: stamp::to_us(&w, ctx)?,
        time_span: Some((0, used)),
        ..Parsed::default()
    };
    tail(rest, &mut p);
    Ok(p)
}
