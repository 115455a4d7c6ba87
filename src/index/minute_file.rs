//! Per-segment minute counts kept on disk (`minutes/<segment>.min` in the index folder), so a
//! histogram of all events in a new process sums a few thousand numbers instead of decoding
//! every event's time. A segment never changes once written, so its file never goes stale;
//! files of segments that are gone (merged, deleted) are removed when a new one is written.
//! Any problem reading or writing is ignored: the counts are then computed from the segment.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

/// Version 2 ends with a hash of everything before it: a damaged file is not used.
const MAGIC: &[u8; 4] = b"TLM2";
const HASH: usize = 8;
const ENTRY: usize = 12;

fn folder(index_dir: &Path) -> PathBuf {
    index_dir.join("minutes")
}

fn file(index_dir: &Path, segment: &str) -> PathBuf {
    folder(index_dir).join(format!("{segment}.min"))
}

/// The counts saved for `segment`: (minute since the epoch, events), ascending.
pub fn load(index_dir: &Path, segment: &str) -> Option<Vec<(i64, u32)>> {
    let bytes = fs::read(file(index_dir, segment)).ok()?;
    let split = bytes.len().checked_sub(HASH)?;
    let (content, hash) = bytes.split_at(split);
    if crate::source::identity::hash_bytes(content).to_le_bytes() != hash {
        return None;
    }
    let body = content.strip_prefix(MAGIC)?;
    if body.len() % ENTRY != 0 {
        return None;
    }
    body.chunks_exact(ENTRY)
        .map(|e| {
            let minute = i64::from_le_bytes(e[..8].try_into().ok()?);
            let count = u32::from_le_bytes(e[8..].try_into().ok()?);
            Some((minute, count))
        })
        .collect()
}

/// Saves the counts of `segment` (atomically: a reader sees the whole file or none), and
/// removes the files of segments not in `live`.
pub fn save(index_dir: &Path, segment: &str, counts: &[(i64, u32)], live: &HashSet<String>) {
    let dir = folder(index_dir);
    if fs::create_dir_all(&dir).is_err() {
        return;
    }
    let mut bytes = Vec::with_capacity(MAGIC.len() + counts.len() * ENTRY);
    bytes.extend_from_slice(MAGIC);
    for (minute, count) in counts {
        bytes.extend_from_slice(&minute.to_le_bytes());
        bytes.extend_from_slice(&count.to_le_bytes());
    }
    let hash = crate::source::identity::hash_bytes(&bytes);
    bytes.extend_from_slice(&hash.to_le_bytes());
    let tmp = dir.join(format!("{segment}.min.{}.tmp", std::process::id()));
    if fs::write(&tmp, &bytes).is_err() || fs::rename(&tmp, file(index_dir, segment)).is_err() {
        let _ = fs::remove_file(&tmp);
        return;
    }
    let Ok(entries) = fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Some(id) = name.strip_suffix(".min") else {
            continue;
        };
        if !live.contains(id) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{load, save};
    use std::collections::HashSet;

    #[test]
    fn counts_come_back_as_saved_and_files_of_gone_segments_are_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let live: HashSet<String> = ["a".to_string(), "b".to_string()].into();
        save(dir.path(), "a", &[(29_000_000, 3), (29_000_002, 1)], &live);
        assert_eq!(
            load(dir.path(), "a"),
            Some(vec![(29_000_000, 3), (29_000_002, 1)])
        );
        assert_eq!(load(dir.path(), "b"), None);
        // "a" is merged away; "b" is saved.
        save(dir.path(), "b", &[(-5, 7)], &["b".to_string()].into());
        assert_eq!(load(dir.path(), "a"), None);
        assert_eq!(load(dir.path(), "b"), Some(vec![(-5, 7)]));
    }

    #[test]
    fn a_damaged_file_is_not_used() {
        let dir = tempfile::tempdir().expect("tempdir");
        save(dir.path(), "a", &[(1, 1)], &["a".to_string()].into());
        let path = dir.path().join("minutes").join("a.min");
        let mut bytes = std::fs::read(&path).expect("read");
        bytes.pop();
        std::fs::write(&path, &bytes).expect("write");
        assert_eq!(load(dir.path(), "a"), None);
        std::fs::write(&path, b"XXXX").expect("write");
        assert_eq!(load(dir.path(), "a"), None);
    }

    #[test]
    fn a_flipped_byte_anywhere_is_caught() {
        let dir = tempfile::tempdir().expect("tempdir");
        save(
            dir.path(),
            "a",
            &[(29_000_000, 3), (29_000_002, 1)],
            &["a".to_string()].into(),
        );
        let path = dir.path().join("minutes").join("a.min");
        let good = std::fs::read(&path).expect("read");
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0x10;
            std::fs::write(&path, &bad).expect("write");
            assert_eq!(load(dir.path(), "a"), None, "byte {i}");
        }
    }
}
