//! Tests of the miner as a whole: grouping, stable ids, caps, and resuming from saved state.

use super::*;
use proptest::prelude::*;

fn ids(miner: &mut Miner, input: &[(&str, String)]) -> Vec<PatternId> {
    input.iter().map(|(k, m)| miner.assign(k, m)).collect()
}

/// Messages of a few shapes with varying values, as a log gives them.
fn sample(n: usize) -> Vec<(&'static str, String)> {
    let users = ["root", "admin", "news", "cyrus", "test"];
    (0..n)
        .map(|i| {
            let u = users[i * 7 % users.len()];
            let ip = format!("10.{}.{}.{}", i % 7, i % 13, i % 251);
            match i % 6 {
                0 => (
                    "sshd",
                    format!("Failed password for {u} from {ip} port {} ssh2", 1000 + i),
                ),
                1 => (
                    "sshd",
                    format!("Accepted publickey for {u} from {ip} port {} ssh2", i),
                ),
                2 => (
                    "sshd",
                    format!("pam_unix(sshd:session): session opened for user {u} by (uid={i})"),
                ),
                3 => (
                    "cron",
                    format!(
                        "({u}) CMD (run-parts /etc/cron.{})",
                        ["hourly", "daily"][i % 2]
                    ),
                ),
                4 => (
                    "kernel",
                    format!(
                        "Out of memory: Killed process {} ({u}) total-vm:{}kB",
                        i,
                        i * 4
                    ),
                ),
                _ => (
                    "kernel",
                    format!(
                        "usb {}-{}: new high-speed USB device number {} using xhci_hcd",
                        i % 3,
                        i % 5,
                        i
                    ),
                ),
            }
        })
        .collect()
}

fn resumed(input: &[(&str, String)], cuts: &[usize]) -> Vec<PatternId> {
    let mut miner = Miner::default();
    let mut out = Vec::new();
    let mut from = 0;
    for &cut in cuts.iter().chain([&input.len()]) {
        out.extend(ids(&mut miner, &input[from..cut]));
        from = cut;
        let json = serde_json::to_string(&miner).unwrap();
        miner = serde_json::from_str(&json).unwrap();
    }
    out
}

#[test]
fn variable_parts_share_one_pattern() {
    let mut m = Miner::default();
    let a = m.assign("sshd", "Failed password for root from 1.2.3.4 port 22 ssh2");
    let b = m.assign(
        "sshd",
        "Failed password for admin from 5.6.7.8 port 2222 ssh2",
    );
    let c = m.assign(
        "sshd",
        "Accepted password for root from 1.2.3.4 port 22 ssh2",
    );
    assert_eq!(a, b);
    assert_ne!(a, c);
    let t = m.template(a).unwrap();
    assert_eq!(t.text, "Failed password for <*> from <ip> port <num> ssh2");
    assert_eq!((t.key, t.count), ("sshd", 2));
}

#[test]
fn an_id_survives_its_template_generalising() {
    let mut m = Miner::default();
    let first = m.assign("app", "session opened for alice from web");
    assert_eq!(
        m.template(first).unwrap().text,
        "session opened for alice from web"
    );
    assert_eq!(m.assign("app", "session opened for bob from web"), first);
    assert_eq!(
        m.template(first).unwrap().text,
        "session opened for <*> from web"
    );
    let mut again = Miner::default();
    assert_eq!(
        again.assign("app", "session opened for alice from web"),
        first
    );
}

#[test]
fn keys_have_their_own_patterns() {
    let mut m = Miner::default();
    let a = m.assign("sshd", "connection closed");
    let b = m.assign("ftpd", "connection closed");
    assert_ne!(a, b);
    let keys: Vec<_> = m.templates().map(|t| t.key).collect();
    assert_eq!(keys, ["sshd", "ftpd"]);
}

#[test]
fn a_full_key_sends_new_shapes_to_its_overflow_pattern() {
    let mut m = Miner::new(Config {
        max_patterns_per_key: 2,
        ..Config::default()
    });
    let a = m.assign("k", "alpha one");
    let b = m.assign("k", "beta two");
    let over = m.assign("k", "gamma three");
    assert_eq!(m.assign("k", "delta four"), over);
    assert_eq!(m.assign("k", "alpha one"), a);
    assert_eq!(m.assign("k", "beta two"), b);
    let t = m.template(over).unwrap();
    assert_eq!((t.text.as_str(), t.count), ("<*>", 2));
    // Another key is not full.
    assert_ne!(m.assign("j", "gamma three"), over);
    assert_eq!(m.len(), 4);
}

#[test]
fn the_global_cap_applies_across_keys() {
    let mut m = Miner::new(Config {
        max_patterns: 2,
        ..Config::default()
    });
    m.assign("a", "one");
    m.assign("b", "two");
    let over = m.assign("c", "three");
    assert_eq!(m.template(over).unwrap().text, "<*>");
}

#[test]
fn empty_and_huge_messages_get_patterns() {
    let mut m = Miner::default();
    let e = m.assign("k", "");
    assert_eq!(m.assign("k", "   "), e);
    assert_eq!(m.template(e).unwrap().text, "");
    let huge = "word ".repeat(100_000);
    let h = m.assign("k", &huge);
    assert_eq!(
        m.template(h).unwrap().text.split(' ').count(),
        MAX_TOKENS + 1
    );
}

#[test]
fn state_round_trips_and_resumes_exactly() {
    let input = sample(3_000);
    let whole = ids(&mut Miner::default(), &input);
    let tenths: Vec<usize> = (1..10).map(|i| i * input.len() / 10).collect();
    assert_eq!(resumed(&input, &tenths), whole);
    let mut m = Miner::default();
    ids(&mut m, &input);
    let json = serde_json::to_string(&m).unwrap();
    let back: Miner = serde_json::from_str(&json).unwrap();
    let a: Vec<_> = m.templates().collect();
    let b: Vec<_> = back.templates().collect();
    assert_eq!(a, b);
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    assert!(json.len() < 2_000, "{} bytes: {json}", json.len());
}

#[test]
fn state_of_another_version_is_refused() {
    let m = Miner::default();
    let json = serde_json::to_string(&m)
        .unwrap()
        .replace(&format!("\"version\":{STATE_VERSION}"), "\"version\":999");
    let err = serde_json::from_str::<Miner>(&json).unwrap_err();
    assert!(err.to_string().contains("version 999"), "{err}");
}

fn message() -> impl Strategy<Value = (&'static str, String)> {
    let word = prop::sample::select(vec![
        "root", "alice", "bob", "x", "ok", "fail", "NEW", "DONE",
    ]);
    let value = prop_oneof![
        (0u32..100_000).prop_map(|n| n.to_string()),
        (0u8..=255, 0u8..=255).prop_map(|(a, b)| format!("10.0.{a}.{b}")),
        (0u64..u64::MAX).prop_map(|n| format!("0x{n:x}")),
        word.clone().prop_map(str::to_string),
    ];
    (
        prop::sample::select(vec!["a", "b"]),
        prop::collection::vec((word, value), 0..6),
    )
        .prop_map(|(key, parts)| {
            let text = parts
                .iter()
                .map(|(w, v)| format!("{w} {v}"))
                .collect::<Vec<_>>()
                .join(" ");
            (key, text)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn ids_do_not_depend_on_where_the_miner_was_saved(
        input in prop::collection::vec(message(), 1..300),
        cuts in prop::collection::vec(0usize..300, 0..5),
    ) {
        let whole = ids(&mut Miner::default(), &input);
        prop_assert_eq!(&ids(&mut Miner::default(), &input), &whole);
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % input.len()).collect();
        cuts.sort_unstable();
        prop_assert_eq!(resumed(&input, &cuts), whole);
    }

    #[test]
    fn the_memo_changes_no_assignment(input in prop::collection::vec(message(), 1..300)) {
        let mut plain = Miner::default();
        plain.use_memo = false;
        let without = ids(&mut plain, &input);
        prop_assert_eq!(ids(&mut Miner::default(), &input), without);
    }
}

#[test]
fn streams_are_mined_apart_with_the_ids_of_their_key() {
    let a = format!("sshd{STREAM_SEP}/var/log/a");
    let b = format!("sshd{STREAM_SEP}/var/log/b");
    let mut streams = Miner::default();
    let mut plain = Miner::default();
    let first = "Accepted publickey for root from 10.0.0.1 port 22 ssh2";
    let id_a = streams.assign(&a, first);
    assert_eq!(id_a, plain.assign("sshd", first));
    // Another stream's first message of the same shape makes the same id, on its own.
    assert_eq!(streams.assign(&b, first), id_a);
    let before = streams.revision();
    streams.assign(&a, first);
    assert_eq!(
        streams.revision(),
        before,
        "a count is not a template change"
    );
    streams.assign(&a, "Accepted publickey for news from 10.0.0.1 port 22 ssh2");
    assert_ne!(streams.revision(), before, "a generalisation is");
    assert!(streams.templates().all(|t| t.key == "sshd"));
    assert_eq!(key_name(&a), "sshd");
    assert_eq!(key_name("cron"), "cron");
}
