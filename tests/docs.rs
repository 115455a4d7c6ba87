//! What the binary says about itself: `--version` with its commit, shell completions that the
//! shells accept, man pages that hold every subcommand. Made from the clap definitions, so
//! they need no config: a broken config file does not stop them.

use std::process::Command;

fn tl() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("timberline"));
    // A config that does not parse: these commands must not read it.
    cmd.env("XDG_CONFIG_HOME", "/nonexistent")
        .arg("--config")
        .arg("/nonexistent/config.toml");
    cmd
}

fn out(args: &[&str]) -> String {
    let out = tl().args(args).output().expect("run");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn version_names_the_commit() {
    let v = out(&["--version"]);
    let v = v.trim();
    let rest = v
        .strip_prefix(&format!(
            "timberline {} (commit ",
            env!("CARGO_PKG_VERSION")
        ))
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{v:?}"));
    let hash = rest.len() >= 7 && rest.chars().all(|c| c.is_ascii_hexdigit());
    assert!(hash || rest == "unknown", "{v:?}");
}

/// Runs `shell` with `check` on the script, when that shell is installed.
fn check_with(shell: &str, check: &[&str], script: &str) -> bool {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("timberline.completion");
    std::fs::write(&file, script).expect("write");
    let Ok(res) = Command::new(shell).args(check).arg(&file).output() else {
        return false; // not installed
    };
    assert!(
        res.status.success(),
        "{shell} rejects the script: {}",
        String::from_utf8_lossy(&res.stderr)
    );
    true
}

#[test]
fn completions_parse_in_their_shells() {
    let bash = out(&["completions", "bash"]);
    assert!(bash.contains("complete -F _timberline"), "{bash:.300}");
    assert!(bash.contains("histogram") && bash.contains("--since"));
    assert!(check_with("bash", &["-n"], &bash), "bash is needed here");
    let zsh = out(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef timberline"), "{zsh:.100}");
    check_with("zsh", &["-n"], &zsh);
    let fish = out(&["completions", "fish"]);
    assert!(fish.contains("complete -c timberline"), "{fish:.200}");
    check_with("fish", &["--no-execute"], &fish);
    // Bash completes the subcommands and, after `search`, its options.
    let words = |line: &str, cword: usize| -> String {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.bash");
        std::fs::write(
            &f,
            format!(
                "{bash}\nCOMP_WORDS=({line})\nCOMP_CWORD={cword}\n_timberline timberline\necho \"${{COMPREPLY[*]}}\"\n"
            ),
        )
        .unwrap();
        let res = Command::new("bash").arg(&f).output().unwrap();
        String::from_utf8_lossy(&res.stdout).into_owned()
    };
    let subs = words("timberline hist", 1);
    assert!(subs.contains("histogram"), "{subs:?}");
    let opts = words("timberline search --li", 2);
    assert!(opts.contains("--limit"), "{opts:?}");
}

#[test]
fn the_man_pages_hold_every_subcommand() {
    let page = out(&["man"]);
    assert!(page.contains(".TH timberline 1"), "{page:.300}");
    assert!(page.contains("TIMBERLINE_INDEX_DIR"), "env shown: {page}");
    for sub in [
        "index",
        "search",
        "histogram",
        "tail",
        "seal",
        "verify",
        "check",
        "watch",
        "explain",
        "completions",
        "man",
    ] {
        assert!(
            page.contains(&format!("timberline\\-{sub}(1)")),
            "{sub} missing"
        );
        let own = out(&["man", sub]);
        assert!(
            own.contains(&format!(".TH timberline-{sub} 1")),
            "{sub}: {own:.300}"
        );
        assert!(own.contains(env!("CARGO_PKG_VERSION")), "{sub}: {own:.300}");
    }
    assert!(out(&["man", "histogram"]).contains("\\-\\-bucket"));
    let bad = tl().args(["man", "serach"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no command named \"serach\""));
}
