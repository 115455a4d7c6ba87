//! A time budget for the `/regex/` predicates of one search. A regex runs on the text of every
//! candidate event; its compiled cost is bounded (`query::regex`), but what is left can still
//! be slow on long texts. Past the budget every predicate answers "no" at once, and the search
//! fails with a message saying so, instead of answering with what it had looked at.
//!
//! The search's query is wrapped by [`RegexBudget::guard`]: the wrapper starts the clock when
//! the search begins and, after each segment, turns a spent budget into an error (a predicate
//! cannot fail by itself: it only answers yes or no).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, Score, SegmentReader, TantivyError};

/// How long the regexes of one search may run, unless `TIMBERLINE_REGEX_BUDGET` (seconds)
/// says otherwise.
pub const REGEX_BUDGET: Duration = Duration::from_secs(5);

/// What starts the message of a spent budget (to know it among tantivy's errors).
const SPENT: &str = "regex ";

/// The clock shared by a search's regex predicates and its guard.
#[derive(Debug, Clone)]
pub struct RegexBudget(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    limit: Duration,
    started: Mutex<Option<Instant>>,
    spent: AtomicBool,
    /// The pattern that was running when the budget ran out.
    pattern: Mutex<String>,
}

impl RegexBudget {
    pub fn new(limit: Duration) -> RegexBudget {
        RegexBudget(Arc::new(Inner {
            limit,
            started: Mutex::new(None),
            spent: AtomicBool::new(false),
            pattern: Mutex::new(String::new()),
        }))
    }

    /// [`REGEX_BUDGET`], or `TIMBERLINE_REGEX_BUDGET` seconds when set to a positive number.
    pub fn from_env() -> RegexBudget {
        let limit = std::env::var("TIMBERLINE_REGEX_BUDGET")
            .ok()
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
            .map_or(REGEX_BUDGET, Duration::from_secs_f64);
        RegexBudget::new(limit)
    }

    fn start(&self) {
        if let Ok(mut s) = self.0.started.lock() {
            *s = Some(Instant::now());
        }
        self.0.spent.store(false, Ordering::Relaxed);
    }

    /// True once the budget is spent (and from then on); `pattern` is the regex asking.
    pub fn spent(&self, pattern: &str) -> bool {
        if self.0.spent.load(Ordering::Relaxed) {
            return true;
        }
        let started = self.0.started.lock().ok().and_then(|s| *s);
        if started.is_some_and(|t| t.elapsed() > self.0.limit) {
            if let Ok(mut p) = self.0.pattern.lock() {
                *p = pattern.to_string();
            }
            self.0.spent.store(true, Ordering::Relaxed);
            return true;
        }
        false
    }

    /// The error of a spent budget.
    pub fn error(&self) -> TantivyError {
        let pattern = self.0.pattern.lock().map(|p| p.clone()).unwrap_or_default();
        TantivyError::InvalidArgument(format!(
            "{SPENT}/{pattern}/ took longer than {}; narrow it with words or a time window",
            human(self.0.limit)
        ))
    }

    /// `query` with this budget's clock started when it runs, and an error after it if the
    /// budget was spent.
    pub fn guard(&self, query: Box<dyn Query>) -> Box<dyn Query> {
        Box::new(Guarded {
            inner: query,
            budget: self.clone(),
        })
    }

    fn check(&self) -> tantivy::Result<()> {
        if self.0.spent.load(Ordering::Relaxed) {
            Err(self.error())
        } else {
            Ok(())
        }
    }
}

/// The message of a spent budget, if `err` is one.
pub fn spent_message(err: &TantivyError) -> Option<&str> {
    match err {
        TantivyError::InvalidArgument(m) if m.starts_with(SPENT) && m.contains("took longer") => {
            Some(m)
        }
        _ => None,
    }
}

/// `5 s`, `1.5 s`, `300 ms`.
fn human(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{} ms", d.as_millis())
    } else if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

#[derive(Debug)]
struct Guarded {
    inner: Box<dyn Query>,
    budget: RegexBudget,
}

impl Clone for Guarded {
    fn clone(&self) -> Guarded {
        Guarded {
            inner: self.inner.box_clone(),
            budget: self.budget.clone(),
        }
    }
}

impl Query for Guarded {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.inner.weight(scoring)?;
        self.budget.start();
        Ok(Box::new(GuardedWeight {
            inner,
            budget: self.budget.clone(),
        }))
    }
}

struct GuardedWeight {
    inner: Box<dyn Weight>,
    budget: RegexBudget,
}

impl Weight for GuardedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.budget.check()?;
        self.inner.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        let n = self.inner.count(reader)?;
        self.budget.check()?;
        Ok(n)
    }

    fn for_each(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        self.inner.for_each(reader, callback)?;
        self.budget.check()
    }

    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        self.inner.for_each_no_score(reader, callback)?;
        self.budget.check()
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        self.inner.for_each_pruning(threshold, reader, callback)?;
        self.budget.check()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_spent_once_and_says_which_regex() {
        let b = RegexBudget::new(Duration::from_millis(30));
        assert!(!b.spent("x"), "not started: no limit");
        b.start();
        assert!(!b.spent("x"));
        std::thread::sleep(Duration::from_millis(40));
        assert!(b.spent("(a+)+$"));
        assert!(b.spent("other"), "spent stays spent");
        let e = b.error();
        assert_eq!(
            spent_message(&e),
            Some("regex /(a+)+$/ took longer than 30 ms; narrow it with words or a time window")
        );
        b.start();
        assert!(!b.spent("x"), "a new search starts again");
        assert_eq!(human(Duration::from_secs(5)), "5 s");
        assert_eq!(human(Duration::from_millis(1500)), "1.5 s");
    }
}
