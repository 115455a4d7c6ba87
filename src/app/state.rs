//! The explorer's whole state. Drawing reads it; only [`super::update`] changes it.

use super::data::{EventKey, LogEvent, Span, TimelineData};
use crate::event::Level;
use crate::query::Expr;
use std::collections::BTreeSet;

/// Keep or hide events matching a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FilterKind {
    Keep,
    Hide,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub kind: FilterKind,
    pub text: String,
    pub expr: Expr,
    pub enabled: bool,
}

/// The current search (`/`).
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub text: String,
    pub expr: Option<Expr>,
    /// Highlights the search's words in the log view.
    pub highlight: Option<regex::Regex>,
    /// Matching events in the filtered logs, once counted.
    pub hits: Option<usize>,
    /// After `n`/`N` (or a new search) went to a hit: the hits from it on, and that hit's
    /// time, once counted (its rank is `hits - after + 1`).
    pub after: Option<(i64, usize)>,
}

/// What the open prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Search,
    Keep,
    Hide,
    Command,
    /// A source's format or zone (the sources pane's `f` / `z`).
    Format,
    Zone,
    /// `/` in the help screen: keeps the help lines holding the text.
    HelpSearch,
    /// `/` in the patterns pane: keeps the patterns whose template holds the text.
    PatternSearch,
}

impl PromptKind {
    /// Names its history in the session.
    pub fn name(self) -> &'static str {
        match self {
            PromptKind::Search => "search",
            PromptKind::Keep => "keep",
            PromptKind::Hide => "hide",
            PromptKind::Command => "command",
            PromptKind::Format => "format",
            PromptKind::Zone => "zone",
            PromptKind::HelpSearch => "help",
            PromptKind::PatternSearch => "patterns",
        }
    }

    pub fn sigil(self) -> char {
        match self {
            PromptKind::Search | PromptKind::HelpSearch | PromptKind::PatternSearch => '/',
            PromptKind::Keep => '&',
            PromptKind::Hide => '!',
            PromptKind::Command => ':',
            PromptKind::Format | PromptKind::Zone => '=',
        }
    }
}

/// The line being typed, and the error of the last attempt (shown in place). Editing is in
/// [`super::prompt`].
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
    /// The cursor, in characters from the start.
    pub cursor: usize,
    /// A prefilled value not edited yet: typing replaces it.
    pub fresh: bool,
    pub error: Option<String>,
    /// The file a format or zone prompt sets (its path as indexed).
    pub target: Option<String>,
    /// Walking the history (Up/Down): the line shown, and what was typed before.
    pub browsing: Option<(usize, String)>,
}

impl Prompt {
    /// What the line starts with: the sigil, or `zone of web.log: `.
    pub fn label(&self) -> String {
        match (self.kind, &self.target) {
            (PromptKind::Format | PromptKind::Zone, Some(path)) => format!(
                "{} of {}: ",
                if self.kind == PromptKind::Format {
                    "format"
                } else {
                    "zone"
                },
                path.rsplit('/').next().unwrap_or(path)
            ),
            _ => self.kind.sigil().to_string(),
        }
    }
}

/// One line of the help: what to press (empty for a note) and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpLine {
    pub key: String,
    pub desc: String,
}

/// The popup over the log view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Popup {
    #[default]
    None,
    Help {
        scroll: usize,
    },
    Detail {
        scroll: usize,
    },
    Filters {
        selected: usize,
    },
    Sources {
        selected: usize,
    },
    Saved {
        selected: usize,
    },
    Patterns {
        selected: usize,
    },
    /// The watch rules over the window (`A`).
    Rules {
        selected: usize,
    },
    /// A field's top or bottom values (from the detail pane's `t` / `b`).
    Values {
        selected: usize,
    },
    /// The notes the worker sent (`i`).
    Notes {
        scroll: usize,
    },
}

/// How the patterns pane orders its rows (`s` cycles through them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PatternSort {
    /// Most events first.
    #[default]
    Count,
    /// Fewest events first: the rare ones.
    Rare,
    /// The most recent first occurrence first: what appeared lately.
    New,
    /// The earliest first occurrence first.
    First,
    /// The latest last event first.
    Last,
}

impl PatternSort {
    pub fn next(self) -> PatternSort {
        match self {
            PatternSort::Count => PatternSort::Rare,
            PatternSort::Rare => PatternSort::New,
            PatternSort::New => PatternSort::First,
            PatternSort::First => PatternSort::Last,
            PatternSort::Last => PatternSort::Count,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            PatternSort::Count => "most events",
            PatternSort::Rare => "fewest events",
            PatternSort::New => "newest first seen",
            PatternSort::First => "oldest first seen",
            PatternSort::Last => "last seen",
        }
    }
}

/// The rules pane (`A`): the watch rules over the events the filters let through.
#[derive(Debug, Clone, Default)]
pub struct RulePane {
    /// As the worker answered (most alerts first); `None` while they are being counted.
    pub rows: Option<Vec<crate::rules::tally::Tally>>,
    /// The id of the latest request.
    pub pending: u64,
    /// The rules files, lowest priority first (`tui` sets them): the last is the user's own,
    /// where the pane says to write rules when there are none.
    pub files: Vec<std::path::PathBuf>,
}

/// The patterns pane (`p`): the patterns of the events the filters let through.
#[derive(Debug, Clone, Default)]
pub struct PatternPane {
    /// As the worker answered (busiest first); `None` while they are being counted.
    pub rows: Option<Vec<super::data::PatternRow>>,
    pub sort: PatternSort,
    /// The id of the latest request.
    pub pending: u64,
    /// What `/` in the pane last kept (templates holding it, ignoring case).
    pub search: String,
}

/// A message in the status line.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

/// Indexing progress while the worker builds the index.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
    pub file: String,
}

impl Progress {
    pub fn percent(&self) -> u64 {
        (self.done * 100).checked_div(self.total).unwrap_or(0)
    }
}

/// The timeline: bucket width, the counts shown, whether it is visible.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub bucket_s: i64,
    pub visible: bool,
    pub data: Option<TimelineData>,
    /// The id of the latest histogram asked for.
    pub pending: u64,
    /// Its first bucket, bucket width (µs) and number of buckets.
    pub range: (i64, i64, usize),
    /// With a search, count all events (the hits as dots on the axis) instead of the hits
    /// (`H`).
    pub all_events: bool,
}

/// Ids of the latest requests of each kind: older answers are dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pending {
    pub load: u64,
    pub count: u64,
    pub context: u64,
    /// The latest rank asked for, and whether the next load comes from `n`/`N` (then asks).
    pub rank: u64,
    pub ranking: bool,
    /// A load is on its way.
    pub loading: bool,
    /// The latest count of the view's events asked for.
    pub view_count: u64,
    /// The latest request for when patterns began.
    pub firsts: u64,
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub span: Option<Span>,
    pub progress: Option<Progress>,
    /// The loaded window, in time order.
    pub events: Vec<LogEvent>,
    pub at_start: bool,
    pub at_end: bool,
    /// Follow mode (`F`, or `-f`): the view stays on the newest events as they arrive.
    pub follow: bool,
    /// Events in the logs when follow was paused by scrolling up (for "N new events").
    pub paused_at: Option<u64>,
    /// The last session was put back (the opening message says so).
    pub restored: bool,
    pub selected: usize,
    /// First event drawn.
    pub top: usize,
    /// The time the view is at (the selected event's, or where a jump goes).
    pub cursor_us: i64,
    pub search: Search,
    pub filters: Vec<Filter>,
    /// Show only this level and worse.
    pub level: Option<Level>,
    pub since: Option<i64>,
    /// `since` as typed (`1d`), for saving.
    pub since_text: Option<String>,
    /// Saved queries, and the file `:save` appends to.
    pub saved: Vec<super::saved::SavedQuery>,
    pub saved_path: Option<std::path::PathBuf>,
    /// The detail pane's neighbours of the selected event in its file.
    pub context: Vec<LogEvent>,
    pub marks: BTreeSet<EventKey>,
    pub timeline: Timeline,
    pub utc: bool,
    pub wrap: bool,
    pub hscroll: usize,
    pub popup: Popup,
    pub prompt: Option<Prompt>,
    pub status: Option<Status>,
    pub width: u16,
    pub height: u16,
    pub quit: bool,
    /// "Now" for relative times; the loop sets it before each update.
    pub now_us: i64,
    pub pending: Pending,
    pub next_id: u64,
    /// The help text (from the keymap; `tui` sets it), and what `/` in the help searched for
    /// ("" for all of it).
    pub help: Vec<HelpLine>,
    pub help_search: String,
    /// Each prompt's submitted lines, oldest first (by [`PromptKind::name`]); kept in the
    /// session.
    pub history: std::collections::BTreeMap<String, Vec<String>>,
    pub patterns: PatternPane,
    pub rules: RulePane,
    /// The detail pane's selected field (`Tab` moves it), and the values `t` / `b` listed
    /// (`None` while counted), with the id of the latest request.
    pub detail_field: usize,
    pub values: Option<super::data::FieldValues>,
    pub values_pending: u64,
    /// The events the filters, level and window let through, once counted (`None`: all of
    /// them, or not counted yet).
    pub view_events: Option<usize>,
    /// Files with no timestamps met so far (each hidden once, when first met; `s` and space
    /// show it again).
    pub undated_seen: BTreeSet<String>,
    /// Columns the sources pane is scrolled right by (←/→: it is wider than the terminal).
    pub popup_hscroll: usize,
    /// When each pattern of the filtered events began, in time order: ticks on the timeline
    /// (asked for when the query changes, not on every growth of the logs).
    pub pattern_firsts: Vec<i64>,
    /// Reviewed patterns (known.toml and the team's), by id, and the file `a` writes.
    pub known: std::collections::HashMap<String, crate::patterns::known::Status>,
    pub known_path: Option<std::path::PathBuf>,
    /// Every note the worker sent (skipped files, undated ones, watch fallbacks), for `i`.
    pub notes: super::notes::Notes,
    /// The log view's source column width, and the (files, terminal width) it was worked
    /// out for (`source_tag::fit`).
    pub source_cols: usize,
    pub source_fit: Option<(usize, u16)>,
}

impl AppState {
    pub fn new(width: u16, height: u16) -> AppState {
        AppState {
            span: None,
            progress: None,
            events: Vec::new(),
            at_start: true,
            at_end: true,
            follow: false,
            paused_at: None,
            restored: false,
            selected: 0,
            top: 0,
            cursor_us: 0,
            search: Search::default(),
            filters: Vec::new(),
            level: None,
            since: None,
            since_text: None,
            saved: Vec::new(),
            saved_path: None,
            context: Vec::new(),
            marks: BTreeSet::new(),
            timeline: Timeline {
                bucket_s: 3600,
                visible: true,
                data: None,
                pending: 0,
                range: (0, 0, 0),
                all_events: false,
            },
            utc: false,
            wrap: false,
            hscroll: 0,
            popup: Popup::None,
            prompt: None,
            status: None,
            width,
            height,
            quit: false,
            now_us: 0,
            pending: Pending::default(),
            next_id: 1,
            help: Vec::new(),
            help_search: String::new(),
            history: Default::default(),
            patterns: PatternPane::default(),
            rules: RulePane::default(),
            detail_field: 0,
            values: None,
            values_pending: 0,
            view_events: None,
            undated_seen: BTreeSet::new(),
            popup_hscroll: 0,
            pattern_firsts: Vec::new(),
            known: Default::default(),
            known_path: None,
            notes: Default::default(),
            source_cols: 12,
            source_fit: None,
        }
    }

    pub fn selected_event(&self) -> Option<&LogEvent> {
        self.events.get(self.selected)
    }

    /// The filter every view applies: keep filters, hide filters, level, in that order.
    pub fn filter_expr(&self) -> Expr {
        let mut e = Expr::All;
        for f in self.filters.iter().filter(|f| f.enabled) {
            let part = match f.kind {
                FilterKind::Keep => f.expr.clone(),
                FilterKind::Hide => Expr::Not(Box::new(f.expr.clone())),
            };
            e = super::data::and(e, part);
        }
        if let Some(l) = self.level {
            e = super::data::and(e, super::data::level_at_least(l));
        }
        e
    }

    /// Whether filters, a level or a window narrow the view.
    pub fn narrowed(&self) -> bool {
        self.since.is_some() || self.level.is_some() || self.filters.iter().any(|f| f.enabled)
    }

    pub fn query(&self) -> super::data::Query {
        super::data::Query {
            filter: self.filter_expr(),
            search: self.search.expr.clone(),
            since: self.since,
        }
    }

    /// Whether the timeline counts the search's hits: a search is on and `H` did not ask
    /// for all events.
    pub fn timeline_of_hits(&self) -> bool {
        self.search.expr.is_some() && !self.timeline.all_events
    }

    pub fn set_status(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: false,
        });
    }

    pub fn set_error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: true,
        });
    }

    pub fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}
