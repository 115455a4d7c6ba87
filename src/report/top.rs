//! `timberline top FIELD...`: the most (or least) frequent values of a field, or of a tuple of
//! fields, among the matching events of a window, with exact counts; `--distinct F` counts the
//! distinct values of F per value. Read from the index: `level` from its column, other fields
//! from their `key=value` terms (lowercased, as indexed) and long integers from their `num`
//! column (see `index::numbers`). Events without the field are not counted.
//!
//! `--new` keeps the values (tuples) that occur in the window and never in the baseline before
//! it (a second run of the collector over `[baseline_since, since)`, as `patterns --new` does),
//! each with its first time in the window.

use super::values::FieldValues;
use crate::engine::{Engine, EngineError, Request};
use crate::index::schema::Fields;
use crate::output::escape::{escape_controls, escape_json};
use crate::time::format_utc;
// Fx hashing: with a value per client address, hashing the keys was a seventh of `top client`.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::io::{self, Write};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

/// What is known of one value tuple: its events, the distinct values of the `--distinct`
/// field (codes of a segment, or names once merged), and its first event's time (µs, when
/// asked for).
#[derive(Debug, Clone)]
pub struct Tally<D> {
    pub count: u64,
    pub distinct: HashSet<D>,
    pub first: Option<i64>,
}

impl<D> Default for Tally<D> {
    fn default() -> Self {
        Tally {
            count: 0,
            distinct: HashSet::default(),
            first: None,
        }
    }
}

impl<D: std::hash::Hash + Eq> Tally<D> {
    fn merge(&mut self, o: Tally<D>) {
        self.count += o.count;
        self.distinct.extend(o.distinct);
        self.first = min_time(self.first, o.first);
    }
}

/// The earlier of two times, either unknown.
fn min_time(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    a.into_iter().chain(b).min()
}

/// Per value tuple, its [`Tally`].
pub type Counts = HashMap<Vec<String>, Tally<String>>;

/// Counts the value tuples of `keys` (and the distinct values of `distinct`).
pub struct TopCollector {
    pub fields: Fields,
    pub keys: Vec<String>,
    pub distinct: Option<String>,
    /// Also keep each tuple's first time (reads the `ts` column).
    pub first_seen: bool,
}

pub struct TopSegment {
    values: Vec<FieldValues>,
    distinct: Option<FieldValues>,
    ts: Option<Column<DateTime>>,
    /// Per tuple of value codes.
    counts: HashMap<Vec<u32>, Tally<u32>>,
    key: Vec<u32>,
}

impl Collector for TopCollector {
    type Fruit = Counts;
    type Child = TopSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<TopSegment> {
        let values = self
            .keys
            .iter()
            .map(|k| FieldValues::open(reader, self.fields, k))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let distinct = self
            .distinct
            .as_deref()
            .map(|k| FieldValues::open(reader, self.fields, k))
            .transpose()?;
        let ts = if self.first_seen {
            Some(reader.fast_fields().date("ts")?)
        } else {
            None
        };
        Ok(TopSegment {
            values,
            distinct,
            ts,
            counts: HashMap::default(),
            key: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, mut fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        // Into the largest segment's map: the others' keys are mostly already in it, and it
        // is not grown (and rehashed) from empty.
        fruits.sort_by_key(|f| std::cmp::Reverse(f.len()));
        let mut rest = fruits.into_iter();
        let mut all = rest.next().unwrap_or_default();
        for f in rest {
            for (k, t) in f {
                match all.get_mut(&k) {
                    Some(a) => a.merge(t),
                    None => {
                        all.insert(k, t);
                    }
                }
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for TopSegment {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.key.clear();
        for v in &mut self.values {
            match v.get(doc) {
                Some(code) => self.key.push(code),
                None => return,
            }
        }
        let d = self.distinct.as_mut().and_then(|d| d.get(doc));
        let ts = self
            .ts
            .as_ref()
            .and_then(|c| c.first(doc))
            .map(DateTime::into_timestamp_micros);
        let e = match self.counts.get_mut(&self.key[..]) {
            Some(e) => e,
            None => self.counts.entry(self.key.clone()).or_default(),
        };
        e.count += 1;
        if let Some(d) = d {
            e.distinct.insert(d);
        }
        e.first = min_time(e.first, ts);
    }

    fn harvest(self) -> Counts {
        let mut out = Counts::with_capacity_and_hasher(self.counts.len(), Default::default());
        for (key, t) in self.counts {
            let names = key
                .iter()
                .zip(&self.values)
                .map(|(&c, v)| v.name(c))
                .collect();
            let distinct = match &self.distinct {
                Some(d) => t.distinct.into_iter().map(|c| d.name(c)).collect(),
                None => HashSet::default(),
            };
            out.insert(
                names,
                Tally {
                    count: t.count,
                    distinct,
                    first: t.first,
                },
            );
        }
        out
    }
}

/// One row: the values (one per field), events, share of the counted events, distinct count,
/// and with `--new` the first event's time in the window (µs).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub values: Vec<String>,
    pub count: u64,
    pub share: f64,
    pub distinct: Option<u64>,
    pub first: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub fields: Vec<String>,
    pub distinct: Option<String>,
    /// Least frequent first.
    pub bottom: bool,
    pub limit: Option<usize>,
    /// Only tuples with no event in `[baseline_since, since)` (needs `since`).
    pub new: bool,
    /// Start of the baseline for `new` (`None`: all earlier history).
    pub baseline_since: Option<i64>,
}

pub fn report(engine: &Engine, req: &Request, opts: &Options) -> Result<Vec<Row>, EngineError> {
    let keys: Vec<String> = opts.fields.iter().map(|f| f.to_lowercase()).collect();
    let baseline = match (opts.new, req.since) {
        (false, _) => None,
        (true, Some(since)) => Some(Request {
            since: opts.baseline_since,
            until: Some(since),
            ..req.clone()
        }),
        (true, None) => {
            return Err(EngineError::Usage(
                "--new needs --since: the window whose new values to list".into(),
            ));
        }
    };
    let collector = TopCollector {
        fields: engine.fields(),
        keys: keys.clone(),
        distinct: opts.distinct.as_ref().map(|f| f.to_lowercase()),
        first_seen: opts.new,
    };
    let mut counts = engine.collect(req, &collector)?;
    let total: u64 = counts.values().map(|t| t.count).sum();
    if let Some(base) = baseline {
        let seen = engine.collect(
            &base,
            &TopCollector {
                fields: engine.fields(),
                keys,
                distinct: None,
                first_seen: false,
            },
        )?;
        counts.retain(|values, _| !seen.contains_key(values));
    }
    let mut rows: Vec<Row> = counts
        .into_iter()
        .map(|(values, t)| Row {
            values,
            count: t.count,
            share: if total == 0 {
                0.0
            } else {
                100.0 * t.count as f64 / total as f64
            },
            distinct: opts.distinct.as_ref().map(|_| t.distinct.len() as u64),
            first: t.first.filter(|_| opts.new),
        })
        .collect();
    // With --distinct the rows rank by distinct values (one client trying many accounts).
    let rank = |r: &Row| r.distinct.unwrap_or(r.count);
    let order = |a: &Row, b: &Row| {
        let by_rank = if opts.bottom {
            rank(a).cmp(&rank(b))
        } else {
            rank(b).cmp(&rank(a))
        };
        by_rank.then_with(|| a.values.cmp(&b.values))
    };
    // Only the rows shown are sorted: the first `limit` are selected in linear time (a field
    // with a million values is not sorted whole for twenty of them).
    if let Some(n) = opts.limit
        && n < rows.len()
    {
        if n == 0 {
            rows.clear();
        } else {
            rows.select_nth_unstable_by(n - 1, order);
            rows.truncate(n);
        }
    }
    rows.sort_by(order);
    Ok(rows)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Jsonl,
    Csv,
}

/// Writes the rows: an aligned table for people (escaped), jsonl or csv for programs; with
/// `--new`, each row's first time in the window (`first_seen`).
pub fn write(out: &mut dyn Write, rows: &[Row], opts: &Options, format: Format) -> io::Result<()> {
    match format {
        Format::Text => {
            let width = rows
                .iter()
                .map(|r| r.count.to_string().len())
                .max()
                .unwrap_or(5)
                .max(5);
            let distinct = opts
                .distinct
                .as_ref()
                .map(|d| format!("  {:>8}", format!("{}s", escape_controls(d, false))))
                .unwrap_or_default();
            let first = if opts.new {
                format!("  {:27}", "first seen")
            } else {
                String::new()
            };
            writeln!(
                out,
                "{:>width$}  {:>6}{distinct}{first}  {}",
                "count",
                "share",
                escape_controls(&opts.fields.join(" "), false)
            )?;
            for r in rows {
                let d = r.distinct.map(|d| format!("  {d:>8}")).unwrap_or_default();
                let first = match (opts.new, r.first) {
                    (true, Some(t)) => format!("  {:27}", format_utc(t)),
                    (true, None) => format!("  {:27}", "-"),
                    (false, _) => String::new(),
                };
                let values: Vec<String> = r
                    .values
                    .iter()
                    .map(|v| escape_controls(v, false).into_owned())
                    .collect();
                writeln!(
                    out,
                    "{:>width$}  {:>5.1}%{d}{first}  {}",
                    r.count,
                    r.share,
                    values.join(" ")
                )?;
            }
            Ok(())
        }
        Format::Jsonl => {
            for r in rows {
                let mut obj = serde_json::Map::new();
                for (f, v) in opts.fields.iter().zip(&r.values) {
                    obj.insert(f.clone(), serde_json::Value::String(v.clone()));
                }
                obj.insert("count".into(), r.count.into());
                obj.insert("share".into(), r.share.into());
                if let (Some(f), Some(d)) = (&opts.distinct, r.distinct) {
                    obj.insert(format!("distinct_{f}"), d.into());
                }
                if let Some(t) = r.first {
                    obj.insert("first_seen".into(), format_utc(t).into());
                }
                let text = serde_json::to_string(&obj).map_err(io::Error::other)?;
                writeln!(out, "{}", escape_json(&text))?;
            }
            Ok(())
        }
        Format::Csv => {
            let mut head: Vec<String> = opts.fields.clone();
            head.push("count".into());
            head.push("share".into());
            if let Some(f) = &opts.distinct {
                head.push(format!("distinct_{f}"));
            }
            if opts.new {
                head.push("first_seen".into());
            }
            let head: Vec<String> = head
                .iter()
                .map(|c| crate::output::events::csv_cell(c))
                .collect();
            writeln!(out, "{}", head.join(","))?;
            for r in rows {
                let mut cells = r.values.clone();
                cells.push(r.count.to_string());
                cells.push(format!("{:.3}", r.share));
                if let Some(d) = r.distinct {
                    cells.push(d.to_string());
                }
                if opts.new {
                    cells.push(r.first.map(format_utc).unwrap_or_default());
                }
                let row: Vec<String> = cells
                    .iter()
                    .map(|c| crate::output::events::csv_cell(c))
                    .collect();
                writeln!(out, "{}", row.join(","))?;
            }
            Ok(())
        }
    }
}
