//! Times going backwards within a file, from the index's `ts` and `offset` columns. Each
//! segment sees a file's events in file order (they are indexed as read); it keeps runs (first
//! and last event, steps back within), and the runs of all segments, ordered by offset, are
//! joined at their ends.

/// Steps back of more than this much between consecutive events of a file are counted.
pub const SLACK_US: i64 = 5 * 60 * 1_000_000;

/// One segment's events of one file, in file order.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub first: (u64, i64),
    pub last: (u64, i64),
    /// Steps back by more than [`SLACK_US`] within the run.
    pub back: u64,
    /// The largest of them (µs).
    pub largest_us: i64,
}

impl Run {
    pub fn new(offset: u64, ts: i64) -> Run {
        Run {
            first: (offset, ts),
            last: (offset, ts),
            back: 0,
            largest_us: 0,
        }
    }

    /// The next event of the file in this segment.
    pub fn add(&mut self, offset: u64, ts: i64) {
        step(self, self.last.1, ts);
        self.last = (offset, ts);
    }
}

fn step(r: &mut Run, prev: i64, ts: i64) {
    let jump = prev - ts;
    if jump > SLACK_US {
        r.back += 1;
        r.largest_us = r.largest_us.max(jump);
    }
}

/// The file's steps back and the largest, over all its runs.
pub fn join(mut runs: Vec<Run>) -> (u64, i64) {
    runs.sort_by_key(|r| r.first.0);
    let mut total = Run::new(0, 0);
    let mut prev: Option<i64> = None;
    for r in runs {
        if let Some(p) = prev {
            step(&mut total, p, r.first.1);
        }
        total.back += r.back;
        total.largest_us = total.largest_us.max(r.largest_us);
        prev = Some(r.last.1);
    }
    (total.back, total.largest_us)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_back_are_counted_within_and_between_runs() {
        let min = 60_000_000;
        let mut a = Run::new(0, 100 * min);
        a.add(10, 101 * min);
        a.add(20, 90 * min); // 11 minutes back
        a.add(30, 88 * min); // 2: within the slack
        let mut b = Run::new(40, 60 * min); // 28 back from the end of a
        b.add(50, 61 * min);
        assert_eq!(join(vec![b, a]), (2, 28 * min));
        assert_eq!(join(vec![Run::new(0, 5)]), (0, 0));
    }
}
