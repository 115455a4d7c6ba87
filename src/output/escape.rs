//! Making log text safe for a terminal: control characters and escape sequences are shown
//! escaped (`\x1b`), never sent raw, so a log line cannot drive the user's terminal.

use std::borrow::Cow;

/// Escapes what could drive a terminal or hide text: C0 controls (but tab, and newline when
/// `keep_newlines`), DEL, C1 controls, line/paragraph separators, bidi controls and
/// zero-width characters. C0, DEL and C1 become `\x1b`, the others `\u{202e}`.
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

/// JSON text (as `serde_json` writes it) with every character [`escape_controls`] escapes
/// written as a JSON escape (`\u0085`, `\u202e`), so a program reading it gets the text as it
/// was and a person reading it sees no raw control. Such characters only occur inside JSON
/// strings, where `\uXXXX` is valid (they are all in the Basic Multilingual Plane).
pub fn escape_json(json: &str) -> Cow<'_, str> {
    if !json.chars().any(is_unsafe) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// True for a character not to send raw to a terminal (tab is fine).
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            // Line and paragraph separators.
            '\u{2028}' | '\u{2029}'
            // Bidi embeddings, overrides and isolates; marks (LRM, RLM, ALM).
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{61c}'
            // Zero-width space, non-joiner, joiner; word joiner; BOM / zero-width no-break.
            | '\u{200b}'..='\u{200d}'
            | '\u{2060}'
            | '\u{feff}'
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

    #[test]
    fn escapes_c1_del_bidi_and_zero_width() {
        assert_eq!(escape_controls("a\u{7f}b\u{85}c", false), "a\\x7fb\\x85c");
        for c in [
            '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{61c}', '\u{200b}', '\u{200c}',
            '\u{200d}', '\u{2060}', '\u{feff}',
        ] {
            let s = format!("x{c}y");
            assert_eq!(
                escape_controls(&s, true),
                format!("x\\u{{{:x}}}y", c as u32),
                "{:x}",
                c as u32
            );
        }
        // Letters of right-to-left scripts are text, not controls.
        assert!(matches!(
            escape_controls("שלום مرحبا", false),
            Cow::Borrowed(_)
        ));
    }
}
