//! File identity across rotation: renamed, copied-and-truncated, gzipped and deleted files are
//! never indexed twice and never lost.

mod common;

use common::{count, stdout};
use std::fs;
use std::io::Write;
use std::path::Path;

fn tl(idx: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("timberline").unwrap();
    cmd.env("TIMBERLINE_INDEX_DIR", idx).env("TZ", "UTC").env("HOME", idx);
    cmd
}

fn append(path: &Path, from: usize, n: usize) {
    let mut f = fs::OpenOptions::new().create(true).append(true).open(path).unwrap();
    for i in from..from + n {
        writeln!(f, "2026-10-05T02:{:02}:{:02}.000000+00:00 web01 app[1]: line {i} of the log", (i / 60) % 60, i % 60).unwrap();
    }
}

fn gzip(from: &Path, to: &Path) {
    let data = fs::read(from).unwrap();
    let mut enc = flate2::write::GzEncoder::new(fs::File::create(to).unwrap(), flate2::Compression::default());
    enc.write_all(&data).unwrap();
    enc.finish().unwrap();
    fs::remove_file(from).unwrap();
}

fn total(idx: &Path, logs: &Path) -> u64 {
    count(tl(idx).args(["search", "--count"]).arg(logs))
}

fn distinct_lines(idx: &Path, logs: &Path) -> usize {
    let out = stdout(tl(idx).args(["search", "--format", "jsonl"]).arg(logs));
    let texts: std::collections::BTreeSet<String> =
        out.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["text"].as_str().unwrap().to_string()).collect();
    texts.len()
}

#[test]
fn rename_create_then_compress_keeps_every_line_exactly_once() {
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let x = logs.path().join("app.log");
    append(&x, 0, 100);
    assert_eq!(total(idx.path(), logs.path()), 100);
    // More lines, then rotate before timberline sees them (they must not be lost).
    append(&x, 100, 20);
    fs::rename(&x, logs.path().join("app.log.1")).unwrap();
    append(&x, 120, 30);
    assert_eq!(total(idx.path(), logs.path()), 150);
    // delaycompress's next step: app.log.1 → app.log.2.gz, app.log → app.log.1.
    gzip(&logs.path().join("app.log.1"), &logs.path().join("app.log.2.gz"));
    fs::rename(&x, logs.path().join("app.log.1")).unwrap();
    append(&x, 150, 10);
    assert_eq!(total(idx.path(), logs.path()), 160);
    assert_eq!(distinct_lines(idx.path(), logs.path()), 160);
    // The compressed file's events are still readable (stored text).
    let out = stdout(tl(idx.path()).args(["search", "-q", "\"line 5 of\""]).arg(logs.path()));
    assert!(out.contains("app.log.2.gz:6 "), "{out}");
    // Deleting the oldest removes its events.
    fs::remove_file(logs.path().join("app.log.2.gz")).unwrap();
    let out = tl(idx.path()).args(["search", "--count"]).arg(logs.path()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "40");
    assert!(String::from_utf8_lossy(&out.stderr).contains("app.log.2.gz: gone since the last update"));
}

#[test]
fn copytruncate_reads_the_copy_once_and_the_truncated_file_from_its_start() {
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let x = logs.path().join("app.log");
    append(&x, 0, 50);
    assert_eq!(total(idx.path(), logs.path()), 50);
    append(&x, 50, 5);
    // copy ...
    fs::copy(&x, logs.path().join("app.log.1")).unwrap();
    // ... a run between the copy and the truncation sees two files with the same content:
    // the copy waits, nothing is counted twice.
    let out = tl(idx.path()).args(["search", "--count"]).arg(logs.path()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "55");
    assert!(String::from_utf8_lossy(&out.stderr).contains("rotation in progress"));
    // ... truncate, and new lines.
    fs::File::options().write(true).open(&x).unwrap().set_len(0).unwrap();
    append(&x, 55, 7);
    assert_eq!(total(idx.path(), logs.path()), 62);
    assert_eq!(distinct_lines(idx.path(), logs.path()), 62);
}

#[test]
fn a_multiline_event_growing_at_the_end_of_a_file_is_indexed_once_whole() {
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let x = logs.path().join("worker.log");
    fs::write(&x, "2026-10-05 02:00:00,000 ERROR [w] 1: failed\nTraceback (most recent call last):\n").unwrap();
    assert_eq!(total(idx.path(), logs.path()), 1);
    let mut f = fs::OpenOptions::new().append(true).open(&x).unwrap();
    write!(f, "  File \"w.py\", line 3, in run\nValueError: boom\n2026-10-05 02:00:01,000 INFO [w] 1: next").unwrap();
    drop(f);
    let out = stdout(tl(idx.path()).args(["search", "--format", "jsonl"]).arg(logs.path()));
    let events: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(events.len(), 2, "{out}");
    assert!(events[0]["text"].as_str().unwrap().ends_with("ValueError: boom"));
    assert_eq!(events[1]["text"], "2026-10-05 02:00:01,000 INFO [w] 1: next");
}
