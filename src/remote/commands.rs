//! The headless commands over a remote (`search`, `histogram`, `tail --remote NAME`) and
//! `ship`: argument handling is the CLI's; these run the request and print like the local
//! commands do.

use super::client::RemoteError;
use super::doc::from_hit;
use super::source::RemoteSource;
use crate::app::data::LogEvent;
use crate::engine::Request;
use crate::index::histogram::Histogram;
use crate::output::events::{EventFormat, EventRecord, EventWriter};
use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

/// An explorer event as the CLI prints it.
pub fn record(e: &LogEvent) -> EventRecord {
    let mut rec = EventRecord::new(
        e.ts,
        e.path.clone(),
        e.source.clone(),
        e.line,
        e.text.clone(),
    );
    rec.level = e.level.map(|l| l.as_str());
    rec.host = e.host.clone();
    rec.program = e.program.clone();
    rec.message = e.message.clone();
    rec.fields = e.fields.clone();
    rec
}

/// A hit as the CLI prints it, with its pattern id when `ship` gave it one.
fn hit_record(h: &serde_json::Value, src: &RemoteSource) -> Option<EventRecord> {
    let mut rec = record(&from_hit(h, &src.layout)?);
    rec.pattern = h["_source"]["timberline"]["pattern"]
        .as_str()
        .map(str::to_string);
    Some(rec)
}

/// `search --remote`: matching events (or their count) in time order.
pub fn search(
    src: &RemoteSource,
    req: &Request,
    count: bool,
    format: EventFormat,
    out: &mut dyn Write,
) -> Result<(), SearchOutputError> {
    if count {
        let n = src.count_in(&req.query, req.since, req.until)?;
        writeln!(out, "{n}")?;
        return Ok(());
    }
    let mut w = EventWriter::new(out, format);
    let mut io_error = None;
    src.each_hit(
        &req.query,
        req.since,
        req.until,
        req.reverse,
        req.limit,
        |h| {
            if io_error.is_some() {
                return Ok(());
            }
            if let Some(rec) = hit_record(h, src)
                && let Err(err) = w.write(&rec)
            {
                io_error = Some(err);
            }
            Ok(())
        },
    )?;
    if let Some(e) = io_error {
        return Err(e.into());
    }
    w.flush()?;
    Ok(())
}

/// A remote command's failure: the engine's, or the output's (a closed pipe).
#[derive(Debug, thiserror::Error)]
pub enum SearchOutputError {
    #[error(transparent)]
    Remote(#[from] RemoteError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// `histogram --remote`: the same window rules as the local histogram (the request's window,
/// else the span of the matches; to now with `--since` alone).
pub fn histogram(
    src: &RemoteSource,
    req: &Request,
    bucket_s: Option<i64>,
    max_buckets: usize,
) -> Result<Histogram, RemoteError> {
    let now = chrono::Utc::now().timestamp_micros();
    let edge = |last: bool| -> Result<Option<i64>, RemoteError> {
        let first = src.events(&req.query, req.since, req.until, last, Some(1))?;
        Ok(first.first().map(|e| e.ts))
    };
    let (lo, hi) = match (req.since, req.until) {
        (Some(s), Some(u)) => (s, u - 1),
        (since, until) => match (edge(false)?, edge(true)?) {
            (Some(a), Some(b)) => match (since, until) {
                (_, Some(u)) => (since.unwrap_or(a), u - 1),
                (Some(s), None) => (s, b.max(now)),
                (None, None) => (a, b),
            },
            _ => match since {
                Some(s) => (s, now.max(s)),
                None => {
                    return Ok(Histogram::new(
                        0,
                        bucket_s.unwrap_or(60) * 1_000_000,
                        Vec::new(),
                    ));
                }
            },
        },
    };
    let hi = hi.max(lo);
    let bucket_s = bucket_s
        .unwrap_or_else(|| crate::timeline::auto_bucket((hi - lo) / 1_000_000 + 1, max_buckets));
    let bucket_us = bucket_s.max(1) * 1_000_000;
    let start = lo.div_euclid(bucket_us) * bucket_us;
    let n = ((hi - start) / bucket_us + 1) as usize;
    let mut counts = src.bucket_counts(&req.query, req.since, start, bucket_us, n)?;
    // The window's own end: nothing at or after --until is counted.
    if let Some(u) = req.until {
        let last = start + bucket_us * n as i64;
        if u < last {
            let tail = src.count_in(&req.query, Some(u), Some(last))?;
            if let Some(c) = counts.last_mut() {
                *c = c.saturating_sub(tail);
            }
        }
    }
    Ok(Histogram::new(start, bucket_us, counts))
}

/// How often `tail --remote` asks for new events, and how far back each poll looks again:
/// events are searchable a refresh (about a second) after the engine takes them, and a
/// shipper's events may arrive out of order; the overlap catches them, ids de-duplicate.
pub const POLL: Duration = Duration::from_millis(1000);
pub const OVERLAP_US: i64 = 60_000_000;

/// `tail --remote`: the last `last` matching events, then every new one, each once.
pub fn tail(
    src: &RemoteSource,
    req: &Request,
    last: usize,
    format: EventFormat,
    out: &mut dyn Write,
    stop: &dyn Fn() -> bool,
) -> Result<(), SearchOutputError> {
    let mut w = EventWriter::new(out, format);
    let mut first: Vec<(i64, EventRecord)> = Vec::new();
    src.each_hit(&req.query, None, None, true, Some(last), |h| {
        if let (Some(e), Some(rec)) = (from_hit(h, &src.layout), hit_record(h, src)) {
            first.push((e.ts, rec));
        }
        Ok(())
    })?;
    first.reverse();
    // Where following starts: the newest matching event now (shown or not).
    let newest = src.events(&req.query, None, None, true, Some(1))?;
    let mut high = newest.first().map(|e| e.ts);
    // Ids of the overlap window before it: already shown (or before `-n`), never again.
    let mut seen: HashMap<String, i64> = HashMap::new();
    if let Some(h) = high {
        src.each_hit(&req.query, Some(h - OVERLAP_US), None, false, None, |hit| {
            if let (Some(id), Some(e)) = (hit["_id"].as_str(), from_hit(hit, &src.layout)) {
                seen.insert(id.to_string(), e.ts);
            }
            Ok(())
        })?;
    }
    for (_, rec) in &first {
        w.write(rec)?;
    }
    w.flush()?;
    while !stop() {
        std::thread::sleep(POLL);
        let since = high.map(|h| h - OVERLAP_US);
        let mut fresh = Vec::new();
        src.each_hit(&req.query, since, None, false, None, |h| {
            let Some(id) = h["_id"].as_str() else {
                return Ok(());
            };
            if seen.contains_key(id) {
                return Ok(());
            }
            if let (Some(e), Some(rec)) = (from_hit(h, &src.layout), hit_record(h, src)) {
                seen.insert(id.to_string(), e.ts);
                fresh.push((e.ts, rec));
            }
            Ok(())
        })?;
        for (ts, rec) in &fresh {
            high = Some(high.map_or(*ts, |h| h.max(*ts)));
            w.write(rec)?;
        }
        w.flush()?;
        if let Some(h) = high {
            seen.retain(|_, ts| *ts >= h - OVERLAP_US);
        }
    }
    Ok(())
}
