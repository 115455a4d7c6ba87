//! `timberline seal` and `timberline verify` through the real binary, with real `logrotate`
//! rotating in every mode (create, copytruncate, compress, delaycompress, dateext): seals
//! before and after rotations verify (ok, appended, rotated, expired, live), then each kind
//! of tampering, planted one at a time and undone, gets its verdict and exit bit. No index
//! is made or needed.

mod common;

use serde_json::Value;
use std::fs;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BLOCK: u64 = 64 * 1024;

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {cmd}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

struct Logs {
    work: tempfile::TempDir,
    /// Canonical, as the manifest names files.
    dir: PathBuf,
    manifest: PathBuf,
    conf: PathBuf,
    seq: usize,
}

impl Logs {
    fn new() -> Logs {
        let work = tempfile::tempdir().unwrap();
        fs::set_permissions(work.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let dir = work.path().join("logs");
        fs::create_dir(&dir).unwrap();
        let dir = dir.canonicalize().unwrap();
        fs::create_dir(work.path().join("seals")).unwrap();
        let manifest = work.path().join("seals/seals.jsonl");
        let conf = work.path().join("logrotate.conf");
        let l = dir.display();
        fs::write(
            &conf,
            format!(
                "{l}/create.log {{\n  create\n  rotate 3\n}}\n\
                 {l}/copy.log {{\n  copytruncate\n  rotate 3\n}}\n\
                 {l}/comp.log {{\n  create\n  compress\n  rotate 3\n}}\n\
                 {l}/delay.log {{\n  create\n  compress\n  delaycompress\n  rotate 3\n}}\n\
                 {l}/date.log {{\n  create\n  dateext\n  dateformat -%s\n  rotate 3\n}}\n"
            ),
        )
        .unwrap();
        Logs {
            work,
            dir,
            manifest,
            conf,
            seq: 0,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Appends `n` lines of about 70 bytes.
    fn write(&mut self, name: &str, n: usize) {
        let mut f = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.path(name))
            .unwrap();
        let mut text = String::new();
        for _ in 0..n {
            self.seq += 1;
            text.push_str(&format!(
                "2026-10-01T00:00:00.000Z host app[1]: seq={:08} {name} some words\n",
                self.seq
            ));
        }
        f.write_all(text.as_bytes()).unwrap();
    }

    /// Enough lines that every rotated file has more than one 64 KiB block.
    fn write_all(&mut self) {
        for name in [
            "create.log",
            "copy.log",
            "comp.log",
            "delay.log",
            "date.log",
            "plain.log",
        ] {
            self.write(name, 1500);
        }
    }

    fn logrotate(&self) {
        let out = Command::new("logrotate")
            .arg("-f")
            .arg("-s")
            .arg(self.work.path().join("logrotate.state"))
            .arg(&self.conf)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "logrotate: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // dateext names are in seconds: the next rotation must get another name.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }

    fn tl(&self) -> Command {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("timberline"));
        let home = self.work.path().join("home");
        cmd.env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("TIMBERLINE_INDEX_DIR", self.work.path().join("index"));
        cmd
    }

    fn seal(&self) -> String {
        let out = self
            .tl()
            .arg("seal")
            .arg(&self.dir)
            .arg("--manifest")
            .arg(&self.manifest)
            .arg("--print")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let root = String::from_utf8(out.stdout).unwrap().trim().to_string();
        assert!(
            root.len() == 64 && root.bytes().all(|b| b.is_ascii_hexdigit()),
            "{root:?}"
        );
        root
    }

    fn verify_with(&self, extra: &[&str]) -> Output {
        self.tl()
            .arg("verify")
            .arg(&self.dir)
            .arg("--manifest")
            .arg(&self.manifest)
            .args(extra)
            .output()
            .unwrap()
    }

    /// The JSON report and the exit status.
    fn verify(&self) -> (Value, i32) {
        let out = self.verify_with(&["--format", "json"]);
        let text = String::from_utf8(out.stdout).unwrap();
        let v: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{e}: {text}\n{}", String::from_utf8_lossy(&out.stderr)));
        let code = out.status.code().unwrap();
        assert_eq!(v["exit"], code, "{v:#}");
        (v, code)
    }
}

/// The entry of the file sealed as (or, if not sealed, now at) `name`.
fn entry<'a>(report: &'a Value, logs: &Logs, name: &str) -> &'a Value {
    let p = logs.path(name).display().to_string();
    let files = report["files"].as_array().unwrap();
    files
        .iter()
        .find(|f| f["sealed"] == p.as_str())
        .or_else(|| {
            files
                .iter()
                .find(|f| f["sealed"].is_null() && f["path"] == p.as_str())
        })
        .unwrap_or_else(|| panic!("{name} not in {report:#}"))
}

fn verdict(report: &Value, logs: &Logs, name: &str) -> String {
    entry(report, logs, name)["verdict"]
        .as_str()
        .unwrap()
        .to_string()
}

fn gunzip(path: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(fs::File::open(path).unwrap())
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The block start holding byte `at`, and the line it is on.
fn block_of(content: &[u8], at: usize) -> (u64, u64) {
    let start = at as u64 / BLOCK * BLOCK;
    let line = content[..start as usize]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1;
    (start, line)
}

fn dated(logs: &Logs) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(&logs.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("date.log-"))
        .collect();
    names.sort();
    names
}

#[test]
fn seal_and_verify_through_real_logrotate_then_each_tampering() {
    if !have("logrotate") {
        common::skip("logrotate is not installed (.ci/run installs it)");
        return;
    }
    let mut logs = Logs::new();
    fs::write(logs.path("empty.log"), b"").unwrap();
    logs.write("untouched.log", 10);
    // Full families: the live file and three rotated ones each.
    for _ in 0..3 {
        logs.write_all();
        logs.logrotate();
    }
    logs.write_all();
    let first = logs.seal();
    logs.write_all();
    logs.logrotate();
    logs.write_all();
    let second = logs.seal();

    // The manifest: two records, chained.
    let text = fs::read_to_string(&logs.manifest).unwrap();
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["prev"], Value::Null);
    assert_eq!(records[0]["hash"], first.as_str());
    assert_eq!(records[1]["prev"], first.as_str());
    assert_eq!(records[1]["hash"], second.as_str());

    // Right after a seal everything is as sealed.
    let (report, code) = logs.verify();
    assert_eq!(code, 0, "{report:#}");
    for f in report["files"].as_array().unwrap() {
        assert_eq!(f["verdict"], "ok", "{f}");
    }

    // More lines, a rotation in every mode, more lines: all of it verifies.
    logs.write_all();
    let before = dated(&logs);
    logs.logrotate();
    logs.write_all();
    let (report, code) = logs.verify();
    assert_eq!(code, 0, "{report:#}");
    for f in report["files"].as_array().unwrap() {
        let v = f["verdict"].as_str().unwrap();
        assert!(
            ["ok", "appended", "rotated", "expired", "live", "empty"].contains(&v),
            "{f}"
        );
    }
    for (sealed, now) in [
        ("create.log", "create.log.1"),
        ("create.log.1", "create.log.2"),
        ("copy.log", "copy.log.1"),
        ("copy.log.2", "copy.log.3"),
        ("comp.log", "comp.log.1.gz"),
        ("comp.log.1.gz", "comp.log.2.gz"),
        ("delay.log", "delay.log.1"),
        ("delay.log.1", "delay.log.2.gz"),
        ("delay.log.2.gz", "delay.log.3.gz"),
    ] {
        let e = entry(&report, &logs, sealed);
        assert_eq!(e["verdict"], "rotated", "{sealed}: {e}");
        assert_eq!(e["path"], logs.path(now).display().to_string(), "{sealed}");
    }
    // Lines written after the seal and before the rotation went with the file.
    assert!(
        entry(&report, &logs, "create.log")["appended"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(
        entry(&report, &logs, "copy.log")["appended"]
            .as_u64()
            .unwrap()
            > 0
    );
    for oldest in [
        "create.log.3",
        "copy.log.3",
        "comp.log.3.gz",
        "delay.log.3.gz",
    ] {
        assert_eq!(verdict(&report, &logs, oldest), "expired", "{oldest}");
    }
    // dateext: the oldest dated file went, the live file got today's name.
    let after = dated(&logs);
    assert_eq!(verdict(&report, &logs, &before[0]), "expired");
    let newest = after.last().unwrap();
    assert!(!before.contains(newest));
    let e = entry(&report, &logs, "date.log");
    assert_eq!(e["verdict"], "rotated");
    assert_eq!(e["path"], logs.path(newest).display().to_string());
    assert_eq!(verdict(&report, &logs, &before[1]), "ok");
    for live in [
        "create.log",
        "copy.log",
        "comp.log",
        "delay.log",
        "date.log",
    ] {
        let e = report["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["sealed"].is_null() && f["path"] == logs.path(live).display().to_string())
            .unwrap_or_else(|| panic!("{live}"));
        assert_eq!(e["verdict"], "live", "{live}");
    }
    assert_eq!(verdict(&report, &logs, "plain.log"), "appended");
    assert_eq!(verdict(&report, &logs, "untouched.log"), "ok");
    assert_eq!(verdict(&report, &logs, "empty.log"), "ok");
    assert_eq!(report["chain"]["intact"], true);
    assert_eq!(report["chain"]["seals"], 2);
    assert_eq!(report["chain"]["root"], second.as_str());
    // The first root, mailed away, is still in the chain.
    let out = logs.verify_with(&["--root", &first]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("chain ok: 2 seals"), "{text}");
    assert!(text.contains("all verify; exit status 0"), "{text}");
    // No index was made.
    assert!(!logs.work.path().join("index").exists());
    assert!(!logs.work.path().join("home").exists());

    // 1. A byte changed in create.log.1 (the sealed create.log, renamed), in its second block.
    let x1 = logs.path("create.log.1");
    let content = fs::read(&x1).unwrap();
    let at = 70_000;
    assert_ne!(content[at], b'\n');
    let mut f = fs::OpenOptions::new().write(true).open(&x1).unwrap();
    f.seek(SeekFrom::Start(at as u64)).unwrap();
    f.write_all(b"#").unwrap();
    let (report, code) = logs.verify();
    assert_eq!(code, 16 | 4, "{report:#}");
    let e = entry(&report, &logs, "create.log");
    assert_eq!(e["verdict"], "changed", "{e}");
    assert_eq!(e["path"], x1.display().to_string());
    let (offset, line) = block_of(&content, at);
    assert_eq!(
        (e["offset"].as_u64(), e["line"].as_u64()),
        (Some(offset), Some(line))
    );
    let changed_line = content[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    assert!(line <= changed_line && offset > 0);
    f.seek(SeekFrom::Start(at as u64)).unwrap();
    f.write_all(&content[at..=at]).unwrap();
    drop(f);

    // 2. A line removed from inside delay.log.2.gz, recompressed.
    let gz = logs.path("delay.log.2.gz");
    let original = fs::read(&gz).unwrap();
    let text = gunzip(&gz);
    let cut = text[80_000..].iter().position(|&b| b == b'\n').unwrap() + 80_001;
    let end = cut + text[cut..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let tampered = [&text[..cut], &text[end..]].concat();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&tampered).unwrap();
    fs::write(&gz, enc.finish().unwrap()).unwrap();
    let (report, code) = logs.verify();
    assert_eq!(code, 16 | 4, "{report:#}");
    let e = entry(&report, &logs, "delay.log.1");
    assert_eq!(e["verdict"], "changed", "{e}");
    assert_eq!(e["path"], gz.display().to_string());
    let first_diff = (0..).find(|&i| text[i] != tampered[i]).unwrap();
    let (offset, line) = block_of(&text, first_diff);
    assert_eq!(
        (e["offset"].as_u64(), e["line"].as_u64()),
        (Some(offset), Some(line))
    );
    fs::write(&gz, &original).unwrap();

    // 3. A middle member deleted: missing, not expired (the oldest still expired).
    let middle = logs.path("comp.log.2.gz");
    let aside = logs.work.path().join("aside.gz");
    fs::rename(&middle, &aside).unwrap();
    let (report, code) = logs.verify();
    assert_eq!(code, 16 | 2, "{report:#}");
    let e = entry(&report, &logs, "comp.log.1.gz");
    assert_eq!(e["verdict"], "missing", "{e}");
    assert_eq!(e["path"], Value::Null);
    assert_eq!(verdict(&report, &logs, "comp.log.3.gz"), "expired");
    fs::rename(&aside, &middle).unwrap();

    // 4. A file truncated below what was sealed of it: copy.log.1 holds the sealed copy.log.
    let copy = logs.path("copy.log.1");
    let content = fs::read(&copy).unwrap();
    let sealed_len = records[1]["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == logs.path("copy.log").display().to_string())
        .unwrap()["len"]
        .as_u64()
        .unwrap();
    let f = fs::OpenOptions::new().write(true).open(&copy).unwrap();
    f.set_len(sealed_len - 100).unwrap();
    let (report, code) = logs.verify();
    assert_eq!(code, 16 | 8, "{report:#}");
    let e = entry(&report, &logs, "copy.log");
    assert_eq!(e["verdict"], "shrunk", "{e}");
    assert_eq!(e["path"], copy.display().to_string());
    assert_eq!(e["len"].as_u64(), Some(sealed_len - 100));
    assert_eq!(e["sealed_len"].as_u64(), Some(sealed_len));
    drop(f);
    fs::write(&copy, &content).unwrap();

    // 5. A new file, its name holding an escape sequence: new, and shown escaped.
    let planted = logs.path("planted\x1b[2J.log");
    fs::write(&planted, "2026-10-01T00:00:00.000Z host sshd[1]: forged\n").unwrap();
    let (report, code) = logs.verify();
    assert_eq!(code, 16 | 1, "{report:#}");
    assert_eq!(verdict(&report, &logs, "planted\x1b[2J.log"), "new");
    let out = logs.verify_with(&[]);
    assert_eq!(out.status.code(), Some(17));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'), "{text:?}");
    assert!(
        text.contains("new        ") && text.contains("planted\\x1b[2J.log: not in the seal"),
        "{text}"
    );
    assert!(text.contains("1 new; exit status 17"), "{text}");
    fs::remove_file(&planted).unwrap();

    // 6. A record of the manifest edited: the chain is broken (bit 32); files still verify.
    let manifest = fs::read_to_string(&logs.manifest).unwrap();
    let edited = manifest.replacen("\"at\":\"2", "\"at\":\"1", 1);
    assert_ne!(edited, manifest);
    fs::write(&logs.manifest, &edited).unwrap();
    let (report, code) = logs.verify();
    assert_eq!(code, 16 | 32, "{report:#}");
    assert_eq!(report["chain"]["intact"], false);
    assert_eq!(report["chain"]["problems"][0]["line"], 1);
    let out = logs.verify_with(&[]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("chain broken: line 1: its hash does not match"),
        "{text}"
    );
    // A seal on top of it is refused, and the manifest left as it was.
    let out = logs
        .tl()
        .arg("seal")
        .arg(&logs.dir)
        .arg("--manifest")
        .arg(&logs.manifest)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("its chain is broken (line 1:"), "{err}");
    assert_eq!(fs::read_to_string(&logs.manifest).unwrap(), edited);
    fs::write(&logs.manifest, &manifest).unwrap();
    // The last record cut away: only the mailed root tells.
    let first_line = manifest.lines().next().unwrap().to_string() + "\n";
    fs::write(&logs.manifest, &first_line).unwrap();
    let out = logs.verify_with(&["--root", &second]);
    assert_eq!(out.status.code().map(|c| c & 32), Some(32));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("no record has the root"), "{text}");
    fs::write(&logs.manifest, &manifest).unwrap();

    // Everything undone: it all verifies again, also as another user with read access only.
    fs::set_permissions(&logs.manifest, fs::Permissions::from_mode(0o644)).unwrap();
    let (report, code) = logs.verify();
    assert_eq!(code, 0, "{report:#}");
    if nix::unistd::Uid::effective().is_root() {
        if !Path::new("/usr/bin/setpriv").exists() {
            common::skip("running as root without setpriv");
            return;
        }
        let out = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(assert_cmd::cargo::cargo_bin("timberline"))
            .env("HOME", "/nonexistent")
            .arg("verify")
            .arg(&logs.dir)
            .arg("--manifest")
            .arg(&logs.manifest)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_manifest_is_never_kept_inside_the_sealed_folders() {
    let work = tempfile::tempdir().unwrap();
    let logs = work.path().join("logs");
    fs::create_dir_all(logs.join("nginx")).unwrap();
    fs::write(logs.join("syslog"), "a line\n").unwrap();
    let inside = logs.join("nginx/seals.jsonl");
    let out = Command::new(assert_cmd::cargo::cargo_bin("timberline"))
        .arg("seal")
        .arg(&logs)
        .arg("--manifest")
        .arg(&inside)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is inside") && err.contains("keep it apart from the logs"),
        "{err}"
    );
    assert!(!inside.exists());
    // Outside: sealed, with a summary when --print is not given.
    let outside = work.path().join("seals.jsonl");
    let out = Command::new(assert_cmd::cargo::cargo_bin("timberline"))
        .arg("seal")
        .arg(&logs)
        .arg("--manifest")
        .arg(&outside)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("sealed 1 file (7 bytes of content) in "),
        "{text}"
    );
    // verify with no manifest: a failure (1), not a verdict.
    let out = Command::new(assert_cmd::cargo::cargo_bin("timberline"))
        .arg("verify")
        .arg(&logs)
        .arg("--manifest")
        .arg(work.path().join("none.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("none.jsonl: no such file"));
}
