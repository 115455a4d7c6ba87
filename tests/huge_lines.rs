//! Huge lines cost bounded memory: a 50 MB line, a 20 MB run of NUL bytes and a gzip whose
//! first line is 200 MB are indexed and printed in bounded memory, the printed event cut with
//! a marker saying how much was left out, and the lines after them are intact.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Command;

const LINE: &str = "2026-10-05T02:00:00.000000+00:00 web01 app[1]: ";

/// Runs timberline under `/usr/bin/time`; (stdout, stderr, peak RSS in MB), or `None` when
/// `/usr/bin/time` is missing.
fn measured(idx: &Path, args: &[&str]) -> Option<(Vec<u8>, String, u64)> {
    if !Path::new("/usr/bin/time").exists() {
        return None;
    }
    let out = Command::new("/usr/bin/time")
        .args(["-f", "peak-rss-kb %M"])
        .arg(assert_cmd::cargo::cargo_bin("timberline"))
        .args(args)
        .env("TIMBERLINE_INDEX_DIR", idx)
        .env("TZ", "UTC")
        .env("HOME", idx)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?}: {err}");
    let kb: u64 = err
        .lines()
        .find_map(|l| l.strip_prefix("peak-rss-kb "))
        .and_then(|v| v.trim().parse().ok())
        .expect("peak RSS");
    Some((out.stdout, err, kb / 1024))
}

fn huge_logs(dir: &Path) {
    let mut big = LINE.as_bytes().to_vec();
    big.extend(std::iter::repeat_n(b'x', 50 << 20));
    big.extend_from_slice(format!("\n{LINE}after the huge line\n").as_bytes());
    std::fs::write(dir.join("big.log"), big).unwrap();
    // Text first: a file whose first 8 KB are mostly NUL is taken for binary.
    let mut nul = format!("{LINE}before the NULs\n").repeat(200).into_bytes();
    nul.extend_from_slice(LINE.as_bytes());
    nul.extend(std::iter::repeat_n(0u8, 20 << 20));
    nul.extend_from_slice(format!("\n{LINE}after the NULs\n").as_bytes());
    std::fs::write(dir.join("nul.log"), nul).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(LINE.as_bytes()).unwrap();
    let chunk = vec![b'y'; 1 << 20];
    for _ in 0..200 {
        gz.write_all(&chunk).unwrap();
    }
    writeln!(gz, "\n{LINE}after the compressed huge line").unwrap();
    std::fs::write(dir.join("big.log.1.gz"), gz.finish().unwrap()).unwrap();
    // An old rotation (a new one may still be being compressed, and waits).
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(dir.join("big.log.1.gz"))
        .and_then(|f| f.set_modified(old))
        .unwrap();
}

#[test]
fn huge_lines_are_indexed_and_printed_in_bounded_memory() {
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    huge_logs(logs.path());
    let d = logs.path().to_str().unwrap();
    let Some((_, err, index_mb)) = measured(idx.path(), &["index", d]) else {
        common::skip("/usr/bin/time is not installed");
        return;
    };
    assert!(err.contains("big.log:1: a 52.4 MB line"), "{err}");
    let (out, _, search_mb) = measured(idx.path(), &["search", d]).unwrap();
    let text = String::from_utf8_lossy(&out);
    eprintln!(
        "peak RSS: index {index_mb} MB, search {search_mb} MB, output {} bytes",
        out.len()
    );
    assert!(out.len() < 8 << 20, "printed {} bytes", out.len());
    for after in [
        "after the huge line",
        "after the NULs",
        "after the compressed huge line",
        "before the NULs",
    ] {
        assert!(text.contains(after), "{after} missing");
    }
    let cut: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("more bytes not shown]"))
        .collect();
    assert_eq!(cut.len(), 3, "three events cut");
    assert!(
        cut.iter().any(|l| l.ends_with(&format!(
            "… [{} more bytes not shown]",
            // The event's bytes in the file (its newline included) past the first MiB.
            LINE.len() + (50 << 20) + 1 - (1 << 20)
        ))),
        "{}",
        cut.iter()
            .map(|l| &l[l.len().saturating_sub(60)..])
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(index_mb < 250, "index peak RSS {index_mb} MB");
    assert!(search_mb < 150, "search peak RSS {search_mb} MB");
    let (out, _, count_mb) =
        measured(idx.path(), &["search", "--count", "-q", "/y{10}z/", d]).unwrap();
    assert_eq!(String::from_utf8_lossy(&out).trim(), "0");
    assert!(count_mb < 150, "regex peak RSS {count_mb} MB");
}
