//! One field's value for each document of a segment, as small codes: `level` from its column,
//! other fields from their `key=value` terms (lowercased, as indexed) and long integers from
//! their `num` column (see `index::numbers`). What `top` counts and `patterns --by` groups by.

use crate::event::Level;
use crate::index::numbers::column_key;
use crate::index::schema::Fields;
use std::collections::HashMap;
use tantivy::columnar::Column;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, SegmentReader, TERMINATED};

/// One field's value per document of a segment.
pub enum FieldValues {
    Level(Column<u64>),
    /// Value index per document (`u32::MAX`: none) into `names`, plus long integers.
    Terms {
        of_doc: Vec<u32>,
        names: Vec<String>,
        /// Long integers met so far → their code in `names`.
        nums: HashMap<i128, u32>,
        num_i: Option<Column<i64>>,
        num_u: Option<Column<u64>>,
    },
}

impl FieldValues {
    pub fn open(reader: &SegmentReader, fields: Fields, key: &str) -> tantivy::Result<FieldValues> {
        let ff = reader.fast_fields();
        if key == "level" {
            return Ok(FieldValues::Level(ff.u64("level")?));
        }
        let mut of_doc = vec![u32::MAX; reader.max_doc() as usize];
        let mut names = Vec::new();
        let inverted = reader.inverted_index(fields.kv)?;
        let prefix = format!("{}=", key.to_lowercase());
        let mut stream = inverted
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .into_stream()?;
        while stream.advance() {
            if !stream.key().starts_with(prefix.as_bytes()) {
                break;
            }
            let value = String::from_utf8_lossy(&stream.key()[prefix.len()..]).into_owned();
            let v = names.len() as u32;
            names.push(value);
            let mut postings =
                inverted.read_postings_from_terminfo(stream.value(), IndexRecordOption::Basic)?;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                of_doc[doc as usize] = v;
                doc = postings.advance();
            }
        }
        let col = format!("num.{}", column_key(key));
        Ok(FieldValues::Terms {
            of_doc,
            names,
            nums: HashMap::new(),
            num_i: ff.column_opt::<i64>(&col).ok().flatten(),
            num_u: ff.column_opt::<u64>(&col).ok().flatten(),
        })
    }

    /// The value of `doc` as a code of this segment (see [`FieldValues::name`]).
    pub fn get(&mut self, doc: DocId) -> Option<u32> {
        match self {
            FieldValues::Level(c) => c.first(doc).map(|l| l as u32),
            FieldValues::Terms {
                of_doc,
                names,
                nums,
                num_i,
                num_u,
            } => match of_doc.get(doc as usize) {
                Some(&v) if v != u32::MAX => Some(v),
                _ => {
                    let n = num_i
                        .as_ref()
                        .and_then(|c| c.first(doc))
                        .map(|n| n as i128)
                        .or_else(|| num_u.as_ref().and_then(|c| c.first(doc)).map(i128::from))?;
                    Some(*nums.entry(n).or_insert_with(|| {
                        names.push(n.to_string());
                        names.len() as u32 - 1
                    }))
                }
            },
        }
    }

    pub fn name(&self, code: u32) -> String {
        match self {
            FieldValues::Level(_) => Level::from_ordinal(u64::from(code))
                .map(|l| l.as_str().to_string())
                .unwrap_or_default(),
            FieldValues::Terms { names, .. } => names[code as usize].clone(),
        }
    }
}
