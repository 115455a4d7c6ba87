//! The query language: parsing text into an [`Expr`] with positioned errors.
//! Compilation of an [`Expr`] into a tantivy query lives in `crate::index::compile`.

mod parse;
pub mod regex;

pub use parse::{parse, to_query_string};

use std::fmt;

/// A parsed query. `field` is lowercased; values are kept as typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Expr {
    /// Matches every event (the empty query).
    #[default]
    All,
    /// A bare word (`field == None`) or `field:value`. A trailing `*` in `value` is kept and
    /// means a prefix match.
    Term {
        field: Option<String>,
        value: String,
    },
    /// `"a phrase"` or `field:"a phrase"`.
    Phrase {
        field: Option<String>,
        text: String,
    },
    /// `field:[lo TO hi]`, `field:{lo TO hi}`, `field:>=lo`, `field:<hi` ... `None` = unbounded.
    Range {
        field: String,
        lo: Option<Bound>,
        hi: Option<Bound>,
    },
    /// `/regex/` on the whole event text (already validated with the `regex` crate).
    Regex {
        pattern: String,
    },
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
}

/// One end of a range.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    pub value: String,
    pub inclusive: bool,
}

/// A query that cannot be parsed: what is wrong and where (a char offset into the query).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct QueryError {
    pub query: String,
    /// Char offset of the problem in `query`.
    pub position: usize,
    pub message: String,
}

impl fmt::Display for QueryError {
    /// Renders as three lines: the message, the query, and a caret under the problem.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "invalid query: {} (at column {})",
            self.message,
            self.position + 1
        )?;
        writeln!(f, "  {}", self.query)?;
        write!(f, "  {}^", " ".repeat(self.position))
    }
}
