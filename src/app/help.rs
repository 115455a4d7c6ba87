//! The help screen's text, generated from the keymap (one line per action, with every key
//! bound to it), then the `:` commands and a few notes; and its search (`/` in the help),
//! which keeps the lines holding the words typed. Drawing is in `ui::help`.

use super::keymap::Keymap;
use super::layout::clean;
use super::state::{AppState, HelpLine, Popup, PromptKind};

/// Commands of the `:` line.
const COMMANDS: [(&str, &str); 10] = [
    (
        ":goto TIME",
        "jump: 2026-10-03 13:00, 13:00, -2h, yesterday",
    ),
    (":bucket WIDTH", "timeline bucket: 1m, 5m, 1h, 1d"),
    (":since TIME", "only events after TIME (:since off)"),
    (
        ":save NAME [DESC]",
        "save the search, filters, level and since",
    ),
    (":run NAME", "run a saved query (Q lists them)"),
    (
        ":export FILE",
        "the view as jsonl (FILE.csv: csv); --hits, --marked FILE",
    ),
    (":clear", "drop filters, level, since and search"),
    (":utc / :local", "time zone of the times shown"),
    (":wrap", "wrap long lines"),
    (":q", "quit"),
];

/// Notes after the commands, one screen line each.
const NOTES: [&str; 6] = [
    "Sources (s): f sets the selected file's format, z its zone (empty: detect /",
    "local time), saved in config.toml for that exact path, not its rotated siblings.",
    "Prompts edit like a shell line: ctrl-a / ctrl-e start / end, ctrl-u / ctrl-k / ctrl-w",
    "delete to the start / to the end / a word, Up / Down that prompt's earlier lines.",
    "Mouse: the wheel scrolls, a click on the timeline jumps there.",
    "In this help, / keeps the lines holding what you type; Esc shows them all again.",
];

/// The whole help text of `map`.
pub fn text(map: &Keymap) -> Vec<HelpLine> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for b in &map.bindings {
        if seen.contains(&b.name.as_str()) {
            continue;
        }
        seen.push(&b.name);
        let keys = map
            .bindings
            .iter()
            .filter(|o| o.name == b.name)
            .map(|o| o.key.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        // A user's keymap file wrote these: shown escaped like any other text.
        out.push(HelpLine {
            key: clean(&keys),
            desc: clean(&b.desc),
        });
    }
    let blank = || HelpLine {
        key: String::new(),
        desc: String::new(),
    };
    out.push(blank());
    out.extend(COMMANDS.iter().map(|(k, d)| HelpLine {
        key: k.to_string(),
        desc: d.to_string(),
    }));
    out.push(blank());
    out.extend(NOTES.iter().map(|n| HelpLine {
        key: String::new(),
        desc: n.to_string(),
    }));
    out
}

/// What the help is searched for: the line being typed in its `/` prompt, else the last
/// search submitted there ("" for none).
pub fn query(s: &AppState) -> &str {
    match &s.prompt {
        Some(p) if p.kind == PromptKind::HelpSearch => p.text.trim(),
        _ => s.help_search.as_str(),
    }
}

/// Where `needle` (lowercase) first occurs in `hay`, ignoring ASCII case; byte offsets of
/// `hay`.
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    hay.to_ascii_lowercase().find(needle)
}

fn matches(line: &HelpLine, needle: &str) -> bool {
    find(&line.key, needle).is_some() || find(&line.desc, needle).is_some()
}

/// The lines the help shows: all of them, or those holding the search (ignoring case; a
/// key's name counts, so `/ctrl-d` finds what ctrl-d does).
pub fn shown(s: &AppState) -> Vec<&HelpLine> {
    let q = query(s).to_ascii_lowercase();
    if q.is_empty() {
        return s.help.iter().collect();
    }
    s.help.iter().filter(|l| matches(l, &q)).collect()
}

/// `/` in the help: a prompt for its search, holding the last one (typing replaces it).
pub fn open_search(s: &mut AppState) {
    let prompt = if s.help_search.is_empty() {
        super::state::Prompt::new(PromptKind::HelpSearch)
    } else {
        super::state::Prompt::prefilled(PromptKind::HelpSearch, &s.help_search)
    };
    s.prompt = Some(prompt);
}

/// The help's list moved to its first line while its search is typed.
pub fn typed(s: &mut AppState) {
    if let Popup::Help { scroll } = &mut s.popup {
        *scroll = 0;
    }
}

/// Enter in the help's prompt: keeps the lines found, or says nothing matches (the prompt
/// stays, to edit; the help keeps its last search).
pub fn submit(s: &mut AppState, text: &str) -> Result<(), String> {
    typed(s);
    if text.is_empty() {
        s.help_search.clear();
        s.set_status("help: all keys");
        return Ok(());
    }
    let needle = text.to_ascii_lowercase();
    let n = s.help.iter().filter(|l| matches(l, &needle)).count();
    if n == 0 {
        return Err(format!("nothing in the help holds {text:?}"));
    }
    s.help_search = text.to_string();
    s.set_status(format!(
        "help: {n} line{} holding {text:?} (Esc shows all)",
        if n == 1 { "" } else { "s" }
    ));
    Ok(())
}

/// Esc in the help: drops its search first, then closes it. True when it dropped one.
pub fn clear_search(s: &mut AppState) -> bool {
    if s.help_search.is_empty() {
        return false;
    }
    s.help_search.clear();
    typed(s);
    s.set_status("help: all keys");
    true
}
