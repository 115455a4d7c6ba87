//! A file's parse settings (format and zone) as the config decides them, and whether a change
//! of the config calls for reading an indexed file again from its start.
//!
//! The checkpoint records what the config said for the file's path when its settings were last
//! decided ([`Configured`]). When the config now says something else for the same path (an
//! override added, changed or removed, from `config.toml` or the sources pane), the file is
//! re-read with the new settings. A file renamed by rotation keeps the settings it was read
//! with: only the record is updated to what the config says for its new name.

use super::checkpoint::FileState;
use crate::config::Config;
use crate::time::Zone;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The override the config gives one path (both `None`: no override, detect and use local).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Configured {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Normalised with [`Zone::name`], so `utc` and `UTC` are the same setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}

impl Configured {
    pub fn of(config: &Config, path: &Path) -> Configured {
        let over = config.override_for(path);
        Configured {
            format: over.and_then(|o| o.format.clone()),
            zone: over
                .and_then(|o| o.timezone.as_deref())
                .and_then(Zone::parse)
                .map(|z| z.name()),
        }
    }

    /// The zone for zone-less times.
    pub fn zone(&self) -> Zone {
        self.zone
            .as_deref()
            .and_then(Zone::parse)
            .unwrap_or(Zone::Local)
    }
}

/// What to do about a known file's settings in this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The record is current.
    None,
    /// Only the record changes (first look at an old checkpoint, a rename, or a new override
    /// that leaves the parse as it was).
    Record,
    /// Read the file again from its start with this format (`None`: detect it again).
    Reread { format: Option<String> },
}

/// Compares file `f`'s record with what the config says now (`now`) for its path. `moved` is
/// true when the file was renamed since the last run.
pub fn change(f: &FileState, moved: bool, now: &Configured) -> Change {
    let Some(before) = &f.configured else {
        return Change::Record;
    };
    if moved {
        return Change::Record;
    }
    if before == now {
        return Change::None;
    }
    let format_changed = before.format != now.format;
    let new_format = match &now.format {
        // Removed: detect again (it may have been forced to something else).
        None if format_changed => true,
        Some(name) => *name != f.format,
        None => false,
    };
    if new_format || now.zone().name() != f.ctx.zone {
        Change::Reread {
            format: if format_changed {
                now.format.clone()
            } else {
                Some(f.format.clone())
            },
        }
    } else {
        Change::Record
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::LineContext;
    use std::path::PathBuf;

    fn state(format: &str, zone: &str, configured: Option<Configured>) -> FileState {
        FileState {
            id: 1,
            path: PathBuf::from("/logs/web.log"),
            dev: 0,
            ino: 0,
            compression: None,
            size: 0,
            mtime_ns: 0,
            offset: 0,
            line: 0,
            head_len: 0,
            head_hash: 0,
            tail_check: None,
            format: format.into(),
            configured,
            ctx: LineContext::new(&Zone::parse(zone).unwrap_or(Zone::Local), 0),
            last_ts: None,
            tail_indexed: false,
            events: 0,
            first_ts: None,
            max_ts: None,
            garbled: Default::default(),
        }
    }

    fn conf(format: Option<&str>, zone: Option<&str>) -> Configured {
        Configured {
            format: format.map(str::to_string),
            zone: zone.map(str::to_string),
        }
    }

    #[test]
    fn a_zone_override_added_or_removed_rereads_with_the_same_format() {
        let detected = state("rfc3164", "local", Some(conf(None, None)));
        assert_eq!(
            change(&detected, false, &conf(None, Some("Asia/Tokyo"))),
            Change::Reread {
                format: Some("rfc3164".into())
            }
        );
        let tokyo = state(
            "rfc3164",
            "Asia/Tokyo",
            Some(conf(None, Some("Asia/Tokyo"))),
        );
        assert_eq!(
            change(&tokyo, false, &conf(None, None)),
            Change::Reread {
                format: Some("rfc3164".into())
            }
        );
        assert_eq!(
            change(&tokyo, false, &conf(None, Some("Asia/Tokyo"))),
            Change::None
        );
    }

    #[test]
    fn a_format_override_rereads_unless_it_names_the_detected_format() {
        let json = state("json", "local", Some(conf(None, None)));
        assert_eq!(
            change(&json, false, &conf(Some("text"), None)),
            Change::Reread {
                format: Some("text".into())
            }
        );
        assert_eq!(
            change(&json, false, &conf(Some("json"), None)),
            Change::Record
        );
        let forced = state("text", "local", Some(conf(Some("text"), None)));
        assert_eq!(
            change(&forced, false, &conf(None, None)),
            Change::Reread { format: None },
            "removed: detect again"
        );
    }

    #[test]
    fn old_checkpoints_and_renamed_files_keep_their_settings() {
        let old = state("rfc3164", "local", None);
        assert_eq!(
            change(&old, false, &conf(None, Some("UTC"))),
            Change::Record
        );
        let rotated = state(
            "rfc3164",
            "Asia/Tokyo",
            Some(conf(None, Some("Asia/Tokyo"))),
        );
        assert_eq!(change(&rotated, true, &conf(None, None)), Change::Record);
        // `local` written out is the same parse as no zone at all.
        let local = state("rfc3164", "local", Some(conf(None, None)));
        assert_eq!(
            change(&local, false, &conf(None, Some("local"))),
            Change::Record
        );
    }

    #[test]
    fn a_checkpoint_without_the_record_still_reads() {
        let mut v = serde_json::to_value(state("json", "UTC", None)).unwrap();
        v.as_object_mut().unwrap().remove("configured");
        let f: FileState = serde_json::from_value(v).unwrap();
        assert_eq!(f.configured, None);
    }
}
