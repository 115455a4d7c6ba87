//! Command-line arguments and the headless commands (`index`, `search`, `histogram`, ...).
//! Errors reach here as typed errors and leave as a message on stderr and an exit code:
//! 0 (also with no hits), 2 usage or query error, 1 any other failure; `verify` that finds
//! something wrong exits 16 plus bits (see [`crate::seal::verify`]).

use crate::config::Config;
use crate::engine::{Engine, EngineError, OpenOptions, Request};
use crate::index::update::{Progress, Quiet, Summary};
use crate::output::error_text;
use crate::output::escape_controls;
use crate::output::events::{EventFormat, EventWriter};
use crate::output::histogram;
use crate::seal::SealError;
use crate::time::Zone;
use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `--version`: the package version and the commit it was built from (`unknown` without git;
/// see build.rs).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("TIMBERLINE_COMMIT"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "timberline",
    version = VERSION,
    about = "Explore, search and tail a log server's logs",
    subcommand_precedence_over_arg = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Logs to open in the explorer (default: /var/log).
    pub paths: Vec<PathBuf>,
    /// Start the explorer following new events (like `less +F`).
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Explore the remote index NAME ([[remote]] in the config) instead of local files.
    #[arg(long, value_name = "NAME", conflicts_with = "paths")]
    pub remote: Option<String>,
    #[command(flatten)]
    pub global: Global,
}

#[derive(Debug, Args, Clone)]
pub struct Global {
    /// Config file (default: config.toml in the config directory).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where the index lives (default: the data directory, keyed by the paths).
    #[arg(long, global = true, value_name = "DIR", env = "TIMBERLINE_INDEX_DIR")]
    pub index_dir: Option<PathBuf>,
    /// A team file of saved queries, merged under the user's own queries.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub queries: Option<PathBuf>,
    /// A team file of reviewed patterns, merged under the user's own known.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub known: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build or update the index of PATHs and print a summary.
    Index {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Print matching events in time order.
    Search(SearchArgs),
    /// Count matching events per time bucket, and find gaps; or, with --profile, by hour of
    /// day or day of week beside a baseline.
    Histogram(HistogramArgs),
    /// Print the last matching events, then every new one as it is written, through rotation.
    Tail(TailArgs),
    /// List the patterns (message templates) of the matching events, with exact counts.
    Patterns(PatternsArgs),
    /// The most (or least) frequent values of a field or tuple of fields, with counts.
    Top(TopArgs),
    /// Evaluate the watch rules (rules.toml, --rules) over the history of PATHs, on event
    /// time: print the alerts and run their actions. Exit status 1 when any fired (for cron).
    Check(CheckArgs),
    /// Follow PATHs like `tail` and evaluate the watch rules on each new event, through
    /// rotation; remembers where it stopped, so a restart neither misses nor repeats alerts.
    Watch(WatchArgs),
    /// The periodic log review in one report that leaves a record (who, when, what): STEP 1
    /// are the logs there (gaps, stopped sources), STEP 2 obvious anomalies (errors, new
    /// patterns, hours against the baseline), STEP 3 statistics. Markdown, HTML or JSON.
    Review(ReviewArgs),
    /// Seal PATHs: add a record of each file's identity, size and SHA-256 (of its
    /// decompressed content, with a hash per 64 KiB block) to a hash-chained manifest kept
    /// apart from the logs. Needs no index.
    Seal(SealArgs),
    /// Check the manifest's chain, then each file under PATHs against the last seal, through
    /// rotation. Exit status 0 when all verify, else 16 plus bits: 1 new, 2 missing or
    /// unreadable, 4 changed, 8 shrunk, 32 chain broken. Needs read access only, no index.
    Verify(VerifyArgs),
    /// Send the events of PATHs to the remote index NAME ([[remote]] in the config), each
    /// exactly once (deterministic ids, a checkpoint committed after the engine took every
    /// event of a batch); with --follow, keep sending new events, through rotation.
    Ship(ShipArgs),
    /// Show how FILE is read: the format chosen and why, the zone and year rules, the first
    /// events as parsed.
    Explain {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Print a shell completion script (e.g. `timberline completions bash >
    /// /etc/bash_completion.d/timberline`).
    Completions {
        #[arg(value_enum)]
        shell: crate::docs::Shell,
    },
    /// Print the man page (roff) of timberline, or of one COMMAND (`timberline man search`).
    Man {
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ShipArgs {
    /// Files, folders or globs to ship.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The remote to send to (its `name` in the config).
    #[arg(long, value_name = "NAME")]
    pub to: String,
    /// Keep sending new events as they are written.
    #[arg(short, long)]
    pub follow: bool,
    /// Send only events from this time on (same forms as search's --since).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Files, folders or globs to review.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Start of the window (same forms as search's --since).
    #[arg(long, value_name = "TIME", default_value = "7d")]
    pub since: String,
    /// End of the window (exclusive; default: now).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    #[arg(long, value_enum, default_value = "md")]
    pub format: crate::review::Format,
    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// A seal manifest: the record then names its root hash and what verify says.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Rows per list.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct SealArgs {
    /// Files, folders or globs to seal.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The manifest (JSON lines, one record per seal); never inside the sealed folders.
    #[arg(long, value_name = "FILE")]
    pub manifest: PathBuf,
    /// Print only the new root hash (the new record's SHA-256), for cron to mail elsewhere.
    #[arg(long)]
    pub print: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Files, folders or globs to verify (sealed files outside them are not looked for).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The manifest the seals were written to.
    #[arg(long, value_name = "FILE")]
    pub manifest: PathBuf,
    /// A root hash printed by an earlier `seal --print` and kept elsewhere: the chain is
    /// broken unless a record still has it (a manifest cut short or rewritten).
    #[arg(long, value_name = "HASH")]
    pub root: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: crate::seal::report::Format,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files, folders or globs whose events to evaluate.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// A team rules file, merged under the user's own rules.toml.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Evaluate events from this time on (RFC 3339, `YYYY-MM-DD[ HH:MM]`, or an age: 1h).
    /// With --since-last: where the first run starts.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Start where the last `check --since-last` of these rules and paths stopped, with its
    /// suppression state (kept in the data directory).
    #[arg(long)]
    pub since_last: bool,
    /// After the alerts, the patterns first seen in the checked window (none before it, not
    /// marked in known.toml), leaving out what `class = "ignore"` rules match.
    #[arg(long)]
    pub new_patterns: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TailFormat,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Files, folders or globs to follow.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// A team rules file, merged under the user's own rules.toml.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TailFormat,
}

#[derive(Debug, Args)]
pub struct TailArgs {
    /// Files, folders or globs to follow.
    #[arg(required_unless_present = "remote", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Follow the remote index NAME ([[remote]] in the config) instead of local files.
    #[arg(long, value_name = "NAME", conflicts_with = "paths")]
    pub remote: Option<String>,
    /// Query: terms, "phrases", AND/OR/NOT, field:value, field:[a TO b], /regex/.
    #[arg(short, long, default_value = "")]
    pub query: String,
    /// Run a saved query (ANDed with -q).
    #[arg(long, value_name = "NAME")]
    pub saved: Option<String>,
    /// How many matching events to print before following.
    #[arg(short = 'n', long = "lines", default_value_t = 10, value_name = "N")]
    pub last: usize,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TailFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TailFormat {
    Text,
    Jsonl,
}

#[derive(Debug, Args)]
pub struct Filter {
    /// Files, folders or globs; `-` reads stdin.
    #[arg(required_unless_present = "remote", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Ask the remote index NAME ([[remote]] in the config) instead of local files
    /// (search, histogram).
    #[arg(long, value_name = "NAME", conflicts_with = "paths")]
    pub remote: Option<String>,
    /// Query: terms, "phrases", AND/OR/NOT, field:value, field:[a TO b], /regex/.
    #[arg(short, long, default_value = "")]
    pub query: String,
    /// Start of the window: RFC 3339, `YYYY-MM-DD[ HH:MM]` (local time), or an age (90m, 2h, 3d).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// End of the window (exclusive), same forms as --since.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Run a saved query (ANDed with -q; its window applies unless --since is given).
    #[arg(long, value_name = "NAME")]
    pub saved: Option<String>,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub filter: Filter,
    /// Print at most N events.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Newest first.
    #[arg(long)]
    pub reverse: bool,
    /// Print only the number of matching events.
    #[arg(long)]
    pub count: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: EventFormat,
}

#[derive(Debug, Args)]
pub struct PatternsArgs {
    #[command(flatten)]
    pub filter: Filter,
    #[arg(long, value_enum, default_value = "count")]
    pub sort: crate::report::patterns::Sort,
    /// Only patterns whose first event is in the window, with none before it (exit status 1
    /// when there are any). Needs --since.
    #[arg(long)]
    pub new: bool,
    /// With --new: how far before --since to look (an age like 30d; default: all history).
    #[arg(long, value_name = "DUR", requires = "new")]
    pub baseline: Option<String>,
    /// Only patterns with at most K events in the window.
    #[arg(long, value_name = "K")]
    pub rare: Option<u64>,
    /// Print at most N patterns (per value of --by).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// One list per value of this field (host, program, user...); with --new, the patterns
    /// new for each value.
    #[arg(long, value_name = "FIELD")]
    pub by: Option<String>,
    /// Record these pattern ids in your known.toml (as --as says) instead of listing: they are
    /// then left out of --new and marked in lists.
    #[arg(long, value_name = "ID", num_args = 1.., conflicts_with_all = ["new", "rare", "by"])]
    pub mark: Vec<String>,
    /// With --mark: what the patterns are.
    #[arg(long = "as", value_enum, default_value = "reviewed", requires = "mark")]
    pub mark_as: crate::patterns::known::Status,
    /// With --mark: why (kept in the file for the next reviewer).
    #[arg(long, value_name = "TEXT", requires = "mark")]
    pub note: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: crate::report::patterns::Format,
}

#[derive(Debug, Args)]
pub struct TopArgs {
    /// Field whose values to count: host, program, level or any key=value field; several
    /// joined by commas count tuples (`host,program`).
    #[arg(value_name = "FIELD[,FIELD...]")]
    pub fields: String,
    #[command(flatten)]
    pub filter: Filter,
    /// Least frequent first.
    #[arg(long)]
    pub bottom: bool,
    /// Count the distinct values of this field per value (and rank by them).
    #[arg(long, value_name = "FIELD")]
    pub distinct: Option<String>,
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// Only values (tuples) seen in the window and never before it, each with its first time
    /// in the window (exit status 1 when there are any). Needs --since.
    #[arg(long)]
    pub new: bool,
    /// With --new: how far before --since to look (an age like 30d; default: all history).
    #[arg(long, value_name = "DUR", requires = "new")]
    pub baseline: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: crate::report::top::Format,
}

/// Ends a command with exit status 1 and no message (`patterns --new`, `top --new` found some).
#[derive(Debug, thiserror::Error)]
#[error("found")]
struct Found;

/// Ends `verify` with its status (16 plus bits) and no further message: the report said why.
#[derive(Debug, thiserror::Error)]
#[error("not verified")]
struct Unverified(u8);

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistogramFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct HistogramArgs {
    #[command(flatten)]
    pub filter: Filter,
    /// Bucket width: 1m, 10m, 1h, 1d ... or auto.
    #[arg(long, default_value = "auto")]
    pub bucket: String,
    /// Count by hour of day (00–23) or day of week (Mon–Sun), local time (TZ), beside the
    /// baseline before the window scaled to its length. Needs --since.
    #[arg(
        long,
        value_enum,
        value_name = "hour|weekday",
        conflicts_with = "bucket"
    )]
    pub profile: Option<crate::report::profile::Profile>,
    /// With --profile: how far before --since the baseline runs (e.g. 28d; default: as long
    /// as the window).
    #[arg(long, value_name = "DUR", requires = "profile")]
    pub baseline: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: HistogramFormat,
}

/// Parses arguments and runs; the binary's whole `main`.
pub fn main() -> ExitCode {
    restrict_umask();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    // A panic (a bug, or tantivy meeting damaged index files it does not check) ends the
    // command with one escaped line and status 1, not a backtrace and 101; the index in use
    // is marked for a rebuild, since it is only a cache of the logs. The explorer's own hook
    // restores the terminal first.
    static PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        let at = info
            .location()
            .map(|l| format!(" at {l}"))
            .unwrap_or_default();
        if let Ok(mut p) = PANIC.lock() {
            *p = Some(format!("{}{at}", error_text::brief(&what, 300)));
        }
    }));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(cli)));
    let Ok(result) = result else {
        let what = PANIC
            .lock()
            .ok()
            .and_then(|mut p| p.take())
            .unwrap_or_default();
        let marked = crate::index::store::in_use()
            .filter(|dir| crate::index::store::mark_damaged(dir, &what));
        let then = match marked {
            Some(dir) => format!(
                "; the index at {} is rebuilt from the logs at the next run",
                dir.display()
            ),
            None => String::new(),
        };
        let _ = writeln!(
            std::io::stderr(),
            "{}",
            escape_controls(&format!("timberline: internal error: {what}{then}"), false)
        );
        return ExitCode::from(1);
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // `| head -1`: the reader has what it wanted.
        Err(err) if crate::output::pipe::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) if err.is::<Found>() => ExitCode::from(1),
        Err(err) if err.is::<Unverified>() => {
            ExitCode::from(err.downcast_ref::<Unverified>().map_or(1, |u| u.0))
        }
        Err(err) => {
            let code = err
                .downcast_ref::<EngineError>()
                .map(EngineError::exit_code)
                .or_else(|| err.downcast_ref::<SealError>().map(SealError::exit_code))
                .unwrap_or(1);
            // Errors name files and quote queries: escaped like everything else shown.
            let mut text = error_text::describe(&err);
            if let Some(e) = err.downcast_ref::<EngineError>() {
                text = error_text::with_owner_hint(e, text);
            }
            let _ = writeln!(
                std::io::stderr(),
                "timberline: {}",
                escape_controls(&text, true)
            );
            ExitCode::from(code)
        }
    }
}

/// clap's message (help, version, a bad argument). When an argument holds control
/// characters, the message quotes it escaped: the arguments are parsed again, escaped, for
/// the message only.
fn usage_error(e: clap::Error) -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .map(|a| escape_controls(&a.to_string_lossy(), false).into_owned())
        .collect();
    let hostile = std::env::args_os().zip(&args).any(|(a, e)| a != e.as_str());
    if !hostile {
        e.exit()
    }
    match Cli::try_parse_from(args) {
        Err(escaped) => escaped.exit(),
        // Parsed once escaped: clap's own message, with styles and escapes stripped.
        Ok(_) => {
            let plain = e.render().to_string();
            let _ = write!(std::io::stderr(), "{}", escape_controls(&plain, true));
            ExitCode::from(2)
        }
    }
}

/// Files timberline creates (the index) are private to the user: they hold what the logs hold.
fn restrict_umask() {
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o077));
}

fn run(cli: Cli) -> anyhow::Result<()> {
    // Made from the definitions alone: a broken config does not stop them.
    match &cli.command {
        Some(Command::Completions { shell }) => return crate::docs::print_completions(*shell),
        Some(Command::Man { command }) => return crate::docs::print_man(command.as_deref()),
        // Run by another administrator, perhaps as another user: no config, no index.
        Some(Command::Seal(args)) => return cmd_seal(args),
        Some(Command::Verify(args)) => return cmd_verify(args),
        _ => {}
    }
    let config = Config::load(cli.global.config.as_deref())?;
    let global = cli.global;
    match cli.command {
        Some(Command::Index { paths }) => cmd_index(paths, global, config),
        Some(Command::Search(args)) => cmd_search(args, global, config),
        Some(Command::Histogram(args)) => cmd_histogram(args, global, config),
        Some(Command::Tail(args)) => cmd_tail(args, global, config),
        Some(Command::Check(args)) => cmd_check(args, global, config),
        Some(Command::Watch(args)) => cmd_watch(args, global, config),
        Some(Command::Patterns(args)) => cmd_patterns(args, global, config),
        Some(Command::Top(args)) => cmd_top(args, global, config),
        Some(Command::Review(args)) => cmd_review(args, global, config),
        Some(Command::Ship(args)) => cmd_ship(args, global, config),
        Some(Command::Explain { file }) => {
            print!("{}", crate::explain::explain(&file, &config)?);
            Ok(())
        }
        Some(
            Command::Completions { .. }
            | Command::Man { .. }
            | Command::Seal(_)
            | Command::Verify(_),
        ) => Ok(()), // above
        None if cli.remote.is_some() => {
            let name = cli.remote.unwrap_or_default();
            let remote = crate::remote::config::find(&config.remotes, &name)
                .map_err(|e| EngineError::Usage(e.to_string()))?
                .clone();
            crate::tui::run_remote(remote, global.queries, global.known, cli.follow)
        }
        None => crate::tui::run(
            cli.paths,
            global.index_dir,
            config,
            global.config,
            global.queries,
            global.known,
            cli.follow,
        ),
    }
}

fn open(
    paths: Vec<PathBuf>,
    global: &Global,
    config: Config,
    progress: &dyn Progress,
) -> anyhow::Result<(Engine, Summary)> {
    let named = paths.clone();
    let (engine, summary) = Engine::open(options(paths, global, config), progress)?;
    refuse_if_unreadable(&engine, &summary, &named)?;
    Ok((engine, summary))
}

/// A command on paths none of which could be read fails (exit 1) instead of answering from
/// nothing: `search --count` printing 0 for a folder it may not read would pass a cron job by.
fn refuse_if_unreadable(
    engine: &Engine,
    summary: &Summary,
    named: &[PathBuf],
) -> anyhow::Result<()> {
    if named.is_empty() || summary.skipped.is_empty() {
        return Ok(());
    }
    let unreadable = |p: &PathBuf| {
        let p = p.canonicalize().unwrap_or_else(|_| p.clone());
        !engine.files().iter().any(|f| f.path.starts_with(&p))
            && summary.skipped.iter().any(|s| s.path.starts_with(&p))
    };
    if !named.iter().all(unreadable) {
        return Ok(());
    }
    print_notes(&summary.notes);
    let what = named
        .iter()
        .map(|p| escape_controls(&p.display().to_string(), false).into_owned())
        .collect::<Vec<_>>()
        .join(", ");
    anyhow::bail!(
        "nothing under {what} could be read (the notes above say why); nothing to answer from"
    )
}

fn options(paths: Vec<PathBuf>, global: &Global, config: Config) -> OpenOptions {
    OpenOptions {
        paths,
        index_dir: global.index_dir.clone(),
        config,
    }
}

/// Like [`open`] for commands that only read (search, histogram, tail): with the disk full,
/// they answer from the index's last commit, with a note, instead of failing.
fn open_to_read(
    paths: Vec<PathBuf>,
    global: &Global,
    config: Config,
    progress: &dyn Progress,
) -> anyhow::Result<(Engine, Summary)> {
    let opts = options(paths, global, config);
    match Engine::open(opts.clone(), progress) {
        Err(EngineError::Index(e @ crate::index::IndexError::DiskFull { .. })) => {
            let (engine, mut notes) = Engine::open_committed(opts)?;
            notes.push(format!("{e}; answering from it"));
            Ok((
                engine,
                Summary {
                    notes,
                    ..Summary::default()
                },
            ))
        }
        other => {
            let (engine, summary) = other?;
            refuse_if_unreadable(&engine, &summary, &opts.paths)?;
            Ok((engine, summary))
        }
    }
}

fn print_notes(notes: &[String]) {
    let mut err = std::io::stderr().lock();
    for n in notes {
        let _ = writeln!(err, "timberline: {}", escape_controls(n, false));
    }
}

fn cmd_seal(args: &SealArgs) -> anyhow::Result<()> {
    let done = crate::seal::seal(&args.paths, &args.manifest)?;
    print_notes(&done.notes);
    let mut out = std::io::stdout().lock();
    if args.print {
        writeln!(out, "{}", done.record.hash)?;
    } else {
        let n = done.record.files.len();
        let line = format!(
            "sealed {n} file{} ({} bytes of content) in {}; root {}",
            if n == 1 { "" } else { "s" },
            done.bytes,
            done.manifest.display(),
            done.record.hash
        );
        writeln!(out, "{}", escape_controls(&line, false))?;
    }
    out.flush()?;
    if done.unsealed > 0 {
        anyhow::bail!(
            "{} file{} could not be read and {} not in the seal (the notes above say which)",
            done.unsealed,
            if done.unsealed == 1 { "" } else { "s" },
            if done.unsealed == 1 { "is" } else { "are" }
        );
    }
    Ok(())
}

fn cmd_verify(args: &VerifyArgs) -> anyhow::Result<()> {
    let root = match &args.root {
        None => None,
        Some(text) => Some(
            crate::seal::hash::Digest::parse(text.trim())
                .ok_or_else(|| SealError::BadRoot(text.clone()))?,
        ),
    };
    let report = crate::seal::verify(&args.paths, &args.manifest, root)?;
    print_notes(&report.notes);
    let text = crate::seal::report::render(&report, args.format);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    if report.exit != 0 {
        return Err(Unverified(report.exit).into());
    }
    Ok(())
}

fn cmd_index(paths: Vec<PathBuf>, global: Global, config: Config) -> anyhow::Result<()> {
    let bar = Bar::new();
    let (engine, s) = open(paths, &global, config, &bar)?;
    print_notes(&s.notes);
    let total_events = engine.searcher().num_docs();
    let mb = s.bytes as f64 / 1e6;
    let rate = if s.seconds > 0.0 { mb / s.seconds } else { 0.0 };
    let busy = if s.skipped_busy {
        " (not updated: another timberline holds the index)"
    } else {
        ""
    };
    let mut out = std::io::stdout().lock();
    let res = writeln!(
        out,
        "{} files ({} read), {} new events ({} in the index), {:.1} MB, {:.2} s, {:.1} MB/s{busy}\nindex: {}",
        s.files,
        s.files_read,
        s.events,
        total_events,
        mb,
        s.seconds,
        rate,
        escape_controls(&engine.index_dir().display().to_string(), false)
    );
    finish(res.and_then(|_| out.flush()))
}

/// Looks up a saved query: its expression and its relative window.
fn saved_query(
    name: &str,
    global: &Global,
) -> anyhow::Result<(crate::query::Expr, Option<String>)> {
    use crate::app::saved;
    let user = saved::user_file();
    let files = saved::files(global.queries.as_deref(), user.as_deref());
    let all = saved::load_all(&files, global.queries.as_deref())
        .map_err(|e| EngineError::Usage(e.to_string()))?;
    let Some(q) = all.iter().find(|q| q.name == name) else {
        let known: Vec<&str> = all.iter().map(|q| q.name.as_str()).collect();
        return Err(EngineError::Usage(format!(
            "no saved query named {name:?} (saved: {})",
            known.join(", ")
        ))
        .into());
    };
    Ok((q.expr().map_err(EngineError::from)?, q.since.clone()))
}

/// `-q` and `--saved` together.
fn query_of(
    text: &str,
    saved: Option<&str>,
    global: &Global,
) -> anyhow::Result<(crate::query::Expr, Option<String>)> {
    let query = crate::query::parse(text).map_err(EngineError::from)?;
    let Some(name) = saved else {
        return Ok((query, None));
    };
    let (saved_expr, since) = saved_query(name, global)?;
    let expr = match query {
        crate::query::Expr::All => saved_expr,
        q => crate::query::Expr::And(vec![q, saved_expr]),
    };
    Ok((expr, since))
}

/// Parses the query and time window of a command.
fn request(filter: &Filter, global: &Global) -> anyhow::Result<Request> {
    let (query, saved_since) = query_of(&filter.query, filter.saved.as_deref(), global)?;
    let now = chrono::Utc::now().timestamp_micros();
    let zone = Zone::Local;
    let time = |s: Option<&str>, what: &str| -> anyhow::Result<Option<i64>> {
        s.map(|t| {
            crate::window::parse_time(t, now, &zone)
                .map_err(|e| EngineError::Usage(format!("--{what}: {e}")))
        })
        .transpose()
        .map_err(Into::into)
    };
    let since = time(filter.since.as_deref().or(saved_since.as_deref()), "since")?;
    Ok(Request {
        query,
        since,
        until: time(filter.until.as_deref(), "until")?,
        limit: None,
        reverse: false,
    })
}

fn cmd_search(args: SearchArgs, global: Global, config: Config) -> anyhow::Result<()> {
    let mut req = request(&args.filter, &global)?;
    req.limit = args.limit;
    req.reverse = args.reverse;
    if let Some(name) = &args.filter.remote {
        let src = open_remote(&config, name)?;
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        use crate::remote::commands::{SearchOutputError, search};
        return match search(&src, &req, args.count, args.format, &mut out) {
            Ok(()) => finish(out.flush()),
            Err(SearchOutputError::Io(e)) => finish(Err(e)),
            Err(SearchOutputError::Remote(e)) => Err(remote_error(e)),
        };
    }
    let (engine, s) = open_to_read(args.filter.paths, &global, config, &Quiet)?;
    print_notes(&s.notes);
    let stdout = std::io::stdout().lock();
    if args.count {
        let mut out = std::io::BufWriter::new(stdout);
        writeln!(out, "{}", engine.count(&req)?)?;
        return finish(out.flush());
    }
    let hits = engine.search(&req)?;
    let mut out = EventWriter::new(std::io::BufWriter::new(stdout), args.format);
    for chunk in hits.chunks(1024) {
        for rec in engine.records(chunk) {
            if let Err(e) = out.write(&rec) {
                return finish(Err(e));
            }
        }
    }
    finish(out.flush())
}

/// Commands that read the local index only say so when given `--remote`.
fn local_only(filter: &Filter, command: &str) -> Result<(), EngineError> {
    match &filter.remote {
        Some(name) => Err(EngineError::Usage(format!(
            "{command} --remote {name}: not available for a remote index (search, histogram, \
             tail and top are; the explorer's patterns pane is, on an index written by `ship`)"
        ))),
        None => Ok(()),
    }
}

/// `top --remote FIELD`: a `terms` aggregation (one field; no --distinct or --new remotely).
fn remote_top(
    src: &crate::remote::RemoteSource,
    req: &Request,
    opts: &crate::report::top::Options,
) -> anyhow::Result<Vec<crate::report::top::Row>> {
    let [field] = opts.fields.as_slice() else {
        return Err(EngineError::Usage(
            "top --remote: one field at a time (tuples are counted by the local index)".into(),
        )
        .into());
    };
    if opts.distinct.is_some() || opts.new {
        return Err(EngineError::Usage(
            "top --remote: --distinct and --new are answered by the local index only".into(),
        )
        .into());
    }
    let limit = opts.limit.unwrap_or(20);
    let (values, total) = src
        .top_values(&req.query, req.since, req.until, field, opts.bottom, limit)
        .map_err(remote_error)?;
    let total = total.max(1);
    Ok(values
        .into_iter()
        .map(|(value, count)| crate::report::top::Row {
            values: vec![value],
            count,
            share: 100.0 * count as f64 / total as f64,
            distinct: None,
            first: None,
        })
        .collect())
}

/// The remote `name` of the config, connected and its mapping read.
fn open_remote(config: &Config, name: &str) -> anyhow::Result<crate::remote::RemoteSource> {
    let remote = crate::remote::config::find(&config.remotes, name)
        .map_err(|e| EngineError::Usage(e.to_string()))?;
    crate::remote::RemoteSource::open(remote).map_err(remote_error)
}

/// A remote's error: a query it cannot answer or a bad config is a usage error (exit 2).
fn remote_error(e: crate::remote::RemoteError) -> anyhow::Error {
    use crate::remote::RemoteError;
    match e {
        RemoteError::Unsupported { .. } | RemoteError::Config(_) => {
            EngineError::Usage(e.to_string()).into()
        }
        other => anyhow::Error::new(other),
    }
}

fn cmd_ship(args: ShipArgs, global: Global, config: Config) -> anyhow::Result<()> {
    use crate::remote::ship::{ShipError, Shipped, Shipper};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let remote = crate::remote::config::find(&config.remotes, &args.to)
        .map_err(|e| EngineError::Usage(e.to_string()))?
        .clone();
    let now = chrono::Utc::now().timestamp_micros();
    let since = args
        .since
        .as_deref()
        .map(|t| {
            crate::window::parse_time(t, now, &Zone::Local)
                .map_err(|e| EngineError::Usage(format!("--since: {e}")))
        })
        .transpose()?;
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .context("installing signal handlers")?;
    }
    let (mut engine, s) = open(args.paths, &global, config, &Quiet)?;
    print_notes(&s.notes);
    let fail = |e: ShipError| -> anyhow::Error {
        match e {
            ShipError::Usage(m) => EngineError::Usage(m).into(),
            ShipError::Remote(r) => remote_error(r),
            other => anyhow::Error::new(other),
        }
    };
    let mut shipper = Shipper::start(&engine, &remote, since).map_err(fail)?;
    let started = std::time::Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let mut total = Shipped::default();
    let mut report = |t: &Shipped| {
        if terminal {
            eprint!("\r{} events sent, {} already there", t.sent, t.already);
        }
    };
    let first = shipper.round(&engine, &mut report).map_err(fail)?;
    shipper.refresh().map_err(fail)?;
    let add = |total: &mut Shipped, r: Shipped| {
        total.sent += r.sent;
        total.already += r.already;
        total.bytes += r.bytes;
        total.files = total.files.max(r.files);
    };
    add(&mut total, first);
    if args.follow {
        let (waker, note) = crate::follow::Waker::new(engine.roots(), Some(engine.index_dir()));
        print_notes(note.as_slice());
        while !stop.load(Ordering::Relaxed) {
            waker.wait_at_most(crate::follow::POLL);
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let s = engine.refresh(&Quiet)?;
            print_notes(&s.notes);
            let r = shipper.round(&engine, &mut report).map_err(fail)?;
            add(&mut total, r);
        }
    }
    if terminal {
        eprintln!();
    }
    let secs = started.elapsed().as_secs_f64().max(1e-3);
    eprintln!(
        "timberline: shipped {} events ({:.1} MB) to {} index {} in {secs:.1} s ({:.0} events/s, {:.1} MB/s){}",
        total.sent,
        total.bytes as f64 / 1e6,
        remote.name,
        shipper.index(),
        total.sent as f64 / secs,
        total.bytes as f64 / 1e6 / secs,
        if total.already > 0 {
            format!(
                "; {} were there already (sent before an interruption)",
                total.already
            )
        } else {
            String::new()
        }
    );
    Ok(())
}

/// A closed pipe (`| head`) ends output quietly.
fn finish(res: std::io::Result<()>) -> anyhow::Result<()> {
    match res {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing output"),
    }
}

/// `--baseline DUR` as µs.
fn baseline_length(d: Option<&str>) -> Result<Option<i64>, EngineError> {
    d.map(|d| {
        crate::timeline::parse_bucket(d)
            .and_then(|s| s.checked_mul(1_000_000))
            .ok_or_else(|| {
                EngineError::Usage(format!("--baseline {d:?}: not a duration (30m, 12h, 7d)"))
            })
    })
    .transpose()
}

/// The start of `--new`'s baseline: `--baseline DUR` before `--since` (`None`: all history).
fn baseline_since(d: Option<&str>, since: Option<i64>) -> Result<Option<i64>, EngineError> {
    Ok(baseline_length(d)?
        .zip(since)
        .map(|(d, since)| since.saturating_sub(d)))
}

fn cmd_patterns(args: PatternsArgs, global: Global, config: Config) -> anyhow::Result<()> {
    local_only(&args.filter, "patterns")?;
    use crate::report::patterns;
    let req = request(&args.filter, &global)?;
    let baseline_since = baseline_since(args.baseline.as_deref(), req.since)?;
    let known_files = crate::patterns::known::files(global.known.as_deref());
    let known = crate::patterns::known::load(&known_files, global.known.as_deref())?;
    let (engine, s) = open(args.filter.paths, &global, config, &Quiet)?;
    print_notes(&s.notes);
    if !args.mark.is_empty() {
        return mark_patterns(&engine, &args.mark, args.mark_as, args.note.as_deref());
    }
    let opts = patterns::Options {
        sort: args.sort,
        new: args.new,
        baseline_since,
        rare: args.rare,
        limit: args.limit,
        by: args.by,
        known,
        now_us: chrono::Utc::now().timestamp_micros(),
    };
    let rows = patterns::report(&engine, &req, &opts)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    finish(patterns::write(&mut out, &rows, args.format).and_then(|_| out.flush()))?;
    if args.new && !rows.is_empty() {
        return Err(Found.into());
    }
    Ok(())
}

/// `patterns --mark`: records the ids in the user's known.toml, with their templates (from the
/// index) for whoever reads the file.
fn mark_patterns(
    engine: &Engine,
    ids: &[String],
    status: crate::patterns::known::Status,
    note: Option<&str>,
) -> anyhow::Result<()> {
    use crate::patterns::{PatternId, known};
    let path = known::user_file()
        .ok_or_else(|| anyhow::anyhow!("no config directory to write known.toml in"))?;
    let miner = engine.pattern_miner();
    let at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let by = std::env::var("USER").unwrap_or_default();
    let mut entries = Vec::new();
    for id in ids {
        let pid: PatternId = id
            .parse()
            .map_err(|e| EngineError::Usage(format!("--mark {id:?}: {e}")))?;
        let template = miner
            .as_ref()
            .and_then(|m| m.template(pid))
            .map(|t| format!("{}: {}", t.key, t.text))
            .unwrap_or_default();
        entries.push(known::Entry {
            id: pid.to_string(),
            status,
            template,
            note: note.unwrap_or_default().to_string(),
            by: by.clone(),
            at: at.clone(),
        });
    }
    known::mark(&path, &entries)?;
    eprintln!(
        "{} pattern(s) marked {} in {}",
        entries.len(),
        status.as_str(),
        path.display()
    );
    Ok(())
}

fn cmd_top(args: TopArgs, global: Global, config: Config) -> anyhow::Result<()> {
    use crate::report::top;
    let req = request(&args.filter, &global)?;
    let fields: Vec<String> = args
        .fields
        .split(',')
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())
        .collect();
    if fields.is_empty() {
        return Err(
            EngineError::Usage("top: name a field (host, program, level, user...)".into()).into(),
        );
    }
    let opts = top::Options {
        fields,
        distinct: args.distinct,
        bottom: args.bottom,
        limit: Some(args.limit),
        new: args.new,
        baseline_since: baseline_since(args.baseline.as_deref(), req.since)?,
    };
    let rows = match &args.filter.remote {
        Some(name) => remote_top(&open_remote(&config, name)?, &req, &opts)?,
        None => {
            let (engine, s) = open(args.filter.paths, &global, config, &Quiet)?;
            print_notes(&s.notes);
            top::report(&engine, &req, &opts)?
        }
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    finish(top::write(&mut out, &rows, &opts, args.format).and_then(|_| out.flush()))?;
    if args.new && !rows.is_empty() {
        return Err(Found.into());
    }
    Ok(())
}

fn cmd_review(args: ReviewArgs, global: Global, config: Config) -> anyhow::Result<()> {
    let filter = Filter {
        paths: args.paths.clone(),
        query: String::new(),
        since: Some(args.since.clone()),
        until: args.until.clone(),
        saved: None,
        remote: None,
    };
    let req = request(&filter, &global)?;
    let since = req.since.unwrap_or_default();
    let until = req
        .until
        .unwrap_or_else(|| chrono::Utc::now().timestamp_micros());
    let known_files = crate::patterns::known::files(global.known.as_deref());
    let known = crate::patterns::known::load(&known_files, global.known.as_deref())?;
    let mut record = crate::review::record::record(&args.paths, since, until, VERSION);
    if let Some(manifest) = &args.manifest {
        let report = crate::seal::verify(&args.paths, manifest, None)?;
        print_notes(&report.notes);
        record.seal = Some(crate::review::record::seal_summary(&report));
    }
    let (engine, s) = open_to_read(args.paths, &global, config, &Quiet)?;
    print_notes(&s.notes);
    let opts = crate::review::Options {
        since,
        until,
        known,
        zone: Zone::Local,
        limit: args.limit,
    };
    let review = crate::review::review(&engine, &opts, record)?;
    let text = crate::review::render(&review, args.format);
    match &args.out {
        Some(path) => write_atomically(path, text.as_bytes()),
        None => {
            let mut out = std::io::stdout().lock();
            finish(out.write_all(text.as_bytes()).and_then(|_| out.flush()))
        }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// reader never sees half a report.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let shown = || escape_controls(&path.display().to_string(), false).into_owned();
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a temporary file beside {}", shown()))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("writing {}", shown()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("renaming into {}", shown()))?;
    Ok(())
}

fn cmd_histogram(args: HistogramArgs, global: Global, config: Config) -> anyhow::Result<()> {
    if let Some(profile) = args.profile {
        return cmd_profile(args, profile, global, config);
    }
    let req = request(&args.filter, &global)?;
    let bucket = match args.bucket.as_str() {
        "auto" => None,
        b => Some(crate::timeline::parse_bucket(b).ok_or_else(|| {
            EngineError::Usage(format!(
                "--bucket {b:?}: expected a width like 1m, 10m, 1h, 1d, or auto"
            ))
        })?),
    };
    let h = match &args.filter.remote {
        Some(name) => {
            let src = open_remote(&config, name)?;
            crate::remote::commands::histogram(&src, &req, bucket, 100).map_err(remote_error)?
        }
        None => {
            let (engine, s) = open_to_read(args.filter.paths, &global, config, &Quiet)?;
            print_notes(&s.notes);
            engine.histogram(&req, bucket, 100)?
        }
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let res = match args.format {
        HistogramFormat::Json => histogram::write_json(&mut out, &h),
        HistogramFormat::Text => histogram::write_text(&mut out, &h, 50),
    };
    finish(res.and_then(|_| out.flush()))
}

/// `histogram --profile`: hours (weekdays) in the local zone, as `--since` reads its dates.
fn cmd_profile(
    args: HistogramArgs,
    profile: crate::report::profile::Profile,
    global: Global,
    config: Config,
) -> anyhow::Result<()> {
    local_only(&args.filter, "histogram --profile")?;
    let mut req = request(&args.filter, &global)?;
    // As the histogram's, the window runs to now without --until.
    req.until = req.until.or(Some(chrono::Utc::now().timestamp_micros()));
    let baseline = baseline_length(args.baseline.as_deref())?;
    let (engine, s) = open_to_read(args.filter.paths, &global, config, &Quiet)?;
    print_notes(&s.notes);
    let p = crate::report::profile::report(&engine, &req, profile, baseline, &Zone::Local)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let res = match args.format {
        HistogramFormat::Json => histogram::write_profile_json(&mut out, &p),
        HistogramFormat::Text => histogram::write_profile_text(&mut out, &p, 50),
    };
    finish(res.and_then(|_| out.flush()))
}

fn cmd_tail(args: TailArgs, global: Global, config: Config) -> anyhow::Result<()> {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let (query, _) = query_of(&args.query, args.saved.as_deref(), &global)?;
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .context("installing signal handlers")?;
    }
    let format = match args.format {
        TailFormat::Text => EventFormat::Text,
        TailFormat::Jsonl => EventFormat::Jsonl,
    };
    if let Some(name) = &args.remote {
        let src = open_remote(&config, name)?;
        let req = Request {
            query,
            ..Request::default()
        };
        let mut out = std::io::stdout().lock();
        let stopped =
            || stop.load(Ordering::Relaxed) || crate::output::pipe::reader_gone(std::io::stdout());
        use crate::remote::commands::{SearchOutputError, tail};
        return match tail(&src, &req, args.last, format, &mut out, &stopped) {
            Ok(()) => Ok(()),
            Err(SearchOutputError::Io(e)) => finish(Err(e)),
            Err(SearchOutputError::Remote(e)) => Err(remote_error(e)),
        };
    }
    let (mut engine, s) = open_to_read(args.paths, &global, config, &Quiet)?;
    print_notes(&s.notes);
    let request = Request {
        query,
        ..Request::default()
    };
    let (mut follower, first) = crate::follow::Follower::start(&mut engine, request, args.last)?;
    let (waker, note) = crate::follow::Waker::new(engine.roots(), Some(engine.index_dir()));
    print_notes(note.as_slice());
    let mut out = EventWriter::new(std::io::stdout().lock(), format);
    let mut emit = |records: Vec<crate::output::events::EventRecord>| -> std::io::Result<()> {
        for rec in records {
            out.write(&rec)?;
            out.flush()?;
        }
        Ok(())
    };
    if let Err(e) = emit(first) {
        return finish(Err(e));
    }
    while !stop.load(Ordering::Relaxed) {
        waker.wait_at_most(follower.due_in().unwrap_or(crate::follow::POLL));
        // `| head -1` that has its line: end now, not at the next write.
        if stop.load(Ordering::Relaxed) || crate::output::pipe::reader_gone(std::io::stdout()) {
            break;
        }
        let (records, notes) = follower.round(&mut engine)?;
        print_notes(&notes);
        if let Err(e) = emit(records) {
            return finish(Err(e));
        }
    }
    Ok(())
}

/// The rules in force, their expressions, and the state file of these rules and paths.
struct Rules {
    /// The alert rules, with their expressions.
    rules: Vec<crate::rules::config::Rule>,
    exprs: Vec<crate::query::Expr>,
    /// The ignore rules' expressions (`check --new-patterns` leaves their events out).
    ignore: Vec<crate::query::Expr>,
    state: PathBuf,
}

fn load_rules(team: Option<&Path>, paths: &[PathBuf], global: &Global) -> anyhow::Result<Rules> {
    use crate::rules::config;
    let user = config::user_file();
    let files = config::files(team, user.as_deref());
    let rules = config::load(&files, team).map_err(|e| EngineError::Usage(e.to_string()))?;
    if rules.is_empty() {
        let at = user.map(|u| u.display().to_string()).unwrap_or_default();
        return Err(EngineError::Usage(format!(
            "no watch rules: write [[rule]] entries in {at} or give --rules FILE"
        ))
        .into());
    }
    let saved = if rules
        .iter()
        .any(|r| matches!(r.source, config::Source::Saved(_)))
    {
        let user = crate::app::saved::user_file();
        let files = crate::app::saved::files(global.queries.as_deref(), user.as_deref());
        crate::app::saved::load_all(&files, global.queries.as_deref())
            .map_err(|e| EngineError::Usage(e.to_string()))?
    } else {
        Vec::new()
    };
    let exprs = crate::rules::resolve(&rules, &saved)?;
    let (rules, exprs, ignore) = config::split(rules, exprs);
    let state = crate::rules::state::file_for(&files, paths)
        .ok_or_else(|| anyhow::anyhow!("no data directory to keep the rules' state in"))?;
    Ok(Rules {
        rules,
        exprs,
        ignore,
        state,
    })
}

/// Runs the alerts' actions and prints them.
fn emit_alerts(
    rules: &[crate::rules::config::Rule],
    alerts: Vec<crate::rules::eval::Alert>,
    format: TailFormat,
    out: &mut impl Write,
) -> std::io::Result<()> {
    use crate::rules::action;
    for alert in alerts {
        let Some(rule) = rules.iter().find(|r| r.name == alert.rule) else {
            continue;
        };
        let o = action::act(rule, alert);
        let failed = o.command.as_ref().is_some_and(|c| !c.ok()) || o.append_error.is_some();
        if rule.print || failed {
            let text = match format {
                TailFormat::Text => action::text(&o),
                TailFormat::Jsonl => action::json_line(&o),
            };
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(())
}

fn cmd_check(args: CheckArgs, global: Global, config: Config) -> anyhow::Result<()> {
    let r = load_rules(args.rules.as_deref(), &args.paths, &global)?;
    let since = args
        .since
        .as_deref()
        .map(|t| {
            let now = chrono::Utc::now().timestamp_micros();
            crate::window::parse_time(t, now, &Zone::Local)
                .map_err(|e| EngineError::Usage(format!("--since: {e}")))
        })
        .transpose()?;
    let mut saved = if args.since_last {
        crate::rules::state::load(&r.state)?
    } else {
        crate::rules::state::Saved::default()
    };
    let known = if args.new_patterns {
        let files = crate::patterns::known::files(global.known.as_deref());
        crate::patterns::known::load(&files, global.known.as_deref())?
    } else {
        crate::patterns::known::Known::default()
    };
    let (engine, s) = open_to_read(args.paths, &global, config, &Quiet)?;
    print_notes(&s.notes);
    let window_since = saved.position.or(since);
    let alerts = crate::rules::check(&engine, &r.rules, &r.exprs, &mut saved, since)?;
    let fresh = if args.new_patterns {
        // The rules' window: `check` moved the position just past its last event.
        let until = saved.position;
        crate::rules::fresh::new_patterns(&engine, &r.ignore, &known, window_since, until)?
    } else {
        Vec::new()
    };
    let fired = !alerts.is_empty() || !fresh.is_empty();
    let mut out = std::io::stdout().lock();
    let res = emit_alerts(&r.rules, alerts, args.format, &mut out).and_then(|_| {
        for p in &fresh {
            let line = match args.format {
                TailFormat::Text => crate::rules::fresh::text(p),
                TailFormat::Jsonl => crate::rules::fresh::json_line(p),
            };
            out.write_all(line.as_bytes())?;
        }
        out.flush()
    });
    if args.since_last {
        crate::rules::state::save(&r.state, &saved)?;
    }
    finish(res)?;
    if fired {
        return Err(Found.into());
    }
    Ok(())
}

fn cmd_watch(args: WatchArgs, global: Global, config: Config) -> anyhow::Result<()> {
    use crate::rules::{eval, state};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let r = load_rules(args.rules.as_deref(), &args.paths, &global)?;
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .context("installing signal handlers")?;
    }
    let mut saved = state::load(&r.state)?;
    let (mut engine, s) = open_to_read(args.paths, &global, config, &Quiet)?;
    print_notes(&s.notes);
    let mut out = std::io::stdout().lock();
    // Restarted: what came since the last stop first; else from now on.
    let alerts = match saved.position {
        Some(_) => crate::rules::check(&engine, &r.rules, &r.exprs, &mut saved, None)?,
        None => {
            let (_, last) = crate::rules::history(&engine, &[], &[], None)?;
            saved.position = Some(last.map_or(i64::MIN, |l| l + 1));
            Vec::new()
        }
    };
    state::save(&r.state, &saved)?;
    if let Err(e) = emit_alerts(&r.rules, alerts, args.format, &mut out) {
        return finish(Err(e));
    }
    let mut watch = crate::rules::watch::Watch::start(&mut engine, &r.rules, &r.exprs)?;
    let (waker, note) = crate::follow::Waker::new(engine.roots(), Some(engine.index_dir()));
    print_notes(note.as_slice());
    print_notes(&[format!("watching {} rule(s)", r.rules.len())]);
    while !stop.load(Ordering::Relaxed) {
        waker.wait_at_most(watch.due_in().unwrap_or(crate::follow::POLL));
        if stop.load(Ordering::Relaxed) || crate::output::pipe::reader_gone(std::io::stdout()) {
            break;
        }
        let (inputs, notes) = watch.round(&mut engine, &r.rules)?;
        print_notes(&notes);
        if inputs.is_empty() {
            continue;
        }
        let alerts = eval::run(&r.rules, &mut saved.eval, &inputs);
        if let Some(last) = inputs.iter().map(eval::Input::ts).max() {
            saved.position = saved.position.max(Some(last + 1));
        }
        // Saved before acting: a crash repeats no alert (it may lose one being acted on).
        state::save(&r.state, &saved)?;
        if let Err(e) = emit_alerts(&r.rules, alerts, args.format, &mut out) {
            return finish(Err(e));
        }
    }
    Ok(())
}

/// The file name the progress bar shows, escaped: the bar is drawn on a terminal.
fn bar_message(path: &Path) -> String {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    escape_controls(&name, false).into_owned()
}

/// A progress bar on stderr when it is a terminal.
struct Bar {
    bar: Option<indicatif::ProgressBar>,
}

impl Bar {
    fn new() -> Bar {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = indicatif::ProgressBar::new(0);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            b
        });
        Bar { bar }
    }
}

impl Progress for Bar {
    fn start(&self, total: u64, _files: usize) {
        if let Some(b) = &self.bar {
            b.set_length(total);
        }
    }
    fn file(&self, path: &Path) {
        if let Some(b) = &self.bar {
            b.set_message(bar_message(path));
        }
    }
    fn advance(&self, bytes: u64) {
        if let Some(b) = &self.bar {
            b.inc(bytes);
        }
    }
    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_bar_shows_names_escaped() {
        let p = Path::new("/logs/app\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x07.log");
        assert_eq!(
            bar_message(p),
            "app\\x1b]0;pwned\\x07\\x1b]52;c;cHduZWQ=\\x07.log"
        );
    }
}
