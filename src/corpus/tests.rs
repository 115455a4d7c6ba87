use super::*;
use chrono::{FixedOffset, NaiveDateTime};
use std::io::Read;

fn small(seed: u64, bytes: u64) -> CorpusSpec {
    CorpusSpec {
        seed,
        target_bytes: bytes,
        days: 3,
        ..CorpusSpec::default()
    }
}

fn read_all(path: &Path) -> Vec<u8> {
    let raw = fs::read(path).unwrap();
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .expect("valid gzip");
        out
    } else {
        raw
    }
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            m.insert(rel, fs::read(e.path()).unwrap());
        }
    }
    m
}

#[test]
fn same_spec_same_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let spec = small(42, 200 << 10);
    let ma = generate(&spec, a.path()).unwrap();
    let mb = generate(&spec, b.path()).unwrap();
    assert_eq!(
        serde_json::to_string(&ma).unwrap(),
        serde_json::to_string(&mb).unwrap()
    );
    let (ta, tb) = (tree(a.path()), tree(b.path()));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(v == &tb[k], "{k} differs between two runs");
    }
    // Regenerating over a previous corpus replaces it.
    let mc = generate(&spec, a.path()).unwrap();
    assert_eq!(mc.events, ma.events);
    assert_eq!(tree(a.path()), ta);
    // Another seed gives another corpus.
    let c = tempfile::tempdir().unwrap();
    generate(&small(43, 200 << 10), c.path()).unwrap();
    assert_ne!(
        tree(c.path())["logs/app/api.jsonl"],
        ta["logs/app/api.jsonl"]
    );
}

#[test]
fn refuses_foreign_logs_dir() {
    let d = tempfile::tempdir().unwrap();
    fs::create_dir_all(d.path().join("logs")).unwrap();
    fs::write(d.path().join("logs/precious"), "x").unwrap();
    assert!(generate(&small(1, 100 << 10), d.path()).is_err());
    assert!(d.path().join("logs/precious").exists());
}

/// Parses the timestamp at the start of an event's first line, independently of the generator's
/// own formatting code (chrono here).
fn parse_ts(file: &FileFacts, line: &str) -> DateTime<Utc> {
    let utc = |n: NaiveDateTime| Utc.from_utc_datetime(&n);
    match file.format.as_str() {
        "rfc3164" => {
            let n = NaiveDateTime::parse_from_str(
                &format!("2026 {}", &line[..15]),
                "%Y %b %e %H:%M:%S",
            )
            .unwrap();
            if file.zone == "Europe/Berlin" {
                chrono_tz::Europe::Berlin
                    .from_local_datetime(&n)
                    .earliest()
                    .unwrap()
                    .with_timezone(&Utc)
            } else {
                assert_eq!(file.zone, "UTC");
                utc(n)
            }
        }
        "rfc3339-syslog" => {
            let t = line.split(' ').next().unwrap();
            assert!(t.ends_with("+05:30"), "{line}");
            DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc)
        }
        "nginx-combined" => {
            let t = &line[line.find('[').unwrap() + 1..line.find(']').unwrap()];
            assert!(t.ends_with("+0900"), "{line}");
            DateTime::<FixedOffset>::parse_from_str(t, "%d/%b/%Y:%H:%M:%S %z")
                .unwrap()
                .with_timezone(&Utc)
        }
        "nginx-error" => {
            utc(NaiveDateTime::parse_from_str(&line[..19], "%Y/%m/%d %H:%M:%S").unwrap())
        }
        "jsonl" => {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            DateTime::parse_from_rfc3339(v["ts"].as_str().unwrap())
                .unwrap()
                .with_timezone(&Utc)
        }
        "logfmt" => {
            let t = line.strip_prefix("ts=").unwrap().split(' ').next().unwrap();
            DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc)
        }
        other => panic!("unknown format {other}"),
    }
}

fn has_word_ci(line: &str, word: &str) -> bool {
    line.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w == word)
}

fn status_of(file: &FileFacts, line: &str) -> Option<u64> {
    match file.format.as_str() {
        "nginx-combined" => line
            .split('"')
            .nth(2)?
            .split_whitespace()
            .next()?
            .parse()
            .ok(),
        "jsonl" => serde_json::from_str::<serde_json::Value>(line).ok()?["status"].as_u64(),
        _ => None,
    }
}

fn level_of(file: &FileFacts, line: &str) -> Option<String> {
    let word = match file.format.as_str() {
        "nginx-error" => line[20..]
            .split(' ')
            .next()?
            .trim_matches(|c| c == '[' || c == ']')
            .to_string(),
        "jsonl" => serde_json::from_str::<serde_json::Value>(line).ok()?["level"]
            .as_str()?
            .to_string(),
        "logfmt" => line.split(" level=").nth(1)?.split(' ').next()?.to_string(),
        _ => return None,
    };
    Some(crate::event::Level::parse(&word)?.as_str().to_string())
}

/// Recounts every fact of the manifest from the files, grep-style.
fn recount(out: &Path, m: &Manifest) {
    let logs = out.join(&m.logs_dir);
    let listed: Vec<&str> = m.files.iter().map(|f| f.path.as_str()).collect();
    let on_disk = tree(&logs);
    assert_eq!(on_disk.keys().map(String::as_str).collect::<Vec<_>>(), {
        let mut l = listed.clone();
        l.sort();
        l
    });
    let (mut events, mut lines, mut raw, mut disk) = (0, 0, 0, 0);
    let (mut rare, mut common, mut phrase, mut failed, mut s502) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let (mut spike_ev, mut spike_fail) = (0u64, 0u64);
    let mut levels: BTreeMap<String, u64> = BTreeMap::new();
    let mut rare_in_gz = false;
    let mut rare_in_continuation = false;
    let mut last_of_family: BTreeMap<&str, DateTime<Utc>> = BTreeMap::new();
    // Oldest file of each family first.
    for f in m.files.iter().rev() {
        let path = logs.join(&f.path);
        let bytes = read_all(&path);
        assert_eq!(bytes.len() as u64, f.bytes, "{}", f.path);
        assert_eq!(
            fs::metadata(&path).unwrap().len(),
            f.disk_bytes,
            "{}",
            f.path
        );
        let mtime: DateTime<Utc> = fs::metadata(&path).unwrap().modified().unwrap().into();
        assert_eq!(mtime, f.mtime, "{}", f.path);
        assert!(bytes.is_empty() || bytes.ends_with(b"\n"), "{}", f.path);
        let text = std::str::from_utf8(&bytes).unwrap();
        // Group lines into events: in logfmt, a line not starting with `ts=` continues the event.
        let mut evs: Vec<Vec<&str>> = Vec::new();
        for line in text.lines() {
            if f.format == "logfmt" && !line.starts_with("ts=") {
                evs.last_mut()
                    .expect("continuation after an event")
                    .push(line);
            } else {
                evs.push(vec![line]);
            }
        }
        assert_eq!(evs.len() as u64, f.events, "{} events", f.path);
        assert_eq!(text.lines().count() as u64, f.lines, "{} lines", f.path);
        let mut prev: Option<DateTime<Utc>> = last_of_family.get(f.family.as_str()).copied();
        let mut file_levels: BTreeMap<String, u64> = BTreeMap::new();
        for (k, ev) in evs.iter().enumerate() {
            let ts = parse_ts(f, ev[0]);
            assert!(ts >= m.start && ts < m.end, "{} {}", f.path, ev[0]);
            assert!(
                !(ts >= m.gap.start && ts < m.gap.end),
                "event in the gap: {} {}",
                f.path,
                ev[0]
            );
            if let Some(p) = prev {
                assert!(ts >= p, "time goes backwards in {} at event {k}", f.path);
            }
            prev = Some(ts);
            if k == 0 {
                assert_eq!(Some(ts), f.first_ts, "{}", f.path);
            }
            if k + 1 == evs.len() {
                assert_eq!(Some(ts), f.last_ts, "{}", f.path);
            }
            if ev.iter().any(|l| l.contains(RARE)) {
                rare += 1;
                rare_in_gz |= f.compressed;
                rare_in_continuation |= ev[1..].iter().any(|l| l.contains(RARE));
            }
            if ev.iter().any(|l| has_word_ci(l, COMMON_TERM)) {
                common += 1;
            }
            if ev.iter().any(|l| l.contains(PHRASE)) {
                phrase += 1;
            }
            let is_failed = ev.iter().any(|l| l.contains(FAILED_PASSWORD));
            failed += u64::from(is_failed);
            if ts >= m.spike.start && ts < m.spike.end {
                spike_ev += 1;
                spike_fail += u64::from(is_failed);
            }
            if status_of(f, ev[0]) == Some(502) {
                s502 += 1;
            }
            if let Some(l) = level_of(f, ev[0]) {
                *file_levels.entry(l).or_insert(0) += 1;
            }
            // The common term never appears in another form (stemming must not change counts).
            for l in ev {
                let low = l.to_ascii_lowercase();
                for w in low.split(|c: char| !c.is_ascii_alphanumeric()) {
                    assert!(
                        !w.starts_with("connect")
                            || w == "connection"
                            || w == "connectionreseterror",
                        "{l}"
                    );
                }
                assert!(!low.contains("zebra") || l.contains(RARE), "{l}");
            }
        }
        if let Some(p) = prev {
            last_of_family.insert(&f.family, p);
        }
        assert_eq!(file_levels, f.levels, "{} levels", f.path);
        for (k, v) in file_levels {
            *levels.entry(k).or_insert(0) += v;
        }
        events += f.events;
        lines += f.lines;
        raw += f.bytes;
        disk += f.disk_bytes;
    }
    assert_eq!(
        (events, lines, raw, disk),
        (m.events, m.lines, m.raw_bytes, m.disk_bytes)
    );
    assert_eq!(levels, m.levels);
    assert_eq!(rare, m.rare.events);
    assert_eq!(rare, PLANTS.len() as u64);
    assert_eq!(m.rare.occurrences.len() as u64, rare);
    assert!(rare_in_gz && rare_in_continuation);
    assert_eq!(common, m.common.events);
    assert!(common > 0);
    assert_eq!(phrase, m.phrase.events);
    assert!(phrase > 0);
    assert_eq!(failed, m.failed_password.events);
    assert_eq!(s502, m.field.events);
    assert!(s502 > 0);
    assert_eq!(spike_ev, m.spike.events_in_window);
    assert_eq!(spike_fail, m.spike.failed_password_events_in_window);
    assert!(spike_fail >= m.spike.planted_events);
    assert_eq!(
        m.gap.end - m.gap.start,
        chrono::Duration::minutes(GAP_MINUTES)
    );
    // Every family is there, every rotation of it.
    for (rel, _, _, _, rot, _) in layout() {
        assert_eq!(
            m.files.iter().filter(|f| f.family == rel).count(),
            rot as usize,
            "{rel}"
        );
    }
}

#[test]
fn manifest_counts_match_files() {
    let d = tempfile::tempdir().unwrap();
    let spec = CorpusSpec {
        seed: 9,
        target_bytes: 3 << 20,
        days: 5,
        ..CorpusSpec::default()
    };
    let m = generate(&spec, d.path()).unwrap();
    let on_disk: Manifest =
        serde_json::from_slice(&fs::read(d.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(on_disk.events, m.events);
    recount(d.path(), &m);
    // The size is roughly the target.
    let ratio = m.raw_bytes as f64 / spec.target_bytes as f64;
    assert!(
        (0.8..1.25).contains(&ratio),
        "raw {} vs target {}",
        m.raw_bytes,
        spec.target_bytes
    );
    assert!(m.spike.planted_events >= 150);
}

#[test]
fn tiny_corpus_keeps_every_family_and_fact() {
    let d = tempfile::tempdir().unwrap();
    let m = generate(
        &CorpusSpec {
            target_bytes: 200 << 10,
            days: 1,
            ..CorpusSpec::default()
        },
        d.path(),
    )
    .unwrap();
    recount(d.path(), &m);
    assert!(m.files.iter().all(|f| f.events > 0), "an empty file");
}

#[test]
fn dst_span_stays_consistent() {
    // 2026-10-25 is the end of summer time in Berlin: a repeated hour in zone-less files.
    let d = tempfile::tempdir().unwrap();
    let spec = CorpusSpec {
        seed: 3,
        target_bytes: 400 << 10,
        start: Utc.with_ymd_and_hms(2026, 10, 24, 0, 0, 0).unwrap(),
        days: 2,
        ..CorpusSpec::default()
    };
    let m = generate(&spec, d.path()).unwrap();
    let berlin = m
        .files
        .iter()
        .find(|f| f.path == "remote/fra-db01/syslog")
        .unwrap();
    assert_eq!(berlin.zone, "Europe/Berlin");
    assert!(m.events > 0);
}

#[test]
fn sizes_parse() {
    assert_eq!(parse_size("200K"), Some(200 << 10));
    assert_eq!(parse_size("50M"), Some(50 << 20));
    assert_eq!(parse_size("1G"), Some(1 << 30));
    assert_eq!(parse_size("1.5g"), Some(3 << 29));
    assert_eq!(parse_size("123"), Some(123));
    assert_eq!(parse_size("x"), None);
    assert_eq!(parse_size(""), None);
}
