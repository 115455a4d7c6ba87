//! Messages stay short, said once, and say what to do: a corrupt `meta.json` is not dumped
//! whole, an I/O error is not repeated, another user's index says whose it is; a symlink out
//! of the log tree, a FIFO and a socket are skipped with a note naming them.

mod common;

use std::path::Path;
use std::process::Command;

const LINE: &str = "2026-10-05T02:00:00.000000+00:00 web01 app[1]: ";

fn tl(idx: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("timberline").unwrap();
    cmd.env("TIMBERLINE_INDEX_DIR", idx)
        .env("TZ", "UTC")
        .env("HOME", idx);
    cmd
}

fn stderr(cmd: &mut assert_cmd::Command) -> (bool, String) {
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_corrupt_meta_json_is_named_in_one_short_line() {
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    for i in 0..40 {
        std::fs::write(logs.path().join(format!("f{i}.log")), format!("{LINE}x\n")).unwrap();
    }
    let d = logs.path().to_str().unwrap();
    tl(idx.path()).args(["index", d]).assert().success();
    let meta = idx.path().join("meta.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    assert!(text.len() > 4000, "a meta.json worth cutting");
    std::fs::write(&meta, &text[..text.len() / 2]).unwrap();
    let (ok, err) = stderr(tl(idx.path()).args(["search", "--count", d]));
    assert!(ok, "{err}");
    let note = err
        .lines()
        .find(|l| l.contains("is unusable"))
        .unwrap_or_else(|| panic!("no note:\n{err}"));
    assert!(note.ends_with("rebuilding it"), "{note}");
    assert!(note.chars().count() < 400, "{} chars: {note}", note.len());
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn an_io_error_is_said_once() {
    let idx = tempfile::tempdir().unwrap();
    let missing = idx.path().join("none.toml");
    let (ok, err) = stderr(
        tl(idx.path())
            .arg("--config")
            .arg(&missing)
            .args(["search", "x"]),
    );
    assert!(!ok);
    assert_eq!(
        err,
        format!(
            "timberline: {}: No such file or directory (os error 2)\n",
            missing.display()
        )
    );
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

#[test]
fn another_users_index_says_whose_it_is() {
    if !is_root() || !Path::new("/usr/bin/setpriv").exists() {
        common::skip("needs root and setpriv to open root's index as nobody");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let top = tempfile::tempdir().unwrap();
    std::fs::set_permissions(top.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let logs = top.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    std::fs::set_permissions(&logs, std::fs::Permissions::from_mode(0o755)).unwrap();
    let log = logs.join("a.log");
    std::fs::write(&log, format!("{LINE}x\n")).unwrap();
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
    let idx = top.path().join("idx");
    tl(&idx).arg("index").arg(&logs).assert().success();
    for mode in [0o700, 0o755] {
        std::fs::set_permissions(&idx, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(assert_cmd::cargo::cargo_bin("timberline"))
            .env("TIMBERLINE_INDEX_DIR", &idx)
            .env("HOME", top.path())
            .args(["search", "--count"])
            .arg(&logs)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{mode:o}: {err}");
        assert!(
            err.contains(&format!(
                "{} is owned by root; run as that user or use --index-dir",
                idx.display()
            )),
            "{mode:o}: {err}"
        );
        assert!(!err.contains("): Operation not permitted"), "{err}");
        assert!(!err.contains("): Permission denied"), "{err}");
    }
}

#[test]
fn links_out_of_the_tree_fifos_and_sockets_are_skipped_with_a_note() {
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let d = logs.path();
    std::fs::write(d.join("app.log"), format!("{LINE}hello\n")).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", d.join("env.log")).unwrap();
    nix::unistd::mkfifo(&d.join("pipe.log"), nix::sys::stat::Mode::S_IRWXU).unwrap();
    let _sock = std::os::unix::net::UnixListener::bind(d.join("sock.log")).unwrap();
    let out = tl(idx.path())
        .env("TL_PLANTED_SECRET", "hunter2-in-the-environment")
        .args(["search", "-q", "hunter2"])
        .arg(d)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "",
        "the environment leaked"
    );
    assert!(
        err.contains("env.log: a symlink to /proc/")
            && err.contains("inside /proc: not followed; skipped"),
        "{err}"
    );
    assert!(
        err.contains("pipe.log: a named pipe (FIFO), not a file; skipped"),
        "{err}"
    );
    assert!(
        err.contains("sock.log: a socket, not a file; skipped"),
        "{err}"
    );
}
