//! Printing events and histograms for people (text) and programs (jsonl, csv, json).

pub mod error_text;
pub mod escape;
pub mod events;
pub mod histogram;
pub mod pipe;

pub use escape::escape_controls;
