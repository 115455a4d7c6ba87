//! Events per file and per host over a window, in one pass: count, first, last, and counts
//! per bucket (for the gap rule of [`crate::timeline::find_gaps`]), and per file
//! the runs of [`clock`] (times going backwards).

use super::clock::{self, Run};
use crate::index::schema::Fields;
use crate::report::values::FieldValues;
use std::collections::HashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

/// One source's events.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub count: u64,
    pub first: i64,
    pub last: i64,
    pub buckets: Vec<u64>,
}

impl Tally {
    fn add(&mut self, t: i64, bucket: Option<usize>, n: usize) {
        if self.count == 0 {
            self.first = t;
            self.last = t;
            self.buckets = vec![0; n];
        }
        self.count += 1;
        self.first = self.first.min(t);
        self.last = self.last.max(t);
        if let Some(b) = bucket.and_then(|b| self.buckets.get_mut(b)) {
            *b += 1;
        }
    }

    fn merge(&mut self, o: Tally) {
        if o.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = o;
            return;
        }
        self.count += o.count;
        self.first = self.first.min(o.first);
        self.last = self.last.max(o.last);
        for (a, b) in self.buckets.iter_mut().zip(o.buckets) {
            *a += b;
        }
    }
}

/// Per file id and per host.
#[derive(Debug, Default)]
pub struct BySource {
    pub files: HashMap<u64, Tally>,
    pub hosts: HashMap<String, Tally>,
    /// Per file id, its runs in file order (one per segment).
    pub runs: HashMap<u64, Vec<Run>>,
}

impl BySource {
    /// A file's steps back in time of more than [`clock::SLACK_US`], and the largest (µs).
    pub fn backwards(&self, file: u64) -> (u64, i64) {
        self.runs
            .get(&file)
            .map_or((0, 0), |r| clock::join(r.clone()))
    }
}

/// Counts matching events per file and per host into `n` buckets of `bucket_us` from
/// `start_us` (`n` of 0: no buckets).
pub struct SourceCollector {
    pub fields: Fields,
    pub start_us: i64,
    pub bucket_us: i64,
    pub n: usize,
}

pub struct SourceSegment {
    ts: tantivy::columnar::Column<DateTime>,
    file: tantivy::columnar::Column<u64>,
    offset: tantivy::columnar::Column<u64>,
    host: FieldValues,
    start_us: i64,
    bucket_us: i64,
    n: usize,
    files: HashMap<u64, Tally>,
    hosts: HashMap<u32, Tally>,
    runs: HashMap<u64, Run>,
}

impl Collector for SourceCollector {
    type Fruit = BySource;
    type Child = SourceSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let ff = reader.fast_fields();
        Ok(SourceSegment {
            ts: ff.date("ts")?,
            file: ff.u64("file")?,
            offset: ff.u64("offset")?,
            host: FieldValues::open(reader, self.fields, "host")?,
            start_us: self.start_us,
            bucket_us: self.bucket_us.max(1),
            n: self.n,
            files: HashMap::new(),
            hosts: HashMap::new(),
            runs: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<BySource>) -> tantivy::Result<BySource> {
        let mut all = BySource::default();
        for f in fruits {
            for (k, t) in f.files {
                all.files.entry(k).or_default().merge(t);
            }
            for (k, t) in f.hosts {
                all.hosts.entry(k).or_default().merge(t);
            }
            for (k, r) in f.runs {
                all.runs.entry(k).or_default().extend(r);
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SourceSegment {
    type Fruit = BySource;

    fn collect(&mut self, doc: DocId, _: Score) {
        let Some(t) = self.ts.first(doc).map(|d| d.into_timestamp_micros()) else {
            return;
        };
        let off = t - self.start_us;
        let bucket = (off >= 0)
            .then(|| (off / self.bucket_us) as usize)
            .filter(|&b| b < self.n);
        if let Some(f) = self.file.first(doc) {
            self.files.entry(f).or_default().add(t, bucket, self.n);
            let off = self.offset.first(doc).unwrap_or(0);
            self.runs
                .entry(f)
                .and_modify(|r| r.add(off, t))
                .or_insert_with(|| Run::new(off, t));
        }
        if let Some(h) = self.host.get(doc) {
            self.hosts.entry(h).or_default().add(t, bucket, self.n);
        }
    }

    fn harvest(self) -> BySource {
        let host = self.host;
        BySource {
            files: self.files,
            hosts: self
                .hosts
                .into_iter()
                .map(|(code, t)| (host.name(code), t))
                .collect(),
            runs: self.runs.into_iter().map(|(f, r)| (f, vec![r])).collect(),
        }
    }
}
