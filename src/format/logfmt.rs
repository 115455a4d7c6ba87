//! logfmt (`ts=... level=info msg="..."`) and key=value lines whose time is split into `date=`
//! and `time=` keys (firewalls such as FortiGate: `date=2026-11-22 time=07:39:58 devname=...`).

use super::LineContext;
use super::kvextract;
use super::stamp::{self, Miss, R};
use crate::event::{Level, Parsed};

const TIME_KEYS: &[&str] = &["ts", "time", "timestamp", "t", "@timestamp", "datetime"];
const LEVEL_KEYS: &[&str] = &["level", "lvl", "severity", "loglevel"];
const MSG_KEYS: &[&str] = &["msg", "message"];
const HOST_KEYS: &[&str] = &["host", "hostname"];
const PROGRAM_KEYS: &[&str] = &["program", "app", "logger", "service", "caller_name"];

#[inline]
fn key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'@' | b'/')
}

/// Splits a logfmt line into pairs; `None` when it does not start with `key=`. `spans[k]` gets
/// the byte range of the first `key=value` pair (quotes included) whose key is `keys[k]`.
pub fn pairs(
    line: &str,
    keys: &[&str],
    spans: &mut [Option<(usize, usize)>],
) -> Option<Vec<(String, String)>> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        let k0 = i;
        while b.get(i).is_some_and(|&c| key_char(c)) {
            i += 1;
        }
        if i == k0 {
            // Not a key: skip the junk word.
            if out.is_empty() {
                return None;
            }
            while b.get(i).is_some_and(|c| !c.is_ascii_whitespace()) {
                i += 1;
            }
            continue;
        }
        let key = &line[k0..i];
        if b.get(i) != Some(&b'=') {
            if out.is_empty() {
                return None;
            }
            out.push((key.to_string(), String::new()));
            continue;
        }
        i += 1;
        let mut last = false;
        if b.get(i) == Some(&b'"') {
            match kvextract::quoted(b, i, b'"') {
                Some((v, next)) => {
                    out.push((key.to_string(), v));
                    i = next;
                }
                None => {
                    out.push((key.to_string(), line.get(i + 1..).unwrap_or("").to_string()));
                    i = b.len();
                    last = true;
                }
            }
        } else {
            let v0 = i;
            while b.get(i).is_some_and(|c| !c.is_ascii_whitespace()) {
                i += 1;
            }
            out.push((key.to_string(), line.get(v0..i).unwrap_or("").to_string()));
        }
        if let Some(k) = keys.iter().position(|t| *t == key)
            && let Some(slot) = spans.get_mut(k)
        {
            *slot = slot.or(Some((k0, i)));
        }
        if last {
            break;
        }
    }
    (!out.is_empty()).then_some(out)
}

fn get<'a>(fields: &'a [(String, String)], keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str()))
}

/// Like [`get`], with the index in `keys` of the key found.
fn get_at<'a>(fields: &'a [(String, String)], keys: &[&str]) -> Option<(usize, &'a str)> {
    keys.iter().enumerate().find_map(|(k, key)| {
        fields
            .iter()
            .find(|(f, _)| f == key)
            .map(|(_, v)| (k, v.as_str()))
    })
}

/// Fills level/message/host/program from the pairs (message: the whole line when absent).
fn finish(
    line: &str,
    fields: Vec<(String, String)>,
    ts: i64,
    time_span: Option<(usize, usize)>,
) -> Parsed {
    Parsed {
        ts,
        time_span,
        level: get(&fields, LEVEL_KEYS).and_then(Level::parse),
        host: get(&fields, HOST_KEYS)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        program: get(&fields, PROGRAM_KEYS)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        message: get(&fields, MSG_KEYS).unwrap_or(line).to_string(),
        fields,
    }
}

pub fn parse(line: &str, ctx: &mut LineContext) -> R<Parsed> {
    if !line
        .as_bytes()
        .first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_' || *c == b'@')
    {
        return Err(Miss::Shape);
    }
    let mut spans = [None; TIME_KEYS.len()];
    let fields = pairs(line, TIME_KEYS, &mut spans).ok_or(Miss::Shape)?;
    if fields.len() < 2 {
        return Err(Miss::Shape);
    }
    let (k, v) = get_at(&fields, TIME_KEYS).ok_or(Miss::Shape)?;
    let (ts, _) = stamp::time_value(v, ctx)?;
    Ok(finish(line, fields, ts, spans[k]))
}

/// `date=YYYY-MM-DD time=HH:MM:SS` key=value lines.
pub fn parse_kv(line: &str, ctx: &mut LineContext) -> R<Parsed> {
    if !line.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
        return Err(Miss::Shape);
    }
    let mut spans = [None; 2];
    let fields = pairs(line, &["date", "time"], &mut spans).ok_or(Miss::Shape)?;
    let date = get(&fields, &["date"]).ok_or(Miss::Shape)?;
    let time = get(&fields, &["time"]).ok_or(Miss::Shape)?;
    let joined = format!("{date} {time}");
    let (w, used) = stamp::iso(joined.as_bytes(), false)?;
    if used != joined.len() {
        return Err(Miss::Shape);
    }
    let ts = stamp::to_us(&w, ctx)?;
    Ok(finish(line, fields, ts, date_time_span(line, spans)))
}

/// `date=... time=...` as one span when only blanks separate the two pairs (in either
/// order); otherwise the `time=` pair alone (the date part repeats across lines anyway, and a
/// wider span would hide the pairs in between from the full-text index).
fn date_time_span(line: &str, spans: [Option<(usize, usize)>; 2]) -> Option<(usize, usize)> {
    let [date, time] = spans;
    let (d, t) = match (date, time) {
        (Some(d), Some(t)) => (d, t),
        (_, t) => return t,
    };
    let (first, second) = if d.0 < t.0 { (d, t) } else { (t, d) };
    match line.get(first.1..second.0) {
        Some(gap) if gap.bytes().all(|c| c.is_ascii_whitespace()) => Some((first.0, second.1)),
        _ => Some(t),
    }
}
