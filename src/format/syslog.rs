//! RFC 3164 (`Nov 15 03:34:01 host prog[pid]: msg`, year-less, zone-less; also with a year,
//! `Nov 15 2026 03:34:01 host prog: msg`, as some Cisco/BSD senders write it) and RFC 3339 syslog
//! (`2026-11-22T07:37:26.278125+05:30 host prog[pid]: msg`). Neither has a level field, but
//! VMware writes a level where the host would be (`... info vpxd[1234] ...`). Either may start
//! with the PRI it was sent with (`<34>Oct 11 22:14:15 mymachine su: ...`, rsyslog's
//! `RSYSLOG_TraditionalForwardFormat` and `RSYSLOG_ForwardFormat`): then its severity is the
//! level and its facility a field (`pri`).

use super::pri::Pri;
use super::stamp::{self, Miss, R};
use super::{LineContext, kvextract};
use crate::event::{Level, Parsed};

/// A syslog tag split: (program, pid).
pub fn split_tag(tag: &str) -> (&str, Option<&str>) {
    if let Some(open) = tag.rfind('[')
        && tag.ends_with(']')
        && open > 0
    {
        return (&tag[..open], Some(&tag[open + 1..tag.len() - 1]));
    }
    (tag, None)
}

/// A level where the host would be: VMware's `info vpxd[1234] ...` (vCenter) and ESXi's
/// `In(166) Hostd[2100123]: ...` (the level and its syslog priority).
fn level_as_host(word: &str) -> Option<Level> {
    if let Some((abbr, pri)) = word.split_once('(')
        && pri
            .strip_suffix(')')
            .is_some_and(|d| d.parse::<u32>().is_ok())
    {
        return Some(match abbr {
            "Db" => Level::Debug,
            "In" => Level::Info,
            "No" => Level::Notice,
            "Wa" => Level::Warn,
            "Er" => Level::Error,
            "Cr" => Level::Crit,
            "Al" => Level::Alert,
            "Em" => Level::Emerg,
            _ => return None,
        });
    }
    match word {
        "verbose" | "trivia" => Some(Level::Trace),
        "debug" | "info" | "notice" | "warning" | "warn" | "error" | "crit" | "critical"
        | "alert" | "emerg" | "fatal" => Level::parse(word),
        _ => None,
    }
}

/// `host prog[pid]: msg` after the timestamp. The program is optional (`host message...`).
pub fn host_tag_msg(rest: &str, p: &mut Parsed) {
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    let (host, after) = match rest.find(' ') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    if let Some(level) = level_as_host(host) {
        p.level = Some(level);
        return tag_msg(after, p);
    }
    if host.len() > 1 && host.ends_with(':') {
        // No host: `Nov 22 07:39:58 kernel: msg` (host names never end with `:`).
        return tag_msg(rest, p);
    }
    if !host.is_empty() {
        p.host = Some(host.to_string());
    }
    tag_msg(after, p);
}

/// `prog[pid]: msg` (the tag is optional).
fn tag_msg(after: &str, p: &mut Parsed) {
    let (tok, msg) = match after.find(' ') {
        Some(i) => (&after[..i], &after[i + 1..]),
        None => (after, ""),
    };
    let tag = if let Some(t) = tok.strip_suffix(':') {
        Some(t)
    } else if tok.ends_with(']') {
        // `prog[pid]` without the colon (rsyslog renders RFC 5424 tags this way).
        let (prog, pid) = split_tag(tok);
        (!prog.is_empty()
            && pid.is_some_and(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit())))
        .then_some(tok)
    } else {
        None
    };
    match tag {
        Some(t) if !t.is_empty() => {
            let (prog, pid) = split_tag(t);
            p.program = Some(prog.to_string());
            if let Some(pid) = pid {
                p.fields.push(("pid".to_string(), pid.to_string()));
            }
            p.message = msg.to_string();
        }
        _ => p.message = after.to_string(),
    }
    kvextract::extract(&p.message, &mut p.fields);
}

/// The PRI at the start of `line`, if any, and the line after it.
fn split_pri(line: &str) -> (Option<Pri>, &str) {
    match Pri::read(line.as_bytes()) {
        Some((pri, used)) => (Some(pri), &line[used..]),
        None => (None, line),
    }
}

/// Reads the host, tag and message after the stamp (`rest`) into `p`, then the PRI the line
/// started with (a level word of the line's own, VMware's, wins over its severity).
fn finish(mut p: Parsed, pri: Option<Pri>, rest: &str) -> Parsed {
    host_tag_msg(rest, &mut p);
    if let Some(pri) = pri {
        pri.apply(&mut p);
    }
    p
}

pub fn parse_3164(line: &str, ctx: &mut LineContext) -> R<Parsed> {
    let (pri, after) = split_pri(line);
    let at = line.len() - after.len();
    let (w, used) = stamp::bsd(after.as_bytes())?;
    if after.as_bytes().get(used) != Some(&b' ') {
        return Err(Miss::Shape);
    }
    let p = Parsed {
        ts: stamp::maybe_yearless_to_us(&w, ctx)?,
        // With the PRI, as RFC 5424's: it is no word to search for.
        time_span: Some((0, at + used)),
        ..Parsed::default()
    };
    Ok(finish(p, pri, &after[used..]))
}

pub fn parse_3339(line: &str, ctx: &mut LineContext) -> R<Parsed> {
    let (pri, after) = split_pri(line);
    let at = line.len() - after.len();
    let b = after.as_bytes();
    if b.get(10) != Some(&b'T') && b.get(10) != Some(&b't') {
        return Err(Miss::Shape);
    }
    let (w, used) = stamp::iso(b, false)?;
    if b.get(used) != Some(&b' ') {
        return Err(Miss::Shape);
    }
    let p = Parsed {
        ts: stamp::to_us(&w, ctx)?,
        time_span: Some((0, at + used)),
        ..Parsed::default()
    };
    Ok(finish(p, pri, &after[used..]))
}
