//! Reviewed patterns: `known.toml` in the config directory (and a team file, and
//! `/etc/timberline/known.toml`), keyed by pattern id, not by a regex on the raw line. A
//! pattern marked `noise` or `reviewed` is left out of `patterns --new` and shown as such.
//!
//! ```toml
//! [[pattern]]
//! id = "p0b7c1d2e3f405a6"                  # as `timberline patterns` prints it
//! status = "noise"                         # or "reviewed"
//! template = "CMD (run-parts <path>)"      # for people reading the file; not matched
//! note = "hourly cron"
//! by = "alice"
//! at = "2026-12-03T10:00:00Z"
//! ```

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Expected and uninteresting: never worth a look.
    Noise,
    /// Looked at and understood.
    Reviewed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Noise => "noise",
            Status::Reviewed => "reviewed",
        }
    }
}

/// One reviewed pattern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub template: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub by: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub at: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, rename = "pattern")]
    patterns: Vec<Entry>,
}

/// A known-patterns file that cannot be used: which file and why.
#[derive(Debug, thiserror::Error)]
pub enum KnownError {
    #[error("{}: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The reviewed patterns of every file, by id; a later file's entry replaces an earlier one.
#[derive(Debug, Clone, Default)]
pub struct Known {
    by_id: HashMap<String, Entry>,
}

impl Known {
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id)
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Each id's status.
    pub fn statuses(&self) -> HashMap<String, Status> {
        self.by_id
            .iter()
            .map(|(id, e)| (id.clone(), e.status))
            .collect()
    }
}

/// The files, lowest priority first: the system's, the team file (`--known`), the user's own.
pub fn files(team: Option<&Path>) -> Vec<PathBuf> {
    let mut out = vec![PathBuf::from("/etc/timberline/known.toml")];
    out.extend(team.map(Path::to_path_buf));
    out.extend(user_file());
    out
}

/// The user's own file, where the explorer and `patterns --mark` write.
pub fn user_file() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "timberline").map(|d| d.config_dir().join("known.toml"))
}

/// Reads the files that exist (a team file given by name must exist).
pub fn load(paths: &[PathBuf], team: Option<&Path>) -> Result<Known, KnownError> {
    if let Some(t) = team.filter(|t| !t.exists()) {
        return Err(KnownError::Io {
            path: t.to_path_buf(),
            source: std::io::ErrorKind::NotFound.into(),
        });
    }
    let mut known = Known::default();
    for path in paths.iter().filter(|p| p.exists()) {
        for e in read(path)?.patterns {
            known.by_id.insert(e.id.clone(), e);
        }
    }
    Ok(known)
}

fn read(path: &Path) -> Result<File, KnownError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(File::default()),
        Err(source) => {
            return Err(KnownError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    toml::from_str(&text).map_err(|e| KnownError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Records `entries` in the file at `path` (created if need be), replacing earlier entries of
/// the same ids. Written to a temporary file and renamed, so a crash leaves the old file whole.
pub fn mark(path: &Path, entries: &[Entry]) -> Result<(), KnownError> {
    let mut file = read(path)?;
    file.patterns
        .retain(|old| !entries.iter().any(|e| e.id == old.id));
    file.patterns.extend(entries.iter().cloned());
    let io = |source| KnownError::Io {
        path: path.to_path_buf(),
        source,
    };
    let text = toml::to_string(&file).map_err(|e| KnownError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, status: Status) -> Entry {
        Entry {
            id: id.into(),
            status,
            template: "CMD (run-parts <path>)".into(),
            note: String::new(),
            by: "alice".into(),
            at: "2026-12-03T10:00:00Z".into(),
        }
    }

    #[test]
    fn marks_round_trip_and_a_later_mark_replaces_an_earlier_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/known.toml");
        mark(
            &path,
            &[entry("p1", Status::Noise), entry("p2", Status::Reviewed)],
        )
        .unwrap();
        mark(&path, &[entry("p1", Status::Reviewed)]).unwrap();
        let known = load(std::slice::from_ref(&path), None).unwrap();
        assert_eq!(known.len(), 2);
        assert_eq!(known.get("p1").unwrap().status, Status::Reviewed);
        assert_eq!(known.get("p2").unwrap().by, "alice");
    }

    #[test]
    fn the_user_file_wins_over_the_team_file_and_a_bad_file_names_itself() {
        let dir = tempfile::tempdir().unwrap();
        let team = dir.path().join("team.toml");
        let user = dir.path().join("user.toml");
        mark(&team, &[entry("p1", Status::Noise)]).unwrap();
        mark(&user, &[entry("p1", Status::Reviewed)]).unwrap();
        let known = load(&[team.clone(), user], Some(&team)).unwrap();
        assert_eq!(known.get("p1").unwrap().status, Status::Reviewed);

        std::fs::write(&team, "[[pattern]]\nid = \"p1\"\nstatus = \"maybe\"\n").unwrap();
        let err = load(std::slice::from_ref(&team), Some(&team)).unwrap_err();
        assert!(
            err.to_string().starts_with(&team.display().to_string()),
            "{err}"
        );
        let missing = dir.path().join("missing.toml");
        assert!(load(&[], Some(&missing)).is_err());
    }
}
