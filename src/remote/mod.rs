//! Remote engines (OpenSearch, Elasticsearch) as a source of events, and `ship` to put the
//! local events there exactly once. Only what both engines share is used: `_search` with
//! `search_after`, `_count`, `date_histogram`, `terms`, `_bulk` and index templates.

pub mod client;
pub mod commands;
pub mod config;
pub mod doc;
pub mod dsl;
pub mod layout;
pub mod patterns;
pub mod ship;
pub mod source;
pub mod template;

pub use client::{Client, RemoteError};
pub use config::RemoteConfig;
pub use source::RemoteSource;
