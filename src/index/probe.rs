//! The first (or last) N hits of a query, found by searching growing time windows from the
//! start (or end) instead of ranking every matching document: the first screen of a 7-million
//! event view reads a few thousand documents, not seven million.

use super::search::Hit;
use tantivy::columnar::Column;
use tantivy::{DateTime, Searcher};

/// Each window is this many times wider than the previous one.
const GROWTH: i64 = 8;
/// The first window holds this many times the expected number of events for N hits.
const SLACK: f64 = 4.0;
/// The narrowest first window (µs).
const MIN_WIDTH: i64 = 1_000_000;

/// The time range covered by an index, and its event count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent {
    /// Earliest event time (µs UTC).
    pub first: i64,
    /// Latest event time (µs UTC).
    pub last: i64,
    pub docs: u64,
}

impl Extent {
    /// Reads the earliest and latest times from the segments' column statistics (no scan).
    pub fn of(searcher: &Searcher) -> Option<Extent> {
        let mut extent: Option<Extent> = None;
        for reader in searcher.segment_readers() {
            let Ok(col) = reader.fast_fields().date("ts") else {
                continue;
            };
            let col: Column<DateTime> = col;
            if reader.num_docs() == 0 {
                continue;
            }
            let (lo, hi) = (
                col.min_value().into_timestamp_micros(),
                col.max_value().into_timestamp_micros(),
            );
            let docs = u64::from(reader.num_docs());
            extent = Some(match extent {
                None => Extent {
                    first: lo,
                    last: hi,
                    docs,
                },
                Some(e) => Extent {
                    first: e.first.min(lo),
                    last: e.last.max(hi),
                    docs: e.docs + docs,
                },
            });
        }
        extent
    }
}

/// The first `limit` hits in `[since, until)` (the last ones, newest first, with `reverse`),
/// asking `search(since, until, limit)` for successive windows that grow by [`GROWTH`].
/// `search` must return the hits of its window in output order, at most `limit` of them.
pub fn first_hits<E>(
    extent: Extent,
    since: Option<i64>,
    until: Option<i64>,
    limit: usize,
    reverse: bool,
    mut search: impl FnMut(i64, i64, usize) -> Result<Vec<Hit>, E>,
) -> Result<Vec<Hit>, E> {
    let lo = since.unwrap_or(extent.first).max(extent.first);
    let hi = until.unwrap_or(i64::MAX).min(extent.last.saturating_add(1));
    let mut out = Vec::new();
    if limit == 0 || lo >= hi {
        return Ok(out);
    }
    let span = (extent.last - extent.first).max(1) as f64;
    let per_event = span / extent.docs.max(1) as f64;
    let mut width = ((limit as f64 * per_event * SLACK) as i64).max(MIN_WIDTH);
    let (mut from, mut to) = (lo, hi);
    loop {
        let (a, b) = if reverse {
            (to.saturating_sub(width).max(lo), to)
        } else {
            (from, from.saturating_add(width).min(hi))
        };
        out.extend(search(a, b, limit - out.len())?);
        if out.len() >= limit {
            break;
        }
        if reverse {
            if a <= lo {
                break;
            }
            to = a;
        } else {
            if b >= hi {
                break;
            }
            from = b;
        }
        width = width.saturating_mul(GROWTH);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::convert::Infallible;

    fn hit(ts: i64, line: u64) -> Hit {
        Hit {
            ts,
            file: 1,
            line,
            offset: 0,
            len: 0,
            level: None,
            pattern: None,
            segment: 0,
            doc: line as u32,
        }
    }

    /// Searches a list already in output order, counting the calls.
    fn over<'a>(
        all: &'a [Hit],
        calls: &'a mut usize,
    ) -> impl FnMut(i64, i64, usize) -> Result<Vec<Hit>, Infallible> + 'a {
        move |a, b, n| {
            *calls += 1;
            Ok(all
                .iter()
                .filter(|h| h.ts >= a && h.ts < b)
                .take(n)
                .copied()
                .collect())
        }
    }

    #[test]
    fn windows_find_the_same_hits_as_one_search() {
        // Dense at both ends, a long empty stretch in between, several events per instant.
        let mut all = Vec::new();
        for i in 0..500 {
            all.push(hit(1_000_000_000 + i / 3 * 1_000, i as u64));
        }
        for i in 500..600 {
            all.push(hit(9_000_000_000_000 + i * 10, i as u64));
        }
        let extent = Extent {
            first: all[0].ts,
            last: all[all.len() - 1].ts,
            docs: all.len() as u64,
        };
        for (since, until, limit) in [
            (None, None, 10),
            (None, None, 550),
            (None, None, 10_000),
            (Some(1_000_050_000), None, 7),
            (None, Some(9_000_000_005_100), 3),
            (Some(2_000_000_000), Some(9_000_000_005_500), 40),
        ] {
            let lo = since.unwrap_or(i64::MIN);
            let hi = until.unwrap_or(i64::MAX);
            let window: Vec<Hit> = all
                .iter()
                .filter(|h| h.ts >= lo && h.ts < hi)
                .copied()
                .collect();
            let want_fwd: Vec<Hit> = window.iter().take(limit).copied().collect();
            let want_rev: Vec<Hit> = window.iter().rev().take(limit).copied().collect();
            let mut calls = 0;
            let got =
                first_hits(extent, since, until, limit, false, over(&all, &mut calls)).unwrap();
            assert_eq!(got, want_fwd, "forward {since:?} {until:?} {limit}");
            let mut rev_all = all.clone();
            rev_all.reverse();
            let mut calls = 0;
            let got = first_hits(
                extent,
                since,
                until,
                limit,
                true,
                over(&rev_all, &mut calls),
            )
            .unwrap();
            assert_eq!(got, want_rev, "reverse {since:?} {until:?} {limit}");
        }
    }

    #[test]
    fn a_dense_start_takes_one_small_window() {
        let all: Vec<Hit> = (0..100_000).map(|i| hit(i * 1_000_000, i as u64)).collect();
        let extent = Extent {
            first: 0,
            last: all[all.len() - 1].ts,
            docs: all.len() as u64,
        };
        let mut calls = 0;
        let got = first_hits(extent, None, None, 200, false, over(&all, &mut calls)).unwrap();
        assert_eq!(got.len(), 200);
        assert_eq!(calls, 1);
    }
}
