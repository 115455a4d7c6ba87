//! Many timberline processes on the same logs at once, as on a log server: the explorer
//! following in tmux, two `tail`s, and a loop of `search --count` and `index`, while a writer
//! appends and real `logrotate` rotates (create, copytruncate, compress + delaycompress). In
//! the middle the process holding the index's writer is killed with SIGKILL; another takes over.
//!
//! Checked: every line written reaches a surviving `tail` exactly once and in order; the
//! explorer shows new lines; every concurrent command answers; afterwards the index holds
//! exactly the lines on disk, each once, with its own text and time (nothing garbled).
//! Both start orders (explorer first, `tail` first).

mod common;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const FILES: [&str; 4] = ["create.log", "copy.log", "delay.log", "plain.log"];

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {cmd}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("timberline")
}

/// The line with sequence number `seq`, dated now.
fn line(seq: usize, file: &str) -> String {
    let now = chrono::Utc::now();
    format!(
        "{} host app[1]: seq={seq} file={file} end",
        now.format("%Y-%m-%dT%H:%M:%S%.6fZ")
    )
}

fn seq_of(text: &str) -> Option<usize> {
    text.split("seq=").nth(1)?.split(' ').next()?.parse().ok()
}

/// The pid holding the index's writer lock (from /proc/locks), if any.
fn writer_pid(index: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let ino = fs::metadata(index.join(".tantivy-writer.lock")).ok()?.ino();
    let locks = fs::read_to_string("/proc/locks").ok()?;
    locks.lines().find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        let (pid, dev_ino) = (f.get(4)?, f.get(5)?);
        (dev_ino.rsplit(':').next()? == ino.to_string())
            .then(|| pid.parse().ok())
            .flatten()
    })
}

/// A `tail --format jsonl -n 0` whose lines are collected with the moment they arrived.
struct Tail {
    child: Child,
    lines: Arc<Mutex<Vec<(Instant, String)>>>,
}

impl Tail {
    fn start(logs: &Path, index: &Path) -> Tail {
        let mut child = Command::new(bin())
            .args(["tail", "--format", "jsonl", "-n", "0"])
            .arg(logs)
            .env("TIMBERLINE_INDEX_DIR", index)
            .env("TZ", "UTC")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        std::thread::spawn(move || {
            for l in BufReader::new(stdout).lines().map_while(Result::ok) {
                sink.lock().unwrap().push((Instant::now(), l));
            }
        });
        Tail { child, lines }
    }

    fn seqs(&self) -> Vec<(Instant, usize)> {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .map(|(t, l)| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                let text = v["text"].as_str().unwrap();
                (*t, seq_of(text).unwrap_or_else(|| panic!("odd line {l}")))
            })
            .collect()
    }

    /// Stops it with SIGTERM; returns its stderr.
    fn stop(mut self) -> String {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let status = self.child.wait().unwrap();
        let mut err = String::new();
        std::io::Read::read_to_string(&mut self.child.stderr.take().unwrap(), &mut err).unwrap();
        assert!(status.success(), "tail exited {status}: {err}");
        err
    }
}

/// The lines on disk, gzip included: seq → text.
fn on_disk(logs: &Path) -> HashMap<usize, String> {
    let mut all = HashMap::new();
    for e in walkdir::WalkDir::new(logs)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
    {
        let bytes = fs::read(e.path()).unwrap();
        let text = if e.path().extension().is_some_and(|x| x == "gz") {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut s)
                .unwrap();
            s
        } else {
            String::from_utf8(bytes).unwrap()
        };
        for l in text.lines() {
            let seq = seq_of(l).unwrap();
            assert!(
                all.insert(seq, l.to_string()).is_none(),
                "seq {seq} twice on disk"
            );
        }
    }
    all
}

fn p99(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v.get((v.len() * 99 / 100).min(v.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

/// Disarms the watchdog and ends the tmux server when the test ends, passed or failed.
struct Disarm(Arc<AtomicBool>, PathBuf);

impl Drop for Disarm {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.1)
            .arg("kill-server")
            .status();
    }
}

/// The two start orders run one after the other: each already puts four timberline
/// processes, tmux and a loop of commands on the machine's two cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn many_processes(explorer_first: bool) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    if !have("logrotate") || !have("tmux") {
        common::skip("logrotate or tmux is not installed (.ci/run installs them)");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let logs = work.path().join("logs");
    fs::create_dir(&logs).unwrap();
    let index = work.path().join("index");
    let sock = work.path().join("tmux.sock");
    // A hang (a process that never answers, a tail that never exits) fails the run instead of
    // stalling CI.
    let done = Arc::new(AtomicBool::new(false));
    let _disarm = Disarm(Arc::clone(&done), sock.clone());
    {
        let (done, sock) = (Arc::clone(&done), sock.clone());
        std::thread::spawn(move || {
            let t0 = Instant::now();
            while !done.load(Ordering::Relaxed) {
                if t0.elapsed() > Duration::from_secs(180) {
                    let _ = Command::new("tmux")
                        .arg("-S")
                        .arg(&sock)
                        .arg("kill-server")
                        .status();
                    eprintln!("many_processes: no end after 180 s");
                    std::process::abort();
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        });
    }
    let conf = work.path().join("logrotate.conf");
    let l = logs.display();
    fs::write(
        &conf,
        format!(
            "{l}/create.log {{\n  create\n  rotate 9\n}}\n{l}/copy.log {{\n  copytruncate\n  rotate 9\n}}\n\
             {l}/delay.log {{\n  create\n  compress\n  delaycompress\n  rotate 9\n}}\n"
        ),
    )
    .unwrap();
    let state = work.path().join("logrotate.state");
    let written: Arc<Mutex<Vec<(usize, Instant)>>> = Arc::default();
    let mut seq = 0usize;
    let mut write_one = |seq: &mut usize| {
        let name = FILES[*seq % FILES.len()];
        let mut f = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(logs.join(name))
            .unwrap();
        writeln!(f, "{}", line(*seq, name)).unwrap();
        written.lock().unwrap().push((*seq, Instant::now()));
        *seq += 1;
    };
    for _ in 0..40 {
        write_one(&mut seq);
    }
    let before = seq;
    assert!(
        Command::new(bin())
            .arg("index")
            .arg(&logs)
            .env("TIMBERLINE_INDEX_DIR", &index)
            .status()
            .unwrap()
            .success()
    );

    // The explorer, following, in a wide tmux pane.
    let tmux = |args: &[&str]| -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&sock)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let start_explorer = || {
        let cmd = format!(
            "TZ=UTC TIMBERLINE_INDEX_DIR={} TIMBERLINE_STATE_DIR={} {} -f {}; sleep 60",
            index.display(),
            work.path().join("state").display(),
            bin().display(),
            logs.display()
        );
        tmux(&[
            "new-session",
            "-d",
            "-s",
            "tl",
            "-x",
            "200",
            "-y",
            "40",
            &cmd,
        ]);
    };
    // The first one started becomes the writer once lines arrive; then the second starts.
    // A writer counts once it still holds the lock a while after the last line (opening the
    // index takes the lock for a moment too).
    let until_a_writer = |seq: &mut usize| {
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(20) {
            write_one(seq);
            std::thread::sleep(Duration::from_millis(600));
            if writer_pid(&index).is_some() {
                break;
            }
        }
    };
    let sacrificial;
    if explorer_first {
        start_explorer();
        until_a_writer(&mut seq);
        sacrificial = Tail::start(&logs, &index);
    } else {
        sacrificial = Tail::start(&logs, &index);
        until_a_writer(&mut seq);
        start_explorer();
    }
    std::thread::sleep(Duration::from_millis(1000));
    let checked = Tail::start(&logs, &index);
    std::thread::sleep(Duration::from_millis(1500));
    let from = seq;

    // Cron's commands, in a loop: every one answers, none counts a line twice.
    let stop = Arc::new(AtomicBool::new(false));
    let counts: Arc<Mutex<Vec<(u64, usize)>>> = Arc::default();
    let looper = {
        let (stop, counts, written) =
            (Arc::clone(&stop), Arc::clone(&counts), Arc::clone(&written));
        let (logs, index) = (logs.clone(), index.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let sub = if n % 3 == 2 { "index" } else { "search" };
                let mut cmd = Command::new(bin());
                cmd.arg(sub);
                if sub == "search" {
                    cmd.arg("--count");
                }
                let upto = written.lock().unwrap().len();
                let out = cmd
                    .arg(&logs)
                    .env("TIMBERLINE_INDEX_DIR", &index)
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{sub} failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                if sub == "search" {
                    let c: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
                    let after = written.lock().unwrap().len();
                    counts.lock().unwrap().push((c, after.max(upto)));
                }
                n += 1;
                std::thread::sleep(Duration::from_millis(250));
            }
        })
    };

    let mut explorer_saw = Vec::new();
    let mut phase = |rounds: usize, seq: &mut usize, write_one: &mut dyn FnMut(&mut usize)| {
        for round in 0..rounds {
            for _ in 0..8 {
                write_one(seq);
                std::thread::sleep(Duration::from_millis(40));
            }
            if round % 4 == 3 {
                let out = Command::new("logrotate")
                    .arg("-f")
                    .arg("-s")
                    .arg(&state)
                    .arg(&conf)
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            if round % 2 == 1 {
                // The explorer shows the newest line within a second or so.
                let want = format!("seq={} ", *seq - 1);
                let t0 = Instant::now();
                let mut seen = false;
                while t0.elapsed() < Duration::from_secs(3) {
                    if tmux(&["capture-pane", "-t", "tl", "-p"]).contains(&want) {
                        seen = true;
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                explorer_saw.push((seen, t0.elapsed()));
            }
        }
    };
    phase(12, &mut seq, &mut write_one);
    // One sample every other round of the twelve.
    let samples_before_kill = 6;

    // The writer dies without a word; another process takes over.
    // The writer lock is taken when there is something to write: a line, and a moment.
    let victim = {
        let t0 = Instant::now();
        loop {
            if let Some(pid) = writer_pid(&index) {
                break pid;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(10),
                "no follower holds the writer"
            );
            write_one(&mut seq);
            std::thread::sleep(Duration::from_millis(300));
        }
    };
    let sacrificial_killed = victim == sacrificial.child.id();
    let explorer_killed = !sacrificial_killed && victim != checked.child.id();
    assert!(
        victim != checked.child.id(),
        "the checked tail started last and should not be the writer"
    );
    Command::new("kill")
        .arg("-KILL")
        .arg(victim.to_string())
        .status()
        .unwrap();
    let killed_at = seq;
    phase(12, &mut seq, &mut write_one);

    // Every line reaches the surviving tails.
    let deadline = Instant::now() + Duration::from_secs(30);
    while checked.seqs().len() < seq - from && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::Relaxed);
    looper.join().expect("search/index loop");
    let screen = tmux(&["capture-pane", "-t", "tl", "-p"]);
    let last = format!("seq={} ", seq - 1);
    let explorer_end = explorer_killed || screen.contains(&last);
    tmux(&["kill-server"]);

    let got = checked.seqs();
    let checked_err = checked.stop();
    let printed: Vec<usize> = got.iter().map(|(_, s)| *s).collect();
    let mut seen = HashSet::new();
    let twice: Vec<_> = printed.iter().filter(|s| !seen.insert(**s)).collect();
    assert!(twice.is_empty(), "printed twice: {twice:?}\n{checked_err}");
    let missing: Vec<_> = (from..seq).filter(|s| !seen.contains(s)).collect();
    assert!(
        missing.is_empty(),
        "never printed: {missing:?}\n{checked_err}"
    );
    // Each file's lines in order. Across files a live tail can only be as ordered as the
    // commits it reads: a line of one file written just before a line of another may land
    // in the next commit. Such a line comes at most a moment late.
    for (file, name) in FILES.iter().enumerate() {
        let own: Vec<usize> = printed
            .iter()
            .copied()
            .filter(|s| s % FILES.len() == file)
            .collect();
        let mut sorted = own.clone();
        sorted.sort_unstable();
        assert_eq!(own, sorted, "{name} out of order");
    }
    let late = printed
        .windows(2)
        .filter(|w| w[1] < w[0])
        .map(|w| w[0] - w[1])
        .max()
        .unwrap_or(0);
    assert!(late <= 40, "a line came {late} lines late: {printed:?}");
    let mut notes = HashSet::new();
    assert!(
        checked_err.lines().all(|l| notes.insert(l)),
        "notes are said once, not every round:\n{checked_err}"
    );
    let w = written.lock().unwrap().clone();
    let at: HashMap<usize, Instant> = w.into_iter().collect();
    let lat: Vec<Duration> = got.iter().map(|(t, s)| t.duration_since(at[s])).collect();
    let tail_p99 = p99(lat);

    if !sacrificial_killed {
        let err = sacrificial.stop();
        eprintln!("sacrificial tail survived, stderr: {err}");
    } else {
        let mut s = sacrificial;
        let _ = s.child.kill();
        let _ = s.child.wait();
    }

    // Every concurrent count was possible: never more than the lines written by then.
    for (c, upto) in counts.lock().unwrap().iter() {
        assert!(
            *c as usize <= *upto,
            "a search counted {c} events with {upto} lines written"
        );
    }
    assert!(
        explorer_end,
        "the explorer never showed the last line:\n{screen}"
    );
    if explorer_killed {
        explorer_saw.truncate(samples_before_kill);
    }
    let shown = explorer_saw.iter().filter(|(s, _)| *s).count();
    assert!(
        shown * 4 >= explorer_saw.len() * 3,
        "the explorer showed new lines {shown} times of {}: {explorer_saw:?}",
        explorer_saw.len()
    );

    // The index holds exactly what is on disk, each line once, with its own text and time.
    let out = Command::new(bin())
        .args(["search", "--format", "jsonl", "--limit", "1000000"])
        .arg(&logs)
        .env("TIMBERLINE_INDEX_DIR", &index)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let disk = on_disk(&logs);
    let mut indexed = HashSet::new();
    for rec in common::jsonl(&String::from_utf8_lossy(&out.stdout)) {
        let text = rec["text"].as_str().unwrap();
        let seq = seq_of(text).unwrap_or_else(|| panic!("garbled event: {rec}"));
        assert!(indexed.insert(seq), "seq {seq} indexed twice");
        assert_eq!(
            Some(text),
            disk.get(&seq).map(String::as_str),
            "garbled: {rec}"
        );
        let ts = rec["ts"].as_str().unwrap();
        assert!(
            text.starts_with(&ts[..19]),
            "time {ts} is not the line's: {text}"
        );
    }
    assert_eq!(indexed.len(), disk.len(), "index and disk differ");
    assert!(disk.len() >= seq - before, "lines were lost from disk");
    eprintln!(
        "explorer_first={explorer_first}: {} lines, writer pid {victim} killed at seq {killed_at} \
         (explorer: {explorer_killed}); tail p99 {tail_p99:?}; explorer {explorer_saw:?}",
        seq
    );
}

#[test]
fn many_processes_explorer_first() {
    many_processes(true);
}

#[test]
fn many_processes_tail_first() {
    many_processes(false);
}
