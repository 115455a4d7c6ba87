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

/// Bytes read at once from a plain file once events are asked for in file order and close
/// together (a search's hits, a phrase's candidates): they then mostly lie within one read.
const READ_AHEAD: usize = 64 * 1024;

/// Reads event texts within one segment, keeping files open between events and the last bytes
/// read from them.
pub struct SegmentTexts {
    table: FileTable,
    fields: Fields,
    store: Option<StoreReader>,
    open: HashMap<u64, Option<File>>,
    window: Window,
}

/// The bytes last read from a plain file: `bytes` starting at `start` in file `file`.
#[derive(Default)]
struct Window {
    file: u64,
    start: u64,
    bytes: Vec<u8>,
}

impl Window {
    fn get(&self, file: u64, offset: u64, len: usize) -> Option<&[u8]> {
        if self.file != file || offset < self.start {
            return None;
        }
        let from = usize::try_from(offset - self.start).ok()?;
        self.bytes.get(from..from.checked_add(len)?)
    }
}

impl SegmentTexts {
    pub fn new(table: FileTable, fields: Fields, store: Option<StoreReader>) -> SegmentTexts {
        SegmentTexts {
            table,
            fields,
            store,
            open: HashMap::new(),
            window: Window::default(),
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
        let len = usize::try_from(len).ok()?;
        if let Some(bytes) = self.window.get(file, offset, len) {
            return Some(clean_text(bytes));
        }
        let handle = self
            .open
            .entry(file)
            .or_insert_with(|| open_same(state))
            .as_ref()?;
        // Read ahead only when this event follows closely on the last one read from the file.
        let window_end = self.window.start + self.window.bytes.len() as u64;
        let sequential = self.window.file == file
            && offset >= self.window.start
            && offset < window_end + READ_AHEAD as u64;
        let want = if sequential { len.max(READ_AHEAD) } else { len };
        self.window.bytes.resize(want, 0);
        let got = read_at_most(handle, &mut self.window.bytes, offset);
        self.window.bytes.truncate(got);
        self.window.file = file;
        self.window.start = offset;
        self.window.get(file, offset, len).map(clean_text)
    }
}

/// Reads from `offset` until `buf` is full or the file ends; returns the bytes read.
fn read_at_most(file: &File, buf: &mut [u8], offset: u64) -> usize {
    let mut done = 0;
    while done < buf.len() {
        match file.read_at(&mut buf[done..], offset + done as u64) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    done
}

#[cfg(test)]
mod tests {
    use super::{Window, read_at_most};
    use std::io::Write;

    #[test]
    fn a_window_serves_only_events_wholly_inside_it() {
        let w = Window {
            file: 7,
            start: 100,
            bytes: b"0123456789".to_vec(),
        };
        assert_eq!(w.get(7, 100, 3), Some(&b"012"[..]));
        assert_eq!(w.get(7, 105, 5), Some(&b"56789"[..]));
        assert_eq!(w.get(7, 105, 6), None, "runs past the bytes read");
        assert_eq!(w.get(7, 99, 2), None, "starts before them");
        assert_eq!(w.get(8, 100, 3), None, "another file");
    }

    #[test]
    fn reading_stops_at_the_end_of_the_file() {
        let mut f = tempfile::tempfile().expect("tempfile");
        f.write_all(b"abcdef").expect("write");
        let mut buf = vec![0u8; 64];
        assert_eq!(read_at_most(&f, &mut buf, 2), 4);
        assert_eq!(&buf[..4], b"cdef");
        assert_eq!(read_at_most(&f, &mut buf, 10), 0);
    }
}
