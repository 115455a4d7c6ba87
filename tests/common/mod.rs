//! Shared fixtures for the end-to-end tests: a generated corpus with planted facts, and the
//! `timberline` binary run with a private index folder.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use timberline::corpus::{CorpusSpec, Manifest, generate};

pub struct Corpus {
    pub dir: PathBuf,
    pub logs: PathBuf,
    pub config: PathBuf,
    pub manifest: Manifest,
}

/// A ~3 MB corpus generated once per test binary (read-only: tests that change files copy it).
pub fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| make_corpus(3 << 20, 11))
}

pub fn make_corpus(bytes: u64, seed: u64) -> Corpus {
    let dir = tempfile::tempdir().expect("tempdir").keep();
    let spec = CorpusSpec {
        seed,
        target_bytes: bytes,
        days: 3,
        ..CorpusSpec::default()
    };
    let manifest = generate(&spec, &dir).expect("generate corpus");
    let config = dir.join("config.toml");
    std::fs::write(&config, &manifest.config_toml).expect("write config");
    Corpus {
        logs: dir.join("logs"),
        config,
        dir,
        manifest,
    }
}

/// `timberline` with a fresh index folder and the corpus config, in UTC-agnostic form.
pub fn tl(index_dir: &Path, config: &Path) -> Command {
    let mut cmd = Command::cargo_bin("timberline").expect("binary");
    cmd.env("TIMBERLINE_INDEX_DIR", index_dir)
        .arg("--config")
        .arg(config)
        .env("TZ", "UTC");
    cmd
}

pub fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run");
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf8")
}

pub fn count(cmd: &mut Command) -> u64 {
    stdout(cmd).trim().parse().expect("a number")
}

/// Copies a folder tree (for tests that change files).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
            let mtime = std::fs::metadata(entry.path())
                .and_then(|m| m.modified())
                .expect("mtime");
            std::fs::File::options()
                .write(true)
                .open(&dest)
                .and_then(|f| f.set_modified(mtime))
                .expect("set mtime");
        }
    }
}

pub fn jsonl(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

/// Says why a test cannot run here. Under `.ci/run` (`TIMBERLINE_REQUIRE_ALL_TESTS=1`, set once
/// it has installed the tools) a skip is a failure, so CI never passes on tests that did not run.
pub fn skip(why: &str) {
    if std::env::var_os("TIMBERLINE_REQUIRE_ALL_TESTS").is_some_and(|v| v == "1") {
        panic!("cannot run under .ci/run: {why}");
    }
    eprintln!("skipped: {why}");
}
