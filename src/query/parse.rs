//! Query text → [`Expr`].
//!
//! # Grammar
//!
//! ```text
//! query    = ws* [ or ] ws* ;                       (* empty or all-blank → All *)
//! or       = and { "OR" and } ;
//! and      = unary { [ "AND" ] unary } ;            (* adjacency is an implicit AND *)
//! unary    = "NOT" unary | ( "-" | "!" ) unary      (* "-"/"!" glued to what follows *)
//!          | primary ;
//! primary  = "(" or ")" | phrase | regex | field | term ;
//! field    = NAME ":" ( value | phrase | range | compare | "(" or ")" ) ;
//! range    = ( "[" | "{" ) bound "TO" bound ( "]" | "}" ) ;   (* [ ] inclusive, { } exclusive *)
//! compare  = ( ">=" | ">" | "<=" | "<" ) ( value | phrase ) ;
//! bound    = "*" | phrase | CHARS-BUT-WS-]-} ;
//! phrase   = '"' { CHAR | '\"' | '\\' } '"' ;
//! regex    = "/" { CHAR | "\/" } "/" ;              (* followed by blank, ")" or the end *)
//! term     = CHARS-BUT-WS-) ;                       (* kept as typed; a trailing * = prefix *)
//! NAME     = [A-Za-z_@] [A-Za-z0-9_.@-]* ;           (* lowercased *)
//! ```
//!
//! Keywords are `AND`, `OR`, `NOT` in uppercase only (`and` is a term), and only as whole
//! words; precedence is NOT > AND > OR. Nested `And`/`Or` are flattened. A lone `*` is
//! [`Expr::All`] (dropped inside an `And`, absorbing inside an `Or`).
//!
//! # What a colon means
//!
//! `name:value` is a field query when `name` is a valid field name. A word whose colon does not
//! follow a valid name stays a bare term: `13:00`, `2001:db8::1`, `::1`, `sshd[42]:`. A few
//! words that look like fields are bare terms too, because that is what a user pasting them from
//! a log means: URLs (`http://host/x`: the value starts with `//`), IPv6 addresses with `::`
//! (`fe80::1`), MAC addresses (`de:ad:be:ef:00:01`) and full IPv6 addresses (8 groups of hex
//! digits). `time:13:00` is field `time`, value `13:00`; so is `a:13:00` (field `a`).
//!
//! # What a slash means
//!
//! `/.../` is a regex when the closing `/` is followed by a blank, `)` or the end. A word such
//! as `/var/log/syslog`, whose first closing `/` is followed by more text and which has no blank
//! inside, is a bare term (a path). There are no flags after the regex: write `(?i)` inside it.
//!
//! # Negation
//!
//! `-x` and `!x` mean `NOT x` when glued to what follows (`-sshd`, `!(a OR b)`,
//! `-status:200`). A word starting with `--` (`--verbose`) is a plain term.
//!
//! # Field groups
//!
//! `status:(500 OR 502)` applies `status` to every bare term, phrase and `*` inside the
//! parentheses (it is the same as `status:500 OR status:502`).

use super::{Bound, Expr, QueryError};

/// The deepest nesting of `NOT`, `-`, `!` and parentheses a query may have. Deeper queries are
/// an error at the first token too deep: parsing, compiling and printing recurse once per
/// level, and a few thousand levels would overflow the stack.
pub const MAX_DEPTH: usize = 100;

/// Parses a query. The empty (or all-blank) query is [`Expr::All`].
pub fn parse(query: &str) -> Result<Expr, QueryError> {
    let chars: Vec<char> = query.chars().collect();
    let toks = Lexer {
        q: query,
        s: &chars,
        i: 0,
    }
    .run()?;
    if toks.is_empty() {
        return Ok(Expr::All);
    }
    let mut p = Parser {
        q: query,
        toks,
        i: 0,
        end: chars.len(),
        fields: Vec::new(),
        depth: 0,
    };
    let expr = p.parse_or()?;
    if let Some(t) = p.toks.get(p.i) {
        // Only a ')' can stop `parse_or` early at the top level.
        return Err(err(query, t.pos, "unexpected ')' (no '(' to close)"));
    }
    Ok(expr)
}

fn err(query: &str, position: usize, message: impl Into<String>) -> QueryError {
    QueryError {
        query: query.to_string(),
        position,
        message: message.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum TokKind {
    LParen,
    RParen,
    And,
    Or,
    Not,
    /// `-` or `!` glued to the next token.
    Minus(char),
    /// `field:(`: a group whose bare terms take `field`; and the position of its `(`.
    FieldGroup(String, usize),
    /// A term, phrase, range or regex. `Term { field: None, value: "*" }` is resolved by the
    /// parser (it becomes `All`, or a field's `*` inside a field group).
    Atom(Expr),
}

#[derive(Debug, Clone)]
struct Tok {
    kind: TokKind,
    pos: usize,
}

struct Lexer<'a> {
    q: &'a str,
    s: &'a [char],
    i: usize,
}

fn is_blank(c: char) -> bool {
    c.is_whitespace()
}

/// Ends a bare word: a blank or `)`.
fn ends_word(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => is_blank(c) || c == ')',
    }
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '@'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '@' | '-')
}

impl Lexer<'_> {
    fn at(&self, i: usize) -> Option<char> {
        self.s.get(i).copied()
    }

    fn err(&self, position: usize, message: impl Into<String>) -> QueryError {
        err(self.q, position, message)
    }

    fn run(mut self) -> Result<Vec<Tok>, QueryError> {
        let mut toks = Vec::new();
        // After a `-`/`!` the next token is glued and keywords are not recognised (`-AND`).
        let mut glued = false;
        loop {
            if !glued {
                while self.at(self.i).is_some_and(is_blank) {
                    self.i += 1;
                }
            }
            let Some(c) = self.at(self.i) else { break };
            let pos = self.i;
            let kind = match c {
                '(' => {
                    self.i += 1;
                    TokKind::LParen
                }
                ')' => {
                    self.i += 1;
                    TokKind::RParen
                }
                '"' => {
                    let text = self.quoted(pos, "phrase")?;
                    TokKind::Atom(Expr::Phrase { field: None, text })
                }
                '/' => self.slash(pos)?,
                '-' | '!' if !(c == '-' && self.at(pos + 1) == Some('-')) => {
                    if ends_word(self.at(pos + 1)) {
                        return Err(self.err(
                            pos + 1,
                            format!("expected a term right after '{c}' (quote it to search for it: \"{c}\")"),
                        ));
                    }
                    self.i += 1;
                    toks.push(Tok {
                        kind: TokKind::Minus(c),
                        pos,
                    });
                    glued = true;
                    continue;
                }
                _ => self.word_or_field(pos, !glued)?,
            };
            glued = false;
            toks.push(Tok { kind, pos });
        }
        Ok(toks)
    }

    /// The bare word starting at `from`: up to a blank or `)`.
    fn word_end(&self, from: usize) -> usize {
        let mut j = from;
        while !ends_word(self.at(j)) {
            j += 1;
        }
        j
    }

    fn text(&self, from: usize, to: usize) -> String {
        self.s[from..to].iter().collect()
    }

    /// A `"..."` starting at `open`; `\"` and `\\` are escapes, any other `\x` is kept as typed.
    fn quoted(&mut self, open: usize, what: &str) -> Result<String, QueryError> {
        let mut out = String::new();
        let mut j = open + 1;
        loop {
            match self.at(j) {
                None => return Err(self.err(open, "unclosed quote: add a closing '\"'")),
                Some('"') => break,
                Some('\\') if matches!(self.at(j + 1), Some('"' | '\\')) => {
                    out.extend(self.at(j + 1));
                    j += 2;
                }
                Some(c) => {
                    out.push(c);
                    j += 1;
                }
            }
        }
        if out.is_empty() {
            return Err(self.err(open, format!("empty {what} \"\"")));
        }
        self.i = j + 1;
        Ok(out)
    }

    /// `/regex/`, or a path-like bare term such as `/var/log/syslog`.
    fn slash(&mut self, open: usize) -> Result<TokKind, QueryError> {
        let mut pattern = String::new();
        // Query position of each char of `pattern`, to place regex errors.
        let mut map = Vec::new();
        let mut j = open + 1;
        let close = loop {
            match self.at(j) {
                None => {
                    return Err(self.err(
                        open,
                        "unclosed regex: add a closing '/' (to search for a path, quote it)",
                    ));
                }
                Some('/') => break j,
                Some('\\') if self.at(j + 1) == Some('/') => {
                    pattern.push('/');
                    map.push(j);
                    j += 2;
                }
                Some('\\') if self.at(j + 1).is_some() => {
                    pattern.push('\\');
                    map.push(j);
                    pattern.extend(self.at(j + 1));
                    map.push(j + 1);
                    j += 2;
                }
                Some(c) => {
                    pattern.push(c);
                    map.push(j);
                    j += 1;
                }
            }
        };
        if !ends_word(self.at(close + 1)) {
            let inner = &self.s[open + 1..close];
            if inner.iter().any(|&c| is_blank(c) || c == ')') {
                return Err(self.err(
                    close + 1,
                    "expected a blank or ')' after the regex's closing '/' (no flags: use (?i) inside)",
                ));
            }
            // A path: `/var/log/syslog`.
            let end = self.word_end(open);
            self.i = end;
            return Ok(TokKind::Atom(Expr::Term {
                field: None,
                value: self.text(open, end),
            }));
        }
        if pattern.is_empty() {
            return Err(self.err(open, "empty regex //"));
        }
        if let Err(e) = super::regex::build(&pattern) {
            let (col, message) = match &e {
                super::regex::RegexError::Regex(e) => regex_error(e, &pattern),
                e => (None, e.to_string()),
            };
            let position = col.and_then(|c| map.get(c).copied()).unwrap_or(open);
            return Err(self.err(position, format!("invalid regex: {message}")));
        }
        self.i = close + 1;
        Ok(TokKind::Atom(Expr::Regex { pattern }))
    }

    /// A keyword, `field:...`, or a bare word.
    fn word_or_field(&mut self, pos: usize, keywords: bool) -> Result<TokKind, QueryError> {
        let end = self.word_end(pos);
        if keywords {
            let is = |kw: &str| {
                let n = kw.chars().count();
                self.s
                    .get(pos..pos + n)
                    .is_some_and(|w| w.iter().copied().eq(kw.chars()))
                    && self
                        .at(pos + n)
                        .is_none_or(|c| is_blank(c) || matches!(c, '(' | ')' | '"'))
            };
            let kind = if is("AND") {
                Some((TokKind::And, 3))
            } else if is("NOT") {
                Some((TokKind::Not, 3))
            } else if is("OR") {
                Some((TokKind::Or, 2))
            } else {
                None
            };
            if let Some((kind, n)) = kind {
                self.i = pos + n;
                return Ok(kind);
            }
        }
        if let Some(colon) = self.field_colon(pos, end) {
            let field = self.text(pos, colon).to_ascii_lowercase();
            return self.field_value(field, colon + 1);
        }
        self.i = end;
        Ok(TokKind::Atom(Expr::Term {
            field: None,
            value: self.text(pos, end),
        }))
    }

    /// The colon ending a field name at `pos`, when the word `pos..end` is a field query.
    fn field_colon(&self, pos: usize, end: usize) -> Option<usize> {
        if !self.at(pos).is_some_and(is_name_start) {
            return None;
        }
        let mut j = pos + 1;
        while self.at(j).is_some_and(is_name_char) {
            j += 1;
        }
        if self.at(j) != Some(':') {
            return None;
        }
        // `fe80::1`, `http://x`: not fields.
        if self.at(j + 1) == Some(':')
            || (self.at(j + 1) == Some('/') && self.at(j + 2) == Some('/'))
        {
            return None;
        }
        // MAC addresses (6 groups of 2 hex digits) and full IPv6 (8 groups of 1-4).
        let word = &self.s[pos..end];
        let groups: Vec<&[char]> = word.split(|&c| c == ':').collect();
        let hex = |g: &&[char], len: std::ops::RangeInclusive<usize>| {
            len.contains(&g.len()) && g.iter().all(char::is_ascii_hexdigit)
        };
        if (groups.len() == 6 && groups.iter().all(|g| hex(g, 2..=2)))
            || (groups.len() == 8 && groups.iter().all(|g| hex(g, 1..=4)))
        {
            return None;
        }
        Some(j)
    }

    /// What follows `field:` at `v`.
    fn field_value(&mut self, field: String, v: usize) -> Result<TokKind, QueryError> {
        match self.at(v) {
            c if ends_word(c) => Err(self.err(
                v,
                format!("empty value for field '{field}' (to search for the text, quote it)"),
            )),
            Some('"') => {
                let text = self.quoted(v, "value")?;
                Ok(TokKind::Atom(Expr::Phrase {
                    field: Some(field),
                    text,
                }))
            }
            Some('(') => {
                self.i = v + 1;
                Ok(TokKind::FieldGroup(field, v))
            }
            Some(open @ ('[' | '{')) => self.range(field, v, open == '['),
            Some(op @ ('>' | '<')) => {
                let inclusive = self.at(v + 1) == Some('=');
                let start = if inclusive { v + 2 } else { v + 1 };
                let op_text = if inclusive {
                    format!("{op}=")
                } else {
                    op.to_string()
                };
                let value = match self.at(start) {
                    c if ends_word(c) => {
                        return Err(self.err(start, format!("expected a value after '{op_text}'")));
                    }
                    Some('"') => Some(self.quoted(start, "value")?),
                    _ => {
                        let end = self.word_end(start);
                        self.i = end;
                        let w = self.text(start, end);
                        (w != "*").then_some(w)
                    }
                };
                let bound = value.map(|value| Bound { value, inclusive });
                let (lo, hi) = if op == '>' {
                    (bound, None)
                } else {
                    (None, bound)
                };
                Ok(TokKind::Atom(Expr::Range { field, lo, hi }))
            }
            _ => {
                let end = self.word_end(v);
                self.i = end;
                Ok(TokKind::Atom(Expr::Term {
                    field: Some(field),
                    value: self.text(v, end),
                }))
            }
        }
    }

    fn skip_blanks(&mut self) {
        while self.at(self.i).is_some_and(is_blank) {
            self.i += 1;
        }
    }

    /// `[lo TO hi]` with `[`/`]` inclusive and `{`/`}` exclusive, starting at `open`.
    fn range(&mut self, field: String, open: usize, lo_incl: bool) -> Result<TokKind, QueryError> {
        let unclosed = |l: &Self| {
            l.err(
                open,
                "unclosed range: expected '[lo TO hi]' with a closing ']' or '}'",
            )
        };
        self.i = open + 1;
        self.skip_blanks();
        let lo = match self.at(self.i) {
            None => return Err(unclosed(self)),
            Some(']' | '}') => {
                return Err(self.err(self.i, "missing lower bound (use * for an open end)"));
            }
            _ => {
                let at = self.i;
                let (value, quoted) = self.bound()?;
                if !quoted && value.as_deref() == Some("TO") {
                    return Err(self.err(
                        at,
                        "missing lower bound before 'TO' (use * for an open end)",
                    ));
                }
                value
            }
        };
        self.skip_blanks();
        match self.at(self.i) {
            None => return Err(unclosed(self)),
            Some('T')
                if self.at(self.i + 1) == Some('O')
                    && self
                        .at(self.i + 2)
                        .is_none_or(|c| is_blank(c) || matches!(c, ']' | '}')) =>
            {
                self.i += 2;
            }
            Some(_) => return Err(self.err(self.i, "expected 'TO' between the range bounds")),
        }
        self.skip_blanks();
        let hi = match self.at(self.i) {
            None => return Err(unclosed(self)),
            Some(']' | '}') => {
                return Err(self.err(self.i, "missing upper bound (use * for an open end)"));
            }
            _ => self.bound()?.0,
        };
        self.skip_blanks();
        let hi_incl = match self.at(self.i) {
            None => return Err(unclosed(self)),
            Some(']') => true,
            Some('}') => false,
            Some(_) => return Err(self.err(self.i, "expected ']' or '}' to close the range")),
        };
        self.i += 1;
        let bound =
            |value: Option<String>, inclusive| value.map(|value| Bound { value, inclusive });
        Ok(TokKind::Atom(Expr::Range {
            field,
            lo: bound(lo, lo_incl),
            hi: bound(hi, hi_incl),
        }))
    }

    /// One range bound at `self.i`: `*` (→ `None`), a quoted value, or chars up to a blank,
    /// `]` or `}`. Returns the value and whether it was quoted.
    fn bound(&mut self) -> Result<(Option<String>, bool), QueryError> {
        if self.at(self.i) == Some('"') {
            let v = self.quoted(self.i, "range bound")?;
            return Ok((Some(v), true));
        }
        let start = self.i;
        while self
            .at(self.i)
            .is_some_and(|c| !is_blank(c) && c != ']' && c != '}')
        {
            self.i += 1;
        }
        let w = self.text(start, self.i);
        Ok(((w != "*").then_some(w), false))
    }
}

/// The char column (into the pattern) and the message of a `regex` error.
fn regex_error(e: &regex::Error, pattern: &str) -> (Option<usize>, String) {
    match e {
        regex::Error::Syntax(text) => {
            let message = text
                .lines()
                .rev()
                .find_map(|l| l.strip_prefix("error: "))
                .unwrap_or("syntax error")
                .to_string();
            let col = if pattern.contains('\n') {
                None
            } else {
                // "regex parse error:" / "    <pattern>" / "    ^^^" / "error: ..."
                text.lines()
                    .nth(2)
                    .and_then(|l| l.chars().position(|c| c == '^'))
                    .and_then(|p| p.checked_sub(4))
            };
            (col, message)
        }
        regex::Error::CompiledTooBig(_) => (None, "the regex is too big once compiled".to_string()),
        _ => (None, e.to_string()),
    }
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

struct Parser<'a> {
    q: &'a str,
    toks: Vec<Tok>,
    i: usize,
    /// The query's length in chars (the position of "the end").
    end: usize,
    /// Innermost field group first-last: `status:(...)`.
    fields: Vec<String>,
    /// How many `NOT`s and parentheses enclose the token being parsed.
    depth: usize,
}

fn keyword_name(k: &TokKind) -> String {
    match k {
        TokKind::And => "'AND'".to_string(),
        TokKind::Or => "'OR'".to_string(),
        TokKind::Not => "'NOT'".to_string(),
        TokKind::Minus(c) => format!("'{c}'"),
        _ => "it".to_string(),
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<&TokKind> {
        self.toks.get(self.i).map(|t| &t.kind)
    }

    fn pos(&self) -> usize {
        self.toks.get(self.i).map_or(self.end, |t| t.pos)
    }

    fn starts_unary(&self) -> bool {
        matches!(
            self.peek(),
            Some(
                TokKind::Not
                    | TokKind::Minus(_)
                    | TokKind::LParen
                    | TokKind::FieldGroup(..)
                    | TokKind::Atom(_)
            )
        )
    }

    /// After a keyword: there must be a term.
    fn expect_operand(&self, after: &TokKind) -> Result<(), QueryError> {
        if self.starts_unary() {
            Ok(())
        } else {
            Err(err(
                self.q,
                self.pos(),
                format!("expected a term after {}", keyword_name(after)),
            ))
        }
    }

    fn parse_or(&mut self) -> Result<Expr, QueryError> {
        let mut items = vec![self.parse_and()?];
        while let Some(TokKind::Or) = self.peek() {
            self.i += 1;
            self.expect_operand(&TokKind::Or)?;
            items.push(self.parse_and()?);
        }
        Ok(make_or(items))
    }

    fn parse_and(&mut self) -> Result<Expr, QueryError> {
        let mut items = vec![self.parse_unary()?];
        loop {
            match self.peek() {
                Some(TokKind::And) => {
                    self.i += 1;
                    self.expect_operand(&TokKind::And)?;
                }
                _ if self.starts_unary() => {}
                _ => break,
            }
            items.push(self.parse_unary()?);
        }
        Ok(make_and(items))
    }

    fn parse_unary(&mut self) -> Result<Expr, QueryError> {
        let Some(tok) = self.toks.get(self.i).cloned() else {
            return Err(err(self.q, self.end, "expected a term"));
        };
        match tok.kind {
            TokKind::Not | TokKind::Minus(_) => {
                self.enter(tok.pos)?;
                self.i += 1;
                self.expect_operand(&tok.kind)?;
                let inner = self.parse_unary();
                self.depth -= 1;
                Ok(Expr::Not(Box::new(inner?)))
            }
            TokKind::LParen => self.group(tok.pos, None),
            TokKind::FieldGroup(f, paren) => self.group(paren, Some(f)),
            TokKind::Atom(atom) => {
                self.i += 1;
                Ok(self.with_default_field(atom))
            }
            TokKind::RParen => Err(err(self.q, tok.pos, "unexpected ')' (no '(' to close)")),
            TokKind::And | TokKind::Or => {
                let name = keyword_name(&tok.kind);
                Err(err(
                    self.q,
                    tok.pos,
                    format!("{name} needs a term before it"),
                ))
            }
        }
    }

    /// One level deeper, at the token at `pos`; an error past [`MAX_DEPTH`].
    fn enter(&mut self, pos: usize) -> Result<(), QueryError> {
        if self.depth >= MAX_DEPTH {
            return Err(err(
                self.q,
                pos,
                format!(
                    "query nested too deeply (more than {MAX_DEPTH} levels of NOT, '-', '!' or parentheses)"
                ),
            ));
        }
        self.depth += 1;
        Ok(())
    }

    /// `( or )` (or `field:( or )`) whose opening token is at `self.i`.
    fn group(&mut self, open: usize, field: Option<String>) -> Result<Expr, QueryError> {
        self.enter(open)?;
        let inner = self.group_inner(open, field);
        self.depth -= 1;
        inner
    }

    fn group_inner(&mut self, open: usize, field: Option<String>) -> Result<Expr, QueryError> {
        self.i += 1;
        if let Some(TokKind::RParen) = self.peek() {
            return Err(err(self.q, open, "empty parentheses"));
        }
        if self.peek().is_none() {
            return Err(err(self.q, open, "unclosed '(': add a ')'"));
        }
        let pushed = field.is_some();
        if let Some(f) = field {
            self.fields.push(f);
        }
        let inner = self.parse_or();
        if pushed {
            self.fields.pop();
        }
        let inner = inner?;
        match self.peek() {
            Some(TokKind::RParen) => {
                self.i += 1;
                Ok(inner)
            }
            _ => Err(err(self.q, open, "unclosed '(': add a ')'")),
        }
    }

    /// Bare terms, phrases and `*` take the innermost field group's field; a top-level `*` is
    /// [`Expr::All`].
    fn with_default_field(&self, atom: Expr) -> Expr {
        let default = self.fields.last().cloned();
        match atom {
            Expr::Term { field: None, value } => match default {
                None if value == "*" => Expr::All,
                field => Expr::Term { field, value },
            },
            Expr::Phrase { field: None, text } => Expr::Phrase {
                field: default,
                text,
            },
            other => other,
        }
    }
}

/// `And` of `items`, flattened, without `All`s; one item is itself; none is `All`.
fn make_and(items: Vec<Expr>) -> Expr {
    let mut out = Vec::with_capacity(items.len());
    for e in items {
        match e {
            Expr::And(inner) => out.extend(inner),
            Expr::All => {}
            e => out.push(e),
        }
    }
    match out.len() {
        0 => Expr::All,
        1 => out.pop().unwrap_or(Expr::All),
        _ => Expr::And(out),
    }
}

/// `Or` of `items`, flattened; any `All` makes it `All`.
fn make_or(items: Vec<Expr>) -> Expr {
    let mut out = Vec::with_capacity(items.len());
    for e in items {
        match e {
            Expr::Or(inner) => out.extend(inner),
            Expr::All => return Expr::All,
            e => out.push(e),
        }
    }
    match out.len() {
        1 => out.pop().unwrap_or(Expr::All),
        _ => Expr::Or(out),
    }
}

// ---------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------

/// Prints an [`Expr`] as query text that [`parse`] reads back into the same `Expr`, for every
/// `Expr` that [`parse`] can produce (a `Term` whose value could not have been typed, e.g. one
/// with a blank in it, is printed as is).
#[allow(dead_code)] // Public API: re-exported by `query` once the lead wires it (`pub use parse::to_query_string`).
pub fn to_query_string(expr: &Expr) -> String {
    let mut out = String::new();
    print(expr, &mut out);
    out
}

fn print(expr: &Expr, out: &mut String) {
    match expr {
        Expr::All => out.push('*'),
        Expr::Term {
            field: Some(f),
            value,
        } => print_field_term(f, value, out),
        Expr::Term { field: None, value } => out.push_str(value),
        Expr::Phrase { field, text } => {
            print_field(field.as_deref(), out);
            print_quoted(text, out);
        }
        Expr::Range { field, lo, hi } => {
            out.push_str(field);
            out.push(':');
            out.push(if lo.as_ref().is_none_or(|b| b.inclusive) {
                '['
            } else {
                '{'
            });
            print_bound(lo.as_ref(), out);
            out.push_str(" TO ");
            print_bound(hi.as_ref(), out);
            out.push(if hi.as_ref().is_none_or(|b| b.inclusive) {
                ']'
            } else {
                '}'
            });
        }
        Expr::Regex { pattern } => {
            out.push('/');
            out.push_str(&pattern.replace('/', "\\/"));
            out.push('/');
        }
        Expr::And(items) => {
            for (n, e) in items.iter().enumerate() {
                if n > 0 {
                    out.push(' ');
                }
                print_wrapped(e, matches!(e, Expr::And(_) | Expr::Or(_)), out);
            }
        }
        Expr::Or(items) => {
            for (n, e) in items.iter().enumerate() {
                if n > 0 {
                    out.push_str(" OR ");
                }
                print_wrapped(e, matches!(e, Expr::Or(_)), out);
            }
        }
        // A keyword as a term (`!OR`) only reads back glued to its `-`.
        Expr::Not(inner) if matches!(&**inner, Expr::Term { field: None, value } if matches!(value.as_str(), "AND" | "OR" | "NOT")) =>
        {
            out.push('-');
            print(inner, out);
        }
        Expr::Not(inner) => {
            out.push_str("NOT ");
            print_wrapped(inner, matches!(**inner, Expr::And(_) | Expr::Or(_)), out);
        }
    }
}

fn print_wrapped(e: &Expr, parens: bool, out: &mut String) {
    if parens {
        out.push('(');
    }
    print(e, out);
    if parens {
        out.push(')');
    }
}

/// `field:value`, or `field:(value)` when the first would read back otherwise (a value that
/// a field group gave its field, such as `:00` in `status:(:00 OR 502)`).
fn print_field_term(field: &str, value: &str, out: &mut String) {
    let reads_back = |q: &str| matches!(parse(q), Ok(Expr::Term { field: Some(f), value: v }) if f == field && v == value);
    let plain = format!("{field}:{value}");
    let grouped = format!("{field}:({value})");
    if !reads_back(&plain) && reads_back(&grouped) {
        out.push_str(&grouped);
    } else {
        out.push_str(&plain);
    }
}

fn print_field(field: Option<&str>, out: &mut String) {
    if let Some(f) = field {
        out.push_str(f);
        out.push(':');
    }
}

fn print_quoted(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

fn print_bound(b: Option<&Bound>, out: &mut String) {
    match b {
        None => out.push('*'),
        Some(b) => {
            let plain = !b.value.is_empty()
                && b.value != "*"
                && b.value != "TO"
                && !b.value.starts_with('"')
                && !b
                    .value
                    .chars()
                    .any(|c| is_blank(c) || matches!(c, ']' | '}'));
            if plain {
                out.push_str(&b.value)
            } else {
                print_quoted(&b.value, out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(v: &str) -> Expr {
        Expr::Term {
            field: None,
            value: v.to_string(),
        }
    }
    fn ft(f: &str, v: &str) -> Expr {
        Expr::Term {
            field: Some(f.to_string()),
            value: v.to_string(),
        }
    }
    fn ph(v: &str) -> Expr {
        Expr::Phrase {
            field: None,
            text: v.to_string(),
        }
    }
    fn fph(f: &str, v: &str) -> Expr {
        Expr::Phrase {
            field: Some(f.to_string()),
            text: v.to_string(),
        }
    }
    fn b(v: &str, inclusive: bool) -> Option<Bound> {
        Some(Bound {
            value: v.to_string(),
            inclusive,
        })
    }
    fn range(f: &str, lo: Option<Bound>, hi: Option<Bound>) -> Expr {
        Expr::Range {
            field: f.to_string(),
            lo,
            hi,
        }
    }
    fn re(p: &str) -> Expr {
        Expr::Regex {
            pattern: p.to_string(),
        }
    }
    fn not(e: Expr) -> Expr {
        Expr::Not(Box::new(e))
    }
    fn and(v: Vec<Expr>) -> Expr {
        Expr::And(v)
    }
    fn or(v: Vec<Expr>) -> Expr {
        Expr::Or(v)
    }

    #[test]
    fn parses_the_table() {
        let table: Vec<(&str, Expr)> = vec![
            ("", Expr::All),
            ("   \t ", Expr::All),
            ("*", Expr::All),
            ("sshd", t("sshd")),
            ("  sshd  ", t("sshd")),
            ("wp-login.php", t("wp-login.php")),
            ("10.0.0.1", t("10.0.0.1")),
            ("Failed", t("Failed")),
            ("sess*", t("sess*")),
            ("and", t("and")),
            ("or not", and(vec![t("or"), t("not")])),
            ("ANDROID", t("ANDROID")),
            ("foo(bar", t("foo(bar")),
            ("a\"b", t("a\"b")),
            ("[error]", t("[error]")),
            (">=500", t(">=500")),
            ("\"failed password\"", ph("failed password")),
            (r#""say \"hi\" \\ C:\x""#, ph(r#"say "hi" \ C:\x"#)),
            ("\"a\"b", and(vec![ph("a"), t("b")])),
            ("host:web1", ft("host", "web1")),
            ("HOST:Web1", ft("host", "Web1")),
            ("@timestamp:x", ft("@timestamp", "x")),
            ("x-forwarded-for:1.2.3.4", ft("x-forwarded-for", "1.2.3.4")),
            ("_sys.unit:ssh.service", ft("_sys.unit", "ssh.service")),
            ("path:/var/log/*", ft("path", "/var/log/*")),
            ("msg:\"disk full\"", fph("msg", "disk full")),
            ("time:13:00", ft("time", "13:00")),
            ("field:*", ft("field", "*")),
            // Colons that are not fields.
            ("13:00", t("13:00")),
            ("12:00:01.5", t("12:00:01.5")),
            ("::1", t("::1")),
            ("fe80::1", t("fe80::1")),
            ("2001:db8::1", t("2001:db8::1")),
            ("de:ad:be:ef:00:01", t("de:ad:be:ef:00:01")),
            ("fe80:0:0:0:0:0:0:1", t("fe80:0:0:0:0:0:0:1")),
            ("a:13:00", ft("a", "13:00")),
            ("cafe:12:00:00", ft("cafe", "12:00:00")),
            (
                "http://example.com/wp-login.php",
                t("http://example.com/wp-login.php"),
            ),
            ("sshd[123]:", t("sshd[123]:")),
            (":x", t(":x")),
            // Boolean structure.
            ("a b", and(vec![t("a"), t("b")])),
            ("a AND b", and(vec![t("a"), t("b")])),
            ("a OR b", or(vec![t("a"), t("b")])),
            ("a OR b c", or(vec![t("a"), and(vec![t("b"), t("c")])])),
            ("a b OR c", or(vec![and(vec![t("a"), t("b")]), t("c")])),
            (
                "a AND b OR c AND d",
                or(vec![and(vec![t("a"), t("b")]), and(vec![t("c"), t("d")])]),
            ),
            ("(a OR b) c", and(vec![or(vec![t("a"), t("b")]), t("c")])),
            (
                "(a b) c (d AND e)",
                and(vec![t("a"), t("b"), t("c"), t("d"), t("e")]),
            ),
            (
                "a OR (b OR c) OR d",
                or(vec![t("a"), t("b"), t("c"), t("d")]),
            ),
            ("((a))", t("a")),
            ("NOT a", not(t("a"))),
            ("NOT a b", and(vec![not(t("a")), t("b")])),
            ("NOT (a OR b)", not(or(vec![t("a"), t("b")]))),
            ("NOT(a)", not(t("a"))),
            ("NOT NOT a", not(not(t("a")))),
            ("a NOT b", and(vec![t("a"), not(t("b"))])),
            (
                "a AND NOT b OR c",
                or(vec![and(vec![t("a"), not(t("b"))]), t("c")]),
            ),
            ("-a", not(t("a"))),
            ("!a", not(t("a"))),
            (
                "sshd -Accepted !root",
                and(vec![t("sshd"), not(t("Accepted")), not(t("root"))]),
            ),
            ("-status:200", not(ft("status", "200"))),
            ("-\"x y\"", not(ph("x y"))),
            ("-(a b)", not(and(vec![t("a"), t("b")]))),
            ("-/ab+/", not(re("ab+"))),
            ("-AND", not(t("AND"))),
            ("--verbose", t("--verbose")),
            ("a-b", t("a-b")),
            ("a *", t("a")),
            ("a OR *", Expr::All),
            ("NOT *", not(Expr::All)),
            // Ranges.
            (
                "status:[500 TO 599]",
                range("status", b("500", true), b("599", true)),
            ),
            (
                "status:{500 TO 600}",
                range("status", b("500", false), b("600", false)),
            ),
            (
                "status:[500 TO 600}",
                range("status", b("500", true), b("600", false)),
            ),
            (
                "status:{ 500   TO 600 ]",
                range("status", b("500", false), b("600", true)),
            ),
            ("status:[500 TO *]", range("status", b("500", true), None)),
            ("status:[* TO 400}", range("status", None, b("400", false))),
            ("status:[* TO *]", range("status", None, None)),
            (
                "ts:[\"2026-10-05 02:00\" TO \"*\"]",
                range("ts", b("2026-10-05 02:00", true), b("*", true)),
            ),
            ("status:>=500", range("status", b("500", true), None)),
            ("status:>500", range("status", b("500", false), None)),
            ("status:<400", range("status", None, b("400", false))),
            ("status:<=399", range("status", None, b("399", true))),
            (
                "ts:>=\"2026-10-05 02:00\"",
                range("ts", b("2026-10-05 02:00", true), None),
            ),
            (
                "status:>=500 host:a",
                and(vec![range("status", b("500", true), None), ft("host", "a")]),
            ),
            ("(status:<400)", range("status", None, b("400", false))),
            // Regexes and paths.
            ("/fail(ed|ure)/", re("fail(ed|ure)")),
            ("/failed .* from/", re("failed .* from")),
            (r"/a\/b/", re("a/b")),
            (r"/\d+\.\d+/", re(r"\d+\.\d+")),
            (r"/a\\/", re(r"a\\")),
            ("(/x/)", re("x")),
            ("/(?i)error/ sshd", and(vec![re("(?i)error"), t("sshd")])),
            ("/var/log/syslog", t("/var/log/syslog")),
            ("/api/v1/users", t("/api/v1/users")),
            // Field groups.
            (
                "status:(500 OR 502)",
                or(vec![ft("status", "500"), ft("status", "502")]),
            ),
            (
                "msg:(\"a b\" c*)",
                and(vec![fph("msg", "a b"), ft("msg", "c*")]),
            ),
            (
                "f:(a g:b -c /x/ *)",
                and(vec![
                    ft("f", "a"),
                    ft("g", "b"),
                    not(ft("f", "c")),
                    re("x"),
                    ft("f", "*"),
                ]),
            ),
            ("f:(a) b", and(vec![ft("f", "a"), t("b")])),
            // Unicode keeps char positions straight.
            ("café \"naïve\"", and(vec![t("café"), ph("naïve")])),
        ];
        for (q, want) in table {
            assert_eq!(parse(q), Ok(want), "query {q:?}");
        }
    }

    #[test]
    fn reports_errors_where_they_are() {
        // (query, position, start of the message)
        let table: Vec<(&str, usize, &str)> = vec![
            ("\"abc", 0, "unclosed quote"),
            ("a \"abc", 2, "unclosed quote"),
            ("msg:\"abc", 4, "unclosed quote"),
            ("\"\"", 0, "empty phrase"),
            ("(a", 0, "unclosed '('"),
            ("a (b OR (c)", 2, "unclosed '('"),
            ("()", 0, "empty parentheses"),
            ("a)", 1, "unexpected ')'"),
            (")", 0, "unexpected ')'"),
            ("(a))", 3, "unexpected ')'"),
            ("a AND", 5, "expected a term after 'AND'"),
            ("a AND   ", 8, "expected a term after 'AND'"),
            ("a AND OR b", 6, "expected a term after 'AND'"),
            ("(a AND) b", 6, "expected a term after 'AND'"),
            ("a OR", 4, "expected a term after 'OR'"),
            ("NOT", 3, "expected a term after 'NOT'"),
            ("a NOT )", 6, "expected a term after 'NOT'"),
            ("AND a", 0, "'AND' needs a term before it"),
            ("OR a", 0, "'OR' needs a term before it"),
            ("(OR a)", 1, "'OR' needs a term before it"),
            ("a - b", 3, "expected a term right after '-'"),
            ("a !", 3, "expected a term right after '!'"),
            ("status:", 7, "empty value for field 'status'"),
            ("status: 500", 7, "empty value for field 'status'"),
            ("(status:)", 8, "empty value for field 'status'"),
            ("status:>=", 9, "expected a value after '>='"),
            ("status:< 5", 8, "expected a value after '<'"),
            ("f:(", 2, "unclosed '('"),
            ("f:()", 2, "empty parentheses"),
            ("status:[500 TO]", 14, "missing upper bound"),
            ("status:[500 TO ]", 15, "missing upper bound"),
            ("status:[TO 5]", 8, "missing lower bound"),
            ("status:[]", 8, "missing lower bound"),
            ("status:[500 600]", 12, "expected 'TO'"),
            ("status:[500 to 600]", 12, "expected 'TO'"),
            ("status:[500]", 11, "expected 'TO'"),
            ("status:[500 TO 600", 7, "unclosed range"),
            ("status:[500 TO", 7, "unclosed range"),
            ("status:[500", 7, "unclosed range"),
            ("status:[500 TO 600 700]", 19, "expected ']' or '}'"),
            ("f:[\"\" TO 1]", 3, "empty range bound"),
            ("/abc", 0, "unclosed regex"),
            ("a /b c", 2, "unclosed regex"),
            ("//", 0, "empty regex"),
            ("/a b/c", 5, "expected a blank or ')' after the regex"),
            ("/a(b/", 2, "invalid regex: unclosed group"),
            ("x /ab[/", 5, "invalid regex: unclosed character class"),
            ("/a\\/(/", 4, "invalid regex: unclosed group"),
            ("/é(/", 2, "invalid regex: unclosed group"),
            (
                r"/\p{Nope}/",
                1,
                "invalid regex: Unicode property not found",
            ),
            (
                "x /(?:a{100}){100}/",
                2,
                "invalid regex: the regex repeats too much (10000 copies",
            ),
            (r"/\w{2000}/", 0, "invalid regex: the regex is too big"),
        ];
        for (q, pos, msg) in table {
            match parse(q) {
                Ok(e) => panic!("query {q:?} parsed as {e:?}, wanted an error"),
                Err(e) => {
                    assert_eq!(e.query, q);
                    assert!(
                        e.message.starts_with(msg),
                        "query {q:?}: message {:?} wanted {msg:?}",
                        e.message
                    );
                    assert_eq!(e.position, pos, "query {q:?}: {}", e.message);
                }
            }
        }
    }

    /// Nesting is limited, with an error at the first token too deep, instead of a stack
    /// overflow; the limit itself parses.
    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = [
            ("NOT ".repeat(2000) + "x", 4 * MAX_DEPTH),
            ("-!".repeat(1500) + "x", MAX_DEPTH),
            ("(".repeat(5000), MAX_DEPTH),
            ("(".repeat(5000) + "x" + &")".repeat(5000), MAX_DEPTH),
            (
                "f:(".repeat(1000) + "x" + &")".repeat(1000),
                2 + 3 * MAX_DEPTH,
            ),
            (
                "(NOT ".repeat(500) + "x" + &")".repeat(500),
                5 * (MAX_DEPTH / 2),
            ),
        ];
        for (q, pos) in deep {
            let e = parse(&q).expect_err("too deep");
            assert!(e.message.contains("nested too deeply"), "{}", e.message);
            assert_eq!(e.position, pos, "{}", &q[..20]);
        }
        let ok = "(".repeat(MAX_DEPTH) + "x" + &")".repeat(MAX_DEPTH);
        assert_eq!(parse(&ok), Ok(t("x")));
        let ok = "NOT ".repeat(MAX_DEPTH) + "x";
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn error_display_draws_a_caret() {
        let e = parse("status:[500 TO]").err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some(
                "invalid query: missing upper bound (use * for an open end) (at column 15)\n  status:[500 TO]\n                ^"
            )
        );
    }

    #[test]
    fn prints_back() {
        for q in [
            "a b OR c",
            "NOT (a OR b) status:[500 TO 599}",
            "status:>=500",
            r#"msg:"a \"b\"" /x\/y/"#,
            "f:(a OR \"b c\")",
            "(a OR b) (c OR d)",
        ] {
            let e = parse(q).unwrap();
            assert_eq!(
                parse(&to_query_string(&e)).unwrap(),
                e,
                "{q} → {}",
                to_query_string(&e)
            );
        }
        assert_eq!(
            to_query_string(&parse("a AND (b OR c)").unwrap()),
            "a (b OR c)"
        );
        assert_eq!(to_query_string(&parse("x:>5").unwrap()), "x:{5 TO *]");
        // Found by fuzzing: a keyword made a term by a glued `!`.
        let e = parse("!!!OR x").unwrap();
        assert_eq!(to_query_string(&e), "NOT NOT -OR x");
        assert_eq!(parse(&to_query_string(&e)), Ok(e));
        // Found by fuzzing: a field group's bare term that does not read back as `field:value`.
        let e = parse("status:(:00 OR 502)").unwrap();
        assert_eq!(to_query_string(&e), "status:(:00) OR status:502");
        assert_eq!(parse(&to_query_string(&e)), Ok(e));
    }

    // -----------------------------------------------------------------------------------------
    // Property tests
    // -----------------------------------------------------------------------------------------

    fn term_value() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9][a-z0-9._*-]{0,6}",
            "[A-Z][a-z]{0,5}",
            Just("and".to_string()),
            Just("13:00".to_string()),
            Just("10.0.0.1".to_string()),
            Just("wp-login.php".to_string()),
            Just("--verbose".to_string()),
            Just("/var/log/syslog".to_string()),
            Just("http://x/y".to_string()),
            Just("fe80::1".to_string()),
            Just("café".to_string()),
        ]
        .prop_filter("not a keyword or *", |v| {
            !matches!(v.as_str(), "AND" | "OR" | "NOT" | "*")
        })
    }

    fn field_value() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9.][a-zA-Z0-9._:/*-]{0,6}",
            Just("*".to_string()),
            Just("13:00".to_string())
        ]
    }

    fn field_name() -> impl Strategy<Value = String> {
        "[a-z_@][a-z0-9_.@-]{0,5}"
    }

    fn text() -> impl Strategy<Value = String> {
        "[ a-zA-Z0-9\"\\\\()*:/é-]{1,8}"
    }

    fn bound() -> impl Strategy<Value = Option<Bound>> {
        proptest::option::of(
            (
                prop_oneof![
                    "[a-z0-9:.-]{1,5}",
                    text(),
                    Just("*".to_string()),
                    Just("TO".to_string())
                ],
                any::<bool>(),
            )
                .prop_map(|(value, inclusive)| Bound { value, inclusive }),
        )
    }

    fn leaf() -> impl Strategy<Value = Expr> {
        prop_oneof![
            term_value().prop_map(|value| Expr::Term { field: None, value }),
            (field_name(), field_value()).prop_map(|(f, value)| Expr::Term {
                field: Some(f),
                value
            }),
            (proptest::option::of(field_name()), text())
                .prop_map(|(field, text)| Expr::Phrase { field, text }),
            (field_name(), bound(), bound()).prop_map(|(field, lo, hi)| Expr::Range {
                field,
                lo,
                hi
            }),
            prop_oneof![
                Just("a/b"),
                Just("fail(ed|ure)"),
                Just(r"\d+ x"),
                Just("(?i)err"),
                Just("[/)]")
            ]
            .prop_map(|p| Expr::Regex {
                pattern: p.to_string()
            }),
        ]
    }

    /// ASTs in the normal form `parse` produces (flattened, `All` only under `Not` or alone).
    fn expr() -> impl Strategy<Value = Expr> {
        let tree = leaf().prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 2..4).prop_map(make_and),
                prop::collection::vec(inner.clone(), 2..4).prop_map(make_or),
                inner.prop_map(|e| Expr::Not(Box::new(e))),
            ]
        });
        prop_oneof![9 => tree, 1 => Just(Expr::All), 1 => Just(Expr::Not(Box::new(Expr::All)))]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn never_panics_and_errors_are_in_bounds(q in "\\PC{0,40}") {
            if let Err(e) = parse(&q) {
                prop_assert!(e.position <= q.chars().count(), "{e:?}");
                prop_assert_eq!(e.query, q);
            }
        }

        #[test]
        fn never_panics_on_query_like_text(q in "[ a-zA-Z0-9:()\\[\\]{}\"\\\\/*!<>=.-]{0,30}|(AND|OR|NOT|TO| |a|:|\\(|\\)|\\[|\\]|\"|/|-|\\*){0,12}") {
            if let Err(e) = parse(&q) {
                prop_assert!(e.position <= q.chars().count(), "{e:?}");
                // The caret line is as long as the position.
                let shown = e.to_string();
                prop_assert!(shown.lines().count() == 3);
            }
        }

        #[test]
        fn printing_and_reparsing_gives_the_same_expr(e in expr()) {
            let q = to_query_string(&e);
            prop_assert_eq!(parse(&q), Ok(e), "printed as {}", q);
        }
    }
}
