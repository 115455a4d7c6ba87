//! The help popup: the lines of `app::help` (generated from the keymap, then the `:`
//! commands and notes), or those its `/` search keeps, with the text found highlighted.

use super::popup;
use super::theme::Theme;
use crate::app::AppState;
use crate::app::help;
use crate::app::state::HelpLine;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// `text` in `base`, with the first occurrence of `needle` (lowercase) in `hit`.
fn marked(text: String, needle: &str, base: Style, hit: Style) -> Vec<Span<'static>> {
    match help::find(&text, needle) {
        Some(at) => {
            let end = at + needle.len();
            vec![
                Span::styled(text[..at].to_string(), base),
                Span::styled(text[at..end].to_string(), hit),
                Span::styled(text[end..].to_string(), base),
            ]
        }
        None => vec![Span::styled(text, base)],
    }
}

/// The lines shown: the key column as wide as its widest entry (of the whole help, so the
/// columns do not move while searching).
pub fn lines(s: &AppState, theme: &Theme) -> Vec<Line<'static>> {
    let key_style = theme.style("popup_title");
    let hit = theme.style("hit");
    let needle = help::query(s).to_ascii_lowercase();
    let w = s
        .help
        .iter()
        .map(|l| l.key.chars().count())
        .max()
        .unwrap_or(0)
        .max(14);
    help::shown(s)
        .into_iter()
        .map(|HelpLine { key, desc }| {
            match (key.is_empty(), desc.is_empty()) {
                (true, true) => return Line::from(""),
                (true, false) => {
                    return Line::from(marked(format!(" {desc}"), &needle, Style::new(), hit));
                }
                _ => {}
            }
            let mut spans = marked(format!(" {key:<w$}  "), &needle, key_style, hit);
            spans.extend(marked(desc.clone(), &needle, Style::new(), hit));
            Line::from(spans)
        })
        .collect()
}

pub fn render(s: &AppState, theme: &Theme, scroll: usize, area: Rect, buf: &mut Buffer) {
    let lines = lines(s, theme);
    let q = help::query(s);
    let title = if q.is_empty() {
        "keys — / searches, Esc closes".to_string()
    } else if lines.is_empty() {
        format!("no key or command holds {q:?}")
    } else if s.prompt.is_some() {
        format!("keys holding {q:?}")
    } else {
        format!("keys holding {q:?} — Esc shows all")
    };
    let title = crate::app::layout::clean(&title);
    let box_area = popup::centred(area, 80, lines.len().max(1) as u16 + 2);
    popup::render(theme, &title, lines, scroll, false, box_area, buf);
}
