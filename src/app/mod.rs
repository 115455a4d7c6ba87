//! The explorer's core, with no terminal in it: state, actions, the update function, the
//! keymap, and the calls it makes on the logs.

pub mod action;
pub mod command;
pub mod data;
pub mod describe;
pub mod engine_source;
pub mod export;
#[cfg(test)]
pub mod fake;
pub mod field_values;
pub mod help;
pub mod jump;
pub mod keymap;
pub mod layout;
pub mod note_pane;
pub mod notes;
pub mod pattern_pane;
pub mod pattern_rows;
pub mod prompt;
pub mod rule_pane;
pub mod saved;
pub mod search;
pub mod serve;
pub mod session;
pub mod session_file;
#[cfg(test)]
mod session_tests;
pub mod source_rows;
pub mod source_tag;
pub mod sources;
pub mod state;
pub mod submit;
pub mod update;
#[cfg(test)]
mod update_tests;
pub mod view;

pub use action::Action;
pub use data::{Effect, LogSource};
pub use serve::serve;
pub use state::AppState;
pub use update::update;
