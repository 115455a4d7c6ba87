//! `:export FILE`: every event of the current view (filters, level, since) written as jsonl,
//! or csv when the file name ends in `.csv`, in the same shape as `timberline search`.

use super::data::{EventKey, LogEvent, LogSource, Query};
use crate::output::events::{EventFormat, EventRecord, EventWriter};
use std::collections::HashSet;
use std::path::Path;

/// Events read per page.
const PAGE: usize = 2000;

fn record(e: LogEvent) -> EventRecord {
    let mut r = EventRecord::new(e.ts, e.path, e.source, e.line, e.text);
    r.level = e.level.map(|l| l.as_str());
    r.host = e.host;
    r.program = e.program;
    r.message = e.message;
    r.fields = e.fields;
    r
}

/// Writes the view to `path` (refusing to replace a file unless `replace`); returns how many
/// events were written.
pub fn export(src: &dyn LogSource, q: &Query, path: &Path, replace: bool) -> Result<usize, String> {
    let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    if !replace && path.exists() {
        return Err(fail(&"exists already (:export! FILE replaces it)"));
    }
    let csv = path
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("csv"));
    let format = if csv {
        EventFormat::Csv
    } else {
        EventFormat::Jsonl
    };
    let file = std::fs::File::create(path).map_err(|e| fail(&e))?;
    let mut out = EventWriter::new(std::io::BufWriter::new(file), format);
    let q = Query {
        search: None,
        ..q.clone()
    };
    let mut written = 0;
    let mut at: Option<i64> = None;
    // Keys already written at the last time seen: pages overlap there.
    let mut seen: HashSet<EventKey> = HashSet::new();
    loop {
        let page = src.around(&q, at, 0, PAGE)?;
        let Some(last) = page.last().map(|e| e.ts) else {
            break;
        };
        let full = page.len() == PAGE;
        let mut new = 0;
        let mut next_seen = HashSet::new();
        for e in page {
            let key = e.key();
            if key.ts == last {
                next_seen.insert(key);
            }
            if seen.contains(&key) {
                continue;
            }
            out.write(&record(e)).map_err(|e| fail(&e))?;
            new += 1;
        }
        written += new;
        if !full {
            break;
        }
        // A page that is all one instant (and all seen) moves on past it.
        at = Some(if new == 0 { last + 1 } else { last });
        seen = next_seen;
    }
    out.flush().map_err(|e| fail(&e))?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fake::Fake;

    #[test]
    fn exports_every_event_of_the_view_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut src = Fake::minutes(0, 5000, 100..200);
        // Many events at one instant, across a page boundary.
        let t = src.events[1500].ts;
        for e in src.events.iter_mut().skip(1500).take(1000) {
            e.ts = t;
        }
        let q = Query {
            filter: crate::query::parse("NOT login").unwrap(),
            ..Query::default()
        };
        let path = dir.path().join("view.jsonl");
        let n = export(&src, &q, &path, false).unwrap();
        let want = src
            .events
            .iter()
            .filter(|e| !e.text.contains("login"))
            .count();
        assert_eq!(n, want);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), want);
        let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(first["source"], "/logs/db01/auth.log");
        assert!(
            export(&src, &q, &path, false)
                .unwrap_err()
                .contains("exists already")
        );
        let csv = dir.path().join("view.csv");
        export(&src, &q, &csv, false).unwrap();
        let csv = std::fs::read_to_string(csv).unwrap();
        assert!(csv.starts_with("ts,source,line,level"));
        assert_eq!(csv.lines().count(), want + 1);
    }
}
