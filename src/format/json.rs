//! JSON lines: one object per line. Scalar keys are flattened with dots into fields; the time,
//! level, message, host and program come from well-known keys.

use super::LineContext;
use super::stamp::{self, Miss, R};
use crate::event::{Level, Parsed};
use serde_json::{Map, Value};

/// Time keys in priority order; among those present, the most precise value wins (nginx `msec`
/// over `time_iso8601`), ties going to the earlier key.
pub(super) const TIME_KEYS: &[&str] = &[
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
    let mut best: Option<(i64, u8, &str)> = None;
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
            Ok((us, prec)) if best.is_none_or(|(_, bp, _)| prec > bp) => {
                best = Some((us, prec, key))
            }
            Ok(_) => {}
            Err(Miss::Bad(r)) => bad = bad.or(Some(r)),
            Err(Miss::Shape) => {}
        }
    }
    // Without any time key the line is no event start of this format (a source of such lines
    // is plain text); a time key with an impossible value is a bad timestamp.
    let Some((ts, _, key)) = best else {
        return Err(bad.map_or(Miss::Shape, Miss::Bad));
    };
    p.ts = ts;
    p.time_span = member_span(line, key);
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

/// Byte range of the last top-level member `"key": value` (scalar value) of the JSON object in
/// `line`, from the key's opening quote to the value's end. The last one, as serde_json keeps
/// the last of duplicate keys; keys are compared as written (an escaped key is not found).
/// `line` must be valid JSON. One pass over the bytes, no allocation.
fn member_span(line: &str, key: &str) -> Option<(usize, usize)> {
    let b = line.as_bytes();
    let mut depth = 0usize;
    let mut found = None;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let end = string_end(b, i)?;
                if depth == 1 && b.get(i + 1..end - 1) == Some(key.as_bytes()) {
                    let colon = skip_blanks(b, end);
                    if b.get(colon) == Some(&b':')
                        && let Some(v_end) = scalar_end(b, skip_blanks(b, colon + 1))
                    {
                        found = Some((i, v_end));
                        i = v_end;
                        continue;
                    }
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// Index after the closing quote of the string opening at `b[start] == b'"'`.
fn string_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    loop {
        match *b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

fn skip_blanks(b: &[u8], mut i: usize) -> usize {
    while b
        .get(i)
        .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
    {
        i += 1;
    }
    i
}

/// End of the scalar (string, number, literal) starting at `i`; `None` for objects/arrays.
fn scalar_end(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => None,
        _ => {
            let mut j = i;
            while b
                .get(j)
                .is_some_and(|c| !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}
