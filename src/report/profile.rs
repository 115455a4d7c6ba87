//! `timberline histogram --profile hour|weekday`: the matching events of a window by hour of
//! day (00–23) or day of week (Mon–Sun) in a zone, beside the same profile of a baseline just
//! before the window, scaled to the window's length, so that a burst at 3 a.m. or a silent
//! business hour stands out.
//!
//! The scaling is per bucket: a bucket's baseline events, divided by the time the baseline
//! spends in that hour (or weekday), times the time the window spends in it. For whole days
//! (whole weeks) this is the baseline's average per day (per week) times the window's days
//! (weeks); it stays right for a window of 36 hours or across a DST change.

use crate::engine::{Engine, EngineError, Request};
use crate::time::Zone;
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

const HOUR_US: i64 = 3_600_000_000;
const DAY_US: i64 = 24 * HOUR_US;
/// The longest window or baseline a profile covers (the zone's offsets are looked up every 6
/// hours of it).
const MAX_SPAN_US: i64 = 100 * 366 * DAY_US;
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Profile {
    /// By hour of day, 00–23.
    Hour,
    /// By day of week, Mon–Sun.
    Weekday,
}

impl Profile {
    pub fn buckets(self) -> usize {
        match self {
            Profile::Hour => 24,
            Profile::Weekday => 7,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Profile::Hour => "hour",
            Profile::Weekday => "weekday",
        }
    }

    /// The bucket of a local time (µs since the local epoch).
    fn bucket(self, local_us: i64) -> usize {
        match self {
            Profile::Hour => local_us.div_euclid(HOUR_US).rem_euclid(24) as usize,
            // 1970-01-01 was a Thursday (3 days after a Monday).
            Profile::Weekday => (local_us.div_euclid(DAY_US) + 3).rem_euclid(7) as usize,
        }
    }

    fn label(self, i: usize) -> String {
        match self {
            Profile::Hour => format!("{i:02}"),
            Profile::Weekday => WEEKDAYS.get(i).copied().unwrap_or("?").to_string(),
        }
    }
}

/// A zone's offsets over a span, as [`Zone::offset_changes`] gives them.
#[derive(Debug, Clone)]
struct Offsets(Arc<[(i64, i64)]>);

impl Offsets {
    fn new(zone: &Zone, lo: i64, hi: i64) -> Offsets {
        Offsets(zone.offset_changes(lo, hi).into())
    }

    /// Local time (µs) of a UTC time in the span (before it: at the span's first offset).
    fn local(&self, t: i64) -> i64 {
        let i = self.0.partition_point(|&(from, _)| from <= t);
        t + self.0[i.saturating_sub(1)].1
    }

    /// Per bucket, the time (µs) that `[lo, hi)` spends in it.
    fn exposure(&self, profile: Profile, lo: i64, hi: i64) -> Vec<i64> {
        let mut out = vec![0; profile.buckets()];
        for (k, &(from, off)) in self.0.iter().enumerate() {
            let to = self.0.get(k + 1).map_or(hi, |&(next, _)| next);
            let (a, b) = (from.max(lo) + off, to.min(hi) + off);
            if a < b {
                spread(profile, a, b, &mut out);
            }
        }
        out
    }
}

/// Adds the time of the local span `[a, b)` to the buckets it crosses: whole periods (a day,
/// a week) to every bucket, the rest bucket by bucket.
fn spread(profile: Profile, a: i64, b: i64, out: &mut [i64]) {
    let width = match profile {
        Profile::Hour => HOUR_US,
        Profile::Weekday => DAY_US,
    };
    let period = width * profile.buckets() as i64;
    let whole = (b - a) / period;
    for e in out.iter_mut() {
        *e += whole * width;
    }
    let mut t = a + whole * period;
    while t < b {
        let next = ((t.div_euclid(width) + 1) * width).min(b);
        out[profile.bucket(t)] += next - t;
        t = next;
    }
}

/// Counts the matching events per bucket of a profile, from the `ts` column.
struct ProfileCollector {
    profile: Profile,
    offsets: Offsets,
}

struct ProfileSegment {
    profile: Profile,
    offsets: Offsets,
    ts: Column<DateTime>,
    counts: Vec<u64>,
    /// Times of a block of hits, read from the column in one call.
    block: Vec<Option<DateTime>>,
}

impl ProfileSegment {
    fn count(&mut self, ts: DateTime) {
        let local = self.offsets.local(ts.into_timestamp_micros());
        self.counts[self.profile.bucket(local)] += 1;
    }
}

impl Collector for ProfileCollector {
    type Fruit = Vec<u64>;
    type Child = ProfileSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<ProfileSegment> {
        Ok(ProfileSegment {
            profile: self.profile,
            offsets: self.offsets.clone(),
            ts: reader.fast_fields().date("ts")?,
            counts: vec![0; self.profile.buckets()],
            block: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<u64>>) -> tantivy::Result<Vec<u64>> {
        let mut out = vec![0; self.profile.buckets()];
        for f in fruits {
            for (o, c) in out.iter_mut().zip(f) {
                *o += c;
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for ProfileSegment {
    type Fruit = Vec<u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(ts) = self.ts.first(doc) {
            self.count(ts);
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        let mut block = std::mem::take(&mut self.block);
        block.clear();
        block.resize(docs.len(), None);
        self.ts.first_vals(docs, &mut block);
        for ts in block.iter().flatten() {
            self.count(*ts);
        }
        self.block = block;
    }

    fn harvest(self) -> Vec<u64> {
        self.counts
    }
}

/// One bucket: events in the window, the baseline's scaled to the window (`None` when the
/// baseline never spends time in this bucket), and their ratio (`None` when that is 0).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Row {
    pub bucket: String,
    pub count: u64,
    pub baseline: Option<f64>,
    pub ratio: Option<f64>,
    /// The baseline's own events in this bucket, unscaled.
    pub baseline_count: u64,
}

/// A window's profile beside its baseline's. Times are µs UTC, `until`s exclusive.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub profile: Profile,
    /// The zone the buckets are in (`local`: the process's, from `TZ`).
    pub zone: String,
    pub since: i64,
    pub until: i64,
    pub baseline_since: i64,
    pub rows: Vec<Row>,
}

/// The profile of `req`'s window (both ends needed) in `zone`, beside that of the
/// `baseline_us` before it (default: as long as the window), under the same query.
pub fn report(
    engine: &Engine,
    req: &Request,
    profile: Profile,
    baseline_us: Option<i64>,
    zone: &Zone,
) -> Result<Report, EngineError> {
    let (Some(since), Some(until)) = (req.since, req.until) else {
        return Err(EngineError::Usage(
            "--profile needs --since: the window whose profile to compare".into(),
        ));
    };
    if until <= since {
        return Err(EngineError::Usage(
            "--profile: --until must be after --since".into(),
        ));
    }
    let length = baseline_us.unwrap_or(until - since);
    if until - since > MAX_SPAN_US || length > MAX_SPAN_US {
        return Err(EngineError::Usage(
            "--profile: the window and the baseline are at most 100 years each".into(),
        ));
    }
    let baseline_since = since.saturating_sub(length);
    let offsets = Offsets::new(zone, baseline_since, until);
    let collector = ProfileCollector { profile, offsets };
    let counts = engine.collect(req, &collector)?;
    let base = Request {
        since: Some(baseline_since),
        until: Some(since),
        ..req.clone()
    };
    let base_counts = engine.collect(&base, &collector)?;
    let in_window = collector.offsets.exposure(profile, since, until);
    let in_base = collector.offsets.exposure(profile, baseline_since, since);
    let rows = (0..profile.buckets())
        .map(|i| {
            let baseline = (in_base[i] > 0)
                .then(|| base_counts[i] as f64 * in_window[i] as f64 / in_base[i] as f64);
            Row {
                bucket: profile.label(i),
                count: counts[i],
                baseline,
                ratio: baseline.filter(|&b| b > 0.0).map(|b| counts[i] as f64 / b),
                baseline_count: base_counts[i],
            }
        })
        .collect();
    Ok(Report {
        profile,
        zone: zone.name(),
        since,
        until,
        baseline_since,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Tz;

    fn at(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_micros()
    }

    #[test]
    fn buckets_are_local_hours_and_monday_first_weekdays() {
        let tokyo = Offsets::new(
            &Zone::Named(Tz::Asia__Tokyo),
            at("2026-10-01T00:00:00Z"),
            at("2026-10-10T00:00:00Z"),
        );
        // 2026-10-04 18:30 UTC is 03:30 on Monday 5 October in Tokyo.
        let t = tokyo.local(at("2026-10-04T18:30:00Z"));
        assert_eq!(Profile::Hour.bucket(t), 3);
        assert_eq!(Profile::Weekday.label(Profile::Weekday.bucket(t)), "Mon");
    }

    #[test]
    fn exposure_counts_whole_days_and_the_rest_and_follows_dst() {
        let utc = Offsets::new(&Zone::Named(Tz::UTC), 0, 10 * DAY_US);
        // 1.5 days from midnight: hours 00–11 twice, 12–23 once.
        let e = utc.exposure(Profile::Hour, 0, DAY_US + DAY_US / 2);
        assert_eq!(e[0], 2 * HOUR_US);
        assert_eq!(e[11], 2 * HOUR_US);
        assert_eq!(e[12], HOUR_US);
        // 1970-01-01 is a Thursday.
        let w = utc.exposure(Profile::Weekday, 0, 8 * DAY_US);
        assert_eq!(w[3], 2 * DAY_US);
        assert_eq!(w.iter().sum::<i64>(), 8 * DAY_US);
        // New York's spring-forward day has no 02:00 hour and 23 hours in all.
        let (lo, hi) = (at("2026-03-08T05:00:00Z"), at("2026-03-09T04:00:00Z"));
        let ny = Offsets::new(&Zone::Named(Tz::America__New_York), lo, hi);
        let e = ny.exposure(Profile::Hour, lo, hi);
        assert_eq!(e[2], 0);
        assert_eq!(e[3], HOUR_US);
        assert_eq!(e.iter().sum::<i64>(), 23 * HOUR_US);
    }
}
