//! The worker's side: answering an [`Effect`] with calls on a [`LogSource`].

use super::Action;
use super::data::{
    CONTEXT, Effect, EventKey, FIELD_VALUES, Loaded, LogEvent, LogSource, Query, SEEK_BUCKETS,
    Silence, Target, TimelineData, WINDOW, and, level_at_least,
};
use super::describe::gap_note;
use crate::event::Level;
use crate::query::Expr;

/// Where `>` / `<` go: the first event of the pattern that began next after `from` (before it),
/// with what to say; `from` itself, with why, when none did.
fn first_occurrence(
    src: &dyn LogSource,
    q: &Query,
    from: EventKey,
    forward: bool,
) -> Result<(Target, String), String> {
    let rows = src.patterns(&q.filter, q.since)?;
    let next = if forward {
        rows.iter()
            .filter(|r| r.first > from)
            .min_by_key(|r| r.first)
    } else {
        rows.iter()
            .filter(|r| r.first < from)
            .max_by_key(|r| r.first)
    };
    Ok(match next {
        Some(r) => (
            Target::Key(r.first),
            format!(
                "first occurrence of {}: {} ({} event{})",
                r.key,
                crate::app::layout::clean(&r.template),
                r.count,
                if r.count == 1 { "" } else { "s" }
            ),
        ),
        None => (
            Target::Key(from),
            format!(
                "no pattern begins {} this event",
                if forward { "after" } else { "before" }
            ),
        ),
    })
}

/// The rules pane's rows: the rules files read afresh (so an edit shows at the next `A`),
/// each rule's events and alerts in the view's window, most alerts first.
fn rule_rows(
    src: &dyn LogSource,
    q: &Query,
    files: &[std::path::PathBuf],
    saved: &[super::saved::SavedQuery],
) -> Result<Vec<crate::rules::tally::Tally>, String> {
    use crate::rules::{config, resolve, tally};
    let mut rules = config::load(files, None).map_err(|e| e.to_string())?;
    // Ignore rules never fire: nothing to count.
    rules.retain(|r| r.class == config::Class::Alert);
    let exprs = resolve(&rules, saved).map_err(|e| e.to_string())?;
    let inputs = src.rule_inputs(&rules, &exprs, &q.filter, q.since)?;
    let mut rows = tally::tally(&rules, saved, &inputs);
    tally::sort(&mut rows);
    Ok(rows)
}

/// Answers one effect with the action that carries the result.
pub fn serve(src: &dyn LogSource, effect: Effect) -> super::Action {
    let res = match effect {
        Effect::Load { id, query, target } => load(src, id, &query, target).map(Action::Loaded),
        Effect::Find {
            id,
            query,
            from,
            forward,
            turn_back,
        } => find(src, &query, from, forward).and_then(|key| match key {
            Some(k) => load(src, id, &query, Target::Key(k)).map(Action::Loaded),
            None if turn_back && is_hit(src, &query, from)? => {
                load(src, id, &query, Target::Key(from)).map(Action::Loaded)
            }
            None if turn_back => match find(src, &query, from, !forward)? {
                Some(k) => load(src, id, &query, Target::Key(k)).map(|mut l| {
                    l.note = Some(format!(
                        "no {} hit: the nearest {} one is shown",
                        if forward { "later" } else { "earlier" },
                        if forward { "earlier" } else { "later" }
                    ));
                    Action::Loaded(l)
                }),
                None => load(src, id, &query, Target::Key(from)).map(|mut l| {
                    l.note = Some("no hit".to_string());
                    Action::Loaded(l)
                }),
            },
            None => load(src, id, &query, Target::Key(from)).map(|mut l| {
                l.note = Some(format!(
                    "no {} hit",
                    if forward { "later" } else { "earlier" }
                ));
                Action::Loaded(l)
            }),
        }),
        Effect::Timeline {
            id,
            query,
            start_us,
            bucket_us,
            buckets,
            until_us,
            hits,
        } => timeline(
            src,
            id,
            &query,
            (start_us, bucket_us, buckets),
            until_us,
            hits,
        )
        .map(Action::Timeline),
        Effect::CountView { id, query } => src
            .count(&query.filter, query.since)
            .map(|events| Action::ViewCounted { id, events })
            .map_err(String::from),
        Effect::Count { id, query } => src
            .count(&query.hits_expr(), query.since)
            .map(|hits| Action::Counted { id, hits })
            .map_err(String::from),
        Effect::Rank { id, query, ts } => src
            .count(
                &query.hits_expr(),
                Some(query.since.map_or(ts, |s| s.max(ts))),
            )
            .map(|after| Action::Ranked { id, after })
            .map_err(String::from),
        Effect::Seek {
            id,
            query,
            spike,
            forward,
            from_us,
            here,
            bucket_us,
            span,
            hits,
        } => {
            let seek = Seek {
                spike,
                forward,
                from_us,
                bucket_us,
                span,
                hits,
            };
            seek.run(src, &query).and_then(|(target, note)| {
                load(src, id, &query, target.unwrap_or(here)).map(|mut l| {
                    l.note = Some(note);
                    Action::Loaded(l)
                })
            })
        }
        Effect::Context { id, path, key } => {
            context(src, &path, key).map(|events| Action::Context { id, events })
        }
        Effect::Export {
            query,
            path,
            replace,
            which,
        } => Ok(
            match super::export::export(src, &query, &which, &path, replace) {
                Ok(n) => Action::Notice(format!(
                    "{n} {} written to {}",
                    which.what(n),
                    path.display()
                )),
                Err(e) => Action::Failed(e),
            },
        ),
        Effect::SetSource(r) => Ok(Action::SourceSet(src.set_source(&r).map_err(String::from))),
        Effect::Firsts { id, query } => src
            .patterns(&query.filter, query.since)
            .map(|rows| {
                let mut times: Vec<i64> = rows.iter().map(|r| r.first.ts).collect();
                times.sort_unstable();
                Action::Firsts { id, times }
            })
            .map_err(String::from),
        Effect::Patterns { id, query } => Ok(Action::PatternsLoaded {
            id,
            rows: src
                .patterns(&query.filter, query.since)
                .map_err(String::from),
        }),
        Effect::FirstOccurrence {
            id,
            query,
            from,
            forward,
        } => first_occurrence(src, &query, from, forward).and_then(|(target, note)| {
            load(src, id, &query, target).map(|mut l| {
                l.note = Some(note);
                Action::Loaded(l)
            })
        }),
        Effect::Values {
            id,
            query,
            field,
            bottom,
        } => Ok(Action::ValuesLoaded {
            id,
            values: src
                .values(&query.filter, query.since, &field, bottom, FIELD_VALUES)
                .map(|values| super::data::FieldValues {
                    field,
                    bottom,
                    values,
                })
                .map_err(String::from),
        }),
        Effect::MarkPatterns { path, mut entries } => {
            let by = std::env::var("USER").unwrap_or_default();
            for e in &mut entries {
                e.by.clone_from(&by);
            }
            Ok(Action::PatternsMarked(
                crate::patterns::known::mark(&path, &entries)
                    .map(|()| entries)
                    .map_err(|e| e.to_string()),
            ))
        }
        Effect::Rules {
            id,
            query,
            files,
            saved,
        } => Ok(Action::RulesLoaded {
            id,
            rows: rule_rows(src, &query, &files, &saved),
        }),
        Effect::Save(r) => Ok(Action::Saved(
            super::saved::append(&r.path, &r.query).map(|()| r.query),
        )),
    };
    res.unwrap_or_else(Action::Failed)
}

fn load(src: &dyn LogSource, id: u64, q: &Query, target: Target) -> Result<Loaded, String> {
    let (at, before, after) = match target {
        Target::Start => (None, 0, WINDOW * 2),
        Target::End => (None, WINDOW * 2, 0),
        Target::Time(t) => (Some(t), WINDOW, WINDOW),
        Target::Key(k) => (Some(k.ts), WINDOW, WINDOW),
    };
    let events = src.around(q, at, before, after)?;
    let split = at.map_or(0, |t| events.partition_point(|e| e.ts < t));
    let (at_start, at_end) = match target {
        Target::Start => (true, events.len() < after),
        Target::End => (events.len() < before, true),
        _ => (split < before, events.len() - split < after),
    };
    Ok(Loaded {
        id,
        target,
        events,
        at_start,
        at_end,
        note: None,
    })
}

fn context(src: &dyn LogSource, path: &str, key: EventKey) -> Result<Vec<LogEvent>, String> {
    let filter =
        crate::query::parse(&super::search::source_filter_text(path)).map_err(|e| e.to_string())?;
    let q = Query {
        filter,
        search: None,
        since: None,
    };
    let events = src.around(&q, Some(key.ts), CONTEXT + 1, CONTEXT * 2 + 1)?;
    // Centre on the event itself: events of the same time come before or after it.
    let at = events.iter().position(|e| e.key() == key).unwrap_or(0);
    let lo = at.saturating_sub(CONTEXT);
    Ok(events.into_iter().skip(lo).take(CONTEXT * 2 + 1).collect())
}

/// Whether the event at `from` is itself a hit.
fn is_hit(src: &dyn LogSource, q: &Query, from: EventKey) -> Result<bool, String> {
    Ok(src
        .keys(&q.hits_expr(), q.since, from.ts, true, 64)?
        .contains(&from))
}

fn find(
    src: &dyn LogSource,
    q: &Query,
    from: EventKey,
    forward: bool,
) -> Result<Option<EventKey>, String> {
    let keys = src.keys(&q.hits_expr(), q.since, from.ts, forward, 512)?;
    // Keys come in view order from `from.ts` (reversed when going back); skip `from` itself
    // and, when it is a hit, everything up to it.
    let pos = keys.iter().position(|k| *k == from);
    Ok(match pos {
        Some(i) => keys.get(i + 1).copied(),
        None => keys.into_iter().find(|k| {
            if forward {
                k.ts >= from.ts
            } else {
                k.ts <= from.ts
            }
        }),
    })
}

/// Buckets up to the one holding `until_us` (all of them when it is past the end; none when
/// it is before the start).
fn up_to(start_us: i64, bucket_us: i64, buckets: usize, until_us: Option<i64>) -> usize {
    match until_us {
        None => buckets,
        Some(t) if t < start_us => 0,
        Some(t) => (((t - start_us) / bucket_us.max(1)) as usize + 1).min(buckets),
    }
}

/// The last matching event before `from_us` and the first at or after `to_us`: a gap's real
/// silence.
fn silence(src: &dyn LogSource, q: &Query, from_us: i64, to_us: i64) -> Result<Silence, String> {
    let before = src.keys(&q.filter, q.since, from_us - 1, false, 1)?;
    let after = src.keys(&q.filter, q.since, to_us, true, 1)?;
    Ok(Silence {
        before: before.first().map(|k| k.ts),
        after: after.first().map(|k| k.ts),
    })
}

/// Gaps (first and last bucket) and their silences.
type Gaps = (Vec<(usize, usize)>, Vec<Silence>);

/// Gaps of `counts` (up to `until_us`) with their silences.
fn gaps_of(
    src: &dyn LogSource,
    q: &Query,
    counts: &[u64],
    (start_us, bucket_us): (i64, i64),
    until_us: Option<i64>,
) -> Result<Gaps, String> {
    let n = up_to(start_us, bucket_us, counts.len(), until_us);
    let gaps = crate::timeline::find_gaps(&counts[..n]);
    let silences = gaps
        .iter()
        .map(|&(a, b)| {
            let at = |i: usize| start_us + bucket_us * i as i64;
            silence(src, q, at(a), at(b + 1))
        })
        .collect::<Result<_, _>>()?;
    Ok((gaps, silences))
}

fn timeline(
    src: &dyn LogSource,
    id: u64,
    q: &Query,
    (start_us, bucket_us, buckets): (i64, i64, usize),
    until_us: Option<i64>,
    of_hits: bool,
) -> Result<TimelineData, String> {
    let of_hits = of_hits && q.search.is_some();
    let hist = |e: &Expr| src.histogram(e, q.since, start_us, bucket_us, buckets);
    // The bars count the hits when the search makes its own histogram, else every event.
    let base = if of_hits {
        q.hits_expr()
    } else {
        q.filter.clone()
    };
    let counts = hist(&base)?;
    let errors = hist(&and(base.clone(), level_at_least(Level::Error)))?;
    let warnings = hist(&and(base, level_at_least(Level::Warn)))?;
    let (hits, totals) = match (&q.search, of_hits) {
        (Some(_), true) => (counts.clone(), hist(&q.filter)?),
        (Some(_), false) => (hist(&q.hits_expr())?, Vec::new()),
        (None, _) => (Vec::new(), Vec::new()),
    };
    // A gap is a silence of the logs, not a stretch without hits.
    let all = if of_hits { &totals } else { &counts };
    let (gaps, silences) = gaps_of(src, q, all, (start_us, bucket_us), until_us)?;
    Ok(TimelineData {
        id,
        start_us,
        bucket_us,
        counts,
        errors,
        warnings,
        hits,
        totals,
        gaps,
        silences,
    })
}

/// A search for the next gap or spike over the whole history.
struct Seek {
    spike: bool,
    forward: bool,
    from_us: i64,
    bucket_us: i64,
    span: (i64, i64),
    /// Spikes of the search's hits, not of all events (gaps are always the logs').
    hits: bool,
}

impl Seek {
    /// Where to go (`None`: nowhere) and what to say. A gap not found at this width is
    /// looked for at the finer zoom steps, down to 1 minute (a 45-minute silence is three
    /// 15-minute buckets, not always two whole ones), and the note says at which.
    fn run(&self, src: &dyn LogSource, q: &Query) -> Result<(Option<Target>, String), String> {
        let what = if self.spike { "spike" } else { "gap" };
        let b = self.bucket_us.max(1);
        let mut widths = vec![b];
        if !self.spike {
            widths.extend(
                crate::timeline::ZOOM_STEPS
                    .iter()
                    .rev()
                    .map(|&z| z * 1_000_000)
                    .filter(|&z| z < b && z >= 60_000_000),
            );
        }
        for w in widths {
            if let Some((t, mut note)) = self.at_width(src, q, w)? {
                if w != b {
                    note.push_str(&format!(
                        " (found at {} buckets; + zooms in)",
                        super::describe::human_secs(w / 1_000_000)
                    ));
                }
                return Ok((Some(t), note));
            }
        }
        Ok((
            None,
            format!(
                "no {} {what} at this bucket width{}",
                if self.forward { "later" } else { "earlier" },
                if self.spike {
                    " (+ zooms in)"
                } else {
                    " or finer"
                }
            ),
        ))
    }

    /// The next gap or spike at bucket width `b`.
    fn at_width(
        &self,
        src: &dyn LogSource,
        q: &Query,
        b: i64,
    ) -> Result<Option<(Target, String)>, String> {
        let align = |t: i64| t.div_euclid(b) * b;
        // Count from the history's start (or as far back as the limit allows) to its end.
        let mut start = align(self.span.0);
        let end = align(self.span.1) + b;
        if (end - start) / b > SEEK_BUCKETS {
            let half = SEEK_BUCKETS / 2 * b;
            start = align(self.from_us).saturating_sub(half).max(start);
        }
        let n = ((end - start) / b).clamp(1, SEEK_BUCKETS) as usize;
        let of = if self.spike && self.hits && q.search.is_some() {
            q.hits_expr()
        } else {
            q.filter.clone()
        };
        let counts = src.histogram(&of, q.since, start, b, n)?;
        let cur = ((self.from_us - start) / b).max(0) as usize;
        let at = |i: usize| Target::Time(start + b * i as i64);
        Ok(if self.spike {
            let spikes = crate::timeline::find_spikes(&counts);
            let pick = if self.forward {
                spikes.into_iter().find(|&i| i > cur)
            } else {
                spikes.into_iter().rev().find(|&i| i < cur)
            };
            pick.map(|i| (at(i), format!("spike: {} events in one bucket", counts[i])))
        } else {
            let gaps = crate::timeline::find_gaps(&counts);
            let pick = if self.forward {
                gaps.into_iter().find(|g| g.0 > cur)
            } else {
                gaps.into_iter().rev().find(|g| g.1 + 1 < cur)
            };
            match pick {
                Some((first, last)) => {
                    let t = |i: usize| start + b * i as i64;
                    let sil = silence(src, q, t(first), t(last + 1))?;
                    let secs = sil
                        .secs(self.span.1)
                        .unwrap_or((last - first + 1) as i64 * b / 1_000_000);
                    let target = sil.after.map_or(at(last + 1), Target::Time);
                    Some((target, gap_note(secs)))
                }
                None => None,
            }
        })
    }
}
