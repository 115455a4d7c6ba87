//! The collector behind `timberline patterns`: per pattern (and per value of a `--by` field),
//! exact counts from the index's `pattern` column, first and last event, levels, and, when asked,
//! the hosts and files it occurs in and its counts over the window's buckets (the sparkline).

use super::values::FieldValues;
use crate::index::schema::Fields;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeSet;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

/// Buckets of `bucket_us` from `lo`: `n` of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spark {
    pub lo: i64,
    pub bucket_us: i64,
    pub n: usize,
}

impl Spark {
    fn slot(&self, ts: i64) -> Option<usize> {
        if ts < self.lo {
            return None;
        }
        let i = ((ts - self.lo) / self.bucket_us.max(1)) as usize;
        (i < self.n).then_some(i)
    }
}

/// Which pattern, under which value of the `--by` field (`None` without `--by`).
pub type Key = (Option<String>, u64);

/// Per pattern: count, first event (time, file, line), last time, levels seen (a bit per
/// ordinal); with details: the hosts and files it occurs in, and its counts per bucket.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stat {
    pub count: u64,
    pub first: (i64, u64, u64),
    pub last: i64,
    pub levels: u32,
    pub hosts: BTreeSet<String>,
    pub files: BTreeSet<u64>,
    pub buckets: Vec<u32>,
}

impl Stat {
    fn merge(&mut self, o: Stat) {
        self.count += o.count;
        self.first = self.first.min(o.first);
        self.last = self.last.max(o.last);
        self.levels |= o.levels;
        self.hosts.extend(o.hosts);
        self.files.extend(o.files);
        if self.buckets.len() < o.buckets.len() {
            self.buckets.resize(o.buckets.len(), 0);
        }
        for (a, b) in self.buckets.iter_mut().zip(o.buckets) {
            *a += b;
        }
    }
}

/// Collects a [`Stat`] per [`Key`].
pub struct PatternStats {
    pub fields: Fields,
    /// Count per value of this field too (events without it are left out).
    pub by: Option<String>,
    /// Collect hosts, files and the sparkline (over these buckets).
    pub details: Option<Spark>,
}

/// One segment's part, keyed by the value code of the `--by` field (0 without one).
pub struct PatternSegment {
    ts: Column<DateTime>,
    file: Column<u64>,
    line: Column<u64>,
    level: Column<u64>,
    pattern: Column<u64>,
    by: Option<FieldValues>,
    hosts: Option<FieldValues>,
    spark: Option<Spark>,
    stats: HashMap<(u32, u64), SegmentStat>,
}

#[derive(Default)]
struct SegmentStat {
    stat: Stat,
    hosts: HashSet<u32>,
    /// The file and host of the pattern's last event: most events of a pattern come in runs
    /// from one file and host, and the sets are not touched for those.
    last_file: Option<u64>,
    last_host: Option<u32>,
}

impl Collector for PatternStats {
    type Fruit = HashMap<Key, Stat>;
    type Child = PatternSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let ff = reader.fast_fields();
        let by = self
            .by
            .as_deref()
            .map(|k| FieldValues::open(reader, self.fields, k))
            .transpose()?;
        let hosts = match self.details {
            Some(_) => Some(FieldValues::open(reader, self.fields, "host")?),
            None => None,
        };
        Ok(PatternSegment {
            ts: ff.date("ts")?,
            file: ff.u64("file")?,
            line: ff.u64("line")?,
            level: ff.u64("level")?,
            pattern: ff.u64("pattern")?,
            by,
            hosts,
            spark: self.details,
            stats: HashMap::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<Key, Stat>>) -> tantivy::Result<Self::Fruit> {
        let mut all: HashMap<Key, Stat> = HashMap::default();
        for f in fruits {
            for (key, s) in f {
                match all.get_mut(&key) {
                    Some(a) => a.merge(s),
                    None => {
                        all.insert(key, s);
                    }
                }
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for PatternSegment {
    type Fruit = HashMap<Key, Stat>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let Some(id) = self.pattern.first(doc) else {
            return;
        };
        let by = match self.by.as_mut() {
            Some(values) => match values.get(doc) {
                Some(code) => code,
                None => return,
            },
            None => 0,
        };
        let ts = self.ts.first(doc).map_or(0, |d| d.into_timestamp_micros());
        let levels = self.level.first(doc).map_or(0, |l| 1u32 << l.min(31));
        let file = self.file.first(doc).unwrap_or(0);
        let e = self.stats.entry((by, id)).or_insert_with(|| SegmentStat {
            stat: Stat {
                first: (i64::MAX, 0, 0),
                last: i64::MIN,
                ..Stat::default()
            },
            ..SegmentStat::default()
        });
        let s = &mut e.stat;
        s.count += 1;
        s.last = s.last.max(ts);
        s.levels |= levels;
        if ts < s.first.0 {
            s.first = (ts, file, self.line.first(doc).unwrap_or(0));
        }
        if let Some(spark) = self.spark {
            if e.last_file != Some(file) {
                s.files.insert(file);
                e.last_file = Some(file);
            }
            if let Some(i) = spark.slot(ts) {
                if s.buckets.len() < spark.n {
                    s.buckets.resize(spark.n, 0);
                }
                s.buckets[i] += 1;
            }
            if let Some(host) = self.hosts.as_mut().and_then(|h| h.get(doc))
                && e.last_host != Some(host)
            {
                e.hosts.insert(host);
                e.last_host = Some(host);
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let mut out = HashMap::with_capacity_and_hasher(self.stats.len(), Default::default());
        for ((by, id), e) in self.stats {
            let mut stat = e.stat;
            if let Some(h) = &self.hosts {
                stat.hosts = e.hosts.into_iter().map(|c| h.name(c)).collect();
            }
            let by = self.by.as_ref().map(|v| v.name(by));
            out.insert((by, id), stat);
        }
        out
    }
}
