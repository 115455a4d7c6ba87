//! The events of a time window (`--since`/`--until`, the explorer's windows), found through a
//! summary of each segment's time column: the least and greatest time of every block of
//! [`BLOCK`] events. A segment is a few runs of events in time order (a file's lines), so nearly
//! every block lies wholly inside or outside a window and only the blocks on its edges are
//! decoded. (tantivy's range query on a fast field decodes the whole column of every segment:
//! 7 M values for each window on 1 GB of logs.) Summaries are built once per segment and
//! process, since segments never change.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, LazyLock, Mutex};
use tantivy::columnar::{Cardinality, Column};
use tantivy::index::SegmentId;
use tantivy::query::{ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DateTime, DocId, Score, SegmentReader};
use tantivy::{DocSet, TERMINATED};

/// Events per summarised block.
const BLOCK: u32 = 1024;
/// Summaries kept at most (a long follow session merges segments); beyond, they are rebuilt.
const MAX_SUMMARIES: usize = 4096;

/// (least, greatest) time of each block of a segment's time column, in µs.
type Summary = Arc<Vec<(i64, i64)>>;

static SUMMARIES: LazyLock<Mutex<HashMap<SegmentId, Summary>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Events whose time is in `[since, until)` (µs UTC; `None`: unbounded).
#[derive(Debug, Clone)]
pub struct TimeWindowQuery {
    pub since: Option<i64>,
    pub until: Option<i64>,
}

impl Query for TimeWindowQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl TimeWindowQuery {
    fn contains(&self, t: i64) -> bool {
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u)
    }

    /// The matching documents of one segment, as ascending runs of document ids.
    fn ranges(&self, reader: &SegmentReader) -> tantivy::Result<Vec<Range<DocId>>> {
        let ts = reader.fast_fields().date("ts")?;
        let mut out = Ranges::default();
        if ts.get_cardinality() != Cardinality::Full {
            // Not written by us (every event has a time); read each document's time.
            for doc in 0..reader.max_doc() {
                if ts
                    .first(doc)
                    .is_some_and(|t| self.contains(t.into_timestamp_micros()))
                {
                    out.push(doc..doc + 1);
                }
            }
            return Ok(out.0);
        }
        let summary = summary(reader.segment_id(), &ts);
        let (lo, hi) = (
            self.since.unwrap_or(i64::MIN),
            self.until.unwrap_or(i64::MAX),
        );
        let rows = ts.values.num_vals();
        let mut buf = vec![DateTime::MIN; BLOCK as usize];
        for (b, &(least, greatest)) in summary.iter().enumerate() {
            let start = b as u32 * BLOCK;
            let end = (start + BLOCK).min(rows);
            if greatest < lo || least >= hi {
                continue;
            }
            if least >= lo && greatest < hi {
                out.push(start..end);
                continue;
            }
            let block = &mut buf[..(end - start) as usize];
            ts.values.get_range(u64::from(start), block);
            for (row, t) in (start..end).zip(block.iter()) {
                if self.contains(t.into_timestamp_micros()) {
                    out.push(row..row + 1);
                }
            }
        }
        Ok(out.0)
    }
}

impl Weight for TimeWindowQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ConstScorer::new(
            RangesDocSet::new(self.ranges(reader)?),
            boost,
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) == doc {
            Ok(Explanation::new("TimeWindowQuery", 1.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} is outside the time window"
            )))
        }
    }
}

/// The summary of a segment's (full) time column, from the cache or built now.
fn summary(segment: SegmentId, ts: &Column<DateTime>) -> Summary {
    let mut cache = SUMMARIES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(s) = cache.get(&segment) {
        return s.clone();
    }
    let rows = ts.values.num_vals();
    let mut buf = vec![DateTime::MIN; BLOCK as usize];
    let mut blocks = Vec::with_capacity(rows.div_ceil(BLOCK) as usize);
    let mut start = 0;
    while start < rows {
        let end = (start + BLOCK).min(rows);
        let block = &mut buf[..(end - start) as usize];
        ts.values.get_range(u64::from(start), block);
        let micros = block.iter().map(|t| t.into_timestamp_micros());
        let least = micros.clone().min().unwrap_or(i64::MAX);
        let greatest = micros.max().unwrap_or(i64::MIN);
        blocks.push((least, greatest));
        start = end;
    }
    if cache.len() >= MAX_SUMMARIES {
        cache.clear();
    }
    let s = Arc::new(blocks);
    cache.insert(segment, s.clone());
    s
}

/// Ascending, non-overlapping runs, adjacent ones joined.
#[derive(Default)]
struct Ranges(Vec<Range<DocId>>);

impl Ranges {
    fn push(&mut self, r: Range<DocId>) {
        match self.0.last_mut() {
            Some(last) if last.end == r.start => last.end = r.end,
            _ => self.0.push(r),
        }
    }
}

/// The documents of ascending runs of ids.
struct RangesDocSet {
    ranges: Vec<Range<DocId>>,
    /// The run holding `doc`.
    at: usize,
    doc: DocId,
    len: u32,
}

impl RangesDocSet {
    fn new(ranges: Vec<Range<DocId>>) -> RangesDocSet {
        let len = ranges.iter().map(|r| r.end - r.start).sum();
        let doc = ranges.first().map_or(TERMINATED, |r| r.start);
        RangesDocSet {
            ranges,
            at: 0,
            doc,
            len,
        }
    }
}

impl DocSet for RangesDocSet {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.doc += 1;
        if self.doc >= self.ranges[self.at].end {
            self.at += 1;
            self.doc = self.ranges.get(self.at).map_or(TERMINATED, |r| r.start);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        // The first run that ends after the target.
        self.at += self.ranges[self.at..].partition_point(|r| r.end <= target);
        self.doc = self
            .ranges
            .get(self.at)
            .map_or(TERMINATED, |r| r.start.max(target));
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::{Ranges, RangesDocSet};
    use tantivy::{DocSet, TERMINATED};

    fn docs(mut set: RangesDocSet) -> Vec<u32> {
        let mut out = Vec::new();
        while set.doc() != TERMINATED {
            out.push(set.doc());
            set.advance();
        }
        out
    }

    #[test]
    fn runs_are_joined_and_walked_in_order() {
        let mut r = Ranges::default();
        for range in [2..4, 4..5, 7..8, 9..12] {
            r.push(range);
        }
        assert_eq!(r.0, vec![2..5, 7..8, 9..12]);
        assert_eq!(docs(RangesDocSet::new(r.0)), vec![2, 3, 4, 7, 9, 10, 11]);
        assert_eq!(docs(RangesDocSet::new(Vec::new())), Vec::<u32>::new());
    }

    #[test]
    fn seek_lands_on_the_first_document_at_or_after_the_target() {
        let mut set = RangesDocSet::new(vec![2..5, 7..8, 9..12]);
        assert_eq!(set.seek(1), 2);
        assert_eq!(set.seek(3), 3);
        assert_eq!(set.seek(5), 7);
        assert_eq!(set.seek(10), 10);
        assert_eq!(set.advance(), 11);
        assert_eq!(set.seek(12), TERMINATED);
        assert_eq!(set.seek(TERMINATED), TERMINATED);
        assert_eq!(set.size_hint(), 7);
    }
}
