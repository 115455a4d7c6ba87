//! State transitions: `update(state, action)` changes the state and returns the work the
//! worker must do. No I/O here.

use super::action::Action;
use super::data::{Effect, Loaded, Span, Target, TimelineData};
use super::jump::{click, jump_gap, jump_mark, jump_spike, step_timeline, toggle_mark, zoom};
use super::layout::{event_rows, layout};
use super::search::{edit_filter, find, run_saved, set_level};
use super::state::{AppState, FilterKind, Popup, Progress, Prompt, PromptKind};
use super::submit::submit;
use super::view::{
    count_fx, ensure_visible, following, here, load, requery, rows, select, timeline_fx,
    view_count_fx,
};
use crate::config::edit::Setting;
use crate::event::Level;
use crate::timeline::fill_bucket;

/// Events from the edge of the loaded window at which the next window is fetched.
const MARGIN: usize = 100;

/// Applies `a` to `s`; returns the effects for the worker.
pub fn update(s: &mut AppState, a: Action) -> Vec<Effect> {
    let mut fx = Vec::new();
    if s.popup != Popup::None && popup_key(s, &a, &mut fx) {
        return fx;
    }
    match a {
        Action::Quit => s.quit = true,
        Action::Down => move_or_scroll(s, 1, &mut fx),
        Action::Up => {
            pause_follow(s);
            move_or_scroll(s, -1, &mut fx)
        }
        Action::PageDown => move_or_scroll(s, page(s), &mut fx),
        Action::PageUp => {
            pause_follow(s);
            move_or_scroll(s, -page(s), &mut fx)
        }
        Action::HalfPageDown => move_or_scroll(s, page(s) / 2, &mut fx),
        Action::HalfPageUp => {
            pause_follow(s);
            move_or_scroll(s, -page(s) / 2, &mut fx)
        }
        Action::Scroll(n) => {
            if n < 0 {
                pause_follow(s);
            }
            move_or_scroll(s, n as isize, &mut fx)
        }
        Action::ToggleFollow => {
            if s.follow {
                pause_follow(s);
                s.set_status("follow off: the view stays where it is (F follows again)");
            } else {
                s.follow = true;
                s.paused_at = None;
                s.set_status("following new events (F again, or scrolling up, stops)");
                fx.push(load(s, Target::End));
            }
        }
        Action::Top => {
            pause_follow(s);
            fx.push(load(s, Target::Start))
        }
        Action::Bottom => fx.push(load(s, Target::End)),
        Action::Search => open_prompt(s, PromptKind::Search),
        Action::FilterKeep => open_prompt(s, PromptKind::Keep),
        Action::FilterHide => open_prompt(s, PromptKind::Hide),
        Action::Command => open_prompt(s, PromptKind::Command),
        Action::NextHit => find(s, true, &mut fx),
        Action::PrevHit => find(s, false, &mut fx),
        Action::Filters => toggle_popup(s, Popup::Filters { selected: 0 }),
        Action::Sources => toggle_popup(s, Popup::Sources { selected: 0 }),
        Action::SavedQueries => toggle_popup(s, Popup::Saved { selected: 0 }),
        Action::Patterns => super::pattern_pane::toggle(s, &mut fx),
        Action::Rules => super::rule_pane::toggle(s, &mut fx),
        Action::RulesLoaded { id, rows } => super::rule_pane::loaded(s, id, rows),
        Action::NextFirstOccurrence => super::pattern_pane::jump(s, true, &mut fx),
        Action::PrevFirstOccurrence => super::pattern_pane::jump(s, false, &mut fx),
        Action::SortPatterns => super::pattern_pane::cycle_sort(s, &mut fx),
        Action::HidePattern => super::pattern_pane::filter(s, FilterKind::Hide, &mut fx),
        Action::MarkPattern => super::pattern_pane::mark(s, &mut fx),
        Action::PatternsLoaded { id, rows } => super::pattern_pane::loaded(s, id, rows, &mut fx),
        Action::PatternsMarked(res) => super::pattern_pane::marked(s, res),
        Action::NextField => super::field_values::next_field(s),
        Action::TopValues => super::field_values::ask(s, false, &mut fx),
        Action::BottomValues => super::field_values::ask(s, true, &mut fx),
        Action::ValuesLoaded { id, values } => super::field_values::loaded(s, id, values),
        Action::Choose if matches!(s.popup, Popup::Values { .. }) => {
            super::field_values::choose(s, &mut fx)
        }
        Action::Choose if matches!(s.popup, Popup::Patterns { .. }) => {
            super::pattern_pane::filter(s, FilterKind::Keep, &mut fx)
        }
        Action::Choose if matches!(s.popup, Popup::Rules { .. }) => {
            super::rule_pane::keep(s, &mut fx)
        }
        Action::Choose => {
            if let Popup::Saved { selected } = s.popup
                && let Some(q) = s.saved.get(selected).cloned()
            {
                s.popup = Popup::None;
                if let Err(e) = run_saved(s, &q, &mut fx) {
                    s.set_error(e);
                }
            }
        }
        Action::Saved(Ok(q)) => {
            s.set_status(format!("saved {:?}", q.name));
            s.saved.retain(|o| o.name != q.name);
            s.saved.push(q);
        }
        Action::Saved(Err(e)) => s.set_error(e),
        Action::ToggleFilter => edit_filter(s, false, &mut fx),
        Action::DeleteFilter => edit_filter(s, true, &mut fx),
        Action::LevelError => set_level(s, Level::Error, &mut fx),
        Action::LevelWarn => set_level(s, Level::Warn, &mut fx),
        Action::ToggleMark => toggle_mark(s),
        Action::NextMark => jump_mark(s, true, &mut fx),
        Action::PrevMark => jump_mark(s, false, &mut fx),
        Action::ClearMarks => {
            s.marks.clear();
            s.set_status("marks cleared");
        }
        Action::PrevGap => jump_gap(s, false, &mut fx),
        Action::NextGap => jump_gap(s, true, &mut fx),
        Action::PrevSpike => jump_spike(s, false, &mut fx),
        Action::NextSpike => jump_spike(s, true, &mut fx),
        Action::ZoomIn => zoom(s, false, &mut fx),
        Action::ZoomOut => zoom(s, true, &mut fx),
        Action::TimelineLeft => step_timeline(s, -1, &mut fx),
        Action::TimelineRight => step_timeline(s, 1, &mut fx),
        Action::ToggleUtc => {
            s.utc = !s.utc;
            s.set_status(if s.utc { "times in UTC" } else { "local times" });
        }
        Action::ToggleTimeline => {
            s.timeline.visible = !s.timeline.visible;
            ensure_visible(s);
            fx.extend(timeline_fx(s, false));
        }
        Action::ToggleTimelineHits => {
            s.timeline.all_events = !s.timeline.all_events;
            s.set_status(match (s.search.expr.is_some(), s.timeline.all_events) {
                (true, false) => "timeline: the hits of the search (H: all events)",
                (true, true) => "timeline: all events, hits on the axis (H: the hits)",
                (false, false) => "timeline: a search will count its hits (H: all events)",
                (false, true) => "timeline: all events, also while searching (H: the hits)",
            });
            fx.extend(timeline_fx(s, true));
        }
        Action::KeepSearch => super::search::keep_search(s, &mut fx),
        Action::ToggleWrap => {
            s.wrap = !s.wrap;
            s.hscroll = 0;
            ensure_visible(s);
        }
        Action::ScrollLeft => s.hscroll = s.hscroll.saturating_sub(8),
        Action::ScrollRight if !s.wrap => s.hscroll += 8,
        Action::ScrollRight => {}
        Action::Help => toggle_popup(s, Popup::Help { scroll: 0 }),
        Action::Notes => toggle_popup(s, Popup::Notes { scroll: 0 }),
        Action::Noted(notes) => super::note_pane::noted(s, &notes),
        Action::Detail if s.selected_event().is_some() => {
            toggle_popup(s, Popup::Detail { scroll: 0 });
            s.detail_field = 0;
            s.context.clear();
            if let (Popup::Detail { .. }, Some(e)) = (s.popup, s.selected_event()) {
                let (path, key) = (e.path.clone(), e.key());
                let id = s.id();
                s.pending.context = id;
                fx.push(Effect::Context { id, path, key });
            }
        }
        Action::Detail => {}
        Action::SourceFormat => super::sources::prompt(s, Setting::Format),
        Action::SourceZone => super::sources::prompt(s, Setting::Zone),
        Action::SourceSet(res) => super::sources::applied(s, res, &mut fx),
        Action::Close => {
            let patterns = matches!(s.popup, Popup::Patterns { .. });
            close(s);
            // The timeline counted the selected pattern: it counts the view's events again.
            if patterns && s.popup == Popup::None {
                fx.extend(timeline_fx(s, true));
            }
        }
        Action::PromptChar(c) => {
            if let Some(p) = &mut s.prompt {
                p.insert(c);
            }
            super::help::typed(s);
            super::pattern_pane::typed(s);
        }
        // Like vim's `:` line: Backspace on an empty line closes it.
        Action::PromptBackspace => {
            match &mut s.prompt {
                Some(p) if p.text.is_empty() => s.prompt = None,
                Some(p) => p.backspace(),
                None => {}
            }
            super::help::typed(s);
            super::pattern_pane::typed(s);
        }
        Action::PromptEdit(e) => {
            if let Some(kind) = s.prompt.as_ref().map(|p| p.kind) {
                let history = super::prompt::history_of(s, kind).to_vec();
                if let Some(p) = &mut s.prompt {
                    p.edit(e, &history);
                }
            }
            super::help::typed(s);
            super::pattern_pane::typed(s);
        }
        Action::PromptSubmit => submit(s, &mut fx),
        Action::Click { x, y } => click(s, x, y, &mut fx),
        Action::Resize { width, height } => {
            s.width = width;
            s.height = height;
            super::source_tag::fit(s);
            ensure_visible(s);
            fx.extend(timeline_fx(s, false));
        }
        Action::Progress { done, total, file } => {
            s.progress = Some(Progress { done, total, file });
        }
        Action::Opened(span) => opened(s, span, &mut fx),
        Action::Grew(span) => grew(s, span, &mut fx),
        Action::Indexed(span) => indexed(s, span, &mut fx),
        Action::Loaded(l) => loaded(s, l, &mut fx),
        Action::Timeline(d) => got_timeline(s, d),
        Action::Context { id, events } => {
            if id == s.pending.context {
                s.context = events;
            }
        }
        Action::Ranked { id, after } => {
            if id == s.pending.rank
                && let Some(e) = s.selected_event()
            {
                s.search.after = Some((e.ts, after));
            }
        }
        Action::Counted { id, hits } => {
            if id == s.pending.count {
                s.search.hits = Some(hits);
                if hits == 0
                    && let Some(hint) = super::search::operator_hint(&s.search.text)
                {
                    s.set_error(hint);
                }
            }
        }
        Action::Firsts { id, times } => {
            if id == s.pending.firsts {
                s.pattern_firsts = times;
            }
        }
        Action::ViewCounted { id, events } => {
            if id == s.pending.view_count {
                s.view_events = Some(events);
            }
        }
        Action::Notice(msg) => s.set_status(msg),
        Action::Failed(msg) => {
            s.pending.loading = false;
            s.set_error(msg);
        }
    }
    fx
}

fn page(s: &AppState) -> isize {
    rows(s).max(2) as isize - 1
}

fn move_or_scroll(s: &mut AppState, delta: isize, fx: &mut Vec<Effect>) {
    // The popup shows as many lines as the log view has rows, less its frame.
    let shown = layout(s).log.rows.saturating_sub(2) as usize;
    let value_rows = super::field_values::rows(s).max(1);
    let notes_max = super::note_pane::pane_lines(s, super::note_pane::text_cols(s.width))
        .len()
        .saturating_sub(shown);
    let help_max = match super::help::shown(s).len() {
        0 if s.help.is_empty() => usize::MAX / 2,
        n => n.saturating_sub(shown),
    };
    match &mut s.popup {
        Popup::Help { scroll } => {
            *scroll = scroll.saturating_add_signed(delta).min(help_max);
        }
        Popup::Detail { scroll } => {
            *scroll = scroll.saturating_add_signed(delta).min(1_000);
        }
        Popup::Notes { scroll } => {
            *scroll = scroll.saturating_add_signed(delta).min(notes_max);
        }
        Popup::Filters { selected } => {
            let n = s.filters.len().max(1);
            *selected = selected.saturating_add_signed(delta).min(n - 1);
        }
        Popup::Sources { selected } => {
            let n = s.span.as_ref().map_or(0, |p| p.files.len()).max(1);
            *selected = selected.saturating_add_signed(delta).min(n - 1);
        }
        Popup::Saved { selected } => {
            let n = s.saved.len().max(1);
            *selected = selected.saturating_add_signed(delta).min(n - 1);
        }
        Popup::Values { selected } => {
            *selected = selected.saturating_add_signed(delta).min(value_rows - 1);
        }
        Popup::Patterns { .. } => {
            let n = super::pattern_rows::shown(s).len().max(1);
            if let Popup::Patterns { selected } = &mut s.popup {
                *selected = selected.saturating_add_signed(delta).min(n - 1);
            }
            super::pattern_pane::moved(s, fx);
        }
        Popup::Rules { selected } => {
            let n = s.rules.rows.as_ref().map_or(0, Vec::len).max(1);
            *selected = selected.saturating_add_signed(delta).min(n - 1);
        }
        Popup::None => move_by(s, delta, fx),
    }
}

/// Moves the selection; fetches the next window near the edge of the loaded one.
fn move_by(s: &mut AppState, delta: isize, fx: &mut Vec<Effect>) {
    if s.events.is_empty() {
        return;
    }
    let last = s.events.len() - 1;
    s.selected = s.selected.saturating_add_signed(delta).min(last);
    select(s, s.selected, fx);
    let near_start = s.selected < MARGIN && !s.at_start;
    let near_end = last - s.selected < MARGIN && !s.at_end;
    if (near_start || near_end) && !s.pending.loading {
        let target = here(s);
        fx.push(load(s, target));
    }
}

/// Puts the selected event `above` events below the top, then makes sure it shows.
fn place(s: &mut AppState, above: usize) {
    s.top = s.selected.saturating_sub(above);
    ensure_visible(s);
}

/// Puts the selected event on the last rows.
fn place_bottom(s: &mut AppState) {
    let rows = rows(s);
    s.top = s.selected;
    let mut used = s.events.get(s.selected).map_or(0, |e| event_rows(s, e));
    while s.top > 0 {
        let r = event_rows(s, &s.events[s.top - 1]);
        if used + r > rows {
            break;
        }
        used += r;
        s.top -= 1;
    }
}

fn loaded(s: &mut AppState, l: Loaded, fx: &mut Vec<Effect>) {
    if l.id != s.pending.load {
        return;
    }
    let offset = s.selected.saturating_sub(s.top);
    s.pending.loading = false;
    s.events = l.events;
    s.at_start = l.at_start;
    s.at_end = l.at_end;
    match (l.note, super::search::operator_hint(&s.search.text)) {
        // No hit anywhere, and the search holds a lowercase operator: say why.
        (Some(note), Some(hint)) if note == "no hit" => s.set_error(hint),
        (Some(note), _) => s.set_status(note),
        (None, _) => {}
    }
    if s.events.is_empty() {
        s.selected = 0;
        s.top = 0;
        fx.extend(timeline_fx(s, false));
        return;
    }
    let last = s.events.len() - 1;
    match l.target {
        Target::Start => {
            s.selected = 0;
            s.top = 0;
        }
        Target::End => {
            s.selected = last;
            place_bottom(s);
            // At the end, everything that arrived has been seen.
            if s.at_end {
                s.paused_at = None;
            }
        }
        Target::Time(t) => {
            s.selected = s.events.partition_point(|e| e.ts < t).min(last);
            place(s, rows(s) / 3);
        }
        Target::Key(k) => {
            s.selected = s.events.partition_point(|e| e.key() < k).min(last);
            place(s, offset);
        }
    }
    let i = s.selected;
    select(s, i, fx);
    // Landed on a hit by `n`/`N`: ask for its rank.
    s.search.after = None;
    if std::mem::take(&mut s.pending.ranking)
        && let Some(ts) = s.selected_event().filter(|e| e.hit).map(|e| e.ts)
    {
        let id = s.id();
        s.pending.rank = id;
        fx.push(Effect::Rank {
            id,
            query: s.query(),
            ts,
        });
    }
}

/// Files in which no timestamps were recognised are dated by their modification time, so
/// they would crowd the end of the merged view (a README, a CSV, `apt/term.log`): each is
/// hidden when first met, with a hide filter the sources pane shows as `[ ]` (space shows it).
/// Not when every file is such: then there is nothing else to show.
fn hide_undated(s: &mut AppState) -> usize {
    let Some(span) = &s.span else { return 0 };
    let undated: Vec<String> = span
        .files
        .iter()
        .filter(|f| f.untimed() && !s.undated_seen.contains(&f.path))
        .map(|f| f.path.clone())
        .collect();
    let all = span
        .files
        .iter()
        .filter(|f| f.events > 0)
        .all(|f| f.untimed());
    s.undated_seen.extend(undated.iter().cloned());
    if all {
        return 0;
    }
    let mut hidden = 0;
    for path in undated {
        let text = super::search::source_filter_text(&path);
        if s.filters.iter().any(|f| f.text == text) {
            continue;
        }
        if let Ok(expr) = crate::query::parse(&text) {
            s.filters.push(super::state::Filter {
                kind: FilterKind::Hide,
                text,
                expr,
                enabled: true,
            });
            hidden += 1;
        }
    }
    hidden
}

/// Says how many undated files were hidden (after the opening message).
fn say_undated(s: &mut AppState, hidden: usize) {
    if hidden > 0 {
        let base = s
            .status
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default();
        let what = format!(
            "{hidden} file{} with no timestamps hidden (s lists them, space shows one)",
            if hidden == 1 { "" } else { "s" }
        );
        s.set_status(if base.is_empty() {
            what
        } else {
            format!("{base}; {what}")
        });
    }
}

fn opened(s: &mut AppState, span: Span, fx: &mut Vec<Effect>) {
    s.notes.extend(&span.notes);
    // While the index is being built, an empty index is not news: the progress bar says why.
    if s.progress.is_none() || span.events > 0 || !span.notes.is_empty() {
        say_opened(s, &span);
    }
    if let (Some(first), Some(last)) = (span.first, span.last) {
        let secs = (last - first) / 1_000_000 + 1;
        s.timeline.bucket_s = fill_bucket(secs, (s.width as usize).max(1));
        s.cursor_us = last;
    }
    s.span = Some(span);
    super::source_tag::fit(s);
    let hidden = hide_undated(s);
    say_undated(s, hidden);
    fx.push(load(s, Target::End));
    fx.extend(timeline_fx(s, true));
    fx.extend(view_count_fx(s));
    fx.push(super::view::firsts_fx(s));
}

/// What the status line says once the logs are open (or indexed).
fn say_opened(s: &mut AppState, span: &Span) {
    match span.notes.first() {
        Some(n) if span.notes.len() > 1 => {
            let nothing = if span.events == 0 {
                "nothing to show: "
            } else {
                ""
            };
            let more = s.notes.more(span.notes.len() - 1);
            s.set_error(format!("{nothing}{n} {more}"));
        }
        Some(n) if span.events == 0 => s.set_error(format!("nothing to show: {n}")),
        Some(n) => s.set_error(n.clone()),
        None if span.events == 0 => s.set_error("nothing to show: no events in these files"),
        None => s.set_status(format!(
            "{} events in {} files; {}",
            span.events,
            span.sources,
            if s.restored {
                "last session restored"
            } else {
                "? for help"
            }
        )),
    }
}

/// The index caught up with the files: the progress bar goes, the update's notes are shown,
/// and the view takes in what was indexed.
fn indexed(s: &mut AppState, span: Span, fx: &mut Vec<Effect>) {
    s.notes.extend(&span.notes);
    say_opened(s, &span);
    // Still "opening": a view at the end takes in the last of the index being built.
    grew(s, span, fx);
    s.progress = None;
    let hidden = hide_undated(s);
    if hidden > 0 {
        say_undated(s, hidden);
        requery(s, fx);
    } else {
        fx.push(super::view::firsts_fx(s));
    }
}

/// Whether the view shows the last event with nothing after it.
fn at_the_end(s: &AppState) -> bool {
    s.span.is_some() && s.at_end && s.selected + 1 >= s.events.len()
}

/// Scrolling up stops follow mode; the status line then counts what arrives meanwhile.
fn pause_follow(s: &mut AppState) {
    if s.follow {
        s.follow = false;
        s.paused_at = s.span.as_ref().map(|p| p.events);
    }
}

/// The logs grew: a view at the end moves on to the newest events (like `less +F`).
fn grew(s: &mut AppState, mut span: Span, fx: &mut Vec<Effect>) {
    s.notes.extend(&span.notes);
    // The first events of an index being built: open on them as if they had been there.
    if s.span.as_ref().is_none_or(|old| old.events == 0) && span.events > 0 {
        let notes = s.span.as_ref().map(|o| o.notes.clone()).unwrap_or_default();
        if span.notes.is_empty() {
            span.notes = notes;
        }
        let keep = s.status.clone();
        opened(s, span, fx);
        s.status = keep;
        return;
    }
    // While the index is being built, a view at the end is still opening, not following.
    let opening = s.progress.is_some() && at_the_end(s);
    let follow = (following(s) || opening) && s.popup == Popup::None;
    if !follow && s.paused_at.is_none() {
        s.paused_at = s.span.as_ref().map(|p| p.events);
    }
    if let Some(old) = &s.span
        && span.notes.is_empty()
    {
        span.notes = old.notes.clone();
    }
    s.span = Some(span);
    super::source_tag::fit(s);
    if follow && !s.pending.loading {
        fx.push(load(s, Target::End));
    } else {
        // Not at the end any more: more events lie after the loaded window.
        s.at_end = false;
    }
    fx.extend(timeline_fx(s, true));
    fx.extend(count_fx(s));
    fx.extend(view_count_fx(s));
}

fn got_timeline(s: &mut AppState, d: TimelineData) {
    if d.id != s.timeline.pending {
        return;
    }
    s.timeline.data = Some(d);
}

/// A popup owns the keys it is given: moves act on its list or text, `g`/`G` go to its first
/// or last line, its own key and Esc close it, `?` shows the help; the view's other keys do
/// nothing while it is open. True when `a` was taken here.
fn popup_key(s: &mut AppState, a: &Action, fx: &mut Vec<Effect>) -> bool {
    match a {
        Action::Down | Action::PageDown | Action::HalfPageDown => {
            let n = match a {
                Action::Down => 1,
                Action::PageDown => page(s),
                _ => page(s) / 2,
            };
            move_or_scroll(s, n, fx);
        }
        Action::Up | Action::PageUp | Action::HalfPageUp => {
            let n = match a {
                Action::Up => 1,
                Action::PageUp => page(s),
                _ => page(s) / 2,
            };
            move_or_scroll(s, -n, fx);
        }
        Action::Scroll(n) => move_or_scroll(s, *n as isize, fx),
        Action::Top => move_or_scroll(s, isize::MIN / 2, fx),
        Action::Bottom => move_or_scroll(s, isize::MAX / 2, fx),
        Action::Search if matches!(s.popup, Popup::Help { .. }) => super::help::open_search(s),
        // The sources pane can be wider than the terminal: ←/→ scroll it.
        Action::ScrollLeft if matches!(s.popup, Popup::Sources { .. }) => {
            s.popup_hscroll = s.popup_hscroll.saturating_sub(8)
        }
        Action::ScrollRight if matches!(s.popup, Popup::Sources { .. }) => {
            s.popup_hscroll = (s.popup_hscroll + 8).min(400)
        }
        Action::Search if matches!(s.popup, Popup::Patterns { .. }) => {
            super::pattern_pane::open_search(s)
        }
        Action::NextHit
        | Action::PrevHit
        | Action::Search
        | Action::FilterKeep
        | Action::FilterHide
        | Action::Command
        | Action::LevelError
        | Action::LevelWarn
        | Action::ToggleMark
        | Action::NextMark
        | Action::PrevMark
        | Action::ClearMarks
        | Action::PrevGap
        | Action::NextGap
        | Action::PrevSpike
        | Action::NextSpike
        | Action::ZoomIn
        | Action::ZoomOut
        | Action::TimelineLeft
        | Action::TimelineRight
        | Action::ToggleFollow
        | Action::ToggleUtc
        | Action::ToggleTimeline
        | Action::ToggleTimelineHits
        | Action::KeepSearch
        | Action::ToggleWrap
        | Action::ScrollLeft
        | Action::ScrollRight
        | Action::NextFirstOccurrence
        | Action::PrevFirstOccurrence => s.set_status("Esc closes this popup first"),
        Action::Filters
        | Action::Sources
        | Action::SavedQueries
        | Action::Detail
        | Action::Patterns
        | Action::Rules
        | Action::Notes
            if !same_popup(s, a) =>
        {
            s.set_status("Esc closes this popup first")
        }
        _ => return false,
    }
    true
}

/// Whether `a` is the key that opens the popup shown (again: closes it).
fn same_popup(s: &AppState, a: &Action) -> bool {
    matches!(
        (s.popup, a),
        (Popup::Filters { .. }, Action::Filters)
            | (Popup::Sources { .. }, Action::Sources)
            | (Popup::Saved { .. }, Action::SavedQueries)
            | (Popup::Detail { .. }, Action::Detail)
            | (Popup::Patterns { .. }, Action::Patterns)
            | (Popup::Rules { .. }, Action::Rules)
            | (Popup::Notes { .. }, Action::Notes)
    )
}

fn open_prompt(s: &mut AppState, kind: PromptKind) {
    s.popup = Popup::None;
    s.prompt = Some(Prompt::new(kind));
}

fn toggle_popup(s: &mut AppState, p: Popup) {
    let same = std::mem::discriminant(&s.popup) == std::mem::discriminant(&p);
    s.popup = if same { Popup::None } else { p };
    // The help opens whole, the sources at their left edge.
    s.help_search.clear();
    s.popup_hscroll = 0;
}

fn close(s: &mut AppState) {
    if s.prompt.is_some() {
        s.prompt = None;
        return;
    }
    // A searched help (or patterns pane) shows all of it again first.
    if matches!(s.popup, Popup::Help { .. }) && super::help::clear_search(s) {
        return;
    }
    if matches!(s.popup, Popup::Patterns { .. }) && !s.patterns.search.is_empty() {
        s.patterns.search.clear();
        super::pattern_pane::typed(s);
        s.set_status("patterns: all");
        return;
    }
    if s.popup != Popup::None {
        s.popup = Popup::None;
    } else {
        s.status = None;
    }
}
