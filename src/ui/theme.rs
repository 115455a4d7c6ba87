//! Themes: named styles from `themes/*.toml` (embedded), with the user's `theme.toml` over
//! them key by key. `NO_COLOR` keeps only bold/reverse/underline.
//!
//! ```toml
//! base = "light"                 # start from a shipped theme (default, light, 16color)
//! sources = ["cyan", "green"]    # source tag colours
//! [styles]
//! hit = "black on yellow bold"   # fg [on bg] [bold dim italic underline reverse]
//! ```

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use toml::Spanned;

/// The shipped themes, by name.
pub const BUILTIN: [(&str, &str); 3] = [
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("16color", include_str!("../../themes/16color.toml")),
];

/// Every style a theme sets.
pub const KEYS: [&str; 28] = [
    "time",
    "date",
    "message",
    "continuation",
    "selected",
    "hit",
    "mark",
    "level_trace",
    "level_debug",
    "level_info",
    "level_warn",
    "level_error",
    "level_crit",
    "status",
    "status_error",
    "message_line",
    "prompt",
    "prompt_error",
    "timeline_bar",
    "timeline_error",
    "timeline_warn",
    "timeline_hits",
    "timeline_empty",
    "timeline_gap",
    "timeline_cursor",
    "timeline_label",
    "popup",
    "popup_title",
];

/// A theme file that cannot be used: which file, which line, what.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}:{line}: {message}", path.display())]
pub struct ThemeError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    styles: HashMap<&'static str, Style>,
    pub sources: Vec<Color>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    base: Option<Spanned<String>>,
    sources: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    styles: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// Parses `fg [on bg] [modifiers]`; `Err` names the word not understood.
pub fn parse_style(s: &str) -> Result<Style, String> {
    let mut style = Style::default();
    let mut on = false;
    for word in s.split_whitespace() {
        let m = match word.to_ascii_lowercase().as_str() {
            "on" => {
                on = true;
                continue;
            }
            "bold" => Some(Modifier::BOLD),
            "dim" => Some(Modifier::DIM),
            "italic" => Some(Modifier::ITALIC),
            "underline" => Some(Modifier::UNDERLINED),
            "reverse" => Some(Modifier::REVERSED),
            _ => None,
        };
        match m {
            Some(m) => style = style.add_modifier(m),
            None => {
                let c = parse_color(word)?;
                style = if on { style.bg(c) } else { style.fg(c) };
            }
        }
    }
    Ok(style)
}

/// A colour: a name, `0`–`255` or `#rrggbb`.
pub fn parse_color(word: &str) -> Result<Color, String> {
    Color::from_str(word).map_err(|_| {
        format!("unknown colour {word:?} (use a name like red or darkgray, 0-255, or #rrggbb)")
    })
}

impl Theme {
    /// A shipped theme by name.
    pub fn builtin(name: &str) -> Option<Theme> {
        let text = BUILTIN.iter().find(|(n, _)| *n == name)?.1;
        let mut t = Theme::empty();
        t.merge(text, Path::new(&format!("themes/{name}.toml")))
            .ok()?;
        Some(t)
    }

    fn empty() -> Theme {
        Theme {
            styles: HashMap::new(),
            sources: Vec::new(),
        }
    }

    /// The default theme with the user's file over it; monochrome under `no_color`.
    pub fn load(user: Option<&Path>, no_color: bool) -> Result<Theme, ThemeError> {
        let mut t = Theme::empty();
        t.merge(BUILTIN[0].1, Path::new("themes/default.toml"))?;
        if let Some(p) = user.filter(|p| p.exists()) {
            let text = std::fs::read_to_string(p).map_err(|e| ThemeError {
                path: p.to_path_buf(),
                line: 1,
                message: e.to_string(),
            })?;
            t.merge(&text, p)?;
        }
        Ok(if no_color { t.monochrome() } else { t })
    }

    /// Sets what one file sets (after its `base`, if any).
    pub fn merge(&mut self, text: &str, path: &Path) -> Result<(), ThemeError> {
        let err = |line: usize, message: String| ThemeError {
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
        if let Some(base) = &file.base {
            let line = crate::config::line_of(text, base.span().start);
            let src = BUILTIN
                .iter()
                .find(|(n, _)| n == base.get_ref())
                .ok_or_else(|| {
                    err(
                        line,
                        format!(
                            "unknown theme {:?} (themes: default, light, 16color)",
                            base.get_ref()
                        ),
                    )
                })?;
            self.merge(src.1, Path::new(&format!("themes/{}.toml", src.0)))?;
        }
        if let Some(list) = &file.sources {
            let line = crate::config::line_of(text, list.span().start);
            self.sources = list
                .get_ref()
                .iter()
                .map(|c| parse_color(c).map_err(|m| err(line, m)))
                .collect::<Result<_, _>>()?;
        }
        for (key, value) in file.styles {
            let line = crate::config::line_of(text, key.span().start);
            let name = KEYS
                .iter()
                .find(|k| **k == key.get_ref())
                .ok_or_else(|| err(line, format!("unknown style {:?}", key.get_ref())))?;
            let style = parse_style(value.get_ref()).map_err(|m| err(line, m))?;
            self.styles.insert(name, style);
        }
        Ok(())
    }

    /// Without colours: selection and hits stay visible through reverse and bold.
    pub fn monochrome(&self) -> Theme {
        let strip = |s: &Style| Style {
            fg: None,
            bg: None,
            underline_color: None,
            ..*s
        };
        let mut styles: HashMap<&'static str, Style> =
            self.styles.iter().map(|(k, s)| (*k, strip(s))).collect();
        let rev = Style::default().add_modifier(Modifier::REVERSED);
        let bold = Style::default().add_modifier(Modifier::BOLD);
        for (k, s) in [
            ("selected", rev),
            ("status", rev),
            ("timeline_cursor", rev),
            ("hit", bold.add_modifier(Modifier::UNDERLINED)),
            ("level_error", bold),
            ("level_crit", bold.add_modifier(Modifier::REVERSED)),
            ("timeline_gap", Style::default()),
        ] {
            styles.insert(k, s);
        }
        Theme {
            styles,
            sources: Vec::new(),
        }
    }

    pub fn style(&self, key: &str) -> Style {
        self.styles.get(key).copied().unwrap_or_default()
    }

    /// The colour of a source tag: stable for a name.
    pub fn source(&self, name: &str) -> Style {
        if self.sources.is_empty() {
            return Style::default();
        }
        let h = name
            .bytes()
            .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
        Style::default().fg(self.sources[h as usize % self.sources.len()])
    }

    pub fn level(&self, l: Option<crate::event::Level>) -> Style {
        use crate::event::Level::*;
        self.style(match l {
            Some(Trace) => "level_trace",
            Some(Debug) => "level_debug",
            Some(Info | Notice) | None => "level_info",
            Some(Warn) => "level_warn",
            Some(Error) => "level_error",
            Some(Crit | Alert | Emerg) => "level_crit",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_themes_parse_and_set_every_style() {
        for (name, text) in BUILTIN {
            let mut t = Theme::empty();
            t.merge(text, Path::new(name)).unwrap();
            for k in KEYS {
                assert!(t.styles.contains_key(k), "{name} lacks {k}");
            }
            assert!(!t.sources.is_empty(), "{name}");
        }
    }

    #[test]
    fn styles_parse() {
        assert_eq!(
            parse_style("black on yellow bold").unwrap(),
            Style::default()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        );
        assert_eq!(
            parse_style("#ff0000").unwrap(),
            Style::default().fg(Color::Rgb(255, 0, 0))
        );
        assert_eq!(
            parse_style("on 236").unwrap(),
            Style::default().bg(Color::Indexed(236))
        );
    }

    #[test]
    fn user_file_overrides_and_errors_name_file_and_line() {
        let mut t = Theme::builtin("default").unwrap();
        t.merge("[styles]\nhit = \"red\"\n", Path::new("u.toml"))
            .unwrap();
        assert_eq!(t.style("hit"), Style::default().fg(Color::Red));
        assert_eq!(
            t.style("time"),
            Theme::builtin("default").unwrap().style("time")
        );
        let e = t
            .merge(
                "[styles]\n\nhit = \"redish on blue\"\n",
                Path::new("u.toml"),
            )
            .unwrap_err();
        assert_eq!(e.line, 3);
        assert!(
            e.to_string()
                .starts_with("u.toml:3: unknown colour \"redish\""),
            "{e}"
        );
        let e = t
            .merge("[styles]\nhitt = \"red\"\n", Path::new("u.toml"))
            .unwrap_err();
        assert_eq!(e.to_string(), "u.toml:2: unknown style \"hitt\"");
        let e = t
            .merge("base = \"dark\"\n", Path::new("u.toml"))
            .unwrap_err();
        assert_eq!(e.line, 1);
        let light = Theme::builtin("light").unwrap();
        let mut based = Theme::builtin("default").unwrap();
        based
            .merge("base = \"light\"\n", Path::new("u.toml"))
            .unwrap();
        assert_eq!(based, light);
    }

    #[test]
    fn no_color_has_no_colours() {
        let t = Theme::load(None, true).unwrap();
        for k in KEYS {
            assert_eq!(t.style(k).fg, None, "{k}");
            assert_eq!(t.style(k).bg, None, "{k}");
        }
        assert!(
            t.style("selected")
                .add_modifier
                .contains(Modifier::REVERSED)
        );
    }
}
