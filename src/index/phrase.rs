//! Phrases (`"session opened for user root"`, and words that split into several such as
//! `wp-login.php`). The text field keeps no word positions: they were a quarter of the index
//! and a sixth of its build time. A phrase is found as the events that hold all its words (from
//! the postings), each confirmed on its own text read back: its words, tokenized as the index
//! tokenizes them, must follow one another.

use super::schema::{Fields, text_analyzer};
use super::text::{FileTable, SegmentTexts};
use tantivy::query::doc_predicate_query::{
    ConstOrVariableSegmentPredicate, DocPredicate, DocPredicateQuery, SegmentDocPredicate,
};
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocId, DocSet, SegmentReader, Term};

/// The query for the phrase of `words` (at least two, already tokenized and lowercased).
pub fn phrase_query(words: Vec<String>, fields: Fields, files: &FileTable) -> Box<dyn Query> {
    Box::new(DocPredicateQuery::from(PhrasePredicate {
        words,
        fields,
        files: files.clone(),
    }))
}

#[derive(Debug)]
struct PhrasePredicate {
    words: Vec<String>,
    fields: Fields,
    files: FileTable,
}

impl PhrasePredicate {
    /// The events of a segment that hold every word of the phrase.
    fn all_words(&self, segment: &SegmentReader) -> tantivy::Result<Box<dyn DocSet>> {
        let clauses = self
            .words
            .iter()
            .map(|w| {
                let term = Term::from_field_text(self.fields.text, w);
                let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Must, q)
            })
            .collect();
        let weight = BooleanQuery::new(clauses)
            .weight(EnableScoring::disabled_from_schema(segment.schema()))?;
        Ok(weight.scorer(segment, 1.0)?)
    }
}

impl DocPredicate for PhrasePredicate {
    type SegmentDocPredicate = PhraseCheck;

    fn doc_predicate(
        &self,
        segment: &SegmentReader,
    ) -> tantivy::Result<ConstOrVariableSegmentPredicate<PhraseCheck>> {
        let ff = segment.fast_fields();
        let check = PhraseCheck {
            words: self.words.clone(),
            file: ff.u64("file")?,
            offset: ff.u64("offset")?,
            len: ff.u64("len")?,
            texts: SegmentTexts::new(
                self.files.clone(),
                self.fields,
                segment.get_store_reader(16).ok(),
            ),
            tokens: Tokens::default(),
        };
        Ok(ConstOrVariableSegmentPredicate::Variable {
            predicate: check,
            necessary_condition: self.all_words(segment)?,
        })
    }
}

/// Confirms candidates of one segment.
pub struct PhraseCheck {
    words: Vec<String>,
    file: tantivy::columnar::Column<u64>,
    offset: tantivy::columnar::Column<u64>,
    len: tantivy::columnar::Column<u64>,
    texts: SegmentTexts,
    tokens: Tokens,
}

impl SegmentDocPredicate for PhraseCheck {
    fn eval(&mut self, doc: DocId) -> bool {
        let (Some(file), Some(offset), Some(len)) = (
            self.file.first(doc),
            self.offset.first(doc),
            self.len.first(doc),
        ) else {
            return false;
        };
        // An event that cannot be read back (its file removed since) is not shown either.
        // Its first MiB, as much as the index keeps of it.
        let len = len.min(crate::output::events::MAX_SHOWN);
        let Some(text) = self.texts.text(doc, file, offset, len) else {
            return false;
        };
        self.tokens.holds_phrase(&text, &self.words)
    }

    fn cost(&self) -> u64 {
        // Reading an event back and tokenizing it: far dearer than a posting's step.
        1_000
    }
}

/// The words of one text with their positions, in buffers reused from one event to the next.
struct Tokens {
    analyzer: TextAnalyzer,
    text: String,
    /// (position, start, end) of each word in `text`.
    spans: Vec<(usize, usize, usize)>,
}

impl Default for Tokens {
    fn default() -> Tokens {
        Tokens {
            analyzer: text_analyzer(),
            text: String::new(),
            spans: Vec::new(),
        }
    }
}

impl Tokens {
    /// Whether `text` holds the phrase of `words`, tokenized as the index tokenizes it.
    fn holds_phrase(&mut self, text: &str, words: &[String]) -> bool {
        if text.is_ascii() {
            self.read_ascii(text);
        } else {
            self.read(text);
        }
        self.holds(words)
    }

    /// The index's tokenizer on ASCII text, without copying: words are runs of ASCII letters
    /// and digits; case is ignored when comparing. A word over the length limit is kept here,
    /// in its place, as it can never equal a query word.
    fn read_ascii(&mut self, text: &str) {
        self.text.clear();
        self.spans.clear();
        self.text.push_str(text);
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_alphanumeric() {
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                self.spans.push((self.spans.len(), start, i));
            } else {
                i += 1;
            }
        }
    }

    fn read(&mut self, text: &str) {
        self.text.clear();
        self.spans.clear();
        let mut stream = self.analyzer.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            let start = self.text.len();
            self.text.push_str(&t.text);
            self.spans.push((t.position, start, self.text.len()));
        }
    }

    /// Whether `words` occur at consecutive positions (a word dropped by the tokenizer, such
    /// as one over the length limit, still takes its position, as it did in the index).
    fn holds(&self, words: &[String]) -> bool {
        let n = words.len();
        if n == 0 || self.spans.len() < n {
            return n == 0;
        }
        self.spans.windows(n).any(|w| {
            w.iter()
                .zip(words)
                .enumerate()
                .all(|(j, (&(pos, a, b), word))| {
                    pos == w[0].0 + j && self.text[a..b].eq_ignore_ascii_case(word)
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Tokens;

    /// Both tokenizer paths, which must agree.
    fn holds(text: &str, phrase: &[&str]) -> bool {
        let words: Vec<String> = phrase.iter().map(|s| s.to_string()).collect();
        let mut t = Tokens::default();
        t.read(text);
        let general = t.holds(&words);
        if text.is_ascii() {
            t.read_ascii(text);
            assert_eq!(t.holds(&words), general, "ASCII path differs on {text:?}");
        }
        general
    }

    #[test]
    fn words_must_follow_one_another() {
        let line = "pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)";
        assert!(holds(line, &["session", "opened", "for", "user", "root"]));
        assert!(holds(line, &["sshd", "session"]));
        assert!(!holds(line, &["opened", "session"]));
        assert!(!holds(line, &["session", "for"]));
        assert!(!holds("user root opened session", &["session", "opened"]));
    }

    #[test]
    fn matching_ignores_case_and_punctuation_like_the_index() {
        assert!(holds("GET /wp-login.PHP HTTP/1.1", &["wp", "login", "php"]));
        assert!(holds("a a a b", &["a", "a", "b"]));
        assert!(!holds("wp login", &["wp", "login", "php"]));
        assert!(holds("Größe über alles", &["über", "alles"]));
        assert!(holds("ÜBER alles", &["über", "alles"]));
        assert!(!holds("snake_case x", &["snakecase"]));
        assert!(holds("snake_case x", &["case", "x"]));
    }

    #[test]
    fn a_word_too_long_to_index_still_separates_its_neighbours() {
        let long = "x".repeat(200);
        assert!(!holds(&format!("alpha {long} beta"), &["alpha", "beta"]));
        assert!(holds(&format!("alpha beta {long}"), &["alpha", "beta"]));
    }
}
