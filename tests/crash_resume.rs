//! `kill -9` at any moment of indexing, then a rerun, gives exactly the counts of an
//! uninterrupted run: checkpoints are committed atomically with the documents.

mod common;

use common::{count, make_corpus};
use std::process::Command;
use std::time::Duration;

#[test]
fn kill_dash_nine_mid_index_then_rerun_gives_exact_counts() {
    let c = make_corpus(24 << 20, 5);
    let idx = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("timberline");
    let mut kills = 0;
    for delay_ms in [300u64, 900, 1500, 2500, 4000] {
        let mut child = Command::new(&bin)
            .arg("--config")
            .arg(&c.config)
            .arg("index")
            .arg(&c.logs)
            .env("TIMBERLINE_INDEX_DIR", idx.path())
            .env("TIMBERLINE_COMMIT_BYTES", "2000000")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();
    }
    assert!(
        kills >= 2,
        "indexing finished too fast to be interrupted ({kills} kills)"
    );
    let tl = || {
        let mut cmd = assert_cmd::Command::new(&bin);
        cmd.env("TIMBERLINE_INDEX_DIR", idx.path())
            .arg("--config")
            .arg(&c.config);
        cmd
    };
    let m = &c.manifest;
    assert_eq!(
        count(tl().args(["search", "--count"]).arg(&c.logs)),
        m.events
    );
    for (q, want) in [
        (&m.rare.query, m.rare.events),
        (&m.phrase.query, m.phrase.events),
        (&m.field.query, m.field.events),
    ] {
        assert_eq!(
            count(tl().args(["search", "--count", "-q", q]).arg(&c.logs)),
            want,
            "{q}"
        );
    }
}
