//! Log message patterns: every event's parsed message gets a pattern (its template, with the
//! variable parts replaced by typed placeholders) and a stable id, mined online at index time.
//!
//! - `mask`: token classes (`<ip>`, `<num>`, `<hex>`, `<uuid>`, `<path>`, `<time>`), applied
//!   before any clustering.
//! - `cluster`: one pattern, its similarity to a message and how it generalises (`<*>`).
//! - `miner`: the online assignment (`Miner::assign`), per key (program or format).
//! - `memo`: a cache of assignments already made that never changes a result.
//! - `state`: the serialised form, so that a resumed miner continues exactly as an
//!   uninterrupted one.
//! - `id`: pattern ids (`PatternId`).
//! - `known`: the reviewed patterns file (`known.toml`).

mod cluster;
mod id;
pub mod known;
mod mask;
mod memo;
mod miner;
mod state;

pub use id::{BadPatternId, PatternId};
pub use mask::{MAX_TOKENS, Masked};
pub use miner::{Config, Miner, STREAM_SEP, Template, key_name};
pub use state::STATE_VERSION;

#[cfg(test)]
mod tests;
