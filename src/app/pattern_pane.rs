//! The patterns pane (`p`): the patterns of the events the filters let through (within the
//! window set with `:since`), sortable, searchable in their templates; `Enter` keeps only the
//! selected pattern, `!` hides it, `a` marks it reviewed in known.toml. While it is open the
//! timeline counts the selected pattern's events. `>` / `<` in the view go to the next or
//! previous first occurrence of a pattern: where something began.

use super::data::{Effect, PatternRow};
use super::pattern_rows::{selected, shown};
use super::search::add_filter;
use super::state::{AppState, FilterKind, Popup, Prompt, PromptKind};
use super::view::{load, timeline_fx};
use crate::patterns::known::{Entry, Status};

/// `p`: opens the pane (asking for the patterns afresh), or closes it.
pub(super) fn toggle(s: &mut AppState, fx: &mut Vec<Effect>) {
    if matches!(s.popup, Popup::Patterns { .. }) {
        s.popup = Popup::None;
        fx.extend(timeline_fx(s, true));
        return;
    }
    s.popup = Popup::Patterns { selected: 0 };
    s.patterns.rows = None;
    let id = s.id();
    s.patterns.pending = id;
    fx.push(Effect::Patterns {
        id,
        query: s.query(),
    });
}

/// The worker's answer.
pub(super) fn loaded(
    s: &mut AppState,
    id: u64,
    rows: Result<Vec<PatternRow>, String>,
    fx: &mut Vec<Effect>,
) {
    if id != s.patterns.pending {
        return;
    }
    match rows {
        Ok(rows) => {
            s.patterns.rows = Some(rows);
            if let Popup::Patterns { selected } = &mut s.popup {
                *selected = 0;
            }
            fx.extend(timeline_fx(s, true));
        }
        Err(e) => {
            s.patterns.rows = Some(Vec::new());
            s.set_error(e);
        }
    }
}

/// The selection moved: the timeline follows it.
pub(super) fn moved(s: &mut AppState, fx: &mut Vec<Effect>) {
    fx.extend(timeline_fx(s, true));
}

/// `s` in the pane: the next order.
pub(super) fn cycle_sort(s: &mut AppState, fx: &mut Vec<Effect>) {
    s.patterns.sort = s.patterns.sort.next();
    if let Popup::Patterns { selected } = &mut s.popup {
        *selected = 0;
    }
    s.set_status(format!("patterns: {}", s.patterns.sort.name()));
    moved(s, fx);
}

/// `Enter` (keep only it) or `!` (hide it) on the selected pattern: a filter on its id.
pub(super) fn filter(s: &mut AppState, kind: FilterKind, fx: &mut Vec<Effect>) {
    let Some(id) = selected(s).map(|r| r.id.clone()) else {
        return;
    };
    s.popup = Popup::None;
    if let Err(e) = add_filter(s, kind, &format!("pattern:{id}"), fx) {
        s.set_error(e);
    }
}

/// `a` in the pane: the selected pattern is recorded as reviewed in known.toml (the worker
/// writes it; its answer updates [`AppState::known`]).
pub(super) fn mark(s: &mut AppState, fx: &mut Vec<Effect>) {
    let Some(row) = selected(s) else {
        return;
    };
    let Some(path) = s.known_path.clone() else {
        s.set_error("no config directory to write known.toml in");
        return;
    };
    let entry = Entry {
        id: row.id.clone(),
        status: Status::Reviewed,
        template: format!("{}: {}", row.key, row.template),
        note: String::new(),
        by: String::new(),
        at: crate::time::format_utc(s.now_us),
    };
    fx.push(Effect::MarkPatterns {
        path,
        entries: vec![entry],
    });
}

/// The worker wrote the marks (or could not).
pub(super) fn marked(s: &mut AppState, res: Result<Vec<Entry>, String>) {
    match res {
        Ok(entries) => {
            let n = entries.len();
            for e in entries {
                s.known.insert(e.id, e.status);
            }
            s.set_status(format!(
                "{n} pattern{} marked reviewed in known.toml: left out of `patterns --new`",
                if n == 1 { "" } else { "s" }
            ));
        }
        Err(e) => s.set_error(e),
    }
}

/// `/` in the pane: a prompt searching the templates, holding the last search.
pub(super) fn open_search(s: &mut AppState) {
    s.prompt = Some(if s.patterns.search.is_empty() {
        Prompt::new(PromptKind::PatternSearch)
    } else {
        Prompt::prefilled(PromptKind::PatternSearch, &s.patterns.search)
    });
}

/// Typing in the pane's prompt: the list starts again at its first row.
pub(super) fn typed(s: &mut AppState) {
    if let Popup::Patterns { selected } = &mut s.popup {
        *selected = 0;
    }
}

/// Enter in the pane's prompt.
pub(super) fn submit(s: &mut AppState, text: &str) -> Result<(), String> {
    typed(s);
    s.patterns.search = text.to_string();
    let n = shown(s).len();
    if n == 0 && !text.is_empty() {
        s.patterns.search.clear();
        return Err(format!("no template holds {text:?}"));
    }
    s.set_status(if text.is_empty() {
        "patterns: all".to_string()
    } else {
        format!("patterns: {n} holding {text:?} (/ then Enter on nothing shows all)")
    });
    Ok(())
}

/// `>` / `<`: the next (previous) first occurrence of a pattern after (before) the selected
/// event.
pub(super) fn jump(s: &mut AppState, forward: bool, fx: &mut Vec<Effect>) {
    let from = match s.selected_event() {
        Some(e) => e.key(),
        None => {
            s.set_error("no event selected");
            return;
        }
    };
    let target = load(s, super::data::Target::Key(from));
    let Effect::Load { id, query, .. } = target else {
        return;
    };
    fx.push(Effect::FirstOccurrence {
        id,
        query,
        from,
        forward,
    });
}
