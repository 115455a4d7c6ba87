//! Whole screens drawn with `TestBackend` at 80×24 and 160×48, compared with `insta`
//! snapshots. Times are shown in UTC so the machine's zone does not matter.

use super::theme::Theme;
use super::{Ui, draw};
use crate::app::fake::{Fake, settle};
use crate::app::keymap::Keymap;
use crate::app::state::AppState;
use crate::app::{Action, LogSource};
use crate::event::Level;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// 2026-10-03T00:00:00Z.
const T0: i64 = 1_790_985_600_000_000;

/// Five hours of events with a silence from 02:00 to 03:20, and a few awkward ones first.
fn fake() -> Fake {
    let mut f = Fake::minutes(T0, 300, 120..200);
    let e = &mut f.events;
    e[1].message = "Traceback (most recent call last):".into();
    e[1].text = "raw Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\nValueError: bad value".into();
    e[1].level = Some(Level::Error);
    e[2].message = "ユーザー 登録 完了 user=太郎 ok".into();
    e[3].message = "evil \x1b[31mred\x1b[0m \x07bell".into();
    e[4].message = "request completed".into();
    e[4].program = None;
    e[4].text = r#"{"ts":"2026-10-03T00:04:00Z","level":"warn","msg":"request completed","status":503,"path":"/api/v1/login"}"#.into();
    e[4].level = Some(Level::Warn);
    e[4].fields
        .insert("status".into(), serde_json::json!("503"));
    e[4].fields
        .insert("path".into(), serde_json::json!("/api/v1/login"));
    e[5].message = "a very long line ".repeat(12);
    f
}

fn ui() -> Ui {
    Ui {
        theme: Theme::load(None, false).unwrap(),
        keymap: Keymap::load(None).unwrap(),
    }
}

/// A state opened on the fake at the start, in UTC, with a mark and a search.
fn state(src: &Fake, w: u16, h: u16) -> AppState {
    let mut s = AppState::new(w, h);
    s.help = crate::app::help::text(&ui().keymap);
    s.utc = true;
    s.now_us = T0 + 300 * 60_000_000;
    settle(&mut s, src, Action::Opened(src.span()));
    settle(&mut s, src, Action::Top);
    settle(&mut s, src, Action::Down);
    settle(&mut s, src, Action::ToggleMark);
    settle(&mut s, src, Action::Search);
    for c in "login".chars() {
        settle(&mut s, src, Action::PromptChar(c));
    }
    settle(&mut s, src, Action::PromptSubmit);
    settle(&mut s, src, Action::Top);
    s
}

fn screen(s: &AppState) -> String {
    let mut t = Terminal::new(TestBackend::new(s.width, s.height)).unwrap();
    t.draw(|f| draw(f, s, &ui())).unwrap();
    t.backend().to_string()
}

/// Snapshots of one scene at both sizes.
fn both(name: &str, scene: impl Fn(&mut AppState, &Fake)) {
    let src = fake();
    for (w, h) in [(80, 24), (160, 48)] {
        let mut s = state(&src, w, h);
        scene(&mut s, &src);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(&s));
    }
}

#[test]
fn log_view() {
    both("log_view", |_, _| {});
}

#[test]
fn log_view_wrapped_and_scrolled() {
    both("log_view_wrapped", |s, src| {
        settle(s, src, Action::ToggleWrap);
        settle(s, src, Action::Down);
    });
}

#[test]
fn timeline_with_a_gap() {
    both("timeline_gap", |s, src| {
        settle(s, src, Action::NextGap);
    });
}

#[test]
fn detail() {
    both("detail", |s, src| {
        for _ in 0..4 {
            settle(s, src, Action::Down);
        }
        settle(s, src, Action::Detail);
    });
}

#[test]
fn help() {
    both("help", |s, src| settle(s, src, Action::Help));
}

#[test]
fn help_searched() {
    both("help_searched", |s, src| {
        settle(s, src, Action::Help);
        settle(s, src, Action::Search);
        for c in "mark".chars() {
            settle(s, src, Action::PromptChar(c));
        }
    });
}

#[test]
fn search_error() {
    both("search_error", |s, src| {
        settle(s, src, Action::Search);
        for c in "status:[500 TO".chars() {
            settle(s, src, Action::PromptChar(c));
        }
        settle(s, src, Action::PromptSubmit);
    });
}

#[test]
fn filters_list() {
    both("filters", |s, src| {
        settle(s, src, Action::FilterHide);
        for c in "db01".chars() {
            settle(s, src, Action::PromptChar(c));
        }
        settle(s, src, Action::PromptSubmit);
        settle(s, src, Action::Filters);
    });
}

/// With a search, the bars are its hits: a burst of failed logins over 20 minutes is a
/// spike, while all events run flat (their scale beside the hits').
#[test]
fn search_histogram() {
    let mut src = fake();
    // Minutes 230-249.
    for e in &mut src.events[150..170] {
        e.message = "sshd: Failed password for root".into();
        e.text = format!("raw {}", e.message);
    }
    for (w, h) in [(80, 24), (160, 48)] {
        let mut s = state(&src, w, h);
        settle(&mut s, &src, Action::Search);
        for c in "failed".chars() {
            settle(&mut s, &src, Action::PromptChar(c));
        }
        settle(&mut s, &src, Action::PromptSubmit);
        insta::assert_snapshot!(format!("search_histogram_{w}x{h}"), screen(&s));
    }
}

#[test]
fn sources_list() {
    both("sources", |s, src| {
        settle(s, src, Action::Sources);
        settle(s, src, Action::Down);
        settle(s, src, Action::ToggleFilter);
    });
}

/// A file in which no timestamps were recognised (read as text, dated by its modification
/// time) is marked.
#[test]
fn sources_untimed() {
    both("sources_untimed", |s, src| {
        if let Some(span) = s.span.as_mut() {
            span.files[1].format = "text".into();
        }
        settle(s, src, Action::Sources);
    });
    let src = fake();
    let mut s = state(&src, 80, 24);
    settle(&mut s, &src, Action::Sources);
    assert!(!screen(&s).contains("(no time)"), "{}", screen(&s));
}

/// A file's format set from the pane (marked `*`), then an unknown zone refused in place.
#[test]
fn sources_settings() {
    both("sources_settings", |s, src| {
        settle(s, src, Action::Sources);
        settle(s, src, Action::Down);
        let typed = |s: &mut AppState, text: &str| {
            while s.prompt.as_ref().is_some_and(|p| !p.text.is_empty()) {
                settle(s, src, Action::PromptBackspace);
            }
            for c in text.chars() {
                settle(s, src, Action::PromptChar(c));
            }
            settle(s, src, Action::PromptSubmit);
        };
        settle(s, src, Action::SourceFormat);
        typed(s, "json");
        settle(s, src, Action::SourceZone);
        typed(s, "Mars/Base");
        // The next size starts from the fake as it was.
        src.settings.borrow_mut().clear();
    });
}

/// A format name longer than the column's heading keeps every later column aligned.
#[test]
fn a_long_format_name_keeps_the_sources_columns_aligned() {
    let src = fake();
    let mut s = state(&src, 160, 48);
    settle(&mut s, &src, Action::Sources);
    settle(&mut s, &src, Action::SourceFormat);
    while s.prompt.as_ref().is_some_and(|p| !p.text.is_empty()) {
        settle(&mut s, &src, Action::PromptBackspace);
    }
    for c in "apache-error".chars() {
        settle(&mut s, &src, Action::PromptChar(c));
    }
    settle(&mut s, &src, Action::PromptSubmit);
    let text = screen(&s);
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("[x]") || l.contains("[ ]"))
        .collect();
    assert!(rows.len() >= 2, "{text}");
    assert!(rows.iter().any(|r| r.contains("apache-error*")), "{text}");
    let zone_at = |r: &str| r.find("UTC").or_else(|| r.find("local"));
    let first = zone_at(rows[0]);
    assert!(first.is_some(), "{text}");
    assert!(rows.iter().all(|r| zone_at(r) == first), "{text}");
}

/// While the index is built, the file being read says so and the pane says more will come.
#[test]
fn the_sources_pane_shows_the_file_being_read() {
    let src = fake();
    let mut s = state(&src, 160, 48);
    settle(&mut s, &src, Action::Sources);
    settle(
        &mut s,
        &src,
        Action::Progress {
            done: 50,
            total: 200,
            file: "/logs/web01/syslog".into(),
        },
    );
    let text = screen(&s);
    let row = |name: &str| {
        text.lines()
            .find(|l| l.contains("[x]") && l.contains(name))
            .unwrap_or("")
    };
    assert!(row("web01/syslog").contains("reading"), "{text}");
    assert!(row("db01/auth.log").contains("indexed"), "{text}");
    assert!(
        text.contains("indexing 25%: files not read yet are listed once they are"),
        "{text}"
    );
}

#[test]
fn saved_queries_picker() {
    both("saved", |s, src| {
        s.saved = crate::app::saved::parse(
            "[[query]]\nname = \"ssh-brute-force\"\ndescription = \"failed ssh passwords\"\nquery = '\"Failed password\"'\nkeep = [\"sshd\"]\nsince = \"1d\"\n\n[[query]]\nname = \"errors\"\nlevel = \"error\"\n",
            std::path::Path::new("q.toml"),
        )
        .unwrap();
        settle(s, src, Action::SavedQueries);
        settle(s, src, Action::Down);
    });
}

#[test]
fn before_the_index_is_open() {
    let s = AppState::new(80, 24);
    insta::assert_snapshot!("opening_80x24", screen(&s));
}

#[test]
fn hits_and_selection_are_styled() {
    let src = fake();
    let s = state(&src, 80, 24);
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let ui = ui();
    t.draw(|f| draw(f, &s, &ui)).unwrap();
    let buf = t.backend().buffer();
    let hit = ui.theme.style("hit");
    let hit_cells = buf
        .content
        .iter()
        .filter(|c| c.bg == hit.bg.unwrap())
        .count();
    assert!(hit_cells >= "login".len(), "search hits are highlighted");
    let sel = ui.theme.style("selected").bg.unwrap();
    let y = crate::app::layout::layout(&s).log.y;
    assert_eq!(buf[(40, y)].bg, sel, "the selected row is highlighted");
    // Nothing raw from the log reaches the terminal.
    assert!(buf.content.iter().all(|c| !c.symbol().contains('\x1b')));
}

#[test]
fn timeline_bars_are_stacked_by_level_and_gaps_shaded() {
    let mut src = fake();
    // Minutes 5-9 (one 5m bucket) have no errors: two warnings there.
    src.events[6].level = Some(Level::Warn);
    src.events[7].level = Some(Level::Warn);
    let mut s = state(&src, 80, 24);
    // All events, not the search's hits.
    settle(&mut s, &src, Action::ToggleTimelineHits);
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let ui = ui();
    t.draw(|f| draw(f, &s, &ui)).unwrap();
    let buf = t.backend().buffer();
    let bottom = crate::app::layout::TIMELINE_ROWS - 3;
    let row: Vec<_> = (0..80).map(|x| buf[(x, bottom)].clone()).collect();
    let fg = |k: &str| ui.theme.style(k).fg.unwrap();
    assert!(
        row.iter().any(|c| c.fg == fg("timeline_error")),
        "errors at the bottom"
    );
    assert!(
        row.iter().any(|c| c.fg == fg("timeline_warn")),
        "then warnings"
    );
    assert!(
        row.iter().any(|c| c.fg == fg("timeline_bar")),
        "then the rest"
    );
    assert!(
        row.iter()
            .any(|c| c.symbol() == "░" && c.fg == fg("timeline_gap"))
    );
}

/// Bidi controls and zero-width characters in a file name are shown escaped, and wide
/// characters take their two columns: every row's later columns start at the same column.
#[test]
fn bidi_and_wide_names_keep_the_sources_columns_aligned() {
    let src = fake();
    let mut s = state(&src, 160, 48);
    let span = s.span.as_mut().unwrap();
    for name in ["evil/\u{202e}gol.txt\u{2066}\u{200b}", "日本/ログ.log"] {
        let mut f = span.files[0].clone();
        f.path = format!("/logs/{name}");
        span.files.push(f);
    }
    settle(&mut s, &src, Action::Sources);
    let text = screen(&s);
    assert!(
        text.contains("evil/\\u{202e}gol.txt\\u{2066}\\u{200b}"),
        "{text}"
    );
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("[x]") || l.contains("[ ]"))
        .collect();
    assert_eq!(rows.len(), 4, "{text}");
    // The display column where the zone starts.
    let zone_col = |r: &str| r.find("UTC").map(|i| crate::app::layout::str_cols(&r[..i]));
    let first = zone_col(rows[0]);
    assert!(first.is_some(), "{text}");
    assert!(rows.iter().all(|r| zone_col(r) == first), "{text}");
}

/// A JSON key with control characters is shown escaped in the detail popup, not dropped.
#[test]
fn the_detail_popup_escapes_field_keys() {
    let e = crate::app::data::LogEvent {
        fields: [(
            "ke\x1b]0;t\x07y".to_string(),
            serde_json::json!("v\u{202e}"),
        )]
        .into_iter()
        .collect(),
        text: r#"{"ke\u001b]0;t\u0007y":"v"}"#.into(),
        ..Default::default()
    };
    let theme = Theme::load(None, false).unwrap();
    let lines = super::detail::lines(&e, &theme, true, 0);
    let shown: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let all = shown.join("\n");
    assert!(all.contains("ke\\x1b]0;t\\x07y"), "{all}");
    assert!(all.contains("v\\u{202e}"), "{all}");
    assert!(!all.contains('\x1b') && !all.contains('\x07'), "{all}");
}

/// `timberline /bin/ls`: nothing indexed, the note says why, no timeline around 1970, and a
/// notice arriving later does not hide the reason.
#[test]
fn nothing_to_show() {
    let src = Fake::minutes(T0, 0, 0..0);
    let mut s = AppState::new(80, 24);
    let span = crate::app::data::Span {
        notes: vec![
            "/bin/ls: binary file (executable); skipped".into(),
            "/root/private: permission denied; skipped".into(),
        ],
        ..Default::default()
    };
    settle(&mut s, &src, Action::Opened(span));
    settle(
        &mut s,
        &src,
        Action::Notice("file changes cannot be watched here: polling every 0.25 s".into()),
    );
    let text = screen(&s);
    insta::assert_snapshot!("nothing_to_show_80x24", text);
    assert!(
        !text.contains("1970") && !text.contains("filters"),
        "{text}"
    );
    assert!(text.contains("permission denied"), "{text}");
}

/// A host that went silent: the gap is shaded up to the logs' end and its label counts that
/// much, not the empty future to the timeline's edge.
#[test]
fn a_silent_host_gap_is_labelled_up_to_the_logs_end() {
    let mut src = Fake::minutes(T0, 2000, 0..0);
    src.events
        .retain(|e| e.file == 0 || (e.ts - T0) / 60_000_000 < 1700);
    let mut s = AppState::new(160, 48);
    s.utc = true;
    s.now_us = T0 + 2150 * 60_000_000;
    settle(&mut s, &src, Action::Opened(src.span()));
    settle(&mut s, &src, Action::FilterKeep);
    for c in "host:db01".chars() {
        settle(&mut s, &src, Action::PromptChar(c));
    }
    settle(&mut s, &src, Action::PromptSubmit);
    settle(&mut s, &src, Action::Command);
    for c in "bucket 1h".chars() {
        settle(&mut s, &src, Action::PromptChar(c));
    }
    settle(&mut s, &src, Action::PromptSubmit);
    let text = screen(&s);
    insta::assert_snapshot!("silent_host_gap_160x48", text);
    assert!(
        !text.contains("gap 1d") && !text.contains("gap 2d"),
        "{text}"
    );
}

#[test]
fn the_status_line_says_which_hit_n_went_to() {
    let src = fake();
    let mut s = state(&src, 160, 48);
    assert!(!screen(&s).contains("hit 1/"), "not after g");
    settle(&mut s, &src, Action::NextHit);
    settle(&mut s, &src, Action::NextHit);
    let screen = screen(&s);
    assert!(screen.contains("/login (45 hits) │ hit 3/45"), "{screen}");
}

/// The patterns pane, the second pattern selected: the timeline counts its events.
#[test]
fn patterns_pane() {
    both("patterns", |s, src| {
        settle(s, src, Action::Patterns);
        settle(s, src, Action::Down);
    });
}

/// The detail pane's host field picked, then its top values.
#[test]
fn field_top_values() {
    both("field_values", |s, src| {
        settle(s, src, Action::Detail);
        settle(s, src, Action::NextField);
        settle(s, src, Action::TopValues);
    });
}

/// A long file name is not cut at a fixed width when there is room, and at 80 columns ←/→
/// bring the columns cut off into view.
#[test]
fn sources_with_a_long_name_scroll_sideways() {
    both("sources_long", |s, src| {
        if let Some(span) = s.span.as_mut() {
            span.files[0].path =
                "/logs/remote/fra-db01.example.internal/var/log/postgresql/postgresql-16-main.log"
                    .into();
        }
        settle(s, src, Action::Sources);
        if s.width < 100 {
            for _ in 0..6 {
                settle(s, src, Action::ScrollRight);
            }
        }
    });
}

/// A file whose last event is 5h30m after its last write is flagged as read in a wrong zone.
#[test]
fn sources_with_a_file_hours_off() {
    both("sources_zone_off", |s, src| {
        if let Some(span) = s.span.as_mut() {
            let last = span.files[0].last.unwrap_or(T0);
            span.files[0].mtime = Some(last - 5 * 3_600_000_000 - 1_800_000_000);
        }
        settle(s, src, Action::Sources);
    });
}

/// The rules pane over the fake's five hours: a threshold per host firing, a match rule, one
/// that matches nothing; the second row selected.
#[test]
fn rules_pane() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.toml");
    std::fs::write(
        &path,
        "[[rule]]\nname = \"error-burst\"\nquery = \"level:error\"\nseverity = \"error\"\n\
         count = 3\nwindow = \"30m\"\nby = \"host\"\n\n\
         [[rule]]\nname = \"logins\"\nquery = \"login\"\nseverity = \"info\"\nquiet = \"1h\"\n\n\
         [[rule]]\nname = \"disk-full\"\nquery = '\"disk full\"'\nseverity = \"crit\"\n",
    )
    .unwrap();
    both("rules", |s, src| {
        s.rules.files = vec![path.clone()];
        settle(s, src, Action::Rules);
        settle(s, src, Action::Down);
    });
}

/// No rules file: the pane says where to write one.
#[test]
fn rules_pane_without_rules() {
    both("rules_none", |s, src| {
        s.rules.files = vec!["/home/ana/.config/timberline/rules.toml".into()];
        settle(s, src, Action::Rules);
    });
}

/// The notes pane (`i`): every note, escaped, long ones wrapped under their bullet.
#[test]
fn notes() {
    both("notes", |s, src| {
        settle(
            s,
            src,
            Action::Noted(vec![
                "/var/log/wtmp: binary file; skipped".into(),
                "/var/log/private/\x1b[31mauth.log: permission denied; skipped".into(),
                "/var/log/installer/status: no timestamps recognised; its events are dated by the file's modification time (2026-10-03 04:00)".into(),
                "file changes cannot be watched here: polling every 0.25 s".into(),
            ]),
        );
        settle(s, src, Action::Notes);
    });
}

/// The files the index left out follow the indexed ones, with their state.
#[test]
fn sources_left_out() {
    let mut src = fake();
    src.unread = vec![
        crate::app::data::Unread {
            path: "/logs/db01/wtmp".into(),
            reason: "binary file (login records or journal)".into(),
        },
        crate::app::data::Unread {
            path: "/logs/private/secret.log".into(),
            reason: "permission denied".into(),
        },
        crate::app::data::Unread {
            path: "/logs/pipe.log".into(),
            reason: "a named pipe (FIFO), not a file".into(),
        },
    ];
    for (w, h) in [(80, 24), (160, 48)] {
        let mut s = state(&src, w, h);
        settle(&mut s, &src, Action::Sources);
        insta::assert_snapshot!(format!("sources_left_out_{w}x{h}"), screen(&s));
    }
}

/// Long source names: the tag column is as wide as the longest `host/file` (24 columns at
/// most from 120 on, 12 at 80), the file name kept whole and the folder shortened from its
/// end, never to a lone letter.
#[test]
fn log_view_long_sources() {
    let mut src = fake();
    src.files = vec!["fra-web01/syslog".into(), "app/api.jsonl".into()];
    for (i, e) in src.events.iter_mut().enumerate() {
        let f = &src.files[i % 2];
        e.source = format!("remote/{f}");
        e.path = format!("/logs/{f}");
    }
    for (w, h) in [(80, 24), (160, 48)] {
        let mut s = state(&src, w, h);
        settle(&mut s, &src, Action::ToggleWrap);
        insta::assert_snapshot!(format!("log_view_long_sources_{w}x{h}"), screen(&s));
    }
}
