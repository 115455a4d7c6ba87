//! LTSV: tab-separated `label:value` fields (`time:...<TAB>host:...<TAB>req:...`).
//! Access-style labels (`req`, `status`) make the message like the access log's.

use super::LineContext;
use super::stamp::{self, Miss, R};
use crate::event::{Level, Parsed};

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
    for part in line.split('\t') {
        if part.is_empty() {
            continue;
        }
        let (l, v) = part.split_once(':').ok_or(Miss::Shape)?;
        if !label_ok(l) {
            return Err(Miss::Shape);
        }
        fields.push((l.to_string(), v.to_string()));
    }
    let get = |k: &str| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str());
    let v = get("time")
        .or_else(|| get("ts"))
        .or_else(|| get("timestamp"))
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
    let program = get("program").or_else(|| get("app")).map(str::to_string);
    Ok(Parsed {
        ts,
        level,
        host: None,
        program,
        message,
        fields,
    })
}
