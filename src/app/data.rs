//! What the explorer asks of the logs: a few calls behind [`LogSource`], implemented by the
//! engine (and by an in-memory fake in tests), and the types that travel between the state and
//! the worker.

use crate::event::Level;
use crate::query::Expr;

/// Identifies an event: its time, file and line (the engine's sort order is time first).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
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
    /// The file's full path.
    pub path: String,
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
    /// Each file, for the sources list.
    pub files: Vec<SourceInfo>,
    /// The files under the roots the index left out (binary, unreadable, empty), by path.
    pub unread: Vec<Unread>,
    /// The index's roots (canonical): they name the saved session.
    pub roots: Vec<std::path::PathBuf>,
    /// The format names a source can be set to (built-in and the config's own).
    pub formats: Vec<String>,
}

/// One file of the logs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceInfo {
    pub path: String,
    pub format: String,
    pub zone: String,
    pub events: u64,
    pub first: Option<i64>,
    pub last: Option<i64>,
    /// What the config sets for this file (`None`: detected format, local time).
    pub set_format: Option<String>,
    pub set_zone: Option<String>,
    /// When the file was last written (µs): its last event should be about then.
    pub mtime: Option<i64>,
}

/// A file under the roots that is not in the index, and why (the indexer's note, without
/// the path: `binary file (PNG image)`, `permission denied`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Unread {
    pub path: String,
    pub reason: String,
}

/// Closer than this to a whole number of half hours, an offset looks like a zone.
const HALF_HOUR_SLACK_US: i64 = 3 * 60 * 1_000_000;
const HALF_HOUR_US: i64 = 30 * 60 * 1_000_000;

impl SourceInfo {
    /// How far the file's last event sits from when the file was last written, when that
    /// is a whole number of half hours, an hour or more (µs, positive: events later): a file
    /// written now whose lines say 5h30m ago was most likely read in the wrong zone (a host
    /// logging local time without a zone). A file written much later than its last event
    /// (copied, touched, checked out) is left alone: more than 14 hours is no zone.
    pub fn zone_offset(&self) -> Option<i64> {
        let delta = self.last? - self.mtime?;
        let rest = delta.rem_euclid(HALF_HOUR_US);
        let near = rest <= HALF_HOUR_SLACK_US || HALF_HOUR_US - rest <= HALF_HOUR_SLACK_US;
        // Zones lie within 14 hours of UTC: farther is a copy or an old file, not a zone.
        let zone_like = delta.abs() >= 2 * HALF_HOUR_US - HALF_HOUR_SLACK_US
            && delta.abs() <= 28 * HALF_HOUR_US + HALF_HOUR_SLACK_US;
        (zone_like && near && self.events > 0)
            .then(|| (delta as f64 / HALF_HOUR_US as f64).round() as i64 * HALF_HOUR_US)
    }

    /// No timestamps were recognised in the file: it was read as plain text and its events
    /// are dated by its modification time.
    pub fn untimed(&self) -> bool {
        self.format == crate::format::Format::plain_text().name() && self.events > 0
    }
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
    /// Of `counts`, warnings and worse.
    pub warnings: Vec<u64>,
    /// Of `counts`, hits of the search.
    pub hits: Vec<u64>,
    /// The search's own histogram: `counts` (and `errors`, `warnings`, `hits`) count its
    /// hits, and `totals` all the events the filters let through (the gaps are theirs).
    /// Empty when `counts` are all events.
    pub totals: Vec<u64>,
    /// Runs of empty buckets that are gaps, inclusive (found in the buckets up to the logs'
    /// last event: the empty future is no gap).
    pub gaps: Vec<(usize, usize)>,
    /// For each gap, the real silence: the last event before it and the first after it
    /// (`None`: the logs end in it).
    pub silences: Vec<Silence>,
}

/// The events around a gap, µs.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Silence {
    pub before: Option<i64>,
    pub after: Option<i64>,
}

impl Silence {
    /// How long nothing was logged, seconds (to `end_us` when the logs end in the gap).
    pub fn secs(&self, end_us: i64) -> Option<i64> {
        Some((self.after.unwrap_or(end_us) - self.before?) / 1_000_000)
    }
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

/// One pattern of the events the view's filters let through (the patterns pane, `p`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PatternRow {
    /// The id as `patterns` prints it and `pattern:<id>` takes it.
    pub id: String,
    /// The key it was mined under (program, else format).
    pub key: String,
    pub template: String,
    pub count: u64,
    /// Its first event (where `>` / `<` go) and its last event's time.
    pub first: EventKey,
    pub last_us: i64,
    /// Events per bucket of the window (oldest first).
    pub buckets: Vec<u32>,
}

/// A field's most (or least) frequent values among the filtered events, with their counts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldValues {
    pub field: String,
    /// Least frequent first.
    pub bottom: bool,
    pub values: Vec<(String, u64)>,
}

/// Values listed by the detail pane's `t` / `b`.
pub const FIELD_VALUES: usize = 50;

/// Buckets of a pattern's sparkline in the patterns pane.
pub const PATTERN_BUCKETS: usize = 16;

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
        /// A new search: with no hit that way, go to the nearest hit the other way.
        turn_back: bool,
    },
    Timeline {
        id: u64,
        query: Query,
        start_us: i64,
        bucket_us: i64,
        buckets: usize,
        /// The logs' last event: buckets after it are the future, never a gap.
        until_us: Option<i64>,
        /// Count the search's hits (the search's own histogram), not all events.
        hits: bool,
    },
    Count {
        id: u64,
        query: Query,
    },
    /// The events the filters, level and window let through (the status line's "N of M").
    CountView {
        id: u64,
        query: Query,
    },
    /// The hits at or after `ts` (so the selected hit's rank is the total less them, plus
    /// one): "hit 3/215".
    Rank {
        id: u64,
        query: Query,
        ts: i64,
    },
    /// `[` `]` `{` `}` past the timeline on screen: the next gap (or spike) in the whole
    /// history at this bucket width (a gap also at finer ones, down to 1 minute), then load
    /// around it (or reload `here` with a note).
    Seek {
        id: u64,
        query: Query,
        spike: bool,
        forward: bool,
        from_us: i64,
        here: Target,
        bucket_us: i64,
        span: (i64, i64),
        /// Spikes of the search's hits (the timeline counts them).
        hits: bool,
    },
    Save(SaveRequest),
    /// `:export FILE`: the view's events to a file.
    Export {
        query: Query,
        path: std::path::PathBuf,
        replace: bool,
        /// The whole view, its hits, or the marked events.
        which: Which,
    },
    /// The detail pane: the events next to `key` in its own file, unfiltered.
    Context {
        id: u64,
        path: String,
        key: EventKey,
    },
    /// The sources pane's `f` / `z`: write a file's override into the config file, then
    /// re-read the file with it.
    SetSource(SetSource),
    /// The patterns pane: the patterns of the filtered events (within `since`).
    Patterns {
        id: u64,
        query: Query,
    },
    /// When each pattern of the filtered events began (ticks on the timeline).
    Firsts {
        id: u64,
        query: Query,
    },
    /// `>` / `<`: the next first occurrence of a pattern after `from` (before it when
    /// `!forward`), then load around it.
    FirstOccurrence {
        id: u64,
        query: Query,
        from: EventKey,
        forward: bool,
    },
    /// `t` / `b` in the detail pane: the top (bottom) values of a field.
    Values {
        id: u64,
        query: Query,
        field: String,
        bottom: bool,
    },
    /// The rules pane (`A`): each rule of the rules files over the filtered events (within
    /// `since`), with the saved queries its `saved = "NAME"` rules name.
    Rules {
        id: u64,
        query: Query,
        files: Vec<std::path::PathBuf>,
        saved: Vec<super::saved::SavedQuery>,
    },
    /// `a` in the patterns pane: record patterns as reviewed in the known-patterns file.
    MarkPatterns {
        path: std::path::PathBuf,
        entries: Vec<crate::patterns::known::Entry>,
    },
}

/// What `:export` writes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Which {
    /// Every event of the view.
    #[default]
    View,
    /// The search's hits among them (`--hits`).
    Hits,
    /// The marked events, whatever the filters (`--marked`).
    Marked(Vec<EventKey>),
}

impl Which {
    /// `--hits FILE` → (Hits, FILE).
    pub fn parse(arg: &str) -> (Which, &str) {
        let (flag, rest) = arg
            .split_once(char::is_whitespace)
            .map_or((arg, ""), |(f, r)| (f, r.trim()));
        match flag {
            "--hits" => (Which::Hits, rest),
            "--marked" => (Which::Marked(Vec::new()), rest),
            _ => (Which::View, arg),
        }
    }

    /// "events", "hits", "marked events" (for the message).
    pub fn what(&self, n: usize) -> &'static str {
        match (self, n == 1) {
            (Which::View, true) => "event",
            (Which::View, false) => "events",
            (Which::Hits, true) => "hit",
            (Which::Hits, false) => "hits",
            (Which::Marked(_), true) => "marked event",
            (Which::Marked(_), false) => "marked events",
        }
    }
}

/// Sets (`Some`) or removes (`None`) one setting of one file.
#[derive(Debug, Clone, PartialEq)]
pub struct SetSource {
    /// The file's path, exactly as indexed.
    pub path: String,
    /// The file as messages name it.
    pub name: String,
    pub setting: crate::config::edit::Setting,
    pub value: Option<String>,
}

impl SetSource {
    /// `web.log: zone Asia/Tokyo`, `web.log: format detected`.
    pub fn describe(&self) -> String {
        use crate::config::edit::Setting;
        let value = match (&self.value, self.setting) {
            (Some(v), _) => v.as_str(),
            (None, Setting::Format) => "detected",
            (None, Setting::Zone) => "local",
        };
        format!("{}: {} {value}", self.name, self.setting.word())
    }
}

/// Events shown on each side of an event in the detail pane.
pub const CONTEXT: usize = 3;

/// `:save`: append a query to the saved queries file.
#[derive(Debug, Clone, PartialEq)]
pub struct SaveRequest {
    pub path: std::path::PathBuf,
    pub query: super::saved::SavedQuery,
}

/// Most buckets one seek counts.
pub const SEEK_BUCKETS: i64 = 200_000;

/// Events loaded on each side of a target.
pub const WINDOW: usize = 300;

/// Why a [`LogSource`] could not answer. Each is said on the status line as it reads.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SourceError {
    /// The query is well-formed but cannot be run by this source (an unknown level, a
    /// construct a remote engine cannot answer as the local index does).
    #[error("{0}")]
    Query(String),
    /// The logs cannot be read now (the index, the engine, the network).
    #[error("{0}")]
    Unavailable(String),
    /// This source does not do that (a remote file's zone cannot be set).
    #[error("{0}")]
    Unsupported(String),
}

/// The status line's words for an error.
impl From<SourceError> for String {
    fn from(e: SourceError) -> String {
        e.to_string()
    }
}

/// The engine calls the explorer needs: the local index ([`crate::engine::Engine`]) or a
/// remote one ([`crate::remote::RemoteSource`]).
pub trait LogSource {
    /// Up to `before` events before `at` and `after` events at or after it, in time order,
    /// with `hit` set on those matching the search. `None` is the start (or end) of the logs.
    fn around(
        &self,
        q: &Query,
        at: Option<i64>,
        before: usize,
        after: usize,
    ) -> Result<Vec<LogEvent>, SourceError>;
    /// Counts of `filter` per bucket, `buckets` buckets from `start_us`.
    fn histogram(
        &self,
        filter: &Expr,
        since: Option<i64>,
        start_us: i64,
        bucket_us: i64,
        buckets: usize,
    ) -> Result<Vec<u64>, SourceError>;
    fn count(&self, q: &Expr, since: Option<i64>) -> Result<usize, SourceError>;
    /// Keys of events matching `q` from `at` on (or before it, newest first, when `!forward`).
    fn keys(
        &self,
        q: &Expr,
        since: Option<i64>,
        at: i64,
        forward: bool,
        limit: usize,
    ) -> Result<Vec<EventKey>, SourceError>;
    fn span(&self) -> Span;
    /// The patterns of the events `filter` lets through from `since` on, busiest first, each
    /// with its counts over [`PATTERN_BUCKETS`] buckets of that window.
    fn patterns(&self, filter: &Expr, since: Option<i64>) -> Result<Vec<PatternRow>, SourceError>;
    /// The most (least, with `bottom`) frequent values of `field` among the events `filter`
    /// lets through from `since` on, at most `limit`.
    fn values(
        &self,
        filter: &Expr,
        since: Option<i64>,
        field: &str,
        bottom: bool,
        limit: usize,
    ) -> Result<Vec<(String, u64)>, SourceError>;
    /// Applies a sources-pane setting; the answer is the new span and what to say. The TUI's
    /// worker does this itself (it needs the engine mutably), so the default refuses.
    fn set_source(&self, r: &SetSource) -> Result<(Span, String), SourceError> {
        Err(SourceError::Unsupported(format!(
            "{}: cannot be changed here",
            r.describe()
        )))
    }
    /// The watch rules' inputs over the events `filter` lets through from `since` on: each
    /// rule's matches (`exprs[i]` for `rules[i]`, with its `by` key), then the clock at the
    /// last event, in event-time order: what `check` feeds its evaluator. Alerts need every
    /// matching event's time, not counts, so a source that cannot list them refuses.
    fn rule_inputs(
        &self,
        rules: &[crate::rules::config::Rule],
        exprs: &[Expr],
        filter: &Expr,
        since: Option<i64>,
    ) -> Result<Vec<crate::rules::eval::Input>, SourceError> {
        let _ = (rules, exprs, filter, since);
        Err(SourceError::Unsupported(
            "the rules pane needs the events of a local index; \
             run `timberline check` on the logs themselves"
                .into(),
        ))
    }
}

/// The bucket of `n` buckets of `width` from `start` that `t` falls in (any unit), if any.
pub fn bucket_of(t: i64, start: i64, width: i64, n: usize) -> Option<usize> {
    usize::try_from((t - start).div_euclid(width.max(1)))
        .ok()
        .filter(|&j| j < n)
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

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000_000;

    fn file(last: i64, mtime: i64) -> SourceInfo {
        SourceInfo {
            events: 10,
            last: Some(last),
            mtime: Some(mtime),
            ..SourceInfo::default()
        }
    }

    #[test]
    fn a_file_whose_last_event_is_half_hours_from_its_last_write_looks_like_a_wrong_zone() {
        let now = 1_790_985_600_000_000;
        // A +05:30 host logging local time without a zone, read as UTC: its lines say
        // 5h30m later than when they were written.
        assert_eq!(
            file(now + 11 * H / 2 + 20_000_000, now).zone_offset(),
            Some(11 * H / 2)
        );
        assert_eq!(
            file(now - 2 * H - 60_000_000, now).zone_offset(),
            Some(-2 * H)
        );
        // Written seconds after its last event, or long after at no half hour: nothing.
        assert_eq!(file(now - 3_000_000, now).zone_offset(), None);
        assert_eq!(file(now - 3 * H - 17 * 60_000_000, now).zone_offset(), None);
        assert_eq!(
            file(now - 20 * 60_000_000, now).zone_offset(),
            None,
            "under an hour"
        );
        assert_eq!(SourceInfo::default().zone_offset(), None);
        assert_eq!(
            file(now - 72 * H, now).zone_offset(),
            None,
            "days: a copy, not a zone"
        );
    }
}
