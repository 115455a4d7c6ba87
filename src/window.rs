//! Time expressions for `--since`/`--until` and `:goto`: absolute or relative to now.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use thiserror::Error;

use crate::time::{Zone, parse_offset};

#[derive(Debug, Clone, PartialEq, Error)]
#[error("invalid time {input:?}: {reason}")]
pub struct TimeError {
    pub input: String,
    pub reason: String,
}

/// What every error message lists.
const ACCEPTED: &str = "expected RFC 3339 (2026-10-05T02:00:00Z), a date and time (2026-10-05 02:00), \
                        a date (2026-10-05), a time today (14:30), a duration ago (90m, 2h, 3d, 1w, 1h30m), \
                        now, today or yesterday";

/// Parses a time expression into µs since the epoch (UTC). `now_us` is "now"; `zone` reads
/// zone-less absolute times (the user's local zone in practice).
///
/// Accepted: RFC 3339 (`2026-10-05T02:00:00Z`, `...+09:00`, also `+0900` and a blank instead
/// of `T`), `2026-10-05 02:00[:00[.fff]]` and `2026-10-05T02:00...` (read in `zone`),
/// `2026-10-05` (midnight in `zone`), `14:30[:00]` (that time today in `zone`), relative
/// durations meaning "that long ago" (`90m`, `2h`, `3d`, `1w`, `30s`, `1h30m`, also with a
/// leading `-` or a trailing ` ago`), `now`, `today` and `yesterday` (midnight in `zone`), and
/// `@1760000000` (epoch seconds).
pub fn parse_time(input: &str, now_us: i64, zone: &Zone) -> Result<i64, TimeError> {
    let fail = |reason: String| TimeError {
        input: input.to_string(),
        reason,
    };
    let s = input.trim();
    if s.is_empty() {
        return Err(fail(format!("empty; {ACCEPTED}")));
    }
    match s.to_ascii_lowercase().as_str() {
        "now" => return Ok(now_us),
        "today" => {
            return midnight_days_ago(now_us, zone, 0).ok_or_else(|| fail("out of range".into()));
        }
        "yesterday" => {
            return midnight_days_ago(now_us, zone, 1).ok_or_else(|| fail("out of range".into()));
        }
        _ => {}
    }
    if let Some(epoch) = s.strip_prefix('@') {
        let secs: i64 = epoch
            .parse()
            .map_err(|_| fail("expected epoch seconds after '@' (@1760000000)".to_string()))?;
        return secs
            .checked_mul(1_000_000)
            .ok_or_else(|| fail("out of range".to_string()));
    }
    // Relative: `90m`, `-90m`, `90m ago`.
    let rel = s.strip_suffix("ago").map(str::trim_end).unwrap_or(s);
    let rel = rel.strip_prefix('-').unwrap_or(rel).trim_start();
    if rel.starts_with(|c: char| c.is_ascii_digit()) && !looks_absolute(rel) {
        return match parse_duration(rel) {
            Some(secs) => secs
                .checked_mul(1_000_000)
                .and_then(|d| now_us.checked_sub(d))
                .ok_or_else(|| fail("too far in the past".to_string())),
            None => Err(fail(duration_problem(rel))),
        };
    }
    if looks_absolute(s) {
        return parse_absolute(s, now_us, zone).map_err(fail);
    }
    Err(fail(ACCEPTED.to_string()))
}

/// `YYYY-MM-DD...` or `HH:MM...`: something to read as a date or time, not a duration.
fn looks_absolute(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    (digits(0..4) && b.get(4) == Some(&b'-'))
        || (digits(0..1) && (b.get(1) == Some(&b':') || b.get(2) == Some(&b':')))
}

/// Why `s` (digits first, not a date) is not a duration.
fn duration_problem(s: &str) -> String {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return format!(
            "a number needs a unit: {s}s, {s}m, {s}h, {s}d or {s}w (or @{s} for epoch seconds)"
        );
    }
    if let Some(bad) = s
        .chars()
        .find(|c| !c.is_ascii_digit() && !matches!(c, 's' | 'm' | 'h' | 'd' | 'w'))
    {
        return format!(
            "unknown unit {bad:?} in a duration: use s, m, h, d or w (90m, 2h, 1h30m); {ACCEPTED}"
        );
    }
    format!("not a duration (use 90m, 2h, 3d, 1w or 1h30m) or out of range; {ACCEPTED}")
}

/// Parses a duration, `N` + `s|m|h|d|w`, repeated (`1h30m`, `1d12h`): seconds. `None` for
/// anything else, an empty string, or an overflow. `0s` is `Some(0)`.
pub fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut num: Option<i64> = None;
    for c in s.chars() {
        if let Some(d) = c.to_digit(10) {
            num = Some(
                num.unwrap_or(0)
                    .checked_mul(10)?
                    .checked_add(i64::from(d))?,
            );
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        total = total.checked_add(num.take()?.checked_mul(unit)?)?;
    }
    // A trailing number without a unit is an error (`1h30`).
    if num.is_some() { None } else { Some(total) }
}

/// Midnight `days` days before today's date in `zone`, as µs.
fn midnight_days_ago(now_us: i64, zone: &Zone, days: u64) -> Option<i64> {
    let day = today_in(now_us, zone)?.checked_sub_days(chrono::Days::new(days))?;
    local_to_utc(day.and_time(NaiveTime::MIN), zone)
}

/// Today's date in `zone` at `now_us`.
fn today_in(now_us: i64, zone: &Zone) -> Option<NaiveDate> {
    let now = DateTime::<Utc>::from_timestamp_micros(now_us)?;
    Some(
        now.naive_utc()
            .checked_add_offset(zone.offset_at(now))?
            .date(),
    )
}

/// A wall-clock time in `zone` as µs; `None` outside years 1..=9999 (the zone arithmetic is
/// only safe well inside chrono's range).
fn local_to_utc(naive: NaiveDateTime, zone: &Zone) -> Option<i64> {
    (1..=9999)
        .contains(&naive.year())
        .then(|| zone.to_utc(naive).timestamp_micros())
}

/// Date, date and time, RFC 3339, or a time today.
fn parse_absolute(s: &str, now_us: i64, zone: &Zone) -> Result<i64, String> {
    let bad_date = || format!("not a valid date or time; {ACCEPTED}");
    // A time of day alone: today in `zone`.
    if s.as_bytes().get(4) != Some(&b'-') {
        let t = parse_clock(s).ok_or_else(|| {
            "not a valid time of day (14:30, 14:30:15 or 14:30:15.250)".to_string()
        })?;
        let today = today_in(now_us, zone).ok_or_else(bad_date)?;
        return local_to_utc(today.and_time(t), zone).ok_or_else(bad_date);
    }
    let (date_part, rest) = s.split_at(s.char_indices().nth(10).map_or(s.len(), |(i, _)| i));
    let date = NaiveDate::parse_from_str(date_part, "%Y-%m-%d")
        .map_err(|_| format!("{date_part:?} is not a valid date (YYYY-MM-DD); {ACCEPTED}"))?;
    if rest.is_empty() {
        return local_to_utc(date.and_time(NaiveTime::MIN), zone).ok_or_else(bad_date);
    }
    let Some(rest) = rest.strip_prefix(['T', 't', ' ']) else {
        return Err(format!(
            "expected 'T' or a blank after the date; {ACCEPTED}"
        ));
    };
    let rest = rest.trim_start();
    // The zone suffix: `Z`, or `+hh[:mm]`/`-hh[:mm]` after the clock.
    let (clock, offset) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        (
            c.trim_end(),
            Some(chrono::FixedOffset::east_opt(0).ok_or_else(bad_date)?),
        )
    } else if let Some(i) = rest.find(['+', '-']) {
        let (c, off) = rest.split_at(i);
        let off = parse_offset(off.trim())
            .ok_or_else(|| format!("{:?} is not a zone offset (+09:00, -0500, Z)", off.trim()))?;
        (c.trim_end(), Some(off))
    } else {
        (rest, None)
    };
    let t = parse_clock(clock).ok_or_else(|| {
        format!(
            "{clock:?} is not a valid time of day (02:00, 02:00:00 or 02:00:00.250); {ACCEPTED}"
        )
    })?;
    let naive = NaiveDateTime::new(date, t);
    match offset {
        Some(off) => naive
            .checked_sub_offset(off)
            .map(|u| u.and_utc().timestamp_micros()),
        None => local_to_utc(naive, zone),
    }
    .ok_or_else(bad_date)
}

/// `HH:MM`, `HH:MM:SS`, `HH:MM:SS.f` (or `,f`), up to nanoseconds.
fn parse_clock(s: &str) -> Option<NaiveTime> {
    let s = s.replace(',', ".");
    for fmt in ["%H:%M:%S%.f", "%H:%M"] {
        if let Ok(t) = NaiveTime::parse_from_str(&s, fmt) {
            return Some(t);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Tz;

    /// 2026-10-05T02:00:00Z, a Monday.
    const NOW: i64 = 1_791_165_600_000_000;
    const H: i64 = 3_600_000_000;

    fn utc() -> Zone {
        Zone::Named(Tz::UTC)
    }
    fn tokyo() -> Zone {
        Zone::Named(Tz::Asia__Tokyo)
    }
    fn at(rfc: &str) -> i64 {
        DateTime::parse_from_rfc3339(rfc)
            .map(|d| d.timestamp_micros())
            .unwrap_or(i64::MIN)
    }

    #[test]
    fn now_is_what_we_think() {
        assert_eq!(at("2026-10-05T02:00:00Z"), NOW);
    }

    #[test]
    fn parses_the_table() {
        let table: Vec<(&str, Zone, i64)> = vec![
            ("now", utc(), NOW),
            ("NOW", tokyo(), NOW),
            ("  now ", utc(), NOW),
            // RFC 3339 ignores the zone argument.
            ("2026-10-05T02:00:00Z", tokyo(), NOW),
            ("2026-10-05T02:00:00z", utc(), NOW),
            ("2026-10-05T11:00:00+09:00", utc(), NOW),
            ("2026-10-05T11:00:00+0900", utc(), NOW),
            ("2026-10-04T21:00:00-05:00", tokyo(), NOW),
            ("2026-10-05 02:00:00Z", tokyo(), NOW),
            ("2026-10-05T02:00:00.250Z", utc(), NOW + 250_000),
            ("2026-10-05T02:00:00.123456789Z", utc(), NOW + 123_456),
            // Zone-less: read in `zone`.
            ("2026-10-05 02:00", utc(), NOW),
            ("2026-10-05 11:00", tokyo(), NOW),
            ("2026-10-05T11:00", tokyo(), NOW),
            ("2026-10-05 11:00:30", tokyo(), NOW + 30_000_000),
            ("2026-10-05 11:00:30.5", tokyo(), NOW + 30_500_000),
            ("2026-10-05 11:00:30,5", tokyo(), NOW + 30_500_000),
            ("2026-10-05", utc(), NOW - 2 * H),
            ("2026-10-05", tokyo(), at("2026-10-04T15:00:00Z")),
            ("today", utc(), NOW - 2 * H),
            ("today", tokyo(), at("2026-10-04T15:00:00Z")),
            ("yesterday", utc(), at("2026-10-04T00:00:00Z")),
            ("14:30", utc(), at("2026-10-05T14:30:00Z")),
            ("14:30", tokyo(), at("2026-10-05T05:30:00Z")),
            ("9:05:10", utc(), at("2026-10-05T09:05:10Z")),
            // Relative.
            ("90m", utc(), NOW - 90 * 60_000_000),
            ("-90m", tokyo(), NOW - 90 * 60_000_000),
            ("2h", utc(), NOW - 2 * H),
            ("2h ago", utc(), NOW - 2 * H),
            ("3d", utc(), NOW - 72 * H),
            ("1w", utc(), NOW - 168 * H),
            ("30s", utc(), NOW - 30_000_000),
            ("1h30m", utc(), NOW - 90 * 60_000_000),
            ("0s", utc(), NOW),
            ("@1791165600", tokyo(), NOW),
        ];
        for (input, zone, want) in table {
            assert_eq!(
                parse_time(input, NOW, &zone),
                Ok(want),
                "{input:?} in {}",
                zone.name()
            );
        }
    }

    #[test]
    fn explains_errors() {
        let table: Vec<(&str, &str)> = vec![
            ("", "empty"),
            ("yesterday-ish", "expected RFC 3339 (2026-10-05T02:00:00Z)"),
            ("90", "a number needs a unit: 90s, 90m"),
            ("90x", "unknown unit 'x'"),
            ("2 hours", "unknown unit ' '"),
            ("1h30", "not a duration"),
            ("99999999999999999w", "not a duration"),
            ("2026-13-05", "\"2026-13-05\" is not a valid date"),
            ("2026-02-30 10:00", "\"2026-02-30\" is not a valid date"),
            ("2026-10-05 25:00", "\"25:00\" is not a valid time of day"),
            ("2026-10-05 02:00+25:00", "\"+25:00\" is not a zone offset"),
            ("2026-10-05X02:00", "expected 'T' or a blank"),
            ("25:00", "not a valid time of day"),
            ("@x", "expected epoch seconds"),
        ];
        for (input, want) in table {
            match parse_time(input, NOW, &utc()) {
                Ok(v) => panic!("{input:?} parsed as {v}"),
                Err(e) => {
                    assert_eq!(e.input, input);
                    assert!(
                        e.reason.starts_with(want),
                        "{input:?}: {:?} wanted {want:?}",
                        e.reason
                    );
                }
            }
        }
    }

    #[test]
    fn durations() {
        let table: Vec<(&str, Option<i64>)> = vec![
            ("30s", Some(30)),
            ("1m", Some(60)),
            ("90m", Some(5400)),
            ("2h", Some(7200)),
            ("3d", Some(259_200)),
            ("1w", Some(604_800)),
            ("1h30m", Some(5400)),
            ("1d12h", Some(129_600)),
            ("0s", Some(0)),
            ("", None),
            ("m", None),
            ("5", None),
            ("1h30", None),
            ("1.5h", None),
            ("-5m", None),
            ("5M", None),
            ("9223372036854775807s", Some(i64::MAX)),
            ("9223372036854775807m", None),
            ("99999999999999999999s", None),
        ];
        for (input, want) in table {
            assert_eq!(parse_duration(input), want, "{input:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        #[test]
        fn never_panics(s in "\\PC{0,30}", now in proptest::prelude::any::<i64>()) {
            let _ = parse_time(&s, now, &Zone::Named(Tz::Asia__Tokyo));
            let _ = parse_duration(&s);
        }

        #[test]
        fn never_panics_on_time_like_text(s in "[0-9:@T +.-]{0,24}|[0-9]{1,20}[smhdw]{0,2}", now in proptest::prelude::any::<i64>()) {
            let _ = parse_time(&s, now, &Zone::Named(Tz::Asia__Tokyo));
        }
    }
}
