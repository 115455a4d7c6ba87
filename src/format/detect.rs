//! Format detection: every candidate parses the first lines of a source and counts the lines
//! it reads as record starts; the one with most starts wins (ties: user formats first, then the
//! hand-written ones, most specific first, then the data formats). It must start at least 30% of the lines that could start a
//! record, or, for sources whose records carry long unindented continuation blocks (PHP
//! frames `#0 /var/www/...`, query dumps), start the source's first record and at least two:
//! detection is scored on the lines that start records, not on the share of all lines.
//! A format's header and detail lines (W3C directives, a MySQL slow log's `# Query_time:`)
//! count with its starts. When most lines carry a `docker compose` prefix, the default format
//! is detected on the text after the prefixes, and each service's on its own lines.

use super::{
    BUILTIN, Format, Kind, LineContext, LineKind, UserFormat, ansi, compose, is_continuation,
};
use crate::time::Zone;

/// Lines looked at.
const SAMPLE: usize = 200;
/// The share (in %) of the lines that could start a record that a winner starts, unless it
/// starts the first record.
const MIN_SHARE_PCT: usize = 30;
/// The first record must start within this many lines that could start one.
const FIRST_WITHIN: usize = 5;

/// How one candidate did on a sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub format: String,
    /// Lines read as record starts (or as this format's header and detail lines).
    pub starts: usize,
    /// Index (among the lines that could start a record) of the first start.
    pub first: Option<usize>,
}

/// The outcome of detection, with the reasons (for `timberline explain`).
#[derive(Debug, Clone)]
pub struct Detection {
    /// Non-blank lines looked at.
    pub sampled: usize,
    /// Of those, lines that could start a record (not indented, not a traceback line).
    pub eligible: usize,
    /// Every candidate with at least one start, best first.
    pub scores: Vec<Score>,
    pub chosen: Option<Format>,
    /// Why the winner won, or why none did.
    pub reason: String,
}

/// Does `line` start an event of `f` (or is it one of its header or detail lines)? And is it a
/// record start proper? Syslog formats also need a program tag, so that a generic
/// `2026-...T... INFO msg` line is not taken for RFC 3339 syslog with host `INFO`.
pub(super) fn fits(f: &Format, line: &str, ctx: &mut LineContext) -> (bool, bool) {
    match f.parse_line(line, ctx) {
        LineKind::Start(p) => {
            let ok = !matches!(f.kind, Kind::Rfc3164 | Kind::Rfc3339Syslog) || p.program.is_some();
            (ok, ok)
        }
        LineKind::BadTimestamp { .. } => (true, true),
        LineKind::Header | LineKind::Detail { .. } => (true, false),
        LineKind::Continuation => (false, false),
    }
}

pub fn detect(lines: &[&str], user: &[UserFormat]) -> Option<Format> {
    explain(lines, user).chosen
}

/// Scores every candidate on `lines` and picks one; behind `docker compose` prefixes on most
/// lines, on the text after them.
pub fn explain(lines: &[&str], user: &[UserFormat]) -> Detection {
    let plain: Vec<std::borrow::Cow<str>> = lines
        .iter()
        .take(SAMPLE)
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty())
        .map(|l| match memchr::memchr(0x1b, l.as_bytes()) {
            Some(_) => std::borrow::Cow::Owned(ansi::strip(l).0),
            None => std::borrow::Cow::Borrowed(l),
        })
        .collect();
    let prefixed = plain
        .iter()
        .filter(|l| compose::prefix(l).is_some())
        .count();
    if prefixed < 2 || prefixed * 2 < plain.len() {
        return score(lines, user);
    }
    let inner: Vec<&str> = plain.iter().map(|l| compose::strip(l)).collect();
    let mut d = score(&inner, user);
    let by_service = per_service(&plain, user);
    let default = d.chosen.take().or_else(|| {
        // No format reads most lines: the one of the service with most lines that has one.
        by_service
            .iter()
            .filter_map(|(_, n, f)| Some((*n, f.as_ref()?)))
            .max_by_key(|(n, _)| *n)
            .map(|(_, f)| f.clone())
    });
    let mut reason = format!(
        "{prefixed} of {} lines carry a docker compose prefix; after it, {}",
        plain.len(),
        d.reason
    );
    if let Some(default) = default {
        let services: Vec<(String, Format)> = by_service
            .into_iter()
            .filter_map(|(s, _, f)| Some((s.to_string(), f?)))
            .filter(|(_, f)| f.name() != default.name())
            .collect();
        if !services.is_empty() {
            let named: Vec<String> = services
                .iter()
                .map(|(s, f)| format!("{s} {}", f.name()))
                .collect();
            reason.push_str(&format!(
                "; services in their own format: {}",
                named.join(", ")
            ));
        }
        d.chosen = Some(Format::compose(compose::Inner::new(
            default, services, user,
        )));
    }
    d.reason = reason;
    d
}

/// Each service of the prefixed `lines`, in order of first appearance, with its number of
/// lines and the format detected on them alone.
fn per_service<'a>(
    lines: &'a [std::borrow::Cow<str>],
    user: &[UserFormat],
) -> Vec<(&'a str, usize, Option<Format>)> {
    let mut services: Vec<(&str, Vec<&str>)> = Vec::new();
    for l in lines {
        let Some((service, at)) = compose::prefix(l) else {
            continue;
        };
        let text = &l[at..];
        match services.iter_mut().find(|(s, _)| *s == service) {
            Some((_, v)) => v.push(text),
            None => services.push((service, vec![text])),
        }
    }
    services
        .into_iter()
        .map(|(s, v)| (s, v.len(), score(&v, user).chosen))
        .collect()
}

/// Every format detection tries, in its order: user formats, the hand-written ones, the data
/// formats.
pub(super) fn candidates(user: &[UserFormat]) -> Vec<Format> {
    user.iter()
        .filter_map(Format::user)
        .chain(
            BUILTIN
                .iter()
                .map(|&(kind, name)| Format::builtin(kind, name)),
        )
        .chain(super::data::formats().iter().cloned())
        .collect()
}

/// Scores every candidate on `lines` and picks one.
fn score(lines: &[&str], user: &[UserFormat]) -> Detection {
    let sample: Vec<&str> = lines
        .iter()
        .take(SAMPLE)
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty())
        .collect();
    let eligible: Vec<&str> = sample
        .iter()
        .copied()
        .filter(|l| !is_continuation(l))
        .collect();
    let mut scored: Vec<(Score, Format)> = Vec::new();
    for f in candidates(user) {
        let mut ctx = LineContext::new(&Zone::Named(chrono_tz::Tz::UTC), 0);
        let mut score = Score {
            format: f.name().to_string(),
            starts: 0,
            first: None,
        };
        let mut records = 0;
        for (i, l) in eligible.iter().enumerate() {
            let (fit, record) = fits(&f, l, &mut ctx);
            if fit {
                score.starts += 1;
                score.first.get_or_insert(i);
            }
            records += usize::from(record);
        }
        // A format must read at least one record, not only headers.
        if records > 0 {
            scored.push((score, f));
        }
    }
    // Stable: ties keep the candidates' order.
    scored.sort_by_key(|s| std::cmp::Reverse(s.0.starts));
    let n = eligible.len();
    let (chosen, reason) = match scored.first() {
        None if n == 0 => (None, "no line that could start a record".to_string()),
        None => (
            None,
            "no format reads a timestamp at the start of any line".to_string(),
        ),
        Some((s, f)) => {
            let share = s.starts * 100 >= n * MIN_SHARE_PCT;
            let first = s.starts >= 2 && s.first.is_some_and(|i| i < FIRST_WITHIN);
            let what = format!(
                "{} starts {} of the {n} lines that could start a record",
                s.format, s.starts
            );
            if share {
                (
                    Some(f.clone()),
                    format!("{what} (at least {MIN_SHARE_PCT}%)"),
                )
            } else if first {
                (
                    Some(f.clone()),
                    format!(
                        "{what}: under {MIN_SHARE_PCT}%, but it starts the first record, so the \
                         other lines are taken for its continuation lines"
                    ),
                )
            } else {
                (
                    None,
                    format!("{what}: under {MIN_SHARE_PCT}% and not from the first record"),
                )
            }
        }
    };
    Detection {
        sampled: sample.len(),
        eligible: n,
        scores: scored.into_iter().map(|(s, _)| s).collect(),
        chosen,
        reason,
    }
}
