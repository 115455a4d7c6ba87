//! What a review found, as plain data: the renderers (Markdown, HTML, JSON) read only this.
//! Times are RFC 3339 UTC text; text taken from the logs is kept raw and escaped by each
//! renderer for its own medium.

use serde::Serialize;
use std::collections::BTreeMap;

/// The whole review: the record, then the three steps.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub record: Record,
    pub step1: Presence,
    pub step2: Anomalies,
    pub step3: Statistics,
}

/// Who ran the review, when, over what.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub user: String,
    pub generated: String,
    pub since: String,
    pub until: String,
    pub version: String,
    pub paths: Vec<String>,
    pub seal: Option<SealSummary>,
}

/// `--manifest`: the last seal's root hash and what verify says of the files.
#[derive(Debug, Clone, Serialize)]
pub struct SealSummary {
    pub manifest: String,
    pub root: String,
    pub sealed_at: String,
    pub chain_intact: bool,
    /// Files per verdict (`ok`, `appended`, `rotated`, `changed`, ...).
    pub verdicts: BTreeMap<String, usize>,
    /// `verify`'s exit status (0: all verify).
    pub exit: u8,
}

/// A stretch of time (a gap).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    pub start: String,
    /// Exclusive.
    pub end: String,
    pub minutes: i64,
}

/// STEP 1: are the logs there.
#[derive(Debug, Clone, Serialize)]
pub struct Presence {
    pub events: u64,
    /// Width of the buckets the gaps are found in.
    pub bucket_seconds: i64,
    /// Gaps in all the sources together.
    pub gaps: Vec<Span>,
    pub files: Vec<Source>,
    pub hosts: Vec<Source>,
    /// Files read as plain text: their events carry no timestamp of their own.
    pub untimed: Vec<String>,
    pub notes: Vec<String>,
}

/// One file or host in the window.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub name: String,
    /// The file's format (files only).
    pub format: Option<String>,
    pub events: u64,
    pub per_day: f64,
    pub first: Option<String>,
    pub last: Option<String>,
    pub gaps: Vec<Span>,
    /// Had events, and has none for a stretch the gap rule calls a gap at the window's end
    /// (or none at all in the window).
    pub stopped: bool,
    /// Its last event ever, when it stopped.
    pub last_ever: Option<String>,
    /// Files: events earlier than the one before them by more than 5 minutes.
    pub backwards: Option<Backwards>,
    /// Files: the last event is this many minutes after the file was last written, a whole
    /// number of half hours (the sources pane's zone rule): a clock or zone offset.
    pub clock_offset_minutes: Option<i64>,
    /// Files: lines with invalid UTF-8 and lines cut (over 1 MiB), as the index counted them
    /// when it read the file (all of it, not only the window).
    pub invalid_utf8: u64,
    pub cut_lines: u64,
}

/// A file's clock going backwards.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backwards {
    pub events: u64,
    /// The largest step back.
    pub largest_minutes: i64,
}

/// One pattern (message template).
#[derive(Debug, Clone, Serialize)]
pub struct Pattern {
    pub id: String,
    pub template: String,
    pub count: u64,
    pub first: String,
    pub last: String,
    pub levels: Vec<String>,
    pub hosts: Vec<String>,
}

/// STEP 2: obvious anomalies.
#[derive(Debug, Clone, Serialize)]
pub struct Anomalies {
    /// Events of level error and worse.
    pub errors: u64,
    pub error_patterns: Vec<Pattern>,
    /// Patterns first seen in the window (reviewed ones in known.toml left out).
    pub new_patterns: Vec<Pattern>,
    pub hours: Vec<HourRow>,
    /// The zone the hours are in.
    pub zone: String,
    pub off_hours: OffHours,
}

/// Events outside working hours (08:00–18:00 in `zone`) and on weekends beside the
/// baseline's, and the busy hours (the baseline expects at least its hourly mean) with none.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OffHours {
    pub out_of_hours: Volume,
    pub weekend: Volume,
    pub silent_busy_hours: Vec<String>,
}

/// The window's events beside the baseline's, scaled to the window.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Volume {
    pub count: u64,
    pub baseline: Option<f64>,
}

/// One hour of day: the window's events beside the baseline's, scaled to the window.
#[derive(Debug, Clone, Serialize)]
pub struct HourRow {
    pub hour: String,
    pub count: u64,
    pub baseline: Option<f64>,
    pub ratio: Option<f64>,
}

/// STEP 3: statistics.
#[derive(Debug, Clone, Serialize)]
pub struct Statistics {
    pub top_patterns: Vec<Pattern>,
    pub bottom_patterns: Vec<Pattern>,
    pub top_values: Vec<FieldTop>,
    pub days: Vec<DayRow>,
}

/// The most frequent values of one field.
#[derive(Debug, Clone, Serialize)]
pub struct FieldTop {
    pub field: String,
    pub values: Vec<(String, u64)>,
}

/// One day (UTC) of the window, and the same day of the period before.
#[derive(Debug, Clone, Serialize)]
pub struct DayRow {
    pub day: String,
    pub count: u64,
    pub previous_day: String,
    pub previous: u64,
}
