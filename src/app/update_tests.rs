//! Tests of the state update, with the in-memory fake: every action, through the worker's
//! answers and back.

use super::data::{Effect, Loaded, Target};
use super::fake::Fake;
use super::serve;
use super::state::{FilterKind, Popup, PromptKind};
use super::{Action, AppState, LogSource, update};
use crate::event::Level;

/// 2026-10-03T00:00:00Z.
const T0: i64 = 1_790_985_600_000_000;
const MIN: i64 = 60_000_000;

/// A state wired to a fake: every effect is served at once and its answer applied.
struct H {
    s: AppState,
    src: Fake,
}

impl H {
    /// 2000 minutes of events with a silence from minute 1000 to 1060.
    fn new() -> H {
        H::with(Fake::minutes(T0, 2000, 1000..1060))
    }

    fn with(src: Fake) -> H {
        let mut h = H {
            s: AppState::new(80, 24),
            src,
        };
        h.s.now_us = T0 + 2000 * MIN;
        let span = h.src.span();
        h.act(Action::Opened(span));
        h
    }

    fn act(&mut self, a: Action) -> usize {
        let mut queue = update(&mut self.s, a);
        let mut served = 0;
        while let Some(e) = (!queue.is_empty()).then(|| queue.remove(0)) {
            served += 1;
            assert!(served < 100, "effects do not settle");
            let answer = serve(&self.src, e);
            queue.extend(update(&mut self.s, answer));
        }
        served
    }

    fn keys(&mut self, text: &str) {
        for c in text.chars() {
            self.act(Action::PromptChar(c));
        }
    }

    fn prompt(&mut self, open: Action, text: &str) {
        self.act(open);
        self.keys(text);
        self.act(Action::PromptSubmit);
    }

    fn sel(&self) -> &super::data::LogEvent {
        self.s.selected_event().expect("an event is selected")
    }

    fn minute(&self) -> i64 {
        (self.sel().ts - T0) / MIN
    }
}

#[test]
fn opening_shows_the_newest_events_and_the_timeline() {
    let h = H::new();
    assert_eq!(h.minute(), 1999);
    assert!(h.s.at_end && !h.s.at_start);
    assert_eq!(h.s.events.len(), 600);
    assert!(h.s.timeline.data.is_some());
    assert_eq!(h.s.cursor_us, h.sel().ts);
    assert!(h.s.status.as_ref().unwrap().text.contains("1940 events"));
}

#[test]
fn down_and_up_move_the_selection_and_the_cursor() {
    let mut h = H::new();
    h.act(Action::Up);
    assert_eq!(h.minute(), 1998);
    assert_eq!(h.s.cursor_us, h.sel().ts);
    h.act(Action::Down);
    h.act(Action::Down);
    assert_eq!(h.minute(), 1999, "stays on the last event");
    h.act(Action::Scroll(-3));
    assert_eq!(h.minute(), 1996);
    h.act(Action::Scroll(1));
    assert_eq!(h.minute(), 1997);
}

#[test]
fn pages_move_by_the_view_height_and_keep_the_selection_visible() {
    let mut h = H::new();
    let rows = super::layout::layout(&h.s).log.rows as i64;
    h.act(Action::PageUp);
    assert_eq!(h.minute(), 1999 - (rows - 1));
    assert!(h.s.top <= h.s.selected && h.s.selected < h.s.top + rows as usize);
    h.act(Action::PageDown);
    assert_eq!(h.minute(), 1999);
    h.act(Action::HalfPageUp);
    assert_eq!(h.minute(), 1999 - (rows - 1) / 2);
    h.act(Action::HalfPageDown);
    assert_eq!(h.minute(), 1999);
}

#[test]
fn scrolling_near_the_edge_loads_the_next_window() {
    let mut h = H::new();
    let first_loaded = h.s.events[0].ts;
    for _ in 0..35 {
        h.act(Action::PageUp);
    }
    assert!(
        h.s.events[0].ts < first_loaded,
        "an earlier window was loaded"
    );
    // Walking back across the silence and over the whole history arrives at the first event.
    for _ in 0..120 {
        h.act(Action::PageUp);
    }
    assert_eq!(h.minute(), 0);
    assert!(h.s.at_start);
}

#[test]
fn top_and_bottom_jump_to_the_ends() {
    let mut h = H::new();
    h.act(Action::Top);
    assert_eq!(h.minute(), 0);
    assert_eq!(h.s.top, 0);
    h.act(Action::Bottom);
    assert_eq!(h.minute(), 1999);
}

#[test]
fn search_highlights_counts_and_n_moves_between_hits() {
    let mut h = H::new();
    h.act(Action::Top);
    h.prompt(Action::Search, "login");
    assert!(h.s.prompt.is_none());
    assert_eq!(
        h.s.search.hits,
        Some(388),
        "every 5th minute outside the silence"
    );
    assert!(h.s.search.highlight.as_ref().unwrap().is_match("LOGIN"));
    assert_eq!(h.minute(), 5, "the first hit after the cursor");
    assert!(h.sel().hit);
    h.act(Action::NextHit);
    assert_eq!(h.minute(), 10);
    h.act(Action::PrevHit);
    h.act(Action::PrevHit);
    assert_eq!(h.minute(), 0);
    h.act(Action::PrevHit);
    assert_eq!(h.minute(), 0);
    assert_eq!(h.s.status.as_ref().unwrap().text, "no earlier hit");
    let hits = h.s.events.iter().filter(|e| e.hit).count();
    assert!(hits > 0 && hits < h.s.events.len());
    // An empty search clears it.
    h.prompt(Action::Search, "");
    assert!(h.s.search.expr.is_none());
    assert!(h.s.events.iter().all(|e| !e.hit));
}

/// Logs open at their end: a new search there goes to the last hit before it, not nowhere.
#[test]
fn a_new_search_with_no_later_hit_turns_back_to_the_nearest_earlier_one() {
    let mut h = H::new();
    h.act(Action::Bottom);
    assert_eq!(h.minute(), 1999);
    h.prompt(Action::Search, "login");
    assert_eq!(h.minute(), 1995, "the last hit");
    assert_eq!(
        h.s.status.as_ref().unwrap().text,
        "no later hit: the nearest earlier one is shown"
    );
    // `n` past the last hit stays put, as in less.
    h.act(Action::NextHit);
    assert_eq!(h.minute(), 1995);
    assert_eq!(h.s.status.as_ref().unwrap().text, "no later hit");
    // A new search from the last hit stays on it.
    h.prompt(Action::Search, "login");
    assert_eq!(h.minute(), 1995);
    h.prompt(Action::Search, "zebra");
    assert_eq!(h.minute(), 1995);
    assert_eq!(h.s.status.as_ref().unwrap().text, "no hit");
}

#[test]
fn an_invalid_search_shows_its_error_and_keeps_the_previous_one() {
    let mut h = H::new();
    h.prompt(Action::Search, "login");
    h.prompt(Action::Search, "status:[1 TO");
    let p = h.s.prompt.as_ref().expect("the prompt stays open");
    assert_eq!(p.kind, PromptKind::Search);
    assert!(p.error.as_ref().unwrap().contains("invalid query"), "{p:?}");
    assert_eq!(h.s.search.text, "login");
    h.act(Action::PromptChar(']'));
    assert!(
        h.s.prompt.as_ref().unwrap().error.is_none(),
        "typing clears the error"
    );
    h.act(Action::Close);
    assert!(h.s.prompt.is_none());
}

#[test]
fn n_without_a_search_says_so() {
    let mut h = H::new();
    assert_eq!(h.act(Action::NextHit), 0);
    assert!(h.s.status.as_ref().unwrap().error);
}

#[test]
fn keep_and_hide_filters_and_their_list() {
    let mut h = H::new();
    h.prompt(Action::FilterKeep, "login");
    assert!(h.s.events.iter().all(|e| e.text.contains("login")));
    h.prompt(Action::FilterHide, "db01");
    assert!(
        h.s.events
            .iter()
            .all(|e| e.text.contains("login") && !e.text.contains("db01"))
    );
    assert!(!h.s.events.is_empty());
    // The list: toggle the first filter off, then remove it.
    h.act(Action::Filters);
    assert_eq!(h.s.popup, Popup::Filters { selected: 0 });
    h.act(Action::ToggleFilter);
    assert!(!h.s.filters[0].enabled);
    assert!(h.s.events.iter().any(|e| !e.text.contains("login")));
    h.act(Action::Down);
    assert_eq!(h.s.popup, Popup::Filters { selected: 1 });
    h.act(Action::DeleteFilter);
    assert_eq!(h.s.filters.len(), 1);
    assert_eq!(h.s.filters[0].kind, FilterKind::Keep);
    h.act(Action::Filters);
    assert_eq!(h.s.popup, Popup::None);
    // An empty or invalid filter is refused in place.
    h.prompt(Action::FilterKeep, "");
    assert!(h.s.prompt.as_ref().unwrap().error.is_some());
}

#[test]
fn sources_can_be_hidden_and_shown() {
    let mut h = H::new();
    h.act(Action::Sources);
    assert_eq!(h.s.popup, Popup::Sources { selected: 0 });
    h.act(Action::Down);
    h.act(Action::Down);
    assert_eq!(h.s.popup, Popup::Sources { selected: 1 }, "two sources");
    h.act(Action::ToggleFilter);
    assert!(!h.s.events.is_empty());
    assert!(h.s.events.iter().all(|e| e.source == "db01/auth.log"));
    h.act(Action::ToggleFilter);
    assert!(h.s.filters.is_empty());
    assert!(h.s.events.iter().any(|e| e.source == "web01/syslog"));
    h.act(Action::Close);
    assert_eq!(h.s.popup, Popup::None);
}

#[test]
fn level_filters_toggle() {
    let mut h = H::new();
    h.act(Action::LevelError);
    assert_eq!(h.s.level, Some(Level::Error));
    assert!(h.s.events.iter().all(|e| e.level >= Some(Level::Error)));
    h.act(Action::LevelWarn);
    assert_eq!(h.s.level, Some(Level::Warn));
    h.act(Action::LevelWarn);
    assert_eq!(h.s.level, None);
    assert!(h.s.events.iter().any(|e| e.level == Some(Level::Info)));
    h.act(Action::LevelError);
    h.act(Action::LevelError);
    assert_eq!(h.s.level, None);
}

#[test]
fn marks_toggle_jump_and_clear() {
    let mut h = H::new();
    h.act(Action::ToggleMark);
    let far = h.sel().key();
    h.act(Action::Top);
    h.act(Action::ToggleMark);
    let near = h.sel().key();
    h.act(Action::Down);
    h.act(Action::NextMark);
    assert_eq!(h.sel().key(), far, "loads a window around a far mark");
    h.act(Action::PrevMark);
    assert_eq!(h.sel().key(), near);
    h.act(Action::PrevMark);
    assert_eq!(h.s.status.as_ref().unwrap().text, "no earlier mark");
    h.act(Action::ToggleMark);
    assert_eq!(h.s.marks.len(), 1);
    h.act(Action::ClearMarks);
    assert!(h.s.marks.is_empty());
}

#[test]
fn gaps_are_found_on_the_timeline() {
    let mut h = H::with(Fake::minutes(T0, 2000, 1000..1300));
    h.act(Action::Top);
    h.act(Action::Command);
    h.keys("bucket 30m");
    h.act(Action::PromptSubmit);
    let d = h.s.timeline.data.clone().unwrap();
    assert!(!d.gaps.is_empty(), "{:?}", d.gaps);
    h.act(Action::NextGap);
    assert_eq!(h.minute(), 1300, "the first event after the silence");
    assert!(
        h.s.status.as_ref().unwrap().text.contains("5h1m"),
        "{:?}",
        h.s.status
    );
    h.act(Action::NextGap);
    assert_eq!(h.minute(), 1300, "stays when there is no later gap");
    assert!(h.s.status.as_ref().unwrap().text.contains("no later gap"));
    h.act(Action::Bottom);
    h.act(Action::PrevGap);
    assert_eq!(h.minute(), 1300);
}

#[test]
fn gaps_beyond_the_timeline_on_screen_are_found_in_the_history() {
    let mut h = H::with(Fake::minutes(T0, 2000, 1000..1300));
    h.prompt(Action::Command, "bucket 5m");
    h.act(Action::Top);
    let d = h.s.timeline.data.clone().unwrap();
    assert!(
        d.gaps.is_empty() && d.end_us() < T0 + 1000 * MIN,
        "not in view"
    );
    h.act(Action::NextGap);
    assert_eq!(h.minute(), 1300);
    assert!(
        h.s.status.as_ref().unwrap().text.contains("5h"),
        "{:?}",
        h.s.status
    );
    h.act(Action::Bottom);
    h.act(Action::ToggleTimeline);
    h.act(Action::PrevGap);
    assert_eq!(h.minute(), 1300, "also with the timeline hidden");
}

#[test]
fn spikes_are_found_on_the_timeline() {
    let mut src = Fake::minutes(T0, 600, 0..0);
    let burst = src.events[300].clone();
    for i in 0..80 {
        let mut e = burst.clone();
        e.line = 10_000 + i;
        e.ts += i as i64 * 100_000;
        src.events.push(e);
    }
    src.events.sort_by_key(|e| e.key());
    let mut h = H::with(src);
    h.act(Action::Top);
    h.act(Action::Command);
    h.keys("bucket 5m");
    h.act(Action::PromptSubmit);
    h.act(Action::NextSpike);
    assert_eq!(h.minute(), 300);
    h.act(Action::NextSpike);
    assert!(h.s.status.as_ref().unwrap().text.contains("no later spike"));
    h.act(Action::Bottom);
    h.act(Action::PrevSpike);
    assert_eq!(h.minute(), 300);
}

#[test]
fn zoom_and_timeline_steps() {
    let mut h = H::new();
    let b = h.s.timeline.bucket_s;
    h.act(Action::ZoomIn);
    assert!(h.s.timeline.bucket_s < b);
    assert_eq!(
        h.s.timeline.data.as_ref().unwrap().bucket_us,
        h.s.timeline.bucket_s * 1_000_000
    );
    h.act(Action::ZoomOut);
    h.act(Action::ZoomOut);
    assert!(h.s.timeline.bucket_s > b);
    h.act(Action::Command);
    h.keys("bucket 1h");
    h.act(Action::PromptSubmit);
    h.act(Action::Top);
    h.act(Action::TimelineRight);
    assert_eq!(h.minute(), 60);
    h.act(Action::TimelineRight);
    h.act(Action::TimelineLeft);
    assert_eq!(h.minute(), 60);
    for _ in 0..20 {
        h.act(Action::ZoomOut);
    }
    assert_eq!(h.s.timeline.bucket_s, 2_592_000);
}

#[test]
fn toggles() {
    let mut h = H::new();
    h.act(Action::ToggleUtc);
    assert!(h.s.utc);
    h.act(Action::ToggleTimeline);
    assert!(!h.s.timeline.visible);
    h.act(Action::ToggleTimeline);
    assert!(h.s.timeline.visible);
    h.act(Action::ScrollRight);
    assert_eq!(h.s.hscroll, 8);
    h.act(Action::ScrollLeft);
    h.act(Action::ScrollLeft);
    assert_eq!(h.s.hscroll, 0);
    h.act(Action::ScrollRight);
    h.act(Action::ToggleWrap);
    assert!(h.s.wrap);
    assert_eq!(h.s.hscroll, 0);
    h.act(Action::ScrollRight);
    assert_eq!(h.s.hscroll, 0, "no horizontal scroll while wrapping");
}

#[test]
fn help_detail_and_close() {
    let mut h = H::new();
    h.act(Action::Help);
    assert_eq!(h.s.popup, Popup::Help { scroll: 0 });
    h.act(Action::Down);
    assert_eq!(h.s.popup, Popup::Help { scroll: 1 });
    assert_eq!(h.minute(), 1999, "keys scroll the popup, not the view");
    h.act(Action::Close);
    assert_eq!(h.s.popup, Popup::None);
    h.act(Action::Up);
    h.act(Action::Up);
    h.act(Action::Detail);
    assert_eq!(h.s.popup, Popup::Detail { scroll: 0 });
    let ctx: Vec<i64> = h.s.context.iter().map(|e| (e.ts - T0) / MIN).collect();
    assert_eq!(
        ctx,
        vec![1991, 1993, 1995, 1997, 1999],
        "its own file, unfiltered"
    );
    h.act(Action::Help);
    assert_eq!(h.s.popup, Popup::Help { scroll: 0 });
    h.act(Action::Help);
    assert_eq!(h.s.popup, Popup::None);
    h.s.set_status("x");
    h.act(Action::Close);
    assert!(h.s.status.is_none());
}

#[test]
fn the_help_is_searched_with_slash() {
    let mut h = H::new();
    h.s.help = super::help::text(&super::keymap::Keymap::load(None).unwrap());
    let all = h.s.help.len();
    h.act(Action::Help);
    h.act(Action::Down);
    h.act(Action::Search);
    let p = h.s.prompt.as_ref().expect("a prompt over the help");
    assert_eq!(p.kind, PromptKind::HelpSearch);
    assert!(
        matches!(h.s.popup, Popup::Help { .. }),
        "the help stays open"
    );
    // The list narrows as one types, from its top, ignoring case.
    h.keys("GAP");
    assert_eq!(h.s.popup, Popup::Help { scroll: 0 });
    let descs = |h: &H| -> Vec<String> {
        super::help::shown(&h.s)
            .iter()
            .map(|l| l.desc.clone())
            .collect()
    };
    assert_eq!(
        descs(&h),
        vec!["previous gap in the timeline", "next gap in the timeline"]
    );
    h.act(Action::PromptSubmit);
    assert!(h.s.prompt.is_none());
    assert_eq!(descs(&h).len(), 2, "kept after Enter");
    assert!(h.s.status.as_ref().unwrap().text.contains("2 lines"));
    assert_eq!(h.minute(), 1999, "the view did not move");
    // A key's name is found too; nothing found keeps the prompt and the last search.
    h.prompt(Action::Search, "xyzzy");
    let p = h.s.prompt.as_ref().unwrap();
    assert!(p.error.as_ref().unwrap().contains("xyzzy"), "{p:?}");
    h.act(Action::Close);
    assert_eq!(descs(&h).len(), 2);
    h.prompt(Action::Search, "ctrl-d");
    assert_eq!(descs(&h), vec!["half a page down"]);
    // Esc shows everything again, then closes; the help reopens whole.
    h.act(Action::Close);
    assert_eq!(super::help::shown(&h.s).len(), all);
    assert!(matches!(h.s.popup, Popup::Help { .. }));
    h.act(Action::Close);
    assert_eq!(h.s.popup, Popup::None);
    h.act(Action::Help);
    h.prompt(Action::Search, "wrap");
    h.act(Action::Help);
    h.act(Action::Help);
    assert_eq!(super::help::shown(&h.s).len(), all);
    // Outside the help, `/` is the log search as before.
    h.act(Action::Help);
    h.act(Action::Search);
    assert_eq!(h.s.prompt.as_ref().unwrap().kind, PromptKind::Search);
}

/// 2000 minutes of one event a minute, with a brute force of failed logins over minutes
/// 1500..1530 (one event in place of each quiet one: all events stay flat).
fn burst() -> Fake {
    let mut f = Fake::minutes(T0, 2000, 0..0);
    for e in &mut f.events[1500..1530] {
        e.message = "sshd: Failed password for root".into();
        e.text = format!("raw {}", e.message);
    }
    f.events[200].message = "sshd: Failed password for bob".into();
    f.events[200].text = "raw sshd: Failed password for bob".into();
    f
}

#[test]
fn a_search_makes_its_own_histogram() {
    let mut h = H::with(burst());
    h.act(Action::ZoomOut);
    let flat = h.s.timeline.data.clone().unwrap();
    assert!(flat.totals.is_empty());
    h.prompt(Action::Search, "failed");
    let d = h.s.timeline.data.clone().unwrap();
    let (hits, all): (u64, u64) = (d.counts.iter().sum(), d.totals.iter().sum());
    assert_eq!(hits, 31, "the bars count the hits");
    assert_eq!(
        all,
        flat.counts.iter().sum::<u64>(),
        "the all-events total beside"
    );
    assert_eq!(d.hits, d.counts);
    let top = d.counts.iter().copied().max().unwrap();
    let at = d.counts.iter().position(|&c| c == top).unwrap();
    let t = d.start_us + d.bucket_us * at as i64;
    assert!(
        (T0 + 1450 * MIN..T0 + 1530 * MIN).contains(&t),
        "the burst is the peak"
    );
    // `}` finds the brute force as a spike of hits; over all events there is none.
    h.act(Action::Top);
    h.act(Action::NextSpike);
    let m = h.minute();
    assert!((1440..1530).contains(&m), "went to {m}: {:?}", h.s.status);
    assert!(
        h.s.status.as_ref().unwrap().text.contains("hits"),
        "{:?}",
        h.s.status
    );
    // H: all events again, the hits on the axis.
    h.act(Action::ToggleTimelineHits);
    let d = h.s.timeline.data.clone().unwrap();
    assert!(d.totals.is_empty());
    assert_eq!(d.counts, flat.counts);
    assert_eq!(d.hits.iter().sum::<u64>(), 31);
    h.act(Action::ToggleTimelineHits);
    assert_eq!(
        h.s.timeline
            .data
            .as_ref()
            .unwrap()
            .counts
            .iter()
            .sum::<u64>(),
        31
    );
    // K: the search becomes a keep filter.
    h.act(Action::KeepSearch);
    assert!(h.s.search.expr.is_none());
    assert_eq!(h.s.filters.len(), 1);
    assert_eq!(h.s.filters[0].kind, FilterKind::Keep);
    // The filter holds what the search looked for: its word as a prefix.
    assert_eq!(h.s.filters[0].text, "failed*");
    assert_eq!(h.s.events.len(), 31);
    h.act(Action::KeepSearch);
    assert!(h.s.status.as_ref().unwrap().error, "no search to keep");
}

#[test]
fn commands() {
    let mut h = H::new();
    h.prompt(Action::Command, "goto 2026-10-03 02:00");
    // Local time is the process's zone: compare with what parse_time says.
    let want = crate::window::parse_time("2026-10-03 02:00", 0, &crate::time::Zone::Local).unwrap();
    assert!(h.sel().ts >= want && h.sel().ts < want + MIN);
    h.act(Action::ToggleUtc);
    h.prompt(Action::Command, "goto 2026-10-03T03:00:00Z");
    assert_eq!(h.minute(), 180);
    h.prompt(Action::Command, "goto -100m");
    assert_eq!(h.minute(), 1900);
    h.prompt(Action::Command, "since 10m");
    assert!(h.s.since.is_some());
    h.act(Action::Top);
    assert_eq!(h.minute(), 1990);
    h.prompt(Action::Command, "since off");
    assert!(h.s.since.is_none());
    h.prompt(Action::Command, "bucket 15m");
    assert_eq!(h.s.timeline.bucket_s, 900);
    h.prompt(Action::Command, "bucket 7x");
    assert!(
        h.s.prompt
            .as_ref()
            .unwrap()
            .error
            .as_ref()
            .unwrap()
            .contains("bucket")
    );
    h.act(Action::Close);
    h.prompt(Action::Command, "frobnicate");
    assert!(
        h.s.prompt
            .as_ref()
            .unwrap()
            .error
            .as_ref()
            .unwrap()
            .contains("unknown command")
    );
    h.act(Action::Close);
    h.prompt(Action::FilterKeep, "login");
    h.act(Action::LevelError);
    h.prompt(Action::Command, "clear");
    assert!(h.s.filters.is_empty() && h.s.level.is_none());
    h.prompt(Action::Command, "goto tomorrowish");
    assert!(
        h.s.prompt
            .as_ref()
            .unwrap()
            .error
            .as_ref()
            .unwrap()
            .contains("invalid time")
    );
    h.act(Action::Close);
    h.prompt(Action::Command, "q");
    assert!(h.s.quit);
}

#[test]
fn prompt_editing() {
    let mut h = H::new();
    h.act(Action::Search);
    h.keys("ab");
    h.act(Action::PromptBackspace);
    assert_eq!(h.s.prompt.as_ref().unwrap().text, "a");
    h.act(Action::PromptBackspace);
    h.act(Action::PromptBackspace);
    assert!(
        h.s.prompt.is_none(),
        "backspace on an empty prompt closes it"
    );
}

#[test]
fn clicks_jump_on_the_timeline_and_select_rows() {
    let mut h = H::new();
    let d = h.s.timeline.data.clone().unwrap();
    h.act(Action::Click { x: 3, y: 1 });
    assert!(h.sel().ts >= d.start_us + 3 * d.bucket_us);
    assert!(h.sel().ts < d.start_us + 5 * d.bucket_us);
    let l = super::layout::layout(&h.s);
    let top = h.s.top;
    h.act(Action::Click {
        x: 10,
        y: l.log.y + 2,
    });
    assert_eq!(h.s.selected, top + 2);
}

#[test]
fn resize_keeps_the_selection_visible_and_refits_the_timeline() {
    let mut h = H::new();
    h.act(Action::Resize {
        width: 160,
        height: 48,
    });
    assert_eq!(h.s.timeline.data.as_ref().unwrap().counts.len(), 160);
    h.act(Action::Resize {
        width: 80,
        height: 10,
    });
    let rows = super::layout::layout(&h.s).log.rows as usize;
    assert!(h.s.selected < h.s.top + rows);
}

#[test]
fn stale_answers_are_dropped() {
    let mut h = H::new();
    let before = h.s.events.clone();
    let fx = update(&mut h.s, Action::Top);
    let Some(Effect::Load { id, .. }) = fx.first().cloned() else {
        panic!("{fx:?}")
    };
    let _newer = update(&mut h.s, Action::Bottom);
    update(
        &mut h.s,
        Action::Loaded(Loaded {
            id,
            target: Target::Start,
            events: Vec::new(),
            at_start: true,
            at_end: true,
            note: None,
        }),
    );
    assert_eq!(h.s.events, before);
}

#[test]
fn progress_failure_and_quit() {
    let mut s = AppState::new(80, 24);
    update(
        &mut s,
        Action::Progress {
            done: 5,
            total: 10,
            file: "syslog".into(),
        },
    );
    assert_eq!(s.progress.as_ref().unwrap().done, 5);
    assert!(
        update(&mut s, Action::Down).is_empty(),
        "nothing to do before the index opens"
    );
    update(&mut s, Action::Failed("disk full".into()));
    assert!(s.status.as_ref().unwrap().error);
    update(&mut s, Action::Quit);
    assert!(s.quit);
}

#[test]
fn counted_answers_match_their_request() {
    let mut h = H::new();
    h.prompt(Action::Search, "login");
    let n = h.s.search.hits;
    update(&mut h.s, Action::Counted { id: 1, hits: 7 });
    assert_eq!(h.s.search.hits, n);
}

#[test]
fn save_and_run_queries() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = H::new();
    h.s.saved_path = Some(dir.path().join("queries.toml"));
    h.prompt(Action::Search, "login");
    h.prompt(Action::FilterHide, "db01");
    h.act(Action::LevelError);
    h.prompt(Action::Command, "since 1d");
    h.prompt(Action::Command, "save logins errors from web01");
    assert!(h.s.prompt.is_none());
    assert_eq!(h.s.saved.len(), 1);
    let q = h.s.saved[0].clone();
    assert_eq!(q.name, "logins");
    assert_eq!(q.description, "errors from web01");
    assert_eq!(
        (q.query.as_str(), q.hide.clone()),
        ("login", vec!["db01".to_string()])
    );
    assert_eq!(
        (q.level.as_deref(), q.since.as_deref()),
        (Some("error"), Some("1d"))
    );
    let on_disk = super::saved::load(&[dir.path().join("queries.toml")]).unwrap();
    assert_eq!(on_disk, vec![q]);
    // Saving the same name again is refused.
    h.prompt(Action::Command, "save logins");
    assert!(h.s.status.as_ref().unwrap().error);
    // Running it from a clean state restores everything.
    h.prompt(Action::Command, "clear");
    assert!(h.s.filters.is_empty() && h.s.search.expr.is_none());
    h.act(Action::SavedQueries);
    assert_eq!(h.s.popup, Popup::Saved { selected: 0 });
    h.act(Action::Choose);
    assert_eq!(h.s.popup, Popup::None);
    assert_eq!(h.s.search.text, "login");
    assert_eq!(h.s.level, Some(Level::Error));
    assert_eq!(h.s.filters.len(), 1);
    assert_eq!(h.s.since, Some(h.s.now_us - 86_400_000_000));
    assert!(
        h.s.events
            .iter()
            .all(|e| e.level >= Some(Level::Error) && !e.text.contains("db01"))
    );
    h.prompt(Action::Command, "clear");
    h.prompt(Action::Command, "run logins");
    assert_eq!(h.s.search.text, "login");
    h.prompt(Action::Command, "run nope");
    assert!(
        h.s.prompt
            .as_ref()
            .unwrap()
            .error
            .as_ref()
            .unwrap()
            .contains("no saved query")
    );
}

#[test]
fn export_writes_the_filtered_view() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.jsonl");
    let mut h = H::new();
    h.act(Action::LevelError);
    h.prompt(Action::Command, &format!("export {}", path.display()));
    assert!(
        h.s.status
            .as_ref()
            .unwrap()
            .text
            .starts_with("278 events written"),
        "{:?}",
        h.s.status
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 278);
    h.prompt(Action::Command, &format!("export {}", path.display()));
    assert!(h.s.status.as_ref().unwrap().error);
    h.prompt(Action::Command, &format!("export! {}", path.display()));
    assert!(!h.s.status.as_ref().unwrap().error);
}

#[test]
fn export_writes_the_hits_or_the_marked_events() {
    let dir = tempfile::tempdir().unwrap();
    let file = |n: &str| dir.path().join(n);
    let lines = |n: &str| std::fs::read_to_string(file(n)).unwrap();
    let mut h = H::new();
    let said = |h: &H| h.s.status.as_ref().unwrap().text.clone();
    // Nothing to export yet: said in the prompt.
    h.prompt(
        Action::Command,
        &format!("export --hits {}", file("h").display()),
    );
    assert!(
        h.s.prompt
            .as_ref()
            .unwrap()
            .error
            .as_ref()
            .unwrap()
            .contains("no search")
    );
    h.act(Action::Close);
    h.prompt(
        Action::Command,
        &format!("export --marked {}", file("m").display()),
    );
    assert!(
        h.s.prompt
            .as_ref()
            .unwrap()
            .error
            .as_ref()
            .unwrap()
            .contains("no marked")
    );
    h.act(Action::Close);
    // The hits of the view: errors that say login.
    h.act(Action::LevelError);
    h.prompt(Action::Search, "login");
    h.prompt(
        Action::Command,
        &format!("export --hits {}", file("h.jsonl").display()),
    );
    let want = (0..2000)
        .filter(|i| !(1000..1060).contains(i) && i % 7 == 3 && i % 5 == 0)
        .count();
    assert!(
        said(&h).starts_with(&format!("{want} hits written")),
        "{}",
        said(&h)
    );
    let text = lines("h.jsonl");
    assert_eq!(text.lines().count(), want);
    assert!(
        text.lines()
            .all(|l| l.contains("login") && l.contains("\"error\""))
    );
    // Two marks, one of them then hidden by a filter: both are written, in time order.
    h.act(Action::LevelError);
    h.act(Action::Top);
    h.act(Action::ToggleMark);
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::ToggleMark);
    h.prompt(Action::FilterHide, "request 2");
    h.prompt(
        Action::Command,
        &format!("export --marked {}", file("m.csv").display()),
    );
    assert!(
        said(&h).starts_with("2 marked events written"),
        "{}",
        said(&h)
    );
    let csv = lines("m.csv");
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows[0].contains("request 0 ") && rows[1].contains("request 2 "),
        "{csv}"
    );
}

#[test]
fn a_goto_past_the_logs_and_a_lowercase_operator_are_said() {
    let mut h = H::new();
    // "Now" is a day after the logs' end: -2h is past it.
    h.s.now_us = T0 + 3440 * MIN;
    h.prompt(Action::Command, "goto -2h");
    assert_eq!(h.minute(), 1999);
    let said = h.s.status.as_ref().unwrap().text.clone();
    assert!(
        said.contains("after the logs' last event") && said.contains("from now"),
        "{said}"
    );
    h.prompt(Action::Command, "goto 2020-01-01");
    assert!(
        h.s.status
            .as_ref()
            .unwrap()
            .text
            .contains("before the logs' first event")
    );
    h.prompt(Action::Search, "login and ok");
    assert_eq!(h.s.search.hits, Some(0));
    let st = h.s.status.clone().unwrap();
    assert!(
        st.error && st.text.contains("lowercase \"and\"") && st.text.contains("AND"),
        "{st:?}"
    );
    h.prompt(Action::Search, "request AND login");
    assert!(h.s.search.hits.unwrap() > 0);
    assert!(
        !h.s.status
            .as_ref()
            .is_some_and(|s| s.text.contains("lowercase"))
    );
}

#[test]
fn n_says_which_hit_it_is() {
    let mut h = H::new();
    h.act(Action::Top);
    h.prompt(Action::Search, "login");
    let total = h.s.search.hits.unwrap();
    let rank = |h: &H| {
        let (ts, after) = h.s.search.after.expect("ranked");
        assert_eq!(ts, h.sel().ts);
        total - after + 1
    };
    // From the first event (a hit itself), the search goes to the next one.
    assert_eq!(h.minute(), 5);
    assert_eq!(rank(&h), 2);
    h.act(Action::NextHit);
    h.act(Action::NextHit);
    assert_eq!(h.minute(), 15);
    assert_eq!(rank(&h), 4);
    h.act(Action::PrevHit);
    assert_eq!(rank(&h), 3);
    h.act(Action::Down);
    assert!(h.s.search.after.is_none() || h.sel().ts != h.s.search.after.unwrap().0);
}

#[test]
fn a_view_in_follow_mode_follows_new_events() {
    let mut h = H::new();
    h.act(Action::ToggleFollow);
    assert!(super::view::following(&h.s));
    let mut more = Fake::minutes(T0 + 2000 * MIN, 10, 0..0);
    for e in &mut more.events {
        e.line += 10_000;
    }
    h.src.events.extend(more.events.clone());
    let span = h.src.span();
    h.act(Action::Grew(span));
    assert_eq!(h.minute(), 2009, "moved on to the newest event");
    assert_eq!(h.s.span.as_ref().unwrap().events, 1950);
    // Scrolled up, the view stays where it is, and can still reach the new events.
    h.act(Action::Up);
    let here = h.sel().key();
    h.src
        .events
        .extend(Fake::minutes(T0 + 2010 * MIN, 5, 0..0).events);
    let span = h.src.span();
    h.act(Action::Grew(span));
    assert_eq!(h.sel().key(), here);
    assert!(!super::view::following(&h.s));
    h.act(Action::Bottom);
    assert_eq!(h.minute(), 2014);
}

#[test]
fn f_toggles_follow_and_scrolling_up_pauses_it_counting_new_events() {
    let mut h = H::new();
    h.act(Action::Top);
    assert!(!super::view::following(&h.s));
    h.act(Action::ToggleFollow);
    assert!(h.s.follow && super::view::following(&h.s));
    assert_eq!(h.minute(), 1999, "F jumps to the newest event");
    h.act(Action::Up);
    assert!(!h.s.follow, "scrolling up pauses follow");
    h.src
        .events
        .extend(Fake::minutes(T0 + 2000 * MIN, 7, 0..0).events);
    let span = h.src.span();
    h.act(Action::Grew(span));
    assert_eq!(super::view::new_since_pause(&h.s), Some(7));
    h.act(Action::ToggleFollow);
    assert_eq!(h.minute(), 2006, "resumed on the newest event");
    assert_eq!(super::view::new_since_pause(&h.s), None);
    h.act(Action::ToggleFollow);
    assert!(!h.s.follow);
}

#[test]
fn an_index_being_built_fills_the_view_in_and_then_says_it_is_done() {
    let mut s = AppState::new(80, 24);
    let progress = Action::Progress {
        done: 0,
        total: 0,
        file: String::new(),
    };
    update(&mut s, progress);
    // Nothing indexed yet: no "no events found" while the progress bar runs.
    update(&mut s, Action::Opened(super::data::Span::default()));
    assert!(s.status.is_none(), "{:?}", s.status);
    assert!(s.progress.is_some());
    // The indexer's first commit: the view opens on it, at the end.
    let mut h = H {
        s,
        src: Fake::minutes(T0, 200, 50..60),
    };
    let span = h.src.span();
    h.act(Action::Grew(span.clone()));
    assert!(!h.s.events.is_empty(), "the first events are shown");
    assert!(h.s.at_end);
    assert!(h.s.progress.is_some(), "still indexing");
    assert!(h.s.timeline.data.is_some(), "the timeline is drawn");
    // Done: the bar goes, the notes of the update are said.
    let mut done = span;
    done.notes = vec!["x.gz: truncated; what could be read was indexed".into()];
    h.act(Action::Indexed(done));
    assert!(h.s.progress.is_none());
    let status = h.s.status.as_ref().unwrap();
    assert!(status.error && status.text.contains("x.gz: truncated"));
}

/// Empties the open prompt (Backspace on an empty prompt would close it).
fn clear_prompt(h: &mut H) {
    h.act(Action::PromptEdit(super::prompt::Edit::End));
    h.act(Action::PromptEdit(super::prompt::Edit::KillStart));
}

/// The sources pane on its second file (`/logs/web01/syslog`).
fn on_web01() -> H {
    let mut h = H::new();
    h.act(Action::Sources);
    h.act(Action::Down);
    assert_eq!(h.s.popup, Popup::Sources { selected: 1 });
    h
}

fn web01(h: &H) -> &super::data::SourceInfo {
    &h.s.span.as_ref().unwrap().files[1]
}

#[test]
fn a_sources_zone_is_set_through_the_worker_and_shown() {
    let mut h = on_web01();
    h.act(Action::SourceZone);
    let p = h.s.prompt.clone().expect("a prompt");
    assert_eq!(p.kind, PromptKind::Zone);
    assert_eq!(p.text, "UTC", "prefilled with the zone in use");
    assert_eq!(p.target.as_deref(), Some("/logs/web01/syslog"));
    assert_eq!(p.label(), "zone of syslog: ");
    clear_prompt(&mut h);
    h.keys("Asia/Tokyo");
    h.act(Action::PromptSubmit);
    assert_eq!(h.s.prompt, None);
    assert_eq!(h.s.popup, Popup::Sources { selected: 1 }, "the pane stays");
    let f = web01(&h);
    assert_eq!(
        (f.zone.as_str(), f.set_zone.as_deref()),
        ("Asia/Tokyo", Some("Asia/Tokyo"))
    );
    let status = h.s.status.clone().unwrap();
    assert!(!status.error);
    assert_eq!(status.text, "web01/syslog: zone Asia/Tokyo; re-read 1 file");
    assert!(!h.s.events.is_empty(), "the view reloaded");
    // The other file is untouched.
    assert_eq!(h.s.span.as_ref().unwrap().files[0].set_zone, None);
}

#[test]
fn a_sources_format_is_checked_in_place_and_an_empty_value_removes_it() {
    let mut h = on_web01();
    h.act(Action::SourceFormat);
    assert_eq!(h.s.prompt.as_ref().unwrap().text, "rfc3164");
    clear_prompt(&mut h);
    h.keys("nope");
    let fx = update(&mut h.s, Action::PromptSubmit);
    assert!(fx.is_empty(), "nothing is written: {fx:?}");
    let err = h.s.prompt.as_ref().unwrap().error.clone().unwrap();
    assert!(
        err.starts_with("unknown format \"nope\" (formats: "),
        "{err}"
    );
    assert!(err.contains("logfmt"), "{err}");
    clear_prompt(&mut h);
    h.keys("json");
    h.act(Action::PromptSubmit);
    assert_eq!(web01(&h).set_format.as_deref(), Some("json"));
    assert_eq!(web01(&h).format, "json");
    // Again: prefilled with the override; emptied, it goes back to detection.
    h.act(Action::SourceFormat);
    assert_eq!(h.s.prompt.as_ref().unwrap().text, "json");
    clear_prompt(&mut h);
    h.act(Action::PromptSubmit);
    assert_eq!(h.s.prompt, None);
    assert_eq!(web01(&h).set_format, None);
    assert_eq!(web01(&h).format, "rfc3164");
    assert!(h.src.settings.borrow().is_empty(), "the entry is gone");
    assert!(
        h.s.status
            .as_ref()
            .unwrap()
            .text
            .starts_with("web01/syslog: format detected"),
        "{:?}",
        h.s.status
    );
}

#[test]
fn a_bad_zone_is_refused_and_esc_or_an_unchanged_value_changes_nothing() {
    let mut h = on_web01();
    h.act(Action::SourceZone);
    clear_prompt(&mut h);
    h.keys("Mars/Base");
    let fx = update(&mut h.s, Action::PromptSubmit);
    assert!(fx.is_empty());
    let err = h.s.prompt.as_ref().unwrap().error.clone().unwrap();
    assert!(err.starts_with("unknown time zone \"Mars/Base\""), "{err}");
    h.act(Action::Close);
    assert_eq!(h.s.prompt, None, "Esc cancels");
    assert_eq!(h.s.popup, Popup::Sources { selected: 1 });
    // The value in use, submitted as it is: nothing to write.
    update(&mut h.s, Action::SourceZone);
    let fx = update(&mut h.s, Action::PromptSubmit);
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(
        h.s.status.as_ref().unwrap().text,
        "web01/syslog: zone UTC (unchanged)"
    );
    assert!(h.src.settings.borrow().is_empty());
    // The worker's refusal (an unwritable config, say) is said.
    h.act(Action::SourceSet(Err(
        "web01/syslog: zone UTC: not changed: /cfg/config.toml: cannot write".into(),
    )));
    let status = h.s.status.clone().unwrap();
    assert!(status.error && status.text.contains("/cfg/config.toml"));
}

#[test]
fn f_and_z_act_in_the_sources_pane_and_on_the_selected_events_file() {
    let map = super::keymap::Keymap::load(None).unwrap();
    let mut h = on_web01();
    assert_eq!(
        super::keymap::route(&h.s, &map, "f"),
        Some(Action::SourceFormat)
    );
    assert_eq!(
        super::keymap::route(&h.s, &map, "z"),
        Some(Action::SourceZone)
    );
    h.act(Action::Close);
    // Bound by name elsewhere (a user's keymap): the selected event's file.
    h.act(Action::SourceZone);
    let p = h.s.prompt.clone().unwrap();
    assert_eq!(p.target.as_deref(), Some(h.sel().path.as_str()));
}

// Issue 16: what a new user tripped over.

/// db01 stops at minute 1700 while web01 goes on to minute 1999.
fn db01_stops() -> H {
    let mut f = Fake::minutes(T0, 2000, 0..0);
    f.events.retain(|e| e.file == 0 || (e.ts - T0) / MIN < 1700);
    H::with(f)
}

#[test]
fn a_gap_ends_where_the_logs_end_not_at_the_timelines_edge() {
    let mut h = db01_stops();
    h.prompt(Action::FilterKeep, "host:db01");
    h.prompt(Action::Command, "bucket 1h");
    let d = h.s.timeline.data.clone().unwrap();
    let last = h.s.span.as_ref().unwrap().last.unwrap();
    assert!(!d.gaps.is_empty(), "db01's silence is a gap");
    for &(_, end) in &d.gaps {
        assert!(
            d.start_us + d.bucket_us * end as i64 <= last,
            "gap {:?} runs past the logs' last event",
            d.gaps
        );
    }
}

/// Rows of the log view holding events, from the top one down.
fn filled_rows(h: &H) -> usize {
    let rows = super::layout::layout(&h.s).log.rows as usize;
    let used: usize = h.s.events[h.s.top..]
        .iter()
        .map(|e| super::layout::event_rows(&h.s, e))
        .sum();
    used.min(rows)
}

#[test]
fn growing_the_terminal_fills_the_view_again() {
    let mut h = H::new();
    for (w, ht) in [(160, 48), (80, 24), (160, 48), (20, 5), (160, 48)] {
        h.act(Action::Resize {
            width: w,
            height: ht,
        });
        let rows = super::layout::layout(&h.s).log.rows as usize;
        assert_eq!(filled_rows(&h), rows, "at {w}x{ht}");
        assert_eq!(h.minute(), 1999, "the selection stays");
    }
}

#[test]
fn a_new_filter_says_which_key_lists_the_filters() {
    let mut h = H::new();
    h.prompt(Action::FilterKeep, "login");
    let text = &h.s.status.as_ref().unwrap().text;
    assert!(
        text.contains("L lists them") && !text.contains("F lists"),
        "{text}"
    );
    assert!(text.contains("1 filter on"), "{text}");
}

#[test]
fn a_popup_owns_the_keys_it_is_given() {
    let mut h = H::new();
    h.act(Action::Top);
    let here = h.sel().key();
    h.act(Action::Sources);
    h.act(Action::Bottom);
    assert_eq!(h.s.popup, Popup::Sources { selected: 1 }, "G: last source");
    assert_eq!(h.sel().key(), here, "the view behind did not move");
    assert!(!h.s.follow);
    h.act(Action::Top);
    assert_eq!(h.s.popup, Popup::Sources { selected: 0 }, "g: first source");
    for a in [
        Action::LevelError,
        Action::NextGap,
        Action::ToggleMark,
        Action::ZoomIn,
        Action::ToggleFollow,
    ] {
        h.act(a.clone());
        assert!(h.s.popup != Popup::None, "{a:?} closed the popup");
    }
    assert_eq!(h.sel().key(), here);
    assert!(h.s.level.is_none() && h.s.marks.is_empty() && !h.s.follow);
    // The key that opened it closes it; so does Esc.
    h.act(Action::Sources);
    assert_eq!(h.s.popup, Popup::None);
    h.act(Action::Help);
    h.act(Action::Bottom);
    assert!(matches!(h.s.popup, Popup::Help { scroll } if scroll > 0));
    h.act(Action::Close);
    assert_eq!(h.sel().key(), here);
}

#[test]
fn following_is_said_only_in_follow_mode_and_f_says_what_it_did() {
    let mut h = H::new();
    let parts = crate::ui::status::parts(&h.s);
    assert!(!parts.iter().any(|p| p == "following"), "{parts:?}");
    h.act(Action::ToggleFollow);
    assert!(h.s.follow);
    assert!(
        crate::ui::status::parts(&h.s)
            .iter()
            .any(|p| p == "following")
    );
    let text = &h.s.status.as_ref().unwrap().text;
    assert!(text.contains("following new events"), "{text}");
    h.act(Action::ToggleFollow);
    assert!(!h.s.follow);
    let text = &h.s.status.as_ref().unwrap().text;
    assert!(text.contains("follow off"), "{text}");
}

#[test]
fn without_follow_mode_new_events_are_counted_not_scrolled_to() {
    let mut h = H::new();
    let here = h.sel().key();
    h.src
        .events
        .extend(Fake::minutes(T0 + 2000 * MIN, 5, 0..0).events);
    let span = h.src.span();
    h.act(Action::Grew(span));
    assert_eq!(h.sel().key(), here, "the view stays");
    assert_eq!(super::view::new_since_pause(&h.s), Some(5));
    h.act(Action::Bottom);
    assert_eq!(h.minute(), 2004);
    assert_eq!(super::view::new_since_pause(&h.s), None, "seen at the end");
}

#[test]
fn an_unknown_command_lists_every_command() {
    let mut h = H::new();
    h.prompt(Action::Command, "frobnicate");
    let err = h.s.prompt.as_ref().unwrap().error.clone().unwrap();
    for c in [
        "goto", "bucket", "since", "save", "run", "export", "clear", "quit",
    ] {
        assert!(err.contains(c), "{c} missing from {err}");
    }
}

#[test]
fn with_nothing_to_show_no_timeline_is_asked_for_and_the_notes_say_why() {
    let mut s = AppState::new(80, 24);
    let span = super::data::Span {
        notes: vec!["/bin/ls: binary file (executable); skipped".into()],
        ..Default::default()
    };
    let fx = update(&mut s, Action::Opened(span));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Timeline { .. })),
        "no histogram of nothing: {fx:?}"
    );
    assert!(s.status.as_ref().unwrap().text.contains("/bin/ls"));
}

/// Keys as the terminal names them, routed through the default keymap.
fn press(h: &mut H, keys: &[&str]) {
    let map = super::keymap::Keymap::load(None).unwrap();
    for k in keys {
        if let Some(a) = super::keymap::route(&h.s, &map, k) {
            h.act(a);
        }
    }
}

#[test]
fn the_zone_prompt_is_replaced_by_typing_and_ctrl_u_clears_a_prompt() {
    let mut h = on_web01();
    h.act(Action::SourceZone);
    h.keys("Europe/Berlin");
    assert_eq!(h.s.prompt.as_ref().unwrap().text, "Europe/Berlin");
    press(&mut h, &["ctrl-u"]);
    assert_eq!(h.s.prompt.as_ref().unwrap().text, "");
    h.act(Action::Close);
    h.act(Action::Close);
    h.act(Action::Search);
    h.keys("sshd failed");
    press(&mut h, &["ctrl-w"]);
    assert_eq!(h.s.prompt.as_ref().unwrap().text, "sshd ");
    press(&mut h, &["ctrl-a"]);
    h.keys("host:web01 ");
    press(&mut h, &["ctrl-e"]);
    h.keys("login");
    assert_eq!(h.s.prompt.as_ref().unwrap().text, "host:web01 sshd login");
    press(&mut h, &["left", "left", "delete", "ctrl-k"]);
    assert_eq!(h.s.prompt.as_ref().unwrap().text, "host:web01 sshd log");
}

#[test]
fn up_and_down_recall_each_prompts_own_lines_and_the_session_keeps_them() {
    let mut h = H::new();
    h.prompt(Action::Search, "login");
    h.prompt(Action::Command, "bucket 5m");
    h.prompt(Action::Search, "request 7");
    h.act(Action::Search);
    press(&mut h, &["up"]);
    assert_eq!(h.s.prompt.as_ref().unwrap().text, "request 7");
    press(&mut h, &["up"]);
    assert_eq!(h.s.prompt.as_ref().unwrap().text, "login", "not the : line");
    press(&mut h, &["down", "down"]);
    assert_eq!(
        h.s.prompt.as_ref().unwrap().text,
        "",
        "back to what was typed"
    );
    h.act(Action::Close);
    h.act(Action::Command);
    press(&mut h, &["up"]);
    assert_eq!(h.s.prompt.as_ref().unwrap().text, "bucket 5m");
    h.act(Action::Close);
    let saved = super::session::Session::of(&h.s).unwrap();
    let back = super::session::Session::from_json(&saved.to_json()).unwrap();
    assert_eq!(back.history["search"], vec!["login", "request 7"]);
    let mut again = H::new();
    let fx = super::session::restore(&mut again.s, back);
    drop(fx);
    again.act(Action::Search);
    press(&mut again, &["up"]);
    assert_eq!(again.s.prompt.as_ref().unwrap().text, "request 7");
}

#[test]
fn a_gap_too_short_for_this_zoom_is_found_at_a_finer_one_with_its_real_silence() {
    let mut h = H::with(Fake::minutes(T0, 2000, 1000..1045));
    h.prompt(Action::Command, "bucket 1h");
    h.act(Action::Top);
    h.act(Action::NextGap);
    assert_eq!(h.minute(), 1045, "the first event after the silence");
    let text = &h.s.status.as_ref().unwrap().text;
    assert!(text.contains("gap: 46m without events"), "{text}");
    assert!(text.contains("found at 10m buckets"), "{text}");
}

/// Events with three patterns: `request <num> ok` (most), `request <num> login`, and one
/// `disk <num> full` late (the 1400th event: minute 1460, after the silence).
fn with_patterns() -> H {
    let mut src = Fake::minutes(T0, 2000, 1000..1060);
    for (i, e) in src.events.iter_mut().enumerate() {
        if i == 1400 {
            e.message = "disk 7 full".into();
            e.text = "raw disk 7 full".into();
        }
    }
    H::with(src)
}

#[test]
fn the_patterns_pane_lists_the_filtered_patterns_and_enter_keeps_only_one() {
    let mut h = with_patterns();
    h.act(Action::Patterns);
    assert!(matches!(h.s.popup, Popup::Patterns { selected: 0 }));
    let rows = super::pattern_rows::shown(&h.s);
    let templates: Vec<&str> = rows.iter().map(|r| r.template.as_str()).collect();
    assert_eq!(
        templates,
        ["request <num> ok", "request <num> login", "disk <num> full"]
    );
    let total: u64 = rows.iter().map(|r| r.count).sum();
    assert_eq!(total as usize, h.src.events.len());
    let busiest = rows[0].id.clone();
    // The timeline counts the selected pattern's events.
    let Some(Effect::Timeline { query, hits, .. }) = super::view::timeline_fx(&mut h.s, true)
    else {
        panic!("a timeline is asked for");
    };
    assert!(hits);
    assert_eq!(
        query.search,
        Some(crate::query::parse(&format!("pattern:{busiest}")).unwrap())
    );
    // Keys of the view do nothing here; `s` orders by fewest events.
    h.act(Action::SortPatterns);
    let first = super::pattern_rows::shown(&h.s)[0].template.clone();
    assert_eq!(first, "disk <num> full");
    h.act(Action::Choose);
    assert_eq!(h.s.popup, Popup::None);
    assert_eq!(h.s.filters.len(), 1);
    assert_eq!(h.s.filters[0].kind, FilterKind::Keep);
    assert!(h.s.filters[0].text.starts_with("pattern:"));
    assert!(
        h.s.events.iter().all(|e| e.message == "disk 7 full"),
        "only that pattern is shown"
    );
    assert_eq!(h.s.events.len(), 1);
}

#[test]
fn the_patterns_pane_hides_a_pattern_searches_templates_and_marks_one_reviewed() {
    let mut h = with_patterns();
    h.act(Action::Patterns);
    h.act(Action::Search);
    assert_eq!(
        h.s.prompt.as_ref().map(|p| p.kind),
        Some(PromptKind::PatternSearch)
    );
    h.keys("LOGIN");
    // Live while typing, ignoring case.
    let rows = super::pattern_rows::shown(&h.s);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].template, "request <num> login");
    h.act(Action::PromptSubmit);
    assert!(h.s.prompt.is_none());
    // `a`: recorded in known.toml, and shown as reviewed.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("known.toml");
    h.s.known_path = Some(path.clone());
    let id = super::pattern_rows::shown(&h.s)[0].id.clone();
    h.act(Action::MarkPattern);
    assert_eq!(
        h.s.known.get(&id),
        Some(&crate::patterns::known::Status::Reviewed)
    );
    let known = crate::patterns::known::load(std::slice::from_ref(&path), None).unwrap();
    assert_eq!(known.get(&id).unwrap().template, "app: request <num> login");
    // Esc drops the search first, then `!` hides the selected (busiest) pattern.
    h.act(Action::Close);
    assert!(matches!(h.s.popup, Popup::Patterns { .. }));
    assert_eq!(super::pattern_rows::shown(&h.s).len(), 3);
    h.act(Action::HidePattern);
    assert_eq!(h.s.popup, Popup::None);
    assert_eq!(h.s.filters[0].kind, FilterKind::Hide);
    assert!(h.s.events.iter().all(|e| !e.message.ends_with(" ok")));
}

#[test]
fn first_occurrences_are_where_the_view_goes_with_greater_and_less() {
    let mut h = with_patterns();
    h.act(Action::Top);
    // From the first event: `request <num> login` begins at minute 0 (the first event
    // itself), `request <num> ok` at minute 1, `disk <num> full` at minute 1460.
    h.act(Action::NextFirstOccurrence);
    assert_eq!(h.s.selected_event().unwrap().ts, T0 + MIN);
    h.act(Action::NextFirstOccurrence);
    let e = h.s.selected_event().unwrap();
    assert_eq!((e.ts, e.message.as_str()), (T0 + 1460 * MIN, "disk 7 full"));
    assert!(
        h.s.status
            .as_ref()
            .unwrap()
            .text
            .contains("first occurrence of")
    );
    h.act(Action::NextFirstOccurrence);
    assert_eq!(
        h.s.selected_event().unwrap().ts,
        T0 + 1460 * MIN,
        "none later: stays"
    );
    assert!(
        h.s.status
            .as_ref()
            .unwrap()
            .text
            .contains("no pattern begins after")
    );
    h.act(Action::PrevFirstOccurrence);
    assert_eq!(h.s.selected_event().unwrap().ts, T0 + MIN);
}

#[test]
fn a_fields_top_values_from_the_detail_pane_and_enter_keeps_one() {
    let mut h = H::new();
    // Hosts: web01 on even minutes, db01 on odd ones; errors on every 7th.
    let (web, db) = (
        h.src
            .events
            .iter()
            .filter(|e| e.host.as_deref() == Some("web01"))
            .count() as u64,
        h.src
            .events
            .iter()
            .filter(|e| e.host.as_deref() == Some("db01"))
            .count() as u64,
    );
    h.act(Action::Detail);
    // Fields: level, host, program. Tab picks host.
    h.act(Action::NextField);
    assert_eq!(
        super::field_values::selected_field(&h.s).map(|f| f.0),
        Some("host".to_string())
    );
    h.act(Action::TopValues);
    assert!(matches!(h.s.popup, Popup::Values { selected: 0 }));
    let v = h.s.values.clone().unwrap();
    let mut want = vec![("web01".to_string(), web), ("db01".to_string(), db)];
    want.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    assert_eq!(v.values, want);
    h.act(Action::Close);
    h.act(Action::Detail);
    h.act(Action::NextField);
    h.act(Action::BottomValues);
    let bottom = h.s.values.clone().unwrap();
    assert!(bottom.bottom);
    let mut least = want.clone();
    least.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    assert_eq!(bottom.values, least, "least frequent first");
    // Enter keeps the events with the selected value.
    h.act(Action::Down);
    h.act(Action::Choose);
    let host = least[1].0.clone();
    assert_eq!(h.s.popup, Popup::None);
    assert_eq!(h.s.filters[0].text, format!("host:\"{host}\""));
    assert!(!h.s.events.is_empty());
    assert!(
        h.s.events
            .iter()
            .all(|e| e.host.as_deref() == Some(host.as_str())),
        "only that host"
    );
}

#[test]
fn the_status_line_counts_the_events_the_filters_let_through_and_names_the_filters() {
    let mut h = H::new();
    let all = h.src.events.len();
    let parts = crate::ui::status::parts(&h.s).join(" | ");
    assert!(parts.contains(&format!(
        "{} events",
        crate::ui::status::thousands(all as u64)
    )));
    assert!(!parts.contains(" of "), "{parts}");
    h.prompt(Action::FilterKeep, "login");
    let logins = h
        .src
        .events
        .iter()
        .filter(|e| e.text.contains("login"))
        .count();
    assert_eq!(h.s.view_events, Some(logins));
    h.prompt(Action::FilterHide, "level:error");
    let shown = h
        .src
        .events
        .iter()
        .filter(|e| e.text.contains("login") && e.level != Some(Level::Error))
        .count();
    assert_eq!(h.s.view_events, Some(shown));
    let parts = crate::ui::status::parts(&h.s).join(" | ");
    assert!(
        parts.contains(&format!(
            "{} of {} events",
            crate::ui::status::thousands(shown as u64),
            crate::ui::status::thousands(all as u64)
        )),
        "{parts}"
    );
    assert!(parts.contains("1 keep, 1 hide filter"), "{parts}");
    assert!(!parts.contains("&1"), "{parts}");
}

#[test]
fn files_with_no_timestamps_are_hidden_once_and_space_in_the_sources_shows_them() {
    let src = Fake::minutes(T0, 200, 0..0);
    src.settings
        .borrow_mut()
        .insert("/logs/web01/syslog".into(), (Some("text".into()), None));
    let mut h = H::with(src);
    assert_eq!(h.s.filters.len(), 1);
    assert_eq!(h.s.filters[0].kind, FilterKind::Hide);
    assert!(
        h.s.status
            .as_ref()
            .unwrap()
            .text
            .contains("1 file with no timestamps hidden"),
        "{:?}",
        h.s.status
    );
    assert!(!h.s.events.is_empty());
    assert!(h.s.events.iter().all(|e| e.source == "db01/auth.log"));
    // Shown again from the sources pane, and not hidden again when the index grows.
    h.act(Action::Sources);
    h.act(Action::Down);
    h.act(Action::ToggleFilter);
    assert!(h.s.filters.is_empty());
    let span = h.src.span();
    h.act(Action::Indexed(span));
    assert!(h.s.filters.is_empty(), "hidden once, when first met");
}

#[test]
fn when_every_file_has_no_timestamps_none_is_hidden() {
    let src = Fake::minutes(T0, 200, 0..0);
    for p in ["/logs/web01/syslog", "/logs/db01/auth.log"] {
        src.settings
            .borrow_mut()
            .insert(p.into(), (Some("text".into()), None));
    }
    let h = H::with(src);
    assert!(h.s.filters.is_empty());
    assert!(!h.s.events.is_empty());
}

#[test]
fn the_timeline_knows_when_each_pattern_began_for_the_filters_in_force() {
    let mut h = with_patterns();
    // `request <num> login` at minute 0, `request <num> ok` at 1, `disk <num> full` at 1460.
    assert_eq!(h.s.pattern_firsts, vec![T0, T0 + MIN, T0 + 1460 * MIN]);
    h.prompt(Action::FilterHide, "login");
    assert_eq!(h.s.pattern_firsts, vec![T0 + MIN, T0 + 1460 * MIN]);
}

/// A rules file in a temporary folder: errors 3 in 30m per host, every login, a saved query's
/// logins, and a disk rule that matches nothing.
fn with_rules(h: &mut H) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.toml");
    std::fs::write(
        &path,
        "[[rule]]\nname = \"errors\"\nquery = \"level:error\"\nseverity = \"error\"\n\
         count = 3\nwindow = \"30m\"\nby = \"host\"\n\n\
         [[rule]]\nname = \"logins\"\nquery = \"login\"\nseverity = \"info\"\nquiet = \"1h\"\n\n\
         [[rule]]\nname = \"saved-logins\"\nsaved = \"web logins\"\n\n\
         [[rule]]\nname = \"disk\"\nquery = '\"disk full\"'\nseverity = \"crit\"\n",
    )
    .unwrap();
    h.s.rules.files = vec![path];
    h.s.saved = vec![super::saved::SavedQuery {
        name: "web logins".into(),
        query: "login".into(),
        keep: vec!["host:web01".into()],
        ..Default::default()
    }];
    dir
}

fn rule_rows(h: &H) -> Vec<(String, u64, u64)> {
    h.s.rules
        .rows
        .iter()
        .flatten()
        .map(|r| (r.name.clone(), r.alerts, r.matches))
        .collect()
}

#[test]
fn the_rules_pane_counts_matches_and_alerts_in_the_window_and_enter_keeps_a_rule() {
    let mut h = H::new();
    let _dir = with_rules(&mut h);
    // The last 100 minutes (1900..1999): errors at 1900 + 7k, web01 on even minutes (8),
    // db01 on odd ones (7): each host fires at its 3rd and 6th error within 30 minutes.
    h.prompt(Action::Command, "since 100m");
    h.act(Action::Rules);
    assert!(matches!(h.s.popup, Popup::Rules { selected: 0 }));
    assert_eq!(
        rule_rows(&h),
        [
            // web01's logins (every 10th minute), each an alert.
            ("saved-logins".to_string(), 10, 10),
            ("errors".to_string(), 4, 15),
            // Every 5th minute is a login (20); quiet 1h: it fires at 1900 and 1960.
            ("logins".to_string(), 2, 20),
            ("disk".to_string(), 0, 0),
        ]
    );
    let rows = h.s.rules.rows.clone().unwrap();
    assert_eq!(rows[1].kind, "3 in 30m by host");
    assert_eq!(rows[1].severity, "error");
    assert_eq!(rows[0].query, "(login) AND (host:web01)");
    // The view's filters narrow the counts.
    h.act(Action::Close);
    h.prompt(Action::FilterKeep, "host:web01");
    h.act(Action::Rules);
    assert_eq!(
        rule_rows(&h),
        [
            ("saved-logins".to_string(), 10, 10),
            // As many alerts: more matches first.
            ("logins".to_string(), 2, 10),
            ("errors".to_string(), 2, 8),
            ("disk".to_string(), 0, 0),
        ]
    );
    // Enter on the errors rule keeps its events.
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::Choose);
    assert_eq!(h.s.popup, Popup::None);
    assert_eq!(h.s.filters.len(), 2);
    assert_eq!(h.s.filters[1].kind, FilterKind::Keep);
    assert_eq!(h.s.filters[1].text, "level:error");
    assert!(!h.s.events.is_empty());
    assert!(
        h.s.events
            .iter()
            .all(|e| e.level == Some(Level::Error) && e.host.as_deref() == Some("web01"))
    );
}

#[test]
fn the_rules_pane_without_rules_is_empty_and_a_bad_file_says_where() {
    let mut h = H::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.toml");
    h.s.rules.files = vec![path.clone()];
    h.act(Action::Rules);
    assert_eq!(h.s.rules.rows, Some(Vec::new()));
    assert_eq!(
        super::rule_pane::rules_file(&h.s),
        Some(path.as_path()),
        "the pane says where to write one"
    );
    // Other popups' keys wait; A again closes it.
    h.act(Action::Patterns);
    assert!(matches!(h.s.popup, Popup::Rules { .. }));
    h.act(Action::Rules);
    assert_eq!(h.s.popup, Popup::None);
    std::fs::write(&path, "[[rule]]\nname = \"x\"\nquery = \"(oops\"\n").unwrap();
    h.act(Action::Rules);
    let status = h.s.status.clone().unwrap();
    assert!(status.error, "{status:?}");
    assert!(
        status.text.contains("rules.toml:1"),
        "names the file and line: {}",
        status.text
    );
}

/// The notes the worker sent: `i` lists them all (each once, escaped, in arrival order),
/// scrolls them, Esc closes; the status line's "(and N more notes)" names the key.
#[test]
fn the_notes_pane_lists_every_note_once_and_the_status_line_names_its_key() {
    let mut h = H::new();
    let mut span = h.src.span();
    span.notes = vec![
        "/logs/a.bin: binary file; skipped".into(),
        "/logs/readme: no timestamps recognised; dated by its mtime".into(),
        "/logs/evil\x1b[31m: permission denied; skipped".into(),
        "/logs/a.bin: binary file; skipped".into(),
    ];
    h.act(Action::Indexed(span));
    let status = h.s.status.as_ref().unwrap();
    assert!(
        status.text.ends_with("(and 3 more notes: i lists them)"),
        "{status:?}"
    );
    // The watcher's fallback (and a refresh's notes) arrive on their own; new ones are said.
    h.act(Action::Noted(vec![
        "file changes cannot be watched here: polling every 0.25 s".into(),
    ]));
    assert!(h.s.status.as_ref().unwrap().text.contains("polling"));
    h.act(Action::Noted(vec![
        "/logs/a.bin: binary file; skipped".into(),
    ]));
    assert!(
        h.s.status.as_ref().unwrap().text.contains("polling"),
        "not news"
    );
    press(&mut h, &["i"]);
    assert_eq!(h.s.popup, Popup::Notes { scroll: 0 });
    let lines = super::note_pane::pane_lines(&h.s, 60);
    assert_eq!(
        lines,
        vec![
            "• /logs/a.bin: binary file; skipped",
            "• /logs/readme: no timestamps recognised; dated by its mtime",
            "• /logs/evil\\x1b[31m: permission denied; skipped",
            "• file changes cannot be watched here: polling every 0.25 s",
        ]
    );
    // Other view keys wait; Esc closes.
    press(&mut h, &["e"]);
    assert_eq!(h.s.level, None);
    press(&mut h, &["esc"]);
    assert_eq!(h.s.popup, Popup::None);
}

/// Kept bounded: the oldest go first, and a long note wraps in the pane, which scrolls.
#[test]
fn notes_are_bounded_and_the_pane_scrolls() {
    let mut h = H::new();
    let many: Vec<String> = (0..super::notes::MAX_NOTES + 20)
        .map(|i| format!("/logs/{i}.bin: binary file; skipped"))
        .collect();
    h.act(Action::Noted(many));
    assert_eq!(h.s.notes.len(), super::notes::MAX_NOTES);
    assert_eq!(h.s.notes.dropped, 20);
    assert_eq!(
        h.s.notes.iter().next(),
        Some("/logs/20.bin: binary file; skipped")
    );
    h.act(Action::Notes);
    h.act(Action::Bottom);
    let Popup::Notes { scroll } = h.s.popup else {
        panic!("{:?}", h.s.popup)
    };
    // 24 rows: timeline 5, status and prompt 2, the frame 2.
    assert_eq!(scroll, super::notes::MAX_NOTES - 15);
    let long = super::note_pane::pane_lines(
        &{
            let mut s = AppState::new(80, 24);
            s.notes.add(&"word ".repeat(30));
            s
        },
        40,
    );
    assert!(long.len() >= 4 && long[1].starts_with("  word"), "{long:?}");
}

/// The sources pane lists every file under the roots with its state: the indexed ones (the
/// selection moves over them), then those the index left out, with why.
#[test]
fn the_sources_pane_lists_the_files_left_out_with_their_state() {
    let mut src = Fake::minutes(T0, 200, 50..60);
    src.unread = vec![
        super::data::Unread {
            path: "/logs/db01/wtmp".into(),
            reason: "binary file (login records or journal)".into(),
        },
        super::data::Unread {
            path: "/logs/private/secret.log".into(),
            reason: "permission denied".into(),
        },
        super::data::Unread {
            path: "/logs/faillog".into(),
            reason: "empty (login records or journal, not a text log)".into(),
        },
        super::data::Unread {
            path: "/logs/pipe.log".into(),
            reason: "a named pipe (FIFO), not a file".into(),
        },
    ];
    let mut h = H::with(src);
    if let Some(span) = h.s.span.as_mut() {
        span.files[1].format = "text".into();
    }
    h.act(Action::Sources);
    let rows: Vec<(String, &str)> = super::source_rows::rows(&h.s)
        .iter()
        .map(|r| (r.path().to_string(), r.state(&h.s).name()))
        .collect();
    assert_eq!(
        rows,
        [
            ("/logs/db01/auth.log".to_string(), "indexed"),
            ("/logs/web01/syslog".to_string(), "undated"),
            ("/logs/db01/wtmp".to_string(), "binary"),
            ("/logs/private/secret.log".to_string(), "unreadable"),
            ("/logs/faillog".to_string(), "empty"),
            ("/logs/pipe.log".to_string(), "skipped"),
        ]
    );
    // The rows left out cannot be hidden or set: the selection stays on the indexed files.
    h.act(Action::Bottom);
    assert_eq!(h.s.popup, Popup::Sources { selected: 1 });
    // A refresh keeps them listed (the span is the worker's, with its list).
    let span = h.src.span();
    h.act(Action::Grew(span));
    assert_eq!(h.s.span.as_ref().unwrap().unread.len(), 4);
}

/// The source column fits the logs' tags within what the terminal's width allows, worked out
/// again on a resize; wrapping and scrolling count rows with the message width it leaves.
#[test]
fn the_source_column_follows_the_terminal_width_and_the_sources() {
    let mut src = Fake::minutes(T0, 200, 50..60);
    src.files = vec![
        "eu-central-fra-db01/postgresql.log".into(),
        "web01/syslog".into(),
    ];
    let mut h = H::with(src);
    assert_eq!(h.s.source_cols, 12, "80 columns: at most 12");
    h.act(Action::Resize {
        width: 160,
        height: 48,
    });
    assert_eq!(
        h.s.source_cols, 24,
        "the longest tag, up to 24 from 120 columns on"
    );
    assert_eq!(super::layout::message_cols(160, 24), 160 - 24 - 23);
    h.act(Action::Resize {
        width: 110,
        height: 48,
    });
    assert_eq!(h.s.source_cols, 18);
    // A message as wide as the 80-column view's room wraps there, not at 160 columns.
    h.act(Action::ToggleWrap);
    let e = super::data::LogEvent {
        message: "word ".repeat(40),
        ..super::data::LogEvent::default()
    };
    let rows = super::layout::event_rows(&h.s, &e);
    let cols = super::layout::message_cols(110, 18);
    assert_eq!(
        rows,
        super::layout::wrap_line(&"word ".repeat(40), cols).len()
    );
}
