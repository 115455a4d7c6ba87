//! Reading an event's text back: from its file at (offset, len) for plain files, from the
//! stored field for compressed ones.

use super::checkpoint::FileState;
use super::schema::Fields;
use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::Arc;
use tantivy::schema::Value;
use tantivy::store::StoreReader;
use tantivy::{DocId, TantivyDocument};

/// The files of an index by id, shared by readers of event text.
#[derive(Debug, Clone, Default)]
pub struct FileTable {
    files: Arc<HashMap<u64, FileState>>,
}

impl FileTable {
    pub fn new(files: &[FileState]) -> FileTable {
        FileTable {
            files: Arc::new(files.iter().map(|f| (f.id, f.clone())).collect()),
        }
    }

    pub fn get(&self, id: u64) -> Option<&FileState> {
        self.files.get(&id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &FileState> {
        self.files.values()
    }
}

/// Opens a file only if it is still the one indexed (same device and inode): after a rotation
/// the old path may hold another file, whose bytes at that offset are not this event.
fn open_same(state: &FileState) -> Option<File> {
    use std::os::unix::fs::MetadataExt;
    let file = File::open(&state.path).ok()?;
    let meta = file.metadata().ok()?;
    (meta.dev() == state.dev && meta.ino() == state.ino).then_some(file)
}

/// Turns raw event bytes into display text: lossy UTF-8, no `\r` before `\n`, no final newline.
pub fn clean_text(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    let s = s.strip_suffix('\n').unwrap_or(&s);
    let s = s.strip_suffix('\r').unwrap_or(s);
    if s.contains('\r') {
        s.replace("\r\n", "\n")
    } else {
        s.to_string()
    }
}

/// Reads event texts within one segment, keeping files open between events.
pub struct SegmentTexts {
    table: FileTable,
    fields: Fields,
    store: Option<StoreReader>,
    open: HashMap<u64, Option<File>>,
}

impl SegmentTexts {
    pub fn new(table: FileTable, fields: Fields, store: Option<StoreReader>) -> SegmentTexts {
        SegmentTexts {
            table,
            fields,
            store,
            open: HashMap::new(),
        }
    }

    /// The text of the event `doc` of file `file` at (offset, len); `None` when it cannot be read
    /// (the file was truncated or removed since the last update).
    pub fn text(&mut self, doc: DocId, file: u64, offset: u64, len: u64) -> Option<String> {
        let state = self.table.get(file)?;
        if state.compression.is_some() {
            let store = self.store.as_ref()?;
            let d: TantivyDocument = store.get(doc).ok()?;
            return d
                .get_first(self.fields.stored)
                .and_then(|v| v.as_str())
                .map(str::to_string);
        }
        let handle = self
            .open
            .entry(file)
            .or_insert_with(|| open_same(state))
            .as_ref()?;
        let mut buf = vec![0u8; usize::try_from(len).ok()?];
        handle.read_exact_at(&mut buf, offset).ok()?;
        Some(clean_text(&buf))
    }
}
