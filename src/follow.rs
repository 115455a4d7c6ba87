//! Following logs as they are written: each round brings the index up to date (which handles
//! rotation exactly once), then yields the matching events not yet shown, in time order.
//!
//! The last event of a file is held back while the file is still being written when more of it
//! may follow: the rest of a partial line (shown once the file is idle for [`IDLE`]), or the
//! continuation lines of a format whose events can span lines (idle for [`HOLD`]). A complete
//! line of a one-line format (syslog, access logs, JSON lines, logfmt) is shown at once.

use crate::engine::{Engine, EngineError, Request};
use crate::index::search::Hit;
use crate::index::update::Quiet;
use crate::output::events::EventRecord;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant, SystemTime};

/// How long a file must be quiet before a last line without its newline is shown.
pub const IDLE: Duration = Duration::from_millis(400);
/// How long a file must be quiet before its last complete event is shown, in a format whose
/// events can run over several lines. Writers put a whole record (a traceback with its frames)
/// in one write: its lines arrive together, well within this.
pub const HOLD: Duration = Duration::from_millis(120);
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

/// What a file's checkpoint said at the last round: a change means new events to look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mark {
    events: u64,
    offset: u64,
    size: u64,
    tail_indexed: bool,
}

impl Mark {
    fn of(f: &crate::index::checkpoint::FileState) -> Mark {
        Mark {
            events: f.events,
            offset: f.offset,
            size: f.size,
            tail_indexed: f.tail_indexed,
        }
    }
}

/// Which events were already shown, per file.
///
/// New events are found by file, not by time: each round looks at the files whose checkpoint
/// changed (whoever indexed them: this process or another that holds the writer), from the
/// lowest offset not yet shown. So a follower sees every commit, its own or another
/// process's, and shows each event once.
pub struct Follower {
    request: Request,
    shown: HashMap<u64, Shown>,
    marks: HashMap<u64, Mark>,
    /// Files whose last event waits (see [`hold_for`]), with when it must be looked at again.
    held: HashMap<u64, Instant>,
    /// Notes already said by this process (each is said once).
    said: HashSet<String>,
    /// What the files held when following started, by (device, inode): the first offset of
    /// lines that arrived later (see [`baseline`]). Used once per inode, when its file first
    /// appears in the index.
    baseline: HashMap<(u64, u64), u64>,
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
        let mut marks = HashMap::new();
        // Another process may still be indexing what the files already held: those lines are
        // history, not new.
        let mut baseline = baseline(engine.roots());
        for f in engine.files().iter() {
            let indexed = if f.tail_indexed {
                f.offset + 1
            } else {
                f.offset
            };
            let floor = indexed.max(baseline.remove(&(f.dev, f.ino)).unwrap_or(0));
            shown.insert(
                f.id,
                Shown {
                    floor,
                    above: BTreeSet::new(),
                },
            );
            marks.insert(f.id, Mark::of(f));
        }
        Ok((
            Follower {
                request,
                shown,
                marks,
                held: HashMap::new(),
                said: HashSet::new(),
                baseline,
            },
            first,
        ))
    }

    /// How long the caller may wait before the next round when no file changes: until the
    /// earliest held event is due.
    pub fn due_in(&self) -> Option<Duration> {
        let now = Instant::now();
        self.held
            .values()
            .min()
            .map(|&t| t.saturating_duration_since(now))
    }

    /// Keeps the notes not said before by this process.
    fn fresh_notes(&mut self, notes: Vec<String>) -> Vec<String> {
        notes
            .into_iter()
            .filter(|n| self.said.insert(n.clone()))
            .collect()
    }

    /// One round: update the index (or take in another writer's commits), return the new
    /// matching events in time order, and the notes not said before.
    pub fn round(
        &mut self,
        engine: &mut Engine,
    ) -> Result<(Vec<EventRecord>, Vec<String>), EngineError> {
        let summary = engine.refresh(&Quiet)?;
        crate::index::trace::line(|| {
            format!(
                "round writer {} changed {} rotating {} files {:?}",
                engine.is_writer(),
                summary.changed,
                summary.rotating || engine.rotating(),
                engine
                    .files()
                    .iter()
                    .map(|f| (f.id, f.ino, f.offset))
                    .collect::<Vec<_>>()
            )
        });
        let notes = self.fresh_notes(summary.notes);
        let out = self.take_new(engine, summary.rotating)?;
        Ok((out, notes))
    }

    /// The second half of a round, for several followers sharing one refresh (`watch`):
    /// the new matching events in time order. `rotating` is the refresh's
    /// `Summary::rotating`.
    pub fn take_new(
        &mut self,
        engine: &Engine,
        rotating: bool,
    ) -> Result<Vec<EventRecord>, EngineError> {
        let now_i = Instant::now();
        let mut from = Vec::new();
        let mut present = HashSet::new();
        for f in engine.files().iter() {
            present.insert(f.id);
            if !self.shown.contains_key(&f.id)
                && let Some(floor) = self.baseline.remove(&(f.dev, f.ino))
            {
                self.shown.insert(
                    f.id,
                    Shown {
                        floor,
                        above: BTreeSet::new(),
                    },
                );
            }
            let mark = Mark::of(f);
            let changed = self.marks.insert(f.id, mark) != Some(mark);
            if changed || self.held.contains_key(&f.id) {
                from.push((f.id, self.shown.get(&f.id).map_or(0, |s| s.floor)));
            }
        }
        self.marks.retain(|id, _| present.contains(id));
        self.shown.retain(|id, _| present.contains(id));
        self.held.retain(|id, _| present.contains(id));
        if from.is_empty() {
            return Ok(Vec::new());
        }
        let req = Request {
            limit: None,
            reverse: false,
            ..self.request.clone()
        };
        let hits = engine.search_from(&req, &from)?;
        let records = engine.try_records(&hits);
        let now = SystemTime::now();
        // New events, and among them the busy files' last events, which wait. Nothing at or after
        // the earliest waiting event is shown this round, so output stays in time order.
        // An event whose file was rotated away since the update waits too: the next round finds
        // it again, under the same identity, in the rotated file.
        let mut due: HashMap<u64, Instant> = HashMap::new();
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
                let wait = match (&rec, engine.files().get(h.file)) {
                    (None, _) => Some(POLL),
                    (Some(_), Some(f)) if f.tail_indexed && f.offset == h.offset => {
                        hold_for(f, h.offset + h.len, now)
                    }
                    _ => None,
                };
                if let Some(w) = wait {
                    let at = now_i + w;
                    let e = due.entry(h.file).or_insert(at);
                    *e = (*e).min(at);
                }
                (h, rec, wait.is_some())
            })
            .collect();
        self.held = due;
        // During a rotation, lines written before these may still be in a file being
        // compressed or copied: nothing is shown until it has settled.
        let watermark = if rotating || engine.rotating() {
            Some(i64::MIN)
        } else {
            fresh
                .iter()
                .filter(|(_, _, busy)| *busy)
                .map(|(h, _, _)| h.ts)
                .min()
        };
        let mut out = Vec::new();
        let mut rounds: HashMap<u64, (Vec<u64>, Vec<u64>)> = HashMap::new();
        for (h, rec, busy) in fresh {
            let entry = rounds.entry(h.file).or_default();
            match rec {
                Some(rec) if !busy && watermark.is_none_or(|w| h.ts < w) => {
                    crate::index::trace::line(|| {
                        format!("show file {} offset {} {}", h.file, h.offset, rec.text)
                    });
                    entry.0.push(h.offset);
                    out.push(rec);
                }
                _ => {
                    // Looked at again next round, even if its file does not change.
                    self.held.entry(h.file).or_insert(now_i + POLL);
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
        Ok(out)
    }
}

/// Where each file's history ends when following starts, by (device, inode): after the last
/// complete line of a plain file; everything of a compressed one (rotated, so history).
fn baseline(roots: &[PathBuf]) -> HashMap<(u64, u64), u64> {
    let (found, _) = crate::source::discover(roots);
    found
        .into_iter()
        .filter_map(|d| {
            let stat = crate::source::FileStat::of(&d.path).ok()?;
            let end = match d.compression {
                Some(_) => u64::MAX,
                None => last_line_end(&d.path, stat.size),
            };
            Some(((stat.dev, stat.ino), end))
        })
        .collect()
}

/// The offset just after the last newline before `size` (0 when none in the last 64 KB).
fn last_line_end(path: &Path, size: u64) -> u64 {
    use std::os::unix::fs::FileExt;
    let len = size.min(64 * 1024);
    let mut buf = vec![0u8; len as usize];
    let Ok(file) = std::fs::File::open(path) else {
        return 0;
    };
    if file.read_exact_at(&mut buf, size - len).is_err() {
        return 0;
    }
    memchr::memrchr(b'\n', &buf).map_or(0, |i| size - len + i as u64 + 1)
}

/// Formats whose events are one line each: a complete last line is shown at once.
const SINGLE_LINE_FORMATS: [&str; 9] = [
    "rfc5424",
    "rfc3339-syslog",
    "rfc3164",
    "access",
    "json",
    "ltsv",
    "kv",
    "logfmt",
    "w3c",
];

/// How long a file's last event (ending at byte `end`) must still wait, if at all: a partial
/// line waits for its end; in a format whose events can run over several lines (a traceback,
/// a stack trace) the event waits until the file has been quiet for [`HOLD`], since its
/// continuation lines may follow. A complete line of a one-line format is shown at once.
fn hold_for(
    f: &crate::index::checkpoint::FileState,
    end: u64,
    now: SystemTime,
) -> Option<Duration> {
    let complete = f.compression.is_some() || ends_with_newline(&f.path, end);
    if complete && SINGLE_LINE_FORMATS.contains(&f.format.as_str()) {
        return None;
    }
    let hold = if complete { HOLD } else { IDLE };
    let age = std::fs::metadata(&f.path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| now.duration_since(t).ok())
        .unwrap_or(Duration::MAX);
    (age < hold).then(|| hold - age)
}

/// Whether the byte before `end` in the file is a newline (the line is complete).
fn ends_with_newline(path: &std::path::Path, end: u64) -> bool {
    use std::os::unix::fs::FileExt;
    let Some(at) = end.checked_sub(1) else {
        return false;
    };
    let mut b = [0u8; 1];
    std::fs::File::open(path)
        .and_then(|f| f.read_at(&mut b, at))
        .is_ok_and(|n| n == 1 && b[0] == b'\n')
}

/// Wakes the follower when something changes under the roots: file notifications where the
/// system allows them, polling otherwise.
pub struct Waker {
    events: Option<Receiver<()>>,
    _watcher: Option<notify::RecommendedWatcher>,
}

impl Waker {
    /// Watches `roots` recursively, and the index folder's commits (`meta.json`), so that a
    /// follower that is not the writer wakes when the writer commits. The returned note says
    /// when watching is impossible (inotify limit, network file system) and polling is used.
    pub fn new(roots: &[PathBuf], index_dir: Option<&Path>) -> (Waker, Option<String>) {
        use notify::Watcher;
        let (tx, rx) = channel();
        let index = index_dir.map(Path::to_path_buf);
        let watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            let Ok(event) = res else {
                return;
            };
            // In the index folder only commits count (not the writer's segment files).
            let relevant = event.paths.iter().any(|p| match &index {
                Some(dir) if p.parent() == Some(dir.as_path()) => {
                    p.file_name().is_some_and(|n| n == "meta.json")
                }
                _ => true,
            });
            if relevant {
                let _ = tx.send(());
            }
        });
        let polling = |e: &notify::Error| {
            (
                Waker {
                    events: None,
                    _watcher: None,
                },
                Some(polling_note(e)),
            )
        };
        let mut watcher = match watcher {
            Ok(w) => w,
            Err(e) => return polling(&e),
        };
        let mut unwatched = Vec::new();
        for root in roots {
            let target = if root.is_dir() {
                root.clone()
            } else {
                root.parent().map(PathBuf::from).unwrap_or_default()
            };
            match watcher.watch(&target, notify::RecursiveMode::Recursive) {
                Ok(()) => {}
                // A folder inside that cannot be read (as a user other than root): the others
                // are watched one by one, not the whole tree polled for it.
                Err(e) if is_permission(&e) && target.is_dir() => {
                    let _ = watcher.unwatch(&target);
                    unwatched.extend(watch_each(&mut watcher, &target));
                }
                Err(e) => return polling(&e),
            }
        }
        if let Some(dir) = index_dir {
            // Not fatal: the index is then looked at every poll interval.
            let _ = watcher.watch(dir, notify::RecursiveMode::NonRecursive);
        }
        let note = (!unwatched.is_empty()).then(|| {
            let names: Vec<String> = unwatched
                .iter()
                .take(3)
                .map(|p| p.display().to_string())
                .collect();
            let more = unwatched.len().saturating_sub(3);
            format!(
                "{}{}: permission denied; not watched, nor read (the rest is watched)",
                names.join(", "),
                if more > 0 {
                    format!(" and {more} more folders")
                } else {
                    String::new()
                }
            )
        });
        (
            Waker {
                events: Some(rx),
                _watcher: Some(watcher),
            },
            note,
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
        self.wait_at_most(POLL)
    }

    /// Waits for a change, or `most` (at most the poll interval), whichever comes first.
    pub fn wait_at_most(&self, most: Duration) {
        let most = most.min(POLL);
        match &self.events {
            Some(rx) => match rx.recv_timeout(most) {
                Ok(()) => {
                    // Let a burst of writes settle into one round.
                    std::thread::sleep(Duration::from_millis(20));
                    while rx.try_recv().is_ok() {}
                }
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {}
            },
            None => std::thread::sleep(most),
        }
    }
}

/// Whether watching failed for want of permission (on a folder inside the tree).
fn is_permission(e: &notify::Error) -> bool {
    matches!(&e.kind, notify::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::PermissionDenied)
}

/// Watches every readable folder under `root` by itself; returns those that cannot be read.
/// A folder made later is not watched, but is found by the poll every follower also does.
fn watch_each(watcher: &mut impl notify::Watcher, root: &Path) -> Vec<PathBuf> {
    let mut unreadable = Vec::new();
    let mut walk = walkdir::WalkDir::new(root).follow_links(false).into_iter();
    while let Some(entry) = walk.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                unreadable.extend(e.path().map(Path::to_path_buf));
                continue;
            }
        };
        if !entry.file_type().is_dir() {
            continue;
        }
        if watcher
            .watch(entry.path(), notify::RecursiveMode::NonRecursive)
            .is_err()
        {
            unreadable.push(entry.path().to_path_buf());
            walk.skip_current_dir();
        }
    }
    unreadable
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

    /// As a user other than root (root reads everything, so the test says so and passes).
    #[test]
    fn an_unreadable_subfolder_is_left_out_and_the_rest_is_still_watched() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let private = dir.path().join("private");
        std::fs::create_dir_all(dir.path().join("web01")).unwrap();
        std::fs::create_dir(&private).unwrap();
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o000)).unwrap();
        let root_reads_all = std::fs::read_dir(&private).is_ok();
        let (waker, note) = Waker::new(&[dir.path().to_path_buf()], None);
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(
            !waker.is_polling(),
            "one unreadable folder does not make the tree polled"
        );
        if root_reads_all {
            eprintln!("running as root: every folder can be read, nothing is left out");
            assert_eq!(note, None);
        } else {
            let note = note.expect("the folder left out is named");
            assert!(note.contains("private: permission denied"), "{note}");
        }
        std::fs::write(dir.path().join("web01/syslog"), "x\n").unwrap();
        let started = std::time::Instant::now();
        let mut seen = false;
        while !seen && started.elapsed() < Duration::from_secs(5) {
            seen = waker.changed();
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(seen, "a write in a watched folder is noticed");
    }

    /// A watcher that cannot watch folders named `private` (what inotify says of a folder
    /// the user may not read), recording what it watches: the per-folder fallback, whoever
    /// runs the test.
    struct Refusing(Vec<PathBuf>);

    impl notify::Watcher for Refusing {
        fn new<F: notify::EventHandler>(_: F, _: notify::Config) -> notify::Result<Self> {
            Ok(Refusing(Vec::new()))
        }
        fn watch(&mut self, path: &Path, _: notify::RecursiveMode) -> notify::Result<()> {
            if path.ends_with("private") {
                return Err(notify::Error::io(std::io::Error::from(
                    std::io::ErrorKind::PermissionDenied,
                )));
            }
            self.0.push(path.to_path_buf());
            Ok(())
        }
        fn unwatch(&mut self, _: &Path) -> notify::Result<()> {
            Ok(())
        }
        fn kind() -> notify::WatcherKind {
            notify::WatcherKind::NullWatcher
        }
    }

    #[test]
    fn each_readable_folder_is_watched_and_the_unreadable_ones_are_named() {
        let dir = tempfile::tempdir().unwrap();
        for d in ["web01", "private/inner", "db01/sub"] {
            std::fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        let mut w = Refusing(Vec::new());
        let unreadable = watch_each(&mut w, dir.path());
        assert_eq!(unreadable, vec![dir.path().join("private")]);
        let mut watched = w.0.clone();
        watched.sort();
        let want: Vec<PathBuf> = ["", "db01", "db01/sub", "web01"]
            .iter()
            .map(|d| {
                if d.is_empty() {
                    dir.path().to_path_buf()
                } else {
                    dir.path().join(d)
                }
            })
            .collect();
        assert_eq!(watched, want, "private/inner is skipped with its parent");
        assert!(is_permission(&notify::Error::io(std::io::Error::from(
            std::io::ErrorKind::PermissionDenied
        ))));
    }

    #[test]
    fn a_folder_that_cannot_be_watched_falls_back_to_polling_with_one_note() {
        let gone = std::env::temp_dir()
            .join("timberline-no-such-folder-for-watching")
            .join("app.log");
        let (waker, note) = Waker::new(&[gone], None);
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
