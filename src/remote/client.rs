//! The HTTP side of a remote: one agent per remote, JSON in and out, the engine's own error
//! reason in every message, and the credentials only ever in a request header.

use super::config::{Auth, RemoteConfig, RemoteConfigError};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// Largest answer read (a page of events with their text).
const MAX_ANSWER: u64 = 512 << 20;

#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error(transparent)]
    Config(#[from] RemoteConfigError),
    /// The engine could not be reached, or the connection broke.
    #[error("remote {remote:?}: {what}: {message}")]
    Unreachable {
        remote: String,
        what: String,
        message: String,
    },
    /// The engine answered with an error status.
    #[error("remote {remote:?}: {what}: the engine answered {status}: {reason}")]
    Status {
        remote: String,
        what: String,
        status: u16,
        reason: String,
    },
    /// The answer is not what the API documents.
    #[error("remote {remote:?}: {what}: unexpected answer: {message}")]
    Answer {
        remote: String,
        what: String,
        message: String,
    },
    /// A query construct the engine cannot answer the way the local index does.
    #[error("remote {remote:?}: {construct} cannot be answered by the engine: {why}")]
    Unsupported {
        remote: String,
        construct: String,
        why: String,
    },
}

impl RemoteError {
    /// Worth retrying later: the engine is overloaded, restarting or not reachable now.
    pub fn is_transient(&self) -> bool {
        match self {
            RemoteError::Unreachable { .. } => true,
            RemoteError::Status { status, .. } => matches!(status, 429 | 502 | 503 | 504),
            _ => false,
        }
    }
}

/// A connection to one remote engine.
#[derive(Clone)]
pub struct Client {
    pub name: String,
    base: String,
    auth: Option<Arc<str>>,
    agent: ureq::Agent,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Client({} at {})", self.name, self.base)
    }
}

impl Client {
    pub fn new(config: &RemoteConfig) -> Result<Client, RemoteError> {
        let base = config.base_url()?;
        let auth = match config.auth()? {
            Auth::None => None,
            Auth::Basic { user, password } => {
                use base64::Engine as _;
                let pair =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
                Some(Arc::from(format!("Basic {pair}")))
            }
            Auth::ApiKey(key) => Some(Arc::from(format!("ApiKey {key}"))),
        };
        let mut builder = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(config.timeout.unwrap_or(30))))
            .user_agent(concat!("timberline/", env!("CARGO_PKG_VERSION")));
        if let Some(ca) = &config.ca_file {
            builder = builder.tls_config(tls_with_ca(config, ca)?);
        }
        Ok(Client {
            name: config.name.clone(),
            base,
            auth,
            agent: builder.build().into(),
        })
    }

    fn unreachable(&self, what: &str, e: impl std::fmt::Display) -> RemoteError {
        RemoteError::Unreachable {
            remote: self.name.clone(),
            what: what.to_string(),
            message: format!("{e} ({})", self.base),
        }
    }

    pub fn answer_error(&self, what: &str, message: impl Into<String>) -> RemoteError {
        RemoteError::Answer {
            remote: self.name.clone(),
            what: what.to_string(),
            message: message.into(),
        }
    }

    /// `method path` with a JSON (or NDJSON) body; the answer's JSON, or the engine's reason.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<(&str, &str)>,
        what: &str,
    ) -> Result<Value, RemoteError> {
        let (status, text) = self.send(method, path, body, what)?;
        if !(200..300).contains(&status) {
            return Err(RemoteError::Status {
                remote: self.name.clone(),
                what: what.to_string(),
                status,
                reason: reason(&text),
            });
        }
        serde_json::from_str(&text).map_err(|e| self.answer_error(what, e.to_string()))
    }

    /// The status and body, whatever the status.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<(&str, &str)>,
        what: &str,
    ) -> Result<(u16, String), RemoteError> {
        let url = format!("{}/{}", self.base, path.trim_start_matches('/'));
        let with_auth = |mut headers: Vec<(&'static str, String)>| {
            if let Some(a) = &self.auth {
                headers.push(("authorization", a.to_string()));
            }
            headers
        };
        let result = match (method, body) {
            ("GET", None) | ("HEAD", None) | ("DELETE", None) => {
                let mut req = match method {
                    "GET" => self.agent.get(&url),
                    "HEAD" => self.agent.head(&url),
                    _ => self.agent.delete(&url),
                };
                for (k, v) in with_auth(Vec::new()) {
                    req = req.header(k, v);
                }
                req.call()
            }
            (m, body) => {
                let (kind, text) = body.unwrap_or(("application/json", ""));
                let mut req = match m {
                    "PUT" => self.agent.put(&url),
                    _ => self.agent.post(&url),
                };
                for (k, v) in with_auth(vec![("content-type", kind.to_string())]) {
                    req = req.header(k, v);
                }
                req.send(text.as_bytes())
            }
        };
        let mut resp = result.map_err(|e| self.unreachable(what, e))?;
        let status = resp.status().as_u16();
        let text = resp
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_string()
            .map_err(|e| self.unreachable(what, e))?;
        Ok((status, text))
    }

    /// POST a JSON body.
    pub fn post(&self, path: &str, body: &Value, what: &str) -> Result<Value, RemoteError> {
        let text = body.to_string();
        self.request("POST", path, Some(("application/json", &text)), what)
    }
}

/// The engine's own words for an error (`error.root_cause[0].reason`, `error.reason`, ...).
fn reason(body: &str) -> String {
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        let t = body.trim();
        return if t.is_empty() {
            "(no body)".into()
        } else {
            crate::output::escape_controls(&t.chars().take(300).collect::<String>(), false)
                .into_owned()
        };
    };
    let e = &v["error"];
    let mut parts = Vec::new();
    if let Some(t) = e["type"].as_str() {
        parts.push(t.to_string());
    }
    if let Some(r) = e["reason"].as_str() {
        parts.push(r.to_string());
    }
    if let Some(c) = e["root_cause"][0]["reason"].as_str()
        && !parts.iter().any(|p| p == c)
    {
        parts.push(c.to_string());
    }
    if let Some(c) = e["caused_by"]["reason"].as_str()
        && !parts.iter().any(|p| p == c)
    {
        parts.push(c.to_string());
    }
    if parts.is_empty() {
        if let Some(s) = e.as_str() {
            return s.to_string();
        }
        return v.to_string().chars().take(300).collect();
    }
    parts.join(": ")
}

fn tls_with_ca(
    config: &RemoteConfig,
    ca: &std::path::Path,
) -> Result<ureq::tls::TlsConfig, RemoteError> {
    use ureq::tls::{PemItem, RootCerts, TlsConfig};
    let fail = |m: String| RemoteConfigError {
        remote: config.name.clone(),
        message: m,
    };
    let pem = std::fs::read(ca).map_err(|e| fail(format!("ca_file {}: {e}", ca.display())))?;
    let certs: Vec<_> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(fail(format!(
            "ca_file {}: no PEM certificate in it",
            ca.display()
        ))
        .into());
    }
    Ok(TlsConfig::builder()
        .root_certs(RootCerts::Specific(Arc::new(certs)))
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engines_reason_is_what_a_message_says() {
        let body = r#"{"error":{"root_cause":[{"type":"query_shard_exception","reason":"failed to create query"}],"type":"search_phase_execution_exception","reason":"all shards failed"},"status":400}"#;
        assert_eq!(
            reason(body),
            "search_phase_execution_exception: all shards failed: failed to create query"
        );
        assert_eq!(
            reason("Bad \x1b]0;x\x07 gateway"),
            "Bad \\x1b]0;x\\x07 gateway"
        );
        assert_eq!(reason(""), "(no body)");
    }
}
