//! Making log text safe for a terminal: control characters and escape sequences are shown
//! escaped (`\x1b`), never sent raw, so a log line cannot drive the user's terminal.

use std::borrow::Cow;

/// Escapes C0 controls (but tab, and newline when `keep_newlines`), DEL and C1 controls.
pub fn escape_controls(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let needs = |c: char| is_unsafe(c) && !(keep_newlines && c == '\n');
    if !s.chars().any(needs) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs(c) {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\0' => out.push_str("\\0"),
                c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_sequences() {
        assert_eq!(
            escape_controls("a\x1b[31mred\x07", false),
            "a\\x1b[31mred\\x07"
        );
        assert_eq!(escape_controls("one\ntwo\r", true), "one\ntwo\\r");
        assert_eq!(escape_controls("one\ntwo", false), "one\\ntwo");
        assert_eq!(escape_controls("\u{9b}31m", false), "\\x9b31m");
        assert!(matches!(
            escape_controls("plain\ttext", false),
            Cow::Borrowed(_)
        ));
    }
}
