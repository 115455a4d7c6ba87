//! The review as one self-contained HTML file: inline CSS, inline SVG bar charts, no
//! scripts and nothing fetched. Every text from the logs goes through [`html`].

use super::data::{Pattern, Review, Source, Span};
use super::escape::html;
use std::fmt::Write;

/// Cells keep times and ids on one line; only the last column (templates, paths) wraps.
const STYLE: &str = "body{font-family:sans-serif;margin:2em;color:#222;background:#fff}\
table{border-collapse:collapse;margin:.5em 0 1.5em}\
td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top;\
white-space:nowrap}td:last-child{white-space:normal}th{background:#eef2f7}\
td.n{text-align:right;font-variant-numeric:tabular-nums}code{font-size:90%}\
.bad{color:#b00;font-weight:bold}svg{display:block;margin:.5em 0 1.5em}";

pub fn render(r: &Review) -> String {
    let mut o = String::new();
    let c = &r.record;
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Log review {} to {}</title><style>{STYLE}</style></head><body>\n",
        html(&c.since),
        html(&c.until)
    );
    let _ = writeln!(
        o,
        "<h1>Log review {} to {}</h1>",
        html(&c.since),
        html(&c.until)
    );
    record(&mut o, r);
    step1(&mut o, r);
    step2(&mut o, r);
    step3(&mut o, r);
    o.push_str("</body></html>\n");
    o
}

/// Whether a cell is a number (right-aligned).
fn numeric(c: &str) -> bool {
    !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

fn row(o: &mut String, cells: &[String]) {
    o.push_str("<tr>");
    for c in cells {
        if numeric(c) {
            let _ = write!(o, "<td class=\"n\">{c}</td>");
        } else {
            let _ = write!(o, "<td>{c}</td>");
        }
    }
    o.push_str("</tr>\n");
}

fn head(o: &mut String, cells: &[&str]) {
    o.push_str("<table><tr>");
    for c in cells {
        let _ = write!(o, "<th>{c}</th>");
    }
    o.push_str("</tr>\n");
}

fn record(o: &mut String, r: &Review) {
    let c = &r.record;
    head(o, &["Record", ""]);
    row(o, &["Reviewer".into(), html(&c.user)]);
    row(o, &["Generated (UTC)".into(), html(&c.generated)]);
    row(
        o,
        &[
            "Window".into(),
            format!("{} to {} (exclusive)", html(&c.since), html(&c.until)),
        ],
    );
    row(o, &["timberline".into(), html(&c.version)]);
    row(o, &["Paths".into(), html(&c.paths.join(", "))]);
    if let Some(s) = &c.seal {
        let v: Vec<String> = s
            .verdicts
            .iter()
            .map(|(k, n)| format!("{k}: {n}"))
            .collect();
        row(o, &["Manifest".into(), html(&s.manifest)]);
        row(
            o,
            &[
                "Root hash".into(),
                format!(
                    "<code>{}</code> (sealed {})",
                    html(&s.root),
                    html(&s.sealed_at)
                ),
            ],
        );
        row(
            o,
            &[
                "Verify".into(),
                format!(
                    "chain {}; {}; exit {}",
                    if s.chain_intact {
                        "intact"
                    } else {
                        "<span class=\"bad\">BROKEN</span>"
                    },
                    html(&v.join(", ")),
                    s.exit
                ),
            ],
        );
    }
    o.push_str("</table>\n");
}

fn gaps(g: &[Span]) -> String {
    let parts: Vec<String> = g
        .iter()
        .map(|s| format!("{} to {} ({} min)", html(&s.start), html(&s.end), s.minutes))
        .collect();
    parts.join("<br>")
}

fn sources(o: &mut String, title: &str, list: &[Source]) {
    let _ = writeln!(o, "<h3>{title}</h3>");
    head(
        o,
        &[
            "Source", "Format", "Events", "Per day", "First", "Last", "Gaps", "Stopped",
        ],
    );
    for s in list {
        let stopped = match (&s.stopped, &s.last_ever) {
            (true, Some(l)) => format!("<span class=\"bad\">stopped</span> (last {})", html(l)),
            (true, None) => "<span class=\"bad\">stopped</span>".into(),
            _ => String::new(),
        };
        row(
            o,
            &[
                html(&s.name),
                html(s.format.as_deref().unwrap_or("")),
                s.events.to_string(),
                format!("{:.1}", s.per_day),
                html(s.first.as_deref().unwrap_or("-")),
                html(s.last.as_deref().unwrap_or("-")),
                gaps(&s.gaps),
                stopped,
            ],
        );
    }
    o.push_str("</table>\n");
}

fn step1(o: &mut String, r: &Review) {
    let p = &r.step1;
    o.push_str("<h2>STEP 1: Are the logs there?</h2>\n<ul>");
    let _ = write!(o, "<li>Events in the window: {}</li>", p.events);
    let g = if p.gaps.is_empty() {
        "none".into()
    } else {
        gaps(&p.gaps)
    };
    let _ = write!(o, "<li>Gaps in all sources together: {g}</li>");
    let stopped: Vec<String> = p
        .files
        .iter()
        .chain(&p.hosts)
        .filter(|s| s.stopped)
        .map(|s| html(&s.name))
        .collect();
    let _ = write!(o, "<li>Sources that stopped: {}</li>", or_none(&stopped));
    let back: Vec<String> = p
        .files
        .iter()
        .filter_map(|s| s.backwards.as_ref().map(|b| (s, b)))
        .map(|(s, b)| {
            format!(
                "{} ({} events, largest {} min)",
                html(&s.name),
                b.events,
                b.largest_minutes
            )
        })
        .collect();
    let _ = write!(
        o,
        "<li>Clock going backwards (over 5 min): {}</li>",
        or_none(&back)
    );
    let offset: Vec<String> = p
        .files
        .iter()
        .filter_map(|s| {
            s.clock_offset_minutes
                .map(|m| format!("{} ({m:+} min)", html(&s.name)))
        })
        .collect();
    let _ = write!(
        o,
        "<li>Clock or zone offset (last event vs file written): {}</li>",
        or_none(&offset)
    );
    let garbled: Vec<String> = p
        .files
        .iter()
        .filter(|s| s.invalid_utf8 + s.cut_lines > 0)
        .map(|s| {
            format!(
                "{} ({} invalid UTF-8, {} cut)",
                html(&s.name),
                s.invalid_utf8,
                s.cut_lines
            )
        })
        .collect();
    let _ = write!(
        o,
        "<li>Garbled lines (whole file): {}</li>",
        or_none(&garbled)
    );
    let untimed: Vec<String> = p.untimed.iter().map(|s| html(s)).collect();
    let _ = write!(
        o,
        "<li>Files read as text, with no timestamps: {}</li>",
        or_none(&untimed)
    );
    for n in &p.notes {
        let _ = write!(o, "<li>Note: {}</li>", html(n));
    }
    o.push_str("</ul>\n");
    sources(o, "Files", &p.files);
    sources(o, "Hosts", &p.hosts);
}

fn or_none(list: &[String]) -> String {
    if list.is_empty() {
        "none".into()
    } else {
        list.join(", ")
    }
}

fn patterns(o: &mut String, title: &str, list: &[Pattern]) {
    let _ = writeln!(o, "<h3>{title}</h3>");
    if list.is_empty() {
        o.push_str("<p>None.</p>\n");
        return;
    }
    head(
        o,
        &["Pattern", "Events", "First", "Last", "Levels", "Template"],
    );
    for p in list {
        row(
            o,
            &[
                format!("<code>{}</code>", html(&p.id)),
                p.count.to_string(),
                html(&p.first),
                html(&p.last),
                html(&p.levels.join(",")),
                format!("<code>{}</code>", html(&p.template)),
            ],
        );
    }
    o.push_str("</table>\n");
}

fn step2(o: &mut String, r: &Review) {
    let a = &r.step2;
    o.push_str("<h2>STEP 2: Obvious anomalies</h2>\n");
    let _ = writeln!(o, "<p>Events of level error and worse: {}</p>", a.errors);
    patterns(o, "Top error patterns", &a.error_patterns);
    patterns(
        o,
        "New patterns (never seen before the window)",
        &a.new_patterns,
    );
    o.push_str("<ul>");
    for l in super::hours::lines(&a.off_hours) {
        let _ = write!(o, "<li>{}</li>", html(&l));
    }
    o.push_str("</ul>\n");
    let _ = writeln!(
        o,
        "<h3>Events per hour of day ({}) against the baseline</h3>",
        html(&a.zone)
    );
    let bars: Vec<(String, u64, Option<f64>)> = a
        .hours
        .iter()
        .map(|h| (h.hour.clone(), h.count, h.baseline))
        .collect();
    o.push_str(&chart(
        &bars,
        &format!("hour of day ({})", a.zone),
        "baseline (scaled to the window)",
    ));
}

fn step3(o: &mut String, r: &Review) {
    let s = &r.step3;
    o.push_str("<h2>STEP 3: Statistics</h2>\n");
    patterns(o, "Most frequent patterns", &s.top_patterns);
    patterns(o, "Least frequent patterns", &s.bottom_patterns);
    for f in &s.top_values {
        let _ = writeln!(o, "<h3>Top values of {}</h3>", html(&f.field));
        head(o, &["Value", "Events"]);
        for (v, n) in &f.values {
            row(o, &[html(v), n.to_string()]);
        }
        o.push_str("</table>\n");
    }
    o.push_str("<h3>Events per day (UTC) against the period before</h3>\n");
    let bars: Vec<(String, u64, Option<f64>)> = s
        .days
        .iter()
        .map(|d| (d.day.clone(), d.count, Some(d.previous as f64)))
        .collect();
    o.push_str(&chart(
        &bars,
        "day (UTC)",
        "the same day of the period before",
    ));
    head(o, &["Day", "Events", "Day before period", "Events"]);
    for d in &s.days {
        row(
            o,
            &[
                html(&d.day),
                d.count.to_string(),
                html(&d.previous_day),
                d.previous.to_string(),
            ],
        );
    }
    o.push_str("</table>\n");
}

/// A round step for an axis from 0 to at least `max` in about four steps (1, 2 or 5 × 10^n).
fn axis_step(max: f64) -> f64 {
    let raw = (max / 4.0).max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

/// An inline SVG bar chart: one bar per label (its count above it when there is room), the
/// baseline as a grey tick, a y axis of event counts with gridlines, `x_title` under the
/// labels, and a legend naming the bars and `baseline`.
fn chart(bars: &[(String, u64, Option<f64>)], x_title: &str, baseline: &str) -> String {
    const H: f64 = 160.0; // plot height
    const TOP: f64 = 24.0; // room for the legend
    const LEFT: f64 = 56.0; // room for the y labels and title
    let w = 36.0;
    let top = bars
        .iter()
        .map(|(_, n, b)| (*n as f64).max(b.unwrap_or(0.0)))
        .fold(1.0, f64::max);
    let step = axis_step(top);
    let max = (top / step).ceil() * step;
    // Wide enough for the legend however few the bars.
    let width = (LEFT + w * bars.len() as f64 + 10.0).max(LEFT + 330.0);
    let base_y = TOP + H;
    let mut s = format!(
        "<svg width=\"{width:.0}\" height=\"{:.0}\" role=\"img\" font-family=\"sans-serif\">",
        base_y + 44.0
    );
    // Legend.
    let _ = write!(
        s,
        "<rect x=\"{LEFT}\" y=\"4\" width=\"12\" height=\"12\" fill=\"#4a7ab5\"/>\
         <text x=\"{:.0}\" y=\"14\" font-size=\"12\" fill=\"#222\">events</text>",
        LEFT + 16.0
    );
    if bars.iter().any(|(_, _, b)| b.is_some()) {
        let _ = write!(
            s,
            "<line x1=\"{:.0}\" x2=\"{:.0}\" y1=\"10\" y2=\"10\" stroke=\"#555\" stroke-width=\"2\"/>\
             <text x=\"{:.0}\" y=\"14\" font-size=\"12\" fill=\"#222\">{}</text>",
            LEFT + 70.0,
            LEFT + 84.0,
            LEFT + 88.0,
            html(baseline)
        );
    }
    // Y axis: gridlines and counts.
    let mut v = 0.0;
    while v <= max + 0.5 {
        let y = base_y - H * v / max;
        let _ = write!(
            s,
            "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{:.0}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#222\">{v:.0}</text>",
            width - 10.0,
            LEFT - 4.0,
            y + 4.0
        );
        v += step;
    }
    let _ = write!(
        s,
        "<text x=\"12\" y=\"{:.0}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#222\" \
         transform=\"rotate(-90 12 {:.0})\">events</text>",
        TOP + H / 2.0,
        TOP + H / 2.0
    );
    for (i, (label, n, base)) in bars.iter().enumerate() {
        let x = LEFT + w * i as f64;
        let h = H * *n as f64 / max;
        let _ = write!(
            s,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"#4a7ab5\">\
             <title>{}: {n}</title></rect>",
            x + 4.0,
            base_y - h,
            w - 8.0,
            html(label)
        );
        if let Some(b) = base {
            let y = base_y - H * b / max;
            let _ = write!(
                s,
                "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#555\" stroke-width=\"2\"/>",
                x + 1.0,
                x + w - 1.0
            );
        }
        let short = label.get(label.len().saturating_sub(5)..).unwrap_or(label);
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#222\">{}</text>",
            x + w / 2.0,
            base_y + 15.0,
            html(short)
        );
    }
    let _ = write!(
        s,
        "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{base_y}\" y2=\"{base_y}\" stroke=\"#222\"/>\
         <line x1=\"{LEFT}\" x2=\"{LEFT}\" y1=\"{TOP}\" y2=\"{base_y}\" stroke=\"#222\"/>\
         <text x=\"{:.1}\" y=\"{:.0}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#222\">{}</text>",
        width - 10.0,
        LEFT + (width - 10.0 - LEFT) / 2.0,
        base_y + 36.0,
        html(x_title)
    );
    s.push_str("</svg>\n");
    s
}
