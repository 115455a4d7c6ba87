//! `timberline review` end to end on a generated corpus with planted facts: the planted gap,
//! the error count as `search --count` gives it, a pattern first seen on the last day, a host
//! that stops logging, and the HTML's escaping of a planted `<script>` line.

mod common;

use common::{Corpus, make_corpus, stdout, tl};
use std::sync::OnceLock;

const DAY2: &str = "2026-10-02T00:00:00Z";
const END: &str = "2026-10-04T00:00:00Z";
/// A host that logs every 5 minutes from the start until 06:00 on 2 October, then stops.
const STOPPER: &str = "relay7";
/// A message never seen before the last day.
const NEW_WORD: &str = "quokka";
const SCRIPT: &str = "<script>alert(1)</script>";

/// The corpus of `log_review.rs` (1–3 October 2026) with the facts above, made once.
fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let c = make_corpus(1 << 20, 5);
        let dir = c.logs.join("planted");
        std::fs::create_dir_all(&dir).expect("mkdir");
        let start = chrono::DateTime::parse_from_rfc3339("2026-10-01T00:00:00Z").expect("t");
        let mut stopper = String::new();
        for i in 0..(30 * 12) {
            let t = start + chrono::Duration::minutes(5 * i);
            stopper += &format!(
                "{} {STOPPER} heartbeat[9]: relay alive seq {i}\n",
                t.format("%Y-%m-%dT%H:%M:%SZ")
            );
        }
        std::fs::write(dir.join("relay.log"), stopper).expect("write");
        let mut new = String::new();
        for i in 0..3 {
            new += &format!(
                "2026-10-03T10:0{i}:00Z relay8 kernel: {NEW_WORD} firmware mismatch on slot\n"
            );
        }
        new += &format!(
            "2026-10-03T11:00:00Z relay8 webapp: posted {SCRIPT} from http://evil.example/x\n"
        );
        std::fs::write(dir.join("new.log"), new).expect("write");
        c
    })
}

fn review(idx: &std::path::Path, format: &str) -> String {
    let c = corpus();
    stdout(
        tl(idx, &c.config)
            .args([
                "review", "--since", DAY2, "--until", END, "--format", format,
            ])
            .arg(&c.logs),
    )
}

fn json(idx: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&review(idx, "json")).expect("json")
}

#[test]
fn the_json_review_names_the_planted_gap_the_errors_the_new_pattern_and_the_stopped_host() {
    let c = corpus();
    let idx = tempfile::tempdir().expect("tempdir");
    let v = json(idx.path());
    // The planted gap as the real silence (the last event before it and the first after are
    // within a minute of its edges), not rounded to the buckets that found it.
    let bucket = 60;
    let t = |s: &serde_json::Value| {
        chrono::DateTime::parse_from_rfc3339(s.as_str().expect("time"))
            .expect("rfc3339")
            .timestamp()
    };
    let gap = (
        c.manifest.gap.start.timestamp(),
        c.manifest.gap.end.timestamp(),
    );
    let gaps = v["step1"]["gaps"].as_array().expect("gaps");
    assert!(
        gaps.iter()
            .any(|g| (t(&g["start"]) - gap.0).abs() <= bucket
                && (t(&g["end"]) - gap.1).abs() <= bucket),
        "planted gap {gap:?} not in {gaps:?}"
    );
    // A rotated file ends where the next one begins: no gap to the window's end, none from
    // its start.
    for f in v["step1"]["files"].as_array().expect("files") {
        let name = f["name"].as_str().unwrap_or("");
        let rotated = name.ends_with(".1") || name.contains(".gz") || name.contains(".log.");
        for g in f["gaps"].as_array().into_iter().flatten() {
            assert!(
                !(rotated && g["end"] == v["record"]["until"]),
                "{name}: a gap to the window's end {g}"
            );
        }
    }
    // The error count is search's.
    let errors = common::count(
        tl(idx.path(), &c.config)
            .args([
                "search",
                "--count",
                "-q",
                "level:>=error",
                "--since",
                DAY2,
                "--until",
                END,
            ])
            .arg(&c.logs),
    );
    assert!(errors > 0, "the corpus has errors in the window");
    assert_eq!(v["step2"]["errors"].as_u64(), Some(errors));
    // The never-seen pattern is new; an everyday one is not.
    let new = v["step2"]["new_patterns"].as_array().expect("new");
    assert!(
        new.iter()
            .any(|p| p["template"].as_str().is_some_and(|t| t.contains(NEW_WORD))),
        "{NEW_WORD} not among the new patterns: {new:?}"
    );
    assert!(
        !new.iter().any(|p| p["template"]
            .as_str()
            .is_some_and(|t| t.contains("relay alive"))),
        "the heartbeat, logged before the window, is not new"
    );
    // The host that stopped, and only it among the busy ones.
    let hosts = v["step1"]["hosts"].as_array().expect("hosts");
    let host = |name: &str| hosts.iter().find(|h| h["name"] == name);
    let stopper = host(STOPPER).expect("the stopped host is listed");
    assert_eq!(stopper["stopped"], true, "{stopper}");
    assert_eq!(stopper["last_ever"], "2026-10-02T05:55:00.000Z");
    let busiest = hosts
        .iter()
        .max_by_key(|h| h["events"].as_u64())
        .expect("hosts");
    assert_eq!(busiest["stopped"], false, "{busiest}");
    // The record.
    assert_eq!(v["record"]["since"], "2026-10-02T00:00:00.000Z");
    assert!(
        v["record"]["version"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert_eq!(v["step3"]["days"].as_array().map(Vec::len), Some(2));
}

#[test]
fn the_markdown_review_has_the_three_steps_and_escapes_cells() {
    let idx = tempfile::tempdir().expect("tempdir");
    let md = review(idx.path(), "md");
    for h in [
        "## STEP 1: Are the logs there?",
        "## STEP 2: Obvious anomalies",
        "## STEP 3: Statistics",
    ] {
        assert!(md.contains(h), "{h} missing:\n{md}");
    }
    assert!(!md.contains("<script"), "log text escaped in Markdown");
    assert!(
        !md.chars().any(|c| c.is_control() && c != '\n'),
        "no raw controls"
    );
}

#[test]
fn the_html_review_is_one_file_with_nothing_fetched_and_the_script_escaped() {
    let c = corpus();
    let idx = tempfile::tempdir().expect("tempdir");
    let out = tempfile::tempdir().expect("tempdir");
    let file = out.path().join("review.html");
    let status = tl(idx.path(), &c.config)
        .args([
            "review", "--since", DAY2, "--until", END, "--format", "html", "--out",
        ])
        .arg(&file)
        .arg(&c.logs)
        .output()
        .expect("run");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(
        status.stdout.is_empty(),
        "--out writes the file, not stdout"
    );
    let entries: Vec<_> = std::fs::read_dir(out.path()).expect("ls").collect();
    assert_eq!(entries.len(), 1, "one file, no temporary left");
    let html = std::fs::read_to_string(&file).expect("read");
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));
    assert!(
        html.contains("&lt;script&gt;"),
        "the planted line is shown escaped"
    );
    for raw in ["<script", "href=", "src=", "url(", "@import", "<link"] {
        assert!(!html.contains(raw), "{raw} in the HTML");
    }
    // `http` only in text (log text, escaped), never inside a tag.
    for (i, _) in html.match_indices("http") {
        let before = &html[..i];
        assert!(
            before.rfind('<') < before.rfind('>'),
            "http inside a tag: {}",
            &html[i.saturating_sub(80)..i + 20]
        );
    }
}

#[test]
fn with_a_manifest_the_record_names_the_root_hash_and_the_verdicts() {
    let c = corpus();
    let idx = tempfile::tempdir().expect("tempdir");
    let seals = tempfile::tempdir().expect("tempdir");
    let manifest = seals.path().join("manifest.jsonl");
    let root = stdout(
        tl(idx.path(), &c.config)
            .args(["seal", "--print", "--manifest"])
            .arg(&manifest)
            .arg(&c.logs),
    );
    let out = stdout(
        tl(idx.path(), &c.config)
            .args([
                "review",
                "--since",
                DAY2,
                "--until",
                END,
                "--format",
                "json",
                "--manifest",
            ])
            .arg(&manifest)
            .arg(&c.logs),
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let seal = &v["record"]["seal"];
    assert_eq!(seal["root"].as_str(), Some(root.trim()));
    assert_eq!(seal["chain_intact"], true);
    assert_eq!(seal["exit"], 0);
    assert!(
        seal["verdicts"]["ok"].as_u64().is_some_and(|n| n > 0),
        "{seal}"
    );
}

#[test]
fn step1_names_a_file_whose_clock_goes_backwards() {
    let dir = tempfile::tempdir().expect("tmp");
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).expect("mkdir");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").expect("write");
    let line =
        |h: u32, m: u32, i: u32| format!("2026-10-02T{h:02}:{m:02}:00Z hostA app[1]: step {i}\n");
    let mut text = String::new();
    for i in 0..10 {
        text += &line(10, i * 2, i);
    }
    // The clock jumps back 40 minutes, then (2 minutes back: within the slack) once more.
    text += &line(9, 38, 10);
    text += &line(9, 40, 11);
    text += &line(9, 38, 12);
    std::fs::write(logs.join("back.log"), text).expect("write");
    let mut steady = String::new();
    for i in 0..10 {
        steady += &format!("2026-10-02T10:{:02}:00Z hostB app[1]: tick {i}\n", i * 3);
    }
    std::fs::write(logs.join("steady.log"), steady).expect("write");
    let run = |format: &str| {
        stdout(
            tl(&dir.path().join("index"), &config)
                .args([
                    "review", "--since", DAY2, "--until", END, "--format", format,
                ])
                .arg(&logs),
        )
    };
    let v: serde_json::Value = serde_json::from_str(&run("json")).expect("json");
    let files = v["step1"]["files"].as_array().expect("files");
    let of = |name: &str| {
        files
            .iter()
            .find(|f| f["name"].as_str().is_some_and(|n| n.ends_with(name)))
            .unwrap_or_else(|| panic!("{name} in {files:#?}"))
    };
    assert_eq!(
        of("back.log")["backwards"],
        serde_json::json!({"events": 1, "largest_minutes": 40})
    );
    assert!(of("steady.log")["backwards"].is_null());
    let md = run("md");
    assert!(
        md.contains("Clock going backwards (over 5 min): ")
            && md.contains("(1 events, largest 40 min)"),
        "{md}"
    );
    assert!(run("html").contains("largest 40 min"));
}

#[test]
fn step1_names_a_file_whose_events_sit_whole_hours_off_its_write_time() {
    let dir = tempfile::tempdir().expect("tmp");
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).expect("mkdir");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").expect("write");
    let at = |h: u32| {
        chrono::DateTime::parse_from_rfc3339(&format!("2026-10-02T{h:02}:00:00Z")).expect("t")
    };
    let write = |name: &str, last_h: u32, written_h: u32| {
        let mut text = String::new();
        for i in 0..5 {
            text += &format!(
                "2026-10-02T{:02}:{:02}:00Z host app[1]: tick {i}\n",
                last_h - 1,
                i * 10
            );
        }
        text += &format!("2026-10-02T{last_h:02}:00:00Z host app[1]: tick end\n");
        let p = logs.join(name);
        std::fs::write(&p, text).expect("write");
        let f = std::fs::File::options().write(true).open(&p).expect("open");
        f.set_modified(std::time::SystemTime::from(at(written_h)))
            .expect("mtime");
    };
    write("ahead.log", 12, 10);
    write("right.log", 12, 12);
    let run = |format: &str| {
        stdout(
            tl(&dir.path().join("index"), &config)
                .args([
                    "review", "--since", DAY2, "--until", END, "--format", format,
                ])
                .arg(&logs),
        )
    };
    let v: serde_json::Value = serde_json::from_str(&run("json")).expect("json");
    let files = v["step1"]["files"].as_array().expect("files");
    let of = |name: &str| {
        files
            .iter()
            .find(|f| f["name"].as_str().is_some_and(|n| n.ends_with(name)))
            .unwrap_or_else(|| panic!("{name} in {files:#?}"))
    };
    assert_eq!(of("ahead.log")["clock_offset_minutes"], 120);
    assert!(of("right.log")["clock_offset_minutes"].is_null());
    let md = run("md");
    assert!(md.contains("ahead.log (+120 min)"), "{md}");
    assert!(run("html").contains("(+120 min)"));
}

#[test]
fn step1_counts_invalid_utf8_and_cut_lines_per_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).expect("mkdir");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").expect("write");
    let mut bytes = Vec::new();
    for i in 0..5 {
        bytes.extend_from_slice(
            format!("2026-10-02T10:0{i}:00Z host app[1]: tick {i}\n").as_bytes(),
        );
    }
    bytes.extend_from_slice(b"2026-10-02T10:06:00Z host app[1]: long ");
    bytes.extend(std::iter::repeat_n(b'x', (1 << 20) + 10));
    // Last: the event the next update reads again when the file grows.
    bytes.extend_from_slice(b"\n2026-10-02T10:07:00Z host app[1]: bad \xff\xfe bytes\n");
    std::fs::write(logs.join("garbled.log"), &bytes).expect("write");
    std::fs::write(
        logs.join("clean.log"),
        "2026-10-02T10:00:00Z host app[1]: fine\n",
    )
    .expect("write");
    let run = |format: &str| {
        stdout(
            tl(&dir.path().join("index"), &config)
                .args([
                    "review", "--since", DAY2, "--until", END, "--format", format,
                ])
                .arg(&logs),
        )
    };
    let v: serde_json::Value = serde_json::from_str(&run("json")).expect("json");
    let files = v["step1"]["files"].as_array().expect("files");
    let of = |name: &str| {
        files
            .iter()
            .find(|f| f["name"].as_str().is_some_and(|n| n.ends_with(name)))
            .unwrap_or_else(|| panic!("{name} in {files:#?}"))
    };
    assert_eq!(of("garbled.log")["invalid_utf8"], 1);
    assert_eq!(of("garbled.log")["cut_lines"], 1);
    assert_eq!(of("clean.log")["invalid_utf8"], 0);
    // The file grows: its last event is read again, its bad line not counted twice.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(logs.join("garbled.log"))
        .expect("open");
    std::io::Write::write_all(&mut f, b"2026-10-02T10:08:00Z host app[1]: tick end\n")
        .expect("append");
    drop(f);
    let md = run("md");
    assert!(md.contains("garbled.log (1 invalid UTF-8, 1 cut)"), "{md}");
    assert!(run("html").contains("(1 invalid UTF-8, 1 cut)"));
}

#[test]
fn step2_weighs_out_of_hours_and_weekend_volume_and_names_silent_busy_hours() {
    let dir = tempfile::tempdir().expect("tmp");
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).expect("mkdir");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").expect("write");
    let mut text = String::new();
    let mut ev = |day: &str, h: u32, m: u32| {
        text += &format!("2026-{day}T{h:02}:{m:02}:00Z host app[1]: work item\n");
    };
    // The baseline (the two days before the window): office hours only.
    for day in ["09-30", "10-01"] {
        for h in 8..18 {
            for m in [0, 20, 40] {
                ev(day, h, m);
            }
        }
    }
    // The window: Friday's office hours but 10:00, and a burst at 03:00 on Saturday.
    for h in (8..18).filter(|&h| h != 10) {
        for m in [0, 20, 40] {
            ev("10-02", h, m);
        }
    }
    for m in 0..20 {
        ev("10-03", 3, m);
    }
    std::fs::write(logs.join("app.log"), text).expect("write");
    let out = stdout(
        tl(&dir.path().join("index"), &config)
            .args([
                "review", "--since", DAY2, "--until", END, "--format", "json",
            ])
            .arg(&logs),
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let o = &v["step2"]["off_hours"];
    assert_eq!(o["out_of_hours"]["count"], 20, "{o:#}");
    assert_eq!(o["out_of_hours"]["baseline"], 0.0, "{o:#}");
    assert_eq!(o["weekend"]["count"], 20, "{o:#}");
    assert_eq!(o["silent_busy_hours"], serde_json::json!(["10"]), "{o:#}");
}
