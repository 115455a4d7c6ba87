//! The index schema: which facts of an event are indexed, and how.
//!
//! Plain files keep only (file, offset, len, line) and the event is read back from the file;
//! compressed files also store the event text (zstd docstore), since their bytes cannot be read
//! at random. Nothing is scored (results are in time order), so no field norms are kept.

use tantivy::Index;
use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, IndexRecordOption, JsonObjectOptions,
    NumericOptions, STORED, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};

/// Tokenizer of the event text: words of letters and digits, lowercased.
pub const TEXT_TOKENIZER: &str = "tl_text";
/// Tokenizer of `key=value` terms: the whole term, lowercased.
pub const KEYWORD_TOKENIZER: &str = "tl_kw";
/// Longest indexed word; longer ones (base64 blobs) are not indexed.
pub const MAX_WORD_LEN: usize = 64;

/// Handles on the schema's fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Event time, µs UTC (fast column).
    pub ts: Field,
    /// File identity (see `checkpoint::FileState::id`).
    pub file: Field,
    /// 1-based line number of the event's first line in its file.
    pub line: Field,
    /// Byte offset of the event in the file's decompressed content.
    pub offset: Field,
    /// Byte length of the event (all its lines, terminators included).
    pub len: Field,
    /// `Level::ordinal`, absent when the format has no level.
    pub level: Field,
    /// The whole event text, tokenized, without positions (phrases are confirmed on the text
    /// read back: see `phrase`).
    pub text: Field,
    /// `key=value` terms: extracted fields, host, program (lowercased).
    pub kv: Field,
    /// The event text, stored only for compressed files.
    pub stored: Field,
    /// Long integer field values, a fast column per key (see `numbers`).
    pub num: Field,
    /// The event's pattern id (`patterns::PatternId`, fast column only; `pattern:<id>` is a
    /// range query on it).
    pub pattern: Field,
}

impl Fields {
    pub fn build() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let ts = b.add_date_field(
            "ts",
            DateOptions::default()
                .set_fast()
                .set_precision(DateTimePrecision::Microseconds),
        );
        // Indexed without field norms (INDEXED would add a byte per document for scoring).
        let keyed = || NumericOptions::default().set_indexed().set_fast();
        let file = b.add_u64_field("file", keyed());
        let line = b.add_u64_field("line", FAST);
        let offset = b.add_u64_field("offset", FAST);
        let len = b.add_u64_field("len", FAST);
        let level = b.add_u64_field("level", keyed());
        let text = b.add_text_field(
            "text",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(TEXT_TOKENIZER)
                    .set_fieldnorms(false)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        );
        let kv = b.add_text_field(
            "kv",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(KEYWORD_TOKENIZER)
                    .set_fieldnorms(false)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        );
        let stored = b.add_text_field("stored", STORED);
        let num = b.add_json_field("num", JsonObjectOptions::default().set_fast("raw"));
        let pattern = b.add_u64_field("pattern", FAST);
        (
            b.build(),
            Fields {
                ts,
                file,
                line,
                offset,
                len,
                level,
                text,
                kv,
                stored,
                num,
                pattern,
            },
        )
    }

    /// Finds the fields in an opened index's schema; `None` when it is not ours.
    pub fn from_schema(schema: &Schema) -> Option<Fields> {
        let (expected, fields) = Fields::build();
        (schema == &expected).then_some(fields)
    }
}

/// The event-text analyzer, shared by indexing and query compilation.
pub fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_LEN))
        .filter(LowerCaser)
        .build()
}

/// Registers our tokenizers (they are not persisted in the index).
pub fn register_tokenizers(index: &Index) {
    index.tokenizers().register(TEXT_TOKENIZER, text_analyzer());
    index.tokenizers().register(
        KEYWORD_TOKENIZER,
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
}

/// The `kv` term for a key and value, as indexed and as queried.
pub fn kv_term(key: &str, value: &str) -> String {
    let mut s = String::with_capacity(key.len() + value.len() + 1);
    s.push_str(key);
    s.push('=');
    s.push_str(value);
    s.to_lowercase()
}
