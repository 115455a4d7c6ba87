//! Generic leading ISO 8601 / `YYYY-MM-DD HH:MM:SS[,.]fff` lines with an optional level word
//! right after the time: Python logging (`2026-11-22 03:10:41,620 ERROR [payments.worker] 1125:
//! msg`, default `... - name - LEVEL - msg`), Hadoop (`... INFO [main] org.x.Y: msg`), Zookeeper
//! (`... - INFO  [thread] - msg`). Also the level after a colon or a comma instead of a space
//! (Python `%(asctime)s:%(levelname)s:%(name)s:%(message)s`, Windows CBS `..., Info  CBS  msg`),
//! PostgreSQL's `%m [%p] LEVEL:  msg` and MySQL/MariaDB's `thread [Note] msg`.

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

/// Level words of PostgreSQL (`LOG:`) and MySQL/MariaDB (`[Note]`, `[System]`) besides the
/// usual ones. PostgreSQL's `STATEMENT:`, `DETAIL:`, `HINT:`, `CONTEXT:` lines carry no level.
fn program_level(word: &str) -> Option<Level> {
    match word {
        "LOG" => Some(Level::Info),
        "Note" | "NOTE" => Some(Level::Info),
        "System" | "SYSTEM" => Some(Level::Notice),
        w => Level::parse(w),
    }
}

/// PostgreSQL `[pid] [user@db ]LEVEL:  msg` (`log_line_prefix = '%m [%p] '`, Debian's
/// `'%m [%p] %q%u@%d '`).
fn postgres(s: &str, p: &mut Parsed) -> Option<String> {
    let inner = s.strip_prefix('[')?;
    let (pid, after) = inner.split_once("] ")?;
    if pid.is_empty() || !pid.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (head, msg) = after.split_once(":  ")?;
    let (who, word) = match head.rsplit_once(' ') {
        Some((who, word)) if who.contains('@') && !who.contains(' ') => (Some(who), word),
        _ => (None, head),
    };
    if word.is_empty()
        || !word
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return None;
    }
    let level = match word {
        "STATEMENT" | "DETAIL" | "HINT" | "CONTEXT" | "QUERY" | "LOCATION" => None,
        w => Some(program_level(w)?),
    };
    p.level = level;
    p.program = Some("postgres".to_string());
    p.fields.push(("pid".to_string(), pid.to_string()));
    if let Some((user, db)) = who.and_then(|w| w.split_once('@')) {
        p.fields.push(("user".to_string(), user.to_string()));
        p.fields.push(("db".to_string(), db.to_string()));
    }
    if level.is_none() {
        p.fields
            .push(("part".to_string(), word.to_ascii_lowercase()));
    }
    Some(msg.to_string())
}

/// MySQL/MariaDB error log `thread [Level] [MY-nnnnnn] [Subsystem] msg` (the last two MySQL 8
/// only).
fn mysql(s: &str, p: &mut Parsed) -> Option<String> {
    let (thread, after) = s.split_once(" [")?;
    if thread.is_empty() || !thread.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (word, mut rest) = after.split_once("] ")?;
    p.level = Some(program_level(word)?);
    p.fields.push(("thread".to_string(), thread.to_string()));
    if let Some(r) = rest.strip_prefix("[MY-")
        && let Some((code, r)) = r.split_once("] ")
    {
        p.fields.push(("code".to_string(), format!("MY-{code}")));
        rest = r;
        if let Some(r) = rest.strip_prefix('[')
            && let Some((sub, r)) = r.split_once("] ")
        {
            p.program = Some(sub.to_string());
            rest = r;
        }
    }
    Some(rest.to_string())
}

/// Python `:LEVEL:name:message` after the time.
fn colon_fields(s: &str, p: &mut Parsed) -> Option<String> {
    let (word, after) = s.split_once(':')?;
    let level = Level::parse(word).filter(|_| word.len() >= 3)?;
    p.level = Some(level);
    match after.split_once(':') {
        Some((name, msg)) if !name.is_empty() && !name.contains(' ') => {
            p.program = Some(name.to_string());
            Some(msg.to_string())
        }
        _ => Some(after.to_string()),
    }
}

/// Windows CBS/CSI `, Info                  CBS    msg`: the level, then a component set off
/// by two spaces.
fn comma_fields(s: &str, p: &mut Parsed) -> Option<String> {
    let (level, rest) = level_word(s)?;
    p.level = Some(level);
    match rest.split_once("  ") {
        Some((comp, msg)) if !comp.is_empty() && !comp.contains(' ') => {
            p.program = Some(comp.to_string());
            Some(msg.trim_start_matches(' ').to_string())
        }
        _ => Some(rest.to_string()),
    }
}

/// Level, program and message from the text after a timestamp.
pub fn tail(rest: &str, p: &mut Parsed) {
    let special = if let Some(r) = rest.strip_prefix(':') {
        colon_fields(r, p)
    } else if let Some(r) = rest.strip_prefix(',') {
        comma_fields(r.trim_start_matches(' '), p)
    } else {
        let t = rest.trim_start_matches(' ');
        postgres(t, p).or_else(|| mysql(t, p))
    };
    if let Some(msg) = special {
        p.message = msg;
        kvextract::extract(&p.message, &mut p.fields);
        return;
    }
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
    if !(rest.is_empty() || rest.starts_with([' ', '\t', ':', ','])) {
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
