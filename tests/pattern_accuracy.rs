//! Grouping accuracy of the pattern miner on the loghub samples in `../shared/corpora/loghub`
//! (relative to the crate), measured as the loghub benchmark measures it: a line is right when
//! the lines of its pattern are exactly the lines of its labelled group (`EventId`). One
//! configuration (the default) for every dataset; each dataset is one key, as one program or
//! format is at index time. Skips with a note when that folder is absent.
//!
//! `cargo test --release --test pattern_accuracy -- --ignored --nocapture` prints the miner's
//! speed on the same lines.

use std::collections::HashMap;
use std::path::PathBuf;
use timberline::patterns::{Miner, PatternId};

/// (dataset, the GA it must reach: a little under what it reaches).
const FLOORS: [(&str, f64); 8] = [
    ("Android", 0.91),
    ("Apache", 0.99),
    ("HDFS", 0.99),
    ("Hadoop", 0.98),
    ("Linux", 0.68),
    ("OpenSSH", 0.985),
    ("Spark", 0.915),
    ("Zookeeper", 0.98),
];

const MEAN_FLOOR: f64 = 0.93;

fn loghub() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/loghub");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "note: {} not found, skipping the pattern accuracy test",
            dir.display()
        );
        None
    }
}

/// A CSV row's fields (double-quoted fields with `""` escapes).
fn csv_fields(row: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

/// The (Content, EventId) rows of a dataset's structured CSV.
fn rows(dir: &std::path::Path, name: &str) -> Vec<(String, String)> {
    let path = dir.join(name).join(format!("{name}_2k.log_structured.csv"));
    let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
    let mut lines = text.lines();
    let head = csv_fields(lines.next().unwrap());
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let (content, event) = (col("Content"), col("EventId"));
    lines
        .map(|l| {
            let f = csv_fields(l.trim_end_matches('\r'));
            (f[content].clone(), f[event].clone())
        })
        .collect()
}

/// Grouping accuracy of `predicted` against `truth`.
fn grouping_accuracy(predicted: &[PatternId], truth: &[String]) -> f64 {
    let mut lines_of: HashMap<PatternId, Vec<usize>> = HashMap::new();
    for (i, p) in predicted.iter().enumerate() {
        lines_of.entry(*p).or_default().push(i);
    }
    let mut group_size: HashMap<&str, usize> = HashMap::new();
    for t in truth {
        *group_size.entry(t).or_default() += 1;
    }
    let right: usize = lines_of
        .values()
        .filter(|lines| {
            let t = &truth[lines[0]];
            lines.iter().all(|&i| &truth[i] == t) && group_size[t.as_str()] == lines.len()
        })
        .map(Vec::len)
        .sum();
    right as f64 / truth.len() as f64
}

#[test]
fn grouping_accuracy_per_dataset() {
    let Some(dir) = loghub() else { return };
    let mut failures = Vec::new();
    let mut sum = 0.0;
    println!("| dataset | GA | patterns | groups |");
    for (name, floor) in FLOORS {
        let rows = rows(&dir, name);
        let mut miner = Miner::default();
        let predicted: Vec<PatternId> = rows.iter().map(|(c, _)| miner.assign(name, c)).collect();
        let truth: Vec<String> = rows.into_iter().map(|(_, e)| e).collect();
        let ga = grouping_accuracy(&predicted, &truth);
        let groups = truth.iter().collect::<std::collections::HashSet<_>>().len();
        println!("| {name} | {ga:.4} | {} | {groups} |", miner.len());
        sum += ga;
        if ga < floor {
            failures.push(format!("{name}: GA {ga:.4} < {floor}"));
        }
    }
    let mean = sum / FLOORS.len() as f64;
    println!("| mean | {mean:.4} | | |");
    if mean < MEAN_FLOOR {
        failures.push(format!("mean GA {mean:.4} < {MEAN_FLOOR}"));
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// All datasets' messages, interleaved, each keyed by its dataset.
fn all_messages(dir: &std::path::Path) -> Vec<(&'static str, String)> {
    let sets: Vec<_> = FLOORS.iter().map(|(n, _)| (*n, rows(dir, n))).collect();
    let longest = sets.iter().map(|(_, r)| r.len()).max().unwrap_or(0);
    let mut out = Vec::new();
    for i in 0..longest {
        for (name, rows) in &sets {
            if let Some((content, _)) = rows.get(i) {
                out.push((*name, content.clone()));
            }
        }
    }
    out
}

#[test]
fn resuming_at_every_tenth_gives_the_uninterrupted_ids() {
    let Some(dir) = loghub() else { return };
    let input = all_messages(&dir);
    let mut whole = Miner::default();
    let want: Vec<PatternId> = input.iter().map(|(k, m)| whole.assign(k, m)).collect();
    let mut miner = Miner::default();
    let mut got = Vec::new();
    for tenth in 0..10 {
        let (from, to) = (tenth * input.len() / 10, (tenth + 1) * input.len() / 10);
        got.extend(input[from..to].iter().map(|(k, m)| miner.assign(k, m)));
        let json = serde_json::to_string(&miner).unwrap();
        miner = serde_json::from_str(&json).unwrap();
    }
    assert_eq!(got, want);
    assert_eq!(
        serde_json::to_string(&miner).unwrap(),
        serde_json::to_string(&whole).unwrap()
    );
}

/// On-CPU seconds of this thread.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split(' ').next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

#[test]
#[ignore = "a measurement, not a check: run in release with --ignored --nocapture"]
fn miner_speed() {
    let Some(dir) = loghub() else { return };
    let input = all_messages(&dir);
    let mut best_first = 0.0f64;
    let mut best_again = 0.0f64;
    for _ in 0..5 {
        let mut miner = Miner::default();
        let t = cpu_seconds();
        for (k, m) in &input {
            std::hint::black_box(miner.assign(k, m));
        }
        best_first = best_first.max(input.len() as f64 / (cpu_seconds() - t));
        let t = cpu_seconds();
        for _ in 0..10 {
            for (k, m) in &input {
                std::hint::black_box(miner.assign(k, m));
            }
        }
        best_again = best_again.max(10.0 * input.len() as f64 / (cpu_seconds() - t));
    }
    let state = serde_json::to_string(&{
        let mut m = Miner::default();
        input.iter().for_each(|(k, msg)| {
            m.assign(k, msg);
        });
        m
    })
    .unwrap();
    println!(
        "{} messages: {best_first:.0}/s on a first pass, {best_again:.0}/s once seen \
         (on-CPU time, one thread, best of 5); state {} bytes",
        input.len(),
        state.len()
    );
}
