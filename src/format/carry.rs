//! What one line leaves for the next, beyond the year: the last event's instant (DST folds,
//! records that take the previous record's time), the W3C headers, where a MySQL
//! slow-log block stands, the last `docker compose` service and each service's format, and the notes a source earned
//! while its lines were read.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Carry {
    /// µs UTC of the last event start.
    #[serde(default)]
    pub last_us: Option<i64>,
    /// The field names of the last W3C extended log `#Fields:` line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub w3c_fields: Vec<String>,
    /// The day of the last W3C `#Date:` directive (`YYYY-MM-DD`): the date of records whose
    /// fields have a `time` but no `date` (the W3C draft's own example).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub w3c_date: Option<String>,
    /// A W3C `#Time Format: Local` directive (Windows Firewall): times are the source's zone,
    /// not UTC.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub w3c_local: bool,
    /// The W3C header each run of records was read under, by where it starts: a record read
    /// back later is read under its own (see `w3c`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub w3c_headers: Vec<super::w3c::Header>,
    /// A W3C directive changed the header since the last record.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub w3c_changed: bool,
    /// The byte offset of the line being read, when the reader tells it (`LineContext::at`).
    #[serde(skip)]
    pub offset: u64,
    /// The last line read was a MySQL slow-log `# Time:` line (its `# User@Host:` line belongs
    /// to the same record).
    #[serde(default)]
    pub after_time_line: bool,
    /// The current MySQL slow-log block has its time (from `# Time:` or `SET timestamp=`).
    #[serde(default)]
    pub block_dated: bool,
    /// The current MySQL slow-log block has its message (its first SQL line).
    #[serde(default)]
    pub block_said: bool,
    /// The service of the last `docker compose` line that started an event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The format each `docker compose` service's lines are read by, when detection did not
    /// name it (see `compose`): service → format name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub services: BTreeMap<String, String>,
    /// Lines of a service not yet in `services` that no format read.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub service_misses: BTreeMap<String, u32>,
    /// Zone abbreviations already noted for this source (a note is said once per source).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub noted: Vec<String>,
    /// Notes not yet handed to the caller (see [`super::take_notes`]).
    #[serde(skip)]
    pub fresh: Vec<String>,
}

impl Carry {
    /// Records a note under `key` unless one was already said for it.
    pub fn note(&mut self, key: &str, text: impl FnOnce() -> String) {
        if !self.noted.iter().any(|k| k == key) {
            self.noted.push(key.to_string());
            self.fresh.push(text());
        }
    }
}
