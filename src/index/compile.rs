//! Compiling a query [`Expr`] into a tantivy query over our schema.
//!
//! - Bare words and phrases search the event text (tokenized like the index: words of letters
//!   and digits, lowercased); a word that splits into several (`wp-login.php`) is a phrase,
//!   confirmed on the text read back (see [`super::phrase`]); a word
//!   with no letters or digits (`->`) is a literal substring match.
//! - `level:` matches the normalised level (`level:>=warn` for warnings and worse).
//! - `source:` matches files whose path contains the value (or matches it as a glob).
//! - `pattern:<id>` matches the events of a pattern (16 hex digits; a range on its column).
//! - Any other `key:value` matches an extracted field, case-insensitively; `key:val*` a prefix;
//!   ranges compare numbers when both ends are numbers, text otherwise. Long integer values
//!   live in columns, not terms (see [`super::numbers`]); each form looks in both.
//! - `/regex/` runs on the whole event text, read back for the candidate events only.

use super::numbers;
use super::phrase::phrase_query;
use super::regex_budget::RegexBudget;
use super::schema::{Fields, kv_term, text_analyzer};
use super::text::{FileTable, SegmentTexts};
use crate::event::Level;
use crate::output::events::MAX_SHOWN;
use crate::query::{Bound, Expr};
use std::ops::Bound as StdBound;
use tantivy::query::doc_predicate_query::{DocPredicateQuery, FunctionPredicate};
use tantivy::query::{
    AllQuery, BooleanQuery, EmptyQuery, Occur, Query, RangeQuery, RegexQuery, TermQuery,
    TermSetQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, SegmentReader, Term};

/// A query that is well-formed but cannot be run (an unknown level name, say).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid query: {0}")]
pub struct CompileError(pub String);

/// What compilation needs besides the expression.
pub struct CompileContext<'a> {
    pub fields: Fields,
    pub searcher: &'a Searcher,
    pub files: &'a FileTable,
    /// The time the search's `/regex/` predicates may take (the search's query is wrapped by
    /// its [`RegexBudget::guard`]).
    pub regex_budget: &'a RegexBudget,
}

pub fn compile(expr: &Expr, cx: &CompileContext<'_>) -> Result<Box<dyn Query>, CompileError> {
    Ok(match expr {
        Expr::All => Box::new(AllQuery),
        Expr::Term { field: None, value } => text_query(value, cx)?,
        Expr::Phrase { field: None, text } => words_query(text, cx),
        Expr::Term {
            field: Some(f),
            value,
        }
        | Expr::Phrase {
            field: Some(f),
            text: value,
        } => field_query(f, value, matches!(expr, Expr::Term { .. }), cx)?,
        Expr::Range { field, lo, hi } => range_query(field, lo.as_ref(), hi.as_ref(), cx)?,
        Expr::Regex { pattern } => regex_query(pattern, cx)?,
        Expr::And(items) => {
            let mut clauses = Vec::with_capacity(items.len() + 1);
            let mut positive = false;
            for item in items {
                match item {
                    Expr::Not(inner) => clauses.push((Occur::MustNot, compile(inner, cx)?)),
                    other => {
                        positive = true;
                        clauses.push((Occur::Must, compile(other, cx)?));
                    }
                }
            }
            if !positive {
                clauses.push((Occur::Must, Box::new(AllQuery)));
            }
            Box::new(BooleanQuery::new(clauses))
        }
        Expr::Or(items) => {
            let clauses = items
                .iter()
                .map(|i| Ok((Occur::Should, compile(i, cx)?)))
                .collect::<Result<Vec<_>, _>>()?;
            Box::new(BooleanQuery::new(clauses))
        }
        Expr::Not(inner) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, Box::new(AllQuery)),
            (Occur::MustNot, compile(inner, cx)?),
        ])),
    })
}

fn tokens(text: &str) -> Vec<String> {
    let mut analyzer = text_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// A bare word: a term, a phrase of its parts, a prefix, or a literal substring.
fn text_query(value: &str, cx: &CompileContext<'_>) -> Result<Box<dyn Query>, CompileError> {
    if let Some(prefix) = value.strip_suffix('*').filter(|p| !p.is_empty()) {
        let toks = tokens(prefix);
        if toks.len() == 1 && prefix.chars().last().is_some_and(char::is_alphanumeric) {
            let pattern = format!("{}.*", regex_syntax_escape(&toks[0]));
            return RegexQuery::from_pattern(&pattern, cx.fields.text)
                .map(|q| Box::new(q) as Box<dyn Query>)
                .map_err(|e| CompileError(format!("prefix {value:?}: {e}")));
        }
        return regex_query(&regex::escape(prefix), cx);
    }
    if tokens(value).is_empty() {
        return regex_query(&regex::escape(value), cx);
    }
    Ok(words_query(value, cx))
}

/// Words: one is a term, several a phrase (see [`super::phrase`]).
fn words_query(text: &str, cx: &CompileContext<'_>) -> Box<dyn Query> {
    let mut words = tokens(text);
    match words.len() {
        0 => Box::new(AllQuery),
        1 => Box::new(TermQuery::new(
            Term::from_field_text(cx.fields.text, &words.remove(0)),
            IndexRecordOption::Basic,
        )),
        _ => phrase_query(words, cx.fields, cx.files),
    }
}

fn regex_syntax_escape(s: &str) -> String {
    regex::escape(s)
}

fn parse_level(value: &str) -> Result<Level, CompileError> {
    Level::parse(value).ok_or_else(|| {
        CompileError(format!(
            "unknown level {value:?} (levels: trace, debug, info, notice, warn, error, crit, alert, emerg)"
        ))
    })
}

fn field_query(
    field: &str,
    value: &str,
    bare: bool,
    cx: &CompileContext<'_>,
) -> Result<Box<dyn Query>, CompileError> {
    let f = cx.fields;
    match field {
        "level" => {
            let level = parse_level(value)?;
            Ok(Box::new(TermQuery::new(
                Term::from_field_u64(f.level, level.ordinal()),
                IndexRecordOption::Basic,
            )))
        }
        "source" | "file" => Ok(source_query(value, cx)),
        // A pattern id (see `patterns::PatternId`); anything else is an extracted field.
        "pattern" if value.parse::<crate::patterns::PatternId>().is_ok() => {
            let id = value
                .parse::<crate::patterns::PatternId>()
                .map_or(0, |p| p.0);
            let t = Term::from_field_u64(f.pattern, id);
            Ok(Box::new(RangeQuery::new(
                StdBound::Included(t.clone()),
                StdBound::Included(t),
            )))
        }
        "text" | "message" | "msg" if bare => text_query(value, cx),
        "text" | "message" | "msg" => Ok(words_query(value, cx)),
        key => {
            if bare && let Some(prefix) = value.strip_suffix('*') {
                let pattern = format!("{}.*", regex_syntax_escape(&kv_term(key, prefix)));
                let terms = RegexQuery::from_pattern(&pattern, f.kv)
                    .map_err(|e| CompileError(format!("{key}:{value}: {e}")))?;
                return Ok(either(Box::new(terms), numbers::prefix(f, key, prefix)));
            }
            if let Some(n) = numbers::long_integer(value) {
                return Ok(numbers::equals(f, key, n));
            }
            Ok(Box::new(TermQuery::new(
                Term::from_field_text(f.kv, &kv_term(key, value)),
                IndexRecordOption::Basic,
            )))
        }
    }
}

/// Files whose path contains `value`, or matches it as a glob when it has glob characters.
pub fn matching_files(value: &str, files: &FileTable) -> Vec<u64> {
    let glob = value
        .contains(['*', '?', '['])
        .then(|| glob::Pattern::new(value).ok())
        .flatten();
    files
        .iter()
        .filter(|f| {
            let p = f.path.to_string_lossy();
            match &glob {
                Some(g) => {
                    g.matches(&p)
                        || f.path
                            .file_name()
                            .is_some_and(|n| g.matches(&n.to_string_lossy()))
                }
                None => p.contains(value),
            }
        })
        .map(|f| f.id)
        .collect()
}

fn source_query(value: &str, cx: &CompileContext<'_>) -> Box<dyn Query> {
    files_query(&matching_files(value, cx.files), cx.fields)
}

/// Matches the events of the given files.
pub fn files_query(ids: &[u64], fields: Fields) -> Box<dyn Query> {
    if ids.is_empty() {
        return Box::new(EmptyQuery);
    }
    Box::new(TermSetQuery::new(
        ids.iter().map(|id| Term::from_field_u64(fields.file, *id)),
    ))
}

fn range_query(
    field: &str,
    lo: Option<&Bound>,
    hi: Option<&Bound>,
    cx: &CompileContext<'_>,
) -> Result<Box<dyn Query>, CompileError> {
    let f = cx.fields;
    if field == "level" {
        let conv = |b: Option<&Bound>| -> Result<StdBound<Term>, CompileError> {
            Ok(match b {
                None => StdBound::Unbounded,
                Some(b) => {
                    let t = Term::from_field_u64(f.level, parse_level(&b.value)?.ordinal());
                    if b.inclusive {
                        StdBound::Included(t)
                    } else {
                        StdBound::Excluded(t)
                    }
                }
            })
        };
        return Ok(Box::new(RangeQuery::new(conv(lo)?, conv(hi)?)));
    }
    let prefix = kv_term(field, "");
    let numeric = |b: Option<&Bound>| b.map(|b| b.value.parse::<f64>().ok());
    let (nlo, nhi) = (numeric(lo), numeric(hi));
    let as_numbers =
        !matches!(nlo, Some(None)) && !matches!(nhi, Some(None)) && (lo.is_some() || hi.is_some());
    let lo_text = lo.map(|b| (b.value.to_lowercase(), b.inclusive));
    let hi_text = hi.map(|b| (b.value.to_lowercase(), b.inclusive));
    let mut terms = Vec::new();
    for segment in cx.searcher.segment_readers() {
        let inverted = segment
            .inverted_index(f.kv)
            .map_err(|e| CompileError(e.to_string()))?;
        let mut upper = prefix.clone().into_bytes();
        upper.push(0xff);
        let mut stream = inverted
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .lt(&upper)
            .into_stream()
            .map_err(|e| CompileError(e.to_string()))?;
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            let Some(value) = term.strip_prefix(&prefix) else {
                continue;
            };
            let inside = if as_numbers {
                match value.parse::<f64>() {
                    Ok(v) => within(
                        v,
                        nlo.flatten().zip(lo.map(|b| b.inclusive)),
                        nhi.flatten().zip(hi.map(|b| b.inclusive)),
                    ),
                    Err(_) => false,
                }
            } else {
                within(value.to_string(), lo_text.clone(), hi_text.clone())
            };
            if inside {
                terms.push(Term::from_field_text(f.kv, term));
            }
        }
    }
    terms.sort();
    terms.dedup();
    let in_terms: Box<dyn Query> = if terms.is_empty() {
        Box::new(EmptyQuery)
    } else {
        Box::new(TermSetQuery::new(terms))
    };
    let numeric_ends = !matches!(nlo, Some(None)) && !matches!(nhi, Some(None));
    let in_column = numeric_ends
        .then(|| {
            numbers::integer_bounds(
                nlo.flatten().zip(lo.map(|b| b.inclusive)),
                nhi.flatten().zip(hi.map(|b| b.inclusive)),
            )
        })
        .flatten()
        .and_then(|(a, b)| numbers::range(f, field, a, b));
    Ok(either(in_terms, in_column))
}

/// `a`, or `a OR b` when there is a `b`.
fn either(a: Box<dyn Query>, b: Option<Box<dyn Query>>) -> Box<dyn Query> {
    match b {
        None => a,
        Some(b) => Box::new(BooleanQuery::new(vec![
            (Occur::Should, a),
            (Occur::Should, b),
        ])),
    }
}

fn within<T: PartialOrd>(v: T, lo: Option<(T, bool)>, hi: Option<(T, bool)>) -> bool {
    let lo_ok = lo.is_none_or(|(b, inc)| if inc { v >= b } else { v > b });
    let hi_ok = hi.is_none_or(|(b, inc)| if inc { v <= b } else { v < b });
    lo_ok && hi_ok
}

/// `/regex/`: evaluated on the event text of each candidate, within the search's time budget.
fn regex_query(pattern: &str, cx: &CompileContext<'_>) -> Result<Box<dyn Query>, CompileError> {
    let re = crate::query::regex::build(pattern)
        .map_err(|e| CompileError(format!("regex /{pattern}/: {e}")))?;
    let files = cx.files.clone();
    let fields = cx.fields;
    let budget = cx.regex_budget.clone();
    let pattern = pattern.to_string();
    let predicate = FunctionPredicate::from(move |segment: &SegmentReader| {
        if budget.spent(&pattern) {
            return Err(budget.error());
        }
        let ff = segment.fast_fields();
        let file = ff.u64("file")?;
        let offset = ff.u64("offset")?;
        let len = ff.u64("len")?;
        let store = segment.get_store_reader(16).ok();
        let texts = std::sync::Mutex::new(SegmentTexts::new(files.clone(), fields, store));
        let re = re.clone();
        let budget = budget.clone();
        let pattern = pattern.clone();
        Ok(move |doc: tantivy::DocId| {
            // Past the budget, "no" at once; the guard turns it into an error.
            if budget.spent(&pattern) {
                return false;
            }
            let (Some(fi), Some(o), Some(l)) = (file.first(doc), offset.first(doc), len.first(doc))
            else {
                return false;
            };
            let Ok(mut t) = texts.lock() else {
                return false;
            };
            // The first MiB of the event, as much as the index keeps of it.
            t.text(doc, fi, o, l.min(MAX_SHOWN))
                .is_some_and(|s| re.is_match(&s))
        })
    });
    Ok(Box::new(DocPredicateQuery::from(predicate)))
}
