//! Pattern ids: 64-bit hashes fixed when a pattern is created, written as 16 hex digits.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// A pattern's id: `hash(key, the masked tokens of the pattern's first message)`, assigned
/// when the pattern is created and never changed afterwards (its template may generalise, the
/// id stays). It depends on no process state, so the same input in the same order gives the same
/// ids in every run, resumed or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PatternId(pub u64);

impl PatternId {
    /// The id of a new pattern of `key` whose first message masked to `tokens`.
    pub(crate) fn of_first<'a>(key: &str, tokens: impl Iterator<Item = &'a str>) -> PatternId {
        let mut buf = Vec::with_capacity(128);
        buf.extend_from_slice(key.as_bytes());
        buf.push(0);
        for (i, t) in tokens.enumerate() {
            if i > 0 {
                buf.push(b' ');
            }
            buf.extend_from_slice(t.as_bytes());
        }
        PatternId(xxh3_64(&buf))
    }

    /// The id of `key`'s overflow pattern (`<*>`), which takes the messages that match no
    /// pattern once the key holds its maximum number of patterns.
    pub(crate) fn overflow(key: &str) -> PatternId {
        PatternId(xxh3_64_with_seed(key.as_bytes(), OVERFLOW_SEED))
    }
}

const OVERFLOW_SEED: u64 = 0x6f76_6572_666c_6f77;

impl fmt::Display for PatternId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// Why a text is not a pattern id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a pattern id (16 hexadecimal digits)")]
pub struct BadPatternId(pub String);

impl FromStr for PatternId {
    type Err = BadPatternId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() || s.len() > 16 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(BadPatternId(s.to_string()));
        }
        u64::from_str_radix(s, 16)
            .map(PatternId)
            .map_err(|_| BadPatternId(s.to_string()))
    }
}

/// Hash of one token's text (for comparing tokens as integers).
#[inline]
pub(crate) fn token_hash(t: &str) -> u64 {
    xxh3_64(t.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_print_and_parse_as_16_hex_digits() {
        let id = PatternId::of_first("sshd", ["Accepted", "<ip>"].into_iter());
        let text = id.to_string();
        assert_eq!(text.len(), 16);
        assert_eq!(text.parse::<PatternId>(), Ok(id));
        assert!("xyz".parse::<PatternId>().is_err());
        assert!("".parse::<PatternId>().is_err());
        assert!("00000000000000001".parse::<PatternId>().is_err());
    }

    #[test]
    fn ids_depend_on_key_and_tokens_only() {
        let a = PatternId::of_first("sshd", ["a", "b"].into_iter());
        assert_eq!(a, PatternId::of_first("sshd", ["a", "b"].into_iter()));
        assert_ne!(a, PatternId::of_first("cron", ["a", "b"].into_iter()));
        assert_ne!(
            a,
            PatternId::of_first("sshd", ["a b"].into_iter().chain(["x"]))
        );
        assert_ne!(PatternId::overflow("sshd"), PatternId::overflow("cron"));
    }
}
