//! The log review of the "Patterns" issue (ISO 27001 A.12.4.1: events never seen before,
//! trends by hour and by day), end to end on a generated corpus with planted facts:
//! `top --new` lists the values first seen in a window (a new host, a new user), and
//! `histogram --profile` counts by hour of day and by weekday beside a baseline.

mod common;

use common::{Corpus, count, jsonl, make_corpus, tl};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

/// Events of the planted new host and user (`web09`, `eve`), on the last day only.
const NEW_EVENTS: usize = 7;
const NEW_FIRST: &str = "2026-10-03T12:34:56.000Z";
/// Events of `trudy`, seen on the first day and again on the last (not on the second).
const TRUDY_EVENTS: [&str; 5] = [
    "2026-10-01T08:00:00.000Z",
    "2026-10-01T08:10:00.000Z",
    "2026-10-01T08:20:00.000Z",
    "2026-10-03T09:00:00.000Z",
    "2026-10-03T09:30:00.000Z",
];
/// The burst: events of a word found nowhere else, every 15 s from 03:00 UTC on 2 October.
const BURST_WORD: &str = "zugzwang";
const BURST_EVENTS: usize = 200;

/// A 3-day corpus (1–3 October 2026) with the planted facts above, made once per binary.
fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let c = make_corpus(1 << 20, 5);
        let dir = c.logs.join("planted");
        std::fs::create_dir_all(&dir).expect("mkdir");
        let mut audit = String::new();
        for ts in TRUDY_EVENTS {
            audit += &format!(
                r#"{{"ts":"{ts}","level":"info","msg":"login","host":"web02","user":"trudy"}}"#
            );
            audit.push('\n');
        }
        for i in 0..NEW_EVENTS {
            audit += &format!(
                r#"{{"ts":"2026-10-03T12:{:02}:56.000Z","level":"info","msg":"login","host":"web09","user":"eve"}}"#,
                34 + i
            );
            audit.push('\n');
        }
        std::fs::write(dir.join("audit.jsonl"), audit).expect("write");
        let mut burst = String::new();
        for i in 0..BURST_EVENTS {
            let s = i * 15;
            burst += &format!(
                "2026-10-02T03:{:02}:{:02}Z batch07 cron[77]: {BURST_WORD} job {i} started\n",
                s / 60,
                s % 60
            );
        }
        std::fs::write(dir.join("burst.log"), burst).expect("write");
        c
    })
}

/// Every event as `search --format jsonl` re-reads it from its text (the independent count:
/// not the index's terms and columns).
fn records() -> &'static [serde_json::Value] {
    static RECORDS: OnceLock<Vec<serde_json::Value>> = OnceLock::new();
    RECORDS.get_or_init(|| {
        let c = corpus();
        let idx = tempfile::tempdir().expect("tempdir");
        jsonl(&common::stdout(
            tl(idx.path(), &c.config)
                .args(["search", "--format", "jsonl"])
                .arg(&c.logs),
        ))
    })
}

/// A record's value of a field (its own host, else an extracted field), as indexed.
fn field(r: &serde_json::Value, f: &str) -> Option<String> {
    r[f].as_str()
        .or(r["fields"][f].as_str())
        .map(str::to_lowercase)
}

fn ts(r: &serde_json::Value) -> &str {
    r["ts"].as_str().expect("ts")
}

/// The values of `f` with an event in `[since, until)` and none in `[before, since)`,
/// counted from the records (times compared as UTC RFC 3339 text).
fn new_values(f: &str, before: &str, since: &str, until: &str) -> BTreeSet<String> {
    let seen = |lo: &str, hi: &str| -> BTreeSet<String> {
        records()
            .iter()
            .filter(|r| ts(r) >= lo && ts(r) < hi)
            .filter_map(|r| field(r, f))
            .collect()
    };
    let old = seen(before, since);
    seen(since, until).difference(&old).cloned().collect()
}

/// Runs `top ARGS... LOGS --format jsonl`: exit status and rows.
fn top(idx: &Path, args: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    let c = corpus();
    let out = tl(idx, &c.config)
        .arg("top")
        .args(args)
        .arg(&c.logs)
        .args(["--format", "jsonl"])
        .output()
        .expect("run");
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), jsonl(&text))
}

fn column(rows: &[serde_json::Value], f: &str) -> BTreeSet<String> {
    rows.iter()
        .map(|r| r[f].as_str().expect("a value").to_string())
        .collect()
}

const DAY1: &str = "2026-10-01T00:00:00Z";
const DAY2: &str = "2026-10-02T00:00:00Z";
const DAY3: &str = "2026-10-03T00:00:00Z";
const END: &str = "2026-10-04T00:00:00Z";

#[test]
fn a_host_and_a_user_first_seen_on_the_last_day_are_listed_once_and_exit_1() {
    let idx = tempfile::tempdir().expect("tempdir");
    for f in ["host", "user"] {
        let (code, rows) = top(idx.path(), &[f, "--new", "--since", DAY3]);
        assert_eq!(code, Some(1), "new values found: exit status 1");
        let want = new_values(f, DAY1, DAY3, END);
        let planted = if f == "host" { "web09" } else { "eve" };
        assert!(want.contains(planted), "{want:?}");
        assert_eq!(column(&rows, f), want, "{f}: {rows:?}");
        let row: Vec<_> = rows.iter().filter(|r| r[f] == planted).collect();
        assert_eq!(row.len(), 1, "listed once: {rows:?}");
        assert_eq!(row[0]["count"], NEW_EVENTS as u64);
        assert_eq!(row[0]["first_seen"], NEW_FIRST);
    }
    // A tuple is new when the pair is: (web02, trudy) was seen on the first day.
    let (code, rows) = top(idx.path(), &["host,user", "--new", "--since", DAY3]);
    assert_eq!(code, Some(1));
    let pairs: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r["host"].to_string(), r["user"].to_string()))
        .collect();
    assert!(
        pairs.contains(&("\"web09\"".into(), "\"eve\"".into())),
        "{pairs:?}"
    );
    assert!(!pairs.iter().any(|(_, u)| u == "\"trudy\""), "{pairs:?}");
    // --distinct and --limit apply to the new values.
    let (_, rows) = top(
        idx.path(),
        &[
            "host",
            "--new",
            "--since",
            DAY3,
            "--distinct",
            "user",
            "--limit",
            "1",
        ],
    );
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["host"], "web09");
    assert_eq!(rows[0]["distinct_user"], 1);
    // A reviewer reads the first time in the window beside each value.
    let c = corpus();
    let out = tl(idx.path(), &c.config)
        .args(["top", "user", "--new", "--since", DAY3])
        .arg(&c.logs)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert!(
        text.lines()
            .next()
            .is_some_and(|h| h.contains("first seen")),
        "{text}"
    );
    let eve: Vec<_> = text.lines().filter(|l| l.ends_with(" eve")).collect();
    assert_eq!(eve.len(), 1, "{text}");
    assert!(eve[0].contains(NEW_FIRST), "{text}");
    let csv = tl(idx.path(), &c.config)
        .args(["top", "user", "--new", "--since", DAY3, "--format", "csv"])
        .arg(&c.logs)
        .output()
        .expect("run");
    let csv = String::from_utf8(csv.stdout).expect("utf8");
    assert!(csv.starts_with("user,count,share,first_seen\n"), "{csv}");
    assert!(csv.contains(&format!("eve,{NEW_EVENTS},")), "{csv}");
}

#[test]
fn values_seen_before_the_window_are_not_new_and_none_new_exits_0() {
    let idx = tempfile::tempdir().expect("tempdir");
    // The second day has no user the first day had not.
    assert_eq!(new_values("user", DAY1, DAY2, DAY3), BTreeSet::new());
    let (code, rows) = top(
        idx.path(),
        &["user", "--new", "--since", DAY2, "--until", DAY3],
    );
    assert_eq!((code, rows.len()), (Some(0), 0), "{rows:?}");
    // Every user of the window was seen before it, but `eve`: none of those is listed.
    let (_, all) = top(idx.path(), &["user", "--since", DAY3, "--limit", "1000"]);
    let (_, new) = top(idx.path(), &["user", "--new", "--since", DAY3]);
    let old: BTreeSet<String> = column(&all, "user")
        .difference(&column(&new, "user"))
        .cloned()
        .collect();
    assert!(old.contains("trudy") && old.contains("alice"), "{old:?}");
    assert!(!old.contains("eve"));
}

#[test]
fn a_shorter_baseline_lists_a_value_last_seen_before_it() {
    let idx = tempfile::tempdir().expect("tempdir");
    // trudy's last event before the window is on the first day: outside a 1-day baseline.
    let (code, rows) = top(
        idx.path(),
        &["user", "--new", "--since", DAY3, "--baseline", "1d"],
    );
    assert_eq!(code, Some(1));
    assert_eq!(column(&rows, "user"), new_values("user", DAY2, DAY3, END));
    let trudy: Vec<_> = rows.iter().filter(|r| r["user"] == "trudy").collect();
    assert_eq!(trudy.len(), 1, "{rows:?}");
    assert_eq!(trudy[0]["count"], 2);
    assert_eq!(trudy[0]["first_seen"], TRUDY_EVENTS[3]);
    // A baseline reaching back to the first day sees her.
    let (_, rows) = top(
        idx.path(),
        &["user", "--new", "--since", DAY3, "--baseline", "2d"],
    );
    assert!(!column(&rows, "user").contains("trudy"), "{rows:?}");
}

#[test]
fn new_needs_since_and_baseline_needs_new() {
    let c = corpus();
    let idx = tempfile::tempdir().expect("tempdir");
    for args in [
        vec!["top", "user", "--new"],
        vec!["top", "user", "--baseline", "1d", "--since", DAY3],
        vec![
            "top",
            "user",
            "--new",
            "--since",
            DAY3,
            "--baseline",
            "soon",
        ],
    ] {
        let out = tl(idx.path(), &c.config)
            .args(&args)
            .arg(&c.logs)
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("--since") || err.contains("--baseline"),
            "{err}"
        );
    }
}

/// Runs `histogram --profile ... --format json`.
fn profile(idx: &Path, tz: &str, args: &[&str]) -> serde_json::Value {
    let c = corpus();
    let out = common::stdout(
        tl(idx, &c.config)
            .env("TZ", tz)
            .arg("histogram")
            .args(args)
            .arg(&c.logs)
            .args(["--format", "json"]),
    );
    serde_json::from_str(&out).expect("json")
}

fn bucket<'a>(p: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    p["buckets"]
        .as_array()
        .expect("buckets")
        .iter()
        .find(|b| b["bucket"] == name)
        .expect("bucket")
}

/// Events per UTC hour of day in `[since, until)`, counted from the records.
fn per_hour(since: &str, until: &str) -> BTreeMap<String, u64> {
    let mut out: BTreeMap<String, u64> = (0..24).map(|h| (format!("{h:02}"), 0)).collect();
    for r in records() {
        if ts(r) >= since && ts(r) < until {
            *out.entry(ts(r)[11..13].to_string()).or_default() += 1;
        }
    }
    out
}

#[test]
fn a_burst_at_3_am_is_counted_in_its_hour_beside_the_baseline() {
    let idx = tempfile::tempdir().expect("tempdir");
    let window = ["--profile", "hour", "--since", DAY2, "--until", DAY3];
    // Only the burst: all of it at 03, none elsewhere; nothing of it the day before.
    let mut args = window.to_vec();
    args.extend(["-q", BURST_WORD]);
    let p = profile(idx.path(), "UTC", &args);
    let buckets = p["buckets"].as_array().expect("buckets");
    assert_eq!(buckets.len(), 24);
    for b in buckets {
        let want = if b["bucket"] == "03" { BURST_EVENTS } else { 0 };
        assert_eq!(b["count"], want as u64, "{b}");
        assert_eq!(b["baseline"], 0.0, "{b}");
        assert!(b["ratio"].is_null(), "{b}");
    }
    assert_eq!(p["baseline"]["since"], "2026-10-01T00:00:00.000Z");
    // All events: every hour as counted from the records, the burst's on top of the 03 of
    // that day; the baseline is the day before, hour by hour.
    let p = profile(idx.path(), "UTC", &window);
    let now = per_hour(DAY2, DAY3);
    let before = per_hour(DAY1, DAY2);
    for (h, n) in &now {
        let b = bucket(&p, h);
        assert_eq!(b["count"], *n, "{h}: {b}");
        assert_eq!(b["baseline"].as_f64(), Some(before[h] as f64), "{h}: {b}");
    }
    let b03 = bucket(&p, "03");
    assert!(b03["count"].as_u64().expect("count") >= BURST_EVENTS as u64);
    let ratio = b03["ratio"].as_f64().expect("ratio");
    assert!(ratio > 2.0, "{b03}");
    // A baseline of two days is averaged per day: the day after is compared with their mean.
    let p = profile(
        idx.path(),
        "UTC",
        &[
            "--profile",
            "hour",
            "--since",
            DAY3,
            "--until",
            END,
            "--baseline",
            "2d",
        ],
    );
    let two = per_hour(DAY1, DAY3);
    for (h, n) in &two {
        let got = bucket(&p, h)["baseline"].as_f64().expect("baseline");
        assert!((got - *n as f64 / 2.0).abs() < 1e-9, "{h}: {got} vs {n}/2");
    }
    // Hours are those of the local zone: 03 UTC is noon in Tokyo (TZ=JST-9).
    let mut args = window.to_vec();
    args.extend(["-q", BURST_WORD]);
    let p = profile(idx.path(), "JST-9", &args);
    assert_eq!(bucket(&p, "12")["count"], BURST_EVENTS as u64);
    assert_eq!(bucket(&p, "03")["count"], 0);
}

#[test]
fn weekday_buckets_add_up_to_the_window_and_name_its_days() {
    let c = corpus();
    let idx = tempfile::tempdir().expect("tempdir");
    // 1–3 October 2026: Thursday to Saturday.
    let p = profile(
        idx.path(),
        "UTC",
        &["--profile", "weekday", "--since", DAY1, "--until", END],
    );
    let names: Vec<&str> = p["buckets"]
        .as_array()
        .expect("buckets")
        .iter()
        .map(|b| b["bucket"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
    let total = count(
        tl(idx.path(), &c.config)
            .args(["search", "--count", "--since", DAY1, "--until", END])
            .arg(&c.logs),
    );
    let sum: u64 = p["buckets"]
        .as_array()
        .expect("buckets")
        .iter()
        .map(|b| b["count"].as_u64().expect("count"))
        .sum();
    assert_eq!((sum, p["count"].as_u64()), (total, Some(total)));
    for (day, since, until) in [("Thu", DAY1, DAY2), ("Fri", DAY2, DAY3), ("Sat", DAY3, END)] {
        let n = count(
            tl(idx.path(), &c.config)
                .args(["search", "--count", "--since", since, "--until", until])
                .arg(&c.logs),
        );
        assert_eq!(bucket(&p, day)["count"], n, "{day}");
    }
    // The 3-day baseline before (Monday to Wednesday) has no Thursday to compare with.
    assert!(bucket(&p, "Thu")["baseline"].is_null());
    assert_eq!(bucket(&p, "Mon")["count"], 0);
}

#[test]
fn the_text_profile_shows_count_baseline_ratio_and_a_bar() {
    let c = corpus();
    let idx = tempfile::tempdir().expect("tempdir");
    let text = common::stdout(
        tl(idx.path(), &c.config)
            .args([
                "histogram",
                "--profile",
                "hour",
                "--since",
                DAY2,
                "--until",
                DAY3,
            ])
            .args(["-q", BURST_WORD])
            .arg(&c.logs),
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 26, "{text}");
    assert_eq!(lines[0], "hour  count   baseline    ratio", "{text}");
    let three: Vec<&str> = lines[4].split_whitespace().collect();
    assert_eq!(three[..4], ["03", "200", "0.0", "-"], "{text}");
    assert!(three[4].starts_with('█'), "{text}");
    assert!(
        lines[25].starts_with("200 events 2026-10-02T00:00:00.000Z"),
        "{text}"
    );
    for args in [
        vec!["histogram", "--profile", "hour"],
        vec![
            "histogram",
            "--profile",
            "hour",
            "--since",
            DAY2,
            "--bucket",
            "1h",
        ],
        vec!["histogram", "--since", DAY2, "--baseline", "1d"],
    ] {
        let out = tl(idx.path(), &c.config)
            .args(&args)
            .arg(&c.logs)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}
