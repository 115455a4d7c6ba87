//! `docker compose logs` / `docker compose up` output: each line is prefixed with the
//! container's name padded to a common width and ` | ` (`web_1  | ` in compose v1, `web-1  | `
//! in v2, often coloured: the colour codes are removed before this runs). The text after the
//! prefix is read by the service's own format; the service becomes the event's `host` (on a
//! compose network a service is reached by that name, as a host).
//!
//! Each service writes its own format (nginx access lines, PostgreSQL's log, JSON), so
//! detection picks a default on all the lines after their prefixes and, per service, the
//! format of that service's own lines; both are in the format's name
//! (`compose:iso,web-1=access,app-1=json`: only services whose format is not the default are
//! named). A service detection did not see (it started later, or `docker compose logs`
//! printed another container's lines first) gets, on its first line some format reads, the
//! default when it reads that line, else the first format in detection order that does; the
//! choice is kept in the source's context (`Carry::services`), so it holds for its later
//! lines, after a resume and when events are read back.
//!
//! Services interleave: a line its format does not read continues the event before it when
//! that event is of the same service (a traceback), and is an event of its own, at the time of
//! the event before it, when the service changed (even indented, it must not be glued to
//! another service's event).

use super::{Format, LineContext, LineKind, UserFormat};
use crate::event::{Level, Parsed};

/// The name prefix of a compose format (`compose:iso`).
pub const PREFIX: &str = "compose:";
/// Services whose format a source's context remembers; the lines of services beyond them (a
/// file of look-alike prefixes) are read by the default.
const MAX_SERVICES: usize = 256;
/// Lines of a service that no format reads before the service is left to the default, so that
/// an untimed service does not try every format on every line.
const MAX_MISSES: u32 = 20;

/// The formats behind the prefixes.
#[derive(Debug, Clone)]
pub struct Inner {
    /// The format detected on all the lines after their prefixes.
    pub default: Format,
    /// The services detection found in another format than the default, in order of first
    /// appearance.
    pub services: Vec<(String, Format)>,
    /// What a service detection did not see is tried with, in detection order.
    candidates: Vec<Format>,
}

impl Inner {
    pub fn new(default: Format, services: Vec<(String, Format)>, user: &[UserFormat]) -> Inner {
        Inner {
            default,
            services,
            candidates: super::detect::candidates(user),
        }
    }

    /// `compose:DEFAULT[,SERVICE=FORMAT]...`.
    pub fn name(&self) -> String {
        let mut name = format!("{PREFIX}{}", self.default.name());
        for (service, f) in &self.services {
            name.push_str(&format!(",{service}={}", f.name()));
        }
        name
    }

    /// The formats named by what follows `compose:` (see [`Inner::name`]); `None` when one of
    /// them is unknown. A whole name that is a format (a user format's name may hold a comma)
    /// is the default alone.
    pub fn parse(rest: &str, user: &[UserFormat]) -> Option<Inner> {
        if let Some(f) = Format::by_name(rest, user) {
            return Some(Inner::new(f, Vec::new(), user));
        }
        let mut parts = rest.split(',');
        let default = Format::by_name(parts.next()?, user)?;
        let services = parts
            .map(|p| {
                let (service, name) = p.split_once('=')?;
                Some((service.to_string(), Format::by_name(name, user)?))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Inner::new(default, services, user))
    }

    /// The format of `service` as detected, or as chosen on one of its earlier lines.
    fn known<'a>(&'a self, service: &str, ctx: &LineContext) -> Option<&'a Format> {
        if let Some((_, f)) = self.services.iter().find(|(s, _)| s == service) {
            return Some(f);
        }
        let name = ctx.carry.services.get(service)?;
        Some(
            self.candidates
                .iter()
                .find(|f| f.name() == name)
                .unwrap_or(&self.default),
        )
    }

    /// The format detection gave `service` (the default for a service it did not name), for
    /// reading partial stamps before the file is read (`plan`).
    pub fn format_for(&self, service: &str) -> &Format {
        self.services
            .iter()
            .find(|(s, _)| s == service)
            .map_or(&self.default, |(_, f)| f)
    }

    /// Reads `rest`, the text after `service`'s prefix.
    fn read(&self, service: &str, rest: &str, ctx: &mut LineContext) -> LineKind {
        if let Some(f) = self.known(service, ctx) {
            return f.classify(rest, ctx);
        }
        let kind = self.default.classify(rest, ctx);
        if matches!(kind, LineKind::Start(_)) || ctx.carry.services.len() >= MAX_SERVICES {
            keep(ctx, service, &self.default);
            return kind;
        }
        for f in &self.candidates {
            if f.name() == self.default.name() {
                continue;
            }
            let mut trial = ctx.clone();
            if super::detect::fits(f, rest, &mut trial) == (true, true) {
                keep(ctx, service, f);
                return f.classify(rest, ctx);
            }
        }
        let misses = ctx
            .carry
            .service_misses
            .entry(service.to_string())
            .or_default();
        *misses += 1;
        if *misses >= MAX_MISSES {
            keep(ctx, service, &self.default);
        }
        kind
    }
}

/// Remembers that `service`'s lines are read by `f`.
fn keep(ctx: &mut LineContext, service: &str, f: &Format) {
    ctx.carry.service_misses.remove(service);
    ctx.carry
        .services
        .insert(service.to_string(), f.name().to_string());
}

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

pub fn classify(inner: &Inner, line: &str, ctx: &mut LineContext) -> LineKind {
    let Some((service, at)) = prefix(line) else {
        return LineKind::Continuation;
    };
    let rest = &line[at..];
    if rest.trim().is_empty() {
        return LineKind::Continuation;
    }
    let same = ctx.carry.service.as_deref() == Some(service);
    match inner.read(service, rest, ctx) {
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
