//! `timberline patterns`: one row per pattern of the matching events in a window, with exact
//! counts from the index's `pattern` column (not the miner's own counts), first and last
//! seen, levels and a sample event. `--new` keeps the patterns with no event before the window
//! (in the baseline: all earlier history by default).

use super::pattern_stats::{Key, PatternStats, Spark, Stat};
use crate::engine::{Engine, EngineError, Request};
use crate::event::Level;
use crate::output::escape::{escape_controls, escape_json};
use crate::patterns::PatternId;
use crate::patterns::known::{Known, Status};
use crate::time::format_utc;
use std::collections::HashMap;
use std::io::{self, Write};

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
    /// Only patterns with no event in `[baseline_since, since)` (needs `since`), and not
    /// marked in `known`.
    pub new: bool,
    /// Start of the baseline for `new` (`None`: all earlier history).
    pub baseline_since: Option<i64>,
    /// Only patterns with at most this many events in the window.
    pub rare: Option<u64>,
    /// At most this many patterns (per value of `by`).
    pub limit: Option<usize>,
    /// One list per value of this field (patterns new for that value, with `new`).
    pub by: Option<String>,
    /// The reviewed patterns.
    pub known: Known,
    /// The end of the window when the request has none (now), for the sparkline.
    pub now_us: i64,
}

/// Buckets of the sparkline drawn per pattern.
pub const SPARK_BUCKETS: usize = 24;

/// One row of the report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Row {
    pub pattern: String,
    /// The value of the `--by` field this row counts (the `by` column).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// The key the pattern was mined under (program, else format).
    pub key: String,
    pub template: String,
    pub count: u64,
    /// Share of the window's matching events (of those with this `by` value), in percent.
    pub share: f64,
    pub first: String,
    pub last: String,
    pub levels: Vec<&'static str>,
    /// Hosts the pattern's events come from.
    pub hosts: Vec<String>,
    /// Files they are in (as `source`s are shown).
    pub sources: Vec<String>,
    /// Events per bucket of the window ([`SPARK_BUCKETS`] of them, oldest first).
    pub buckets: Vec<u32>,
    /// `noise` or `reviewed` when the pattern is in the known-patterns file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known: Option<&'static str>,
    /// The first event, as `source:line`.
    pub sample: String,
    #[serde(skip)]
    pub first_us: i64,
    #[serde(skip)]
    pub last_us: i64,
}

/// The rows for `req` (its query and window) by `opts`.
pub fn report(engine: &Engine, req: &Request, opts: &Options) -> Result<Vec<Row>, EngineError> {
    if opts.new && req.since.is_none() {
        return Err(EngineError::Usage(
            "--new needs --since: the window whose new patterns to list".into(),
        ));
    }
    let by = opts.by.as_ref().map(|f| f.to_lowercase());
    let spark = match spark_window(engine, req, opts.now_us)? {
        Some(s) => s,
        None => return Ok(Vec::new()),
    };
    let stats = engine.collect(
        req,
        &PatternStats {
            fields: engine.fields(),
            by: by.clone(),
            details: Some(spark),
        },
    )?;
    let mut totals: HashMap<Option<String>, u64> = HashMap::new();
    for ((value, _), s) in &stats {
        *totals.entry(value.clone()).or_default() += s.count;
    }
    let before = match (opts.new, req.since) {
        (true, Some(since)) => {
            let base = Request {
                since: opts.baseline_since,
                until: Some(since),
                ..req.clone()
            };
            Some(engine.collect(
                &base,
                &PatternStats {
                    fields: engine.fields(),
                    by: by.clone(),
                    details: None,
                },
            )?)
        }
        _ => None,
    };
    let miner = engine.pattern_miner();
    let known_of = |id: u64| opts.known.get(&PatternId(id).to_string()).map(|e| e.status);
    let kept: Vec<(Key, Stat)> = stats
        .into_iter()
        .filter(|(key, s)| {
            opts.rare.is_none_or(|k| s.count <= k)
                && before.as_ref().is_none_or(|b| !b.contains_key(key))
                && !(opts.new && known_of(key.1).is_some())
        })
        .collect();
    // Groups (values of `by`) with the most events first, each sorted and cut by itself.
    let mut groups: HashMap<Option<String>, Vec<(u64, Stat)>> = HashMap::new();
    for ((value, id), s) in kept {
        groups.entry(value).or_default().push((id, s));
    }
    let mut order: Vec<Option<String>> = groups.keys().cloned().collect();
    order.sort_by(|a, b| {
        let n = |v: &Option<String>| totals.get(v).copied().unwrap_or(0);
        n(b).cmp(&n(a)).then_with(|| a.cmp(b))
    });
    let mut out = Vec::new();
    for value in order {
        let Some(mut rows) = groups.remove(&value) else {
            continue;
        };
        sort(&mut rows, opts.sort);
        if let Some(n) = opts.limit {
            rows.truncate(n);
        }
        let total = totals.get(&value).copied().unwrap_or(0);
        for (id, s) in rows {
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
            let mut buckets = s.buckets.clone();
            buckets.resize(spark.n, 0);
            out.push(Row {
                pattern: pid.to_string(),
                by: value.clone(),
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
                hosts: s.hosts.iter().cloned().collect(),
                sources: s.files.iter().map(|&f| engine.short_source(f)).collect(),
                buckets,
                known: known_of(id).map(Status::as_str),
                sample: format!("{}:{}", engine.short_source(s.first.1), s.first.2),
                first_us: s.first.0,
                last_us: s.last,
            });
        }
    }
    Ok(out)
}

fn sort(rows: &mut [(u64, Stat)], by: Sort) {
    match by {
        Sort::Count => rows.sort_by_key(|(id, s)| (std::cmp::Reverse(s.count), s.first, *id)),
        Sort::Rare => rows.sort_by_key(|(id, s)| (s.count, s.first, *id)),
        Sort::First => rows.sort_by_key(|(id, s)| (s.first, *id)),
        Sort::Last => rows.sort_by_key(|(id, s)| (std::cmp::Reverse(s.last), s.first, *id)),
    }
}

/// The sparkline's buckets: over the request's window, running to now when it has no end
/// (so a pattern that stopped shows its silence), or over the span of the matching events.
/// `None` when nothing matches.
fn spark_window(engine: &Engine, req: &Request, now_us: i64) -> Result<Option<Spark>, EngineError> {
    let (lo, hi) = match (req.since, req.until) {
        (Some(s), Some(u)) => (s, u),
        (Some(s), None) => (s, now_us.max(s + 1)),
        (since, until) => match engine.collect(req, &crate::index::histogram::SpanCollector)? {
            Some((a, b)) => (since.unwrap_or(a), until.unwrap_or(b + 1)),
            None => return Ok(None),
        },
    };
    let n = SPARK_BUCKETS;
    let width = (hi - lo).max(1);
    Ok(Some(Spark {
        lo,
        bucket_us: (width + n as i64 - 1) / n as i64,
        n,
    }))
}

/// A row's counts per bucket as one line of block characters, each scaled to the row's own
/// busiest bucket; an empty bucket is a blank, so silences show.
pub fn sparkline(buckets: &[u32]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = buckets.iter().copied().max().unwrap_or(0);
    buckets
        .iter()
        .map(|&n| {
            if n == 0 || max == 0 {
                ' '
            } else {
                // 1 → the lowest bar; the busiest → the highest.
                let i = ((u64::from(n) * 8).div_ceil(u64::from(max)) as usize).clamp(1, 8);
                BARS[i - 1]
            }
        })
        .collect()
}

/// A list of names in a cell: the first few and how many more.
fn few(names: &[String], most: usize) -> String {
    match names.len() {
        0 => "-".into(),
        n if n <= most => names.join(","),
        n => format!("{} +{}", names[..most].join(","), n - most),
    }
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
            let by_width = rows
                .iter()
                .filter_map(|r| r.by.as_ref().map(|b| b.chars().count()))
                .max();
            let by_head = by_width
                .map(|w| format!("{:w$}  ", "by"))
                .unwrap_or_default();
            writeln!(
                out,
                "{by_head}{:16}  {:>width$}  {:>6}  {:spark$}  {:20}  {:20}  {:12}  {:20}  template  (sample)",
                "pattern",
                "count",
                "share",
                "over the window",
                "first",
                "last",
                "levels",
                "hosts",
                spark = SPARK_BUCKETS,
            )?;
            for r in rows {
                let by = match (by_width, &r.by) {
                    (Some(w), Some(b)) => {
                        format!("{:w$}  ", escape_controls(b, false))
                    }
                    _ => String::new(),
                };
                let levels = if r.levels.is_empty() {
                    "-".to_string()
                } else {
                    r.levels.join(",")
                };
                let known = r.known.map(|k| format!("[{k}] ")).unwrap_or_default();
                writeln!(
                    out,
                    "{by}{}  {:>width$}  {:>5.1}%  {}  {:20}  {:20}  {:12}  {:20}  {known}{}: {}  ({})",
                    r.pattern,
                    r.count,
                    r.share,
                    sparkline(&r.buckets),
                    short_time(&r.first),
                    short_time(&r.last),
                    levels,
                    escape_controls(&few(&r.hosts, 2), false),
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
                "pattern,by,key,template,count,share,first,last,levels,hosts,sources,known,sample"
            )?;
            for r in rows {
                let cells = [
                    r.pattern.clone(),
                    r.by.clone().unwrap_or_default(),
                    r.key.clone(),
                    r.template.clone(),
                    r.count.to_string(),
                    format!("{:.3}", r.share),
                    r.first.clone(),
                    r.last.clone(),
                    r.levels.join(" "),
                    r.hosts.join(" "),
                    r.sources.join(" "),
                    r.known.unwrap_or_default().to_string(),
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

/// `2026-10-03T09:59:00.000000Z` as `2026-10-03 09:59:00Z`: the table's time columns.
fn short_time(t: &str) -> String {
    match (t.get(..10), t.get(11..19)) {
        (Some(day), Some(time)) if t.len() > 19 => format!("{day} {time}Z"),
        _ => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_scales_to_its_busiest_bucket_and_leaves_silences_blank() {
        assert_eq!(sparkline(&[0, 1, 8, 4, 0]), " ▁█▄ ");
        assert_eq!(sparkline(&[3, 3]), "██");
        assert_eq!(sparkline(&[0, 0]), "  ");
        // One event beside a thousand still shows.
        assert_eq!(sparkline(&[1, 1000]), "▁█");
    }

    #[test]
    fn time_cells_drop_the_fraction_and_the_t() {
        assert_eq!(
            short_time("2026-10-03T09:59:00.000Z"),
            "2026-10-03 09:59:00Z"
        );
        assert_eq!(short_time("-"), "-");
    }
}
