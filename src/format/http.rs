//! The level of an access-log record, from its HTTP status: 5xx → error, 4xx → warn, 1xx-3xx
//! → info. lnav reads its `access_log` and `w3c_log` records' levels from the status too (its
//! `level-field` is `sc_status`), but calls every status from 400 up an error; here a client's
//! 404 is a warning, so that errors and worse are what the server failed at.

use crate::event::Level;

/// The level of a three-digit status; `None` for `-` (no response sent) and anything else.
pub fn level(status: &str) -> Option<Level> {
    let b = status.as_bytes();
    if b.len() != 3 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    match b[0] {
        b'1'..=b'3' => Some(Level::Info),
        b'4' => Some(Level::Warn),
        b'5' => Some(Level::Error),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_classes_give_levels() {
        let cases = [
            ("101", Some(Level::Info)),
            ("200", Some(Level::Info)),
            ("304", Some(Level::Info)),
            ("400", Some(Level::Warn)),
            ("404", Some(Level::Warn)),
            ("499", Some(Level::Warn)),
            ("500", Some(Level::Error)),
            ("502", Some(Level::Error)),
            ("505", Some(Level::Error)),
            ("-", None),
            ("000", None),
            ("600", None),
            ("5xx", None),
            ("5000", None),
            ("", None),
        ];
        for (status, want) in cases {
            assert_eq!(level(status), want, "{status}");
        }
    }
}
