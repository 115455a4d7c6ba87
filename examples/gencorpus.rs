//! Writes a deterministic log corpus with planted facts (see `timberline::corpus`).
//!
//! ```text
//! cargo run --release --example gencorpus -- --out DIR [--size 1G] [--seed N] [--days D] [--start RFC3339] [--gzip-level L]
//! cargo run --release --example gencorpus -- --demo [--out assets/demo]
//! ```
//! The corpus goes to `DIR/logs/`, its manifest to `DIR/manifest.json`. With `--demo`, the demo
//! preset's log tree is written straight into the output directory (default `assets/demo`) and the
//! manifest is printed on stdout.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use timberline::corpus::{self, CorpusSpec};

const USAGE: &str = "usage: gencorpus --out DIR [--size 1G] [--seed N] [--days D] [--start 2026-10-01T00:00:00Z] [--gzip-level 6]\n       gencorpus --demo [--out assets/demo]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gencorpus: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut spec = CorpusSpec::default();
    let mut out: Option<PathBuf> = None;
    let mut demo = false;
    let mut overrides: Vec<(String, String)> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let (key, inline) = match a.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        match key.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            "--demo" => demo = true,
            "--out" | "--size" | "--seed" | "--days" | "--start" | "--gzip-level" => {
                let v = match inline {
                    Some(v) => v,
                    None => args
                        .next()
                        .ok_or_else(|| format!("{key} needs a value\n{USAGE}"))?,
                };
                if key == "--out" {
                    out = Some(PathBuf::from(v));
                } else {
                    overrides.push((key, v));
                }
            }
            _ => return Err(format!("unknown argument {a:?}\n{USAGE}")),
        }
    }
    if demo {
        spec = CorpusSpec::demo();
    }
    for (k, v) in overrides {
        let bad = || format!("bad value for {k}: {v:?}");
        match k.as_str() {
            "--size" => spec.target_bytes = corpus::parse_size(&v).ok_or_else(bad)?,
            "--seed" => spec.seed = v.parse().map_err(|_| bad())?,
            "--days" => spec.days = v.parse().map_err(|_| bad())?,
            "--gzip-level" => spec.gzip_level = v.parse().map_err(|_| bad())?,
            "--start" => {
                spec.start = chrono::DateTime::parse_from_rfc3339(&v)
                    .map_err(|_| bad())?
                    .with_timezone(&chrono::Utc)
            }
            _ => return Err(bad()),
        }
    }
    let t0 = Instant::now();
    let manifest = if demo {
        let dir = out.unwrap_or_else(|| PathBuf::from("assets/demo"));
        let m =
            corpus::generate_logs(&spec, &dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let json = serde_json::to_string_pretty(&m).map_err(|e| e.to_string())?;
        println!("{json}");
        m
    } else {
        let dir = out.ok_or_else(|| format!("--out DIR is required\n{USAGE}"))?;
        corpus::generate(&spec, &dir).map_err(|e| format!("{}: {e}", dir.display()))?
    };
    let secs = t0.elapsed().as_secs_f64();
    eprintln!(
        "gencorpus: {} files, {} events, {} lines, {:.1} MB raw ({:.1} MB on disk) in {:.2} s ({:.0} MB/s); rare {} x{}, gap {} .. {}, spike {} x{}",
        manifest.files.len(),
        manifest.events,
        manifest.lines,
        manifest.raw_bytes as f64 / 1e6,
        manifest.disk_bytes as f64 / 1e6,
        secs,
        manifest.raw_bytes as f64 / 1e6 / secs.max(1e-9),
        manifest.rare.term,
        manifest.rare.events,
        manifest.gap.start,
        manifest.gap.end,
        manifest.spike.file_family,
        manifest.spike.planted_events,
    );
    Ok(())
}
