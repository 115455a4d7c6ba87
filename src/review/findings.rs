//! STEP 2 (errors, new patterns, hours against the baseline, out of hours via [`super::hours`]) and STEP 3 (top and bottom
//! patterns, top values, days against the period before), from the existing reports.

use super::Options;
use super::data::{Anomalies, DayRow, FieldTop, HourRow, Pattern, Statistics};
use crate::engine::{Engine, EngineError};
use crate::query::Expr;
use crate::report::patterns::{self, Sort};
use crate::report::profile::{self, Profile};
use crate::report::top;

/// The query of STEP 2's error count.
pub const ERRORS: &str = "level:>=error";
/// The fields whose top values STEP 3 lists (those with values).
pub const FIELDS: [&str; 3] = ["user", "client", "host"];

pub fn anomalies(engine: &Engine, opts: &Options) -> Result<Anomalies, EngineError> {
    let errors_q = crate::query::parse(ERRORS)?;
    let errors_req = opts.request(errors_q);
    let errors = engine.count(&errors_req)? as u64;
    let error_patterns = pattern_list(engine, opts, &errors_req, false, Sort::Count)?;
    let all = opts.request(Expr::All);
    let new_patterns = pattern_list(engine, opts, &all, true, Sort::First)?;
    let p = profile::report(engine, &all, Profile::Hour, None, &opts.zone)?;
    let days = profile::report(engine, &all, Profile::Weekday, None, &opts.zone)?;
    let hours: Vec<HourRow> = p
        .rows
        .into_iter()
        .map(|r| HourRow {
            hour: r.bucket,
            count: r.count,
            baseline: r.baseline,
            ratio: r.ratio,
        })
        .collect();
    let off_hours = super::hours::off_hours(&hours, &days.rows);
    Ok(Anomalies {
        errors,
        error_patterns,
        new_patterns,
        hours,
        zone: p.zone,
        off_hours,
    })
}

pub fn statistics(engine: &Engine, opts: &Options) -> Result<Statistics, EngineError> {
    let all = opts.request(Expr::All);
    let top_patterns = pattern_list(engine, opts, &all, false, Sort::Count)?;
    let bottom_patterns = pattern_list(engine, opts, &all, false, Sort::Rare)?;
    let mut top_values = Vec::new();
    for field in FIELDS {
        let rows = top::report(
            engine,
            &all,
            &top::Options {
                fields: vec![field.to_string()],
                distinct: None,
                bottom: false,
                limit: Some(opts.limit),
                new: false,
                baseline_since: None,
            },
        )?;
        if !rows.is_empty() {
            top_values.push(FieldTop {
                field: field.to_string(),
                values: rows
                    .into_iter()
                    .map(|r| (r.values.join(","), r.count))
                    .collect(),
            });
        }
    }
    Ok(Statistics {
        top_patterns,
        bottom_patterns,
        top_values,
        days: days(engine, opts)?,
    })
}

/// Events per UTC day of the window beside the same day of the period of the same length
/// before it.
fn days(engine: &Engine, opts: &Options) -> Result<Vec<DayRow>, EngineError> {
    const DAY_S: i64 = 86_400;
    let len = opts.until - opts.since;
    let now = engine.histogram(&opts.request(Expr::All), Some(DAY_S), usize::MAX)?;
    let mut prev_req = opts.request(Expr::All);
    prev_req.since = Some(opts.since - len);
    prev_req.until = Some(opts.since);
    let prev = engine.histogram(&prev_req, Some(DAY_S), usize::MAX)?;
    let day = |us: i64| crate::time::format_utc(us)[..10].to_string();
    Ok(now
        .counts
        .iter()
        .enumerate()
        .map(|(i, &count)| {
            let start = now.bucket_start(i);
            let p = start - len;
            let previous = if p >= prev.start_us {
                let j = ((p - prev.start_us) / prev.bucket_us) as usize;
                prev.counts.get(j).copied().unwrap_or(0)
            } else {
                0
            };
            DayRow {
                day: day(start),
                count,
                previous_day: day(p),
                previous,
            }
        })
        .collect())
}

/// Up to `opts.limit` patterns of `req` (new ones only with `new`).
fn pattern_list(
    engine: &Engine,
    opts: &Options,
    req: &crate::engine::Request,
    new: bool,
    sort: Sort,
) -> Result<Vec<Pattern>, EngineError> {
    let rows = patterns::report(
        engine,
        req,
        &patterns::Options {
            sort,
            new,
            baseline_since: None,
            rare: None,
            limit: Some(if new { opts.limit * 5 } else { opts.limit }),
            by: None,
            known: opts.known.clone(),
            now_us: opts.until,
        },
    )?;
    Ok(rows
        .into_iter()
        .map(|r| Pattern {
            id: r.pattern,
            template: if r.key.is_empty() {
                r.template
            } else {
                format!("{}: {}", r.key, r.template)
            },
            count: r.count,
            first: r.first,
            last: r.last,
            levels: r.levels.iter().map(|l| l.to_string()).collect(),
            hosts: r.hosts,
        })
        .collect())
}
