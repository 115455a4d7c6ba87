//! Rotated families: `x`, `x.1`, `x.2.gz`, `x-20261001`, `x-20261001.gz` all belong to `x`.

use std::path::{Path, PathBuf};

/// The live file a rotated file belongs to, and its rotation generation (0 = the live file;
/// larger is older; dated suffixes rank by date, newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    pub base: PathBuf,
    pub generation: u64,
}

const COMPRESSED_EXT: [&str; 5] = ["gz", "bz2", "xz", "zst", "zstd"];

/// Recognises the rotation suffix of a path.
pub fn family_of(path: &Path) -> Family {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut stem = name.as_str();
    for ext in COMPRESSED_EXT {
        if let Some(s) = stem.strip_suffix(&format!(".{ext}")) {
            stem = s;
            break;
        }
    }
    let generation;
    let base_name;
    if let Some((b, n)) = stem
        .rsplit_once('.')
        .filter(|(b, n)| !b.is_empty() && is_digits(n, 1, 4))
    {
        base_name = b;
        generation = n.parse::<u64>().unwrap_or(0);
    } else if let Some((b, d)) = stem
        .rsplit_once('-')
        .filter(|(b, d)| !b.is_empty() && is_digits(d, 8, 10))
    {
        base_name = b;
        // Newer dates must rank before older ones: invert the date.
        generation = 1 + (9_999_999_999_u64.saturating_sub(d.parse::<u64>().unwrap_or(0)));
    } else {
        base_name = stem;
        generation = 0;
    }
    Family {
        base: path.with_file_name(base_name),
        generation,
    }
}

fn is_digits(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_rotation_suffixes() {
        let cases = [
            ("/var/log/syslog", "/var/log/syslog", 0),
            ("/var/log/syslog.1", "/var/log/syslog", 1),
            ("/var/log/syslog.2.gz", "/var/log/syslog", 2),
            (
                "/var/log/nginx/access.log.10.gz",
                "/var/log/nginx/access.log",
                10,
            ),
            ("/var/log/app.log", "/var/log/app.log", 0),
        ];
        for (path, base, generation) in cases {
            let f = family_of(Path::new(path));
            assert_eq!(
                (f.base.to_str().unwrap(), f.generation),
                (base, generation),
                "{path}"
            );
        }
        let a = family_of(Path::new("/var/log/messages-20261001.gz"));
        let b = family_of(Path::new("/var/log/messages-20260901"));
        assert_eq!(a.base, PathBuf::from("/var/log/messages"));
        assert_eq!(b.base, PathBuf::from("/var/log/messages"));
        assert!(a.generation < b.generation, "newer dated file ranks first");
    }
}
