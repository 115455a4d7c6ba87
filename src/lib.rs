//! timberline: a terminal log explorer. This library holds everything but argument parsing.
#![forbid(unsafe_code)]

pub mod corpus;
pub mod event;
pub mod format;
pub mod query;
pub mod time;
pub mod timeline;
pub mod window;
