//! Enter in a prompt: the line goes to what the prompt is for (the search, a filter, the `:`
//! line, a source's setting, the help's or the patterns pane's search), and the prompt closes,
//! or stays with the error in place.

use super::data::Effect;
use super::state::{AppState, FilterKind, PromptKind};

/// Enter in the open prompt.
pub(super) fn submit(s: &mut AppState, fx: &mut Vec<Effect>) {
    let Some(p) = s.prompt.clone() else { return };
    let text = p.text.trim().to_string();
    super::prompt::remember(s, p.kind, &text);
    // What was said before is old news once something new is asked.
    s.status = None;
    let res = match p.kind {
        PromptKind::Search => super::search::set_search(s, &text, fx),
        PromptKind::Keep => super::search::add_filter(s, FilterKind::Keep, &text, fx),
        PromptKind::Hide => super::search::add_filter(s, FilterKind::Hide, &text, fx),
        PromptKind::Command => super::command::run_command(s, &text, fx),
        PromptKind::Format | PromptKind::Zone => super::sources::submit(s, &p, &text, fx),
        PromptKind::HelpSearch => super::help::submit(s, &text),
        PromptKind::PatternSearch => super::pattern_pane::submit(s, &text),
    };
    match res {
        Ok(()) => s.prompt = None,
        Err(e) => {
            if let Some(p) = &mut s.prompt {
                p.error = Some(e);
            }
        }
    }
}
