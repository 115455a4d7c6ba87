//! `docker compose logs` / `docker compose up` output: each line is prefixed with the
//! container's name padded to a common width and ` | ` (`web_1  | ` in compose v1, `web-1  | `
//! in v2, often coloured: the colour codes are removed before this runs). The text after the
//! prefix is read by the inner format, detected on that text; the service becomes the event's
//! `host` (on a compose network a service is reached by that name, as a host).
//!
//! Several services interleave in one file, each maybe in its own format: a line the inner
//! format does not read continues the event before it when that event is of the same service
//! (a traceback), and is an event of its own, at the time of the event before it, when the
//! service changed (even indented, it must not be glued to another service's event).

use super::{Format, LineContext, LineKind};
use crate::event::{Level, Parsed};

/// The name prefix of a compose format (`compose:iso`).
pub const PREFIX: &str = "compose:";

/// The service and where the text after its ` | ` starts, for a line with a compose prefix.
/// A level word is no service (`INFO   | jvm 1    | ...` of the Java Service Wrapper, log4j's
/// `%-5p | %m`).
pub fn prefix(line: &str) -> Option<(&str, usize)> {
    let b = line.as_bytes();
    let name_len = b
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
        .count();
    if name_len == 0 || !b[0].is_ascii_alphanumeric() {
        return None;
    }
    let pad = b[name_len..].iter().take_while(|&&c| c == b' ').count();
    let bar = name_len + pad;
    if pad == 0 || b.get(bar) != Some(&b'|') || Level::parse(&line[..name_len]).is_some() {
        return None;
    }
    match b.get(bar + 1) {
        None => Some((&line[..name_len], bar + 1)),
        Some(b' ') => Some((&line[..name_len], bar + 2)),
        _ => None,
    }
}

/// The text after the prefix (the whole line when it has none).
pub fn strip(line: &str) -> &str {
    prefix(line).map_or(line, |(_, at)| &line[at..])
}

pub fn classify(inner: &Format, line: &str, ctx: &mut LineContext) -> LineKind {
    let Some((service, at)) = prefix(line) else {
        return LineKind::Continuation;
    };
    let rest = &line[at..];
    if rest.trim().is_empty() {
        return LineKind::Continuation;
    }
    let same = ctx.carry.service.as_deref() == Some(service);
    match inner.classify(rest, ctx) {
        LineKind::Start(mut p) => {
            p.time_span = p.time_span.map(|(a, b)| (a + at, b + at));
            p.host = Some(service.to_string());
            ctx.carry.service = Some(service.to_string());
            LineKind::Start(p)
        }
        LineKind::Continuation if !same => match ctx.carry.last_us {
            Some(ts) => {
                ctx.carry.service = Some(service.to_string());
                LineKind::Start(Parsed {
                    ts,
                    host: Some(service.to_string()),
                    message: rest.to_string(),
                    ..Parsed::default()
                })
            }
            None => LineKind::Continuation,
        },
        other => other,
    }
}
