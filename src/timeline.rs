//! Buckets, gaps and spikes over event counts: the rules shared by `histogram` and the TUI.

/// The standard zoom steps, in seconds: 1s, 10s, 1m, 5m, 10m, 15m, 1h, 6h, 1d, 1w, 30d.
pub const ZOOM_STEPS: [i64; 11] = [
    1, 10, 60, 300, 600, 900, 3600, 21_600, 86_400, 604_800, 2_592_000,
];

/// Parses a bucket width: `1s`, `10s`, `1m`, `5m`, `10m`, `15m`, `1h`, `6h`, `1d`, `1w`, `30d`
/// (any `N` + `s|m|h|d|w`, also combined like `1h30m`). Returns seconds; `None` for zero or
/// garbage. `auto` is handled by [`auto_bucket`].
pub fn parse_bucket(s: &str) -> Option<i64> {
    crate::window::parse_duration(s).filter(|&secs| secs > 0)
}

/// Picks a bucket width (seconds) from the standard zoom steps so that `span_seconds` gives at
/// most `max_buckets` buckets: the smallest such step, or the largest step when none is wide
/// enough. A span of zero or less is one bucket.
pub fn auto_bucket(span_seconds: i64, max_buckets: usize) -> i64 {
    let span = u128::try_from(span_seconds).unwrap_or(0);
    let max = max_buckets as u128;
    ZOOM_STEPS
        .iter()
        .copied()
        .find(|&step| span.div_ceil(step as u128).max(1) <= max)
        .unwrap_or(ZOOM_STEPS[ZOOM_STEPS.len() - 1])
}

/// The zoom step at which `span_seconds` fills `columns` best: the one whose bucket count is
/// nearest to `columns` by ratio (so a 2-day span on 160 columns opens at 15 minutes, 192
/// buckets, not at 1 hour, 48 buckets that use a third of the width). The explorer opens at
/// it; the histogram command's `auto` keeps to at most 100 buckets.
pub fn fill_bucket(span_seconds: i64, columns: usize) -> i64 {
    let span = span_seconds.max(1) as f64;
    let cols = columns.max(1) as f64;
    let off = |step: i64| ((span / step as f64).ceil().max(1.0) / cols).ln().abs();
    ZOOM_STEPS
        .iter()
        .copied()
        .min_by(|&a, &b| off(a).total_cmp(&off(b)))
        .unwrap_or(3600)
}

/// How many buckets on each side of a run or bucket make up "the data around it".
const WINDOW: usize = 30;
/// How many buckets next to a run give the rate right beside it.
const NEAR: usize = 5;
/// A run of empty buckets is a gap when its chance is below this.
const GAP_CHANCE: f64 = 1e-6;

/// Runs of empty buckets that are long for the rate around them: `(first, last)` bucket indexes,
/// inclusive, in order.
///
/// A gap is a run of empty buckets too long to be chance. For a run of `L` empty buckets we
/// estimate, from its neighbours, the chance `p` that one bucket there is empty: the larger of
/// (a) the share of empty buckets among the up to 30 buckets on each side, smoothed as
/// `(empty + ½) / (neighbours + 1)`, and (b) `e^(−r)`, the Poisson chance of an empty bucket at
/// rate `r`, where `r` is the mean count of the 5 buckets next to the run on its quieter side.
/// The run is a gap when `L ≥ 2` and `p^L < 10⁻⁶`: seeing it by chance would be a
/// one-in-a-million event. Taking the larger `p` makes the rule cautious: in sparse or bursty
/// data, where empty buckets are common, only a long silence is a gap, and a lull that tapers
/// off (low counts right next to the run) is not one; with steady traffic and no empty bucket
/// around (`p = 1/122`), three empty buckets are a gap. A run at the start of the series is
/// never a gap (the logs begin there: there is nothing before it to compare with); a run at the
/// end is judged from the buckets before it alone (a source that stopped logging). An
/// all-empty series has no gaps.
pub fn find_gaps(counts: &[u64]) -> Vec<(usize, usize)> {
    let mut gaps = Vec::new();
    let mut i = 0;
    while i < counts.len() {
        if counts[i] != 0 {
            i += 1;
            continue;
        }
        let first = i;
        while i < counts.len() && counts[i] == 0 {
            i += 1;
        }
        let last = i - 1;
        if first > 0 && gap_chance(counts, first, last).is_some_and(|p| p < GAP_CHANCE) {
            gaps.push((first, last));
        }
    }
    gaps
}

/// The chance of the empty run `first..=last` (with `first > 0`) under [`find_gaps`]'s rule;
/// `None` when the run is shorter than 2 buckets or has no data before it.
pub fn gap_chance(counts: &[u64], first: usize, last: usize) -> Option<f64> {
    let len = last.checked_sub(first)? + 1;
    if len < 2 || first == 0 || last >= counts.len() {
        return None;
    }
    let before = &counts[first.saturating_sub(WINDOW)..first];
    let after = &counts[last + 1..(last + 1 + WINDOW).min(counts.len())];
    let neighbours = before.len() + after.len();
    let empty = before.iter().chain(after).filter(|&&c| c == 0).count();
    let share = (empty as f64 + 0.5) / (neighbours as f64 + 1.0);
    let mean = |s: &[u64]| s.iter().map(|&c| c as f64).sum::<f64>() / s.len() as f64;
    let near_before = mean(&before[before.len().saturating_sub(NEAR)..]);
    let rate = if after.is_empty() {
        near_before
    } else {
        near_before.min(mean(&after[..after.len().min(NEAR)]))
    };
    let p = share.max((-rate).exp());
    Some(p.powf(len as f64))
}

/// Buckets far above the rate around them: the tallest bucket of each burst (see
/// [`spike_runs`]), in order. These are where the TUI's `{`/`}` jump.
///
/// A spike is a bucket far above the rate around it: its count is at least `max(10, 5 × m)`,
/// where `m` is the median count of the up to 30 buckets on each side (the bucket itself left
/// out). The median is not moved by the burst itself as long as the burst is shorter than the
/// window, the factor 5 keeps ordinary busy minutes out, and the floor of 10 keeps sparse data
/// (medians of 0 or 1) from calling 3 events a spike. Consecutive spike buckets are one burst,
/// and the burst's tallest bucket (the first one on a tie) stands for it.
pub fn find_spikes(counts: &[u64]) -> Vec<usize> {
    spike_runs(counts)
        .into_iter()
        .map(|(first, last)| {
            // The first of the tallest: `max_by_key` keeps the last on ties, so compare reversed.
            (first..=last)
                .rev()
                .max_by_key(|&i| counts[i])
                .unwrap_or(first)
        })
        .collect()
}

/// Runs of consecutive spike buckets (see [`find_spikes`]): `(first, last)`, inclusive, in order.
pub fn spike_runs(counts: &[u64]) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut window = Vec::with_capacity(2 * WINDOW);
    for (i, &c) in counts.iter().enumerate() {
        if c < 10 {
            continue;
        }
        window.clear();
        window.extend_from_slice(&counts[i.saturating_sub(WINDOW)..i]);
        window.extend_from_slice(&counts[i + 1..(i + 1 + WINDOW).min(counts.len())]);
        if c as f64 >= 5.0 * median(&mut window) {
            match runs.last_mut() {
                Some((_, last)) if *last + 1 == i => *last = i,
                _ => runs.push((i, i)),
            }
        }
    }
    runs
}

/// The median (mean of the two middle values for an even count); 0 for none. Reorders `v`.
fn median(v: &mut [u64]) -> f64 {
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    let (_, &mut hi, _) = v.select_nth_unstable(n / 2);
    if n % 2 == 1 {
        return hi as f64;
    }
    let lo = v[..n / 2].iter().copied().max().unwrap_or(hi);
    (lo as f64 + hi as f64) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NO_GAPS: Vec<(usize, usize)> = Vec::new();

    /// A small deterministic PRNG (xorshift64*), so the tests need no seed plumbing.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
        /// A Poisson draw (Knuth's method for small rates, normal approximation above 30).
        fn poisson(&mut self, rate: f64) -> u64 {
            if rate > 30.0 {
                let z = (-2.0 * self.unit().max(1e-12).ln()).sqrt()
                    * (2.0 * std::f64::consts::PI * self.unit()).cos();
                return (rate + z * rate.sqrt()).round().max(0.0) as u64;
            }
            let limit = (-rate).exp();
            let mut k = 0;
            let mut p = self.unit();
            while p > limit {
                k += 1;
                p *= self.unit();
            }
            k
        }
    }

    #[test]
    fn the_opening_zoom_fills_the_width() {
        assert_eq!(
            fill_bucket(2 * 86_400, 160),
            900,
            "2 days: 192 buckets of 15m"
        );
        assert_eq!(fill_bucket(2000 * 60, 80), 900);
        assert_eq!(fill_bucket(300 * 60, 80), 300, "5 hours: 60 buckets of 5m");
        assert_eq!(fill_bucket(0, 80), 1);
        assert_eq!(fill_bucket(400 * 86_400, 80), 604_800);
    }

    #[test]
    fn bucket_widths() {
        let table: Vec<(&str, Option<i64>)> = vec![
            ("1s", Some(1)),
            ("10s", Some(10)),
            ("1m", Some(60)),
            ("5m", Some(300)),
            ("15m", Some(900)),
            ("1h", Some(3600)),
            ("6h", Some(21_600)),
            ("1d", Some(86_400)),
            ("1w", Some(604_800)),
            ("30d", Some(2_592_000)),
            ("1h30m", Some(5400)),
            ("0s", None),
            ("0m", None),
            ("", None),
            ("m", None),
            ("5", None),
            ("auto", None),
            ("1.5h", None),
            ("-1m", None),
        ];
        for (s, want) in table {
            assert_eq!(parse_bucket(s), want, "{s:?}");
        }
    }

    #[test]
    fn auto_bucket_picks_the_smallest_step_that_fits() {
        let table: Vec<(i64, usize, i64)> = vec![
            (0, 100, 1),
            (-5, 100, 1),
            (100, 100, 1),
            (101, 100, 10),
            (3600, 100, 60),
            (3600, 60, 60),
            (3600, 59, 300),
            (86_400, 200, 600),
            (86_400, 100, 900),
            (86_400, 24, 3600),
            (7 * 86_400, 100, 21_600),
            (365 * 86_400, 100, 604_800),
            (100 * 365 * 86_400, 100, 2_592_000),
            (i64::MAX, 10, 2_592_000),
            (3600, 0, 2_592_000),
        ];
        for (span, max, want) in table {
            assert_eq!(auto_bucket(span, max), want, "span {span} max {max}");
        }
    }

    #[test]
    fn finds_a_planted_gap_in_busy_logs() {
        let mut rng = Rng(7);
        let mut counts: Vec<u64> = (0..240).map(|_| rng.poisson(100.0)).collect();
        for c in &mut counts[100..120] {
            *c = 0;
        }
        assert_eq!(find_gaps(&counts), vec![(100, 119)]);
    }

    #[test]
    fn short_holes_in_steady_traffic() {
        let mut counts = vec![50u64; 300];
        counts[40] = 0;
        counts[120..122].fill(0);
        counts[200..203].fill(0);
        // One empty bucket never; two are not enough evidence; three are.
        assert_eq!(find_gaps(&counts), vec![(200, 202)]);
    }

    #[test]
    fn a_gap_in_moderate_traffic() {
        // ~3 events a minute, and a 30-minute hole.
        let mut rng = Rng(11);
        let mut counts: Vec<u64> = (0..300).map(|_| rng.poisson(3.0)).collect();
        counts[150..180].fill(0);
        assert_eq!(find_gaps(&counts), vec![(150, 179)]);
    }

    #[test]
    fn sparse_data_has_no_gaps() {
        // 0, 1 or 2 events at random, a week of minutes; and a Poisson rate of 0.5.
        let mut rng = Rng(42);
        let uniform: Vec<u64> = (0..10_080).map(|_| rng.below(3)).collect();
        assert_eq!(find_gaps(&uniform), NO_GAPS);
        let poisson: Vec<u64> = (0..10_080).map(|_| rng.poisson(0.5)).collect();
        assert_eq!(find_gaps(&poisson), NO_GAPS);
    }

    #[test]
    fn a_night_time_lull_is_not_a_gap() {
        // A day of minutes: ~40/min by day, falling steadily to ~0.2/min at 04:00 and back.
        let mut rng = Rng(3);
        let counts: Vec<u64> = (0..1440)
            .map(|m| {
                let phase = 2.0 * std::f64::consts::PI * (m as f64 - 240.0) / 1440.0;
                rng.poisson(0.2 + 40.0 * (1.0 - phase.cos()) / 2.0)
            })
            .collect();
        assert_eq!(find_gaps(&counts), NO_GAPS);
        // A steeper V: 60/min falling linearly to 0 over two hours and back.
        let v: Vec<u64> = (0..480)
            .map(|m| rng.poisson((m as f64 - 240.0).abs() / 2.0))
            .collect();
        assert_eq!(find_gaps(&v), NO_GAPS);
    }

    #[test]
    fn bursty_cron_logs_have_no_gaps() {
        // A burst of 200 lines at the top of each hour, silence otherwise.
        let counts: Vec<u64> = (0..1440)
            .map(|m| if m % 60 == 0 { 200 } else { 0 })
            .collect();
        assert_eq!(find_gaps(&counts), NO_GAPS);
    }

    #[test]
    fn edges() {
        // Leading silence: the logs begin there.
        let mut counts = vec![0u64; 50];
        counts.extend([100; 50]);
        assert_eq!(find_gaps(&counts), NO_GAPS);
        // Trailing silence after steady traffic: the source stopped.
        let mut counts = vec![100u64; 50];
        counts.extend([0; 20]);
        assert_eq!(find_gaps(&counts), vec![(50, 69)]);
        // Trailing silence after sparse traffic: nothing to say.
        let mut counts: Vec<u64> = (0..60).map(|i| u64::from(i % 7 == 0)).collect();
        counts.extend([0; 5]);
        assert_eq!(find_gaps(&counts), NO_GAPS);
        assert_eq!(find_gaps(&[]), NO_GAPS);
        assert_eq!(find_gaps(&[0; 100]), NO_GAPS);
        assert_eq!(find_gaps(&[5]), NO_GAPS);
        // Little context asks for more evidence.
        assert_eq!(find_gaps(&[100, 0, 0, 0, 100]), NO_GAPS);
        assert_eq!(find_gaps(&[100, 0, 0, 0, 0, 0, 0, 0, 100]), NO_GAPS);
        assert_eq!(find_gaps(&[100, 0, 0, 0, 0, 0, 0, 0, 0, 100]), vec![(1, 8)]);
    }

    #[test]
    fn two_gaps_close_together() {
        let mut counts = vec![80u64; 200];
        counts[50..70].fill(0);
        counts[75..95].fill(0);
        assert_eq!(find_gaps(&counts), vec![(50, 69), (75, 94)]);
    }

    #[test]
    fn spikes() {
        let mut rng = Rng(5);
        let mut counts: Vec<u64> = (0..300).map(|_| rng.poisson(20.0)).collect();
        counts[100] = 400;
        counts[200..203].copy_from_slice(&[150, 300, 300]);
        assert_eq!(spike_runs(&counts), vec![(100, 100), (200, 202)]);
        assert_eq!(find_spikes(&counts), vec![100, 201]);
    }

    #[test]
    fn no_spikes_in_ordinary_noise() {
        let mut rng = Rng(9);
        let busy: Vec<u64> = (0..5000).map(|_| rng.poisson(50.0)).collect();
        assert_eq!(find_spikes(&busy), Vec::<usize>::new());
        let sparse: Vec<u64> = (0..5000).map(|_| rng.poisson(0.5)).collect();
        assert_eq!(find_spikes(&sparse), Vec::<usize>::new());
    }

    #[test]
    fn sparse_data_spikes_need_ten_events() {
        let mut counts = vec![1u64; 100];
        counts[30] = 9;
        counts[60] = 10;
        assert_eq!(find_spikes(&counts), vec![60]);
        // A brute-force burst in quiet sshd logs.
        let mut counts = vec![0u64; 100];
        counts[50] = 120;
        assert_eq!(find_spikes(&counts), vec![50]);
        assert_eq!(find_spikes(&[]), Vec::<usize>::new());
        assert_eq!(find_spikes(&[1000]), vec![0]);
        assert_eq!(find_spikes(&[1000, 1000]), Vec::<usize>::new());
    }

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), 0.0);
        assert_eq!(median(&mut [3]), 3.0);
        assert_eq!(median(&mut [4, 1]), 2.5);
        assert_eq!(median(&mut [5, 1, 9, 3]), 4.0);
        assert_eq!(median(&mut [5, 1, 9]), 5.0);
    }

    fn series() -> impl Strategy<Value = Vec<u64>> {
        prop_oneof![
            prop::collection::vec(any::<u64>(), 0..200),
            prop::collection::vec(0u64..5, 0..400),
            prop::collection::vec(prop_oneof![Just(0u64), 50u64..150], 0..400),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn gaps_are_sorted_disjoint_empty_runs(counts in series()) {
            let gaps = find_gaps(&counts);
            let mut prev_end: Option<usize> = None;
            for &(first, last) in &gaps {
                prop_assert!(first <= last && last < counts.len());
                prop_assert!(first >= 2 || first > 0, "a leading run is never a gap");
                prop_assert!(last - first + 1 >= 2);
                prop_assert!(counts[first..=last].iter().all(|&c| c == 0));
                // Maximal runs: data (or the end) on both sides, so consecutive gaps never touch.
                prop_assert!(counts[first - 1] != 0);
                prop_assert!(last + 1 == counts.len() || counts[last + 1] != 0);
                if let Some(p) = prev_end {
                    prop_assert!(first > p + 1);
                }
                prev_end = Some(last);
            }
        }

        #[test]
        fn spikes_are_sorted_in_bounds_and_big(counts in series()) {
            let spikes = find_spikes(&counts);
            prop_assert!(spikes.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(spikes.iter().all(|&i| i < counts.len() && counts[i] >= 10));
            let runs = spike_runs(&counts);
            prop_assert_eq!(runs.len(), spikes.len());
            for (&(first, last), &peak) in runs.iter().zip(&spikes) {
                prop_assert!(first <= peak && peak <= last);
            }
        }

        #[test]
        fn auto_bucket_never_panics_and_fits(span in any::<i64>(), max in 0usize..10_000) {
            let step = auto_bucket(span, max);
            prop_assert!(ZOOM_STEPS.contains(&step));
            if step != ZOOM_STEPS[ZOOM_STEPS.len() - 1] && span > 0 {
                prop_assert!((span as u128).div_ceil(step as u128) <= max as u128);
            }
        }

        #[test]
        fn parse_bucket_never_panics(s in "\\PC{0,12}|[0-9]{1,20}[smhdw]") {
            if let Some(secs) = parse_bucket(&s) {
                prop_assert!(secs > 0);
            }
        }
    }
}
