//! `key=value` / `key="quoted value"` pairs found inside free-text messages (firewall logs,
//! `user=alice`, `rhost=1.2.3.4`). Keys match `[A-Za-z_][A-Za-z0-9_.-]*` and keep their case.

/// At most this many pairs per message: bounds the output on pathological lines.
const MAX_PAIRS: usize = 64;

#[inline]
fn key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c == b'-'
}

/// Unquoted values end at whitespace, separators and closing brackets.
#[inline]
fn value_end(c: u8) -> bool {
    c.is_ascii_whitespace() || matches!(c, b',' | b';' | b']' | b')' | b'}' | b'"' | b'\'')
}

/// Appends the pairs of `msg` to `out`. Linear in the message length.
pub fn extract(msg: &str, out: &mut Vec<(String, String)>) {
    let b = msg.as_bytes();
    let mut found = 0;
    // Everything before `floor` was consumed (a value) and cannot hold a key.
    let mut floor = 0usize;
    let mut from = 0usize;
    while found < MAX_PAIRS {
        let Some(rel) = memchr::memchr(b'=', &b[from..]) else {
            break;
        };
        let eq = from + rel;
        from = eq + 1;
        // Walk back over the key (stops at the previous `=`, which is not a key char).
        let mut k = eq;
        while k > floor && key_char(b[k - 1]) {
            k -= 1;
        }
        // Key must start with a letter or `_`, and be at a word boundary.
        if k == eq || !(b[k].is_ascii_alphabetic() || b[k] == b'_') {
            continue;
        }
        if k > 0 && (b[k - 1] == b'=' || b[k - 1].is_ascii_alphanumeric()) {
            continue;
        }
        let v = eq + 1;
        let (value, next) = match b.get(v) {
            Some(&q) if q == b'"' || q == b'\'' => match quoted(b, v, q) {
                Some(x) => x,
                // Unclosed quote: nothing after can be a quoted pair; stop (keeps it linear).
                None => break,
            },
            _ => {
                let mut e = v;
                while e < b.len() && !value_end(b[e]) {
                    e += 1;
                }
                (msg.get(v..e).unwrap_or("").to_string(), e)
            }
        };
        out.push((msg.get(k..eq).unwrap_or("").to_string(), value));
        found += 1;
        floor = next;
        from = next.max(from);
    }
}

/// A quoted value starting at `b[start] == q`: (unescaped text, index after the closing quote).
pub fn quoted(b: &[u8], start: usize, q: u8) -> Option<(String, usize)> {
    let mut i = start + 1;
    let mut has_escape = false;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                has_escape = true;
                i += 2;
            }
            c if c == q => {
                let raw = String::from_utf8_lossy(&b[start + 1..i]);
                let s = if has_escape {
                    unescape(&raw)
                } else {
                    raw.into_owned()
                };
                return Some((s, i + 1));
            }
            _ => i += 1,
        }
    }
    None
}

/// Resolves `\"`, `\\`, `\n`, `\t`; other escapes are kept as written.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(c @ ('"' | '\\' | '\'')) => out.push(c),
            Some(c) => {
                out.push('\\');
                out.push(c);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(s: &str) -> Vec<(String, String)> {
        let mut v = Vec::new();
        extract(s, &mut v);
        v
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn real_messages() {
        assert_eq!(
            kv(r#"EV0001 k=0 value=0 user="alice" path=/var/tmp/x0"#),
            pairs(&[
                ("k", "0"),
                ("value", "0"),
                ("user", "alice"),
                ("path", "/var/tmp/x0")
            ])
        );
        assert_eq!(
            kv(
                "authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4 "
            ),
            pairs(&[
                ("logname", ""),
                ("uid", "0"),
                ("euid", "0"),
                ("tty", "NODEVssh"),
                ("ruser", ""),
                ("rhost", "218.188.2.4")
            ])
        );
        assert_eq!(
            kv("[UFW BLOCK] IN=eth0 OUT= MAC=aa:bb SRC=1.2.3.4 DST=5.6.7.8 PROTO=TCP"),
            pairs(&[
                ("IN", "eth0"),
                ("OUT", ""),
                ("MAC", "aa:bb"),
                ("SRC", "1.2.3.4"),
                ("DST", "5.6.7.8"),
                ("PROTO", "TCP")
            ])
        );
        assert_eq!(
            kv(r#"acquire lock=233570404, flags=0x1, tag="View \"Lock\"", name=x"#),
            pairs(&[
                ("lock", "233570404"),
                ("flags", "0x1"),
                ("tag", "View \"Lock\""),
                ("name", "x")
            ])
        );
    }

    #[test]
    fn not_keys() {
        assert!(
            kv("a == b, 1=2, =x, x==y")
                .iter()
                .all(|(k, _)| k != "1" && !k.is_empty())
        );
        assert_eq!(kv(r#"a="unclosed b=1"#), Vec::<(String, String)>::new());
        assert_eq!(kv("==="), Vec::<(String, String)>::new());
    }
}
