//! What a log file's name says about its syslog lines, in the rsyslog/Debian tradition of one
//! file per selector: `mail.err` holds what `mail.err` selects (mail messages of severity err
//! and worse), `kern.log` what `kern.*` selects. A syslog line in such a file that carries no
//! level (no PRI, no level word) gets the least severity the name allows, and one without a
//! facility gets the facility the name gives.
//!
//! Only syslog lines take it (`Format::classify`): rsyslog writes syslog lines there, while
//! an `app.err` in another format is more likely a program's stderr, whose lines are not
//! errors for being there. The name read is the live file's: `mail.err.1.gz` is `mail.err`.

use crate::event::{Level, Parsed};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The severity keywords of rsyslog's selectors, with the level a file named by one gives its
/// lines. `info` and lower give none: `mail.info` holds nearly all of mail, errors included.
const SEVERITIES: [(&str, Option<Level>); 11] = [
    ("emerg", Some(Level::Emerg)),
    ("panic", Some(Level::Emerg)),
    ("alert", Some(Level::Alert)),
    ("crit", Some(Level::Crit)),
    ("err", Some(Level::Error)),
    ("error", Some(Level::Error)),
    ("warning", Some(Level::Warn)),
    ("warn", Some(Level::Warn)),
    ("notice", None),
    ("info", None),
    ("debug", None),
];

/// The facility keywords of rsyslog's selectors (without `mark`, rsyslog's own, and
/// `security`, an old name of `auth`).
const FACILITIES: [&str; 20] = [
    "auth", "authpriv", "cron", "daemon", "kern", "lpr", "mail", "news", "syslog", "user", "uucp",
    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7", "ftp",
];

/// The `FACILITY.log` files Debian's rsyslog.conf fills from `FACILITY.*` (`auth.log` is not
/// one: it takes `auth,authpriv.*`).
const LOG_FILES: [&str; 6] = ["cron", "daemon", "kern", "lpr", "mail", "user"];

/// What a file's name gives its syslog lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facility: Option<String>,
}

impl Named {
    pub fn of(path: &Path) -> Named {
        let base = crate::source::family::family_of(path).base;
        let name = base.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Some((stem, ext)) = name.rsplit_once('.') else {
            return Named::default();
        };
        let severity = SEVERITIES.iter().find(|(word, _)| *word == ext);
        let facility = FACILITIES.contains(&stem)
            && (severity.is_some() || (ext == "log" && LOG_FILES.contains(&stem)));
        Named {
            level: severity.and_then(|&(_, level)| level),
            facility: facility.then(|| stem.to_string()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.level.is_none() && self.facility.is_none()
    }

    /// Gives `p` what its line did not say itself.
    pub fn fill(&self, p: &mut Parsed) {
        p.level = p.level.or(self.level);
        if let Some(facility) = &self.facility
            && !p.fields.iter().any(|(k, _)| k == "facility")
        {
            p.fields
                .insert(0, ("facility".to_string(), facility.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Level::*;

    #[test]
    fn severity_and_facility_files_are_recognised() {
        let cases: [(&str, Option<Level>, Option<&str>); 17] = [
            // Debian's rsyslog.conf (bookworm and before) and its rotations.
            ("/var/log/mail.err", Some(Error), Some("mail")),
            ("/var/log/mail.warn", Some(Warn), Some("mail")),
            ("/var/log/mail.info", None, Some("mail")),
            ("/var/log/mail.err.1", Some(Error), Some("mail")),
            ("/var/log/mail.warn.2.gz", Some(Warn), Some("mail")),
            ("/var/log/mail.err-20261101.gz", Some(Error), Some("mail")),
            ("/var/log/news/news.crit", Some(Crit), Some("news")),
            ("/var/log/kern.log", None, Some("kern")),
            ("/var/log/kern.log.1", None, Some("kern")),
            ("/var/log/daemon.log", None, Some("daemon")),
            // auth.log takes auth and authpriv; syslog and messages take everything.
            ("/var/log/auth.log", None, None),
            ("/var/log/syslog", None, None),
            ("/var/log/messages", None, None),
            // A severity file of another stem (a collector's per-host layout).
            ("/var/log/remote/fw1/firewall.alert", Some(Alert), None),
            ("/var/log/remote/fw1/kern.emerg", Some(Emerg), Some("kern")),
            ("/var/log/nginx/error.log", None, None),
            ("/var/log/app.log", None, None),
        ];
        for (path, level, facility) in cases {
            let got = Named::of(Path::new(path));
            assert_eq!(
                (got.level, got.facility.as_deref()),
                (level, facility),
                "{path}"
            );
        }
    }

    #[test]
    fn a_line_of_its_own_wins() {
        let named = Named::of(Path::new("/var/log/mail.err"));
        let field = |v: &str| vec![("facility".to_string(), v.to_string())];
        let mut own = Parsed {
            level: Some(Crit),
            fields: field("local0"),
            ..Parsed::default()
        };
        named.fill(&mut own);
        assert_eq!((own.level, own.fields), (Some(Crit), field("local0")));
        let mut bare = Parsed::default();
        named.fill(&mut bare);
        assert_eq!((bare.level, bare.fields), (Some(Error), field("mail")));
    }
}
