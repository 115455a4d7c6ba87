//! Bracketed timestamps: `[2020-11-17 03:35:02.681] nsd[8910]: info: msg` (program tag, then a
//! level word with a colon) and `[2020-08-02T18:09:30,389][INFO ][logstash.x] msg` (a level
//! bracket, then a component bracket taken as the program). Laravel/Monolog's
//! `[2026-07-01 12:00:00] production.ERROR: msg` gives the level and the channel.

use super::stamp::{self, Miss, R};
use super::syslog::split_tag;
use super::{LineContext, kvextract};
use crate::event::{Level, Parsed};

pub fn parse(line: &str, ctx: &mut LineContext) -> R<Parsed> {
    let body = line.strip_prefix('[').ok_or(Miss::Shape)?;
    let (w, used) = stamp::iso(body.as_bytes(), false)?;
    let mut s = body
        .get(used..)
        .and_then(|r| r.strip_prefix(']'))
        .ok_or(Miss::Shape)?;
    let mut p = Parsed {
        ts: stamp::to_us(&w, ctx)?,
        // `[` + stamp + `]`.
        time_span: Some((0, used + 2)),
        ..Parsed::default()
    };
    // `[LEVEL ][component]` groups.
    loop {
        let t = s.trim_start_matches(' ');
        let Some(inner) = t.strip_prefix('[') else {
            break;
        };
        let Some(close) = inner.find(']') else { break };
        let group = &inner[..close];
        if p.level.is_none()
            && group.trim().len() >= 3
            && let Some(l) = Level::parse(group.trim())
        {
            p.level = Some(l);
        } else if p.program.is_none() && !group.contains(' ') && !group.is_empty() {
            p.program = Some(group.to_string());
        } else {
            break;
        }
        s = &inner[close + 1..];
    }
    s = s.trim_start_matches(' ');
    // `prog[pid]:` and/or `level:` words.
    for _ in 0..2 {
        let Some(sp) = s.find(": ").or_else(|| s.strip_suffix(':').map(str::len)) else {
            break;
        };
        let tok = &s[..sp];
        if tok.is_empty() || tok.contains(' ') {
            break;
        }
        if p.level.is_none()
            && tok.len() >= 3
            && let Some(l) = Level::parse(tok)
        {
            p.level = Some(l);
        } else if p.level.is_none()
            && let Some((env, word)) = tok.rsplit_once('.')
            && let Some(l) = Level::parse(word).filter(|_| word.len() >= 3)
        {
            // Laravel/Monolog `[...] production.ERROR: msg`.
            p.level = Some(l);
            p.fields.push(("channel".to_string(), env.to_string()));
        } else if p.program.is_none() {
            let (prog, pid) = split_tag(tok);
            p.program = Some(prog.to_string());
            if let Some(pid) = pid {
                p.fields.push(("pid".to_string(), pid.to_string()));
            }
        } else {
            break;
        }
        s = s.get(sp + 2..).unwrap_or("");
    }
    p.message = s.to_string();
    kvextract::extract(&p.message, &mut p.fields);
    Ok(p)
}
