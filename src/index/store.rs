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

#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    version: u32,
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
    /// The writer a follower keeps open between updates (see `update::update_keeping`).
    pub writer: Option<tantivy::IndexWriter<tantivy::TantivyDocument>>,
}

/// Opens the index in `dir` for `roots`, creating or rebuilding it as needed. `notes` receives
/// what was done (a rebuild, and why).
pub fn open(dir: &Path, roots: &[PathBuf], notes: &mut Vec<String>) -> Result<Store, IndexError> {
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
        clear(dir)?;
    }
    create(dir, roots)
}

fn show_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn open_existing(dir: &Path) -> Result<Store, String> {
    let marker = read_marker(dir).ok_or("marker unreadable")?;
    if marker.version != VERSION {
        return Err(format!(
            "made by index version {}, this is {VERSION}",
            marker.version
        ));
    }
    let index = Index::open_in_dir(dir).map_err(|e| e.to_string())?;
    let fields = Fields::from_schema(&index.schema()).ok_or("its schema is another version's")?;
    register_tokenizers(&index);
    let metas = index.load_metas().map_err(|e| e.to_string())?;
    let checkpoint = match metas.payload {
        Some(p) => serde_json::from_str::<Checkpoint>(&p)
            .map_err(|e| format!("checkpoint unreadable: {e}"))?,
        None if metas.segments.is_empty() => Checkpoint::new(marker.roots.clone()),
        None => return Err("documents without a checkpoint".into()),
    };
    if checkpoint.version != VERSION {
        return Err(format!("checkpoint version {}", checkpoint.version));
    }
    // Every segment file must be there and readable: open a reader once.
    index.reader().map_err(|e| e.to_string())?;
    Ok(Store {
        dir: dir.to_path_buf(),
        index,
        fields,
        checkpoint,
        writer: None,
    })
}

/// Removes an index's contents (only called on folders carrying our marker).
fn clear(dir: &Path) -> Result<(), IndexError> {
    for entry in fs::read_dir(dir).map_err(|e| IndexError::io(dir, e))? {
        let path = entry.map_err(|e| IndexError::io(dir, e))?.path();
        let res = if path.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        res.map_err(|e| IndexError::io(&path, e))?;
    }
    Ok(())
}

fn create(dir: &Path, roots: &[PathBuf]) -> Result<Store, IndexError> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| IndexError::io(dir, e))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
        .map_err(|e| IndexError::io(dir, e))?;
    let (schema, fields) = Fields::build();
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
    let index = Index::builder()
        .schema(schema)
        .settings(settings)
        .create_in_dir(dir)
        .map_err(|e| IndexError::tantivy(dir, e))?;
    register_tokenizers(&index);
    let marker = Marker {
        version: VERSION,
        roots: roots.to_vec(),
    };
    let text = serde_json::to_string_pretty(&marker).unwrap_or_default();
    fs::write(dir.join(MARKER), text).map_err(|e| IndexError::io(dir, e))?;
    Ok(Store {
        dir: dir.to_path_buf(),
        index,
        fields,
        checkpoint: Checkpoint::new(roots.to_vec()),
        writer: None,
    })
}

/// An in-memory index (for stdin).
/// The checkpoint of the index's last commit (made by another writer, maybe), if readable.
pub fn committed_checkpoint(store: &Store) -> Option<Checkpoint> {
    let payload = store.index.load_metas().ok()?.payload?;
    serde_json::from_str::<Checkpoint>(&payload)
        .ok()
        .filter(|c| c.version == VERSION)
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
        writer: None,
    }
}

/// Makes every file of the index private (0600): it holds what the logs hold.
pub fn restrict_permissions(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() {
                let _ = fs::set_permissions(&path, fs::Permissions::from_mode(0o600));
            }
        }
    }
}
