//! The notes pane: the notes of `app::notes`, wrapped to the pane, in arrival order.

use super::popup;
use super::theme::Theme;
use crate::app::AppState;
use crate::app::note_pane::{PANE_COLS, pane_lines, text_cols};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

pub fn render(s: &AppState, theme: &Theme, scroll: usize, area: Rect, buf: &mut Buffer) {
    let lines: Vec<Line<'static>> = pane_lines(s, text_cols(s.width))
        .into_iter()
        .map(|l| Line::from(format!(" {l}")))
        .collect();
    let title = match (s.notes.len(), s.notes.dropped) {
        (0, _) => "notes — Esc closes".to_string(),
        (n, 0) => format!("{n} notes, in arrival order — Esc closes"),
        (n, d) => format!("the last {n} notes ({d} older dropped) — Esc closes"),
    };
    let rows = lines.len().min(1_000) as u16 + 2;
    let box_area = popup::centred(area, PANE_COLS, rows);
    popup::render(theme, &title, lines, scroll, false, box_area, buf);
}
