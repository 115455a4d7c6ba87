//! The persistent tantivy index: schema, location, checkpoints, incremental updates, and the
//! queries answered from it (search, histogram).

pub mod checkpoint;
pub mod checkpoint_file;
pub mod compile;
pub mod error;
#[cfg(test)]
mod grouping_props;
pub mod histogram;
pub mod minute_file;
pub mod numbers;
pub mod path_bytes;
pub mod pattern_state;
pub mod phrase;
pub mod probe;
pub mod reconcile;
pub mod regex_budget;
pub mod schema;
pub mod search;
pub mod settings;
pub mod store;
pub mod text;
pub mod time_window;
pub mod trace;
pub mod update;

pub use error::IndexError;
pub use store::Store;
