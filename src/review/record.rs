//! The record of a review: who ran it, when, over what, and (with `--manifest`) what the
//! last seal says of the files.

use super::data::{Record, SealSummary};
use crate::time::format_utc;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The record of a review of `paths` over `[since, until)` run now by `$USER`.
pub fn record(paths: &[PathBuf], since: i64, until: i64, version: &str) -> Record {
    Record {
        user: std::env::var("USER").unwrap_or_else(|_| "unknown".into()),
        generated: format_utc(chrono::Utc::now().timestamp_micros()),
        since: format_utc(since),
        until: format_utc(until),
        version: version.to_string(),
        paths: paths.iter().map(|p| p.display().to_string()).collect(),
        seal: None,
    }
}

/// A summary of `verify`'s report: the root hash and files per verdict.
pub fn seal_summary(report: &crate::seal::Report) -> SealSummary {
    let mut verdicts = BTreeMap::new();
    for f in &report.files {
        *verdicts.entry(f.verdict.name().to_string()).or_insert(0) += 1;
    }
    SealSummary {
        manifest: report.manifest.display().to_string(),
        root: report.record.hash.to_string(),
        sealed_at: report.record.at.clone(),
        chain_intact: report.chain_intact(),
        verdicts,
        exit: report.exit,
    }
}
