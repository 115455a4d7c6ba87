//! `verify`'s answer for people (a line per file, control characters escaped) and for
//! programs (one JSON object).

use super::run::Report;
use super::verify::{FileVerdict, Verdict};
use crate::output::escape::{escape_controls, escape_json};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn render(r: &Report, format: Format) -> String {
    match format {
        Format::Text => text(r),
        Format::Json => json(r),
    }
}

/// The text answer: the chain, a line per file, a summary with the exit status.
pub fn text(r: &Report) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&escape_controls(&s, false));
        out.push('\n');
    };
    if r.chain_intact() {
        line(format!(
            "chain ok: {} seal{}, the last made {}, root {}",
            r.seals,
            plural(r.seals),
            r.record.at,
            r.record.hash
        ));
    }
    for p in &r.problems {
        line(format!("chain broken: line {}: {}", p.line, p.what));
    }
    if let Some((root, false)) = r.root_asked {
        line(format!(
            "chain broken: no record has the root {root}: the manifest was cut short or \
             rewritten since that seal"
        ));
    }
    if !r.chain_intact() {
        line(format!(
            "verifying against the last record that could be read: line {}, made {}",
            r.line, r.record.at
        ));
    }
    for f in &r.files {
        line(file_line(f));
    }
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for f in r.files.iter().filter(|f| f.verdict.bit() != 0) {
        match counts.iter_mut().find(|(n, _)| *n == f.verdict.name()) {
            Some(c) => c.1 += 1,
            None => counts.push((f.verdict.name(), 1)),
        }
    }
    let n = r.files.len();
    let summary = if counts.is_empty() && r.chain_intact() {
        format!("{n} file{}: all verify; exit status 0", plural(n))
    } else {
        let mut what: Vec<String> = counts.iter().map(|(v, c)| format!("{c} {v}")).collect();
        if !r.chain_intact() {
            what.push("chain broken".into());
        }
        format!(
            "{n} file{}: {}; exit status {}",
            plural(n),
            what.join(", "),
            r.exit
        )
    };
    line(summary);
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `changed    /var/log/x -> /var/log/x.1: differs from byte 65536 (line 812) on`.
fn file_line(f: &FileVerdict) -> String {
    let shown = |p: &Option<std::path::PathBuf>| {
        p.as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    };
    let mut s = format!("{:<10} ", f.verdict.name());
    match (&f.sealed, &f.path) {
        (Some(a), Some(b)) if a != b => {
            let _ = write!(s, "{} -> {}", a.display(), b.display());
        }
        (Some(a), _) => s.push_str(&a.display().to_string()),
        (None, p) => s.push_str(&shown(p)),
    }
    let since = |n: u64| format!("{n} byte{} since the seal", plural(n as usize));
    match &f.verdict {
        Verdict::Ok | Verdict::Missing => {}
        Verdict::Appended { bytes } => {
            let _ = write!(s, ": {}", since(*bytes));
        }
        Verdict::Rotated { appended } if *appended > 0 => {
            let _ = write!(s, ", {}", since(*appended));
        }
        Verdict::Rotated { .. } => {}
        Verdict::Expired => s.push_str(": the oldest of its family, deleted by a rotation"),
        Verdict::Live => s.push_str(": not sealed, its family's live file since a rotation"),
        Verdict::Empty => s.push_str(": not sealed, empty"),
        Verdict::Changed { offset, line } => {
            let _ = write!(s, ": differs from byte {offset} (line {line}) on");
        }
        Verdict::Shrunk { len, sealed_len } => {
            let _ = write!(s, ": {len} bytes, {sealed_len} when sealed");
        }
        Verdict::New => s.push_str(": not in the seal"),
        Verdict::Unreadable { reason } => {
            let _ = write!(s, ": {reason}");
        }
    }
    s
}

/// A path as JSON: a string, or `{"bytes": [...]}` when it is not UTF-8.
fn path_json(p: Option<&Path>) -> Value {
    use std::os::unix::ffi::OsStrExt;
    match p {
        None => Value::Null,
        Some(p) => match p.to_str() {
            Some(s) => Value::from(s),
            None => json!({ "bytes": p.as_os_str().as_bytes() }),
        },
    }
}

/// The JSON answer, one object (with a newline).
pub fn json(r: &Report) -> String {
    let files: Vec<Value> = r
        .files
        .iter()
        .map(|f| {
            let mut o = json!({
                "verdict": f.verdict.name(),
                "sealed": path_json(f.sealed.as_deref()),
                "path": path_json(f.path.as_deref()),
            });
            let extra = match &f.verdict {
                Verdict::Appended { bytes } => json!({ "appended": bytes }),
                Verdict::Rotated { appended } => json!({ "appended": appended }),
                Verdict::Changed { offset, line } => json!({ "offset": offset, "line": line }),
                Verdict::Shrunk { len, sealed_len } => {
                    json!({ "len": len, "sealed_len": sealed_len })
                }
                Verdict::Unreadable { reason } => json!({ "reason": reason }),
                _ => json!({}),
            };
            if let (Some(o), Value::Object(extra)) = (o.as_object_mut(), extra) {
                o.extend(extra);
            }
            o
        })
        .collect();
    let value = json!({
        "manifest": path_json(Some(&r.manifest)),
        "chain": {
            "intact": r.chain_intact(),
            "seals": r.seals,
            "root": r.record.hash.hex(),
            "at": r.record.at,
            "line": r.line,
            "problems": r.problems,
            "root_asked": r.root_asked.map(|(h, found)| json!({ "hash": h.hex(), "found": found })),
        },
        "files": files,
        "exit": r.exit,
    });
    let text = value.to_string();
    format!("{}\n", escape_json(&text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::hash::Digest;
    use crate::seal::manifest::{Problem, Record};
    use std::path::PathBuf;

    fn report(files: Vec<FileVerdict>, problems: Vec<Problem>) -> Report {
        let record = Record::new(None, "2026-10-01T00:00:00.000Z".into(), 65536, vec![]);
        let mut r = Report {
            manifest: "/seals/s.jsonl".into(),
            seals: 1,
            record,
            line: 1,
            problems,
            root_asked: None,
            files,
            notes: vec![],
            exit: 0,
        };
        r.exit = crate::seal::verify::exit_code(&r.files, r.chain_intact());
        r
    }

    fn file(sealed: Option<&str>, path: Option<&str>, verdict: Verdict) -> FileVerdict {
        FileVerdict {
            sealed: sealed.map(PathBuf::from),
            path: path.map(PathBuf::from),
            verdict,
        }
    }

    #[test]
    fn text_names_each_file_escaped_and_sums_up() {
        let r = report(
            vec![
                file(
                    Some("/l/x"),
                    Some("/l/x.1"),
                    Verdict::Rotated { appended: 3 },
                ),
                file(
                    Some("/l/y.1"),
                    Some("/l/y.1"),
                    Verdict::Changed {
                        offset: 65536,
                        line: 812,
                    },
                ),
                file(None, Some("/l/evil\x1b[2J"), Verdict::New),
            ],
            vec![],
        );
        let shown = text(&r);
        let lines: Vec<&str> = shown.lines().collect();
        assert!(
            lines[0].starts_with("chain ok: 1 seal, the last made 2026-10-01T00:00:00.000Z, root ")
        );
        assert_eq!(
            lines[1],
            "rotated    /l/x -> /l/x.1, 3 bytes since the seal"
        );
        assert_eq!(
            lines[2],
            "changed    /l/y.1: differs from byte 65536 (line 812) on"
        );
        assert_eq!(lines[3], "new        /l/evil\\x1b[2J: not in the seal");
        assert_eq!(lines[4], "3 files: 1 changed, 1 new; exit status 21");
    }

    #[test]
    fn a_broken_chain_is_said_first_and_json_is_one_object() {
        let r = report(
            vec![file(Some("/l/x"), None, Verdict::Missing)],
            vec![Problem {
                line: 2,
                what: "an empty line".into(),
            }],
        );
        let shown = text(&r);
        assert!(shown.starts_with("chain broken: line 2: an empty line\nverifying against"));
        assert!(
            shown.ends_with("1 file: 1 missing, chain broken; exit status 50\n"),
            "{shown}"
        );
        let v: Value = serde_json::from_str(&json(&r)).unwrap();
        assert_eq!(v["exit"], 50);
        assert_eq!(v["chain"]["intact"], false);
        assert_eq!(v["files"][0]["verdict"], "missing");
        assert_eq!(v["files"][0]["path"], Value::Null);
        let mut r = r;
        r.problems.clear();
        r.root_asked = Some((Digest::of(b"elsewhere"), false));
        assert!(text(&r).contains("chain broken: no record has the root"));
    }
}
