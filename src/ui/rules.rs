//! The rules pane (A): one row per watch rule over the filtered events of the window, with its
//! severity, the alerts it would fire and the events its query matches, and how it fires; a
//! rule that would fire is drawn in its severity's colour.

use super::popup;
use super::status::thousands;
use super::theme::Theme;
use crate::app::AppState;
use crate::app::layout::clean;
use crate::app::rule_pane::rules_file;
use crate::event::Level;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn render(s: &AppState, theme: &Theme, selected: usize, area: Rect, buf: &mut Buffer) {
    let rows = s.rules.rows.as_deref().unwrap_or_default();
    let num_w = |f: fn(&crate::rules::tally::Tally) -> u64, head: usize| {
        rows.iter()
            .map(|r| thousands(f(r)).len())
            .max()
            .unwrap_or(0)
            .max(head)
    };
    let alerts_w = num_w(|r| r.alerts, 6);
    let matches_w = num_w(|r| r.matches, 7);
    let sev_w = rows
        .iter()
        .map(|r| r.severity.chars().count())
        .max()
        .unwrap_or(0)
        .max(8);
    let mut lines: Vec<Line<'static>> = vec![
        Line::from(format!(
            " {:>alerts_w$}  {:>matches_w$}  {:sev_w$}  rule: how it fires — its events",
            "alerts", "matches", "severity"
        ))
        .style(theme.style("popup_title")),
    ];
    for (i, r) in rows.iter().enumerate() {
        let level = Level::parse(&r.severity).unwrap_or(Level::Warn);
        let sev_style = if r.alerts > 0 {
            theme.style(&format!("level_{}", level.as_str()))
        } else {
            theme.style("continuation")
        };
        let line = Line::from(vec![
            Span::raw(format!(
                " {:>alerts_w$}  {:>matches_w$}  ",
                thousands(r.alerts),
                thousands(r.matches)
            )),
            Span::styled(format!("{:sev_w$}", clean(&r.severity)), sev_style),
            Span::raw(format!(
                "  {}: {} — {}",
                clean(&r.name),
                clean(&r.kind),
                clean(&r.query)
            )),
        ]);
        lines.push(if i == selected {
            line.style(theme.style("selected"))
        } else {
            line
        });
    }
    match &s.rules.rows {
        None => lines.push(Line::from(" counting the rules over the window…")),
        Some(all) if all.is_empty() => {
            let at = rules_file(s).map_or_else(
                || "rules.toml in the config directory".to_string(),
                |p| clean(&p.display().to_string()),
            );
            lines.push(Line::from(" no watch rules: write [[rule]] entries in"));
            lines.push(Line::from(format!("   {at}")));
            lines.push(Line::from(
                " (see the README's watch rules; `timberline check PATH` runs them)",
            ));
        }
        Some(_) => {}
    }
    let scroll = selected.saturating_sub((area.height as usize).saturating_sub(4));
    let box_area = popup::centred(area, area.width, lines.len() as u16 + 2);
    let firing = rows.iter().filter(|r| r.alerts > 0).count();
    let title = match &s.rules.rows {
        None => "rules — Esc closes".to_string(),
        Some(all) if all.is_empty() => "no watch rules — Esc closes".to_string(),
        Some(all) => format!(
            "{} rules, {firing} firing in the window — Enter keeps one's events, Esc closes",
            all.len()
        ),
    };
    popup::render(theme, &title, lines, scroll, false, box_area, buf);
}
