//! Conformance of `format` against the real sample logs in `../shared/corpora` (relative to the
//! crate). Skips with a note when that folder is absent.

use std::path::{Path, PathBuf};
use timberline::event::{Level, Parsed};
use timberline::format::{Format, LineContext, LineKind, detect};
use timberline::time::{Zone, format_utc};

fn corpora() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "note: {} not found, skipping the corpora conformance test",
            dir.display()
        );
        None
    }
}

/// The file's lines (split on `\n` only, so CRs reach the parser), without a final empty one.
fn lines(dir: &Path, rel: &str) -> Vec<String> {
    let bytes = std::fs::read(dir.join(rel)).unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let mut v: Vec<String> = text.split('\n').map(str::to_string).collect();
    if v.last().is_some_and(|l| l.is_empty()) {
        v.pop();
    }
    v
}

fn detected(lines: &[String]) -> Option<String> {
    let refs: Vec<&str> = lines.iter().take(200).map(String::as_str).collect();
    detect(&refs, &[]).map(|f| f.name().to_string())
}

/// mtime of the `real/` files: shortly after the run (2026-11-22T02:10:42Z).
const REAL_MTIME_US: i64 = 1_795_313_500_000_000;

/// Parses every line; returns the starts (with their line index) and the bad-timestamp count.
fn starts(f: &Format, lines: &[String], zone: &str) -> (Vec<(usize, Parsed)>, usize) {
    let mut ctx = LineContext::new(&Zone::parse(zone).unwrap(), REAL_MTIME_US);
    let mut out = Vec::new();
    let mut bad = 0;
    for (i, l) in lines.iter().enumerate() {
        match f.parse_line(l, &mut ctx) {
            LineKind::Start(p) => out.push((i, p)),
            LineKind::BadTimestamp { .. } => bad += 1,
            LineKind::Continuation | LineKind::Header | LineKind::Detail { .. } => {}
        }
    }
    (out, bad)
}

/// A CSV row's fields (double-quoted fields with `""` escapes).
fn csv_fields(row: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

fn json(line: &str) -> serde_json::Value {
    serde_json::from_str(line).unwrap()
}

fn rfc3339_us(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap()
        .timestamp_micros()
}

#[test]
fn detection_picks_the_expected_format() {
    let Some(dir) = corpora() else { return };
    let table = [
        ("loghub/Android/Android_2k.log", Some("android")),
        ("loghub/Apache/Apache_2k.log", Some("apache-error")),
        ("loghub/HDFS/HDFS_2k.log", Some("hdfs")),
        ("loghub/Hadoop/Hadoop_2k.log", Some("iso")),
        ("loghub/Linux/Linux_2k.log", Some("rfc3164")),
        ("loghub/OpenSSH/OpenSSH_2k.log", Some("rfc3164")),
        ("loghub/Spark/Spark_2k.log", Some("spark")),
        ("loghub/Zookeeper/Zookeeper_2k.log", Some("iso")),
        ("elastic/apache_logs", Some("access")),
        ("real/nginx/access.jsonl", Some("json")),
        ("real/nginx/access.log", Some("access")),
        ("real/nginx/access.ltsv", Some("ltsv")),
        ("real/nginx/error.log", Some("nginx-error")),
        ("real/python/app.bracketed.log", Some("bracketed")),
        ("real/python/app.log", Some("iso")),
        ("real/python/uncaught_traceback.stderr.log", None),
        ("real/rsyslog/all.rfc5424.log", Some("rfc5424")),
        ("real/rsyslog/all.rsyslog.jsonl", Some("json")),
        ("real/rsyslog/auth.debian12.log", Some("rfc3339-syslog")),
        ("real/rsyslog/auth.log", Some("rfc3164")),
        ("real/rsyslog/syslog.debian12.log", Some("rfc3339-syslog")),
        ("real/rsyslog/syslog.traditional.log", Some("rfc3164")),
    ];
    let mut wrong = Vec::new();
    for (rel, want) in table {
        let got = detected(&lines(&dir, rel));
        if got.as_deref() != want {
            wrong.push(format!("{rel}: got {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn every_loghub_and_elastic_line_starts_an_event() {
    let Some(dir) = corpora() else { return };
    for rel in [
        "loghub/Android/Android_2k.log",
        "loghub/Apache/Apache_2k.log",
        "loghub/HDFS/HDFS_2k.log",
        "loghub/Hadoop/Hadoop_2k.log",
        "loghub/Linux/Linux_2k.log",
        "loghub/OpenSSH/OpenSSH_2k.log",
        "loghub/Spark/Spark_2k.log",
        "loghub/Zookeeper/Zookeeper_2k.log",
        "elastic/apache_logs",
        "real/nginx/access.log",
        "real/nginx/access.ltsv",
        "real/nginx/access.jsonl",
        "real/nginx/error.log",
    ] {
        let ls = lines(&dir, rel);
        let f = Format::by_name(&detected(&ls).unwrap(), &[]).unwrap();
        let (st, bad) = starts(&f, &ls, "UTC");
        let misses: Vec<&String> = ls
            .iter()
            .enumerate()
            .filter(|(i, _)| st.binary_search_by_key(i, |(j, _)| *j).is_err())
            .map(|(_, l)| l)
            .take(3)
            .collect();
        assert_eq!(
            (st.len(), bad),
            (ls.len(), 0),
            "{rel}: first misses {misses:?}"
        );
    }
}

/// Levels against the loghub structured CSVs (level is a plain column there).
#[test]
fn loghub_levels_match_the_structured_csv() {
    let Some(dir) = corpora() else { return };
    // (log, csv column index of Level)
    for (rel, col) in [
        ("loghub/Apache/Apache_2k.log", 2),
        ("loghub/Android/Android_2k.log", 5),
        ("loghub/Hadoop/Hadoop_2k.log", 3),
        ("loghub/Spark/Spark_2k.log", 3),
        ("loghub/HDFS/HDFS_2k.log", 4),
        ("loghub/Zookeeper/Zookeeper_2k.log", 3),
    ] {
        let ls = lines(&dir, rel);
        let csv = lines(&dir, &format!("{rel}_structured.csv"));
        let f = Format::by_name(&detected(&ls).unwrap(), &[]).unwrap();
        let (st, _) = starts(&f, &ls, "UTC");
        for ((_, p), row) in st.iter().zip(csv.iter().skip(1)) {
            let want = csv_fields(row.trim_end_matches('\r'));
            assert_eq!(p.level, Level::parse(&want[col]), "{rel}: {row}");
        }
    }
}

/// Each line of the RFC 3339 syslog files parses to rsyslog's own `timereported`.
#[test]
fn rsyslog_times_match_rsyslog_parse() {
    let Some(dir) = corpora() else { return };
    let truth: Vec<serde_json::Value> = lines(&dir, "real/rsyslog/all.rsyslog.jsonl")
        .iter()
        .map(|l| json(l))
        .collect();
    let non_ssh: Vec<&serde_json::Value> =
        truth.iter().filter(|j| j["program"] != "sshd").collect();
    let ssh: Vec<&serde_json::Value> = truth.iter().filter(|j| j["program"] == "sshd").collect();
    // The traditional files are read in the zone rsyslog ran in (Asia/Kolkata).
    for (rel, want, zone) in [
        ("real/rsyslog/syslog.debian12.log", &non_ssh, "UTC"),
        ("real/rsyslog/auth.debian12.log", &ssh, "UTC"),
        (
            "real/rsyslog/syslog.traditional.log",
            &non_ssh,
            "Asia/Kolkata",
        ),
        ("real/rsyslog/auth.log", &ssh, "Asia/Kolkata"),
    ] {
        let ls = lines(&dir, rel);
        let f = Format::by_name(&detected(&ls).unwrap(), &[]).unwrap();
        let (st, bad) = starts(&f, &ls, zone);
        assert_eq!((st.len(), bad), (want.len(), 0), "{rel}");
        let traditional = !rel.contains("debian12");
        for ((i, p), j) in st.iter().zip(want.iter()) {
            let reported = j["timereported"].as_str().unwrap();
            let t = if traditional {
                // RFC 3164 keeps only the wall clock digits (whole seconds) of what rsyslog
                // got: messages that arrived stamped UTC are written as if local (the trap).
                let wall =
                    chrono::NaiveDateTime::parse_from_str(&reported[..19], "%Y-%m-%dT%H:%M:%S")
                        .unwrap();
                Zone::parse("Asia/Kolkata")
                    .unwrap()
                    .to_utc(wall)
                    .timestamp_micros()
            } else {
                rfc3339_us(reported)
            };
            assert_eq!(format_utc(p.ts), format_utc(t), "{rel} line {}", i + 1);
            assert_eq!(
                p.program.as_deref(),
                j["program"].as_str(),
                "{rel} line {}",
                i + 1
            );
            assert_eq!(p.host.as_deref(), Some("vm"));
            assert_eq!(p.level, None, "RFC 3164/3339 syslog has no level field");
        }
    }
    // RFC 5424: all messages, with the severity as the level.
    let ls = lines(&dir, "real/rsyslog/all.rfc5424.log");
    let f = Format::by_name("rfc5424", &[]).unwrap();
    let (st, bad) = starts(&f, &ls, "UTC");
    assert_eq!((st.len(), bad), (truth.len(), 0));
    for ((i, p), j) in st.iter().zip(truth.iter()) {
        assert_eq!(
            p.ts,
            rfc3339_us(j["timereported"].as_str().unwrap()),
            "line {}",
            i + 1
        );
        assert_eq!(
            p.level,
            Level::parse(j["severity"].as_str().unwrap()),
            "line {}",
            i + 1
        );
        let facility = p.fields.iter().find(|(k, _)| k == "facility");
        assert_eq!(
            facility.map(|(_, v)| v.as_str()),
            j["facility"].as_str(),
            "line {}",
            i + 1
        );
        assert_eq!(
            p.program.as_deref(),
            j["program"].as_str(),
            "line {}",
            i + 1
        );
    }
}

/// Every access-log line's level is its status class, read from the line as text: 5xx error,
/// 4xx warn, 1xx-3xx info (nginx's 418s, 500s and a 505; the Elastic sample's 500s and 416s).
#[test]
fn access_levels_follow_the_status() {
    let Some(dir) = corpora() else { return };
    for rel in ["real/nginx/access.log", "elastic/apache_logs"] {
        let ls = lines(&dir, rel);
        let f = Format::by_name("access", &[]).unwrap();
        let (st, _) = starts(&f, &ls, "UTC");
        assert_eq!(st.len(), ls.len(), "{rel}");
        let mut errors = 0;
        for (i, p) in &st {
            let status = ls[*i]
                .split('"')
                .nth(2)
                .and_then(|r| r.split_whitespace().next());
            let want = match status.and_then(|s| s.chars().next()) {
                Some('1'..='3') => Some(Level::Info),
                Some('4') => Some(Level::Warn),
                Some('5') => Some(Level::Error),
                _ => None,
            };
            assert_eq!(p.level, want, "{rel} line {}: {status:?}", i + 1);
            errors += usize::from(want == Some(Level::Error));
        }
        assert!(errors > 0, "{rel}: no 5xx to check");
    }
}

/// nginx access.log line N is access.jsonl line N's `msec` to the second; the JSON and LTSV
/// twins parse to `msec` (ms) and to the second.
#[test]
fn nginx_times_match_msec() {
    let Some(dir) = corpora() else { return };
    let truth: Vec<i64> = lines(&dir, "real/nginx/access.jsonl")
        .iter()
        .map(|l| (json(l)["msec"].as_f64().unwrap() * 1000.0).round() as i64 * 1000)
        .collect();
    for (rel, exact) in [
        ("real/nginx/access.log", false),
        ("real/nginx/access.ltsv", false),
        ("real/nginx/access.jsonl", true),
    ] {
        let ls = lines(&dir, rel);
        let f = Format::by_name(&detected(&ls).unwrap(), &[]).unwrap();
        let (st, _) = starts(&f, &ls, "America/New_York");
        assert_eq!(st.len(), truth.len(), "{rel}");
        for ((i, p), t) in st.iter().zip(truth.iter()) {
            let want = if exact {
                *t
            } else {
                t - t.rem_euclid(1_000_000)
            };
            assert_eq!(format_utc(p.ts), format_utc(want), "{rel} line {}", i + 1);
        }
    }
}

/// Python logging: one event per record (tracebacks are continuations), levels as logged.
#[test]
fn python_records_match() {
    let Some(dir) = corpora() else { return };
    let truth: Vec<serde_json::Value> = lines(&dir, "real/ground_truth/python_records.jsonl")
        .iter()
        .map(|l| json(l))
        .collect();
    for rel in ["real/python/app.log", "real/python/app.bracketed.log"] {
        let ls = lines(&dir, rel);
        let f = Format::by_name(&detected(&ls).unwrap(), &[]).unwrap();
        let (st, bad) = starts(&f, &ls, "Europe/Berlin");
        assert_eq!((st.len(), bad), (truth.len(), 0), "{rel}");
        for ((i, p), j) in st.iter().zip(truth.iter()) {
            assert_eq!(
                p.level,
                Level::parse(j["level"].as_str().unwrap()),
                "{rel} line {}",
                i + 1
            );
            let approx = (j["epoch_approx"].as_f64().unwrap() * 1e6) as i64;
            assert!(
                (p.ts - approx).abs() < 2_000,
                "{rel} line {}: {} vs {}",
                i + 1,
                p.ts,
                approx
            );
            let first = j["msg"].as_str().unwrap().lines().next().unwrap();
            assert!(
                p.message.ends_with(first),
                "{rel} line {}: {}",
                i + 1,
                p.message
            );
        }
    }
}

/// Every event start of every corpus file carries the span of its timestamp text: in bounds,
/// on char boundaries, and holding the stamp's digits (so leaving it out of the full-text index
/// drops the time and nothing else of note).
#[test]
fn every_start_has_a_time_span() {
    let Some(dir) = corpora() else { return };
    let mut files = Vec::new();
    for entry in walk(&dir) {
        let rel = entry
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if rel.ends_with(".csv") || rel.ends_with(".md") || rel.contains("ground_truth") {
            continue;
        }
        files.push(rel);
    }
    files.sort();
    let mut checked = 0;
    for rel in files {
        let ls = lines(&dir, &rel);
        let Some(name) = detected(&ls) else { continue };
        let f = Format::by_name(&name, &[]).unwrap();
        let (st, _) = starts(&f, &ls, "UTC");
        for (i, p) in &st {
            let line = &ls[*i];
            let (a, b) = p
                .time_span
                .unwrap_or_else(|| panic!("{rel} line {}: no span: {line:?}", i + 1));
            let text = line
                .get(a..b)
                .unwrap_or_else(|| panic!("{rel} line {}: bad span {a}..{b}", i + 1));
            assert!(
                text.bytes().filter(u8::is_ascii_digit).count() >= 4,
                "{rel} line {}: span {text:?}",
                i + 1
            );
        }
        checked += st.len();
    }
    assert!(checked > 10_000, "only {checked} events checked");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
