//! The help popup, generated from the active keymap, then the `:` commands.

use super::Ui;
use super::popup;
use crate::app::layout::clean;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// Commands of the `:` line.
const COMMANDS: [(&str, &str); 10] = [
    (
        ":goto TIME",
        "jump: 2026-10-03 13:00, 13:00, -2h, yesterday",
    ),
    (":bucket WIDTH", "timeline bucket: 1m, 5m, 1h, 1d"),
    (":since TIME", "only events after TIME (:since off)"),
    (
        ":save NAME [DESC]",
        "save the search, filters, level and since",
    ),
    (":run NAME", "run a saved query (Q lists them)"),
    (":export FILE", "write the view as jsonl (or csv: FILE.csv)"),
    (":clear", "drop filters, level, since and search"),
    (":utc / :local", "time zone of the times shown"),
    (":wrap", "wrap long lines"),
    (":q", "quit"),
];

/// The help text: one line per action, with every key bound to it.
pub fn lines(ui: &Ui) -> Vec<Line<'static>> {
    let key_style = ui.theme.style("popup_title");
    let mut seen: Vec<&str> = Vec::new();
    let mut rows: Vec<(String, String)> = Vec::new();
    for b in &ui.keymap.bindings {
        if seen.contains(&b.name.as_str()) {
            continue;
        }
        seen.push(&b.name);
        let keys = ui
            .keymap
            .bindings
            .iter()
            .filter(|o| o.name == b.name)
            .map(|o| o.key.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        // A user's keymap file wrote these: shown escaped like any other text.
        rows.push((clean(&keys), clean(&b.desc)));
    }
    let w = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        .max(14);
    let mut out: Vec<Line<'static>> = rows
        .into_iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(format!(" {k:<w$}  "), key_style),
                Span::raw(d),
            ])
        })
        .collect();
    out.push(Line::from(""));
    for (c, d) in COMMANDS {
        out.push(Line::from(vec![
            Span::styled(format!(" {c:<w$}  "), key_style),
            Span::raw(d),
        ]));
    }
    out.push(Line::from(""));
    out.push(Line::from(
        " Sources (s): f sets the selected file's format, z its zone (empty: detect /",
    ));
    out.push(Line::from(
        " local time), saved in config.toml for that exact path, not its rotated siblings.",
    ));
    out.push(Line::from(
        " Prompts edit like a shell line: ctrl-a / ctrl-e start / end, ctrl-u / ctrl-k / ctrl-w",
    ));
    out.push(Line::from(
        " delete to the start / to the end / a word, Up / Down that prompt's earlier lines.",
    ));
    out.push(Line::from(
        " Mouse: the wheel scrolls, a click on the timeline jumps there.",
    ));
    out
}

pub fn render(ui: &Ui, scroll: usize, area: Rect, buf: &mut Buffer) {
    let lines = lines(ui);
    let box_area = popup::centred(area, 80, lines.len() as u16 + 2);
    popup::render(
        &ui.theme,
        "keys — Esc closes",
        lines,
        scroll,
        false,
        box_area,
        buf,
    );
}
