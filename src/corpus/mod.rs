//! A deterministic generator of a realistic multi-format log corpus with planted facts, for the
//! benchmark, the end-to-end tests and the bundled demo logs.
//!
//! [`generate`] writes a central log server's tree under `out_dir/logs/` and its [`Manifest`]
//! (every planted fact, counted exactly) to `out_dir/manifest.json`. The output is byte-identical
//! for the same [`CorpusSpec`] on any machine (its own PRNG, its own time formatting, no use of
//! the local zone) and is written at several hundred MB/s.
//!
//! Layout under `logs/` (newest file first in each rotated family: `x`, `x.1`, `x.2.gz`, `x.3.gz`,
//! consecutive time ranges, so merging a family gives one continuous history):
//!
//! | path | format | zone |
//! |---|---|---|
//! | `remote/<host>/syslog*` | RFC 3164 (no year, no zone) | UTC; `fra-db01`: Europe/Berlin |
//! | `remote/<host>/auth.log*` | RFC 3164 sshd/sudo/pam | as the host's syslog |
//! | `syslog*` | RFC 3339 µs with offset (Debian 12) | `+05:30` |
//! | `nginx/access.log*` | combined | `+0900` |
//! | `nginx/error.log*` | nginx error (no zone) | UTC |
//! | `app/api.jsonl*` | JSON lines, `ts` RFC 3339 ms `Z` | UTC |
//! | `app/worker.log` | logfmt, Python tracebacks as continuation lines | UTC |
//!
//! An *event* is one line, except a logfmt line followed by its traceback lines (one event).

mod clock;
mod lines;
mod rng;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, TimeZone, Utc};
use flate2::Compression;
use flate2::write::GzEncoder;
use memchr::memmem;
use serde::{Deserialize, Serialize};

use clock::{ZoneClock, ZoneSpec};
use lines::{Gen, Kind, RARE, Special};
use rng::Rng;

/// Bumped whenever the output for a given spec changes (the benchmark caches corpora by it).
pub const GENERATOR_VERSION: u32 = 1;

/// The hosts under `remote/`. The one in [`BERLIN_HOST`] writes Europe/Berlin wall-clock time.
pub const HOSTS: [&str; 4] = ["web01", "web02", "fra-db01", "mail01"];
/// The host whose zone-less times are Europe/Berlin (the user must say so in the config).
pub const BERLIN_HOST: &str = "fra-db01";
/// The host whose `auth.log` holds the planted ssh brute-force burst.
pub const SPIKE_HOST: &str = "web01";
/// Length of the planted silence.
pub const GAP_MINUTES: i64 = 45;
/// Length of the planted burst.
pub const SPIKE_MINUTES: i64 = 5;
/// The common term whose events are counted (a whole word, any case).
pub const COMMON_TERM: &str = "connection";
/// The phrase whose events are counted.
pub const PHRASE: &str = "session opened for user root";
/// The pattern of the burst.
pub const FAILED_PASSWORD: &str = "Failed password";

/// What to generate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorpusSpec {
    pub seed: u64,
    /// Approximate total uncompressed size of all log files.
    pub target_bytes: u64,
    /// First instant of the span (UTC).
    pub start: DateTime<Utc>,
    /// Length of the span in days.
    pub days: u32,
    /// gzip level of the rotated `.gz` files (logrotate uses 6).
    pub gzip_level: u32,
}

impl Default for CorpusSpec {
    fn default() -> Self {
        CorpusSpec {
            seed: 1,
            target_bytes: 100 << 20,
            start: Utc
                .with_ymd_and_hms(2026, 10, 1, 0, 0, 0)
                .single()
                .unwrap_or_default(),
            days: 14,
            gzip_level: 6,
        }
    }
}

impl CorpusSpec {
    /// The spec of the bundled demo logs (`assets/demo`).
    pub fn demo() -> Self {
        CorpusSpec {
            seed: 7,
            target_bytes: 300 << 10,
            days: 2,
            ..CorpusSpec::default()
        }
    }
}

/// Everything a test or benchmark needs to check answers against. Times are UTC.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub generator_version: u32,
    pub spec: CorpusSpec,
    /// The log tree, relative to the manifest's directory.
    pub logs_dir: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Uncompressed bytes of all log files.
    pub raw_bytes: u64,
    /// Bytes on disk (the `.gz` files compressed).
    pub disk_bytes: u64,
    pub events: u64,
    pub lines: u64,
    /// Events per normalised level, over the files whose format has a level field.
    pub levels: BTreeMap<String, u64>,
    pub files: Vec<FileFacts>,
    /// Which files write which zone, and how.
    pub zones: Vec<ZoneFact>,
    /// A string found nowhere else, in a few events across formats (one in a `.gz`, one in a
    /// traceback continuation line).
    pub rare: TermFact,
    /// A common word (whole word, case-insensitive).
    pub common: TermFact,
    /// A phrase.
    pub phrase: TermFact,
    /// `Failed password` events overall (background plus the burst).
    pub failed_password: TermFact,
    /// `status:502`: access log and JSON log.
    pub field: FieldFact,
    /// A window in which no file has any event.
    pub gap: Window,
    /// The ssh brute-force burst.
    pub spike: SpikeFact,
    /// The config a user needs so that zone-less non-UTC files are read right (paths relative
    /// to the log tree; make them absolute before use).
    pub config_toml: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileFacts {
    /// Relative to the log tree, `/`-separated.
    pub path: String,
    /// The rotated family (the newest file's path).
    pub family: String,
    pub format: String,
    pub host: String,
    pub zone: String,
    pub compressed: bool,
    /// Uncompressed bytes.
    pub bytes: u64,
    pub disk_bytes: u64,
    pub events: u64,
    pub lines: u64,
    pub first_ts: Option<DateTime<Utc>>,
    pub last_ts: Option<DateTime<Utc>>,
    /// The file's modification time (its last event's time).
    pub mtime: DateTime<Utc>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub levels: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ZoneFact {
    /// Glob relative to the log tree.
    pub path: String,
    pub format: String,
    /// IANA name or offset.
    pub zone: String,
    /// How the times are written.
    pub written_as: String,
    /// True when the times carry no zone and the zone is not UTC: the user must configure it.
    pub needs_config: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TermFact {
    pub term: String,
    /// The timberline query that finds exactly these events.
    pub query: String,
    pub events: u64,
    /// Lines containing the term (what `grep -c` / `rg -c` counts).
    pub lines: u64,
    pub per_file: BTreeMap<String, u64>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub occurrences: Vec<Occurrence>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Occurrence {
    pub file: String,
    /// 1-based line number of the event's first line.
    pub line: u64,
    pub ts: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FieldFact {
    pub field: String,
    pub value: String,
    pub query: String,
    pub events: u64,
    pub per_file: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Window {
    pub start: DateTime<Utc>,
    /// Exclusive.
    pub end: DateTime<Utc>,
    pub minutes: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SpikeFact {
    pub start: DateTime<Utc>,
    /// Exclusive.
    pub end: DateTime<Utc>,
    pub host: String,
    pub file_family: String,
    /// The burst's own events (all `Failed password`).
    pub planted_events: u64,
    /// All `Failed password` events in the window, any file (burst plus background).
    pub failed_password_events_in_window: u64,
    /// All events in the window, any file.
    pub events_in_window: u64,
}

/// Parses `200K`, `50M`, `1G`, `1.5G`, `123` (bytes; binary units).
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().last()? {
        (i, 'k' | 'K') => (&s[..i], 1u64 << 10),
        (i, 'm' | 'M') => (&s[..i], 1 << 20),
        (i, 'g' | 'G') => (&s[..i], 1 << 30),
        _ => (s, 1),
    };
    let v: f64 = num.trim().parse().ok()?;
    if !v.is_finite() || v < 0.0 {
        return None;
    }
    Some((v * mult as f64) as u64)
}

/// Writes the corpus to `out_dir/logs/` and the manifest to `out_dir/manifest.json`.
/// A previous corpus in `out_dir` is replaced; a `logs/` directory without a manifest beside it
/// is not ours and is left alone (error).
pub fn generate(spec: &CorpusSpec, out_dir: &Path) -> io::Result<Manifest> {
    let logs = out_dir.join("logs");
    let manifest_path = out_dir.join("manifest.json");
    if logs.exists() {
        if !manifest_path.exists() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "{} exists and is not a generated corpus (no manifest.json beside it)",
                    logs.display()
                ),
            ));
        }
        fs::remove_dir_all(&logs)?;
    }
    let mut manifest = generate_logs(spec, &logs)?;
    manifest.logs_dir = "logs".to_string();
    let mut w = BufWriter::new(File::create(&manifest_path)?);
    serde_json::to_writer_pretty(&mut w, &manifest)?;
    w.write_all(b"\n")?;
    w.flush()?;
    Ok(manifest)
}

/// Writes only the log tree, directly into `logs_dir` (existing files of the same names are
/// overwritten, others left alone). Used for the demo logs.
pub fn generate_logs(spec: &CorpusSpec, logs_dir: &Path) -> io::Result<Manifest> {
    let plan = Plan::new(spec)?;
    fs::create_dir_all(logs_dir)?;
    let results: Vec<io::Result<FamilyResult>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..plan.families.len())
            .map(|i| {
                let plan = &plan;
                s.spawn(move || run_family(plan, i, logs_dir))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(io::Error::other("corpus generator thread panicked")))
            })
            .collect()
    });
    let mut fams = Vec::with_capacity(results.len());
    for r in results {
        fams.push(r?);
    }
    Ok(plan.manifest(fams))
}

const US: i64 = 1_000_000;

/// One rotated family of files.
struct Family {
    /// Path of the newest file, relative to the log tree.
    rel: String,
    kind: Kind,
    host: &'static str,
    zone: ZoneSpec,
    rotations: u32,
    events: u64,
    /// Start of each file's time range, oldest first (the first is the corpus start).
    bounds: Vec<i64>,
    /// Times at which the next event is replaced by a rare-string event.
    plants: Vec<i64>,
}

impl Family {
    /// Name of segment `k` (0 = oldest).
    fn file_name(&self, k: usize) -> String {
        let age = self.rotations as usize - 1 - k;
        match age {
            0 => self.rel.clone(),
            1 => format!("{}.1", self.rel),
            n => format!("{}.{n}.gz", self.rel),
        }
    }
}

struct Plan {
    spec: CorpusSpec,
    start: i64,
    end: i64,
    gap: (i64, i64),
    spike: (i64, i64),
    spike_events: u64,
    spike_family: usize,
    families: Vec<Family>,
}

/// Layout: (path, kind, host, zone, rotations, share of the bytes).
fn layout() -> Vec<(String, Kind, &'static str, ZoneSpec, u32, f64)> {
    let mut v = Vec::new();
    for host in HOSTS {
        let zone = if host == BERLIN_HOST {
            ZoneSpec::Named(chrono_tz::Europe::Berlin)
        } else {
            ZoneSpec::Utc
        };
        v.push((
            format!("remote/{host}/syslog"),
            Kind::Syslog3164,
            host,
            zone,
            4,
            0.07,
        ));
        v.push((
            format!("remote/{host}/auth.log"),
            Kind::Auth,
            host,
            zone,
            4,
            0.02,
        ));
    }
    v.push((
        "syslog".to_string(),
        Kind::Syslog3339,
        "logsrv",
        ZoneSpec::Fixed(5 * 3600 + 1800),
        4,
        0.12,
    ));
    v.push((
        "nginx/access.log".to_string(),
        Kind::Access,
        "logsrv",
        ZoneSpec::Fixed(9 * 3600),
        4,
        0.27,
    ));
    v.push((
        "nginx/error.log".to_string(),
        Kind::NginxError,
        "logsrv",
        ZoneSpec::Utc,
        2,
        0.03,
    ));
    v.push((
        "app/api.jsonl".to_string(),
        Kind::ApiJson,
        "logsrv",
        ZoneSpec::Utc,
        3,
        0.15,
    ));
    v.push((
        "app/worker.log".to_string(),
        Kind::Worker,
        "logsrv",
        ZoneSpec::Utc,
        1,
        0.07,
    ));
    v
}

/// Where the rare string is planted: (family, fraction of the span).
const PLANTS: [(&str, f64); 7] = [
    ("remote/web01/syslog", 0.10),
    ("remote/fra-db01/auth.log", 0.30),
    ("syslog", 0.62),
    ("nginx/access.log", 0.80),
    ("nginx/error.log", 0.45),
    ("app/api.jsonl", 0.15),
    ("app/worker.log", 0.70),
];

impl Plan {
    fn new(spec: &CorpusSpec) -> io::Result<Plan> {
        if spec.days == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "corpus span must be at least one day",
            ));
        }
        let start = spec.start.timestamp() * US;
        let span = i64::from(spec.days) * 86_400 * US;
        let end = start + span;
        let minute = 60 * US;
        let mut rng = Rng::derive(spec.seed, "plan");
        let frac = |f: f64| (span as f64 * f) as i64 / minute * minute;
        let gap_start = start + frac(0.52 + 0.06 * rng.unit());
        let gap = (gap_start, gap_start + GAP_MINUTES * minute);
        let spike_start = start + frac(0.36 + 0.06 * rng.unit());
        let spike = (spike_start, spike_start + SPIKE_MINUTES * minute);

        let mut families = Vec::new();
        for (rel, kind, host, zone, rotations, share) in layout() {
            // Measure this format's average event size on a sample, to turn bytes into events.
            let mut srng = Rng::derive(spec.seed, &format!("sample:{rel}"));
            let mut maker = Gen::new(kind, host, ZoneClock::new(zone), start, &mut srng);
            let mut buf = Vec::with_capacity(4096);
            let samples = 400;
            for i in 0..samples {
                maker.event(&mut srng, start + i * 1_000_003, Special::None, &mut buf);
            }
            let avg = (buf.len() as f64 / samples as f64).max(1.0);
            let want = (spec.target_bytes as f64 * share / avg) as u64;
            let events = want.max(50 * u64::from(rotations));
            let bounds = (0..rotations)
                .map(|k| {
                    let k = i64::from(k);
                    let r = i64::from(rotations);
                    if i64::from(spec.days) >= r {
                        // logrotate at midnight: whole days.
                        start + (k * i64::from(spec.days) / r) * 86_400 * US
                    } else {
                        start + span * k / r
                    }
                })
                .collect();
            let plants = PLANTS
                .iter()
                .filter(|(p, _)| *p == rel)
                .map(|(_, f)| start + (span as f64 * f) as i64)
                .collect();
            families.push(Family {
                rel,
                kind,
                host,
                zone,
                rotations,
                events,
                bounds,
                plants,
            });
        }
        let total: u64 = families.iter().map(|f| f.events).sum();
        let per_minute = total as f64 / (f64::from(spec.days) * 1440.0);
        let spike_events = ((3.0 * per_minute * SPIKE_MINUTES as f64).ceil() as u64).max(150);
        let spike_rel = format!("remote/{SPIKE_HOST}/auth.log");
        let spike_family = families
            .iter()
            .position(|f| f.rel == spike_rel)
            .unwrap_or(0);
        Ok(Plan {
            spec: spec.clone(),
            start,
            end,
            gap,
            spike,
            spike_events,
            spike_family,
            families,
        })
    }

    fn manifest(&self, fams: Vec<FamilyResult>) -> Manifest {
        let mut files = Vec::new();
        let mut levels = BTreeMap::new();
        let mut rare = term_fact(RARE, "\"ZEBRA-7f3a9\"");
        let mut common = term_fact(COMMON_TERM, COMMON_TERM);
        let mut phrase = term_fact(PHRASE, &format!("\"{PHRASE}\""));
        let mut failed = term_fact(FAILED_PASSWORD, &format!("\"{FAILED_PASSWORD}\""));
        let mut field = FieldFact {
            field: "status".into(),
            value: "502".into(),
            query: "status:502".into(),
            ..FieldFact::default()
        };
        let (mut events, mut lines, mut raw, mut disk) = (0, 0, 0, 0);
        let (mut fp_window, mut ev_window) = (0, 0);
        for fam in fams {
            fp_window += fam.failed_in_spike;
            ev_window += fam.events_in_spike;
            rare.occurrences.extend(fam.rare_at);
            for f in fam.files {
                events += f.facts.events;
                lines += f.facts.lines;
                raw += f.facts.bytes;
                disk += f.facts.disk_bytes;
                for (k, v) in &f.facts.levels {
                    *levels.entry(k.clone()).or_insert(0) += v;
                }
                let path = &f.facts.path;
                add(&mut rare, path, f.rare);
                add(&mut common, path, f.common);
                add(&mut phrase, path, f.phrase);
                add(&mut failed, path, f.failed);
                if f.status502 > 0 {
                    field.events += f.status502;
                    field.per_file.insert(path.clone(), f.status502);
                }
                files.push(f.facts);
            }
        }
        let zones = self
            .families
            .iter()
            .map(|f| {
                let zone_less = matches!(f.kind, Kind::Syslog3164 | Kind::Auth | Kind::NginxError);
                ZoneFact {
                    path: format!("{}*", f.rel),
                    format: f.kind.format_name().to_string(),
                    zone: f.zone.name(),
                    written_as: match f.kind {
                        Kind::Syslog3164 | Kind::Auth => {
                            "local wall clock, no year, no zone (RFC 3164)"
                        }
                        Kind::NginxError => "local wall clock, no zone",
                        Kind::Syslog3339 => "RFC 3339 with the offset",
                        Kind::Access => "[dd/Mon/yyyy:HH:MM:SS +hhmm]",
                        Kind::ApiJson | Kind::Worker => "RFC 3339 UTC with Z",
                    }
                    .to_string(),
                    needs_config: zone_less && f.zone != ZoneSpec::Utc,
                }
            })
            .collect();
        let config_toml = format!(
            "# {BERLIN_HOST} writes zone-less Europe/Berlin times; every other zone-less file is UTC.\n\
             [[source]]\npath = \"remote/{BERLIN_HOST}/*\"\ntimezone = \"Europe/Berlin\"\n"
        );
        let spike_fam = &self.families[self.spike_family];
        Manifest {
            generator_version: GENERATOR_VERSION,
            spec: self.spec.clone(),
            logs_dir: ".".to_string(),
            start: to_dt(self.start),
            end: to_dt(self.end),
            raw_bytes: raw,
            disk_bytes: disk,
            events,
            lines,
            levels,
            files,
            zones,
            rare,
            common,
            phrase,
            failed_password: failed,
            field,
            gap: Window {
                start: to_dt(self.gap.0),
                end: to_dt(self.gap.1),
                minutes: GAP_MINUTES,
            },
            spike: SpikeFact {
                start: to_dt(self.spike.0),
                end: to_dt(self.spike.1),
                host: SPIKE_HOST.to_string(),
                file_family: spike_fam.rel.clone(),
                planted_events: self.spike_events,
                failed_password_events_in_window: fp_window,
                events_in_window: ev_window,
            },
            config_toml,
        }
    }
}

fn term_fact(term: &str, query: &str) -> TermFact {
    TermFact {
        term: term.to_string(),
        query: query.to_string(),
        ..TermFact::default()
    }
}

fn add(t: &mut TermFact, path: &str, n: (u64, u64)) {
    if n.0 > 0 {
        t.events += n.0;
        t.lines += n.1;
        t.per_file.insert(path.to_string(), n.0);
    }
}

fn to_dt(us: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(us).unwrap_or_default()
}

/// Counts of one file. Term counts are (events, lines).
struct FileDone {
    facts: FileFacts,
    rare: (u64, u64),
    common: (u64, u64),
    phrase: (u64, u64),
    failed: (u64, u64),
    status502: u64,
}

struct FamilyResult {
    files: Vec<FileDone>,
    rare_at: Vec<Occurrence>,
    failed_in_spike: u64,
    events_in_spike: u64,
}

/// Finds the counted terms in an event's text.
struct Scanner {
    rare: memmem::Finder<'static>,
    onnection: memmem::Finder<'static>,
    phrase: memmem::Finder<'static>,
    failed: memmem::Finder<'static>,
}

impl Scanner {
    fn new() -> Scanner {
        Scanner {
            rare: memmem::Finder::new(RARE.as_bytes()),
            onnection: memmem::Finder::new(&COMMON_TERM.as_bytes()[1..]),
            phrase: memmem::Finder::new(PHRASE.as_bytes()),
            failed: memmem::Finder::new(FAILED_PASSWORD.as_bytes()),
        }
    }

    /// Lines of `text` with a match of `f` accepted by `ok(line, match_start)`.
    fn lines_with(text: &[u8], f: &memmem::Finder<'_>, ok: impl Fn(&[u8], usize) -> bool) -> u64 {
        if f.find(text).is_none() {
            return 0;
        }
        text.split(|&c| c == b'\n')
            .filter(|line| f.find_iter(line).any(|i| ok(line, i)))
            .count() as u64
    }

    fn common_word(line: &[u8], i: usize) -> bool {
        // `i` is where "onnection" starts; the word is [i-1, i+9).
        let n = COMMON_TERM.len() - 1;
        i >= 1
            && matches!(line[i - 1], b'c' | b'C')
            && (i < 2 || !line[i - 2].is_ascii_alphanumeric())
            && line.get(i + n).is_none_or(|c| !c.is_ascii_alphanumeric())
    }

    fn phrase_end(line: &[u8], i: usize) -> bool {
        line.get(i + PHRASE.len())
            .is_none_or(|c| !c.is_ascii_alphanumeric())
    }
}

enum Out {
    Plain(BufWriter<File>),
    Gz(Box<GzEncoder<BufWriter<File>>>),
}

impl Out {
    fn write_all(&mut self, b: &[u8]) -> io::Result<()> {
        match self {
            Out::Plain(w) => w.write_all(b),
            Out::Gz(w) => w.write_all(b),
        }
    }

    fn finish(self) -> io::Result<File> {
        let w = match self {
            Out::Plain(w) => w,
            Out::Gz(w) => (*w).finish()?,
        };
        w.into_inner().map_err(|e| e.into_error())
    }
}

/// A file being written.
struct Current {
    out: Out,
    done: FileDone,
}

fn open_segment(plan: &Plan, fam: &Family, k: usize, logs_dir: &Path) -> io::Result<Current> {
    let name = fam.file_name(k);
    let path = logs_dir.join(&name);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let file = File::create(&path)?;
    let w = BufWriter::with_capacity(256 << 10, file);
    let compressed = name.ends_with(".gz");
    let out = if compressed {
        Out::Gz(Box::new(GzEncoder::new(
            w,
            Compression::new(plan.spec.gzip_level.min(9)),
        )))
    } else {
        Out::Plain(w)
    };
    let facts = FileFacts {
        path: name,
        family: fam.rel.clone(),
        format: fam.kind.format_name().to_string(),
        host: fam.host.to_string(),
        zone: fam.zone.name(),
        compressed,
        bytes: 0,
        disk_bytes: 0,
        events: 0,
        lines: 0,
        first_ts: None,
        last_ts: None,
        mtime: to_dt(fam.bounds.get(k + 1).copied().unwrap_or(plan.end)),
        levels: BTreeMap::new(),
    };
    let done = FileDone {
        facts,
        rare: (0, 0),
        common: (0, 0),
        phrase: (0, 0),
        failed: (0, 0),
        status502: 0,
    };
    Ok(Current { out, done })
}

fn close_segment(cur: Current, logs_dir: &Path) -> io::Result<FileDone> {
    let Current { out, mut done } = cur;
    let file = out.finish()?;
    if let Some(last) = done.facts.last_ts {
        done.facts.mtime = last;
    }
    let micros = done.facts.mtime.timestamp_micros();
    let when = if micros >= 0 {
        SystemTime::UNIX_EPOCH + Duration::from_micros(micros as u64)
    } else {
        SystemTime::UNIX_EPOCH
    };
    file.set_modified(when)?;
    drop(file);
    done.facts.disk_bytes = fs::metadata(logs_dir.join(&done.facts.path))?.len();
    Ok(done)
}

fn run_family(plan: &Plan, idx: usize, logs_dir: &Path) -> io::Result<FamilyResult> {
    let fam = &plan.families[idx];
    let mut rng = Rng::derive(plan.spec.seed, &fam.rel);
    let mut maker = Gen::new(
        fam.kind,
        fam.host,
        ZoneClock::new(fam.zone),
        plan.start,
        &mut rng,
    );
    let scan = Scanner::new();
    let prec = fam.kind.precision_us();
    let gap_len = plan.gap.1 - plan.gap.0;
    let eff_span = (plan.end - plan.start - gap_len) as f64;
    let step = eff_span / fam.events as f64;
    let spike_n = if idx == plan.spike_family {
        plan.spike_events
    } else {
        0
    };
    let spike_len = (plan.spike.1 - plan.spike.0) as f64;

    let mut result = FamilyResult {
        files: Vec::new(),
        rare_at: Vec::new(),
        failed_in_spike: 0,
        events_in_spike: 0,
    };
    let mut seg = 0usize;
    let mut cur = open_segment(plan, fam, 0, logs_dir)?;
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    let (mut i, mut j) = (0u64, 0u64);
    let mut pending: Option<i64> = None;
    let mut next_plant = 0usize;
    loop {
        if pending.is_none() && i < fam.events {
            let eff = ((i as f64 + rng.unit()) * step) as i64;
            let mut t = plan.start + eff;
            if t >= plan.gap.0 {
                t += gap_len;
            }
            pending = Some(t.min(plan.end - 1));
            i += 1;
        }
        let spike_t =
            (j < spike_n).then(|| plan.spike.0 + (j as f64 * spike_len / spike_n as f64) as i64);
        let (raw_ts, special) = match (pending, spike_t) {
            (None, None) => break,
            (Some(p), Some(s)) if s <= p => {
                j += 1;
                (s, Special::Spike)
            }
            (None, Some(s)) => {
                j += 1;
                (s, Special::Spike)
            }
            (Some(p), _) => {
                pending = None;
                let plant = fam.plants.get(next_plant).is_some_and(|&at| p >= at);
                if plant {
                    next_plant += 1;
                }
                (p, if plant { Special::Rare } else { Special::None })
            }
        };
        let ts = raw_ts - raw_ts.rem_euclid(prec);
        while seg + 1 < fam.bounds.len() && ts >= fam.bounds[seg + 1] {
            result.files.push(close_segment(cur, logs_dir)?);
            seg += 1;
            cur = open_segment(plan, fam, seg, logs_dir)?;
        }
        buf.clear();
        let info = maker.event(&mut rng, ts, special, &mut buf);
        cur.out.write_all(&buf)?;

        let d = &mut cur.done;
        let f = &mut d.facts;
        let nlines = memchr::memchr_iter(b'\n', &buf).count() as u64;
        let first_line = f.lines + 1;
        f.events += 1;
        f.lines += nlines;
        f.bytes += buf.len() as u64;
        let when = to_dt(ts);
        if f.first_ts.is_none() {
            f.first_ts = Some(when);
        }
        f.last_ts = Some(when);
        if let Some(l) = info.level {
            *f.levels.entry(l.as_str().to_string()).or_insert(0) += 1;
        }
        if info.status == Some(502) {
            d.status502 += 1;
        }
        let count = |n: u64, acc: &mut (u64, u64)| {
            if n > 0 {
                acc.0 += 1;
                acc.1 += n;
            }
        };
        let rare = Scanner::lines_with(&buf, &scan.rare, |_, _| true);
        if rare > 0 {
            result.rare_at.push(Occurrence {
                file: f.path.clone(),
                line: first_line,
                ts: when,
            });
        }
        count(rare, &mut d.rare);
        count(
            Scanner::lines_with(&buf, &scan.onnection, Scanner::common_word),
            &mut d.common,
        );
        count(
            Scanner::lines_with(&buf, &scan.phrase, Scanner::phrase_end),
            &mut d.phrase,
        );
        let failed = Scanner::lines_with(&buf, &scan.failed, |_, _| true);
        count(failed, &mut d.failed);
        if ts >= plan.spike.0 && ts < plan.spike.1 {
            result.events_in_spike += 1;
            if failed > 0 {
                result.failed_in_spike += 1;
            }
        }
    }
    result.files.push(close_segment(cur, logs_dir)?);
    // Segments after the last event (only possible for very small corpora): empty files.
    while seg + 1 < fam.bounds.len() {
        seg += 1;
        let c = open_segment(plan, fam, seg, logs_dir)?;
        result.files.push(close_segment(c, logs_dir)?);
    }
    // Newest file first, as `ls` of a rotated family reads.
    result.files.reverse();
    Ok(result)
}
