//! `timberline top FIELD...`: the most (or least) frequent values of a field, or of a tuple of
//! fields, among the matching events of a window, with exact counts; `--distinct F` counts the
//! distinct values of F per value. Read from the index: `level` from its column, other fields
//! from their `key=value` terms (lowercased, as indexed) and long integers from their `num`
//! column (see `index::numbers`). Events without the field are not counted.

use super::values::FieldValues;
use crate::engine::{Engine, EngineError, Request};
use crate::index::schema::Fields;
use crate::output::escape::{escape_controls, escape_json};
use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Per value tuple: events, and the distinct values of the `--distinct` field.
pub type Counts = HashMap<Vec<String>, (u64, HashSet<String>)>;

/// Counts the value tuples of `keys` (and the distinct values of `distinct`).
pub struct TopCollector {
    pub fields: Fields,
    pub keys: Vec<String>,
    pub distinct: Option<String>,
}

pub struct TopSegment {
    values: Vec<FieldValues>,
    distinct: Option<FieldValues>,
    /// Per tuple of value codes: events and distinct codes.
    counts: HashMap<Vec<u32>, (u64, HashSet<u32>)>,
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
        Ok(TopSegment {
            values,
            distinct,
            counts: HashMap::new(),
            key: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut all = Counts::new();
        for f in fruits {
            for (k, (n, set)) in f {
                let e = all.entry(k).or_default();
                e.0 += n;
                e.1.extend(set);
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
        let e = match self.counts.get_mut(&self.key[..]) {
            Some(e) => e,
            None => self.counts.entry(self.key.clone()).or_default(),
        };
        e.0 += 1;
        if let Some(d) = d {
            e.1.insert(d);
        }
    }

    fn harvest(self) -> Counts {
        let mut out = Counts::with_capacity(self.counts.len());
        for (key, (n, set)) in self.counts {
            let names = key
                .iter()
                .zip(&self.values)
                .map(|(&c, v)| v.name(c))
                .collect();
            let distinct = match &self.distinct {
                Some(d) => set.into_iter().map(|c| d.name(c)).collect(),
                None => HashSet::new(),
            };
            out.insert(names, (n, distinct));
        }
        out
    }
}

/// One row: the values (one per field), events, share of the counted events, distinct count.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Row {
    pub values: Vec<String>,
    pub count: u64,
    pub share: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distinct: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub fields: Vec<String>,
    pub distinct: Option<String>,
    /// Least frequent first.
    pub bottom: bool,
    pub limit: Option<usize>,
}

pub fn report(engine: &Engine, req: &Request, opts: &Options) -> Result<Vec<Row>, EngineError> {
    let collector = TopCollector {
        fields: engine.fields(),
        keys: opts.fields.iter().map(|f| f.to_lowercase()).collect(),
        distinct: opts.distinct.as_ref().map(|f| f.to_lowercase()),
    };
    let counts = engine.collect(req, &collector)?;
    let total: u64 = counts.values().map(|(n, _)| n).sum();
    let mut rows: Vec<Row> = counts
        .into_iter()
        .map(|(values, (count, set))| Row {
            values,
            count,
            share: if total == 0 {
                0.0
            } else {
                100.0 * count as f64 / total as f64
            },
            distinct: opts.distinct.as_ref().map(|_| set.len() as u64),
        })
        .collect();
    // With --distinct the rows rank by distinct values (one client trying many accounts).
    let rank = |r: &Row| r.distinct.unwrap_or(r.count);
    if opts.bottom {
        rows.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.values.cmp(&b.values)));
    } else {
        rows.sort_by(|a, b| rank(b).cmp(&rank(a)).then_with(|| a.values.cmp(&b.values)));
    }
    if let Some(n) = opts.limit {
        rows.truncate(n);
    }
    Ok(rows)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Jsonl,
    Csv,
}

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
                .map(|d| format!("  {:>8}", format!("{d}s")))
                .unwrap_or_default();
            writeln!(
                out,
                "{:>width$}  {:>6}{distinct}  {}",
                "count",
                "share",
                opts.fields.join(" ")
            )?;
            for r in rows {
                let d = r.distinct.map(|d| format!("  {d:>8}")).unwrap_or_default();
                let values: Vec<String> = r
                    .values
                    .iter()
                    .map(|v| escape_controls(v, false).into_owned())
                    .collect();
                writeln!(
                    out,
                    "{:>width$}  {:>5.1}%{d}  {}",
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
