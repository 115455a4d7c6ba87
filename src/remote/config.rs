//! `[[remote]]` in config.toml: an OpenSearch/Elasticsearch index to explore (and to `ship`
//! to), its credentials and the names of its fields.
//!
//! ```toml
//! [[remote]]
//! name = "prod"
//! url = "https://os.example:9200"
//! index = "logs-*"
//! user = "reader"
//! password_file = "/etc/timberline/prod.secret"   # mode 0600; or password_env = "OS_PASS"
//! ca_file = "/etc/ssl/os-ca.pem"
//! [remote.fields]
//! host = "agent.hostname"
//! ```
//!
//! Secrets never come from the command line: a password or API key is read from an
//! environment variable or from a file only its owner can read.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One remote engine as the config names it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RemoteConfig {
    pub name: String,
    /// `http(s)://host:port`, without credentials.
    pub url: String,
    /// The index, alias or pattern read (`logs-*`).
    #[serde(default = "default_index")]
    pub index: String,
    /// The index `ship` writes to (default: `index` when it names one index, or its
    /// pattern's prefix followed by `timberline`: `logs-*` → `logs-timberline`).
    pub ship_index: Option<String>,
    /// Basic authentication: the user, and where its password is.
    pub user: Option<String>,
    pub password_env: Option<String>,
    pub password_file: Option<PathBuf>,
    /// An API key (the base64 `id:key` the engine gives), from the environment or a file.
    pub api_key_env: Option<String>,
    pub api_key_file: Option<PathBuf>,
    /// PEM file of the certificate authority that signed the engine's certificate.
    pub ca_file: Option<PathBuf>,
    /// Seconds one request may take (default 30).
    pub timeout: Option<u64>,
    #[serde(default)]
    pub fields: FieldNames,
}

fn default_index() -> String {
    "logs-*".to_string()
}

/// Where the engine keeps each fact of an event. The defaults are the Elastic Common Schema,
/// as Filebeat, Fluent Bit, Vector and Logstash write it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FieldNames {
    pub time: String,
    pub message: String,
    pub host: String,
    pub level: String,
    pub source: String,
    pub program: String,
    /// Sort fields that make the order of events with the same time unique (default:
    /// `_id` for indices not written by `ship`).
    pub tiebreaker: Vec<String>,
}

impl Default for FieldNames {
    fn default() -> FieldNames {
        FieldNames {
            time: "@timestamp".into(),
            message: "message".into(),
            host: "host.name".into(),
            level: "log.level".into(),
            source: "log.file.path".into(),
            program: "process.name".into(),
            tiebreaker: Vec::new(),
        }
    }
}

/// How requests authenticate.
#[derive(Clone, PartialEq)]
pub enum Auth {
    None,
    Basic { user: String, password: String },
    ApiKey(String),
}

impl std::fmt::Debug for Auth {
    /// Never the secret itself.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::None => write!(f, "Auth::None"),
            Auth::Basic { user, .. } => write!(f, "Auth::Basic({user}, ***)"),
            Auth::ApiKey(_) => write!(f, "Auth::ApiKey(***)"),
        }
    }
}

/// A remote's configuration that cannot be used, said with the remote's name.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("remote {remote:?}: {message}")]
pub struct RemoteConfigError {
    pub remote: String,
    pub message: String,
}

impl RemoteConfig {
    fn error(&self, message: impl Into<String>) -> RemoteConfigError {
        RemoteConfigError {
            remote: self.name.clone(),
            message: message.into(),
        }
    }

    /// The base URL, checked: http or https, and no credentials in it.
    pub fn base_url(&self) -> Result<String, RemoteConfigError> {
        let url = self.url.trim_end_matches('/');
        let Some(rest) = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"))
        else {
            return Err(self.error(format!("url {url:?} must start with http:// or https://")));
        };
        let authority = rest.split('/').next().unwrap_or("");
        if authority.contains('@') {
            return Err(self.error(
                "the url holds credentials: put the user in `user` and the password in \
                 `password_env` or `password_file`, never in the url",
            ));
        }
        Ok(url.to_string())
    }

    /// The index `ship` writes to.
    pub fn ship_index(&self) -> Result<String, RemoteConfigError> {
        if let Some(i) = &self.ship_index {
            return Ok(i.clone());
        }
        if !self.index.contains(['*', ',', '?']) {
            return Ok(self.index.clone());
        }
        match self.index.strip_suffix('*') {
            Some(prefix) if !prefix.contains(['*', ',', '?']) => Ok(format!("{prefix}timberline")),
            _ => Err(self.error(format!(
                "index {:?} names several indices: set `ship_index` to the one `ship` writes",
                self.index
            ))),
        }
    }

    /// Reads the credentials from where the config says they are.
    pub fn auth(&self) -> Result<Auth, RemoteConfigError> {
        let api_key = self.secret(self.api_key_env.as_deref(), self.api_key_file.as_deref())?;
        let password = self.secret(self.password_env.as_deref(), self.password_file.as_deref())?;
        match (api_key, password, &self.user) {
            (Some(_), Some(_), _) => Err(self.error("set an API key or a password, not both")),
            (Some(key), None, _) => Ok(Auth::ApiKey(key)),
            (None, Some(password), Some(user)) => Ok(Auth::Basic {
                user: user.clone(),
                password,
            }),
            (None, Some(_), None) => Err(self.error("a password is set but no `user`")),
            (None, None, Some(_)) => {
                Err(self
                    .error("`user` is set but no password: set `password_env` or `password_file`"))
            }
            (None, None, None) => Ok(Auth::None),
        }
    }

    fn secret(
        &self,
        env: Option<&str>,
        file: Option<&Path>,
    ) -> Result<Option<String>, RemoteConfigError> {
        match (env, file) {
            (Some(_), Some(_)) => Err(self.error("set a secret's `_env` or its `_file`, not both")),
            (Some(var), None) => match std::env::var(var) {
                Ok(v) if !v.is_empty() => Ok(Some(v)),
                _ => Err(self.error(format!("the environment variable {var} is not set"))),
            },
            (None, Some(path)) => read_secret_file(path).map(Some).map_err(|m| self.error(m)),
            (None, None) => Ok(None),
        }
    }
}

/// A secret file's first line; refused when others than its owner may read it.
fn read_secret_file(path: &Path) -> Result<String, String> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.mode() & 0o077 != 0 {
        return Err(format!(
            "{}: mode {:o} lets others read the secret: `chmod 600 {}`",
            path.display(),
            meta.mode() & 0o777,
            path.display()
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let line = text.lines().next().unwrap_or("").trim().to_string();
    if line.is_empty() {
        return Err(format!("{}: empty", path.display()));
    }
    Ok(line)
}

/// The remote named `name` among `remotes`.
pub fn find<'a>(
    remotes: &'a [RemoteConfig],
    name: &str,
) -> Result<&'a RemoteConfig, RemoteConfigError> {
    remotes.iter().find(|r| r.name == name).ok_or_else(|| {
        let known: Vec<&str> = remotes.iter().map(|r| r.name.as_str()).collect();
        RemoteConfigError {
            remote: name.to_string(),
            message: if known.is_empty() {
                "no [[remote]] in the config file".to_string()
            } else {
                format!("not in the config file (remotes: {})", known.join(", "))
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(toml_text: &str) -> RemoteConfig {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn credentials_in_the_url_are_refused() {
        let r = remote("name = \"p\"\nurl = \"https://u:secret@os:9200\"");
        let e = r.base_url().unwrap_err().to_string();
        assert!(e.contains("never in the url"), "{e}");
        assert!(!e.contains("secret"), "the message repeats no secret: {e}");
        let r = remote("name = \"p\"\nurl = \"ftp://os\"");
        assert!(r.base_url().is_err());
        let r = remote("name = \"p\"\nurl = \"http://127.0.0.1:9200/\"");
        assert_eq!(r.base_url().unwrap(), "http://127.0.0.1:9200");
    }

    #[test]
    fn a_secret_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pw");
        std::fs::write(&file, "hunter2\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut r = remote("name = \"p\"\nurl = \"http://h\"\nuser = \"u\"");
        r.password_file = Some(file.clone());
        let e = r.auth().unwrap_err().to_string();
        assert!(e.contains("chmod 600"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(
            r.auth().unwrap(),
            Auth::Basic {
                user: "u".into(),
                password: "hunter2".into()
            }
        );
        assert!(!format!("{:?}", r.auth().unwrap()).contains("hunter2"));
    }

    #[test]
    fn the_ship_index_follows_the_read_pattern() {
        let r = remote("name = \"p\"\nurl = \"http://h\"\nindex = \"logs-*\"");
        assert_eq!(r.ship_index().unwrap(), "logs-timberline");
        let r = remote("name = \"p\"\nurl = \"http://h\"\nindex = \"a,b\"");
        assert!(r.ship_index().is_err());
        let r = remote("name = \"p\"\nurl = \"http://h\"\nindex = \"tl\"");
        assert_eq!(r.ship_index().unwrap(), "tl");
    }

    #[test]
    fn an_unknown_remote_lists_the_known_ones() {
        let rs = vec![remote("name = \"prod\"\nurl = \"http://h\"")];
        let e = find(&rs, "stage").unwrap_err().to_string();
        assert!(e.contains("remotes: prod"), "{e}");
    }
}
