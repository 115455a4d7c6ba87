//! LTSV: tab-separated `label:value` fields (`time:...<TAB>host:...<TAB>req:...`).
//! Access-style labels (`req`, `status`) make the message like the access log's. The `host`
//! label becomes the event's host (in the ltsv.org access-log label set it is the remote host).

use super::LineContext;
use super::stamp::{self, Miss, R};
use crate::event::{Level, Parsed};

/// Labels of the time, in priority order.
const TIME_LABELS: [&str; 3] = ["time", "ts", "timestamp"];

fn label_ok(l: &str) -> bool {
    !l.is_empty()
        && l.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

pub fn parse(line: &str, ctx: &mut LineContext) -> R<Parsed> {
    if !line.contains('\t') {
        return Err(Miss::Shape);
    }
    let mut fields = Vec::new();
    // Span of the first `label:value` field of each time label.
    let mut spans = [None; TIME_LABELS.len()];
    let mut at = 0;
    for part in line.split('\t') {
        let start = at;
        at += part.len() + 1;
        if part.is_empty() {
            continue;
        }
        let (l, v) = part.split_once(':').ok_or(Miss::Shape)?;
        if !label_ok(l) {
            return Err(Miss::Shape);
        }
        if let Some(k) = TIME_LABELS.iter().position(|t| *t == l) {
            spans[k] = spans[k].or(Some((start, start + part.len())));
        }
        fields.push((l.to_string(), v.to_string()));
    }
    let get = |k: &str| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str());
    let (k, v) = TIME_LABELS
        .iter()
        .enumerate()
        .find_map(|(k, l)| get(l).map(|v| (k, v)))
        .ok_or(Miss::Shape)?;
    let (ts, _) = stamp::time_value(v, ctx)?;
    let message = match (get("req").or_else(|| get("request")), get("status")) {
        (Some(r), Some(s)) => format!("{r} {s}"),
        (Some(r), None) => r.to_string(),
        _ => get("message")
            .or_else(|| get("msg"))
            .unwrap_or(line)
            .to_string(),
    };
    let level = get("level").and_then(Level::parse);
    let host = get("host").filter(|s| !s.is_empty()).map(str::to_string);
    let program = get("program").or_else(|| get("app")).map(str::to_string);
    Ok(Parsed {
        ts,
        level,
        host,
        program,
        message,
        time_span: spans[k],
        fields,
    })
}
