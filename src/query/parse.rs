//! Query text → [`Expr`].

use super::{Expr, QueryError};

/// Parses a query. The empty (or all-blank) query is [`Expr::All`].
pub fn parse(query: &str) -> Result<Expr, QueryError> {
    if query.trim().is_empty() {
        return Ok(Expr::All);
    }
    Ok(Expr::Term { field: None, value: query.trim().to_string() })
}
