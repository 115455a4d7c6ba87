//! `rules.toml`: watch rules, read from the user's file in the config directory and a team
//! file (`--rules FILE`), merged by name like saved queries; errors name the file and line.

use super::when::When;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// One rule as written in the file.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub name: String,
    /// `alert` (the default) or `ignore` (known noise, for `check --new-patterns`).
    #[serde(default)]
    pub class: Option<String>,
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub saved: Option<String>,
    #[serde(default)]
    pub pattern: Option<String>,
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub window: Option<String>,
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default)]
    pub quiet: Option<String>,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub when: Option<String>,
    #[serde(default)]
    pub unless: Option<String>,
    #[serde(default)]
    pub absent: Option<String>,
    #[serde(default)]
    pub print: Option<bool>,
    #[serde(default)]
    pub command: Option<Vec<String>>,
    #[serde(default)]
    pub timeout: Option<String>,
    #[serde(default)]
    pub append: Option<PathBuf>,
}

/// What a rule fires on.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Every matching event (at most once per key per `quiet`).
    Match,
    /// `count` matching events within `window_us` (per key).
    Threshold { count: u64, window_us: i64 },
    /// No matching event for `absent_us` of event time.
    Absence { absent_us: i64 },
}

/// A rule's class, in the logcheck sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Class {
    /// Fires and acts (the default).
    #[default]
    Alert,
    /// Known noise: never fires; its events are left out of `check --new-patterns` only.
    Ignore,
}

/// Where the rule's events come from, resolved by the caller (saved queries, patterns).
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Query(String),
    Saved(String),
    Pattern(String),
}

/// A checked rule, ready for the evaluator.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub name: String,
    pub class: Class,
    pub source: Source,
    pub kind: Kind,
    pub by: Option<String>,
    pub quiet_us: i64,
    pub severity: String,
    /// Hours the rule is active (local time); `None`: always.
    pub when: Option<When>,
    pub print: bool,
    pub command: Option<Vec<String>>,
    pub timeout_ms: u64,
    pub append: Option<PathBuf>,
}

/// A rules file that cannot be used: which file, which line, what.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}:{line}: {message}", path.display())]
pub struct RulesError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, rename = "rule")]
    rules: Vec<Spanned<RuleSpec>>,
}

/// A duration like `5m` in µs.
fn duration(what: &str, s: &str) -> Result<i64, String> {
    crate::timeline::parse_bucket(s)
        .and_then(|s| s.checked_mul(1_000_000))
        .ok_or_else(|| format!("{what} {s:?}: not a duration (30s, 5m, 1h, 1d)"))
}

impl RuleSpec {
    /// Checks the rule and turns its words into numbers; the message says which part.
    pub fn check(&self) -> Result<Rule, String> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err("a rule needs a name".into());
        }
        let err = |m: String| format!("rule {name:?}: {m}");
        let source = match (&self.query, &self.saved, &self.pattern) {
            (Some(q), None, None) => {
                crate::query::parse(q).map_err(|e| err(format!("query: {}", e.message)))?;
                Source::Query(q.clone())
            }
            (None, Some(s), None) => Source::Saved(s.clone()),
            (None, None, Some(p)) => {
                p.parse::<crate::patterns::PatternId>()
                    .map_err(|e| err(format!("pattern {p:?}: {e}")))?;
                Source::Pattern(p.clone())
            }
            _ => return Err(err("needs exactly one of query, saved, pattern".into())),
        };
        let class = match self.class.as_deref() {
            None | Some("alert") => Class::Alert,
            Some("ignore") => Class::Ignore,
            Some(c) => return Err(err(format!("class {c:?}: give \"alert\" or \"ignore\""))),
        };
        if class == Class::Ignore {
            let extra = [
                ("count", self.count.is_some()),
                ("window", self.window.is_some()),
                ("absent", self.absent.is_some()),
                ("by", self.by.is_some()),
                ("quiet", self.quiet.is_some()),
                ("when", self.when.is_some()),
                ("unless", self.unless.is_some()),
                ("print", self.print.is_some()),
                ("command", self.command.is_some()),
                ("timeout", self.timeout.is_some()),
                ("append", self.append.is_some()),
                ("severity", self.severity.is_some()),
            ];
            if let Some((k, _)) = extra.iter().find(|(_, set)| *set) {
                return Err(err(format!(
                    "an ignore rule never fires: {k} does not apply"
                )));
            }
        }
        let kind = match (self.count, &self.window, &self.absent) {
            (None, None, None) => Kind::Match,
            (Some(count), window, None) if count > 0 => Kind::Threshold {
                count,
                window_us: match window {
                    Some(w) => duration("window", w).map_err(err)?,
                    None => return Err(err("count needs a window (window = \"5m\")".into())),
                },
            },
            (None, None, Some(a)) => Kind::Absence {
                absent_us: duration("absent", a).map_err(err)?,
            },
            (Some(0), _, None) => return Err(err("count must be at least 1".into())),
            (None, Some(_), None) => return Err(err("window needs a count".into())),
            _ => return Err(err("absent cannot be combined with count or window".into())),
        };
        let when = match (&self.when, &self.unless) {
            (Some(w), None) => Some(When::parse(w, false).map_err(|e| err(format!("when: {e}")))?),
            (None, Some(u)) => Some(When::parse(u, true).map_err(|e| err(format!("unless: {e}")))?),
            (None, None) => None,
            _ => return Err(err("give when or unless, not both".into())),
        };
        if let Some(c) = &self.command
            && c.first().is_none_or(|p| p.trim().is_empty())
        {
            return Err(err(
                "command needs a program: [\"/path/prog\", \"arg\"]".into()
            ));
        }
        let quiet_us = match &self.quiet {
            Some(q) => duration("quiet", q).map_err(err)?,
            None => 0,
        };
        let timeout_ms = match &self.timeout {
            Some(t) => (duration("timeout", t).map_err(err)? / 1000) as u64,
            None => 10_000,
        };
        let severity = self.severity.clone().unwrap_or_else(|| "warn".into());
        Ok(Rule {
            name: name.to_string(),
            class,
            source,
            kind,
            by: self.by.clone().filter(|b| !b.trim().is_empty()),
            quiet_us,
            severity,
            when,
            print: self.print.unwrap_or(true),
            command: self.command.clone(),
            timeout_ms,
            append: self.append.clone(),
        })
    }
}

/// Splits rules into the alert rules (with their expressions) and the ignore rules'
/// expressions, keeping the order.
pub fn split<E>(rules: Vec<Rule>, exprs: Vec<E>) -> (Vec<Rule>, Vec<E>, Vec<E>) {
    let (mut alert, mut alert_exprs, mut ignore) = (Vec::new(), Vec::new(), Vec::new());
    for (r, e) in rules.into_iter().zip(exprs) {
        match r.class {
            Class::Alert => {
                alert.push(r);
                alert_exprs.push(e);
            }
            Class::Ignore => ignore.push(e),
        }
    }
    (alert, alert_exprs, ignore)
}

/// Parses one file's text.
pub fn parse(text: &str, path: &Path) -> Result<Vec<Rule>, RulesError> {
    let err = |line: usize, message: String| RulesError {
        path: path.to_path_buf(),
        line,
        message,
    };
    let file: File = toml::from_str(text).map_err(|e| {
        err(
            e.span()
                .map_or(1, |s| crate::config::line_of(text, s.start)),
            e.message().to_string(),
        )
    })?;
    file.rules
        .into_iter()
        .map(|r| {
            let line = crate::config::line_of(text, r.span().start);
            r.into_inner().check().map_err(|m| err(line, m))
        })
        .collect()
}

/// The user's own rules file (`rules.toml` in the config directory).
pub fn user_file() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "timberline").map(|d| d.config_dir().join("rules.toml"))
}

/// The rules files, lowest priority first: the team file given with `--rules`, then the
/// user's own.
pub fn files(team: Option<&Path>, user: Option<&Path>) -> Vec<PathBuf> {
    team.into_iter()
        .chain(user)
        .map(Path::to_path_buf)
        .collect()
}

/// Reads the files that exist, in order; a later rule replaces an earlier one of its name.
/// A `--rules` file given by name must exist.
pub fn load(paths: &[PathBuf], team: Option<&Path>) -> Result<Vec<Rule>, RulesError> {
    if let Some(t) = team.filter(|t| !t.exists()) {
        return Err(RulesError {
            path: t.to_path_buf(),
            line: 1,
            message: "no such file".into(),
        });
    }
    let mut all: Vec<Rule> = Vec::new();
    for p in paths.iter().filter(|p| p.exists()) {
        let text = std::fs::read_to_string(p).map_err(|e| RulesError {
            path: p.clone(),
            line: 1,
            message: e.to_string(),
        })?;
        for r in parse(&text, p)? {
            all.retain(|o| o.name != r.name);
            all.push(r);
        }
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_example_parses() {
        let readme = include_str!("../../README.md");
        let start = readme.find("```toml\n[[rule]]").unwrap() + "```toml\n".len();
        let len = readme[start..].find("```").unwrap();
        let rules = parse(&readme[start..start + len], Path::new("README.md")).unwrap();
        assert_eq!(rules.len(), 3);
        assert!(
            rules
                .iter()
                .all(|r| r.name.contains('-') || r.name == "oom")
        );
    }

    #[test]
    fn rules_parse_and_errors_name_the_line() {
        let p = Path::new("rules.toml");
        let rules = parse(
            "[[rule]]\nname = \"brute\"\nquery = 'Failed'\ncount = 5\nwindow = \"5m\"\nby = \"client\"\nquiet = \"10m\"\n\n[[rule]]\nname = \"beat\"\nquery = \"heartbeat\"\nabsent = \"1h\"\nwhen = \"Mon-Fri 08:00-18:00\"\n",
            p,
        )
        .unwrap();
        assert_eq!(
            rules[0].kind,
            Kind::Threshold {
                count: 5,
                window_us: 300_000_000
            }
        );
        assert_eq!(rules[0].quiet_us, 600_000_000);
        assert_eq!(
            rules[1].kind,
            Kind::Absence {
                absent_us: 3_600_000_000
            }
        );
        let e = parse(
            "[[rule]]\nname = \"a\"\nquery = \"x\"\n\n[[rule]]\nname = \"b\"\nquery = \"(x\"\n",
            p,
        )
        .unwrap_err();
        assert_eq!(e.line, 5, "{e}");
        let e = parse(
            "[[rule]]\nname = \"a\"\nquery = \"x\"\nwindow = \"5m\"\n",
            p,
        )
        .unwrap_err();
        assert!(e.message.contains("window needs a count"), "{e}");
        let e = parse("[[rule]]\nname = \"a\"\nquery = \"x\"\nbogus = 1\n", p).unwrap_err();
        assert!(e.message.contains("bogus"), "{e}");
        let r = parse(
            "[[rule]]\nname = \"cron\"\nclass = \"ignore\"\nquery = \"CRON\"\n",
            p,
        )
        .unwrap();
        assert_eq!(r[0].class, Class::Ignore);
        let e = parse(
            "[[rule]]\nname = \"a\"\nclass = \"ignore\"\nquery = \"x\"\ncount = 2\nwindow = \"1m\"\n",
            p,
        )
        .unwrap_err();
        assert!(e.message.contains("never fires: count"), "{e}");
        let e = parse("[[rule]]\nname = \"a\"\nclass = \"x\"\nquery = \"x\"\n", p).unwrap_err();
        assert!(e.message.contains("class \"x\""), "{e}");
    }
}
