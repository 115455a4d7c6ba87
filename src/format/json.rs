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
    // journald (`journalctl -o json`): when the sender logged, else when journald received it.
    "_SOURCE_REALTIME_TIMESTAMP",
    "__REALTIME_TIMESTAMP",
    // MongoDB 4.4+ `{"t":{"$date":...}}`, log4j2 JsonLayout's older `timeMillis`, Cloudflare.
    "t.$date",
    "timeMillis",
    "EdgeStartTimestamp",
    "timeUnixNano",
];
/// Key endings searched when no key above is present: OTLP JSON nests its records in arrays
/// (`resourceLogs.0.scopeLogs.0.logRecords.0.timeUnixNano`).
const TIME_SUFFIXES: &[&str] = &[".timeUnixNano", ".observedTimeUnixNano"];
const LEVEL_KEYS: &[&str] = &[
    "level",
    "severity",
    "lvl",
    "loglevel",
    "levelname",
    "log.level",
    "@l",
    "PRIORITY",
    "severityText",
];
const MSG_KEYS: &[&str] = &[
    "msg",
    "message",
    "@m",
    "@message",
    "log",
    "MESSAGE",
    "short_message",
    "body.stringValue",
];
const HOST_KEYS: &[&str] = &["host", "hostname", "host.name", "_HOSTNAME"];
const PROGRAM_KEYS: &[&str] = &[
    "program",
    "app",
    "logger",
    "service",
    "logger_name",
    "service.name",
    "loggerName",
    "SYSLOG_IDENTIFIER",
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
                    match item {
                        Value::Object(m) => flatten(&format!("{key}.{i}"), m, out),
                        item => {
                            if let Some(s) = scalar(item) {
                                out.push((format!("{key}.{i}"), s));
                            }
                        }
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

/// How a program numbers its levels.
#[derive(Clone, Copy)]
enum Scale {
    /// 0-7 syslog severities (GELF, journald `PRIORITY`), 10-60 bunyan/pino.
    Syslog,
    /// Nextcloud: 0 debug, 1 info, 2 warn, 3 error, 4 fatal.
    Nextcloud,
    /// OpenTelemetry `severityNumber`: 1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20
    /// error, 21-24 fatal.
    Otel,
}

/// A level value on the program's scale.
fn level_of(s: &str, scale: Scale) -> Option<Level> {
    let Ok(n) = s.parse::<u32>() else {
        // MongoDB's `"s":"D1"`..`"D5"`.
        if let Some(d) = s.strip_prefix('D')
            && matches!(d, "1" | "2" | "3" | "4" | "5")
        {
            return Some(Level::Debug);
        }
        return Level::parse(s);
    };
    match scale {
        Scale::Nextcloud => [
            Level::Debug,
            Level::Info,
            Level::Warn,
            Level::Error,
            Level::Emerg,
        ]
        .get(n as usize)
        .copied(),
        Scale::Otel => Some(match n {
            0 => return None,
            1..=4 => Level::Trace,
            5..=8 => Level::Debug,
            9..=12 => Level::Info,
            13..=16 => Level::Warn,
            17..=20 => Level::Error,
            _ => Level::Emerg,
        }),
        Scale::Syslog if n < 10 => Level::parse(s),
        Scale::Syslog => Some(match n {
            10..=19 => Level::Trace,
            20..=29 => Level::Debug,
            30..=39 => Level::Info,
            40..=49 => Level::Warn,
            50..=59 => Level::Error,
            _ => Level::Emerg,
        }),
    }
}

/// The level, reading numbers on the scale of the program that wrote the line (told by the
/// keys it always writes).
fn level(fields: &[(String, String)]) -> Option<Level> {
    let has = |k: &str| fields.iter().any(|(f, _)| f == k);
    if has("t.$date")
        && let Some(s) = get(fields, &["s"])
    {
        return level_of(s, Scale::Syslog);
    }
    let scale = if has("reqId") {
        Scale::Nextcloud
    } else {
        Scale::Syslog
    };
    if let Some(l) = get(fields, LEVEL_KEYS).and_then(|s| level_of(s, scale)) {
        return Some(l);
    }
    let otel = |suffix: &str| {
        fields
            .iter()
            .find(|(f, _)| f == &suffix[1..] || f.ends_with(suffix))
            .map(|(_, v)| v.as_str())
    };
    otel(".severityText")
        .and_then(Level::parse)
        .or_else(|| otel(".severityNumber").and_then(|s| level_of(s, Scale::Otel)))
}

/// log4j2 JsonLayout's `"instant":{"epochSecond":...,"nanoOfSecond":...}`.
fn log4j2_instant(fields: &[(String, String)]) -> Option<i64> {
    let sec: i64 = get(fields, &["instant.epochSecond"])?.parse().ok()?;
    let nano: i64 = get(fields, &["instant.nanoOfSecond"])
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    sec.checked_mul(1_000_000)?.checked_add(nano / 1000)
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
    if best.is_none()
        && let Some(us) = log4j2_instant(&p.fields)
    {
        best = Some((us, 9, "instant"));
    }
    if best.is_none() {
        for suffix in TIME_SUFFIXES {
            let Some(v) = p
                .fields
                .iter()
                .find(|(f, _)| f.ends_with(suffix))
                .map(|(_, v)| v.as_str())
            else {
                continue;
            };
            if let Ok((us, prec)) = stamp::time_value(v, ctx) {
                best = Some((us, prec, &suffix[1..]));
                break;
            }
        }
    }
    // Without any time key the line is no event start of this format (a source of such lines
    // is plain text); a time key with an impossible value is a bad timestamp.
    let Some((ts, _, key)) = best else {
        return Err(bad.map_or(Miss::Shape, Miss::Bad));
    };
    p.ts = ts;
    p.time_span = member_span(line, key);
    p.level = level(&p.fields);
    p.message = get(&p.fields, MSG_KEYS).map_or_else(|| t.to_string(), str::to_string);
    p.host = get(&p.fields, HOST_KEYS)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    p.program = get(&p.fields, PROGRAM_KEYS)
        .or_else(|| mongo_or_bunyan_program(&p.fields))
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    Ok(p)
}

/// MongoDB's component (`"c":"NETWORK"`) and bunyan's logger `name` (bunyan lines carry
/// `"v":0`).
fn mongo_or_bunyan_program(fields: &[(String, String)]) -> Option<&str> {
    let has = |k: &str| fields.iter().any(|(f, _)| f == k);
    if has("t.$date") {
        return get(fields, &["c"]);
    }
    if has("v") {
        return get(fields, &["name"]);
    }
    None
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
