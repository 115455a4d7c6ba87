//! Reports over the index: one module per command (`profile`: `histogram --profile`), each a
//! collector over fast fields run through the engine's one search path (never a second pass
//! over the logs).

pub mod pattern_stats;
pub mod patterns;
pub mod profile;
pub mod top;
pub mod values;
