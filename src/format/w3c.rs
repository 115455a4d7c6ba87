//! W3C extended log files (IIS, some CDNs): `#Software:`, `#Version:`, `#Date:` and `#Fields:
//! date time s-ip cs-method ...` directives, then space-separated records whose columns the
//! latest `#Fields:` line names (IIS writes a new header when it restarts, and may change the
//! columns). The `date` and `time` columns are UTC, unless a `#Time Format: Local` directive
//! says they are local (Windows Firewall), then they are read in the source's zone; a record
//! with a `time` but no `date` column takes its day from the last `#Date:` directive. Every
//! other column with a value (not `-`) becomes a key-value under its W3C name (`sc-status`,
//! `cs-uri-stem`, `c-ip`); the `sc-status` column gives the level (`http`).
//!
//! Hand-written, not a data row: a record's layout is given by a header line before it, which
//! a per-line regex cannot see. An event shown later is read again from its file's offset,
//! alone: so the context keeps, for each run of records under one header, where it starts
//! and that header's columns, `#Date:` day and time format (`Header`, pushed at the first
//! record after a directive changed them), and `read_back` gives the event the header it was
//! read under, not the file's last.

use super::carry::Carry;
use super::stamp::{self, Miss};
use super::{LineContext, LineKind, http};
use crate::event::Parsed;
use serde::{Deserialize, Serialize};

/// Headers a source's context keeps; past this (a file rewritten with a new header every few
/// lines), the oldest is dropped, and the records before the oldest kept are read back under
/// it.
const MAX_HEADERS: usize = 1024;

/// What the directives before a run of records said.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// The offset of the run's first record.
    pub from: u64,
    pub fields: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub local: bool,
}

/// Sets `into` (a fresh reader's state) to the header the record at `offset` was read under
/// in the source whose state is `from`.
pub fn read_back(from: &Carry, offset: u64, into: &mut Carry) {
    match from.w3c_headers.iter().rev().find(|h| h.from <= offset) {
        Some(h) => {
            into.w3c_fields = h.fields.clone();
            into.w3c_date = h.date.clone();
            into.w3c_local = h.local;
        }
        // A context from before headers were kept: the last header.
        None => {
            into.w3c_fields = from.w3c_fields.clone();
            into.w3c_date = from.w3c_date.clone();
            into.w3c_local = from.w3c_local;
        }
    }
}

/// Records that the record at `ctx.carry.offset` starts a run under the current header.
fn note_header(ctx: &mut LineContext) {
    let c = &mut ctx.carry;
    c.w3c_changed = false;
    let from = c.offset;
    // Read again from an earlier offset (a resume): what was noted from there on is redone.
    c.w3c_headers.retain(|h| h.from < from);
    if c.w3c_headers.len() >= MAX_HEADERS {
        c.w3c_headers.remove(0);
    }
    c.w3c_headers.push(Header {
        from,
        fields: c.w3c_fields.clone(),
        date: c.w3c_date.clone(),
        local: c.w3c_local,
    });
}

pub fn classify(line: &str, ctx: &mut LineContext) -> LineKind {
    if let Some(directive) = line.strip_prefix('#') {
        let Some((name, value)) = directive.split_once(':') else {
            return LineKind::Continuation;
        };
        let word = |c: u8| c.is_ascii_alphabetic() || c == b' ' || c == b'-';
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) || !name.bytes().all(word) {
            return LineKind::Continuation;
        }
        match name {
            "Fields" => {
                ctx.carry.w3c_fields = value.split_whitespace().map(str::to_string).collect();
            }
            "Date" => ctx.carry.w3c_date = directive_day(value),
            "Time Format" => ctx.carry.w3c_local = value.trim().eq_ignore_ascii_case("local"),
            _ => return LineKind::Header,
        }
        ctx.carry.w3c_changed = true;
        return LineKind::Header;
    }
    if ctx.carry.w3c_fields.is_empty() {
        return LineKind::Continuation;
    }
    let fields = std::mem::take(&mut ctx.carry.w3c_fields);
    let parsed = record(line, &fields, ctx);
    ctx.carry.w3c_fields = fields;
    match parsed {
        Ok(p) => {
            if ctx.carry.w3c_changed || ctx.carry.w3c_headers.is_empty() {
                note_header(ctx);
            }
            LineKind::Start(p)
        }
        Err(Miss::Shape) => LineKind::Continuation,
        Err(Miss::Bad(reason)) => LineKind::BadTimestamp { reason },
    }
}

/// The day of a `#Date:` directive, as `YYYY-MM-DD`: IIS writes `2016-01-10 00:07:26`, the
/// W3C draft `12-Jan-1996 00:00:00`.
fn directive_day(value: &str) -> Option<String> {
    let first = value.split_whitespace().next()?;
    chrono::NaiveDate::parse_from_str(first, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(first, "%d-%b-%Y"))
        .ok()
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// One record under the column names `fields`; `ctx` gives the `#Date:` day and whether the
/// times are local (and then the zone).
fn record(line: &str, fields: &[String], ctx: &mut LineContext) -> stamp::R<Parsed> {
    let mut p = Parsed::default();
    let mut date: Option<(usize, &str)> = None;
    let mut time: Option<(usize, &str)> = None;
    let (mut method, mut stem, mut status) = (None, None, None);
    let mut at = 0;
    let mut rest_at = None;
    for (i, value) in line.split(' ').enumerate() {
        let start = at;
        at += value.len() + 1;
        let Some(name) = fields.get(i) else { break };
        match name.as_str() {
            "date" => date = Some((start, value)),
            "time" => time = Some((start, value)),
            _ => {
                rest_at.get_or_insert(start);
                if value == "-" || value.is_empty() {
                    continue;
                }
                match name.as_str() {
                    "cs-method" => method = Some(value),
                    "cs-uri-stem" => stem = Some(value),
                    "sc-status" => status = Some(value),
                    "s-computername" => p.host = Some(value.to_string()),
                    _ => {}
                }
                p.fields.push((name.clone(), value.to_string()));
            }
        }
    }
    p.level = status.and_then(http::level);
    // The day: the record's own `date` column, or the last `#Date:` for a time-only layout.
    let day = ctx.carry.w3c_date.clone();
    let (d, t) = match (date, time) {
        (Some((_, d)), Some((_, t))) => (d, t),
        (Some((_, d)), None) => (d, "00:00:00"),
        (None, Some((_, t))) => (day.as_deref().ok_or(Miss::Shape)?, t),
        (None, None) => return Err(Miss::Shape),
    };
    let text = format!("{d} {t}");
    let (mut w, used) = stamp::iso(text.as_bytes(), false)?;
    if used != text.len() || w.off.is_some() {
        return Err(Miss::Shape);
    }
    p.ts = if ctx.carry.w3c_local {
        stamp::to_us(&w, ctx)?
    } else {
        w.off = Some(0);
        let mut utc = LineContext::new(&crate::time::Zone::Named(chrono_tz::Tz::UTC), 0);
        stamp::to_us(&w, &mut utc)?
    };
    // The span covers the date and time when they are adjacent (the usual `date time ...`).
    p.time_span = match (date, time) {
        (Some((d_at, d)), Some((t_at, t))) if t_at == d_at + d.len() + 1 => {
            Some((d_at, t_at + t.len()))
        }
        (Some((d_at, d)), _) => Some((d_at, d_at + d.len())),
        (None, Some((t_at, t))) => Some((t_at, t_at + t.len())),
        (None, None) => None,
    };
    p.message = match (method, stem) {
        (Some(m), Some(s)) => [Some(m), Some(s), status]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
        _ => rest_at
            .and_then(|i| line.get(i..))
            .unwrap_or("")
            .to_string(),
    };
    Ok(p)
}
