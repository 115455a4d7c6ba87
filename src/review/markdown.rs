//! The review as Markdown, for a ticket: headings per step, tables with escaped cells.

use super::data::{Pattern, Review, Source, Span};
use super::escape::md_cell as cell;
use std::fmt::Write;

pub fn render(r: &Review) -> String {
    let mut o = String::new();
    record(&mut o, r);
    step1(&mut o, r);
    step2(&mut o, r);
    step3(&mut o, r);
    o
}

fn record(o: &mut String, r: &Review) {
    let c = &r.record;
    let _ = writeln!(o, "# Log review {} to {}\n", c.since, c.until);
    let _ = writeln!(o, "| Record | |\n|---|---|");
    let _ = writeln!(o, "| Reviewer | {} |", cell(&c.user));
    let _ = writeln!(o, "| Generated (UTC) | {} |", c.generated);
    let _ = writeln!(o, "| Window | {} to {} (exclusive) |", c.since, c.until);
    let _ = writeln!(o, "| timberline | {} |", cell(&c.version));
    let _ = writeln!(o, "| Paths | {} |", cell(&c.paths.join(", ")));
    if let Some(s) = &c.seal {
        let verdicts: Vec<String> = s
            .verdicts
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        let _ = writeln!(o, "| Manifest | {} |", cell(&s.manifest));
        let _ = writeln!(
            o,
            "| Root hash | `{}` (sealed {}) |",
            s.root,
            cell(&s.sealed_at)
        );
        let _ = writeln!(
            o,
            "| Verify | chain {}; {}; exit {} |",
            if s.chain_intact { "intact" } else { "BROKEN" },
            verdicts.join(", "),
            s.exit
        );
    }
    o.push('\n');
}

fn gaps(g: &[Span]) -> String {
    g.iter()
        .map(|s| format!("{} to {} ({} min)", s.start, s.end, s.minutes))
        .collect::<Vec<_>>()
        .join("; ")
}

fn sources(o: &mut String, title: &str, list: &[Source]) {
    let _ = writeln!(o, "### {title}\n");
    if list.is_empty() {
        let _ = writeln!(o, "None.\n");
        return;
    }
    let _ = writeln!(
        o,
        "| Source | Format | Events | Per day | First | Last | Gaps | Stopped |"
    );
    let _ = writeln!(o, "|---|---|--:|--:|---|---|---|---|");
    for s in list {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {:.1} | {} | {} | {} | {} |",
            cell(&s.name),
            cell(s.format.as_deref().unwrap_or("")),
            s.events,
            s.per_day,
            s.first.as_deref().unwrap_or("-"),
            s.last.as_deref().unwrap_or("-"),
            gaps(&s.gaps),
            match (&s.stopped, &s.last_ever) {
                (true, Some(l)) => format!("**stopped** (last {l})"),
                (true, None) => "**stopped**".into(),
                _ => String::new(),
            }
        );
    }
    o.push('\n');
}

fn step1(o: &mut String, r: &Review) {
    let p = &r.step1;
    let _ = writeln!(o, "## STEP 1: Are the logs there?\n");
    let _ = writeln!(o, "- Events in the window: {}", p.events);
    let _ = writeln!(
        o,
        "- Gaps in all sources together: {}",
        if p.gaps.is_empty() {
            "none".into()
        } else {
            gaps(&p.gaps)
        }
    );
    let stopped: Vec<String> = p
        .files
        .iter()
        .chain(&p.hosts)
        .filter(|s| s.stopped)
        .map(|s| cell(&s.name))
        .collect();
    let _ = writeln!(
        o,
        "- Sources that stopped: {}",
        if stopped.is_empty() {
            "none".into()
        } else {
            stopped.join(", ")
        }
    );
    let back: Vec<String> = p
        .files
        .iter()
        .filter_map(|s| s.backwards.as_ref().map(|b| (s, b)))
        .map(|(s, b)| {
            format!(
                "{} ({} events, largest {} min)",
                cell(&s.name),
                b.events,
                b.largest_minutes
            )
        })
        .collect();
    let _ = writeln!(
        o,
        "- Clock going backwards (over 5 min): {}",
        if back.is_empty() {
            "none".into()
        } else {
            back.join(", ")
        }
    );
    let offset: Vec<String> = p
        .files
        .iter()
        .filter_map(|s| {
            s.clock_offset_minutes
                .map(|m| format!("{} ({m:+} min)", cell(&s.name)))
        })
        .collect();
    let _ = writeln!(
        o,
        "- Clock or zone offset (last event vs file written): {}",
        if offset.is_empty() {
            "none".into()
        } else {
            offset.join(", ")
        }
    );
    let garbled: Vec<String> = p
        .files
        .iter()
        .filter(|s| s.invalid_utf8 + s.cut_lines > 0)
        .map(|s| {
            format!(
                "{} ({} invalid UTF-8, {} cut)",
                cell(&s.name),
                s.invalid_utf8,
                s.cut_lines
            )
        })
        .collect();
    let _ = writeln!(
        o,
        "- Garbled lines (whole file): {}",
        if garbled.is_empty() {
            "none".into()
        } else {
            garbled.join(", ")
        }
    );
    let untimed: Vec<String> = p.untimed.iter().map(|s| cell(s)).collect();
    let _ = writeln!(
        o,
        "- Files read as text, with no timestamps: {}",
        if untimed.is_empty() {
            "none".into()
        } else {
            untimed.join(", ")
        }
    );
    for n in &p.notes {
        let _ = writeln!(o, "- Note: {}", cell(n));
    }
    o.push('\n');
    sources(o, "Files", &p.files);
    sources(o, "Hosts", &p.hosts);
}

fn patterns(o: &mut String, title: &str, list: &[Pattern]) {
    let _ = writeln!(o, "### {title}\n");
    if list.is_empty() {
        let _ = writeln!(o, "None.\n");
        return;
    }
    let _ = writeln!(o, "| Pattern | Events | First | Last | Levels | Template |");
    let _ = writeln!(o, "|---|--:|---|---|---|---|");
    for p in list {
        let _ = writeln!(
            o,
            "| `{}` | {} | {} | {} | {} | {} |",
            p.id,
            p.count,
            p.first,
            p.last,
            cell(&p.levels.join(",")),
            cell(&p.template)
        );
    }
    o.push('\n');
}

fn step2(o: &mut String, r: &Review) {
    let a = &r.step2;
    let _ = writeln!(o, "## STEP 2: Obvious anomalies\n");
    let _ = writeln!(o, "- Events of level error and worse: {}\n", a.errors);
    patterns(o, "Top error patterns", &a.error_patterns);
    patterns(
        o,
        "New patterns (never seen before the window)",
        &a.new_patterns,
    );
    for l in super::hours::lines(&a.off_hours) {
        let _ = writeln!(o, "- {}", cell(&l));
    }
    o.push('\n');
    let _ = writeln!(
        o,
        "### Events per hour of day ({}) against the baseline\n",
        cell(&a.zone)
    );
    let _ = writeln!(o, "| Hour | Events | Baseline | Ratio |\n|---|--:|--:|--:|");
    for h in &a.hours {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            h.hour,
            h.count,
            h.baseline.map_or("-".into(), |b| format!("{b:.1}")),
            h.ratio.map_or("-".into(), |x| format!("{x:.2}"))
        );
    }
    o.push('\n');
}

fn step3(o: &mut String, r: &Review) {
    let s = &r.step3;
    let _ = writeln!(o, "## STEP 3: Statistics\n");
    patterns(o, "Most frequent patterns", &s.top_patterns);
    patterns(o, "Least frequent patterns", &s.bottom_patterns);
    for f in &s.top_values {
        let _ = writeln!(o, "### Top values of {}\n", cell(&f.field));
        let _ = writeln!(o, "| Value | Events |\n|---|--:|");
        for (v, n) in &f.values {
            let _ = writeln!(o, "| {} | {n} |", cell(v));
        }
        o.push('\n');
    }
    let _ = writeln!(o, "### Events per day (UTC) against the period before\n");
    let _ = writeln!(
        o,
        "| Day | Events | Day before period | Events |\n|---|--:|---|--:|"
    );
    for d in &s.days {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            d.day, d.count, d.previous_day, d.previous
        );
    }
}
