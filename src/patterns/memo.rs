//! A cache of the assignment of masked messages already seen, which never changes a result.
//!
//! An entry says: "this masked message, searched in this bucket at this generation, went to
//! this pattern". A bucket's generation changes whenever one of its templates changes or a
//! pattern is added to it, so an entry is used only while a new search would give the same
//! answer; the miner stores an entry only after checking that a search gives it. Being a pure
//! cache, it is not serialised, and clearing it (when full) changes nothing but speed.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Entries kept before the cache is cleared.
const CAPACITY: usize = 1 << 16;

#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub bucket: u32,
    pub generation: u32,
    pub cluster: u32,
}

#[derive(Debug, Default, Clone)]
pub struct Memo {
    map: HashMap<u64, Entry, BuildHasherDefault<PassThrough>>,
}

impl Memo {
    #[inline]
    pub fn get(&self, hash: u64) -> Option<Entry> {
        self.map.get(&hash).copied()
    }

    pub fn insert(&mut self, hash: u64, entry: Entry) {
        if self.map.len() >= CAPACITY {
            self.map.clear();
        }
        self.map.insert(hash, entry);
    }
}

/// The keys are already hashes.
#[derive(Default)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(*b) ^ (self.0 >> 56);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}
