//! `watch`: one [`Follower`] per rule (and one for the clock of event time when a rule waits
//! for an absence), all taking their new events from one refresh per round.

use super::config::{Kind, Rule};
use super::eval::Input;
use crate::engine::{Engine, EngineError, Request};
use crate::follow::Follower;
use crate::index::update::Quiet;
use crate::query::Expr;
use std::collections::HashSet;
use std::time::Duration;

pub struct Watch {
    /// The rule each follower feeds (`None`: the clock).
    followers: Vec<(Option<usize>, Follower)>,
    said: HashSet<String>,
}

impl Watch {
    /// Starts following: what the index holds now counts as seen.
    pub fn start(
        engine: &mut Engine,
        rules: &[Rule],
        exprs: &[Expr],
    ) -> Result<Watch, EngineError> {
        let mut followers = Vec::new();
        for (i, q) in exprs.iter().enumerate() {
            let req = Request {
                query: q.clone(),
                ..Request::default()
            };
            followers.push((Some(i), Follower::start(engine, req, 0)?.0));
        }
        if rules.iter().any(|r| matches!(r.kind, Kind::Absence { .. })) {
            followers.push((None, Follower::start(engine, Request::default(), 0)?.0));
        }
        Ok(Watch {
            followers,
            said: HashSet::new(),
        })
    }

    /// How long the caller may wait before the next round when nothing changes.
    pub fn due_in(&self) -> Option<Duration> {
        self.followers.iter().filter_map(|(_, f)| f.due_in()).min()
    }

    /// One round: the new events as the evaluator's inputs, in order (the clock's as one tick
    /// at the latest), and the notes not said before.
    pub fn round(
        &mut self,
        engine: &mut Engine,
        rules: &[Rule],
    ) -> Result<(Vec<Input>, Vec<String>), EngineError> {
        let summary = engine.refresh(&Quiet)?;
        let notes = summary
            .notes
            .into_iter()
            .filter(|n| self.said.insert(n.clone()))
            .collect();
        let mut inputs = Vec::new();
        for (rule, f) in &mut self.followers {
            let records = f.take_new(engine, summary.rotating)?;
            let rule: Option<usize> = *rule;
            match rule.and_then(|i| rules.get(i).map(|r| (i, r))) {
                Some((i, r)) => inputs.extend(records.iter().map(|rec| super::input_of(i, r, rec))),
                None => inputs.extend(records.iter().map(|r| r.ts_us).max().map(Input::Tick)),
            }
        }
        super::sort_inputs(&mut inputs);
        Ok((inputs, notes))
    }
}
