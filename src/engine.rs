//! The one search path of the core: open (or build) the right index for the user's paths,
//! bring it up to date, and answer searches, counts and histograms. The CLI and the TUI are
//! sinks over this.

use crate::config::Config;
use crate::format::{Format, LineKind};
use crate::index::IndexError;
use crate::index::compile::{CompileContext, CompileError, compile, files_query};
use crate::index::histogram::{BucketCollector, Histogram, MinuteCache, SpanCollector};
use crate::index::probe::{Extent, first_hits};
use crate::index::regex_budget::RegexBudget;
use crate::index::search::{Hit, HitCollector, path_ranks, within_window};
use crate::index::store::{self, Store};
use crate::index::text::{FileTable, SegmentTexts};
use crate::index::update::{Progress, Summary, canonical_roots, update};
use crate::output::events::EventRecord;
use crate::output::events::{MAX_SHOWN, shown_text};
use crate::query::{Expr, QueryError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexReader, ReloadPolicy, Searcher, Term};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Compile(#[from] CompileError),
    #[error("{0}")]
    Usage(String),
}

impl EngineError {
    /// Usage and query errors exit with 2, the rest with 1.
    pub fn exit_code(&self) -> u8 {
        match self {
            EngineError::Query(_) | EngineError::Compile(_) | EngineError::Usage(_) => 2,
            EngineError::Index(e) if e.is_usage() => 2,
            EngineError::Index(_) => 1,
        }
    }
}

/// Where the index comes from.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    pub paths: Vec<PathBuf>,
    /// `--index-dir` / `TIMBERLINE_INDEX_DIR`.
    pub index_dir: Option<PathBuf>,
    pub config: Config,
}

/// A search request: query, time window (µs UTC, `until` exclusive), limit, order.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub query: Expr,
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub limit: Option<usize>,
    pub reverse: bool,
}

/// An open, up-to-date index and the part of it the user asked about.
pub struct Engine {
    store: Store,
    reader: IndexReader,
    /// The commit every answer comes from, with `files` (see [`Engine::reload_committed`]).
    searcher: Searcher,
    files: FileTable,
    /// Files under the user's paths, when they are a part of the index's roots.
    only: Option<Vec<u64>>,
    config: Config,
    /// The root that `short_source` paths are shown relative to.
    display_root: Option<PathBuf>,
    /// The paths the user asked about (canonical).
    wanted: Vec<PathBuf>,
    /// Shown instead of a path for stdin.
    stdin_name: Option<String>,
    _stdin_file: Option<tempfile::TempDir>,
    /// Events per minute of each segment, for histograms of all events.
    minutes: MinuteCache,
    /// What the last update left out under the roots, and why (the sources pane lists them).
    unread: Vec<crate::source::discover::Skipped>,
}

impl Engine {
    /// Opens the index for `opts.paths` and brings it up to date.
    pub fn open(
        opts: OpenOptions,
        progress: &dyn Progress,
    ) -> Result<(Engine, Summary), EngineError> {
        if opts.paths.iter().any(|p| p.as_os_str() == "-") {
            if opts.paths.len() > 1 {
                return Err(EngineError::Usage(
                    "`-` (stdin) cannot be mixed with other paths".into(),
                ));
            }
            return Engine::open_stdin(opts.config);
        }
        let mut located = Located::find(&opts)?;
        let mut summary = update(&mut located.store, &opts.config, progress)?;
        located.notes.append(&mut summary.notes);
        summary.notes = std::mem::take(&mut located.notes);
        let mut engine = located.engine(opts.config)?;
        engine.unread = summary.skipped.clone();
        Ok((engine, summary))
    }

    /// Opens the index for `opts.paths` as last committed, without updating it: what the
    /// explorer shows at once while [`Engine::open`] brings the index up to date on another
    /// thread. A new index is created empty. Returns the notes of opening.
    pub fn open_committed(opts: OpenOptions) -> Result<(Engine, Vec<String>), EngineError> {
        let mut located = Located::find(&opts)?;
        let notes = std::mem::take(&mut located.notes);
        Ok((located.engine(opts.config)?, notes))
    }

    /// Takes in what was committed since this engine last looked (by another process, or by
    /// this one's indexer thread). True when the engine now shows another commit.
    ///
    /// The searcher and the file table always belong to one commit: event text is read at
    /// the offsets of the documents searched, through the paths and identities their commit
    /// recorded. A searcher is taken only when its segments are exactly those of the commit
    /// whose checkpoint was read; when a commit lands between the two reads, they are read
    /// again, and if they never agree the engine keeps the pair it had.
    pub fn reload_committed(&mut self) -> Result<bool, EngineError> {
        for _ in 0..8 {
            let Some(committed) = store::committed_checkpoint(&self.store) else {
                return Ok(false);
            };
            if committed.opstamp == self.store.opstamp
                && self.searcher.generation().segments() == &committed.segments
            {
                return Ok(false);
            }
            self.reader
                .reload()
                .map_err(|e| IndexError::tantivy(&self.store.dir, e))?;
            let searcher = self.reader.searcher();
            if searcher.generation().segments() != &committed.segments {
                continue;
            }
            self.searcher = searcher;
            self.store.checkpoint = committed.checkpoint;
            self.store.opstamp = committed.opstamp;
            self.files = FileTable::new(&self.store.checkpoint.files);
            self.only = self.only_files();
            return Ok(true);
        }
        Ok(false)
    }

    fn open_stdin(config: Config) -> Result<(Engine, Summary), EngineError> {
        let dir = tempfile::tempdir().map_err(|e| IndexError::io(Path::new("stdin"), e))?;
        let path = dir.path().join("stdin");
        let mut file = std::fs::File::create(&path).map_err(|e| IndexError::io(&path, e))?;
        std::io::copy(&mut std::io::stdin().lock(), &mut file)
            .map_err(|e| IndexError::io(Path::new("stdin"), e))?;
        drop(file);
        let mut store = store::in_ram();
        store.checkpoint.roots = vec![path];
        let summary = update(&mut store, &config, &crate::index::update::Quiet)?;
        let mut engine = Engine::from_store(store, None, config, None)?;
        engine.stdin_name = Some("-".into());
        engine._stdin_file = Some(dir);
        Ok((engine, summary))
    }

    fn from_store(
        store: Store,
        only: Option<Vec<u64>>,
        config: Config,
        display_root: Option<PathBuf>,
    ) -> Result<Engine, EngineError> {
        let reader = store
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| IndexError::tantivy(&store.dir, e))?;
        let searcher = reader.searcher();
        let files = FileTable::new(&store.checkpoint.files);
        let minutes = MinuteCache::on_disk(&store.dir);
        Ok(Engine {
            store,
            reader,
            searcher,
            files,
            only,
            config,
            display_root,
            wanted: Vec::new(),
            stdin_name: None,
            _stdin_file: None,
            minutes,
            unread: Vec::new(),
        })
    }

    /// The files under the user's paths, when those are a part of the index's roots
    /// (recomputed after each update: new files under those paths join).
    fn only_files(&self) -> Option<Vec<u64>> {
        (!self.wanted.is_empty() && self.store.checkpoint.roots != self.wanted).then(|| {
            self.store
                .checkpoint
                .files
                .iter()
                .filter(|f| self.wanted.iter().any(|w| f.path.starts_with(w)))
                .map(|f| f.id)
                .collect()
        })
    }

    /// Brings the index up to date again (for followers) and makes the new events searchable.
    /// When another process holds the index's writer, this takes in its commits instead;
    /// when that process is gone, the next call becomes the writer, from its last commit.
    /// `Summary::changed` says whether the engine now shows another commit.
    pub fn refresh(&mut self, progress: &dyn Progress) -> Result<Summary, EngineError> {
        let mut changed = false;
        if self.store.writer.is_none() {
            changed |= self.reload_committed()?;
        }
        let before = self.store.opstamp;
        let mut summary =
            crate::index::update::update_keeping(&mut self.store, &self.config, progress, true)?;
        if self.store.writer.is_some() {
            // This process wrote: its searcher follows its own commits.
            self.reader
                .reload()
                .map_err(|e| IndexError::tantivy(&self.store.dir, e))?;
            self.searcher = self.reader.searcher();
            self.files = FileTable::new(&self.store.checkpoint.files);
            self.only = self.only_files();
            changed |= self.store.opstamp != before;
        } else {
            changed |= self.reload_committed()?;
        }
        summary.changed = changed;
        // A run that did not look at the files (another process writes) says nothing new.
        if !summary.skipped_busy {
            self.unread = summary.skipped.clone();
        }
        Ok(summary)
    }

    /// What the last update left out under the user's paths (binary, unreadable, empty), and
    /// why.
    pub fn unread(&self) -> impl Iterator<Item = &crate::source::discover::Skipped> {
        self.unread
            .iter()
            .filter(|s| self.wanted.is_empty() || self.wanted.iter().any(|w| s.path.starts_with(w)))
    }

    /// True when lines may still be on their way through a rotation under way (see
    /// `Summary::rotating`), as this process's last survey or the last commit taken in says.
    pub fn rotating(&self) -> bool {
        self.store.checkpoint.rotating
    }

    /// True while this process holds the index's writer (it keeps the index fresh for all).
    pub fn is_writer(&self) -> bool {
        self.store.writer.is_some()
    }

    /// The config in use (its overrides decide each file's format and zone).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Replaces the config; the next [`Engine::refresh`] re-reads every file whose format or
    /// zone it changes.
    pub fn set_config(&mut self, config: Config) {
        self.config = config;
    }

    /// The roots the index covers.
    pub fn roots(&self) -> &[PathBuf] {
        &self.store.checkpoint.roots
    }

    pub fn searcher(&self) -> Searcher {
        self.searcher.clone()
    }

    pub fn files(&self) -> &FileTable {
        &self.files
    }

    pub fn index_dir(&self) -> &Path {
        &self.store.dir
    }

    /// The full query: the expression, the user's paths, the time window.
    fn build(&self, req: &Request, searcher: &Searcher) -> Result<Box<dyn Query>, EngineError> {
        let regex_budget = RegexBudget::from_env();
        let cx = CompileContext {
            fields: self.store.fields,
            searcher,
            files: &self.files,
            regex_budget: &regex_budget,
        };
        let mut q = compile(&req.query, &cx)?;
        if let Some(ids) = &self.only {
            q = Box::new(BooleanQuery::new(vec![
                (Occur::Must, q),
                (Occur::Must, files_query(ids, self.store.fields)),
            ]));
        }
        Ok(regex_budget.guard(within_window(q, req.since, req.until)))
    }

    fn tantivy_err(&self, e: tantivy::TantivyError) -> EngineError {
        if let Some(m) = crate::index::regex_budget::spent_message(&e) {
            return EngineError::Usage(m.to_string());
        }
        EngineError::Index(IndexError::tantivy(&self.store.dir, e))
    }

    /// Matching events in time order (newest first with `reverse`), up to `limit`.
    /// With a limit, growing time windows are searched from the start (or the end), so a
    /// short page costs the same on a week of logs as on a year.
    pub fn search(&self, req: &Request) -> Result<Vec<Hit>, EngineError> {
        let searcher = self.searcher();
        let (Some(limit), Some(extent)) = (req.limit, Extent::of(&searcher)) else {
            return self.search_in(req, &searcher);
        };
        first_hits(
            extent,
            req.since,
            req.until,
            limit,
            req.reverse,
            |since, until, limit| {
                let window = Request {
                    since: Some(since),
                    until: Some(until),
                    limit: Some(limit),
                    ..req.clone()
                };
                self.search_in(&window, &searcher)
            },
        )
    }

    fn search_in(&self, req: &Request, searcher: &Searcher) -> Result<Vec<Hit>, EngineError> {
        let q = self.build(req, searcher)?;
        let collector = HitCollector {
            limit: req.limit,
            reverse: req.reverse,
            ranks: path_ranks(&self.files),
        };
        searcher
            .search(&q, &collector)
            .map_err(|e| self.tantivy_err(e))
    }

    /// Matching events of the given files at or after the given offsets, in time order (what
    /// a follower has not shown yet). `from` holds (file id, first offset).
    pub fn search_from(&self, req: &Request, from: &[(u64, u64)]) -> Result<Vec<Hit>, EngineError> {
        if from.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.searcher();
        let q = self.build(req, &searcher)?;
        let f = self.store.fields;
        let clauses: Vec<(Occur, Box<dyn Query>)> = from
            .iter()
            .map(|&(id, offset)| {
                let one: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(
                            Term::from_field_u64(f.file, id),
                            IndexRecordOption::Basic,
                        )) as Box<dyn Query>,
                    ),
                    (
                        Occur::Must,
                        Box::new(RangeQuery::new(
                            std::ops::Bound::Included(Term::from_field_u64(f.offset, offset)),
                            std::ops::Bound::Unbounded,
                        )),
                    ),
                ]));
                (Occur::Should, one)
            })
            .collect();
        let q = BooleanQuery::new(vec![
            (Occur::Must, q),
            (Occur::Must, Box::new(BooleanQuery::new(clauses))),
        ]);
        let collector = HitCollector {
            limit: None,
            reverse: false,
            ranks: path_ranks(&self.files),
        };
        searcher
            .search(&q, &collector)
            .map_err(|e| self.tantivy_err(e))
    }

    /// Runs any collector over the matching events (the reports' one way in).
    pub fn collect<C: tantivy::collector::Collector>(
        &self,
        req: &Request,
        collector: &C,
    ) -> Result<C::Fruit, EngineError> {
        let searcher = self.searcher();
        let q = self.build(req, &searcher)?;
        searcher
            .search(&q, collector)
            .map_err(|e| self.tantivy_err(e))
    }

    /// The pattern miner's state of the commit this engine shows (templates by id), if
    /// readable: the side file named by the checkpoint, or the in-memory miner of stdin.
    pub fn pattern_miner(&self) -> Option<crate::patterns::Miner> {
        if let Some(m) = &self.store.miner
            && m.hash == self.store.checkpoint.patterns
        {
            return Some(m.miner.clone());
        }
        let hash = self.store.checkpoint.patterns.as_deref();
        crate::index::pattern_state::load(&self.store.dir, hash)
            .ok()
            .map(|m| m.miner)
    }

    /// The index's fields (for collectors).
    pub fn fields(&self) -> crate::index::schema::Fields {
        self.store.fields
    }

    /// A file's path as shown to people (relative to the root).
    pub fn short_source(&self, file: u64) -> String {
        if let Some(name) = &self.stdin_name {
            return name.clone();
        }
        match self.files.get(file) {
            Some(s) => self
                .display_root
                .as_ref()
                .and_then(|r| s.path.strip_prefix(r).ok())
                .unwrap_or(&s.path)
                .to_string_lossy()
                .into_owned(),
            None => format!("file#{file}"),
        }
    }

    pub fn count(&self, req: &Request) -> Result<usize, EngineError> {
        let searcher = self.searcher();
        let q = self.build(req, &searcher)?;
        searcher.search(&q, &Count).map_err(|e| self.tantivy_err(e))
    }

    /// Counts per bucket over the request's window (or the span of the matches), with gaps.
    /// `bucket_s` of `None` picks a width giving at most `max_buckets` buckets.
    pub fn histogram(
        &self,
        req: &Request,
        bucket_s: Option<i64>,
        max_buckets: usize,
    ) -> Result<Histogram, EngineError> {
        let searcher = self.searcher();
        let q = self.build(req, &searcher)?;
        let every = matches!(req.query, Expr::All) && self.only.is_none();
        // Buckets of whole minutes over the whole history: the first and last minute with
        // events place them exactly as the first and last event would.
        let whole_minutes = bucket_s.is_some_and(|b| b > 0 && b % 60 == 0);
        let minute_span = if every && whole_minutes && req.since.is_none() && req.until.is_none() {
            self.minutes
                .minute_span(&searcher)
                .map_err(|e| self.tantivy_err(e))?
        } else {
            None
        };
        let (lo, hi) = match (req.since, req.until) {
            (Some(s), Some(u)) => (s, u - 1),
            _ if minute_span.is_some() => match minute_span.flatten() {
                Some((a, b)) => (a * 60_000_000, b * 60_000_000),
                None => {
                    return Ok(Histogram::new(
                        0,
                        bucket_s.unwrap_or(60) * 1_000_000,
                        Vec::new(),
                    ));
                }
            },
            // With `--since` and no `--until`, the range runs to now: a host gone silent since
            // its last event shows as a gap at the end, not as a shorter histogram.
            _ => match searcher
                .search(&q, &SpanCollector)
                .map_err(|e| self.tantivy_err(e))?
            {
                Some((a, b)) => match (req.since, req.until) {
                    (_, Some(u)) => (req.since.unwrap_or(a), u - 1),
                    (Some(s), None) => (s, b.max(now_us())),
                    (None, None) => (a, b),
                },
                None => match (req.since, req.until) {
                    (Some(s), None) => (s, now_us().max(s)),
                    _ => {
                        return Ok(Histogram::new(
                            0,
                            bucket_s.unwrap_or(60) * 1_000_000,
                            Vec::new(),
                        ));
                    }
                },
            },
        };
        let hi = hi.max(lo);
        let bucket_s = bucket_s.unwrap_or_else(|| {
            crate::timeline::auto_bucket((hi - lo) / 1_000_000 + 1, max_buckets)
        });
        let bucket_us = bucket_s.max(1) * 1_000_000;
        let start = lo.div_euclid(bucket_us) * bucket_us;
        let n = ((hi - start) / bucket_us + 1) as usize;
        if n > 5_000_000 {
            return Err(EngineError::Usage(format!(
                "{n} buckets of {bucket_s}s: choose a wider --bucket or a shorter --since/--until window"
            )));
        }
        let every_event = if every {
            self.minutes
                .count_every_event(&searcher, (req.since, req.until), start, bucket_us, n)
                .map_err(|e| self.tantivy_err(e))?
        } else {
            None
        };
        let counts = match every_event {
            Some(counts) => counts,
            None => searcher
                .search(
                    &q,
                    &BucketCollector {
                        start_us: start,
                        bucket_us,
                        n,
                    },
                )
                .map_err(|e| self.tantivy_err(e))?,
        };
        Ok(Histogram::new(start, bucket_us, counts))
    }

    /// Reads the hits' texts back and re-parses them into printable records.
    pub fn records(&self, hits: &[Hit]) -> Vec<EventRecord> {
        self.try_records(hits)
            .into_iter()
            .zip(hits)
            .map(|(rec, h)| {
                rec.unwrap_or_else(|| {
                    let text = "[event unavailable: its file was truncated or removed since it was indexed]";
                    self.record(h, text.to_string(), &mut HashMap::new())
                })
            })
            .collect()
    }

    /// Like [`Engine::records`], with `None` for events whose text cannot be read now (their
    /// file was rotated away since the last update: a follower waits for the next one).
    pub fn try_records(&self, hits: &[Hit]) -> Vec<Option<EventRecord>> {
        let searcher = self.searcher();
        let mut texts: HashMap<u32, SegmentTexts> = HashMap::new();
        let mut formats: HashMap<u64, Format> = HashMap::new();
        hits.iter()
            .map(|h| {
                let seg = texts.entry(h.segment).or_insert_with(|| {
                    let store = searcher.segment_reader(h.segment).get_store_reader(16).ok();
                    SegmentTexts::new(self.files.clone(), self.store.fields, store)
                });
                // Bounded: a 50 MB event is read (and shown) as its first MiB and a marker.
                seg.text(h.doc, h.file, h.offset, h.len.min(MAX_SHOWN))
                    .map(|text| self.record(h, shown_text(text, h.len), &mut formats))
            })
            .collect()
    }

    fn record(&self, h: &Hit, text: String, formats: &mut HashMap<u64, Format>) -> EventRecord {
        let state = self.files.get(h.file);
        let (source, short) = match (&self.stdin_name, state) {
            (Some(name), _) => (name.clone(), name.clone()),
            (None, Some(s)) => {
                let full = s.path.to_string_lossy().into_owned();
                let short = self
                    .display_root
                    .as_ref()
                    .and_then(|r| s.path.strip_prefix(r).ok())
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_else(|| full.clone());
                (full, short)
            }
            (None, None) => (format!("file#{}", h.file), format!("file#{}", h.file)),
        };
        let mut rec = EventRecord::new(h.ts, source, short, h.line, text);
        rec.level = h.level.map(|l| l.as_str());
        rec.pattern = h.pattern.map(|p| crate::patterns::PatternId(p).to_string());
        if let Some(s) = state {
            let format = formats.entry(h.file).or_insert_with(|| {
                Format::by_name(&s.format, &self.config.formats).unwrap_or_else(Format::plain_text)
            });
            let mut lines = rec.text.lines();
            let first = lines.next().unwrap_or("");
            let mut ctx = s.ctx.reader(h.offset);
            match format.parse_line(first, &mut ctx) {
                LineKind::Start(p) if !format.is_plain_text() => {
                    rec.time_span = p.time_span;
                    rec.host = p.host;
                    rec.program = p.program;
                    rec.message = p.message;
                    let mut fields = p.fields;
                    // What its detail lines add (a MySQL slow log's `# Query_time:`, its SQL).
                    for line in lines {
                        if let LineKind::Detail {
                            fields: more,
                            message,
                            ..
                        } = format.parse_line(line, &mut ctx)
                        {
                            fields.extend(more);
                            if let Some(m) = message.filter(|_| rec.message.is_empty()) {
                                rec.message = m;
                            }
                        }
                    }
                    for (k, v) in fields {
                        rec.fields.insert(k, serde_json::Value::String(v));
                    }
                }
                _ => rec.message = first.to_string(),
            }
        }
        rec
    }
}

/// The index that answers for the user's paths, opened as last committed.
struct Located {
    store: Store,
    roots: Vec<PathBuf>,
    wanted: Vec<PathBuf>,
    notes: Vec<String>,
}

impl Located {
    fn find(opts: &OpenOptions) -> Result<Located, EngineError> {
        let wanted = canonical_roots(&opts.paths);
        for c in &wanted {
            if !c.exists() && !c.to_string_lossy().contains(['*', '?', '[']) {
                return Err(EngineError::Usage(format!(
                    "{}: no such file or folder",
                    c.display()
                )));
            }
        }
        let mut notes = Vec::new();
        let (dir, roots) = match &opts.index_dir {
            Some(dir) => {
                let roots = store::marker_roots(dir)
                    .filter(|r| covers(r, &wanted))
                    .unwrap_or_else(|| wanted.clone());
                (dir.clone(), roots)
            }
            None => match store::find_covering(&wanted) {
                Some(found) => found,
                None => (
                    store::default_dir(&wanted).ok_or(IndexError::NoDataDir)?,
                    wanted.clone(),
                ),
            },
        };
        let store = store::open(&dir, &roots, &mut notes)?;
        Ok(Located {
            store,
            roots,
            wanted,
            notes,
        })
    }

    fn engine(self, config: Config) -> Result<Engine, EngineError> {
        let display_root = (self.roots.len() == 1)
            .then(|| self.roots[0].clone())
            .filter(|r| r.is_dir());
        let mut engine = Engine::from_store(self.store, None, config, display_root)?;
        // The user's paths stay known, so that every refresh keeps searching only under them.
        engine.wanted = self.wanted;
        engine.only = engine.only_files();
        Ok(engine)
    }
}

fn covers(roots: &[PathBuf], paths: &[PathBuf]) -> bool {
    paths.iter().all(|p| roots.iter().any(|r| p.starts_with(r)))
}

/// Now, in µs UTC.
fn now_us() -> i64 {
    chrono::Utc::now().timestamp_micros()
}
