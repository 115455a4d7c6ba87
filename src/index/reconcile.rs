//! Matching the files on disk against the checkpoints of the last commit: which are unchanged,
//! which grew, which were renamed or compressed by rotation, which are new, which are gone.
//!
//! A file is first matched by inode (a rename keeps it). A file with an unknown inode is matched
//! by the hash of its first content bytes (a gzipped or copied file keeps those). A file whose
//! head matches a checkpoint that another file already holds is a copy being made (logrotate's
//! `copytruncate`, or `gzip` before it removes the original): it is deferred to the next run,
//! when the rotation is over, so no line is indexed twice.

use super::checkpoint::FileState;
use crate::source::identity::{HEAD_LEN, hash_bytes, is_replaced, open_same};
use crate::source::{Compression, Discovered, FileStat};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::PathBuf;

/// What to do with one file.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Nothing new; the file may have moved to `path` (or to a new inode: `stat`).
    Unchanged {
        id: u64,
        path: PathBuf,
        stat: FileStat,
    },
    /// The file grew (or was renamed and grew): read on from the checkpoint.
    Resume {
        id: u64,
        path: PathBuf,
        stat: FileStat,
        compression: Option<Compression>,
    },
    /// Known content now compressed: its documents need their text stored, so re-read it.
    Reindex {
        id: u64,
        path: PathBuf,
        stat: FileStat,
        compression: Option<Compression>,
    },
    /// Never seen: read from the start.
    New {
        path: PathBuf,
        stat: FileStat,
        compression: Option<Compression>,
    },
    /// A copy of a file that is being indexed (a rotation in progress): wait.
    Defer { path: PathBuf, of: PathBuf },
}

/// The plan for one run, and the checkpoints whose file is gone.
#[derive(Debug, Default)]
pub struct Plan {
    pub actions: Vec<Action>,
    pub gone: Vec<u64>,
    /// Files that could not be read while being matched.
    pub unreadable: Vec<(PathBuf, String)>,
    /// Files replaced between their listing and their reading (a rotation under way): they are
    /// looked at again, and meanwhile no identity is taken for gone.
    pub moving: Vec<PathBuf>,
}

/// A file's (device, inode): what it was when listed, checked again when it is read.
pub type Identity = (u64, u64);

/// Reads content bytes of the files being matched. Each read names the identity the file had
/// when it was listed (when known): a file replaced since is an error that
/// [`is_replaced`] recognises, and the plan waits for the rotation to end.
pub trait HeadReader {
    /// The first `len` content bytes (decompressed).
    fn head(
        &self,
        path: &std::path::Path,
        identity: Option<Identity>,
        compression: Option<Compression>,
        len: usize,
    ) -> std::io::Result<Vec<u8>>;

    /// `len` content bytes at `start` of a plain file (an error other than a replaced file:
    /// cannot tell, taken as unchanged).
    fn range(
        &self,
        _path: &std::path::Path,
        _identity: Identity,
        _start: u64,
        _len: usize,
    ) -> std::io::Result<Vec<u8>> {
        Err(std::io::ErrorKind::Unsupported.into())
    }

    /// Whether a recently written compressed file is complete (not still being compressed).
    fn complete(
        &self,
        _path: &std::path::Path,
        _identity: Identity,
        _compression: Compression,
    ) -> bool {
        true
    }
}

/// Reads heads from the file system.
pub struct FsHeads;

impl FsHeads {
    fn open(path: &std::path::Path, identity: Option<Identity>) -> std::io::Result<std::fs::File> {
        match identity {
            Some(id) => open_same(path, id),
            None => std::fs::File::open(path),
        }
    }
}

impl HeadReader for FsHeads {
    fn range(
        &self,
        path: &std::path::Path,
        identity: Identity,
        start: u64,
        len: usize,
    ) -> std::io::Result<Vec<u8>> {
        use std::os::unix::fs::FileExt;
        let file = open_same(path, identity)?;
        let mut buf = vec![0u8; len];
        let mut done = 0;
        while done < len {
            match file.read_at(&mut buf[done..], start + done as u64) {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        buf.truncate(done);
        Ok(buf)
    }

    fn complete(
        &self,
        path: &std::path::Path,
        identity: Identity,
        compression: Compression,
    ) -> bool {
        open_same(path, identity)
            .is_ok_and(|file| crate::source::compress::is_complete(file, compression))
    }

    fn head(
        &self,
        path: &std::path::Path,
        identity: Option<Identity>,
        compression: Option<Compression>,
        len: usize,
    ) -> std::io::Result<Vec<u8>> {
        crate::source::compress::content_prefix_of(Self::open(path, identity)?, compression, len)
    }
}

/// A compressed file modified this recently and not decodable to its end is taken to be still
/// being written (logrotate's `compress`), not a damaged file.
pub const YOUNG_NS: i64 = 5_000_000_000;

/// Fewer bytes than this in a file named as compressed: its header is not all written yet.
const NAMED_COMPRESSED_MIN: u64 = 18;

/// Whether the file's name says it is compressed (what it holds is still read by its bytes).
fn named_compressed(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["gz", "bz2", "xz", "zst"].contains(&e.to_ascii_lowercase().as_str()))
}

/// Builds the plan. `files` are the discovered files with their stats; `now_ns` tells which
/// compressed files are young (see [`YOUNG_NS`]).
pub fn plan(
    known: &[FileState],
    files: &[(Discovered, FileStat)],
    heads: &dyn HeadReader,
    now_ns: i64,
) -> Plan {
    let mut plan = Plan {
        actions: Vec::with_capacity(files.len()),
        ..Plan::default()
    };
    // Fx hashing and sizes known up front: with 100k files these maps were a fifth of planning.
    let by_inode: HashMap<(u64, u64), usize> = known
        .iter()
        .enumerate()
        .map(|(i, f)| ((f.dev, f.ino), i))
        .collect();
    let mut claimed: HashSet<usize> =
        HashSet::with_capacity_and_hasher(known.len(), Default::default());
    // Which file claimed a checkpoint (known index → files index).
    let mut claimer: HashMap<usize, usize> =
        HashMap::with_capacity_and_hasher(known.len(), Default::default());
    let mut unmatched: Vec<usize> = Vec::new();
    // (checkpoint, file) pairs the inode match ruled out: the file under that inode no longer
    // holds what was indexed, so its head matching the checkpoint's proves nothing.
    let mut rejected: HashSet<(usize, usize)> = HashSet::default();
    // A rotation is under way (a file being compressed or copied, or replaced while looked
    // at): every identity is kept alive until it is over, since the file it went to may not
    // be listed yet.
    let mut in_flux = false;

    for (n, (d, stat)) in files.iter().enumerate() {
        let Some(&i) = by_inode.get(&(stat.dev, stat.ino)) else {
            unmatched.push(n);
            continue;
        };
        let k = &known[i];
        if k.compression != d.compression {
            unmatched.push(n);
            continue;
        }
        if k.size == stat.size && k.mtime_ns == stat.mtime_ns {
            claimed.insert(i);
            claimer.insert(i, n);
            plan.actions.push(Action::Unchanged {
                id: k.id,
                path: d.path.clone(),
                stat: *stat,
            });
            continue;
        }
        let check = if stat.size < k.size {
            Ok(false)
        } else {
            head_matches(k, d, stat, heads).and_then(|same| {
                if same {
                    tail_matches(k, d, stat, heads)
                } else {
                    Ok(false)
                }
            })
        };
        let same_head = match check {
            Ok(same) => same,
            Err(e) if is_replaced(&e) => {
                // Renamed away after its `stat`: where it went is seen by the next survey.
                in_flux = true;
                plan.moving.push(d.path.clone());
                continue;
            }
            Err(_) => false,
        };
        if !same_head {
            // Cut short, or rewritten under the same inode: not this checkpoint's file.
            rejected.insert((i, n));
        }
        if same_head {
            claimed.insert(i);
            claimer.insert(i, n);
            plan.actions.push(Action::Resume {
                id: k.id,
                path: d.path.clone(),
                stat: *stat,
                compression: d.compression,
            });
        } else {
            // New content under a known inode: truncated in place (copytruncate), or an inode
            // freed by a deleted file and reused (logrotate deletes the oldest `.gz` and then
            // writes the next one). Content matching decides which file this is.
            unmatched.push(n);
        }
    }

    // Content matching for files with an unknown inode.
    let mut by_head: HashMap<(u32, u64), Vec<usize>> = HashMap::default();
    for (i, k) in known.iter().enumerate() {
        if k.head_len > 0 {
            by_head
                .entry((k.head_len, k.head_hash))
                .or_default()
                .push(i);
        }
    }
    let mut lens: Vec<u32> = by_head.keys().map(|(l, _)| *l).collect();
    lens.sort_unstable_by(|a, b| b.cmp(a));
    lens.dedup();
    for n in unmatched {
        let (d, stat) = &files[n];
        if let Some(c) = d.compression
            && now_ns - stat.mtime_ns < YOUNG_NS
            && !heads.complete(&d.path, (stat.dev, stat.ino), c)
        {
            // Still being compressed: its head may not be readable yet. Wait, and keep every
            // identity alive meanwhile (the file it comes from may already be gone).
            in_flux = true;
            plan.actions.push(Action::Defer {
                path: d.path.clone(),
                of: d.path.clone(),
            });
            continue;
        }
        if d.compression.is_none()
            && stat.size < NAMED_COMPRESSED_MIN
            && now_ns - stat.mtime_ns < YOUNG_NS
            && named_compressed(&d.path)
        {
            // A `.gz` (or `.bz2`, `.xz`, `.zst`) just created and not yet holding its header:
            // being compressed. Read as it is, it would be taken for plain text.
            in_flux = true;
            plan.actions.push(Action::Defer {
                path: d.path.clone(),
                of: d.path.clone(),
            });
            continue;
        }
        if stat.size == 0 {
            // Nothing to read, and nothing to know it by: an identity given now would take
            // whatever the file receives for its own, a copy of another file included
            // (`copytruncate` creates the copy empty, then fills it). It is looked at again
            // once it holds something.
            continue;
        }
        let prefix = match heads.head(&d.path, Some((stat.dev, stat.ino)), d.compression, HEAD_LEN)
        {
            Ok(p) => p,
            Err(e) if is_replaced(&e) => {
                in_flux = true;
                plan.moving.push(d.path.clone());
                continue;
            }
            Err(e) => {
                plan.unreadable
                    .push((d.path.clone(), crate::source::discover::describe_io(&e)));
                continue;
            }
        };
        let mut matched = None;
        for &len in &lens {
            if prefix.len() < len as usize {
                continue;
            }
            if let Some(cands) = by_head.get(&(len, hash_bytes(&prefix[..len as usize]))) {
                // A file cut short in place (`truncate`, `> file`) under the same inode is not
                // the continuation of what it held: its checkpoint is gone, the file is new.
                let usable: Vec<usize> = cands
                    .iter()
                    .copied()
                    .filter(|&i| !rejected.contains(&(i, n)))
                    .collect();
                matched = usable
                    .iter()
                    .copied()
                    .find(|i| !claimed.contains(i))
                    .map(Ok)
                    .or_else(|| {
                        // The same head as a file already matched: a copy of it being made
                        // (`copytruncate` mid-copy) when its content so far is the start of
                        // that file's; otherwise two files that merely open alike.
                        usable
                            .iter()
                            .copied()
                            .find(|i| {
                                claimer
                                    .get(i)
                                    .is_some_and(|&c| is_copy_of(&files[n], &files[c], heads))
                            })
                            .map(Err)
                    });
                if matched.is_some() {
                    break;
                }
            }
        }
        match matched {
            Some(Ok(i)) => {
                claimed.insert(i);
                claimer.insert(i, n);
                let k = &known[i];
                let path = d.path.clone();
                let action = if k.compression != d.compression {
                    Action::Reindex {
                        id: k.id,
                        path,
                        stat: *stat,
                        compression: d.compression,
                    }
                } else if k.size == stat.size && k.mtime_ns == stat.mtime_ns {
                    Action::Unchanged {
                        id: k.id,
                        path,
                        stat: *stat,
                    }
                } else {
                    Action::Resume {
                        id: k.id,
                        path,
                        stat: *stat,
                        compression: d.compression,
                    }
                };
                plan.actions.push(action);
            }
            Some(Err(i)) => plan.actions.push(Action::Defer {
                path: d.path.clone(),
                of: known[i].path.clone(),
            }),
            None => match partial_copy_of(known, d, &prefix, heads) {
                // Too short to carry a whole head hash, and the start of a file beside it: a
                // copy being made (logrotate's copytruncate, caught mid-copy). Wait, and keep
                // every identity alive meanwhile.
                Some(of) => {
                    in_flux = true;
                    plan.actions.push(Action::Defer {
                        path: d.path.clone(),
                        of,
                    });
                }
                None => plan.actions.push(Action::New {
                    path: d.path.clone(),
                    stat: *stat,
                    compression: d.compression,
                }),
            },
        }
    }

    if !in_flux {
        plan.gone = known
            .iter()
            .enumerate()
            .filter(|(i, _)| !claimed.contains(i))
            .map(|(_, k)| k.id)
            .collect();
    }
    plan
}

/// Bytes compared to tell a copy being made from a file that only opens like another.
const COPY_CHECK_LEN: usize = 64 * 1024;

/// Whether `copy`'s content so far is the start of `original`'s (over the first
/// [`COPY_CHECK_LEN`] bytes): what a copy being made looks like.
fn is_copy_of(
    (copy, copy_stat): &(Discovered, FileStat),
    (original, original_stat): &(Discovered, FileStat),
    heads: &dyn HeadReader,
) -> bool {
    let read = |d: &Discovered, st: &FileStat| {
        heads.head(
            &d.path,
            Some((st.dev, st.ino)),
            d.compression,
            COPY_CHECK_LEN,
        )
    };
    let (Ok(a), Ok(b)) = (read(copy, copy_stat), read(original, original_stat)) else {
        return true;
    };
    let n = a.len().min(b.len());
    a[..n] == b[..n]
}

/// Whether the bytes before the resume offset are still those indexed (plain files with a
/// recorded [`FileState::tail_check`]; anything else, or bytes that cannot be read, is taken
/// as unchanged). The one error: the file was replaced since it was listed.
fn tail_matches(
    k: &FileState,
    d: &Discovered,
    stat: &FileStat,
    heads: &dyn HeadReader,
) -> std::io::Result<bool> {
    let (Some(check), None) = (k.tail_check, d.compression) else {
        return Ok(true);
    };
    let start = k.offset.saturating_sub(u64::from(check.len));
    match heads.range(&d.path, (stat.dev, stat.ino), start, check.len as usize) {
        Ok(bytes) => Ok(bytes.len() == check.len as usize && hash_bytes(&bytes) == check.hash),
        Err(e) if is_replaced(&e) => Err(e),
        Err(_) => Ok(true),
    }
}

/// A known file in the same folder whose content starts with `prefix`, when `prefix` is
/// shorter than a full head (a file being copied shows only its first bytes).
fn partial_copy_of(
    known: &[FileState],
    d: &Discovered,
    prefix: &[u8],
    heads: &dyn HeadReader,
) -> Option<PathBuf> {
    if prefix.is_empty() || prefix.len() >= HEAD_LEN {
        return None;
    }
    let dir = d.path.parent()?;
    known
        .iter()
        .filter(|k| {
            k.path.parent() == Some(dir) && k.path != d.path && k.size as usize > prefix.len()
        })
        .find(|k| {
            heads
                .head(&k.path, None, k.compression, prefix.len())
                .is_ok_and(|h| h == prefix)
        })
        .map(|k| k.path.clone())
}

fn head_matches(
    k: &FileState,
    d: &Discovered,
    stat: &FileStat,
    heads: &dyn HeadReader,
) -> std::io::Result<bool> {
    if k.head_len == 0 {
        return Ok(true);
    }
    let prefix = heads.head(
        &d.path,
        Some((stat.dev, stat.ino)),
        d.compression,
        k.head_len as usize,
    )?;
    Ok(prefix.len() == k.head_len as usize && hash_bytes(&prefix) == k.head_hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::LineContext;
    use std::collections::HashMap;
    use std::path::Path;

    /// Heads served from memory: path → content.
    struct MemHeads(HashMap<PathBuf, Vec<u8>>);

    impl HeadReader for MemHeads {
        fn head(
            &self,
            path: &Path,
            _: Option<Identity>,
            _: Option<Compression>,
            len: usize,
        ) -> std::io::Result<Vec<u8>> {
            let c = self.0.get(path).cloned().unwrap_or_default();
            Ok(c[..c.len().min(len)].to_vec())
        }
    }

    /// Heads where the files under some paths were replaced after the survey listed them.
    struct Replacing(MemHeads, Vec<PathBuf>);

    impl HeadReader for Replacing {
        fn head(
            &self,
            path: &Path,
            id: Option<Identity>,
            c: Option<Compression>,
            len: usize,
        ) -> std::io::Result<Vec<u8>> {
            if id.is_some() && self.1.iter().any(|p| p == path) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    crate::source::identity::Replaced,
                ));
            }
            self.0.head(path, id, c, len)
        }
    }

    fn state(
        id: u64,
        path: &str,
        ino: u64,
        content: &[u8],
        compression: Option<Compression>,
    ) -> FileState {
        let head_len = content.len().min(HEAD_LEN);
        FileState {
            id,
            path: path.into(),
            dev: 1,
            ino,
            compression,
            size: content.len() as u64,
            mtime_ns: 100,
            offset: 0,
            line: 0,
            head_len: head_len as u32,
            head_hash: hash_bytes(&content[..head_len]),
            tail_check: None,
            format: "rfc3164".into(),
            configured: None,
            ctx: LineContext {
                zone: "UTC".into(),
                mtime_us: 0,
                year: None,
                last_month: None,
                carry: Default::default(),
                named: Default::default(),
            },
            last_ts: None,
            tail_indexed: false,
            events: 0,
            first_ts: None,
            max_ts: None,
            garbled: Default::default(),
        }
    }

    fn file(
        path: &str,
        ino: u64,
        size: u64,
        mtime: i64,
        c: Option<Compression>,
    ) -> (Discovered, FileStat) {
        (
            Discovered {
                path: path.into(),
                compression: c,
            },
            FileStat {
                dev: 1,
                ino,
                size,
                mtime_ns: mtime,
            },
        )
    }

    const OLD: &[u8] = b"Nov 22 07:39:58 vm a: one\nNov 22 07:39:59 vm a: two\n";

    #[test]
    fn rename_and_create_keeps_identity_and_reads_the_new_file() {
        let known = [state(1, "/l/x", 10, OLD, None)];
        let heads = MemHeads(HashMap::from([
            (PathBuf::from("/l/x.1"), OLD.to_vec()),
            (
                PathBuf::from("/l/x"),
                b"Nov 22 08:00:00 vm a: new\n".to_vec(),
            ),
        ]));
        let files = [
            file("/l/x", 11, 26, 200, None),
            file("/l/x.1", 10, OLD.len() as u64, 100, None),
        ];
        let p = plan(&known, &files, &heads, 0);
        assert!(
            p.actions.iter().any(|a| matches!(a,
                Action::Unchanged { id: 1, path, .. } if path == Path::new("/l/x.1"))),
            "{p:?}"
        );
        assert!(
            matches!(&p.actions[..], [_, _])
                && p.actions
                    .iter()
                    .any(|a| matches!(a, Action::New { path, .. } if path == Path::new("/l/x")))
        );
        assert!(p.gone.is_empty());
    }

    #[test]
    fn gzipped_rotation_is_reindexed_once_with_its_identity() {
        let known = [state(1, "/l/x.1", 10, OLD, None)];
        let heads = MemHeads(HashMap::from([(PathBuf::from("/l/x.2.gz"), OLD.to_vec())]));
        let files = [file("/l/x.2.gz", 12, 40, 300, Some(Compression::Gzip))];
        let p = plan(&known, &files, &heads, 0);
        assert!(
            matches!(&p.actions[..], [Action::Reindex { id: 1, .. }]),
            "{p:?}"
        );
        assert!(p.gone.is_empty());
    }

    #[test]
    fn copy_in_progress_is_deferred_and_truncation_reads_from_start() {
        let known = [state(1, "/l/x", 10, OLD, None)];
        // copytruncate, caught between the copy and the truncation.
        let heads = MemHeads(HashMap::from([
            (PathBuf::from("/l/x"), OLD.to_vec()),
            (PathBuf::from("/l/x.1"), OLD.to_vec()),
        ]));
        let files = [
            file("/l/x", 10, OLD.len() as u64, 100, None),
            file("/l/x.1", 13, OLD.len() as u64, 150, None),
        ];
        let p = plan(&known, &files, &heads, 0);
        assert!(
            p.actions.iter().any(|a| matches!(a, Action::Defer { .. })),
            "{p:?}"
        );
        // After the truncation: x has new content under the old inode; x.1 holds the old content.
        let heads = MemHeads(HashMap::from([
            (
                PathBuf::from("/l/x"),
                b"Nov 22 09:00:00 vm a: after\n".to_vec(),
            ),
            (PathBuf::from("/l/x.1"), OLD.to_vec()),
        ]));
        let files = [
            file("/l/x", 10, 28, 400, None),
            file("/l/x.1", 13, OLD.len() as u64, 150, None),
        ];
        let p = plan(&known, &files, &heads, 0);
        assert!(
            p.actions
                .iter()
                .any(|a| matches!(a, Action::New { path, .. } if path == Path::new("/l/x"))),
            "{p:?}"
        );
        assert!(
            p.actions.iter().any(
                |a| matches!(a, Action::Resume { id: 1, path, .. } if path == Path::new("/l/x.1"))
            ),
            "{p:?}"
        );
        assert!(p.gone.is_empty());
    }

    /// Heads whose compressed files are all still being written.
    struct Compressing(MemHeads);

    impl HeadReader for Compressing {
        fn head(
            &self,
            path: &Path,
            id: Option<Identity>,
            c: Option<Compression>,
            len: usize,
        ) -> std::io::Result<Vec<u8>> {
            self.0.head(path, id, c, len)
        }
        fn complete(&self, _: &Path, _: Identity, _: Compression) -> bool {
            false
        }
    }

    #[test]
    fn a_file_renamed_away_between_its_stat_and_its_reading_keeps_its_identity() {
        // The survey took x's stat (inode 10, grown), then logrotate renamed it to x.1 (not
        // listed) and created a new x: reading "x" now reads the new file. Before, the new
        // content rejected the checkpoint, x was planned as a new file with the old inode, and
        // the identity was declared gone: its lines, found again in x.1, were shown twice.
        let known = [state(1, "/l/x", 10, OLD, None)];
        let heads = Replacing(
            MemHeads(HashMap::from([(
                PathBuf::from("/l/x"),
                b"Nov 22 08:00:00 vm a: new\n".to_vec(),
            )])),
            vec![PathBuf::from("/l/x")],
        );
        let files = [file("/l/x", 10, OLD.len() as u64 + 40, 2_000, None)];
        let p = plan(&known, &files, &heads, 0);
        assert_eq!(p.moving, vec![PathBuf::from("/l/x")]);
        assert!(p.actions.is_empty(), "{:?}", p.actions);
        assert!(p.gone.is_empty(), "{:?}", p.gone);

        // Caught at the content match (an inode the checkpoint does not know) likewise.
        let files = [file("/l/x", 12, 30, 2_000, None)];
        let p = plan(&known, &files, &heads, 0);
        assert_eq!(p.moving, vec![PathBuf::from("/l/x")]);
        assert!(p.gone.is_empty(), "{:?}", p.gone);
    }

    #[test]
    fn an_empty_new_file_gets_no_identity_so_the_copy_it_becomes_is_known_for_what_it_is() {
        // copytruncate: x.1 created empty (the survey sees it so), then filled with x's content,
        // then x truncated.
        let known = [state(1, "/l/x", 10, OLD, None)];
        let heads = MemHeads(HashMap::from([
            (PathBuf::from("/l/x"), OLD.to_vec()),
            (PathBuf::from("/l/x.1"), Vec::new()),
        ]));
        let files = [
            file("/l/x", 10, OLD.len() as u64, 1_000, None),
            file("/l/x.1", 11, 0, 1_000, None),
        ];
        let p = plan(&known, &files, &heads, 2_000);
        assert!(
            !p.actions.iter().any(|a| matches!(a, Action::New { .. })),
            "{p:?}"
        );
    }

    #[test]
    fn a_gz_just_created_and_still_empty_waits_rather_than_being_read_as_text() {
        // logrotate's `compress` opens x.1.gz before writing its header; x.1 may be gone
        // already. Sniffed then, the file has no magic bytes and would be read as plain text.
        let known = [state(1, "/l/x.1", 10, OLD, None)];
        let heads = MemHeads(HashMap::from([(PathBuf::from("/l/x.1.gz"), Vec::new())]));
        let files = [file("/l/x.1.gz", 12, 0, 1_000, None)];
        let p = plan(&known, &files, &heads, 2_000);
        assert!(matches!(&p.actions[..], [Action::Defer { .. }]), "{p:?}");
        assert!(p.gone.is_empty(), "{p:?}");
        // An empty `.gz` left lying for long is just an empty file.
        let p = plan(&known, &files, &heads, 1_000 + YOUNG_NS);
        assert!(
            !p.actions.iter().any(|a| matches!(a, Action::Defer { .. })),
            "{p:?}"
        );
        // A plain file of a few bytes is read at once.
        let heads = MemHeads(HashMap::from([(PathBuf::from("/l/y"), b"a\n".to_vec())]));
        let files = [file("/l/y", 12, 2, 1_000, None)];
        let p = plan(&[], &files, &heads, 2_000);
        assert!(matches!(&p.actions[..], [Action::New { .. }]), "{p:?}");
    }

    #[test]
    fn a_gzip_being_written_waits_and_keeps_the_identity_alive() {
        let known = [state(1, "/l/x.1", 10, OLD, None)];
        let heads = Compressing(MemHeads(HashMap::from([(
            PathBuf::from("/l/x.2.gz"),
            Vec::new(),
        )])));
        let files = [file("/l/x.2.gz", 12, 10, 1_000, Some(Compression::Gzip))];
        let p = plan(&known, &files, &heads, 2_000);
        assert!(matches!(&p.actions[..], [Action::Defer { .. }]), "{p:?}");
        assert!(
            p.gone.is_empty(),
            "x.1 is gone but its content is in the gzip being written"
        );
        // Long after its last write, a cut gzip is bad input: read what can be read.
        let p = plan(&known, &files, &heads, 1_000 + YOUNG_NS);
        assert!(
            !p.actions.iter().any(|a| matches!(a, Action::Defer { .. })),
            "{p:?}"
        );
    }

    #[test]
    fn a_copy_caught_mid_copy_waits_for_the_copy_to_finish() {
        let known = [state(
            1,
            "/l/x",
            10,
            &b"Nov 22 07:39:58 vm a: one\n".repeat(60),
            None,
        )];
        let partial = b"Nov 22 07:39:58 vm a: one\nNov 22 07:3".to_vec();
        let heads = MemHeads(HashMap::from([
            (
                PathBuf::from("/l/x"),
                b"Nov 22 07:39:58 vm a: one\n".repeat(60),
            ),
            (PathBuf::from("/l/x.1"), partial.clone()),
        ]));
        let files = [
            file("/l/x", 10, 60 * 26, 100, None),
            file("/l/x.1", 11, partial.len() as u64, 150, None),
        ];
        let p = plan(&known, &files, &heads, 0);
        assert!(
            p.actions.iter().any(|a| matches!(a, Action::Defer { .. })),
            "{p:?}"
        );
        assert!(
            !p.actions.iter().any(|a| matches!(a, Action::New { .. })),
            "{p:?}"
        );
    }

    #[test]
    fn a_reused_inode_does_not_hide_the_files_identity() {
        // x.1.gz (id 1, inode 20) is deleted; x.1 (id 2) is compressed into a new x.1.gz that
        // reuses inode 20.
        let older = b"Nov 20 00:00:00 vm a: older\n".repeat(50);
        let known = [
            state(1, "/l/x.1.gz", 20, &older, Some(Compression::Gzip)),
            state(2, "/l/x.1", 21, OLD, None),
        ];
        let heads = MemHeads(HashMap::from([(PathBuf::from("/l/x.1.gz"), OLD.to_vec())]));
        let files = [file("/l/x.1.gz", 20, 60, 900, Some(Compression::Gzip))];
        let p = plan(&known, &files, &heads, 0);
        assert!(
            matches!(&p.actions[..], [Action::Reindex { id: 2, .. }]),
            "{p:?}"
        );
        assert_eq!(p.gone, vec![1]);
    }

    #[test]
    fn deleted_file_is_gone_and_growth_resumes() {
        let known = [
            state(1, "/l/a", 10, OLD, None),
            state(2, "/l/b", 11, OLD, None),
        ];
        let mut grown = OLD.to_vec();
        grown.extend_from_slice(b"Nov 22 07:40:00 vm a: three\n");
        let heads = MemHeads(HashMap::from([(PathBuf::from("/l/a"), grown.clone())]));
        let files = [file("/l/a", 10, grown.len() as u64, 500, None)];
        let p = plan(&known, &files, &heads, 0);
        assert!(
            matches!(&p.actions[..], [Action::Resume { id: 1, .. }]),
            "{p:?}"
        );
        assert_eq!(p.gone, vec![2]);
    }
}
