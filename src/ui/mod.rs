//! Drawing: a read-only function of the state, one widget per file.

pub mod detail;
pub mod filters;
pub mod help;
pub mod log_view;
pub mod notes;
pub mod patterns;
pub mod popup;
pub mod prompt;
pub mod rules;
pub mod saved;
#[cfg(test)]
mod snapshot_tests;
pub mod sources;
pub mod status;
pub mod theme;
pub mod timeline;
pub mod values;

use crate::app::AppState;
use crate::app::keymap::Keymap;
use crate::app::layout::{Band, layout};
use crate::app::state::Popup;
use ratatui::Frame;
use ratatui::layout::Rect;
use theme::Theme;

/// What drawing needs besides the state.
pub struct Ui {
    pub theme: Theme,
    pub keymap: Keymap,
}

fn band(b: Band, width: u16) -> Rect {
    Rect::new(0, b.y, width, b.rows)
}

/// Draws the whole screen.
pub fn draw(f: &mut Frame, s: &AppState, ui: &Ui) {
    let l = layout(s);
    let area = f.area();
    let w = area.width;
    let buf = f.buffer_mut();
    if l.timeline.rows > 0 {
        timeline::render(s, &ui.theme, band(l.timeline, w), buf);
    }
    log_view::render(s, &ui.theme, band(l.log, w), buf);
    status::render(s, &ui.theme, band(l.status, w), buf);
    let log = band(l.log, w);
    match s.popup {
        Popup::None => {}
        Popup::Help { scroll } => help::render(s, &ui.theme, scroll, log, buf),
        Popup::Detail { scroll } => detail::render(s, &ui.theme, scroll, log, buf),
        Popup::Filters { selected } => filters::render(s, &ui.theme, selected, log, buf),
        Popup::Sources { selected } => sources::render(s, &ui.theme, selected, log, buf),
        Popup::Saved { selected } => saved::render(s, &ui.theme, selected, log, buf),
        Popup::Patterns { selected } => patterns::render(s, &ui.theme, selected, log, buf),
        Popup::Rules { selected } => rules::render(s, &ui.theme, selected, log, buf),
        Popup::Values { selected } => values::render(s, &ui.theme, selected, log, buf),
        Popup::Notes { scroll } => notes::render(s, &ui.theme, scroll, log, buf),
    }
    if let Some(pos) = prompt::render(s, ui, band(l.prompt, w), log, buf) {
        f.set_cursor_position(pos);
    }
}
