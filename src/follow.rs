//! Following logs as they are written: each round brings the index up to date (which handles
//! rotation exactly once), then yields the matching events not yet shown, in time order.
//!
//! The last event of a file is held back while the file is still being written, since
//! continuation lines (a traceback) or the rest of a partial line may follow: it is shown once
//! the next event starts or the file has been idle for [`IDLE`].

use crate::engine::{Engine, EngineError, Request};
use crate::index::search::Hit;
use crate::index::update::Quiet;
use crate::output::events::EventRecord;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, SystemTime};

/// How long a file must be quiet before its last event is shown.
pub const IDLE: Duration = Duration::from_millis(400);
/// How often files are looked at when no change notification arrives.
pub const POLL: Duration = Duration::from_millis(250);

/// Which events of a file were shown: every offset below `floor`, and those in `above`
/// (events of one file can be shown out of offset order when its times go backwards).
#[derive(Debug, Default)]
struct Shown {
    floor: u64,
    above: BTreeSet<u64>,
}

impl Shown {
    fn contains(&self, offset: u64) -> bool {
        offset < self.floor || self.above.contains(&offset)
    }

    /// Records a round: `printed` offsets were shown, `waiting` ones were not.
    fn record(&mut self, printed: &[u64], waiting: &[u64]) {
        self.above.extend(printed.iter().copied());
        let floor = match waiting.iter().min() {
            Some(&w) => w,
            None => self.above.iter().next_back().map_or(self.floor, |m| m + 1),
        };
        self.floor = self.floor.max(floor);
        self.above = self.above.split_off(&self.floor);
    }
}

/// Which events were already shown, per file.
pub struct Follower {
    request: Request,
    shown: HashMap<u64, Shown>,
    /// Earliest time among held-back events, to look at again next round.
    held_since: Option<i64>,
}

impl Follower {
    /// Starts following: everything indexed now counts as shown, except the last `last_n`
    /// matching events, which are returned to be shown first.
    pub fn start(
        engine: &mut Engine,
        request: Request,
        last_n: usize,
    ) -> Result<(Follower, Vec<EventRecord>), EngineError> {
        // A rotation between the update and the reading moves events: update again and retry.
        let mut first = Vec::new();
        for attempt in 0..3 {
            if last_n == 0 {
                break;
            }
            let req = Request {
                limit: Some(last_n),
                reverse: true,
                ..request.clone()
            };
            let mut hits = engine.search(&req)?;
            hits.reverse();
            let records = engine.try_records(&hits);
            if records.iter().any(Option::is_none) && attempt < 2 {
                engine.refresh(&Quiet)?;
                continue;
            }
            let fallback = engine.records(&hits);
            first = records
                .into_iter()
                .zip(fallback)
                .map(|(r, f)| r.unwrap_or(f))
                .collect();
            break;
        }
        let mut shown = HashMap::new();
        for f in engine.files().iter() {
            let floor = if f.tail_indexed {
                f.offset + 1
            } else {
                f.offset
            };
            shown.insert(
                f.id,
                Shown {
                    floor,
                    above: BTreeSet::new(),
                },
            );
        }
        Ok((
            Follower {
                request,
                shown,
                held_since: None,
            },
            first,
        ))
    }

    /// One round: update the index, return the new matching events in time order.
    pub fn round(
        &mut self,
        engine: &mut Engine,
    ) -> Result<(Vec<EventRecord>, Vec<String>), EngineError> {
        let summary = engine.refresh(&Quiet)?;
        let since = match (summary.min_new_ts, self.held_since) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => return Ok((Vec::new(), summary.notes)),
        };
        let since = since.max(self.request.since.unwrap_or(i64::MIN));
        let req = Request {
            since: Some(since),
            limit: None,
            reverse: false,
            ..self.request.clone()
        };
        let hits = engine.search(&req)?;
        let records = engine.try_records(&hits);
        let now = SystemTime::now();
        // New events, and among them the busy files' last events, which wait. Nothing at or after
        // the earliest waiting event is shown this round, so output stays in time order.
        // An event whose file was rotated away since the update waits too: the next round finds
        // it again, under the same identity, in the rotated file.
        let fresh: Vec<(Hit, Option<EventRecord>, bool)> = hits
            .into_iter()
            .zip(records)
            .filter(|(h, _)| {
                !self
                    .shown
                    .get(&h.file)
                    .is_some_and(|s| s.contains(h.offset))
            })
            .map(|(h, rec)| {
                let busy = rec.is_none()
                    || engine.files().get(h.file).is_some_and(|f| {
                        f.tail_indexed
                            && f.offset == h.offset
                            && modified_within(&f.path, now, IDLE)
                    });
                (h, rec, busy)
            })
            .collect();
        let watermark = fresh
            .iter()
            .filter(|(_, _, busy)| *busy)
            .map(|(h, _, _)| h.ts)
            .min();
        self.held_since = None;
        let mut out = Vec::new();
        let mut rounds: HashMap<u64, (Vec<u64>, Vec<u64>)> = HashMap::new();
        for (h, rec, busy) in fresh {
            let entry = rounds.entry(h.file).or_default();
            match rec {
                Some(rec) if !busy && watermark.is_none_or(|w| h.ts < w) => {
                    entry.0.push(h.offset);
                    out.push(rec);
                }
                _ => {
                    self.held_since = Some(self.held_since.map_or(h.ts, |t| t.min(h.ts)));
                    entry.1.push(h.offset);
                }
            }
        }
        for (file, (printed, waiting)) in rounds {
            self.shown
                .entry(file)
                .or_default()
                .record(&printed, &waiting);
        }
        Ok((out, summary.notes))
    }
}

fn modified_within(path: &std::path::Path, now: SystemTime, within: Duration) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map(|t| now.duration_since(t).map_or(true, |d| d < within))
        .unwrap_or(false)
}

/// Wakes the follower when something changes under the roots: file notifications where the
/// system allows them, polling otherwise.
pub struct Waker {
    events: Option<Receiver<()>>,
    _watcher: Option<notify::RecommendedWatcher>,
}

impl Waker {
    /// Watches `roots` recursively. The returned note says when watching is impossible
    /// (inotify limit, network file system) and polling is used instead.
    pub fn new(roots: &[PathBuf]) -> (Waker, Option<String>) {
        use notify::Watcher;
        let (tx, rx) = channel();
        let watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            if res.is_ok() {
                let _ = tx.send(());
            }
        });
        let mut watcher = match watcher {
            Ok(w) => w,
            Err(e) => {
                return (
                    Waker {
                        events: None,
                        _watcher: None,
                    },
                    Some(polling_note(&e)),
                );
            }
        };
        for root in roots {
            let target = if root.is_dir() {
                root.clone()
            } else {
                root.parent().map(PathBuf::from).unwrap_or_default()
            };
            if let Err(e) = watcher.watch(&target, notify::RecursiveMode::Recursive) {
                return (
                    Waker {
                        events: None,
                        _watcher: None,
                    },
                    Some(polling_note(&e)),
                );
            }
        }
        (
            Waker {
                events: Some(rx),
                _watcher: Some(watcher),
            },
            None,
        )
    }

    /// Whether a change was notified since the last look (never when polling: the caller
    /// looks every [`POLL`] instead).
    pub fn changed(&self) -> bool {
        match &self.events {
            Some(rx) => rx.try_iter().count() > 0,
            None => false,
        }
    }

    /// Whether changes are found by polling (watching was impossible).
    pub fn is_polling(&self) -> bool {
        self.events.is_none()
    }

    /// Waits for a change or the poll interval, whichever comes first.
    pub fn wait(&self) {
        match &self.events {
            Some(rx) => match rx.recv_timeout(POLL) {
                Ok(()) => {
                    // Let a burst of writes settle into one round.
                    std::thread::sleep(Duration::from_millis(20));
                    while rx.try_recv().is_ok() {}
                }
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {}
            },
            None => std::thread::sleep(POLL),
        }
    }
}

fn polling_note(e: &notify::Error) -> String {
    format!(
        "file watching is unavailable ({e}); polling every {} ms instead",
        POLL.as_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_marks_survive_out_of_order_rounds() {
        let mut s = Shown::default();
        // Offsets 0 and 200 shown, 100 waits (its time is later, the file went backwards).
        s.record(&[0, 200], &[100]);
        assert!(s.contains(0) && s.contains(200) && !s.contains(100));
        s.record(&[100], &[]);
        assert!(s.contains(100) && s.contains(200) && !s.contains(300));
        assert_eq!(s.floor, 201);
        assert!(s.above.is_empty());
    }

    #[test]
    fn a_folder_that_cannot_be_watched_falls_back_to_polling_with_one_note() {
        let gone = std::env::temp_dir()
            .join("timberline-no-such-folder-for-watching")
            .join("app.log");
        let (waker, note) = Waker::new(&[gone]);
        assert!(waker.is_polling());
        let note = note.expect("a notice");
        assert!(note.starts_with("file watching is unavailable ("), "{note}");
        assert!(note.ends_with("polling every 250 ms instead"), "{note}");
        assert!(!waker.changed());
        let started = std::time::Instant::now();
        waker.wait();
        assert!(started.elapsed() >= POLL);
    }
}
