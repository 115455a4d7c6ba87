//! The evaluator: a pure fold of events (in event-time order) into alerts, with all its memory
//! in an explicit, serializable [`State`]. `check` replays history through it and `watch`
//! feeds it each round's new events: the same events give the same alerts, however batched.

use super::config::{Kind, Rule};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// What an alert says about the event that fired it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    pub ts: i64,
    pub source: String,
    pub line: u64,
    pub text: String,
}

/// One input: an event matched by rule number `rule` (with its `by` key, if the rule has
/// one), or the clock of event time moving on (any event, matched or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Event {
        rule: usize,
        key: Option<String>,
        sample: Sample,
    },
    Tick(i64),
}

impl Input {
    /// The event time of the input (µs UTC).
    pub fn ts(&self) -> i64 {
        match self {
            Input::Event { sample, .. } => sample.ts,
            Input::Tick(t) => *t,
        }
    }
}

/// What fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertKind {
    Match,
    Threshold,
    Absence,
}

/// One alert, on event time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub rule: String,
    pub severity: String,
    pub kind: AlertKind,
    /// When it fired (µs UTC, event time).
    pub at: i64,
    pub key: Option<String>,
    /// Events counted (threshold), 1 (match), 0 (absence).
    pub count: u64,
    /// Absence: the last match before the silence (or when watching began).
    pub silent_since: Option<i64>,
    pub event: Option<Sample>,
}

/// One rule's memory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleState {
    /// Threshold: the times of matches still within the window, per key.
    #[serde(default)]
    recent: BTreeMap<String, VecDeque<i64>>,
    /// Until when each key is quiet after firing (event time).
    #[serde(default)]
    quiet_until: BTreeMap<String, i64>,
    /// Absence: the last match (or the start of observation).
    #[serde(default)]
    last_match: Option<i64>,
    /// Absence: the current silence has fired already.
    #[serde(default)]
    absent_fired: bool,
}

/// The evaluator's whole memory, by rule name (so that editing one rule keeps the others').
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// The latest event time seen.
    pub clock: Option<i64>,
    #[serde(default)]
    pub rules: BTreeMap<String, RuleState>,
}

/// Feeds `inputs` (in event-time order) through the rules; returns the alerts in order.
pub fn run(rules: &[Rule], state: &mut State, inputs: &[Input]) -> Vec<Alert> {
    let mut out = Vec::new();
    for input in inputs {
        step(rules, state, input, &mut out);
    }
    out
}

/// One input.
pub fn step(rules: &[Rule], state: &mut State, input: &Input, out: &mut Vec<Alert>) {
    let ts = input.ts();
    advance(rules, state, ts, out);
    let Input::Event { rule, key, sample } = input else {
        return;
    };
    let Some(r) = rules.get(*rule) else {
        return;
    };
    let rs = state.rules.entry(r.name.clone()).or_default();
    let active = r.when.is_none_or(|w| w.contains(ts));
    let k = key.clone().unwrap_or_default();
    let quiet = rs.quiet_until.get(&k).is_some_and(|&u| ts < u);
    let mut fire = |rs: &mut RuleState, kind, count| {
        if r.quiet_us > 0 {
            rs.quiet_until
                .insert(k.clone(), ts.saturating_add(r.quiet_us));
        }
        out.push(Alert {
            rule: r.name.clone(),
            severity: r.severity.clone(),
            kind,
            at: ts,
            key: key.clone(),
            count,
            silent_since: None,
            event: Some(sample.clone()),
        });
    };
    match r.kind {
        Kind::Match => {
            if active && !quiet {
                fire(rs, AlertKind::Match, 1);
            }
        }
        Kind::Threshold { count, window_us } => {
            if !active {
                return;
            }
            let times = rs.recent.entry(k.clone()).or_default();
            times.push_back(ts);
            while times.front().is_some_and(|&t| t <= ts - window_us) {
                times.pop_front();
            }
            if times.len() as u64 >= count {
                let n = times.len() as u64;
                rs.recent.remove(&k);
                if !quiet {
                    fire(rs, AlertKind::Threshold, n);
                }
            }
        }
        Kind::Absence { .. } => {
            rs.last_match = Some(ts);
            rs.absent_fired = false;
        }
    }
}

/// Moves the clock of event time to `ts`: fires absences whose silence has lasted long
/// enough, and forgets what can no longer matter.
fn advance(rules: &[Rule], state: &mut State, ts: i64, out: &mut Vec<Alert>) {
    let clock = state.clock.map_or(ts, |c| c.max(ts));
    state.clock = Some(clock);
    for r in rules {
        let rs = state.rules.entry(r.name.clone()).or_default();
        rs.quiet_until.retain(|_, &mut u| u > clock);
        match r.kind {
            Kind::Threshold { window_us, .. } => {
                for times in rs.recent.values_mut() {
                    while times.front().is_some_and(|&t| t <= clock - window_us) {
                        times.pop_front();
                    }
                }
                rs.recent.retain(|_, t| !t.is_empty());
            }
            Kind::Absence { absent_us } => {
                let last = *rs.last_match.get_or_insert(clock);
                let at = last.saturating_add(absent_us);
                if !rs.absent_fired && clock >= at {
                    rs.absent_fired = true;
                    let quiet = rs.quiet_until.contains_key("");
                    if !quiet && r.when.is_none_or(|w| w.contains(at)) {
                        if r.quiet_us > 0 {
                            rs.quiet_until
                                .insert(String::new(), at.saturating_add(r.quiet_us));
                        }
                        out.push(Alert {
                            rule: r.name.clone(),
                            severity: r.severity.clone(),
                            kind: AlertKind::Absence,
                            at,
                            key: None,
                            count: 0,
                            silent_since: Some(last),
                            event: None,
                        });
                    }
                }
            }
            Kind::Match => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::{Rule, RuleSpec};
    use super::*;
    use proptest::prelude::*;

    const MIN: i64 = 60_000_000;

    fn rule(toml: &str) -> Rule {
        let spec: RuleSpec = toml::from_str(toml).unwrap();
        spec.check().unwrap()
    }

    fn ev(rule: usize, key: &str, ts: i64) -> Input {
        Input::Event {
            rule,
            key: Some(key.to_string()),
            sample: Sample {
                ts,
                source: "a.log".into(),
                line: 1,
                text: format!("failed {key}"),
            },
        }
    }

    #[test]
    fn a_threshold_per_key_fires_for_the_key_over_it_only() {
        let r = rule("name='brute'\nquery='x'\ncount=5\nwindow='5m'\nby='client'\n");
        let mut inputs = Vec::new();
        for i in 0..6 {
            inputs.push(ev(0, "10.0.0.1", i * 30_000_000));
        }
        for i in 0..4 {
            inputs.push(ev(0, "10.0.0.2", i * 30_000_000 + 1));
        }
        inputs.sort_by_key(Input::ts);
        let alerts = run(&[r], &mut State::default(), &inputs);
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert_eq!(alerts[0].key.as_deref(), Some("10.0.0.1"));
        assert_eq!(alerts[0].count, 5);
    }

    #[test]
    fn quiet_suppresses_a_second_firing() {
        let loud = rule("name='m'\nquery='x'\ncount=2\nwindow='5m'\n");
        let quiet = rule("name='m'\nquery='x'\ncount=2\nwindow='5m'\nquiet='10m'\n");
        let inputs: Vec<Input> = (0..4).map(|i| ev(0, "", i * MIN)).collect();
        assert_eq!(run(&[loud], &mut State::default(), &inputs).len(), 2);
        assert_eq!(run(&[quiet], &mut State::default(), &inputs).len(), 1);
    }

    #[test]
    fn an_absence_fires_once_per_silence_on_event_time() {
        let r = rule("name='beat'\nquery='x'\nabsent='30m'\n");
        let other = rule("name='any'\nquery='y'\n");
        let mut inputs = vec![ev(0, "", 0), ev(0, "", MIN)];
        // 45 minutes without a heartbeat, while other events go on.
        for m in 2..46 {
            inputs.push(Input::Tick(m * MIN));
        }
        inputs.push(ev(0, "", 46 * MIN));
        inputs.push(Input::Tick(50 * MIN));
        let alerts = run(&[r, other], &mut State::default(), &inputs);
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert_eq!(alerts[0].kind, AlertKind::Absence);
        assert_eq!(alerts[0].at, 31 * MIN);
        assert_eq!(alerts[0].silent_since, Some(MIN));
    }

    fn batched(rules: &[Rule], inputs: &[Input], cuts: &[usize]) -> Vec<Alert> {
        let mut state = State::default();
        let mut out = Vec::new();
        let mut start = 0;
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (inputs.len() + 1)).collect();
        cuts.sort();
        cuts.push(inputs.len());
        for cut in cuts {
            let batch = &inputs[start.min(cut)..cut];
            out.extend(run(rules, &mut state, batch));
            // What a round or a run ends with: the clock at its last event, and the state
            // written to disk and read back.
            if let Some(last) = batch.last() {
                out.extend(run(rules, &mut state, &[Input::Tick(last.ts())]));
            }
            let text = serde_json::to_string(&state).unwrap();
            state = serde_json::from_str(&text).unwrap();
            start = start.max(cut);
        }
        out
    }

    proptest! {
        #[test]
        fn replay_equals_live_however_batched(
            gaps in proptest::collection::vec((0i64..20 * MIN, 0usize..3, 0usize..3), 0..80),
            cuts in proptest::collection::vec(0usize..100, 0..6),
        ) {
            let rules = vec![
                rule("name='t'\nquery='x'\ncount=3\nwindow='10m'\nby='k'\nquiet='15m'\n"),
                rule("name='m'\nquery='x'\nquiet='20m'\n"),
                rule("name='a'\nquery='x'\nabsent='30m'\n"),
            ];
            let mut ts = 0;
            let inputs: Vec<Input> = gaps
                .iter()
                .map(|&(gap, r, k)| {
                    ts += gap;
                    ev(r, &format!("k{k}"), ts)
                })
                .collect();
            let once = batched(&rules, &inputs, &[]);
            prop_assert_eq!(&once, &run(&rules, &mut State::default(), &inputs));
            prop_assert_eq!(once, batched(&rules, &inputs, &cuts));
        }
    }
}
