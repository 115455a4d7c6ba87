//! `timberline ship`: the local index's events into a remote index, exactly once.
//!
//! Each event goes as a `_bulk` `create` under a deterministic `_id` (this index's origin, the
//! file's identity, the event's offset), so a batch sent again after a crash or a timeout is
//! refused item by item as already there (409), never doubled. A per-remote checkpoint (next
//! offset per file) is committed, atomically, only after the engine accepted every item of a
//! batch; `_bulk` answers 200 even when items fail, so each item's status is checked: 201 and
//! 409 are done, 429 and 5xx are sent again after a backoff, anything else stops the ship
//! with the engine's reason and the file and line of the event.

use super::client::{Client, RemoteError};
use super::config::RemoteConfig;
use super::doc::{Local, doc_id, to_doc};
use super::template;
use crate::engine::{Engine, Request};
use crate::index::search::Hit;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Events per `_bulk` request, and the most bytes of one.
const BATCH_EVENTS: usize = 2_000;
const BATCH_BYTES: usize = 8 << 20;
/// How long a ship keeps retrying an engine that is down or overloaded before it gives up.
const GIVE_UP_AFTER: Duration = Duration::from_secs(300);

#[derive(Debug, thiserror::Error)]
pub enum ShipError {
    #[error(transparent)]
    Remote(#[from] RemoteError),
    #[error(transparent)]
    Engine(#[from] crate::engine::EngineError),
    #[error("{path}: {message}")]
    Checkpoint { path: PathBuf, message: String },
    /// The engine refused an event for good (a mapping conflict, say).
    #[error(
        "remote {remote:?} refused the event at {source_path} line {line}: {reason}; nothing after it was recorded as shipped"
    )]
    Refused {
        remote: String,
        source_path: String,
        line: u64,
        reason: String,
    },
    #[error("{0}")]
    Usage(String),
}

/// What was shipped by one round.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Shipped {
    /// Events the engine took now.
    pub sent: u64,
    /// Events it already had (a batch sent again after a crash).
    pub already: u64,
    /// Bytes of event text sent.
    pub bytes: u64,
    pub files: u64,
}

/// The ship checkpoint of one local index and one remote index.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Checkpoint {
    /// This local index's origin (random, made with the checkpoint): part of every `_id`, so
    /// that two hosts, or an index rebuilt from nothing, never reuse an `_id`.
    origin: String,
    /// File identity (16 hex digits) → the first offset not shipped yet.
    files: BTreeMap<String, u64>,
}

/// Ships `engine`'s events to one remote index.
pub struct Shipper {
    client: Client,
    index: String,
    remote: String,
    checkpoint_path: PathBuf,
    checkpoint: Checkpoint,
    since: Option<i64>,
    _lock: nix::fcntl::Flock<std::fs::File>,
}

impl Shipper {
    /// Connects, writes the index template (and creates the index), and loads (or starts)
    /// the checkpoint, locked so that one ship at a time sends this index to this remote.
    /// `since` ships only events from then on (for a first ship of an index whose events are
    /// already there from an older local index).
    pub fn start(
        engine: &Engine,
        config: &RemoteConfig,
        since: Option<i64>,
    ) -> Result<Shipper, ShipError> {
        let client = Client::new(config)?;
        let index = config.ship_index().map_err(RemoteError::from)?;
        template::install(&client, &index)?;
        let dir = engine.index_dir().join("ship");
        std::fs::create_dir_all(&dir).map_err(|e| ShipError::Checkpoint {
            path: dir.clone(),
            message: e.to_string(),
        })?;
        let key = xxhash_rust::xxh3::xxh3_64(
            format!("{}\n{index}", config.base_url().map_err(RemoteError::from)?).as_bytes(),
        );
        let checkpoint_path = dir.join(format!("{}-{key:016x}.json", sanitize(&config.name)));
        let lock = lock(&checkpoint_path.with_extension("lock"), &config.name)?;
        let (checkpoint, fresh) = match std::fs::read(&checkpoint_path) {
            Ok(bytes) => (
                serde_json::from_slice::<Checkpoint>(&bytes).map_err(|e| {
                    ShipError::Checkpoint {
                        path: checkpoint_path.clone(),
                        message: format!(
                            "damaged ({e}); remove it only if the remote index is empty"
                        ),
                    }
                })?,
                false,
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (
                Checkpoint {
                    origin: new_origin(engine.index_dir()),
                    files: BTreeMap::new(),
                },
                true,
            ),
            Err(e) => {
                return Err(ShipError::Checkpoint {
                    path: checkpoint_path,
                    message: e.to_string(),
                });
            }
        };
        let shipper = Shipper {
            client,
            remote: config.name.clone(),
            index,
            checkpoint_path,
            checkpoint,
            since,
            _lock: lock,
        };
        if fresh {
            shipper.refuse_a_second_first_ship(engine)?;
            // Written before anything is sent: a crash after the first batch reruns with
            // the same origin, so that batch is found already there.
            shipper.save()?;
        }
        Ok(shipper)
    }

    pub fn index(&self) -> &str {
        &self.index
    }

    /// A first ship of paths whose events the remote index already holds from another
    /// local index (rebuilt, or another copy) would send them all again under new ids.
    fn refuse_a_second_first_ship(&self, engine: &Engine) -> Result<(), ShipError> {
        if self.since.is_some() {
            return Ok(());
        }
        let paths: Vec<Value> = engine
            .files()
            .iter()
            .take(1000)
            .map(|f| json!(f.path.to_string_lossy()))
            .collect();
        if paths.is_empty() {
            return Ok(());
        }
        let body = json!({"query": {"terms": {super::layout::shipped::PATH: paths}}});
        let answer = self.client.post(
            &format!(
                "{}/_count?ignore_unavailable=true&allow_no_indices=true",
                self.index
            ),
            &body,
            "checking for events shipped before",
        )?;
        let n = answer["count"].as_u64().unwrap_or(0);
        if n > 0 {
            return Err(ShipError::Usage(format!(
                "remote {:?} index {} already holds {n} events of these files, shipped from \
                 another local index (rebuilt, or another copy of the logs); shipping them \
                 again would duplicate them. Ship only newer events with --since TIME",
                self.remote, self.index
            )));
        }
        Ok(())
    }

    fn save(&self) -> Result<(), ShipError> {
        let bytes =
            serde_json::to_vec_pretty(&self.checkpoint).map_err(|e| ShipError::Checkpoint {
                path: self.checkpoint_path.clone(),
                message: e.to_string(),
            })?;
        let fail = |e: std::io::Error| ShipError::Checkpoint {
            path: self.checkpoint_path.clone(),
            message: e.to_string(),
        };
        let dir = self.checkpoint_path.parent().unwrap_or(Path::new("."));
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
        use std::io::Write;
        tmp.write_all(&bytes).map_err(fail)?;
        tmp.as_file().sync_all().map_err(fail)?;
        tmp.persist(&self.checkpoint_path)
            .map_err(|e| fail(e.error))?;
        Ok(())
    }

    /// Ships every event not shipped yet; `progress` hears the running totals.
    pub fn round(
        &mut self,
        engine: &Engine,
        progress: &mut dyn FnMut(&Shipped),
    ) -> Result<Shipped, ShipError> {
        let mut total = Shipped::default();
        let miner = engine.pattern_miner();
        let files: Vec<(u64, PathBuf)> = engine
            .files()
            .iter()
            .map(|f| (f.id, f.path.clone()))
            .collect();
        for (id, _path) in files {
            let key = format!("{id:016x}");
            let from = self.checkpoint.files.get(&key).copied().unwrap_or(0);
            let req = Request {
                since: self.since,
                ..Request::default()
            };
            let mut hits = engine.search_from(&req, &[(id, from)])?;
            if hits.is_empty() {
                continue;
            }
            hits.sort_by_key(|h| h.offset);
            total.files += 1;
            let mut start = 0;
            while start < hits.len() {
                let end = batch_end(&hits, start);
                let chunk = &hits[start..end];
                let records = engine.try_records(chunk);
                // Events whose text cannot be read now (their file rotated away since the
                // last update) wait for the next round, as a follower's do.
                let readable = records.iter().take_while(|r| r.is_some()).count();
                if readable == 0 {
                    break;
                }
                let (body, bytes, sent_upto) =
                    self.bulk_body(&chunk[..readable], &records[..readable], miner.as_ref());
                let (sent, already) = self.send(&body, &chunk[..readable], &records[..readable])?;
                total.sent += sent;
                total.already += already;
                total.bytes += bytes;
                self.checkpoint.files.insert(key.clone(), sent_upto);
                self.save()?;
                progress(&total);
                if readable < chunk.len() {
                    break;
                }
                start = end;
            }
        }
        Ok(total)
    }

    /// The NDJSON of a batch, its text bytes, and the offset after its last event.
    fn bulk_body(
        &self,
        hits: &[Hit],
        records: &[Option<crate::output::events::EventRecord>],
        miner: Option<&crate::patterns::Miner>,
    ) -> (String, u64, u64) {
        let mut body = String::new();
        let mut bytes = 0;
        let mut upto = 0;
        for (h, rec) in hits.iter().zip(records) {
            let Some(rec) = rec else { continue };
            let template = h
                .pattern
                .and_then(|p| miner.and_then(|m| m.template(crate::patterns::PatternId(p))))
                .map(|t| t.text);
            let words = crate::index::update::words_of(&rec.text, rec.time_span);
            let doc = to_doc(
                rec,
                &Local {
                    file: h.file,
                    offset: h.offset,
                    level: h.level,
                    pattern: h.pattern,
                    template: template.as_deref(),
                    words: &words,
                },
            );
            let mut doc = doc;
            doc["timberline"]["origin"] = json!(self.checkpoint.origin);
            let action = json!({"create": {"_index": self.index, "_id": format!("{}-{}", self.checkpoint.origin, doc_id(h.file, h.offset))}});
            body.push_str(&action.to_string());
            body.push('\n');
            body.push_str(&doc.to_string());
            body.push('\n');
            bytes += rec.text.len() as u64;
            upto = upto.max(h.offset + 1);
        }
        (body, bytes, upto)
    }

    /// Sends one batch until every item is accepted (or refused for good); counts of
    /// (created, already there).
    fn send(
        &self,
        body: &str,
        hits: &[Hit],
        records: &[Option<crate::output::events::EventRecord>],
    ) -> Result<(u64, u64), ShipError> {
        let started = Instant::now();
        let mut wait = Duration::from_millis(250);
        let mut pending: Vec<usize> = (0..hits.len()).collect();
        let lines: Vec<&str> = body.lines().collect();
        let (mut created, mut already) = (0, 0);
        loop {
            let mut text = String::new();
            for &i in &pending {
                text.push_str(lines[2 * i]);
                text.push('\n');
                text.push_str(lines[2 * i + 1]);
                text.push('\n');
            }
            let answer = match self.client.request(
                "POST",
                "_bulk",
                Some(("application/x-ndjson", &text)),
                "shipping a batch",
            ) {
                Ok(a) => a,
                Err(e) if e.is_transient() && started.elapsed() < GIVE_UP_AFTER => {
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(Duration::from_secs(10));
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            let items = answer["items"].as_array().cloned().unwrap_or_default();
            if items.len() != pending.len() {
                return Err(RemoteError::Answer {
                    remote: self.remote.clone(),
                    what: "shipping a batch".into(),
                    message: format!("{} items answered for {} sent", items.len(), pending.len()),
                }
                .into());
            }
            let mut again = Vec::new();
            for (item, &i) in items.iter().zip(&pending) {
                let r = &item["create"];
                match r["status"].as_u64().unwrap_or(0) {
                    200 | 201 => created += 1,
                    409 => already += 1,
                    429 | 500..=599 => again.push(i),
                    _ => {
                        let reason = r["error"]["reason"]
                            .as_str()
                            .or(r["error"]["type"].as_str())
                            .unwrap_or("refused")
                            .to_string();
                        let rec = records[i].as_ref();
                        return Err(ShipError::Refused {
                            remote: self.remote.clone(),
                            source_path: rec.map(|r| r.source.clone()).unwrap_or_default(),
                            line: hits[i].line,
                            reason,
                        });
                    }
                }
            }
            if again.is_empty() {
                return Ok((created, already));
            }
            if started.elapsed() >= GIVE_UP_AFTER {
                return Err(RemoteError::Status {
                    remote: self.remote.clone(),
                    what: "shipping a batch".into(),
                    status: 429,
                    reason: format!(
                        "{} events still refused as overloaded after {:?}",
                        again.len(),
                        GIVE_UP_AFTER
                    ),
                }
                .into());
            }
            pending = again;
            std::thread::sleep(wait);
            wait = (wait * 2).min(Duration::from_secs(10));
        }
    }

    /// Makes what was shipped searchable now (the engine does it within a second anyway).
    pub fn refresh(&self) -> Result<(), ShipError> {
        self.client.request(
            "POST",
            &format!("{}/_refresh", self.index),
            Some(("application/json", "")),
            "refreshing",
        )?;
        Ok(())
    }
}

/// The end of the batch from `start`: at most [`BATCH_EVENTS`] events and about
/// [`BATCH_BYTES`] of text (at least one event).
fn batch_end(hits: &[Hit], start: usize) -> usize {
    let mut bytes = 0u64;
    let mut end = start;
    while end < hits.len() && end - start < BATCH_EVENTS {
        bytes += hits[end].len;
        end += 1;
        if bytes >= BATCH_BYTES as u64 {
            break;
        }
    }
    end
}

fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A new origin: unique to this host, this index and this moment.
fn new_origin(index_dir: &Path) -> String {
    let host = nix::unistd::gethostname()
        .map(|h| h.to_string_lossy().into_owned())
        .unwrap_or_default();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let seed = format!(
        "{host}\n{}\n{now}\n{}",
        index_dir.display(),
        std::process::id()
    );
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(seed.as_bytes()))
}

fn lock(path: &Path, remote: &str) -> Result<nix::fcntl::Flock<std::fs::File>, ShipError> {
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| ShipError::Checkpoint {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    nix::fcntl::Flock::lock(f, nix::fcntl::FlockArg::LockExclusiveNonblock).map_err(|_| {
        ShipError::Usage(format!(
            "another `timberline ship` is sending these logs to {remote:?}; one at a time"
        ))
    })
}
