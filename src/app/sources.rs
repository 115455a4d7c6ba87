//! The sources pane's settings: `f` and `z` open a prompt for the selected file's format or
//! zone, prefilled with the current value. A valid value becomes an [`Effect::SetSource`]: the
//! worker writes it into the config file as an override for that exact path (see
//! [`crate::config::edit`]), and the file is read again with it. An empty value removes the
//! override (detection, local time); an invalid one is an error in the prompt, and nothing
//! changes.

use super::data::{Effect, SetSource, SourceInfo};
use super::state::{AppState, Popup, Prompt, PromptKind};
use super::view::requery;
use crate::config::edit::Setting;
use crate::time::Zone;

/// The length of the folder all paths share (up to and with its last `/`), to leave out.
pub fn common_dir(paths: &[&str]) -> usize {
    let Some(first) = paths.first() else { return 0 };
    let mut len = first.rfind('/').map_or(0, |i| i + 1);
    for p in paths {
        while len > 0 && !p.starts_with(&first[..len]) {
            len = first[..len - 1].rfind('/').map_or(0, |i| i + 1);
        }
    }
    len
}

/// A file as the sources pane names it: its path without the folder all files share.
pub fn shown_name(s: &AppState, path: &str) -> String {
    let files = s.span.as_ref().map(|p| p.files.as_slice()).unwrap_or(&[]);
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let cut = common_dir(&paths);
    if files.iter().any(|f| f.path == path) && cut > 0 {
        path[cut..].to_string()
    } else {
        path.rsplit('/').next().unwrap_or(path).to_string()
    }
}

/// The file the pane's selection (or else the selected event) is on.
fn target(s: &AppState) -> Option<&SourceInfo> {
    let files = &s.span.as_ref()?.files;
    match s.popup {
        Popup::Sources { selected } => files.get(selected),
        _ => {
            let path = &s.selected_event()?.path;
            files.iter().find(|f| &f.path == path)
        }
    }
}

/// The value a setting has now: the config's, else what is in use.
fn current(f: &SourceInfo, setting: Setting) -> &str {
    match setting {
        Setting::Format => f.set_format.as_deref().unwrap_or(&f.format),
        Setting::Zone => f.set_zone.as_deref().unwrap_or(&f.zone),
    }
}

/// `f` / `z`: the prompt for the selected file's format or zone.
pub(super) fn prompt(s: &mut AppState, setting: Setting) {
    let Some(f) = target(s) else {
        s.set_error("no source selected (s lists them)");
        return;
    };
    let kind = match setting {
        Setting::Format => PromptKind::Format,
        Setting::Zone => PromptKind::Zone,
    };
    let prompt = Prompt {
        target: Some(f.path.clone()),
        ..Prompt::prefilled(kind, current(f, setting))
    };
    s.prompt = Some(prompt);
    s.set_status(match setting {
        Setting::Format => {
            "type a format (replaces this one; empty: detect it), Enter sets it, Esc cancels"
        }
        Setting::Zone => {
            "type a zone for zone-less times (replaces this one; empty: local), Enter sets it, Esc cancels"
        }
    });
}

/// Enter in a format or zone prompt: checks the value and asks the worker to apply it.
pub(super) fn submit(
    s: &mut AppState,
    p: &Prompt,
    text: &str,
    fx: &mut Vec<Effect>,
) -> Result<(), String> {
    let setting = match p.kind {
        PromptKind::Format => Setting::Format,
        _ => Setting::Zone,
    };
    let path = p.target.clone().unwrap_or_default();
    let span = s.span.as_ref();
    let f = span
        .and_then(|sp| sp.files.iter().find(|f| f.path == path))
        .ok_or_else(|| format!("{path} is no longer among the logs"))?;
    let value = match (setting, text) {
        (_, "") => None,
        (Setting::Format, name) => {
            let known = span.map(|sp| sp.formats.as_slice()).unwrap_or(&[]);
            if !known.iter().any(|k| k == name) {
                return Err(format!(
                    "unknown format {name:?} (formats: {})",
                    known.join(", ")
                ));
            }
            Some(name.to_string())
        }
        (Setting::Zone, zone) => Some(
            Zone::parse(zone)
                .ok_or_else(|| {
                    format!(
                        "unknown time zone {zone:?} (an IANA name like Asia/Tokyo, UTC, local or +09:00)"
                    )
                })?
                .name(),
        ),
    };
    let set = match setting {
        Setting::Format => &f.set_format,
        Setting::Zone => &f.set_zone,
    };
    let r = SetSource {
        path: f.path.clone(),
        name: shown_name(s, &f.path),
        setting,
        value,
    };
    // Unchanged: no override written for a value that is already in use.
    let in_use = r.value.as_deref() == Some(current(f, setting));
    if *set == r.value || (set.is_none() && in_use) {
        s.set_status(format!("{} (unchanged)", r.describe()));
        return Ok(());
    }
    s.set_status(format!("{}…", r.describe()));
    fx.push(Effect::SetSource(r));
    Ok(())
}

/// The worker's answer: the sources pane shows the new settings and the view reloads (the
/// file's events were read again).
pub(super) fn applied(
    s: &mut AppState,
    res: Result<(super::data::Span, String), String>,
    fx: &mut Vec<Effect>,
) {
    match res {
        Ok((mut span, message)) => {
            if let Some(old) = &s.span
                && span.notes.is_empty()
            {
                span.notes = old.notes.clone();
            }
            s.span = Some(span);
            super::source_tag::fit(s);
            s.set_status(message);
            requery(s, fx);
        }
        Err(e) => s.set_error(e),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn common_dir_is_a_whole_folder() {
        assert_eq!(super::common_dir(&["/a/b/x.log", "/a/b/y.log"]), 5);
        assert_eq!(super::common_dir(&["/a/bc/x", "/a/bd/y"]), 3);
        assert_eq!(super::common_dir(&["x", "y"]), 0);
    }
}
