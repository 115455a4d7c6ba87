//! The syslog PRI, `<N>` before a line's header (RFC 3164 §4.1.1, RFC 5424 §6.2.1): N is
//! facility × 8 + severity. The severity is the event's level, the facility a `facility`
//! field. RFC 5424 lines always carry one; RFC 3164 lines carry one on the wire, and so in
//! files written by devices' collectors or by templates that keep it.

use crate::event::{Level, Parsed};

/// Facility names by code, as rsyslog names them (`facility:authpriv`); 12-15 as RFC 5424
/// lists them (NTP, log audit, log alert, clock daemon), under their BSD names.
const FACILITIES: [&str; 24] = [
    "kern",
    "user",
    "mail",
    "daemon",
    "auth",
    "syslog",
    "lpr",
    "news",
    "uucp",
    "cron",
    "authpriv",
    "ftp",
    "ntp",
    "security",
    "console",
    "solaris-cron",
    "local0",
    "local1",
    "local2",
    "local3",
    "local4",
    "local5",
    "local6",
    "local7",
];

/// Severities 0-7 (emerg, alert, crit, err, warning, notice, info, debug).
const SEVERITIES: [Level; 8] = [
    Level::Emerg,
    Level::Alert,
    Level::Crit,
    Level::Error,
    Level::Warn,
    Level::Notice,
    Level::Info,
    Level::Debug,
];

/// A PRI value, 0-191.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pri(u8);

impl Pri {
    /// Reads `<N>` at the start of `b`: the PRI and the bytes it takes. N is one to three
    /// digits and at most 191 (23 × 8 + 7).
    pub fn read(b: &[u8]) -> Option<(Pri, usize)> {
        if b.first() != Some(&b'<') {
            return None;
        }
        let digits = b[1..]
            .iter()
            .take(4)
            .take_while(|c| c.is_ascii_digit())
            .count();
        if !(1..=3).contains(&digits) || b.get(1 + digits) != Some(&b'>') {
            return None;
        }
        let n = b[1..=digits]
            .iter()
            .fold(0u32, |n, &c| n * 10 + u32::from(c - b'0'));
        let n = u8::try_from(n).ok().filter(|&n| n <= 191)?;
        Some((Pri(n), digits + 2))
    }

    /// `b` after the PRI it starts with, if it starts with one.
    pub fn skip(b: &[u8]) -> &[u8] {
        Pri::read(b).map_or(b, |(_, used)| &b[used..])
    }

    pub fn level(self) -> Level {
        SEVERITIES[usize::from(self.0 % 8)]
    }

    pub fn facility(self) -> &'static str {
        FACILITIES[usize::from(self.0 / 8)]
    }

    /// Gives `p` the PRI's facility, and its severity unless the line had a level of its
    /// own (VMware's `In(166)` where the host would be).
    pub fn apply(self, p: &mut Parsed) {
        p.level = p.level.or(Some(self.level()));
        p.fields
            .insert(0, ("facility".to_string(), self.facility().to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_pri_and_splits_it() {
        let cases = [
            ("<34>Oct", Some((34, 4, Level::Crit, "auth"))),
            ("<0>1990", Some((0, 3, Level::Emerg, "kern"))),
            ("<191>x", Some((191, 5, Level::Debug, "local7"))),
            ("<165>1 ", Some((165, 5, Level::Notice, "local4"))),
            ("<13>Feb", Some((13, 4, Level::Notice, "user"))),
            ("<86>", Some((86, 4, Level::Info, "authpriv"))),
        ];
        for (text, want) in cases {
            let got = Pri::read(text.as_bytes()).map(|(p, n)| (p.0, n, p.level(), p.facility()));
            assert_eq!(got, want, "{text}");
        }
        for text in [
            "<192>x", "<1000>x", "<>x", "<+5>x", "<34 x", "34>x", "", "<", "<9999",
        ] {
            assert_eq!(Pri::read(text.as_bytes()), None, "{text}");
        }
    }
}
