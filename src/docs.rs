//! `timberline completions SHELL` and `timberline man [COMMAND]`: shell completions and man
//! pages generated from the clap definitions in [`crate::cli`], so they never drift from
//! the arguments. The man pages are made at run time, not at build time: the binary is all a
//! packager needs (`timberline man > timberline.1`, `timberline man search >
//! timberline-search.1`).

use clap::CommandFactory;
use std::io::Write;

/// The shells completions are written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// The whole command tree, as clap sees it.
fn command() -> clap::Command {
    crate::cli::Cli::command()
}

/// Writes the completion script of `shell` for the `timberline` binary.
pub fn completions(shell: Shell, out: &mut dyn Write) -> std::io::Result<()> {
    use clap_complete::Shell as S;
    let shell = match shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
    };
    let mut cmd = command();
    let name = cmd.get_name().to_string();
    clap_complete::generate(shell, &mut cmd, name, out);
    Ok(())
}

/// The names of the subcommands (each has a page of its own).
pub fn subcommands() -> Vec<String> {
    command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

/// Writes the roff man page of `timberline` (`sub` `None`: the main page, which lists every
/// subcommand) or of one subcommand (`timberline-search(1)`). An unknown name is an error
/// that lists the known ones.
pub fn man(sub: Option<&str>, out: &mut dyn Write) -> Result<(), ManError> {
    let mut cmd = command();
    // Fills in what derive leaves for later (the version, `help`, the full names).
    cmd.build();
    let page = match sub {
        None => cmd,
        Some(name) => {
            let found = cmd
                .get_subcommands()
                .find(|c| c.get_name() == name)
                .cloned();
            let Some(found) = found else {
                return Err(ManError::Unknown {
                    name: name.to_string(),
                    known: subcommands().join(", "),
                });
            };
            // Built, it is named `timberline-search`, as git names its pages; its footer
            // gives the version as the main page's does.
            found.version(crate::cli::VERSION)
        }
    };
    clap_mangen::Man::new(page).render(out)?;
    Ok(())
}

/// `timberline completions SHELL`.
pub fn print_completions(shell: Shell) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    finish(completions(shell, &mut out).and_then(|_| out.flush()))
}

/// `timberline man [COMMAND]`; an unknown COMMAND is a usage error (exit 2).
pub fn print_man(sub: Option<&str>) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match man(sub, &mut out) {
        Err(e @ ManError::Unknown { .. }) => {
            Err(crate::engine::EngineError::Usage(e.to_string()).into())
        }
        Err(ManError::Io(e)) => finish(Err(e)),
        Ok(()) => finish(out.flush()),
    }
}

/// A closed pipe (`| head`) ends output quietly.
fn finish(res: std::io::Result<()>) -> anyhow::Result<()> {
    match res {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ManError {
    #[error("no command named {name:?} (commands: {known})")]
    Unknown { name: String, known: String },
    #[error("writing the man page")]
    Io(#[from] std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn man_text(sub: Option<&str>) -> String {
        let mut out = Vec::new();
        man(sub, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_main_man_page_lists_every_subcommand() {
        let page = man_text(None);
        assert!(page.starts_with(".ie \\n(.g .ds Aq"), "roff: {page:.200}");
        assert!(page.contains(".TH timberline 1"), "{page:.400}");
        let subs = subcommands();
        for name in [
            "index",
            "search",
            "histogram",
            "tail",
            "explain",
            "completions",
            "man",
        ] {
            assert!(subs.iter().any(|s| s == name), "{name} in {subs:?}");
        }
        for name in &subs {
            // clap_mangen writes each subcommand as `timberline-NAME(1)`.
            assert!(
                page.contains(&format!("timberline\\-{name}(1)")),
                "{name} missing from the man page"
            );
        }
    }

    #[test]
    fn each_subcommand_has_a_page_with_its_options() {
        let page = man_text(Some("search"));
        assert!(page.contains(".TH timberline-search 1"), "{page:.400}");
        assert!(page.contains("\\-\\-limit"), "{page}");
        for name in subcommands() {
            assert!(!man_text(Some(&name)).is_empty());
        }
        let err = man(Some("serach"), &mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("commands: index, search"), "{err}");
    }

    #[test]
    fn completions_name_the_subcommands_and_options() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let mut out = Vec::new();
            completions(shell, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(text.contains("histogram"), "{shell:?}");
            assert!(text.contains("since"), "{shell:?}");
        }
    }
}
