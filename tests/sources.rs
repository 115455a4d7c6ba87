//! Sources: every compression, and an index held by another writer.

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

fn lines(tag: &str, n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| {
            format!(
                "2026-10-05T02:00:{:02}.000Z host app[1]: {tag} line {i}\n",
                i % 60
            )
        })
        .collect::<String>()
        .into_bytes()
}

#[test]
fn gzip_bzip2_xz_and_zstd_are_read_by_their_bytes_not_their_names() {
    let logs = tempfile::tempdir().unwrap();
    let d = logs.path();
    let mut gz = flate2::write::GzEncoder::new(
        fs::File::create(d.join("a.log.1.gz")).unwrap(),
        flate2::Compression::fast(),
    );
    gz.write_all(&lines("gzipped", 10)).unwrap();
    gz.finish().unwrap();
    let mut bz = bzip2::write::BzEncoder::new(
        fs::File::create(d.join("b.log.2.bz2")).unwrap(),
        bzip2::Compression::fast(),
    );
    bz.write_all(&lines("bzipped", 11)).unwrap();
    bz.finish().unwrap();
    let mut xz = liblzma::write::XzEncoder::new(fs::File::create(d.join("c.log.xz")).unwrap(), 1);
    xz.write_all(&lines("xzipped", 12)).unwrap();
    xz.finish().unwrap();
    fs::write(
        d.join("d.log-20261005.zst"),
        zstd::encode_all(&lines("zstded", 13)[..], 3).unwrap(),
    )
    .unwrap();
    // A gzip file without the .gz name is still read as gzip.
    let mut gz = flate2::write::GzEncoder::new(
        fs::File::create(d.join("misnamed.log")).unwrap(),
        flate2::Compression::fast(),
    );
    gz.write_all(&lines("hidden", 14)).unwrap();
    gz.finish().unwrap();
    let idx = tempfile::tempdir().unwrap();
    for (tag, n) in [
        ("gzipped", 10),
        ("bzipped", 11),
        ("xzipped", 12),
        ("zstded", 13),
        ("hidden", 14),
    ] {
        assert_eq!(
            count(tl(idx.path()).args(["search", "--count", "-q", tag]).arg(d)),
            n,
            "{tag}"
        );
    }
    let out = stdout(
        tl(idx.path())
            .args(["search", "-q", "\"bzipped line 3\""])
            .arg(d),
    );
    assert!(
        out.contains("b.log.2.bz2:4 2026-10-05T02:00:03.000Z host app[1]: bzipped line 3"),
        "{out}"
    );
}

#[test]
fn a_search_while_another_process_holds_the_writer_answers_from_the_last_commit() {
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("a.log");
    fs::write(&log, lines("first", 5)).unwrap();
    let idx = tempfile::tempdir().unwrap();
    assert_eq!(
        count(tl(idx.path()).args(["search", "--count"]).arg(logs.path())),
        5
    );
    // Another writer takes the index's lock (as a TUI or `tail` would).
    let index = tantivy::Index::open_in_dir(idx.path()).unwrap();
    let writer: tantivy::IndexWriter = index.writer(50_000_000).unwrap();
    fs::OpenOptions::new()
        .append(true)
        .open(&log)
        .unwrap()
        .write_all(&lines("second", 3))
        .unwrap();
    let out = tl(idx.path())
        .args(["search", "--count"])
        .arg(logs.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "5");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("another timberline is updating the index")
    );
    drop(writer);
    assert_eq!(
        count(tl(idx.path()).args(["search", "--count"]).arg(logs.path())),
        8
    );
}
