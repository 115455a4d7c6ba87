//! Durations and gaps in the explorer's words (`1h30m`, `gap: 47m without events`), shared by
//! the jumps, the worker's answers and the drawing.

/// `3600` → `1h`, `5400` → `1h30m`.
pub fn human_secs(secs: i64) -> String {
    let units = [(86_400, "d"), (3600, "h"), (60, "m"), (1, "s")];
    let mut out = String::new();
    let mut rest = secs.max(0);
    for (n, u) in units {
        if rest >= n {
            out.push_str(&format!("{}{u}", rest / n));
            rest %= n;
        }
    }
    if out.is_empty() { "0s".into() } else { out }
}

/// `gap: 47m without events`.
pub fn gap_note(secs: i64) -> String {
    format!("gap: {} without events", human_secs(secs))
}
