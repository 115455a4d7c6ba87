//! Errors as a user reads them: each cause said once, tantivy's long texts cut to a line, and
//! a hint when the index folder belongs to another user.

use crate::engine::EngineError;
use crate::index::IndexError;
use std::path::Path;

/// `err` and its causes in one line each joined by `: `, a cause left out when the text
/// before already says it (`path: No such file (os error 2)` is not followed by the same
/// `No such file (os error 2)` again).
pub fn describe(err: &anyhow::Error) -> String {
    let mut out = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
    }
    out
}

/// The first line of `text`, at most `max` chars, `…` where it was cut.
pub fn brief(text: &str, max: usize) -> String {
    let first = text.lines().next().unwrap_or("");
    let cut = first.chars().count() > max || text.lines().nth(1).is_some();
    let mut out: String = first.chars().take(max).collect();
    if cut {
        out.push('…');
    }
    out
}

/// The error as shown, with a hint when the index folder it names is another user's.
pub fn with_owner_hint(err: &EngineError, text: String) -> String {
    let path = match err {
        EngineError::Index(
            IndexError::Io { path, .. }
            | IndexError::Tantivy { path, .. }
            | IndexError::Foreign(path),
        ) => path,
        _ => return text,
    };
    let Some(hint) = owner_hint(path) else {
        return text;
    };
    match err {
        // Its marker could not be read: not foreign, only not ours.
        EngineError::Index(IndexError::Foreign(_)) => hint,
        _ => format!("{text}; {hint}"),
    }
}

/// `DIR is owned by USER; run as that user or use --index-dir`, when the nearest existing
/// folder or file of `path` belongs to another user than the one running.
pub fn owner_hint(path: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let (at, meta) = path
        .ancestors()
        .find_map(|p| std::fs::metadata(p).ok().map(|m| (p, m)))?;
    let me = nix::unistd::geteuid();
    if meta.uid() == me.as_raw() {
        return None;
    }
    let uid = nix::unistd::Uid::from_raw(meta.uid());
    let owner = nix::unistd::User::from_uid(uid)
        .ok()
        .flatten()
        .map_or_else(|| format!("uid {uid}"), |u| u.name);
    Some(format!(
        "{} is owned by {owner}; run as that user or use --index-dir",
        at.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_are_said_once() {
        let io = std::io::Error::from(std::io::ErrorKind::NotFound);
        let said = format!("/x.toml: {io}");
        #[derive(Debug, thiserror::Error)]
        #[error("{said}")]
        struct Wrapped {
            said: String,
            source: std::io::Error,
        }
        let e = anyhow::Error::new(Wrapped {
            said: said.clone(),
            source: io,
        });
        assert_eq!(describe(&e), said);
        let e = anyhow::anyhow!("inner").context("outer");
        assert_eq!(describe(&e), "outer: inner");
    }

    #[test]
    fn brief_keeps_one_bounded_line() {
        assert_eq!(brief("short", 10), "short");
        assert_eq!(brief("0123456789abc", 10), "0123456789…");
        assert_eq!(brief("first\nsecond", 10), "first…");
    }

    #[test]
    fn no_hint_for_ones_own_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(owner_hint(&dir.path().join("not/yet")), None);
    }
}
