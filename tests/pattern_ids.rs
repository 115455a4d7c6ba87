//! Pattern ids are deterministic: indexing a corpus in one go, in three appended parts, or
//! killed with SIGKILL and resumed gives every event the same `pattern`; and the miner's state
//! beside the index is checked (a missing one rebuilds the index, with a note).

mod common;

use common::{copy_tree, make_corpus, stdout, tl};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use timberline::source::family::family_of;

/// `(source relative to the logs, line) -> pattern` of every event.
fn patterns(idx: &Path, config: &Path, logs: &Path) -> BTreeMap<(String, u64), String> {
    let out = stdout(
        tl(idx, config)
            .args(["search", "--format", "jsonl"])
            .arg(logs),
    );
    let root = logs.canonicalize().unwrap();
    out.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let src = v["source"].as_str().unwrap();
            let rel = Path::new(src)
                .strip_prefix(&root)
                .unwrap_or(Path::new(src))
                .to_string_lossy()
                .into_owned();
            let id = v["pattern"].as_str().expect("a pattern").to_string();
            assert_eq!(id.len(), 16, "{l}");
            ((rel, v["line"].as_u64().unwrap()), id)
        })
        .collect()
}

fn differences(a: &BTreeMap<(String, u64), String>, b: &BTreeMap<(String, u64), String>) -> usize {
    assert_eq!(a.len(), b.len(), "same events");
    let diff: Vec<_> = a.iter().filter(|(k, v)| b.get(*k) != Some(*v)).collect();
    for (k, v) in diff.iter().take(10) {
        eprintln!("{k:?}: {v} vs {:?}", b.get(*k));
    }
    diff.len()
}

fn set_mtime(path: &Path, like: &Path) {
    let mtime = fs::metadata(like).unwrap().modified().unwrap();
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
}

fn is_compressed(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| ["gz", "bz2", "xz", "zst"].contains(&&*e.to_string_lossy()))
}

#[test]
fn one_go_three_parts_and_kill_nine_give_the_same_pattern_per_event() {
    let c = make_corpus(6 << 20, 21);
    let whole_idx = tempfile::tempdir().unwrap();
    stdout(tl(whole_idx.path(), &c.config).arg("index").arg(&c.logs));
    let whole = patterns(whole_idx.path(), &c.config, &c.logs);
    assert!(whole.len() > 10_000, "{} events", whole.len());
    let distinct: std::collections::HashSet<&String> = whole.values().collect();
    assert!(
        distinct.len() > 20 && distinct.len() < whole.len() / 20,
        "{} patterns for {} events",
        distinct.len(),
        whole.len()
    );

    // Three parts: live files grow by thirds of their lines (rotated ones come whole: a rotated
    // file that still grows is read out of its family's order, see the README).
    let parts = tempfile::tempdir().unwrap();
    let logs = parts.path().join("logs");
    let files: Vec<_> = walkdir::WalkDir::new(&c.logs)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .collect();
    let idx = tempfile::tempdir().unwrap();
    for part in 1..=3 {
        for f in &files {
            let dest = logs.join(f.strip_prefix(&c.logs).unwrap());
            fs::create_dir_all(dest.parent().unwrap()).unwrap();
            if is_compressed(f) || family_of(f).generation > 0 {
                if part == 1 {
                    fs::copy(f, &dest).unwrap();
                    set_mtime(&dest, f);
                }
                continue;
            }
            let bytes = fs::read(f).unwrap();
            let ends: Vec<usize> = bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1)
                .collect();
            let cut = |k: usize| {
                if k == 3 || ends.is_empty() {
                    bytes.len()
                } else {
                    ends[ends.len() * k / 3]
                }
            };
            let (from, to) = (if part == 1 { 0 } else { cut(part - 1) }, cut(part));
            let mut out = fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&dest)
                .unwrap();
            out.write_all(&bytes[from..to]).unwrap();
            drop(out);
            set_mtime(&dest, f);
        }
        stdout(tl(idx.path(), &c.config).arg("index").arg(&logs));
    }
    let incremental = patterns(idx.path(), &c.config, &logs);
    assert_eq!(
        differences(&whole, &incremental),
        0,
        "three appended parts give other ids"
    );

    // Killed with SIGKILL at several moments, then completed.
    let idx = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("timberline");
    let mut kills = 0;
    for delay_ms in [200u64, 500, 900, 1400] {
        let mut child = Command::new(&bin)
            .arg("--config")
            .arg(&c.config)
            .arg("index")
            .arg(&c.logs)
            .env("TIMBERLINE_INDEX_DIR", idx.path())
            .env("TIMBERLINE_COMMIT_BYTES", "400000")
            .env("TZ", "UTC")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
    }
    assert!(kills >= 1, "indexing finished before any kill");
    stdout(tl(idx.path(), &c.config).arg("index").arg(&c.logs));
    let resumed = patterns(idx.path(), &c.config, &c.logs);
    assert_eq!(
        differences(&whole, &resumed),
        0,
        "kill -9 and rerun give other ids"
    );
    let states = fs::read_dir(idx.path())
        .unwrap()
        .filter(|e| {
            let name = e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .into_owned();
            name.starts_with("patterns-")
        })
        .count();
    assert!(
        (1..=2).contains(&states),
        "{states} pattern state files kept"
    );
}

#[test]
fn a_missing_pattern_state_rebuilds_the_index_with_a_note() {
    let c = common::corpus();
    let logs = tempfile::tempdir().unwrap();
    copy_tree(&c.logs, logs.path());
    let idx = tempfile::tempdir().unwrap();
    stdout(tl(idx.path(), &c.config).arg("index").arg(logs.path()));
    let before = patterns(idx.path(), &c.config, logs.path());
    for e in fs::read_dir(idx.path()).unwrap() {
        let e = e.unwrap();
        if e.file_name().to_string_lossy().starts_with("patterns-") {
            fs::remove_file(e.path()).unwrap();
        }
    }
    let out = tl(idx.path(), &c.config)
        .args(["search", "--count"])
        .arg(logs.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("pattern state") && err.contains("missing") && err.contains("rebuilding"),
        "{err}"
    );
    let after = patterns(idx.path(), &c.config, logs.path());
    assert_eq!(after, before);

    // `pattern:<id>` finds exactly the events of that id.
    let mut per_id: BTreeMap<&str, u64> = BTreeMap::new();
    for id in after.values() {
        *per_id.entry(id).or_default() += 1;
    }
    for (id, n) in per_id.iter().take(5) {
        let q = format!("pattern:{id}");
        let got = common::count(
            tl(idx.path(), &c.config)
                .args(["search", "--count", "-q", &q])
                .arg(logs.path()),
        );
        assert_eq!(got, *n, "{q}");
    }
}

#[test]
fn patterns_lists_exact_counts_and_a_new_pattern_on_its_day_only() {
    let logs = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for day in 1..=3 {
        for i in 0..40 {
            text += &format!(
                "2026-10-0{day}T0{}:{:02}:00Z web1 sshd[{}]: Failed password for user{i} from 10.0.{day}.{i} port {} ssh2\n",
                i % 10,
                i,
                100 + i,
                2000 + i
            );
            if i % 4 == 0 {
                text += &format!(
                    "2026-10-0{day}T0{}:{:02}:30Z web1 cron[{}]: (root) CMD (run-parts /etc/cron.hourly)\n",
                    i % 10,
                    i,
                    900 + i
                );
            }
        }
        if day == 3 {
            text += "2026-10-03T09:59:00Z web1 kernel: Out of memory: Killed process 4242 (java)\n";
        }
    }
    fs::write(logs.path().join("syslog"), text).unwrap();
    let idx = tempfile::tempdir().unwrap();
    let cfg = logs.path().join("none.toml");
    fs::write(&cfg, "").unwrap();
    let rows = |args: &[&str]| -> (Option<i32>, Vec<serde_json::Value>) {
        let out = tl(idx.path(), &cfg)
            .arg("patterns")
            .arg(logs.path())
            .args(["--format", "jsonl"])
            .args(args)
            .output()
            .unwrap();
        let so = String::from_utf8(out.stdout).unwrap();
        let rows = so
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (out.status.code(), rows)
    };
    let (code, all) = rows(&[]);
    assert_eq!(code, Some(0));
    let counts: Vec<u64> = all.iter().map(|r| r["count"].as_u64().unwrap()).collect();
    assert_eq!(counts, [120, 30, 1], "{all:?}");
    assert_eq!(
        all[0]["template"],
        "Failed password for <*> from <ip> port <num> ssh2"
    );
    assert_eq!(all[0]["sample"], "syslog:1");
    for r in &all {
        let q = format!("pattern:{}", r["pattern"].as_str().unwrap());
        let n = common::count(
            tl(idx.path(), &cfg)
                .args(["search", "--count", "-q", &q])
                .arg(logs.path()),
        );
        assert_eq!(n, r["count"].as_u64().unwrap(), "{q}");
    }
    let (code, new) = rows(&["--new", "--since", "2026-10-03T00:00:00Z"]);
    assert_eq!(code, Some(1), "new patterns: exit status 1");
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0]["key"], "kernel");
    let (code, none) = rows(&[
        "--new",
        "--since",
        "2026-10-02T00:00:00Z",
        "--until",
        "2026-10-03T00:00:00Z",
    ]);
    assert_eq!((code, none.len()), (Some(0), 0), "{none:?}");
    let (_, rare) = rows(&["--rare", "30", "--sort", "rare"]);
    assert_eq!(rare.len(), 2);
    assert_eq!(rare[0]["count"], 1);
}

/// `top` against counts made from `search --format jsonl` (each record re-parsed from its
/// text, not read from the index's terms).
#[test]
fn top_counts_match_the_events_counted_one_by_one() {
    let c = common::corpus();
    let idx = tempfile::tempdir().unwrap();
    let records: Vec<serde_json::Value> = stdout(
        tl(idx.path(), &c.config)
            .args(["search", "--format", "jsonl"])
            .arg(&c.logs),
    )
    .lines()
    .map(|l| serde_json::from_str(l).unwrap())
    .collect();
    let field = |r: &serde_json::Value, f: &str| -> Option<String> {
        // A record's own host/program, else a field of that name (`host:` looks at both).
        let v = r[f].as_str().or(r["fields"][f].as_str());
        v.map(|s| s.to_lowercase())
    };
    let top = |args: &[&str]| -> BTreeMap<String, (u64, Option<u64>)> {
        let out = stdout(
            tl(idx.path(), &c.config)
                .arg("top")
                .args(args)
                .arg(&c.logs)
                .args(["--format", "jsonl", "--limit", "100000"]),
        );
        out.lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                let key = args[0]
                    .split(',')
                    .map(|f| v[f].as_str().unwrap().to_string())
                    .collect::<Vec<_>>()
                    .join(",");
                let distinct = v
                    .as_object()
                    .unwrap()
                    .iter()
                    .find(|(k, _)| k.starts_with("distinct_"))
                    .map(|(_, d)| d.as_u64().unwrap());
                (key, (v["count"].as_u64().unwrap(), distinct))
            })
            .collect()
    };
    for (fields, distinct) in [
        ("host", None),
        ("program", Some("host")),
        ("host,program", None),
        ("level", None),
        ("pid", None),
    ] {
        let mut want: BTreeMap<String, (u64, Option<std::collections::BTreeSet<String>>)> =
            BTreeMap::new();
        for r in &records {
            let vals: Option<Vec<String>> = fields.split(',').map(|f| field(r, f)).collect();
            let Some(vals) = vals else { continue };
            let e = want.entry(vals.join(",")).or_default();
            e.0 += 1;
            if let Some(d) = distinct {
                let set = e.1.get_or_insert_with(Default::default);
                set.extend(field(r, d));
            }
        }
        let want: BTreeMap<String, (u64, Option<u64>)> = want
            .into_iter()
            .map(|(k, (n, s))| (k, (n, s.map(|s| s.len() as u64))))
            .collect();
        let mut args = vec![fields];
        if let Some(d) = distinct {
            args.extend(["--distinct", d]);
        }
        let got = top(&args);
        assert!(!want.is_empty(), "{fields}: no values in the corpus");
        assert_eq!(got, want, "top {fields} {distinct:?}");
    }
}

/// `patterns --by host`, the hosts and sources of each pattern, its counts over the window's
/// buckets, and reviewed patterns (`--mark`, known.toml) left out of `--new`.
#[test]
fn patterns_by_host_with_hosts_buckets_and_reviewed_patterns() {
    let logs = tempfile::tempdir().unwrap();
    let mut lines = Vec::new();
    // Planted: sshd failures on web1 and web2 every day; cron on web1 every day and on web2
    // only on the third (new for web2, not for the logs as a whole); one kernel OOM on db1 on
    // the third day (new everywhere).
    for day in 1..=3 {
        for i in 0..40 {
            let host = if i % 2 == 0 { "web1" } else { "web2" };
            lines.push(format!(
                "2026-10-0{day}T{:02}:{:02}:00Z {host} sshd[{}]: Failed password for user{i} from 10.0.{day}.{i} port {} ssh2",
                i % 24,
                i,
                100 + i,
                2000 + i
            ));
            if i % 4 == 0 {
                let host = if day == 3 && i % 8 == 0 {
                    "web2"
                } else {
                    "web1"
                };
                lines.push(format!(
                    "2026-10-0{day}T{:02}:{:02}:30Z {host} cron[{}]: (root) CMD (run-parts /etc/cron.hourly)",
                    i % 24,
                    i,
                    900 + i
                ));
            }
        }
    }
    lines.push("2026-10-03T23:59:00Z db1 kernel: Out of memory: Killed process 4242 (java)".into());
    lines.sort();
    fs::write(logs.path().join("syslog"), lines.join("\n") + "\n").unwrap();
    let idx = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let cfg = logs.path().join("none.toml");
    fs::write(&cfg, "").unwrap();
    let run = |args: &[&str]| -> (Option<i32>, Vec<serde_json::Value>) {
        let out = tl(idx.path(), &cfg)
            .env("XDG_CONFIG_HOME", home.path())
            .arg("patterns")
            .arg(logs.path())
            .args(["--format", "jsonl"])
            .args(args)
            .output()
            .unwrap();
        let so = String::from_utf8(out.stdout).unwrap();
        let rows = so
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (out.status.code(), rows)
    };
    // Counted independently from the lines written.
    let count = |host: &str, what: &str| {
        lines
            .iter()
            .filter(|l| l.contains(&format!(" {host} ")) && l.contains(what))
            .count() as u64
    };
    let key = |r: &serde_json::Value| {
        (
            r["by"].as_str().unwrap_or("").to_string(),
            r["key"].as_str().unwrap().to_string(),
        )
    };

    let (_, all) = run(&[]);
    let sshd = all.iter().find(|r| r["key"] == "sshd").unwrap();
    assert_eq!(sshd["hosts"], serde_json::json!(["web1", "web2"]));
    assert_eq!(sshd["sources"], serde_json::json!(["syslog"]));
    let buckets: Vec<u64> = sshd["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap())
        .collect();
    assert_eq!(buckets.iter().sum::<u64>(), 120, "every event in a bucket");

    let (_, by) = run(&["--by", "host"]);
    let got: BTreeMap<(String, String), u64> = by
        .iter()
        .map(|r| (key(r), r["count"].as_u64().unwrap()))
        .collect();
    let want: BTreeMap<(String, String), u64> = [
        (("web1", "sshd"), count("web1", "sshd")),
        (("web2", "sshd"), count("web2", "sshd")),
        (("web1", "cron"), count("web1", "cron")),
        (("web2", "cron"), count("web2", "cron")),
        (("db1", "kernel"), 1),
    ]
    .into_iter()
    .map(|((h, k), n)| ((h.to_string(), k.to_string()), n))
    .collect();
    assert_eq!(got, want);
    let db1 = by.iter().find(|r| r["by"] == "db1").unwrap();
    assert_eq!(db1["share"], 100.0, "shares are of the host's events");

    // One day in 24 buckets of an hour: the sshd events of each hour, counted from the lines.
    let (_, day2) = run(&[
        "--since",
        "2026-10-02T00:00:00Z",
        "--until",
        "2026-10-03T00:00:00Z",
    ]);
    let sshd = day2.iter().find(|r| r["key"] == "sshd").unwrap();
    let per_hour: Vec<u64> = (0..24)
        .map(|h| {
            lines
                .iter()
                .filter(|l| l.starts_with(&format!("2026-10-02T{h:02}:")) && l.contains("sshd"))
                .count() as u64
        })
        .collect();
    let buckets: Vec<u64> = sshd["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap())
        .collect();
    assert_eq!(buckets, per_hour);

    // New on the third day: the OOM; per host also cron on web2.
    let since = ["--new", "--since", "2026-10-03T00:00:00Z"];
    let (code, new) = run(&since);
    assert_eq!(code, Some(1));
    let keys: Vec<String> = new
        .iter()
        .map(|r| r["key"].as_str().unwrap().into())
        .collect();
    assert_eq!(keys, ["kernel"]);
    let (code, new) = run(&[&since[..], &["--by", "host"]].concat());
    assert_eq!(code, Some(1));
    let keys: Vec<(String, String)> = new.iter().map(key).collect();
    assert_eq!(
        keys,
        [
            ("web2".to_string(), "cron".to_string()),
            ("db1".to_string(), "kernel".to_string())
        ]
    );

    // Reviewed: the OOM marked as noise is no longer new, and is marked in lists.
    let oom = new[1]["pattern"].as_str().unwrap().to_string();
    let (code, _) = run(&["--mark", &oom, "--as", "noise", "--note", "expected"]);
    assert_eq!(code, Some(0));
    let file = fs::read_to_string(home.path().join("timberline/known.toml")).unwrap();
    assert!(
        file.contains(&oom) && file.contains("Out of memory"),
        "{file}"
    );
    let (code, new) = run(&since);
    assert_eq!((code, new.len()), (Some(0), 0), "{new:?}");
    let (_, all) = run(&[]);
    let oom_row = all.iter().find(|r| r["pattern"] == oom.as_str()).unwrap();
    assert_eq!(oom_row["known"], "noise");
    // A team file's marks count too, and a user's mark wins over it.
    let team = home.path().join("team-known.toml");
    let sshd_id = all.iter().find(|r| r["key"] == "sshd").unwrap()["pattern"]
        .as_str()
        .unwrap()
        .to_string();
    fs::write(
        &team,
        format!("[[pattern]]\nid = \"{sshd_id}\"\nstatus = \"reviewed\"\n\n[[pattern]]\nid = \"{oom}\"\nstatus = \"reviewed\"\n"),
    )
    .unwrap();
    let (_, all) = run(&["--known", team.to_str().unwrap()]);
    let status = |id: &str| all.iter().find(|r| r["pattern"] == id).unwrap()["known"].clone();
    assert_eq!(status(&sshd_id), "reviewed");
    assert_eq!(status(&oom), "noise");
}
