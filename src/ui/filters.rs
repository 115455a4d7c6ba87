//! The filters popup (F): each `&` / `!` filter, on or off; space toggles, d removes.

use super::popup;
use super::theme::Theme;
use crate::app::AppState;
use crate::app::layout::clean;
use crate::app::state::FilterKind;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

pub fn render(s: &AppState, theme: &Theme, selected: usize, area: Rect, buf: &mut Buffer) {
    let mut lines: Vec<Line<'static>> = s
        .filters
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let sigil = match f.kind {
                FilterKind::Keep => '&',
                FilterKind::Hide => '!',
            };
            let on = if f.enabled { "[x]" } else { "[ ]" };
            let line = Line::from(format!(" {on} {sigil} {}", clean(&f.text)));
            if i == selected {
                line.style(theme.style("selected"))
            } else {
                line
            }
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::from(
            " no filters: & keeps matching events, ! hides them",
        ));
    }
    let h = (lines.len() as u16 + 2).min(area.height);
    let box_area = popup::centred(area, 60, h);
    popup::render(
        theme,
        "filters — space toggles, d removes",
        lines,
        0,
        false,
        box_area,
        buf,
    );
}
