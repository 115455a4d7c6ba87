//! The floor under `timberline index`: tantivy alone indexing every line of a folder as one
//! document (a microsecond fast field and the line's words without positions), with the writer
//! settings `timberline index` uses and no parsing, no fields, no stored text. Prints MB/s.
//!
//! `cargo run --release --example tantivy_floor -- LOGS_DIR`
use std::io::{BufRead, BufReader, Read};
use std::time::Instant;
use tantivy::schema::{FAST, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let root = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: tantivy_floor DIR"))?;
    let mut b = Schema::builder();
    let ts = b.add_u64_field("ts", FAST);
    let body = b.add_text_field(
        "body",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("default")
                .set_fieldnorms(false)
                .set_index_option(IndexRecordOption::Basic),
        ),
    );
    let dir = tempfile::tempdir()?;
    let index = tantivy::Index::create_in_dir(dir.path(), b.build())?;
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(2, 96 << 20)?;
    let mut policy = tantivy::indexer::LogMergePolicy::default();
    policy.set_max_docs_before_merge(100_000);
    writer.set_merge_policy(Box::new(policy));
    let started = Instant::now();
    let (mut bytes, mut lines) = (0u64, 0u64);
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry?;
        if !entry.file_type().is_file() {
            continue;
        }
        let file = std::fs::File::open(entry.path())?;
        let reader: Box<dyn Read> = if entry.path().extension().is_some_and(|e| e == "gz") {
            Box::new(flate2::read::MultiGzDecoder::new(file))
        } else {
            Box::new(file)
        };
        for line in BufReader::with_capacity(1 << 16, reader).split(b'\n') {
            let line = line?;
            bytes += line.len() as u64 + 1;
            lines += 1;
            let mut doc = tantivy::TantivyDocument::new();
            doc.add_u64(ts, lines);
            doc.add_text(body, String::from_utf8_lossy(&line));
            writer.add_document(doc)?;
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{lines} lines, {:.1} MB in {secs:.2} s: {:.1} MB/s",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs
    );
    Ok(())
}
