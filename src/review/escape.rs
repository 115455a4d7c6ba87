//! HTML escaping of text from the logs: markup characters as entities, and control
//! characters shown escaped (`\x1b`) as the terminal output shows them.

use crate::output::escape::escape_controls;

/// `s` safe inside HTML text and attribute values (double- or single-quoted).
pub fn html(s: &str) -> String {
    let s = escape_controls(s, false);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `s` safe in a Markdown table cell: controls escaped, `|` and backslashes escaped, and the
/// characters that would start HTML or code shown as themselves.
pub fn md_cell(s: &str) -> String {
    let s = escape_controls(s, false);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '`' => out.push_str("\\`"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_controls() {
        assert_eq!(
            html("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(html("a\x1b]0;t\x07b\nc"), "a\\x1b]0;t\\x07b\\nc");
        assert_eq!(html("\u{202e}x"), "\\u{202e}x");
    }

    #[test]
    fn markdown_cells_keep_to_their_cell() {
        assert_eq!(md_cell("a|b\nc"), "a\\|b\\nc");
        assert_eq!(md_cell("<b>`x`"), "&lt;b&gt;\\`x\\`");
    }
}
