//! The patterns pane (p): one row per message pattern of the filtered events, with its count,
//! a sparkline over the window, when it was first and last seen, and its template; a pattern
//! marked in known.toml is dimmed with its mark. The timeline above counts the selected one.

use super::log_view::shown_time;
use super::popup;
use super::status::thousands;
use super::theme::Theme;
use crate::app::AppState;
use crate::app::layout::clean;
use crate::app::pattern_rows::{search_text, shown};
use crate::report::patterns::sparkline;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn render(s: &AppState, theme: &Theme, selected: usize, area: Rect, buf: &mut Buffer) {
    let rows = shown(s);
    let time = |t: i64| shown_time(t, s.utc).format("%m-%d %H:%M").to_string();
    let count_w = rows
        .iter()
        .map(|r| thousands(r.count).len())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut lines: Vec<Line<'static>> = vec![
        Line::from(format!(
            " {:>count_w$}  {:16}  {:11}  {:11}  template",
            "count", "over the window", "first", "last"
        ))
        .style(theme.style("popup_title")),
    ];
    for (i, r) in rows.iter().enumerate() {
        let known = s.known.get(&r.id).copied();
        let mark = known
            .map(|k| format!("[{}] ", k.as_str()))
            .unwrap_or_default();
        let line = Line::from(vec![
            Span::raw(format!(" {:>count_w$}  ", thousands(r.count))),
            Span::styled(sparkline(&r.buckets), theme.style("timeline_bar")),
            Span::styled(
                format!("  {:11}  {:11}  ", time(r.first.ts), time(r.last_us)),
                theme.style("time"),
            ),
            Span::raw(format!("{mark}{}: {}", clean(&r.key), clean(&r.template))),
        ]);
        lines.push(if i == selected {
            line.style(theme.style("selected"))
        } else if known.is_some() {
            line.style(theme.style("continuation"))
        } else {
            line
        });
    }
    match &s.patterns.rows {
        None => lines.push(Line::from(" counting the patterns…")),
        Some(all) if all.is_empty() => {
            lines.push(Line::from(" no patterns: no events pass the filters"))
        }
        Some(_) if rows.is_empty() => lines.push(Line::from(format!(
            " no template holds {:?} (Esc shows all)",
            clean(search_text(s))
        ))),
        Some(_) => {}
    }
    let scroll = selected.saturating_sub((area.height as usize).saturating_sub(4));
    let box_area = popup::centred(area, area.width, lines.len() as u16 + 2);
    let title = format!(
        "{} patterns by {} — Enter keeps, ! hides, a reviewed, s sorts, / searches, Esc closes",
        rows.len(),
        s.patterns.sort.name()
    );
    popup::render(theme, &title, lines, scroll, false, box_area, buf);
}
