//! The status line: indexing progress, position, search and hits, filters, level, window,
//! bucket width, time zone.

use super::log_view::shown_time;
use super::theme::Theme;
use crate::app::AppState;
use crate::app::describe::human_secs;
use crate::app::state::FilterKind;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The parts of the status line, left to right, the least needed last (cut first).
pub fn parts(s: &AppState) -> Vec<String> {
    let mut p = Vec::new();
    if let Some(pr) = &s.progress {
        // Tenths of a MB while small: a demo's 0.4 MB is not "0/0 MB".
        let digits = if pr.total < 10_000_000 { 1 } else { 0 };
        p.push(format!(
            "indexing {}% {:.digits$}/{:.digits$} MB {}",
            pr.percent().min(100),
            (pr.done.min(pr.total)) as f64 / 1e6,
            pr.total as f64 / 1e6,
            crate::app::layout::clean(&pr.file)
        ));
    } else if s.span.is_none() {
        p.push("opening…".into());
    }
    if let Some(e) = s.selected_event() {
        p.push(
            shown_time(e.ts, s.utc)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
        );
    }
    if s.search.expr.is_some() {
        let hits = s.search.hits.map_or("…".into(), |h| thousands(h as u64));
        p.push(format!(
            "/{} ({hits} hits)",
            crate::app::layout::clean(&s.search.text)
        ));
        // "hit 3/215" while the selected event is the hit `n` went to.
        if let (Some((ts, after)), Some(total), Some(e)) =
            (s.search.after, s.search.hits, s.selected_event())
            && e.ts == ts
            && e.hit
            && after <= total
        {
            p.push(format!(
                "hit {}/{}",
                thousands((total - after + 1) as u64),
                thousands(total as u64)
            ));
        }
    }
    let on = |k: FilterKind| {
        s.filters
            .iter()
            .filter(|f| f.enabled && f.kind == k)
            .count()
    };
    let (keep, hide) = (on(FilterKind::Keep), on(FilterKind::Hide));
    let filters = match (keep, hide) {
        (0, 0) => None,
        (k, 0) => Some(format!("{k} keep filter{}", plural(k))),
        (0, h) => Some(format!("{h} hide filter{}", plural(h))),
        (k, h) => Some(format!("{k} keep, {h} hide filter{}", plural(h))),
    };
    p.extend(filters);
    if let Some(l) = s.level {
        p.push(format!("≥{}", l.as_str()));
    }
    if s.since.is_some() {
        p.push("since".into());
    }
    if !s.marks.is_empty() {
        let n = s.marks.len();
        p.push(format!("{n} mark{}", if n == 1 { "" } else { "s" }));
    }
    p.push(human_secs(s.timeline.bucket_s));
    p.push(match s.selected_event() {
        _ if s.utc => "UTC".into(),
        Some(e) => format!("local {}", shown_time(e.ts, false).format("%:z")),
        None => "local".into(),
    });
    if s.wrap {
        p.push("wrap".into());
    }
    if crate::app::view::following(s) {
        p.push("following".into());
    } else if let Some(n) = crate::app::view::new_since_pause(s) {
        p.push(format!("{} new events (F follows)", thousands(n)));
    }
    if let Some(span) = &s.span {
        // Narrowed by filters, a level or a window: how many of the events are in the view.
        let shown = match (s.narrowed(), s.view_events) {
            (false, _) => String::new(),
            (true, Some(n)) => format!("{} of ", thousands(n as u64)),
            (true, None) => "… of ".into(),
        };
        p.push(format!(
            "{shown}{} events · {} files",
            thousands(span.events),
            span.sources
        ));
    }
    p
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub fn render(s: &AppState, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let style = theme.style("status");
    buf.set_style(area, style);
    let text = format!(" {}", parts(s).join(" │ "));
    buf.set_stringn(area.x, area.y, text, area.width as usize, style);
}
