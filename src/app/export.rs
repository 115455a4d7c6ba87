//! `:export [--hits|--marked] FILE`: every event of the current view (filters, level, since),
//! or only the search's hits in it, or the marked events, written as jsonl, or csv when the
//! file name ends in `.csv`, in the same shape as `timberline search`.

use super::data::{EventKey, LogEvent, LogSource, Query, Which};
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
pub fn export(
    src: &dyn LogSource,
    q: &Query,
    which: &Which,
    path: &Path,
    replace: bool,
) -> Result<usize, String> {
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
    let q = match which {
        Which::View => Query {
            search: None,
            ..q.clone()
        },
        Which::Hits => Query {
            filter: q.hits_expr(),
            search: None,
            since: q.since,
        },
        Which::Marked(keys) => {
            let n = marked(src, keys, &mut |e| {
                out.write(&record(e)).map_err(|e| fail(&e))
            })?;
            out.flush().map_err(|e| fail(&e))?;
            return Ok(n);
        }
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

/// Writes the events of `keys` (in time order), each read at its time whatever the filters;
/// a marked event no longer in the logs is left out.
fn marked(
    src: &dyn LogSource,
    keys: &[EventKey],
    write: &mut dyn FnMut(LogEvent) -> Result<(), String>,
) -> Result<usize, String> {
    let all = Query::default();
    let mut keys = keys.to_vec();
    keys.sort();
    let mut n = 0;
    for k in keys {
        // The events at or after its time, until it or a later one.
        let mut at = k.ts;
        'page: loop {
            let page = src.around(&all, Some(at), 0, 256)?;
            for e in &page {
                if e.key() == k {
                    write(e.clone())?;
                    n += 1;
                    break 'page;
                }
                if e.key() > k {
                    break 'page;
                }
            }
            match page.last() {
                Some(last) if page.len() == 256 && last.ts > at => at = last.ts,
                _ => break,
            }
        }
    }
    Ok(n)
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
        let n = export(&src, &q, &Which::View, &path, false).unwrap();
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
            export(&src, &q, &Which::View, &path, false)
                .unwrap_err()
                .contains("exists already")
        );
        let csv = dir.path().join("view.csv");
        export(&src, &q, &Which::View, &csv, false).unwrap();
        let csv = std::fs::read_to_string(csv).unwrap();
        assert!(csv.starts_with("ts,source,line,level"));
        assert_eq!(csv.lines().count(), want + 1);
    }
}
