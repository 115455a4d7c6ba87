//! Tests of the session: what is saved, what reopening restores, and when the file is written.

use super::data::LogSource;
use super::fake::{Fake, settle};
use super::session::{Session, VERSION, restore};
use super::session_file::{GAP, Keeper, file_for, read};
use super::state::FilterKind;
use super::{Action, AppState};
use crate::event::Level;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::Instant;

/// 2026-10-03T00:00:00Z.
const T0: i64 = 1_790_985_600_000_000;
const MIN: i64 = 60_000_000;

fn fake() -> Fake {
    Fake::minutes(T0, 2000, 1000..1060)
}

/// A state opened on the fake, settled.
fn opened(src: &Fake) -> AppState {
    let mut s = AppState::new(80, 24);
    s.now_us = T0 + 2000 * MIN;
    settle(&mut s, src, Action::Opened(src.span()));
    s
}

/// A new state opened on the fake with `saved` restored, as the explorer does it: the session
/// comes back as the logs open, before their first load is answered.
fn reopened(src: &Fake, saved: Session) -> AppState {
    let mut s = AppState::new(80, 24);
    s.now_us = T0 + 2000 * MIN;
    let mut fx = super::update(&mut s, Action::Opened(src.span()));
    fx.extend(restore(&mut s, saved));
    for e in fx {
        let answer = super::serve(src, e);
        settle(&mut s, src, answer);
    }
    s
}

fn prompt(s: &mut AppState, src: &Fake, open: Action, text: &str) {
    settle(s, src, open);
    for c in text.chars() {
        settle(s, src, Action::PromptChar(c));
    }
    settle(s, src, Action::PromptSubmit);
}

fn minute(s: &AppState) -> i64 {
    (s.selected_event().expect("an event is selected").ts - T0) / MIN
}

/// A state far from its defaults: a search, two filters (one off), errors only, a mark, a
/// zoom, UTC and wrap toggled, the view moved back in time.
fn worked_on(src: &Fake) -> AppState {
    let mut s = opened(src);
    prompt(&mut s, src, Action::Search, "login");
    prompt(&mut s, src, Action::FilterHide, "cron");
    prompt(&mut s, src, Action::FilterKeep, "request");
    s.filters[0].enabled = false;
    settle(&mut s, src, Action::LevelWarn);
    prompt(&mut s, src, Action::Command, "goto 2026-10-03T05:00:00Z");
    settle(&mut s, src, Action::ToggleMark);
    settle(&mut s, src, Action::Down);
    settle(&mut s, src, Action::Down);
    settle(&mut s, src, Action::ZoomIn);
    settle(&mut s, src, Action::ToggleUtc);
    settle(&mut s, src, Action::ToggleWrap);
    s
}

#[test]
fn reopening_puts_back_the_view_the_query_the_filters_and_the_marks() {
    let src = fake();
    let before = worked_on(&src);
    let saved = Session::of(&before).expect("a settled view has a session");
    let text = saved.to_json();

    let after = reopened(&src, Session::from_json(&text).unwrap());

    assert_eq!(
        after.selected_event().map(|e| e.key()),
        before.selected_event().map(|e| e.key()),
        "the same event is selected"
    );
    assert_eq!(
        after.selected - after.top,
        before.selected - before.top,
        "on the same row"
    );
    assert_eq!(after.search.text, "login");
    assert!(after.search.expr.is_some());
    let filters: Vec<_> = after
        .filters
        .iter()
        .map(|f| (f.kind, f.text.as_str(), f.enabled))
        .collect();
    assert_eq!(
        filters,
        [
            (FilterKind::Hide, "cron", false),
            (FilterKind::Keep, "request", true)
        ]
    );
    assert_eq!(after.level, Some(Level::Warn));
    assert_eq!(after.marks, before.marks);
    assert_eq!(after.marks.len(), 1);
    assert_eq!(after.timeline.bucket_s, before.timeline.bucket_s);
    assert_eq!((after.utc, after.wrap), (before.utc, before.wrap));
    assert!(
        after
            .status
            .as_ref()
            .unwrap()
            .text
            .contains("last session restored")
    );
    assert_eq!(
        Session::of(&after),
        Some(saved),
        "nothing drifts on a round trip"
    );
}

#[test]
fn a_saved_event_that_is_gone_puts_the_view_on_the_next_one() {
    let src = fake();
    let mut s = opened(&src);
    prompt(&mut s, &src, Action::Command, "goto 2026-10-03T05:00:00Z");
    let mut saved = Session::of(&s).unwrap();
    let position = saved.position.as_mut().unwrap();
    position.key = position.key.map(|mut k| {
        k.file = 999;
        k
    });
    let after = reopened(&src, saved);
    assert_eq!(minute(&after), 301);
}

#[test]
fn follow_wins_over_the_saved_position() {
    let src = fake();
    let mut s = opened(&src);
    prompt(&mut s, &src, Action::Command, "goto 2026-10-03T05:00:00Z");
    let mut saved = Session::of(&s).unwrap();
    saved.follow = true;
    let after = reopened(&src, saved);
    assert_eq!(minute(&after), 1999, "follow shows the end");
}

#[test]
fn a_query_that_no_longer_parses_is_skipped_and_said() {
    let src = fake();
    let mut saved = Session::of(&worked_on(&src)).unwrap();
    saved.search = "status:[1 TO".into();
    let after = reopened(&src, saved);
    let status = after.status.as_ref().unwrap();
    assert!(status.error, "{status:?}");
    assert!(status.text.contains("status:[1 TO"), "{}", status.text);
    assert!(after.search.expr.is_none());
    assert_eq!(after.filters.len(), 2, "the rest is restored");
}

#[test]
fn a_file_of_another_version_or_not_a_session_is_refused() {
    let src = fake();
    let mut saved = Session::of(&opened(&src)).unwrap();
    saved.version = VERSION + 1;
    let err = Session::from_json(&saved.to_json()).unwrap_err();
    assert!(err.contains("session format"), "{err}");
    assert!(Session::from_json("{}").is_err());
    assert!(Session::from_json("not json").is_err());
}

#[test]
fn nothing_is_saved_before_the_logs_are_open() {
    assert_eq!(Session::of(&AppState::new(80, 24)), None);
}

fn keeper(dir: &std::path::Path) -> Keeper {
    Keeper::new(Some(dir.join("sessions")), vec![PathBuf::from("/logs")])
}

#[test]
fn the_session_is_written_as_it_changes_at_most_once_per_gap_and_on_quit() {
    let src = fake();
    let tmp = tempfile::tempdir().unwrap();
    let file = file_for(&tmp.path().join("sessions"), &["/logs".into()], &[]);
    let mut k = keeper(tmp.path());
    let mut s = opened(&src);
    k.opened(&src.span().roots);
    assert!(k.restore(&mut s).is_empty(), "nothing saved yet");

    let t = Instant::now();
    k.save(&mut s, t);
    let first = read(&file).unwrap().expect("written at once");
    assert_eq!(first, Session::of(&s).unwrap());

    settle(&mut s, &src, Action::Up);
    k.save(&mut s, t + GAP / 2);
    assert_eq!(read(&file).unwrap(), Some(first.clone()), "throttled");
    let due = k.deadline().expect("a change waits");
    assert_eq!(due, t + GAP);
    k.save(&mut s, due);
    let second = read(&file).unwrap().unwrap();
    assert_ne!(second, first);
    assert_eq!(k.deadline(), None);

    settle(&mut s, &src, Action::Up);
    k.save(&mut s, due + GAP / 2);
    k.flush(&s);
    assert_eq!(
        read(&file).unwrap(),
        Session::of(&s),
        "quit writes the last change"
    );

    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(file.parent().unwrap()), 0o700);
}

#[test]
fn the_next_run_on_the_same_logs_restores_what_the_last_one_saved() {
    let src = fake();
    let tmp = tempfile::tempdir().unwrap();
    let mut k = keeper(tmp.path());
    let mut s = opened(&src);
    k.opened(&src.span().roots);
    k.restore(&mut s);
    prompt(&mut s, &src, Action::Command, "goto 2026-10-03T05:00:00Z");
    k.flush(&s);

    let mut k = keeper(tmp.path());
    let mut s = opened(&src);
    k.opened(&src.span().roots);
    for e in k.restore(&mut s) {
        let answer = super::serve(&src, e);
        settle(&mut s, &src, answer);
    }
    assert_eq!(minute(&s), 300);
    assert!(k.restore(&mut s).is_empty(), "restored once");
    // The index catching up later keeps the view and says the session came back.
    settle(&mut s, &src, Action::Indexed(src.span()));
    assert_eq!(minute(&s), 300);
    let status = &s.status.as_ref().unwrap().text;
    assert!(status.ends_with("; last session restored"), "{status}");
}

#[test]
fn an_unreadable_session_file_is_said_and_replaced_by_the_next_change() {
    let src = fake();
    let tmp = tempfile::tempdir().unwrap();
    let file = file_for(&tmp.path().join("sessions"), &["/logs".into()], &[]);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "garbage").unwrap();
    let mut k = keeper(tmp.path());
    let mut s = opened(&src);
    k.opened(&src.span().roots);
    assert!(k.restore(&mut s).is_empty());
    let status = &s.status.as_ref().unwrap().text;
    assert!(status.contains("last session ignored"), "{status}");
    assert!(status.contains(&file.display().to_string()), "{status}");
    settle(&mut s, &src, Action::Up);
    k.save(&mut s, Instant::now());
    assert_eq!(read(&file).unwrap(), Session::of(&s));
}

#[test]
fn a_part_of_an_indexed_folder_has_its_own_session() {
    let dir = PathBuf::from("/state");
    let roots = [PathBuf::from("/var/log")];
    let whole = file_for(&dir, &roots, &roots);
    assert_eq!(whole, file_for(&dir, &roots, &[]));
    assert_ne!(whole, file_for(&dir, &roots, &["/var/log/nginx".into()]));
}
