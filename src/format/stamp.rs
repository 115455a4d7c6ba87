//! Timestamp shapes shared by the formats, read by hand from bytes (no regex on the hot path),
//! and their conversion to µs UTC.

use super::{LineContext, fold, year, zonename};
use crate::time::Zone;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use std::cell::RefCell;

/// Why a line did not parse: not this format's shape at all, or the right shape with an
/// impossible timestamp value.
#[derive(Debug, Clone, PartialEq)]
pub enum Miss {
    Shape,
    Bad(String),
}

pub type R<T> = Result<T, Miss>;

/// A wall-clock time as written. `y == 0` means the line had no year.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Wall {
    pub y: i32,
    pub mo: u32,
    pub d: u32,
    pub h: u32,
    pub mi: u32,
    pub s: u32,
    pub us: u32,
    /// Offset east of UTC in seconds, when the time carries one.
    pub off: Option<i32>,
    /// Number of fractional-second digits written (precision, for choosing among JSON keys).
    pub frac_digits: u8,
    /// An ambiguous zone abbreviation written after the time, and the offsets it can mean: the
    /// time is read in the source zone, with a note unless that zone agrees.
    pub ambiguous: Option<(&'static str, &'static [i32])>,
}

/// `n` ASCII digits at `b[i..]` as a number.
#[inline]
pub fn digits(b: &[u8], i: usize, n: usize) -> Option<u32> {
    let s = b.get(i..i + n)?;
    let mut v = 0u32;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

/// Reads `[.,]ddd...` at `i`: returns (µs, digits written, bytes consumed).
#[inline]
pub fn fraction(b: &[u8], i: usize) -> (u32, u8, usize) {
    match b.get(i) {
        Some(b'.') | Some(b',') => {}
        _ => return (0, 0, 0),
    }
    let mut j = i + 1;
    let mut us = 0u32;
    let mut n = 0u8;
    while let Some(c) = b.get(j).filter(|c| c.is_ascii_digit()) {
        if n < 6 {
            us = us * 10 + u32::from(c - b'0');
        }
        n = n.saturating_add(1);
        j += 1;
    }
    if n == 0 {
        return (0, 0, 0);
    }
    for _ in n..6 {
        us *= 10;
    }
    (us, n, j - i)
}

/// `Jan`..`Dec` (case-insensitive) at `b[i..i+3]`.
#[inline]
pub fn month_name(b: &[u8], i: usize) -> Option<u32> {
    let m = b.get(i..i + 3)?;
    let l = [
        m[0].to_ascii_lowercase(),
        m[1].to_ascii_lowercase(),
        m[2].to_ascii_lowercase(),
    ];
    Some(match &l {
        b"jan" => 1,
        b"feb" => 2,
        b"mar" => 3,
        b"apr" => 4,
        b"may" => 5,
        b"jun" => 6,
        b"jul" => 7,
        b"aug" => 8,
        b"sep" => 9,
        b"oct" => 10,
        b"nov" => 11,
        b"dec" => 12,
        _ => return None,
    })
}

/// `HH:MM:SS` at `i` followed by an optional fraction; returns consumed bytes.
#[inline]
pub fn hms(b: &[u8], i: usize, w: &mut Wall) -> Option<usize> {
    w.h = digits(b, i, 2)?;
    if b.get(i + 2) != Some(&b':') {
        return None;
    }
    w.mi = digits(b, i + 3, 2)?;
    if b.get(i + 5) != Some(&b':') {
        return None;
    }
    w.s = digits(b, i + 6, 2)?;
    let (us, n, used) = fraction(b, i + 8);
    w.us = us;
    w.frac_digits = n;
    Some(8 + used)
}

/// A numeric offset `Z`, `+05:30`, `+0530`, `+05` at `i`; returns (seconds east, consumed).
#[inline]
pub fn offset(b: &[u8], i: usize) -> Option<(i32, usize)> {
    let sign = match b.get(i)? {
        b'Z' | b'z' => return Some((0, 1)),
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let h = digits(b, i + 1, 2)?;
    let (m, used) = if b.get(i + 3) == Some(&b':') {
        (digits(b, i + 4, 2)?, 6)
    } else if let Some(m) = digits(b, i + 3, 2) {
        (m, 5)
    } else {
        (0, 3)
    };
    if h > 14 || m > 59 {
        return None;
    }
    Some((sign * (h as i32 * 3600 + m as i32 * 60), used))
}

/// One or two digits at `i` (an unpadded field): (value, index after).
#[inline]
fn digits12(b: &[u8], i: usize) -> Option<(u32, usize)> {
    let d0 = *b.get(i)?;
    if !d0.is_ascii_digit() {
        return None;
    }
    match b.get(i + 1) {
        Some(d1) if d1.is_ascii_digit() => {
            Some((u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0'), i + 2))
        }
        _ => Some((u32::from(d0 - b'0'), i + 1)),
    }
}

/// ISO 8601 at the start of `b`: `YYYY-MM-DD[T ]HH:MM:SS[.,frac][offset]`, or with `/` as the
/// date separator when `slash` is set (nginx error log). Also read: unpadded month, day and
/// hour (`2026-1-5 7:05:09`, MariaDB's space-padded `2026-12-03  9:19:22`), milliseconds after a
/// colon (`07:05:09:12`), and a zone after one space (`... PDT`, `... +0200`, `... UTC`, see
/// `zonename`). Returns the wall time and bytes used.
pub fn iso(b: &[u8], slash: bool) -> R<(Wall, usize)> {
    let sep = if slash { b'/' } else { b'-' };
    let mut w = Wall::default();
    let y = digits(b, 0, 4).ok_or(Miss::Shape)?;
    if b.get(4) != Some(&sep) {
        return Err(Miss::Shape);
    }
    w.y = y as i32;
    let (mo, i) = digits12(b, 5).ok_or(Miss::Shape)?;
    if b.get(i) != Some(&sep) {
        return Err(Miss::Shape);
    }
    let (d, i) = digits12(b, i + 1).ok_or(Miss::Shape)?;
    w.mo = mo;
    w.d = d;
    let mut i = match b.get(i) {
        Some(b'T') | Some(b't') | Some(b' ') => i + 1,
        _ => return Err(Miss::Shape),
    };
    if b[i - 1] == b' ' && b.get(i) == Some(&b' ') {
        i += 1; // a space-padded hour
    }
    let (h, j) = digits12(b, i).ok_or(Miss::Shape)?;
    w.h = h;
    if b.get(j) != Some(&b':') || b.get(j + 3) != Some(&b':') {
        return Err(Miss::Shape);
    }
    w.mi = digits(b, j + 1, 2).ok_or(Miss::Shape)?;
    w.s = digits(b, j + 4, 2).ok_or(Miss::Shape)?;
    i = j + 6;
    let (us, n, used) = fraction(b, i);
    if used > 0 {
        (w.us, w.frac_digits) = (us, n);
        i += used;
    } else if let Some((ms, used)) = colon_millis(b, i) {
        (w.us, w.frac_digits) = (ms * 1000, 3);
        i += used;
    }
    if let Some((off, n)) = offset(b, i) {
        w.off = Some(off);
        i += n;
    } else if b.get(i) == Some(&b' ')
        && let Some((said, n)) = zonename::after_space(b, i + 1)
    {
        match said {
            zonename::Said::Offset(off) => w.off = Some(off),
            zonename::Said::Ambiguous(abbr, offs) => w.ambiguous = Some((abbr, offs)),
        }
        i += 1 + n;
    }
    Ok((w, i))
}

/// `:d` to `:ddd` (unpadded milliseconds after the seconds, as in `07:05:09:12`), not followed
/// by another digit: (ms, bytes used).
fn colon_millis(b: &[u8], i: usize) -> Option<(u32, usize)> {
    if b.get(i) != Some(&b':') {
        return None;
    }
    let n = b[i + 1..]
        .iter()
        .take(4)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if !(1..=3).contains(&n) {
        return None;
    }
    let ms = b[i + 1..i + 1 + n]
        .iter()
        .fold(0u32, |v, c| v * 10 + u32::from(c - b'0'));
    Some((ms, 1 + n))
}

/// Apache access-log time `21/Nov/2026:21:09:59 -0500` at the start of `b`.
pub fn clf(b: &[u8]) -> R<(Wall, usize)> {
    let mut w = Wall {
        d: digits(b, 0, 2).ok_or(Miss::Shape)?,
        ..Wall::default()
    };
    if b.get(2) != Some(&b'/') || b.get(6) != Some(&b'/') || b.get(11) != Some(&b':') {
        return Err(Miss::Shape);
    }
    w.mo = month_name(b, 3).ok_or(Miss::Shape)?;
    w.y = digits(b, 7, 4).ok_or(Miss::Shape)? as i32;
    let used = hms(b, 12, &mut w).ok_or(Miss::Shape)?;
    let mut i = 12 + used;
    if b.get(i) == Some(&b' ')
        && let Some((off, n)) = offset(b, i + 1)
    {
        w.off = Some(off);
        i += 1 + n;
    }
    Ok((w, i))
}

/// ctime-style `Sun Dec 04 04:47:44[.frac] 2005` at the start of `b` (Apache error log).
pub fn ctime(b: &[u8]) -> R<(Wall, usize)> {
    let mut w = Wall::default();
    if b.len() < 24 || b[3] != b' ' || !b[..3].iter().all(u8::is_ascii_alphabetic) {
        return Err(Miss::Shape);
    }
    w.mo = month_name(b, 4).ok_or(Miss::Shape)?;
    if b[7] != b' ' {
        return Err(Miss::Shape);
    }
    w.d = day_maybe_space(b, 8).ok_or(Miss::Shape)?;
    if b[10] != b' ' {
        return Err(Miss::Shape);
    }
    let used = hms(b, 11, &mut w).ok_or(Miss::Shape)?;
    let i = 11 + used;
    if b.get(i) != Some(&b' ') {
        return Err(Miss::Shape);
    }
    w.y = digits(b, i + 1, 4).ok_or(Miss::Shape)? as i32;
    Ok((w, i + 5))
}

/// A 2-character day, `04`, ` 4` or `4 `-less forms as syslog writes them.
#[inline]
pub fn day_maybe_space(b: &[u8], i: usize) -> Option<u32> {
    match (b.get(i)?, b.get(i + 1)?) {
        (b' ', c) if c.is_ascii_digit() => Some(u32::from(c - b'0')),
        _ => digits(b, i, 2),
    }
}

/// RFC 3164 `Nov 15 03:34:01` (also `Nov  5`, optional fraction): year-less (`y == 0`).
/// Also `Nov 15 2026 03:34:01` (Cisco/BSD with a year), which sets `y`.
pub fn bsd(b: &[u8]) -> R<(Wall, usize)> {
    let mut w = Wall {
        mo: month_name(b, 0).ok_or(Miss::Shape)?,
        ..Wall::default()
    };
    if b.get(3) != Some(&b' ') {
        return Err(Miss::Shape);
    }
    w.d = day_maybe_space(b, 4).ok_or(Miss::Shape)?;
    if b.get(6) != Some(&b' ') {
        return Err(Miss::Shape);
    }
    if let Some(used) = hms(b, 7, &mut w) {
        return Ok((w, 7 + used));
    }
    let y = digits(b, 7, 4).ok_or(Miss::Shape)?;
    if b.get(11) != Some(&b' ') {
        return Err(Miss::Shape);
    }
    let used = hms(b, 12, &mut w).ok_or(Miss::Shape)?;
    w.y = y as i32;
    Ok((w, 12 + used))
}

/// Checks the fields and builds the naive date-time, with a reason when impossible.
pub fn naive(w: &Wall) -> R<NaiveDateTime> {
    if !(1..=12).contains(&w.mo) {
        return Err(Miss::Bad(format!("month {} out of range", w.mo)));
    }
    if w.h > 23 {
        return Err(Miss::Bad(format!("hour {} out of range", w.h)));
    }
    if w.mi > 59 {
        return Err(Miss::Bad(format!("minute {} out of range", w.mi)));
    }
    if w.s > 60 {
        return Err(Miss::Bad(format!("second {} out of range", w.s)));
    }
    let date = NaiveDate::from_ymd_opt(w.y, w.mo, w.d).ok_or_else(|| {
        Miss::Bad(format!(
            "day {} out of range for {:04}-{:02}",
            w.d, w.y, w.mo
        ))
    })?;
    // A leap second is read as :59.999999.
    let (s, us) = if w.s == 60 {
        (59, 999_999)
    } else {
        (w.s, w.us)
    };
    date.and_hms_micro_opt(w.h, w.mi, s, us)
        .ok_or_else(|| Miss::Bad("impossible time of day".to_string()))
}

thread_local! {
    // Zone::parse of an IANA name costs a lookup; sources are read line by line with the same
    // zone, so the last parse is cached per thread.
    static ZONE_CACHE: RefCell<Option<(String, Zone)>> = const { RefCell::new(None) };
}

/// The zone for zone-less times of this context (`Local` when the name is unparseable).
pub fn zone_of(ctx: &LineContext) -> Zone {
    ZONE_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if let Some((name, z)) = c.as_ref()
            && *name == ctx.zone
        {
            return *z;
        }
        let z = Zone::parse(&ctx.zone).unwrap_or(Zone::Local);
        *c = Some((ctx.zone.clone(), z));
        z
    })
}

/// Converts a wall time with a known year to µs UTC: its own offset, else the source zone (the
/// second pass through a DST fold when the file's order says so, see `fold`).
pub fn to_us(w: &Wall, ctx: &mut LineContext) -> R<i64> {
    let n = naive(w)?;
    if let Some(off) = w.off {
        return Ok(n.and_utc().timestamp_micros() - i64::from(off) * 1_000_000);
    }
    let zone = zone_of(ctx);
    let us = fold::to_us(&zone, n, ctx.carry.last_us);
    if let Some((abbr, offs)) = w.ambiguous {
        let used = zone
            .offset_at(crate::time::from_micros(us))
            .local_minus_utc();
        if !offs.contains(&used) {
            let zone_name = ctx.zone.clone();
            ctx.carry.note(abbr, || {
                format!(
                    "zone abbreviation {abbr} has several meanings; its times are read in the \
                     source zone ({zone_name}), which it does not match: set `timezone` for \
                     this source"
                )
            });
        }
    }
    Ok(us)
}

/// Converts a wall time that may lack its year (`y == 0`, e.g. from [`bsd`]).
pub fn maybe_yearless_to_us(w: &Wall, ctx: &mut LineContext) -> R<i64> {
    if w.y == 0 {
        yearless_to_us(w, ctx)
    } else {
        to_us(w, ctx)
    }
}

/// The partial stamp of a year-less wall time (checked as in a leap year, so that Feb 29 is
/// refused only where it is impossible), for `year.rs`.
pub fn yearless_stamp(w: &Wall) -> R<year::Stamp> {
    if !(1..=12).contains(&w.mo) {
        return Err(Miss::Bad(format!("month {} out of range", w.mo)));
    }
    if !(1..=31).contains(&w.d) {
        return Err(Miss::Bad(format!("day {} out of range", w.d)));
    }
    let mut probe = *w;
    probe.y = 2000; // a leap year: validates Feb 29 before the year state changes
    naive(&probe)?;
    Ok(year::Stamp {
        period: year::Period::Year,
        month: w.mo,
        day: w.d,
        sec: w.h * 3600 + w.mi * 60 + w.s.min(59),
    })
}

/// The partial stamp of a time-only wall time (its date fields are ignored).
pub fn dayless_stamp(w: &Wall) -> R<year::Stamp> {
    let mut probe = *w;
    (probe.y, probe.mo, probe.d) = (2000, 1, 1);
    naive(&probe)?;
    Ok(year::Stamp {
        period: year::Period::Day,
        month: 0,
        day: 0,
        sec: w.h * 3600 + w.mi * 60 + w.s.min(59),
    })
}

/// Converts a year-less wall time: the year comes from the context (see `year.rs`).
pub fn yearless_to_us(w: &Wall, ctx: &mut LineContext) -> R<i64> {
    partial_to_us(w, yearless_stamp(w)?, ctx)
}

/// Converts a time-only wall time: the day comes from the context (see `year.rs`).
pub fn dayless_to_us(w: &Wall, ctx: &mut LineContext) -> R<i64> {
    partial_to_us(w, dayless_stamp(w)?, ctx)
}

fn partial_to_us(w: &Wall, s: year::Stamp, ctx: &mut LineContext) -> R<i64> {
    let p = year::assign(ctx, s);
    let date = year::date_of(&s, p)
        .ok_or_else(|| Miss::Bad("no such date in the inferred year".to_string()))?;
    let full = Wall {
        y: date.year(),
        mo: date.month(),
        d: date.day(),
        ..*w
    };
    to_us(&full, ctx)
}

/// Epoch number text (`1795313399.076`, `1700000000123`) → µs, guessing the unit from the
/// magnitude of the integer part. Returns (µs, precision digits).
pub fn epoch_text(s: &str) -> Option<(i64, u8)> {
    let b = s.as_bytes();
    let (int, frac) = match memchr::memchr(b'.', b) {
        Some(p) => (&b[..p], &b[p + 1..]),
        None => (b, &b[..0]),
    };
    if int.is_empty() || int.len() > 19 || !int.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if !frac.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v: i64 = s.get(..int.len())?.parse().ok()?;
    // Unit by magnitude: seconds up to year ~5138, then ms, µs, ns.
    let (scale, prec): (i64, u8) = if v < 100_000_000_000 {
        (1_000_000, 0)
    } else if v < 100_000_000_000_000 {
        (1_000, 3)
    } else if v < 100_000_000_000_000_000 {
        (1, 6)
    } else {
        return Some((v / 1_000, 9));
    };
    let mut us = v.checked_mul(scale)?;
    // Fractional part of the unit, to µs.
    let mut unit = scale;
    for &c in frac.iter() {
        unit /= 10;
        if unit == 0 {
            break;
        }
        us += i64::from(c - b'0') * unit;
    }
    Some((us, prec.saturating_add(frac.len().min(9) as u8)))
}

/// A time value as found in JSON/logfmt/LTSV fields: epoch number, ISO 8601, or the access-log
/// layout (optionally in brackets). Returns (µs, precision digits).
pub fn time_value(s: &str, ctx: &mut LineContext) -> R<(i64, u8)> {
    let s = s.trim();
    if let Some(v) = epoch_text(s) {
        // A small number under a time key is a duration, not an instant (before 1973).
        return if v.0 >= 100_000_000_000_000 {
            Ok(v)
        } else {
            Err(Miss::Shape)
        };
    }
    let b = s.as_bytes();
    match iso(b, false) {
        Ok((w, _)) => return Ok((to_us(&w, ctx)?, w.frac_digits)),
        Err(Miss::Bad(r)) => return Err(Miss::Bad(r)),
        Err(Miss::Shape) => {}
    }
    let inner = s.strip_prefix('[').unwrap_or(s).as_bytes();
    match clf(inner) {
        Ok((w, _)) => Ok((to_us(&w, ctx)?, w.frac_digits)),
        Err(Miss::Bad(r)) => Err(Miss::Bad(r)),
        Err(Miss::Shape) => match ctime(b) {
            Ok((w, _)) => Ok((to_us(&w, ctx)?, w.frac_digits)),
            Err(Miss::Shape) => chrono::DateTime::parse_from_rfc2822(s)
                .map(|t| (t.timestamp_micros(), 0))
                .map_err(|_| Miss::Shape),
            Err(e) => Err(e),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_shapes() {
        let (w, n) = iso(b"2026-11-22T07:37:26.278125+05:30 vm", false).unwrap();
        assert_eq!(
            (w.y, w.mo, w.d, w.h, w.mi, w.s, w.us, w.off),
            (2026, 11, 22, 7, 37, 26, 278125, Some(19800))
        );
        assert_eq!(n, 32);
        let (w, n) = iso(b"2026-11-22 03:10:41,620 DEBUG", false).unwrap();
        assert_eq!((w.us, w.frac_digits, w.off, n), (620_000, 3, None, 23));
        assert_eq!(iso(b"2026-11-2", false), Err(Miss::Shape));
        assert_eq!(
            iso(b"2026/11/21 21:09:58 [notice]", true).map(|x| x.1),
            Ok(19)
        );
    }

    #[test]
    fn impossible_values_are_bad_not_shape() {
        let (w, _) = iso(b"2026-13-45 25:61:00 ERROR x", false).unwrap();
        assert!(matches!(naive(&w), Err(Miss::Bad(r)) if r.contains("month 13")));
        let (w, _) = iso(b"2026-02-30 10:00:00", false).unwrap();
        assert!(matches!(naive(&w), Err(Miss::Bad(r)) if r.contains("day 30")));
        let (w, _) = iso(b"2026-02-10 25:00:00", false).unwrap();
        assert!(matches!(naive(&w), Err(Miss::Bad(r)) if r.contains("hour 25")));
    }

    #[test]
    fn epoch_units() {
        assert_eq!(
            epoch_text("1795313399.076"),
            Some((1_795_313_399_076_000, 3))
        );
        assert_eq!(
            epoch_text("1795313399076"),
            Some((1_795_313_399_076_000, 3))
        );
        assert_eq!(
            epoch_text("1795313399076123"),
            Some((1_795_313_399_076_123, 6))
        );
        assert_eq!(
            epoch_text("1795313399076123456"),
            Some((1_795_313_399_076_123, 9))
        );
        assert_eq!(epoch_text("12a"), None);
        assert_eq!(epoch_text(""), None);
    }

    #[test]
    fn other_shapes() {
        let (w, _) = clf(b"21/Nov/2026:21:09:59 -0500]").unwrap();
        assert_eq!((w.y, w.mo, w.d, w.off), (2026, 11, 21, Some(-18000)));
        let (w, _) = ctime(b"Wed Oct 11 14:32:52.123456 2017] [core:error]").unwrap();
        assert_eq!((w.y, w.mo, w.d, w.us), (2017, 10, 11, 123456));
        let (w, n) = bsd(b"Nov  5 03:34:01 host").unwrap();
        assert_eq!((w.y, w.mo, w.d, n), (0, 11, 5, 15));
        let (w, n) = bsd(b"Nov 22 2026 07:39:58.123 host").unwrap();
        assert_eq!(
            (w.y, w.mo, w.d, w.s, w.us, n),
            (2026, 11, 22, 58, 123_000, 24)
        );
        assert_eq!(bsd(b"Nov 22 2026 host"), Err(Miss::Shape));
        assert_eq!(bsd(b"Nov 22 20260 07:39:58 host"), Err(Miss::Shape));
    }
}
