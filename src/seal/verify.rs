//! The verdicts: the files of the last seal against the files there now, with no I/O.
//!
//! 1. **Content first.** A sealed file is matched to a file now whose content is the same
//!    (`ok` under its own name, `rotated` under another), or, for a plain sealed file, whose
//!    first `len` bytes are the sealed ones (`appended`, or `rotated` with bytes since). The
//!    nearest candidate wins: its own name and inode, then its inode, then its name, then its
//!    rotation family, then anywhere (exact content only, so `olddir` is followed).
//! 2. **Then the same file, changed.** A sealed file left over is compared block by block with
//!    the likeliest file left over: its own name, its inode, the position its family shifted it
//!    to (a family whose other members moved from `.1` to `.2` moved it too), or a member of
//!    its family holding its first blocks. The first block that differs gives `changed`; a file
//!    shorter than sealed whose whole blocks agree is `shrunk`.
//! 3. **Then what is gone.** A sealed file still unaccounted for is `expired` when its family
//!    rotated since the seal and every older member is gone too (logrotate deletes the oldest),
//!    else `missing`.
//! 4. **Then what is new.** A file left over is `empty` (nothing to verify), `live` (the young
//!    end of a family that rotated: the lines written since the seal), or `new`.

use super::hash::{Digest, Scan};
use super::manifest::Sealed;
use crate::source::family::{Family, family_of};
use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// A file under the paths verified, as read now.
#[derive(Debug, Clone)]
pub struct Current {
    pub path: PathBuf,
    pub dev: u64,
    pub ino: u64,
    pub scan: Scan,
}

/// A file under the paths verified that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub path: PathBuf,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The same content under the same name.
    Ok,
    /// The sealed content unchanged, `bytes` more after it.
    Appended {
        bytes: u64,
    },
    /// The sealed content (and `appended` bytes after it) under another name.
    Rotated {
        appended: u64,
    },
    /// The oldest of a family that rotated since the seal, deleted by the rotation.
    Expired,
    /// Not sealed: a family's new live file since the seal rotated it.
    Live,
    /// Not sealed, and empty: nothing to verify.
    Empty,
    /// The content differs from the block starting at `offset` (on line `line`) on.
    Changed {
        offset: u64,
        line: u64,
    },
    /// Shorter than sealed, its whole blocks unchanged.
    Shrunk {
        len: u64,
        sealed_len: u64,
    },
    Missing,
    New,
    Unreadable {
        reason: String,
    },
}

/// The exit status is [`BASE`] plus these bits when anything does not verify.
pub const BASE: u8 = 16;
pub const NEW: u8 = 1;
/// Missing, and unreadable (what cannot be read cannot be shown to be there).
pub const MISSING: u8 = 2;
pub const CHANGED: u8 = 4;
pub const SHRUNK: u8 = 8;
/// The manifest's chain is broken (or lacks the root asked for).
pub const CHAIN: u8 = 32;

impl Verdict {
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Appended { .. } => "appended",
            Verdict::Rotated { .. } => "rotated",
            Verdict::Expired => "expired",
            Verdict::Live => "live",
            Verdict::Empty => "empty",
            Verdict::Changed { .. } => "changed",
            Verdict::Shrunk { .. } => "shrunk",
            Verdict::Missing => "missing",
            Verdict::New => "new",
            Verdict::Unreadable { .. } => "unreadable",
        }
    }

    /// Its exit bit (0: it verifies).
    pub fn bit(&self) -> u8 {
        match self {
            Verdict::New => NEW,
            Verdict::Missing | Verdict::Unreadable { .. } => MISSING,
            Verdict::Changed { .. } => CHANGED,
            Verdict::Shrunk { .. } => SHRUNK,
            _ => 0,
        }
    }
}

/// One line of the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileVerdict {
    /// The file as sealed; `None` when it is not in the seal.
    pub sealed: Option<PathBuf>,
    /// The file now; `None` when it is gone.
    pub path: Option<PathBuf>,
    pub verdict: Verdict,
}

/// 0 when everything verifies, else [`BASE`] with the bits of what does not.
pub fn exit_code(files: &[FileVerdict], chain_intact: bool) -> u8 {
    let bits =
        files.iter().fold(0, |b, f| b | f.verdict.bit()) | if chain_intact { 0 } else { CHAIN };
    if bits == 0 { 0 } else { BASE | bits }
}

/// The prefix lengths worth hashing in a file now: the lengths of the plain sealed files of
/// its name, inode or family (what it may have grown from).
pub struct Wants {
    by_family: HashMap<PathBuf, BTreeSet<u64>>,
    by_identity: HashMap<(u64, u64), BTreeSet<u64>>,
}

impl Wants {
    pub fn new(sealed: &[Sealed]) -> Wants {
        let mut w = Wants {
            by_family: HashMap::new(),
            by_identity: HashMap::new(),
        };
        for s in sealed.iter().filter(|s| s.compression.is_none()) {
            w.by_family
                .entry(family_of(&s.path).base)
                .or_default()
                .insert(s.len);
            w.by_identity
                .entry((s.dev, s.ino))
                .or_default()
                .insert(s.len);
        }
        w
    }

    pub fn of(&self, path: &Path, dev: u64, ino: u64) -> BTreeSet<u64> {
        let mut out = BTreeSet::new();
        for set in [
            self.by_family.get(&family_of(path).base),
            self.by_identity.get(&(dev, ino)),
        ]
        .into_iter()
        .flatten()
        {
            out.extend(set);
        }
        out
    }
}

/// How likely a file now is to be a sealed file that changed, best largest: whole leading
/// blocks in common, at the position its family shifted it to, same inode, same name, then
/// the nearest length.
type Score = (usize, bool, bool, bool, Reverse<u64>);

/// Generations below this are numbered (`x.3`); above, dated (`x-20261001`), which do not
/// shift on rotation.
const NUMBERED: u64 = 10_000;

/// How close a sealed file and a file now are, best first: own name and inode, inode (in
/// the family), name, family, elsewhere.
fn relation(s: &Sealed, sf: &Family, c: &Current, cf: &Family) -> u8 {
    let same_path = s.path == c.path;
    let same_id = (s.dev, s.ino) == (c.dev, c.ino) && sf.base == cf.base;
    match (same_path, same_id) {
        (true, true) => 0,
        (false, true) => 1,
        (true, false) => 2,
        _ if sf.base == cf.base => 3,
        _ => 4,
    }
}

/// The verdicts of the `sealed` files (of a record with `block`-byte blocks) against the files
/// now, in path order.
pub fn judge(
    sealed: &[Sealed],
    block: u64,
    current: &[Current],
    unreadable: &[Unreadable],
) -> Vec<FileVerdict> {
    let mut j = Judging::new(sealed, block, current);
    j.match_content();
    j.match_changed();
    let unread = j.gone(unreadable);
    j.answer(unread)
}

/// The state of one judging: which sealed file is which file now, and the verdicts so far.
struct Judging<'a> {
    sealed: &'a [Sealed],
    current: &'a [Current],
    block: u64,
    sf: Vec<Family>,
    cf: Vec<Family>,
    /// The files now of each family.
    members: HashMap<PathBuf, Vec<usize>>,
    of_sealed: Vec<Option<usize>>,
    of_current: Vec<Option<usize>>,
    verdicts: Vec<Option<Verdict>>,
}

impl<'a> Judging<'a> {
    fn new(sealed: &'a [Sealed], block: u64, current: &'a [Current]) -> Judging<'a> {
        let cf: Vec<Family> = current.iter().map(|c| family_of(&c.path)).collect();
        let mut members: HashMap<PathBuf, Vec<usize>> = HashMap::new();
        for (ci, f) in cf.iter().enumerate() {
            members.entry(f.base.clone()).or_default().push(ci);
        }
        Judging {
            sealed,
            current,
            block,
            sf: sealed.iter().map(|s| family_of(&s.path)).collect(),
            cf,
            members,
            of_sealed: vec![None; sealed.len()],
            of_current: vec![None; current.len()],
            verdicts: vec![None; sealed.len()],
        }
    }

    /// The files now in the family of sealed file `si`.
    fn related(&self, si: usize) -> &[usize] {
        self.members
            .get(&self.sf[si].base)
            .map_or(&[], Vec::as_slice)
    }

    fn pair(&mut self, si: usize, ci: usize, verdict: Verdict) {
        self.of_sealed[si] = Some(ci);
        self.of_current[ci] = Some(si);
        self.verdicts[si] = Some(verdict);
    }

    /// Step 1: the same content, or for a plain file the same prefix; nearest pairs first.
    fn match_content(&mut self) {
        let (sealed, current) = (self.sealed, self.current);
        let mut by_content: HashMap<(u64, Digest), Vec<usize>> = HashMap::new();
        for (ci, c) in current.iter().enumerate() {
            by_content
                .entry((c.scan.len, c.scan.sha256))
                .or_default()
                .push(ci);
        }
        let mut pairs: Vec<(u8, u8, usize, usize)> = Vec::new();
        for (si, s) in sealed.iter().enumerate() {
            let related = self.related(si);
            for &ci in related {
                let c = &current[ci];
                let exact = c.scan.len == s.len && c.scan.sha256 == s.sha256;
                let grown = s.compression.is_none()
                    && c.scan.len > s.len
                    && c.scan.prefixes.get(&s.len) == Some(&s.sha256);
                if exact || grown {
                    let near = relation(s, &self.sf[si], c, &self.cf[ci]);
                    pairs.push((near, u8::from(!exact), si, ci));
                }
            }
            // Elsewhere: the same non-empty content only.
            if s.len > 0 {
                for &ci in by_content.get(&(s.len, s.sha256)).into_iter().flatten() {
                    if !related.contains(&ci) {
                        let near = relation(s, &self.sf[si], &current[ci], &self.cf[ci]);
                        pairs.push((near, 0, si, ci));
                    }
                }
            }
        }
        pairs.sort_unstable();
        for (_, _, si, ci) in pairs {
            if self.of_sealed[si].is_some() || self.of_current[ci].is_some() {
                continue;
            }
            let (s, c) = (&sealed[si], &current[ci]);
            let more = c.scan.len - s.len;
            let verdict = match (s.path == c.path, more) {
                (true, 0) => Verdict::Ok,
                (true, bytes) => Verdict::Appended { bytes },
                (false, appended) => Verdict::Rotated { appended },
            };
            self.pair(si, ci, verdict);
        }
    }

    /// Step 2: a sealed file left over, against the likeliest file left over; best scores
    /// first.
    fn match_changed(&mut self) {
        let (sealed, current, block) = (self.sealed, self.current, self.block);
        let shift = family_shifts(&self.sf, &self.cf, &self.of_sealed);
        let mut candidates: Vec<(Score, usize, usize)> = Vec::new();
        for (si, s) in sealed.iter().enumerate() {
            if self.of_sealed[si].is_some() {
                continue;
            }
            let expected = shifted(self.sf[si].generation, shift.get(&self.sf[si].base));
            for &ci in self.related(si) {
                if self.of_current[ci].is_some() {
                    continue;
                }
                let c = &current[ci];
                let same_path = s.path == c.path;
                let same_id = (s.dev, s.ino) == (c.dev, c.ino);
                let at_expected = expected == Some(self.cf[ci].generation);
                let common = common_blocks(s, &c.scan, block);
                if same_path || same_id || at_expected || common > 0 {
                    let gap = Reverse(c.scan.len.abs_diff(s.len));
                    candidates.push(((common, at_expected, same_id, same_path, gap), si, ci));
                }
            }
        }
        // Best score first; ties in path order.
        candidates.sort_by(|a, b| b.0.cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
        for (_, si, ci) in candidates {
            if self.of_sealed[si].is_none() && self.of_current[ci].is_none() {
                self.pair(si, ci, compare(&sealed[si], &current[ci].scan, block));
            }
        }
    }

    /// Whether sealed file `si` is now under another name.
    fn moved(&self, si: usize) -> bool {
        self.of_sealed[si].is_some_and(|ci| self.current[ci].path != self.sealed[si].path)
    }

    /// The families some member of which is now under another name.
    fn rotated(&self) -> BTreeSet<PathBuf> {
        (0..self.sealed.len())
            .filter(|&si| self.moved(si))
            .map(|si| self.sf[si].base.clone())
            .collect()
    }

    /// Step 3, the sealed files left: unreadable where their path is, else expired or
    /// missing. Returns the unreadable files that are no sealed file's.
    fn gone<'u>(&mut self, unreadable: &'u [Unreadable]) -> Vec<&'u Unreadable> {
        let mut unread: HashMap<&Path, &Unreadable> =
            unreadable.iter().map(|u| (u.path.as_path(), u)).collect();
        for (si, s) in self.sealed.iter().enumerate() {
            if self.verdicts[si].is_none()
                && let Some(u) = unread.remove(s.path.as_path())
            {
                self.verdicts[si] = Some(Verdict::Unreadable {
                    reason: u.reason.clone(),
                });
            }
        }
        let rotated = self.rotated();
        let gone: Vec<bool> = self.verdicts.iter().map(Option::is_none).collect();
        let mut sealed_members: HashMap<&Path, Vec<usize>> = HashMap::new();
        for (si, f) in self.sf.iter().enumerate() {
            sealed_members.entry(&f.base).or_default().push(si);
        }
        for si in (0..self.sealed.len()).filter(|&si| gone[si]) {
            let f = &self.sf[si];
            let oldest = sealed_members
                .get(f.base.as_path())
                .into_iter()
                .flatten()
                .filter(|&&t| self.sf[t].generation > f.generation)
                .all(|&t| gone[t]);
            let expired = f.generation > 0 && oldest && rotated.contains(&f.base);
            self.verdicts[si] = Some(if expired {
                Verdict::Expired
            } else {
                Verdict::Missing
            });
        }
        let mut left: Vec<&Unreadable> = unread.into_values().collect();
        left.sort_by(|a, b| a.path.cmp(&b.path));
        left
    }

    /// Step 4, every line: the sealed files, then the files left over (`empty`, `live` at
    /// the young end of a family that rotated, else `new`) and the unreadable ones.
    fn answer(self, unread: Vec<&Unreadable>) -> Vec<FileVerdict> {
        let rotated = self.rotated();
        let mut youngest_found: HashMap<&Path, u64> = HashMap::new();
        for (ci, si) in self.of_current.iter().enumerate() {
            if si.is_some() {
                let g = youngest_found
                    .entry(self.cf[ci].base.as_path())
                    .or_insert(u64::MAX);
                *g = (*g).min(self.cf[ci].generation);
            }
        }
        let mut out: Vec<FileVerdict> = Vec::new();
        for (si, s) in self.sealed.iter().enumerate() {
            let verdict = self.verdicts[si].clone().unwrap_or(Verdict::Missing);
            let path = match (self.of_sealed[si], &verdict) {
                (Some(ci), _) => Some(self.current[ci].path.clone()),
                (None, Verdict::Unreadable { .. }) => Some(s.path.clone()),
                (None, _) => None,
            };
            out.push(FileVerdict {
                sealed: Some(s.path.clone()),
                path,
                verdict,
            });
        }
        for (ci, c) in self.current.iter().enumerate() {
            if self.of_current[ci].is_some() {
                continue;
            }
            let f = &self.cf[ci];
            let live = rotated.contains(&f.base)
                && youngest_found
                    .get(f.base.as_path())
                    .is_none_or(|&g| f.generation < g);
            let verdict = if c.scan.len == 0 {
                Verdict::Empty
            } else if live {
                Verdict::Live
            } else {
                Verdict::New
            };
            out.push(FileVerdict {
                sealed: None,
                path: Some(c.path.clone()),
                verdict,
            });
        }
        for u in unread {
            out.push(FileVerdict {
                sealed: None,
                path: Some(u.path.clone()),
                verdict: Verdict::Unreadable {
                    reason: u.reason.clone(),
                },
            });
        }
        out.sort_by(|a, b| {
            let key = |f: &FileVerdict| f.sealed.clone().or_else(|| f.path.clone());
            key(a).cmp(&key(b)).then(a.path.cmp(&b.path))
        });
        out
    }
}

/// Per family, how far its numbered members moved since the seal (the most common shift of
/// those found under another number; 0 when none did).
fn family_shifts(
    sf: &[Family],
    cf: &[Family],
    of_sealed: &[Option<usize>],
) -> HashMap<PathBuf, i64> {
    let mut counts: HashMap<(PathBuf, i64), usize> = HashMap::new();
    for (si, ci) in of_sealed.iter().enumerate() {
        let Some(ci) = *ci else { continue };
        let (s, c) = (sf[si].generation, cf[ci].generation);
        if s < NUMBERED && c < NUMBERED {
            *counts
                .entry((sf[si].base.clone(), c as i64 - s as i64))
                .or_default() += 1;
        }
    }
    let mut best: HashMap<PathBuf, (usize, i64)> = HashMap::new();
    for ((base, d), n) in counts {
        let e = best.entry(base).or_insert((0, 0));
        if (n, -d.abs()) > (e.0, -e.1.abs()) {
            *e = (n, d);
        }
    }
    best.into_iter().map(|(b, (_, d))| (b, d)).collect()
}

/// Where a member at `generation` should be now, when its family shifted by `shift`.
fn shifted(generation: u64, shift: Option<&i64>) -> Option<u64> {
    if generation >= NUMBERED {
        return Some(generation); // dated names stay
    }
    u64::try_from(generation as i64 + shift.copied().unwrap_or(0)).ok()
}

/// How many whole leading blocks of `s` the content `c` has unchanged.
fn common_blocks(s: &Sealed, c: &Scan, block: u64) -> usize {
    let full = (s.len / block).min(c.len / block) as usize;
    (0..full)
        .take_while(|&i| s.blocks.get(i).is_some_and(|b| c.blocks.get(i) == Some(b)))
        .count()
}

/// `s` against the content now of the file taken to be it, known to differ.
fn compare(s: &Sealed, c: &Scan, block: u64) -> Verdict {
    let full = (s.len / block).min(c.len / block) as usize;
    let common = common_blocks(s, c, block);
    let changed = |i: usize| Verdict::Changed {
        offset: i as u64 * block,
        line: c.line_at_block(i),
    };
    if common < full {
        changed(common)
    } else if c.len < s.len {
        Verdict::Shrunk {
            len: c.len,
            sealed_len: s.len,
        }
    } else {
        // Whole blocks agree: the difference is in the sealed last, partial block (or a
        // compressed file grew, which only appending to a plain file may).
        changed(full)
    }
}
