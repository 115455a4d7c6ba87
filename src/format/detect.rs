//! Format detection: every candidate parses the first lines of a source; the one whose start
//! pattern matches most lines wins (ties: the more specific, listed first; user formats first).

use super::{BUILTIN, Format, Kind, LineContext, LineKind, UserFormat, is_continuation};
use crate::time::Zone;

/// Lines looked at.
const SAMPLE: usize = 200;
/// The winner must start at least this share (in %) of the lines that could start an event.
const MIN_SHARE_PCT: usize = 30;

/// Does `line` start an event of `f`? Syslog formats also need a program tag, so that a generic
/// `2026-...T... INFO msg` line is not taken for RFC 3339 syslog with host `INFO`.
fn fits(f: &Format, line: &str, ctx: &mut LineContext) -> bool {
    match f.parse_line(line, ctx) {
        LineKind::Start(p) => {
            !matches!(f.kind, Kind::Rfc3164 | Kind::Rfc3339Syslog) || p.program.is_some()
        }
        LineKind::BadTimestamp { .. } => true,
        LineKind::Continuation => false,
    }
}

pub fn detect(lines: &[&str], user: &[UserFormat]) -> Option<Format> {
    let sample: Vec<&str> = lines
        .iter()
        .take(SAMPLE)
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty())
        .collect();
    let eligible = sample.iter().filter(|l| !is_continuation(l)).count();
    if eligible == 0 {
        return None;
    }
    let candidates = user.iter().filter_map(Format::user).chain(
        BUILTIN
            .iter()
            .map(|&(kind, name)| Format::builtin(kind, name)),
    );
    let mut best: Option<(usize, Format)> = None;
    for f in candidates {
        let mut ctx = LineContext::new(&Zone::Fixed(chrono::FixedOffset::east_opt(0)?), 0);
        let score = sample.iter().filter(|l| fits(&f, l, &mut ctx)).count();
        if score > best.as_ref().map_or(0, |(s, _)| *s) {
            best = Some((score, f));
        }
    }
    let (score, f) = best?;
    (score * 100 >= eligible * MIN_SHARE_PCT).then_some(f)
}
