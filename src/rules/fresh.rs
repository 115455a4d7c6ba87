//! `check --new-patterns`: the logcheck "rest". The patterns whose first event is in the
//! checked window (none before it, not marked in known.toml), counted over the events no
//! ignore rule matches; each is reported like an alert.

use crate::engine::{Engine, EngineError, Request};
use crate::patterns::known::Known;
use crate::query::Expr;
use crate::report::patterns::{self, Row, Sort};

/// One new pattern, as `check` prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPattern {
    pub row: Row,
    /// The text of its first event in the window.
    pub first_text: String,
}

/// The events of the "rest": every event no ignore rule matches.
pub fn rest(ignore: &[Expr]) -> Expr {
    match ignore {
        [] => Expr::All,
        _ => Expr::And(
            ignore
                .iter()
                .map(|e| Expr::Not(Box::new(e.clone())))
                .collect(),
        ),
    }
}

/// The new patterns of the rest in `[since, until)`; `since` `None`: from the first event.
pub fn new_patterns(
    engine: &Engine,
    ignore: &[Expr],
    known: &Known,
    since: Option<i64>,
    until: Option<i64>,
) -> Result<Vec<NewPattern>, EngineError> {
    let query = rest(ignore);
    let first = |q: &Expr, since: Option<i64>| {
        engine.search(&Request {
            query: q.clone(),
            since,
            until,
            limit: Some(1),
            ..Request::default()
        })
    };
    let since = match since {
        Some(s) => s,
        None => match first(&Expr::All, None)?.first() {
            Some(h) => h.ts,
            None => return Ok(Vec::new()),
        },
    };
    let req = Request {
        query: query.clone(),
        since: Some(since),
        until,
        ..Request::default()
    };
    let opts = patterns::Options {
        sort: Sort::First,
        new: true,
        baseline_since: None,
        rare: None,
        limit: None,
        by: None,
        known: known.clone(),
        now_us: until.unwrap_or(since + 1),
    };
    let rows = patterns::report(engine, &req, &opts)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let q = Expr::And(vec![
            query.clone(),
            crate::query::parse(&format!("pattern:{}", row.pattern))?,
        ]);
        let hits = first(&q, Some(since))?;
        let first_text = engine
            .records(&hits)
            .first()
            .map(|r| r.text.chars().take(super::MAX_TEXT).collect())
            .unwrap_or_default();
        out.push(NewPattern { row, first_text });
    }
    Ok(out)
}

/// A new pattern as a text line, like an alert's.
pub fn text(p: &NewPattern) -> String {
    use crate::output::escape::escape_controls;
    let r = &p.row;
    format!(
        "{} NEW new pattern {} {}: {} events, first {}: {}\n",
        r.first,
        r.pattern,
        escape_controls(&r.template, false),
        r.count,
        r.sample,
        escape_controls(&p.first_text, false)
    )
}

/// A new pattern as a JSON line (`rule: "new-pattern"`).
pub fn json_line(p: &NewPattern) -> String {
    let r = &p.row;
    let v = serde_json::json!({
        "rule": "new-pattern",
        "pattern": r.pattern,
        "template": r.template,
        "count": r.count,
        "first": r.first,
        "sample": r.sample,
        "text": p.first_text,
    });
    let mut s = crate::output::escape::escape_json(&v.to_string()).into_owned();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rest_leaves_out_every_ignore_rule() {
        assert_eq!(rest(&[]), Expr::All);
        let a = crate::query::parse("CRON").unwrap();
        assert_eq!(
            rest(std::slice::from_ref(&a)),
            Expr::And(vec![Expr::Not(Box::new(a))])
        );
    }
}
