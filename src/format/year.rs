//! Year inference for year-less timestamps (RFC 3164, Android logcat, user formats).
//!
//! The first year-less line of a source takes the year of the file's modification time (as a
//! wall time in the source zone), or the previous year when that date would be more than two
//! days after the mtime. After that, a backwards jump of more than three months (Dec → Jan)
//! starts a new year. The state lives in the [`LineContext`] so indexing can resume mid-file.

use super::LineContext;
use super::stamp::zone_of;
use chrono::{Datelike, NaiveDate};

/// Months a line may go back before it is taken as the next year.
const BACK_MONTHS: u32 = 3;
/// Days a first line may lie after the mtime (clock skew, zones) before it is last year's.
const AHEAD_DAYS: i64 = 2;

/// The year for a line dated `month`/`day`; updates the context.
pub fn assign(ctx: &mut LineContext, month: u32, day: u32) -> i32 {
    let year = match (ctx.year, ctx.last_month) {
        (Some(y), Some(last)) if last > month + BACK_MONTHS => y + 1,
        (Some(y), _) => y,
        (None, _) => first_year(ctx, month, day),
    };
    ctx.year = Some(year);
    ctx.last_month = Some(month);
    year
}

fn first_year(ctx: &LineContext, month: u32, day: u32) -> i32 {
    let mtime = crate::time::from_micros(ctx.mtime_us);
    let off = zone_of(ctx).offset_at(mtime);
    let wall = mtime.with_timezone(&off).date_naive();
    let y = wall.year();
    // Feb 29 in a non-leap year compares as Feb 28.
    let date = NaiveDate::from_ymd_opt(y, month, day)
        .or_else(|| NaiveDate::from_ymd_opt(y, month, day.min(28)));
    match date {
        Some(d) if (d - wall).num_days() > AHEAD_DAYS => y - 1,
        _ => y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Zone;

    fn ctx_at(rfc3339: &str) -> LineContext {
        let t = chrono::DateTime::parse_from_rfc3339(rfc3339).unwrap();
        LineContext::new(&Zone::parse("UTC").unwrap(), t.timestamp_micros())
    }

    #[test]
    fn january_mtime_with_december_lines_is_previous_year() {
        let mut c = ctx_at("2027-01-03T10:00:00Z");
        assert_eq!(assign(&mut c, 12, 30), 2026);
        assert_eq!(assign(&mut c, 12, 31), 2026);
        // Dec -> Jan rollover within the file.
        assert_eq!(assign(&mut c, 1, 1), 2027);
        assert_eq!(assign(&mut c, 1, 2), 2027);
    }

    #[test]
    fn one_day_after_mtime_stays_in_the_same_year() {
        let mut c = ctx_at("2026-11-22T10:00:00Z");
        assert_eq!(assign(&mut c, 11, 23), 2026);
        let mut c = ctx_at("2026-11-22T10:00:00Z");
        assert_eq!(assign(&mut c, 11, 25), 2025);
    }

    #[test]
    fn small_backwards_jumps_keep_the_year() {
        let mut c = ctx_at("2026-11-22T10:00:00Z");
        assert_eq!(assign(&mut c, 11, 22), 2026);
        assert_eq!(assign(&mut c, 11, 21), 2026);
        assert_eq!(assign(&mut c, 9, 1), 2026);
        assert_eq!(c.year, Some(2026));
        assert_eq!(c.last_month, Some(9));
    }
}
