//! `timberline review`: the periodic log review (ISO 27001 A.12.4.1, PCI DSS 10) in one
//! report that leaves a record. Every number comes from the existing reports over the
//! engine (histogram and its gap rule, `patterns`, `top`, `histogram --profile`); this
//! module only gathers them into [`data::Review`] and renders it.
//!
//! - `data`: the review as plain data (serialised as the JSON format).
//! - `sources`: events per file and host in one pass (presence, gaps, stopped sources).
//! - `presence`: STEP 1; `findings`: STEP 2 and 3; `record`: who, when, what, the seal.
//! - `markdown`, `html`: the renderers; `escape`: HTML escaping.

pub mod clock;
pub mod data;
pub mod escape;
pub mod findings;
pub mod hours;
pub mod html;
pub mod markdown;
pub mod presence;
pub mod record;
pub mod sources;

use crate::engine::{Engine, EngineError, Request};
use crate::patterns::known::Known;
use crate::time::Zone;

/// The report's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Md,
    Html,
    Json,
}

/// What to review.
pub struct Options {
    /// The window, µs UTC, `until` exclusive.
    pub since: i64,
    pub until: i64,
    /// Reviewed patterns, left out of the new ones.
    pub known: Known,
    /// The zone of the hour profile.
    pub zone: Zone,
    /// Rows per list.
    pub limit: usize,
}

impl Options {
    /// A request for all events of the window, or of `query`.
    fn request(&self, query: crate::query::Expr) -> Request {
        Request {
            query,
            since: Some(self.since),
            until: Some(self.until),
            limit: None,
            reverse: false,
        }
    }
}

/// STEP 1 to 3 over the engine's events in the window; `record` comes from the caller.
pub fn review(
    engine: &Engine,
    opts: &Options,
    record: data::Record,
) -> Result<data::Review, EngineError> {
    if opts.until <= opts.since {
        return Err(EngineError::Usage(
            "review: --until must be after --since".into(),
        ));
    }
    Ok(data::Review {
        record,
        step1: presence::presence(engine, opts)?,
        step2: findings::anomalies(engine, opts)?,
        step3: findings::statistics(engine, opts)?,
    })
}

/// Renders the review in `format`.
pub fn render(review: &data::Review, format: Format) -> String {
    match format {
        Format::Md => markdown::render(review),
        Format::Html => html::render(review),
        Format::Json => {
            let json = serde_json::to_string_pretty(review).unwrap_or_else(|_| "{}".into());
            // Line by line: the layout's newlines stay, controls in strings become escapes.
            let mut s = String::with_capacity(json.len() + 1);
            for line in json.lines() {
                s.push_str(&crate::output::escape::escape_json(line));
                s.push('\n');
            }
            s
        }
    }
}
