//! One event as a remote document: what `ship` sends (and under which `_id`), and how a hit
//! of either layout becomes an event the explorer and the CLI show.

use super::layout::{Layout, shipped};
use crate::app::data::LogEvent;
use crate::event::Level;
use crate::output::events::EventRecord;
use serde_json::{Map, Value, json};

/// What `ship` knows of one local event besides its printable record.
pub struct Local<'a> {
    pub file: u64,
    pub offset: u64,
    pub level: Option<Level>,
    pub pattern: Option<u64>,
    pub template: Option<&'a str>,
    /// The event text without its timestamp (the words the local index holds).
    pub words: &'a str,
}

/// The deterministic `_id` of a local event: its file's identity and its offset, so that a
/// batch sent twice (after a crash, a timeout) is refused as already there, not doubled.
pub fn doc_id(file: u64, offset: u64) -> String {
    format!("{file:016x}-{offset:x}")
}

/// The document `ship` sends for a local event.
pub fn to_doc(rec: &EventRecord, local: &Local<'_>) -> Value {
    let mut kv = Vec::new();
    let mut num = Vec::new();
    let named = [("host", &rec.host), ("program", &rec.program)];
    let named = named
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k.to_string(), v.to_string())));
    let extracted = rec
        .fields
        .iter()
        .filter(|(k, _)| !crate::index::update::is_time_key(k))
        .map(|(k, v)| (k.clone(), value_text(v)));
    for (k, v) in named.chain(extracted) {
        kv.push(crate::index::schema::kv_term(
            &k,
            crate::index::update::truncate(&v, 256),
        ));
        if let Ok(n) = v.parse::<f64>()
            && n.is_finite()
        {
            num.push(super::layout::num_term(&k, n));
        }
    }
    let mut doc = json!({
        "@timestamp": super::dsl::time_text(rec.ts_us),
        "message": rec.text,
        "log": {"file": {"path": rec.source}, "offset": local.offset},
        "timberline": {
            "words": local.words,
            "kv": kv,
            "num": num,
            "file": format!("{:016x}", local.file),
            "line": rec.line,
            "source": rec.short_source,
            "shown": {"message": rec.message, "fields": rec.fields},
        }
    });
    if let Some(l) = local.level {
        doc["log"]["level"] = json!(l.as_str());
        doc["timberline"]["level"] = json!(l.ordinal());
    }
    if let Some(h) = &rec.host {
        doc["host"] = json!({"name": h});
    }
    if let Some(p) = &rec.program {
        doc["process"] = json!({"name": p});
    }
    if let Some(p) = local.pattern {
        doc["timberline"]["pattern"] = json!(crate::patterns::PatternId(p).to_string());
    }
    if let Some(t) = local.template {
        doc["timberline"]["template"] = json!(t);
    }
    doc
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value at a dotted path of `_source`: nested objects (`host: {name}`) or a literal
/// dotted key (`"host.name"`), as shippers write either.
pub fn at<'a>(source: &'a Value, path: &str) -> Option<&'a Value> {
    if let Some(v) = source.get(path) {
        return Some(v);
    }
    let (head, rest) = path.split_once('.')?;
    let mut first = head.to_string();
    let mut rest = rest;
    loop {
        if let Some(inner) = source.get(&first)
            && let Some(v) = at(inner, rest)
        {
            return Some(v);
        }
        let (h, r) = rest.split_once('.')?;
        first.push('.');
        first.push_str(h);
        rest = r;
    }
}

fn text_at(source: &Value, path: &str) -> Option<String> {
    match at(source, path)? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => a.first().map(value_text),
        other => Some(other.to_string()),
    }
}

/// Parses an engine time (`2026-12-03T10:00:00.123456789Z`, or epoch milliseconds).
pub fn parse_time(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|d| d.timestamp_micros())
            .or_else(|| s.parse::<i64>().ok().map(|ms| ms * 1000)),
        Value::Number(n) => n.as_i64().map(|ms| ms * 1000),
        _ => None,
    }
}

/// A hit (`_id`, `_source`) as an event; `None` when it has no readable time.
pub fn from_hit(hit: &Value, layout: &Layout) -> Option<LogEvent> {
    let source = &hit["_source"];
    let ts = parse_time(at(source, layout.time_field())?)?;
    let id = hit["_id"].as_str().unwrap_or("");
    Some(match layout {
        Layout::Shipped => {
            let t = &source["timberline"];
            let shown = &t["shown"];
            let fields = shown["fields"].as_object().cloned().unwrap_or_default();
            LogEvent {
                ts,
                file: t["file"]
                    .as_str()
                    .and_then(|f| u64::from_str_radix(f, 16).ok())
                    .unwrap_or(0),
                line: t["line"].as_u64().unwrap_or(0),
                source: t["source"].as_str().unwrap_or("").to_string(),
                path: text_at(source, shipped::PATH).unwrap_or_default(),
                level: text_at(source, shipped::LEVEL).and_then(|l| Level::parse(&l)),
                host: text_at(source, shipped::HOST),
                program: text_at(source, shipped::PROGRAM),
                message: shown["message"].as_str().unwrap_or("").to_string(),
                text: source["message"].as_str().unwrap_or("").to_string(),
                fields,
                hit: false,
            }
        }
        Layout::Foreign { names, .. } => {
            let text = text_at(source, &names.message).unwrap_or_default();
            let path = text_at(source, &names.source)
                .unwrap_or_else(|| hit["_index"].as_str().unwrap_or("").to_string());
            let mut fields = Map::new();
            flatten(source, "", &mut fields);
            for skip in [&names.time, &names.message] {
                fields.remove(skip.as_str());
            }
            LogEvent {
                ts,
                file: xxhash_rust::xxh3::xxh3_64(path.as_bytes()),
                line: xxhash_rust::xxh3::xxh3_64(id.as_bytes()) >> 1,
                source: path.clone(),
                path,
                level: text_at(source, &names.level).and_then(|l| Level::parse(&l)),
                host: text_at(source, &names.host),
                program: text_at(source, &names.program),
                message: text.clone(),
                text,
                fields,
                hit: false,
            }
        }
    })
}

/// Leaves of a JSON object, keyed by dotted paths.
fn flatten(v: &Value, prefix: &str, out: &mut Map<String, Value>) {
    match v {
        Value::Object(m) => {
            for (k, inner) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(inner, &key, out);
            }
        }
        other if !prefix.is_empty() => {
            out.insert(prefix.to_string(), Value::String(value_text(other)));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_paths_read_nested_and_literal_keys() {
        let nested = json!({"host": {"name": "web1"}});
        let literal = json!({"host.name": "web2"});
        let mixed = json!({"log": {"file.path": "/var/log/x"}});
        assert_eq!(text_at(&nested, "host.name").as_deref(), Some("web1"));
        assert_eq!(text_at(&literal, "host.name").as_deref(), Some("web2"));
        assert_eq!(
            text_at(&mixed, "log.file.path").as_deref(),
            Some("/var/log/x")
        );
        assert_eq!(text_at(&nested, "host.ip"), None);
    }

    #[test]
    fn engine_times_keep_their_microseconds() {
        assert_eq!(
            parse_time(&json!("2026-12-03T10:00:00.123456789Z")),
            Some(1_796_292_000_123_456)
        );
        assert_eq!(
            parse_time(&json!(1_796_292_000_123i64)),
            Some(1_796_292_000_123_000)
        );
    }

    #[test]
    fn a_shipped_document_reads_back_as_the_event() {
        let mut rec = EventRecord::new(
            1_796_292_000_123_456,
            "/var/log/auth.log".into(),
            "auth.log".into(),
            7,
            "Dec  3 10:00:00 web1 sshd[1]: Failed password for root".into(),
        );
        rec.host = Some("web1".into());
        rec.program = Some("sshd".into());
        rec.message = "Failed password for root".into();
        rec.fields.insert("user".into(), json!("root"));
        rec.fields.insert("port".into(), json!("22"));
        let doc = to_doc(
            &rec,
            &Local {
                file: 42,
                offset: 1000,
                level: Some(Level::Warn),
                pattern: Some(7),
                template: Some("Failed password for <*>"),
                words: " web1 sshd[1]: Failed password for root",
            },
        );
        assert!(
            doc["timberline"]["kv"]
                .as_array()
                .unwrap()
                .contains(&json!("user=root"))
        );
        assert!(
            doc["timberline"]["kv"]
                .as_array()
                .unwrap()
                .contains(&json!("host=web1"))
        );
        let hit = json!({"_id": doc_id(42, 1000), "_source": doc});
        let e = from_hit(&hit, &Layout::Shipped).unwrap();
        assert_eq!(e.ts, rec.ts_us);
        assert_eq!((e.file, e.line), (42, 7));
        assert_eq!(e.level, Some(Level::Warn));
        assert_eq!(e.text, rec.text);
        assert_eq!(e.message, rec.message);
        assert_eq!(e.fields["user"], json!("root"));
        assert_eq!(e.source, "auth.log");
    }
}
