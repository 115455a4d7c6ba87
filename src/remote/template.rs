//! The index template `ship` writes before its first event: an explicit mapping (no dynamic
//! fields, no 256-character keyword cut) and an analyzer that splits words as the local index
//! does (letters and digits, lowercased, words of 64 bytes or more left out), so that a query
//! answers the same locally and remotely.

use super::client::{Client, RemoteError};
use super::layout::shipped;
use serde_json::{Value, json};

/// The template's body for indices named `index`.
pub fn body(index: &str) -> Value {
    let words = json!({"type": "text", "analyzer": "tl_words"});
    let keyword = json!({"type": "keyword"});
    json!({
        "index_patterns": [index],
        "priority": 500,
        "template": {
            "settings": {
                "number_of_shards": 1,
                "analysis": {
                    "tokenizer": {"tl_split": {"type": "pattern", "pattern": "[^\\p{IsAlphabetic}\\p{N}]+"}},
                    "filter": {"tl_short": {"type": "length", "max": 63}},
                    "analyzer": {"tl_words": {"type": "custom", "tokenizer": "tl_split", "filter": ["lowercase", "tl_short"]}}
                }
            },
            "mappings": {
                "dynamic": false,
                "_source": {"excludes": [shipped::WORDS]},
                "properties": {
                    "@timestamp": {"type": "date_nanos"},
                    // Shown, not searched (`timberline.words` is): kept in `_source` only,
                    // which halves what the engine analyses per event.
                    "message": {"type": "text", "index": false},
                    "log": {"properties": {
                        "level": keyword,
                        "offset": {"type": "long"},
                        "file": {"properties": {"path": keyword}}
                    }},
                    "host": {"properties": {"name": keyword}},
                    "process": {"properties": {"name": keyword}},
                    "timberline": {"properties": {
                        "words": words,
                        "kv": keyword,
                        "num": keyword,
                        "level": {"type": "byte"},
                        "pattern": keyword,
                        "template": {"type": "keyword", "index": false, "doc_values": false},
                        "file": keyword,
                        "line": {"type": "long"},
                        "source": keyword,
                        "origin": keyword,
                        "shown": {"type": "object", "enabled": false}
                    }}
                }
            }
        }
    })
}

/// Writes the template, then creates the index (an index that exists already is fine).
pub fn install(client: &Client, index: &str) -> Result<(), RemoteError> {
    let name = format!("timberline-{index}");
    let text = body(index).to_string();
    client.request(
        "PUT",
        &format!("_index_template/{name}"),
        Some(("application/json", &text)),
        "writing the index template",
    )?;
    let (status, answer) = client.send(
        "PUT",
        index,
        Some(("application/json", "{}")),
        "creating the index",
    )?;
    if (200..300).contains(&status) || answer.contains("resource_already_exists_exception") {
        return Ok(());
    }
    Err(RemoteError::Status {
        remote: client.name.clone(),
        what: format!("creating index {index}"),
        status,
        reason: answer.chars().take(300).collect(),
    })
}
