//! Time zones, and the `--since`/`--until` time expressions.

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// The zone a source's zone-less times are written in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    /// The process's local zone (`TZ`).
    Local,
    Named(Tz),
    Fixed(FixedOffset),
}

impl Zone {
    /// Parses `local`, `UTC`, an IANA name (`Asia/Tokyo`) or an offset (`+09:00`, `-0500`).
    pub fn parse(s: &str) -> Option<Zone> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("local") {
            return Some(Zone::Local);
        }
        if s.eq_ignore_ascii_case("utc") || s == "Z" {
            return Some(Zone::Named(Tz::UTC));
        }
        if let Some(off) = parse_offset(s) {
            return Some(Zone::Fixed(off));
        }
        s.parse::<Tz>().ok().map(Zone::Named)
    }

    /// Turns a wall-clock time in this zone into UTC. In a DST fold the earlier instant wins;
    /// in a DST gap the time is read with the offset in force before the gap.
    pub fn to_utc(&self, naive: NaiveDateTime) -> DateTime<Utc> {
        match self {
            Zone::Local => pick(chrono::Local.from_local_datetime(&naive), naive, |n| {
                chrono::Local.from_utc_datetime(&n).offset().fix()
            }),
            Zone::Named(tz) => pick(tz.from_local_datetime(&naive), naive, |n| {
                tz.from_utc_datetime(&n).offset().fix()
            }),
            Zone::Fixed(off) => pick(off.from_local_datetime(&naive), naive, |_| *off),
        }
    }

    /// Both readings of a wall-clock time: the earlier instant, and the later one when the
    /// time falls in a DST fold (the repeated hour). A time in a gap reads as [`Zone::to_utc`].
    pub fn to_utc_both(&self, naive: NaiveDateTime) -> (DateTime<Utc>, Option<DateTime<Utc>>) {
        let res = match self {
            Zone::Local => chrono::Local
                .from_local_datetime(&naive)
                .map(|d| d.with_timezone(&Utc)),
            Zone::Named(tz) => tz
                .from_local_datetime(&naive)
                .map(|d| d.with_timezone(&Utc)),
            Zone::Fixed(off) => off
                .from_local_datetime(&naive)
                .map(|d| d.with_timezone(&Utc)),
        };
        match res {
            LocalResult::Ambiguous(a, b) => (a.min(b), Some(a.max(b))),
            LocalResult::Single(d) => (d, None),
            LocalResult::None => (self.to_utc(naive), None),
        }
    }

    /// The zone's offset at a UTC instant (for display and year inference).
    pub fn offset_at(&self, utc: DateTime<Utc>) -> FixedOffset {
        match self {
            Zone::Local => chrono::Local
                .from_utc_datetime(&utc.naive_utc())
                .offset()
                .fix(),
            Zone::Named(tz) => tz.from_utc_datetime(&utc.naive_utc()).offset().fix(),
            Zone::Fixed(off) => *off,
        }
    }

    /// The zone's offsets over `[lo, hi)` (µs UTC) as `(from, offset)` pairs in time order
    /// (offset in µs, local minus UTC): one at `lo`, then one at each change. Changes are found
    /// by looking every 6 hours and bisecting to the microsecond; two changes less than 6 hours
    /// apart (no zone has any) would be missed.
    pub fn offset_changes(&self, lo: i64, hi: i64) -> Vec<(i64, i64)> {
        const STEP: i64 = 6 * 3600 * 1_000_000;
        let off = |t: i64| i64::from(self.offset_at(from_micros(t)).local_minus_utc()) * 1_000_000;
        let mut out = vec![(lo, off(lo))];
        let mut t = lo;
        while t < hi {
            let next = t.saturating_add(STEP).min(hi);
            let cur = out.last().map_or(0, |&(_, o)| o);
            if off(next) == cur {
                t = next;
                continue;
            }
            // The first instant in (t, next] with another offset.
            let (mut a, mut b) = (t, next);
            while b - a > 1 {
                let m = a + (b - a) / 2;
                if off(m) == cur { a = m } else { b = m }
            }
            out.push((b, off(b)));
            t = b;
        }
        out
    }

    pub fn name(&self) -> String {
        match self {
            Zone::Local => "local".to_string(),
            Zone::Named(tz) => tz.name().to_string(),
            Zone::Fixed(off) => off.to_string(),
        }
    }
}

fn pick<T: TimeZone>(
    res: LocalResult<DateTime<T>>,
    naive: NaiveDateTime,
    offset_at_utc: impl Fn(NaiveDateTime) -> FixedOffset,
) -> DateTime<Utc> {
    match res {
        LocalResult::Single(dt) => dt.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
        LocalResult::None => {
            // In a spring-forward gap: use the offset in force an hour earlier.
            let before = naive - chrono::Duration::hours(3);
            let off = offset_at_utc(before);
            Utc.from_utc_datetime(
                &(naive - chrono::Duration::seconds(i64::from(off.local_minus_utc()))),
            )
        }
    }
}

/// Parses `+09:00`, `+0900`, `-05`, `Z`.
pub fn parse_offset(s: &str) -> Option<FixedOffset> {
    if s == "Z" || s == "z" {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// Microseconds since the epoch.
pub fn to_micros(dt: DateTime<Utc>) -> i64 {
    dt.timestamp_micros()
}

pub fn from_micros(us: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_micros(us).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// RFC 3339 in UTC with `Z` and milliseconds (microseconds when they are not zero).
pub fn format_utc(us: i64) -> String {
    let dt = from_micros(us);
    if us.rem_euclid(1000) == 0 {
        dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    } else {
        dt.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn zones_parse() {
        assert_eq!(
            Zone::parse("+0900"),
            Some(Zone::Fixed(FixedOffset::east_opt(9 * 3600).unwrap()))
        );
        assert_eq!(
            Zone::parse("-05:00"),
            Some(Zone::Fixed(FixedOffset::west_opt(5 * 3600).unwrap()))
        );
        assert_eq!(
            Zone::parse("Asia/Tokyo"),
            Some(Zone::Named(Tz::Asia__Tokyo))
        );
        assert_eq!(Zone::parse("Mars/Olympus"), None);
    }

    #[test]
    fn dst_fold_takes_the_earlier_instant_and_gap_shifts() {
        let ny = Zone::Named(Tz::America__New_York);
        let fold = NaiveDate::from_ymd_opt(2026, 11, 1)
            .unwrap()
            .and_hms_opt(1, 30, 0)
            .unwrap();
        assert_eq!(ny.to_utc(fold).to_rfc3339(), "2026-11-01T05:30:00+00:00");
        let gap = NaiveDate::from_ymd_opt(2026, 3, 8)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(ny.to_utc(gap).to_rfc3339(), "2026-03-08T07:30:00+00:00");
    }

    #[test]
    fn offset_changes_are_found_to_the_microsecond() {
        let ny = Zone::Named(Tz::America__New_York);
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().timestamp_micros();
        let h = 3_600_000_000;
        assert_eq!(
            ny.offset_changes(at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")),
            vec![
                (at("2026-01-01T00:00:00Z"), -5 * h),
                (at("2026-03-08T07:00:00Z"), -4 * h),
                (at("2026-11-01T06:00:00Z"), -5 * h),
            ]
        );
        let utc = Zone::Named(Tz::UTC);
        assert_eq!(utc.offset_changes(0, 1 << 40), vec![(0, 0)]);
    }

    #[test]
    fn utc_formatting() {
        assert_eq!(format_utc(1_000_000), "1970-01-01T00:00:01.000Z");
        assert_eq!(format_utc(1_000_001), "1970-01-01T00:00:01.000001Z");
    }
}
