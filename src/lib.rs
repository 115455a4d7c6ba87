//! timberline: a terminal log explorer. This library holds everything but argument parsing.
#![forbid(unsafe_code)]

pub mod app;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod docs;
pub mod engine;
pub mod event;
pub mod explain;
pub mod follow;
pub mod format;
pub mod index;
pub mod output;
pub mod patterns;
pub mod preview;
pub mod query;
pub mod remote;
pub mod report;
pub mod review;
pub mod rules;
pub mod seal;
pub mod source;
pub mod time;
pub mod timeline;
pub mod tui;
pub mod ui;
pub mod window;
