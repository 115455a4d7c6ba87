//! File identity across rotation: renamed, copied-and-truncated, gzipped and deleted files are
//! never indexed twice and never lost.

mod common;

use common::{count, stdout};
use std::fs;
use std::io::Write;
use std::path::Path;

fn tl(idx: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("timberline").unwrap();
    cmd.env("TIMBERLINE_INDEX_DIR", idx)
        .env("TZ", "UTC")
        .env("HOME", idx);
    cmd
}

fn append(path: &Path, from: usize, n: usize) {
    let mut f = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    for i in from..from + n {
        writeln!(
            f,
            "2026-10-05T02:{:02}:{:02}.000000+00:00 web01 app[1]: line {i} of the log",
            (i / 60) % 60,
            i % 60
        )
        .unwrap();
    }
}

fn gzip(from: &Path, to: &Path) {
    let data = fs::read(from).unwrap();
    let mut enc = flate2::write::GzEncoder::new(
        fs::File::create(to).unwrap(),
        flate2::Compression::default(),
    );
    enc.write_all(&data).unwrap();
    enc.finish().unwrap();
    fs::remove_file(from).unwrap();
}

fn total(idx: &Path, logs: &Path) -> u64 {
    count(tl(idx).args(["search", "--count"]).arg(logs))
}

fn distinct_lines(idx: &Path, logs: &Path) -> usize {
    let out = stdout(tl(idx).args(["search", "--format", "jsonl"]).arg(logs));
    let texts: std::collections::BTreeSet<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
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
    gzip(
        &logs.path().join("app.log.1"),
        &logs.path().join("app.log.2.gz"),
    );
    fs::rename(&x, logs.path().join("app.log.1")).unwrap();
    append(&x, 150, 10);
    assert_eq!(total(idx.path(), logs.path()), 160);
    assert_eq!(distinct_lines(idx.path(), logs.path()), 160);
    // The compressed file's events are still readable (stored text).
    let out = stdout(
        tl(idx.path())
            .args(["search", "-q", "\"line 5 of\""])
            .arg(logs.path()),
    );
    assert!(out.contains("app.log.2.gz:6 "), "{out}");
    // Deleting the oldest removes its events.
    fs::remove_file(logs.path().join("app.log.2.gz")).unwrap();
    let out = tl(idx.path())
        .args(["search", "--count"])
        .arg(logs.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "40");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("app.log.2.gz: gone since the last update")
    );
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
    let out = tl(idx.path())
        .args(["search", "--count"])
        .arg(logs.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "55");
    assert!(String::from_utf8_lossy(&out.stderr).contains("rotation in progress"));
    // ... truncate, and new lines.
    fs::File::options()
        .write(true)
        .open(&x)
        .unwrap()
        .set_len(0)
        .unwrap();
    append(&x, 55, 7);
    assert_eq!(total(idx.path(), logs.path()), 62);
    assert_eq!(distinct_lines(idx.path(), logs.path()), 62);
}

#[test]
fn a_multiline_event_growing_at_the_end_of_a_file_is_indexed_once_whole() {
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let x = logs.path().join("worker.log");
    fs::write(
        &x,
        "2026-10-05 02:00:00,000 ERROR [w] 1: failed\nTraceback (most recent call last):\n",
    )
    .unwrap();
    assert_eq!(total(idx.path(), logs.path()), 1);
    let mut f = fs::OpenOptions::new().append(true).open(&x).unwrap();
    write!(f, "  File \"w.py\", line 3, in run\nValueError: boom\n2026-10-05 02:00:01,000 INFO [w] 1: next").unwrap();
    drop(f);
    let out = stdout(
        tl(idx.path())
            .args(["search", "--format", "jsonl"])
            .arg(logs.path()),
    );
    let events: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 2, "{out}");
    assert!(
        events[0]["text"]
            .as_str()
            .unwrap()
            .ends_with("ValueError: boom")
    );
    assert_eq!(
        events[1]["text"],
        "2026-10-05 02:00:01,000 INFO [w] 1: next"
    );
}

#[test]
fn a_file_first_seen_empty_gets_its_format_once_lines_arrive() {
    // logrotate's `create` leaves an empty file: no format can be detected from it yet.
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let x = logs.path().join("app.log");
    fs::write(&x, "").unwrap();
    assert_eq!(total(idx.path(), logs.path()), 0);
    append(&x, 0, 3);
    let out = stdout(
        tl(idx.path())
            .args(["search", "--format", "jsonl"])
            .arg(logs.path()),
    );
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(first["ts"], "2026-10-05T02:00:00.000Z", "{out}");
    assert_eq!(first["host"], "web01");
    assert_eq!(out.lines().count(), 3);
}

mod model {
    //! Random rotation histories: after every update, the index holds exactly the lines that
    //! are in the files, each once.
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;
    use timberline::engine::{Engine, OpenOptions, Request};
    use timberline::index::update::Quiet;

    #[derive(Debug, Clone)]
    enum Op {
        Append(usize),
        /// logrotate `create`: x.N → x.N+1 for the plain ones, x → x.1.
        RenameRotate,
        /// logrotate `copytruncate`: copy x → x.1 (shifting older plain ones), truncate x.
        CopyTruncate,
        /// `compress`: every plain x.N (N ≥ 1) → x.N.gz.
        Compress,
        /// Delete the oldest rotated file.
        DeleteOldest,
        Update,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (1usize..20).prop_map(Op::Append),
            1 => Just(Op::RenameRotate),
            1 => Just(Op::CopyTruncate),
            1 => Just(Op::Compress),
            1 => Just(Op::DeleteOldest),
            3 => Just(Op::Update),
        ]
    }

    struct World {
        dir: tempfile::TempDir,
        next: usize,
    }

    impl World {
        fn path(&self, name: &str) -> std::path::PathBuf {
            self.dir.path().join(name)
        }
        /// Rotated files by generation: 1 → "x.1" or "x.1.gz".
        fn rotated(&self) -> BTreeMap<u32, String> {
            let mut out = BTreeMap::new();
            for e in fs::read_dir(self.dir.path()).unwrap() {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                if let Some(rest) = name.strip_prefix("x.") {
                    let n: u32 = rest.trim_end_matches(".gz").parse().unwrap();
                    out.insert(n, name);
                }
            }
            out
        }
        fn shift(&self) {
            for (n, name) in self.rotated().into_iter().rev() {
                let new = if name.ends_with(".gz") {
                    format!("x.{}.gz", n + 1)
                } else {
                    format!("x.{}", n + 1)
                };
                fs::rename(self.path(&name), self.path(&new)).unwrap();
            }
        }
        fn apply(&mut self, op: &Op) {
            let x = self.path("x");
            match op {
                Op::Append(n) => {
                    append(&x, self.next, *n);
                    self.next += n;
                }
                Op::RenameRotate => {
                    if x.exists() {
                        self.shift();
                        fs::rename(&x, self.path("x.1")).unwrap();
                        fs::write(&x, "").unwrap();
                    }
                }
                Op::CopyTruncate => {
                    if x.exists() {
                        self.shift();
                        fs::copy(&x, self.path("x.1")).unwrap();
                        fs::File::options()
                            .write(true)
                            .open(&x)
                            .unwrap()
                            .set_len(0)
                            .unwrap();
                    }
                }
                Op::Compress => {
                    for (n, name) in self.rotated() {
                        if !name.ends_with(".gz") {
                            gzip(&self.path(&name), &self.path(&format!("x.{n}.gz")));
                        }
                    }
                }
                Op::DeleteOldest => {
                    if let Some((_, name)) = self.rotated().into_iter().next_back() {
                        fs::remove_file(self.path(&name)).unwrap();
                    }
                }
                Op::Update => {}
            }
        }
        /// Every line in the files now.
        fn lines_on_disk(&self) -> Vec<String> {
            let mut out = Vec::new();
            for e in fs::read_dir(self.dir.path()).unwrap() {
                let p = e.unwrap().path();
                let bytes = fs::read(&p).unwrap();
                let text = if p.extension().is_some_and(|e| e == "gz") {
                    let mut s = String::new();
                    std::io::Read::read_to_string(
                        &mut flate2::read::GzDecoder::new(&bytes[..]),
                        &mut s,
                    )
                    .unwrap();
                    s
                } else {
                    String::from_utf8(bytes).unwrap()
                };
                out.extend(text.lines().map(str::to_string));
            }
            out.sort();
            out
        }
    }

    fn indexed(world: &World, idx: &Path) -> Vec<String> {
        let opts = OpenOptions {
            paths: vec![world.dir.path().to_path_buf()],
            index_dir: Some(idx.to_path_buf()),
            config: Default::default(),
        };
        let (engine, summary) = Engine::open(opts, &Quiet).unwrap();
        assert!(!summary.skipped_busy);
        let hits = engine.search(&Request::default()).unwrap();
        let mut texts: Vec<String> = engine.records(&hits).into_iter().map(|r| r.text).collect();
        texts.sort();
        texts
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        #[test]
        fn every_line_is_indexed_exactly_once_through_any_rotation(ops in proptest::collection::vec(op(), 1..14)) {
            let mut world = World { dir: tempfile::tempdir().unwrap(), next: 0 };
            let idx = tempfile::tempdir().unwrap();
            for op in &ops {
                world.apply(op);
                if matches!(op, Op::Update) {
                    prop_assert_eq!(indexed(&world, idx.path()), world.lines_on_disk(), "after {:?}", ops);
                }
            }
            prop_assert_eq!(indexed(&world, idx.path()), world.lines_on_disk(), "at the end of {:?}", ops);
        }
    }
}
