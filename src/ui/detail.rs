//! The detail popup (Enter): the selected event's time, source, level, fields, full text,
//! and its JSON pretty-printed.

use super::log_view::shown_time;
use super::popup;
use super::theme::Theme;
use crate::app::AppState;
use crate::app::data::LogEvent;
use crate::app::field_values::fields_of;
use crate::app::layout::{MAX_DETAIL_BYTES, MAX_ROW_BYTES, clean, cut_line};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The JSON object in the event's text, pretty-printed, if there is one.
pub fn pretty_json(text: &str) -> Option<String> {
    let start = text.find('{')?;
    let v: serde_json::Value = serde_json::from_str(text[start..].trim_end()).ok()?;
    v.is_object()
        .then(|| serde_json::to_string_pretty(&v).ok())?
}

/// The event's neighbours in its own file, the event itself marked.
fn context_lines(
    e: &LogEvent,
    context: &[LogEvent],
    theme: &Theme,
    utc: bool,
) -> Vec<Line<'static>> {
    let mut out = vec![
        Line::from(""),
        Line::from(Span::styled(
            format!(" in {} (unfiltered)", clean(&e.path)),
            theme.style("popup_title"),
        )),
    ];
    for c in context {
        let here = c.key() == e.key();
        let first = crate::app::layout::event_lines(c)
            .into_iter()
            .next()
            .unwrap_or_default();
        let line = Line::from(format!(
            " {} {} {:>7}  {}",
            if here { "▶" } else { " " },
            shown_time(c.ts, utc).format("%H:%M:%S"),
            format!("#{}", c.line),
            first
        ));
        out.push(if here {
            line.style(theme.style("selected"))
        } else {
            line
        });
    }
    out
}

/// The event's lines; the field at `field` (of [`fields_of`]) is marked: `t` / `b` list its
/// values.
pub fn lines(e: &LogEvent, theme: &Theme, utc: bool, field: usize) -> Vec<Line<'static>> {
    let key = theme.style("popup_title");
    let row = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!(" {:<10} ", clean(&cut_line(k, MAX_ROW_BYTES))), key),
            Span::raw(clean(&cut_line(&v, MAX_DETAIL_BYTES))),
        ])
    };
    let mut out = vec![row("time", crate::time::format_utc(e.ts))];
    if !utc {
        let local = shown_time(e.ts, false).format("%Y-%m-%d %H:%M:%S%.3f %z");
        out.push(row("local", local.to_string()));
    }
    out.push(row("source", format!("{}:{}", e.source, e.line)));
    if e.level.is_none() {
        out.push(row("level", "-".into()));
    }
    let fields = fields_of(e);
    let marked = field % fields.len().max(1);
    for (i, (k, v)) in fields.into_iter().enumerate() {
        let line = row(&k, v);
        out.push(if i == marked {
            line.style(theme.style("selected"))
        } else {
            line
        });
    }
    out.push(Line::from(""));
    out.push(Line::from(Span::styled(" text", key)));
    for l in e.text.lines() {
        out.push(Line::from(format!(
            " {}",
            clean(&cut_line(l, MAX_DETAIL_BYTES))
        )));
    }
    if let Some(json) = pretty_json(&e.text) {
        out.push(Line::from(""));
        out.push(Line::from(Span::styled(" json", key)));
        for l in json.lines() {
            out.push(Line::from(format!(
                " {}",
                clean(&cut_line(l, MAX_DETAIL_BYTES))
            )));
        }
    }
    out
}

pub fn render(s: &AppState, theme: &Theme, scroll: usize, area: Rect, buf: &mut Buffer) {
    let Some(e) = s.selected_event() else { return };
    let mut lines = lines(e, theme, s.utc, s.detail_field);
    if !s.context.is_empty() {
        lines.extend(context_lines(e, &s.context, theme, s.utc));
    }
    let box_area = popup::centred(
        area,
        area.width.saturating_sub(4).max(20),
        lines.len() as u16 + 2,
    );
    popup::render(
        theme,
        "event — Tab picks a field, t its top values, b its bottom ones, Esc closes",
        lines,
        scroll,
        true,
        box_area,
        buf,
    );
}
