//! MySQL / MariaDB / Percona slow-query log: one event per block,
//!
//! ```text
//! # Time: 2024-05-10T17:44:36.400424Z          (or the old `# Time: 240515 17:02:39`)
//! # User@Host: msandbox[msandbox] @ localhost []  Id:    12
//! # Query_time: 0.000237  Lock_time: 0.000004 Rows_sent: 0  Rows_examined: 0
//! SET timestamp=1715363076;
//! select * from t;
//! ```
//!
//! dated by `# Time:`, or, when the server left it out (several queries in one second), by
//! `SET timestamp=` (until then, by the block before it). The `# Key: value` lines give
//! key-values (`query_time`, `rows_examined`, `user`...), the first SQL line the message. The server's preamble
//! (`/usr/sbin/mysqld, Version: ... started with:`, `Tcp port: ...`, `Time  Id Command
//! Argument`), written again at each restart, belongs to no event.
//!
//! Hand-written, not a data row: a block may start without a time and take it from a later
//! line, and its key-values are on its continuation lines.

use super::stamp::{self, Miss, Wall};
use super::{LineContext, LineKind};
use crate::event::Parsed;

pub fn classify(line: &str, ctx: &mut LineContext) -> LineKind {
    let after_time = std::mem::take(&mut ctx.carry.after_time_line);
    if let Some(rest) = line.strip_prefix("# Time: ") {
        return match time(rest, ctx) {
            Ok((ts, used)) => {
                ctx.carry.after_time_line = true;
                ctx.carry.block_dated = true;
                ctx.carry.block_said = false;
                let at = line.len() - rest.len();
                let mut p = Parsed {
                    ts,
                    program: Some("mysqld".to_string()),
                    time_span: Some((at, at + used)),
                    ..Parsed::default()
                };
                // Some copies carry the `# User@Host:` on the same line.
                if let Some(uh) = rest[used..].trim_start().strip_prefix("# User@Host: ") {
                    user_host(uh, &mut p.fields);
                    ctx.carry.after_time_line = false;
                }
                LineKind::Start(p)
            }
            Err(Miss::Shape) => LineKind::Continuation,
            Err(Miss::Bad(reason)) => LineKind::BadTimestamp { reason },
        };
    }
    if let Some(rest) = line.strip_prefix("# User@Host: ") {
        let mut fields = Vec::new();
        user_host(rest, &mut fields);
        if after_time {
            return LineKind::Detail {
                ts: None,
                fields,
                message: None,
            };
        }
        // A block without `# Time:`: the same second as the block before, until its `SET
        // timestamp=` says.
        let Some(ts) = ctx.carry.last_us else {
            return LineKind::Continuation;
        };
        ctx.carry.block_dated = false;
        ctx.carry.block_said = false;
        return LineKind::Start(Parsed {
            ts,
            program: Some("mysqld".to_string()),
            fields,
            ..Parsed::default()
        });
    }
    if let Some(rest) = line.strip_prefix("# ") {
        let fields = pairs(rest);
        return if fields.is_empty() {
            LineKind::Continuation
        } else {
            LineKind::Detail {
                ts: None,
                fields,
                message: None,
            }
        };
    }
    if let Some(set) = line.strip_prefix("SET ")
        && !ctx.carry.block_dated
        && let Some(ts) = set_timestamp(set)
    {
        ctx.carry.block_dated = true;
        ctx.carry.last_us = Some(ts);
        return LineKind::Detail {
            ts: Some(ts),
            fields: Vec::new(),
            message: None,
        };
    }
    if is_preamble(line) {
        return LineKind::Header;
    }
    let sql = line.trim();
    let setup = sql.starts_with("use ") || (sql.starts_with("SET ") && sql.contains("timestamp="));
    if !ctx.carry.block_said && !sql.is_empty() && !setup {
        ctx.carry.block_said = true;
        return LineKind::Detail {
            ts: None,
            fields: Vec::new(),
            message: Some(sql.to_string()),
        };
    }
    LineKind::Continuation
}

/// `2024-05-10T17:44:36.400424Z` (UTC, or with its offset), or the old `240515 17:02:39` /
/// `081208  9:15:01` (local time of the server: the source's zone): (µs, bytes used).
fn time(s: &str, ctx: &mut LineContext) -> stamp::R<(i64, usize)> {
    let b = s.as_bytes();
    if let Ok((w, used)) = stamp::iso(b, false) {
        return Ok((stamp::to_us(&w, ctx)?, used));
    }
    let ymd = stamp::digits(b, 0, 6).ok_or(Miss::Shape)?;
    let t = s
        .get(6..)
        .and_then(|t| t.strip_prefix(' '))
        .ok_or(Miss::Shape)?;
    let hms = t.trim_start();
    let at = s.len() - hms.len();
    let tb = hms.as_bytes();
    let colon = hms
        .find(':')
        .filter(|&c| (1..=2).contains(&c))
        .ok_or(Miss::Shape)?;
    let h = stamp::digits(tb, 0, colon).ok_or(Miss::Shape)?;
    let mi = stamp::digits(tb, colon + 1, 2).ok_or(Miss::Shape)?;
    if tb.get(colon + 3) != Some(&b':') {
        return Err(Miss::Shape);
    }
    let sec = stamp::digits(tb, colon + 4, 2).ok_or(Miss::Shape)?;
    let w = Wall {
        y: 2000 + (ymd / 10_000) as i32,
        mo: ymd / 100 % 100,
        d: ymd % 100,
        h,
        mi,
        s: sec,
        ..Wall::default()
    };
    Ok((stamp::to_us(&w, ctx)?, at + colon + 6))
}

/// `root[root] @ localhost [127.0.0.1]  Id:     3`: user, client host, client ip, thread id.
fn user_host(s: &str, fields: &mut Vec<(String, String)>) {
    let (who, rest) = s.split_once(" @ ").unwrap_or((s, ""));
    let user = who.split('[').next().unwrap_or("").trim();
    let mut push = |k: &str, v: &str| {
        if !v.is_empty() {
            fields.push((k.to_string(), v.to_string()));
        }
    };
    push("user", user);
    let (host, rest) = rest.split_once('[').unwrap_or((rest, ""));
    push("client_host", host.trim());
    let (ip, rest) = rest.split_once(']').unwrap_or(("", rest));
    push("client_ip", ip.trim());
    if let Some(id) = rest.split_once("Id:").map(|(_, id)| id.trim()) {
        push("id", id.split_whitespace().next().unwrap_or(""));
    }
}

/// `Query_time: 1.2  Lock_time: 0.0 Rows_sent: 1` as `query_time=1.2 ...` (keys lowercased; a
/// key with no value, as `Schema:` for no database, is left out).
fn pairs(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut words = s.split_whitespace().peekable();
    while let Some(w) = words.next() {
        let Some(key) = w.strip_suffix(':') else {
            continue;
        };
        if key.is_empty() || !key.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
            continue;
        }
        match words.peek() {
            Some(v) if !v.ends_with(':') => {
                out.push((key.to_ascii_lowercase(), (*v).to_string()));
                words.next();
            }
            _ => {}
        }
    }
    out
}

/// The `timestamp=N` of `SET timestamp=N;` (also `SET insert_id=5,timestamp=N;`) as µs.
fn set_timestamp(set: &str) -> Option<i64> {
    let body = set.trim_end().strip_suffix(';')?;
    body.split(',')
        .find_map(|a| a.trim().strip_prefix("timestamp="))
        .and_then(|n| n.parse::<i64>().ok())
        .and_then(|s| s.checked_mul(1_000_000))
}

/// The lines mysqld writes when it opens the log.
fn is_preamble(line: &str) -> bool {
    (line.contains(", Version: ") && line.ends_with("started with:"))
        || (line.starts_with("Tcp port: ") && line.contains("Unix socket: "))
        || line
            .split_whitespace()
            .eq(["Time", "Id", "Command", "Argument"])
}
