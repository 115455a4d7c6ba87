//! The explorer in a real terminal (tmux): open the demo logs, search, jump to the gap, quit.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().expect("tmux");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn open_search_jump_to_the_gap_and_quit_in_tmux() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: tmux is not installed (.ci/run installs it)");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().unwrap();
    let exit_file = work.path().join("exit");
    let socket = work.path().join("tmux.sock");
    let sock = socket.to_str().unwrap();
    let session = "tl";
    let cmd = format!(
        "cd {root} && TZ=UTC TIMBERLINE_INDEX_DIR={idx} {bin} --config assets/demo.toml assets/demo; echo $? > {exit}; sleep 30",
        root = root.display(),
        idx = work.path().join("index").display(),
        bin = assert_cmd::cargo::cargo_bin("timberline").display(),
        exit = exit_file.display(),
    );
    let t = |args: &[&str]| {
        let mut all = vec!["-S", sock];
        all.extend_from_slice(args);
        tmux(&all)
    };
    t(&[
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "120",
        "-y",
        "30",
        &cmd,
    ]);
    let wait = |text: &str| {
        let start = Instant::now();
        loop {
            let screen = t(&["capture-pane", "-t", session, "-p"]);
            if screen.contains(text) || start.elapsed() > Duration::from_secs(60) {
                return screen;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    let screen = wait("2,908 events");
    assert!(screen.contains("2,908 events"), "first screen:\n{screen}");
    t(&["send-keys", "-t", session, "/"]);
    t(&["send-keys", "-t", session, "Failed password", "Enter"]);
    let screen = wait("hits)");
    assert!(
        screen.contains("/Failed password (215 hits)"),
        "search:\n{screen}"
    );
    t(&["send-keys", "-t", session, ":bucket 5m", "Enter"]);
    std::thread::sleep(Duration::from_millis(800));
    t(&["send-keys", "-t", session, "g"]);
    std::thread::sleep(Duration::from_millis(800));
    t(&["send-keys", "-t", session, "]"]);
    let screen = wait("gap:");
    assert!(
        screen.contains("gap: 40m without events"),
        "gap jump:\n{screen}"
    );
    t(&["send-keys", "-t", session, "q"]);
    let start = Instant::now();
    while !exit_file.exists() && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let code = std::fs::read_to_string(&exit_file).unwrap_or_default();
    t(&["kill-server"]);
    assert_eq!(code.trim(), "0", "quit cleanly");
}
