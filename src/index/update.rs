//! Bringing an index up to date with the files: discover, reconcile, read what is new, commit.
//!
//! Commits carry the checkpoint of every file in their payload, so the index and the
//! checkpoints always agree: a run killed at any moment resumes from its last commit.

use super::checkpoint::FileState;
use super::error::{IndexError, is_disk_full};
use super::numbers;
use super::reconcile::{Action, FsHeads, plan};
use super::schema::kv_term;
use super::settings::{Change, Configured, change};
use super::store::{Store, restrict_permissions};
use crate::config::Config;
use crate::event::Parsed;
use crate::format::{Format, LineContext, LineKind, detect};
use crate::source::discover::Skipped;
use crate::source::identity::{HEAD_LEN, hash_bytes, open_same};
use crate::source::lines::skip_bytes;
use crate::source::{Discovered, FileStat, LineReader, compress};
use crate::time::Zone;
use std::io::{BufRead, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tantivy::query::{BooleanQuery, Occur, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, IndexWriter, TantivyDocument, Term};

/// Most text indexed per event; the rest stays readable from the file.
pub const MAX_EVENT_TEXT: usize = 1 << 20;
/// An event with more continuation lines than this is split (a wrongly detected format would
/// otherwise glue a whole file into one event).
const MAX_EVENT_LINES: u64 = 5000;
/// Commit at least this often while indexing (bytes of content, or time).
/// `TIMBERLINE_COMMIT_BYTES` overrides the size (the crash tests commit often).
const COMMIT_BYTES: u64 = 256 << 20;

fn commit_bytes() -> u64 {
    std::env::var("TIMBERLINE_COMMIT_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(COMMIT_BYTES)
}
const COMMIT_INTERVAL: Duration = Duration::from_secs(15);
/// A run's first commit comes sooner, so that an explorer opened on logs being indexed for the
/// first time shows events within seconds.
const FIRST_COMMIT_INTERVAL: Duration = Duration::from_secs(2);
/// Lines read to detect a file's format.
const DETECT_LINES: usize = 200;

/// Receives indexing progress (a bar on a terminal, nothing in tests).
pub trait Progress {
    fn start(&self, _total_bytes: u64, _files: usize) {}
    fn file(&self, _path: &Path) {}
    fn advance(&self, _bytes: u64) {}
    fn finish(&self) {}
}

/// No progress reporting.
pub struct Quiet;
impl Progress for Quiet {}

/// What a run did.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub files: usize,
    pub files_read: usize,
    pub events: u64,
    pub bytes: u64,
    pub seconds: f64,
    /// The index was being written by another process: this run did not update it.
    pub skipped_busy: bool,
    /// Earliest time among the events added by this run (what a follower must look at).
    pub min_new_ts: Option<i64>,
    /// Files read again from their start because the config's format or zone for them
    /// changed (their ids).
    pub reread: Vec<u64>,
    pub notes: Vec<String>,
    /// What could not be read this run (files and folders, with why; each is said in `notes`).
    pub skipped: Vec<crate::source::discover::Skipped>,
    /// A rotation was under way (a file being compressed or copied, or one renamed while it
    /// was listed): lines written before it may not be readable yet. Followers wait.
    pub rotating: bool,
    /// Set by `Engine::refresh`: the engine shows another commit than before (this process's
    /// or another's), so views and followers look again.
    pub changed: bool,
}

/// Brings `store` up to date with the files under its roots.
pub fn update(
    store: &mut Store,
    config: &Config,
    progress: &dyn Progress,
) -> Result<Summary, IndexError> {
    update_keeping(store, config, progress, false)
}

/// Like [`update`]; with `keep_writer`, tantivy's writer stays open in the store for the next
/// call, as a follower wants: each round then costs a commit, not a writer's start and the end
/// of its merges. The process holds the index's writer lock meanwhile, and a concurrent
/// `search` answers from the follower's last commit.
pub fn update_keeping(
    store: &mut Store,
    config: &Config,
    progress: &dyn Progress,
    keep_writer: bool,
) -> Result<Summary, IndexError> {
    let started = Instant::now();
    let mut summary = Summary::default();
    let mut planned = plan_work(store, config, &mut summary);
    if planned.is_none() {
        summary.seconds = started.elapsed().as_secs_f64();
        return Ok(summary);
    }

    let mut writer: IndexWriter<TantivyDocument> = match store.writer.take() {
        Some(w) => w,
        None => {
            let opened = store
                .index
                .writer_with_num_threads(writer_threads(), writer_budget())
                .inspect(|w: &IndexWriter<TantivyDocument>| {
                    w.set_merge_policy(merge_policy());
                });
            let writer = match opened {
                Ok(w) => {
                    super::trace::line(|| format!("took the writer (keep {keep_writer})"));
                    w
                }
                Err(tantivy::TantivyError::LockFailure(..)) => {
                    super::trace::line(|| "writer busy".to_string());
                    summary.skipped_busy = true;
                    summary.notes.push(format!(
                        "another timberline is updating the index at {}; answering from its last commit",
                        store.dir.display()
                    ));
                    return Ok(summary);
                }
                Err(e) => return Err(IndexError::tantivy(&store.dir, e)),
            };
            // Another process may have committed since this one read its checkpoint (it held
            // the writer a moment ago, or this process waited for it): planning from the old
            // checkpoint would index its lines again. Plan again from its last commit.
            if take_last_commit(store)? {
                summary = Summary::default();
                planned = plan_work(store, config, &mut summary);
            }
            writer
        }
    };
    let Some((work, gone)) = planned else {
        if keep_writer {
            store.writer = Some(writer);
        }
        summary.seconds = started.elapsed().as_secs_f64();
        return Ok(summary);
    };

    let complete = store
        .checkpoint
        .files
        .iter()
        .filter(|f| f.tail_indexed)
        .count();
    let mut run = Run {
        writer: &mut writer,
        store,
        config,
        progress,
        summary: &mut summary,
        since_commit: 0,
        last_commit: Instant::now(),
        commit_every: commit_bytes(),
        commits: 0,
        complete,
        stream: String::new(),
        key: String::new(),
    };
    run.apply(work, gone)?;
    let dir = run.store.dir.clone();
    if keep_writer {
        store.writer = Some(writer);
    } else {
        writer
            .wait_merging_threads()
            .map_err(|e| IndexError::tantivy(&dir, e))?;
    }
    restrict_permissions(&dir);
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Surveys the files and plans the work against `store`'s checkpoint; `None` when there is
/// nothing to do. Files merely moved (renamed, restored under a new inode) have their
/// checkpoint updated in place; the work then holds a commit of it alone.
fn plan_work(
    store: &mut Store,
    config: &Config,
    summary: &mut Summary,
) -> Option<(Vec<Action>, Vec<u64>)> {
    super::trace::line(|| "plan: survey starts".into());
    let survey = survey_settled(&store.checkpoint.files, &store.checkpoint.roots, &store.dir);
    super::trace::line(|| "plan: survey done".into());
    summary.notes.extend(survey.notes);
    summary.files = survey.files;
    summary.skipped = survey.skipped;
    let plan = survey.plan;
    let positions: std::collections::HashMap<u64, usize> = store
        .checkpoint
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id, i))
        .collect();
    let mut work = Vec::new();
    let mut moved = false;
    let mut rotating = survey.vanished > 0;
    for action in plan.actions {
        let action = settle_settings(store, &positions, config, action, summary);
        match action {
            Action::Unchanged { id, path, stat } => {
                if let Some(f) = positions.get(&id).map(|&i| &mut store.checkpoint.files[i])
                    && (f.path != path || f.dev != stat.dev || f.ino != stat.ino)
                {
                    moved = true;
                    f.path = path;
                    f.dev = stat.dev;
                    f.ino = stat.ino;
                }
            }
            Action::Defer { path, of } => {
                rotating |= is_young(&path);
                summary.notes.push(if path == of {
                    format!(
                        "{}: still being compressed (a rotation in progress); it will be read on the next run",
                        path.display()
                    )
                } else {
                    format!(
                        "{}: same content as {} (a rotation in progress); it will be read on the next run",
                        path.display(),
                        of.display()
                    )
                })
            }
            other => work.push(other),
        }
    }
    // Followers of other processes learn from the commit that lines may still be on their way.
    let flux_changed = store.checkpoint.rotating != rotating;
    store.checkpoint.rotating = rotating;
    summary.rotating = rotating;
    // A file renamed by rotation, or under a new inode (a restore, `cp -a`, a move to another
    // disk), is read back through its new path and identity only once a commit records it:
    // other processes read event text through the committed checkpoint.
    (moved || flux_changed || !work.is_empty() || !plan.gone.is_empty())
        .then_some((work, plan.gone))
}

/// Now, in ns since the epoch (file times are compared with it).
fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// Whether a file was written within the last few seconds (a rotation still under way rather
/// than a copy left lying beside the original).
fn is_young(path: &Path) -> bool {
    FileStat::of(path).is_ok_and(|st| now_ns() - st.mtime_ns < super::reconcile::YOUNG_NS)
}

/// Reloads `store`'s checkpoint from the index's last commit when that commit is not the one
/// it was read from. True when it was reloaded.
fn take_last_commit(store: &mut Store) -> Result<bool, IndexError> {
    let metas = store
        .index
        .load_metas()
        .map_err(|e| IndexError::tantivy(&store.dir, e))?;
    if metas.opstamp == store.opstamp {
        return Ok(false);
    }
    let committed = super::store::committed_checkpoint(store).ok_or_else(|| {
        IndexError::tantivy(
            &store.dir,
            tantivy::TantivyError::InternalError(
                "its last commit has no readable checkpoint".into(),
            ),
        )
    })?;
    store.checkpoint = committed.checkpoint;
    store.opstamp = committed.opstamp;
    Ok(true)
}

/// Applies a change of the config's format or zone for an already indexed file: the action
/// becomes a re-read from the start with the new settings (see [`super::settings`]).
fn settle_settings(
    store: &mut Store,
    positions: &std::collections::HashMap<u64, usize>,
    config: &Config,
    action: Action,
    summary: &mut Summary,
) -> Action {
    let (id, path, known) = match &action {
        Action::Unchanged { id, path, stat } => (*id, path, Some((*stat, None, true))),
        Action::Resume {
            id,
            path,
            stat,
            compression,
        }
        | Action::Reindex {
            id,
            path,
            stat,
            compression,
        } => (*id, path, Some((*stat, *compression, false))),
        Action::New { .. } | Action::Defer { .. } => return action,
    };
    let Some(f) = positions.get(&id).map(|&i| &mut store.checkpoint.files[i]) else {
        return action;
    };
    let now = Configured::of(config, path);
    match change(f, f.path != *path, &now) {
        Change::None => action,
        Change::Record => {
            f.configured = Some(now);
            action
        }
        Change::Reread { format } => {
            let Some((stat, compression, unchanged)) = known else {
                return action;
            };
            let compression = if unchanged {
                f.compression
            } else {
                compression
            };
            // No format: detection runs again when the file is read (see `redetect`).
            f.format = format.unwrap_or_else(|| Format::plain_text().name().to_string());
            f.configured = Some(now);
            summary.reread.push(id);
            Action::Reindex {
                id,
                path: path.clone(),
                stat,
                compression,
            }
        }
    }
}

/// Files as they are now, and what to do with each.
struct Survey {
    files: usize,
    plan: super::reconcile::Plan,
    notes: Vec<String>,
    /// Files listed but gone (or replaced) by the time they were looked at: a rename under way.
    vanished: usize,
    /// What could not be read, and why (each said in `notes`).
    skipped: Vec<Skipped>,
}

/// The files under `roots` as they are now, and the plan for them. The index's own folder is
/// left out when it lies under a root (`--index-dir /var/log/tl /var/log`): indexing its own
/// files would feed every commit back into the next.
fn survey(known: &[FileState], roots: &[PathBuf], index_dir: &Path) -> Survey {
    use std::os::unix::ffi::OsStrExt;
    let own = index_dir.canonicalize().ok();
    let outside = |p: &Path| own.as_deref().is_none_or(|d| !p.starts_with(d));
    // Keyed by the path's bytes: hashing a `Path` walks its components, a tenth of a survey
    // of 100k files.
    let by_path: std::collections::HashMap<&[u8], &FileState> = known
        .iter()
        .map(|f| (f.path.as_os_str().as_bytes(), f))
        .collect();
    let (listed, skipped) = crate::source::discover::list(roots);
    let listed: Vec<PathBuf> = listed.into_iter().filter(|p| outside(p)).collect();
    let stats = stat_all(&listed);
    super::trace::line(|| format!("survey: {} listed and looked at", listed.len()));
    let skipped: Vec<_> = skipped.into_iter().filter(|s| outside(&s.path)).collect();
    let mut notes: Vec<String> = skipped.iter().map(|s| s.to_string()).collect();
    let mut unread: Vec<Skipped> = skipped;
    let mut files = Vec::with_capacity(listed.len());
    let mut vanished = 0;
    for (path, stat) in listed.into_iter().zip(stats) {
        let st = match stat {
            Ok(st) => st,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                vanished += 1;
                continue;
            }
            Err(e) => {
                let reason = crate::source::discover::describe_io(&e);
                notes.push(format!("{}: {reason}; skipped", path.display()));
                unread.push(Skipped { path, reason });
                continue;
            }
        };
        // A file unchanged since it was read keeps the compression it was read with (and is
        // not opened to be classified again).
        let unchanged = by_path
            .get(path.as_os_str().as_bytes())
            .filter(|k| {
                st.dev == k.dev && st.ino == k.ino && st.size == k.size && st.mtime_ns == k.mtime_ns
            })
            .map(|k| k.compression);
        let compression = match unchanged {
            Some(c) => c,
            None => match crate::source::discover::classify(&path) {
                Ok(c) => c,
                Err(reason) => {
                    notes.push(format!("{}: {reason}; skipped", path.display()));
                    unread.push(Skipped { path, reason });
                    continue;
                }
            },
        };
        files.push((Discovered { path, compression }, st));
    }
    let plan = plan(known, &files, &FsHeads, now_ns());
    super::trace::survey(known, &files, &plan);
    for (path, why) in &plan.unreadable {
        notes.push(format!("{}: {why}; skipped", path.display()));
        unread.push(Skipped {
            path: path.clone(),
            reason: why.clone(),
        });
    }
    Survey {
        files: files.len(),
        vanished: vanished + plan.moving.len(),
        plan,
        notes,
        skipped: unread,
    }
}

/// Looks at (stat) every file, on as many threads as there are cores when there are many:
/// with 100k files the `statx` calls were a third of a run with nothing new.
fn stat_all(paths: &[PathBuf]) -> Vec<std::io::Result<FileStat>> {
    const PER_THREAD_AT_LEAST: usize = 4096;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8)
        .min(paths.len() / PER_THREAD_AT_LEAST)
        .max(1);
    if threads == 1 {
        return paths.iter().map(|p| FileStat::of(p)).collect();
    }
    let chunk = paths.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = paths
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|p| FileStat::of(p)).collect::<Vec<_>>())
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(stats) => stats,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// Surveys until the picture is settled. A rotation renames files while they are listed, so a
/// file can be missing from one listing and present under its new name in the next: a known
/// file is only declared gone when two surveys a moment apart agree, otherwise its events would
/// be removed and read again (and shown twice by a follower).
fn survey_settled(known: &[FileState], roots: &[PathBuf], index_dir: &Path) -> Survey {
    settle(|| survey(known, roots, index_dir), std::thread::sleep)
}

fn settle(mut survey: impl FnMut() -> Survey, pause: impl Fn(Duration)) -> Survey {
    const PAUSES_MS: [u64; 3] = [20, 60, 150];
    let mut current = survey();
    for ms in PAUSES_MS {
        if current.plan.gone.is_empty() && current.vanished == 0 {
            break;
        }
        pause(Duration::from_millis(ms));
        let previous = current;
        current = survey();
        if current.vanished == 0 {
            // Only what both surveys miss is gone; the rest is looked at again next run.
            current
                .plan
                .gone
                .retain(|id| previous.plan.gone.contains(id));
            if current.plan.gone == previous.plan.gone || current.plan.gone.is_empty() {
                break;
            }
        }
    }
    if current.vanished > 0 {
        // Still moving: nothing is declared gone during this run.
        current.plan.gone.clear();
    }
    current
}

/// Merges only small segments (those of incremental updates): the large segments of a first
/// index (~150 k documents on average with the writer's budget) are left as they are. Merging them
/// took a third of a 1 GB first index's CPU and most of its peak memory, for an index 4% smaller
/// and no measurable gain in search speed.
fn merge_policy() -> Box<dyn tantivy::indexer::MergePolicy> {
    let mut policy = tantivy::indexer::LogMergePolicy::default();
    policy.set_max_docs_before_merge(100_000);
    Box::new(policy)
}

/// Memory for tantivy's indexing buffers, shared by its threads (`TIMBERLINE_WRITER_MB`
/// overrides it, for measuring). 96 MB makes segments of ~150 k events on the 1 GB benchmark,
/// most of them big enough to be left unmerged. Against 192 MB, in alternating runs, a first
/// index took 11–12% less time and 140 MB less peak memory (likely because a segment's smaller
/// term table misses the caches less); searches take ~10 ms more over twice as many segments.
fn writer_budget() -> usize {
    std::env::var("TIMBERLINE_WRITER_MB")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(96)
        << 20
}

fn writer_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get().clamp(1, 4))
        .unwrap_or(2)
}

struct Run<'a> {
    writer: &'a mut IndexWriter<TantivyDocument>,
    store: &'a mut Store,
    config: &'a Config,
    progress: &'a dyn Progress,
    summary: &'a mut Summary,
    since_commit: u64,
    last_commit: Instant,
    commit_every: u64,
    /// Commits made by this run.
    commits: u32,
    /// Files read to their end as of the last commit (what a failed run leaves).
    complete: usize,
    /// The rotated family of the file being read: patterns are mined per key and family, so
    /// each key sees its messages in the same order in a rebuild and in incremental updates.
    stream: String,
    /// Scratch for the miner's key.
    key: String,
}

impl Run<'_> {
    fn apply(&mut self, mut work: Vec<Action>, gone: Vec<u64>) -> Result<(), IndexError> {
        let fields = self.store.fields;
        self.load_miner()?;
        // A family's files oldest first (`x.2.gz`, `x.1`, `x`): the order their lines were
        // written, which incremental updates also see, so its patterns are mined alike.
        work.sort_by_cached_key(|a| {
            let f = crate::source::family::family_of(action_path(a));
            (f.base, std::cmp::Reverse(f.generation))
        });
        for id in gone {
            self.writer
                .delete_term(Term::from_field_u64(fields.file, id));
            if let Some(f) = self.store.checkpoint.file(id) {
                self.summary.notes.push(format!(
                    "{}: gone since the last update; its {} events were removed from the index",
                    f.path.display(),
                    f.events
                ));
            }
            self.store.checkpoint.files.retain(|f| f.id != id);
        }
        let total: u64 = work
            .iter()
            .map(|a| action_bytes(a, &self.store.checkpoint.files))
            .sum();
        self.progress.start(total, work.len());
        for action in work {
            match action {
                Action::Resume {
                    id,
                    path,
                    stat,
                    compression,
                } => {
                    let Some(i) = self.store.checkpoint.files.iter().position(|f| f.id == id)
                    else {
                        continue;
                    };
                    let Some(file) = self.open_listed(&path, stat) else {
                        continue;
                    };
                    let f = &mut self.store.checkpoint.files[i];
                    f.path = path;
                    f.compression = compression;
                    if f.tail_indexed {
                        let offset = f.offset;
                        self.delete_from(id, offset);
                        let f = &mut self.store.checkpoint.files[i];
                        f.events = f.events.saturating_sub(1);
                        f.tail_indexed = false;
                    }
                    self.ingest(i, stat, file)?;
                }
                Action::Reindex {
                    id,
                    path,
                    stat,
                    compression,
                } => {
                    let Some(i) = self.store.checkpoint.files.iter().position(|f| f.id == id)
                    else {
                        continue;
                    };
                    // Opened before anything is deleted: a file moved meanwhile keeps its
                    // events until the next run reads it where it went.
                    let Some(file) = self.open_listed(&path, stat) else {
                        continue;
                    };
                    self.writer
                        .delete_term(Term::from_field_u64(fields.file, id));
                    let zone = self.zone_for(&path);
                    let f = &mut self.store.checkpoint.files[i];
                    f.path = path;
                    f.compression = compression;
                    reset(f, &zone);
                    self.ingest(i, stat, file)?;
                }
                Action::New {
                    path,
                    stat,
                    compression,
                } => {
                    let Some(file) = self.open_listed(&path, stat) else {
                        continue;
                    };
                    let Some(state) = self.new_state(&path, stat, compression) else {
                        continue;
                    };
                    self.store.checkpoint.files.push(state);
                    let i = self.store.checkpoint.files.len() - 1;
                    self.ingest(i, stat, file)?;
                }
                Action::Unchanged { .. } | Action::Defer { .. } => {}
            }
        }
        self.commit()?;
        self.progress.finish();
        Ok(())
    }

    /// Deletes the documents of file `id` from byte `offset` on (the tail event to redo).
    fn delete_from(&mut self, id: u64, offset: u64) {
        let f = self.store.fields;
        let q = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(f.file, id),
                    IndexRecordOption::Basic,
                )),
            ),
            (
                Occur::Must,
                Box::new(RangeQuery::new(
                    std::ops::Bound::Included(Term::from_field_u64(f.offset, offset)),
                    std::ops::Bound::Unbounded,
                )),
            ),
        ]);
        // A delete query can only fail on a closed writer, which ours is not.
        let _ = self.writer.delete_query(Box::new(q));
    }

    fn zone_for(&self, path: &Path) -> Zone {
        self.config
            .override_for(path)
            .and_then(|o| o.timezone.as_deref())
            .and_then(Zone::parse)
            .unwrap_or(Zone::Local)
    }

    /// A fresh checkpoint for a new file, with its format detected (or configured).
    fn new_state(
        &mut self,
        path: &Path,
        stat: FileStat,
        compression: Option<compress::Compression>,
    ) -> Option<FileState> {
        let over = self.config.override_for(path);
        let user = &self.config.formats;
        let format = match over
            .and_then(|o| o.format.as_deref())
            .and_then(|n| Format::by_name(n, user))
        {
            Some(f) => f,
            None => match sample_lines(path, stat, compression) {
                Ok(lines) => {
                    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
                    detect(&refs, user).unwrap_or_else(Format::plain_text)
                }
                Err(e) => {
                    self.summary.notes.push(format!(
                        "{}: {} before it could be read; skipped",
                        path.display(),
                        crate::source::discover::describe_io(&e)
                    ));
                    return None;
                }
            },
        };
        let zone = self.zone_for(path);
        let id = self.store.checkpoint.next_id;
        self.store.checkpoint.next_id += 1;
        let mut state = FileState {
            id,
            path: path.to_path_buf(),
            dev: stat.dev,
            ino: stat.ino,
            compression,
            size: 0,
            mtime_ns: 0,
            offset: 0,
            line: 0,
            head_len: 0,
            head_hash: 0,
            tail_check: None,
            format: format.name().to_string(),
            configured: Some(Configured::of(self.config, path)),
            ctx: LineContext::new(&zone, stat.mtime_ns / 1000).named(path),
            last_ts: None,
            tail_indexed: false,
            events: 0,
            first_ts: None,
            max_ts: None,
            garbled: Default::default(),
        };
        reset(&mut state, &zone);
        Some(state)
    }

    /// The miner of the checkpoint's commit (read again when another process committed).
    fn load_miner(&mut self) -> Result<(), IndexError> {
        let named = self.store.checkpoint.patterns.as_deref();
        if self
            .store
            .miner
            .as_ref()
            .is_some_and(|m| m.hash.as_deref() == named)
        {
            return Ok(());
        }
        let dir = &self.store.dir;
        let mined = super::pattern_state::load(dir, named).map_err(|why| {
            IndexError::io(
                dir,
                std::io::Error::other(format!("{why}; remove the index folder to rebuild it")),
            )
        })?;
        self.store.miner = Some(mined);
        Ok(())
    }

    /// Saves the miner's state beside the index (when its templates changed) and names it in
    /// the checkpoint about to be committed. An in-memory index keeps it in memory.
    fn save_miner(&mut self) -> Result<(), IndexError> {
        let dir = self.store.dir.clone();
        if dir == Path::new("-") {
            return Ok(());
        }
        if let Some(m) = self.store.miner.as_mut() {
            let hash = m.save(&dir).map_err(|e| {
                if e.raw_os_error() == Some(28) {
                    IndexError::DiskFull {
                        path: dir.clone(),
                        done: "the pattern state of the last commit kept".into(),
                    }
                } else {
                    IndexError::io(&dir, e)
                }
            })?;
            self.store.checkpoint.patterns = hash;
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<(), IndexError> {
        let dir = self.store.dir.clone();
        let before = self.store.checkpoint.patterns.clone();
        if let Err(e) = self.save_miner() {
            let _ = self.writer.rollback();
            self.store.miner = None;
            self.store.checkpoint.patterns = before;
            return Err(e);
        }
        // Never an empty payload: every later run would take the index for unusable.
        let on_disk = (dir != Path::new("-")).then_some(dir.as_path());
        let payload = match super::checkpoint_file::payload(on_disk, &self.store.checkpoint) {
            Ok(p) => p,
            Err(e) => {
                self.store.miner = None;
                self.store.checkpoint.patterns = before;
                if e.raw_os_error() == Some(28) {
                    return Err(self.disk_full());
                }
                return Err(IndexError::io(&dir, e));
            }
        };
        let result = (|| {
            let mut prepared = self.writer.prepare_commit()?;
            prepared.set_payload(&payload);
            prepared.commit()
        })();
        match result {
            Ok(opstamp) => {
                self.store.opstamp = opstamp;
                if let Some(dir) = on_disk {
                    super::checkpoint_file::prune(dir, &payload);
                }
                if let Some(m) = &self.store.miner
                    && dir != Path::new("-")
                {
                    m.remove_old(&dir);
                }
            }
            Err(e) => {
                // The miner saw the rolled-back events: read it again from the last commit.
                self.store.miner = None;
                self.store.checkpoint.patterns = before;
                return Err(self.failed(e));
            }
        }
        self.complete = self
            .store
            .checkpoint
            .files
            .iter()
            .filter(|f| f.tail_indexed)
            .count();
        self.since_commit = 0;
        self.last_commit = Instant::now();
        self.commits += 1;
        Ok(())
    }

    /// The error for a failed write. With the disk full, tantivy's threads die and later
    /// calls only say "an index writer was killed": the free space decides, and the message
    /// says what the last commit holds. What the failed run wrote is rolled back and its
    /// files removed, so the space comes back.
    fn failed(&mut self, e: tantivy::TantivyError) -> IndexError {
        let _ = self.writer.rollback();
        if is_disk_full(&e) || disk_is_full(&self.store.dir) {
            return self.disk_full();
        }
        IndexError::tantivy(&self.store.dir, e)
    }

    fn disk_full(&mut self) -> IndexError {
        let _ = self.writer.rollback();
        let _ = self.writer.garbage_collect_files().wait();
        IndexError::DiskFull {
            path: self.store.dir.clone(),
            done: format!("{} files complete", self.complete),
        }
    }

    /// The longest time between two commits while indexing.
    fn interval(&self) -> Duration {
        if self.commits == 0 {
            FIRST_COMMIT_INTERVAL
        } else {
            COMMIT_INTERVAL
        }
    }

    /// Opens a file the survey listed, checking it is still the file it looked at. `None`
    /// (said in a note, or taken for a rotation under way) when it cannot be read.
    fn open_listed(&mut self, path: &Path, stat: FileStat) -> Option<std::fs::File> {
        self.progress.file(path);
        match open_same(path, (stat.dev, stat.ino)) {
            Ok(file) => Some(file),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // Renamed, replaced or removed since the survey: a rotation under way. The
                // next run finds the file where it went (or says it is gone); followers wait
                // for it, since lines written before others may be in it.
                super::trace::line(|| format!("open: {} moved since the survey", path.display()));
                self.summary.rotating = true;
                self.store.checkpoint.rotating = true;
                None
            }
            Err(e) => {
                self.summary.notes.push(format!(
                    "{}: {} while opening; its index entries are kept as they were",
                    path.display(),
                    crate::source::discover::describe_io(&e)
                ));
                None
            }
        }
    }

    /// Reads file `i` (open as `file`) from its checkpoint to the end, adding its events.
    fn ingest(&mut self, i: usize, stat: FileStat, file: std::fs::File) -> Result<(), IndexError> {
        self.redetect(i, stat);
        let (path, compression, start, format_name) = {
            let f = &self.store.checkpoint.files[i];
            (f.path.clone(), f.compression, f.offset, f.format.clone())
        };
        self.stream = crate::source::family::family_of(&path)
            .base
            .to_string_lossy()
            .into_owned();
        let format =
            Format::by_name(&format_name, &self.config.formats).unwrap_or_else(Format::plain_text);
        let reader = match open_at(file, compression, start) {
            Ok(r) => r,
            Err(e) => {
                self.summary.notes.push(format!(
                    "{}: {} while opening; its index entries are kept as they were",
                    path.display(),
                    crate::source::discover::describe_io(&e)
                ));
                return Ok(());
            }
        };
        self.summary.files_read += 1;
        // The head is taken from this reading, not from the file afterwards: a rotation may
        // empty or replace it meanwhile, and the head is what finds its copy.
        let head_start = head_before(&self.store.checkpoint.files[i], &path, stat, start);
        let mut lines = LineReader::new(reader, start);
        if head_start.is_some() {
            lines = lines.capture_head(HEAD_LEN as u64);
        }
        let mut ctx = self.store.checkpoint.files[i].ctx.clone();
        // Year-less stamps are dated up to the file's latest mtime, the first line's year
        // planned over the whole file (`format::plan`).
        ctx.mtime_us = ctx.mtime_us.max(stat.mtime_ns / 1000);
        if start == 0
            && format.needs_plan()
            && let Ok(r) = open_same(&path, (stat.dev, stat.ino))
                .and_then(|file| open_at(file, compression, 0))
        {
            let _ = crate::format::plan(&format, &mut ctx, r);
        }
        let stored = compression.is_some();
        let mut line_no = self.store.checkpoint.files[i].line;
        let mut last_ts = self.store.checkpoint.files[i].last_ts;
        let fallback_ts = stat.mtime_ns / 1000;
        let mut notes = FileNotes::default();
        let mut garbled = self.store.checkpoint.files[i].garbled;
        let mut pending: Option<Pending> = None;
        // Resume point: where the pending event starts, with the parser state before it.
        let mut resume = Resume {
            offset: start,
            line: line_no,
            year: ctx.year,
            last_month: ctx.last_month,
            last_ts,
        };
        let mut read_error = None;
        let mut bytes = 0u64;
        loop {
            let line = match lines.next_line() {
                Ok(Some(l)) => l,
                Ok(None) => break,
                Err(e) => {
                    read_error = Some(e);
                    break;
                }
            };
            line_no += 1;
            bytes += line.len_with_eol;
            let text = match std::str::from_utf8(line.bytes) {
                Ok(s) => std::borrow::Cow::Borrowed(s),
                Err(_) => {
                    notes.invalid_utf8.see(line_no);
                    String::from_utf8_lossy(line.bytes)
                }
            };
            if memchr::memchr(0, line.bytes).is_some() {
                notes.nul.see(line_no);
            }
            // The reader keeps a bounded prefix of a long line; its length is exact.
            if line.bytes.len() > MAX_EVENT_TEXT {
                notes.huge.see_size(line_no, line.len_with_eol as usize);
            }
            garbled.see(
                line_no,
                matches!(text, std::borrow::Cow::Owned(_)),
                line.bytes.len() > MAX_EVENT_TEXT,
            );
            let before = (ctx.year, ctx.last_month);
            let kind = if format.is_plain_text() {
                LineKind::Start(Parsed {
                    ts: last_ts.unwrap_or(fallback_ts),
                    message: text.to_string(),
                    ..Parsed::default()
                })
            } else {
                ctx.at(line.offset);
                format.parse_line(&text, &mut ctx)
            };
            let kind = match kind {
                LineKind::BadTimestamp { reason } => {
                    notes.bad_ts.see_reason(line_no, reason);
                    LineKind::Continuation
                }
                k => k,
            };
            let split = pending
                .as_ref()
                .is_some_and(|p| p.lines >= MAX_EVENT_LINES || p.text.len() >= MAX_EVENT_TEXT);
            // A line opens a new event when it has its own timestamp, or when there is no event
            // to continue (lines before the first timestamp) or the current one is too big.
            let kind = match kind {
                // A line of no event ends the one before it; the next starts after it.
                LineKind::Header => {
                    if let Some(p) = pending.take() {
                        last_ts = Some(self.add_event(i, p, None, stored)?);
                    }
                    resume = Resume {
                        offset: line.offset + line.len_with_eol,
                        line: line_no,
                        year: ctx.year,
                        last_month: ctx.last_month,
                        last_ts,
                    };
                    self.since_commit += line.len_with_eol;
                    continue;
                }
                LineKind::Detail {
                    ts,
                    fields,
                    message,
                } => match pending.as_mut() {
                    Some(p) if !split => {
                        p.detail(ts, fields, message);
                        LineKind::Continuation
                    }
                    _ => LineKind::Continuation,
                },
                k => k,
            };
            let opens = match kind {
                LineKind::Start(parsed) => Some(Some(parsed)),
                _ if pending.is_none() || split => Some(None),
                _ => None,
            };
            match opens {
                Some(parsed) => {
                    if let Some(p) = pending.take() {
                        let next_ts = parsed.as_ref().map(|x| x.ts);
                        last_ts = Some(self.add_event(i, p, next_ts, stored)?);
                    }
                    resume = Resume {
                        offset: line.offset,
                        line: line_no - 1,
                        year: before.0,
                        last_month: before.1,
                        last_ts,
                    };
                    pending = Some(Pending::start(
                        line.offset,
                        line_no,
                        line.len_with_eol,
                        parsed,
                        &text,
                    ));
                }
                None => {
                    if let Some(p) = pending.as_mut() {
                        p.push(line.len_with_eol, &text);
                    }
                }
            }
            self.since_commit += line.len_with_eol;
            if self.since_commit >= self.commit_every
                || (self.since_commit > (1 << 20) && self.last_commit.elapsed() >= self.interval())
            {
                if compression.is_none() {
                    self.progress.advance(bytes);
                    bytes = 0;
                }
                resume.store(&mut self.store.checkpoint.files[i], &ctx, false);
                self.commit()?;
            }
        }
        // A compressed file's progress is its size on disk, once read.
        self.progress.advance(if compression.is_none() {
            bytes
        } else {
            stat.size
        });
        let format_notes = crate::format::take_notes(&mut ctx);
        if let Some(p) = pending.take() {
            let ts = self.add_event(i, p, None, stored)?;
            let _ = ts;
            resume.store(&mut self.store.checkpoint.files[i], &ctx, true);
        } else {
            resume.offset = lines.offset();
            resume.line = line_no;
            resume.store(&mut self.store.checkpoint.files[i], &ctx, false);
        }
        let f = &mut self.store.checkpoint.files[i];
        f.garbled = garbled;
        f.size = stat.size;
        f.mtime_ns = stat.mtime_ns;
        f.dev = stat.dev;
        f.ino = stat.ino;
        f.tail_check = match compression {
            None => tail_check_at(&path, f.offset, (stat.dev, stat.ino)),
            Some(_) => None,
        };
        if let Some(mut head) = head_start {
            head.extend_from_slice(lines.captured());
            head.truncate(HEAD_LEN);
            let known = head.get(..f.head_len as usize).map(hash_bytes);
            if head.len() > f.head_len as usize && (f.head_len == 0 || known == Some(f.head_hash)) {
                f.head_len = head.len() as u32;
                f.head_hash = hash_bytes(&head);
            }
        }
        notes.report(&path, &mut self.summary.notes);
        let f = &self.store.checkpoint.files[i];
        let chosen = self
            .config
            .override_for(&path)
            .and_then(|o| o.format.as_ref());
        if start == 0 && format.is_plain_text() && chosen.is_none() && f.events > 0 {
            self.summary
                .notes
                .push(crate::format::untimed_note(&path, f.events));
        }
        for n in format_notes {
            self.summary.notes.push(format!("{}: {n}", path.display()));
        }
        if let Some(e) = read_error {
            let what = if compression.is_some() {
                "compressed data is damaged or truncated"
            } else {
                "read error"
            };
            self.summary.notes.push(format!(
                "{}: {what} after line {line_no} ({e}); indexed the lines before it",
                path.display()
            ));
        }
        Ok(())
    }

    /// A file first seen empty or nearly so (logrotate's `create` makes it empty) was given no
    /// format; while it is still short, detection is tried again, and when a format is found the
    /// file is read again from its start with it.
    fn redetect(&mut self, i: usize, stat: FileStat) {
        let f = &self.store.checkpoint.files[i];
        let configured = self
            .config
            .override_for(&f.path)
            .and_then(|o| o.format.as_ref())
            .is_some();
        if configured || f.format != Format::plain_text().name() || f.line >= DETECT_LINES as u64 {
            return;
        }
        let Ok(lines) = sample_lines(&f.path, stat, f.compression) else {
            return;
        };
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let Some(format) = detect(&refs, &self.config.formats) else {
            return;
        };
        let id = f.id;
        let zone = self.zone_for(&f.path.clone());
        self.writer
            .delete_term(Term::from_field_u64(self.store.fields.file, id));
        let f = &mut self.store.checkpoint.files[i];
        f.format = format.name().to_string();
        reset(f, &zone);
    }

    /// Adds one event; returns its time. `next_ts` dates an event with no timestamp of its own
    /// that opens a file (else it takes the previous event's time).
    fn add_event(
        &mut self,
        i: usize,
        p: Pending,
        next_ts: Option<i64>,
        stored: bool,
    ) -> Result<i64, IndexError> {
        let fields = self.store.fields;
        let state = &mut self.store.checkpoint.files[i];
        let ts = match &p.parsed {
            Some(parsed) => parsed.ts,
            None => state.last_ts.or(next_ts).unwrap_or(state.ctx.mtime_us),
        };
        let mut doc = TantivyDocument::new();
        doc.add_date(fields.ts, DateTime::from_timestamp_micros(ts));
        doc.add_u64(fields.file, state.id);
        doc.add_u64(fields.line, p.line);
        doc.add_u64(fields.offset, p.offset);
        doc.add_u64(fields.len, p.len);
        if let Some(parsed) = &p.parsed {
            if let Some(level) = parsed.level {
                doc.add_u64(fields.level, level.ordinal());
            }
            // Every value takes the same way (`host:12345` is a column query too).
            let mut columns = numbers::Columns::default();
            let named = [("host", &parsed.host), ("program", &parsed.program)];
            let named = named
                .into_iter()
                .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)));
            let extracted = parsed
                .fields
                .iter()
                .filter(|(k, _)| !is_time_key(k))
                .map(|(k, v)| (k.as_str(), v.as_str()));
            for (k, v) in named.chain(extracted) {
                if !columns.take(k, v) {
                    doc.add_text(fields.kv, kv_term(k, truncate(v, 256)));
                }
            }
            columns.add_to(&mut doc, fields);
        }
        // The pattern of the parsed message (a line no format parsed is its own message), per
        // program (else format) and rotated family.
        let message = match &p.parsed {
            Some(parsed) => parsed.message.as_str(),
            None => p.text.split('\n').next().unwrap_or(""),
        };
        let name = p
            .parsed
            .as_ref()
            .and_then(|x| x.program.as_deref())
            .unwrap_or(&state.format);
        self.key.clear();
        self.key.push_str(name);
        self.key.push(crate::patterns::STREAM_SEP);
        self.key.push_str(&self.stream);
        let miner = &mut self.store.miner.get_or_insert_with(Default::default).miner;
        doc.add_u64(fields.pattern, miner.assign(&self.key, message).0);
        let text = truncate(&p.text, MAX_EVENT_TEXT);
        doc.add_text(
            fields.text,
            &*words_of(text, p.parsed.as_ref().and_then(|x| x.time_span)),
        );
        if stored {
            doc.add_text(fields.stored, text);
        }
        if let Err(e) = self.writer.add_document(doc) {
            return Err(self.failed(e));
        }
        let state = &mut self.store.checkpoint.files[i];
        state.events += 1;
        state.last_ts = Some(ts);
        state.first_ts = Some(state.first_ts.map_or(ts, |f| f.min(ts)));
        state.max_ts = Some(state.max_ts.map_or(ts, |m| m.max(ts)));
        self.summary.events += 1;
        self.summary.bytes += p.len;
        self.summary.min_new_ts = Some(self.summary.min_new_ts.map_or(ts, |m| m.min(ts)));
        Ok(ts)
    }
}

/// The [`super::checkpoint::TailCheck`] of the bytes before `offset` in a plain file.
/// Only from the file read (`identity`: device and inode): after a rotation the path may
/// already hold the next file, whose bytes would make the next run take this one for
/// rewritten.
fn tail_check_at(
    path: &Path,
    offset: u64,
    identity: (u64, u64),
) -> Option<super::checkpoint::TailCheck> {
    use std::os::unix::fs::{FileExt, MetadataExt};
    let len = offset.min(super::checkpoint::TAIL_CHECK_LEN);
    if len == 0 {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if (meta.dev(), meta.ino()) != identity {
        return None;
    }
    let mut buf = vec![0u8; len as usize];
    file.read_exact_at(&mut buf, offset - len).ok()?;
    Some(super::checkpoint::TailCheck {
        len: len as u32,
        hash: hash_bytes(&buf),
    })
}

/// True when the file system holding `dir` has (nearly) no space left.
fn disk_is_full(dir: &Path) -> bool {
    nix::sys::statvfs::statvfs(dir)
        .is_ok_and(|v| v.blocks_available().saturating_mul(v.fragment_size()) < 1 << 20)
}

/// Where to resume a file, captured at the start of the pending event.
struct Resume {
    offset: u64,
    line: u64,
    year: Option<i32>,
    last_month: Option<u32>,
    last_ts: Option<i64>,
}

impl Resume {
    fn store(&self, f: &mut FileState, ctx: &LineContext, tail_indexed: bool) {
        f.offset = self.offset;
        f.line = self.line;
        f.ctx = LineContext {
            year: self.year,
            last_month: self.last_month,
            ..ctx.clone()
        };
        f.last_ts = self.last_ts;
        f.tail_indexed = tail_indexed;
    }
}

/// An event being assembled from its lines.
struct Pending {
    offset: u64,
    line: u64,
    len: u64,
    lines: u64,
    parsed: Option<Parsed>,
    text: String,
}

impl Pending {
    fn start(offset: u64, line: u64, len: u64, parsed: Option<Parsed>, text: &str) -> Pending {
        Pending {
            offset,
            line,
            len,
            lines: 1,
            parsed,
            text: truncate(text, MAX_EVENT_TEXT).to_string(),
        }
    }

    /// A detail line's key-values, its time for an event that had none of its own, its
    /// message for one whose first line has none.
    fn detail(&mut self, ts: Option<i64>, fields: Vec<(String, String)>, message: Option<String>) {
        if let Some(p) = self.parsed.as_mut() {
            if let Some(ts) = ts {
                p.ts = ts;
            }
            p.fields.extend(fields);
            if let Some(m) = message.filter(|_| p.message.is_empty()) {
                p.message = m;
            }
        }
    }

    fn push(&mut self, len: u64, text: &str) {
        self.len += len;
        self.lines += 1;
        if self.text.len() < MAX_EVENT_TEXT {
            self.text.push('\n');
            self.text
                .push_str(truncate(text, MAX_EVENT_TEXT - self.text.len()));
        }
    }
}

/// Keys that hold the event's own time: not indexed as fields (the time is the `ts` fast
/// field; their nearly unique values would bloat the term dictionary).
pub fn is_time_key(key: &str) -> bool {
    const TIME_KEYS: [&str; 12] = [
        "ts",
        "time",
        "timestamp",
        "@timestamp",
        "datetime",
        "msec",
        "time_iso8601",
        "time_local",
        "timereported",
        "timegenerated",
        "t",
        "date",
    ];
    TIME_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// The text indexed as words: the event without its timestamp text, whose tokens (nearly
/// unique per line: seconds, microseconds) would cost a third of the index for no search value
/// (time is searched with --since/--until).
pub fn words_of(text: &str, span: Option<(usize, usize)>) -> std::borrow::Cow<'_, str> {
    match span {
        Some((a, b))
            if a < b && b <= text.len() && text.is_char_boundary(a) && text.is_char_boundary(b) =>
        {
            let mut s = String::with_capacity(text.len() - (b - a) + 1);
            s.push_str(&text[..a]);
            s.push(' ');
            s.push_str(&text[b..]);
            std::borrow::Cow::Owned(s)
        }
        _ => std::borrow::Cow::Borrowed(text),
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
pub fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn reset(f: &mut FileState, zone: &Zone) {
    f.offset = 0;
    f.line = 0;
    f.ctx = LineContext::new(zone, f.ctx.mtime_us).named(&f.path);
    f.last_ts = None;
    f.tail_indexed = false;
    f.events = 0;
    f.first_ts = None;
    f.max_ts = None;
    f.garbled = Default::default();
}

/// The path an action reads (empty for those that read nothing).
fn action_path(a: &Action) -> &Path {
    match a {
        Action::Resume { path, .. }
        | Action::Reindex { path, .. }
        | Action::New { path, .. }
        | Action::Unchanged { path, .. }
        | Action::Defer { path, .. } => path,
    }
}

/// The bytes on disk an action reads: progress counts these (a compressed file's own size,
/// not what it holds; a resumed file from where it was left).
fn action_bytes(a: &Action, known: &[FileState]) -> u64 {
    match a {
        Action::Resume { id, stat, .. } => {
            let from = known.iter().find(|f| f.id == *id).map_or(0, |f| f.offset);
            stat.size.saturating_sub(from)
        }
        Action::Reindex { stat, .. } | Action::New { stat, .. } => stat.size,
        _ => 0,
    }
}

/// Opens a file's content positioned at `offset` (seeking plain files, skipping compressed ones).
/// The content bytes before `start` of a file that was shorter than a whole head when last
/// read, read before this run reads on (and checked against the head recorded): with the bytes
/// read from `start`, they make its longer head. `None`: the head is whole, or the file no
/// longer holds what was read (the recorded head is kept).
fn head_before(f: &FileState, path: &Path, stat: FileStat, start: u64) -> Option<Vec<u8>> {
    if f.head_len as usize >= HEAD_LEN {
        return None;
    }
    if start == 0 {
        return Some(Vec::new());
    }
    let len = (start as usize).max(f.head_len as usize);
    let file = open_same(path, (stat.dev, stat.ino)).ok()?;
    let mut before = compress::content_prefix_of(file, f.compression, len).ok()?;
    let known = before.get(..f.head_len as usize)?;
    if before.len() != len || (f.head_len > 0 && hash_bytes(known) != f.head_hash) {
        return None;
    }
    before.truncate(start as usize);
    Some(before)
}

fn open_at(
    mut file: std::fs::File,
    compression: Option<compress::Compression>,
    offset: u64,
) -> std::io::Result<Box<dyn BufRead>> {
    match compression {
        None => {
            file.seek(SeekFrom::Start(offset))?;
            Ok(Box::new(std::io::BufReader::with_capacity(
                256 * 1024,
                file,
            )))
        }
        Some(_) => {
            let mut r = compress::content_of(file, compression)?;
            skip_bytes(&mut r, offset)?;
            Ok(r)
        }
    }
}

/// The first lines of a file, for format detection.
fn sample_lines(
    path: &Path,
    stat: FileStat,
    compression: Option<compress::Compression>,
) -> std::io::Result<Vec<String>> {
    let reader = compress::content_of(open_same(path, (stat.dev, stat.ino))?, compression)?;
    // Bounded: a first line of gigabytes is not read through (nor kept) to detect a format.
    crate::source::lines::sample(reader, DETECT_LINES, 64 * 1024, 16 << 20)
}

/// Problems seen in one file, reported once each with the first line and a count.
#[derive(Default)]
struct FileNotes {
    invalid_utf8: Seen,
    nul: Seen,
    huge: Seen,
    bad_ts: Seen,
}

#[derive(Default)]
struct Seen {
    first: u64,
    count: u64,
    detail: String,
}

impl Seen {
    fn see(&mut self, line: u64) {
        if self.count == 0 {
            self.first = line;
        }
        self.count += 1;
    }
    fn see_size(&mut self, line: u64, size: usize) {
        if self.count == 0 {
            self.detail = format!("{:.1} MB", size as f64 / 1e6);
        }
        self.see(line);
    }
    fn see_reason(&mut self, line: u64, reason: String) {
        if self.count == 0 {
            self.detail = reason;
        }
        self.see(line);
    }
    fn more(&self) -> String {
        if self.count > 1 {
            format!(" (and {} more lines)", self.count - 1)
        } else {
            String::new()
        }
    }
}

impl FileNotes {
    fn report(&self, path: &Path, out: &mut Vec<String>) {
        let p = path.display();
        if self.invalid_utf8.count > 0 {
            out.push(format!(
                "{p}:{}: invalid UTF-8{}; indexed and shown with U+FFFD in place of the bad bytes",
                self.invalid_utf8.first,
                self.invalid_utf8.more()
            ));
        }
        if self.nul.count > 0 {
            out.push(format!(
                "{p}:{}: NUL bytes{}; indexed, shown escaped",
                self.nul.first,
                self.nul.more()
            ));
        }
        if self.huge.count > 0 {
            out.push(format!(
                "{p}:{}: a {} line{}; its first {} MiB is indexed, the whole line stays readable",
                self.huge.first,
                self.huge.detail,
                self.huge.more(),
                MAX_EVENT_TEXT >> 20
            ));
        }
        if self.bad_ts.count > 0 {
            out.push(format!(
                "{p}:{}: unreadable timestamp ({}){}; kept as part of the previous event",
                self.bad_ts.first,
                self.bad_ts.detail,
                self.bad_ts.more()
            ));
        }
    }
}

/// Paths of an update's roots, canonicalised.
pub fn canonical_roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = paths
        .iter()
        .map(|p| p.canonicalize().unwrap_or_else(|_| p.clone()))
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Empties the file just read once its reading is done: logrotate's `copytruncate`
    /// landing between the reading of a file and the end of the run.
    struct TruncateAfterReading(PathBuf);
    impl Progress for TruncateAfterReading {
        fn advance(&self, _bytes: u64) {
            std::fs::File::create(&self.0).unwrap();
        }
    }

    fn in_dir(dir: &Path) -> Store {
        let mut store = super::super::store::in_ram();
        store.checkpoint.roots = vec![dir.canonicalize().unwrap()];
        store
    }

    /// Rotates the file (rename, and a new empty one in its place) just before it is opened:
    /// logrotate's `create` landing between the survey and the reading.
    struct RotateBeforeOpening(PathBuf, std::cell::Cell<bool>);
    impl Progress for RotateBeforeOpening {
        fn file(&self, path: &Path) {
            if path == self.0 && !self.1.replace(true) {
                std::fs::rename(&self.0, self.0.with_extension("log.1")).unwrap();
                std::fs::File::create(&self.0).unwrap();
            }
        }
    }

    #[test]
    fn files_looked_at_on_several_threads_keep_their_order() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = (0..9_000)
            .map(|i| {
                let p = dir.path().join(format!("f{i}"));
                std::fs::write(&p, "x".repeat(i % 7)).unwrap();
                p
            })
            .chain([dir.path().join("missing")])
            .collect();
        let stats = stat_all(&paths);
        assert_eq!(stats.len(), paths.len());
        for (p, st) in paths.iter().zip(&stats).take(9_000) {
            let st = st.as_ref().unwrap();
            let m = std::fs::metadata(p).unwrap();
            assert_eq!((st.ino, st.size), (m.ino(), m.size()), "{}", p.display());
        }
        assert!(stats[9_000].is_err());
    }

    #[test]
    fn a_file_rotated_between_the_survey_and_its_reading_is_read_where_it_went() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("app.log");
        let line = |n: usize| format!("2026-11-22T09:00:{n:02}Z host app[1]: seq={n}\n");
        std::fs::write(&log, (0..5).map(line).collect::<String>()).unwrap();
        let mut store = in_dir(dir.path());
        let config = Config::default();
        update(&mut store, &config, &Quiet).unwrap();
        std::fs::write(&log, (0..12).map(line).collect::<String>()).unwrap();
        let log = log.canonicalize().unwrap();
        let rotate = RotateBeforeOpening(log.clone(), std::cell::Cell::new(false));
        let summary = update(&mut store, &config, &rotate).unwrap();
        assert!(rotate.1.get(), "the rotation happened");
        assert!(summary.rotating, "followers are told to wait");
        let summary = update(&mut store, &config, &Quiet).unwrap();
        let events: u64 = store.checkpoint.files.iter().map(|f| f.events).sum();
        assert_eq!(
            events, 12,
            "{:?}\n{:#?}",
            summary.notes, store.checkpoint.files
        );
        assert!(!summary.rotating);
    }

    /// Moves the file away (to `.1`) just before it is opened: a rotation between the survey
    /// and the reading.
    struct MoveBeforeOpening(PathBuf, PathBuf, std::cell::Cell<bool>);
    impl Progress for MoveBeforeOpening {
        fn file(&self, path: &Path) {
            if path == self.0 && !self.2.replace(true) {
                std::fs::rename(&self.0, &self.1).unwrap();
            }
        }
    }

    fn documents(store: &Store) -> u64 {
        store.index.reader().unwrap().searcher().num_docs()
    }

    /// Counts what a run says of its progress.
    #[derive(Default)]
    struct Tally {
        total: std::cell::Cell<u64>,
        done: std::cell::Cell<u64>,
    }
    impl Progress for Tally {
        fn start(&self, total: u64, _: usize) {
            self.total.set(total);
            self.done.set(0);
        }
        fn advance(&self, bytes: u64) {
            self.done.set(self.done.get() + bytes);
        }
    }

    #[test]
    fn progress_ends_at_its_total_with_compressed_and_resumed_files() {
        // Before, a .gz counted its size on disk in the total and what it holds in the part
        // done (the explorer said "indexing 151%"), and a resumed file its whole size.
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let line = |n: usize| {
            format!(
                "2026-11-22T09:00:{:02}Z host app[1]: seq={n} and some more words\n",
                n % 60
            )
        };
        let text: String = (0..400).map(line).collect();
        let mut enc = flate2::write::GzEncoder::new(
            std::fs::File::create(dir.path().join("x.log.1.gz")).unwrap(),
            flate2::Compression::default(),
        );
        enc.write_all(text.as_bytes()).unwrap();
        enc.finish().unwrap();
        let log = dir.path().join("x.log");
        std::fs::write(&log, (400..450).map(line).collect::<String>()).unwrap();
        let mut store = in_dir(dir.path());
        let config = Config::default();
        let tally = Tally::default();
        update(&mut store, &config, &tally).unwrap();
        assert!(tally.total.get() > 0);
        assert_eq!(tally.done.get(), tally.total.get());

        let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
        f.write_all((450..460).map(line).collect::<String>().as_bytes())
            .unwrap();
        update(&mut store, &config, &tally).unwrap();
        assert_eq!(tally.done.get(), tally.total.get());
        // From the last event on: it is read again, in case lines of it were still to come.
        let from_last: usize = (449..460).map(line).map(|l| l.len()).sum();
        assert_eq!(tally.total.get() as usize, from_last);
    }

    #[test]
    fn a_compressed_rotation_moved_before_its_reading_keeps_its_events() {
        // x.log indexed, then gzipped to x.log.1.gz: its events are read again from the .gz
        // (they need their text stored). Before, they were deleted first, and when the .gz had
        // moved on (to x.log.2.gz) by the time it was opened, the file's checkpoint said 0
        // events and the index held none of them until a later run.
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("x.log");
        let line = |n: usize| format!("2026-11-22T09:00:{n:02}Z host app[1]: seq={n}\n");
        let text: String = (0..5).map(line).collect();
        std::fs::write(&log, &text).unwrap();
        let mut store = in_dir(dir.path());
        let config = Config::default();
        update(&mut store, &config, &Quiet).unwrap();
        assert_eq!(documents(&store), 5);

        let gz = dir.path().join("x.log.1.gz");
        let mut enc = flate2::write::GzEncoder::new(
            std::fs::File::create(&gz).unwrap(),
            flate2::Compression::default(),
        );
        enc.write_all(text.as_bytes()).unwrap();
        enc.finish().unwrap();
        std::fs::remove_file(&log).unwrap();
        let old = std::time::SystemTime::now() - Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&gz)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let gz = gz.canonicalize().unwrap();
        let moved = dir.path().canonicalize().unwrap().join("x.log.2.gz");
        let hook = MoveBeforeOpening(gz, moved, std::cell::Cell::new(false));
        let summary = update(&mut store, &config, &hook).unwrap();
        assert!(hook.2.get(), "the file moved before it was opened");
        assert!(summary.rotating);
        assert_eq!(documents(&store), 5, "{:?}", summary.notes);
        assert_eq!(store.checkpoint.files[0].events, 5);

        let summary = update(&mut store, &config, &Quiet).unwrap();
        assert_eq!(documents(&store), 5, "{:?}", summary.notes);
        assert_eq!(store.checkpoint.files.len(), 1);
        assert_eq!(store.checkpoint.files[0].events, 5);
        assert!(store.checkpoint.files[0].path.ends_with("x.log.2.gz"));
    }

    #[test]
    fn a_file_emptied_right_after_being_read_keeps_its_head_and_its_copy_is_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("copy.log");
        let line = |n: usize| format!("2026-11-22T09:00:{n:02}Z host app[1]: seq={n}\n");
        let text: String = (0..5).map(line).collect();
        std::fs::write(&log, &text).unwrap();
        let mut store = in_dir(dir.path());
        let config = Config::default();
        update(&mut store, &config, &Quiet).unwrap();
        let before = store.checkpoint.files[0].clone();
        assert_eq!(before.head_len as usize, text.len());

        // It grows, and is emptied (copied first) as soon as this run has read it.
        let grown: String = (0..9).map(line).collect();
        std::fs::write(&log, &grown).unwrap();
        update(&mut store, &config, &TruncateAfterReading(log.clone())).unwrap();
        let f = &store.checkpoint.files[0];
        assert_eq!(f.events, 9);
        assert_eq!(
            f.head_len as usize,
            grown.len(),
            "the head is what was read, not what the file holds afterwards"
        );
        assert_eq!(f.head_hash, hash_bytes(grown.as_bytes()));

        // The copy holds what was read: it is that file, renamed, not a new one.
        std::fs::write(dir.path().join("copy.log.1"), &grown).unwrap();
        let summary = update(&mut store, &config, &Quiet).unwrap();
        assert!(
            !summary.notes.iter().any(|n| n.contains("gone")),
            "{:?}",
            summary.notes
        );
        let events: u64 = store.checkpoint.files.iter().map(|f| f.events).sum();
        assert_eq!(events, 9, "{:#?}", store.checkpoint.files);
    }

    fn surveyed(gone: &[u64], vanished: usize) -> Survey {
        Survey {
            files: 0,
            plan: super::super::reconcile::Plan {
                gone: gone.to_vec(),
                ..Default::default()
            },
            notes: Vec::new(),
            vanished,
            skipped: Vec::new(),
        }
    }

    /// Replays surveys in order; counts the calls.
    fn settle_over(seq: Vec<Survey>) -> (Survey, usize) {
        let mut seq = seq.into_iter();
        let mut calls = 0;
        let last = settle(
            || {
                calls += 1;
                seq.next().unwrap_or_else(|| surveyed(&[], 0))
            },
            |_| {},
        );
        (last, calls)
    }

    #[test]
    fn a_file_missed_by_one_listing_is_not_gone() {
        // Listed then renamed before its stat (logrotate at work): the next survey finds it.
        let (s, _) = settle_over(vec![surveyed(&[7], 1), surveyed(&[], 0)]);
        assert!(s.plan.gone.is_empty());
        // Missing from one listing, present in the next.
        let (s, _) = settle_over(vec![surveyed(&[7], 0), surveyed(&[], 0)]);
        assert!(s.plan.gone.is_empty());
        // Still moving after every retry: nothing is declared gone this run.
        let moving = (0..4).map(|_| surveyed(&[7], 1)).collect();
        let (s, calls) = settle_over(moving);
        assert!(s.plan.gone.is_empty());
        assert_eq!(calls, 4);
    }

    #[test]
    fn a_deleted_file_is_gone_once_two_surveys_agree() {
        let (s, calls) = settle_over(vec![surveyed(&[3, 7], 0), surveyed(&[3], 0)]);
        assert_eq!(calls, 3, "the two surveys disagree: look once more");
        assert!(s.plan.gone.is_empty(), "{:?}", s.plan.gone);
        let (s, calls) = settle_over(vec![surveyed(&[3], 0), surveyed(&[3], 0)]);
        assert_eq!((s.plan.gone, calls), (vec![3], 2));
        let (_, calls) = settle_over(vec![surveyed(&[], 0)]);
        assert_eq!(calls, 1, "nothing missing: one survey");
    }

    #[test]
    fn words_leave_out_the_timestamp_text() {
        let line = "2026-11-22T07:39:58.589980+05:30 vm demo-app[31724]: EV0001 k=0";
        assert_eq!(
            words_of(line, Some((0, 32))),
            "  vm demo-app[31724]: EV0001 k=0"
        );
        assert_eq!(words_of(line, None), line);
        assert_eq!(
            words_of("é", Some((0, 1))),
            "é",
            "a span off char boundaries is ignored"
        );
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("héllo", 2), "h");
        assert_eq!(truncate("hello", 10), "hello");
    }
}
