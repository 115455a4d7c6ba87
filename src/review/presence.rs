//! STEP 1, are the logs there: per file and host, first and last event, events per day,
//! gaps (the histogram's rule), sources that stopped, files with no timestamps.

use super::Options;
use super::data::{Backwards, Presence, Source, Span};
use super::sources::{BySource, SourceCollector, Tally};
use crate::app::data::SourceInfo;
use crate::engine::{Engine, EngineError, Request};
use crate::query::Expr;
use crate::time::format_utc;
use crate::timeline::find_gaps;

/// At most this many buckets over the window for the gap rule (7 days: 10-minute buckets).
const GAP_BUCKETS: usize = 2000;
const DAY_US: f64 = 86_400e6;

pub fn presence(engine: &Engine, opts: &Options) -> Result<Presence, EngineError> {
    let req = opts.request(Expr::All);
    let span_s = (opts.until - opts.since) / 1_000_000;
    let bucket_s = crate::timeline::auto_bucket(span_s, GAP_BUCKETS);
    let h = engine.histogram(&req, Some(bucket_s), GAP_BUCKETS)?;
    let spans = |gaps: &[(usize, usize)]| -> Vec<Span> {
        gaps.iter()
            .map(|&(a, b)| {
                let start = h.bucket_start(a).max(opts.since);
                let end = h.bucket_start(b + 1).min(opts.until);
                span(start, end)
            })
            .collect()
    };
    // The window's own gaps as the real silences: from the last event before each to the
    // first after it (a 45-minute silence is not a 30-minute run of 10-minute buckets).
    let silences = |gaps: &[(usize, usize)]| -> Result<Vec<Span>, EngineError> {
        let mut out = Vec::new();
        for &(a, b) in gaps {
            let from = h.bucket_start(a);
            let to = h.bucket_start(b + 1);
            let edge = |since: Option<i64>, until: Option<i64>, reverse: bool| {
                let r = Request {
                    since,
                    until,
                    limit: Some(1),
                    reverse,
                    ..req.clone()
                };
                engine.search(&r).map(|hits| hits.first().map(|x| x.ts))
            };
            let before = edge(Some(opts.since), Some(from), true)?;
            let after = edge(Some(to), Some(opts.until), false)?;
            out.push(span(
                before.unwrap_or(opts.since).max(opts.since),
                after.unwrap_or(opts.until).min(opts.until),
            ));
        }
        Ok(out)
    };
    let collector = SourceCollector {
        fields: engine.fields(),
        start_us: h.start_us,
        bucket_us: h.bucket_us,
        n: h.counts.len(),
    };
    let now = engine.collect(&req, &collector)?;
    let before = engine.collect(
        &Request {
            since: None,
            until: Some(opts.since),
            ..req.clone()
        },
        &SourceCollector { n: 0, ..collector },
    )?;
    let days = (opts.until - opts.since) as f64 / DAY_US;
    let source = |name: String, format: Option<String>, t: Option<&Tally>, old: Option<&Tally>| {
        let mut gaps = t.map(|t| find_gaps(&t.buckets)).unwrap_or_default();
        let at_end = gaps.last().is_some_and(|&(_, b)| b + 1 == h.counts.len());
        // Before a source's first event in the window there is no silence of its own: it
        // began there (a new file, or the next one of a rotation).
        if gaps.first().is_some_and(|&(a, _)| a == 0) {
            gaps.remove(0);
        }
        let stopped = match t {
            Some(_) => at_end,
            None => old.is_some(),
        };
        let last_ever = t.or(old).map(|t| t.last);
        Source {
            name,
            format,
            events: t.map_or(0, |t| t.count),
            per_day: t.map_or(0.0, |t| t.count as f64 / days.max(1e-9)),
            first: t.map(|t| format_utc(t.first)),
            last: t.map(|t| format_utc(t.last)),
            gaps: spans(&gaps),
            stopped,
            last_ever: last_ever.filter(|_| stopped).map(format_utc),
            backwards: None,
            clock_offset_minutes: None,
            invalid_utf8: 0,
            cut_lines: 0,
        }
    };
    let mut files: Vec<Source> = file_ids(&now, &before)
        .into_iter()
        .map(|id| {
            let state = engine.files().get(id);
            let live =
                state.is_none_or(|s| crate::source::family::family_of(&s.path).generation == 0);
            let mut s = source(
                engine.short_source(id),
                state.map(|s| s.format.clone()),
                now.files.get(&id),
                before.files.get(&id),
            );
            // A rotated file ends where the next one begins: that is not a source stopping,
            // nor a gap.
            if !live && s.stopped {
                s.gaps.pop();
            }
            s.stopped &= live;
            s.last_ever = s.last_ever.filter(|_| s.stopped);
            s.clock_offset_minutes = state.and_then(clock_offset).map(|us| us / 60_000_000);
            if let Some(g) = state.map(|s| s.garbled) {
                (s.invalid_utf8, s.cut_lines) = (g.invalid_utf8, g.cut);
            }
            let (events, largest_us) = now.backwards(id);
            s.backwards = (events > 0).then_some(Backwards {
                events,
                largest_minutes: largest_us / 60_000_000,
            });
            s
        })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let mut names: Vec<&String> = now.hosts.keys().chain(before.hosts.keys()).collect();
    names.sort();
    names.dedup();
    let hosts = names
        .into_iter()
        .map(|n| source(n.clone(), None, now.hosts.get(n), before.hosts.get(n)))
        .collect();
    let mut untimed: Vec<String> = engine
        .files()
        .iter()
        .filter(|f| f.format == "text")
        .map(|f| engine.short_source(f.id))
        .collect();
    untimed.sort();
    Ok(Presence {
        events: h.counts.iter().sum(),
        bucket_seconds: bucket_s,
        gaps: silences(&h.gaps)?,
        files,
        hosts,
        untimed,
        notes: vec![format!(
            "gaps by the histogram's rule over {bucket_s}-second buckets (those of all sources \
             from the last event before to the first after); a source stopped when it had \
             events and ends in such a gap (rotated files excepted: they end where the next \
             one begins)"
        )],
    })
}

/// The explorer's rule ([`SourceInfo::zone_offset`]) on the file's last event ever and its
/// modification time (µs).
fn clock_offset(f: &crate::index::checkpoint::FileState) -> Option<i64> {
    SourceInfo {
        events: f.events,
        last: f.max_ts,
        mtime: Some(f.mtime_ns / 1000),
        ..SourceInfo::default()
    }
    .zone_offset()
}

fn span(start: i64, end: i64) -> Span {
    Span {
        start: format_utc(start),
        end: format_utc(end),
        minutes: (end - start) / 60_000_000,
    }
}

/// The files with events in the window or before it.
fn file_ids(now: &BySource, before: &BySource) -> Vec<u64> {
    let mut ids: Vec<u64> = now
        .files
        .keys()
        .chain(before.files.keys())
        .copied()
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}
