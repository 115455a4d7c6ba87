//! User formats from the config: a regex with named groups (`ts` required; `level`, `host`,
//! `program`, `message`; any other group becomes a field) and an optional strftime layout.

use super::layout::{self, Read};
use super::stamp::{self, Miss, R};
use super::year::Stamp;
use super::{LineContext, UserFormat, kvextract};
use crate::event::{Level, Parsed};
use regex::Regex;

/// A compiled user format (the regex is compiled once, when the format is built).
#[derive(Debug, Clone)]
pub struct Compiled {
    regex: Regex,
    time_format: Option<String>,
    /// Named groups other than the well-known ones, in regex order.
    extra: Vec<String>,
}

impl Compiled {
    /// `None` when the regex does not compile or has no `ts` group.
    pub fn new(u: &UserFormat) -> Option<Compiled> {
        // Anchored at the line start: a match further in would be a time inside a message,
        // and an anchored regex gives up early on long lines.
        let regex = Regex::new(&format!("^(?:{})", u.regex)).ok()?;
        let names: Vec<String> = regex
            .capture_names()
            .flatten()
            .map(str::to_string)
            .collect();
        if !names.iter().any(|n| n == "ts") {
            return None;
        }
        let extra = names
            .into_iter()
            .filter(|n| !matches!(n.as_str(), "ts" | "level" | "host" | "program" | "message"))
            .collect();
        Some(Compiled {
            regex,
            time_format: u.time_format.clone(),
            extra,
        })
    }

    /// The partial stamp of a line whose time lacks its year or date (for `year::Planner`).
    pub fn partial_stamp(&self, line: &str) -> Option<Stamp> {
        let ts = self.regex.captures(line)?.name("ts")?.as_str();
        match &self.time_format {
            Some(f) => match layout::read(ts, f).ok()? {
                Read::Yearless(w) => stamp::yearless_stamp(&w).ok(),
                Read::Dayless(w) => stamp::dayless_stamp(&w).ok(),
                _ => None,
            },
            None => match stamp::bsd(ts.as_bytes()) {
                Ok((w, n)) if n == ts.len() && w.y == 0 => stamp::yearless_stamp(&w).ok(),
                _ => None,
            },
        }
    }

    pub fn parse(&self, line: &str, ctx: &mut LineContext) -> R<Parsed> {
        let caps = self.regex.captures(line).ok_or(Miss::Shape)?;
        let ts = caps.name("ts");
        let ts_text = ts.map_or("", |m| m.as_str());
        let mut p = Parsed {
            time_span: ts.map(|m| (m.start(), m.end())),
            ..Parsed::default()
        };
        let text = |n: &str| {
            caps.name(n)
                .map(|m| m.as_str().to_string())
                .filter(|s| !s.is_empty())
        };
        p.level = caps.name("level").and_then(|m| Level::parse(m.as_str()));
        p.host = text("host");
        p.program = text("program");
        p.message = match caps.name("message") {
            Some(m) => m.as_str().to_string(),
            None => line[caps.get(0).map_or(0, |m| m.end())..]
                .trim_start()
                .to_string(),
        };
        for n in &self.extra {
            if let Some(m) = caps.name(n) {
                p.fields.push((n.clone(), m.as_str().to_string()));
            }
        }
        kvextract::extract(&p.message, &mut p.fields);
        p.ts = match &self.time_format {
            Some(f) => strftime(ts_text, f, ctx)?,
            None => common_layouts(ts_text, ctx)?,
        };
        Ok(p)
    }
}

/// Parses with a layout (see `layout`); a layout without a year uses the year inference, one
/// without a date the day inference.
fn strftime(s: &str, layout: &str, ctx: &mut LineContext) -> R<i64> {
    match layout::read(s, layout)? {
        Read::Instant(us) => Ok(us),
        Read::Full(w) => stamp::to_us(&w, ctx),
        Read::Yearless(w) => stamp::yearless_to_us(&w, ctx),
        Read::Dayless(w) => stamp::dayless_to_us(&w, ctx),
    }
}

/// Without a layout: ISO 8601, epoch, access-log, ctime, RFC 3164 (year-less or with a year).
fn common_layouts(s: &str, ctx: &mut LineContext) -> R<i64> {
    if let Ok((w, n)) = stamp::bsd(s.as_bytes())
        && n == s.len()
    {
        return stamp::maybe_yearless_to_us(&w, ctx);
    }
    if let Ok((w, n)) = stamp::iso(s.as_bytes(), true)
        && n == s.len()
    {
        return stamp::to_us(&w, ctx);
    }
    match stamp::time_value(s, ctx) {
        Ok((us, _)) => Ok(us),
        Err(Miss::Shape) => Err(Miss::Bad(format!("unrecognised time {s:?}"))),
        Err(e) => Err(e),
    }
}
