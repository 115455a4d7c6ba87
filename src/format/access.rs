//! Apache/nginx common and combined access logs:
//! `client ident user [21/Nov/2026:21:09:59 -0500] "GET / HTTP/1.1" 200 32 "referer" "agent"`.
//! No level field: the status gives the level (`http`). Malformed request lines (`"GARBAGE"`,
//! `"\x16\x03..."`, `"-"`) still parse.

use super::stamp::{self, Miss, R};
use super::{LineContext, http};
use crate::event::Parsed;

fn token(s: &str) -> Option<(&str, &str)> {
    let i = s.find(' ')?;
    Some((&s[..i], &s[i + 1..]))
}

/// A `"..."` string at the start of `s` (backslash escapes kept as written): (inner, rest).
fn quoted(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    if b.first() != Some(&b'"') {
        return None;
    }
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some((&s[1..i], &s[i + 1..])),
            _ => i += 1,
        }
    }
    None
}

pub fn parse(line: &str, ctx: &mut LineContext) -> R<Parsed> {
    let (client, rest) = token(line).ok_or(Miss::Shape)?;
    let (_ident, rest) = token(rest).ok_or(Miss::Shape)?;
    // The user may be absent as `-`; the bracket follows it.
    let open = rest.find(" [").ok_or(Miss::Shape)?;
    let user = &rest[..open];
    if client.is_empty() || user.len() > 256 || user.contains('"') {
        return Err(Miss::Shape);
    }
    let rest = &rest[open + 2..];
    // `rest` is a suffix of `line`: the stamp starts here, after the `[`.
    let at = line.len() - rest.len();
    let (w, used) = stamp::clf(rest.as_bytes())?;
    let rest = rest
        .get(used..)
        .and_then(|r| r.strip_prefix("] "))
        .ok_or(Miss::Shape)?;
    let (request, rest) = quoted(rest).ok_or(Miss::Shape)?;
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    let (status, rest) = match token(rest) {
        Some(x) => x,
        None => (rest, ""),
    };
    if !(status == "-" || (status.len() == 3 && status.bytes().all(|c| c.is_ascii_digit()))) {
        return Err(Miss::Shape);
    }
    let mut p = Parsed {
        ts: stamp::to_us(&w, ctx)?,
        level: http::level(status),
        // With its brackets.
        time_span: Some((at - 1, at + used + 1)),
        ..Parsed::default()
    };
    let f = &mut p.fields;
    let mut push = |k: &str, v: &str| f.push((k.to_string(), v.to_string()));
    push("client", client);
    if user != "-" {
        push("user", user);
    }
    if let Some((method, tail)) = request.split_once(' ')
        && !method.is_empty()
        && method.bytes().all(|c| c.is_ascii_uppercase())
    {
        push("method", method);
        match tail.rsplit_once(' ') {
            Some((path, proto)) if proto.starts_with("HTTP/") => {
                push("path", path);
                push("protocol", proto);
            }
            _ => push("path", tail),
        }
    }
    push("status", status);
    let (bytes, rest) = match token(rest) {
        Some(x) => x,
        None => (rest, ""),
    };
    if !bytes.is_empty() {
        push("bytes", bytes);
    }
    if let Some((referer, rest)) = quoted(rest) {
        push("referer", referer);
        if let Some((agent, _)) = quoted(rest.strip_prefix(' ').unwrap_or(rest)) {
            push("agent", agent);
        }
    }
    p.message = format!("{request} {status}");
    Ok(p)
}
