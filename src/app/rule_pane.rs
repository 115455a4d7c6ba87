//! The rules pane (`A`): the watch rules of `rules.toml` over the events the filters let
//! through (within the window set with `:since`), each with the events its query matches and
//! the alerts `check` would fire on them, most alerts first; `Enter` keeps the selected
//! rule's events (its query becomes a keep filter).

use super::data::Effect;
use super::search::add_filter;
use super::state::{AppState, FilterKind, Popup};
use crate::rules::tally::Tally;

/// `A`: opens the pane (asking for the counts afresh, the rules files read again), or
/// closes it.
pub(super) fn toggle(s: &mut AppState, fx: &mut Vec<Effect>) {
    if matches!(s.popup, Popup::Rules { .. }) {
        s.popup = Popup::None;
        return;
    }
    s.popup = Popup::Rules { selected: 0 };
    s.rules.rows = None;
    let id = s.id();
    s.rules.pending = id;
    fx.push(Effect::Rules {
        id,
        query: s.query(),
        files: s.rules.files.clone(),
        saved: s.saved.clone(),
    });
}

/// The worker's answer.
pub(super) fn loaded(s: &mut AppState, id: u64, rows: Result<Vec<Tally>, String>) {
    if id != s.rules.pending {
        return;
    }
    match rows {
        Ok(rows) => {
            s.rules.rows = Some(rows);
            if let Popup::Rules { selected } = &mut s.popup {
                *selected = 0;
            }
        }
        Err(e) => {
            s.rules.rows = Some(Vec::new());
            s.set_error(e);
        }
    }
}

/// The selected row, if the pane is open and has one.
pub fn selected(s: &AppState) -> Option<&Tally> {
    let Popup::Rules { selected } = s.popup else {
        return None;
    };
    s.rules.rows.as_ref()?.get(selected)
}

/// `Enter`: keep only the selected rule's events.
pub(super) fn keep(s: &mut AppState, fx: &mut Vec<Effect>) {
    let Some(query) = selected(s).map(|r| r.query.clone()) else {
        return;
    };
    s.popup = Popup::None;
    if let Err(e) = add_filter(s, FilterKind::Keep, &query, fx) {
        s.set_error(e);
    }
}

/// Where to write rules when there are none: the user's own file.
pub fn rules_file(s: &AppState) -> Option<&std::path::Path> {
    s.rules.files.last().map(std::path::PathBuf::as_path)
}
