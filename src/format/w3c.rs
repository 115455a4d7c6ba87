//! W3C extended log files (IIS, some CDNs): `#Software:`, `#Version:`, `#Date:` and `#Fields:
//! date time s-ip cs-method ...` directives, then space-separated records whose columns the
//! latest `#Fields:` line names (IIS writes a new header when it restarts, and may change the
//! columns). The `date` and `time` columns are UTC; every other column with a value (not `-`)
//! becomes a key-value under its W3C name (`sc-status`, `cs-uri-stem`, `c-ip`).
//!
//! Hand-written, not a data row: a record's layout is given by a header line before it, which
//! a per-line regex cannot see.

use super::stamp::{self, Miss};
use super::{LineContext, LineKind};
use crate::event::Parsed;

pub fn classify(line: &str, ctx: &mut LineContext) -> LineKind {
    if let Some(directive) = line.strip_prefix('#') {
        let Some((name, value)) = directive.split_once(':') else {
            return LineKind::Continuation;
        };
        let word = |c: u8| c.is_ascii_alphabetic() || c == b' ' || c == b'-';
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) || !name.bytes().all(word) {
            return LineKind::Continuation;
        }
        if name == "Fields" {
            ctx.carry.w3c_fields = value.split_whitespace().map(str::to_string).collect();
        }
        return LineKind::Header;
    }
    if ctx.carry.w3c_fields.is_empty() {
        return LineKind::Continuation;
    }
    match record(line, &ctx.carry.w3c_fields) {
        Ok(p) => LineKind::Start(p),
        Err(Miss::Shape) => LineKind::Continuation,
        Err(Miss::Bad(reason)) => LineKind::BadTimestamp { reason },
    }
}

/// One record under the column names `fields`.
fn record(line: &str, fields: &[String]) -> stamp::R<Parsed> {
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
    let (d_at, d) = date.ok_or(Miss::Shape)?;
    let (t_end, t) = match time {
        Some((t_at, t)) => (t_at + t.len(), t),
        None => (d_at + d.len(), "00:00:00"),
    };
    let text = format!("{d} {t}");
    let (mut w, used) = stamp::iso(text.as_bytes(), false)?;
    if used != text.len() || w.off.is_some() {
        return Err(Miss::Shape);
    }
    w.off = Some(0);
    let mut ctx = LineContext::new(&crate::time::Zone::Named(chrono_tz::Tz::UTC), 0);
    p.ts = stamp::to_us(&w, &mut ctx)?;
    // The span covers the date and time when they are adjacent (the usual `date time ...`).
    p.time_span = match time {
        Some((t_at, _)) if t_at == d_at + d.len() + 1 => Some((d_at, t_end)),
        _ => Some((d_at, d_at + d.len())),
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
