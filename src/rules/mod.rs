//! Watch rules (`rules.toml`): which events, how many, per what key, when, and what to do.
//! [`eval`] is the pure core (events in event-time order → alerts); this module feeds it from
//! the engine: [`history`] for `check` (and `watch`'s catch-up), [`watch::Watch`] per round;
//! [`tally`] counts what they would do over one window (the explorer's rules pane);
//! [`fresh`] lists the new patterns of what no ignore rule matches (`check --new-patterns`).

pub mod action;
pub mod config;
pub mod eval;
pub mod fresh;
pub mod state;
pub mod tally;
pub mod watch;
pub mod when;

use crate::engine::{Engine, EngineError, Request};
use crate::output::events::EventRecord;
use crate::query::Expr;
use config::{Rule, Source};
use eval::{Input, Sample};

/// The longest event text an alert carries.
const MAX_TEXT: usize = 2000;

/// Each rule's query as an expression: its own, a saved query's, or `pattern:ID`.
pub fn resolve(
    rules: &[Rule],
    saved: &[crate::app::saved::SavedQuery],
) -> Result<Vec<Expr>, EngineError> {
    rules
        .iter()
        .map(|r| match &r.source {
            Source::Query(q) => Ok(crate::query::parse(q)?),
            Source::Pattern(p) => Ok(crate::query::parse(&format!("pattern:{p}"))?),
            Source::Saved(name) => saved
                .iter()
                .find(|q| &q.name == name)
                .ok_or_else(|| {
                    EngineError::Usage(format!("rule {:?}: no saved query named {name:?}", r.name))
                })
                .and_then(|q| q.expr().map_err(EngineError::from)),
        })
        .collect()
}

/// The value of `by` in an event: host, program, level, source, or any extracted field.
pub fn key_of(rec: &EventRecord, by: &str) -> String {
    let v = match by {
        "host" => rec.host.clone(),
        "program" => rec.program.clone(),
        "level" => rec.level.map(str::to_string),
        "source" => Some(rec.source.clone()),
        _ => rec
            .fields
            .get(by)
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)),
    };
    v.unwrap_or_default()
}

/// An event matched by rule number `rule` as the evaluator's input.
pub fn input_of(rule: usize, r: &Rule, rec: &EventRecord) -> Input {
    let mut text: String = rec.text.chars().take(MAX_TEXT).collect();
    if text.len() < rec.text.len() {
        text.push('…');
    }
    Input::Event {
        rule,
        key: r.by.as_deref().map(|b| key_of(rec, b)),
        sample: Sample {
            ts: rec.ts_us,
            source: rec.short_source.clone(),
            line: rec.line,
            text,
        },
    }
}

/// Puts inputs in event-time order (ties: source, line, rule), ticks last among equals.
pub fn sort_inputs(inputs: &mut [Input]) {
    inputs.sort_by(|a, b| {
        let k = |i: &Input| match i {
            Input::Event { rule, sample, .. } => {
                (sample.ts, 0, sample.source.clone(), sample.line, *rule)
            }
            Input::Tick(t) => (*t, 1, String::new(), 0, 0),
        };
        k(a).cmp(&k(b))
    });
}

/// The rules' inputs from the index for events at or after `since`, in order and ending with
/// a tick at the last event of any kind (the clock of event time), and that last time.
pub fn history(
    engine: &Engine,
    rules: &[Rule],
    exprs: &[Expr],
    since: Option<i64>,
) -> Result<(Vec<Input>, Option<i64>), EngineError> {
    history_within(engine, rules, exprs, &Expr::All, since)
}

/// [`history`] of the events `filter` lets through (the explorer's view): each rule's query
/// ANDed with it, and the clock the last event it lets through.
pub fn history_within(
    engine: &Engine,
    rules: &[Rule],
    exprs: &[Expr],
    filter: &Expr,
    since: Option<i64>,
) -> Result<(Vec<Input>, Option<i64>), EngineError> {
    let within = |q: &Expr| match filter {
        Expr::All => q.clone(),
        f => Expr::And(vec![f.clone(), q.clone()]),
    };
    let mut inputs = Vec::new();
    for (i, (r, q)) in rules.iter().zip(exprs).enumerate() {
        let req = Request {
            query: within(q),
            since,
            ..Request::default()
        };
        let hits = engine.search(&req)?;
        for chunk in hits.chunks(1024) {
            inputs.extend(engine.records(chunk).iter().map(|rec| input_of(i, r, rec)));
        }
    }
    let last = engine
        .search(&Request {
            query: filter.clone(),
            since,
            limit: Some(1),
            reverse: true,
            ..Request::default()
        })?
        .first()
        .map(|h| h.ts);
    inputs.extend(last.map(Input::Tick));
    sort_inputs(&mut inputs);
    Ok((inputs, last))
}

/// Evaluates the history since the saved position (or `since` without one), moving the
/// position past the last event.
pub fn check(
    engine: &Engine,
    rules: &[Rule],
    exprs: &[Expr],
    saved: &mut state::Saved,
    since: Option<i64>,
) -> Result<Vec<eval::Alert>, EngineError> {
    let since = saved.position.or(since);
    let (inputs, last) = history(engine, rules, exprs, since)?;
    let alerts = eval::run(rules, &mut saved.eval, &inputs);
    if let Some(last) = last {
        saved.position = Some(saved.position.unwrap_or(i64::MIN).max(last + 1));
    }
    Ok(alerts)
}
