//! Running a compiled query: hits in time order (ties: source path, then line), counts.

use super::text::FileTable;
use super::time_window::TimeWindowQuery;
use crate::event::Level;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

/// One matching event, as the index knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub ts: i64,
    pub file: u64,
    pub line: u64,
    pub offset: u64,
    pub len: u64,
    pub level: Option<Level>,
    /// The event's pattern id (`patterns::PatternId`).
    pub pattern: Option<u64>,
    pub segment: SegmentOrdinal,
    pub doc: DocId,
}

/// The shared sort order: time, then source path, then line.
pub type SortKey = (i64, u32, u64);

/// Ranks of files by path, so that ties in time sort by source.
pub fn path_ranks(files: &FileTable) -> Arc<HashMap<u64, u32>> {
    let mut v: Vec<_> = files.iter().map(|f| (f.path.clone(), f.id)).collect();
    v.sort();
    Arc::new(
        v.into_iter()
            .enumerate()
            .map(|(rank, (_, id))| (id, rank as u32))
            .collect(),
    )
}

/// Restricts `query` to `[since, until)` (µs UTC).
pub fn within_window(
    query: Box<dyn Query>,
    since: Option<i64>,
    until: Option<i64>,
) -> Box<dyn Query> {
    if since.is_none() && until.is_none() {
        return query;
    }
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, query),
        (Occur::Must, Box::new(TimeWindowQuery { since, until })),
    ]))
}

/// Collects hits; with a limit, keeps only the first (or last, `reverse`) `limit` in time order.
pub struct HitCollector {
    pub limit: Option<usize>,
    pub reverse: bool,
    pub ranks: Arc<HashMap<u64, u32>>,
}

impl HitCollector {
    fn key(&self, h: &Hit) -> SortKey {
        (
            h.ts,
            self.ranks.get(&h.file).copied().unwrap_or(u32::MAX),
            h.line,
        )
    }

    /// Sorts hits in output order and applies the limit.
    fn finish(&self, mut hits: Vec<Hit>) -> Vec<Hit> {
        hits.sort_by_key(|h| self.key(h));
        if self.reverse {
            hits.reverse();
        }
        if let Some(n) = self.limit {
            hits.truncate(n);
        }
        hits
    }
}

pub struct HitSegment {
    segment: SegmentOrdinal,
    ts: tantivy::columnar::Column<DateTime>,
    file: tantivy::columnar::Column<u64>,
    line: tantivy::columnar::Column<u64>,
    offset: tantivy::columnar::Column<u64>,
    len: tantivy::columnar::Column<u64>,
    level: tantivy::columnar::Column<u64>,
    pattern: tantivy::columnar::Column<u64>,
    limit: Option<usize>,
    reverse: bool,
    ranks: Arc<HashMap<u64, u32>>,
    all: Vec<Hit>,
    /// With a limit: the best `limit` hits so far, worst on top.
    heap: BinaryHeap<(SortKeyOrd, Hit)>,
}

/// A sort key ordered so that the heap's top is the hit to drop first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum SortKeyOrd {
    Asc(SortKey),
    Desc(Reverse<SortKey>),
}

impl PartialOrd for Hit {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Hit {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.segment, self.doc).cmp(&(other.segment, other.doc))
    }
}

impl Collector for HitCollector {
    type Fruit = Vec<Hit>;
    type Child = HitSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<HitSegment> {
        let ff = reader.fast_fields();
        Ok(HitSegment {
            segment,
            ts: ff.date("ts")?,
            file: ff.u64("file")?,
            line: ff.u64("line")?,
            offset: ff.u64("offset")?,
            len: ff.u64("len")?,
            level: ff.u64("level")?,
            pattern: ff.u64("pattern")?,
            limit: self.limit,
            reverse: self.reverse,
            ranks: self.ranks.clone(),
            all: Vec::new(),
            heap: BinaryHeap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Hit>>) -> tantivy::Result<Vec<Hit>> {
        Ok(self.finish(fruits.into_iter().flatten().collect()))
    }
}

impl SegmentCollector for HitSegment {
    type Fruit = Vec<Hit>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let ts = self.ts.first(doc).map_or(0, |d| d.into_timestamp_micros());
        // With a full heap, a hit whose time alone ranks it after the worst kept one cannot get
        // in: skip reading its other columns (this is most hits of a long, unfiltered view).
        if let (Some(limit), Some((top, _))) = (self.limit, self.heap.peek())
            && self.heap.len() >= limit
        {
            let worse = match top {
                SortKeyOrd::Asc(k) => ts > k.0,
                SortKeyOrd::Desc(Reverse(k)) => ts < k.0,
            };
            if worse {
                return;
            }
        }
        let hit = Hit {
            ts,
            file: self.file.first(doc).unwrap_or(0),
            line: self.line.first(doc).unwrap_or(0),
            offset: self.offset.first(doc).unwrap_or(0),
            len: self.len.first(doc).unwrap_or(0),
            level: self.level.first(doc).and_then(Level::from_ordinal),
            pattern: self.pattern.first(doc),
            segment: self.segment,
            doc,
        };
        let Some(limit) = self.limit else {
            self.all.push(hit);
            return;
        };
        let key = (
            hit.ts,
            self.ranks.get(&hit.file).copied().unwrap_or(u32::MAX),
            hit.line,
        );
        let ord = if self.reverse {
            SortKeyOrd::Desc(Reverse(key))
        } else {
            SortKeyOrd::Asc(key)
        };
        if self.heap.len() < limit {
            self.heap.push((ord, hit));
        } else if self.heap.peek().is_some_and(|(top, _)| ord < *top) {
            self.heap.pop();
            self.heap.push((ord, hit));
        }
    }

    fn harvest(self) -> Vec<Hit> {
        if self.limit.is_some() {
            self.heap.into_iter().map(|(_, h)| h).collect()
        } else {
            self.all
        }
    }
}
