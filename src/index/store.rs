//! Where an index lives, and opening it: creating it private to the user, rebuilding it when it
//! is corrupt or from another version, refusing to touch a folder that is not an index.

use super::checkpoint::{Checkpoint, VERSION};
use super::error::IndexError;
use super::schema::{Fields, register_tokenizers};
use serde::{Deserialize, Serialize};
use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use tantivy::Index;
use tantivy::store::{Compressor, ZstdCompressor};

/// The file that marks a folder as a timberline index (and records what it covers).
pub const MARKER: &str = "timberline-index.json";
/// Left in an index whose files were found damaged (why, one line): the next run rebuilds it.
const DAMAGED: &str = "damaged";

/// The index folder this process opened last (for marking it damaged after a panic).
static IN_USE: std::sync::Mutex<Option<PathBuf>> = std::sync::Mutex::new(None);

/// The index folder this process opened last, if any.
pub fn in_use() -> Option<PathBuf> {
    IN_USE.lock().ok().and_then(|d| d.clone())
}

/// Marks the index in `dir` for a rebuild (only a folder carrying our marker). True when
/// marked.
///
/// Not while another process holds the index's writer: a reader can find a segment or side
/// file gone because that writer merged it away after a commit, which is no damage; and a live
/// writer would lose its index to the rebuild.
pub fn mark_damaged(dir: &Path, why: &str) -> bool {
    dir.join(MARKER).is_file()
        && !writer_busy(dir)
        && fs::write(
            dir.join(DAMAGED),
            crate::output::error_text::brief(why, 200).as_bytes(),
        )
        .is_ok()
}

#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    version: u32,
    #[serde(with = "super::path_bytes::vec")]
    roots: Vec<PathBuf>,
}

/// The folder holding all default index locations: `<data dir>/indexes`.
pub fn indexes_home() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "timberline").map(|d| d.data_dir().join("indexes"))
}

/// The default index folder for a set of canonical roots.
pub fn default_dir(roots: &[PathBuf]) -> Option<PathBuf> {
    indexes_home().map(|h| h.join(roots_name(roots)))
}

/// A file name for a set of canonical roots: the first root's name (letters and digits only)
/// and a hash of them all. Index folders and the explorer's saved sessions are named so.
pub fn roots_name(roots: &[PathBuf]) -> String {
    let key: Vec<String> = roots
        .iter()
        .map(|r| r.to_string_lossy().into_owned())
        .collect();
    let hash = crate::source::identity::hash_bytes(key.join("\0").as_bytes());
    let name = roots
        .first()
        .and_then(|r| r.file_name())
        .map(|n| {
            n.to_string_lossy()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .take(24)
                .collect::<String>()
        })
        .unwrap_or_default();
    format!("{name}-{hash:016x}")
}

/// An existing default index whose roots contain every one of `paths` (so that
/// `search /var/log/nginx` reuses the index of `/var/log`). The one with the fewest roots wins.
pub fn find_covering(paths: &[PathBuf]) -> Option<(PathBuf, Vec<PathBuf>)> {
    let home = indexes_home()?;
    let mut best: Option<(PathBuf, Vec<PathBuf>)> = None;
    for entry in fs::read_dir(home).ok()?.flatten() {
        let Some(marker) = read_marker(&entry.path()) else {
            continue;
        };
        let covers = paths
            .iter()
            .all(|p| marker.roots.iter().any(|r| p.starts_with(r)));
        if covers
            && best
                .as_ref()
                .is_none_or(|(_, roots)| marker.roots.len() < roots.len())
        {
            best = Some((entry.path(), marker.roots));
        }
    }
    best
}

/// The roots an index folder's marker says it covers.
pub fn marker_roots(dir: &Path) -> Option<Vec<PathBuf>> {
    read_marker(dir).map(|m| m.roots)
}

fn read_marker(dir: &Path) -> Option<Marker> {
    let text = fs::read_to_string(dir.join(MARKER)).ok()?;
    serde_json::from_str(&text).ok()
}

/// An opened index with the checkpoint of its last commit.
pub struct Store {
    pub dir: PathBuf,
    pub index: Index,
    pub fields: Fields,
    pub checkpoint: Checkpoint,
    /// The opstamp of the commit `checkpoint` was read from (or made by this process): a
    /// writer that finds a later commit when it takes the lock plans again from that one.
    pub opstamp: u64,
    /// The writer a follower keeps open between updates (see `update::update_keeping`).
    pub writer: Option<tantivy::IndexWriter<tantivy::TantivyDocument>>,
    /// The pattern miner, loaded by `update` from the side file `checkpoint` names.
    pub miner: Option<super::pattern_state::Mined>,
}

/// Opens the index in `dir` for `roots`, creating or rebuilding it as needed. `notes` receives
/// what was done (a rebuild, and why).
pub fn open(dir: &Path, roots: &[PathBuf], notes: &mut Vec<String>) -> Result<Store, IndexError> {
    check_safe(dir)?;
    if let Ok(mut d) = IN_USE.lock() {
        *d = Some(dir.to_path_buf());
    }
    let has_entries = fs::read_dir(dir)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if has_entries {
        let Some(marker) = read_marker(dir) else {
            return Err(IndexError::Foreign(dir.to_path_buf()));
        };
        let covers = roots
            .iter()
            .all(|p| marker.roots.iter().any(|r| p.starts_with(r)));
        if !covers {
            notes.push(format!(
                "index at {} covered {}; rebuilding it for {}",
                dir.display(),
                show_paths(&marker.roots),
                show_paths(roots)
            ));
        } else if let Ok(why) = fs::read_to_string(dir.join(DAMAGED)) {
            notes.push(format!(
                "index at {} was found damaged ({}); rebuilding it from the logs",
                dir.display(),
                crate::output::escape::escape_controls(why.trim(), false)
            ));
        } else {
            match open_existing(dir) {
                Ok(store) => return Ok(store),
                Err(reason) => notes.push(format!(
                    "index at {} is unusable ({}); rebuilding it",
                    dir.display(),
                    crate::output::error_text::brief(&reason, 200)
                )),
            }
        }
        if writer_busy(dir) {
            // Another process is writing it: rebuilding would pull it from under that one.
            // Its last commit is used while it can be read; the rebuild waits.
            let why = notes.pop().unwrap_or_default();
            return open_existing(dir).map_err(|_| IndexError::InUse {
                path: dir.to_path_buf(),
                why,
            });
        }
        return create(dir, roots, true);
    }
    create(dir, roots, false)
}

/// Refuses an index folder that another user could have prepared: one that is a symbolic
/// link, is owned by another user, is writable by others, or holds symbolic links (tantivy
/// would follow them when it writes). Its parent must not be a link either, and must be the
/// user's or root's.
fn check_safe(dir: &Path) -> Result<(), IndexError> {
    use std::os::unix::fs::MetadataExt;
    let unsafe_ = |why: String| IndexError::Unsafe {
        path: dir.to_path_buf(),
        why,
    };
    let uid = nix::unistd::geteuid().as_raw();
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty())
        && let Ok(meta) = fs::symlink_metadata(parent)
    {
        if meta.file_type().is_symlink() {
            // A link the user made to put indexes elsewhere is fine if it leads to a folder
            // of theirs.
            let target = fs::metadata(parent).map_err(|e| IndexError::io(parent, e))?;
            if target.uid() != uid && target.uid() != 0 {
                return Err(unsafe_(format!(
                    "its parent folder is a link to a folder owned by user {}",
                    target.uid()
                )));
            }
        } else if meta.uid() != uid && meta.uid() != 0 && meta.mode() & 0o1000 == 0 {
            return Err(unsafe_(format!(
                "its parent folder is owned by user {}",
                meta.uid()
            )));
        }
    }
    let meta = match fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(IndexError::io(dir, e)),
    };
    if meta.file_type().is_symlink() {
        return Err(unsafe_("it is a symbolic link".into()));
    }
    if !meta.is_dir() {
        return Err(IndexError::Foreign(dir.to_path_buf()));
    }
    if meta.uid() != uid {
        let owner = nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(meta.uid()))
            .ok()
            .flatten()
            .map_or_else(|| format!("user {}", meta.uid()), |u| u.name);
        return Err(IndexError::OwnedByOther {
            path: dir.to_path_buf(),
            owner,
        });
    }
    if meta.mode() & 0o022 != 0 {
        return Err(unsafe_(format!(
            "others may write in it (mode {:o})",
            meta.mode() & 0o777
        )));
    }
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_symlink()) {
                return Err(unsafe_(format!(
                    "it holds a symbolic link ({})",
                    crate::output::escape::escape_controls(
                        &entry.file_name().to_string_lossy(),
                        false
                    )
                )));
            }
        }
    }
    Ok(())
}

fn show_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// True when a process (this one included, through another handle) holds the index's writer
/// lock: the index is in use and must not be replaced or marked for a rebuild.
pub fn writer_busy(dir: &Path) -> bool {
    let Ok(file) = fs::File::open(dir.join(WRITER_LOCK)) else {
        return false;
    };
    matches!(file.try_lock(), Err(fs::TryLockError::WouldBlock))
}

/// tantivy's writer lock file (held with `flock` by the process writing).
const WRITER_LOCK: &str = ".tantivy-writer.lock";

/// What identifies one commit's `meta.json` (written by rename, so a commit changes it).
fn meta_stamp(dir: &Path) -> Option<(u64, i64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = fs::metadata(dir.join("meta.json")).ok()?;
    Some((m.ino(), m.mtime_nsec(), m.size()))
}

/// Opens the index as last committed. A commit landing while it is being opened can remove
/// what the previous commit named (its checkpoint side file, merged segments): that is tried
/// again, and only a failure with no commit meanwhile is taken to be the index's own.
fn open_existing(dir: &Path) -> Result<Store, String> {
    let mut last = String::new();
    for _ in 0..10 {
        let before = meta_stamp(dir);
        match open_existing_once(dir) {
            Ok(store) => return Ok(store),
            Err(why) if meta_stamp(dir) != before => last = why,
            Err(why) => return Err(why),
        }
    }
    Err(last)
}

fn open_existing_once(dir: &Path) -> Result<Store, String> {
    let marker = read_marker(dir).ok_or("marker unreadable")?;
    if marker.version != VERSION {
        return Err(format!(
            "made by index version {}, this is {VERSION}",
            marker.version
        ));
    }
    super::trace::line(|| "open: start".into());
    let index = Index::open_in_dir(dir).map_err(|e| e.to_string())?;
    super::trace::line(|| "open: tantivy opened".into());
    let fields = Fields::from_schema(&index.schema()).ok_or("its schema is another version's")?;
    register_tokenizers(&index);
    let metas = index.load_metas().map_err(|e| e.to_string())?;
    let checkpoint = match metas.payload {
        Some(p) => super::checkpoint_file::read(dir, &p)?,
        None if metas.segments.is_empty() => Checkpoint::new(marker.roots.clone()),
        None => return Err("documents without a checkpoint".into()),
    };
    super::trace::line(|| "open: checkpoint read".into());
    if checkpoint.version != VERSION {
        return Err(format!("checkpoint version {}", checkpoint.version));
    }
    super::pattern_state::verify(dir, checkpoint.patterns.as_deref())?;
    // Every segment file must be there and readable: open a reader once.
    index.reader().map_err(|e| e.to_string())?;
    super::trace::line(|| "open: reader opened".into());
    Ok(Store {
        dir: dir.to_path_buf(),
        index,
        fields,
        checkpoint,
        opstamp: metas.opstamp,
        writer: None,
        miner: None,
    })
}

/// Creates the index in a new folder beside `dir` and renames it into place, so that no crash
/// leaves a half-made index (a folder without its marker would be refused ever after). An
/// existing folder at `dir` (empty, or an unusable index of ours) is swapped out and removed.
/// When another process created the index meanwhile, that one is opened.
fn create(dir: &Path, roots: &[PathBuf], replace: bool) -> Result<Store, IndexError> {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(parent)
        .map_err(|e| IndexError::io(parent, e))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "index".into());
    remove_stale_temporaries(parent, &name);
    let temp = parent.join(format!(".{name}.tl-new-{}", std::process::id()));
    let _ = fs::remove_dir_all(&temp);
    fs::DirBuilder::new()
        .mode(0o700)
        .create(&temp)
        .map_err(|e| IndexError::io(&temp, e))?;
    let made = make_index(&temp, roots);
    if let Err(e) = made {
        let _ = fs::remove_dir_all(&temp);
        return Err(e);
    }
    match fs::rename(&temp, dir) {
        Ok(()) => {}
        Err(e)
            if [nix::errno::Errno::ENOTEMPTY, nix::errno::Errno::EEXIST]
                .iter()
                .any(|&n| e.raw_os_error() == Some(n as i32)) =>
        {
            let old = parent.join(format!(".{name}.tl-old-{}", std::process::id()));
            if !replace && read_marker(dir).is_some() && open_existing(dir).is_ok() {
                // Another process made it meanwhile: use theirs.
                let _ = fs::remove_dir_all(&temp);
                return open_existing(dir)
                    .map_err(|why| IndexError::io(dir, std::io::Error::other(why)));
            }
            let empty = fs::read_dir(dir)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if !empty && read_marker(dir).is_none() {
                let _ = fs::remove_dir_all(&temp);
                return Err(IndexError::Foreign(dir.to_path_buf()));
            }
            fs::rename(dir, &old).map_err(|e| IndexError::io(dir, e))?;
            fs::rename(&temp, dir).map_err(|e| IndexError::io(dir, e))?;
            let _ = fs::remove_dir_all(&old);
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&temp);
            return Err(IndexError::io(dir, e));
        }
    }
    open_existing(dir).map_err(|why| IndexError::io(dir, std::io::Error::other(why)))
}

/// Builds an empty index with its marker in `dir`.
fn make_index(dir: &Path, roots: &[PathBuf]) -> Result<(), IndexError> {
    let (schema, _) = Fields::build();
    // zstd 3 in 32 KB blocks: an event of a compressed file read back alone (a sparse hit, a
    // phrase's candidate) costs a small block to decompress. Level 6 in 128 KB blocks stored
    // 455 MB of text in 80 MB instead of 95, for 12% more CPU in a first index and a sparse
    // phrase search 30% slower.
    let settings = tantivy::IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(3),
        }),
        docstore_blocksize: 32 * 1024,
        ..Default::default()
    };
    Index::builder()
        .schema(schema)
        .settings(settings)
        .create_in_dir(dir)
        .map_err(|e| IndexError::tantivy(dir, e))?;
    let marker = Marker {
        version: VERSION,
        roots: roots.to_vec(),
    };
    let text = serde_json::to_string_pretty(&marker)
        .map_err(|e| IndexError::io(dir, std::io::Error::other(e.to_string())))?;
    fs::write(dir.join(MARKER), text).map_err(|e| IndexError::io(dir, e))?;
    restrict_permissions(dir);
    Ok(())
}

/// Removes folders left by a crash while creating or swapping an index beside `name`
/// (`.NAME.tl-new-PID`, `.NAME.tl-old-PID` of processes no longer running).
fn remove_stale_temporaries(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefix = format!(".{name}.tl-");
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&prefix) else {
            continue;
        };
        let pid = rest.rsplit('-').next().and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|p| Path::new(&format!("/proc/{p}")).exists());
        if !alive && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// An in-memory index (for stdin).
/// The checkpoint of the index's last commit (made by another writer, maybe) with that
/// commit's opstamp and segments, if readable.
pub fn committed_checkpoint(store: &Store) -> Option<Committed> {
    let metas = store.index.load_metas().ok()?;
    let segments = metas
        .segments
        .iter()
        .map(|s| (s.id(), s.delete_opstamp()))
        .collect();
    let checkpoint = match metas.payload {
        Some(payload) => super::checkpoint_file::read(&store.dir, &payload).ok()?,
        None if metas.segments.is_empty() => Checkpoint::new(store.checkpoint.roots.clone()),
        None => return None,
    };
    Some(Committed {
        checkpoint,
        opstamp: metas.opstamp,
        segments,
    })
}

/// A commit's checkpoint, and what identifies the commit to a reader.
pub struct Committed {
    pub checkpoint: Checkpoint,
    pub opstamp: u64,
    /// Each segment with its delete opstamp: equal to a searcher's generation when the
    /// searcher shows exactly this commit's documents.
    pub segments: std::collections::BTreeMap<tantivy::index::SegmentId, Option<u64>>,
}

pub fn in_ram() -> Store {
    let (schema, fields) = Fields::build();
    let index = Index::create_in_ram(schema);
    register_tokenizers(&index);
    Store {
        dir: PathBuf::from("-"),
        index,
        fields,
        checkpoint: Checkpoint::new(vec![PathBuf::from("-")]),
        opstamp: 0,
        writer: None,
        miner: None,
    }
}

/// Makes every file of the index private (0600): it holds what the logs hold. Links are
/// never followed.
pub fn restrict_permissions(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                let _ = fs::set_permissions(&path, fs::Permissions::from_mode(0o600));
            }
        }
    }
}
