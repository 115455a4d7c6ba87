//! What the explorer asks of the logs: a few calls behind [`LogSource`], implemented by the
//! engine (and by an in-memory fake in tests), and [`serve`], which answers an [`Effect`].

use crate::event::Level;
use crate::query::Expr;

/// Identifies an event: its time, file and line (the engine's sort order is time first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventKey {
    pub ts: i64,
    pub file: u64,
    pub line: u64,
}

/// One event as the explorer shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogEvent {
    pub ts: i64,
    pub file: u64,
    pub line: u64,
    /// The source as shown to people (relative to the root).
    pub source: String,
    pub level: Option<Level>,
    pub host: Option<String>,
    pub program: Option<String>,
    pub message: String,
    /// The whole event text (all its lines).
    pub text: String,
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// Matches the current search.
    pub hit: bool,
}

impl LogEvent {
    pub fn key(&self) -> EventKey {
        EventKey {
            ts: self.ts,
            file: self.file,
            line: self.line,
        }
    }
}

/// What to load: the filter every view applies, the search that marks hits, the lower bound.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    pub filter: Expr,
    pub search: Option<Expr>,
    pub since: Option<i64>,
}

impl Query {
    /// The filter and the search together (what `n`/`N` and the hit count look for).
    pub fn hits_expr(&self) -> Expr {
        match &self.search {
            Some(s) => and(self.filter.clone(), s.clone()),
            None => self.filter.clone(),
        }
    }
}

/// `a AND b`, skipping `All`.
pub fn and(a: Expr, b: Expr) -> Expr {
    match (a, b) {
        (Expr::All, x) | (x, Expr::All) => x,
        (Expr::And(mut v), x) => {
            v.push(x);
            Expr::And(v)
        }
        (a, b) => Expr::And(vec![a, b]),
    }
}

/// Where the view goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    Start,
    End,
    /// The first event at or after this time.
    Time(i64),
    /// This event (or the nearest in time).
    Key(EventKey),
}

/// The events around a target, in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub id: u64,
    pub target: Target,
    pub events: Vec<LogEvent>,
    /// Nothing before / after these events.
    pub at_start: bool,
    pub at_end: bool,
    /// Said in the status line (a search that found nothing more, say).
    pub note: Option<String>,
}

/// The logs' extent once the index is open.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Span {
    pub first: Option<i64>,
    pub last: Option<i64>,
    pub sources: usize,
    pub events: u64,
    pub notes: Vec<String>,
}

/// Counts per bucket for the timeline.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimelineData {
    pub id: u64,
    pub start_us: i64,
    pub bucket_us: i64,
    pub counts: Vec<u64>,
    /// Of `counts`, errors and worse.
    pub errors: Vec<u64>,
    /// Of `counts`, hits of the search.
    pub hits: Vec<u64>,
    /// Runs of empty buckets that are gaps, inclusive.
    pub gaps: Vec<(usize, usize)>,
}

impl TimelineData {
    pub fn end_us(&self) -> i64 {
        self.start_us + self.bucket_us * self.counts.len() as i64
    }

    /// The bucket holding `t`, if in range.
    pub fn bucket_of(&self, t: i64) -> Option<usize> {
        if self.bucket_us <= 0 || t < self.start_us {
            return None;
        }
        let i = ((t - self.start_us) / self.bucket_us) as usize;
        (i < self.counts.len()).then_some(i)
    }
}

/// Work the worker does for the state; each answer carries the request's id.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Load {
        id: u64,
        query: Query,
        target: Target,
    },
    /// `n`/`N`: the next hit after `from` (before it when `!forward`), then load around it.
    Find {
        id: u64,
        query: Query,
        from: EventKey,
        forward: bool,
    },
    Timeline {
        id: u64,
        query: Query,
        start_us: i64,
        bucket_us: i64,
        buckets: usize,
    },
    Count {
        id: u64,
        query: Query,
    },
}

/// Events loaded on each side of a target.
pub const WINDOW: usize = 300;

/// The engine calls the explorer needs. Errors are messages for the status line.
pub trait LogSource {
    /// Up to `before` events before `at` and `after` events at or after it, in time order,
    /// with `hit` set on those matching the search. `None` is the start (or end) of the logs.
    fn around(
        &self,
        q: &Query,
        at: Option<i64>,
        before: usize,
        after: usize,
    ) -> Result<Vec<LogEvent>, String>;
    /// Counts of `filter` per bucket, `buckets` buckets from `start_us`.
    fn histogram(
        &self,
        filter: &Expr,
        since: Option<i64>,
        start_us: i64,
        bucket_us: i64,
        buckets: usize,
    ) -> Result<Vec<u64>, String>;
    fn count(&self, q: &Expr, since: Option<i64>) -> Result<usize, String>;
    /// Keys of events matching `q` from `at` on (or before it, newest first, when `!forward`).
    fn keys(
        &self,
        q: &Expr,
        since: Option<i64>,
        at: i64,
        forward: bool,
        limit: usize,
    ) -> Result<Vec<EventKey>, String>;
    fn span(&self) -> Span;
}

/// Answers one effect with the action that carries the result.
pub fn serve(src: &dyn LogSource, effect: Effect) -> super::Action {
    use super::Action;
    let res = match effect {
        Effect::Load { id, query, target } => load(src, id, &query, target).map(Action::Loaded),
        Effect::Find {
            id,
            query,
            from,
            forward,
        } => find(src, &query, from, forward).and_then(|key| match key {
            Some(k) => load(src, id, &query, Target::Key(k)).map(Action::Loaded),
            None => load(src, id, &query, Target::Key(from)).map(|mut l| {
                l.note = Some(format!(
                    "no {} hit",
                    if forward { "later" } else { "earlier" }
                ));
                Action::Loaded(l)
            }),
        }),
        Effect::Timeline {
            id,
            query,
            start_us,
            bucket_us,
            buckets,
        } => timeline(src, id, &query, start_us, bucket_us, buckets).map(Action::Timeline),
        Effect::Count { id, query } => src
            .count(&query.hits_expr(), query.since)
            .map(|hits| Action::Counted { id, hits }),
    };
    res.unwrap_or_else(Action::Failed)
}

fn load(src: &dyn LogSource, id: u64, q: &Query, target: Target) -> Result<Loaded, String> {
    let (at, before, after) = match target {
        Target::Start => (None, 0, WINDOW * 2),
        Target::End => (None, WINDOW * 2, 0),
        Target::Time(t) => (Some(t), WINDOW, WINDOW),
        Target::Key(k) => (Some(k.ts), WINDOW, WINDOW),
    };
    let events = src.around(q, at, before, after)?;
    let split = at.map_or(0, |t| events.partition_point(|e| e.ts < t));
    let (at_start, at_end) = match target {
        Target::Start => (true, events.len() < after),
        Target::End => (events.len() < before, true),
        _ => (split < before, events.len() - split < after),
    };
    Ok(Loaded {
        id,
        target,
        events,
        at_start,
        at_end,
        note: None,
    })
}

fn find(
    src: &dyn LogSource,
    q: &Query,
    from: EventKey,
    forward: bool,
) -> Result<Option<EventKey>, String> {
    let keys = src.keys(&q.hits_expr(), q.since, from.ts, forward, 512)?;
    // Keys come in view order from `from.ts` (reversed when going back); skip `from` itself
    // and, when it is a hit, everything up to it.
    let pos = keys.iter().position(|k| *k == from);
    Ok(match pos {
        Some(i) => keys.get(i + 1).copied(),
        None => keys
            .into_iter()
            .find(|k| if forward { k.ts >= from.ts } else { k.ts <= from.ts }),
    })
}

fn timeline(
    src: &dyn LogSource,
    id: u64,
    q: &Query,
    start_us: i64,
    bucket_us: i64,
    buckets: usize,
) -> Result<TimelineData, String> {
    let counts = src.histogram(&q.filter, q.since, start_us, bucket_us, buckets)?;
    let err_expr = and(q.filter.clone(), level_at_least(Level::Error));
    let errors = src.histogram(&err_expr, q.since, start_us, bucket_us, buckets)?;
    let hits = match &q.search {
        Some(_) => src.histogram(&q.hits_expr(), q.since, start_us, bucket_us, buckets)?,
        None => Vec::new(),
    };
    let gaps = crate::timeline::find_gaps(&counts);
    Ok(TimelineData {
        id,
        start_us,
        bucket_us,
        counts,
        errors,
        hits,
        gaps,
    })
}

/// `level:>=LEVEL`.
pub fn level_at_least(level: Level) -> Expr {
    Expr::Range {
        field: "level".into(),
        lo: Some(crate::query::Bound {
            value: level.as_str().into(),
            inclusive: true,
        }),
        hi: None,
    }
}
