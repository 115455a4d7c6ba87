//! JSON lines: one object per line. Scalar keys are flattened with dots into fields; the time,
//! level, message, host and program come from well-known keys.

use super::LineContext;
use super::stamp::{self, Miss, R};
use crate::event::{Level, Parsed};
use serde_json::{Map, Value};

/// Time keys in priority order; among those present, the most precise value wins (nginx `msec`
/// over `time_iso8601`), ties going to the earlier key.
const TIME_KEYS: &[&str] = &[
    "@timestamp",
    "timestamp",
    "time",
    "ts",
    "timereported",
    "datetime",
    "date",
    "msec",
    "time_iso8601",
    "time_local",
    "timegenerated",
    "t",
    "@t",
    "eventTime",
    "asctime",
    "created",
];
const LEVEL_KEYS: &[&str] = &[
    "level",
    "severity",
    "lvl",
    "loglevel",
    "levelname",
    "log.level",
    "@l",
];
const MSG_KEYS: &[&str] = &["msg", "message", "@m", "@message", "log"];
const HOST_KEYS: &[&str] = &["host", "hostname", "host.name"];
const PROGRAM_KEYS: &[&str] = &[
    "program",
    "app",
    "logger",
    "service",
    "logger_name",
    "service.name",
];

/// Flattened scalar as text (strings without quotes), taking ownership to avoid copies.
fn scalar(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

fn flatten(prefix: &str, map: Map<String, Value>, out: &mut Vec<(String, String)>) {
    for (k, v) in map {
        let key = if prefix.is_empty() {
            k
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Object(m) => flatten(&key, m, out),
            Value::Array(a) => {
                for (i, item) in a.into_iter().enumerate() {
                    if let Some(s) = scalar(item) {
                        out.push((format!("{key}.{i}"), s));
                    }
                }
            }
            v => {
                if let Some(s) = scalar(v) {
                    out.push((key, s));
                }
            }
        }
    }
}

fn get<'a>(fields: &'a [(String, String)], keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str()))
}

/// Numeric levels: 0-7 are syslog severities, 10..60 are bunyan/pino levels.
fn level_of(s: &str) -> Option<Level> {
    if let Ok(n) = s.parse::<u32>()
        && n >= 10
    {
        return Some(match n {
            0..=19 => Level::Trace,
            20..=29 => Level::Debug,
            30..=39 => Level::Info,
            40..=49 => Level::Warn,
            50..=59 => Level::Error,
            _ => Level::Emerg,
        });
    }
    Level::parse(s)
}

pub fn parse(line: &str, ctx: &mut LineContext) -> R<Parsed> {
    let t = line.trim_start();
    if !t.starts_with('{') {
        return Err(Miss::Shape);
    }
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(t) else {
        return Err(Miss::Shape);
    };
    let mut p = Parsed::default();
    flatten("", map, &mut p.fields);
    let mut best: Option<(i64, u8)> = None;
    let mut bad = None;
    for key in TIME_KEYS {
        let Some(v) = p
            .fields
            .iter()
            .find(|(f, _)| f == key)
            .map(|(_, v)| v.as_str())
        else {
            continue;
        };
        match stamp::time_value(v, ctx) {
            Ok((us, prec)) if best.is_none_or(|(_, bp)| prec > bp) => best = Some((us, prec)),
            Ok(_) => {}
            Err(Miss::Bad(r)) => bad = bad.or(Some(r)),
            Err(Miss::Shape) => {}
        }
    }
    // Without any time key the line is no event start of this format (a source of such lines
    // is plain text); a time key with an impossible value is a bad timestamp.
    let Some((ts, _)) = best else {
        return Err(bad.map_or(Miss::Shape, Miss::Bad));
    };
    p.ts = ts;
    p.level = get(&p.fields, LEVEL_KEYS).and_then(level_of);
    p.message = get(&p.fields, MSG_KEYS).map_or_else(|| t.to_string(), str::to_string);
    p.host = get(&p.fields, HOST_KEYS)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    p.program = get(&p.fields, PROGRAM_KEYS)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    Ok(p)
}
