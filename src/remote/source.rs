//! A remote index as a [`LogSource`]: the explorer and the CLI ask it what they ask the local
//! index, and it answers with `_search` pages in time order (`search_after` on the time and a
//! unique tiebreaker, so tied events are neither lost nor repeated), exact `_count`s, and
//! `date_histogram`s with empty buckets kept (so the gap rule applies unchanged).

use super::client::{Client, RemoteError};
use super::config::RemoteConfig;
use super::doc::from_hit;
use super::dsl::within;
use super::layout::{Layout, shipped};
use crate::app::data::{
    EventKey, LogEvent, LogSource, PATTERN_BUCKETS, PatternRow, Query, SourceError, SourceInfo,
    Span, and, bucket_of,
};
use crate::query::Expr;
use serde_json::{Value, json};
use std::collections::HashSet;

/// Events per `_search` page (under every engine's default `max_result_window`).
const PAGE: usize = 5_000;
/// Buckets per `date_histogram` request (under the default `search.max_buckets`).
const BUCKETS_PER_REQUEST: usize = 50_000;
/// Files listed in the sources pane.
const MAX_SOURCES: usize = 1_000;
/// Most candidates a `/regex/` is matched against, on this side (the engine's own regexp
/// matches single words, not an event's text): past it, the query must be narrowed.
const MAX_SCANNED: usize = 2_000_000;

/// A query split into what the engine answers and the `/regex/`es matched here on the event
/// text of its hits: only regexes ANDed at the top are (under OR or NOT they would change
/// which events the engine must return; the DSL refuses those, naming them).
struct Split {
    server: Expr,
    regexes: Vec<(String, regex::Regex)>,
}

fn split(q: &Expr, remote: &str) -> Result<Split, RemoteError> {
    let build = |p: &str| {
        crate::query::regex::build(p).map_err(|e| RemoteError::Unsupported {
            remote: remote.to_string(),
            construct: format!("/{p}/"),
            why: e.to_string(),
        })
    };
    match q {
        Expr::Regex { pattern } => Ok(Split {
            server: Expr::All,
            regexes: vec![(pattern.clone(), build(pattern)?)],
        }),
        Expr::And(items) if items.iter().any(|i| matches!(i, Expr::Regex { .. })) => {
            let mut server = Vec::new();
            let mut regexes = Vec::new();
            for i in items {
                match i {
                    Expr::Regex { pattern } => regexes.push((pattern.clone(), build(pattern)?)),
                    other => server.push(other.clone()),
                }
            }
            Ok(Split {
                server: match server.len() {
                    0 => Expr::All,
                    1 => server.remove(0),
                    _ => Expr::And(server),
                },
                regexes,
            })
        }
        other => Ok(Split {
            server: other.clone(),
            regexes: Vec::new(),
        }),
    }
}

/// One remote index, opened.
pub struct RemoteSource {
    pub client: Client,
    pub index: String,
    pub layout: Layout,
}

/// A page of hits: the events and the sort values of the last (where the next page starts).
pub struct Page {
    pub hits: Vec<Value>,
    pub last_sort: Option<Value>,
}

impl RemoteSource {
    /// Connects and reads the index's mapping (which tells its layout).
    pub fn open(config: &RemoteConfig) -> Result<RemoteSource, RemoteError> {
        let client = Client::new(config)?;
        let mapping = client.request(
            "GET",
            &format!("{}/_mapping?allow_no_indices=true", config.index),
            None,
            "reading the index mapping",
        )?;
        if mapping.as_object().is_none_or(|m| m.is_empty()) {
            return Err(client.answer_error(
                "reading the index mapping",
                format!("no index matches {:?}", config.index),
            ));
        }
        Ok(RemoteSource {
            layout: Layout::from_mapping(&mapping, &config.fields),
            index: config.index.clone(),
            client,
        })
    }

    pub fn name(&self) -> &str {
        &self.client.name
    }

    fn path(&self, api: &str) -> String {
        format!(
            "{}/{api}?ignore_unavailable=true&allow_no_indices=true",
            self.index
        )
    }

    /// One page of matching hits in `[since, until)`, in time order (newest first with
    /// `descending`), after `after` (a previous page's `last_sort`).
    pub fn page(
        &self,
        q: &Expr,
        since: Option<i64>,
        until: Option<i64>,
        descending: bool,
        size: usize,
        after: Option<&Value>,
    ) -> Result<Page, RemoteError> {
        let mut body = json!({
            "size": size,
            "query": within(q, since, until, &self.layout, self.name())?,
            "sort": self.layout.sort(descending),
            "track_total_hits": false,
        });
        if let Some(a) = after {
            body["search_after"] = a.clone();
        }
        let answer = self
            .client
            .post(&self.path("_search"), &body, "searching")?;
        let hits = answer["hits"]["hits"]
            .as_array()
            .cloned()
            .ok_or_else(|| self.client.answer_error("searching", "no hits.hits"))?;
        let last_sort = hits.last().map(|h| h["sort"].clone());
        Ok(Page { hits, last_sort })
    }

    /// Up to `limit` matching events (all without one) in time order, page after page.
    pub fn each_hit(
        &self,
        q: &Expr,
        since: Option<i64>,
        until: Option<i64>,
        descending: bool,
        limit: Option<usize>,
        mut f: impl FnMut(&Value) -> Result<(), RemoteError>,
    ) -> Result<usize, RemoteError> {
        let Split { server, regexes } = split(q, self.name())?;
        if !regexes.is_empty() {
            return self.each_regex_hit(&server, &regexes, since, until, descending, limit, f);
        }
        let q = &server;
        let mut after: Option<Value> = None;
        let mut n = 0;
        loop {
            let want = limit.map_or(PAGE, |l| (l - n).min(PAGE));
            if want == 0 {
                return Ok(n);
            }
            let page = self.page(q, since, until, descending, want, after.as_ref())?;
            let got = page.hits.len();
            for h in &page.hits {
                f(h)?;
            }
            n += got;
            if got < want {
                return Ok(n);
            }
            after = page.last_sort;
        }
    }

    /// [`RemoteSource::each_hit`] for a query with `/regex/`es: the engine's candidates, page
    /// after page, matched here against their event text.
    #[allow(clippy::too_many_arguments)]
    fn each_regex_hit(
        &self,
        server: &Expr,
        regexes: &[(String, regex::Regex)],
        since: Option<i64>,
        until: Option<i64>,
        descending: bool,
        limit: Option<usize>,
        mut f: impl FnMut(&Value) -> Result<(), RemoteError>,
    ) -> Result<usize, RemoteError> {
        let text_field = match &self.layout {
            Layout::Shipped => shipped::MESSAGE.to_string(),
            Layout::Foreign { names, .. } => names.message.clone(),
        };
        let mut after: Option<Value> = None;
        let (mut matched, mut scanned) = (0, 0);
        loop {
            if limit.is_some_and(|l| matched >= l) {
                return Ok(matched);
            }
            let page = self.page(server, since, until, descending, PAGE, after.as_ref())?;
            let got = page.hits.len();
            for h in &page.hits {
                let text = super::doc::at(&h["_source"], &text_field)
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if regexes.iter().all(|(_, re)| re.is_match(text)) {
                    f(h)?;
                    matched += 1;
                    if limit.is_some_and(|l| matched >= l) {
                        return Ok(matched);
                    }
                }
            }
            scanned += got;
            if got < PAGE {
                return Ok(matched);
            }
            if scanned >= MAX_SCANNED {
                let names: Vec<String> = regexes.iter().map(|(p, _)| format!("/{p}/")).collect();
                return Err(RemoteError::Unsupported {
                    remote: self.name().to_string(),
                    construct: names.join(" "),
                    why: format!(
                        "matched here against the text of more than {MAX_SCANNED} candidates; \
                         narrow it with words, fields or --since/--until"
                    ),
                });
            }
            after = page.last_sort;
        }
    }

    /// Matching events as the explorer shows them.
    pub fn events(
        &self,
        q: &Expr,
        since: Option<i64>,
        until: Option<i64>,
        descending: bool,
        limit: Option<usize>,
    ) -> Result<Vec<LogEvent>, RemoteError> {
        let mut out = Vec::new();
        self.each_hit(q, since, until, descending, limit, |h| {
            out.extend(from_hit(h, &self.layout));
            Ok(())
        })?;
        Ok(out)
    }

    /// The exact number of matching events in `[since, until)`.
    pub fn count_in(
        &self,
        q: &Expr,
        since: Option<i64>,
        until: Option<i64>,
    ) -> Result<u64, RemoteError> {
        if !split(q, self.name())?.regexes.is_empty() {
            return self
                .each_hit(q, since, until, false, None, |_| Ok(()))
                .map(|n| n as u64);
        }
        let body = json!({"query": within(q, since, until, &self.layout, self.name())?});
        let answer = self.client.post(&self.path("_count"), &body, "counting")?;
        answer["count"]
            .as_u64()
            .ok_or_else(|| self.client.answer_error("counting", "no count"))
    }

    /// Counts per bucket of `bucket_us` from `start_us`, `buckets` of them.
    pub fn bucket_counts(
        &self,
        q: &Expr,
        since: Option<i64>,
        start_us: i64,
        bucket_us: i64,
        buckets: usize,
    ) -> Result<Vec<u64>, RemoteError> {
        let mut counts = vec![0u64; buckets];
        if !split(q, self.name())?.regexes.is_empty() {
            let end = start_us.saturating_add(bucket_us.saturating_mul(buckets as i64));
            let from = since.map_or(start_us, |s| s.max(start_us));
            let layout = &self.layout;
            self.each_hit(q, Some(from), Some(end), false, None, |h| {
                if let Some(j) =
                    from_hit(h, layout).and_then(|e| bucket_of(e.ts, start_us, bucket_us, buckets))
                {
                    counts[j] += 1;
                }
                Ok(())
            })?;
            return Ok(counts);
        }
        let ms = (bucket_us / 1000).max(1);
        let mut first = 0;
        while first < buckets {
            let n = (buckets - first).min(BUCKETS_PER_REQUEST);
            let lo = start_us + bucket_us * first as i64;
            let hi = lo + bucket_us * n as i64;
            let from = since.map_or(lo, |s| s.max(lo));
            if from < hi {
                self.histogram_chunk(
                    q,
                    from,
                    hi,
                    lo,
                    bucket_us,
                    ms,
                    &mut counts[first..first + n],
                )?;
            }
            first += n;
        }
        Ok(counts)
    }

    #[allow(clippy::too_many_arguments)]
    fn histogram_chunk(
        &self,
        q: &Expr,
        from: i64,
        to: i64,
        lo: i64,
        bucket_us: i64,
        ms: i64,
        counts: &mut [u64],
    ) -> Result<(), RemoteError> {
        let lo_ms = lo.div_euclid(1000);
        let body = json!({
            "size": 0,
            "track_total_hits": false,
            "query": within(q, Some(from), Some(to), &self.layout, self.name())?,
            "aggs": {"t": {"date_histogram": {
                "field": self.layout.time_field(),
                "fixed_interval": format!("{ms}ms"),
                "offset": format!("{}ms", lo_ms.rem_euclid(ms)),
                "min_doc_count": 0,
                "extended_bounds": {"min": lo_ms, "max": lo_ms + ms * counts.len() as i64 - 1},
            }}}
        });
        let answer = self
            .client
            .post(&self.path("_search"), &body, "counting per time bucket")?;
        let Some(list) = answer["aggregations"]["t"]["buckets"].as_array() else {
            return Ok(());
        };
        for b in list {
            let (Some(key), Some(n)) = (b["key"].as_i64(), b["doc_count"].as_u64()) else {
                continue;
            };
            if let Some(j) = bucket_of(key * 1000, lo, bucket_us, counts.len()) {
                counts[j] += n;
            }
        }
        Ok(())
    }

    /// The first (or last) event's time.
    fn edge(&self, last: bool) -> Result<Option<i64>, RemoteError> {
        let page = self.page(&Expr::All, None, None, last, 1, None)?;
        Ok(page
            .hits
            .first()
            .and_then(|h| from_hit(h, &self.layout))
            .map(|e| e.ts))
    }

    fn sources(&self) -> Result<Vec<SourceInfo>, RemoteError> {
        let field = match &self.layout {
            Layout::Shipped => shipped::PATH.to_string(),
            Layout::Foreign { names, .. } => names.source.clone(),
        };
        let body = json!({
            "size": 0,
            "track_total_hits": false,
            "aggs": {"f": {
                "terms": {"field": field, "size": MAX_SOURCES},
                "aggs": {
                    "first": {"min": {"field": self.layout.time_field()}},
                    "last": {"max": {"field": self.layout.time_field()}}
                }
            }}
        });
        let answer = self
            .client
            .post(&self.path("_search"), &body, "listing the sources")?;
        let mut files: Vec<SourceInfo> = answer["aggregations"]["f"]["buckets"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|b| SourceInfo {
                        path: b["key"].as_str().unwrap_or("").to_string(),
                        format: "remote".into(),
                        zone: "UTC".into(),
                        events: b["doc_count"].as_u64().unwrap_or(0),
                        first: b["first"]["value"].as_f64().map(|ms| (ms * 1000.0) as i64),
                        last: b["last"]["value"].as_f64().map(|ms| (ms * 1000.0) as i64),
                        ..SourceInfo::default()
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// What the index holds: its first and last times, its count and its files.
    pub fn span_of(&self) -> Result<Span, RemoteError> {
        let files = self.sources()?;
        Ok(Span {
            first: self.edge(false)?,
            last: self.edge(true)?,
            sources: files.len(),
            events: self.count_in(&Expr::All, None, None)?,
            notes: Vec::new(),
            files,
            // A remote index says nothing of the files its shipper left out.
            unread: Vec::new(),
            roots: vec![std::path::PathBuf::from(format!(
                "remote:{}/{}",
                self.name(),
                self.index
            ))],
            formats: Vec::new(),
        })
    }

    /// The most (least) frequent values of `field`, and how many events have one.
    pub fn top_values(
        &self,
        filter: &Expr,
        since: Option<i64>,
        until: Option<i64>,
        field: &str,
        bottom: bool,
        limit: usize,
    ) -> Result<(Vec<(String, u64)>, u64), RemoteError> {
        let order = if bottom { "asc" } else { "desc" };
        let (agg_field, include, strip) = match (&self.layout, field) {
            (Layout::Shipped, "level") => (shipped::LEVEL.to_string(), None, 0),
            (Layout::Shipped, key) => {
                let prefix = crate::index::schema::kv_term(key, "");
                let n = prefix.len();
                (
                    shipped::KV.to_string(),
                    Some(format!("{}.*", regex::escape(&prefix))),
                    n,
                )
            }
            (Layout::Foreign { names, .. }, f) => (
                match f {
                    "host" => names.host.clone(),
                    "program" => names.program.clone(),
                    "level" => names.level.clone(),
                    "source" | "file" => names.source.clone(),
                    other => other.to_string(),
                },
                None,
                0,
            ),
        };
        let mut terms = json!({"field": agg_field, "size": limit, "order": {"_count": order}});
        if let Some(inc) = include {
            terms["include"] = json!(inc);
        }
        let body = json!({
            "size": 0,
            "track_total_hits": false,
            "query": within(filter, since, until, &self.layout, self.name())?,
            "aggs": {"v": {"terms": terms}}
        });
        let answer = self
            .client
            .post(&self.path("_search"), &body, "counting values")?;
        let agg = &answer["aggregations"]["v"];
        let values: Vec<(String, u64)> = agg["buckets"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|b| {
                        let key = match &b["key"] {
                            Value::String(s) => s.get(strip..).unwrap_or("").to_string(),
                            other => other.to_string(),
                        };
                        Some((key, b["doc_count"].as_u64()?))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let total = values.iter().map(|(_, n)| n).sum::<u64>()
            + agg["sum_other_doc_count"].as_u64().unwrap_or(0);
        Ok((values, total))
    }
}

/// What the engine cannot answer is the query's; anything else is the engine's trouble.
fn source_error(e: RemoteError) -> SourceError {
    match e {
        RemoteError::Unsupported { .. } => SourceError::Query(e.to_string()),
        other => SourceError::Unavailable(other.to_string()),
    }
}

fn key_of(e: &LogEvent) -> EventKey {
    e.key()
}

impl LogSource for RemoteSource {
    fn around(
        &self,
        q: &Query,
        at: Option<i64>,
        before: usize,
        after: usize,
    ) -> Result<Vec<LogEvent>, SourceError> {
        let fail = source_error;
        let mut events = Vec::new();
        if before > 0 {
            events = self
                .events(&q.filter, q.since, at, true, Some(before))
                .map_err(fail)?;
            events.reverse();
        }
        if after > 0 {
            let since = match (at, q.since) {
                (Some(a), Some(s)) => Some(a.max(s)),
                (a, s) => a.or(s),
            };
            events.extend(
                self.events(&q.filter, since, None, false, Some(after))
                    .map_err(fail)?,
            );
        }
        if let (Some(s), Some(first), Some(last)) = (&q.search, events.first(), events.last()) {
            let marked: HashSet<EventKey> = self
                .events(
                    &and(q.filter.clone(), s.clone()),
                    Some(first.ts),
                    Some(last.ts.saturating_add(1)),
                    false,
                    Some(10_000),
                )
                .map_err(fail)?
                .iter()
                .map(key_of)
                .collect();
            for e in &mut events {
                e.hit = marked.contains(&e.key());
            }
        }
        Ok(events)
    }

    fn histogram(
        &self,
        filter: &Expr,
        since: Option<i64>,
        start_us: i64,
        bucket_us: i64,
        buckets: usize,
    ) -> Result<Vec<u64>, SourceError> {
        self.bucket_counts(filter, since, start_us, bucket_us, buckets)
            .map_err(source_error)
    }

    fn count(&self, q: &Expr, since: Option<i64>) -> Result<usize, SourceError> {
        self.count_in(q, since, None)
            .map(|n| n as usize)
            .map_err(source_error)
    }

    fn keys(
        &self,
        q: &Expr,
        since: Option<i64>,
        at: i64,
        forward: bool,
        limit: usize,
    ) -> Result<Vec<EventKey>, SourceError> {
        let events = if forward {
            self.events(
                q,
                Some(since.map_or(at, |s| s.max(at))),
                None,
                false,
                Some(limit),
            )
        } else {
            self.events(q, since, Some(at.saturating_add(1)), true, Some(limit))
        };
        events
            .map(|v| v.iter().map(key_of).collect())
            .map_err(source_error)
    }

    fn span(&self) -> Span {
        match self.span_of() {
            Ok(s) => s,
            Err(e) => Span {
                notes: vec![e.to_string()],
                ..Span::default()
            },
        }
    }

    fn patterns(&self, filter: &Expr, since: Option<i64>) -> Result<Vec<PatternRow>, SourceError> {
        super::patterns::rows(self, filter, since, PATTERN_BUCKETS).map_err(source_error)
    }

    fn values(
        &self,
        filter: &Expr,
        since: Option<i64>,
        field: &str,
        bottom: bool,
        limit: usize,
    ) -> Result<Vec<(String, u64)>, SourceError> {
        self.top_values(filter, since, None, field, bottom, limit)
            .map(|(values, _)| values)
            .map_err(source_error)
    }
}
