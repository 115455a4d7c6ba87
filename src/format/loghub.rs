//! Cheap extra layouts seen in the loghub corpora: Spark (`17/06/09 20:10:40 INFO comp: msg`),
//! HDFS (`081109 203615 148 INFO comp: msg`) and Android logcat
//! (`03-17 16:13:38.811  1702  2395 D Tag: msg`, year-less).

use super::stamp::{self, Miss, R, Wall, digits};
use super::{LineContext, kvextract};
use crate::event::{Level, Parsed};

/// `LEVEL component: msg` after the time.
fn level_comp_msg(s: &str, p: &mut Parsed) -> R<()> {
    let (word, rest) = s.split_once(' ').ok_or(Miss::Shape)?;
    p.level = Some(Level::parse(word).ok_or(Miss::Shape)?);
    let rest = rest.trim_start_matches(' ');
    match rest.split_once(": ") {
        Some((comp, msg)) if !comp.is_empty() && !comp.contains(' ') => {
            p.program = Some(comp.to_string());
            p.message = msg.to_string();
        }
        _ => p.message = rest.to_string(),
    }
    kvextract::extract(&p.message, &mut p.fields);
    Ok(())
}

pub fn parse_spark(line: &str, ctx: &mut LineContext) -> R<Parsed> {
    let b = line.as_bytes();
    let mut w = Wall {
        y: digits(b, 0, 2).ok_or(Miss::Shape)? as i32 + 2000,
        ..Wall::default()
    };
    if b.get(2) != Some(&b'/') || b.get(5) != Some(&b'/') || b.get(8) != Some(&b' ') {
        return Err(Miss::Shape);
    }
    w.mo = digits(b, 3, 2).ok_or(Miss::Shape)?;
    w.d = digits(b, 6, 2).ok_or(Miss::Shape)?;
    let used = stamp::hms(b, 9, &mut w).ok_or(Miss::Shape)?;
    let rest = line
        .get(9 + used..)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or(Miss::Shape)?;
    let mut p = Parsed {
        time_span: Some((0, 9 + used)),
        ..Parsed::default()
    };
    level_comp_msg(rest, &mut p)?;
    p.ts = stamp::to_us(&w, ctx)?;
    Ok(p)
}

pub fn parse_hdfs(line: &str, ctx: &mut LineContext) -> R<Parsed> {
    let b = line.as_bytes();
    if b.get(6) != Some(&b' ') || b.get(13) != Some(&b' ') {
        return Err(Miss::Shape);
    }
    let w = Wall {
        y: digits(b, 0, 2).ok_or(Miss::Shape)? as i32 + 2000,
        mo: digits(b, 2, 2).ok_or(Miss::Shape)?,
        d: digits(b, 4, 2).ok_or(Miss::Shape)?,
        h: digits(b, 7, 2).ok_or(Miss::Shape)?,
        mi: digits(b, 9, 2).ok_or(Miss::Shape)?,
        s: digits(b, 11, 2).ok_or(Miss::Shape)?,
        ..Wall::default()
    };
    let rest = &line[14..];
    let (pid, rest) = rest.split_once(' ').ok_or(Miss::Shape)?;
    if pid.is_empty() || !pid.bytes().all(|c| c.is_ascii_digit()) {
        return Err(Miss::Shape);
    }
    let mut p = Parsed {
        time_span: Some((0, 13)),
        ..Parsed::default()
    };
    level_comp_msg(rest, &mut p)?;
    p.fields.insert(0, ("pid".to_string(), pid.to_string()));
    p.ts = stamp::to_us(&w, ctx)?;
    Ok(p)
}

pub fn parse_android(line: &str, ctx: &mut LineContext) -> R<Parsed> {
    let b = line.as_bytes();
    if b.get(2) != Some(&b'-') || b.get(5) != Some(&b' ') {
        return Err(Miss::Shape);
    }
    let mut w = Wall {
        mo: digits(b, 0, 2).ok_or(Miss::Shape)?,
        d: digits(b, 3, 2).ok_or(Miss::Shape)?,
        ..Wall::default()
    };
    let used = stamp::hms(b, 6, &mut w).ok_or(Miss::Shape)?;
    let mut it = line
        .get(6 + used..)
        .ok_or(Miss::Shape)?
        .trim_start_matches(' ');
    let mut ids = [""; 2];
    for id in &mut ids {
        let (tok, r) = it.split_once(' ').ok_or(Miss::Shape)?;
        if tok.is_empty() || !tok.bytes().all(|c| c.is_ascii_digit()) {
            return Err(Miss::Shape);
        }
        *id = tok;
        it = r.trim_start_matches(' ');
    }
    let (letter, rest) = it.split_once(' ').ok_or(Miss::Shape)?;
    if letter.len() != 1 {
        return Err(Miss::Shape);
    }
    let level = Level::parse(letter).ok_or(Miss::Shape)?;
    let mut p = Parsed {
        level: Some(level),
        time_span: Some((0, 6 + used)),
        ..Parsed::default()
    };
    p.fields.push(("pid".to_string(), ids[0].to_string()));
    p.fields.push(("tid".to_string(), ids[1].to_string()));
    match rest.split_once(": ") {
        Some((tag, msg)) => {
            p.program = Some(tag.trim().to_string());
            p.message = msg.to_string();
        }
        None => p.message = rest.to_string(),
    }
    kvextract::extract(&p.message, &mut p.fields);
    p.ts = stamp::yearless_to_us(&w, ctx)?;
    Ok(p)
}
