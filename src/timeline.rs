//! Buckets, gaps and spikes over event counts: the rules shared by `histogram` and the TUI.

/// Parses a bucket width: `1s`, `10s`, `1m`, `5m`, `10m`, `15m`, `1h`, `6h`, `1d`, `1w`, `30d`
/// (any `N` + `s|m|h|d|w`). Returns seconds. `auto` is handled by [`auto_bucket`].
pub fn parse_bucket(s: &str) -> Option<i64> {
    let _ = s;
    None
}

/// Picks a bucket width (seconds) from the standard zoom steps so that `span_seconds` gives at
/// most `max_buckets` buckets.
pub fn auto_bucket(span_seconds: i64, max_buckets: usize) -> i64 {
    let _ = (span_seconds, max_buckets);
    60
}

/// Runs of empty buckets that are long for the rate around them: `(first, last)` bucket indexes,
/// inclusive. See the rule in the function body's doc.
pub fn find_gaps(counts: &[u64]) -> Vec<(usize, usize)> {
    let _ = counts;
    Vec::new()
}

/// Buckets far above the rate around them.
pub fn find_spikes(counts: &[u64]) -> Vec<usize> {
    let _ = counts;
    Vec::new()
}
