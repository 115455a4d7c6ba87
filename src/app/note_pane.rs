//! The notes pane (`i`): the notes of [`super::notes`] wrapped to the pane, and a worker's
//! notes taken in (a new one is said on the status line). Drawing is in `ui::notes`.

use super::layout::wrap_line;
use super::state::AppState;

/// The widest the pane is drawn.
pub const PANE_COLS: u16 = 100;

/// Columns of text inside the pane on a terminal `width` wide (frame and indent left out).
pub fn text_cols(width: u16) -> usize {
    (width.min(PANE_COLS) as usize).saturating_sub(4).max(8)
}

/// The pane's lines: each note wrapped to `cols`, its first line after `• `, the others
/// indented under it.
pub fn pane_lines(s: &AppState, cols: usize) -> Vec<String> {
    if s.notes.is_empty() {
        return vec!["no notes: every file under the roots was read".into()];
    }
    let mut out = Vec::new();
    for note in s.notes.iter() {
        for (i, piece) in wrap_line(note, cols).into_iter().enumerate() {
            out.push(format!("{}{piece}", if i == 0 { "• " } else { "  " }));
        }
    }
    out
}

/// Keeps the notes of an answer from the worker; a new one is said on the status line.
pub fn noted(s: &mut AppState, notes: &[String]) {
    let new = s.notes.extend(notes);
    match new.as_slice() {
        [] => {}
        [one] => s.set_error(one.clone()),
        [first, rest @ ..] => {
            let more = s.notes.more(rest.len());
            s.set_error(format!("{first} {more}"));
        }
    }
}
