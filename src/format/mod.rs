//! Log formats: detection per source, and parsing of an event's first line.
//!
//! Contract used by the rest of the engine (keep these signatures):
//! - [`detect`] looks at the first lines of a source and picks the format whose timestamp is
//!   anchored at the line start on most lines (never a number inside a message).
//! - [`Format::parse_line`] classifies one line as the start of an event (with its time, level,
//!   host, program, message and key-values), a continuation of the previous event, or a line that
//!   looks like an event start but whose timestamp cannot be read.
//! - [`LineContext`] carries per-source state across lines: the zone for zone-less times, the
//!   year inference for year-less times, and what the file's name says (`filename`). It is
//!   serialisable so indexing can resume mid-file.

mod access;
mod ansi;
#[cfg(test)]
mod block_tests;
mod bracketed;
mod carry;
mod compose;
mod data;
mod detect;
mod epoch;
mod errorlog;
mod filename;
mod fold;
mod http;
mod iso;
mod json;
mod kvextract;
mod layout;
mod logfmt;
mod loghub;
mod ltsv;
mod mysqlslow;
mod plan;
mod pri;
#[cfg(test)]
mod real_tests;
mod rfc5424;
mod stamp;
mod syslog;
#[cfg(test)]
mod tests;
mod user;
mod w3c;
mod year;
mod zonename;

use crate::event::Parsed;
use crate::time::Zone;
pub use plan::{Planned, plan};
use serde::{Deserialize, Serialize};
use stamp::Miss;

/// A user-defined format from the config file (`[[format]]`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct UserFormat {
    pub name: String,
    /// Regex with named groups: `ts` (required), and optionally `level`, `host`, `program`,
    /// `message`; any other named group becomes a key-value field.
    pub regex: String,
    /// chrono `strftime` format of the `ts` group; when absent, common layouts are tried.
    pub time_format: Option<String>,
}

/// What one line is, for a given format.
#[derive(Debug, Clone, PartialEq)]
pub enum LineKind {
    /// The first line of a new event.
    Start(Parsed),
    /// A line with no timestamp of this format: it continues the previous event.
    Continuation,
    /// The line has this format's shape but its timestamp cannot be read (e.g. month 13).
    /// The caller keeps it as a continuation and reports `reason`.
    BadTimestamp { reason: String },
    /// A line that belongs to no event: a W3C `#Fields:` directive, a MySQL slow log's preamble.
    /// It ends the event before it.
    Header,
    /// A continuation line that adds key-values to the event it continues (a MySQL slow log's
    /// `# Query_time: ...`), its time when that event had none of its own (`SET
    /// timestamp=...;` in a block without `# Time:`), or its message (the block's SQL).
    Detail {
        ts: Option<i64>,
        fields: Vec<(String, String)>,
        message: Option<String>,
    },
}

/// Year inference state for year-less formats, and the source's zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineContext {
    /// Zone name as accepted by [`Zone::parse`] (`local`, `UTC`, `Asia/Tokyo`, `+05:30`).
    pub zone: String,
    /// Modification time of the file, µs since epoch (anchors year-less times).
    pub mtime_us: i64,
    /// Year currently assigned to year-less lines, once the first one was seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Month (1-12) of the last year-less line, to detect a new year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_month: Option<u32>,
    /// What else a line leaves for the next (see `carry`).
    #[serde(default)]
    pub carry: carry::Carry,
    /// The level and facility the file's name gives its syslog lines (`mail.err`, `kern.log`).
    #[serde(default, skip_serializing_if = "filename::Named::is_empty")]
    pub named: filename::Named,
}

/// The built-in parsers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Rfc5424,
    Rfc3339Syslog,
    Rfc3164,
    Access,
    NginxError,
    ApacheError,
    Json,
    Ltsv,
    Kv,
    Logfmt,
    Bracketed,
    Android,
    Hdfs,
    Spark,
    Iso,
    Epoch,
    W3c,
    MysqlSlow,
    /// `docker compose logs` prefixes around another format (`inner`).
    Compose,
    User,
    Text,
}

/// Built-in formats, most specific first: detection ties go to the earlier one.
const BUILTIN: [(Kind, &str); 18] = [
    (Kind::W3c, "w3c"),
    (Kind::MysqlSlow, "mysql-slow"),
    (Kind::Rfc5424, "rfc5424"),
    (Kind::Rfc3339Syslog, "rfc3339-syslog"),
    (Kind::Rfc3164, "rfc3164"),
    (Kind::Access, "access"),
    (Kind::NginxError, "nginx-error"),
    (Kind::ApacheError, "apache-error"),
    (Kind::Json, "json"),
    (Kind::Ltsv, "ltsv"),
    (Kind::Kv, "kv"),
    (Kind::Logfmt, "logfmt"),
    (Kind::Bracketed, "bracketed"),
    (Kind::Android, "android"),
    (Kind::Hdfs, "hdfs"),
    (Kind::Spark, "spark"),
    (Kind::Iso, "iso"),
    (Kind::Epoch, "epoch"),
];

/// Names of the built-in formats (for `format = "..."` validation and help texts).
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    BUILTIN
        .iter()
        .map(|(_, n)| *n)
        .chain(data::rows().iter().map(|r| r.format.name.as_str()))
        .chain(std::iter::once("text"))
}

/// A detected (or configured) format.
#[derive(Debug, Clone)]
pub struct Format {
    name: String,
    kind: Kind,
    /// The compiled regex of a user format.
    user: Option<user::Compiled>,
    /// The formats of the text after `docker compose` prefixes.
    compose: Option<Box<compose::Inner>>,
}

impl Format {
    /// The short name shown in the sources list and accepted in `format = "..."` overrides
    /// (e.g. `rfc3164`, `rfc3339-syslog`, `rfc5424`, `access`, `nginx-error`, `apache-error`,
    /// `json`, `logfmt`, `bracketed`, `iso`, `epoch`, `kv`, `text`, or a user format's name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Looks up a built-in format, or a user format, by name. `compose:NAME` is NAME behind
    /// `docker compose` prefixes.
    pub fn by_name(name: &str, user: &[UserFormat]) -> Option<Format> {
        if let Some(u) = user.iter().find(|u| u.name == name) {
            return Format::user(u);
        }
        if let Some(rest) = name.strip_prefix(compose::PREFIX) {
            return compose::Inner::parse(rest, user).map(Format::compose);
        }
        if name == "text" {
            return Some(Format::plain_text());
        }
        if let Some(f) = data::formats().iter().find(|f| f.name == name) {
            return Some(f.clone());
        }
        BUILTIN
            .iter()
            .find(|(_, n)| *n == name)
            .map(|&(kind, n)| Format::builtin(kind, n))
    }

    fn builtin(kind: Kind, name: &str) -> Format {
        Format {
            name: name.to_string(),
            kind,
            user: None,
            compose: None,
        }
    }

    /// Formats behind `docker compose` prefixes, named `compose:DEFAULT[,SERVICE=FORMAT]...`.
    fn compose(inner: compose::Inner) -> Format {
        Format {
            name: inner.name(),
            kind: Kind::Compose,
            user: None,
            compose: Some(Box::new(inner)),
        }
    }

    /// A user format; `None` when its regex does not compile or lacks a `ts` group.
    fn user(u: &UserFormat) -> Option<Format> {
        let compiled = user::Compiled::new(u)?;
        Some(Format {
            name: u.name.clone(),
            kind: Kind::User,
            user: Some(compiled),
            compose: None,
        })
    }

    /// The fallback for sources with no recognised timestamps: every line is an event start
    /// with no time (`ts` is set by the caller).
    pub fn plain_text() -> Format {
        Format::builtin(Kind::Text, "text")
    }

    /// True when the format has no timestamps at all (see [`Format::plain_text`]).
    pub fn is_plain_text(&self) -> bool {
        self.kind == Kind::Text
    }

    /// Classifies one line (without its line terminator).
    /// The returned [`Parsed::time_span`] indexes `line` as given (before the `\r`/BOM strip).
    pub fn parse_line(&self, line: &str, ctx: &mut LineContext) -> LineKind {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let (line, bom) = match line.strip_prefix('\u{feff}') {
            Some(l) => (l, '\u{feff}'.len_utf8()),
            None => (line, 0),
        };
        if self.kind == Kind::Text {
            return LineKind::Start(Parsed {
                message: line.to_string(),
                ..Parsed::default()
            });
        }
        if memchr::memchr(0x1b, line.as_bytes()).is_some() {
            return self.parse_coloured(line, bom, ctx);
        }
        let mut kind = self.classify(line, ctx);
        if let LineKind::Start(p) = &mut kind {
            p.time_span = p
                .time_span
                .filter(|&(a, b)| a < b && line.get(a..b).is_some())
                .map(|(a, b)| (a + bom, b + bom));
        }
        kind
    }

    /// A line with ANSI colour codes (`ESC[...m`): parsed without them; the time span is
    /// mapped back onto the line as written.
    fn parse_coloured(&self, line: &str, bom: usize, ctx: &mut LineContext) -> LineKind {
        let (plain, map) = ansi::strip(line);
        let mut kind = self.classify(&plain, ctx);
        if let LineKind::Start(p) = &mut kind {
            p.time_span = p
                .time_span
                .filter(|&(a, b)| a < b && b <= map.len())
                .map(|(a, b)| (map[a] + bom, map[b - 1] + 1 + bom))
                .filter(|&(a, b)| line.get(a - bom..b - bom).is_some());
        }
        kind
    }

    /// What `line` (without colour codes or BOM) is. The formats whose lines depend on the lines
    /// before them (a header naming the columns, a block's first line) classify it themselves.
    fn classify(&self, line: &str, ctx: &mut LineContext) -> LineKind {
        let mut kind = match (self.kind, &self.compose) {
            (Kind::W3c, _) => w3c::classify(line, ctx),
            (Kind::MysqlSlow, _) => mysqlslow::classify(line, ctx),
            (Kind::Compose, Some(inner)) => compose::classify(inner, line, ctx),
            _ if is_continuation(line) => LineKind::Continuation,
            _ => match self.parse_raw(line, ctx) {
                Ok(p) => LineKind::Start(p),
                Err(Miss::Shape) => LineKind::Continuation,
                Err(Miss::Bad(reason)) => LineKind::BadTimestamp { reason },
            },
        };
        kind = in_range(kind);
        if let LineKind::Start(p) = &mut kind {
            ctx.carry.last_us = Some(p.ts);
            if self.is_syslog() {
                ctx.named.fill(p);
            }
        }
        kind
    }

    /// The formats rsyslog writes into the files it names by selector (see `filename`).
    fn is_syslog(&self) -> bool {
        matches!(
            self.kind,
            Kind::Rfc3164 | Kind::Rfc3339Syslog | Kind::Rfc5424
        )
    }

    /// Every parser checks its shape by hand on bytes before allocating anything (a regex
    /// per line would cost more than the whole parse); only user formats use a regex.
    fn parse_raw(&self, line: &str, ctx: &mut LineContext) -> stamp::R<Parsed> {
        match self.kind {
            Kind::Rfc5424 => rfc5424::parse(line, ctx),
            Kind::Rfc3339Syslog => syslog::parse_3339(line, ctx),
            Kind::Rfc3164 => syslog::parse_3164(line, ctx),
            Kind::Access => access::parse(line, ctx),
            Kind::NginxError => errorlog::parse_nginx(line, ctx),
            Kind::ApacheError => errorlog::parse_apache(line, ctx),
            Kind::Json => json::parse(line, ctx),
            Kind::Ltsv => ltsv::parse(line, ctx),
            Kind::Kv => logfmt::parse_kv(line, ctx),
            Kind::Logfmt => logfmt::parse(line, ctx),
            Kind::Bracketed => bracketed::parse(line, ctx),
            Kind::Android => loghub::parse_android(line, ctx),
            Kind::Hdfs => loghub::parse_hdfs(line, ctx),
            Kind::Spark => loghub::parse_spark(line, ctx),
            Kind::Iso => iso::parse(line, ctx),
            Kind::Epoch => epoch::parse(line, ctx),
            Kind::W3c | Kind::MysqlSlow | Kind::Compose => Err(Miss::Shape),
            Kind::User => match &self.user {
                Some(u) => u.parse(line, ctx),
                None => Err(Miss::Shape),
            },
            Kind::Text => Err(Miss::Shape),
        }
    }
}

/// The instants an event can have: the index keeps times as nanoseconds in an `i64`
/// (1677-09-21 to 2262-04-11).
const TS_RANGE: std::ops::RangeInclusive<i64> = (i64::MIN / 1000)..=(i64::MAX / 1000);

/// `kind`, with a time the index cannot hold (digits slipped into an epoch, a year 9999) taken
/// for an unreadable one.
fn in_range(kind: LineKind) -> LineKind {
    match kind {
        LineKind::Start(p) if !TS_RANGE.contains(&p.ts) => LineKind::BadTimestamp {
            reason: format!(
                "time {} µs after 1970 is outside the years 1677 to 2262 an event can have",
                p.ts
            ),
        },
        LineKind::Detail {
            ts,
            fields,
            message,
        } => LineKind::Detail {
            ts: ts.filter(|t| TS_RANGE.contains(t)),
            fields,
            message,
        },
        k => k,
    }
}

/// Lines that continue a multi-line record whatever the format: indented lines (Python
/// `  File ...`, Java `\tat ...`) and the exception chain headers.
pub fn is_continuation(line: &str) -> bool {
    match line.as_bytes().first() {
        Some(b' ' | b'\t') => true,
        Some(b'T') => line.starts_with("Traceback (most recent call last)"),
        Some(b'C') => line.starts_with("Caused by: "),
        Some(b'D') => line.starts_with("During handling of the above exception"),
        Some(b'.') => line.starts_with("... ") && line.ends_with(" more"),
        _ => false,
    }
}

/// Picks the format of a source from its first lines (up to ~200). User formats are tried
/// first, then the hand-written ones, then the data formats. `None` when no format fits (the
/// caller uses [`Format::plain_text`]).
pub fn detect(lines: &[&str], user: &[UserFormat]) -> Option<Format> {
    detect::detect(lines, user)
}

pub use data::describe as describe_data_format;
pub use detect::{Detection, Score, explain as detect_explained};

impl LineContext {
    pub fn new(zone: &Zone, mtime_us: i64) -> LineContext {
        LineContext {
            zone: zone.name(),
            mtime_us,
            year: None,
            last_month: None,
            carry: carry::Carry::default(),
            named: filename::Named::default(),
        }
    }

    /// Tells the formats whose records depend on a header before them (W3C) where the next
    /// line starts in its file, so that an event read back from there finds its header.
    pub fn at(&mut self, offset: u64) {
        self.carry.offset = offset;
    }

    /// This context for the file at `path`, whose name may give its syslog lines a level
    /// and a facility (`mail.err`, `kern.log`).
    pub fn named(mut self, path: &std::path::Path) -> LineContext {
        self.named = filename::Named::of(path);
        self
    }

    /// A fresh context for reading the event at `offset` of this source again: its zone,
    /// mtime and name, the W3C header that event was read under (`w3c::read_back`), and the
    /// formats its compose services were given.
    pub fn reader(&self, offset: u64) -> LineContext {
        let mut ctx = LineContext::new(&stamp::zone_of(self), self.mtime_us);
        w3c::read_back(&self.carry, offset, &mut ctx.carry);
        ctx.carry.services = self.carry.services.clone();
        ctx.named = self.named.clone();
        ctx
    }
}

/// The note for a file read as plain text because no format read its times.
pub fn untimed_note(path: &std::path::Path, events: u64) -> String {
    let p = path.display();
    format!(
        "{p}: no timestamps recognised: its {events} events are dated by the file's \
         modification time (`timberline explain {p}` shows why; a `[[format]]` can read it)"
    )
}

/// The notes a source earned while its lines were read since the last call (an ambiguous zone
/// abbreviation...), each said once per source. The caller prefixes the file name.
pub fn take_notes(ctx: &mut LineContext) -> Vec<String> {
    std::mem::take(&mut ctx.carry.fresh)
}
