//! The timeline: one column per bucket, bars stacked by level (errors, then warnings, then
//! the rest), empty buckets drawn as dots, gaps shaded and labelled, the search's hits, where
//! a pattern began (`◆`) and the cursor on the axis. With a search, the bars count its hits (its own histogram, so a
//! burst of failed logins is a spike), and the scale gives the all-events one beside it.

use super::log_view::shown_time;
use super::theme::Theme;
use crate::app::AppState;
use crate::app::data::TimelineData;
use crate::app::describe::human_secs;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// Eighths of a cell, from empty to full.
const BLOCKS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// Columns between labels, at least.
const LABEL_EVERY: usize = 16;

pub fn render(s: &AppState, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.height < 3 {
        return;
    }
    let bar_rows = area.height - 2;
    let axis_y = area.y + bar_rows;
    let label_y = axis_y + 1;
    let Some(d) = &s.timeline.data else {
        let msg = if s.span.is_none() {
            "timeline: waiting for the index…"
        } else if crate::app::view::nothing_indexed(s) {
            "timeline: no events to count"
        } else {
            "timeline: loading…"
        };
        buf.set_string(
            area.x + 1,
            area.y + bar_rows / 2,
            msg,
            theme.style("timeline_label"),
        );
        return;
    };
    let width = (area.width as usize).min(d.counts.len());
    let max = d.counts.iter().copied().max().unwrap_or(0).max(1);
    let levels = bar_rows as u64 * 8;
    let in_gap = |i: usize| d.gaps.iter().any(|&(a, b)| a <= i && i <= b);
    let cursor = d.bucket_of(s.cursor_us);
    // Buckets after the last event are the future: left blank.
    let last = s.span.as_ref().and_then(|p| p.last).unwrap_or(i64::MAX);
    let width = (0..width)
        .find(|&i| d.start_us + d.bucket_us * i as i64 > last)
        .unwrap_or(width);
    for i in 0..width {
        let x = area.x + i as u16;
        let c = d.counts[i];
        if in_gap(i) {
            for r in 0..bar_rows {
                buf.set_string(x, area.y + r, "░", theme.style("timeline_gap"));
            }
        } else if c == 0 {
            buf.set_string(x, axis_y - 1, "·", theme.style("timeline_empty"));
        } else {
            // Height in eighths: at least one for any event, so a single one shows.
            let h = (c * levels).div_ceil(max).max(1);
            let height = |v: &[u64]| {
                let n = v.get(i).copied().unwrap_or(0);
                if n > 0 {
                    (n * levels).div_ceil(max).max(1)
                } else {
                    0
                }
            };
            let (eh, wh) = (height(&d.errors), height(&d.warnings));
            for r in 0..bar_rows {
                let base = (bar_rows - 1 - r) as u64 * 8;
                let fill = h.saturating_sub(base).min(8) as usize;
                if fill == 0 {
                    continue;
                }
                // A cell takes the colour of the level filling most of it, so one error among
                // a hundred events does not paint a whole cell red.
                let part = |top: u64| top.saturating_sub(base).min(fill as u64);
                let (e, w) = (part(eh), part(wh).saturating_sub(part(eh)));
                let rest = fill as u64 - e - w;
                let style = if e > 0 && e >= w && e >= rest {
                    "timeline_error"
                } else if w > 0 && w >= rest {
                    "timeline_warn"
                } else {
                    "timeline_bar"
                };
                buf.set_string(x, area.y + r, BLOCKS[fill].to_string(), theme.style(style));
            }
        }
        let hit = d.hits.get(i).is_some_and(|&h| h > 0);
        // A pattern began in this bucket: something new was logged.
        let bucket_start = d.start_us + d.bucket_us * i as i64;
        let began = {
            let at = s.pattern_firsts.partition_point(|&t| t < bucket_start);
            s.pattern_firsts
                .get(at)
                .is_some_and(|&t| t < bucket_start + d.bucket_us)
        };
        let (mark, style) = if began {
            ("◆", "timeline_warn")
        } else if hit {
            ("•", "timeline_hits")
        } else {
            ("─", "timeline_label")
        };
        buf.set_string(x, axis_y, mark, theme.style(style));
    }
    let end = s.span.as_ref().and_then(|p| p.last).unwrap_or(d.end_us());
    gap_labels(d, end, theme, area, axis_y, buf);
    labels(s, d, theme, area, label_y, width, buf);
    if let Some(c) = cursor.filter(|&c| c < width) {
        let x = area.x + c as u16;
        buf.set_style(
            Rect::new(x, area.y, 1, bar_rows),
            theme.style("timeline_cursor"),
        );
        buf.set_string(x, axis_y, "▲", theme.style("timeline_cursor"));
    }
}

/// `gap 47m` written on the axis under each gap wide enough for it: the real silence, from
/// the last event before it to the first after it (or the logs' end, `end`).
fn gap_labels(
    d: &TimelineData,
    end: i64,
    theme: &Theme,
    area: Rect,
    axis_y: u16,
    buf: &mut Buffer,
) {
    for (i, &(a, b)) in d.gaps.iter().enumerate() {
        let len = b - a + 1;
        let secs = d
            .silences
            .get(i)
            .and_then(|s| s.secs(end))
            .unwrap_or(len as i64 * d.bucket_us / 1_000_000);
        let text = [
            format!("gap {}", human_secs(secs)),
            "gap".into(),
            "!".into(),
        ]
        .into_iter()
        .find(|t| t.chars().count() <= len)
        .unwrap_or_default();
        let x = a + (len - text.chars().count()) / 2;
        if x < area.width as usize {
            buf.set_stringn(
                area.x + x as u16,
                axis_y,
                &text,
                area.width as usize - x,
                theme.style("timeline_gap"),
            );
        }
    }
}

/// Time labels every few columns, with the date where it changes (and the year when the
/// range spans more than one), and the bucket width at the right.
fn labels(
    s: &AppState,
    d: &TimelineData,
    theme: &Theme,
    area: Rect,
    y: u16,
    width: usize,
    buf: &mut Buffer,
) {
    let style = theme.style("timeline_label");
    // The scale: what a full column counts (of the hits, and of all events, when the bars
    // are the search's).
    let max = |v: &[u64]| v.iter().copied().max().unwrap_or(0);
    let n = |v: &[u64]| super::status::thousands(max(v));
    let scale = if d.totals.is_empty() {
        format!("▇ {}", n(&d.counts))
    } else {
        // With the patterns pane open, the bars are the selected pattern's events.
        let hits = match (
            crate::app::pattern_rows::overlay(s).is_some(),
            max(&d.counts) == 1,
        ) {
            (true, _) => "of the pattern",
            (false, true) => "hit",
            (false, false) => "hits",
        };
        format!("▇ {} {hits} · all ▇ {}", n(&d.counts), n(&d.totals))
    };
    let info = format!(" {scale} │ {}/col ", human_secs(d.bucket_us / 1_000_000));
    let info_x = (area.width as usize).saturating_sub(info.chars().count());
    let first = shown_time(d.start_us, s.utc);
    let last = shown_time(d.end_us(), s.utc);
    let years = first.format("%Y").to_string() != last.format("%Y").to_string();
    let daily = d.bucket_us >= 86_400_000_000;
    let mut prev_date = None;
    let mut x = 0;
    while x < width {
        let t = shown_time(d.start_us + d.bucket_us * x as i64, s.utc);
        let date = t.date_naive();
        let text = match (daily, years, prev_date == Some(date)) {
            (true, true, _) => t.format("%Y-%m-%d").to_string(),
            (true, false, _) => t.format("%m-%d").to_string(),
            (false, _, true) => t.format("%H:%M").to_string(),
            (false, true, false) => t.format("%Y-%m-%d %H:%M").to_string(),
            (false, false, false) => t.format("%m-%d %H:%M").to_string(),
        };
        if x + text.len() + 1 > info_x {
            break;
        }
        buf.set_string(area.x + x as u16, y, format!("╵{text}"), style);
        prev_date = Some(date);
        x += (text.len() + 2).max(LABEL_EVERY);
    }
    buf.set_string(area.x + info_x as u16, y, info, style);
}
