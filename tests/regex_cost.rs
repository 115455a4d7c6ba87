//! A costly `/regex/` is refused or stopped with a message, instead of running for minutes:
//! nested counted repetitions are refused when the query is read, and what runs has a time
//! budget (`TIMBERLINE_REGEX_BUDGET`, 5 s by default).

use std::path::Path;
use std::time::{Duration, Instant};

/// Lines holding long runs of `a`, on which every copy of `a{n}` is live at once.
fn a_runs(dir: &Path, lines: usize) {
    let line = format!(
        "2026-10-05T02:00:00.000000+00:00 web01 app[1]: {}\n",
        format!("{}b", "a".repeat(9999)).repeat(3)
    );
    std::fs::write(dir.join("a.log"), line.repeat(lines)).unwrap();
}

fn tl(idx: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("timberline").unwrap();
    cmd.env("TIMBERLINE_INDEX_DIR", idx).env("TZ", "UTC");
    cmd
}

#[test]
fn nested_repetitions_are_refused_at_once() {
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    a_runs(logs.path(), 50);
    let start = Instant::now();
    let out = tl(idx.path())
        .args(["search", "--count", "-q", "/(?:a{100}){100}/"])
        .arg(logs.path())
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("the regex repeats too much (10000 copies"),
        "{err}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_regex_past_its_time_budget_stops_with_a_message() {
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    a_runs(logs.path(), 200);
    let d = logs.path().to_str().unwrap();
    tl(idx.path()).args(["index", d]).assert().success();
    let q = "/(?:a{10}){100}/";
    for args in [
        vec!["search", "--count", "-q", q, d],
        vec!["search", "-q", q, d],
        vec!["search", "--limit", "5", "-q", q, d],
        vec!["histogram", "-q", q, d],
    ] {
        let out = tl(idx.path())
            .env("TIMBERLINE_REGEX_BUDGET", "0.001")
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(
            err.trim(),
            "timberline: regex /(?:a{10}){100}/ took longer than 1 ms; narrow it with words or a time window",
            "{args:?}"
        );
        assert!(out.stdout.is_empty(), "no partial answer for {args:?}");
    }
    // Within the default budget it answers.
    let out = tl(idx.path())
        .args(["search", "--count", "-q", q, d])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "200");
}
