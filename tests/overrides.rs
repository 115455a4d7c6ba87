//! A changed format or zone override re-reads an indexed file once, from its start, with the
//! new parser: the counts stay, the times move by the zone's offset, nothing is duplicated.

mod common;

use common::{count, stdout, tl};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use timberline::config::Config;
use timberline::engine::{Engine, OpenOptions, Request};
use timberline::index::update::Quiet;

const SYSLOG_LINES: usize = 40;
const JSON_LINES: usize = 25;

/// A zone-less syslog file and a JSON file.
fn logs(dir: &Path) {
    let syslog: String = (0..SYSLOG_LINES)
        .map(|i| {
            format!(
                "Oct  5 02:{:02}:{:02} web01 sshd[7]: syslog line {i}\n",
                i / 60,
                i % 60
            )
        })
        .collect();
    fs::write(dir.join("sys.log"), syslog).unwrap();
    let json: String = (0..JSON_LINES)
        .map(|i| {
            format!(
                "{{\"ts\":\"2026-10-05T03:00:{:02}Z\",\"level\":\"info\",\"msg\":\"json line {i}\"}}\n",
                i % 60
            )
        })
        .collect();
    fs::write(dir.join("app.log"), json).unwrap();
}

/// Event text → time (µs) of the events of `file`, from `search --format jsonl`.
fn times(idx: &Path, config: &Path, logs: &Path, file: &str) -> BTreeMap<String, i64> {
    let out = stdout(
        tl(idx, config)
            .args(["search", "--format", "jsonl"])
            .arg(logs),
    );
    out.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["source"].as_str().unwrap().ends_with(file))
        .map(|v| {
            let ts = chrono::DateTime::parse_from_rfc3339(v["ts"].as_str().unwrap()).unwrap();
            (
                v["text"].as_str().unwrap().to_string(),
                ts.timestamp_micros(),
            )
        })
        .collect()
}

/// `(new events, events in the index)` from `timberline index`.
fn index(idx: &Path, config: &Path, logs: &Path) -> (u64, u64) {
    let out = stdout(tl(idx, config).arg("index").arg(logs));
    let num = |before: &str| -> u64 {
        let at = out.find(before).unwrap_or_else(|| panic!("{out}"));
        let digits: String = out[..at]
            .chars()
            .rev()
            .skip_while(|c| *c == ' ' || *c == '(')
            .take_while(char::is_ascii_digit)
            .collect();
        digits.chars().rev().collect::<String>().parse().unwrap()
    };
    (num(" new events"), num(" in the index"))
}

const HOUR_US: i64 = 3_600_000_000;

#[test]
fn a_changed_override_rereads_the_file_once_with_the_new_parser() {
    let dir = tempfile::tempdir().unwrap();
    let logs_dir = dir.path().join("logs");
    fs::create_dir(&logs_dir).unwrap();
    logs(&logs_dir);
    let idx = dir.path().join("idx");
    let config = dir.path().join("config.toml");
    fs::write(
        &config,
        "[[source]]\npath = \"sys.log\"\ntimezone = \"UTC\"\n",
    )
    .unwrap();

    let total = (SYSLOG_LINES + JSON_LINES) as u64;
    assert_eq!(index(&idx, &config, &logs_dir), (total, total));
    let utc = times(&idx, &config, &logs_dir, "sys.log");
    assert_eq!(utc.len(), SYSLOG_LINES);
    let info = |idx: &Path, config: &Path| {
        count(
            tl(idx, config)
                .args(["search", "--count", "-q", "level:info"])
                .arg(&logs_dir),
        )
    };
    assert_eq!(info(&idx, &config), JSON_LINES as u64, "detected as JSON");

    // The syslog file moves to Tokyo; the JSON file is forced to plain text.
    fs::write(
        &config,
        "[[source]]\npath = \"sys.log\"\ntimezone = \"Asia/Tokyo\"\n\n\
         [[source]]\npath = \"app.log\"\nformat = \"text\"\n",
    )
    .unwrap();
    assert_eq!(
        index(&idx, &config, &logs_dir),
        (total, total),
        "both files read again, nothing doubled"
    );
    let tokyo = times(&idx, &config, &logs_dir, "sys.log");
    assert_eq!(tokyo.len(), SYSLOG_LINES);
    for (text, t) in &utc {
        assert_eq!(tokyo[text], t - 9 * HOUR_US, "{text}");
    }
    assert_eq!(info(&idx, &config), 0, "read as plain text: no levels");

    // Once only: the next run has nothing to do.
    assert_eq!(index(&idx, &config, &logs_dir), (0, total));

    // The overrides removed: detected again, local (UTC here) again.
    fs::write(&config, "# no overrides\n").unwrap();
    assert_eq!(index(&idx, &config, &logs_dir), (total, total));
    assert_eq!(times(&idx, &config, &logs_dir, "sys.log"), utc);
    assert_eq!(info(&idx, &config), JSON_LINES as u64);
}

#[test]
fn an_engine_given_a_new_config_rereads_on_refresh() {
    let dir = tempfile::tempdir().unwrap();
    let logs_dir = dir.path().join("logs");
    fs::create_dir(&logs_dir).unwrap();
    logs(&logs_dir);
    let parse = |text: &str| Config::parse(text, Path::new("c.toml")).unwrap();
    let opts = OpenOptions {
        paths: vec![logs_dir.clone()],
        index_dir: Some(dir.path().join("idx")),
        config: parse("[[source]]\npath = \"sys.log\"\ntimezone = \"UTC\"\n"),
    };
    let (mut engine, _) = Engine::open(opts, &Quiet).unwrap();
    let sys_times = |engine: &Engine| -> Vec<i64> {
        let req = Request {
            query: timberline::query::parse("\"syslog line\"").unwrap(),
            ..Request::default()
        };
        engine.search(&req).unwrap().iter().map(|h| h.ts).collect()
    };
    let before = sys_times(&engine);
    assert_eq!(before.len(), SYSLOG_LINES);
    let all = engine.count(&Request::default()).unwrap();

    engine.set_config(parse(
        "[[source]]\npath = \"sys.log\"\ntimezone = \"Asia/Tokyo\"\n",
    ));
    let summary = engine.refresh(&Quiet).unwrap();
    assert_eq!(summary.reread.len(), 1, "only the syslog file");
    assert_eq!(summary.events, SYSLOG_LINES as u64);
    assert_eq!(engine.count(&Request::default()).unwrap(), all);
    let after = sys_times(&engine);
    let shifted: Vec<i64> = before.iter().map(|t| t - 9 * HOUR_US).collect();
    assert_eq!(after, shifted);

    let again = engine.refresh(&Quiet).unwrap();
    assert!(again.reread.is_empty() && again.events == 0, "{again:?}");
}
