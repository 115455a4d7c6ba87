//! The miner's serialised form: the settings and, per key, its patterns as
//! `[id, count, template]`. Buckets and the memo are derived again when it is read back.

use super::cluster::Cluster;
use super::id::PatternId;
use super::miner::{Config, Miner};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Changes whenever masking or clustering changes what a message is assigned to: a state of
/// another version cannot be continued (its ids would not match a rebuild), so reading it fails
/// and the caller mines again from scratch.
pub const STATE_VERSION: u32 = 1;

#[derive(Serialize)]
struct StateRef<'a> {
    version: u32,
    config: &'a Config,
    keys: Vec<KeyRef<'a>>,
}

#[derive(Serialize)]
struct KeyRef<'a> {
    key: &'a str,
    patterns: Vec<(PatternId, u64, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    overflow: Option<u64>,
}

#[derive(Deserialize)]
struct State {
    version: u32,
    config: Config,
    keys: Vec<KeyState>,
}

#[derive(Deserialize)]
struct KeyState {
    key: String,
    patterns: Vec<(PatternId, u64, String)>,
    #[serde(default)]
    overflow: Option<u64>,
}

impl Serialize for Miner {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let keys = self
            .keys
            .iter()
            .map(|k| KeyRef {
                key: &k.name,
                patterns: k
                    .clusters
                    .iter()
                    .map(|&c| {
                        let c = &self.clusters[c as usize];
                        (c.id, c.count, c.text())
                    })
                    .collect(),
                overflow: k.overflow.map(|c| self.clusters[c as usize].count),
            })
            .collect();
        StateRef {
            version: STATE_VERSION,
            config: &self.config,
            keys,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Miner {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Miner, D::Error> {
        let state = State::deserialize(d)?;
        if state.version != STATE_VERSION {
            return Err(D::Error::custom(format!(
                "pattern miner state version {} (this timberline reads version {STATE_VERSION})",
                state.version
            )));
        }
        let mut miner = Miner::new(state.config);
        for k in state.keys {
            let tokens = k.patterns.into_iter().map(|(id, count, text)| {
                let tokens = text.split(' ').filter(|t| !t.is_empty()).map(Into::into);
                let mut c = Cluster::new(id, tokens.collect());
                c.count = count;
                c
            });
            miner.restore_key(&k.key, tokens.collect(), k.overflow);
        }
        Ok(miner)
    }
}
