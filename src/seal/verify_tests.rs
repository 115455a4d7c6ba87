//! The verdicts on rotations as logrotate makes them and on tampering, with no file at all.

use super::hash::scan;
use super::manifest::Sealed;
use super::verify::*;
use crate::source::compress::Compression;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

const B: u64 = 8;

fn sealed(path: &str, ino: u64, content: &[u8]) -> Sealed {
    let s = scan(&mut &content[..], B, &Default::default()).unwrap();
    Sealed {
        path: PathBuf::from(path),
        dev: 1,
        ino,
        size: s.len,
        compression: path.ends_with(".gz").then_some(Compression::Gzip),
        len: s.len,
        sha256: s.sha256,
        blocks: s.blocks,
    }
}

/// A file now, with the prefixes the I/O layer would hash for it.
fn current(seal: &[Sealed], path: &str, ino: u64, content: &[u8]) -> Current {
    let want = Wants::new(seal).of(path.as_ref(), 1, ino);
    Current {
        path: PathBuf::from(path),
        dev: 1,
        ino,
        scan: scan(&mut &content[..], B, &want).unwrap(),
    }
}

fn lines(tag: &str, n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| format!("{tag} line {i}\n"))
        .collect::<String>()
        .into_bytes()
}

fn cat(a: &[u8], b: &[u8]) -> Vec<u8> {
    [a, b].concat()
}

/// (verdict name, sealed path, path now) per file, and the exit status.
fn verdicts(seal: &[Sealed], now: &[Current], unreadable: &[Unreadable]) -> (Vec<String>, u8) {
    let v = judge(seal, B, now, unreadable);
    let code = exit_code(&v, true);
    let shown = v
        .iter()
        .map(|f| {
            let p =
                |p: &Option<PathBuf>| p.as_ref().map_or("-".into(), |p| p.display().to_string());
            format!("{} {} {}", f.verdict.name(), p(&f.sealed), p(&f.path))
        })
        .collect();
    (shown, code)
}

/// A family `x` (create, compress, delaycompress, rotate 3) as sealed.
fn family() -> (Vec<Sealed>, [Vec<u8>; 4]) {
    let c = [
        lines("live", 5),
        lines("one", 6),
        lines("two", 7),
        lines("three", 8),
    ];
    let seal = vec![
        sealed("/l/x", 10, &c[0]),
        sealed("/l/x.1", 11, &c[1]),
        sealed("/l/x.2.gz", 12, &c[2]),
        sealed("/l/x.3.gz", 13, &c[3]),
    ];
    (seal, c)
}

#[test]
fn untouched_and_appended_files_verify() {
    let (seal, c) = family();
    let now = vec![
        current(&seal, "/l/x", 10, &cat(&c[0], b"more\n")),
        current(&seal, "/l/x.1", 11, &c[1]),
        current(&seal, "/l/x.2.gz", 12, &c[2]),
        current(&seal, "/l/x.3.gz", 13, &c[3]),
    ];
    let (v, code) = verdicts(&seal, &now, &[]);
    assert_eq!(
        v,
        [
            "appended /l/x /l/x",
            "ok /l/x.1 /l/x.1",
            "ok /l/x.2.gz /l/x.2.gz",
            "ok /l/x.3.gz /l/x.3.gz"
        ]
    );
    assert_eq!(code, 0);
    let j = judge(&seal, B, &now, &[]);
    assert_eq!(j[0].verdict, Verdict::Appended { bytes: 5 });
}

/// The family after one more rotation, lines written before and after it.
fn rotated_family() -> (Vec<Sealed>, Vec<Current>) {
    let (seal, c) = family();
    let now = vec![
        current(&seal, "/l/x", 20, &lines("new", 2)),
        current(&seal, "/l/x.1", 10, &cat(&c[0], b"late\n")),
        current(&seal, "/l/x.2.gz", 21, &c[1]),
        current(&seal, "/l/x.3.gz", 22, &c[2]),
    ];
    (seal, now)
}

#[test]
fn a_rotation_moves_every_member_and_expires_the_oldest() {
    let (seal, now) = rotated_family();
    let (v, code) = verdicts(&seal, &now, &[]);
    assert_eq!(
        v,
        [
            "live - /l/x",
            "rotated /l/x /l/x.1",
            "rotated /l/x.1 /l/x.2.gz",
            "rotated /l/x.2.gz /l/x.3.gz",
            "expired /l/x.3.gz -",
        ]
    );
    assert_eq!(code, 0);
    let j = judge(&seal, B, &now, &[]);
    let rotated = j
        .iter()
        .find(|f| f.path.as_deref() == Some("/l/x.1".as_ref()));
    assert_eq!(rotated.unwrap().verdict, Verdict::Rotated { appended: 5 });
}

#[test]
fn copytruncate_and_dateext_are_followed() {
    // copytruncate: the live file keeps its inode and starts again; the copy is new.
    let a = lines("a", 4);
    let seal = vec![sealed("/l/c", 1, &a), sealed("/l/c.1", 2, &lines("b", 3))];
    let now = vec![
        current(&seal, "/l/c", 1, &lines("c", 2)),
        current(&seal, "/l/c.1", 3, &cat(&a, b"before the copy\n")),
        current(&seal, "/l/c.2", 2, &lines("b", 3)),
    ];
    let (v, code) = verdicts(&seal, &now, &[]);
    assert_eq!(
        v,
        [
            "live - /l/c",
            "rotated /l/c /l/c.1",
            "rotated /l/c.1 /l/c.2"
        ]
    );
    assert_eq!(code, 0);
    // dateext: the live file is renamed with a date; dated members keep their names.
    let seal = vec![
        sealed("/l/d", 1, &a),
        sealed("/l/d-20261001", 2, &lines("old", 3)),
    ];
    let now = vec![
        current(&seal, "/l/d", 5, b""),
        current(&seal, "/l/d-20261001", 2, &lines("old", 3)),
        current(&seal, "/l/d-20261002", 1, &a),
    ];
    let (v, code) = verdicts(&seal, &now, &[]);
    assert_eq!(
        v,
        [
            "empty - /l/d",
            "rotated /l/d /l/d-20261002",
            "ok /l/d-20261001 /l/d-20261001"
        ]
    );
    assert_eq!(code, 0);
}

#[test]
fn empty_files_through_copytruncate() {
    let seal = vec![sealed("/l/e", 1, b"")];
    let now = vec![
        current(&seal, "/l/e", 1, b""),
        current(&seal, "/l/e.1", 2, b""),
    ];
    let (v, code) = verdicts(&seal, &now, &[]);
    assert_eq!(v, ["ok /l/e /l/e", "empty - /l/e.1"]);
    assert_eq!(code, 0);
    // An empty sealed file is not taken for some other empty file elsewhere.
    let now = vec![current(&seal, "/m/other", 7, b"")];
    let (v, _) = verdicts(&seal, &now, &[]);
    assert_eq!(v, ["missing /l/e -", "empty - /m/other"]);
}

#[test]
fn a_missing_middle_member_is_not_an_expiry() {
    let (seal, mut now) = rotated_family();
    now.retain(|c| c.path != Path::new("/l/x.2.gz"));
    let (v, code) = verdicts(&seal, &now, &[]);
    assert!(v.contains(&"missing /l/x.1 -".to_string()), "{v:?}");
    assert!(v.contains(&"expired /l/x.3.gz -".to_string()), "{v:?}");
    assert_eq!(code, BASE | MISSING);
    // Without a rotation, the oldest going is no expiry either.
    let (seal, c) = family();
    let now = vec![
        current(&seal, "/l/x", 10, &c[0]),
        current(&seal, "/l/x.1", 11, &c[1]),
        current(&seal, "/l/x.2.gz", 12, &c[2]),
    ];
    let (v, code) = verdicts(&seal, &now, &[]);
    assert_eq!(v[3], "missing /l/x.3.gz -");
    assert_eq!(code, 18);
}

#[test]
fn a_changed_byte_is_found_in_the_member_it_moved_to() {
    let (seal, mut now) = rotated_family();
    // The old live file, now x.1: a byte changed on its third line (byte 20, block 2).
    let mut bytes = cat(&lines("live", 5), b"late\n");
    bytes[20] ^= 0x20;
    now[1] = current(&seal, "/l/x.1", 10, &bytes);
    let j = judge(&seal, B, &now, &[]);
    let f = j.iter().find(|f| f.verdict.name() == "changed").unwrap();
    assert_eq!(f.sealed.as_deref(), Some("/l/x".as_ref()));
    assert_eq!(f.path.as_deref(), Some("/l/x.1".as_ref()));
    // Block 2 starts at byte 16, on line 2 ("live line 1\n" runs from 12 to 23).
    assert_eq!(
        f.verdict,
        Verdict::Changed {
            offset: 16,
            line: 2
        }
    );
    assert_eq!(exit_code(&j, true), BASE | CHANGED);
    assert!(j.iter().any(|f| f.verdict == Verdict::Live), "{j:?}");
}

#[test]
fn a_line_removed_from_a_compressed_member_moved_by_a_rotation() {
    let (seal, mut now) = rotated_family();
    // x.2.gz now holds the sealed x.1, recompressed without its fourth line.
    let mut text = String::from_utf8(lines("one", 6)).unwrap();
    text = text.replace("one line 3\n", "");
    now[2] = current(&seal, "/l/x.2.gz", 21, text.as_bytes());
    let j = judge(&seal, B, &now, &[]);
    let f = j.iter().find(|f| f.verdict.name() == "changed").unwrap();
    assert_eq!(f.sealed.as_deref(), Some("/l/x.1".as_ref()));
    assert_eq!(f.path.as_deref(), Some("/l/x.2.gz".as_ref()));
    // The fourth line (from byte 33) is gone; the fifth begins with the same 9 bytes, so the
    // first byte that differs is 42, in the block from byte 40, on line 4.
    assert_eq!(
        f.verdict,
        Verdict::Changed {
            offset: 40,
            line: 4
        }
    );
    assert!(!j.iter().any(|f| f.verdict == Verdict::Missing), "{j:?}");
}

#[test]
fn shrunk_new_and_unreadable() {
    let (seal, c) = family();
    let now = vec![
        current(&seal, "/l/x", 10, &c[0]),
        current(&seal, "/l/x.1", 11, &c[1][..20]),
        current(&seal, "/l/x.2.gz", 12, &c[2]),
        current(&seal, "/l/planted.log", 40, b"Oct 1 00:00:00 forged\n"),
    ];
    let unread = [Unreadable {
        path: "/l/x.3.gz".into(),
        reason: "permission denied".into(),
    }];
    let j = judge(&seal, B, &now, &unread);
    let by = |p: &str| {
        j.iter()
            .find(|f| f.sealed.as_deref().or(f.path.as_deref()) == Some(p.as_ref()))
            .unwrap()
            .verdict
            .clone()
    };
    assert_eq!(
        by("/l/x.1"),
        Verdict::Shrunk {
            len: 20,
            sealed_len: c[1].len() as u64
        }
    );
    assert_eq!(by("/l/planted.log"), Verdict::New);
    assert_eq!(
        by("/l/x.3.gz"),
        Verdict::Unreadable {
            reason: "permission denied".into()
        }
    );
    assert_eq!(exit_code(&j, true), BASE | NEW | MISSING | SHRUNK);
    assert_eq!(exit_code(&j, false), BASE | NEW | MISSING | SHRUNK | CHAIN);
    assert_eq!(exit_code(&[], false), 48);
    assert_eq!(exit_code(&[], true), 0);
}

#[test]
fn a_compressed_sealed_file_may_not_grow() {
    let seal = vec![sealed("/l/y.1.gz", 1, &lines("z", 3))];
    let now = vec![current(
        &seal,
        "/l/y.1.gz",
        2,
        &cat(&lines("z", 3), b"added\n"),
    )];
    let j = judge(&seal, B, &now, &[]);
    assert_eq!(j[0].verdict.name(), "changed");
}

#[test]
fn a_copy_under_another_name_elsewhere_is_followed_by_content() {
    let a = lines("a", 3);
    let seal = vec![sealed("/l/app.log.1", 1, &a)];
    let now = vec![current(&seal, "/archive/app.log.1", 9, &a)];
    let (v, code) = verdicts(&seal, &now, &[]);
    assert_eq!(v, ["rotated /l/app.log.1 /archive/app.log.1"]);
    assert_eq!(code, 0);
}

/// Any single byte flipped in a sealed file is reported as `changed` at the start of the
/// block holding it, with that block's line.
fn flip_case(content: Vec<u8>, at: usize, bit: u8, block: u64) {
    let at = at % content.len();
    let s = scan(&mut &content[..], block, &Default::default()).unwrap();
    let seal = vec![Sealed {
        path: "/l/f.1".into(),
        dev: 1,
        ino: 1,
        size: s.len,
        compression: None,
        len: s.len,
        sha256: s.sha256,
        blocks: s.blocks,
    }];
    let mut flipped = content.clone();
    flipped[at] ^= 1 << (bit % 8);
    let want = Wants::new(&seal).of("/l/f.1".as_ref(), 1, 1);
    let now = vec![Current {
        path: "/l/f.1".into(),
        dev: 1,
        ino: 1,
        scan: scan(&mut &flipped[..], block, &want).unwrap(),
    }];
    let j = judge(&seal, block, &now, &[]);
    let start = at as u64 / block * block;
    let line = content[..start as usize]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1;
    assert_eq!(j.len(), 1);
    assert_eq!(
        j[0].verdict,
        Verdict::Changed {
            offset: start,
            line
        }
    );
    assert_eq!(exit_code(&j, true), BASE | CHANGED);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_byte_flip_is_changed_at_its_block(
        text in proptest::collection::vec(prop_oneof![Just(b'\n'), any::<u8>()], 1..2000),
        at in any::<usize>(),
        bit in any::<u8>(),
        block in 1u64..100,
    ) {
        flip_case(text, at, bit, block);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// The same at the block size seals use.
    #[test]
    fn any_byte_flip_is_changed_at_its_64k_block(
        seed in any::<u64>(),
        len in 1usize..300_000,
        at in any::<usize>(),
        bit in any::<u8>(),
    ) {
        let mut x = seed | 1;
        let text: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                if x % 50 == 0 { b'\n' } else { b'a' + (x % 26) as u8 }
            })
            .collect();
        flip_case(text, at, bit, super::hash::BLOCK);
    }
}
