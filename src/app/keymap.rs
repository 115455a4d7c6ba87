//! Keymaps: key names to actions, from `keymaps/default.toml` (embedded) and the user's
//! `keymap.toml` in the config directory, which overrides it key by key.
//!
//! ```toml
//! [keys]
//! "j" = { run = "down", desc = "next event" }
//! "ctrl-d" = "half_page_down"
//! "x" = "none"          # unbinds x
//! ```

use super::action::Action;
use super::state::{AppState, Popup};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The shipped keymap.
pub const DEFAULT: &str = include_str!("../../keymaps/default.toml");

/// One binding as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub key: String,
    pub action: Action,
    pub name: String,
    pub desc: String,
}

/// Keys to actions, in file order (for the help screen).
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
    index: HashMap<String, usize>,
}

/// A keymap file that cannot be used: which file, which line, what.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}:{line}: {message}", path.display())]
pub struct KeymapError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    keys: BTreeMap<Spanned<String>, Spanned<Entry>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Entry {
    Name(String),
    Full { run: String, desc: Option<String> },
}

/// Named keys besides single characters; `ctrl-`, `alt-` and `shift-` prefixes are allowed.
const NAMED: [&str; 19] = [
    "up",
    "down",
    "left",
    "right",
    "pageup",
    "pagedown",
    "home",
    "end",
    "enter",
    "esc",
    "tab",
    "backtab",
    "backspace",
    "space",
    "delete",
    "insert",
    "f1",
    "f2",
    "f3",
];

/// The canonical form of a key name (`Ctrl-D` → `ctrl-d`, `PgDn` → `pagedown`), or `None`.
pub fn parse_key(name: &str) -> Option<String> {
    let mut rest = name;
    let mut mods = String::new();
    for m in ["ctrl-", "alt-", "shift-"] {
        if rest.len() > m.len() && rest[..m.len()].eq_ignore_ascii_case(m) {
            mods.push_str(m);
            rest = &rest[m.len()..];
        }
    }
    let mut chars = rest.chars();
    let base = match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_control() && c != ' ' => {
            if mods.contains("ctrl-") {
                c.to_ascii_lowercase().to_string()
            } else {
                c.to_string()
            }
        }
        _ => {
            let lower = rest.to_ascii_lowercase();
            let lower = match lower.as_str() {
                "pgup" => "pageup".to_string(),
                "pgdn" | "pgdown" => "pagedown".to_string(),
                "escape" => "esc".to_string(),
                "return" => "enter".to_string(),
                "del" => "delete".to_string(),
                _ => lower,
            };
            let f_key = lower
                .strip_prefix('f')
                .and_then(|n| n.parse::<u8>().ok())
                .is_some_and(|n| (1..=12).contains(&n));
            if !NAMED.contains(&lower.as_str()) && !f_key {
                return None;
            }
            lower
        }
    };
    Some(format!("{mods}{base}"))
}

impl Keymap {
    /// The default keymap with the user's file (if it exists) over it.
    pub fn load(user: Option<&Path>) -> Result<Keymap, KeymapError> {
        let mut map = Keymap::default();
        map.merge(DEFAULT, Path::new("keymaps/default.toml"))?;
        if let Some(p) = user.filter(|p| p.exists()) {
            let text = std::fs::read_to_string(p).map_err(|e| KeymapError {
                path: p.to_path_buf(),
                line: 1,
                message: e.to_string(),
            })?;
            map.merge(&text, p)?;
        }
        Ok(map)
    }

    /// Adds the bindings of one file; a key already bound is rebound (`"none"` unbinds it).
    pub fn merge(&mut self, text: &str, path: &Path) -> Result<(), KeymapError> {
        let err = |line: usize, message: String| KeymapError {
            path: path.to_path_buf(),
            line,
            message,
        };
        let file: File = toml::from_str(text).map_err(|e| {
            err(
                e.span()
                    .map_or(1, |s| crate::config::line_of(text, s.start)),
                e.message().to_string(),
            )
        })?;
        let mut entries: Vec<_> = file.keys.into_iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        for (key, entry) in entries {
            let line = crate::config::line_of(text, key.span().start);
            let name = parse_key(key.get_ref())
                .ok_or_else(|| err(line, format!("unknown key {:?}", key.get_ref())))?;
            let (run, desc) = match entry.into_inner() {
                Entry::Name(r) => (r, None),
                Entry::Full { run, desc } => (run, desc),
            };
            if run == "none" {
                self.unbind(&name);
                continue;
            }
            let action = Action::from_name(&run)
                .ok_or_else(|| err(line, format!("unknown action {run:?}")))?;
            let desc = desc.unwrap_or_else(|| run.replace('_', " "));
            self.bind(Binding {
                key: name,
                action,
                name: run,
                desc,
            });
        }
        Ok(())
    }

    fn bind(&mut self, b: Binding) {
        match self.index.get(&b.key) {
            Some(&i) => self.bindings[i] = b,
            None => {
                self.index.insert(b.key.clone(), self.bindings.len());
                self.bindings.push(b);
            }
        }
    }

    fn unbind(&mut self, key: &str) {
        self.bindings.retain(|b| b.key != key);
        self.index = self
            .bindings
            .iter()
            .enumerate()
            .map(|(i, b)| (b.key.clone(), i))
            .collect();
    }

    pub fn get(&self, key: &str) -> Option<&Action> {
        self.index.get(key).map(|&i| &self.bindings[i].action)
    }

    /// The keys bound to an action, for hints (`? help`).
    pub fn keys_for(&self, action: &Action) -> Vec<&str> {
        self.bindings
            .iter()
            .filter(|b| &b.action == action)
            .map(|b| b.key.as_str())
            .collect()
    }
}

/// Turns a key (canonical name) into an action, given what is open: the prompt takes typing,
/// the filters list takes space and d, other popups close on Esc and q.
pub fn route(s: &AppState, map: &Keymap, key: &str) -> Option<Action> {
    if s.prompt.is_some() {
        use super::prompt::Edit;
        let edit = |e| Some(Action::PromptEdit(e));
        return match key {
            "enter" => Some(Action::PromptSubmit),
            "esc" | "ctrl-c" | "ctrl-g" => Some(Action::Close),
            "backspace" | "ctrl-h" => Some(Action::PromptBackspace),
            "space" => Some(Action::PromptChar(' ')),
            "delete" | "ctrl-d" => edit(Edit::Delete),
            "left" | "ctrl-b" => edit(Edit::Left),
            "right" | "ctrl-f" => edit(Edit::Right),
            "home" | "ctrl-a" => edit(Edit::Home),
            "end" | "ctrl-e" => edit(Edit::End),
            "alt-b" | "ctrl-left" => edit(Edit::WordLeft),
            "alt-f" | "ctrl-right" => edit(Edit::WordRight),
            "ctrl-u" => edit(Edit::KillStart),
            "ctrl-k" => edit(Edit::KillEnd),
            "ctrl-w" | "alt-backspace" => edit(Edit::KillWord),
            "up" | "ctrl-p" => edit(Edit::Older),
            "down" | "ctrl-n" => edit(Edit::Newer),
            k => {
                let mut chars = k.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Some(Action::PromptChar(c)),
                    _ => None,
                }
            }
        };
    }
    match (s.popup, key) {
        (Popup::Filters { .. }, "space") => return Some(Action::ToggleFilter),
        (Popup::Filters { .. }, "d" | "delete") => return Some(Action::DeleteFilter),
        (Popup::Sources { .. }, "space") => return Some(Action::ToggleFilter),
        (Popup::Sources { .. }, "f") => return Some(Action::SourceFormat),
        (Popup::Sources { .. }, "z") => return Some(Action::SourceZone),
        (
            Popup::Saved { .. }
            | Popup::Patterns { .. }
            | Popup::Rules { .. }
            | Popup::Values { .. },
            "enter",
        ) => {
            return Some(Action::Choose);
        }
        (Popup::Detail { .. }, "tab") => return Some(Action::NextField),
        (Popup::Detail { .. }, "t") => return Some(Action::TopValues),
        (Popup::Detail { .. }, "b") => return Some(Action::BottomValues),
        (Popup::Patterns { .. }, "!") => return Some(Action::HidePattern),
        (Popup::Patterns { .. }, "a") => return Some(Action::MarkPattern),
        (Popup::Patterns { .. }, "s") => return Some(Action::SortPatterns),
        (Popup::None, _) => {}
        (_, "esc" | "q") => return Some(Action::Close),
        _ => {}
    }
    map.get(key).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_keymap_parses_and_binds_the_basics() {
        let map = Keymap::load(None).unwrap();
        assert_eq!(map.get("j"), Some(&Action::Down));
        assert_eq!(map.get("G"), Some(&Action::Bottom));
        assert_eq!(map.get("pagedown"), Some(&Action::PageDown));
        assert_eq!(map.get("]"), Some(&Action::NextGap));
        assert_eq!(map.get("?"), Some(&Action::Help));
        assert!(map.bindings.iter().all(|b| !b.desc.is_empty()));
    }

    #[test]
    fn key_names_are_canonical() {
        assert_eq!(parse_key("Ctrl-D").as_deref(), Some("ctrl-d"));
        assert_eq!(parse_key("PgDn").as_deref(), Some("pagedown"));
        assert_eq!(parse_key("G").as_deref(), Some("G"));
        assert_eq!(parse_key("f5").as_deref(), Some("f5"));
        assert_eq!(parse_key("hyper-x"), None);
        assert_eq!(parse_key("pagedwn"), None);
    }

    #[test]
    fn user_file_overrides_key_by_key() {
        let mut map = Keymap::load(None).unwrap();
        let n = map.bindings.len();
        map.merge(
            "[keys]\n\"j\" = \"up\"\n\"x\" = { run = \"quit\", desc = \"leave\" }\n\"k\" = \"none\"\n",
            Path::new("user.toml"),
        )
        .unwrap();
        assert_eq!(map.get("j"), Some(&Action::Up));
        assert_eq!(map.get("x"), Some(&Action::Quit));
        assert_eq!(map.get("k"), None);
        assert_eq!(map.get("G"), Some(&Action::Bottom));
        assert_eq!(map.bindings.len(), n);
    }

    #[test]
    fn unknown_action_names_file_and_line() {
        let mut map = Keymap::default();
        let err = map
            .merge(
                "[keys]\n\"j\" = \"down\"\n\n\"k\" = \"x\"\n",
                Path::new("/home/u/.config/timberline/keymap.toml"),
            )
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "/home/u/.config/timberline/keymap.toml:4: unknown action \"x\""
        );
    }

    #[test]
    fn unknown_key_and_bad_toml_name_the_line() {
        let mut map = Keymap::default();
        let err = map
            .merge("[keys]\n\"hyper-q\" = \"quit\"\n", Path::new("k.toml"))
            .unwrap_err();
        assert_eq!(err.to_string(), "k.toml:2: unknown key \"hyper-q\"");
        let err = map
            .merge("[keys]\n\n\"j\" = [1]\n", Path::new("k.toml"))
            .unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        let err = map.merge("[kyes]\n", Path::new("k.toml")).unwrap_err();
        assert_eq!(err.line, 1, "{err}");
    }
}
