//! Reports over the index: one module per command, each a collector over fast fields run
//! through the engine's one search path (never a second pass over the logs).

pub mod pattern_stats;
pub mod patterns;
pub mod top;
mod values;
