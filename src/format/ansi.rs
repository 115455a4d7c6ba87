//! ANSI escape sequences in log lines (coloured levels from a terminal logger piped to a
//! file): removed before parsing, with a map back to the bytes as written.

/// `line` without CSI (`ESC [ ... final`) and two-byte `ESC x` sequences, and for every byte
/// kept its offset in `line`.
pub fn strip(line: &str) -> (String, Vec<usize>) {
    let b = line.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut map = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == 0x1b {
            i += 1;
            match b.get(i) {
                Some(b'[') => {
                    i += 1;
                    while i < b.len() && b[i] < 0x80 && !(0x40..=0x7e).contains(&b[i]) {
                        i += 1;
                    }
                    if b.get(i).is_some_and(|c| (0x40..=0x7e).contains(c)) {
                        i += 1;
                    }
                }
                // A two-byte sequence (`ESC c`); anything else leaves the ESC alone removed.
                Some(c) if (0x20..=0x7e).contains(c) => i += 1,
                _ => {}
            }
            continue;
        }
        out.push(b[i]);
        map.push(i);
        i += 1;
    }
    // Only ASCII bytes were removed (a CSI's parameters are ASCII; one that runs into a
    // non-ASCII byte ends there), so what is left is still UTF-8.
    (String::from_utf8_lossy(&out).into_owned(), map)
}

#[cfg(test)]
mod tests {
    #[test]
    fn colours_go_and_offsets_map_back() {
        let line = "\u{1b}[32m2026-12-03 09:19:22\u{1b}[0m \u{1b}[1;31mERROR\u{1b}[0m boom";
        let (plain, map) = super::strip(line);
        assert_eq!(plain, "2026-12-03 09:19:22 ERROR boom");
        assert_eq!(&line[map[0]..=map[18]], "2026-12-03 09:19:22");
    }
}
