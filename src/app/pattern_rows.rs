//! Which rows the patterns pane shows, in what order, and the selected pattern as a query (what
//! the timeline counts while the pane is open): read-only views of the state, used by the
//! pane's actions, the view and the drawing.

use super::data::PatternRow;
use super::state::{AppState, PatternSort, Popup, PromptKind};

/// What the pane's `/` searches for: the line being typed, else the last one submitted.
pub fn search_text(s: &AppState) -> &str {
    match &s.prompt {
        Some(p) if p.kind == PromptKind::PatternSearch => p.text.trim(),
        _ => s.patterns.search.as_str(),
    }
}

/// The rows shown, in the pane's order.
pub fn shown(s: &AppState) -> Vec<&PatternRow> {
    let needle = search_text(s).to_lowercase();
    let mut rows: Vec<&PatternRow> = s
        .patterns
        .rows
        .iter()
        .flatten()
        .filter(|r| {
            needle.is_empty()
                || r.template.to_lowercase().contains(&needle)
                || r.key.to_lowercase().contains(&needle)
        })
        .collect();
    match s.patterns.sort {
        PatternSort::Count => {
            rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.first.cmp(&b.first)))
        }
        PatternSort::Rare => rows.sort_by(|a, b| a.count.cmp(&b.count).then(a.first.cmp(&b.first))),
        PatternSort::New => rows.sort_by_key(|r| std::cmp::Reverse(r.first)),
        PatternSort::First => rows.sort_by_key(|r| r.first),
        PatternSort::Last => {
            rows.sort_by(|a, b| b.last_us.cmp(&a.last_us).then(a.first.cmp(&b.first)))
        }
    }
    rows
}

/// The selected row, if the pane is open and has one.
pub fn selected(s: &AppState) -> Option<&PatternRow> {
    let Popup::Patterns { selected } = s.popup else {
        return None;
    };
    shown(s).get(selected).copied()
}

/// The query the timeline counts while the pane is open: the selected pattern's events.
pub fn overlay(s: &AppState) -> Option<crate::query::Expr> {
    selected(s).map(|r| crate::query::Expr::Term {
        field: Some("pattern".into()),
        value: r.id.clone(),
    })
}
