//! A zone written after a time, separated by a space (`... 01:45:01.123 PDT [123]`, `... +0200`,
//! `... +02:00`, `... UTC`, `... Z`, `... GMT`): numeric offsets and unambiguous abbreviations
//! give the offset; ambiguous abbreviations (`CST`, `IST`, `BST`, `AST`) are read in the source
//! zone, and the caller says so in a note.

use super::stamp::digits;

/// What a zone word says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Said {
    /// Seconds east of UTC.
    Offset(i32),
    /// An abbreviation with several meanings, and the offsets it can stand for.
    Ambiguous(&'static str, &'static [i32]),
}

const H: i32 = 3600;

/// Abbreviations and their offsets. Kept to the ones programs print (glibc `%Z`, Java `z`,
/// PostgreSQL `%m`), unambiguous first.
const ABBRS: &[(&str, i32)] = &[
    ("UTC", 0),
    ("UT", 0),
    ("GMT", 0),
    ("Z", 0),
    ("WET", 0),
    ("WEST", H),
    ("CET", H),
    ("CEST", 2 * H),
    ("MET", H),
    ("MEST", 2 * H),
    ("EET", 2 * H),
    ("EEST", 3 * H),
    ("MSK", 3 * H),
    ("SAST", 2 * H),
    ("PKT", 5 * H),
    ("NPT", 5 * H + 45 * 60),
    ("WIB", 7 * H),
    ("HKT", 8 * H),
    ("SGT", 8 * H),
    ("AWST", 8 * H),
    ("JST", 9 * H),
    ("KST", 9 * H),
    ("ACST", 9 * H + 30 * 60),
    ("ACDT", 10 * H + 30 * 60),
    ("AEST", 10 * H),
    ("AEDT", 11 * H),
    ("NZST", 12 * H),
    ("NZDT", 13 * H),
    ("HST", -10 * H),
    ("AKST", -9 * H),
    ("AKDT", -8 * H),
    ("PST", -8 * H),
    ("PDT", -7 * H),
    ("MST", -7 * H),
    ("MDT", -6 * H),
    ("CDT", -5 * H),
    ("EST", -5 * H),
    ("EDT", -4 * H),
    ("ADT", -3 * H),
    ("NST", -3 * H - 30 * 60),
    ("NDT", -2 * H - 30 * 60),
    ("BRT", -3 * H),
    ("ART", -3 * H),
];

/// Abbreviations with several meanings: the offsets each can stand for.
const AMBIGUOUS: &[(&str, &[i32])] = &[
    // US Central, China, Cuba.
    ("CST", &[-6 * H, 8 * H, -5 * H]),
    // India, Israel, Irish summer time.
    ("IST", &[5 * H + 30 * 60, 2 * H, H]),
    // British summer time, Bangladesh.
    ("BST", &[H, 6 * H]),
    // Atlantic, Arabia.
    ("AST", &[-4 * H, 3 * H]),
];

/// Does the byte end a zone word (space, end, or punctuation that closes a stamp)?
fn ends(b: &[u8], i: usize) -> bool {
    matches!(
        b.get(i),
        None | Some(b' ' | b'\t' | b']' | b',' | b')' | b'|')
    )
}

/// A zone word at `b[i..]` (after the space that follows a time): what it says and the bytes
/// it takes. `None` when there is none (a message word is never taken: only known
/// abbreviations and well-formed offsets followed by a blank or the stamp's end).
pub fn after_space(b: &[u8], i: usize) -> Option<(Said, usize)> {
    match *b.get(i)? {
        c @ (b'+' | b'-') => {
            let sign = if c == b'+' { 1 } else { -1 };
            let h = digits(b, i + 1, 2)? as i32;
            let (m, used) = if b.get(i + 3) == Some(&b':') {
                (digits(b, i + 4, 2)? as i32, 6)
            } else if let Some(m) = digits(b, i + 3, 2) {
                (m as i32, 5)
            } else {
                (0, 3)
            };
            if h > 14 || m % 15 != 0 || !ends(b, i + used) {
                return None;
            }
            Some((Said::Offset(sign * (h * H + m * 60)), used))
        }
        b'A'..=b'Z' => {
            let n = b[i..]
                .iter()
                .take(5)
                .take_while(|c| c.is_ascii_uppercase())
                .count();
            if !ends(b, i + n) {
                return None;
            }
            let word = std::str::from_utf8(&b[i..i + n]).ok()?;
            if let Some(&(_, off)) = ABBRS.iter().find(|(a, _)| *a == word) {
                return Some((Said::Offset(off), n));
            }
            AMBIGUOUS
                .iter()
                .find(|(a, _)| *a == word)
                .map(|&(a, offs)| (Said::Ambiguous(a, offs), n))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_words() {
        let at = |s: &str| after_space(s.as_bytes(), 0);
        assert_eq!(at("PDT [12345]"), Some((Said::Offset(-7 * H), 3)));
        assert_eq!(at("+0200 x"), Some((Said::Offset(2 * H), 5)));
        assert_eq!(at("+02:00"), Some((Said::Offset(2 * H), 6)));
        assert_eq!(at("-05 x"), Some((Said::Offset(-5 * H), 3)));
        assert_eq!(at("UTC]"), Some((Said::Offset(0), 3)));
        assert_eq!(at("Z "), Some((Said::Offset(0), 1)));
        assert!(matches!(
            at("IST [1]"),
            Some((Said::Ambiguous("IST", _), 3))
        ));
        // Message words and numbers are not zones.
        assert_eq!(at("INFO x"), None);
        assert_eq!(at("PDTX"), None);
        assert_eq!(at("+1234567"), None);
        assert_eq!(at("+0217 x"), None);
        assert_eq!(at("12 x"), None);
    }
}
