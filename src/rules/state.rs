//! Where `check --since-last` and `watch` stopped: the event time up to which events were
//! evaluated and the evaluator's memory (suppression, windows), one small JSON file per rules
//! files and paths in the data directory, replaced atomically.

use super::eval::State;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    /// Events at or after this time (µs UTC) are still to be evaluated.
    pub position: Option<i64>,
    pub eval: State,
}

#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct StateError {
    pub path: PathBuf,
    pub message: String,
}

/// The state file for these rules files and paths (under `rules-state/` in the data dir).
pub fn file_for(rules_files: &[PathBuf], paths: &[PathBuf]) -> Option<PathBuf> {
    let mut key: Vec<String> = rules_files
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    key.push(String::new());
    key.extend(
        crate::index::update::canonical_roots(paths)
            .iter()
            .map(|p| p.to_string_lossy().into_owned()),
    );
    let hash = crate::source::identity::hash_bytes(key.join("\0").as_bytes());
    directories::ProjectDirs::from("", "", "timberline").map(|d| {
        d.data_dir()
            .join("rules-state")
            .join(format!("{hash:016x}.json"))
    })
}

/// Reads the state; a missing file is the empty state.
pub fn load(path: &Path) -> Result<Saved, StateError> {
    let err = |message: String| StateError {
        path: path.to_path_buf(),
        message,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            err(format!(
                "{e}; remove the file to start over (alerts may repeat)"
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Saved::default()),
        Err(e) => Err(err(e.to_string())),
    }
}

/// Writes the state: a temporary file beside it, synced, then renamed over it.
pub fn save(path: &Path, saved: &Saved) -> Result<(), StateError> {
    let err = |e: &dyn std::fmt::Display| StateError {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| err(&e))?;
    let text = serde_json::to_string(saved).map_err(|e| err(&e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| err(&e))?;
    use std::io::Write;
    tmp.write_all(text.as_bytes()).map_err(|e| err(&e))?;
    tmp.as_file().sync_all().map_err(|e| err(&e))?;
    tmp.persist(path).map_err(|e| err(&e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_a_missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s/state.json");
        assert_eq!(load(&p).unwrap(), Saved::default());
        let s = Saved {
            position: Some(42),
            eval: State::default(),
        };
        save(&p, &s).unwrap();
        assert_eq!(load(&p).unwrap(), s);
    }
}
