//! File names and log text never reach the terminal raw: a name holding an OSC title
//! (`ESC ] 0 ; ... BEL`) or an OSC 52 clipboard sequence is shown escaped in the progress bar,
//! the notes and the errors.

mod common;

use std::path::Path;
use std::process::Command;

const TITLE: &str = "\x1b]0;pwned\x07";
const CLIPBOARD: &str = "\x1b]52;c;cHduZWQ=\x07";

fn hostile_logs(dir: &Path) {
    let line = "2026-10-05T02:00:00.000000+00:00 web01 app[1]: line with some padding text\n";
    std::fs::write(dir.join(format!("app{TITLE}.log")), line.repeat(20_000)).unwrap();
    std::fs::write(dir.join(format!("clip{CLIPBOARD}.log")), line).unwrap();
    // Skipped with a note that names it.
    std::fs::write(
        dir.join(format!("bin{TITLE}.dat")),
        b"\x89PNG\r\n\x1a\n....",
    )
    .unwrap();
}

/// No OSC introducer (`ESC ]`, or C1 `OSC`) and no BEL in what a terminal would receive.
fn assert_no_osc(bytes: &[u8], what: &str) {
    let text = String::from_utf8_lossy(bytes);
    assert!(
        !text.contains("\x1b]") && !text.contains('\u{9d}') && !text.contains('\x07'),
        "{what} sent a raw OSC sequence:\n{}",
        text.escape_debug()
    );
}

#[test]
fn the_progress_bar_on_a_terminal_escapes_file_names() {
    if Command::new("script").arg("--version").output().is_err() {
        common::skip("`script` (util-linux) is not installed");
        return;
    }
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    hostile_logs(logs.path());
    let bin = assert_cmd::cargo::cargo_bin("timberline");
    // `script` gives timberline a terminal on stderr, so the progress bar is drawn, and
    // records every byte the terminal would get.
    let cmd = format!("{} index {}", bin.display(), logs.path().to_str().unwrap());
    let out = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("TIMBERLINE_INDEX_DIR", idx.path())
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("2 files (2 read)"), "{shown}");
    assert!(shown.contains("app\\x1b]0;pwned\\x07.log"), "{shown}");
    assert_no_osc(&out.stdout, "index on a terminal");
}

#[test]
fn notes_and_errors_escape_file_names_and_queries() {
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    hostile_logs(logs.path());
    let mut cmd = assert_cmd::Command::cargo_bin("timberline").unwrap();
    let out = cmd
        .env("TIMBERLINE_INDEX_DIR", idx.path())
        .arg("index")
        .arg(logs.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bin\\x1b]0;pwned\\x07.dat"), "{err}");
    assert_no_osc(&out.stderr, "index notes");
    assert_no_osc(&out.stdout, "index summary");
    // A path that does not exist, and a query that does not parse, both hostile.
    let missing = logs.path().join(format!("gone{CLIPBOARD}"));
    for args in [
        vec!["search".to_string(), missing.to_str().unwrap().to_string()],
        vec![
            "search".to_string(),
            "-q".to_string(),
            format!("({TITLE}"),
            logs.path().to_str().unwrap().to_string(),
        ],
    ] {
        let mut cmd = assert_cmd::Command::cargo_bin("timberline").unwrap();
        let out = cmd
            .env("TIMBERLINE_INDEX_DIR", idx.path())
            .args(&args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
        assert_no_osc(&out.stderr, &format!("the error of {args:?}"));
    }
}

#[test]
fn a_bad_argument_is_quoted_escaped_on_a_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        common::skip("`script` (util-linux) is not installed");
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("timberline");
    // The shell's $'...' turns the escapes into the bytes.
    let cmd = format!("{} search --format $'\\x1b]0;pwned\\x07' x", bin.display());
    let out = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("SHELL", "/bin/bash")
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("invalid value"), "{shown}");
    assert!(shown.contains("\\x1b]0;pwned\\x07"), "{shown}");
    assert_no_osc(&out.stdout, "clap's error on a terminal");
}
