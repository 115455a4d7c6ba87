//! A framed box over the log view, for help, details and the filters list.

use super::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

/// A rect of at most `w`×`h` centred in `area`.
pub fn centred(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Draws `lines` from line `scroll` on (wrapped or clipped) in a framed box titled `title`.
pub fn render(
    theme: &Theme,
    title: &str,
    lines: Vec<Line<'_>>,
    scroll: usize,
    wrap: bool,
    area: Rect,
    buf: &mut Buffer,
) {
    Clear.render(area, buf);
    let inner_rows = area.height.saturating_sub(2) as usize;
    let max_scroll = lines.len().saturating_sub(inner_rows);
    let scroll = scroll.min(max_scroll);
    let more = if max_scroll > 0 {
        format!(
            " {}/{} j/k ",
            scroll + inner_rows.min(lines.len()),
            lines.len()
        )
    } else {
        String::new()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .style(theme.style("popup"))
        .title(Span::styled(
            format!(" {title} "),
            theme.style("popup_title"),
        ))
        .title_bottom(Line::from(more).right_aligned());
    let shown: Vec<Line<'_>> = lines.into_iter().skip(scroll).collect();
    let p = Paragraph::new(shown)
        .block(block)
        .style(theme.style("popup"));
    let p = if wrap {
        p.wrap(Wrap { trim: false })
    } else {
        p
    };
    p.render(area, buf);
}
