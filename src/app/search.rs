//! Search, filters, levels and saved queries: what the view shows and highlights.

use super::data::{Effect, EventKey, Target};
use super::state::{AppState, Filter, FilterKind, Popup};
use super::view::{count_fx, here, load, requery, timeline_fx};
use crate::event::Level;
use crate::query::Expr;

/// Replaces the search, filters, level and window with a saved query's.
pub(super) fn run_saved(
    s: &mut AppState,
    q: &super::saved::SavedQuery,
    fx: &mut Vec<Effect>,
) -> Result<(), String> {
    let mut filters = Vec::new();
    for (kind, list) in [(FilterKind::Keep, &q.keep), (FilterKind::Hide, &q.hide)] {
        for text in list {
            filters.push(Filter {
                kind,
                text: text.clone(),
                expr: crate::query::parse(text).map_err(|e| e.to_string())?,
                enabled: true,
            });
        }
    }
    let level = match &q.level {
        Some(l) => Some(Level::parse(l).ok_or_else(|| format!("unknown level {l:?}"))?),
        None => None,
    };
    let since = match &q.since {
        Some(t) => Some(super::view::time(s, t)?),
        None => None,
    };
    s.filters = filters;
    s.level = level;
    s.since = since;
    s.since_text = q.since.clone();
    if q.query.trim().is_empty() {
        s.search = Default::default();
        requery(s, fx);
    } else {
        set_search(s, &q.query, fx)?;
        fx.push(load(s, Target::End));
    }
    let desc = if q.description.is_empty() {
        String::new()
    } else {
        format!(": {}", q.description)
    };
    s.set_status(format!("{}{desc}", q.name));
    Ok(())
}

/// What `:save NAME` stores: the search, the filters on, the level and the window as typed.
pub(super) fn to_saved(s: &AppState, name: &str, description: &str) -> super::saved::SavedQuery {
    let texts = |k: FilterKind| {
        s.filters
            .iter()
            .filter(|f| f.enabled && f.kind == k)
            .map(|f| f.text.clone())
            .collect()
    };
    super::saved::SavedQuery {
        name: name.to_string(),
        description: description.to_string(),
        query: s.search.text.clone(),
        keep: texts(FilterKind::Keep),
        hide: texts(FilterKind::Hide),
        level: s.level.map(|l| l.as_str().to_string()),
        since: s.since_text.clone(),
    }
}

pub(super) fn set_search(s: &mut AppState, text: &str, fx: &mut Vec<Effect>) -> Result<(), String> {
    if text.is_empty() {
        s.search = Default::default();
        s.set_status("search cleared");
        requery(s, fx);
        return Ok(());
    }
    let expr = search_expr(text).map_err(|e| e.to_string())?;
    s.search.text = text.to_string();
    s.search.highlight = highlighter(&expr);
    s.search.expr = Some(expr);
    fx.extend(count_fx(s));
    fx.extend(timeline_fx(s, true));
    match s.selected_event().map(|e| e.key()) {
        Some(from) => fx.push(find_fx(s, from, true, true)),
        None => {
            let target = here(s);
            fx.push(load(s, target));
        }
    }
    Ok(())
}

/// Words shorter than this stay whole words in `/` (a prefix of one letter matches most words).
const PREFIX_FROM: usize = 2;

/// The expression of a `/` search: as typed, with each bare word (no field, no quotes, no
/// `*`) also finding the words that start with it, as a search box does: `SEQ` finds
/// `SEQ000123`, `fail` finds `failed` and `failure`. Headless `-q` queries keep whole words.
pub fn search_expr(text: &str) -> Result<Expr, crate::query::QueryError> {
    fn widen(e: Expr) -> Expr {
        match e {
            Expr::Term { field: None, value }
                if value.chars().count() >= PREFIX_FROM
                    && value.chars().all(char::is_alphanumeric) =>
            {
                Expr::Term {
                    field: None,
                    value: format!("{value}*"),
                }
            }
            Expr::And(v) => Expr::And(v.into_iter().map(widen).collect()),
            Expr::Or(v) => Expr::Or(v.into_iter().map(widen).collect()),
            Expr::Not(x) => Expr::Not(Box::new(widen(*x))),
            other => other,
        }
    }
    crate::query::parse(text).map(widen)
}

/// A regex of the words, phrases and regexes the search looks for (not under `NOT`).
pub fn highlighter(e: &Expr) -> Option<regex::Regex> {
    pub(super) fn walk(e: &Expr, out: &mut Vec<String>) {
        match e {
            Expr::Term { field, value } if field.as_deref() != Some("level") => {
                let v = value.trim_end_matches('*');
                if !v.is_empty() {
                    out.push(regex::escape(v));
                }
            }
            Expr::Phrase { text, .. } => out.push(regex::escape(text)),
            Expr::Regex { pattern } => out.push(format!("(?:{pattern})")),
            Expr::And(v) | Expr::Or(v) => v.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut parts = Vec::new();
    walk(e, &mut parts);
    if parts.is_empty() {
        return None;
    }
    regex::RegexBuilder::new(&parts.join("|"))
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
        .ok()
}

/// Looks for the next hit from `from`; `turn_back` (a new search) goes to the nearest hit the
/// other way when there is none this way.
pub(super) fn find_fx(s: &mut AppState, from: EventKey, forward: bool, turn_back: bool) -> Effect {
    let id = s.id();
    s.pending.load = id;
    s.pending.loading = true;
    s.pending.ranking = true;
    Effect::Find {
        id,
        query: s.query(),
        from,
        forward,
        turn_back,
    }
}

pub(super) fn find(s: &mut AppState, forward: bool, fx: &mut Vec<Effect>) {
    if s.search.expr.is_none() {
        s.set_error("no search yet: press / to search");
        return;
    }
    if let Some(from) = s.selected_event().map(|e| e.key()) {
        fx.push(find_fx(s, from, forward, false));
    }
}

/// A search that found nothing and holds `and`, `or` or `not` in lowercase: those are
/// searched as words (only capitals combine), which the user rarely means.
pub(super) fn operator_hint(text: &str) -> Option<String> {
    let word = text
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .find(|w| matches!(*w, "and" | "or" | "not"))?;
    Some(format!(
        "no hits: a lowercase {word:?} is searched as a word; {} combines terms",
        word.to_uppercase()
    ))
}

/// `K`: the search becomes a keep filter, so the view holds only its hits; the search is
/// cleared (its words were the filter's).
pub(super) fn keep_search(s: &mut AppState, fx: &mut Vec<Effect>) {
    // The filter holds what the search looked for (its words as prefixes: `seq*`).
    let Some(text) = s.search.expr.as_ref().map(crate::query::to_query_string) else {
        s.set_error("no search yet: press / to search, then K keeps only its hits");
        return;
    };
    s.search = Default::default();
    if let Err(e) = add_filter(s, FilterKind::Keep, &text, fx) {
        s.set_error(e);
    }
}

pub(super) fn add_filter(
    s: &mut AppState,
    kind: FilterKind,
    text: &str,
    fx: &mut Vec<Effect>,
) -> Result<(), String> {
    if text.is_empty() {
        return Err("type a query to filter on (Esc cancels)".into());
    }
    let expr = crate::query::parse(text).map_err(|e| e.to_string())?;
    s.filters.push(Filter {
        kind,
        text: text.to_string(),
        expr,
        enabled: true,
    });
    let on = s.filters.iter().filter(|f| f.enabled).count();
    s.set_status(format!(
        "{} filter added ({on} filter{} on); L lists them",
        match kind {
            FilterKind::Keep => "keep",
            FilterKind::Hide => "hide",
        },
        if on == 1 { "" } else { "s" }
    ));
    requery(s, fx);
    Ok(())
}

/// The hide filter that hides one file.
pub fn source_filter_text(path: &str) -> String {
    format!("source:\"{}\"", path.replace('"', ""))
}

/// In the sources list: hides the selected file, or shows it again.
pub(super) fn toggle_source(s: &mut AppState, selected: usize, fx: &mut Vec<Effect>) {
    let Some(path) = s
        .span
        .as_ref()
        .and_then(|p| p.files.get(selected))
        .map(|f| f.path.clone())
    else {
        return;
    };
    let text = source_filter_text(&path);
    match s
        .filters
        .iter()
        .position(|f| f.kind == FilterKind::Hide && f.text == text)
    {
        Some(i) => {
            s.filters.remove(i);
        }
        None => match crate::query::parse(&text) {
            Ok(expr) => s.filters.push(Filter {
                kind: FilterKind::Hide,
                text,
                expr,
                enabled: true,
            }),
            Err(e) => {
                s.set_error(e.to_string());
                return;
            }
        },
    }
    requery(s, fx);
}

pub(super) fn edit_filter(s: &mut AppState, delete: bool, fx: &mut Vec<Effect>) {
    if let Popup::Sources { selected } = s.popup {
        toggle_source(s, selected, fx);
        return;
    }
    let Popup::Filters { selected } = s.popup else {
        return;
    };
    if selected >= s.filters.len() {
        return;
    }
    if delete {
        s.filters.remove(selected);
        s.popup = Popup::Filters {
            selected: selected.min(s.filters.len().saturating_sub(1)),
        };
    } else {
        s.filters[selected].enabled = !s.filters[selected].enabled;
    }
    requery(s, fx);
}

pub(super) fn set_level(s: &mut AppState, level: Level, fx: &mut Vec<Effect>) {
    s.level = if s.level == Some(level) {
        None
    } else {
        Some(level)
    };
    s.set_status(match s.level {
        Some(Level::Error) => "showing errors and worse",
        Some(_) => "showing warnings and worse",
        None => "showing all levels",
    });
    requery(s, fx);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::LogSource;

    #[test]
    fn bare_words_of_a_search_are_prefixes_and_the_rest_is_as_typed() {
        let q = |t: &str| crate::query::to_query_string(&search_expr(t).unwrap());
        assert_eq!(q("SEQ"), "SEQ*");
        assert_eq!(q("fail AND NOT ssh"), "fail* NOT ssh*");
        assert_eq!(q("\"Failed password\""), "\"Failed password\"");
        assert_eq!(q("host:web01"), "host:web01");
        assert_eq!(q("a"), "a", "one letter stays a word");
        assert_eq!(q("10.0.0.1"), "10.0.0.1", "not a single word: as typed");
    }

    /// Through the engine: `SEQ` finds `SEQ000123`, which a whole-word query does not.
    #[test]
    fn a_search_finds_the_words_that_start_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        std::fs::create_dir(&logs).unwrap();
        std::fs::write(
            logs.join("app.log"),
            "2026-10-03T00:00:00Z web01 app[1]: job SEQ000123 done\n\
             2026-10-03T00:01:00Z web01 app[1]: job SEQ done\n\
             2026-10-03T00:02:00Z web01 app[1]: job other done\n",
        )
        .unwrap();
        let opts = crate::engine::OpenOptions {
            paths: vec![logs],
            index_dir: Some(dir.path().join("idx")),
            config: crate::config::Config::default(),
        };
        let (engine, _) = crate::engine::Engine::open(opts, &crate::index::update::Quiet).unwrap();
        let exact = crate::query::parse("SEQ").unwrap();
        assert_eq!(LogSource::count(&engine, &exact, None).unwrap(), 1);
        let widened = search_expr("SEQ").unwrap();
        assert_eq!(LogSource::count(&engine, &widened, None).unwrap(), 2);
    }
}
