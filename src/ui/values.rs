//! A field's top or bottom values among the filtered events (the detail pane's `t` / `b`),
//! with counts and shares; Enter keeps only the events with the selected value.

use super::popup;
use super::status::thousands;
use super::theme::Theme;
use crate::app::AppState;
use crate::app::layout::clean;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

pub fn render(s: &AppState, theme: &Theme, selected: usize, area: Rect, buf: &mut Buffer) {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let title = match &s.values {
        None => {
            lines.push(Line::from(" counting…"));
            "values — Esc closes".to_string()
        }
        Some(v) => {
            let total: u64 = v.values.iter().map(|(_, n)| n).sum();
            let count_w = v
                .values
                .iter()
                .map(|(_, n)| thousands(*n).len())
                .max()
                .unwrap_or(5)
                .max(5);
            lines.push(
                Line::from(format!(
                    " {:>count_w$}  {:>6}  {}",
                    "count",
                    "share",
                    clean(&v.field)
                ))
                .style(theme.style("popup_title")),
            );
            for (i, (value, n)) in v.values.iter().enumerate() {
                let share = if total == 0 {
                    0.0
                } else {
                    100.0 * *n as f64 / total as f64
                };
                let line = Line::from(format!(
                    " {:>count_w$}  {share:>5.1}%  {}",
                    thousands(*n),
                    clean(value)
                ));
                lines.push(if i == selected {
                    line.style(theme.style("selected"))
                } else {
                    line
                });
            }
            if v.values.is_empty() {
                lines.push(Line::from(" no event passing the filters has this field"));
            }
            format!(
                "{} {} values of {} — Enter keeps only one, Esc closes",
                if v.bottom {
                    "least frequent"
                } else {
                    "most frequent"
                },
                v.values.len(),
                clean(&v.field)
            )
        }
    };
    let scroll = (selected + 1).saturating_sub((area.height as usize).saturating_sub(3));
    let box_area = popup::centred(area, area.width.min(100), lines.len() as u16 + 2);
    popup::render(theme, &title, lines, scroll, false, box_area, buf);
}
