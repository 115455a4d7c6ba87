//! STEP 2's out-of-hours view, from the hour-of-day and weekday profiles: events outside
//! 08:00–18:00 and on Saturday and Sunday beside the baseline's, and busy hours left silent.

use super::data::{HourRow, OffHours, Volume};
use crate::report::profile::Row;

/// Working hours, local time of the profile's zone: `[START, END)`.
const START: usize = 8;
const END: usize = 18;

/// The window's events of some rows (count, scaled baseline) beside the baseline's (`None`
/// when the baseline never spends time in them).
fn volume(rows: impl Iterator<Item = (u64, Option<f64>)>) -> Volume {
    let mut v = Volume::default();
    for (count, baseline) in rows {
        v.count += count;
        if let Some(b) = baseline {
            v.baseline = Some(v.baseline.unwrap_or(0.0) + b);
        }
    }
    v
}

pub fn off_hours(hours: &[HourRow], weekdays: &[Row]) -> OffHours {
    let out = hours
        .iter()
        .enumerate()
        .filter(|(i, _)| !(START..END).contains(i))
        .map(|(_, h)| (h.count, h.baseline));
    let weekend = weekdays
        .iter()
        .filter(|r| r.bucket == "Sat" || r.bucket == "Sun")
        .map(|r| (r.count, r.baseline));
    // Busy: the baseline expects at least the mean of its hours (and at least one event).
    let expected: Vec<f64> = hours.iter().filter_map(|h| h.baseline).collect();
    let mean = expected.iter().sum::<f64>() / expected.len().max(1) as f64;
    let silent_busy_hours = hours
        .iter()
        .filter(|h| h.count == 0 && h.baseline.is_some_and(|b| b >= mean.max(1.0)))
        .map(|h| h.hour.clone())
        .collect();
    OffHours {
        out_of_hours: volume(out),
        weekend: volume(weekend),
        silent_busy_hours,
    }
}

/// The findings as sentences, for the renderers (each escapes them for its medium).
pub fn lines(o: &OffHours) -> Vec<String> {
    let v = |v: &Volume| match v.baseline {
        Some(b) => format!("{} (baseline {b:.1})", v.count),
        None => format!("{} (no baseline)", v.count),
    };
    let silent = if o.silent_busy_hours.is_empty() {
        "none".to_string()
    } else {
        o.silent_busy_hours.join(", ")
    };
    vec![
        format!(
            "Events out of hours (before {START:02}:00, from {END:02}:00): {}",
            v(&o.out_of_hours)
        ),
        format!("Events on weekends: {}", v(&o.weekend)),
        format!("Busy hours with no events: {silent}"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hour(i: usize, count: u64, baseline: f64) -> HourRow {
        HourRow {
            hour: format!("{i:02}"),
            count,
            baseline: Some(baseline),
            ratio: None,
        }
    }

    #[test]
    fn out_of_hours_weekends_and_silent_busy_hours() {
        let mut hours: Vec<HourRow> = (0..24).map(|i| hour(i, 1, 1.0)).collect();
        hours[3] = hour(3, 50, 2.0); // a burst at night
        hours[10] = hour(10, 0, 40.0); // a busy hour, silent
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map(|d| Row {
            bucket: d.into(),
            count: if d == "Sun" { 7 } else { 1 },
            baseline: Some(1.0),
            ratio: None,
            baseline_count: 1,
        });
        let o = off_hours(&hours, &days);
        assert_eq!(o.out_of_hours.count, 50 + 13);
        assert_eq!(o.out_of_hours.baseline, Some(2.0 + 13.0));
        assert_eq!(o.weekend.count, 8);
        assert_eq!(o.weekend.baseline, Some(2.0));
        assert_eq!(o.silent_busy_hours, vec!["10".to_string()]);
        assert_eq!(lines(&o)[2], "Busy hours with no events: 10");
    }
}
