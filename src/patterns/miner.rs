//! The online miner: every message goes to a pattern of its key at once (Drain-like: a bucket
//! by token count and leading tokens, then the most similar template above a threshold, else a
//! new pattern).

use super::cluster::{Cluster, bucket_hash, key_hash};
use super::id::{PatternId, token_hash};
use super::mask::{Masked, WILD};
use super::memo::{Entry, Memo};
use std::collections::HashMap;

/// The miner's settings: one for every log (they are part of the state, so a resumed miner
/// keeps the settings it started with).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Config {
    /// A message joins the most similar template of its bucket when at least this share of
    /// its tokens are covered by the template's (equal, under a `<*>`, or the same `key=`).
    /// A message of three tokens or more that differs in one position only always joins.
    pub similarity: f64,
    /// Patterns one key may hold. Beyond it, a message that matches none of them goes to the
    /// key's overflow pattern `<*>`.
    pub max_patterns_per_key: usize,
    /// Patterns all keys together may hold; beyond it, the same overflow rule applies.
    pub max_patterns: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            similarity: 0.75,
            max_patterns_per_key: 2_000,
            max_patterns: 50_000,
        }
    }
}

impl Config {
    /// Whether a message of `n` tokens joins a template that covers `covered` of them.
    fn joins(&self, covered: usize, n: usize) -> bool {
        n == 0 || covered as f64 >= self.similarity * n as f64 || n >= 3 && covered + 1 >= n
    }
}

/// One pattern as the `templates()` accessor shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template<'a> {
    pub id: PatternId,
    pub key: &'a str,
    /// The masked tokens joined by single spaces, with `<*>` where the messages differ.
    pub text: String,
    /// Messages assigned to it by this miner (the index's counts are the ones to show).
    pub count: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct Key {
    pub name: String,
    /// Indices into `Miner::clusters`, in creation order.
    pub clusters: Vec<u32>,
    /// Index of the overflow pattern, once created.
    pub overflow: Option<u32>,
    /// Bucket hash → index into `Miner::buckets`.
    buckets: HashMap<u64, u32>,
}

#[derive(Debug, Clone, Default)]
struct Bucket {
    /// Indices into `Miner::clusters`, in creation order (ties go to the oldest).
    clusters: Vec<u32>,
    generation: u32,
}

/// The template miner. Serialise it (serde) with the documents it assigned; a miner read back
/// continues exactly as the one that was saved.
#[derive(Debug, Clone)]
pub struct Miner {
    pub(crate) config: Config,
    pub(crate) keys: Vec<Key>,
    pub(crate) clusters: Vec<Cluster>,
    /// The key of each cluster.
    key_of: Vec<u32>,
    key_index: HashMap<String, u32>,
    by_id: HashMap<PatternId, u32>,
    buckets: Vec<Bucket>,
    memo: Memo,
    masked: Masked,
    /// Tests turn the memo off to check that it changes nothing.
    #[cfg(test)]
    pub(crate) use_memo: bool,
    hashes: Vec<u64>,
    key_hashes: Vec<u64>,
    /// Changes whenever a template is created or generalised (not when a count grows): a
    /// saved state with the same templates assigns the same ids.
    revision: u64,
}

/// Separates a key's name from its stream in a key given to [`Miner::assign`]:
/// `"sshd\u{1f}/var/log/auth.log"` is mined apart from the other streams of `sshd` (its own
/// order of messages), while its ids are those of `sshd` alone, so the same first message
/// gives the same id in every stream.
pub const STREAM_SEP: char = '\u{1f}';

/// The part of a key that ids and templates are named by (without its stream).
pub fn key_name(key: &str) -> &str {
    key.split_once(STREAM_SEP).map_or(key, |(k, _)| k)
}

impl Default for Miner {
    fn default() -> Miner {
        Miner::new(Config::default())
    }
}

impl Miner {
    pub fn new(config: Config) -> Miner {
        Miner {
            config,
            keys: Vec::new(),
            clusters: Vec::new(),
            key_of: Vec::new(),
            key_index: HashMap::new(),
            by_id: HashMap::new(),
            buckets: Vec::new(),
            memo: Memo::default(),
            masked: Masked::new(),
            #[cfg(test)]
            use_memo: true,
            hashes: Vec::new(),
            key_hashes: Vec::new(),
            revision: 0,
        }
    }

    /// Changes whenever the templates change (a pattern created or generalised); equal
    /// revisions of one miner mean equal templates.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The pattern of `message` (the event's parsed message, without its header) among the
    /// patterns of `key` (its program, or its format when it has none). Creates or
    /// generalises a pattern when needed; the id returned never changes afterwards.
    pub fn assign(&mut self, key: &str, message: &str) -> PatternId {
        let k = self.key(key);
        self.masked.mask(message);
        self.hashes.clear();
        self.key_hashes.clear();
        let mut full = u64::from(k).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5851_f42d_4c95_7f2d;
        for t in self.masked.tokens() {
            let h = token_hash(t);
            self.hashes.push(h);
            full = (full ^ h).wrapping_mul(0x0100_0000_01b3).rotate_left(29);
        }
        full ^= self.hashes.len() as u64;
        #[cfg(test)]
        if !self.use_memo {
            self.memo = Memo::default();
        }
        if let Some(e) = self.memo.get(full)
            && self.buckets[e.bucket as usize].generation == e.generation
        {
            let c = &mut self.clusters[e.cluster as usize];
            c.count += 1;
            return c.id;
        }
        self.key_hashes.extend(self.masked.tokens().map(key_hash));
        let b = self.bucket_of(k);
        let chosen = match self.search(b) {
            Some(c) => {
                if self.clusters[c as usize].absorb(&self.hashes, &self.key_hashes) {
                    self.buckets[b as usize].generation += 1;
                    self.revision += 1;
                }
                c
            }
            None if self.full(k) => self.overflow(k),
            None => self.create(k, b),
        };
        // Remember it only if a search now gives the same answer (so the memo is invisible).
        let again = self.search(b);
        if again == Some(chosen)
            || again.is_none() && self.keys[k as usize].overflow == Some(chosen)
        {
            let generation = self.buckets[b as usize].generation;
            self.memo.insert(
                full,
                Entry {
                    bucket: b,
                    generation,
                    cluster: chosen,
                },
            );
        }
        let c = &mut self.clusters[chosen as usize];
        c.count += 1;
        c.id
    }

    /// The patterns, key by key in the order keys were first seen, each key's in creation order.
    pub fn templates(&self) -> impl Iterator<Item = Template<'_>> {
        self.keys.iter().flat_map(move |k| {
            k.clusters
                .iter()
                .chain(k.overflow.iter())
                .map(move |&c| self.template_at(c))
        })
    }

    /// The pattern with this id.
    pub fn template(&self, id: PatternId) -> Option<Template<'_>> {
        self.by_id.get(&id).map(|&c| self.template_at(c))
    }

    /// How many patterns there are (overflow patterns included).
    pub fn len(&self) -> usize {
        self.clusters.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty()
    }

    fn template_at(&self, c: u32) -> Template<'_> {
        let cl = &self.clusters[c as usize];
        Template {
            id: cl.id,
            key: key_name(&self.keys[self.key_of[c as usize] as usize].name),
            text: cl.text(),
            count: cl.count,
        }
    }

    fn key(&mut self, key: &str) -> u32 {
        if let Some(&k) = self.key_index.get(key) {
            return k;
        }
        let k = self.keys.len() as u32;
        self.keys.push(Key {
            name: key.to_string(),
            clusters: Vec::new(),
            overflow: None,
            buckets: HashMap::new(),
        });
        self.key_index.insert(key.to_string(), k);
        k
    }

    /// The bucket of the masked message for key `k` (created empty if new).
    fn bucket_of(&mut self, k: u32) -> u32 {
        let h = bucket_hash(self.masked.len(), self.masked.tokens());
        self.bucket_by_hash(k, h)
    }

    fn bucket_by_hash(&mut self, k: u32, h: u64) -> u32 {
        let next = self.buckets.len() as u32;
        let b = *self.keys[k as usize].buckets.entry(h).or_insert(next);
        if b == next {
            self.buckets.push(Bucket::default());
        }
        b
    }

    /// The template of bucket `b` that covers the most positions of the message, if it covers
    /// enough (the oldest on ties).
    fn search(&self, b: u32) -> Option<u32> {
        let n = self.hashes.len();
        let mut best: Option<(usize, u32)> = None;
        for &c in &self.buckets[b as usize].clusters {
            let covered = self.clusters[c as usize].covered(&self.hashes, &self.key_hashes);
            if self.config.joins(covered, n) && best.is_none_or(|(bc, _)| covered > bc) {
                best = Some((covered, c));
            }
        }
        best.map(|(_, c)| c)
    }

    fn full(&self, k: u32) -> bool {
        self.keys[k as usize].clusters.len() >= self.config.max_patterns_per_key
            || self.clusters.len() >= self.config.max_patterns
    }

    fn create(&mut self, k: u32, b: u32) -> u32 {
        self.revision += 1;
        let key = key_name(&self.keys[k as usize].name);
        let id = PatternId::of_first(key, self.masked.tokens());
        let tokens = self.masked.tokens().map(Into::into).collect();
        let c = self.push_cluster(k, Cluster::new(id, tokens));
        self.keys[k as usize].clusters.push(c);
        let bucket = &mut self.buckets[b as usize];
        bucket.clusters.push(c);
        bucket.generation += 1;
        c
    }

    fn overflow(&mut self, k: u32) -> u32 {
        if let Some(c) = self.keys[k as usize].overflow {
            return c;
        }
        self.revision += 1;
        let id = PatternId::overflow(key_name(&self.keys[k as usize].name));
        let c = self.push_cluster(k, Cluster::new(id, vec![WILD.into()]));
        self.keys[k as usize].overflow = Some(c);
        c
    }

    /// Puts back a key's patterns read from a saved state (see `state`).
    pub(crate) fn restore_key(
        &mut self,
        name: &str,
        clusters: Vec<Cluster>,
        overflow: Option<u64>,
    ) {
        let k = self.key(name);
        for cluster in clusters {
            let h = bucket_hash(cluster.tokens.len(), cluster.tokens.iter().map(|t| &**t));
            let c = self.push_cluster(k, cluster);
            self.keys[k as usize].clusters.push(c);
            let b = self.bucket_by_hash(k, h);
            self.buckets[b as usize].clusters.push(c);
        }
        if let Some(count) = overflow {
            let c = self.overflow(k);
            self.clusters[c as usize].count = count;
        }
    }

    fn push_cluster(&mut self, k: u32, cluster: Cluster) -> u32 {
        let c = self.clusters.len() as u32;
        self.by_id.insert(cluster.id, c);
        self.clusters.push(cluster);
        self.key_of.push(k);
        c
    }
}
