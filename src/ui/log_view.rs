//! The log view: time, source tag, level and message of each event, merged in time order.

use super::theme::Theme;
use crate::app::AppState;
use crate::app::data::LogEvent;
use crate::app::layout::{LEVEL_COLS, TIME_COLS, event_lines, message_cols, skip_cols, wrap_line};
use crate::app::source_tag::tag;
use crate::event::Level;
use chrono::{DateTime, FixedOffset, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// The event's time in the zone shown.
pub fn shown_time(ts: i64, utc: bool) -> DateTime<FixedOffset> {
    let t = crate::time::from_micros(ts);
    let off = if utc {
        FixedOffset::east_opt(0)
    } else {
        Some(crate::time::Zone::Local.offset_at(t))
    };
    let off = off.unwrap_or_else(|| Utc.fix());
    t.with_timezone(&off)
}

use chrono::Offset;

/// `MM-DD HH:MM:SS` when the date differs from the previous event's, else `HH:MM:SS`.
fn time_cell(e: &LogEvent, prev: Option<&LogEvent>, utc: bool) -> (String, bool) {
    let t = shown_time(e.ts, utc);
    let new_day = prev.is_none_or(|p| shown_time(p.ts, utc).date_naive() != t.date_naive());
    if new_day {
        (t.format("%m-%d %H:%M:%S").to_string(), true)
    } else {
        (format!("{:>14}", t.format("%H:%M:%S")), false)
    }
}

pub fn level_cell(l: Option<Level>) -> String {
    let name = l.map_or("", |l| match l {
        Level::Notice => "NOTE",
        Level::Trace => "TRACE",
        Level::Debug => "DEBUG",
        Level::Info => "INFO",
        Level::Warn => "WARN",
        Level::Error => "ERROR",
        Level::Crit => "CRIT",
        Level::Alert => "ALERT",
        Level::Emerg => "EMERG",
    });
    format!("{name:<LEVEL_COLS$}")
}

/// Splits `text` into spans, the search's matches in the hit style.
fn highlighted<'a>(
    text: String,
    re: Option<&regex::Regex>,
    base: Style,
    hit: Style,
) -> Vec<Span<'a>> {
    let Some(re) = re else {
        return vec![Span::styled(text, base)];
    };
    let mut spans = Vec::new();
    let mut at = 0;
    for m in re.find_iter(&text) {
        if m.start() == m.end() {
            continue;
        }
        if m.start() > at {
            spans.push(Span::styled(text[at..m.start()].to_string(), base));
        }
        spans.push(Span::styled(m.as_str().to_string(), hit));
        at = m.end();
    }
    if at < text.len() {
        spans.push(Span::styled(text[at..].to_string(), base));
    }
    spans
}

/// What an empty view says: why there is nothing (the notes of files that could not be read),
/// or that the filters let nothing through.
fn empty(s: &AppState, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let mut lines: Vec<(String, &str)> = Vec::new();
    match &s.span {
        None => lines.push((
            "indexing… the view fills in when the index is ready".into(),
            "time",
        )),
        Some(_) if s.pending.loading => lines.push(("loading…".into(), "time")),
        Some(span) if crate::app::view::nothing_indexed(s) => {
            if s.progress.is_some() {
                lines.push((
                    "indexing… the first events show at the first commit".into(),
                    "time",
                ));
            } else {
                lines.push(("nothing to show: no events in these files".into(), "time"));
            }
            for n in &span.notes {
                lines.push((
                    format!("  {}", crate::app::layout::clean(n)),
                    "prompt_error",
                ));
            }
        }
        Some(_) => lines.push((
            "no events match (e/w, & and ! filters, :since and :clear change that)".into(),
            "time",
        )),
    }
    let y0 = area.y + area.height / 3;
    for (i, (text, style)) in lines.iter().enumerate() {
        let y = y0 + i as u16;
        if y >= area.y + area.height {
            break;
        }
        buf.set_stringn(
            area.x + 2,
            y,
            text,
            (area.width as usize).saturating_sub(2),
            theme.style(style),
        );
    }
}

/// Draws the events from `s.top` down.
pub fn render(s: &AppState, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    if s.events.is_empty() {
        empty(s, theme, area, buf);
        return;
    }
    let cols = message_cols(area.width, s.source_cols);
    let prefix = area.width as usize - cols.min(area.width as usize);
    let mut y = area.y;
    let bottom = area.y + area.height;
    for (i, e) in s.events.iter().enumerate().skip(s.top) {
        if y >= bottom {
            break;
        }
        let prev = if i == s.top {
            None
        } else {
            s.events.get(i.wrapping_sub(1))
        };
        let selected = i == s.selected;
        let marked = s.marks.contains(&e.key());
        let (time, dated) = time_cell(e, prev, s.utc);
        let gutter = if marked {
            Span::styled("▌", theme.style("mark"))
        } else if e.hit {
            Span::styled("›", theme.style("hit"))
        } else {
            Span::raw(" ")
        };
        let time_style = theme.style(if dated { "date" } else { "time" });
        let head = vec![
            gutter.clone(),
            Span::styled(format!("{time:<TIME_COLS$}"), time_style),
            Span::raw(" "),
            Span::styled(tag(&e.source, s.source_cols), theme.source(&e.source)),
            Span::raw(" "),
            Span::styled(level_cell(e.level), theme.level(e.level)),
            Span::raw(" "),
        ];
        let blank = vec![gutter, Span::raw(" ".repeat(prefix.saturating_sub(1)))];
        let mut first = true;
        for (n, text) in event_lines(e).into_iter().enumerate() {
            let pieces = if s.wrap {
                wrap_line(&text, cols)
            } else {
                vec![skip_cols(&text, s.hscroll)]
            };
            let style = theme.style(if n == 0 { "message" } else { "continuation" });
            for piece in pieces {
                if y >= bottom {
                    break;
                }
                let mut spans = if first { head.clone() } else { blank.clone() };
                first = false;
                spans.extend(highlighted(
                    piece,
                    s.search.highlight.as_ref(),
                    style,
                    theme.style("hit"),
                ));
                let line = Line::from(spans);
                buf.set_line(area.x, y, &line, area.width);
                if selected {
                    buf.set_style(Rect::new(area.x, y, area.width, 1), theme.style("selected"));
                }
                y += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_cells_are_one_width() {
        assert_eq!(level_cell(Some(Level::Warn)), "WARN ");
    }
}
