//! The `:` command line: `goto`, `bucket`, `since`, `clear`, `utc`, `local`, `wrap`, `help`,
//! `quit`.

use super::data::{Effect, Target};
use super::jump::set_bucket;
use super::state::{AppState, Popup};
use super::view::{load, requery};

/// What `:` accepts, for error messages.
const COMMANDS: &str = "goto TIME, bucket WIDTH, since TIME|off, save NAME [DESC], run NAME, \
     export [--hits|--marked] FILE, clear, utc, local, wrap, help, quit";

/// Runs one command line; an error is shown in the prompt.
pub fn run_command(s: &mut AppState, line: &str, fx: &mut Vec<Effect>) -> Result<(), String> {
    let (name, arg) = line
        .split_once(char::is_whitespace)
        .map_or((line, ""), |(n, a)| (n, a.trim()));
    match name {
        "goto" | "g" => {
            let t = super::view::time(s, arg)?;
            s.cursor_us = t;
            fx.push(load(s, Target::Time(t)));
            // Ages count from now: on old logs `-2h` lands past their end. Said, not silent.
            let (first, last) = s.span.as_ref().map_or((None, None), |p| (p.first, p.last));
            if last.is_some_and(|l| t > l) {
                s.set_status(format!(
                    "goto {arg}: after the logs' last event (ages like -2h count from now); \
                     showing their end"
                ));
            } else if first.is_some_and(|f| t < f) {
                s.set_status(format!(
                    "goto {arg}: before the logs' first event; showing their start"
                ));
            }
        }
        "bucket" | "b" => {
            let secs = crate::timeline::parse_bucket(arg)
                .ok_or_else(|| format!("bucket {arg:?}: expected a width like 1m, 5m, 1h, 1d"))?;
            set_bucket(s, secs, fx);
        }
        "since" => {
            s.since = match arg {
                "" | "off" | "all" => None,
                a => Some(super::view::time(s, a)?),
            };
            s.since_text = s.since.map(|_| arg.to_string());
            s.set_status(match s.since {
                Some(_) => format!("since {arg}"),
                None => "whole history".into(),
            });
            requery(s, fx);
        }
        "clear" => {
            s.filters.clear();
            s.level = None;
            s.since = None;
            s.since_text = None;
            s.search = Default::default();
            s.set_status("filters, level, since and search cleared");
            requery(s, fx);
        }
        "save" => {
            let (name, desc) = arg
                .split_once(char::is_whitespace)
                .map_or((arg, ""), |(n, d)| (n, d.trim()));
            if name.is_empty() {
                return Err("save NAME [DESCRIPTION]: name the query".into());
            }
            let path = s
                .saved_path
                .clone()
                .ok_or("no config directory to save queries in")?;
            let query = super::search::to_saved(s, name, desc);
            fx.push(Effect::Save(super::data::SaveRequest { path, query }));
        }
        "run" => {
            let q = s
                .saved
                .iter()
                .find(|q| q.name == arg)
                .cloned()
                .ok_or_else(|| format!("no saved query named {arg:?} (Q lists them)"))?;
            super::search::run_saved(s, &q, fx)?;
        }
        "export" | "export!" => {
            use super::data::Which;
            let (mut which, file) = Which::parse(arg);
            if file.is_empty() {
                return Err(
                    "export [--hits|--marked] FILE: name the file (.csv for csv, else jsonl)"
                        .into(),
                );
            }
            match &mut which {
                Which::Hits if s.search.expr.is_none() => {
                    return Err("export --hits: no search yet (/ searches)".into());
                }
                Which::Marked(_) if s.marks.is_empty() => {
                    return Err("export --marked: no marked event (m marks one)".into());
                }
                Which::Marked(keys) => *keys = s.marks.iter().copied().collect(),
                _ => {}
            }
            s.set_status(format!("exporting to {file}…"));
            fx.push(Effect::Export {
                query: s.query(),
                path: std::path::PathBuf::from(file),
                replace: name == "export!",
                which,
            });
        }
        "utc" => s.utc = true,
        "local" => s.utc = false,
        "wrap" => {
            s.wrap = !s.wrap;
            super::view::ensure_visible(s);
        }
        "help" | "h" => s.popup = Popup::Help { scroll: 0 },
        "q" | "quit" | "q!" => s.quit = true,
        "" => {}
        other => return Err(format!("unknown command {other:?} (commands: {COMMANDS})")),
    }
    Ok(())
}
