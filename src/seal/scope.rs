//! What a seal or a verification covers: the folders, files and globs named, and the rule
//! that keeps the manifest out of them (a manifest beside the logs falls with them).

use super::SealError;
use std::path::{Path, PathBuf};

fn is_glob(input: &Path) -> bool {
    !input.exists() && input.to_string_lossy().contains(['*', '?', '['])
}

/// Each input as an absolute path, canonical when it exists (a folder deleted since the
/// seal still covers its sealed files), and each glob's matches.
pub fn roots(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for input in inputs {
        if is_glob(input) {
            let matches = glob::glob(&input.to_string_lossy())
                .into_iter()
                .flatten()
                .flatten();
            out.extend(matches.map(|p| p.canonicalize().unwrap_or(p)));
        } else if let Ok(p) = input.canonicalize() {
            out.push(p);
        } else if let Ok(p) = std::path::absolute(input) {
            out.push(p);
        }
    }
    out
}

/// Whether the sealed `path` lies under what `inputs` name (`roots` from [`roots`]).
pub fn covers(inputs: &[PathBuf], roots: &[PathBuf], path: &Path) -> bool {
    roots.iter().any(|r| path.starts_with(r))
        || inputs
            .iter()
            .filter(|i| is_glob(i))
            .any(|i| glob::Pattern::new(&i.to_string_lossy()).is_ok_and(|p| p.matches_path(path)))
}

/// The manifest's canonical path, refused when it lies at or under a root or is one of
/// `files`: it must be kept apart from the logs it seals.
pub fn guard(manifest: &Path, inputs: &[PathBuf], files: &[PathBuf]) -> Result<PathBuf, SealError> {
    let canonical = canonical_manifest(manifest)?;
    let inside = roots(inputs)
        .into_iter()
        .find(|r| canonical.starts_with(r))
        .or_else(|| files.iter().find(|f| **f == canonical).cloned())
        .or_else(|| {
            inputs
                .iter()
                .filter(|i| is_glob(i))
                .find(|i| {
                    glob::Pattern::new(&i.to_string_lossy())
                        .is_ok_and(|p| p.matches_path(&canonical))
                })
                .cloned()
        });
    match inside {
        Some(root) => Err(SealError::ManifestInside {
            manifest: canonical,
            root,
        }),
        None => Ok(canonical),
    }
}

/// The manifest's path with its folder resolved (the file itself need not exist yet).
fn canonical_manifest(manifest: &Path) -> Result<PathBuf, SealError> {
    if let Ok(p) = manifest.canonicalize() {
        return Ok(p);
    }
    let Some(name) = manifest.file_name() else {
        return Err(SealError::Io {
            path: manifest.to_path_buf(),
            what: "not a file name".into(),
        });
    };
    let dir = match manifest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let dir = dir.canonicalize().map_err(|e| SealError::io(dir, &e))?;
    Ok(dir.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_must_not_be_inside_what_is_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        std::fs::create_dir_all(logs.join("nginx")).unwrap();
        std::fs::write(logs.join("syslog"), "x\n").unwrap();
        let root = logs.canonicalize().unwrap();
        let inside = [
            logs.join("seals.jsonl"),
            logs.join("nginx/seals.jsonl"),
            logs.join("syslog"),
            logs.join("nginx/../seals.jsonl"),
        ];
        for m in inside {
            let err = guard(&m, std::slice::from_ref(&logs), &[]).unwrap_err();
            assert!(matches!(err, SealError::ManifestInside { .. }), "{m:?}");
            assert!(
                err.to_string().contains(&root.display().to_string()),
                "{err}"
            );
        }
        let glob = PathBuf::from(format!("{}/*.jsonl", root.display()));
        assert!(guard(&logs.join("a.jsonl"), &[glob], &[]).is_err());
        let outside = dir.path().join("seals.jsonl");
        assert_eq!(
            guard(&outside, &[logs.join("syslog"), logs.join("nginx")], &[]).unwrap(),
            dir.path().canonicalize().unwrap().join("seals.jsonl")
        );
        let nowhere = dir.path().join("no/such/seals.jsonl");
        assert!(matches!(
            guard(&nowhere, &[logs], &[]),
            Err(SealError::Io { .. })
        ));
    }

    #[test]
    fn covers_paths_under_the_inputs_even_deleted_ones() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        let inputs = [
            base.join("gone"),
            PathBuf::from(format!("{}/a*.log", base.display())),
        ];
        let roots = roots(&inputs);
        assert!(covers(&inputs, &roots, &base.join("gone/x.1")));
        assert!(covers(&inputs, &roots, &base.join("a1.log")));
        assert!(!covers(&inputs, &roots, &base.join("b.log")));
        assert!(!covers(&inputs, &roots, &base.join("gonex")));
    }
}
