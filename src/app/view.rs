//! The view and the work that keeps it current: where it is (`here`), loading around a
//! target, the counts and the timeline a change of query asks for (`requery`), selecting an
//! event and keeping it on screen. Below `update` and the modules of each kind of action
//! (search, jump, command, sources, the panes), which all call it; it calls none of them.

use super::data::{Effect, Target};
use super::layout::{event_rows, layout};
use super::state::AppState;

/// Rows of the log view.
pub(super) fn rows(s: &AppState) -> usize {
    layout(s).log.rows as usize
}

/// A load of `target` with the current query; later answers to older loads are dropped.
pub(super) fn load(s: &mut AppState, target: Target) -> Effect {
    let id = s.id();
    s.pending.load = id;
    s.pending.loading = true;
    Effect::Load {
        id,
        query: s.query(),
        target,
    }
}

/// Where the view is: the selected event, or the cursor time when nothing is loaded.
pub(super) fn here(s: &AppState) -> Target {
    match s.selected_event() {
        Some(e) => Target::Key(e.key()),
        None if s.span.is_some() && s.events.is_empty() && s.cursor_us != 0 => {
            Target::Time(s.cursor_us)
        }
        None => Target::End,
    }
}

/// After the query changed: reload where we are, recount, redraw the timeline.
pub(super) fn requery(s: &mut AppState, fx: &mut Vec<Effect>) {
    let target = here(s);
    fx.push(load(s, target));
    fx.extend(timeline_fx(s, true));
    fx.extend(count_fx(s));
    fx.extend(view_count_fx(s));
    fx.push(firsts_fx(s));
}

/// A request for when each pattern of the filtered events began.
pub(super) fn firsts_fx(s: &mut AppState) -> Effect {
    let id = s.id();
    s.pending.firsts = id;
    Effect::Firsts {
        id,
        query: s.query(),
    }
}

/// A count of the events the view lets through, when filters, a level or a window narrow it.
pub(super) fn view_count_fx(s: &mut AppState) -> Option<Effect> {
    s.view_events = None;
    if !s.narrowed() {
        return None;
    }
    let id = s.id();
    s.pending.view_count = id;
    Some(Effect::CountView {
        id,
        query: s.query(),
    })
}

pub(super) fn count_fx(s: &mut AppState) -> Option<Effect> {
    s.search.hits = None;
    s.search.expr.as_ref()?;
    let id = s.id();
    s.pending.count = id;
    Some(Effect::Count {
        id,
        query: s.query(),
    })
}

/// The timeline's first bucket for the cursor: centred on it, kept within the logs' span.
fn timeline_start(s: &AppState, bucket_us: i64, buckets: usize) -> i64 {
    let align = |t: i64| t.div_euclid(bucket_us) * bucket_us;
    let half = bucket_us.saturating_mul(buckets as i64 / 2);
    let mut start = align(s.cursor_us.saturating_sub(half));
    if let Some(last) = s.span.as_ref().and_then(|p| p.last) {
        let latest = align(last).saturating_sub(bucket_us.saturating_mul(buckets as i64 - 1));
        start = start.min(latest);
    }
    if let Some(first) = s.span.as_ref().and_then(|p| p.first) {
        start = start.max(align(first));
    }
    start
}

/// A new histogram when forced, or when the cursor nears the edge of the one shown.
pub(super) fn timeline_fx(s: &mut AppState, force: bool) -> Option<Effect> {
    if s.span.is_none() || !s.timeline.visible || nothing_indexed(s) {
        return None;
    }
    let buckets = (s.width as usize).max(1);
    let bucket_us = s.timeline.bucket_s.max(1) * 1_000_000;
    let start = timeline_start(s, bucket_us, buckets);
    let (cur_start, cur_bucket, cur_n) = s.timeline.range;
    let stale = cur_bucket != bucket_us || cur_n != buckets;
    let edge = (buckets / 10) as i64 * bucket_us;
    let cur_end = cur_start + cur_bucket * cur_n as i64;
    let near_edge = s.cursor_us < cur_start + edge || s.cursor_us >= cur_end - edge;
    if !(force || stale || (near_edge && start != cur_start)) {
        return None;
    }
    let id = s.id();
    s.timeline.pending = id;
    s.timeline.range = (start, bucket_us, buckets);
    // With the patterns pane open, the bars count the selected pattern's events.
    let (query, hits) = match super::pattern_rows::overlay(s) {
        Some(pattern) => (
            super::data::Query {
                search: Some(pattern),
                ..s.query()
            },
            true,
        ),
        None => (s.query(), s.timeline_of_hits()),
    };
    Some(Effect::Timeline {
        id,
        query,
        start_us: start,
        bucket_us,
        buckets,
        until_us: s.span.as_ref().and_then(|p| p.last),
        hits,
    })
}

/// Selects event `i` of the window, keeps it on screen, moves the timeline cursor.
pub(super) fn select(s: &mut AppState, i: usize, fx: &mut Vec<Effect>) {
    s.selected = i;
    if let Some(e) = s.events.get(i) {
        s.cursor_us = e.ts;
    }
    ensure_visible(s);
    fx.extend(timeline_fx(s, false));
}

/// Scrolls so that the selected event is on screen (as far as it fits).
pub(super) fn ensure_visible(s: &mut AppState) {
    if s.events.is_empty() {
        s.top = 0;
        s.selected = 0;
        return;
    }
    s.selected = s.selected.min(s.events.len() - 1);
    if s.selected < s.top {
        s.top = s.selected;
        return;
    }
    let rows = rows(s);
    let mut used: usize = (s.top..=s.selected)
        .map(|i| event_rows(s, &s.events[i]))
        .sum();
    while used > rows && s.top < s.selected {
        used -= event_rows(s, &s.events[s.top]);
        s.top += 1;
    }
    fill(s);
}

/// Moves the top up while the events from it to the last one leave rows empty (a taller
/// terminal, the timeline hidden, wrapping turned off): the view is never partly empty when
/// there are earlier events to show.
fn fill(s: &mut AppState) {
    let rows = rows(s);
    let mut used = 0;
    for e in &s.events[s.top..] {
        used += event_rows(s, e);
        if used >= rows {
            return;
        }
    }
    while s.top > 0 {
        let r = event_rows(s, &s.events[s.top - 1]);
        if used + r > rows {
            break;
        }
        used += r;
        s.top -= 1;
    }
}

/// Whether the logs hold any event at all (not: whether the filters let any through).
pub fn nothing_indexed(s: &AppState) -> bool {
    s.span
        .as_ref()
        .is_some_and(|p| p.events == 0 || p.first.is_none())
}

/// Whether the view follows new events: follow mode (`F`, `-f`) is on. Without it, like
/// `less`, the view stays where it is and the status line counts what arrives.
pub fn following(s: &AppState) -> bool {
    s.follow
}

/// Events that arrived since follow was paused.
pub fn new_since_pause(s: &AppState) -> Option<u64> {
    let (at, now) = (s.paused_at?, s.span.as_ref()?.events);
    (now > at).then(|| now - at)
}

/// Reads a time as typed: in UTC when the view shows UTC, local time otherwise.
pub(super) fn time(s: &AppState, arg: &str) -> Result<i64, String> {
    let zone = if s.utc {
        crate::time::Zone::Named(chrono_tz::Tz::UTC)
    } else {
        crate::time::Zone::Local
    };
    crate::window::parse_time(arg, s.now_us, &zone).map_err(|e| e.to_string())
}
