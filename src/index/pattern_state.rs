//! The pattern miner's state beside the index: a side file `patterns-<hash>.json` in the index
//! folder, named by the xxh3 hash of its content, written and fsynced before the commit whose
//! checkpoint names it (`Checkpoint::patterns`). The commit payload stays small (it is parsed
//! by every process that opens the index), and the state is still committed atomically with the
//! documents: a commit names exactly the state its documents were assigned with, and a kill -9
//! at any moment leaves the last commit's state on disk.
//!
//! A side file is written only when the templates changed since the last one (a new or
//! generalised pattern), so a follower's frequent small commits usually name the same file.
//! Older files are removed after a successful commit, keeping the previous commit's (a reader
//! opening the index meanwhile may still check it). The hash is checked whenever a file is
//! read: a missing or damaged state makes the index unusable, and it is rebuilt.

use crate::patterns::Miner;
use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use xxhash_rust::xxh3::xxh3_64;

const PREFIX: &str = "patterns-";
const SUFFIX: &str = ".json";

/// The miner a store assigns with, and the side file it matches.
#[derive(Debug, Clone, Default)]
pub struct Mined {
    pub miner: Miner,
    /// The hash of the side file holding these templates (`None`: none written yet).
    pub hash: Option<String>,
    /// `Miner::revision` when the side file was written or read.
    pub revision: u64,
    /// The hash of the side file of the commit before (kept on disk one commit longer).
    pub previous: Option<String>,
}

/// The side file's name for a hash.
pub fn file_name(hash: &str) -> String {
    format!("{PREFIX}{hash}{SUFFIX}")
}

fn hash_of(bytes: &[u8]) -> String {
    format!("{:016x}", xxh3_64(bytes))
}

/// Reads the side file of `hash`, checking its content against its name.
fn read_checked(dir: &Path, hash: &str) -> Result<Vec<u8>, String> {
    let name = file_name(hash);
    let bytes = fs::read(dir.join(&name)).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("its pattern state {name} is missing"),
        _ => format!("its pattern state {name} is unreadable ({e})"),
    })?;
    if hash_of(&bytes) != hash {
        return Err(format!(
            "its pattern state {name} is damaged (checksum mismatch)"
        ));
    }
    Ok(bytes)
}

/// Checks that the side file of `hash` is there and whole.
pub fn verify(dir: &Path, hash: Option<&str>) -> Result<(), String> {
    match hash {
        Some(h) => read_checked(dir, h).map(|_| ()),
        None => Ok(()),
    }
}

/// The miner saved as `hash` (a fresh one for `None`).
pub fn load(dir: &Path, hash: Option<&str>) -> Result<Mined, String> {
    let Some(h) = hash else {
        return Ok(Mined::default());
    };
    let bytes = read_checked(dir, h)?;
    let miner: Miner = serde_json::from_slice(&bytes)
        .map_err(|e| format!("its pattern state {} is unreadable ({e})", file_name(h)))?;
    let revision = miner.revision();
    Ok(Mined {
        miner,
        hash: Some(h.to_string()),
        revision,
        previous: None,
    })
}

impl Mined {
    /// Writes the side file when the templates changed since the last one, durably, before
    /// the commit that names it. Returns the hash to record in the checkpoint.
    pub fn save(&mut self, dir: &Path) -> std::io::Result<Option<String>> {
        if self.hash.is_some() && self.revision == self.miner.revision() {
            return Ok(self.hash.clone());
        }
        if self.miner.is_empty() {
            return Ok(None);
        }
        let bytes = serde_json::to_vec(&self.miner).map_err(std::io::Error::other)?;
        let hash = hash_of(&bytes);
        let path = dir.join(file_name(&hash));
        if !path.exists() {
            let tmp = dir.join(format!("{}.tmp-{}", file_name(&hash), std::process::id()));
            let mut f = fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            drop(f);
            fs::rename(&tmp, &path)?;
            fs::File::open(dir)?.sync_all()?;
        }
        if self.hash.as_deref() != Some(&hash) {
            self.previous = self.hash.take();
        }
        self.hash = Some(hash);
        self.revision = self.miner.revision();
        Ok(self.hash.clone())
    }

    /// After a successful commit: removes the side files that neither this commit nor the one
    /// before names (and temporaries left by a crash).
    pub fn remove_old(&self, dir: &Path) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        let keep: Vec<String> = [&self.hash, &self.previous]
            .into_iter()
            .flatten()
            .map(|h| file_name(h))
            .collect();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.starts_with(PREFIX) || keep.contains(&name) {
                continue;
            }
            let stale_tmp = name.rsplit_once(".tmp-").is_some_and(|(_, pid)| {
                pid.parse::<u32>()
                    .is_ok_and(|p| !Path::new(&format!("/proc/{p}")).exists())
            });
            if name.ends_with(SUFFIX) || stale_tmp {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_state_reads_back_and_a_damaged_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = Mined::default();
        assert_eq!(
            m.save(dir.path()).unwrap(),
            None,
            "nothing mined, nothing written"
        );
        let id = m.miner.assign("sshd", "Accepted publickey for root");
        let h = m.save(dir.path()).unwrap().unwrap();
        assert_eq!(m.save(dir.path()).unwrap().as_deref(), Some(&*h));
        m.miner.assign("sshd", "Accepted publickey for root");
        assert_eq!(
            m.save(dir.path()).unwrap().as_deref(),
            Some(&*h),
            "a count alone writes no new file"
        );
        let back = load(dir.path(), Some(&h)).unwrap();
        assert!(back.miner.template(id).is_some());
        verify(dir.path(), Some(&h)).unwrap();

        m.miner.assign("cron", "job started");
        let h2 = m.save(dir.path()).unwrap().unwrap();
        assert_ne!(h, h2);
        m.miner.assign("cron", "something else entirely here");
        let h3 = m.save(dir.path()).unwrap().unwrap();
        m.remove_old(dir.path());
        assert!(
            verify(dir.path(), Some(&h))
                .unwrap_err()
                .contains("missing")
        );
        verify(dir.path(), Some(&h2)).unwrap();
        verify(dir.path(), Some(&h3)).unwrap();

        fs::write(dir.path().join(file_name(&h3)), b"{}").unwrap();
        assert!(load(dir.path(), Some(&h3)).unwrap_err().contains("damaged"));
    }
}
