//! `timberline tail` while a writer appends to several files and real `logrotate` rotates them
//! (create, copytruncate, compress + delaycompress, deletion of the oldest), and new files and
//! folders appear: every line written is printed exactly once, in time order, and the index
//! afterwards holds exactly the lines still on disk.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {cmd}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

fn line(seq: usize, file: &str) -> String {
    let ms = seq as i64 * 7;
    let ts = chrono::DateTime::from_timestamp_millis(1_790_000_000_000 + ms).unwrap();
    format!(
        "{} host app[1]: seq={seq} file={file}",
        ts.format("%Y-%m-%dT%H:%M:%S%.3fZ")
    )
}

fn logrotate(conf: &Path, state: &Path) {
    let out = Command::new("logrotate")
        .arg("-f")
        .arg("-s")
        .arg(state)
        .arg(conf)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "logrotate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn tail_prints_every_line_once_in_order_through_real_logrotate() {
    if !have("logrotate") {
        common::skip("logrotate is not installed (.ci/run installs it)");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let logs = work.path().join("logs");
    fs::create_dir(&logs).unwrap();
    let files = ["create.log", "copy.log", "delay.log", "short.log"];
    let mut seq = 0usize;
    let mut written: Vec<usize> = Vec::new();
    let write = |name: &str, n: usize, seq: &mut usize, written: &mut Vec<usize>| {
        let path = logs.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        let mut f = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap();
        for _ in 0..n {
            writeln!(f, "{}", line(*seq, name)).unwrap();
            written.push(*seq);
            *seq += 1;
        }
    };
    for f in files {
        write(f, 5, &mut seq, &mut written);
    }
    let conf = work.path().join("logrotate.conf");
    let l = logs.display();
    fs::write(
        &conf,
        format!(
            "{l}/create.log {{\n  create\n  rotate 5\n}}\n{l}/copy.log {{\n  copytruncate\n  rotate 5\n}}\n\
             {l}/delay.log {{\n  create\n  compress\n  delaycompress\n  rotate 5\n}}\n\
             {l}/short.log {{\n  create\n  compress\n  rotate 2\n}}\n"
        ),
    )
    .unwrap();
    let state = work.path().join("logrotate.state");
    let idx = work.path().join("index");

    let mut child = Command::new(assert_cmd::cargo::cargo_bin("timberline"))
        .args(["tail", "--format", "jsonl", "-n", "1000"])
        .arg(&logs)
        .env("TIMBERLINE_INDEX_DIR", &idx)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<String>>()
    });
    std::thread::sleep(Duration::from_millis(1500));

    for round in 0..12 {
        for f in files {
            write(f, 7, &mut seq, &mut written);
            std::thread::sleep(Duration::from_millis(15));
        }
        if round == 5 {
            write("newhost/syslog", 9, &mut seq, &mut written);
        }
        if round % 3 == 2 {
            logrotate(&conf, &state);
        }
        std::thread::sleep(Duration::from_millis(120));
    }
    write("late.log", 3, &mut seq, &mut written);
    std::thread::sleep(Duration::from_millis(2500));
    Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "tail exit {status}: {stderr}");
    let out = reader.join().unwrap();

    let printed: Vec<usize> = out
        .iter()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let text = v["text"].as_str().unwrap().to_string();
            let Some(rest) = text.split("seq=").nth(1) else {
                panic!("unexpected event printed: {l}")
            };
            rest.split(' ').next().unwrap().parse().unwrap()
        })
        .collect();
    let mut sorted = printed.clone();
    sorted.sort_unstable();
    sorted.dedup();
    let mut seen = std::collections::HashSet::new();
    let twice: Vec<_> = printed.iter().filter(|s| !seen.insert(**s)).collect();
    assert!(
        twice.is_empty(),
        "lines printed twice: {twice:?}; stderr:\n{stderr}"
    );
    let missing: Vec<_> = written
        .iter()
        .filter(|s| sorted.binary_search(s).is_err())
        .collect();
    assert!(
        missing.is_empty(),
        "lines never printed: {missing:?}; stderr:\n{stderr}"
    );
    assert_eq!(printed, sorted, "printed out of time order");

    // The index afterwards holds exactly the lines still in the files.
    let mut on_disk = 0usize;
    for e in walkdir::WalkDir::new(&logs)
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
        on_disk += text.lines().count();
    }
    let out = Command::new(assert_cmd::cargo::cargo_bin("timberline"))
        .args(["search", "--count"])
        .arg(&logs)
        .env("TIMBERLINE_INDEX_DIR", &idx)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        on_disk.to_string()
    );
    assert!(
        on_disk < written.len(),
        "short.log's oldest rotation was deleted, so fewer lines remain"
    );
}

/// `tail` on a folder inside an indexed root follows only that folder, round after round.
#[test]
fn tail_of_a_subfolder_of_an_indexed_root_stays_within_it() {
    let work = tempfile::tempdir().unwrap();
    let logs = work.path().join("logs");
    for sub in ["a", "b"] {
        fs::create_dir_all(logs.join(sub)).unwrap();
    }
    let idx = work.path().join("index");
    let append = |sub: &str, seq: usize| {
        let mut f = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(logs.join(sub).join("app.log"))
            .unwrap();
        writeln!(f, "{}", line(seq, sub)).unwrap();
    };
    append("a", 0);
    append("b", 1);
    // The whole tree is indexed first, so `tail logs/a` reuses that index with a filter.
    let status = Command::new(assert_cmd::cargo::cargo_bin("timberline"))
        .arg("index")
        .arg(&logs)
        .env("TIMBERLINE_INDEX_DIR", &idx)
        .output()
        .unwrap();
    assert!(status.status.success());
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("timberline"))
        .args(["tail", "--format", "jsonl", "-n", "10"])
        .arg(logs.join("a"))
        .env("TIMBERLINE_INDEX_DIR", &idx)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    std::thread::sleep(Duration::from_millis(1200));
    for seq in 2..8 {
        append(if seq % 2 == 0 { "a" } else { "b" }, seq);
        std::thread::sleep(Duration::from_millis(300));
    }
    // Wait for the four lines of logs/a (however loaded the machine), then a little longer
    // for any line of logs/b that should not come.
    let mut lines = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while lines.len() < 4 && std::time::Instant::now() < deadline {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(100)) {
            lines.push(l);
        }
    }
    std::thread::sleep(Duration::from_millis(800));
    lines.extend(rx.try_iter());
    Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    child.wait().unwrap();
    let files: Vec<String> = lines
        .iter()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["text"]
                .as_str()
                .unwrap()
                .split("file=")
                .nth(1)
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(files, vec!["a"; 4], "only logs/a is followed");
}
