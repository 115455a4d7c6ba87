//! The patterns pane over a remote index written by `ship`: the pattern ids and templates the
//! local miner gave each event travel with it, so the engine counts them (`terms` on the id,
//! the first event by `top_hits`, a sparkline by `date_histogram`).

use super::client::RemoteError;
use super::doc::{from_hit, parse_time};
use super::dsl::within;
use super::layout::{Layout, shipped};
use super::source::RemoteSource;
use crate::app::data::{EventKey, PatternRow};
use crate::query::Expr;
use serde_json::json;

/// Most patterns listed.
const MAX_PATTERNS: usize = 2_000;

/// The patterns of the events `filter` lets through from `since` on, busiest first.
pub fn rows(
    src: &RemoteSource,
    filter: &Expr,
    since: Option<i64>,
    n: usize,
) -> Result<Vec<PatternRow>, RemoteError> {
    if src.layout != Layout::Shipped {
        return Err(RemoteError::Unsupported {
            remote: src.name().to_string(),
            construct: "patterns".into(),
            why: "pattern ids exist only in indices written by `timberline ship`".into(),
        });
    }
    let first = src.page(filter, since, None, false, 1, None)?;
    let last = src.page(filter, since, None, true, 1, None)?;
    let ts = |p: &super::source::Page| {
        p.hits
            .first()
            .and_then(|h| from_hit(h, &src.layout))
            .map(|e| e.ts)
    };
    let (Some(lo), Some(hi)) = (ts(&first), ts(&last)) else {
        return Ok(Vec::new());
    };
    let lo = since.unwrap_or(lo);
    let width_ms = ((hi + 1 - lo) / 1000).max(1);
    let bucket_ms = (width_ms + n as i64 - 1) / n as i64;
    let lo_ms = lo.div_euclid(1000);
    let body = json!({
        "size": 0,
        "track_total_hits": false,
        "query": within(filter, since, None, &src.layout, src.name())?,
        "aggs": {"p": {
            "terms": {"field": shipped::PATTERN, "size": MAX_PATTERNS},
            "aggs": {
                "first": {"top_hits": {"size": 1, "sort": src.layout.sort(false)}},
                "last": {"top_hits": {"size": 1, "sort": src.layout.sort(true), "_source": [shipped::TIME]}},
                "t": {"date_histogram": {
                    "field": shipped::TIME,
                    "fixed_interval": format!("{bucket_ms}ms"),
                    "offset": format!("{}ms", lo_ms.rem_euclid(bucket_ms.max(1))),
                    "min_doc_count": 0,
                }}
            }
        }}
    });
    let answer = src.client.post(
        &format!("{}/_search", src.index),
        &body,
        "counting patterns",
    )?;
    let mut rows = Vec::new();
    for b in answer["aggregations"]["p"]["buckets"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let Some(first_hit) = b["first"]["hits"]["hits"].get(0) else {
            continue;
        };
        let Some(event) = from_hit(first_hit, &src.layout) else {
            continue;
        };
        let source = &first_hit["_source"];
        let last_us = b["last"]["hits"]["hits"][0]["_source"]
            .get(shipped::TIME)
            .and_then(parse_time)
            .unwrap_or(event.ts);
        let mut buckets = vec![0u32; n];
        for t in b["t"]["buckets"].as_array().into_iter().flatten() {
            let (Some(key), Some(c)) = (t["key"].as_i64(), t["doc_count"].as_u64()) else {
                continue;
            };
            if let Some(j) = crate::app::data::bucket_of(key, lo_ms, bucket_ms, n) {
                buckets[j] = buckets[j].saturating_add(c as u32);
            }
        }
        rows.push(PatternRow {
            id: b["key"].as_str().unwrap_or("").to_string(),
            key: event.program.clone().unwrap_or_default(),
            template: source["timberline"]["template"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            count: b["doc_count"].as_u64().unwrap_or(0),
            first: EventKey {
                ts: event.ts,
                file: event.file,
                line: event.line,
            },
            last_us,
            buckets,
        });
    }
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.first.cmp(&b.first)));
    Ok(rows)
}
