//! The explorer in a real terminal (tmux): open the demo logs, search, jump to the gap, quit,
//! reopen where it was; follow a growing file.

mod common;

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
        common::skip("tmux is not installed (.ci/run installs it)");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().unwrap();
    let exit_file = work.path().join("exit");
    let socket = work.path().join("tmux.sock");
    let sock = socket.to_str().unwrap();
    let session = "tl";
    let cmd = format!(
        "cd {root} && TZ=UTC TIMBERLINE_INDEX_DIR={idx} TIMBERLINE_STATE_DIR={state} {bin} --config assets/demo.toml assets/demo; echo $? > {exit}; sleep 30",
        root = root.display(),
        idx = work.path().join("index").display(),
        state = work.path().join("state").display(),
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
        screen.contains("gap: 47m12s without events"),
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
    let selected = |screen: &str| -> Option<String> {
        // The gap jump's status names the event it landed on; the line itself is on screen.
        screen
            .lines()
            .find(|l| l.contains("Failed password"))
            .map(str::to_string)
    };
    let before = selected(&screen);

    // The same logs again: the search, the zoom and the place come back.
    let pane = Pane::start(&cmd.replace("; echo $?", "; echo reopened $?"), 120, 30);
    // The hit count comes a moment after the screen (it is counted on the worker thread).
    let again = pane.wait(|s| s.contains("last session restored") && s.contains("(215 hits)"));
    assert!(
        again.contains("last session restored") && again.contains("/Failed password (215 hits)"),
        "reopened:\n{again}"
    );
    assert_eq!(
        selected(&again),
        before,
        "same place:\n{screen}\n---\n{again}"
    );
    pane.keys("q");
}

/// A private tmux server running one command.
struct Pane {
    sock: String,
    _dir: tempfile::TempDir,
}

impl Pane {
    fn start(cmd: &str, width: u16, height: u16) -> Pane {
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("tmux.sock").display().to_string();
        let pane = Pane { sock, _dir: dir };
        pane.t(&[
            "new-session",
            "-d",
            "-s",
            "tl",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            cmd,
        ]);
        pane
    }

    fn t(&self, args: &[&str]) -> String {
        let mut all = vec!["-S", self.sock.as_str()];
        all.extend_from_slice(args);
        tmux(&all)
    }

    fn keys(&self, keys: &str) {
        self.t(&["send-keys", "-t", "tl", keys]);
    }

    /// Waits until the screen satisfies `ok` (at most 30 s); returns the last screen.
    fn wait(&self, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.t(&["capture-pane", "-t", "tl", "-p"]);
            if ok(&screen) || start.elapsed() > Duration::from_secs(30) {
                return screen;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        self.t(&["kill-server"]);
    }
}

#[test]
fn follow_shows_new_lines_as_they_are_written_and_pauses_on_scroll() {
    if Command::new("tmux").arg("-V").output().is_err() {
        common::skip("tmux is not installed (.ci/run installs it)");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let logs = work.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let log = logs.join("app.log");
    let mut seq = 0;
    let append = |n: usize, seq: &mut usize| {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        for _ in 0..n {
            let ts = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.6fZ");
            writeln!(f, "{ts} web01 app[7]: request seq={seq} done").unwrap();
            *seq += 1;
        }
    };
    append(50, &mut seq);
    let cmd = format!(
        "TZ=UTC TIMBERLINE_INDEX_DIR={idx} TIMBERLINE_STATE_DIR={state} {bin} -f {logs}; sleep 30",
        idx = work.path().join("index").display(),
        state = work.path().join("state").display(),
        bin = assert_cmd::cargo::cargo_bin("timberline").display(),
        logs = logs.display(),
    );
    let pane = Pane::start(&cmd, 100, 24);
    let screen = pane.wait(|s| s.contains("seq=49 ") && s.contains("following"));
    assert!(
        screen.contains("seq=49 ") && screen.contains("following"),
        "starts following at the end:\n{screen}"
    );

    // Lines written while following appear without a key press, and the count grows.
    for round in 0..5 {
        append(10, &mut seq);
        let last = format!("seq={} ", seq - 1);
        let screen = pane.wait(|s| s.contains(&last));
        assert!(
            screen.contains(&last),
            "round {round}: {last} never shown:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let screen = pane.wait(|s| s.contains("100 events"));
    assert!(screen.contains("100 events"), "{screen}");

    // Scrolling up pauses follow; what arrives meanwhile is counted, not shown.
    pane.keys("g");
    let screen = pane.wait(|s| s.contains("seq=0 ") && !s.contains("following"));
    assert!(!screen.contains("following"), "g pauses follow:\n{screen}");
    append(7, &mut seq);
    let screen = pane.wait(|s| s.contains("7 new events (F follows)"));
    assert!(
        screen.contains("7 new events (F follows)") && !screen.contains("seq=106 "),
        "paused:\n{screen}"
    );
    // F resumes: the newest events are shown.
    pane.keys("F");
    let screen = pane.wait(|s| s.contains("seq=106 ") && s.contains("following"));
    assert!(
        screen.contains("seq=106 ") && screen.contains("following"),
        "F resumes:\n{screen}"
    );
    pane.keys("q");
}

/// The patterns pane in a real terminal: `p` lists the demo's patterns, `/` finds one by its
/// template, Enter keeps only its events, `>` goes to where a pattern began.
#[test]
fn the_patterns_pane_keeps_one_pattern_in_tmux() {
    if Command::new("tmux").arg("-V").output().is_err() {
        common::skip("tmux is not installed (.ci/run installs it)");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().unwrap();
    let cmd = format!(
        "cd {root} && TZ=UTC XDG_CONFIG_HOME={cfg} TIMBERLINE_INDEX_DIR={idx} TIMBERLINE_STATE_DIR={state} {bin} --config assets/demo.toml assets/demo; sleep 30",
        root = root.display(),
        cfg = work.path().join("config").display(),
        idx = work.path().join("index").display(),
        state = work.path().join("state").display(),
        bin = assert_cmd::cargo::cargo_bin("timberline").display(),
    );
    let pane = Pane::start(&cmd, 140, 40);
    let screen = pane.wait(|s| s.contains("2,908 events"));
    assert!(screen.contains("2,908 events"), "first screen:\n{screen}");
    pane.keys("p");
    let screen = pane.wait(|s| s.contains("patterns by most events") && s.contains("<ip>"));
    assert!(
        screen.contains("patterns by most events") && screen.contains("<ip>"),
        "the pane:\n{screen}"
    );
    pane.keys("/");
    pane.keys("Failed password");
    pane.keys("Enter");
    let screen = pane.wait(|s| s.contains("holding \"Failed password\""));
    assert!(
        screen.contains("sshd: Failed password for"),
        "searched:\n{screen}"
    );
    pane.keys("Enter");
    // The log view's rows (a time, then the source).
    fn rows(screen: &str) -> Vec<&str> {
        screen
            .lines()
            .filter(|l| {
                let t = l.trim_start_matches(['›', '▌', ' ']);
                t.len() > 8 && t.as_bytes()[2] == b':' && t.as_bytes()[5] == b':'
            })
            .collect()
    }
    let only = |s: &str| {
        let r = rows(s);
        r.len() > 10 && r.iter().all(|l| l.contains("Failed password"))
    };
    let screen = pane.wait(|s| s.contains("keep filter added") && only(s));
    assert!(screen.contains("keep filter added"), "kept:\n{screen}");
    assert!(only(&screen), "only the pattern's events:\n{screen}");
    pane.keys("g");
    pane.keys(">");
    let screen =
        pane.wait(|s| s.contains("first occurrence of") || s.contains("no pattern begins"));
    assert!(
        screen.contains("no pattern begins after"),
        "one pattern kept: none begins later than its first event:\n{screen}"
    );
    pane.keys("q");
}

#[test]
fn logs_never_indexed_show_their_newest_lines_before_the_index_is_built() {
    if Command::new("tmux").arg("-V").output().is_err() {
        common::skip("tmux is not installed (.ci/run installs it)");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let logs = work.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    // Big enough that the first index takes seconds (tens of MB).
    let mut text = String::with_capacity(48 << 20);
    let n = 500_000;
    for i in 0..n {
        use std::fmt::Write;
        let _ = writeln!(
            text,
            "2026-12-0{}T{:02}:{:02}:{:02}.{:06}Z web01 app[7]: request seq={i} done after a while",
            1 + i / 250_000,
            (i / 3600) % 24,
            (i / 60) % 60,
            i % 60,
            i % 1_000_000
        );
    }
    std::fs::write(logs.join("app.log"), &text).unwrap();
    std::fs::write(
        logs.join("old.log"),
        "2026-11-01T00:00:00Z web01 app[7]: old\n",
    )
    .unwrap();
    let cmd = format!(
        "TZ=UTC TIMBERLINE_INDEX_DIR={idx} TIMBERLINE_STATE_DIR={state} {bin} {logs}; sleep 30",
        idx = work.path().join("index").display(),
        state = work.path().join("state").display(),
        bin = assert_cmd::cargo::cargo_bin("timberline").display(),
        logs = logs.display(),
    );
    let pane = Pane::start(&cmd, 120, 24);
    let last = format!("seq={} done", n - 1);
    let screen = pane.wait(|s| s.contains(&last));
    assert!(
        screen.contains(&last) && screen.contains("indexing"),
        "the newest line while the index is still being built:\n{screen}"
    );
    pane.keys("q");
}

/// `A` on the demo logs with a rules file in the config directory: the rules that fire, with
/// the demo's planted counts (215 `Failed password` events, the 150-line burst from one host,
/// the 7 `ZEBRA-7f3a9` events), most alerts first; Enter keeps the brute-force rule's events.
#[test]
fn the_rules_pane_lists_the_rules_firing_and_keeps_one_in_tmux() {
    if Command::new("tmux").arg("-V").output().is_err() {
        common::skip("tmux is not installed (.ci/run installs it)");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().unwrap();
    let cfg = work.path().join("config");
    std::fs::create_dir_all(cfg.join("timberline")).unwrap();
    std::fs::write(
        cfg.join("timberline/rules.toml"),
        "[[rule]]\nname = \"ssh-brute\"\nquery = '\"Failed password\"'\ncount = 100\nwindow = \"10m\"\nby = \"host\"\nseverity = \"crit\"\n\n\
         [[rule]]\nname = \"zebra\"\nquery = \"ZEBRA-7f3a9\"\nseverity = \"info\"\n\n\
         [[rule]]\nname = \"never\"\nquery = '\"no such words here\"'\n",
    )
    .unwrap();
    let cmd = format!(
        "cd {root} && TZ=UTC XDG_CONFIG_HOME={cfg} TIMBERLINE_INDEX_DIR={idx} TIMBERLINE_STATE_DIR={state} {bin} --config assets/demo.toml assets/demo; sleep 30",
        root = root.display(),
        cfg = cfg.display(),
        idx = work.path().join("index").display(),
        state = work.path().join("state").display(),
        bin = assert_cmd::cargo::cargo_bin("timberline").display(),
    );
    let pane = Pane::start(&cmd, 140, 40);
    let screen = pane.wait(|s| s.contains("2,908 events"));
    assert!(screen.contains("2,908 events"), "first screen:\n{screen}");
    pane.keys("A");
    let screen = pane.wait(|s| s.contains("firing in the window"));
    let row = |name: &str| {
        screen
            .lines()
            .find(|l| l.contains(&format!("{name}:")))
            .map(|l| l.split_whitespace().take(4).collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    };
    assert!(
        screen.contains("3 rules, 2 firing in the window"),
        "the pane:\n{screen}"
    );
    assert_eq!(row("zebra"), "│ 7 7 info", "{screen}");
    assert_eq!(row("ssh-brute"), "│ 1 215 crit", "{screen}");
    assert_eq!(row("never"), "│ 0 0 warn", "{screen}");
    let order: Vec<usize> = ["zebra:", "ssh-brute:", "never:"]
        .iter()
        .map(|n| screen.find(n).unwrap_or(usize::MAX))
        .collect();
    assert!(
        order[0] < order[1] && order[1] < order[2],
        "most alerts first:\n{screen}"
    );
    pane.keys("j");
    pane.keys("Enter");
    let screen = pane.wait(|s| s.contains("keep filter added") && s.contains("215 of 2,908"));
    assert!(
        screen.contains("keep filter added") && screen.contains("215 of 2,908"),
        "kept:\n{screen}"
    );
    pane.keys("q");
}
