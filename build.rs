//! Names the commit in `--version`: `TIMBERLINE_COMMIT` is the short hash of `HEAD`, or the
//! variable of the same name when the builder sets one (a distribution building from a
//! tarball), or `unknown` when neither git nor a `.git` is there (a crate tarball).
//! No `-dirty` mark: knowing it would mean running the script on every edit.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-env-changed=TIMBERLINE_COMMIT");
    let commit = match std::env::var("TIMBERLINE_COMMIT") {
        Ok(c) if !c.trim().is_empty() => c.trim().to_string(),
        _ => from_git().unwrap_or_else(|| "unknown".to_string()),
    };
    println!("cargo::rustc-env=TIMBERLINE_COMMIT={commit}");
}

/// Runs git in the package's folder; `None` when git is missing or this is no checkout.
fn git(args: &[&str]) -> Option<String> {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")?;
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn from_git() -> Option<String> {
    let hash = git(&["rev-parse", "--short", "HEAD"])?;
    watch_head();
    Some(hash)
}

/// Runs again when `HEAD` moves: a checkout (`HEAD`), a commit on the branch (its ref, loose
/// or packed). In a worktree `HEAD` is in its own git folder and the refs in the common one.
fn watch_head() {
    let absolute = |p: String| -> PathBuf {
        let p = PathBuf::from(p);
        match std::env::var_os("CARGO_MANIFEST_DIR") {
            Some(root) if p.is_relative() => Path::new(&root).join(p),
            _ => p,
        }
    };
    if let Some(dir) = git(&["rev-parse", "--git-dir"]).map(absolute) {
        println!("cargo::rerun-if-changed={}", dir.join("HEAD").display());
    }
    if let (Some(common), Some(name)) = (
        git(&["rev-parse", "--git-common-dir"]).map(absolute),
        git(&["symbolic-ref", "-q", "HEAD"]),
    ) {
        println!("cargo::rerun-if-changed={}", common.join(name).display());
        println!(
            "cargo::rerun-if-changed={}",
            common.join("packed-refs").display()
        );
    }
}
