//! What the rules would do over one window (the explorer's rules pane, `A`): per rule, the
//! events its query matches and the alerts the evaluator `check` uses would fire, starting
//! from a fresh state at the window's first event (the window alone, no earlier memory).

use super::config::{Kind, Rule, Source};
use super::eval::{Input, State, run};

/// One rule over the window.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tally {
    pub name: String,
    pub severity: String,
    /// How it fires, in words: `match`, `5 in 5m by client`, `absent 1h`.
    pub kind: String,
    /// Its events as a query the explorer can filter on.
    pub query: String,
    pub matches: u64,
    pub alerts: u64,
}

/// A duration in µs as the rules file writes it (`90s`, `5m`, `2h`, `1d`).
fn words(us: i64) -> String {
    let s = us / 1_000_000;
    for (unit, n) in [("d", 86_400), ("h", 3_600), ("m", 60)] {
        if s >= n && s % n == 0 {
            return format!("{}{unit}", s / n);
        }
    }
    format!("{s}s")
}

/// How `r` fires, in words.
pub fn kind_words(r: &Rule) -> String {
    let by =
        r.by.as_deref()
            .map(|b| format!(" by {b}"))
            .unwrap_or_default();
    match r.kind {
        Kind::Match => format!("match{by}"),
        Kind::Threshold { count, window_us } => format!("{count} in {}{by}", words(window_us)),
        Kind::Absence { absent_us } => format!("absent {}", words(absent_us)),
    }
}

/// The rule's events as query text: its query, `pattern:ID`, or the saved query's definition.
pub fn query_text(r: &Rule, saved: &[crate::app::saved::SavedQuery]) -> String {
    match &r.source {
        Source::Query(q) => q.clone(),
        Source::Pattern(p) => format!("pattern:{p}"),
        Source::Saved(name) => saved
            .iter()
            .find(|q| &q.name == name)
            .map(|q| q.text())
            .unwrap_or_default(),
    }
}

/// Runs `inputs` (in event-time order, as [`super::history`] gives them) through the rules
/// from a fresh state; one tally per rule, in the rules' order.
pub fn tally(
    rules: &[Rule],
    saved: &[crate::app::saved::SavedQuery],
    inputs: &[Input],
) -> Vec<Tally> {
    let mut out: Vec<Tally> = rules
        .iter()
        .map(|r| Tally {
            name: r.name.clone(),
            severity: r.severity.clone(),
            kind: kind_words(r),
            query: query_text(r, saved),
            ..Tally::default()
        })
        .collect();
    for i in inputs {
        if let Input::Event { rule, .. } = i
            && let Some(t) = out.get_mut(*rule)
        {
            t.matches += 1;
        }
    }
    for alert in run(rules, &mut State::default(), inputs) {
        if let Some(t) = out.iter_mut().find(|t| t.name == alert.rule) {
            t.alerts += 1;
        }
    }
    out
}

/// Most alerts first, then most matches, then by name.
pub fn sort(rows: &mut [Tally]) {
    rows.sort_by(|a, b| {
        b.alerts
            .cmp(&a.alerts)
            .then(b.matches.cmp(&a.matches))
            .then_with(|| a.name.cmp(&b.name))
    });
}

#[cfg(test)]
mod tests {
    use super::super::config::parse;
    use super::super::eval::Sample;
    use super::*;
    use std::path::Path;

    const MIN: i64 = 60_000_000;

    fn ev(rule: usize, key: &str, ts: i64) -> Input {
        Input::Event {
            rule,
            key: Some(key.to_string()),
            sample: Sample {
                ts,
                source: "a.log".into(),
                line: 1,
                text: String::new(),
            },
        }
    }

    #[test]
    fn a_threshold_counts_its_firings_per_key_and_a_match_rule_each_event() {
        let rules = parse(
            "[[rule]]\nname='brute'\nquery='Failed'\ncount=3\nwindow='5m'\nby='client'\n\
             [[rule]]\nname='oom'\npattern='a1a2b3c4d5e6f708'\nseverity='crit'\n\
             [[rule]]\nname='beat'\nquery='heartbeat'\nabsent='1h'\n",
            Path::new("rules.toml"),
        )
        .unwrap();
        // Client a: 7 failures a minute apart (fires at the 3rd and the 6th); b: 2.
        let mut inputs: Vec<Input> = (0..7).map(|i| ev(0, "a", i * MIN)).collect();
        inputs.extend((0..2).map(|i| ev(0, "b", i * MIN + 1)));
        inputs.push(ev(1, "", 3 * MIN));
        inputs.push(Input::Tick(10 * MIN));
        super::super::sort_inputs(&mut inputs);
        let mut rows = tally(&rules, &[], &inputs);
        sort(&mut rows);
        let got: Vec<(&str, u64, u64)> = rows
            .iter()
            .map(|t| (t.name.as_str(), t.matches, t.alerts))
            .collect();
        assert_eq!(got, [("brute", 9, 2), ("oom", 1, 1), ("beat", 0, 0)]);
        assert_eq!(rows[0].kind, "3 in 5m by client");
        assert_eq!(rows[1].query, "pattern:a1a2b3c4d5e6f708");
        assert_eq!(rows[1].severity, "crit");
        assert_eq!(rows[2].kind, "absent 1h");
    }
}
