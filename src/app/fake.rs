//! An in-memory [`LogSource`] for tests, with a small matcher for the query language.

use super::data::{
    EventKey, LogEvent, LogSource, PATTERN_BUCKETS, PatternRow, Query, SetSource, SourceError, Span,
};
use crate::config::edit::Setting;
use crate::event::Level;
use crate::query::Expr;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// A file's format and zone as the config sets them.
pub type Set = (Option<String>, Option<String>);

/// Events in time order.
pub struct Fake {
    pub events: Vec<LogEvent>,
    /// Format and zone set per path by the sources pane (as the config file would hold them).
    pub settings: RefCell<BTreeMap<String, Set>>,
    /// Files under `/logs` the index left out (the span's `unread`).
    pub unread: Vec<super::data::Unread>,
    /// The span's files, under `/logs` (the events' paths).
    pub files: Vec<String>,
}

impl Fake {
    /// `n` events one a minute from `start_us`, alternating two sources, every 7th an error,
    /// with nothing in `hole` (minutes, half-open).
    pub fn minutes(start_us: i64, n: usize, hole: std::ops::Range<usize>) -> Fake {
        let events = (0..n)
            .filter(|i| !hole.contains(i))
            .map(|i| {
                let level = if i % 7 == 3 {
                    Level::Error
                } else {
                    Level::Info
                };
                let msg = format!("request {i} {}", if i % 5 == 0 { "login" } else { "ok" });
                LogEvent {
                    ts: start_us + i as i64 * 60_000_000,
                    file: (i % 2) as u64,
                    line: i as u64 + 1,
                    source: ["web01/syslog", "db01/auth.log"][i % 2].to_string(),
                    path: ["/logs/web01/syslog", "/logs/db01/auth.log"][i % 2].to_string(),
                    level: Some(level),
                    host: Some(["web01", "db01"][i % 2].to_string()),
                    program: Some("app".into()),
                    text: format!("raw {msg}"),
                    message: msg,
                    ..LogEvent::default()
                }
            })
            .collect();
        Fake {
            events,
            settings: RefCell::default(),
            unread: Vec::new(),
            files: vec!["db01/auth.log".into(), "web01/syslog".into()],
        }
    }

    fn matching<'a>(
        &'a self,
        q: &'a Expr,
        since: Option<i64>,
    ) -> impl Iterator<Item = &'a LogEvent> + 'a {
        self.events
            .iter()
            .filter(move |e| since.is_none_or(|s| e.ts >= s) && matches(q, e))
    }
}

/// A fake event's pattern: its message with digit runs as `<num>`.
pub fn template_of(e: &LogEvent) -> String {
    let mut out = String::new();
    let mut in_num = false;
    for c in e.message.chars() {
        if c.is_ascii_digit() {
            if !in_num {
                out.push_str("<num>");
            }
            in_num = true;
        } else {
            in_num = false;
            out.push(c);
        }
    }
    out
}

/// A fake event's pattern id: 16 hex digits of its template's hash.
pub fn pattern_of(e: &LogEvent) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    template_of(e).hash(&mut h);
    format!("{:016x}", h.finish())
}

/// Whether `e` matches `q` (words and phrases: case-insensitive substrings of the text).
pub fn matches(q: &Expr, e: &LogEvent) -> bool {
    let text = e.text.to_lowercase();
    match q {
        Expr::All => true,
        Expr::Term { field: None, value } => {
            text.contains(&value.trim_end_matches('*').to_lowercase())
        }
        Expr::Phrase {
            field: None,
            text: t,
        } => text.contains(&t.to_lowercase()),
        Expr::Term {
            field: Some(f),
            value,
        }
        | Expr::Phrase {
            field: Some(f),
            text: value,
        } => match f.as_str() {
            "level" => e.level.map(Level::as_str) == Some(value.as_str()),
            "host" => e.host.as_deref() == Some(value.as_str()),
            "source" | "file" => value.ends_with(&e.source) || e.source.contains(value.as_str()),
            "pattern" => pattern_of(e) == *value,
            _ => false,
        },
        Expr::Range { field, lo, .. } if field == "level" => {
            let min = lo.as_ref().and_then(|b| Level::parse(&b.value));
            matches!((e.level, min), (Some(l), Some(m)) if l >= m)
        }
        Expr::Range { .. } => false,
        Expr::Regex { pattern } => regex::Regex::new(pattern).is_ok_and(|r| r.is_match(&e.text)),
        Expr::And(v) => v.iter().all(|x| matches(x, e)),
        Expr::Or(v) => v.iter().any(|x| matches(x, e)),
        Expr::Not(x) => !matches(x, e),
    }
}

impl LogSource for Fake {
    fn around(
        &self,
        q: &Query,
        at: Option<i64>,
        before: usize,
        after: usize,
    ) -> Result<Vec<LogEvent>, SourceError> {
        let all: Vec<&LogEvent> = self.matching(&q.filter, q.since).collect();
        let split = match at {
            Some(t) => all.partition_point(|e| e.ts < t),
            None if before > 0 => all.len(),
            None => 0,
        };
        let lo = split.saturating_sub(before);
        let hi = (split + after).min(all.len());
        Ok(all[lo..hi]
            .iter()
            .map(|e| {
                let mut e = (*e).clone();
                e.hit = q.search.as_ref().is_some_and(|s| matches(s, &e));
                e
            })
            .collect())
    }

    fn histogram(
        &self,
        filter: &Expr,
        since: Option<i64>,
        start_us: i64,
        bucket_us: i64,
        buckets: usize,
    ) -> Result<Vec<u64>, SourceError> {
        let mut counts = vec![0; buckets];
        for e in self.matching(filter, since) {
            if e.ts >= start_us {
                let i = ((e.ts - start_us) / bucket_us) as usize;
                if let Some(c) = counts.get_mut(i) {
                    *c += 1;
                }
            }
        }
        Ok(counts)
    }

    fn count(&self, q: &Expr, since: Option<i64>) -> Result<usize, SourceError> {
        Ok(self.matching(q, since).count())
    }

    fn keys(
        &self,
        q: &Expr,
        since: Option<i64>,
        at: i64,
        forward: bool,
        limit: usize,
    ) -> Result<Vec<EventKey>, SourceError> {
        let all = self.matching(q, since).map(LogEvent::key);
        Ok(if forward {
            all.filter(|k| k.ts >= at).take(limit).collect()
        } else {
            let mut v: Vec<_> = all.filter(|k| k.ts <= at).collect();
            v.reverse();
            v.truncate(limit);
            v
        })
    }

    fn rule_inputs(
        &self,
        rules: &[crate::rules::config::Rule],
        exprs: &[Expr],
        filter: &Expr,
        since: Option<i64>,
    ) -> Result<Vec<crate::rules::eval::Input>, SourceError> {
        use crate::rules::eval::{Input, Sample};
        let mut inputs = Vec::new();
        for (i, (r, q)) in rules.iter().zip(exprs).enumerate() {
            let q = super::data::and(filter.clone(), q.clone());
            inputs.extend(self.matching(&q, since).map(|e| Input::Event {
                rule: i,
                key: r.by.as_deref().map(|b| {
                    match b {
                        "host" => e.host.clone().unwrap_or_default(),
                        "program" => e.program.clone().unwrap_or_default(),
                        "source" => e.source.clone(),
                        f => e
                            .fields
                            .get(f)
                            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                            .unwrap_or_default(),
                    }
                }),
                sample: Sample {
                    ts: e.ts,
                    source: e.source.clone(),
                    line: e.line,
                    text: e.text.clone(),
                },
            }));
        }
        inputs.extend(
            self.matching(filter, since)
                .last()
                .map(|e| Input::Tick(e.ts)),
        );
        crate::rules::sort_inputs(&mut inputs);
        Ok(inputs)
    }

    fn patterns(&self, filter: &Expr, since: Option<i64>) -> Result<Vec<PatternRow>, SourceError> {
        let events: Vec<&LogEvent> = self.matching(filter, since).collect();
        let (Some(first), Some(last)) = (events.first(), events.last()) else {
            return Ok(Vec::new());
        };
        let lo = since.unwrap_or(first.ts);
        let bucket =
            ((last.ts + 1 - lo).max(1) + PATTERN_BUCKETS as i64 - 1) / PATTERN_BUCKETS as i64;
        let mut rows: BTreeMap<String, PatternRow> = BTreeMap::new();
        for e in events {
            let row = rows.entry(pattern_of(e)).or_insert_with(|| PatternRow {
                id: pattern_of(e),
                key: e.program.clone().unwrap_or_default(),
                template: template_of(e),
                first: e.key(),
                buckets: vec![0; PATTERN_BUCKETS],
                ..PatternRow::default()
            });
            row.count += 1;
            row.last_us = e.ts;
            let i = (((e.ts - lo) / bucket) as usize).min(PATTERN_BUCKETS - 1);
            row.buckets[i] += 1;
        }
        let mut rows: Vec<PatternRow> = rows.into_values().collect();
        rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.first.cmp(&b.first)));
        Ok(rows)
    }

    fn values(
        &self,
        filter: &Expr,
        since: Option<i64>,
        field: &str,
        bottom: bool,
        limit: usize,
    ) -> Result<Vec<(String, u64)>, SourceError> {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for e in self.matching(filter, since) {
            let v = match field {
                "level" => e.level.map(|l| l.as_str().to_string()),
                "host" => e.host.clone(),
                "program" => e.program.clone(),
                f => e.fields.get(f).map(|v| match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                }),
            };
            if let Some(v) = v {
                *counts.entry(v.to_lowercase()).or_default() += 1;
            }
        }
        let mut rows: Vec<(String, u64)> = counts.into_iter().collect();
        if bottom {
            rows.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        } else {
            rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        }
        rows.truncate(limit);
        Ok(rows)
    }

    fn span(&self) -> Span {
        Span {
            first: self.events.first().map(|e| e.ts),
            last: self.events.last().map(|e| e.ts),
            sources: 2,
            events: self.events.len() as u64,
            notes: Vec::new(),
            files: self
                .files
                .iter()
                .map(|p| {
                    let path = format!("/logs/{p}");
                    let (set_format, set_zone) = self
                        .settings
                        .borrow()
                        .get(&path)
                        .cloned()
                        .unwrap_or_default();
                    super::data::SourceInfo {
                        format: set_format.clone().unwrap_or_else(|| "rfc3164".into()),
                        zone: set_zone.clone().unwrap_or_else(|| "UTC".into()),
                        path,
                        events: (self.events.len() / 2) as u64,
                        first: self.events.first().map(|e| e.ts),
                        last: self.events.last().map(|e| e.ts),
                        set_format,
                        set_zone,
                        mtime: None,
                    }
                })
                .collect(),
            unread: self.unread.clone(),
            roots: vec!["/logs".into()],
            formats: crate::format::builtin_names().map(str::to_string).collect(),
        }
    }

    fn set_source(&self, r: &SetSource) -> Result<(Span, String), SourceError> {
        self.apply(r)
    }
}

impl Fake {
    /// What the worker does for the sources pane: the setting is recorded (as the config file
    /// would record it) and the file counts as read again.
    fn apply(&self, r: &SetSource) -> Result<(Span, String), SourceError> {
        if r.path.contains("unwritable") {
            return Err(SourceError::Unavailable(format!(
                "/cfg/config.toml: cannot write: {}",
                r.describe()
            )));
        }
        let mut map = self.settings.borrow_mut();
        let entry = map.entry(r.path.clone()).or_default();
        match r.setting {
            Setting::Format => entry.0 = r.value.clone(),
            Setting::Zone => entry.1 = r.value.clone(),
        }
        if *entry == (None, None) {
            map.remove(&r.path);
        }
        drop(map);
        Ok((self.span(), format!("{}; re-read 1 file", r.describe())))
    }
}

/// Applies `a`, then serves every effect with `src` and applies the answers, until quiet.
pub fn settle(s: &mut super::AppState, src: &dyn LogSource, a: super::Action) {
    let mut queue = super::update(s, a);
    let mut n = 0;
    while !queue.is_empty() && n < 100 {
        n += 1;
        let answer = super::serve(src, queue.remove(0));
        queue.extend(super::update(s, answer));
    }
}
