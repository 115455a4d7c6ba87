//! Counting matching events per time bucket, with gaps.

use crate::timeline::find_gaps;
use std::collections::HashMap;
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

/// Counts per bucket of `bucket_us` starting at `start_us` (aligned by the caller).
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub start_us: i64,
    pub bucket_us: i64,
    pub counts: Vec<u64>,
    /// Runs of empty buckets that are gaps: `(first, last)` bucket indexes, inclusive.
    pub gaps: Vec<(usize, usize)>,
}

impl Histogram {
    pub fn new(start_us: i64, bucket_us: i64, counts: Vec<u64>) -> Histogram {
        let gaps = find_gaps(&counts);
        Histogram {
            start_us,
            bucket_us,
            counts,
            gaps,
        }
    }

    pub fn bucket_start(&self, i: usize) -> i64 {
        self.start_us + self.bucket_us * i as i64
    }
}

/// Counts hits into `n` buckets from `start_us`; hits outside are ignored.
pub struct BucketCollector {
    pub start_us: i64,
    pub bucket_us: i64,
    pub n: usize,
}

pub struct BucketSegment {
    ts: tantivy::columnar::Column<DateTime>,
    start_us: i64,
    bucket_us: i64,
    counts: Vec<u64>,
    /// Times of a block of hits, read from the column in one call.
    block: Vec<Option<DateTime>>,
}

impl BucketSegment {
    fn count(&mut self, ts: DateTime) {
        add_to_bucket(
            &mut self.counts,
            self.start_us,
            self.bucket_us,
            ts.into_timestamp_micros(),
            1,
        );
    }
}

/// Adds `k` to the bucket of time `t` (µs) among `counts` from `start_us`; a time outside them
/// is not counted.
fn add_to_bucket(counts: &mut [u64], start_us: i64, bucket_us: i64, t: i64, k: u64) {
    let d = t - start_us;
    if d >= 0
        && let Some(c) = counts.get_mut((d / bucket_us) as usize)
    {
        *c += k;
    }
}

impl Collector for BucketCollector {
    type Fruit = Vec<u64>;
    type Child = BucketSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<BucketSegment> {
        Ok(BucketSegment {
            ts: reader.fast_fields().date("ts")?,
            start_us: self.start_us,
            bucket_us: self.bucket_us,
            counts: vec![0; self.n],
            block: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<u64>>) -> tantivy::Result<Vec<u64>> {
        let mut out = vec![0; self.n];
        for f in fruits {
            for (o, c) in out.iter_mut().zip(f) {
                *o += c;
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for BucketSegment {
    type Fruit = Vec<u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(ts) = self.ts.first(doc) {
            self.count(ts);
        }
    }

    /// Whole blocks of hits (no deletes, no scoring): the column decodes them in one call.
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

const MINUTE_US: i64 = 60_000_000;
/// Longest span of one segment whose minutes are counted (about two years).
const MAX_SEGMENT_MINUTES: i64 = 1 << 20;

/// Events per minute of one segment, nonzero minutes only, in order. Segments never change, so
/// these are computed once and make every later histogram of all events (at whole-minute
/// buckets) cost a few thousand additions instead of a scan of every event's time.
#[derive(Debug, Default)]
pub struct MinuteCounts(Vec<(i64, u32)>);

/// Per-segment [`MinuteCounts`], kept while their segments are searched, and on disk in the
/// index folder when there is one (see [`super::minute_file`]).
#[derive(Default)]
pub struct MinuteCache {
    memory: std::sync::Mutex<HashMap<tantivy::index::SegmentId, Arc<MinuteCounts>>>,
    index_dir: Option<std::path::PathBuf>,
}

impl MinuteCache {
    /// A cache that also keeps its counts in `index_dir`.
    pub fn on_disk(index_dir: &std::path::Path) -> MinuteCache {
        MinuteCache {
            memory: Default::default(),
            index_dir: Some(index_dir.to_path_buf()),
        }
    }

    /// The counts of one segment: from memory, from disk, or computed (and then saved).
    fn segment_counts(
        &self,
        cache: &mut HashMap<tantivy::index::SegmentId, Arc<MinuteCounts>>,
        reader: &SegmentReader,
        ts: &tantivy::columnar::Column<DateTime>,
        live: &std::collections::HashSet<tantivy::index::SegmentId>,
    ) -> Option<Arc<MinuteCounts>> {
        let id = reader.segment_id();
        if let Some(m) = cache.get(&id) {
            return Some(m.clone());
        }
        let name = id.uuid_string();
        let loaded = self
            .index_dir
            .as_deref()
            .and_then(|dir| super::minute_file::load(dir, &name))
            // Counts that do not add up to the segment's events are not its counts.
            .filter(|c| {
                c.iter().map(|&(_, n)| u64::from(n)).sum::<u64>() == u64::from(reader.max_doc())
            })
            .map(MinuteCounts);
        let m = Arc::new(match loaded {
            Some(m) => m,
            None => {
                let m = MinuteCounts::of(ts)?;
                if let Some(dir) = &self.index_dir {
                    let live = live.iter().map(|s| s.uuid_string()).collect();
                    super::minute_file::save(dir, &name, &m.0, &live);
                }
                m
            }
        });
        cache.insert(id, m.clone());
        Some(m)
    }

    /// The first and last minute holding an event, over every event of every segment; `None`
    /// when a segment has deleted documents, events without a time or no minute counts (the
    /// caller then runs [`SpanCollector`]); `Some(None)` when there are no events.
    pub fn minute_span(
        &self,
        searcher: &tantivy::Searcher,
    ) -> tantivy::Result<Option<Option<(i64, i64)>>> {
        let Some(segments) = time_columns(searcher)? else {
            return Ok(None);
        };
        let live = live_segments(searcher);
        let mut cache = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        let mut span: Option<(i64, i64)> = None;
        for (reader, ts) in segments {
            if reader.num_docs() == 0 {
                continue;
            }
            let Some(m) = self.segment_counts(&mut cache, reader, &ts, &live) else {
                return Ok(None);
            };
            let (Some(first), Some(last)) = (m.0.first(), m.0.last()) else {
                continue;
            };
            span = Some(span.map_or((first.0, last.0), |(a, b)| (a.min(first.0), b.max(last.0))));
        }
        Ok(Some(span))
    }

    /// Counts every event of the window `[since, until)` into `n` buckets from `start_us`.
    /// `None` when a segment has deleted documents or events without a time (the caller then
    /// runs [`BucketCollector`]). Whole-minute buckets and windows use the cached minutes.
    pub fn count_every_event(
        &self,
        searcher: &tantivy::Searcher,
        (since, until): (Option<i64>, Option<i64>),
        start_us: i64,
        bucket_us: i64,
        n: usize,
    ) -> tantivy::Result<Option<Vec<u64>>> {
        let whole_minutes = [Some(start_us), Some(bucket_us), since, until]
            .iter()
            .flatten()
            .all(|t| t.rem_euclid(MINUTE_US) == 0);
        let (since, until) = (since.unwrap_or(i64::MIN), until.unwrap_or(i64::MAX));
        let mut counts = vec![0u64; n];
        let mut add = |t: i64, k: u64| {
            if t >= since && t < until {
                add_to_bucket(&mut counts, start_us, bucket_us, t, k);
            }
        };
        let Some(segments) = time_columns(searcher)? else {
            return Ok(None);
        };
        let live = live_segments(searcher);
        let mut cache = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|id, _| live.contains(id));
        for (reader, ts) in segments {
            // Minutes only serve whole-minute buckets and windows; other widths read every time.
            let minutes = whole_minutes
                .then(|| self.segment_counts(&mut cache, reader, &ts, &live))
                .flatten();
            match minutes {
                Some(m) => {
                    for &(minute, k) in &m.0 {
                        add(minute * MINUTE_US, u64::from(k));
                    }
                }
                None => each_time(&ts, |t| add(t, 1)),
            }
        }
        Ok(Some(counts))
    }
}

/// A segment and its time column.
type SegmentTimes<'a> = (&'a SegmentReader, tantivy::columnar::Column<DateTime>);

/// Each segment with its time column; `None` when a segment has deleted documents or events
/// without a time, whose minute counts would not stand for its live events.
fn time_columns(searcher: &tantivy::Searcher) -> tantivy::Result<Option<Vec<SegmentTimes<'_>>>> {
    let mut out = Vec::with_capacity(searcher.segment_readers().len());
    for reader in searcher.segment_readers() {
        let ts = reader.fast_fields().date("ts")?;
        if reader.alive_bitset().is_some()
            || ts.get_cardinality() != tantivy::columnar::Cardinality::Full
        {
            return Ok(None);
        }
        out.push((reader, ts));
    }
    Ok(Some(out))
}

fn live_segments(
    searcher: &tantivy::Searcher,
) -> std::collections::HashSet<tantivy::index::SegmentId> {
    searcher
        .segment_readers()
        .iter()
        .map(|r| r.segment_id())
        .collect()
}

impl MinuteCounts {
    /// `None` for a segment spanning more than [`MAX_SEGMENT_MINUTES`].
    fn of(ts: &tantivy::columnar::Column<DateTime>) -> Option<MinuteCounts> {
        let minute = |t: i64| t.div_euclid(MINUTE_US);
        let lo = minute(ts.values.min_value().into_timestamp_micros());
        let hi = minute(ts.values.max_value().into_timestamp_micros());
        if hi - lo >= MAX_SEGMENT_MINUTES {
            return None;
        }
        let mut dense = vec![0u32; (hi - lo + 1) as usize];
        each_time(ts, |t| {
            // min/max are bounds: a value outside them cannot occur.
            if let Some(c) = dense.get_mut((minute(t) - lo) as usize) {
                *c += 1;
            }
        });
        Some(MinuteCounts(
            dense
                .iter()
                .enumerate()
                .filter(|(_, k)| **k > 0)
                .map(|(i, k)| (lo + i as i64, *k))
                .collect(),
        ))
    }
}

/// Calls `f` with every event's time (µs) of a full time column, decoded in bulk.
fn each_time(ts: &tantivy::columnar::Column<DateTime>, mut f: impl FnMut(i64)) {
    const CHUNK: u32 = 4096;
    let mut buf = vec![DateTime::MIN; CHUNK as usize];
    let rows = ts.values.num_vals();
    let mut row = 0;
    while row < rows {
        let len = CHUNK.min(rows - row) as usize;
        ts.values.get_range(u64::from(row), &mut buf[..len]);
        for t in &buf[..len] {
            f(t.into_timestamp_micros());
        }
        row += len as u32;
    }
}

/// Finds the earliest and latest time among the hits.
pub struct SpanCollector;

pub struct SpanSegment {
    ts: tantivy::columnar::Column<DateTime>,
    span: Option<(i64, i64)>,
}

impl Collector for SpanCollector {
    type Fruit = Option<(i64, i64)>;
    type Child = SpanSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SpanSegment> {
        Ok(SpanSegment {
            ts: reader.fast_fields().date("ts")?,
            span: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Option<(i64, i64)>>) -> tantivy::Result<Option<(i64, i64)>> {
        Ok(fruits
            .into_iter()
            .flatten()
            .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1))))
    }
}

impl SegmentCollector for SpanSegment {
    type Fruit = Option<(i64, i64)>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(ts) = self.ts.first(doc) {
            let t = ts.into_timestamp_micros();
            self.span = Some(self.span.map_or((t, t), |(a, b)| (a.min(t), b.max(t))));
        }
    }

    fn harvest(self) -> Option<(i64, i64)> {
        self.span
    }
}
