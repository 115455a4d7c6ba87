//! [`LogSource`] over the tantivy [`Engine`].

use super::data::{
    EventKey, LogEvent, LogSource, PATTERN_BUCKETS, PatternRow, Query, SourceError, SourceInfo,
    Span, Unread, and,
};
use crate::engine::{Engine, Request};
use crate::index::search::Hit;
use crate::query::Expr;
use std::collections::HashSet;

/// Most hits marked in one loaded window.
const MAX_MARKED: usize = 10_000;

fn request(query: Expr, since: Option<i64>) -> Request {
    Request {
        query,
        since,
        ..Request::default()
    }
}

/// A query the engine refuses is the user's to fix; anything else is the logs' trouble.
fn engine_error(e: crate::engine::EngineError) -> SourceError {
    match e {
        crate::engine::EngineError::Usage(m) => SourceError::Query(m),
        other => SourceError::Unavailable(other.to_string()),
    }
}

fn key(h: &Hit) -> EventKey {
    EventKey {
        ts: h.ts,
        file: h.file,
        line: h.line,
    }
}

impl LogSource for Engine {
    fn around(
        &self,
        q: &Query,
        at: Option<i64>,
        before: usize,
        after: usize,
    ) -> Result<Vec<LogEvent>, SourceError> {
        let mut hits = Vec::new();
        if before > 0 {
            let mut req = request(q.filter.clone(), q.since);
            req.until = at;
            req.limit = Some(before);
            req.reverse = true;
            hits = self.search(&req).map_err(engine_error)?;
            hits.reverse();
        }
        if after > 0 {
            let mut req = request(q.filter.clone(), q.since);
            req.since = match (at, q.since) {
                (Some(a), Some(s)) => Some(a.max(s)),
                (a, s) => a.or(s),
            };
            req.limit = Some(after);
            hits.extend(self.search(&req).map_err(engine_error)?);
        }
        let marked: HashSet<EventKey> = match (&q.search, hits.first(), hits.last()) {
            (Some(s), Some(first), Some(last)) => {
                let mut req = request(and(q.filter.clone(), s.clone()), Some(first.ts));
                req.until = Some(last.ts.saturating_add(1));
                req.limit = Some(MAX_MARKED);
                let found = self.search(&req).map_err(engine_error)?;
                found.iter().map(key).collect()
            }
            _ => HashSet::new(),
        };
        Ok(self
            .records(&hits)
            .into_iter()
            .zip(&hits)
            .map(|(r, h)| LogEvent {
                ts: h.ts,
                file: h.file,
                line: h.line,
                source: r.short_source,
                path: r.source,
                level: h.level,
                host: r.host,
                program: r.program,
                message: r.message,
                text: r.text,
                fields: r.fields,
                hit: marked.contains(&key(h)),
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
        let end = start_us.saturating_add(bucket_us.saturating_mul(buckets as i64));
        let lo = since.map_or(start_us, |s| s.max(start_us));
        if lo >= end {
            return Ok(vec![0; buckets]);
        }
        let mut req = request(filter.clone(), Some(lo));
        req.until = Some(end);
        let secs = (bucket_us / 1_000_000).max(1);
        let h = self
            .histogram(&req, Some(secs), buckets)
            .map_err(engine_error)?;
        // The engine aligns its buckets to the window's start: place them on ours.
        let mut counts = vec![0; buckets];
        for (i, c) in h.counts.iter().enumerate() {
            let t = h.bucket_start(i);
            if t >= start_us && t < end {
                let j = ((t - start_us) / bucket_us) as usize;
                if let Some(slot) = counts.get_mut(j) {
                    *slot += c;
                }
            }
        }
        Ok(counts)
    }

    fn count(&self, q: &Expr, since: Option<i64>) -> Result<usize, SourceError> {
        self.count(&request(q.clone(), since)).map_err(engine_error)
    }

    fn keys(
        &self,
        q: &Expr,
        since: Option<i64>,
        at: i64,
        forward: bool,
        limit: usize,
    ) -> Result<Vec<EventKey>, SourceError> {
        let mut req = request(q.clone(), since);
        if forward {
            req.since = Some(since.map_or(at, |s| s.max(at)));
        } else {
            req.until = Some(at.saturating_add(1));
            req.reverse = true;
        }
        req.limit = Some(limit);
        let hits = self.search(&req).map_err(engine_error)?;
        Ok(hits.iter().map(key).collect())
    }

    fn rule_inputs(
        &self,
        rules: &[crate::rules::config::Rule],
        exprs: &[Expr],
        filter: &Expr,
        since: Option<i64>,
    ) -> Result<Vec<crate::rules::eval::Input>, SourceError> {
        crate::rules::history_within(self, rules, exprs, filter, since)
            .map(|(inputs, _)| inputs)
            .map_err(|e| SourceError::Unavailable(e.to_string()))
    }

    fn patterns(&self, filter: &Expr, since: Option<i64>) -> Result<Vec<PatternRow>, SourceError> {
        use crate::report::pattern_stats::{PatternStats, Spark};
        let req = request(filter.clone(), since);
        let fail = engine_error;
        let Some((first, last)) = self
            .collect(&req, &crate::index::histogram::SpanCollector)
            .map_err(fail)?
        else {
            return Ok(Vec::new());
        };
        let lo = since.unwrap_or(first);
        let width = (last + 1 - lo).max(1);
        let n = PATTERN_BUCKETS;
        let spark = Spark {
            lo,
            bucket_us: (width + n as i64 - 1) / n as i64,
            n,
        };
        let stats = self
            .collect(
                &req,
                &PatternStats {
                    fields: self.fields(),
                    by: None,
                    details: Some(spark),
                },
            )
            .map_err(fail)?;
        let miner = self.pattern_miner();
        let mut rows: Vec<PatternRow> = stats
            .into_iter()
            .map(|((_, id), s)| {
                let pid = crate::patterns::PatternId(id);
                let (key, template) = miner
                    .as_ref()
                    .and_then(|m| m.template(pid))
                    .map(|t| (t.key.to_string(), t.text))
                    .unwrap_or_default();
                let mut buckets = s.buckets;
                buckets.resize(n, 0);
                PatternRow {
                    id: pid.to_string(),
                    key,
                    template,
                    count: s.count,
                    first: EventKey {
                        ts: s.first.0,
                        file: s.first.1,
                        line: s.first.2,
                    },
                    last_us: s.last,
                    buckets,
                }
            })
            .collect();
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
        let opts = crate::report::top::Options {
            fields: vec![field.to_string()],
            distinct: None,
            bottom,
            limit: Some(limit),
            new: false,
            baseline_since: None,
        };
        let rows = crate::report::top::report(self, &request(filter.clone(), since), &opts)
            .map_err(engine_error)?;
        Ok(rows
            .into_iter()
            .map(|r| (r.values.join(" "), r.count))
            .collect())
    }

    fn span(&self) -> Span {
        let mut files: Vec<SourceInfo> = self
            .files()
            .iter()
            .map(|f| {
                let set = crate::index::settings::Configured::of(self.config(), &f.path);
                SourceInfo {
                    path: f.path.display().to_string(),
                    format: f.format.clone(),
                    zone: f.ctx.zone.clone(),
                    events: f.events,
                    first: f.first_ts,
                    last: f.max_ts,
                    set_format: set.format.clone(),
                    set_zone: set.zone.clone(),
                    mtime: Some(f.mtime_ns / 1000),
                }
            })
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let mut unread: Vec<Unread> = self
            .unread()
            .map(|s| Unread {
                path: s.path.display().to_string(),
                reason: s.reason.clone(),
            })
            .collect();
        unread.sort_by(|a, b| a.path.cmp(&b.path));
        unread.dedup();
        let edge = |reverse: bool| {
            let req = Request {
                limit: Some(1),
                reverse,
                ..Request::default()
            };
            self.search(&req).ok()?.first().map(|h| h.ts)
        };
        Span {
            first: edge(false),
            last: edge(true),
            sources: files.len(),
            events: self.count(&Request::default()).unwrap_or(0) as u64,
            notes: Vec::new(),
            files,
            unread,
            roots: self.roots().to_vec(),
            formats: crate::format::builtin_names()
                .map(str::to_string)
                .chain(self.config().formats.iter().map(|f| f.name.clone()))
                .collect(),
        }
    }
}
