//! Histogram renderings: json for programs, block-character bars for people; the same for the
//! hour-of-day and weekday profiles.

use crate::index::histogram::Histogram;
use crate::output::escape::escape_controls;
use crate::report::profile::{self, Profile};
use crate::time::format_utc;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Bucket {
    start: String,
    count: u64,
}

#[derive(Serialize)]
struct Gap {
    start: String,
    end: String,
}

#[derive(Serialize)]
struct HistogramJson {
    bucket_seconds: i64,
    buckets: Vec<Bucket>,
    gaps: Vec<Gap>,
}

/// `{"bucket_seconds": N, "buckets": [{"start", "count"}], "gaps": [{"start", "end"}]}`;
/// a gap's `end` is the end of its last empty bucket.
pub fn write_json(out: &mut dyn Write, h: &Histogram) -> io::Result<()> {
    let doc = HistogramJson {
        bucket_seconds: h.bucket_us / 1_000_000,
        buckets: h
            .counts
            .iter()
            .enumerate()
            .map(|(i, c)| Bucket {
                start: format_utc(h.bucket_start(i)),
                count: *c,
            })
            .collect(),
        gaps: h
            .gaps
            .iter()
            .map(|(a, b)| Gap {
                start: format_utc(h.bucket_start(*a)),
                end: format_utc(h.bucket_start(b + 1)),
            })
            .collect(),
    };
    let text = serde_json::to_string(&doc).map_err(io::Error::other)?;
    writeln!(out, "{text}")
}

const EIGHTHS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];

/// Empty buckets in a row beyond which the text rendering shows only the run's two ends.
const COLLAPSE_AFTER: usize = 6;

/// One line per bucket: start, count, a bar scaled to `width` cells; gaps marked. A run of more
/// than [`COLLAPSE_AFTER`] empty buckets shows its first and last bucket around one `⋮` line
/// (years of silence would otherwise be thousands of blank lines); json keeps every bucket.
pub fn write_text(out: &mut dyn Write, h: &Histogram, width: usize) -> io::Result<()> {
    let max = h.counts.iter().copied().max().unwrap_or(0).max(1);
    let digits = max.to_string().len();
    let gap_end: std::collections::HashMap<usize, usize> = h.gaps.iter().copied().collect();
    let mut in_gap: Option<usize> = None;
    let mut i = 0;
    while i < h.counts.len() {
        if let Some(&end) = gap_end.get(&i) {
            in_gap = Some(end);
        }
        let c = h.counts[i];
        let mark = match gap_end.get(&i) {
            Some(&end) => format!(
                "  ← gap {} – {}",
                format_utc(h.bucket_start(i)),
                format_utc(h.bucket_start(end + 1))
            ),
            None => String::new(),
        };
        let fill = if in_gap.is_some() { "░" } else { "" };
        writeln!(
            out,
            "{}  {:>digits$} {}{}{}",
            format_utc(h.bucket_start(i)),
            c,
            bar(c, max, width),
            fill,
            mark
        )?;
        if in_gap == Some(i) {
            in_gap = None;
        }
        let run = h.counts[i..].iter().take_while(|&&n| n == 0).count();
        let last = i + run.saturating_sub(1);
        if run > COLLAPSE_AFTER && !(i + 1..last).any(|k| gap_end.contains_key(&k)) {
            // Keep the run's last bucket (it may end a gap); elide the middle.
            let elided = last - i - 1;
            if in_gap.is_some_and(|end| end < last) {
                in_gap = None;
            }
            let fill = if in_gap.is_some() { "░" } else { "" };
            writeln!(
                out,
                "{:>24}  {:>digits$} {fill}⋮ {elided} more empty buckets",
                "", ""
            )?;
            i = last;
            continue;
        }
        i += 1;
    }
    let total: u64 = h.counts.iter().sum();
    writeln!(
        out,
        "{} events in {} buckets of {}s; {} gap(s)",
        total,
        h.counts.len(),
        h.bucket_us / 1_000_000,
        h.gaps.len()
    )
}

#[derive(Serialize)]
struct Span {
    since: String,
    until: String,
}

#[derive(Serialize)]
struct ProfileJson<'a> {
    profile: &'static str,
    zone: &'a str,
    window: Span,
    baseline: Span,
    count: u64,
    baseline_count: u64,
    buckets: &'a [profile::Row],
}

/// `{"profile": "hour", "zone", "window": {"since", "until"}, "baseline": {...}, "count",
/// "baseline_count", "buckets": [{"bucket": "03", "count", "baseline", "ratio",
/// "baseline_count"}]}`: `baseline` is scaled to the window, `ratio` is `count / baseline`
/// (null when the baseline is 0 or never in that bucket).
pub fn write_profile_json(out: &mut dyn Write, p: &profile::Report) -> io::Result<()> {
    let doc = ProfileJson {
        profile: p.profile.name(),
        zone: &p.zone,
        window: Span {
            since: format_utc(p.since),
            until: format_utc(p.until),
        },
        baseline: Span {
            since: format_utc(p.baseline_since),
            until: format_utc(p.since),
        },
        count: p.rows.iter().map(|r| r.count).sum(),
        baseline_count: p.rows.iter().map(|r| r.baseline_count).sum(),
        buckets: &p.rows,
    };
    let text = serde_json::to_string(&doc).map_err(io::Error::other)?;
    writeln!(out, "{text}")
}

/// One line per hour (weekday): count in the window, the baseline scaled to the window, their
/// ratio and a bar of the count scaled to `width` cells; then what was compared.
pub fn write_profile_text(
    out: &mut dyn Write,
    p: &profile::Report,
    width: usize,
) -> io::Result<()> {
    let max = p
        .rows
        .iter()
        .map(|r| r.count.max(r.baseline.unwrap_or(0.0).ceil() as u64))
        .max()
        .unwrap_or(0)
        .max(1);
    let digits = p
        .rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(0)
        .max(5);
    let head = match p.profile {
        Profile::Hour => "hour",
        Profile::Weekday => "day",
    };
    writeln!(
        out,
        "{head:4}  {:>digits$}  {:>9}  {:>7}",
        "count", "baseline", "ratio"
    )?;
    for r in &p.rows {
        let baseline = r.baseline.map_or("-".into(), |b| format!("{b:.1}"));
        let ratio = r.ratio.map_or("-".into(), |x| format!("{x:.2}"));
        let line = format!(
            "{:4}  {:>digits$}  {baseline:>9}  {ratio:>7}  {}",
            r.bucket,
            r.count,
            bar(r.count, max, width)
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    let count: u64 = p.rows.iter().map(|r| r.count).sum();
    let base: u64 = p.rows.iter().map(|r| r.baseline_count).sum();
    let by = match p.profile {
        Profile::Hour => "hour of day",
        Profile::Weekday => "day of week",
    };
    writeln!(
        out,
        "{count} events {} – {} by {by} ({} time); baseline: {base} events {} – {}, scaled to the window's length",
        format_utc(p.since),
        format_utc(p.until),
        escape_controls(&p.zone, false),
        format_utc(p.baseline_since),
        format_utc(p.since),
    )
}

fn bar(count: u64, max: u64, width: usize) -> String {
    if count == 0 {
        return String::new();
    }
    let eighths = ((count as f64 / max as f64) * (width * 8) as f64)
        .round()
        .max(1.0) as usize;
    let mut s = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        s.push(EIGHTHS[eighths % 8 - 1]);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_has_every_bucket_and_the_gap_bounds() {
        let h = Histogram {
            start_us: 0,
            bucket_us: 60_000_000,
            counts: vec![3, 0, 0, 5],
            gaps: vec![(1, 2)],
        };
        let mut buf = Vec::new();
        write_json(&mut buf, &h).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(v["bucket_seconds"], 60);
        assert_eq!(v["buckets"].as_array().unwrap().len(), 4);
        assert_eq!(v["buckets"][1]["count"], 0);
        assert_eq!(v["gaps"][0]["start"], "1970-01-01T00:01:00.000Z");
        assert_eq!(v["gaps"][0]["end"], "1970-01-01T00:03:00.000Z");
    }

    #[test]
    fn text_bars_scale_and_mark_gaps() {
        let h = Histogram {
            start_us: 0,
            bucket_us: 60_000_000,
            counts: vec![8, 0, 0, 4],
            gaps: vec![(1, 2)],
        };
        let mut buf = Vec::new();
        write_text(&mut buf, &h, 2).unwrap();
        let s = String::from_utf8(buf).unwrap();
        let lines: Vec<_> = s.lines().collect();
        assert!(lines[0].ends_with(" 8 ██"), "{s}");
        assert!(
            lines[1].contains("░  ← gap 1970-01-01T00:01:00.000Z – 1970-01-01T00:03:00.000Z"),
            "{s}"
        );
        assert!(lines[2].ends_with("░"), "{s}");
        assert!(lines[3].ends_with(" 4 █"), "{s}");
    }

    #[test]
    fn a_long_empty_run_shows_its_ends_and_how_many_were_left_out() {
        let mut counts = vec![5];
        counts.extend(std::iter::repeat_n(0, 1000));
        counts.push(7);
        let h = Histogram {
            start_us: 0,
            bucket_us: 86_400_000_000,
            counts,
            gaps: vec![(1, 1000)],
        };
        let mut buf = Vec::new();
        write_text(&mut buf, &h, 4).unwrap();
        let s = String::from_utf8(buf).unwrap();
        let lines: Vec<_> = s.lines().collect();
        assert_eq!(lines.len(), 6, "{s}");
        assert!(lines[1].starts_with("1970-01-02T00:00:00.000Z") && lines[1].contains("← gap"));
        assert!(
            lines[2]
                .trim_start()
                .starts_with("░⋮ 998 more empty buckets"),
            "{s}"
        );
        assert!(lines[3].starts_with("1972-09-27T00:00:00.000Z") && lines[3].ends_with('░'));
        assert!(lines[4].ends_with(" 7 ████"), "{s}");
        assert!(lines[5].starts_with("12 events in 1002 buckets"), "{s}");
    }

    #[test]
    fn a_profile_without_baseline_shows_dashes_and_json_nulls() {
        let rows = (0..7)
            .map(|i| profile::Row {
                bucket: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i].into(),
                count: if i == 3 { 8 } else { 0 },
                baseline: (i != 3).then_some(2.0),
                ratio: (i != 3).then_some(0.0),
                baseline_count: if i == 3 { 0 } else { 2 },
            })
            .collect();
        let p = profile::Report {
            profile: Profile::Weekday,
            zone: "local".into(),
            since: 0,
            until: 86_400_000_000,
            baseline_since: -86_400_000_000,
            rows,
        };
        let mut buf = Vec::new();
        write_profile_text(&mut buf, &p, 4).unwrap();
        let s = String::from_utf8(buf).unwrap();
        let lines: Vec<_> = s.lines().collect();
        assert_eq!(lines[0], "day   count   baseline    ratio");
        assert_eq!(lines[1], "Mon       0        2.0     0.00");
        assert_eq!(lines[4], "Thu       8          -        -  ████");
        assert!(
            lines[8].starts_with(
                "8 events 1970-01-01T00:00:00.000Z – 1970-01-02T00:00:00.000Z by day of week"
            ),
            "{s}"
        );
        let mut buf = Vec::new();
        write_profile_json(&mut buf, &p).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(v["profile"], "weekday");
        assert_eq!(v["count"], 8);
        assert_eq!(v["baseline_count"], 12);
        assert!(v["buckets"][3]["baseline"].is_null() && v["buckets"][3]["ratio"].is_null());
        assert_eq!(v["baseline"]["since"], "1969-12-31T00:00:00.000Z");
    }
}
