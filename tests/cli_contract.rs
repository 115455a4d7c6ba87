//! The CLI contract, end to end, on a generated corpus whose facts are known: counts, time
//! order, zones, year inference, `.gz`, multi-line events, gaps, freshness, exit codes.

mod common;

use common::{copy_tree, corpus, count, jsonl, stdout, tl};
use std::io::Write;
use std::path::{Path, PathBuf};

fn index_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

#[test]
fn index_prints_a_summary_and_every_event_is_counted() {
    let c = corpus();
    let idx = index_dir();
    let out = stdout(tl(idx.path(), &c.config).arg("index").arg(&c.logs));
    let files = c.manifest.files.len();
    assert!(
        out.starts_with(&format!(
            "{files} files ({files} read), {} new events",
            c.manifest.events
        )),
        "{out}"
    );
    assert!(out.contains("MB/s"), "{out}");
    let n = count(
        tl(idx.path(), &c.config)
            .args(["search", "--count"])
            .arg(&c.logs),
    );
    assert_eq!(n, c.manifest.events);
    // Nothing new: nothing read, same count.
    let out = stdout(tl(idx.path(), &c.config).arg("index").arg(&c.logs));
    assert!(
        out.starts_with(&format!(
            "{files} files (0 read), 0 new events ({} in the index)",
            c.manifest.events
        )),
        "{out}"
    );
}

#[test]
fn planted_terms_fields_and_phrases_have_their_counts() {
    let c = corpus();
    let idx = index_dir();
    let m = &c.manifest;
    for (query, want) in [
        (m.rare.query.as_str(), m.rare.events),
        (m.common.query.as_str(), m.common.events),
        (m.phrase.query.as_str(), m.phrase.events),
        (m.field.query.as_str(), m.field.events),
        (m.failed_password.query.as_str(), m.failed_password.events),
    ] {
        let n = count(
            tl(idx.path(), &c.config)
                .args(["search", "--count", "-q", query])
                .arg(&c.logs),
        );
        assert_eq!(n, want, "query {query}");
    }
    let n = count(
        tl(idx.path(), &c.config)
            .args(["search", "--count", "-q", "status:[500 TO 599]"])
            .arg(&c.logs),
    );
    assert!(n >= m.field.events, "5xx includes the 502s: {n}");
    let n = count(
        tl(idx.path(), &c.config)
            .args([
                "search",
                "--count",
                "-q",
                "NOT status:502 AND status:[502 TO 502]",
            ])
            .arg(&c.logs),
    );
    assert_eq!(n, 0);
}

#[test]
fn rare_events_come_back_with_source_line_utc_time_and_whole_text() {
    let c = corpus();
    let idx = index_dir();
    let out = stdout(
        tl(idx.path(), &c.config)
            .args(["search", "--format", "jsonl", "-q", &c.manifest.rare.query])
            .arg(&c.logs),
    );
    let got = jsonl(&out);
    let mut want = c.manifest.rare.occurrences.clone();
    want.sort_by_key(|o| o.ts);
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        let source = c.logs.join(&w.file).canonicalize().expect("canonical");
        assert_eq!(g["source"], source.to_string_lossy().as_ref(), "{g}");
        assert_eq!(g["line"], w.line, "{g}");
        // ts is UTC RFC 3339 with Z; planted times are exact to the second or better
        // (this checks zones, including the Berlin host set in the config, and the year).
        let ts =
            chrono::DateTime::parse_from_rfc3339(g["ts"].as_str().expect("ts")).expect("rfc3339");
        assert!(g["ts"].as_str().unwrap().ends_with('Z'));
        assert_eq!(ts.timestamp(), w.ts.timestamp(), "{g}");
        assert!(g["text"].as_str().unwrap().contains(&c.manifest.rare.term));
        for key in ["level", "host", "program", "message", "fields"] {
            assert!(g.get(key).is_some(), "missing {key} in {g}");
        }
    }
    // One occurrence sits in a traceback continuation line: its event holds every line.
    assert!(
        got.iter().any(|g| g["text"]
            .as_str()
            .unwrap()
            .contains("Traceback (most recent call last):")),
        "{out}"
    );
    // And several are in .gz files.
    assert!(
        got.iter()
            .any(|g| g["source"].as_str().unwrap().ends_with(".gz"))
    );
}

#[test]
fn results_are_in_time_order_and_reverse_is_newest_first() {
    let c = corpus();
    let idx = index_dir();
    let keys = |args: &[&str]| -> Vec<(String, String, u64)> {
        let out = stdout(
            tl(idx.path(), &c.config)
                .args(["search", "--format", "jsonl"])
                .args(args)
                .arg(&c.logs),
        );
        jsonl(&out)
            .iter()
            .map(|v| {
                (
                    v["ts"].as_str().unwrap().to_string(),
                    v["source"].as_str().unwrap().to_string(),
                    v["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let asc = keys(&["-q", "sshd"]);
    assert!(asc.len() > 100);
    assert!(
        asc.windows(2).all(|w| w[0] <= w[1]),
        "ascending (ts, source, line)"
    );
    let desc = keys(&["-q", "sshd", "--reverse", "--limit", "50"]);
    let mut tail: Vec<_> = asc[asc.len() - 50..].to_vec();
    tail.reverse();
    assert_eq!(desc, tail);
    let first = keys(&["-q", "sshd", "--limit", "5"]);
    assert_eq!(first, asc[..5].to_vec());
}

#[test]
fn since_until_window_is_half_open() {
    let c = corpus();
    let idx = index_dir();
    let all = count(
        tl(idx.path(), &c.config)
            .args(["search", "--count"])
            .arg(&c.logs),
    );
    let mid = c.manifest.gap.end.to_rfc3339();
    let before = count(
        tl(idx.path(), &c.config)
            .args(["search", "--count", "--until", &mid])
            .arg(&c.logs),
    );
    let after = count(
        tl(idx.path(), &c.config)
            .args(["search", "--count", "--since", &mid])
            .arg(&c.logs),
    );
    assert_eq!(before + after, all);
    assert!(before > 0 && after > 0);
    // Nothing at all in the planted gap.
    let gap = count(
        tl(idx.path(), &c.config)
            .args([
                "search",
                "--count",
                "--since",
                &c.manifest.gap.start.to_rfc3339(),
                "--until",
                &mid,
            ])
            .arg(&c.logs),
    );
    assert_eq!(gap, 0);
}

/// The histogram of every event and of a query agree with `search --count` inside a window
/// that starts and ends mid-bucket.
#[test]
fn histogram_counts_in_a_window_equal_the_search_counts() {
    let c = corpus();
    let idx = index_dir();
    let windows = [
        ("2026-10-01T10:17:31Z", "2026-10-02T03:42:07Z"),
        // Whole minutes: every event is counted from per-minute counts kept per segment.
        ("2026-10-01T10:17:00Z", "2026-10-02T03:42:00Z"),
    ];
    for ((since, until), q) in windows
        .into_iter()
        .flat_map(|w| [(w, ""), (w, "level:>=info OR NOT level:>=info")])
    {
        let out = stdout(
            tl(idx.path(), &c.config)
                .args(["histogram", "--bucket", "1h", "--format", "json"])
                .args(["-q", q, "--since", since, "--until", until])
                .arg(&c.logs),
        );
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        let total: u64 = v["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["count"].as_u64().unwrap())
            .sum();
        let n = count(
            tl(idx.path(), &c.config)
                .args([
                    "search", "--count", "-q", q, "--since", since, "--until", until,
                ])
                .arg(&c.logs),
        );
        assert!(n > 0, "the window holds events");
        assert_eq!(total, n, "query {q:?} from {since} to {until}");
    }
}

#[test]
fn histogram_has_every_bucket_and_finds_the_planted_gap() {
    let c = corpus();
    let idx = index_dir();
    let out = stdout(
        tl(idx.path(), &c.config)
            .args(["histogram", "--bucket", "1m", "--format", "json"])
            .arg(&c.logs),
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["bucket_seconds"], 60);
    let buckets = v["buckets"].as_array().unwrap();
    let total: u64 = buckets.iter().map(|b| b["count"].as_u64().unwrap()).sum();
    assert_eq!(total, c.manifest.events);
    let starts: Vec<i64> = buckets
        .iter()
        .map(|b| {
            chrono::DateTime::parse_from_rfc3339(b["start"].as_str().unwrap())
                .unwrap()
                .timestamp()
        })
        .collect();
    assert!(
        starts.windows(2).all(|w| w[1] - w[0] == 60),
        "every minute present, zeros included"
    );
    let gap = (
        c.manifest.gap.start.timestamp(),
        c.manifest.gap.end.timestamp(),
    );
    let gaps: Vec<(i64, i64)> = v["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let t = |k: &str| {
                chrono::DateTime::parse_from_rfc3339(g[k].as_str().unwrap())
                    .unwrap()
                    .timestamp()
            };
            (t("start"), t("end"))
        })
        .collect();
    assert!(
        gaps.iter()
            .any(|&(s, e)| (s - gap.0).abs() <= 60 && (e - gap.1).abs() <= 60),
        "planted gap {gap:?} not in {gaps:?}"
    );
    let text = stdout(
        tl(idx.path(), &c.config)
            .args(["histogram", "--bucket", "10m"])
            .arg(&c.logs),
    );
    assert!(text.contains('█') && text.contains("← gap"), "{text}");
}

#[test]
fn a_path_inside_an_indexed_root_searches_only_its_sources() {
    let c = corpus();
    let idx = index_dir();
    stdout(tl(idx.path(), &c.config).arg("index").arg(&c.logs));
    let nginx = c.logs.join("nginx");
    let n = count(
        tl(idx.path(), &c.config)
            .args(["search", "--count"])
            .arg(&nginx),
    );
    let want: u64 = c
        .manifest
        .files
        .iter()
        .filter(|f| f.path.starts_with("nginx/"))
        .map(|f| f.events)
        .sum();
    assert_eq!(n, want);
    let out = stdout(
        tl(idx.path(), &c.config)
            .args(["search", "--format", "csv", "--limit", "3"])
            .arg(&nginx),
    );
    assert!(
        out.starts_with("ts,source,line,level,host,program,message,text\n"),
        "{out}"
    );
    assert!(out.lines().skip(1).all(|l| l.contains("/nginx/")), "{out}");
}

#[test]
fn appended_lines_are_found_by_the_next_search() {
    let c = corpus();
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&c.logs, dir.path());
    let idx = index_dir();
    let before = count(
        tl(idx.path(), &c.config)
            .args(["search", "--count"])
            .arg(dir.path()),
    );
    assert_eq!(before, c.manifest.events);
    let auth = dir.path().join("remote/web01/auth.log");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&auth)
        .unwrap();
    writeln!(
        f,
        "Oct  3 23:59:58 web01 sshd[999]: Failed password for root from 203.0.113.9 port 2222 ssh2"
    )
    .unwrap();
    writeln!(f, "Oct  3 23:59:59 web01 sshd[999]: FRESHLINE-42 appended").unwrap();
    drop(f);
    let after = count(
        tl(idx.path(), &c.config)
            .args(["search", "--count"])
            .arg(dir.path()),
    );
    assert_eq!(after, before + 2);
    let hit = stdout(
        tl(idx.path(), &c.config)
            .args(["search", "-q", "FRESHLINE-42"])
            .arg(dir.path()),
    );
    assert!(hit.contains("remote/web01/auth.log:"), "{hit}");
}

#[test]
fn stdin_is_searched_with_dash() {
    let c = corpus();
    let mut cmd = tl(std::path::Path::new("/nonexistent-unused"), &c.config);
    cmd.args(["search", "-", "-q", "ERROR", "--format", "jsonl"]).write_stdin(
        "2026-10-05 02:00:01,123 INFO [app] 1: started\n2026-10-05 02:00:02,500 ERROR [app] 1: boom\nTraceback (most recent call last):\n  File \"x.py\", line 1, in <module>\nValueError: bad\n",
    );
    let got = jsonl(&stdout(&mut cmd));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["ts"], "2026-10-05T02:00:02.500Z");
    assert_eq!(got[0]["source"], "-");
    assert_eq!(got[0]["level"], "error");
    assert!(
        got[0]["text"]
            .as_str()
            .unwrap()
            .ends_with("ValueError: bad")
    );
}

#[test]
fn bad_queries_and_arguments_exit_2_with_a_pointer_to_the_problem() {
    let c = corpus();
    let idx = index_dir();
    let out = tl(idx.path(), &c.config)
        .args(["search", "-q", "status:[500 TO"])
        .arg(&c.logs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid query") && err.contains('^'), "{err}");
    let out = tl(idx.path(), &c.config)
        .args(["search", "--since", "yesterdayish"])
        .arg(&c.logs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--since"));
    let out = tl(idx.path(), &c.config)
        .args(["search", "-q", "level:loud"])
        .arg(&c.logs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = tl(idx.path(), &c.config)
        .args(["histogram", "--bucket", "7x"])
        .arg(&c.logs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = tl(idx.path(), &c.config)
        .args(["search", "--frobnicate"])
        .arg(&c.logs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // No hits is success.
    let out = tl(idx.path(), &c.config)
        .args(["search", "-q", "no-such-word-anywhere"])
        .arg(&c.logs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    // A missing path is a failure that names it.
    let out = tl(idx.path(), &c.config)
        .args(["search", "/no/such/logs"])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/logs"));
}

#[test]
fn the_index_is_private_to_its_user() {
    use std::os::unix::fs::PermissionsExt;
    let c = corpus();
    let idx = index_dir();
    let dir = idx.path().join("private");
    stdout(tl(&dir, &c.config).arg("index").arg(&c.logs));
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let m = entry.unwrap().metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(m & 0o077, 0, "index files are not readable by others");
    }
}

/// Phrases are confirmed on the event text read back (the index keeps no word positions), from
/// plain files and from the text stored for compressed ones alike.
#[test]
fn a_phrase_needs_its_words_in_order_in_plain_and_compressed_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = "\
2026-10-01T10:00:00Z sshd[1]: pam_unix(sshd:session): session opened for user root(uid=0)
2026-10-01T10:00:01Z sshd[2]: user root: session opened for nobody
2026-10-01T10:00:02Z sshd[3]: SESSION Opened For User ROOT by admin
2026-10-01T10:00:03Z nginx[4]: GET /wp-login.php 404
2026-10-01T10:00:04Z nginx[5]: GET /wp/login/php.html 404
2026-10-01T10:00:05Z nginx[6]: GET /php/login/wp 404
";
    let config = plain_and_gzip(dir.path(), "app.log", lines);
    let idx = index_dir();
    for (query, want) in [
        ("\"session opened for user root\"", 4),
        ("\"root session\"", 2),
        ("\"root user\"", 0),
        ("wp-login.php", 4),
        ("\"login php\"", 4),
        ("\"php login\"", 2),
        ("\"user root\" AND nobody", 2),
    ] {
        let n = count(
            tl(idx.path(), &config)
                .args(["search", "--count", "-q", query])
                .arg(dir.path()),
        );
        assert_eq!(n, want, "query {query}");
    }
}

/// Whole-history histograms in whole minutes come from per-segment minute counts, saved in the
/// index folder by the first run: the first and last buckets hold the first and last events,
/// and a second process, reading the saved counts, answers exactly the same.
#[test]
fn whole_history_histogram_spans_first_to_last_event_and_is_the_same_from_saved_counts() {
    let c = corpus();
    let idx = index_dir();
    let hist = |bucket: &str| {
        stdout(
            tl(idx.path(), &c.config)
                .args(["histogram", "--bucket", bucket, "--format", "json"])
                .arg(&c.logs),
        )
    };
    let first = hist("1h");
    assert!(
        idx.path()
            .join("minutes")
            .read_dir()
            .is_ok_and(|mut d| d.next().is_some()),
        "minute counts saved"
    );
    assert_eq!(hist("1h"), first, "from the saved counts");
    let v: serde_json::Value = serde_json::from_str(&first).expect("json");
    let buckets = v["buckets"].as_array().unwrap();
    let start = |b: &serde_json::Value| {
        chrono::DateTime::parse_from_rfc3339(b["start"].as_str().unwrap())
            .unwrap()
            .timestamp()
    };
    let edge = |reverse: bool| {
        let mut cmd = tl(idx.path(), &c.config);
        cmd.args(["search", "--limit", "1", "--format", "jsonl"]);
        if reverse {
            cmd.arg("--reverse");
        }
        let rec = jsonl(&stdout(cmd.arg(&c.logs))).remove(0);
        chrono::DateTime::parse_from_rfc3339(rec["ts"].as_str().unwrap())
            .unwrap()
            .timestamp()
    };
    let (lo, hi) = (edge(false), edge(true));
    assert_eq!(start(&buckets[0]), lo - lo.rem_euclid(3600));
    assert_eq!(start(buckets.last().unwrap()), hi - hi.rem_euclid(3600));
    assert!(buckets[0]["count"].as_u64().unwrap() > 0);
    assert!(buckets.last().unwrap()["count"].as_u64().unwrap() > 0);
}

/// `--since`/`--until` are answered from per-block summaries of the time column, decoding only
/// the blocks on a window's edges: every window must still count exactly the events whose time
/// falls in it, as a filter over the whole listing does.
#[test]
fn time_windows_count_exactly_the_events_inside_them() {
    let c = corpus();
    let idx = index_dir();
    let all = jsonl(&stdout(
        tl(idx.path(), &c.config)
            .args(["search", "--format", "jsonl"])
            .arg(&c.logs),
    ));
    let times: Vec<i64> = all
        .iter()
        .map(|r| {
            chrono::DateTime::parse_from_rfc3339(r["ts"].as_str().unwrap())
                .unwrap()
                .timestamp()
        })
        .collect();
    let (first, last) = (times[0], *times.last().unwrap());
    let span = last - first;
    let at = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    for (a, b) in [
        (0, span / 3),
        (span / 7, span / 7 + 1),
        (span / 2 - 3_600, span / 2 + 17),
        (span - 60, span + 1),
        (0, 1),
    ] {
        let (since, until) = (first + a, first + b);
        let want = times.iter().filter(|&&t| t >= since && t < until).count() as u64;
        let n = count(
            tl(idx.path(), &c.config)
                .args([
                    "search",
                    "--count",
                    "--since",
                    &at(since),
                    "--until",
                    &at(until),
                ])
                .arg(&c.logs),
        );
        assert_eq!(n, want, "window {} .. {}", at(since), at(until));
    }
}

/// Long integers (five digits or more) are kept in columns, shorter values and text as terms:
/// every query form finds a field's values whatever their length, in plain and gzip files,
/// with nested (dotted) JSON keys and negative numbers.
#[test]
fn field_values_are_found_whatever_their_length() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = "\
{\"ts\":\"2026-10-01T10:00:00Z\",\"msg\":\"a\",\"bytes\":512,\"pid\":48211,\"http\":{\"bytes\":123456},\"delta\":-70000}
{\"ts\":\"2026-10-01T10:00:01Z\",\"msg\":\"b\",\"bytes\":86544,\"pid\":48212,\"http\":{\"bytes\":99},\"delta\":-5}
{\"ts\":\"2026-10-01T10:00:02Z\",\"msg\":\"c\",\"bytes\":9999,\"pid\":\"48211\",\"http\":{\"bytes\":\"n/a\"},\"delta\":70000}
{\"ts\":\"2026-10-01T10:00:03Z\",\"msg\":\"d\",\"bytes\":10000,\"pid\":\"048211\",\"job\":123456789012345678}
";
    let config = plain_and_gzip(dir.path(), "app.jsonl", lines);
    // Hosts and programs take the same way as other values.
    plain_and_gzip(
        dir.path(),
        "syslog",
        "2026-10-01T10:00:04Z 10001 20002[7]: numbered host and program\n",
    );
    let idx = index_dir();
    for (query, want) in [
        ("pid:48211", 2),
        ("PID:48211", 2),
        ("pid:048211", 1),
        ("pid:48212 OR pid:048211", 2),
        ("bytes:512", 1),
        ("bytes:86544", 1),
        ("bytes:[9999 TO 10000]", 2),
        ("bytes:[500 TO 100000]", 4),
        ("bytes:{9999 TO *]", 2),
        ("bytes:[* TO 10000}", 2),
        ("bytes:[600.5 TO 86544.5]", 3),
        ("bytes:86*", 1),
        ("bytes:*", 4),
        ("pid:4821*", 3),
        ("pid:0*", 1),
        ("http.bytes:123456", 1),
        ("http.bytes:[0 TO 200000]", 2),
        ("http.bytes:n/a", 1),
        ("delta:-70000", 1),
        ("delta:[-70000 TO 0]", 2),
        ("delta:-7*", 1),
        ("job:123456789012345678", 1),
        ("job:[1 TO *]", 1),
        ("bytes:86544 AND NOT pid:48212", 0),
        ("host:10001", 1),
        ("host:1000*", 1),
        ("program:20002", 1),
    ] {
        let n = count(
            tl(idx.path(), &config)
                .args(["search", "--count", "-q", query])
                .arg(dir.path()),
        );
        assert_eq!(n, 2 * want, "query {query} (in both files)");
    }
}

/// Writes `lines` to `name` and, dated a day earlier, to its rotated `name.1.gz`; returns an
/// empty config file beside them.
fn plain_and_gzip(dir: &Path, name: &str, lines: &str) -> PathBuf {
    std::fs::write(dir.join(name), lines).expect("write");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(lines.replace("2026-10-01", "2026-09-30").as_bytes())
        .expect("gzip");
    std::fs::write(dir.join(format!("{name}.1.gz")), gz.finish().expect("gzip")).expect("write");
    let config = dir.join("config.toml");
    std::fs::write(&config, "").expect("write");
    config
}

/// Paths none of which can be read fail (exit 1, with why) instead of answering 0: a cron job
/// counting errors under a folder it may not read would pass by otherwise. One readable path
/// among them answers as usual.
#[test]
fn paths_none_of_which_can_be_read_exit_1_instead_of_answering_0() {
    let idx = index_dir();
    let logs = tempfile::tempdir().unwrap();
    let bad = logs.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    std::fs::write(
        bad.join("core"),
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0",
    )
    .unwrap();
    let out = tl(idx.path(), Path::new("/dev/null"))
        .args(["search", "--count"])
        .arg(&bad)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty(), "no count printed");
    assert!(err.contains("core: binary file"), "{err}");
    assert!(err.contains("could be read"), "{err}");

    let good = logs.path().join("good");
    std::fs::create_dir(&good).unwrap();
    std::fs::write(
        good.join("app.log"),
        "2026-11-20T10:00:00Z host app[1]: hello\n",
    )
    .unwrap();
    let out = tl(idx.path(), Path::new("/dev/null"))
        .args(["search", "--count"])
        .arg(&bad)
        .arg(&good)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");
    // An empty folder holds nothing unreadable: 0 is the answer.
    let empty = tempfile::tempdir().unwrap();
    let out = tl(idx.path(), Path::new("/dev/null"))
        .args(["search", "--count"])
        .arg(empty.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0");
}

/// `histogram --since` without `--until` runs to now: a host silent since its last event shows
/// as empty buckets and a gap at the end, not as a histogram that stops at the last match.
#[test]
fn histogram_since_runs_to_now_so_a_silent_end_is_a_gap() {
    let idx = index_dir();
    let logs = tempfile::tempdir().unwrap();
    let now = chrono::Utc::now();
    // One event a minute from nearly 4 hours ago until 2 hours ago, then nothing.
    let text: String = (0..115)
        .map(|i| {
            let t = now - chrono::Duration::minutes(235 - i);
            format!("{} db02 app[1]: tick {i}\n", t.format("%Y-%m-%dT%H:%M:%SZ"))
        })
        .collect();
    std::fs::write(logs.path().join("db02.log"), text).unwrap();
    let out = stdout(
        tl(idx.path(), Path::new("/dev/null"))
            .args([
                "histogram",
                "--since",
                "4h",
                "--bucket",
                "10m",
                "--format",
                "json",
            ])
            .arg(logs.path()),
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let buckets = v["buckets"].as_array().unwrap();
    let last =
        chrono::DateTime::parse_from_rfc3339(buckets.last().unwrap()["start"].as_str().unwrap())
            .unwrap();
    assert!(
        now.signed_duration_since(last) < chrono::Duration::minutes(10),
        "the last bucket starts at {last}, more than a bucket before now ({now})"
    );
    let total: u64 = buckets.iter().map(|b| b["count"].as_u64().unwrap()).sum();
    assert_eq!(total, 115);
    let gaps = v["gaps"].as_array().unwrap();
    assert!(
        gaps.iter().any(|g| {
            let end = chrono::DateTime::parse_from_rfc3339(g["end"].as_str().unwrap()).unwrap();
            now.signed_duration_since(end) < chrono::Duration::minutes(20)
        }),
        "the silent last two hours are a gap: {gaps:?}"
    );
}
