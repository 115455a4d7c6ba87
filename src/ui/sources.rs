//! The sources popup (s): each file with its format, zone, events, first and last time;
//! space hides or shows the selected one, `f` and `z` set its format and zone (a value the
//! config sets is marked `*`). A file whose events are dated by its modification time (no
//! timestamps recognised) is marked `(no time)` after its format, in the warning colour, with
//! a line saying what that means. The files the index left out follow, with their state
//! (`binary`, `unreadable`, `empty`, `skipped`: `app::source_rows`) and `-` for the rest.

use super::log_view::shown_time;
use super::popup;
use super::status::thousands;
use super::theme::Theme;
use crate::app::AppState;
use crate::app::layout::{char_cols, clean, str_cols};
use crate::app::search::source_filter_text;
use crate::app::source_rows::{FileState, Row, rows};
use crate::app::sources::common_dir;
use crate::app::state::FilterKind;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

/// The mark after the format of a file whose events are dated by its modification time.
const UNTIMED: &str = " (no time)";

/// `s` cut or padded to exactly `cols` terminal columns (a wide char that would straddle the
/// edge is left out).
fn fit(s: &str, cols: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_cols(c);
        if used + w > cols {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push_str(&" ".repeat(cols - used));
    out
}

/// The state column of a row: for a file left out, the reason too when the state does not
/// say it all (`binary (PNG image)`, `skipped: a named pipe (FIFO), not a file`).
fn state_text(s: &AppState, row: &Row<'_>) -> String {
    let state = row.state(s);
    let Row::Unread(u) = row else {
        return state.name().to_string();
    };
    let reason = clean(&u.reason);
    match state {
        FileState::Binary => match reason.strip_prefix("binary file ") {
            Some(kind) => format!("binary {kind}"),
            None => "binary".to_string(),
        },
        FileState::Unreadable if reason == "permission denied" => {
            "unreadable (permission denied)".to_string()
        }
        _ => format!("{}: {reason}", state.name()),
    }
}

pub fn render(s: &AppState, theme: &Theme, selected: usize, area: Rect, buf: &mut Buffer) {
    let files = s.span.as_ref().map(|p| p.files.as_slice()).unwrap_or(&[]);
    let rows = rows(s);
    let unread = rows.len() - files.len();
    let paths: Vec<&str> = rows.iter().map(|r| r.path()).collect();
    let cut = common_dir(&paths);
    // Widths are measured on the text as shown: escaped, in terminal columns.
    let names: Vec<String> = paths.iter().map(|p| clean(&p[cut..])).collect();
    let longest = names.iter().map(|n| str_cols(n)).max().unwrap_or(0);
    let set = |value: &str, by_config: bool| {
        format!("{}{}", clean(value), if by_config { "*" } else { "" })
    };
    let format_of = |f: &crate::app::data::SourceInfo| {
        let mark = if f.untimed() { UNTIMED } else { "" };
        format!("{}{mark}", set(&f.format, f.set_format.is_some()))
    };
    // A zone whose events end a whole number of half hours from the file's last write.
    let zone_of = |f: &crate::app::data::SourceInfo| {
        let zone = set(&f.zone, f.set_zone.is_some());
        match f.zone_offset() {
            Some(o) => format!(
                "{zone} ({}{} off?)",
                if o > 0 { "+" } else { "-" },
                crate::app::describe::human_secs(o.abs() / 1_000_000)
            ),
            None => zone,
        }
    };
    // Columns as wide as their longest value (`apache-error*`, `America/Argentina/Salta`).
    let format_w = files
        .iter()
        .map(|f| str_cols(&format_of(f)))
        .fold(10, usize::max);
    let zone_w = files
        .iter()
        .map(|f| str_cols(&zone_of(f)))
        .fold(14, usize::max)
        .min(40);
    // Names take what the other columns leave (at least 24 columns; ←/→ scroll the rest).
    let others = 5 + format_w + 1 + zone_w + 1 + 9 + 2 + 16 + 2 + 16 + 2 + 7 + 2;
    let name_w = longest
        .min((area.width as usize).saturating_sub(others + 4))
        .max(longest.min(24))
        .max(8);
    let time = |t: Option<i64>| {
        t.map_or("-".to_string(), |t| {
            shown_time(t, s.utc).format("%Y-%m-%d %H:%M").to_string()
        })
    };
    let mut lines: Vec<Line<'static>> = vec![
        Line::from(format!(
            "     {:<name_w$} {:<format_w$} {:<zone_w$} {:>9}  {:<16}  {:<16}  {}",
            "file", "format", "zone", "events", "first", "last", "state"
        ))
        .style(theme.style("popup_title")),
    ];
    for (i, row) in rows.iter().enumerate() {
        let Row::File(f) = row else {
            let line = Line::from(format!(
                "     {} {} {} {:>9}  {:<16}  {:<16}  {}",
                fit(&names[i], name_w),
                fit("-", format_w),
                fit("-", zone_w),
                "-",
                "-",
                "-",
                state_text(s, row),
            ));
            lines.push(if row.state(s) == FileState::Unreadable {
                line.style(theme.style("level_warn"))
            } else {
                line
            });
            continue;
        };
        let hidden = s.filters.iter().any(|x| {
            x.enabled && x.kind == FilterKind::Hide && x.text == source_filter_text(&f.path)
        });
        let line = Line::from(format!(
            " {} {} {} {} {:>9}  {:<16}  {:<16}  {}",
            if hidden { "[ ]" } else { "[x]" },
            fit(&names[i], name_w),
            fit(&format_of(f), format_w),
            fit(&zone_of(f), zone_w),
            thousands(f.events),
            time(f.first),
            time(f.last),
            state_text(s, row),
        ));
        lines.push(if i == selected {
            line.style(theme.style("selected"))
        } else if f.untimed() || f.zone_offset().is_some() {
            line.style(theme.style("level_warn"))
        } else {
            line
        });
    }
    if files.iter().any(|f| f.untimed()) {
        lines.push(Line::from(format!(
            " {}: no timestamps recognised; its events are dated by the file's mtime",
            UNTIMED.trim_start()
        )));
    }
    if files.iter().any(|f| f.zone_offset().is_some()) {
        lines.push(Line::from(
            " (… off?): its last event is that far from when the file was last written: a host logging local time without a zone? z sets the file's zone",
        ));
    }
    if rows.is_empty() {
        lines.push(Line::from(" no sources yet: the index is being built"));
    }
    if let Some(p) = &s.progress {
        lines.push(Line::from(format!(
            " indexing {}%: files not read yet are listed once they are",
            p.percent()
        )));
    }
    // Scrolled right: each line's first columns are left out (the table is wider than the
    // terminal at 80 columns).
    if s.popup_hscroll > 0 {
        lines = lines
            .into_iter()
            .map(|l| {
                let style = l.style;
                let text: String = l.to_string().chars().skip(s.popup_hscroll).collect();
                Line::from(text).style(style)
            })
            .collect();
    }
    let scroll = selected.saturating_sub((area.height as usize).saturating_sub(4));
    let box_area = popup::centred(area, area.width, lines.len() as u16 + 2);
    let wide = others + name_w > area.width as usize;
    let left_out = match unread {
        0 => String::new(),
        n => format!(" ({n} left out)"),
    };
    let title = format!(
        "{} sources{left_out} — space hides / shows, f format, z zone{}, Esc closes",
        files.len(),
        if wide { ", ←/→ scroll" } else { "" }
    );
    popup::render(theme, &title, lines, scroll, false, box_area, buf);
}
