//! The saved queries picker (Q): name, description and what each one sets; Enter runs one.

use super::popup;
use super::theme::Theme;
use crate::app::AppState;
use crate::app::layout::clean;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// What a saved query sets, in the filter bar's words: `/query &keep !hide ≥level since`.
fn summary(q: &crate::app::saved::SavedQuery) -> String {
    let mut parts = Vec::new();
    if !q.query.is_empty() {
        parts.push(format!("/{}", q.query));
    }
    parts.extend(q.keep.iter().map(|k| format!("&{k}")));
    parts.extend(q.hide.iter().map(|h| format!("!{h}")));
    if let Some(l) = &q.level {
        parts.push(format!("≥{l}"));
    }
    if let Some(t) = &q.since {
        parts.push(format!("since {t}"));
    }
    clean(&parts.join(" "))
}

pub fn render(s: &AppState, theme: &Theme, selected: usize, area: Rect, buf: &mut Buffer) {
    let name_w = s
        .saved
        .iter()
        .map(|q| q.name.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(4, 24);
    let mut lines: Vec<Line<'static>> = Vec::new();
    for (i, q) in s.saved.iter().enumerate() {
        let name: String = clean(&q.name).chars().take(name_w).collect();
        let line = Line::from(vec![
            Span::styled(format!(" {name:<name_w$}  "), theme.style("popup_title")),
            Span::raw(clean(&q.description)),
            Span::styled(format!("  {}", summary(q)), theme.style("time")),
        ]);
        lines.push(if i == selected {
            line.style(theme.style("selected"))
        } else {
            line
        });
    }
    if lines.is_empty() {
        lines.push(Line::from(
            " no saved queries yet: :save NAME [DESCRIPTION] saves the search, filters, level and window",
        ));
    }
    let scroll = selected.saturating_sub((area.height as usize).saturating_sub(3));
    let box_area = popup::centred(area, area.width, lines.len() as u16 + 2);
    let title = "saved queries — Enter runs, Esc closes";
    popup::render(theme, title, lines, scroll, false, box_area, buf);
}
