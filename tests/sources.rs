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

/// Set in the copy of [`the_sources_pane_lists_what_the_index_left_out`] run as nobody.
const PANE_DIR: &str = "TIMBERLINE_TEST_PANE_DIR";

/// Through the engine: every file under the root is in the span, the readable log indexed,
/// the binary file and the mode-000 one left out with their state. Root reads a mode-000
/// file, so as root the test runs itself again as nobody (`setpriv`), or, without it, leaves
/// the unreadable file out of what it checks.
#[test]
fn the_sources_pane_lists_what_the_index_left_out() {
    use std::os::unix::fs::PermissionsExt;
    use timberline::app::LogSource;
    use timberline::app::source_rows::FileState;
    let (_keep, dir) = match std::env::var_os(PANE_DIR) {
        Some(d) => (None, std::path::PathBuf::from(d)),
        None => {
            let t = tempfile::tempdir().unwrap();
            fs::set_permissions(t.path(), fs::Permissions::from_mode(0o777)).unwrap();
            let d = t.path().to_path_buf();
            (Some(t), d)
        }
    };
    let logs = dir.join("logs");
    if std::env::var_os(PANE_DIR).is_none() {
        fs::create_dir(&logs).unwrap();
        fs::set_permissions(&logs, fs::Permissions::from_mode(0o755)).unwrap();
        fs::write(logs.join("app.log"), lines("readable", 5)).unwrap();
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend([0u8; 64]);
        fs::write(logs.join("image.log"), png).unwrap();
        fs::write(logs.join("secret.log"), lines("secret", 5)).unwrap();
        fs::set_permissions(logs.join("secret.log"), fs::Permissions::from_mode(0o000)).unwrap();
        for f in ["app.log", "image.log"] {
            fs::set_permissions(logs.join(f), fs::Permissions::from_mode(0o644)).unwrap();
        }
        let denied = fs::File::open(logs.join("secret.log")).is_err();
        if !denied && Path::new("/usr/bin/setpriv").exists() {
            // Root: the same test as nobody, on these files.
            let out = std::process::Command::new("setpriv")
                .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "the_sources_pane_lists_what_the_index_left_out",
                    "--nocapture",
                ])
                .env(PANE_DIR, &dir)
                .env("HOME", &dir)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{text}");
            assert!(text.contains("1 passed"), "{text}");
            assert!(text.contains("denied to nobody: checked"), "{text}");
            return;
        }
    }
    let denied = fs::File::open(logs.join("secret.log")).is_err();
    if !denied {
        common::skip("root reads a mode-000 file and setpriv is missing: not checking it");
    }
    let opts = timberline::engine::OpenOptions {
        paths: vec![logs.clone()],
        index_dir: Some(dir.join(format!("idx-{}", std::process::id()))),
        config: timberline::config::Config::default(),
    };
    let (engine, _) =
        timberline::engine::Engine::open(opts, &timberline::index::update::Quiet).unwrap();
    let span = engine.span();
    let mut s = timberline::app::AppState::new(160, 48);
    s.span = Some(span);
    let mut rows: Vec<(String, FileState)> = timberline::app::source_rows::rows(&s)
        .iter()
        .map(|r| {
            let name = r.path().rsplit('/').next().unwrap_or("").to_string();
            (name, r.state(&s))
        })
        .collect();
    // Read by root: indexed like any log.
    rows.retain(|(name, _)| denied || name != "secret.log");
    let mut want = vec![
        ("app.log".to_string(), FileState::Indexed),
        ("image.log".to_string(), FileState::Binary),
    ];
    if denied {
        want.push(("secret.log".to_string(), FileState::Unreadable));
        println!("denied to nobody: checked");
    }
    assert_eq!(rows, want);
}
