//! Writes one file's format or zone override into the config file (the explorer's sources
//! pane, `f` and `z`), keeping the user's comments, order and other entries (`toml_edit`).
//!
//! The override is a `[[source]]` whose `path` is the file's exact path (glob characters
//! escaped), so it applies to that file only, not to its rotated siblings (`x.1`, `x.2.gz`): a
//! glob written by hand covers a family. An entry with exactly that path is updated in place
//! (moved last when a later entry also matches the file, since the last match wins); a new one
//! is added after the other `[[source]]` entries, carrying the other setting from the override that applied before, so that
//! setting one key does not silently drop the other. Removing both keys removes the entry,
//! unless another entry also matches the file: then the entry stays, without keys, so that the
//! file goes back to detection and local time.

use super::{Config, ConfigError};
use std::io::Write;
use std::path::{Path, PathBuf};
use toml_edit::{DocumentMut, Item, Table, value};

/// Which setting of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    Format,
    Zone,
}

impl Setting {
    /// The key in `[[source]]`.
    pub fn key(self) -> &'static str {
        match self {
            Setting::Format => "format",
            Setting::Zone => "timezone",
        }
    }

    /// As said to people.
    pub fn word(self) -> &'static str {
        match self {
            Setting::Format => "format",
            Setting::Zone => "zone",
        }
    }
}

/// The `path` pattern that matches exactly `file`.
pub fn exact_pattern(file: &Path) -> String {
    glob::Pattern::escape(&file.to_string_lossy())
}

/// Config text with `setting` of `file` set to `value` (`None`: removed), and the config it
/// parses to. `path` names the config file in errors; `text` must be a valid config.
pub fn set_override(
    text: &str,
    path: &Path,
    file: &Path,
    setting: Setting,
    value_: Option<&str>,
) -> Result<(String, Config), ConfigError> {
    let before = Config::parse(text, path)?;
    let invalid = |message: String| ConfigError::Invalid {
        path: path.to_path_buf(),
        line: 1,
        message,
    };
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| invalid(e.message().to_string()))?;
    let pattern = exact_pattern(file);
    let matches = |s: &super::SourceOverride| {
        let one = Config {
            sources: vec![s.clone()],
            ..Config::default()
        };
        one.override_for(file).is_some()
    };
    // Which entries match the file, in order (the parsed entries are the tables, in order).
    let matching: Vec<bool> = before.sources.iter().map(matches).collect();
    let carried = before.override_for(file).cloned();
    // What goes before a new entry: a blank line.
    let mut lead = "\n".to_string();
    if !doc.contains_key("source") {
        if value_.is_none() && carried.is_none() {
            return Ok((text.to_string(), before));
        }
        doc.insert("source", Item::ArrayOfTables(Default::default()));
        // The new entry goes last: comments that ended the file stay above it.
        let trailing = doc.trailing().as_str().unwrap_or("").to_string();
        if !trailing.trim().is_empty() {
            doc.set_trailing("");
            lead = format!("{}\n\n", trailing.trim_end());
        }
    }
    let list = doc
        .get_mut("source")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(|| {
            invalid("`source` must be written as [[source]] tables to be edited".into())
        })?;
    let own = (0..list.len())
        .rev()
        .find(|&i| list.get(i).and_then(|t| t.get("path")?.as_str()) == Some(pattern.as_str()));
    let set = |t: &mut Table, key: &str, v: Option<&str>| match v {
        Some(v) => {
            t.insert(key, value(v));
        }
        None => {
            t.remove(key);
        }
    };
    match own {
        Some(i) => {
            let others = matching.iter().enumerate().any(|(j, &m)| m && j != i);
            let later = matching.iter().skip(i + 1).any(|&m| m);
            // `own` was found in this list just above, so the table is there.
            let empty = match list.get_mut(i) {
                Some(t) => {
                    set(t, setting.key(), value_);
                    !t.contains_key("format") && !t.contains_key("timezone")
                }
                None => false,
            };
            if empty && !others {
                list.remove(i);
            } else if later {
                let mut t = list.remove(i);
                // Placed after the array's other tables.
                t.set_position(None);
                list.push(t);
            }
        }
        None => {
            if value_.is_none() && carried.is_none() {
                return Ok((text.to_string(), before));
            }
            let mut t = Table::new();
            t.insert("path", value(pattern.as_str()));
            for s in [Setting::Format, Setting::Zone] {
                let v = if s == setting {
                    value_.map(str::to_string)
                } else {
                    carried.as_ref().and_then(|c| match s {
                        Setting::Format => c.format.clone(),
                        Setting::Zone => c.timezone.clone(),
                    })
                };
                set(&mut t, s.key(), v.as_deref());
            }
            t.decor_mut().set_prefix(lead);
            list.push(t);
        }
    }
    if list.is_empty() {
        doc.remove("source");
    }
    let out = doc.to_string();
    let config = Config::parse(&out, path)?;
    Ok((out, config))
}

/// Sets `setting` of `file` in the config file at `path` (created when missing), replacing it
/// atomically; returns the new config. A symlinked config file is written through the link.
pub fn write_override(
    path: &Path,
    file: &Path,
    setting: Setting,
    value: Option<&str>,
) -> Result<Config, ConfigError> {
    let read_err = |source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(read_err(e)),
    };
    let (out, config) = set_override(&text, path, file, setting, value)?;
    if out != text {
        let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        replace(&target, out.as_bytes()).map_err(|source| ConfigError::Write {
            path: path.to_path_buf(),
            source,
        })?;
    }
    Ok(config)
}

/// Writes `bytes` to a temporary file next to `target`, then renames it over `target`
/// (keeping the old file's permissions).
fn replace(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir: PathBuf = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(&dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(target) {
        std::fs::set_permissions(tmp.path(), meta.permissions())?;
    }
    tmp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "/var/log/web.log";

    fn set(text: &str, setting: Setting, v: Option<&str>) -> String {
        set_override(text, Path::new("c.toml"), Path::new(FILE), setting, v)
            .unwrap()
            .0
    }

    fn zone_of(text: &str) -> Option<String> {
        Config::parse(text, Path::new("c.toml"))
            .unwrap()
            .override_for(Path::new(FILE))
            .and_then(|o| o.timezone.clone())
    }

    const COMMENTED: &str = "# my overrides\n\n[[source]]\npath = \"/srv/*.log\" # the apps\ntimezone = \"UTC\"\n\n[[format]]\nname = \"myapp\"\nregex = '^(?P<ts>\\S+) (?P<message>.*)$'\n";

    #[test]
    fn a_new_override_is_appended_and_comments_stay() {
        let out = set(COMMENTED, Setting::Zone, Some("Asia/Tokyo"));
        let added = "\n[[source]]\npath = \"/var/log/web.log\"\ntimezone = \"Asia/Tokyo\"\n";
        let at = COMMENTED.find("\n[[format]]").unwrap();
        let want = format!("{}{added}{}", &COMMENTED[..at], &COMMENTED[at..]);
        assert_eq!(
            out, want,
            "after the other [[source]] entries, all else as it was"
        );
        assert_eq!(zone_of(&out).as_deref(), Some("Asia/Tokyo"));
    }

    #[test]
    fn an_existing_entry_is_updated_not_duplicated_and_removed_when_empty() {
        let once = set(COMMENTED, Setting::Zone, Some("Asia/Tokyo"));
        let twice = set(&once, Setting::Zone, Some("Europe/Paris"));
        assert_eq!(twice.matches("/var/log/web.log").count(), 1, "{twice}");
        assert_eq!(zone_of(&twice).as_deref(), Some("Europe/Paris"));
        let both = set(&twice, Setting::Format, Some("json"));
        assert_eq!(both.matches("[[source]]").count(), 2, "{both}");
        assert!(both.contains("format = \"json\""), "{both}");
        let no_zone = set(&both, Setting::Zone, None);
        assert!(!no_zone.contains("Europe/Paris"), "{no_zone}");
        let gone = set(&no_zone, Setting::Format, None);
        assert_eq!(gone, COMMENTED, "removing both keys removes the entry");
    }

    #[test]
    fn setting_one_key_keeps_the_other_from_a_glob() {
        let text =
            "[[source]]\npath = \"/var/log/web.log*\"\nformat = \"json\"\ntimezone = \"UTC\"\n";
        let out = set(text, Setting::Zone, Some("Asia/Tokyo"));
        let c = Config::parse(&out, Path::new("c")).unwrap();
        let o = c.override_for(Path::new(FILE)).unwrap();
        assert_eq!(o.format.as_deref(), Some("json"));
        assert_eq!(o.timezone.as_deref(), Some("Asia/Tokyo"));
        // Rotated siblings keep the glob's settings: the entry is for the file only.
        let sibling = c.override_for(Path::new("/var/log/web.log.1")).unwrap();
        assert!(sibling.path.contains('*'));
        // Cleared under a glob: the entry stays without keys (detection, local time).
        let cleared = set(&set(&out, Setting::Zone, None), Setting::Format, None);
        let c = Config::parse(&cleared, Path::new("c")).unwrap();
        let o = c.override_for(Path::new(FILE)).unwrap();
        assert_eq!((o.format.as_deref(), o.timezone.as_deref()), (None, None));
    }

    #[test]
    fn an_entry_shadowed_by_a_later_glob_moves_last() {
        let text = "[[source]]\npath = \"/var/log/web.log\"\ntimezone = \"UTC\"\n\n[[source]]\npath = \"/var/log/*\"\ntimezone = \"Europe/Paris\"\n";
        let out = set(text, Setting::Zone, Some("Asia/Tokyo"));
        assert_eq!(zone_of(&out).as_deref(), Some("Asia/Tokyo"), "{out}");
        assert_eq!(out.matches("[[source]]").count(), 2, "{out}");
    }

    #[test]
    fn glob_characters_in_the_path_are_escaped() {
        let file = Path::new("/logs/app[1].log");
        let (out, c) =
            set_override("", Path::new("c"), file, Setting::Format, Some("json")).unwrap();
        assert!(out.contains("path = \"/logs/app[[]1[]].log\""), "{out}");
        assert!(c.override_for(file).is_some());
        assert!(c.override_for(Path::new("/logs/app1.log")).is_none());
    }

    #[test]
    fn nothing_to_remove_leaves_the_text_alone_and_bad_files_name_themselves() {
        assert_eq!(set(COMMENTED, Setting::Format, None), COMMENTED);
        let e = set_override(
            "[[source]]\npath = \"/x\"\ntimezone = \"Mars/Base\"\n",
            Path::new("/home/u/.config/timberline/config.toml"),
            Path::new(FILE),
            Setting::Zone,
            Some("UTC"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("/home/u/.config/timberline/config.toml:3: unknown time zone"),
            "{e}"
        );
        let e = set_override(
            "",
            Path::new("c"),
            Path::new(FILE),
            Setting::Format,
            Some("nope"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("unknown format \"nope\""), "{e}");
    }

    #[test]
    fn the_file_is_replaced_atomically_and_created_when_missing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        let c = write_override(&path, Path::new(FILE), Setting::Zone, Some("UTC")).unwrap();
        assert_eq!(c.sources.len(), 1);
        std::fs::write(&path, COMMENTED).unwrap();
        write_override(&path, Path::new(FILE), Setting::Zone, Some("UTC")).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# my overrides\n"), "{text}");
        assert!(text.contains("path = \"/var/log/web.log\""), "{text}");
        let leftovers = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file left behind");
    }
}
