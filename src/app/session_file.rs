//! Where and when the session is saved: one JSON file per set of opened logs in
//! `<state dir>/sessions/` (`TIMBERLINE_STATE_DIR` overrides the state dir), named like the
//! index folder, private (0700 folder, 0600 file), replaced atomically (a temporary file then a
//! rename, so a kill mid-write leaves the old file). [`Keeper`] reads it when the logs open,
//! restores it once they have events, then writes each change, at most every [`GAP`], and once
//! more on quit.

use super::data::Effect;
use super::session::{Session, restore};
use super::state::AppState;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The shortest time between two writes of the session file.
pub const GAP: Duration = Duration::from_millis(500);

/// `$TIMBERLINE_STATE_DIR/sessions`, else the user's state dir (data dir where there is no
/// state dir) + `timberline/sessions`.
pub fn sessions_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("TIMBERLINE_STATE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d).join("sessions"));
    }
    let dirs = directories::ProjectDirs::from("", "", "timberline")?;
    let base = dirs.state_dir().unwrap_or(dirs.data_local_dir());
    Some(base.join("sessions"))
}

/// The session file for an index's `roots` opened on `paths` (both canonical). Named by the
/// roots like the index folder; when the paths are a part of the roots (an index of a parent
/// folder reused) they are in the name too, so each set of opened logs has its own session.
pub fn file_for(dir: &Path, roots: &[PathBuf], paths: &[PathBuf]) -> PathBuf {
    let name = if paths.is_empty() || paths == roots {
        crate::index::store::roots_name(roots)
    } else {
        crate::index::store::roots_name(&[roots, paths].concat())
    };
    dir.join(format!("{name}.json"))
}

/// Reads a session file. A missing file is `Ok(None)`; one that cannot be used says why.
pub fn read(path: &Path) -> Result<Option<Session>, String> {
    match fs::read_to_string(path) {
        Ok(text) => Session::from_json(&text).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// Replaces the file at `path` with `session`, atomically, creating its folder (0700).
pub fn write(path: &Path, session: &Session) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let dir = path.parent().ok_or_else(|| fail(&"no folder"))?;
    if !dir.is_dir() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| fail(&e))?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(|e| fail(&e))?;
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".session-")
        .suffix(".tmp")
        .permissions(fs::Permissions::from_mode(0o600))
        .tempfile_in(dir)
        .map_err(|e| fail(&e))?;
    tmp.write_all(session.to_json().as_bytes())
        .map_err(|e| fail(&e))?;
    tmp.persist(path).map_err(|e| fail(&e.error))?;
    Ok(())
}

/// At most one write per [`GAP`]: a change within it waits (see [`Throttle::deadline`]).
#[derive(Debug, Default)]
pub struct Throttle {
    /// What the file holds (as far as known).
    written: Option<Session>,
    last: Option<Instant>,
    /// A change not written yet.
    waiting: Option<Session>,
}

impl Throttle {
    /// Offers the latest session; returns it when it should be written now.
    pub fn offer(&mut self, session: Session, now: Instant) -> Option<Session> {
        if self.written.as_ref() == Some(&session) {
            self.waiting = None;
            return None;
        }
        if self.last.is_some_and(|t| now.duration_since(t) < GAP) {
            self.waiting = Some(session);
            return None;
        }
        self.waiting = None;
        self.last = Some(now);
        self.written = Some(session.clone());
        Some(session)
    }

    /// When the waiting change is due, if one is waiting.
    pub fn deadline(&self) -> Option<Instant> {
        self.waiting.as_ref()?;
        self.last.map(|t| t + GAP)
    }

    /// A write failed: the file's content is unknown, so the next offer writes (after the gap).
    pub fn failed(&mut self) {
        self.written = None;
    }

    /// Whether `session` differs from what was written.
    pub fn changed(&self, session: &Session) -> bool {
        self.written.as_ref() != Some(session)
    }
}

/// The session of one explorer run, from reading to the last write.
#[derive(Debug)]
pub struct Keeper {
    /// The sessions folder; `None` when there is none (stdin, no home folder).
    dir: Option<PathBuf>,
    /// The user's paths (canonical).
    paths: Vec<PathBuf>,
    file: Option<PathBuf>,
    /// Read when the logs opened, restored once they have events.
    pending: Option<Result<Session, String>>,
    /// Restored (or nothing to restore): changes are saved from now on.
    live: bool,
    throttle: Throttle,
    /// A failed write was said on the status line (once is enough).
    told: bool,
}

impl Keeper {
    pub fn new(dir: Option<PathBuf>, paths: Vec<PathBuf>) -> Keeper {
        Keeper {
            dir,
            paths,
            file: None,
            pending: None,
            live: false,
            throttle: Throttle::default(),
            told: false,
        }
    }

    /// The logs opened on an index of `roots`: reads their session file.
    pub fn opened(&mut self, roots: &[PathBuf]) {
        let Some(dir) = &self.dir else { return };
        if self.file.is_some() || roots.is_empty() {
            return;
        }
        let file = file_for(dir, roots, &self.paths);
        self.pending = read(&file).transpose();
        self.file = Some(file);
    }

    /// Restores the session read at opening once the logs have events to show; returns the
    /// effects. A file that cannot be used is said on the status line and left alone until the
    /// first change overwrites it.
    pub fn restore(&mut self, s: &mut AppState) -> Vec<Effect> {
        if self.live || self.file.is_none() || s.span.as_ref().is_none_or(|p| p.events == 0) {
            return Vec::new();
        }
        self.live = true;
        match (self.pending.take(), &self.file) {
            (Some(Ok(session)), _) => restore(s, session),
            (Some(Err(why)), Some(file)) => {
                s.set_status(format!("last session ignored ({why}): {}", file.display()));
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Saves the state's session if it changed (now, or when the gap is over). Call after each
    /// batch of messages and at [`Keeper::deadline`]. True when the status line changed (the
    /// first failed write is said there).
    pub fn save(&mut self, s: &mut AppState, now: Instant) -> bool {
        let (Some(file), true) = (&self.file, self.live) else {
            return false;
        };
        let Some(session) = Session::of(s) else {
            return false;
        };
        let Some(session) = self.throttle.offer(session, now) else {
            return false;
        };
        match write(file, &session) {
            Ok(()) => false,
            Err(e) => {
                self.throttle.failed();
                let tell = !self.told;
                if tell {
                    self.told = true;
                    s.set_error(format!("cannot save the session: {e}"));
                }
                tell
            }
        }
    }

    /// When a throttled change is due to be written.
    pub fn deadline(&self) -> Option<Instant> {
        self.throttle.deadline()
    }

    /// On quit: writes the last change at once. Errors are dropped (there is no screen left to
    /// say them on).
    pub fn flush(&mut self, s: &AppState) {
        let (Some(file), true) = (&self.file, self.live) else {
            return;
        };
        let latest = Session::of(s).or_else(|| self.throttle.waiting.take());
        if let Some(session) = latest
            && self.throttle.changed(&session)
        {
            let _ = write(file, &session);
        }
    }
}
