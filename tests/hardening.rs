//! Wrong answers and lost lines found by trying to break timberline on purpose: each test
//! failed before its fix.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn tl(idx: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("timberline").unwrap();
    cmd.env("TIMBERLINE_INDEX_DIR", idx).env("TZ", "UTC");
    cmd
}

fn out(cmd: &mut assert_cmd::Command) -> (String, String) {
    let o = cmd.output().unwrap();
    let so = String::from_utf8_lossy(&o.stdout).into_owned();
    let se = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "failed {}:\n{se}", o.status);
    (so, se)
}

fn count(idx: &Path, logs: &Path, q: &str) -> u64 {
    let (so, _) = out(tl(idx).args(["search", "--count", "-q", q]).arg(logs));
    so.trim().parse().unwrap()
}

fn lines(path: &Path, from: usize, n: usize, tag: &str) {
    let mut f = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    for i in from..from + n {
        writeln!(
            f,
            "2026-10-05T02:{:02}:{:02}.000000+00:00 web01 app[1]: {tag} event number {i} done",
            (i / 60) % 60,
            i % 60
        )
        .unwrap();
    }
}

/// A `tail` (or the explorer) that starts while `index` runs waits for the writer and then
/// must plan from `index`'s last commit, not from the checkpoint it read at start.
#[test]
fn a_follower_started_while_index_runs_does_not_index_its_lines_again() {
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let idx = idx.path().join("index");
    // Enough lines for `index` to take a while.
    for n in 0..4 {
        lines(&logs.path().join(format!("app{n}.log")), 0, 60_000, "bulk");
    }
    let mut index = Command::new(assert_cmd::cargo::cargo_bin("timberline"))
        .arg("index")
        .arg(logs.path())
        .env("TIMBERLINE_INDEX_DIR", &idx)
        .env("TIMBERLINE_COMMIT_BYTES", "2000000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Start the follower once `index` has made its first commit (the index exists).
    let t0 = std::time::Instant::now();
    while !idx.join("meta.json").exists() && t0.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let tail = Command::new(assert_cmd::cargo::cargo_bin("timberline"))
        .args(["tail", "--format", "jsonl", "-n", "0"])
        .arg(logs.path())
        .env("TIMBERLINE_INDEX_DIR", &idx)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    assert!(index.wait().unwrap().success());
    // The tail takes the writer once `index` is done, and finds nothing new.
    lines(&logs.path().join("app0.log"), 60_000, 3, "late");
    std::thread::sleep(Duration::from_millis(2500));
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(tail.id().to_string())
        .status();
    let printed = tail.wait_with_output().unwrap();
    let printed = String::from_utf8_lossy(&printed.stdout);
    assert_eq!(
        printed.lines().count(),
        3,
        "tail -n 0 printed:\n{printed:.2000}"
    );
    assert_eq!(count(&idx, logs.path(), ""), 240_003);
    assert_eq!(count(&idx, logs.path(), "late"), 3);
}

#[test]
fn a_file_truncated_in_place_then_appended_is_read_again() {
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let app = logs.path().join("app.log");
    lines(&app, 0, 100, "old");
    out(tl(idx.path()).arg("index").arg(logs.path()));
    // `truncate -s 2000`: the first 2000 bytes stay, cut mid-line.
    let f = fs::OpenOptions::new().write(true).open(&app).unwrap();
    f.set_len(2000).unwrap();
    drop(f);
    let mut f = fs::OpenOptions::new().append(true).open(&app).unwrap();
    f.write_all(b"\n").unwrap();
    drop(f);
    lines(&app, 100, 100, "new");
    out(tl(idx.path()).arg("index").arg(logs.path()));
    let on_disk = fs::read_to_string(&app).unwrap().lines().count() as u64;
    assert_eq!(count(idx.path(), logs.path(), ""), on_disk);
    assert_eq!(count(idx.path(), logs.path(), "new"), 100);
    let (so, _) = out(tl(idx.path())
        .args(["search", "--limit", "1000"])
        .arg(logs.path()));
    assert!(!so.contains("event unavailable"), "{so}");
    assert_eq!(so.lines().count() as u64, on_disk);
}

#[test]
fn the_same_files_under_new_inodes_are_read_back() {
    let work = tempfile::tempdir().unwrap();
    let logs = work.path().join("logs");
    fs::create_dir(&logs).unwrap();
    let idx = work.path().join("index");
    lines(&logs.join("app.log"), 0, 10, "restored");
    out(tl(&idx).arg("index").arg(&logs));
    let phrase = "\"restored event number\"";
    assert_eq!(count(&idx, &logs, phrase), 10);
    assert_eq!(count(&idx, &logs, "/number [0-9]+ done/"), 10);
    // A restore: same paths, same content and times, new inodes (`cp -a`).
    let copy = work.path().join("copy");
    let status = Command::new("cp")
        .arg("-a")
        .arg(&logs)
        .arg(&copy)
        .status()
        .unwrap();
    assert!(status.success());
    fs::remove_dir_all(&logs).unwrap();
    fs::rename(&copy, &logs).unwrap();
    assert_eq!(count(&idx, &logs, phrase), 10);
    assert_eq!(count(&idx, &logs, "/number [0-9]+ done/"), 10);
    let (so, _) = out(tl(&idx).args(["search", "-q", "restored"]).arg(&logs));
    assert!(!so.contains("event unavailable"), "{so}");
    assert_eq!(so.lines().count(), 10);
}

#[test]
fn a_new_file_opening_with_an_indexed_files_banner_is_indexed() {
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let banner: String = (0..30)
        .map(|i| {
            format!("2026-10-05T01:00:{i:02}.000000+00:00 web01 app[1]: startup banner line {i}\n")
        })
        .collect();
    assert!(banner.len() > 2048);
    fs::write(logs.path().join("a.log"), &banner).unwrap();
    lines(&logs.path().join("a.log"), 0, 5, "first");
    out(tl(idx.path()).arg("index").arg(logs.path()));
    fs::write(logs.path().join("b.log"), &banner).unwrap();
    lines(&logs.path().join("b.log"), 0, 7, "second");
    let (_, se) = out(tl(idx.path()).arg("index").arg(logs.path()));
    assert!(!se.contains("rotation in progress"), "{se}");
    let (_, se) = out(tl(idx.path()).arg("index").arg(logs.path()));
    assert!(!se.contains("rotation in progress"), "{se}");
    assert_eq!(count(idx.path(), logs.path(), "second"), 7);
    assert_eq!(count(idx.path(), logs.path(), "banner"), 60);
}

#[test]
fn a_file_name_that_is_not_utf8_keeps_the_checkpoint() {
    use std::os::unix::ffi::OsStrExt;
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let odd = logs
        .path()
        .join(std::ffi::OsStr::from_bytes(b"caf\xe9.log"));
    lines(&odd, 0, 4, "latin");
    lines(&logs.path().join("plain.log"), 0, 3, "plain");
    out(tl(idx.path()).arg("index").arg(logs.path()));
    // Nothing new: nothing is read again.
    let (so, se) = out(tl(idx.path()).arg("index").arg(logs.path()));
    assert!(
        so.contains("0 new events") || se.contains("0 new events"),
        "{so}{se}"
    );
    assert!(!se.contains("rebuilding"), "{se}");
    assert_eq!(count(idx.path(), logs.path(), ""), 7);
    let (so, _) = out(tl(idx.path())
        .args(["search", "-q", "latin"])
        .arg(logs.path()));
    assert_eq!(so.lines().count(), 4, "{so}");
    assert!(!so.contains("event unavailable"), "{so}");
}

/// SIGKILL at random moments of a first index, creation included: the next run always works
/// and gives exact counts.
#[test]
fn kill_dash_nine_at_random_points_of_a_first_index() {
    let logs = tempfile::tempdir().unwrap();
    for n in 0..3 {
        lines(&logs.path().join(format!("app{n}.log")), 0, 3000, "k");
    }
    let work = tempfile::tempdir().unwrap();
    let trials = 100;
    for t in 0..trials {
        let idx = work.path().join(format!("index{t}"));
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("timberline"))
            .arg("index")
            .arg(logs.path())
            .env("TIMBERLINE_INDEX_DIR", &idx)
            .env("TIMBERLINE_COMMIT_BYTES", "100000")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // From the first milliseconds (creating the folder) to the end of indexing.
        std::thread::sleep(Duration::from_micros(500 + (t as u64 * 7919) % 60_000));
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(count(&idx, logs.path(), ""), 9000, "trial {t}");
    }
}

/// Random bytes written into the index's segment files (a bad disk, a careless hand): no
/// command panics; each says the index is damaged, and the next run rebuilds it.
#[test]
fn a_damaged_segment_file_is_said_and_rebuilt() {
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    lines(&logs.path().join("app.log"), 0, 2000, "intact");
    let gz = logs.path().join("old.log.gz");
    {
        let mut enc = flate2::write::GzEncoder::new(
            fs::File::create(&gz).unwrap(),
            flate2::Compression::default(),
        );
        for i in 0..500 {
            writeln!(
                enc,
                "2026-10-04T02:00:{:02}.000000+00:00 web01 app[1]: intact rotated {i}",
                i % 60
            )
            .unwrap();
        }
        enc.finish().unwrap();
    }
    out(tl(idx.path()).arg("index").arg(logs.path()));
    for ext in ["store", "idx", "fast", "term"] {
        let victim = fs::read_dir(idx.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == ext))
            .unwrap_or_else(|| panic!("no .{ext} file"));
        let mut bytes = fs::read(&victim).unwrap();
        let mid = bytes.len() / 2;
        for (i, b) in bytes[mid..].iter_mut().take(64).enumerate() {
            *b = b.wrapping_add(97 + i as u8);
        }
        fs::write(&victim, bytes).unwrap();
        // Whatever the first command after the damage does, it does not panic (rc 101) and
        // says what it did.
        let first = tl(idx.path())
            .args(["search", "--count", "-q", "intact"])
            .arg(logs.path())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&first.stderr);
        assert_ne!(first.status.code(), Some(101), ".{ext}: panicked:\n{err}");
        assert!(!err.contains("panicked"), ".{ext}: {err}");
        // Then, at the latest after one `index`, the answers are whole again.
        let _ = tl(idx.path())
            .arg("index")
            .arg(logs.path())
            .output()
            .unwrap();
        assert_eq!(
            count(idx.path(), logs.path(), "intact"),
            2500,
            "after damaging .{ext}"
        );
    }
}

/// An index folder inside the logs it indexes (`--index-dir /var/log/tl /var/log`): its own
/// files are not indexed, and a second run finds nothing new.
#[test]
fn an_index_folder_inside_the_logs_is_not_indexed() {
    let logs = tempfile::tempdir().unwrap();
    lines(&logs.path().join("app.log"), 0, 20, "own");
    let idx = logs.path().join("index");
    out(tl(&idx).arg("index").arg(logs.path()));
    out(tl(&idx).arg("index").arg(logs.path()));
    assert_eq!(count(&idx, logs.path(), ""), 20);
    let (so, se) = out(tl(&idx).arg("index").arg(logs.path()));
    assert!(
        so.contains("0 new events") || se.contains("0 new events"),
        "{so}{se}"
    );
    assert!(
        !se.contains("index/"),
        "notes about the index's own files:\n{se}"
    );
}

/// An index another process is writing is never rebuilt from under it, whatever a reader
/// believes of it (a segment merged away while it looked, a `damaged` mark): the folder stays
/// the same one, the reader answers from the last commit, and the writer goes on.
#[test]
fn an_index_being_written_is_not_rebuilt_from_under_its_writer() {
    use std::os::unix::fs::MetadataExt;
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let idx = idx.path().join("index");
    let log = logs.path().join("app.log");
    lines(&log, 0, 50, "before");
    out(tl(&idx).arg("index").arg(logs.path()));
    let mut tail = std::process::Command::new(assert_cmd::cargo::cargo_bin("timberline"))
        .args(["tail", "--format", "jsonl", "-n", "0"])
        .arg(logs.path())
        .env("TIMBERLINE_INDEX_DIR", &idx)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The tail becomes the writer once it has something to index.
    let lock = || fs::File::open(idx.join(".tantivy-writer.lock")).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut n = 50;
    while lock().try_lock().is_ok() {
        assert!(std::time::Instant::now() < deadline, "the tail never wrote");
        lines(&log, n, 1, "during");
        n += 1;
        std::thread::sleep(Duration::from_millis(300));
    }
    let folder = fs::metadata(&idx).unwrap().ino();
    fs::write(idx.join("damaged"), "a reader found a segment missing").unwrap();
    assert_eq!(count(&idx, logs.path(), "before"), 50);
    assert_eq!(
        fs::metadata(&idx).unwrap().ino(),
        folder,
        "the index folder was replaced while another process wrote it"
    );
    assert!(
        lock().try_lock().is_err(),
        "the tail still holds the writer"
    );
    let _ = tail.kill();
    let _ = tail.wait();
    // With its writer gone, the next run rebuilds it as the mark asks.
    assert_eq!(count(&idx, logs.path(), ""), n as u64);
    assert_ne!(fs::metadata(&idx).unwrap().ino(), folder);
}
