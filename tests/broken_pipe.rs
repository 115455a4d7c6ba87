//! A reader that goes away (`| true`, `| head -1`) ends every command quietly: exit status 0,
//! nothing on stderr, no panic.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn logs(dir: &Path, lines: usize) {
    let text: String = (0..lines)
        .map(|i| {
            format!(
                "2026-10-05T02:{:02}:{:02}.000000+00:00 web01 app[1]: line {i}\n",
                i / 60 % 60,
                i % 60
            )
        })
        .collect();
    std::fs::write(dir.join("app.log"), text).unwrap();
}

fn timberline(idx: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_timberline"));
    cmd.env("TIMBERLINE_INDEX_DIR", idx)
        .env("TZ", "UTC")
        .env("HOME", idx)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Waits for `child` at most `limit`; kills it (and fails) when it takes longer.
fn wait_quiet(mut child: Child, limit: Duration, what: &str) {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                std::io::Read::read_to_string(&mut e, &mut err).unwrap();
            }
            assert!(status.success(), "{what}: {status}\n{err}");
            assert_eq!(err, "", "{what}: stderr should be empty");
            return;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after the reader went away");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Reads one line of the child's output, then closes the pipe (`| head -1`).
fn head_1(child: &mut Child) {
    let out = child.stdout.take().unwrap();
    let mut first = String::new();
    BufReader::new(out).read_line(&mut first).unwrap();
    assert!(first.contains("line"), "{first:?}");
}

#[test]
fn index_into_a_closed_pipe_is_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    logs(dir.path(), 50);
    let d = dir.path().to_str().unwrap();
    let mut child = timberline(idx.path(), &["index", d]).spawn().unwrap();
    drop(child.stdout.take()); // `| true`: the reader is gone before anything is written.
    wait_quiet(child, Duration::from_secs(60), "index | true");
}

#[test]
fn search_and_count_into_a_closed_pipe_are_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    logs(dir.path(), 20_000);
    let d = dir.path().to_str().unwrap();
    let mut child = timberline(idx.path(), &["search", d]).spawn().unwrap();
    head_1(&mut child);
    wait_quiet(child, Duration::from_secs(60), "search | head -1");
    for args in [
        ["search", "--count", d],
        ["search", "--format=jsonl", d],
        ["histogram", "--format=json", d],
    ] {
        let mut child = timberline(idx.path(), &args).spawn().unwrap();
        drop(child.stdout.take());
        wait_quiet(child, Duration::from_secs(60), &args.join(" "));
    }
}

#[test]
fn tail_into_a_closed_pipe_ends_without_new_lines() {
    let dir = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    logs(dir.path(), 30);
    let d = dir.path().to_str().unwrap();
    let mut child = timberline(idx.path(), &["tail", "-n", "3", d])
        .spawn()
        .unwrap();
    head_1(&mut child);
    // No line is appended: tail must notice the reader is gone by itself.
    wait_quiet(child, Duration::from_secs(20), "tail | head -1");
}
