//! The explorer leaves the terminal as it found it: a query nested thousands deep is an error
//! on the prompt line (it used to overflow the stack, leaving the alternate screen and mouse
//! reporting on), and quitting restores the screen, the mouse and the cursor.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

struct Pane {
    sock: String,
    _dir: tempfile::TempDir,
}

impl Pane {
    fn start(cmd: &str) -> Pane {
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("tmux.sock").display().to_string();
        let pane = Pane { sock, _dir: dir };
        pane.t(&[
            "new-session",
            "-d",
            "-s",
            "tl",
            "-x",
            "120",
            "-y",
            "30",
            cmd,
        ]);
        pane
    }

    fn t(&self, args: &[&str]) -> String {
        let mut all = vec!["-S", self.sock.as_str()];
        all.extend_from_slice(args);
        let out = Command::new("tmux").args(&all).output().expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait(&self, what: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.t(&["capture-pane", "-t", "tl", "-p"]);
            if what(&screen) || start.elapsed() > Duration::from_secs(60) {
                return screen;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The pane's modes: alternate screen, any mouse reporting, cursor shown.
    fn modes(&self) -> String {
        self.t(&[
            "display",
            "-p",
            "-t",
            "tl",
            "#{alternate_on} #{mouse_any_flag} #{cursor_flag}",
        ])
        .trim()
        .to_string()
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        self.t(&["kill-server"]);
    }
}

#[test]
fn a_deep_query_is_an_error_and_quitting_restores_the_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        common::skip("tmux is not installed (.ci/run installs it)");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let logs = work.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let lines: String = (0..50)
        .map(|i| format!("2026-10-05T02:00:{i:02}.000000+00:00 web01 app[1]: line {i}\n"))
        .collect();
    std::fs::write(logs.join("app.log"), lines).unwrap();
    let exit_file = work.path().join("exit");
    let cmd = format!(
        "TZ=UTC HOME={home} TIMBERLINE_INDEX_DIR={idx} TIMBERLINE_STATE_DIR={state} {bin} {logs}; echo $? > {exit}; sleep 30",
        home = work.path().display(),
        idx = work.path().join("index").display(),
        state = work.path().join("state").display(),
        bin = assert_cmd::cargo::cargo_bin("timberline").display(),
        logs = logs.display(),
        exit = exit_file.display(),
    );
    let pane = Pane::start(&cmd);
    let screen = pane.wait(|s| s.contains("50 events"));
    assert!(screen.contains("50 events"), "first screen:\n{screen}");
    assert_eq!(pane.modes(), "1 1 0", "the explorer's own modes");
    pane.t(&["send-keys", "-t", "tl", "/"]);
    // In pieces: tmux loses keys of one very long send-keys.
    for _ in 0..16 {
        pane.t(&["send-keys", "-t", "tl", "-l", &"NOT ".repeat(125)]);
        std::thread::sleep(Duration::from_millis(100));
    }
    pane.t(&["send-keys", "-t", "tl", "-l", "x"]);
    pane.t(&["send-keys", "-t", "tl", "Enter"]);
    let screen = pane.wait(|s| s.contains("nested too deeply") || exit_file.exists());
    assert!(
        screen.contains("nested too deeply"),
        "the error, not a crash:\n{screen}"
    );
    pane.t(&["send-keys", "-t", "tl", "Escape"]);
    pane.t(&["send-keys", "-t", "tl", "q"]);
    wait_for(&exit_file);
    let code = std::fs::read_to_string(&exit_file).unwrap_or_default();
    assert_eq!(code.trim(), "0", "quit cleanly");
    assert_eq!(pane.modes(), "0 0 1", "screen, mouse and cursor restored");
}

fn wait_for(file: &Path) {
    let start = Instant::now();
    while !file.exists() && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(100));
    }
}
