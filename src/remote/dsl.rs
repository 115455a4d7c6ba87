//! Compiling a query [`Expr`] into the engine's JSON query DSL (never `query_string`, whose
//! syntax is not ours), so that a query gives the same events remotely as locally:
//!
//! - on an index written by `ship`, every form maps onto a field that holds exactly what the
//!   local index holds (the words of the text, `key=value` terms, numbers in an order-keeping
//!   encoding, level ordinals, pattern ids);
//! - on an index filled by other shippers, words and phrases search `message`, `level:` every
//!   spelling of a level, `host:`/`program:`/`source:` the configured ECS fields, other keys
//!   the field of that name (case-insensitively when it is a keyword);
//! - what the engine cannot answer as we do (`/regex/` over the whole text, a literal with no
//!   letters or digits) is an error naming the construct; a regex ANDed at the top of a query
//!   never reaches here (`source` matches it against the text of the engine's candidates).

use super::client::RemoteError;
use super::layout::{Layout, num_term, shipped};
use crate::event::Level;
use crate::query::{Bound, Expr};
use serde_json::{Value, json};

/// Compiles `expr` for an index of `layout`; `remote` names it in errors.
pub fn compile(expr: &Expr, layout: &Layout, remote: &str) -> Result<Value, RemoteError> {
    Compiler { layout, remote }.expr(expr)
}

/// `expr` restricted to `[since, until)` on the layout's time field.
pub fn within(
    expr: &Expr,
    since: Option<i64>,
    until: Option<i64>,
    layout: &Layout,
    remote: &str,
) -> Result<Value, RemoteError> {
    let q = compile(expr, layout, remote)?;
    if since.is_none() && until.is_none() {
        return Ok(q);
    }
    let mut range = serde_json::Map::new();
    if let Some(s) = since {
        range.insert("gte".into(), json!(time_text(s)));
    }
    if let Some(u) = until {
        range.insert("lt".into(), json!(time_text(u)));
    }
    Ok(json!({"bool": {"filter": [
        q,
        {"range": {layout.time_field(): range}}
    ]}}))
}

/// µs as RFC 3339 with microseconds (both `date` and `date_nanos` read it).
pub fn time_text(us: i64) -> String {
    crate::time::from_micros(us)
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

struct Compiler<'a> {
    layout: &'a Layout,
    remote: &'a str,
}

impl Compiler<'_> {
    fn unsupported(&self, construct: String, why: &str) -> RemoteError {
        RemoteError::Unsupported {
            remote: self.remote.to_string(),
            construct,
            why: why.to_string(),
        }
    }

    fn expr(&self, e: &Expr) -> Result<Value, RemoteError> {
        Ok(match e {
            Expr::All => json!({"match_all": {}}),
            Expr::Term { field: None, value } => self.word(value)?,
            Expr::Phrase { field: None, text } => self.phrase(text),
            Expr::Term {
                field: Some(f),
                value,
            } => self.field(f, value, true)?,
            Expr::Phrase {
                field: Some(f),
                text,
            } => self.field(f, text, false)?,
            Expr::Range { field, lo, hi } => self.range(field, lo.as_ref(), hi.as_ref())?,
            Expr::Regex { pattern } => {
                return Err(self.unsupported(
                    format!("/{pattern}/"),
                    "a regular expression over the whole event text (the engine's regexp \
                     matches single words); search words or phrases remotely, or the regex \
                     on the local logs",
                ));
            }
            Expr::And(items) => {
                let mut must = Vec::new();
                let mut must_not = Vec::new();
                for i in items {
                    match i {
                        Expr::Not(inner) => must_not.push(self.expr(inner)?),
                        other => must.push(self.expr(other)?),
                    }
                }
                json!({"bool": {"filter": must, "must_not": must_not}})
            }
            Expr::Or(items) => {
                let should = items
                    .iter()
                    .map(|i| self.expr(i))
                    .collect::<Result<Vec<_>, _>>()?;
                json!({"bool": {"should": should, "minimum_should_match": 1}})
            }
            Expr::Not(inner) => json!({"bool": {"must_not": [self.expr(inner)?]}}),
        })
    }

    fn words_field(&self) -> &str {
        match self.layout {
            Layout::Shipped => shipped::WORDS,
            Layout::Foreign { names, .. } => &names.message,
        }
    }

    /// A bare word: its words as a phrase (one word is a term), or a prefix.
    fn word(&self, value: &str) -> Result<Value, RemoteError> {
        if let Some(prefix) = value.strip_suffix('*').filter(|p| !p.is_empty()) {
            let toks = tokens(prefix);
            if toks.len() == 1 && prefix.chars().last().is_some_and(char::is_alphanumeric) {
                return Ok(json!({"prefix": {self.words_field(): {"value": toks[0]}}}));
            }
            return Err(self.unsupported(
                value.to_string(),
                "a prefix of several words or ending in punctuation",
            ));
        }
        if tokens(value).is_empty() {
            return Err(self.unsupported(
                value.to_string(),
                "a literal with no letters or digits (the engine indexes words only)",
            ));
        }
        Ok(self.phrase(value))
    }

    fn phrase(&self, text: &str) -> Value {
        if tokens(text).is_empty() {
            return json!({"match_all": {}});
        }
        json!({"match_phrase": {self.words_field(): {"query": text}}})
    }

    fn field(&self, field: &str, value: &str, bare: bool) -> Result<Value, RemoteError> {
        match field {
            "level" => self.level_is(parse_level(value, self.remote)?),
            "source" | "file" => Ok(self.source(value)),
            "pattern" if value.parse::<crate::patterns::PatternId>().is_ok() => {
                if *self.layout != Layout::Shipped {
                    return Err(self.unsupported(
                        format!("pattern:{value}"),
                        "pattern ids exist only in indices written by `timberline ship`",
                    ));
                }
                let id = value
                    .parse::<crate::patterns::PatternId>()
                    .map_or(0, |p| p.0);
                Ok(json!({"term": {shipped::PATTERN: crate::patterns::PatternId(id).to_string()}}))
            }
            "text" | "message" | "msg" if bare => self.word(value),
            "text" | "message" | "msg" => Ok(self.phrase(value)),
            key => Ok(match self.layout {
                Layout::Shipped => {
                    if bare && let Some(prefix) = value.strip_suffix('*') {
                        json!({"prefix": {shipped::KV: {"value": kv(key, prefix)}}})
                    } else {
                        json!({"term": {shipped::KV: kv(key, value)}})
                    }
                }
                Layout::Foreign { names, types } => {
                    let name = foreign_name(key, names);
                    match types.get(name).map(String::as_str) {
                        Some("text" | "match_only_text") => {
                            json!({"match_phrase": {name: {"query": value}}})
                        }
                        Some("keyword" | "constant_keyword" | "wildcard") | None => {
                            if bare && let Some(prefix) = value.strip_suffix('*') {
                                json!({"prefix": {name: {"value": prefix, "case_insensitive": true}}})
                            } else {
                                json!({"term": {name: {"value": value, "case_insensitive": true}}})
                            }
                        }
                        Some(_) => json!({"term": {name: {"value": value}}}),
                    }
                }
            }),
        }
    }

    /// `source:` matches files whose path contains the value, or matches it as a glob (the
    /// whole path or the file name).
    fn source(&self, value: &str) -> Value {
        let field = match self.layout {
            Layout::Shipped => shipped::PATH,
            Layout::Foreign { names, .. } => &names.source,
        };
        if value.contains(['*', '?']) && !value.contains('[') {
            let glob: String = value.chars().flat_map(escape_wildcard_keep_glob).collect();
            return json!({"bool": {"should": [
                {"wildcard": {field: {"value": glob}}},
                {"wildcard": {field: {"value": format!("*/{glob}")}}}
            ], "minimum_should_match": 1}});
        }
        let literal: String = value.chars().flat_map(escape_wildcard).collect();
        json!({"wildcard": {field: {"value": format!("*{literal}*")}}})
    }

    fn level_is(&self, level: Level) -> Result<Value, RemoteError> {
        self.level_range(Some((level, true)), Some((level, true)))
    }

    fn level_range(
        &self,
        lo: Option<(Level, bool)>,
        hi: Option<(Level, bool)>,
    ) -> Result<Value, RemoteError> {
        let inside = |l: Level| {
            lo.is_none_or(|(b, inc)| if inc { l >= b } else { l > b })
                && hi.is_none_or(|(b, inc)| if inc { l <= b } else { l < b })
        };
        let levels: Vec<Level> = Level::ALL.into_iter().filter(|l| inside(*l)).collect();
        Ok(match self.layout {
            Layout::Shipped => {
                json!({"terms": {shipped::LEVEL_NO: levels.iter().map(|l| l.ordinal()).collect::<Vec<_>>()}})
            }
            Layout::Foreign { names, .. } => {
                let should: Vec<Value> = spellings()
                    .into_iter()
                    .filter(|(_, l)| levels.contains(l))
                    .map(|(w, _)| json!({"term": {&names.level: {"value": w, "case_insensitive": true}}}))
                    .collect();
                json!({"bool": {"should": should, "minimum_should_match": 1}})
            }
        })
    }

    fn range(
        &self,
        field: &str,
        lo: Option<&Bound>,
        hi: Option<&Bound>,
    ) -> Result<Value, RemoteError> {
        if field == "level" {
            let conv = |b: Option<&Bound>| -> Result<Option<(Level, bool)>, RemoteError> {
                b.map(|b| Ok((parse_level(&b.value, self.remote)?, b.inclusive)))
                    .transpose()
            };
            return self.level_range(conv(lo)?, conv(hi)?);
        }
        let numeric = |b: Option<&Bound>| b.map(|b| b.value.parse::<f64>().ok());
        let (nlo, nhi) = (numeric(lo), numeric(hi));
        let as_numbers = !matches!(nlo, Some(None)) && !matches!(nhi, Some(None));
        let op = |b: &Bound, low: bool| match (low, b.inclusive) {
            (true, true) => "gte",
            (true, false) => "gt",
            (false, true) => "lte",
            (false, false) => "lt",
        };
        match self.layout {
            Layout::Shipped => {
                let key = field.to_lowercase();
                let encode = |b: &Bound| match b.value.parse::<f64>() {
                    Ok(v) if as_numbers => num_term(&key, v),
                    _ => kv(field, &b.value),
                };
                let (target, floor, ceiling) = if as_numbers {
                    (shipped::NUM, format!("{key}#"), format!("{key}$"))
                } else {
                    (shipped::KV, kv(field, ""), format!("{key}>"))
                };
                let mut r = serde_json::Map::new();
                match lo {
                    Some(b) => r.insert(op(b, true).into(), json!(encode(b))),
                    None => r.insert("gte".into(), json!(floor)),
                };
                match hi {
                    Some(b) => r.insert(op(b, false).into(), json!(encode(b))),
                    None => r.insert("lt".into(), json!(ceiling)),
                };
                Ok(json!({"range": {target: r}}))
            }
            Layout::Foreign { names, .. } => {
                let name = foreign_name(field, names);
                let mut r = serde_json::Map::new();
                for (b, n, low) in [(lo, nlo, true), (hi, nhi, false)] {
                    if let Some(b) = b {
                        let v = match n {
                            Some(Some(x)) if as_numbers => json!(x),
                            _ => json!(b.value),
                        };
                        r.insert(op(b, low).into(), v);
                    }
                }
                Ok(json!({"range": {name: r}}))
            }
        }
    }
}

/// The ECS field of a query key on a foreign index.
fn foreign_name<'a>(key: &'a str, names: &'a super::config::FieldNames) -> &'a str {
    match key {
        "host" => &names.host,
        "program" => &names.program,
        _ => key,
    }
}

/// The `timberline.kv` term of a key and value: the local index's own term, and cut as it
/// cuts values.
fn kv(key: &str, value: &str) -> String {
    crate::index::schema::kv_term(key, crate::index::update::truncate(value, 256))
}

/// The escapes of one character of a wildcard pattern taken literally.
fn escape_wildcard(c: char) -> Vec<char> {
    match c {
        '*' | '?' | '\\' => vec!['\\', c],
        c => vec![c],
    }
}

/// Escapes `\` only: the glob's `*` and `?` are the wildcard's.
fn escape_wildcard_keep_glob(c: char) -> Vec<char> {
    match c {
        '\\' => vec!['\\', c],
        c => vec![c],
    }
}

/// The words of `text` as the local index splits them.
pub fn tokens(text: &str) -> Vec<String> {
    let mut analyzer = crate::index::schema::text_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

fn parse_level(value: &str, remote: &str) -> Result<Level, RemoteError> {
    Level::parse(value).ok_or_else(|| RemoteError::Unsupported {
        remote: remote.to_string(),
        construct: format!("level:{value}"),
        why: "unknown level (levels: trace, debug, info, notice, warn, error, crit, alert, emerg)"
            .into(),
    })
}

/// Every level word [`Level::parse`] knows, with its level: how other shippers write them.
fn spellings() -> Vec<(&'static str, Level)> {
    const WORDS: [&str; 48] = [
        "trace",
        "trc",
        "finest",
        "finer",
        "verbose",
        "debug",
        "dbg",
        "fine",
        "debug1",
        "debug2",
        "debug3",
        "debug4",
        "debug5",
        "info",
        "inf",
        "information",
        "informational",
        "notice",
        "warn",
        "warning",
        "wrn",
        "error",
        "err",
        "severe",
        "crit",
        "critical",
        "alert",
        "emerg",
        "emergency",
        "fatal",
        "panic",
        "0",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
        "v",
        "d",
        "i",
        "n",
        "w",
        "e",
        "c",
        "a",
        "f",
    ];
    WORDS
        .into_iter()
        .filter_map(|w| Level::parse(w).map(|l| (w, l)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    fn shipped(q: &str) -> Value {
        compile(&parse(q).unwrap(), &Layout::Shipped, "t").unwrap()
    }

    #[test]
    fn words_and_phrases_search_the_words_field() {
        assert_eq!(
            shipped("Failed"),
            json!({"match_phrase": {"timberline.words": {"query": "Failed"}}})
        );
        assert_eq!(
            shipped("fail*"),
            json!({"prefix": {"timberline.words": {"value": "fail"}}})
        );
        let e = compile(&parse("/fail.*root/").unwrap(), &Layout::Shipped, "prod").unwrap_err();
        assert!(e.to_string().contains("/fail.*root/"), "{e}");
        assert!(e.to_string().contains("remote \"prod\""), "{e}");
    }

    #[test]
    fn fields_are_the_local_key_value_terms() {
        assert_eq!(
            shipped("user:Root"),
            json!({"term": {"timberline.kv": "user=root"}})
        );
        assert_eq!(
            shipped("level:>=warn"),
            json!({"terms": {"timberline.level": [4, 5, 6, 7, 8]}})
        );
        let r = shipped("status:[500 TO 599]");
        assert_eq!(
            r["range"]["timberline.num"]["gte"],
            json!(num_term("status", 500.0))
        );
        assert_eq!(
            r["range"]["timberline.num"]["lte"],
            json!(num_term("status", 599.0))
        );
        let r = shipped("bytes:>100");
        assert_eq!(
            r["range"]["timberline.num"]["gt"],
            json!(num_term("bytes", 100.0))
        );
        assert_eq!(r["range"]["timberline.num"]["lt"], json!("bytes$"));
        assert!(r["range"]["timberline.num"].get("gte").is_none());
    }

    #[test]
    fn a_foreign_index_is_searched_by_its_ecs_names() {
        let layout = Layout::Foreign {
            names: Box::default(),
            types: [("host.name".to_string(), "keyword".to_string())].into(),
        };
        let q = compile(&parse("host:WEB1 level:error").unwrap(), &layout, "t").unwrap();
        let text = q.to_string();
        assert!(
            text.contains(r#"{"term":{"host.name":{"case_insensitive":true,"value":"WEB1"}}}"#),
            "{text}"
        );
        assert!(
            text.contains(r#""log.level":{"case_insensitive":true,"value":"err"}"#),
            "{text}"
        );
        assert!(!text.contains("\"warn\""), "{text}");
    }
}
