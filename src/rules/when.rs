//! `when = "Mon-Fri 08:00-18:00"`: the days and hours (local time, `TZ`) a rule is active;
//! `unless = ...` is the complement.

use chrono::{Datelike, Timelike};

/// Days of the week (bit 0 Monday) and minutes of the day `[from, to)`; a range that ends
/// before it starts runs over midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    days: u8,
    from: u32,
    to: u32,
    negate: bool,
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn day(s: &str) -> Result<u32, String> {
    let l = s.to_ascii_lowercase();
    DAYS.iter()
        .position(|d| l.starts_with(d))
        .map(|i| i as u32)
        .ok_or_else(|| format!("{s:?} is not a day (Mon..Sun)"))
}

fn minute(s: &str) -> Result<u32, String> {
    let bad = || format!("{s:?} is not a time (HH:MM)");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 24 || m > 59 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

impl When {
    /// Parses `[DAYS] [HH:MM-HH:MM]` where DAYS is `Mon-Fri`, `Sat,Sun` or one day.
    pub fn parse(s: &str, negate: bool) -> Result<When, String> {
        let mut w = When {
            days: 0x7f,
            from: 0,
            to: 24 * 60,
            negate,
        };
        let parts: Vec<&str> = s.split_whitespace().collect();
        if parts.is_empty() || parts.len() > 2 {
            return Err(format!("{s:?}: expected like \"Mon-Fri 08:00-18:00\""));
        }
        for p in parts {
            if p.contains(':') {
                let (a, b) = p
                    .split_once('-')
                    .ok_or_else(|| format!("{p:?}: expected HH:MM-HH:MM"))?;
                (w.from, w.to) = (minute(a)?, minute(b)?);
            } else {
                w.days = 0;
                for piece in p.split(',') {
                    let (a, b) = piece.split_once('-').unwrap_or((piece, piece));
                    let (a, b) = (day(a)?, day(b)?);
                    let mut d = a;
                    loop {
                        w.days |= 1 << d;
                        if d == b {
                            break;
                        }
                        d = (d + 1) % 7;
                    }
                }
            }
        }
        Ok(w)
    }

    /// Whether the rule is active at `us` (µs UTC), read in the local zone.
    pub fn contains(&self, us: i64) -> bool {
        let utc = crate::time::from_micros(us);
        let local = utc.with_timezone(&crate::time::Zone::Local.offset_at(utc));
        let day = local.weekday().num_days_from_monday();
        let min = local.hour() * 60 + local.minute();
        let inside = if self.from <= self.to {
            self.days & (1 << day) != 0 && min >= self.from && min < self.to
        } else if min >= self.from {
            self.days & (1 << day) != 0
        } else {
            // After midnight: the range began the day before.
            min < self.to && self.days & (1 << ((day + 6) % 7)) != 0
        };
        inside != self.negate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_micros()
    }

    #[test]
    fn office_hours_and_their_complement() {
        // Read in the local zone: checked only where that is UTC (as the tests run).
        let w = When::parse("Mon-Fri 08:00-18:00", false).unwrap();
        let u = When::parse("Mon-Fri 08:00-18:00", true).unwrap();
        let mon_9 = at("2026-11-30T09:00:00Z");
        let mon_19 = at("2026-11-30T19:00:00Z");
        let sat_9 = at("2026-12-05T09:00:00Z");
        if crate::time::Zone::Local
            .offset_at(crate::time::from_micros(0))
            .local_minus_utc()
            != 0
        {
            return;
        }
        assert!(w.contains(mon_9) && !w.contains(mon_19) && !w.contains(sat_9));
        assert!(!u.contains(mon_9) && u.contains(mon_19));
        let night = When::parse("Fri-Sat 22:00-06:00", false).unwrap();
        assert!(night.contains(at("2026-12-05T02:00:00Z"))); // Saturday 02:00
        assert!(!night.contains(at("2026-12-01T02:00:00Z"))); // Tuesday 02:00
        assert!(When::parse("Mon-Frx", false).is_err());
        assert!(When::parse("25:00-26:00", false).is_err());
    }
}
