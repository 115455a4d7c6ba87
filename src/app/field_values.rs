//! A field's top and bottom values, from the detail pane: `Tab` picks a field of the event,
//! `t` lists that field's most frequent values among the filtered events (within `:since`),
//! `b` the least frequent; `Enter` on a value keeps only the events with it.

use super::data::{Effect, FieldValues, LogEvent};
use super::search::add_filter;
use super::state::{AppState, FilterKind, Popup};
use crate::query::Expr;

/// The event's fields as the detail pane lists them (name, value): level, host, program,
/// then the parsed fields.
pub fn fields_of(e: &LogEvent) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(l) = e.level {
        out.push(("level".to_string(), l.as_str().to_string()));
    }
    if let Some(h) = &e.host {
        out.push(("host".to_string(), h.clone()));
    }
    if let Some(p) = &e.program {
        out.push(("program".to_string(), p.clone()));
    }
    for (k, v) in &e.fields {
        let v = match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        out.push((k.clone(), v));
    }
    out
}

/// The detail pane's selected field, if the event has fields.
pub fn selected_field(s: &AppState) -> Option<(String, String)> {
    let fields = fields_of(s.selected_event()?);
    let n = fields.len();
    fields.into_iter().nth(s.detail_field % n.max(1))
}

/// `Tab` in the detail pane.
pub(super) fn next_field(s: &mut AppState) {
    let n = s.selected_event().map_or(0, |e| fields_of(e).len());
    if n == 0 {
        s.set_status("this event has no fields");
        return;
    }
    s.detail_field = (s.detail_field + 1) % n;
}

/// `t` / `b` in the detail pane: the selected field's values, in a popup of their own.
pub(super) fn ask(s: &mut AppState, bottom: bool, fx: &mut Vec<Effect>) {
    let Some((field, _)) = selected_field(s) else {
        s.set_status("this event has no fields (Tab picks one, t lists its top values)");
        return;
    };
    let id = s.id();
    s.values_pending = id;
    s.values = None;
    s.popup = Popup::Values { selected: 0 };
    fx.push(Effect::Values {
        id,
        query: s.query(),
        field,
        bottom,
    });
}

/// The worker's answer.
pub(super) fn loaded(s: &mut AppState, id: u64, res: Result<FieldValues, String>) {
    if id != s.values_pending {
        return;
    }
    match res {
        Ok(v) => s.values = Some(v),
        Err(e) => {
            s.popup = Popup::None;
            s.set_error(e);
        }
    }
}

/// `Enter` on a value: a keep filter on it.
pub(super) fn choose(s: &mut AppState, fx: &mut Vec<Effect>) {
    let Popup::Values { selected } = s.popup else {
        return;
    };
    let Some((field, value)) = s.values.as_ref().and_then(|v| {
        v.values
            .get(selected)
            .map(|(value, _)| (v.field.clone(), value.clone()))
    }) else {
        return;
    };
    s.popup = Popup::None;
    let text = crate::query::to_query_string(&Expr::Phrase {
        field: Some(field),
        text: value,
    });
    if let Err(e) = add_filter(s, FilterKind::Keep, &text, fx) {
        s.set_error(e);
    }
}

/// Rows of the values popup.
pub fn rows(s: &AppState) -> usize {
    s.values.as_ref().map_or(0, |v| v.values.len())
}
