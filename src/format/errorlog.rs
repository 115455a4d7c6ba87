//! nginx error log (`2026/11/21 21:09:58 [notice] 31987#31987: *19 msg, client: ...`) and
//! Apache error log (`[Sun Dec 04 04:47:44 2005] [error] msg`, 2.4's
//! `[Wed Oct 11 14:32:52.123456 2017] [core:error] [pid 123:tid 456] [client 1.2.3.4:5] msg`).
//! Times are zone-less; the level comes from the bracket.

use super::stamp::{self, Miss, R};
use super::{LineContext, kvextract};
use crate::event::{Level, Parsed};

pub fn parse_nginx(line: &str, ctx: &mut LineContext) -> R<Parsed> {
    let b = line.as_bytes();
    let (w, used) = stamp::iso(b, true)?;
    let rest = line
        .get(used..)
        .and_then(|r| r.strip_prefix(" ["))
        .ok_or(Miss::Shape)?;
    let close = rest.find("] ").ok_or(Miss::Shape)?;
    let level_word = &rest[..close];
    let level = Level::parse(level_word).ok_or(Miss::Shape)?;
    let rest = &rest[close + 2..];
    let mut p = Parsed {
        ts: stamp::to_us(&w, ctx)?,
        level: Some(level),
        time_span: Some((0, used)),
        ..Parsed::default()
    };
    let mut msg = rest;
    if let Some((ids, after)) = rest.split_once(": ")
        && let Some((pid, tid)) = ids.split_once('#')
        && pid.bytes().all(|c| c.is_ascii_digit())
    {
        p.fields.push(("pid".to_string(), pid.to_string()));
        p.fields.push(("tid".to_string(), tid.to_string()));
        msg = after;
    }
    if let Some(r) = msg.strip_prefix('*')
        && let Some((cid, after)) = r.split_once(' ')
        && cid.bytes().all(|c| c.is_ascii_digit())
    {
        p.fields.push(("connection".to_string(), cid.to_string()));
        msg = after;
    }
    nginx_context(msg, &mut p.fields);
    p.message = msg.to_string();
    kvextract::extract(&p.message, &mut p.fields);
    Ok(p)
}

/// nginx appends `, client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", host: "h"`.
fn nginx_context(msg: &str, out: &mut Vec<(String, String)>) {
    let Some(start) = msg.find(", client: ") else {
        return;
    };
    for part in msg[start + 2..].split(", ") {
        if let Some((k, v)) = part.split_once(": ")
            && !k.is_empty()
            && k.bytes().all(|c| c.is_ascii_lowercase() || c == b'_')
        {
            out.push((k.to_string(), v.trim_matches('"').to_string()));
        }
    }
}

pub fn parse_apache(line: &str, ctx: &mut LineContext) -> R<Parsed> {
    let body = line.strip_prefix('[').ok_or(Miss::Shape)?;
    let (w, used) = stamp::ctime(body.as_bytes())?;
    let mut rest = body
        .get(used..)
        .and_then(|r| r.strip_prefix("] "))
        .ok_or(Miss::Shape)?;
    let mut p = Parsed {
        ts: stamp::to_us(&w, ctx)?,
        // `[` + stamp + `]`.
        time_span: Some((0, used + 2)),
        ..Parsed::default()
    };
    // Leading `[...]` groups: the level (`[error]`, `[core:error]`), `[pid N:tid M]`, `[client X]`.
    while let Some(inner) = rest.strip_prefix('[') {
        let Some(close) = inner.find(']') else { break };
        let group = &inner[..close];
        let after = inner[close + 1..]
            .strip_prefix(' ')
            .unwrap_or(&inner[close + 1..]);
        if p.level.is_none() {
            let (module, word) = match group.rsplit_once(':') {
                Some((m, l)) => (Some(m), l),
                None => (None, group),
            };
            let Some(level) = Level::parse(word) else {
                break;
            };
            p.level = Some(level);
            if let Some(m) = module {
                p.fields.push(("module".to_string(), m.to_string()));
            }
        } else if let Some(ids) = group.strip_prefix("pid ") {
            match ids.split_once(":tid ") {
                Some((pid, tid)) => {
                    p.fields.push(("pid".to_string(), pid.to_string()));
                    p.fields.push(("tid".to_string(), tid.to_string()));
                }
                None => p.fields.push(("pid".to_string(), ids.to_string())),
            }
        } else if let Some(c) = group.strip_prefix("client ") {
            p.fields.push(("client".to_string(), c.to_string()));
        } else {
            break;
        }
        rest = after;
    }
    if p.level.is_none() {
        return Err(Miss::Shape);
    }
    p.message = rest.to_string();
    kvextract::extract(&p.message, &mut p.fields);
    Ok(p)
}
