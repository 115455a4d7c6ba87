//! Where a commit's checkpoint is kept. tantivy's commit payload lives in `meta.json`, which
//! tantivy itself reads (and parses) several times whenever an index or a reader is opened:
//! with 100k files a checkpoint is ~50 MB of JSON, and every command paid for it again and
//! again. So the checkpoint is written to its own file, `checkpoint-<hash>.json`, fsynced
//! before the commit whose payload names it (`<hash>\n@<file>`): the payload stays tiny and
//! atomic with the documents, and the file is checked against its hash when read. Small
//! checkpoints (and in-memory indexes) stay inline: `<hash>\n<json>`.

use super::checkpoint::Checkpoint;
use crate::source::identity::hash_bytes;
use std::fs;
use std::io::Write;
use std::path::Path;

/// Checkpoints smaller than this stay in the payload itself.
const INLINE_MAX: usize = 256 * 1024;
/// Checkpoint files kept besides the newest (a reader may still be reading an older commit).
const KEEP: usize = 3;

/// The payload for `checkpoint`, writing its file into `dir` when it is large (`dir` is
/// `None` for an in-memory index).
pub fn payload(dir: Option<&Path>, checkpoint: &Checkpoint) -> std::io::Result<String> {
    let json = serde_json::to_string(checkpoint).map_err(std::io::Error::other)?;
    let hash = hash_bytes(json.as_bytes());
    let Some(dir) = dir.filter(|_| json.len() > INLINE_MAX) else {
        return Ok(format!("{hash:016x}\n{json}"));
    };
    let name = format!("checkpoint-{hash:016x}.json");
    let path = dir.join(&name);
    if !path.exists() {
        let tmp = dir.join(format!("{name}.{}.tmp", std::process::id()));
        let mut f = fs::File::create(&tmp)?;
        f.write_all(json.as_bytes())?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, &path)?;
        fs::File::open(dir)?.sync_all()?;
    }
    Ok(format!("{hash:016x}\n@{name}"))
}

/// Reads the checkpoint a payload names; the error says what is wrong.
pub fn read(dir: &Path, payload: &str) -> Result<Checkpoint, String> {
    let (hash, rest) = payload
        .split_once('\n')
        .ok_or("checkpoint of another version")?;
    let want = u64::from_str_radix(hash, 16).map_err(|_| "checkpoint of another version")?;
    let owned;
    let json = match rest.strip_prefix('@') {
        Some(name) if !name.contains('/') => {
            owned = fs::read_to_string(dir.join(name))
                .map_err(|e| format!("checkpoint file {name}: {e}"))?;
            owned.as_str()
        }
        Some(_) => return Err("checkpoint of another version".into()),
        None => rest,
    };
    if hash_bytes(json.as_bytes()) != want {
        return Err("checkpoint damaged (its checksum does not match)".into());
    }
    let checkpoint: Checkpoint =
        serde_json::from_str(json).map_err(|e| format!("checkpoint unreadable: {e}"))?;
    if checkpoint.version != super::checkpoint::VERSION {
        return Err(format!("checkpoint version {}", checkpoint.version));
    }
    Ok(checkpoint)
}

/// Removes checkpoint files but the one `payload` names and the [`KEEP`] newest others.
pub fn prune(dir: &Path, payload: &str) {
    let current = payload.split_once("\n@").map(|(_, n)| n.to_string());
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, std::path::PathBuf)> = entries
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with("checkpoint-") && Some(&n) != current.as_ref()
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    files.sort();
    let old = files.len().saturating_sub(KEEP);
    for (_, path) in files.into_iter().take(old) {
        let _ = fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn small_checkpoints_stay_inline_and_large_ones_go_to_a_checked_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = Checkpoint::new(vec![PathBuf::from("/var/log")]);
        let p = payload(Some(dir.path()), &c).unwrap();
        assert!(!p.contains('@'));
        assert_eq!(read(dir.path(), &p).unwrap(), c);
        c.roots = (0..20_000)
            .map(|i| PathBuf::from(format!("/var/log/{i}")))
            .collect();
        let p = payload(Some(dir.path()), &c).unwrap();
        assert!(p.len() < 100 && p.contains("\n@checkpoint-"), "{p}");
        assert_eq!(read(dir.path(), &p).unwrap(), c);
        let name = p.split_once('@').unwrap().1;
        let mut bytes = fs::read(dir.path().join(name)).unwrap();
        bytes[100] ^= 1;
        fs::write(dir.path().join(name), bytes).unwrap();
        assert!(read(dir.path(), &p).unwrap_err().contains("checksum"));
        let edited = payload(None, &Checkpoint::new(vec![]))
            .unwrap()
            .replace("[]", "[\"/x\"]");
        assert!(read(dir.path(), &edited).unwrap_err().contains("checksum"));
    }
}
