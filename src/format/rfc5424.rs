//! RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD...] MSG`. The PRI gives the level and
//! the `facility` field (`pri`); structured-data params become fields (named by their param
//! name).

use super::pri::Pri;
use super::stamp::{self, Miss, R};
use super::{LineContext, kvextract};
use crate::event::Parsed;

/// Splits off one space-separated header field.
fn field(s: &str) -> R<(&str, &str)> {
    let i = s.find(' ').ok_or(Miss::Shape)?;
    Ok((&s[..i], &s[i + 1..]))
}

pub fn parse(line: &str, ctx: &mut LineContext) -> R<Parsed> {
    let b = line.as_bytes();
    let (pri, used) = Pri::read(b).ok_or(Miss::Shape)?;
    if b.get(used) != Some(&b'1') || b.get(used + 1) != Some(&b' ') {
        return Err(Miss::Shape);
    }
    let header = used + 2;
    let rest = &line[header..];
    let (ts, rest) = field(rest)?;
    let mut p = Parsed::default();
    if ts == "-" {
        return Err(Miss::Bad("RFC 5424 line without a timestamp".to_string()));
    }
    let (w, used) = stamp::iso(ts.as_bytes(), false)?;
    if used != ts.len() {
        return Err(Miss::Shape);
    }
    p.ts = stamp::to_us(&w, ctx)?;
    // `<PRI>1 TIMESTAMP`: the header up to the end of the stamp.
    p.time_span = Some((0, header + used));
    pri.apply(&mut p);
    let (host, rest) = field(rest)?;
    let (app, rest) = field(rest)?;
    let (procid, rest) = field(rest)?;
    let (msgid, rest) = match field(rest) {
        Ok(x) => x,
        Err(_) => (rest, ""),
    };
    if host != "-" {
        p.host = Some(host.to_string());
    }
    if app != "-" {
        p.program = Some(app.to_string());
    }
    if procid != "-" {
        p.fields.push(("pid".to_string(), procid.to_string()));
    }
    if msgid != "-" {
        p.fields.push(("msgid".to_string(), msgid.to_string()));
    }
    let msg = if let Some(r) = rest.strip_prefix('-') {
        r
    } else if rest.starts_with('[') {
        structured_data(rest, &mut p.fields)
    } else {
        rest
    };
    let msg = msg.trim_start_matches(' ');
    p.message = msg.strip_prefix('\u{feff}').unwrap_or(msg).to_string();
    kvextract::extract(&p.message, &mut p.fields);
    Ok(p)
}

/// Reads `[id k="v" ...][id2 ...]`, pushing params; returns what follows.
fn structured_data<'a>(mut s: &'a str, out: &mut Vec<(String, String)>) -> &'a str {
    while let Some(body) = s.strip_prefix('[') {
        let b = body.as_bytes();
        // Skip the SD-ID.
        let mut i = b
            .iter()
            .position(|&c| c == b' ' || c == b']')
            .unwrap_or(b.len());
        loop {
            while b.get(i) == Some(&b' ') {
                i += 1;
            }
            match b.get(i) {
                Some(b']') => {
                    i += 1;
                    break;
                }
                None => return "",
                _ => {}
            }
            let Some(eq) = b[i..].iter().position(|&c| c == b'=').map(|e| e + i) else {
                return "";
            };
            let name = body.get(i..eq).unwrap_or("").to_string();
            if b.get(eq + 1) != Some(&b'"') {
                return &body[i..];
            }
            let Some((val, next)) = kvextract::quoted(b, eq + 1, b'"') else {
                return "";
            };
            out.push((name, val));
            i = next;
        }
        s = body.get(i..).unwrap_or("");
    }
    s
}
