//! Saved queries: `queries.toml` in the config directory (and a team file under it), read
//! at start, appended to by `:save NAME`.
//!
//! ```toml
//! [[query]]
//! name = "ssh-brute-force"
//! description = "failed ssh passwords"
//! query = '"Failed password"'   # the search (highlighted, n/N)
//! keep = ["sshd"]               # & filters
//! hide = []                     # ! filters
//! level = "warn"                # warnings and worse
//! since = "1d"                  # relative window
//! ```

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use toml::Spanned;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedQuery {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub query: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keep: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hide: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
}

/// A queries file that cannot be used: which file, which line, what.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}:{line}: {message}", path.display())]
pub struct SavedError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct File<Q> {
    #[serde(default = "Vec::new", rename = "query")]
    #[serde(bound(deserialize = "Q: Deserialize<'de>"))]
    queries: Vec<Q>,
}

impl SavedQuery {
    /// The definition [`SavedQuery::expr`] gives, as one query text (each part in
    /// parentheses, ANDed): what a filter on the whole saved query is typed as.
    pub fn text(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.query.trim().is_empty() {
            parts.push(format!("({})", self.query.trim()));
        }
        for k in self.keep.iter().filter(|k| !k.trim().is_empty()) {
            parts.push(format!("({})", k.trim()));
        }
        for h in self.hide.iter().filter(|h| !h.trim().is_empty()) {
            parts.push(format!("NOT ({})", h.trim()));
        }
        if let Some(level) = &self.level {
            parts.push(format!("level:>={level}"));
        }
        parts.join(" AND ")
    }

    /// Checks that every part parses; the message says which part.
    pub fn check(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("a saved query needs a name".into());
        }
        for q in std::iter::once(&self.query)
            .chain(&self.keep)
            .chain(&self.hide)
            .filter(|q| !q.trim().is_empty())
        {
            crate::query::parse(q).map_err(|e| format!("{:?}: {}", self.name, e.message))?;
        }
        if let Some(l) = &self.level
            && crate::event::Level::parse(l).is_none()
        {
            return Err(format!("{:?}: unknown level {l:?}", self.name));
        }
        if let Some(s) = &self.since {
            crate::window::parse_time(s, 0, &crate::time::Zone::Local)
                .map_err(|e| format!("{:?}: since: {e}", self.name))?;
        }
        Ok(())
    }
}

/// Parses one file's text.
pub fn parse(text: &str, path: &Path) -> Result<Vec<SavedQuery>, SavedError> {
    let err = |line: usize, message: String| SavedError {
        path: path.to_path_buf(),
        line,
        message,
    };
    let file: File<Spanned<SavedQuery>> = toml::from_str(text).map_err(|e| {
        err(
            e.span()
                .map_or(1, |s| crate::config::line_of(text, s.start)),
            e.message().to_string(),
        )
    })?;
    file.queries
        .into_iter()
        .map(|q| {
            let line = crate::config::line_of(text, q.span().start);
            let q = q.into_inner();
            q.check().map_err(|m| err(line, m))?;
            Ok(q)
        })
        .collect()
}

/// The starter set (`assets/queries.toml`), built in as the lowest layer.
pub const STARTER: &str = include_str!("../../assets/queries.toml");

/// The files of saved queries, lowest priority first: the system's team file, the team file
/// given with `--queries`, the user's own `queries.toml`.
pub fn files(team: Option<&Path>, user: Option<&Path>) -> Vec<PathBuf> {
    let mut out = vec![PathBuf::from("/etc/timberline/queries.toml")];
    out.extend(team.map(Path::to_path_buf));
    out.extend(user.map(Path::to_path_buf));
    out
}

/// The user's own queries file, where `:save` writes.
pub fn user_file() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "timberline")
        .map(|d| d.config_dir().join("queries.toml"))
}

/// The starter set, then `files` in order; a later query replaces an earlier one of its name.
/// A `--queries` file given by name must exist.
pub fn load_all(files: &[PathBuf], team: Option<&Path>) -> Result<Vec<SavedQuery>, SavedError> {
    if let Some(t) = team.filter(|t| !t.exists()) {
        return Err(SavedError {
            path: t.to_path_buf(),
            line: 1,
            message: "no such file".into(),
        });
    }
    let mut all = parse(STARTER, Path::new("assets/queries.toml (built in)"))?;
    for q in load(files)? {
        all.retain(|o| o.name != q.name);
        all.push(q);
    }
    Ok(all)
}

impl SavedQuery {
    /// The whole definition as one expression, for headless use: the query, the keep filters,
    /// not the hide filters, and the level and worse, all ANDed.
    pub fn expr(&self) -> Result<crate::query::Expr, crate::query::QueryError> {
        use crate::query::{Bound, Expr, parse};
        let mut parts = Vec::new();
        if !self.query.trim().is_empty() {
            parts.push(parse(&self.query)?);
        }
        for k in self.keep.iter().filter(|k| !k.trim().is_empty()) {
            parts.push(parse(k)?);
        }
        for h in self.hide.iter().filter(|h| !h.trim().is_empty()) {
            parts.push(Expr::Not(Box::new(parse(h)?)));
        }
        if let Some(level) = &self.level {
            let lo = Some(Bound {
                value: level.clone(),
                inclusive: true,
            });
            parts.push(Expr::Range {
                field: "level".into(),
                lo,
                hi: None,
            });
        }
        Ok(match parts.len() {
            0 => Expr::All,
            1 => parts.remove(0),
            _ => Expr::And(parts),
        })
    }
}

/// Reads the files that exist, in order; a later query replaces an earlier one of its name.
pub fn load(paths: &[PathBuf]) -> Result<Vec<SavedQuery>, SavedError> {
    let mut all: Vec<SavedQuery> = Vec::new();
    for p in paths.iter().filter(|p| p.exists()) {
        let text = std::fs::read_to_string(p).map_err(|e| SavedError {
            path: p.clone(),
            line: 1,
            message: e.to_string(),
        })?;
        for q in parse(&text, p)? {
            all.retain(|o| o.name != q.name);
            all.push(q);
        }
    }
    Ok(all)
}

/// Appends `q` to the file (creating it), unless the file already has a query of that name.
pub fn append(path: &Path, q: &SavedQuery) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let old = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(fail(&e)),
    };
    let existing = parse(&old, path).map_err(|e| e.to_string())?;
    if existing.iter().any(|o| o.name == q.name) {
        return Err(fail(&format!(
            "a query named {:?} is already saved there; edit the file to change it",
            q.name
        )));
    }
    let block = toml::to_string(&File {
        queries: vec![q.clone()],
    })
    .map_err(|e| fail(&e))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
    }
    let sep = if old.is_empty() || old.ends_with("\n\n") {
        ""
    } else if old.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    std::fs::write(path, format!("{old}{sep}{block}")).map_err(|e| fail(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_queries_round_trip_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/queries.toml");
        let q = SavedQuery {
            name: "brute".into(),
            query: "\"Failed password\"".into(),
            keep: vec!["sshd".into()],
            level: Some("warn".into()),
            since: Some("1d".into()),
            ..SavedQuery::default()
        };
        append(&path, &q).unwrap();
        let other = SavedQuery {
            name: "oom".into(),
            query: "\"Out of memory\"".into(),
            ..SavedQuery::default()
        };
        append(&path, &other).unwrap();
        assert_eq!(
            load(std::slice::from_ref(&path)).unwrap(),
            vec![q.clone(), other]
        );
        let e = append(&path, &q).unwrap_err();
        assert!(e.contains("already saved"), "{e}");
    }

    #[test]
    fn later_files_override_by_name_and_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let team = dir.path().join("team.toml");
        let user = dir.path().join("user.toml");
        std::fs::write(
            &team,
            "[[query]]\nname = \"a\"\nquery = \"x\"\n\n[[query]]\nname = \"b\"\n",
        )
        .unwrap();
        std::fs::write(&user, "[[query]]\nname = \"a\"\nquery = \"y\"\n").unwrap();
        let all = load(&[team, user.clone()]).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all.iter().find(|q| q.name == "a").unwrap().query, "y");
        let e = parse(
            "[[query]]\nname = \"a\"\n\n[[query]]\nname = \"b\"\nquery = \"(x\"\n",
            &user,
        )
        .unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        let e = parse("[[query]]\nname = \"a\"\nlevel = \"loud\"\n", &user).unwrap_err();
        assert!(e.to_string().ends_with("unknown level \"loud\""), "{e}");
        let e = parse("[[query]]\nname = \"a\"\nwhen = 1\n", &user).unwrap_err();
        assert!(e.message.contains("when"), "{e}");
    }
}

#[cfg(test)]
mod starter_tests {
    use super::*;

    #[test]
    fn the_starter_set_parses_and_has_the_promised_queries() {
        let all = parse(STARTER, Path::new("assets/queries.toml")).unwrap();
        let names: Vec<_> = all.iter().map(|q| q.name.as_str()).collect();
        for want in [
            "ssh-brute-force",
            "invalid-users",
            "sudo-to-root",
            "oom-killer",
            "segfaults",
            "http-5xx",
            "web-scans",
            "service-restarts",
            "disk-errors",
        ] {
            assert!(names.contains(&want), "{want} missing from {names:?}");
        }
        for q in &all {
            assert!(!q.description.is_empty(), "{} has no description", q.name);
            q.expr().unwrap();
        }
    }

    #[test]
    fn headless_expression_ands_every_part() {
        let q = SavedQuery {
            name: "x".into(),
            query: "sshd".into(),
            keep: vec!["web01".into()],
            hide: vec!["cron".into()],
            level: Some("warn".into()),
            ..SavedQuery::default()
        };
        let e = q.expr().unwrap();
        let crate::query::Expr::And(parts) = e else {
            panic!("{e:?}")
        };
        assert_eq!(parts.len(), 4);
        assert!(matches!(parts[2], crate::query::Expr::Not(_)));
    }
}
