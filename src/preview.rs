//! The newest lines of the newest files, read and parsed without the index, for the explorer
//! to show at once on logs it has never indexed (a first index of a large folder takes
//! seconds; lnav shows lines in under one). The preview answers the unfiltered view and its
//! timeline; searches and filters wait for the index's first commit, which replaces it.

use crate::app::data::{
    EventKey, LogEvent, LogSource, PatternRow, Query, SourceError, SourceInfo, Span,
};
use crate::config::Config;
use crate::format::{Format, LineContext, LineKind};
use crate::query::Expr;
use crate::time::Zone;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Files read (the newest by modification time), and the bytes read from each one's end.
const FILES: usize = 8;
const TAIL_BYTES: u64 = 128 << 10;
/// Most events kept.
const MAX_EVENTS: usize = 5_000;

/// Events of the preview, in time order.
pub struct Preview {
    events: Vec<LogEvent>,
    files: Vec<SourceInfo>,
    roots: Vec<PathBuf>,
}

impl Preview {
    /// Reads the newest files under `paths` (plain files only: compressed ones are older
    /// rotations), stopping at `budget`.
    pub fn read(paths: &[PathBuf], config: &Config, budget: Duration) -> Preview {
        let started = Instant::now();
        let (found, _) = crate::source::discover::discover(paths);
        let mut plain: Vec<(i64, PathBuf)> = found
            .into_iter()
            .filter(|d| d.compression.is_none())
            .filter_map(|d| {
                let m = std::fs::metadata(&d.path).ok()?;
                let mtime = m
                    .modified()
                    .ok()
                    .map(|t| crate::time::to_micros(t.into()))?;
                (m.len() > 0).then_some((mtime, d.path))
            })
            .collect();
        plain.sort_by_key(|(mtime, _)| std::cmp::Reverse(*mtime));
        let roots = crate::index::update::canonical_roots(paths);
        let root = (roots.len() == 1).then(|| roots[0].clone());
        let mut events = Vec::new();
        let mut files = Vec::new();
        for (mtime, path) in plain.into_iter().take(FILES) {
            if started.elapsed() >= budget {
                break;
            }
            let Ok(lines) = tail_lines(&path) else {
                continue;
            };
            let short = root
                .as_ref()
                .and_then(|r| path.strip_prefix(r).ok())
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| path.display().to_string());
            let before = events.len();
            let format = read_events(&path, &short, mtime, &lines, config, &mut events);
            let mine = &events[before..];
            files.push(SourceInfo {
                path: path.display().to_string(),
                format,
                zone: "local".into(),
                events: mine.len() as u64,
                first: mine.iter().map(|e| e.ts).min(),
                last: mine.iter().map(|e| e.ts).max(),
                mtime: Some(mtime),
                ..SourceInfo::default()
            });
        }
        events.sort_by_key(LogEvent::key);
        if events.len() > MAX_EVENTS {
            events.drain(..events.len() - MAX_EVENTS);
        }
        Preview {
            events,
            files,
            roots,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The newest event's time: the index has caught up with the preview once it has it.
    pub fn last(&self) -> Option<i64> {
        self.events.last().map(|e| e.ts)
    }

    fn only_unfiltered(q: &Expr) -> Result<(), SourceError> {
        if matches!(q, Expr::All) {
            Ok(())
        } else {
            Err(SourceError::Unavailable(
                "still indexing: searches and filters answer from its first part, in a moment"
                    .into(),
            ))
        }
    }

    fn from(&self, since: Option<i64>) -> impl Iterator<Item = &LogEvent> {
        self.events
            .iter()
            .filter(move |e| since.is_none_or(|s| e.ts >= s))
    }
}

/// The complete lines of the last [`TAIL_BYTES`] of a file.
fn tail_lines(path: &Path) -> std::io::Result<Vec<String>> {
    let mut f = std::fs::File::open(path)?;
    let len = f.metadata()?.len();
    let start = len.saturating_sub(TAIL_BYTES);
    f.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::new();
    f.take(TAIL_BYTES).read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Cut mid-line at the start; an unfinished last line may still be being written.
    if start > 0 && !lines.is_empty() {
        lines.remove(0);
    }
    if !bytes.ends_with(b"\n") {
        lines.pop();
    }
    Ok(lines)
}

/// Parses `lines` (the end of `path`) into `out`; the format's name.
fn read_events(
    path: &Path,
    short: &str,
    mtime: i64,
    lines: &[String],
    config: &Config,
    out: &mut Vec<LogEvent>,
) -> String {
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let over = config.override_for(path);
    let format = over
        .and_then(|o| o.format.as_deref())
        .and_then(|n| Format::by_name(n, &config.formats))
        .or_else(|| crate::format::detect(&refs, &config.formats));
    let Some(format) = format else {
        return "text".into();
    };
    let zone = over
        .and_then(|o| o.timezone.as_deref())
        .and_then(Zone::parse)
        .unwrap_or(Zone::Local);
    let mut ctx = LineContext::new(&zone, mtime).named(path);
    let joined = lines.join("\n");
    let _ = crate::format::plan(&format, &mut ctx, joined.as_bytes());
    let file = xxhash_rust::xxh3::xxh3_64(path.as_os_str().as_encoded_bytes());
    let mut open: Option<LogEvent> = None;
    for (i, line) in lines.iter().enumerate() {
        match format.parse_line(line, &mut ctx) {
            LineKind::Start(p) => {
                out.extend(open.take());
                open = Some(LogEvent {
                    ts: p.ts,
                    file,
                    line: i as u64 + 1,
                    source: short.to_string(),
                    path: path.display().to_string(),
                    level: p.level,
                    host: p.host,
                    program: p.program,
                    message: p.message,
                    text: line.clone(),
                    fields: p
                        .fields
                        .into_iter()
                        .map(|(k, v)| (k, serde_json::Value::String(v)))
                        .collect(),
                    hit: false,
                });
            }
            LineKind::Header => out.extend(open.take()),
            _ => {
                if let Some(e) = open.as_mut() {
                    e.text.push('\n');
                    e.text.push_str(line);
                }
            }
        }
    }
    out.extend(open);
    format.name().to_string()
}

impl LogSource for Preview {
    fn around(
        &self,
        q: &Query,
        at: Option<i64>,
        before: usize,
        after: usize,
    ) -> Result<Vec<LogEvent>, SourceError> {
        Preview::only_unfiltered(&q.filter)?;
        let all: Vec<&LogEvent> = self.from(q.since).collect();
        let split = match at {
            Some(t) => all.partition_point(|e| e.ts < t),
            None => all.len(),
        };
        let lo = split.saturating_sub(before);
        let hi = (split + after).min(all.len());
        Ok(all[lo..hi].iter().map(|e| (*e).clone()).collect())
    }

    fn histogram(
        &self,
        filter: &Expr,
        since: Option<i64>,
        start_us: i64,
        bucket_us: i64,
        buckets: usize,
    ) -> Result<Vec<u64>, SourceError> {
        Preview::only_unfiltered(filter)?;
        let mut counts = vec![0; buckets];
        for e in self.from(since) {
            if let Some(j) = crate::app::data::bucket_of(e.ts, start_us, bucket_us, buckets) {
                counts[j] += 1;
            }
        }
        Ok(counts)
    }

    fn count(&self, q: &Expr, since: Option<i64>) -> Result<usize, SourceError> {
        Preview::only_unfiltered(q)?;
        Ok(self.from(since).count())
    }

    fn keys(
        &self,
        q: &Expr,
        since: Option<i64>,
        at: i64,
        forward: bool,
        limit: usize,
    ) -> Result<Vec<EventKey>, SourceError> {
        Preview::only_unfiltered(q)?;
        let keys: Vec<EventKey> = if forward {
            self.from(since)
                .filter(|e| e.ts >= at)
                .take(limit)
                .map(LogEvent::key)
                .collect()
        } else {
            let mut k: Vec<EventKey> = self
                .from(since)
                .filter(|e| e.ts <= at)
                .map(LogEvent::key)
                .collect();
            k.reverse();
            k.truncate(limit);
            k
        };
        Ok(keys)
    }

    fn span(&self) -> Span {
        Span {
            first: self.events.first().map(|e| e.ts),
            last: self.events.last().map(|e| e.ts),
            sources: self.files.len(),
            events: self.events.len() as u64,
            notes: vec![format!(
                "indexing for the first time: showing the newest lines of {} files meanwhile",
                self.files.len()
            )],
            files: self.files.clone(),
            unread: Vec::new(),
            roots: self.roots.clone(),
            formats: Vec::new(),
        }
    }

    /// None yet (the timeline asks on its own; an error would be noise).
    fn patterns(&self, _: &Expr, _: Option<i64>) -> Result<Vec<PatternRow>, SourceError> {
        Ok(Vec::new())
    }

    fn values(
        &self,
        _: &Expr,
        _: Option<i64>,
        _: &str,
        _: bool,
        _: usize,
    ) -> Result<Vec<(String, u64)>, SourceError> {
        Err(SourceError::Unavailable(
            "still indexing: values are counted once it is done".into(),
        ))
    }
}

/// While a first index is built: the unfiltered view from the preview (the newest lines), and
/// everything filtered from what the index holds so far (its answers grow as it commits).
pub struct Filling<'a> {
    pub preview: &'a Preview,
    pub index: &'a dyn LogSource,
}

impl Filling<'_> {
    fn pick(&self, q: &Expr) -> &dyn LogSource {
        if matches!(q, Expr::All) {
            self.preview
        } else {
            self.index
        }
    }
}

impl LogSource for Filling<'_> {
    fn around(
        &self,
        q: &Query,
        at: Option<i64>,
        before: usize,
        after: usize,
    ) -> Result<Vec<LogEvent>, SourceError> {
        self.pick(&q.filter).around(q, at, before, after)
    }

    fn histogram(
        &self,
        filter: &Expr,
        since: Option<i64>,
        start_us: i64,
        bucket_us: i64,
        buckets: usize,
    ) -> Result<Vec<u64>, SourceError> {
        self.pick(filter)
            .histogram(filter, since, start_us, bucket_us, buckets)
    }

    fn count(&self, q: &Expr, since: Option<i64>) -> Result<usize, SourceError> {
        self.pick(q).count(q, since)
    }

    fn keys(
        &self,
        q: &Expr,
        since: Option<i64>,
        at: i64,
        forward: bool,
        limit: usize,
    ) -> Result<Vec<EventKey>, SourceError> {
        self.pick(q).keys(q, since, at, forward, limit)
    }

    fn span(&self) -> Span {
        self.preview.span()
    }

    fn patterns(&self, filter: &Expr, since: Option<i64>) -> Result<Vec<PatternRow>, SourceError> {
        self.index.patterns(filter, since)
    }

    fn rule_inputs(
        &self,
        rules: &[crate::rules::config::Rule],
        exprs: &[Expr],
        filter: &Expr,
        since: Option<i64>,
    ) -> Result<Vec<crate::rules::eval::Input>, SourceError> {
        self.index.rule_inputs(rules, exprs, filter, since)
    }

    fn values(
        &self,
        filter: &Expr,
        since: Option<i64>,
        field: &str,
        bottom: bool,
        limit: usize,
    ) -> Result<Vec<(String, u64)>, SourceError> {
        self.index.values(filter, since, field, bottom, limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_lines_of_the_newest_files_are_read_without_an_index() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.log");
        let new = dir.path().join("app.log");
        let mut text = String::new();
        for i in 0..20_000 {
            text.push_str(&format!(
                "2026-12-03T{:02}:{:02}:{:02}.000Z INFO app[1]: request {i} done\n",
                i / 3600,
                (i / 60) % 60,
                i % 60
            ));
        }
        std::fs::write(&old, "2026-12-01T00:00:00Z INFO app[1]: old\n").unwrap();
        std::fs::write(&new, &text).unwrap();
        let p = Preview::read(
            &[dir.path().to_path_buf()],
            &Config::default(),
            Duration::from_secs(5),
        );
        let span = p.span();
        assert_eq!(span.files.len(), 2);
        // The last line of the big file is there, the first is not (only its end was read).
        let last = p.around(&Query::default(), None, 1, 0).unwrap();
        assert_eq!(last[0].message, "request 19999 done");
        assert!(p.events.iter().all(|e| e.message != "request 0 done"));
        assert!(p.events.iter().any(|e| e.message == "old"));
        // Filters wait for the index, saying so.
        let e = p
            .count(&crate::query::parse("error").unwrap(), None)
            .unwrap_err();
        assert!(e.to_string().contains("still indexing"), "{e}");
    }
}
