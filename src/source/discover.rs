//! Turning the user's PATH arguments (files, folders, globs) into the list of log files,
//! skipping what cannot or should not be read, with one note each.

use super::compress::{Compression, content_prefix};
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// A readable file that looks like text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Discovered {
    /// Canonical path.
    pub path: PathBuf,
    pub compression: Option<Compression>,
}

/// A file passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}; skipped", self.path.display(), self.reason)
    }
}

/// Names that are binary by convention (login records, systemd journals, lastlog).
const BINARY_NAMES: [&str; 6] = ["wtmp", "btmp", "utmp", "lastlog", "faillog", "tallylog"];

/// Expands `inputs` (files, directories walked recursively, glob patterns) into log files.
/// Missing inputs and unreadable or binary files are reported in the second list.
pub fn discover(inputs: &[PathBuf]) -> (Vec<Discovered>, Vec<Skipped>) {
    let mut files = BTreeSet::new();
    let mut skipped = Vec::new();
    for input in inputs {
        let text = input.to_string_lossy();
        if !input.exists() && text.contains(['*', '?', '[']) {
            match glob::glob(&text) {
                Ok(paths) => {
                    let mut any = false;
                    for p in paths.flatten() {
                        any = true;
                        walk(&p, &mut files, &mut skipped);
                    }
                    if !any {
                        skipped.push(Skipped {
                            path: input.clone(),
                            reason: "no file matches this pattern".into(),
                        });
                    }
                }
                Err(e) => skipped.push(Skipped {
                    path: input.clone(),
                    reason: format!("bad glob pattern: {e}"),
                }),
            }
        } else {
            walk(input, &mut files, &mut skipped);
        }
    }
    let mut out = Vec::new();
    for path in files {
        match classify(&path) {
            Ok(compression) => out.push(Discovered { path, compression }),
            Err(reason) => skipped.push(Skipped { path, reason }),
        }
    }
    (out, skipped)
}

fn walk(root: &Path, files: &mut BTreeSet<PathBuf>, skipped: &mut Vec<Skipped>) {
    for entry in walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
    {
        match entry {
            Ok(e) if e.file_type().is_file() => match e.path().canonicalize() {
                Ok(p) => {
                    files.insert(p);
                }
                Err(err) => skipped.push(Skipped {
                    path: e.path().to_path_buf(),
                    reason: describe_io(&err),
                }),
            },
            Ok(_) => {}
            Err(err) => {
                let path = err.path().unwrap_or(root).to_path_buf();
                let reason = match err.io_error() {
                    Some(io) => describe_io(io),
                    None => err.to_string(),
                };
                skipped.push(Skipped { path, reason });
            }
        }
    }
}

/// Explains an I/O error in the words a user expects.
pub fn describe_io(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
        _ => err.to_string(),
    }
}

/// Decides whether a file is a readable text log, and how it is compressed.
fn classify(path: &Path) -> Result<Option<Compression>, String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.split('.').next().unwrap_or("");
    if BINARY_NAMES.contains(&stem) || name.ends_with(".journal") || name.ends_with(".journal~") {
        // A fresh `wtmp` or an unused `faillog` is empty: nothing binary about it yet.
        if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
            return Err("empty (login records or journal, not a text log)".into());
        }
        return Err("binary file (login records or journal)".into());
    }
    let raw = content_prefix(path, None, 8192).map_err(|e| describe_io(&e))?;
    let compression = Compression::sniff(&raw);
    let content = match compression {
        None => raw,
        Some(c) => content_prefix(path, Some(c), 8192)
            .map_err(|e| format!("cannot read {c:?} data: {e}"))?,
    };
    if let Some(kind) = binary_kind(&content) {
        return Err(format!("binary file ({kind})"));
    }
    Ok(compression)
}

/// Says what kind of binary data `head` is, or `None` when it looks like text.
/// Text logs may hold a few NUL bytes (a crash can leave a run of them); a file is binary when
/// it starts with a known binary signature or more than 30% of its first 8 KB are NUL or
/// non-text control bytes (login records are mostly NUL; a crashed log has one NUL run).
pub fn binary_kind(head: &[u8]) -> Option<&'static str> {
    const SIGNATURES: [(&[u8], &str); 9] = [
        (b"\x7fELF", "executable"),
        (b"\x89PNG", "PNG image"),
        (b"\xff\xd8\xff", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"%PDF", "PDF document"),
        (b"PK\x03\x04", "zip archive"),
        (b"LPKSHHRH", "systemd journal"),
        (b"SQLite format 3", "SQLite database"),
        (b"\x00asm", "wasm module"),
    ];
    for (sig, kind) in SIGNATURES {
        if head.starts_with(sig) {
            return Some(kind);
        }
    }
    if head.is_empty() {
        return None;
    }
    let odd = head
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b)))
        .count();
    (odd * 10 > head.len() * 3).then_some("mostly non-text bytes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn walks_folders_and_skips_binary_files_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("nginx")).unwrap();
        fs::write(root.join("syslog"), "Nov 22 07:39:58 vm x: hi\n").unwrap();
        fs::write(root.join("nginx/access.log"), "1.2.3.4 - - [x]\n").unwrap();
        fs::write(root.join("wtmp"), vec![0u8; 384]).unwrap();
        fs::write(root.join("image.dat"), b"\x89PNG\r\n\x1a\n....").unwrap();
        let mut crashed = b"Nov 22 07:39:58 vm app: line\n".repeat(100);
        crashed.extend_from_slice(&[0u8; 300]);
        crashed.extend_from_slice(b"Nov 22 07:40:00 vm app: after the crash\n");
        fs::write(root.join("crashed.log"), crashed).unwrap();
        let (found, skipped) = discover(&[root.to_path_buf()]);
        let names: Vec<_> = found
            .iter()
            .map(|d| d.path.file_name().unwrap().to_str().unwrap())
            .collect();
        assert_eq!(names, ["crashed.log", "access.log", "syslog"]);
        let reasons: Vec<_> = skipped.iter().map(|s| s.to_string()).collect();
        assert!(
            reasons
                .iter()
                .any(|r| r.contains("image.dat: binary file (PNG image); skipped")),
            "{reasons:?}"
        );
        assert!(
            reasons.iter().any(|r| r.contains("wtmp: binary file")),
            "{reasons:?}"
        );
    }

    #[test]
    fn empty_login_record_files_are_not_called_binary() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["faillog", "lastlog", "wtmp"] {
            fs::write(dir.path().join(name), b"").unwrap();
        }
        let (found, skipped) = discover(&[dir.path().to_path_buf()]);
        assert!(found.is_empty());
        assert_eq!(skipped.len(), 3);
        for s in &skipped {
            assert!(!s.reason.contains("binary"), "{s}");
            assert!(s.reason.starts_with("empty"), "{s}");
        }
    }

    #[test]
    fn globs_and_missing_paths() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.log"), "x\n").unwrap();
        fs::write(dir.path().join("b.txt"), "x\n").unwrap();
        let pattern = dir.path().join("*.log");
        let (found, skipped) = discover(&[pattern, dir.path().join("missing")]);
        assert_eq!(found.len(), 1);
        assert_eq!(skipped.len(), 1);
        assert!(skipped[0].reason.contains("no such file"));
    }

    #[test]
    fn permission_denied_is_named() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("secret.log");
        fs::write(&p, "x\n").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o000)).unwrap();
        if fs::read(&p).is_ok() {
            return; // running as root: permissions are not enforced
        }
        let (found, skipped) = discover(&[dir.path().to_path_buf()]);
        assert!(found.is_empty());
        assert_eq!(skipped[0].reason, "permission denied");
    }
}
