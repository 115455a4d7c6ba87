//! One pattern: its id, its template (masked tokens, `<*>` where its messages differ) and its
//! count, with the similarity and merge rules of the clustering.

use super::id::{PatternId, token_hash};
use super::mask::{WILD, has_placeholder};

/// Leading tokens that must be equal for two messages to share a pattern, unless they look
/// variable (hold a digit or a placeholder). Drain's tree does the same with its depth.
pub const PREFIX: usize = 2;

#[derive(Debug, Clone)]
pub struct Cluster {
    pub id: PatternId,
    pub count: u64,
    pub tokens: Vec<Box<str>>,
    /// `token_hash` of each token, for comparing as integers.
    pub hashes: Vec<u64>,
    /// `key_hash` of each token.
    pub keys: Vec<u64>,
}

/// For a `key=value` token, the hash of `key=`; 0 for other tokens. Two tokens with the same
/// key are the same field: a position where only the value differs is variable.
pub fn key_hash(t: &str) -> u64 {
    match t.find('=') {
        Some(p) if p > 0 => token_hash(&t[..=p]),
        _ => 0,
    }
}

/// The hash of `<*>`.
pub fn wild_hash() -> u64 {
    static WILD_HASH: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *WILD_HASH.get_or_init(|| token_hash(WILD))
}

/// True for a token that may be a value: it holds a digit or a placeholder.
pub fn looks_variable(token: &str) -> bool {
    token.bytes().any(|b| b.is_ascii_digit()) || has_placeholder(token)
}

/// The part of a tokenised message that chooses its bucket: the token count and the leading
/// tokens that look constant (the others count as `<*>`).
pub fn bucket_hash<'a>(len: usize, tokens: impl Iterator<Item = &'a str>) -> u64 {
    let mut h = (len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for t in tokens.take(PREFIX) {
        let t = if looks_variable(t) { WILD } else { t };
        h = (h ^ token_hash(t))
            .wrapping_mul(0x0100_0000_01b3)
            .rotate_left(23);
    }
    h
}

impl Cluster {
    pub fn new(id: PatternId, tokens: Vec<Box<str>>) -> Cluster {
        let hashes = tokens.iter().map(|t| token_hash(t)).collect();
        let keys = tokens.iter().map(|t| key_hash(t)).collect();
        Cluster {
            id,
            count: 0,
            tokens,
            hashes,
            keys,
        }
    }

    pub fn text(&self) -> String {
        self.tokens.join(" ")
    }

    /// How many positions of a message of the same length (its tokens' hashes and key hashes)
    /// the template covers: its token is the message's, is `<*>`, or is the same `key=` with
    /// another value.
    pub fn covered(&self, hashes: &[u64], keys: &[u64]) -> usize {
        debug_assert_eq!(hashes.len(), self.hashes.len());
        let wild = wild_hash();
        (0..hashes.len())
            .filter(|&i| {
                let t = self.hashes[i];
                t == hashes[i] || t == wild || (self.keys[i] != 0 && self.keys[i] == keys[i])
            })
            .count()
    }

    /// Generalises the template to cover a message: `<*>` (or `key=<*>`) where they differ.
    /// Returns whether the template changed.
    pub fn absorb(&mut self, hashes: &[u64], keys: &[u64]) -> bool {
        let wild = wild_hash();
        let mut changed = false;
        for i in 0..hashes.len() {
            if self.hashes[i] == hashes[i] || self.hashes[i] == wild {
                continue;
            }
            let token: Box<str> = if self.keys[i] != 0 && self.keys[i] == keys[i] {
                let key = self.tokens[i].split_inclusive('=').next().unwrap_or("");
                let t = format!("{key}{WILD}");
                if *t == *self.tokens[i] {
                    continue;
                }
                t.into()
            } else {
                self.keys[i] = 0;
                WILD.into()
            };
            self.hashes[i] = token_hash(&token);
            self.tokens[i] = token;
            changed = true;
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(s: &str) -> (Vec<u64>, Vec<u64>) {
        (
            s.split(' ').map(token_hash).collect(),
            s.split(' ').map(key_hash).collect(),
        )
    }

    fn sim(c: &Cluster, s: &str) -> f64 {
        let (h, k) = hashes(s);
        c.covered(&h, &k) as f64 / h.len() as f64
    }

    fn absorb(c: &mut Cluster, s: &str) -> bool {
        let (h, k) = hashes(s);
        c.absorb(&h, &k)
    }

    fn cluster(s: &str) -> Cluster {
        Cluster::new(PatternId(1), s.split(' ').map(Into::into).collect())
    }

    #[test]
    fn similarity_counts_equal_and_wildcard_positions() {
        let mut c = cluster("session opened for user root");
        assert_eq!(sim(&c, "session opened for user root"), 1.0);
        assert_eq!(sim(&c, "session opened for user news"), 0.8);
        assert!(absorb(&mut c, "session opened for user news"));
        assert_eq!(c.text(), "session opened for user <*>");
        assert_eq!(sim(&c, "session opened for user cyrus"), 1.0);
        assert!(!absorb(&mut c, "session opened for user cyrus"));
    }

    #[test]
    fn a_field_whose_value_differs_is_a_variable() {
        let mut c = cluster("failure; rhost=<ip> user=root");
        assert_eq!(sim(&c, "failure; rhost=a.example.com user=root"), 1.0);
        assert!(absorb(&mut c, "failure; rhost=a.example.com user=root"));
        assert_eq!(c.text(), "failure; rhost=<*> user=root");
        assert_eq!(sim(&c, "failure; rhost=<ip> user=root"), 1.0);
        assert!(!absorb(&mut c, "failure; rhost=<ip> user=root"));
        assert_eq!(sim(&c, "failure; host=<ip> user=root"), 2.0 / 3.0);
        assert!(absorb(&mut c, "failure; host=<ip> user=root"));
        assert_eq!(c.text(), "failure; <*> user=root");
    }

    #[test]
    fn buckets_ignore_variable_leading_tokens() {
        let a = bucket_hash(3, ["<num>", "x", "y"].into_iter());
        assert_eq!(a, bucket_hash(3, ["<*>", "x", "z"].into_iter()));
        assert_eq!(a, bucket_hash(3, ["ssh2", "x", "z"].into_iter()));
        assert_ne!(a, bucket_hash(3, ["w", "x", "y"].into_iter()));
        assert_ne!(a, bucket_hash(4, ["<num>", "x", "y"].into_iter()));
    }
}
