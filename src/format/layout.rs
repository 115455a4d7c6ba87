//! Reading a time with a user's (or a built-in data format's) `time_format`: a chrono
//! `strftime` layout, where `%3f`, `%6f` and `%9f` also read unpadded values (`:12` is 12 ms),
//! or one of the names `tai64n` (daemontools/s6 `@4000000065...` labels) and `epoch` (seconds,
//! ms, µs or ns, told by magnitude).

use super::stamp::{self, Miss, R, Wall};
use chrono::format::{Parsed as ChronoParsed, StrftimeItems, parse_and_remainder};

/// A time as read: an instant, or a wall time and what it lacks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Read {
    Instant(i64),
    Full(Wall),
    Yearless(Wall),
    Dayless(Wall),
}

/// Reads `s` with `layout`.
pub fn read(s: &str, layout: &str) -> R<Read> {
    match layout {
        "tai64n" => return tai64n(s).map(Read::Instant),
        "epoch" => {
            return stamp::epoch_text(s)
                .map(|(us, _)| Read::Instant(us))
                .ok_or_else(|| Miss::Bad(format!("time {s:?} is not an epoch number")));
        }
        _ => {}
    }
    let bad =
        |e: &dyn std::fmt::Display| Miss::Bad(format!("time {s:?} does not match {layout:?}: {e}"));
    let mut cp = ChronoParsed::new();
    let mut rest = s;
    // Split the layout at each `%3f`/`%6f`/`%9f`: chrono reads the pieces, the fractions are
    // read here (chrono wants exactly 3, 6 or 9 digits).
    let mut lay = layout;
    loop {
        let cut = ["%3f", "%6f", "%9f"]
            .iter()
            .filter_map(|f| lay.find(f).map(|i| (i, f.as_bytes()[1] - b'0')))
            .min();
        let (piece, frac) = match cut {
            Some((i, n)) => (&lay[..i], Some((n, &lay[i + 3..]))),
            None => (lay, None),
        };
        rest =
            parse_and_remainder(&mut cp, rest, StrftimeItems::new(piece)).map_err(|e| bad(&e))?;
        let Some((n, after)) = frac else { break };
        let len = rest
            .bytes()
            .take(usize::from(n))
            .take_while(u8::is_ascii_digit)
            .count();
        if len == 0 {
            return Err(bad(&"no digits for the fraction"));
        }
        let v: u32 = rest[..len].parse().map_err(|_| bad(&"fraction"))?;
        let nanos = v * 10u32.pow(9 - u32::from(n));
        cp.set_nanosecond(i64::from(nanos)).map_err(|e| bad(&e))?;
        rest = &rest[len..];
        lay = after;
    }
    if !rest.is_empty() {
        return Err(bad(&"trailing input"));
    }
    if let Some(ts) = cp.timestamp() {
        let us = ts.saturating_mul(1_000_000) + i64::from(cp.nanosecond().unwrap_or(0) / 1000);
        return Ok(Read::Instant(us));
    }
    let y = cp
        .year()
        .or_else(|| cp.year_mod_100().map(|y| 2000 + y))
        .unwrap_or(0);
    let w = Wall {
        y,
        mo: cp.month().unwrap_or(1),
        d: cp.day().unwrap_or(1),
        h: cp.hour_div_12().unwrap_or(0) * 12 + cp.hour_mod_12().unwrap_or(0),
        mi: cp.minute().unwrap_or(0),
        s: cp.second().unwrap_or(0),
        us: cp.nanosecond().unwrap_or(0) / 1000,
        off: cp.offset(),
        ..Wall::default()
    };
    Ok(if y != 0 {
        Read::Full(w)
    } else if cp.month().is_some() || cp.day().is_some() {
        Read::Yearless(w)
    } else {
        Read::Dayless(w)
    })
}

/// A TAI64N label `@4000000065f1a2b30c1d2e3f` (with or without the `@`) as µs UTC. Like
/// daemontools' `tai64nlocal`, TAI is taken as UTC + 10 s (leap seconds since 1972 ignored).
pub fn tai64n(s: &str) -> R<i64> {
    let hex = s.strip_prefix('@').unwrap_or(s);
    let bad = || Miss::Bad(format!("{s:?} is not a TAI64N label"));
    if hex.len() != 24 || !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let secs = u64::from_str_radix(&hex[..16], 16).map_err(|_| bad())?;
    let nanos = u64::from_str_radix(&hex[16..], 16).map_err(|_| bad())?;
    let unix = secs
        .checked_sub((1u64 << 62) + 10)
        .filter(|_| nanos < 1_000_000_000)
        .ok_or_else(bad)?;
    i64::try_from(unix)
        .ok()
        .and_then(|u| u.checked_mul(1_000_000))
        .and_then(|u| u.checked_add((nanos / 1000) as i64))
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpadded_fractions_and_names() {
        // `%3f` reads `12` as 12 ms, `120` as 120 ms.
        let Ok(Read::Full(w)) = read("2026-1-5 7:05:09:12", "%Y-%m-%d %H:%M:%S:%3f") else {
            panic!()
        };
        assert_eq!((w.y, w.mo, w.d, w.h, w.us), (2026, 1, 5, 7, 12_000));
        let Ok(Read::Full(w)) = read("20171223-22:15:29:606", "%Y%m%d-%H:%M:%S:%3f") else {
            panic!()
        };
        assert_eq!(w.us, 606_000);
        assert!(matches!(
            read("10.30 16:49:06", "%m.%d %H:%M:%S"),
            Ok(Read::Yearless(_))
        ));
        assert!(matches!(
            read("09:18:03.080476", "%H:%M:%S%.f"),
            Ok(Read::Dayless(_))
        ));
        // daemontools `tai64n` on this machine; `tai64nlocal` (TZ=UTC) said 09:19:13.894983500.
        assert_eq!(
            read("@400000006b11341b35585d4c", "tai64n"),
            Ok(Read::Instant(1_796_289_553_894_983))
        );
        assert!(read("2026-01-05 x", "%Y-%m-%d").is_err());
    }
}
