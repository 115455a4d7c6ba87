//! Before a file whose stamps lack the year (or the date) is read from its start, its wraps
//! are counted in one quick pass that reads only the stamps, so that the first line gets the
//! year (day) that brings the last line up to the file's modification time (see `year`).

use super::pri::Pri;
use super::year::{Planner, Stamp};
use super::{Format, Kind, LineContext, is_continuation, stamp};
use crate::source::lines::LineReader;
use std::io::BufRead;

impl Format {
    /// True when this format's stamps may lack their year or date, so that a file read from
    /// its start is worth planning.
    pub fn needs_plan(&self) -> bool {
        match &self.compose {
            Some(c) => c.default.needs_plan() || c.services.iter().any(|(_, f)| f.needs_plan()),
            None => matches!(self.kind, Kind::Rfc3164 | Kind::Android | Kind::User),
        }
    }

    /// The partial stamp of a line, read without the rest of the line (no allocation for the
    /// built-in formats); `None` for lines with a full date or no stamp.
    fn partial_stamp(&self, line: &str) -> Option<Stamp> {
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        if is_continuation(line) {
            return None;
        }
        let b = line.as_bytes();
        match self.kind {
            // After the PRI a line may start with (`<34>Oct 11 22:14:15 ...`).
            Kind::Rfc3164 => match stamp::bsd(Pri::skip(b)) {
                Ok((w, _)) if w.y == 0 => stamp::yearless_stamp(&w).ok(),
                _ => None,
            },
            Kind::Android => {
                if b.get(2) != Some(&b'-') || b.get(5) != Some(&b' ') {
                    return None;
                }
                let mut w = stamp::Wall {
                    mo: stamp::digits(b, 0, 2)?,
                    d: stamp::digits(b, 3, 2)?,
                    ..stamp::Wall::default()
                };
                stamp::hms(b, 6, &mut w)?;
                stamp::yearless_stamp(&w).ok()
            }
            Kind::User => self.user.as_ref()?.partial_stamp(line),
            // Behind a compose prefix (uncoloured: a coloured line is not planned), by the
            // format detection gave the service.
            Kind::Compose => {
                let (service, at) = super::compose::prefix(line)?;
                self.compose
                    .as_ref()?
                    .format_for(service)
                    .partial_stamp(&line[at..])
            }
            _ => None,
        }
    }
}

/// What a plan found, for `timberline explain`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Planned {
    /// True for time-only stamps (the period is a day), false for year-less ones.
    pub days: bool,
    /// The first line's year, or its day as days since 1970-01-01.
    pub first: i32,
    /// Backward jumps counted, each a new year (day).
    pub wraps: i32,
}

/// Plans `ctx` (fresh, for a file read from its start) over the lines of `reader`. Read
/// errors end the plan early: the lines seen so far plan the file.
pub fn plan(format: &Format, ctx: &mut LineContext, reader: impl BufRead) -> Option<Planned> {
    if !format.needs_plan() {
        return None;
    }
    let mut planner = Planner::default();
    let mut lines = LineReader::new(reader, 0);
    while let Ok(Some(line)) = lines.next_line() {
        let text = String::from_utf8_lossy(line.bytes);
        let text = text.strip_suffix('\r').unwrap_or(&text);
        if let Some(s) = format.partial_stamp(text) {
            planner.see(s);
        }
    }
    let (period, first, wraps) = planner.finish(ctx)?;
    Some(Planned {
        days: period == super::year::Period::Day,
        first,
        wraps,
    })
}
