//! What an alert does: printed (text or JSON lines), given as JSON on stdin to a command
//! (never through a shell, ended after its timeout), appended as a JSON line to a file.

use super::config::Rule;
use super::eval::Alert;
use crate::output::escape::{escape_controls, escape_json};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a command action ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandResult {
    pub program: String,
    /// The exit status; `None` when killed (timeout) or not started.
    pub status: Option<i32>,
    pub stderr: String,
    /// Why it did not run to its end: not started, timed out.
    pub failure: Option<String>,
}

impl CommandResult {
    pub fn ok(&self) -> bool {
        self.failure.is_none() && self.status == Some(0)
    }
}

/// An alert with what its actions did.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub alert: Alert,
    pub command: Option<CommandResult>,
    pub append_error: Option<String>,
}

/// The alert as JSON (what commands read and files get).
pub fn alert_json(a: &Alert) -> serde_json::Value {
    let time = crate::time::format_utc;
    serde_json::json!({
        "rule": a.rule,
        "severity": a.severity,
        "kind": a.kind,
        "at": time(a.at),
        "key": a.key,
        "count": a.count,
        "silent_since": a.silent_since.map(time),
        "event": a.event.as_ref().map(|e| serde_json::json!({
            "ts": time(e.ts),
            "source": e.source,
            "line": e.line,
            "text": e.text,
        })),
    })
}

/// Runs the rule's command and append actions for the alert.
pub fn act(rule: &Rule, alert: Alert) -> Outcome {
    let json = alert_json(&alert).to_string();
    let command = rule
        .command
        .as_ref()
        .map(|argv| run_command(argv, &json, Duration::from_millis(rule.timeout_ms)));
    let append_error = rule.append.as_ref().and_then(|p| {
        append(p, &json)
            .err()
            .map(|e| format!("{}: {e}", p.display()))
    });
    Outcome {
        alert,
        command,
        append_error,
    }
}

fn append(path: &Path, json: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(format!("{json}\n").as_bytes())
}

/// Runs `argv` with `input` on stdin; ends it after `timeout`. Stderr is kept (its first
/// 4 KiB), stdout is discarded.
pub fn run_command(argv: &[String], input: &str, timeout: Duration) -> CommandResult {
    let program = argv.first().cloned().unwrap_or_default();
    let mut result = CommandResult {
        program: program.clone(),
        status: None,
        stderr: String::new(),
        failure: None,
    };
    let child = Command::new(&program)
        .args(&argv[1.min(argv.len())..])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            result.failure = Some(format!("not started: {e}"));
            return result;
        }
    };
    // Writing and reading on threads: a command that reads nothing cannot block us.
    let writer = child.stdin.take().map(|mut stdin| {
        let input = format!("{input}\n");
        std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        })
    });
    let reader = child.stderr.take().map(|stderr| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = stderr.take(4096).read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    });
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                result.status = status.code();
                if status.code().is_none() {
                    result.failure = Some("ended by a signal".into());
                }
                break;
            }
            Ok(None) if start.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                result.failure = Some(format!(
                    "timed out after {} ms, killed",
                    timeout.as_millis()
                ));
                break;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => {
                result.failure = Some(format!("waiting: {e}"));
                break;
            }
        }
    }
    if let Some(w) = writer {
        let _ = w.join();
    }
    // A grandchild may still hold stderr open: the reader is given a moment, not waited for.
    if let Some(r) = reader {
        let deadline = Instant::now() + Duration::from_millis(200);
        while !r.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        if r.is_finished() {
            result.stderr = r.join().unwrap_or_default().trim_end().to_string();
        }
    }
    result
}

/// One outcome as text: the alert's line, then a line per failed action. Control
/// characters from the logs are escaped.
pub fn text(o: &Outcome) -> String {
    let a = &o.alert;
    let mut line = format!(
        "{} {} {}",
        crate::time::format_utc(a.at),
        a.severity.to_uppercase(),
        a.rule
    );
    if let Some(k) = &a.key {
        line.push_str(&format!(" [{k}]"));
    }
    match a.kind {
        super::eval::AlertKind::Threshold => line.push_str(&format!(": {} events", a.count)),
        super::eval::AlertKind::Absence => {
            if let Some(s) = a.silent_since {
                line.push_str(&format!(
                    ": no matching event since {}",
                    crate::time::format_utc(s)
                ));
            }
        }
        super::eval::AlertKind::Match => {}
    }
    if let Some(e) = &a.event {
        line.push_str(&format!(": {}:{}: {}", e.source, e.line, e.text));
    }
    let mut out = escape_controls(&line, false).into_owned();
    out.push('\n');
    if let Some(c) = o.command.as_ref().filter(|c| !c.ok()) {
        let status = c
            .status
            .map_or_else(|| "no status".to_string(), |s| format!("exit status {s}"));
        let why = c.failure.as_deref().unwrap_or(&status);
        let mut l = format!("  command {} failed: {why}", c.program);
        if !c.stderr.is_empty() {
            l.push_str(&format!(": {}", c.stderr));
        }
        out.push_str(&escape_controls(&l, false));
        out.push('\n');
    }
    if let Some(e) = &o.append_error {
        out.push_str(&escape_controls(&format!("  append failed: {e}"), false));
        out.push('\n');
    }
    out
}

/// One outcome as a JSON line: the alert, with `command` and `append_error` when there.
pub fn json_line(o: &Outcome) -> String {
    let mut v = alert_json(&o.alert);
    if let (Some(c), Some(m)) = (&o.command, v.as_object_mut()) {
        m.insert(
            "command".into(),
            serde_json::json!({
                "program": c.program,
                "status": c.status,
                "ok": c.ok(),
                "failure": c.failure,
                "stderr": c.stderr,
            }),
        );
    }
    if let (Some(e), Some(m)) = (&o.append_error, v.as_object_mut()) {
        m.insert("append_error".into(), serde_json::json!(e));
    }
    let mut s = escape_json(&v.to_string()).into_owned();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_control_characters_from_the_logs() {
        let alert = Alert {
            rule: "r".into(),
            severity: "warn".into(),
            kind: super::super::eval::AlertKind::Match,
            at: 0,
            key: Some("k\x1b[2J".into()),
            count: 1,
            silent_since: None,
            event: Some(super::super::eval::Sample {
                ts: 0,
                source: "a.log".into(),
                line: 3,
                text: "panic \x1b]0;pwned\x07".into(),
            }),
        };
        let o = Outcome {
            alert,
            command: None,
            append_error: None,
        };
        let t = text(&o);
        assert!(
            !t.contains('\x1b') && t.contains("\\x1b]0;pwned\\x07"),
            "{t}"
        );
        assert!(!json_line(&o).contains('\x1b'));
    }

    #[test]
    fn a_command_that_hangs_is_killed_and_reported() {
        let argv = vec!["/bin/sleep".to_string(), "5".to_string()];
        let r = run_command(&argv, "{}", Duration::from_millis(200));
        assert!(r.failure.unwrap().contains("timed out"));
        let r = run_command(
            &["/nonexistent/x".to_string()],
            "{}",
            Duration::from_secs(1),
        );
        assert!(r.failure.unwrap().contains("not started"));
    }
}
