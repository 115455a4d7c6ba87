//! Jumps: marks, gaps, spikes, timeline steps and zoom, clicks.

use super::data::{Effect, Target, TimelineData};
use super::describe::human_secs;
use super::layout::{event_rows, layout};
use super::state::{AppState, Popup};
use super::view::{here, load, select, timeline_fx};
use crate::timeline::{ZOOM_STEPS, find_spikes};

pub(super) fn toggle_mark(s: &mut AppState) {
    let Some(k) = s.selected_event().map(|e| e.key()) else {
        return;
    };
    if !s.marks.remove(&k) {
        s.marks.insert(k);
    }
    s.set_status(format!("{} marked; u / U jump to marks", s.marks.len()));
}

pub(super) fn jump_mark(s: &mut AppState, forward: bool, fx: &mut Vec<Effect>) {
    let Some(here) = s.selected_event().map(|e| e.key()) else {
        return;
    };
    let next = if forward {
        s.marks.range(here..).find(|k| **k != here)
    } else {
        s.marks.range(..here).next_back()
    }
    .copied();
    match next {
        None => s.set_status(if forward {
            "no later mark"
        } else {
            "no earlier mark"
        }),
        Some(k) => match s.events.iter().position(|e| e.key() == k) {
            Some(i) => select(s, i, fx),
            None => fx.push(load(s, Target::Key(k))),
        },
    }
}

pub(super) fn goto_bucket(s: &mut AppState, d: &TimelineData, i: usize, fx: &mut Vec<Effect>) {
    let t = d.start_us + d.bucket_us * i as i64;
    s.cursor_us = t;
    fx.push(load(s, Target::Time(t)));
}

pub(super) fn jump_gap(s: &mut AppState, forward: bool, fx: &mut Vec<Effect>) {
    let Some(d) = s.timeline.data.clone() else {
        fx.extend(seek_fx(s, false, forward));
        return;
    };
    let cur = d.bucket_of(s.cursor_us);
    // A gap is reached at the bucket after it: the first event after the silence.
    let gap = if forward {
        d.gaps.iter().position(|g| cur.is_none_or(|c| g.0 > c))
    } else {
        d.gaps.iter().rposition(|g| cur.is_none_or(|c| g.1 + 1 < c))
    };
    match gap {
        Some(i) => {
            let (first, last) = d.gaps[i];
            let end = s.span.as_ref().and_then(|p| p.last).unwrap_or(d.end_us());
            let silence = d.silences.get(i).copied().unwrap_or_default();
            let len = silence
                .secs(end)
                .unwrap_or((last - first + 1) as i64 * d.bucket_us / 1_000_000);
            s.set_status(super::describe::gap_note(len));
            match silence.after {
                // The first event after the silence.
                Some(t) => {
                    s.cursor_us = t;
                    fx.push(load(s, Target::Time(t)));
                }
                None => goto_bucket(s, &d, last + 1, fx),
            }
        }
        None => fx.extend(seek_fx(s, false, forward)),
    }
}

/// Looks past the timeline on screen, over the whole history.
pub(super) fn seek_fx(s: &mut AppState, spike: bool, forward: bool) -> Option<Effect> {
    let span = s.span.as_ref()?;
    let span = (span.first?, span.last?);
    let here = here(s);
    let id = s.id();
    s.pending.load = id;
    s.pending.loading = true;
    s.set_status(format!(
        "looking for a {}…",
        if spike { "spike" } else { "gap" }
    ));
    Some(Effect::Seek {
        id,
        query: s.query(),
        spike,
        forward,
        from_us: s.cursor_us,
        here,
        bucket_us: s.timeline.bucket_s.max(1) * 1_000_000,
        span,
        hits: s.timeline_of_hits(),
    })
}

pub(super) fn jump_spike(s: &mut AppState, forward: bool, fx: &mut Vec<Effect>) {
    let Some(d) = s.timeline.data.clone() else {
        fx.extend(seek_fx(s, true, forward));
        return;
    };
    let cur = d.bucket_of(s.cursor_us);
    let spikes = find_spikes(&d.counts);
    let spike = if forward {
        spikes.iter().find(|&&i| cur.is_none_or(|c| i > c))
    } else {
        spikes.iter().rev().find(|&&i| cur.is_none_or(|c| i < c))
    };
    match spike {
        Some(&i) => {
            let what = if d.totals.is_empty() {
                "events"
            } else {
                "hits"
            };
            s.set_status(format!("spike: {} {what} in one bucket", d.counts[i]));
            goto_bucket(s, &d, i, fx);
        }
        None => fx.extend(seek_fx(s, true, forward)),
    }
}

pub(super) fn zoom(s: &mut AppState, out: bool, fx: &mut Vec<Effect>) {
    let b = s.timeline.bucket_s;
    let next = if out {
        ZOOM_STEPS.iter().copied().find(|&z| z > b)
    } else {
        ZOOM_STEPS.iter().rev().copied().find(|&z| z < b)
    };
    match next {
        Some(z) => {
            set_bucket(s, z, fx);
        }
        None => s.set_status(format!("bucket {} is the limit", human_secs(b))),
    }
}

pub(super) fn set_bucket(s: &mut AppState, secs: i64, fx: &mut Vec<Effect>) {
    s.timeline.bucket_s = secs;
    s.set_status(format!("bucket {}", human_secs(secs)));
    fx.extend(timeline_fx(s, true));
}

pub(super) fn step_timeline(s: &mut AppState, dir: i64, fx: &mut Vec<Effect>) {
    let b = s.timeline.bucket_s.max(1) * 1_000_000;
    let t = s.cursor_us.div_euclid(b) * b + dir * b;
    s.cursor_us = t;
    fx.push(load(s, Target::Time(t)));
}

pub(super) fn click(s: &mut AppState, x: u16, y: u16, fx: &mut Vec<Effect>) {
    if s.popup != Popup::None || s.prompt.is_some() {
        return;
    }
    let l = layout(s);
    if l.timeline.contains(y) {
        if let Some(d) = s.timeline.data.clone()
            && (x as usize) < d.counts.len()
        {
            goto_bucket(s, &d, x as usize, fx);
        }
        return;
    }
    if l.log.contains(y) {
        let mut row = (y - l.log.y) as usize;
        for i in s.top..s.events.len() {
            let r = event_rows(s, &s.events[i]);
            if row < r {
                select(s, i, fx);
                return;
            }
            row -= r;
        }
    }
}
