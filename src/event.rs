//! What a parsed log event is, independent of where it came from or where it goes.

use serde::{Deserialize, Serialize};

/// Normalised severity. `Emerg` also covers "fatal"/"panic".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Trace,
    Debug,
    Info,
    Notice,
    Warn,
    Error,
    Crit,
    Alert,
    Emerg,
}

impl Level {
    pub const ALL: [Level; 9] = [
        Level::Trace,
        Level::Debug,
        Level::Info,
        Level::Notice,
        Level::Warn,
        Level::Error,
        Level::Crit,
        Level::Alert,
        Level::Emerg,
    ];

    /// The name used in output and in `level:` queries.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Notice => "notice",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Crit => "crit",
            Level::Alert => "alert",
            Level::Emerg => "emerg",
        }
    }

    /// Normalises a level word as formats write it (`WARNING`, `err`, `E`, `fatal`, `5`...).
    /// Numeric values are syslog severities (0 = emerg ... 7 = debug).
    pub fn parse(word: &str) -> Option<Level> {
        let w = word
            .trim()
            .trim_matches(|c| c == '[' || c == ']' || c == ':')
            .trim();
        let lower = w.to_ascii_lowercase();
        Some(match lower.as_str() {
            "trace" | "trc" | "finest" | "finer" | "v" | "verbose" => Level::Trace,
            "debug" | "dbg" | "d" | "fine" | "7" => Level::Debug,
            // PostgreSQL's and others' finer debug levels.
            "debug1" | "debug2" | "debug3" | "debug4" | "debug5" => Level::Debug,
            "info" | "inf" | "i" | "information" | "informational" | "6" => Level::Info,
            "notice" | "n" | "5" => Level::Notice,
            "warn" | "warning" | "wrn" | "w" | "4" => Level::Warn,
            "error" | "err" | "e" | "severe" | "3" => Level::Error,
            "crit" | "critical" | "c" | "2" => Level::Crit,
            "alert" | "a" | "1" => Level::Alert,
            "emerg" | "emergency" | "fatal" | "panic" | "f" | "0" => Level::Emerg,
            _ => return None,
        })
    }

    /// Index of this level in [`Level::ALL`], stored in the index as a small integer.
    pub fn ordinal(self) -> u64 {
        self as u64
    }

    pub fn from_ordinal(n: u64) -> Option<Level> {
        Level::ALL.get(usize::try_from(n).ok()?).copied()
    }
}

/// One event as a format parser sees it: the first line of the event, parsed.
/// Continuation lines are appended to the event text by the grouping step.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    /// Microseconds since the Unix epoch, UTC.
    pub ts: i64,
    pub level: Option<Level>,
    pub host: Option<String>,
    pub program: Option<String>,
    /// The message body, without the timestamp/host/program prefix.
    pub message: String,
    /// Extracted key-values (JSON keys flattened with dots, logfmt keys, access-log fields,
    /// `key=value` pairs found in messages). Keys as written; values as text.
    pub fields: Vec<(String, String)>,
    /// Byte range `[start, end)` of the timestamp text in the line given to
    /// `Format::parse_line` (the original line: a leading BOM is counted), so that the indexer
    /// can leave it out of the full-text index (time is searched with `--since`/`--until`).
    /// Includes the stamp's own decoration where it has one: the brackets of
    /// `[2020-11-17 03:35:02.681]` and `[21/Nov/2026:21:09:59 -0500]`, the `<PRI>1 ` of RFC
    /// 5424, the whole `"ts":"..."` member of JSON, the `ts=...` pair of logfmt (`date=... time=...`
    /// when adjacent), the `time:...` field of LTSV, the `ts` group of a user format. Always on
    /// char boundaries and non-empty; `None` when the event has no timestamp text (plain text).
    pub time_span: Option<(usize, usize)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_words_normalise() {
        let cases = [
            ("WARNING", Level::Warn),
            ("err", Level::Error),
            ("[INFO ]", Level::Info),
            ("FATAL", Level::Emerg),
            ("crit", Level::Crit),
            ("3", Level::Error),
            ("DEBUG2", Level::Debug),
            ("DEBUG5", Level::Debug),
        ];
        for (word, want) in cases {
            assert_eq!(Level::parse(word), Some(want), "{word}");
        }
        assert_eq!(Level::parse("hello"), None);
    }

    #[test]
    fn ordinal_round_trips() {
        for l in Level::ALL {
            assert_eq!(Level::from_ordinal(l.ordinal()), Some(l));
        }
    }
}
