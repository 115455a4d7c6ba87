//! Turning the user's PATH arguments (files, folders, globs) into the list of log files,
//! skipping what cannot or should not be read, with one note each. Symlinks inside a folder
//! are followed only to regular files outside /proc, /sys and /dev; FIFOs, sockets and
//! devices are never opened (a FIFO would block the reader).

use super::compress::{Compression, content_prefix};
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
    discover_with(inputs, &|_| None)
}

/// Like [`discover`]; `known` gives the compression of files already known and unchanged,
/// which are then not opened again to be classified (with 100k files, reading each one's
/// first 8 KB on every run cost seconds).
pub fn discover_with(
    inputs: &[PathBuf],
    known: &dyn Fn(&Path) -> Option<Option<Compression>>,
) -> (Vec<Discovered>, Vec<Skipped>) {
    let (files, mut skipped) = list(inputs);
    let mut out = Vec::new();
    for path in files {
        if let Some(compression) = known(&path) {
            out.push(Discovered { path, compression });
            continue;
        }
        match classify(&path) {
            Ok(compression) => out.push(Discovered { path, compression }),
            Err(reason) => skipped.push(Skipped { path, reason }),
        }
    }
    (out, skipped)
}

/// The files under `inputs` (globs expanded, links looked at), in byte order and once each,
/// not yet classified; and what was skipped while listing.
pub fn list(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<Skipped>) {
    let mut files: Vec<PathBuf> = Vec::new();
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
    // In byte order, once each (a file named twice, or reached through a link too).
    {
        use std::os::unix::ffi::OsStrExt;
        files.sort_unstable_by(|a, b| a.as_os_str().as_bytes().cmp(b.as_os_str().as_bytes()));
    }
    files.dedup();
    (files, skipped)
}

/// Walks `root` (followed when it is itself a symlink) without following the symlinks inside
/// it: each one is looked at by [`through_link`].
fn walk(root: &Path, files: &mut Vec<PathBuf>, skipped: &mut Vec<Skipped>) {
    // Below a canonical root reached without following links, every path is canonical: only
    // the root needs resolving (a canonicalize per file was a third of a survey's time).
    let canonical_root = root.canonicalize().ok();
    let root = canonical_root.as_deref().unwrap_or(root);
    let root_is_canonical = canonical_root.is_some();
    for entry in walkdir::WalkDir::new(root)
        .follow_links(false)
        .follow_root_links(true)
        .sort_by_file_name()
    {
        let e = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err.path().unwrap_or(root).to_path_buf();
                let reason = match err.io_error() {
                    Some(io) => describe_io(io),
                    None => err.to_string(),
                };
                skipped.push(Skipped { path, reason });
                continue;
            }
        };
        let path = e.path();
        let kind = e.file_type();
        let found = if kind.is_dir() {
            continue;
        } else if kind.is_symlink() {
            through_link(path)
        } else if kind.is_file() && root_is_canonical {
            outside_system(path.to_path_buf(), "not read")
        } else if kind.is_file() {
            path.canonicalize()
                .map_err(|err| describe_io(&err))
                .and_then(|c| outside_system(c, "not read"))
        } else {
            Err(format!("{}, not a file", special_kind(&kind)))
        };
        match found {
            Ok(p) => {
                files.push(p);
            }
            Err(reason) => skipped.push(Skipped {
                path: path.to_path_buf(),
                reason,
            }),
        }
    }
}

/// Where a symlink inside a walked folder leads, if it is to be read: a regular file outside
/// /proc, /sys and /dev (checked on the canonical target, so a chain of links cannot hide it).
fn through_link(link: &Path) -> Result<PathBuf, String> {
    let target = match link.canonicalize() {
        Ok(t) => t,
        Err(e) => {
            let to = std::fs::read_link(link)
                .map(|t| format!(" (to {})", t.display()))
                .unwrap_or_default();
            return Err(match e.kind() {
                std::io::ErrorKind::NotFound => format!("a broken symlink{to}"),
                _ if e.raw_os_error() == Some(nix::libc::ELOOP) => {
                    format!("a broken symlink{to}: a loop")
                }
                _ => format!("a symlink{to}: {}", describe_io(&e)),
            });
        }
    };
    let shown = target.display().to_string();
    let target = outside_system(target, "not followed")
        .map_err(|why| format!("a symlink to {shown}, {why}"))?;
    let meta = std::fs::metadata(&target).map_err(|e| describe_io(&e))?;
    if meta.is_file() {
        Ok(target)
    } else if meta.is_dir() {
        Err(format!(
            "a symlink to the folder {shown}: not followed (name the folder itself to read it)"
        ))
    } else {
        Err(format!(
            "a symlink to {shown}, {}: not followed",
            special_kind(&meta.file_type())
        ))
    }
}

/// System folders whose files are not logs and may be secrets (`/proc/self/environ`).
const SYSTEM_DIRS: [&str; 3] = ["/proc", "/sys", "/dev"];

/// `canonical`, unless it lies in a [`SYSTEM_DIRS`] folder (then why, ending in `what`).
fn outside_system(canonical: PathBuf, what: &str) -> Result<PathBuf, String> {
    match SYSTEM_DIRS.iter().find(|d| canonical.starts_with(d)) {
        Some(d) => Err(format!("inside {d}: {what}")),
        None => Ok(canonical),
    }
}

/// What a file that is neither a regular file, a folder nor a symlink is.
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else {
        "a special file"
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
pub fn classify(path: &Path) -> Result<Option<Compression>, String> {
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

    fn reason_of<'a>(skipped: &'a [Skipped], name: &str) -> &'a str {
        skipped
            .iter()
            .find(|s| s.path.file_name().is_some_and(|n| n == name))
            .map_or("(not skipped)", |s| s.reason.as_str())
    }

    /// A symlink is followed only to a regular file outside /proc, /sys and /dev; every link
    /// not followed, and every FIFO, socket or device, is named with the reason.
    #[test]
    fn symlinks_reach_regular_files_only_and_special_files_are_named() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("good.log"), "x\n").unwrap();
        fs::write(other.path().join("outside.log"), "y\n").unwrap();
        fs::create_dir(other.path().join("folder")).unwrap();
        fs::write(other.path().join("folder/inner.log"), "z\n").unwrap();
        symlink(root.join("good.log"), root.join("again.log")).unwrap();
        symlink(other.path().join("outside.log"), root.join("out.log")).unwrap();
        symlink("/proc/self/environ", root.join("env.log")).unwrap();
        symlink("/dev/null", root.join("null.log")).unwrap();
        symlink("/sys/kernel", root.join("sys")).unwrap();
        symlink(other.path().join("folder"), root.join("folder")).unwrap();
        symlink(root.join("missing"), root.join("broken.log")).unwrap();
        symlink(root.join("loop.log"), root.join("loop.log")).unwrap();
        nix::unistd::mkfifo(&root.join("pipe.log"), nix::sys::stat::Mode::S_IRWXU).unwrap();
        symlink(root.join("pipe.log"), root.join("to-pipe.log")).unwrap();
        let _socket = std::os::unix::net::UnixListener::bind(root.join("sock.log")).unwrap();
        let (found, skipped) = discover(&[root.to_path_buf()]);
        let mut names: Vec<_> = found
            .iter()
            .map(|d| d.path.file_name().unwrap().to_str().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["good.log", "outside.log"], "{skipped:?}");
        let env = reason_of(&skipped, "env.log");
        assert!(env.starts_with("a symlink to /proc/"), "{env}");
        assert!(env.ends_with("inside /proc: not followed"), "{env}");
        assert_eq!(
            reason_of(&skipped, "null.log"),
            "a symlink to /dev/null, inside /dev: not followed"
        );
        assert!(reason_of(&skipped, "sys").contains("inside /sys: not followed"));
        let folder = reason_of(&skipped, "folder");
        assert!(
            folder.starts_with("a symlink to the folder ")
                && folder.ends_with(": not followed (name the folder itself to read it)"),
            "{folder}"
        );
        assert!(reason_of(&skipped, "broken.log").starts_with("a broken symlink"));
        assert!(reason_of(&skipped, "loop.log").starts_with("a broken symlink"));
        assert_eq!(
            reason_of(&skipped, "pipe.log"),
            "a named pipe (FIFO), not a file"
        );
        assert!(
            reason_of(&skipped, "to-pipe.log").ends_with(", a named pipe (FIFO): not followed"),
            "{skipped:?}"
        );
        assert_eq!(reason_of(&skipped, "sock.log"), "a socket, not a file");
        // Named directly: a device, and a file of /proc; the shown form of a note.
        let (found, skipped) = discover(&[PathBuf::from("/dev/null")]);
        assert!(found.is_empty());
        assert_eq!(
            skipped[0].to_string(),
            "/dev/null: a character device, not a file; skipped"
        );
        let (found, skipped) = discover(&[PathBuf::from("/proc/self/environ")]);
        assert!(found.is_empty());
        assert_eq!(skipped[0].reason, "inside /proc: not read");
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
