//! The explorer's session: what reopening the same logs restores. [`Session::of`] takes it
//! from the state (the selected event, search, filters, level, window, marks, zoom, toggles,
//! follow); [`restore`] puts it back once the logs are open, re-parsing every query. Where and
//! when it is written is [`super::session_file`]'s job.

use super::data::{Effect, EventKey, Target};
use super::search::highlighter;
use super::state::{AppState, Filter, FilterKind, Search};
use super::view::{count_fx, load, timeline_fx};
use crate::event::Level;
use serde::{Deserialize, Serialize};

/// The format's version. A file of another version is ignored, not read.
pub const VERSION: u32 = 1;

/// Widest bucket a session may restore (about 8 years): wider is not a zoom the user chose.
const MAX_BUCKET_S: i64 = 100 * 2_592_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub version: u32,
    /// Where the view was; `None` when nothing was selected.
    pub position: Option<Position>,
    /// The search (`/`) as typed; empty for none.
    pub search: String,
    pub filters: Vec<SavedFilter>,
    /// Show only this level and worse (`Level::as_str`).
    pub level: Option<String>,
    /// The `:since` bound (µs UTC) as it was, and as typed. The bound is restored as it was,
    /// not re-read relative to now, so the view shows what it showed.
    pub since_us: Option<i64>,
    pub since_text: Option<String>,
    pub marks: Vec<EventKey>,
    /// The timeline's bucket width (the zoom), seconds.
    pub bucket_s: i64,
    pub utc: bool,
    pub wrap: bool,
    pub timeline: bool,
    pub follow: bool,
    /// Each prompt's history (`/`, `&`, `!`, `:`...), oldest first.
    #[serde(default)]
    pub history: std::collections::BTreeMap<String, Vec<String>>,
}

/// The selected event, and how many events were drawn above it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Position {
    /// Its time (µs UTC): where the view goes when the event itself is gone.
    pub ts: i64,
    pub key: Option<EventKey>,
    pub above: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedFilter {
    pub kind: FilterKind,
    pub text: String,
    pub enabled: bool,
}

impl Session {
    /// The restorable part of the state, or `None` while the view is not settled (the logs
    /// not open yet, or nothing loaded and a load on its way), when there is nothing to save.
    pub fn of(s: &AppState) -> Option<Session> {
        if s.span.is_none() || (s.events.is_empty() && s.pending.loading) {
            return None;
        }
        let position = match s.selected_event() {
            Some(e) => Some(Position {
                ts: e.ts,
                key: Some(e.key()),
                above: s.selected.saturating_sub(s.top),
            }),
            None if s.cursor_us != 0 => Some(Position {
                ts: s.cursor_us,
                key: None,
                above: 0,
            }),
            None => None,
        };
        Some(Session {
            version: VERSION,
            position,
            search: s.search.text.clone(),
            filters: s
                .filters
                .iter()
                .map(|f| SavedFilter {
                    kind: f.kind,
                    text: f.text.clone(),
                    enabled: f.enabled,
                })
                .collect(),
            level: s.level.map(|l| l.as_str().to_string()),
            since_us: s.since,
            since_text: s.since.and(s.since_text.clone()),
            marks: s.marks.iter().copied().collect(),
            bucket_s: s.timeline.bucket_s,
            utc: s.utc,
            wrap: s.wrap,
            timeline: s.timeline.visible,
            follow: s.follow,
            history: s.history.clone(),
        })
    }

    pub fn to_json(&self) -> String {
        // A struct of strings, numbers and lists always serialises.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a session file's text; the error says why it cannot be used.
    pub fn from_json(text: &str) -> Result<Session, String> {
        #[derive(Deserialize)]
        struct Head {
            version: Option<u32>,
        }
        let head: Head =
            serde_json::from_str(text).map_err(|e| format!("not a session file ({e})"))?;
        match head.version {
            Some(VERSION) => {}
            Some(v) => return Err(format!("session format {v}, this version reads {VERSION}")),
            None => return Err("not a session file (no version)".into()),
        }
        serde_json::from_str(text).map_err(|e| format!("not a session file ({e})"))
    }
}

/// Puts a saved session back on a state whose logs just opened (with events): the search,
/// filters and level (re-parsed; any that no longer parse are skipped with a notice), the
/// window, marks, zoom and toggles, then loads the view at the saved event. Follow mode (saved,
/// or `-f`) wins over the position: the view goes to the end.
pub fn restore(s: &mut AppState, saved: Session) -> Vec<Effect> {
    let mut skipped = Vec::new();
    if !saved.search.is_empty() {
        match super::search::search_expr(&saved.search) {
            Ok(expr) => {
                s.search = Search {
                    text: saved.search.clone(),
                    highlight: highlighter(&expr),
                    expr: Some(expr),
                    hits: None,
                    after: None,
                }
            }
            Err(_) => skipped.push(format!("search {:?}", saved.search)),
        }
    }
    s.filters = saved
        .filters
        .iter()
        .filter_map(|f| match crate::query::parse(&f.text) {
            Ok(expr) => Some(Filter {
                kind: f.kind,
                text: f.text.clone(),
                expr,
                enabled: f.enabled,
            }),
            Err(_) => {
                skipped.push(format!("filter {:?}", f.text));
                None
            }
        })
        .collect();
    if let Some(l) = &saved.level {
        match Level::parse(l) {
            Some(level) => s.level = Some(level),
            None => skipped.push(format!("level {l:?}")),
        }
    }
    s.since = saved.since_us;
    s.since_text = saved.since_us.and(saved.since_text);
    s.marks = saved.marks.into_iter().collect();
    if (1..=MAX_BUCKET_S).contains(&saved.bucket_s) {
        s.timeline.bucket_s = saved.bucket_s;
    }
    s.utc = saved.utc;
    s.wrap = saved.wrap;
    s.timeline.visible = saved.timeline;
    s.follow |= saved.follow;
    // Lines typed before the session came back stay the newest.
    for (kind, lines) in saved.history {
        let now = s.history.entry(kind).or_default();
        let mut all = lines;
        all.retain(|l| !now.contains(l));
        all.append(now);
        *now = all;
    }
    let target = match saved.position {
        _ if s.follow => Target::End,
        None => Target::End,
        Some(p) => {
            s.cursor_us = p.ts;
            if s.events.is_empty() {
                // With nothing loaded, `selected - top` is where the load of a key places
                // the event (see `update::loaded`): it comes back to the same row.
                s.top = 0;
                s.selected = p.above;
            }
            p.key.map_or(Target::Time(p.ts), Target::Key)
        }
    };
    let mut fx = vec![load(s, target)];
    fx.extend(timeline_fx(s, true));
    fx.extend(count_fx(s));
    fx.extend(super::view::view_count_fx(s));
    fx.push(super::view::firsts_fx(s));
    match skipped.first() {
        Some(first) => s.set_error(format!(
            "last session: {first}{} no longer parses; skipped",
            match skipped.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            }
        )),
        None => {
            s.restored = true;
            match &s.status {
                Some(st) if !st.error => {
                    let text = st.text.replace("; ? for help", "");
                    s.set_status(format!("{text}; last session restored"))
                }
                Some(_) => {}
                None => s.set_status("last session restored"),
            }
        }
    }
    fx
}
