//! The explorer's loop: terminal events and the worker's answers arrive on one channel; all
//! pending messages are applied before drawing, and the screen is drawn at most once a frame.
//! A worker thread owns the engine: it builds or updates the index (reporting progress), then
//! answers the state's effects. The terminal is restored on exit, on panic and on SIGTERM.

use crate::app::data::{LogSource, SetSource, Span};
use crate::app::keymap::{Keymap, route};
use crate::app::session_file::{Keeper, sessions_dir};
use crate::app::{Action, AppState, Effect, serve, update};
use crate::config::Config;
use crate::engine::{Engine, EngineError, OpenOptions};
use crate::follow::{POLL, Waker};
use crate::index::update::{Progress, Summary};
use crate::ui::theme::Theme;
use crate::ui::{Ui, draw};
use anyhow::Context;
use crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyCode, KeyEvent, KeyEventKind,
    KeyModifiers, MouseButton, MouseEventKind,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// The shortest time between two draws.
const FRAME: Duration = Duration::from_millis(16);
/// The longest a burst of messages is applied before the screen is drawn.
const DRAIN: Duration = Duration::from_millis(40);
/// How often the worker looks for new log lines when no change notification arrives.
const REFRESH: Duration = Duration::from_secs(2);
/// How long the worker waits for work before looking at change notifications.
const TICK: Duration = Duration::from_millis(40);
/// How often the explorer looks for the indexer's commits while the index is being built.
const COMMIT_LOOK: Duration = Duration::from_millis(500);
/// The shortest time between two index updates (a flood of lines is taken in batches).
const MIN_ROUND: Duration = Duration::from_millis(100);
/// Lines a mouse wheel notch scrolls.
const WHEEL: i32 = 3;

/// What the loop receives.
enum Msg {
    Key(String),
    Action(Action),
    Quit,
}

/// How long the preview of never-indexed logs may take to read.
const PREVIEW_BUDGET: Duration = Duration::from_millis(300);

/// Opens the explorer on `paths` (or /var/log) and runs it until the user quits.
pub fn run(
    paths: Vec<PathBuf>,
    index_dir: Option<PathBuf>,
    config: Config,
    config_file: Option<PathBuf>,
    team_queries: Option<PathBuf>,
    team_known: Option<PathBuf>,
    follow: bool,
) -> anyhow::Result<()> {
    let paths = default_paths(paths)?;
    // Where the sources pane writes format and zone overrides.
    let config_file = config_file.or_else(crate::config::default_path);
    for p in &paths {
        let glob = p.to_string_lossy().contains(['*', '?', '[']);
        if !glob && !p.exists() {
            return Err(
                EngineError::Usage(format!("{}: no such file or folder", p.display())).into(),
            );
        }
    }
    // Stdin is new each time: it has no session to restore.
    let stdin = paths.iter().any(|p| p.as_os_str() == "-");
    let roots = crate::index::update::canonical_roots(&paths);
    let opts = OpenOptions {
        paths,
        index_dir,
        config,
    };
    explore(roots, !stdin, team_queries, team_known, follow, move |tx| {
        spawn_worker(opts, config_file, tx)
    })
}

/// Opens the explorer on a remote index and runs it until the user quits.
pub fn run_remote(
    remote: crate::remote::RemoteConfig,
    team_queries: Option<PathBuf>,
    team_known: Option<PathBuf>,
    follow: bool,
) -> anyhow::Result<()> {
    // Checked before the terminal is taken: a wrong name or URL is a plain message.
    let src = crate::remote::RemoteSource::open(&remote)?;
    let roots = vec![PathBuf::from(format!(
        "remote:{}/{}",
        remote.name, remote.index
    ))];
    explore(roots, true, team_queries, team_known, follow, move |tx| {
        spawn_remote_worker(src, tx)
    })
}

/// The explorer's loop, with `spawn` starting the worker that answers its effects.
fn explore(
    roots: Vec<PathBuf>,
    restore: bool,
    team_queries: Option<PathBuf>,
    team_known: Option<PathBuf>,
    follow: bool,
    spawn: impl FnOnce(Sender<Msg>) -> Sender<Effect>,
) -> anyhow::Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(EngineError::Usage(
            "the explorer needs a terminal; use `timberline search PATH...` in scripts".into(),
        )
        .into());
    }
    let dirs = directories::ProjectDirs::from("", "", "timberline");
    let config_dir = dirs.as_ref().map(|d| d.config_dir().to_path_buf());
    let keymap = Keymap::load(
        config_dir
            .as_ref()
            .map(|d| d.join("keymap.toml"))
            .as_deref(),
    )?;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = Theme::load(
        config_dir.as_ref().map(|d| d.join("theme.toml")).as_deref(),
        no_color,
    )?;
    let saved_path = config_dir.as_ref().map(|d| d.join("queries.toml"));
    let saved_files = crate::app::saved::files(team_queries.as_deref(), saved_path.as_deref());
    let saved = crate::app::saved::load_all(&saved_files, team_queries.as_deref())?;
    let known_files = crate::patterns::known::files(team_known.as_deref());
    let known = crate::patterns::known::load(&known_files, team_known.as_deref())?;
    let ui = Ui { theme, keymap };
    let mut keeper = Keeper::new(sessions_dir().filter(|_| restore), roots);
    let (tx, rx) = mpsc::channel();
    let effects = spawn(tx.clone());
    spawn_input(tx.clone());
    spawn_signals(tx)?;
    let _guard = TerminalGuard::enter()?;
    let mut terminal =
        Terminal::new(CrosstermBackend::new(std::io::stdout())).context("starting the terminal")?;
    let size = terminal.size().context("reading the terminal size")?;
    let mut state = AppState::new(size.width, size.height);
    state.follow = follow;
    state.help = crate::app::help::text(&ui.keymap);
    state.notes.key = ui
        .keymap
        .keys_for(&Action::Notes)
        .first()
        .map_or(String::new(), |k| k.to_string());
    state.saved = saved;
    state.saved_path = saved_path;
    state.known = known.statuses();
    state.known_path = crate::patterns::known::user_file();
    state.rules.files =
        crate::rules::config::files(None, crate::rules::config::user_file().as_deref());
    event_loop(&mut terminal, &mut state, &ui, &rx, &effects, &mut keeper)
}

/// Serves the explorer from a remote index; every few seconds, asks it what it holds now
/// (new events, for follow and the timeline).
fn spawn_remote_worker(src: crate::remote::RemoteSource, tx: Sender<Msg>) -> Sender<Effect> {
    let (etx, erx) = mpsc::channel::<Effect>();
    std::thread::spawn(move || {
        let mut span = src.span();
        if tx.send(Msg::Action(Action::Opened(span.clone()))).is_err() {
            return;
        }
        let mut last_round = Instant::now();
        loop {
            match erx.recv_timeout(TICK) {
                Ok(first) => {
                    let mut batch = vec![first];
                    batch.extend(erx.try_iter());
                    for e in latest(batch) {
                        if tx.send(Msg::Action(serve(&src, e))).is_err() {
                            return;
                        }
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            if last_round.elapsed() >= crate::remote::commands::POLL * 2 {
                last_round = Instant::now();
                let now = src.span();
                if now.events != span.events || now.last != span.last {
                    span = now;
                    if tx.send(Msg::Action(Action::Grew(span.clone()))).is_err() {
                        return;
                    }
                }
            }
        }
    });
    etx
}

/// The user's paths, or /var/log when it can be read.
fn default_paths(paths: Vec<PathBuf>) -> anyhow::Result<Vec<PathBuf>> {
    if !paths.is_empty() {
        return Ok(paths);
    }
    let var_log = Path::new("/var/log");
    match std::fs::read_dir(var_log) {
        Ok(_) => Ok(vec![var_log.to_path_buf()]),
        Err(e) => Err(EngineError::Usage(format!(
            "/var/log cannot be read ({e}); name the logs to open, e.g. `timberline assets/demo`"
        ))
        .into()),
    }
}

fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<std::io::Stdout>>,
    state: &mut AppState,
    ui: &Ui,
    rx: &Receiver<Msg>,
    effects: &Sender<Effect>,
    keeper: &mut Keeper,
) -> anyhow::Result<()> {
    let mut last_draw: Option<Instant> = None;
    let mut dirty = true;
    loop {
        // Saved as you go: what changed is written now, or when the throttle allows.
        dirty |= keeper.save(state, Instant::now());
        if dirty && last_draw.is_none_or(|t| t.elapsed() >= FRAME) {
            terminal.draw(|f| draw(f, state, ui)).context("drawing")?;
            last_draw = Some(Instant::now());
            dirty = false;
        }
        let wait = match (dirty, last_draw) {
            (true, Some(t)) => FRAME.saturating_sub(t.elapsed()),
            _ => Duration::from_secs(1),
        };
        let wait = keeper.deadline().map_or(wait, |d| {
            wait.min(d.saturating_duration_since(Instant::now()))
        });
        let first = match rx.recv_timeout(wait) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => {
                keeper.flush(state);
                return Ok(());
            }
        };
        let started = Instant::now();
        let mut next = Some(first);
        while let Some(msg) = next {
            dirty |= apply(state, ui, msg, effects, keeper);
            if state.quit {
                keeper.flush(state);
                return Ok(());
            }
            next = if started.elapsed() < DRAIN {
                rx.try_recv().ok()
            } else {
                None
            };
        }
    }
}

/// Applies one message; true when the screen may have changed.
fn apply(
    state: &mut AppState,
    ui: &Ui,
    msg: Msg,
    effects: &Sender<Effect>,
    keeper: &mut Keeper,
) -> bool {
    let action = match msg {
        Msg::Quit => Some(Action::Quit),
        Msg::Action(a) => Some(a),
        Msg::Key(k) => route(state, &ui.keymap, &k),
    };
    let Some(action) = action else { return false };
    if let Action::Opened(span) = &action {
        keeper.opened(&span.roots);
    }
    state.now_us = chrono::Utc::now().timestamp_micros();
    let mut fx = update(state, action);
    // The last session comes back once the logs have events to show.
    fx.extend(keeper.restore(state));
    for e in fx {
        // A closed channel means the worker is gone; its last message says why.
        let _ = effects.send(e);
    }
    true
}

/// The canonical name of a key press (as keymap files write it), if it is one.
pub fn key_name(k: &KeyEvent) -> Option<String> {
    if k.kind == KeyEventKind::Release {
        return None;
    }
    let mut mods = String::new();
    if k.modifiers.contains(KeyModifiers::CONTROL) {
        mods.push_str("ctrl-");
    }
    if k.modifiers.contains(KeyModifiers::ALT) {
        mods.push_str("alt-");
    }
    let base = match k.code {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) if mods.contains("ctrl-") => c.to_ascii_lowercase().to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Up => "up".into(),
        KeyCode::Down => "down".into(),
        KeyCode::Left => "left".into(),
        KeyCode::Right => "right".into(),
        KeyCode::PageUp => "pageup".into(),
        KeyCode::PageDown => "pagedown".into(),
        KeyCode::Home => "home".into(),
        KeyCode::End => "end".into(),
        KeyCode::Enter => "enter".into(),
        KeyCode::Esc => "esc".into(),
        KeyCode::Tab => "tab".into(),
        KeyCode::BackTab => "backtab".into(),
        KeyCode::Backspace => "backspace".into(),
        KeyCode::Delete => "delete".into(),
        KeyCode::Insert => "insert".into(),
        KeyCode::F(n) => format!("f{n}"),
        _ => return None,
    };
    Some(format!("{mods}{base}"))
}

/// Turns terminal events into messages, on its own thread.
fn spawn_input(tx: Sender<Msg>) {
    std::thread::spawn(move || {
        while let Ok(ev) = event::read() {
            let msg = match ev {
                Event::Key(k) => key_name(&k).map(Msg::Key),
                Event::Resize(width, height) => Some(Msg::Action(Action::Resize { width, height })),
                Event::Mouse(m) => match m.kind {
                    MouseEventKind::ScrollDown => Some(Msg::Action(Action::Scroll(WHEEL))),
                    MouseEventKind::ScrollUp => Some(Msg::Action(Action::Scroll(-WHEEL))),
                    MouseEventKind::Down(MouseButton::Left) => Some(Msg::Action(Action::Click {
                        x: m.column,
                        y: m.row,
                    })),
                    _ => None,
                },
                _ => None,
            };
            if let Some(msg) = msg
                && tx.send(msg).is_err()
            {
                return;
            }
        }
    });
}

/// SIGTERM, SIGHUP and SIGINT end the loop, which restores the terminal.
fn spawn_signals(tx: Sender<Msg>) -> anyhow::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])
        .context("installing signal handlers")?;
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            let _ = tx.send(Msg::Quit);
        }
    });
    Ok(())
}

/// Indexing progress as messages, at most ten a second.
struct ChannelProgress {
    tx: Sender<Msg>,
    total: AtomicU64,
    done: AtomicU64,
    file: Mutex<String>,
    last: Mutex<Option<Instant>>,
}

impl ChannelProgress {
    fn report(&self) {
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        if last.is_some_and(|t| t.elapsed() < Duration::from_millis(100)) {
            return;
        }
        *last = Some(Instant::now());
        let file = self.file.lock().map(|f| f.clone()).unwrap_or_default();
        let _ = self.tx.send(Msg::Action(Action::Progress {
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
            file,
        }));
    }
}

impl Progress for ChannelProgress {
    fn start(&self, total_bytes: u64, _files: usize) {
        self.total.store(total_bytes, Ordering::Relaxed);
        self.report();
    }
    fn file(&self, path: &Path) {
        if let Ok(mut f) = self.file.lock() {
            *f = path.display().to_string();
        }
        self.report();
    }
    fn advance(&self, bytes: u64) {
        self.done.fetch_add(bytes, Ordering::Relaxed);
        self.report();
    }
}

/// Starts the thread that owns the engine; returns where to send it work.
fn spawn_worker(
    opts: OpenOptions,
    config_file: Option<PathBuf>,
    tx: Sender<Msg>,
) -> Sender<Effect> {
    let (etx, erx) = mpsc::channel::<Effect>();
    std::thread::spawn(move || {
        // What was indexed before is shown at once; the update runs on its own thread.
        let (mut engine, notes) = match Engine::open_committed(opts.clone()) {
            Ok(opened) => opened,
            Err(e) => {
                let text = crate::output::error_text::with_owner_hint(&e, e.to_string());
                let _ = tx.send(Msg::Action(Action::Failed(format!(
                    "cannot open the logs: {text}"
                ))));
                return;
            }
        };
        let committed: Span = engine.span();
        // Logs never indexed: their newest lines at once, until the first commit.
        let preview = (committed.events == 0)
            .then(|| crate::preview::Preview::read(&opts.paths, &opts.config, PREVIEW_BUDGET))
            .filter(|p| !p.is_empty());
        let indexer = spawn_indexer(opts, tx.clone());
        let mut span = preview.as_ref().map_or(committed, LogSource::span);
        span.notes.extend(notes);
        if tx.send(Msg::Action(Action::Opened(span))).is_err() {
            return;
        }
        let mut settings = Settings {
            file: config_file,
            pending: Vec::new(),
        };
        match serve_while_indexing(engine, preview, &indexer, &erx, &tx, &mut settings) {
            Some(e) => engine = e,
            None => return,
        }
        if let Some(last) = settings.pending.last().cloned()
            && tx
                .send(Msg::Action(settings.reread(&mut engine, &last)))
                .is_err()
        {
            return;
        }
        let (waker, note) = Waker::new(engine.roots(), Some(engine.index_dir()));
        if let Some(note) = note
            && tx.send(Msg::Action(Action::Noted(vec![note]))).is_err()
        {
            return;
        }
        let refresh_every = if waker.is_polling() { POLL } else { REFRESH };
        let mut changed = false;
        let mut last_error: Option<String> = None;
        let mut last_round = Instant::now();
        loop {
            // The user's requests first; new lines are taken in when they are answered.
            match erx.recv_timeout(TICK) {
                Ok(first) => {
                    let mut batch = vec![first];
                    batch.extend(erx.try_iter());
                    for e in latest(batch) {
                        let answer = match e {
                            Effect::SetSource(r) => settings.apply(&mut engine, &r, &tx),
                            e => serve(&engine, e),
                        };
                        if tx.send(Msg::Action(answer)).is_err() {
                            return;
                        }
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            changed |= waker.changed();
            let since = last_round.elapsed();
            if (changed && since >= MIN_ROUND) || since >= refresh_every {
                changed = false;
                last_round = Instant::now();
                let sent = match engine.refresh(&crate::index::update::Quiet) {
                    Ok(s) => {
                        last_error = None;
                        // Kept for the notes pane (each once: a skipped file is noted every round).
                        (s.notes.is_empty() || tx.send(Msg::Action(Action::Noted(s.notes))).is_ok())
                            && (!s.changed
                                || tx.send(Msg::Action(Action::Grew(engine.span()))).is_ok())
                    }
                    // Said once (not every round while it lasts); the view keeps the last commit.
                    Err(e) => {
                        let e = format!("the index could not be updated: {e}");
                        crate::index::trace::line(|| e.clone());
                        let new = last_error.as_ref() != Some(&e);
                        last_error = Some(e.clone());
                        !new || tx.send(Msg::Action(Action::Notice(e))).is_ok()
                    }
                };
                if !sent {
                    return;
                }
            }
        }
    });
    etx
}

/// Brings the index up to date on its own thread, reporting progress; the up-to-date engine
/// (or why there is none) arrives on the returned channel.
fn spawn_indexer(
    opts: OpenOptions,
    tx: Sender<Msg>,
) -> Receiver<Result<(Engine, Summary), EngineError>> {
    let (done_tx, done_rx) = mpsc::channel();
    // The progress bar shows from the first screen on.
    let _ = tx.send(Msg::Action(Action::Progress {
        done: 0,
        total: 0,
        file: String::new(),
    }));
    std::thread::spawn(move || {
        let progress = ChannelProgress {
            tx,
            total: AtomicU64::new(0),
            done: AtomicU64::new(0),
            file: Mutex::new(String::new()),
            last: Mutex::new(None),
        };
        let _ = done_tx.send(Engine::open(opts, &progress));
    });
    done_rx
}

/// Answers the state's effects from what is committed while the indexer works, taking in its
/// commits as they come (the views fill in); returns the indexer's up-to-date engine, or the
/// committed one if indexing failed (said on the status line). `None`: the explorer is gone.
fn serve_while_indexing(
    mut engine: Engine,
    mut preview: Option<crate::preview::Preview>,
    indexer: &Receiver<Result<(Engine, Summary), EngineError>>,
    erx: &Receiver<Effect>,
    tx: &Sender<Msg>,
    settings: &mut Settings,
) -> Option<Engine> {
    let mut last_look = Instant::now();
    loop {
        match indexer.try_recv() {
            Ok(Ok((mut fresh, summary))) => {
                // Settings written meanwhile: the indexer read with the config it started with.
                if settings.pending.last().is_some() {
                    fresh.set_config(engine.config().clone());
                }
                let mut span = fresh.span();
                span.notes = summary.notes;
                tx.send(Msg::Action(Action::Indexed(span))).ok()?;
                return Some(fresh);
            }
            Ok(Err(e)) => {
                let span = engine.span();
                tx.send(Msg::Action(Action::Indexed(span))).ok()?;
                let msg = format!("indexing failed: {e}; showing what was indexed before");
                tx.send(Msg::Action(Action::Failed(msg))).ok()?;
                return Some(engine);
            }
            Err(mpsc::TryRecvError::Disconnected) => return Some(engine),
            Err(mpsc::TryRecvError::Empty) => {}
        }
        match erx.recv_timeout(TICK) {
            Ok(first) => {
                let mut batch = vec![first];
                batch.extend(erx.try_iter());
                for e in latest(batch) {
                    let answer = match (e, &preview) {
                        (Effect::SetSource(r), _) => settings.write_later(&mut engine, r),
                        (e, Some(p)) => serve(
                            &crate::preview::Filling {
                                preview: p,
                                index: &engine,
                            },
                            e,
                        ),
                        (e, None) => serve(&engine, e),
                    };
                    tx.send(Msg::Action(answer)).ok()?;
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return None,
        }
        if last_look.elapsed() >= COMMIT_LOOK {
            last_look = Instant::now();
            if engine.reload_committed().unwrap_or(false) {
                let span = engine.span();
                // The index replaces the preview once it holds its newest event.
                if preview.as_ref().is_some_and(|p| span.last >= p.last()) {
                    preview = None;
                }
                if preview.is_none() {
                    tx.send(Msg::Action(Action::Grew(span))).ok()?;
                }
            }
        }
    }
}

/// The sources pane's format and zone settings: the config file they are written to, and the
/// settings written while the index was being built (applied once it is).
struct Settings {
    file: Option<PathBuf>,
    pending: Vec<SetSource>,
}

impl Settings {
    /// Writes `r` into the config file and gives the engine the new config; returns how many
    /// indexed files it changes (they are read again at the next refresh).
    fn write(&self, engine: &mut Engine, r: &SetSource) -> Result<usize, String> {
        use crate::index::settings::{Change, Configured, change};
        let file = self.file.as_deref().ok_or_else(|| {
            format!(
                "{}: no config directory to save it in (start with --config FILE)",
                r.describe()
            )
        })?;
        let config = crate::config::edit::write_override(
            file,
            Path::new(&r.path),
            r.setting,
            r.value.as_deref(),
        )
        .map_err(|e| format!("{}: not changed: {e}", r.describe()))?;
        let rereads = engine
            .files()
            .iter()
            .filter(|f| {
                let now = Configured::of(&config, &f.path);
                matches!(change(f, false, &now), Change::Reread { .. })
            })
            .count();
        engine.set_config(config);
        Ok(rereads)
    }

    /// Writes `r`, says so, re-reads the files it changes and answers with the new span.
    fn apply(&self, engine: &mut Engine, r: &SetSource, tx: &Sender<Msg>) -> Action {
        let n = match self.write(engine, r) {
            Ok(n) => n,
            Err(e) => return Action::SourceSet(Err(e)),
        };
        if n > 0 {
            let _ = tx.send(Msg::Action(Action::Notice(format!(
                "{}; re-reading {n} file{}…",
                r.describe(),
                plural(n)
            ))));
        }
        self.reread(engine, r)
    }

    /// Refreshes the index (the changed files are read again) and says what happened.
    fn reread(&self, engine: &mut Engine, r: &SetSource) -> Action {
        let saved = self
            .file
            .as_deref()
            .and_then(Path::file_name)
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        match engine.refresh(&crate::index::update::Quiet) {
            Ok(summary) => {
                let n = summary.reread.len();
                let what = match n {
                    0 => "nothing to re-read".to_string(),
                    n => format!("re-read {n} file{}", plural(n)),
                };
                let msg = format!("{}; {what} (saved in {saved})", r.describe());
                Action::SourceSet(Ok((engine.span(), msg)))
            }
            Err(e) => Action::SourceSet(Err(format!(
                "{}: saved in {saved}, but the index could not be updated: {e}",
                r.describe()
            ))),
        }
    }

    /// While the index is being built: writes `r` now, reads the file again once indexing is
    /// done.
    fn write_later(&mut self, engine: &mut Engine, r: SetSource) -> Action {
        if let Err(e) = self.write(engine, &r) {
            return Action::SourceSet(Err(e));
        }
        let msg = format!("{}; applied when indexing is done", r.describe());
        self.pending.push(r);
        Action::SourceSet(Ok((engine.span(), msg)))
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Only the newest effect of each kind matters: the state drops older answers anyway. Every
/// source setting is kept (each one changes the config file).
fn latest(batch: Vec<Effect>) -> Vec<Effect> {
    let kind = |e: &Effect| match e {
        Effect::Load { .. }
        | Effect::Find { .. }
        | Effect::Seek { .. }
        | Effect::FirstOccurrence { .. } => Some(0),
        Effect::Timeline { .. } => Some(1),
        Effect::Count { .. } => Some(2),
        Effect::CountView { .. } => Some(9),
        Effect::Save(_) => Some(3),
        Effect::Context { .. } => Some(4),
        Effect::Export { .. } => Some(5),
        Effect::Rank { .. } => Some(6),
        Effect::Patterns { .. } => Some(7),
        Effect::Values { .. } => Some(8),
        Effect::Firsts { .. } => Some(10),
        Effect::Rules { .. } => Some(11),
        Effect::SetSource(_) | Effect::MarkPatterns { .. } => None,
    };
    let mut out: Vec<Effect> = Vec::new();
    for e in batch.into_iter().rev() {
        if kind(&e).is_none() || !out.iter().any(|o| kind(o) == kind(&e)) {
            out.push(e);
        }
    }
    out.reverse();
    out
}

/// Raw mode, the alternate screen and mouse reports while alive; restored on drop and on
/// panic.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> anyhow::Result<TerminalGuard> {
        let hook = std::panic::take_hook();
        // A panic in any thread ends the program: the screen cannot be trusted after it.
        std::panic::set_hook(Box::new(move |info| {
            restore();
            hook(info);
            std::process::exit(101);
        }));
        enable_raw_mode().context("entering raw mode")?;
        let guard = TerminalGuard;
        execute!(std::io::stdout(), EnterAlternateScreen, EnableMouseCapture)
            .context("entering the alternate screen")?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_match_keymap_names() {
        let k = |code, mods| key_name(&KeyEvent::new(code, mods));
        assert_eq!(
            k(KeyCode::Char('G'), KeyModifiers::SHIFT).as_deref(),
            Some("G")
        );
        assert_eq!(
            k(KeyCode::Char('d'), KeyModifiers::CONTROL).as_deref(),
            Some("ctrl-d")
        );
        assert_eq!(
            k(KeyCode::PageDown, KeyModifiers::NONE).as_deref(),
            Some("pagedown")
        );
        assert_eq!(
            k(KeyCode::Char(' '), KeyModifiers::NONE).as_deref(),
            Some("space")
        );
        for name in ["G", "ctrl-d", "pagedown", "space", "esc", "f5"] {
            assert_eq!(crate::app::keymap::parse_key(name).as_deref(), Some(name));
        }
    }

    /// The worker's side of the sources pane, on a real engine: the override lands in the
    /// config file (comments kept), the file is read again, and the span shows it.
    #[test]
    fn a_source_setting_is_saved_and_the_file_reread() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        std::fs::create_dir(&logs).unwrap();
        let lines: String = (0..20)
            .map(|i| format!("Oct  5 02:00:{i:02} web01 sshd[7]: line {i}\n"))
            .collect();
        std::fs::write(logs.join("web.log"), lines).unwrap();
        let config_file = dir.path().join("config.toml");
        std::fs::write(&config_file, "# mine\n").unwrap();
        let opts = OpenOptions {
            paths: vec![logs.clone()],
            index_dir: Some(dir.path().join("idx")),
            config: Config::default(),
        };
        let (mut engine, _) = Engine::open(opts, &crate::index::update::Quiet).unwrap();
        let path = engine.span().files[0].path.clone();
        let settings = Settings {
            file: Some(config_file.clone()),
            pending: Vec::new(),
        };
        let (tx, rx) = mpsc::channel();
        let set = SetSource {
            path: path.clone(),
            name: "web.log".into(),
            setting: crate::config::edit::Setting::Zone,
            value: Some("Asia/Tokyo".into()),
        };
        let Action::SourceSet(Ok((span, msg))) = settings.apply(&mut engine, &set, &tx) else {
            panic!("not applied");
        };
        assert_eq!(
            msg,
            "web.log: zone Asia/Tokyo; re-read 1 file (saved in config.toml)"
        );
        let Ok(Msg::Action(Action::Notice(first))) = rx.try_recv() else {
            panic!("no notice before the re-read");
        };
        assert_eq!(first, "web.log: zone Asia/Tokyo; re-reading 1 file…");
        let f = &span.files[0];
        assert_eq!(
            (f.zone.as_str(), f.set_zone.as_deref()),
            ("Asia/Tokyo", Some("Asia/Tokyo"))
        );
        assert_eq!(span.events, 20, "re-read, not duplicated");
        let text = std::fs::read_to_string(&config_file).unwrap();
        assert!(text.starts_with("# mine\n"), "{text}");
        assert!(text.contains(&format!("path = {path:?}")), "{text}");
        // A config file that does not parse is named, and nothing changes.
        std::fs::write(&config_file, "[[source]\n").unwrap();
        let Action::SourceSet(Err(e)) = settings.apply(&mut engine, &set, &tx) else {
            panic!("applied over a broken config");
        };
        assert!(e.contains(&config_file.display().to_string()), "{e}");
    }

    /// A panic on another thread restores the terminal (raw mode, alternate screen, mouse,
    /// cursor) before its message is printed. This test runs itself again as a child in a
    /// terminal (`script`); the child enters the explorer's modes and panics.
    #[test]
    fn a_panic_restores_the_terminal() {
        if std::env::var_os("TIMBERLINE_PANIC_CHILD").is_some() {
            let _guard = TerminalGuard::enter().unwrap();
            let _ = std::thread::spawn(|| panic!("boom in a worker")).join();
            return;
        }
        if std::process::Command::new("script")
            .arg("--version")
            .output()
            .is_err()
        {
            assert!(
                std::env::var_os("TIMBERLINE_REQUIRE_ALL_TESTS").is_none_or(|v| v != "1"),
                "`script` is needed"
            );
            eprintln!("skipped: `script` (util-linux) is not installed");
            return;
        }
        let me = std::env::current_exe().unwrap();
        let child = format!(
            "{} --exact tui::tests::a_panic_restores_the_terminal --nocapture --test-threads=1; stty -a",
            me.display()
        );
        let out = std::process::Command::new("script")
            .args(["-qec", &child, "/dev/null"])
            .env("TIMBERLINE_PANIC_CHILD", "1")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let at = |seq: &str| text.find(seq);
        let entered = at("\x1b[?1049h").expect("entered the alternate screen");
        let left = at("\x1b[?1049l").expect("left the alternate screen");
        let message = at("boom in a worker").expect("the panic message");
        assert!(entered < left && left < message, "{}", text.escape_debug());
        assert!(
            text[left..].contains("\x1b[?25h") || text[..left].rfind("\x1b[?25h") > Some(entered)
        );
        assert!(text.contains("\x1b[?1000l"), "mouse capture off");
        // Raw mode is off: the line discipline echoes and reads lines again.
        let stty = &text[message..];
        assert!(
            stty.contains(" icanon") && stty.contains(" echo") && !stty.contains("-icanon"),
            "{stty}"
        );
    }

    #[test]
    fn only_the_latest_effect_of_a_kind_is_served() {
        let q = crate::app::data::Query::default();
        let load = |id| Effect::Load {
            id,
            query: q.clone(),
            target: crate::app::data::Target::End,
        };
        let count = |id| Effect::Count {
            id,
            query: q.clone(),
        };
        assert_eq!(
            latest(vec![load(1), count(2), load(3)]),
            vec![count(2), load(3)]
        );
        let set = |zone: &str| {
            Effect::SetSource(crate::app::data::SetSource {
                path: "/logs/web.log".into(),
                name: "web.log".into(),
                setting: crate::config::edit::Setting::Zone,
                value: Some(zone.into()),
            })
        };
        assert_eq!(
            latest(vec![set("UTC"), load(1), set("Asia/Tokyo")]),
            vec![set("UTC"), load(1), set("Asia/Tokyo")],
            "every setting is written"
        );
    }
}
