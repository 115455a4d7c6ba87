//! The config file (`config.toml` under the config directory, or `--config FILE`):
//! per-source overrides and user formats.
//!
//! ```toml
//! [[source]]
//! path = "/var/log/app/*.log"
//! format = "logfmt"
//! timezone = "Asia/Tokyo"
//!
//! [[format]]
//! name = "myapp"
//! regex = '^(?P<ts>\S+ \S+) (?P<level>\w+) (?P<message>.*)$'
//! time_format = "%Y-%m-%d %H:%M:%S"
//! ```

pub mod edit;

use crate::format::UserFormat;
use crate::time::Zone;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// A per-source override: files matching `path` (a glob) get this format and/or zone.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SourceOverride {
    pub path: String,
    pub format: Option<String>,
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceOverride>,
    #[serde(default, rename = "format")]
    pub formats: Vec<UserFormat>,
    /// OpenSearch/Elasticsearch indices to explore and ship to (see [`crate::remote::config`]).
    #[serde(default, rename = "remote")]
    pub remotes: Vec<crate::remote::config::RemoteConfig>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// The line (from 1) of byte `offset` in `text`: where a TOML error or entry is, for the
/// messages of every file the user writes (config, keymap, theme, saved queries, rules).
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The default config file path.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "timberline").map(|d| d.config_dir().join("config.toml"))
}

impl Config {
    /// Loads `explicit` (which must exist), or the default file when present, or nothing.
    pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => match default_path() {
                Some(p) if p.exists() => p,
                _ => return Ok(Config::default()),
            },
        };
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        Config::parse(&text, &path)
    }

    /// Parses and validates config text; errors name the file and line.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let invalid =
            |span: Option<std::ops::Range<usize>>, message: String| ConfigError::Invalid {
                path: path.to_path_buf(),
                line: span
                    .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                    .unwrap_or(1),
                message,
            };
        let config: Config =
            toml::from_str(text).map_err(|e| invalid(e.span(), e.message().to_string()))?;
        let find = |needle: &str| text.find(needle).map(|i| i..i + 1);
        for s in &config.sources {
            if let Some(tz) = &s.timezone
                && Zone::parse(tz).is_none()
            {
                return Err(invalid(
                    find(tz),
                    format!(
                        "unknown time zone {tz:?} (use an IANA name like Asia/Tokyo, UTC, local or +09:00)"
                    ),
                ));
            }
            if let Err(e) = glob::Pattern::new(&s.path) {
                return Err(invalid(
                    find(&s.path),
                    format!("bad path pattern {:?}: {e}", s.path),
                ));
            }
            if let Some(f) = &s.format
                && crate::format::Format::by_name(f, &config.formats).is_none()
            {
                return Err(invalid(find(f), format!("unknown format {f:?}")));
            }
        }
        for f in &config.formats {
            if let Err(e) = regex::Regex::new(&f.regex) {
                return Err(invalid(
                    find(&f.name),
                    format!("format {:?}: bad regex: {e}", f.name),
                ));
            }
            if !f.regex.contains("?P<ts>") && !f.regex.contains("?<ts>") {
                return Err(invalid(
                    find(&f.name),
                    format!("format {:?}: the regex needs a (?P<ts>...) group", f.name),
                ));
            }
        }
        Ok(config)
    }

    /// The override for a file: the last matching `[[source]]` wins. A relative pattern
    /// (`remote/db01/*`) matches at any depth, like `**/remote/db01/*`.
    pub fn override_for(&self, file: &Path) -> Option<&SourceOverride> {
        let opts = glob::MatchOptions {
            require_literal_separator: false,
            ..Default::default()
        };
        self.sources.iter().rev().find(|s| {
            let pattern = if s.path.starts_with('/') {
                s.path.clone()
            } else {
                format!("**/{}", s.path)
            };
            glob::Pattern::new(&pattern).is_ok_and(|p| p.matches_path_with(file, opts))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_overrides_and_user_formats() {
        let text = r#"
[[source]]
path = "/var/log/app/*.log"
format = "logfmt"
timezone = "Asia/Tokyo"

[[format]]
name = "myapp"
regex = '^(?P<ts>\S+ \S+) (?P<level>\w+) (?P<message>.*)$'
time_format = "%Y-%m-%d %H:%M:%S"
"#;
        let c = Config::parse(text, Path::new("c.toml")).unwrap();
        assert_eq!(c.sources.len(), 1);
        assert_eq!(c.formats[0].name, "myapp");
        assert_eq!(
            c.override_for(Path::new("/var/log/app/x.log"))
                .unwrap()
                .timezone
                .as_deref(),
            Some("Asia/Tokyo")
        );
        assert!(c.override_for(Path::new("/var/log/syslog")).is_none());
        let rel = Config::parse(
            "[[source]]\npath = \"remote/db01/*\"\ntimezone = \"UTC\"\n",
            Path::new("c"),
        )
        .unwrap();
        assert!(
            rel.override_for(Path::new("/srv/logs/remote/db01/auth.log.2.gz"))
                .is_some()
        );
        assert!(
            rel.override_for(Path::new("/srv/logs/remote/db02/auth.log"))
                .is_none()
        );
    }

    #[test]
    fn errors_name_file_and_line() {
        let text = "[[source]]\npath = \"/x\"\ntimezone = \"Mars/Base\"\n";
        let e = Config::parse(text, Path::new("/etc/c.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("/etc/c.toml:3: unknown time zone"), "{e}");
        let e = Config::parse(
            "[[source]]\npath = \"/x\"\ncolour = 1\n",
            Path::new("c.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("c.toml:3:") && e.contains("colour"), "{e}");
    }
}
