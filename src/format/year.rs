//! Year inference for year-less stamps (RFC 3164, Android logcat, glog, user formats) and day
//! inference for time-only ones (strace `-tt`): the same rules with another period.
//!
//! - Nothing is dated after the file's modification time, plus a slack (two days for a year,
//!   for clock skew and zones; an hour for a day).
//! - Every wrap is a period: a line more than a tolerance (a day for years; 90 minutes for
//!   days, beyond a DST fold) before the previous one starts the next year (day).
//! - Read from its start, a file is first planned ([`Planner`]): its wraps are counted, the
//!   last line is put in the latest period that keeps it before the mtime, and the first line
//!   that many periods earlier. Without a plan (a file read from a checkpoint), the first line
//!   takes the latest period that keeps it before the mtime, and a wrap that would pass the
//!   mtime is not taken.
//!
//! The state is the context's `year` (the current period: a year, or for time-only stamps a
//! day number since 1970-01-01) and `last_month` (where the last line fell in its period, see
//! [`Stamp::pos`]); a checkpoint saves both, so indexing resumes mid-file.

use super::LineContext;
use super::stamp::zone_of;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// What a partial stamp lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Year,
    Day,
}

/// A stamp without its period: month and day (zero for time-only stamps) and second of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub period: Period,
    pub month: u32,
    pub day: u32,
    pub sec: u32,
}

/// Offset of positions in `last_month`: values 1-12 are months, as older checkpoints kept.
const POS_BASE: u32 = 1000;

impl Stamp {
    /// Seconds since the period's start (in a leap year for year-less stamps), plus
    /// [`POS_BASE`].
    pub fn pos(&self) -> u32 {
        let day = match self.period {
            Period::Year => {
                NaiveDate::from_ymd_opt(2000, self.month, self.day).map_or(0, |d| d.ordinal0())
            }
            Period::Day => 0,
        };
        day * 86_400 + self.sec + POS_BASE
    }

    fn tolerance(&self) -> u32 {
        match self.period {
            Period::Year => 86_400,
            Period::Day => 90 * 60,
        }
    }

    fn slack(&self) -> Duration {
        match self.period {
            Period::Year => Duration::days(2),
            Period::Day => Duration::hours(1),
        }
    }

    /// The wall time of this stamp in period `p`, when it exists (Feb 29 needs a leap year).
    fn wall(&self, p: i32) -> Option<NaiveDateTime> {
        let date = match self.period {
            Period::Year => NaiveDate::from_ymd_opt(p, self.month, self.day)?,
            Period::Day => NaiveDate::from_ymd_opt(1970, 1, 1)? + Duration::days(i64::from(p)),
        };
        Some(date.and_time(NaiveTime::from_num_seconds_from_midnight_opt(self.sec, 0)?))
    }
}

/// A `last_month` value as a position (a month from an older checkpoint: its first day).
fn last_pos(v: Option<u32>) -> Option<u32> {
    let v = v?;
    if (1..=12).contains(&v) {
        let s = Stamp {
            period: Period::Year,
            month: v,
            day: 1,
            sec: 0,
        };
        return Some(s.pos());
    }
    Some(v)
}

/// The file's mtime as a wall time in the source zone; `None` when unknown (zero).
fn mtime_wall(ctx: &LineContext) -> Option<NaiveDateTime> {
    if ctx.mtime_us <= 0 {
        return None;
    }
    let mtime = crate::time::from_micros(ctx.mtime_us);
    let off = zone_of(ctx).offset_at(mtime);
    Some(mtime.with_timezone(&off).naive_local())
}

/// The mtime's own period (its year, or its day number).
fn mtime_period(s: &Stamp, m: NaiveDateTime) -> i32 {
    match s.period {
        Period::Year => m.year(),
        Period::Day => {
            (m.date() - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days() as i32
        }
    }
}

/// The latest period in which `s` is not after the mtime plus slack.
fn latest(s: &Stamp, ctx: &LineContext) -> i32 {
    let Some(m) = mtime_wall(ctx) else {
        return match s.period {
            Period::Year => 1970,
            Period::Day => 0,
        };
    };
    let p = mtime_period(s, m);
    // Feb 29 looks back up to eight years for a leap year.
    (0..9)
        .map(|back| p - back)
        .find(|&q| s.wall(q).is_some_and(|w| w <= m + s.slack()))
        .unwrap_or(p - 1)
}

/// Is `s` in period `p` after the mtime plus slack?
fn too_late(s: &Stamp, p: i32, ctx: &LineContext) -> bool {
    match (mtime_wall(ctx), s.wall(p)) {
        (Some(m), Some(w)) => w > m + s.slack(),
        _ => false,
    }
}

/// The period of a line stamped `s`; updates the context.
pub fn assign(ctx: &mut LineContext, s: Stamp) -> i32 {
    let pos = s.pos();
    let p = match (ctx.year, last_pos(ctx.last_month)) {
        (Some(p), Some(last)) if pos + s.tolerance() < last => p + 1,
        (Some(p), _) => p,
        (None, _) => latest(&s, ctx),
    };
    // Past the mtime, or Feb 29 in a common year: the latest period that has the date.
    let p = if too_late(&s, p, ctx) || s.wall(p).is_none() {
        latest(&s, ctx).min(p)
    } else {
        p
    };
    let p = if s.wall(p).is_none() {
        latest(&s, ctx)
    } else {
        p
    };
    ctx.year = Some(p);
    ctx.last_month = Some(pos);
    p
}

/// The date of period `p` for a stamp (the caller builds the full time from it).
pub fn date_of(s: &Stamp, p: i32) -> Option<NaiveDate> {
    s.wall(p).map(|w| w.date())
}

/// Counts a file's wraps before it is read, so that its first line gets the period that
/// brings its last line up to the mtime.
#[derive(Debug, Default)]
pub struct Planner {
    wraps: i32,
    last: Option<Stamp>,
}

impl Planner {
    pub fn see(&mut self, s: Stamp) {
        if let Some(last) = self.last
            && s.pos() + s.tolerance() < last.pos()
        {
            self.wraps += 1;
        }
        self.last = Some(s);
    }

    /// Sets the context's first period; nothing when no stamp was seen. Returns what was
    /// planned: (the period kind, the first line's period, the wraps counted).
    pub fn finish(self, ctx: &mut LineContext) -> Option<(Period, i32, i32)> {
        let last = self.last?;
        let first = latest(&last, ctx) - self.wraps;
        ctx.year = Some(first);
        ctx.last_month = None;
        Some((last.period, first, self.wraps))
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

    fn md(month: u32, day: u32) -> Stamp {
        Stamp {
            period: Period::Year,
            month,
            day,
            sec: 0,
        }
    }

    #[test]
    fn january_mtime_with_december_lines_is_previous_year() {
        let mut c = ctx_at("2027-01-03T10:00:00Z");
        assert_eq!(assign(&mut c, md(12, 30)), 2026);
        assert_eq!(assign(&mut c, md(12, 31)), 2026);
        // Dec -> Jan rollover within the file.
        assert_eq!(assign(&mut c, md(1, 1)), 2027);
        assert_eq!(assign(&mut c, md(1, 2)), 2027);
    }

    #[test]
    fn one_day_after_mtime_stays_in_the_same_year() {
        let mut c = ctx_at("2026-11-22T10:00:00Z");
        assert_eq!(assign(&mut c, md(11, 23)), 2026);
        let mut c = ctx_at("2026-11-22T10:00:00Z");
        assert_eq!(assign(&mut c, md(11, 25)), 2025);
    }

    #[test]
    fn every_backwards_jump_beyond_a_day_is_a_year_but_never_past_the_mtime() {
        // Oct 30 then Jun 26, mtime in November: without a plan, the wrap would be next June,
        // after the mtime, so it is not taken.
        let mut c = ctx_at("2026-11-22T10:00:00Z");
        assert_eq!(assign(&mut c, md(10, 30)), 2026);
        assert_eq!(assign(&mut c, md(6, 26)), 2026);
        // With a plan, the first line is a year earlier.
        let mut c = ctx_at("2026-11-22T10:00:00Z");
        let mut plan = Planner::default();
        plan.see(md(10, 30));
        plan.see(md(6, 26));
        assert_eq!(plan.finish(&mut c), Some((Period::Year, 2025, 1)));
        assert_eq!(assign(&mut c, md(10, 30)), 2025);
        assert_eq!(assign(&mut c, md(6, 26)), 2026);
        // A few hours back is out of order, not a year.
        let mut c = ctx_at("2026-11-22T10:00:00Z");
        let s = |sec| Stamp { sec, ..md(11, 22) };
        assert_eq!(assign(&mut c, s(7 * 3600)), 2026);
        assert_eq!(assign(&mut c, s(2 * 3600)), 2026);
    }

    #[test]
    fn older_checkpoints_keep_a_month() {
        let mut c = ctx_at("2027-01-03T10:00:00Z");
        c.year = Some(2026);
        c.last_month = Some(12);
        assert_eq!(assign(&mut c, md(1, 2)), 2027);
    }

    mod props {
        use super::*;
        use chrono::{DateTime, Timelike, Utc};
        use proptest::prelude::*;

        fn stamp_of(t: DateTime<Utc>, period: Period) -> Stamp {
            let (month, day) = match period {
                Period::Year => (t.month(), t.day()),
                Period::Day => (0, 0),
            };
            Stamp {
                period,
                month,
                day,
                sec: t.num_seconds_from_midnight(),
            }
        }

        /// The wall time a stamp was given (UTC source zone).
        fn dated(s: &Stamp, p: i32) -> NaiveDateTime {
            s.wall(p).expect("a date")
        }

        /// A file in time order: start, gaps (s), and how long after the last line the mtime is.
        fn run(start: i64, gaps: &[i64], after: i64, period: Period) {
            let mut t = start;
            let mut times = vec![t];
            for g in gaps {
                t += g;
                times.push(t);
            }
            let at = |s: i64| DateTime::<Utc>::from_timestamp(s, 0).unwrap();
            let mtime = at(t + after);
            let mut ctx = LineContext::new(&Zone::parse("UTC").unwrap(), mtime.timestamp_micros());
            let stamps: Vec<Stamp> = times.iter().map(|&s| stamp_of(at(s), period)).collect();
            let mut plan = Planner::default();
            for s in &stamps {
                plan.see(*s);
            }
            let _ = plan.finish(&mut ctx);
            for (s, &truth) in stamps.iter().zip(&times) {
                let p = assign(&mut ctx, *s);
                assert_eq!(dated(s, p), at(truth).naive_utc(), "{period:?}");
            }
        }

        proptest! {
            /// Every wrap is a year, and the last line lands on the mtime's side: a file in
            /// time order (gaps under 200 days) gets back its true years.
            #[test]
            fn planned_years_are_the_true_years(
                start in 946_684_800i64..1_900_000_000,
                gaps in prop::collection::vec(0i64..200 * 86_400, 0..60),
                after in 0i64..86_400,
            ) {
                run(start, &gaps, after, Period::Year);
            }

            /// The same for time-only stamps and days (gaps under 20 hours).
            #[test]
            fn planned_days_are_the_true_days(
                start in 946_684_800i64..1_900_000_000,
                gaps in prop::collection::vec(0i64..20 * 3600, 0..60),
                after in 0i64..1800,
            ) {
                run(start, &gaps, after, Period::Day);
            }

            /// Whatever the order of the lines, planned or not, nothing is dated after the
            /// mtime plus slack.
            #[test]
            fn nothing_after_the_mtime(
                mtime in 946_684_800i64..1_900_000_000,
                raw in prop::collection::vec((1u32..=12, 1u32..=31, 0u32..86_400), 1..40),
                day in any::<bool>(),
                planned in any::<bool>(),
            ) {
                let period = if day { Period::Day } else { Period::Year };
                let stamps: Vec<Stamp> = raw
                    .iter()
                    .filter(|(m, d, _)| NaiveDate::from_ymd_opt(2000, *m, *d).is_some())
                    .map(|&(month, d, sec)| match period {
                        Period::Year => Stamp { period, month, day: d, sec },
                        Period::Day => Stamp { period, month: 0, day: 0, sec },
                    })
                    .collect();
                let m = DateTime::<Utc>::from_timestamp(mtime, 0).unwrap();
                let mut ctx = LineContext::new(&Zone::parse("UTC").unwrap(), m.timestamp_micros());
                if planned {
                    let mut plan = Planner::default();
                    for s in &stamps {
                        plan.see(*s);
                    }
                    let _ = plan.finish(&mut ctx);
                }
                for s in &stamps {
                    let p = assign(&mut ctx, *s);
                    prop_assert!(dated(s, p) <= m.naive_utc() + s.slack(), "{s:?} in {p}");
                }
            }
        }
    }
}
