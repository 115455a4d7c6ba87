//! The bottom line: the `/`, `&`, `!` or `:` prompt (or a source's format or zone) being typed (its error in a box above
//! it), or else the last message, or a hint.

use super::Ui;
use crate::app::AppState;
use crate::app::layout::{clean, str_cols};
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

/// Draws the line; returns where the terminal cursor goes while typing.
pub fn render(s: &AppState, ui: &Ui, area: Rect, over: Rect, buf: &mut Buffer) -> Option<Position> {
    if area.height == 0 {
        return None;
    }
    let theme = &ui.theme;
    let Some(p) = &s.prompt else {
        let (text, style) = match &s.status {
            Some(st) if st.error => (clean(&st.text), theme.style("prompt_error")),
            Some(st) => (clean(&st.text), theme.style("message_line")),
            None => (hint(ui), theme.style("message_line")),
        };
        buf.set_stringn(area.x, area.y, text, area.width as usize, style);
        return None;
    };
    let label = clean(&p.label());
    let text = format!("{label}{}", clean(&p.text));
    // The cursor's column: the label and the (escaped) text before it.
    let cols = str_cols(&label) + str_cols(&clean(p.before_cursor()));
    // Keep the cursor in view on a long line.
    let skip = (cols + 1).saturating_sub(area.width as usize);
    let shown = crate::app::layout::skip_cols(&text, skip);
    buf.set_stringn(
        area.x,
        area.y,
        &shown,
        area.width as usize,
        theme.style("prompt"),
    );
    // A prefilled value that typing replaces is shown as selected.
    if p.fresh {
        let x = str_cols(&label).saturating_sub(skip);
        let w = str_cols(&clean(&p.text)).min((area.width as usize).saturating_sub(x));
        buf.set_style(
            Rect::new(area.x + x as u16, area.y, w as u16, 1),
            theme.style("selected"),
        );
    }
    if let Some(err) = &p.error {
        error_box(err, theme, over, buf);
    }
    Some(Position::new(area.x + (cols - skip) as u16, area.y))
}

/// The error of the last attempt, in a box at the bottom of the log view.
fn error_box(err: &str, theme: &super::theme::Theme, over: Rect, buf: &mut Buffer) {
    let lines: Vec<Line<'_>> = err.lines().map(|l| Line::from(clean(l))).collect();
    let cols = (over.width as usize).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(cols).max(1)).sum();
    let h = (rows as u16 + 1).min(over.height);
    if h < 2 {
        return;
    }
    let area = Rect::new(over.x, over.y + over.height - h, over.width, h);
    Clear.render(area, buf);
    Paragraph::new(lines)
        .style(theme.style("prompt_error"))
        .wrap(Wrap { trim: false })
        .block(
            Block::default()
                .borders(Borders::TOP)
                .title(" error (Enter retries, Esc cancels) "),
        )
        .render(area, buf);
}

/// `? help  / search  : command  q quit`, with the keys actually bound.
fn hint(ui: &Ui) -> String {
    use crate::app::Action;
    [
        (Action::Help, "help"),
        (Action::Search, "search"),
        (Action::Command, "command"),
        (Action::NextGap, "next gap"),
        (Action::Quit, "quit"),
    ]
    .iter()
    .filter_map(|(a, what)| ui.keymap.keys_for(a).first().map(|k| format!("{k} {what}")))
    .collect::<Vec<_>>()
    .join("  ")
}
