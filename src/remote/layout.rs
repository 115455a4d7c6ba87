//! Where an event's facts are in a remote index: the layout `ship` writes (`timberline.*`
//! beside the ECS fields), or the ECS names (as configured) of an index others fill.

use super::config::FieldNames;
use std::collections::HashMap;

/// Field names of the layout `ship` writes.
pub mod shipped {
    pub const TIME: &str = "@timestamp";
    /// The whole event text, as shown (ECS `message`, as Filebeat writes it).
    pub const MESSAGE: &str = "message";
    pub const LEVEL: &str = "log.level";
    pub const PATH: &str = "log.file.path";
    pub const OFFSET: &str = "log.offset";
    pub const HOST: &str = "host.name";
    pub const PROGRAM: &str = "process.name";
    /// The event text without its timestamp, split into words as the local index splits them
    /// (indexed, not kept in `_source`).
    pub const WORDS: &str = "timberline.words";
    /// `key=value` of every field (host and program too), lowercased: the local `kv` terms.
    pub const KV: &str = "timberline.kv";
    /// `key#<16 hex digits>` of every numeric field value, in an order-keeping encoding, so a
    /// range on a keyword is a range on the numbers.
    pub const NUM: &str = "timberline.num";
    pub const LEVEL_NO: &str = "timberline.level";
    pub const PATTERN: &str = "timberline.pattern";
    pub const TEMPLATE: &str = "timberline.template";
    /// The file's identity (16 hex digits) and the event's line in it.
    pub const FILE: &str = "timberline.file";
    pub const LINE: &str = "timberline.line";
    pub const SOURCE: &str = "timberline.source";
    /// What the event shows but nothing searches: its parsed message and fields.
    pub const SHOWN: &str = "timberline.shown";
}

/// How a remote index is laid out.
#[derive(Debug, Clone, PartialEq)]
pub enum Layout {
    /// Written by `timberline ship`: every local query has an exact remote form.
    Shipped,
    /// Filled by other shippers: the configured names, and the mapping's field types.
    Foreign {
        names: Box<FieldNames>,
        /// Leaf field path → mapping type (`keyword`, `text`, `long`, `date`...).
        types: HashMap<String, String>,
    },
}

impl Layout {
    /// Reads the layout off `GET index/_mapping`'s answer: shipped when every index has
    /// the `timberline.words` field.
    pub fn from_mapping(answer: &serde_json::Value, names: &FieldNames) -> Layout {
        let mut types = HashMap::new();
        let mut all_shipped = true;
        let mut any = false;
        if let Some(indices) = answer.as_object() {
            for (_, index) in indices {
                any = true;
                let mut mine = HashMap::new();
                leaves(&index["mappings"]["properties"], "", &mut mine);
                all_shipped &= mine.contains_key(shipped::WORDS);
                types.extend(mine);
            }
        }
        if any && all_shipped {
            Layout::Shipped
        } else {
            Layout::Foreign {
                names: Box::new(names.clone()),
                types,
            }
        }
    }

    pub fn time_field(&self) -> &str {
        match self {
            Layout::Shipped => shipped::TIME,
            Layout::Foreign { names, .. } => &names.time,
        }
    }

    /// The sort that orders events as the local index does (time, then source, then line),
    /// unique with the last key.
    pub fn sort(&self, descending: bool) -> serde_json::Value {
        let dir = if descending { "desc" } else { "asc" };
        let keys: Vec<String> = match self {
            Layout::Shipped => [shipped::TIME, shipped::PATH, shipped::LINE, shipped::FILE]
                .map(String::from)
                .to_vec(),
            Layout::Foreign { names, .. } => {
                let mut k = vec![names.time.clone()];
                if names.tiebreaker.is_empty() {
                    k.push("_id".into());
                } else {
                    k.extend(names.tiebreaker.iter().cloned());
                }
                k
            }
        };
        let time = self.time_field().to_string();
        serde_json::Value::Array(
            keys.into_iter()
                .map(|k| {
                    // Indices mixing `date` and `date_nanos` (a mapping changed over time) sort
                    // right only in one unit.
                    if k == time {
                        serde_json::json!({ k: { "order": dir, "numeric_type": "date_nanos" } })
                    } else {
                        serde_json::json!({ k: { "order": dir } })
                    }
                })
                .collect(),
        )
    }
}

/// Collects `path → type` of every leaf of a mapping's `properties` (and multi-fields).
fn leaves(props: &serde_json::Value, prefix: &str, out: &mut HashMap<String, String>) {
    let Some(map) = props.as_object() else {
        return;
    };
    for (name, def) in map {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        if let Some(t) = def["type"].as_str() {
            out.insert(path.clone(), t.to_string());
        }
        if def.get("properties").is_some() {
            leaves(&def["properties"], &path, out);
        }
        if let Some(fields) = def["fields"].as_object() {
            for (sub, d) in fields {
                if let Some(t) = d["type"].as_str() {
                    out.insert(format!("{path}.{sub}"), t.to_string());
                }
            }
        }
    }
}

/// An `f64` as 16 hex digits whose text order is the numbers' order.
pub fn sortable_number(v: f64) -> String {
    let bits = v.to_bits();
    let key = if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    };
    format!("{key:016x}")
}

/// The `timberline.num` entry of a numeric value.
pub fn num_term(key: &str, v: f64) -> String {
    format!("{}#{}", key.to_lowercase(), sortable_number(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_number_encoding_keeps_the_order() {
        let vs = [
            -1e300, -5.5, -1.0, -0.0, 0.0, 0.5, 1.0, 2.0, 10.0, 1e18, 1e300,
        ];
        for w in vs.windows(2) {
            assert!(
                sortable_number(w[0]) <= sortable_number(w[1]),
                "{} {}",
                w[0],
                w[1]
            );
        }
        assert!(num_term("Status", 500.0).starts_with("status#"));
    }

    #[test]
    fn a_mapping_written_by_ship_is_read_as_shipped() {
        let shipped_answer = serde_json::json!({"logs-timberline": {"mappings": {"properties": {
            "@timestamp": {"type": "date_nanos"},
            "timberline": {"properties": {"words": {"type": "text"}}}
        }}}});
        let names = FieldNames::default();
        assert_eq!(
            Layout::from_mapping(&shipped_answer, &names),
            Layout::Shipped
        );
        let foreign = serde_json::json!({"filebeat-1": {"mappings": {"properties": {
            "@timestamp": {"type": "date"},
            "host": {"properties": {"name": {"type": "keyword"}}},
            "message": {"type": "text", "fields": {"keyword": {"type": "keyword"}}}
        }}}});
        let Layout::Foreign { types, .. } = Layout::from_mapping(&foreign, &names) else {
            panic!("foreign");
        };
        assert_eq!(types["host.name"], "keyword");
        assert_eq!(types["message.keyword"], "keyword");
    }
}
