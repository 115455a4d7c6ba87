//! Everything that can change the explorer's state: keymap actions (named in `keymaps/*.toml`)
//! and the messages that input routing and the worker send.

use super::data::{Loaded, Span, TimelineData};
use serde::Deserialize;

/// One state transition. Variants without data are named in keymap files (snake_case);
/// the others come from the prompt, the mouse and the worker.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Down,
    Up,
    PageDown,
    PageUp,
    HalfPageDown,
    HalfPageUp,
    Top,
    Bottom,
    /// Opens the `/` prompt.
    Search,
    NextHit,
    PrevHit,
    /// Opens the `&` prompt: keep only events matching.
    FilterKeep,
    /// Opens the `!` prompt: hide events matching.
    FilterHide,
    /// Opens the list of filters (toggle, remove).
    Filters,
    /// Opens the list of sources (space hides / shows one).
    Sources,
    /// Opens the saved queries picker.
    SavedQueries,
    /// Opens the patterns pane (Enter keeps one, ! hides it, a marks it reviewed, s sorts).
    Patterns,
    /// Opens the rules pane: the watch rules over the window, with their matches and
    /// alerts (Enter keeps one's events).
    Rules,
    /// The next / previous first occurrence of a pattern: where something began.
    NextFirstOccurrence,
    PrevFirstOccurrence,
    LevelError,
    LevelWarn,
    ToggleMark,
    NextMark,
    PrevMark,
    ClearMarks,
    /// Opens the `:` command line.
    Command,
    PrevGap,
    NextGap,
    PrevSpike,
    NextSpike,
    ZoomIn,
    ZoomOut,
    /// Moves the timeline cursor one bucket earlier / later.
    TimelineLeft,
    TimelineRight,
    /// Follow new events as they are written (like `less +F`); again to stop.
    ToggleFollow,
    ToggleUtc,
    ToggleTimeline,
    /// With a search, the timeline counts its hits or all events.
    ToggleTimelineHits,
    /// The search becomes a keep filter (and the search is cleared).
    KeepSearch,
    ToggleWrap,
    ScrollLeft,
    ScrollRight,
    Help,
    /// In the filters list: turn the selected filter on or off, or remove it.
    ToggleFilter,
    DeleteFilter,
    /// Opens the detail pane of the selected event.
    Detail,
    /// In the sources list (else for the selected event's file): a prompt to set the file's
    /// format / zone in the config file (empty: detect / local time).
    SourceFormat,
    SourceZone,
    /// Opens the notes pane: what the worker said about the files (skipped, undated, ...).
    Notes,
    /// Closes the open popup or prompt.
    Close,

    /// Enter in a picker: run the chosen saved query, keep only the chosen pattern.
    #[serde(skip)]
    Choose,
    /// In the patterns pane: the next order; hide the selected pattern; mark it reviewed.
    #[serde(skip)]
    SortPatterns,
    #[serde(skip)]
    HidePattern,
    #[serde(skip)]
    MarkPattern,
    /// The worker counted the patterns (or could not).
    #[serde(skip)]
    PatternsLoaded {
        id: u64,
        rows: Result<Vec<super::data::PatternRow>, String>,
    },
    /// The worker counted the rules over the window (or could not).
    #[serde(skip)]
    RulesLoaded {
        id: u64,
        rows: Result<Vec<crate::rules::tally::Tally>, String>,
    },
    /// In the detail pane: the next field; that field's top / bottom values.
    #[serde(skip)]
    NextField,
    #[serde(skip)]
    TopValues,
    #[serde(skip)]
    BottomValues,
    /// The worker counted a field's values (or could not).
    #[serde(skip)]
    ValuesLoaded {
        id: u64,
        values: Result<super::data::FieldValues, String>,
    },
    /// When each pattern of the filtered events began.
    #[serde(skip)]
    Firsts {
        id: u64,
        times: Vec<i64>,
    },
    /// The worker recorded reviewed patterns (or could not).
    #[serde(skip)]
    PatternsMarked(Result<Vec<crate::patterns::known::Entry>, String>),
    /// The worker saved a query (or could not).
    #[serde(skip)]
    Saved(Result<super::saved::SavedQuery, String>),
    /// A character typed into the open prompt.
    #[serde(skip)]
    PromptChar(char),
    #[serde(skip)]
    PromptBackspace,
    /// A line-editing key in the open prompt (cursor, kills, history).
    #[serde(skip)]
    PromptEdit(super::prompt::Edit),
    #[serde(skip)]
    PromptSubmit,
    /// Wheel: lines down (positive) or up.
    #[serde(skip)]
    Scroll(i32),
    /// A click at a screen cell.
    #[serde(skip)]
    Click {
        x: u16,
        y: u16,
    },
    /// The terminal's size.
    #[serde(skip)]
    Resize {
        width: u16,
        height: u16,
    },
    /// The worker's answers.
    #[serde(skip)]
    Progress {
        done: u64,
        total: u64,
        file: String,
    },
    #[serde(skip)]
    Opened(Span),
    /// New events were indexed since (the logs grew).
    #[serde(skip)]
    Grew(Span),
    /// The index is up to date with the files (after opening): the span, with the notes of
    /// the update.
    #[serde(skip)]
    Indexed(Span),
    #[serde(skip)]
    Loaded(Loaded),
    #[serde(skip)]
    Timeline(TimelineData),
    #[serde(skip)]
    Counted {
        id: u64,
        hits: usize,
    },
    /// The events the view's filters let through.
    #[serde(skip)]
    ViewCounted {
        id: u64,
        events: usize,
    },
    /// Hits at or after the selected one (for its rank).
    #[serde(skip)]
    Ranked {
        id: u64,
        after: usize,
    },
    #[serde(skip)]
    Context {
        id: u64,
        events: Vec<super::data::LogEvent>,
    },
    #[serde(skip)]
    Failed(String),
    /// A message for the status line.
    #[serde(skip)]
    Notice(String),
    /// Notes about the files or the watching (kept for the notes pane; a new one is said).
    #[serde(skip)]
    Noted(Vec<String>),
    /// The worker applied a source's format or zone (the new span, what to say), or could not.
    #[serde(skip)]
    SourceSet(Result<(Span, String), String>),
}

impl Action {
    /// Parses a keymap action name (`"page_down"`).
    pub fn from_name(name: &str) -> Option<Action> {
        use serde::de::IntoDeserializer;
        let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
            name.into_deserializer();
        Action::deserialize(de).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_snake_case() {
        assert_eq!(Action::from_name("page_down"), Some(Action::PageDown));
        assert_eq!(Action::from_name("next_gap"), Some(Action::NextGap));
        assert_eq!(Action::from_name("PageDown"), None);
        assert_eq!(Action::from_name("prompt_char"), None);
    }
}
