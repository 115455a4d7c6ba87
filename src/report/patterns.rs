//! `timberline patterns`: one row per pattern of the matching events in a window, with exact
//! counts from the index's `pattern` column (not the miner's own counts), first and last
//! seen, levels and a sample event. `--new` keeps the patterns with no event before the window
//! (in the baseline: all earlier history by default).

use crate::engine::{Engine, EngineError, Request};
use crate::event::Level;
use crate::output::escape::{escape_controls, escape_json};
use crate::patterns::PatternId;
use crate::time::format_utc;
use std::collections::HashMap;
use std::io::{self, Write};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

/// Per pattern: count, first and last event (time, file, line), levels seen (bit per ordinal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub count: u64,
    pub first: (i64, u64, u64),
    pub last: i64,
    pub levels: u32,
}

impl Stat {
    fn merge(&mut self, o: &Stat) {
        self.count += o.count;
        self.first = self.first.min(o.first);
        self.last = self.last.max(o.last);
        self.levels |= o.levels;
    }
}

/// Collects a [`Stat`] per pattern id.
pub struct PatternStats;

pub struct PatternSegment {
    ts: Column<DateTime>,
    file: Column<u64>,
    line: Column<u64>,
    level: Column<u64>,
    pattern: Column<u64>,
    stats: HashMap<u64, Stat>,
}

impl Collector for PatternStats {
    type Fruit = HashMap<u64, Stat>;
    type Child = PatternSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let ff = reader.fast_fields();
        Ok(PatternSegment {
            ts: ff.date("ts")?,
            file: ff.u64("file")?,
            line: ff.u64("line")?,
            level: ff.u64("level")?,
            pattern: ff.u64("pattern")?,
            stats: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<u64, Stat>>) -> tantivy::Result<Self::Fruit> {
        let mut all: HashMap<u64, Stat> = HashMap::new();
        for f in fruits {
            for (id, s) in f {
                all.entry(id).and_modify(|a| a.merge(&s)).or_insert(s);
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for PatternSegment {
    type Fruit = HashMap<u64, Stat>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let Some(id) = self.pattern.first(doc) else {
            return;
        };
        let ts = self.ts.first(doc).map_or(0, |d| d.into_timestamp_micros());
        let levels = self.level.first(doc).map_or(0, |l| 1u32 << l.min(31));
        match self.stats.get_mut(&id) {
            Some(s) => {
                s.count += 1;
                s.last = s.last.max(ts);
                s.levels |= levels;
                if ts < s.first.0 {
                    s.first = (
                        ts,
                        self.file.first(doc).unwrap_or(0),
                        self.line.first(doc).unwrap_or(0),
                    );
                }
            }
            None => {
                let first = (
                    ts,
                    self.file.first(doc).unwrap_or(0),
                    self.line.first(doc).unwrap_or(0),
                );
                self.stats.insert(
                    id,
                    Stat {
                        count: 1,
                        first,
                        last: ts,
                        levels,
                    },
                );
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.stats
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Sort {
    /// Most events first.
    Count,
    /// Fewest events first.
    Rare,
    /// Earliest first event first.
    First,
    /// Latest last event first.
    Last,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Jsonl,
    Csv,
}

/// What to list.
#[derive(Debug, Clone)]
pub struct Options {
    pub sort: Sort,
    /// Only patterns with no event in `[baseline_since, since)` (needs `since`).
    pub new: bool,
    /// Start of the baseline for `new` (`None`: all earlier history).
    pub baseline_since: Option<i64>,
    /// Only patterns with at most this many events in the window.
    pub rare: Option<u64>,
    pub limit: Option<usize>,
}

/// One row of the report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Row {
    pub pattern: String,
    /// The key the pattern was mined under (program, else format).
    pub key: String,
    pub template: String,
    pub count: u64,
    /// Share of the window's matching events, in percent.
    pub share: f64,
    pub first: String,
    pub last: String,
    pub levels: Vec<&'static str>,
    /// The first event, as `source:line`.
    pub sample: String,
    #[serde(skip)]
    pub first_us: i64,
    #[serde(skip)]
    pub last_us: i64,
}

/// The rows for `req` (its query and window) by `opts`.
pub fn report(engine: &Engine, req: &Request, opts: &Options) -> Result<Vec<Row>, EngineError> {
    let stats = engine.collect(req, &PatternStats)?;
    let total: u64 = stats.values().map(|s| s.count).sum();
    let before = match (opts.new, req.since) {
        (true, Some(since)) => {
            let base = Request {
                since: opts.baseline_since,
                until: Some(since),
                ..req.clone()
            };
            Some(engine.collect(&base, &PatternStats)?)
        }
        (true, None) => {
            return Err(EngineError::Usage(
                "--new needs --since: the window whose new patterns to list".into(),
            ));
        }
        _ => None,
    };
    let miner = engine.pattern_miner();
    let mut rows: Vec<(u64, Stat)> = stats
        .into_iter()
        .filter(|(id, s)| {
            opts.rare.is_none_or(|k| s.count <= k)
                && before.as_ref().is_none_or(|b| !b.contains_key(id))
        })
        .collect();
    match opts.sort {
        Sort::Count => rows.sort_by_key(|(id, s)| (std::cmp::Reverse(s.count), s.first, *id)),
        Sort::Rare => rows.sort_by_key(|(id, s)| (s.count, s.first, *id)),
        Sort::First => rows.sort_by_key(|(id, s)| (s.first, *id)),
        Sort::Last => rows.sort_by_key(|(id, s)| (std::cmp::Reverse(s.last), s.first, *id)),
    }
    if let Some(n) = opts.limit {
        rows.truncate(n);
    }
    Ok(rows
        .into_iter()
        .map(|(id, s)| {
            let pid = PatternId(id);
            let (key, template) = miner
                .as_ref()
                .and_then(|m| m.template(pid))
                .map(|t| (t.key.to_string(), t.text))
                .unwrap_or_default();
            let levels = (0..32u64)
                .filter(|l| s.levels & (1 << l) != 0)
                .filter_map(Level::from_ordinal)
                .map(|l| l.as_str())
                .collect();
            Row {
                pattern: pid.to_string(),
                key,
                template,
                count: s.count,
                share: if total == 0 {
                    0.0
                } else {
                    100.0 * s.count as f64 / total as f64
                },
                first: format_utc(s.first.0),
                last: format_utc(s.last),
                levels,
                sample: format!("{}:{}", engine.short_source(s.first.1), s.first.2),
                first_us: s.first.0,
                last_us: s.last,
            }
        })
        .collect())
}

/// Writes the rows: an aligned table for people (escaped), jsonl or csv for programs.
pub fn write(out: &mut dyn Write, rows: &[Row], format: Format) -> io::Result<()> {
    match format {
        Format::Text => {
            let width = rows
                .iter()
                .map(|r| r.count.to_string().len())
                .max()
                .unwrap_or(5)
                .max(5);
            writeln!(
                out,
                "{:16}  {:>width$}  {:>6}  {:27}  {:27}  {:12}  template  (sample)",
                "pattern", "count", "share", "first", "last", "levels"
            )?;
            for r in rows {
                let levels = if r.levels.is_empty() {
                    "-".to_string()
                } else {
                    r.levels.join(",")
                };
                writeln!(
                    out,
                    "{}  {:>width$}  {:>5.1}%  {:27}  {:27}  {:12}  {}: {}  ({})",
                    r.pattern,
                    r.count,
                    r.share,
                    r.first,
                    r.last,
                    levels,
                    escape_controls(&r.key, false),
                    escape_controls(&r.template, false),
                    escape_controls(&r.sample, false),
                )?;
            }
            Ok(())
        }
        Format::Jsonl => {
            for r in rows {
                let text = serde_json::to_string(r).map_err(io::Error::other)?;
                writeln!(out, "{}", escape_json(&text))?;
            }
            Ok(())
        }
        Format::Csv => {
            writeln!(
                out,
                "pattern,key,template,count,share,first,last,levels,sample"
            )?;
            for r in rows {
                let cells = [
                    r.pattern.clone(),
                    r.key.clone(),
                    r.template.clone(),
                    r.count.to_string(),
                    format!("{:.3}", r.share),
                    r.first.clone(),
                    r.last.clone(),
                    r.levels.join(" "),
                    r.sample.clone(),
                ];
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
