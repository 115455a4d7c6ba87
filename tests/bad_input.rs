//! Bad input gets a message naming the file and what was done, and the rest is indexed.

mod common;

use common::stdout;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Output;

fn tl(idx: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("timberline").unwrap();
    cmd.env("TIMBERLINE_INDEX_DIR", idx)
        .env("TZ", "UTC")
        .env("HOME", idx);
    cmd
}

fn run(cmd: &mut assert_cmd::Command) -> (Output, String, String) {
    let out = cmd.output().unwrap();
    let so = String::from_utf8_lossy(&out.stdout).into_owned();
    let se = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, so, se)
}

const LINE: &str = "2026-10-05T02:00:00.000000+00:00 web01 app[1]: ";

#[test]
fn every_kind_of_bad_file_is_named_and_the_rest_is_indexed() {
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let d = logs.path();
    fs::write(d.join("good.log"), format!("{LINE}all good\n")).unwrap();
    fs::write(d.join("wtmp"), [0u8; 768]).unwrap();
    fs::write(d.join("photo.jpg"), b"\xff\xd8\xff\xe0\x00\x10JFIF\x00").unwrap();
    fs::write(
        d.join("latin1.log"),
        [LINE.as_bytes(), b"caf\xe9 au lait\n"].concat(),
    )
    .unwrap();
    fs::write(
        d.join("nul.log"),
        [LINE.as_bytes(), b"before\x00after\n"].concat(),
    )
    .unwrap();
    let mut huge = LINE.as_bytes().to_vec();
    huge.extend(std::iter::repeat_n(b'x', 10 << 20));
    huge.extend_from_slice(format!("\n{LINE}after the huge line\n").as_bytes());
    fs::write(d.join("huge.log"), huge).unwrap();
    fs::write(
        d.join("crlf.log"),
        format!("{LINE}windows one\r\n{LINE}windows two\r\n"),
    )
    .unwrap();
    fs::write(
        d.join("nofinal.log"),
        format!("{LINE}first\n{LINE}last without newline"),
    )
    .unwrap();
    fs::write(
        d.join("badtime.log"),
        "2026-10-05 02:00:00,000 INFO [a] 1: ok\n2026-13-45 25:61:00,000 ERROR [a] 1: bad clock\n",
    )
    .unwrap();
    // A gzip cut in the middle.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..2000 {
        writeln!(
            enc,
            "{LINE}compressed line {i} with some padding text to make it longer"
        )
        .unwrap();
    }
    let gz = enc.finish().unwrap();
    fs::write(d.join("cut.log.1.gz"), &gz[..gz.len() / 2]).unwrap();
    // An old rotation that was damaged (a just-written one would be taken as still being
    // compressed, and read on a later run).
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(d.join("cut.log.1.gz"))
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();

    let (out, so, se) = run(tl(idx.path()).arg("index").arg(d));
    assert!(out.status.success(), "{se}");
    for (file, words) in [
        ("wtmp", "binary file"),
        ("photo.jpg", "binary file (JPEG image); skipped"),
        ("latin1.log", "invalid UTF-8"),
        ("nul.log", "NUL bytes"),
        ("huge.log", "10.5 MB line"),
        ("badtime.log", "unreadable timestamp"),
        ("cut.log.1.gz", "damaged or truncated"),
    ] {
        assert!(
            se.lines().any(|l| l.contains(file) && l.contains(words)),
            "no note for {file} ({words}):\n{se}"
        );
    }
    assert!(so.contains("files"), "{so}");

    let search = |q: &str| {
        stdout(
            tl(idx.path())
                .args(["search", "--format", "jsonl", "-q", q])
                .arg(d),
        )
    };
    assert!(
        search("café").contains("caf\u{fffd} au lait") || search("caf").contains("\u{fffd}"),
        "lossy UTF-8 is indexed"
    );
    assert!(search("before").contains("before\\u0000after"));
    assert!(
        stdout(tl(idx.path()).args(["search", "-q", "before"]).arg(d)).contains("before\\0after"),
        "NUL escaped in text"
    );
    assert!(search("\"after the huge line\"").contains("huge.log"));
    let crlf = search("windows");
    assert_eq!(crlf.lines().count(), 2);
    assert!(!crlf.contains("\\r"), "{crlf}");
    assert!(search("\"last without newline\"").contains("nofinal.log"));
    assert!(
        search("\"bad clock\"").contains("INFO [a] 1: ok\\n2026-13-45"),
        "kept with the previous event"
    );
    let cut = stdout(
        tl(idx.path())
            .args(["search", "--count", "-q", "compressed"])
            .arg(d),
    );
    let n: u64 = cut.trim().parse().unwrap();
    assert!(
        n > 100 && n < 2000,
        "the readable part of the cut gzip is indexed: {n}"
    );
}

/// An index written by a version of timberline with another schema (one field fewer, as before
/// long integers had their columns) is rebuilt, with a message, and answers in full.
#[test]
fn an_index_of_another_version_is_rebuilt() {
    let logs = tempfile::tempdir().unwrap();
    fs::write(
        logs.path().join("a.log"),
        format!("{LINE}pid=48211 one\n{LINE}pid=48212 two\n"),
    )
    .unwrap();
    let idx = tempfile::tempdir().unwrap();
    stdout(tl(idx.path()).arg("index").arg(logs.path()));
    let meta_path = idx.path().join("meta.json");
    let mut meta: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&meta_path).unwrap()).unwrap();
    let schema = meta["schema"].as_array_mut().unwrap();
    let before = schema.len();
    schema.retain(|f| f["name"] != "num");
    assert_eq!(schema.len(), before - 1, "the schema has a `num` field");
    fs::write(&meta_path, serde_json::to_string(&meta).unwrap()).unwrap();
    let (out, so, se) = run(tl(idx.path())
        .args(["search", "--count", "-q", "pid:48211 OR two"])
        .arg(logs.path()));
    assert!(out.status.success(), "{se}");
    assert_eq!(so.trim(), "2");
    assert!(
        se.contains("another version") && se.contains("rebuilding it"),
        "{se}"
    );
}

#[test]
fn a_corrupt_index_is_rebuilt_and_a_foreign_folder_is_refused() {
    let logs = tempfile::tempdir().unwrap();
    fs::write(logs.path().join("a.log"), format!("{LINE}one\n{LINE}two\n")).unwrap();
    let idx = tempfile::tempdir().unwrap();
    stdout(tl(idx.path()).arg("index").arg(logs.path()));
    fs::write(idx.path().join("meta.json"), "{ not json").unwrap();
    let (out, so, se) = run(tl(idx.path()).args(["search", "--count"]).arg(logs.path()));
    assert!(out.status.success(), "{se}");
    assert_eq!(so.trim(), "2");
    assert!(
        se.contains("is unusable") && se.contains("rebuilding it"),
        "{se}"
    );

    let foreign = tempfile::tempdir().unwrap();
    fs::write(foreign.path().join("thesis.tex"), "precious").unwrap();
    let (out, _, se) = run(tl(foreign.path())
        .args(["search", "--count"])
        .arg(logs.path()));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        se.contains("is not a timberline index") && se.contains("refusing"),
        "{se}"
    );
    assert_eq!(
        fs::read_to_string(foreign.path().join("thesis.tex")).unwrap(),
        "precious"
    );
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

#[test]
fn permission_denied_is_named_and_skipped() {
    use std::os::unix::fs::PermissionsExt;
    let logs = tempfile::tempdir().unwrap();
    fs::set_permissions(logs.path(), fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(logs.path().join("open.log"), format!("{LINE}readable\n")).unwrap();
    let secret = logs.path().join("secret.log");
    fs::write(&secret, format!("{LINE}hidden\n")).unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o600)).unwrap();
    fs::set_permissions(
        logs.path().join("open.log"),
        fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let idx = tempfile::tempdir().unwrap();
    fs::set_permissions(idx.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("timberline");
    let mut cmd = if is_root() {
        // Root reads everything: run as nobody to see the denial a user sees.
        if Path::new("/usr/bin/setpriv").exists() {
            let mut c = std::process::Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(&bin);
            c
        } else {
            common::skip("running as root without setpriv");
            return;
        }
    } else {
        std::process::Command::new(&bin)
    };
    let out = cmd
        .env("TIMBERLINE_INDEX_DIR", idx.path().join("i"))
        .env("HOME", idx.path())
        .args(["search", "--count"])
        .arg(logs.path())
        .output()
        .unwrap();
    let se = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{se}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");
    assert!(
        se.contains("secret.log: permission denied; skipped"),
        "{se}"
    );
}

#[test]
fn a_full_disk_is_a_clear_error_and_the_index_stays_consistent() {
    if !is_root() {
        common::skip("mounting a small file system needs root");
        return;
    }
    let c = common::make_corpus(6 << 20, 3);
    let mnt = tempfile::tempdir().unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=600k", "tmpfs"])
        .arg(mnt.path())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        // A container without CAP_SYS_ADMIN: an environment limit, not a missing tool.
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(self.0).status();
        }
    }
    let _guard = Unmount(mnt.path());
    let idx = mnt.path().join("index");
    let tl = || {
        let mut cmd = assert_cmd::Command::cargo_bin("timberline").unwrap();
        cmd.env("TIMBERLINE_INDEX_DIR", &idx)
            .env("TIMBERLINE_COMMIT_BYTES", "300000")
            .arg("--config")
            .arg(&c.config);
        cmd
    };
    let out = tl().arg("index").arg(&c.logs).output().unwrap();
    let se = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{se}");
    assert!(
        se.contains("no space left") && se.contains(&idx.display().to_string()),
        "{se}"
    );
    assert!(!se.contains("killed"), "tantivy's words, not ours:\n{se}");
    assert_eq!(se.matches("no space left").count(), 1, "said once:\n{se}");
    // A search with the disk still full answers from the last commit, with a note.
    let out = tl()
        .args(["search", "--count"])
        .arg(&c.logs)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "search with the disk full: {err}");
    assert!(err.contains("no space left"), "{err}");
    let partial: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    assert!(partial < c.manifest.events, "{partial}");
    // Give it room: the next run resumes from the last commit and ends with exact counts.
    let grown = std::process::Command::new("mount")
        .args(["-o", "remount,size=200m"])
        .arg(mnt.path())
        .status()
        .is_ok_and(|s| s.success());
    assert!(grown);
    let n = common::count(tl().args(["search", "--count"]).arg(&c.logs));
    assert_eq!(n, c.manifest.events);
}
