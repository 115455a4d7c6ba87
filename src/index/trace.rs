//! A trace of the reconciliation decisions, for diagnosing rotation races in the field: with
//! `TIMBERLINE_TRACE=FILE`, every survey appends what it saw on disk, what the last commit
//! knew and what it planned. Off (and free) otherwise.

use super::checkpoint::FileState;
use super::reconcile::Plan;
use crate::source::{Discovered, FileStat};
use std::io::Write;

/// Files (known and on disk) up to which a survey is traced whole.
const WHOLE_UP_TO: usize = 2_000;

/// Appends one survey's picture to the trace file, if one is asked for.
pub fn survey(known: &[FileState], files: &[(Discovered, FileStat)], plan: &Plan) {
    let Some(path) = std::env::var_os("TIMBERLINE_TRACE") else {
        return;
    };
    let mut out = String::new();
    let now = chrono::Utc::now().format("%H:%M:%S%.6f");
    out.push_str(&format!("== {now} pid {}\n", std::process::id()));
    // A large tree is traced by what changed only (its plan), not file by file.
    let whole = known.len() + files.len() <= WHOLE_UP_TO;
    for k in known.iter().filter(|_| whole) {
        out.push_str(&format!(
            "known {} {} ino {} size {} offset {} events {} head {}\n",
            k.id,
            k.path.display(),
            k.ino,
            k.size,
            k.offset,
            k.events,
            k.head_len
        ));
    }
    for (d, st) in files.iter().filter(|_| whole) {
        out.push_str(&format!(
            "disk {} ino {} size {} {:?}\n",
            d.path.display(),
            st.ino,
            st.size,
            d.compression
        ));
    }
    let changed = |a: &&super::reconcile::Action| {
        whole || !matches!(a, super::reconcile::Action::Unchanged { .. })
    };
    for a in plan.actions.iter().filter(changed) {
        out.push_str(&format!("plan {a:?}\n"));
    }
    for path in &plan.moving {
        out.push_str(&format!("moving {}\n", path.display()));
    }
    out.push_str(&format!("gone {:?}\n", plan.gone));
    append(&path, &out);
}

/// Appends a line to the trace file, if one is asked for.
pub fn line(what: impl FnOnce() -> String) {
    let Some(path) = std::env::var_os("TIMBERLINE_TRACE") else {
        return;
    };
    let now = chrono::Utc::now().format("%H:%M:%S%.6f");
    let text = format!("{now} pid {} {}\n", std::process::id(), what());
    append(&path, &text);
}

/// Appends `text` to the trace file (a trace that cannot be written is no reason to fail).
fn append(path: &std::ffi::OsStr, text: &str) {
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = f.write_all(text.as_bytes());
    }
}
