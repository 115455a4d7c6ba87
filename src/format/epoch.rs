//! Lines starting with an epoch number: seconds (10 digits), millis (13), micros (16) or
//! nanos (19), optionally with a fraction, then an optional level word.

use super::stamp::{self, Miss, R};
use super::{LineContext, iso};
use crate::event::Parsed;

pub fn parse(line: &str, _ctx: &mut LineContext) -> R<Parsed> {
    let b = line.as_bytes();
    let int = b.iter().take(20).take_while(|c| c.is_ascii_digit()).count();
    if !matches!(int, 10 | 13 | 16 | 19) {
        return Err(Miss::Shape);
    }
    let mut end = int;
    if b.get(end) == Some(&b'.') {
        end += 1;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
    }
    if !(end == b.len() || b[end] == b' ' || b[end] == b'\t') {
        return Err(Miss::Shape);
    }
    let (ts, _) = stamp::epoch_text(&line[..end]).ok_or(Miss::Shape)?;
    let mut p = Parsed {
        ts,
        time_span: Some((0, end)),
        ..Parsed::default()
    };
    iso::tail(&line[end..], &mut p);
    Ok(p)
}
