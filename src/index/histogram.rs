//! Counting matching events per time bucket, with gaps.

use crate::timeline::find_gaps;
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
        let d = ts.into_timestamp_micros() - self.start_us;
        if d >= 0
            && let Some(c) = self.counts.get_mut((d / self.bucket_us) as usize)
        {
            *c += 1;
        }
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
