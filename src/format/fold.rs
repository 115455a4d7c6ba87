//! DST folds: a wall time in the repeated hour has two instants. The earlier one is taken,
//! unless it would put the line well before the previous event while the later one does not:
//! the file's order says the clock went back, so this is the second pass through the hour.

use crate::time::Zone;
use chrono::NaiveDateTime;

/// How far a line may lie before the previous one and still be read as out of order rather
/// than as the second pass (relays reorder lines by seconds, not by minutes).
const REORDER_US: i64 = 60 * 1_000_000;

/// µs UTC of a zone-less wall time, given the previous event's instant.
pub fn to_us(zone: &Zone, n: NaiveDateTime, last_us: Option<i64>) -> i64 {
    let (early, late) = zone.to_utc_both(n);
    let early = early.timestamp_micros();
    match (late, last_us) {
        (Some(late), Some(last)) if early < last - REORDER_US => {
            let late = late.timestamp_micros();
            if late >= last - REORDER_US {
                late
            } else {
                early
            }
        }
        _ => early,
    }
}
