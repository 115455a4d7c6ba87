//! `ship` and `--remote` against a real OpenSearch node (started by `.ci/run`, or here by
//! `tests/opensearch/start` when Java and Maven are present): the same answers remotely as
//! locally, every event exactly once through kill -9 and an engine that refuses for a while,
//! and `ship --follow` into `tail --remote`.

mod common;

use common::{count, make_corpus, skip, stdout, tl};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The node's URL: `TIMBERLINE_OPENSEARCH_URL`, or a node started for this test binary.
fn node() -> Option<&'static str> {
    static URL: OnceLock<Option<String>> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(u) = std::env::var("TIMBERLINE_OPENSEARCH_URL") {
            return Some(u);
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/opensearch/start");
        let dir = tempfile::tempdir().ok()?.keep();
        let out = std::process::Command::new(&script)
            .arg("--dir")
            .arg(&dir)
            .arg("--watch-pid")
            .arg(std::process::id().to_string())
            .stderr(Stdio::inherit())
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    })
    .as_deref()
    .or_else(|| {
        skip("no OpenSearch node (set TIMBERLINE_OPENSEARCH_URL or install java and maven)");
        None
    })
}

/// A config naming the node (or `url`) as remote `r`, reading `tl-NAME-*`.
fn config(dir: &Path, url: &str, name: &str, base: Option<&Path>) -> PathBuf {
    let mut text = base
        .map(|b| std::fs::read_to_string(b).unwrap())
        .unwrap_or_default();
    text.push_str(&format!(
        "\n[[remote]]\nname = \"r\"\nurl = \"{url}\"\nindex = \"tl-{name}-{}-*\"\n",
        std::process::id()
    ));
    let path = dir.join("remote.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn curl(url: &str, method: &str, path: &str, body: Option<&str>) -> serde_json::Value {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let full = format!("{url}/{path}");
    let mut resp = match (method, body) {
        ("GET", _) => agent.get(&full).call(),
        ("PUT", b) => agent
            .put(&full)
            .header("content-type", "application/json")
            .send(b.unwrap_or("{}")),
        (_, b) => agent
            .post(&full)
            .header("content-type", "application/x-ndjson")
            .send(b.unwrap_or("")),
    }
    .unwrap();
    serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap()
}

/// `timberline ship --to r LOGS` started in the background, its stderr `err`.
fn spawn_ship(idx: &Path, cfg: &Path, logs: &Path, err: Stdio) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("timberline"))
        .env("TIMBERLINE_INDEX_DIR", idx)
        .arg("--config")
        .arg(cfg)
        .args(["ship", "--to", "r"])
        .arg(logs)
        .stderr(err)
        .spawn()
        .unwrap()
}

/// Whether the ship checkpoint under `idx` records more than `files` files.
fn shipped_files_over(idx: &Path, files: usize) -> bool {
    std::fs::read_dir(idx.join("ship"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .any(|e| {
            std::fs::read_to_string(e.path())
                .unwrap_or_default()
                .matches(':')
                .count()
                > 1 + files
        })
}

#[test]
fn shipped_events_answer_every_query_as_the_local_index_does() {
    let Some(url) = node() else { return };
    let c = make_corpus(2 << 20, 5);
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let cfg = config(dir.path(), url, "equal", Some(&c.config));
    let out = tl(&idx, &cfg)
        .args(["ship", "--to", "r"])
        .arg(&c.logs)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!("shipped {} events", c.manifest.events)),
        "{said}"
    );

    let queries = [
        "",
        "connection",
        "Connection",
        "\"session opened for user root\"",
        "\"Failed password\"",
        "fail*",
        "level:error",
        "level:>=warn",
        "NOT level:info",
        "host:web01",
        "host:web01 AND program:sshd",
        "status:[500 TO 599]",
        "status:>=400 OR level:crit",
        "source:auth.log*",
        "source:nginx",
        "wp-login.php",
        "/[Ff]ailed .* root/",
        "sshd AND /Failed password for (root|admin)/",
        r"/\b5\d\d\b/ AND source:nginx",
    ];
    let local = |args: &[&str]| {
        let mut cmd = tl(&idx, &cfg);
        cmd.args(args).arg(&c.logs);
        cmd
    };
    let remote = |args: &[&str]| {
        let mut cmd = tl(&idx, &cfg);
        cmd.args(args).args(["--remote", "r"]);
        cmd
    };
    for q in queries {
        let l = count(&mut local(&["search", "--count", "-q", q]));
        let r = count(&mut remote(&["search", "--count", "-q", q]));
        assert_eq!(l, r, "count of {q:?}");
        assert!(
            q.is_empty() || (l > 0 && l < c.manifest.events),
            "{q:?} selects"
        );
        for edge in [&["--limit", "1"][..], &["--limit", "1", "--reverse"][..]] {
            let mut args = vec!["search", "--format", "jsonl", "-q", q];
            args.extend_from_slice(edge);
            assert_eq!(
                stdout(&mut local(&args)),
                stdout(&mut remote(&args)),
                "first/last event of {q:?}"
            );
        }
    }
    for q in [
        "",
        "\"Failed password\"",
        "level:>=error",
        "/[Ii]nvalid user \\w+/",
    ] {
        for bucket in [&[][..], &["--bucket", "10m"][..]] {
            let mut args = vec!["histogram", "--format", "json", "-q", q];
            args.extend_from_slice(bucket);
            assert_eq!(
                stdout(&mut local(&args)),
                stdout(&mut remote(&args)),
                "histogram of {q:?} {bucket:?}"
            );
        }
    }
    // A window: the same 50 events, in the same order.
    let w = [
        "search",
        "--format",
        "jsonl",
        "--since",
        "2026-01-02T00:00:00Z",
        "--limit",
        "50",
    ];
    let _ = w;
    let first = stdout(&mut local(&[
        "search", "--format", "jsonl", "--limit", "2000",
    ]));
    let rfirst = stdout(&mut remote(&[
        "search", "--format", "jsonl", "--limit", "2000",
    ]));
    assert_eq!(first, rfirst, "the first 2000 events, ties and all");

    for args in [
        &["top", "host"][..],
        &["top", "program", "-q", "level:>=warn"][..],
        &["top", "status", "--bottom", "--limit", "5"][..],
    ] {
        assert_eq!(
            stdout(&mut local(args)),
            stdout(&mut remote(args)),
            "{args:?}"
        );
    }
    // What the engine cannot answer as the local index does is said, naming it (exit 2): a
    // regex under OR could only be matched here against every event.
    let out = remote(&["search", "-q", "error OR /fail.*root/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/fail.*root/"));
}

#[test]
// Every path reaps the child (try_wait that saw it end, or kill + wait).
#[allow(clippy::zombie_processes)]
fn a_ship_killed_and_run_again_sends_every_event_exactly_once() {
    let Some(url) = node() else { return };
    let c = make_corpus(4 << 20, 9);
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let cfg = config(dir.path(), url, "kill", Some(&c.config));
    // Index first, so that the kill lands while shipping.
    stdout(tl(&idx, &cfg).arg("index").arg(&c.logs));
    let mut kills = 0;
    for attempt in 0..3 {
        let mut child = spawn_ship(&idx, &cfg, &c.logs, Stdio::null());
        // Killed once some batches are in (the checkpoint has files), at a different moment
        // each time.
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut killed = false;
        while Instant::now() < deadline {
            if let Some(status) = child.try_wait().unwrap() {
                assert!(status.success(), "ship failed");
                break;
            }
            let progressed = shipped_files_over(&idx, attempt);
            if progressed {
                std::thread::sleep(Duration::from_millis(30 * attempt as u64));
                let _ = child.kill();
                let _ = child.wait();
                killed = true;
                kills += 1;
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        if !killed {
            let _ = child.kill();
            let _ = child.wait();
            break;
        }
    }
    assert!(kills > 0, "the ship was never caught in the middle");
    let out = tl(&idx, &cfg)
        .args(["ship", "--to", "r"])
        .arg(&c.logs)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let remote = count(tl(&idx, &cfg).args(["search", "--count", "--remote", "r"]));
    assert_eq!(remote, c.manifest.events, "every event once, none twice");
    // And again: nothing more.
    let out = tl(&idx, &cfg)
        .args(["ship", "--to", "r"])
        .arg(&c.logs)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("shipped 0 events"));
    assert_eq!(
        count(tl(&idx, &cfg).args(["search", "--count", "--remote", "r"])),
        c.manifest.events
    );
}

/// A proxy in front of the node that answers the first `refuse` `_bulk` requests with 503 and
/// the next ones with 429, and closes one connection without answering.
fn flaky_proxy(upstream: &str, refuse: usize) -> (String, &'static AtomicUsize) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let upstream = upstream.trim_start_matches("http://").to_string();
    let refused: &'static AtomicUsize = Box::leak(Box::new(AtomicUsize::new(0)));
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut client) = conn else { continue };
            let upstream = upstream.clone();
            std::thread::spawn(move || {
                while let Some((head, body)) = read_request(&mut client) {
                    let bulk = head.lines().next().unwrap_or("").contains("_bulk");
                    if bulk && refused.load(Ordering::SeqCst) < refuse {
                        let n = refused.fetch_add(1, Ordering::SeqCst);
                        if n == 1 {
                            return; // dropped without an answer
                        }
                        let status = if n.is_multiple_of(2) {
                            "503 Service Unavailable"
                        } else {
                            "429 Too Many Requests"
                        };
                        let body = r#"{"error":{"type":"es_rejected_execution_exception","reason":"busy"},"status":429}"#;
                        let _ = write!(
                            client,
                            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        continue;
                    }
                    let Ok(mut up) = TcpStream::connect(&upstream) else {
                        return;
                    };
                    let head = head.replace("\r\n\r\n", "\r\nconnection: close\r\n\r\n");
                    let _ = up.write_all(head.as_bytes());
                    let _ = up.write_all(&body);
                    let mut answer = Vec::new();
                    let _ = up.read_to_end(&mut answer);
                    let _ = client.write_all(&answer);
                    return;
                }
            });
        }
    });
    (format!("http://{addr}"), refused)
}

/// One HTTP/1.1 request: its head (with the blank line) and its body.
fn read_request(s: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if s.read(&mut byte).ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    // Connection headers are ours to set.
    let head: String = head
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect::<Vec<_>>()
        .join("\r\n");
    let len = head
        .lines()
        .find_map(|l| {
            let l = l.to_ascii_lowercase();
            l.strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).ok()?;
    Some((head, body))
}

#[test]
fn an_engine_that_refuses_and_drops_for_a_while_loses_nothing() {
    let Some(url) = node() else { return };
    let c = make_corpus(1 << 20, 3);
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let (proxy, refused) = flaky_proxy(url, 5);
    let cfg = config(dir.path(), &proxy, "flaky", Some(&c.config));
    let out = tl(&idx, &cfg)
        .args(["ship", "--to", "r"])
        .arg(&c.logs)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(refused.load(Ordering::SeqCst), 5, "the proxy refused");
    let direct = config(dir.path(), url, "flaky", Some(&c.config));
    assert_eq!(
        count(tl(&idx, &direct).args(["search", "--count", "--remote", "r"])),
        c.manifest.events
    );
}

#[test]
fn ship_follow_into_tail_remote_shows_each_new_line_once_through_rotation() {
    let Some(url) = node() else { return };
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let log = logs.join("app.log");
    let line = |i: usize| {
        format!(
            "2026-12-03T10:{:02}:{:02}.000Z INFO worker[7]: job {i} done\n",
            i / 60,
            i % 60
        )
    };
    std::fs::write(&log, (0..5).map(line).collect::<String>()).unwrap();
    let idx = dir.path().join("idx");
    let cfg = config(dir.path(), url, "follow", None);
    let bin = assert_cmd::cargo::cargo_bin("timberline");
    let mut ship = std::process::Command::new(&bin)
        .env("TIMBERLINE_INDEX_DIR", &idx)
        .arg("--config")
        .arg(&cfg)
        .args(["ship", "--follow", "--to", "r"])
        .arg(&logs)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The first events are there before the tail starts.
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let out = tl(&idx, &cfg)
            .args(["search", "--count", "--remote", "r"])
            .output()
            .unwrap();
        if String::from_utf8_lossy(&out.stdout).trim() == "5" {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let mut tail = std::process::Command::new(&bin)
        .arg("--config")
        .arg(&cfg)
        .args(["tail", "--remote", "r", "-n", "0", "--format", "jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = tail.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for l in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(l);
        }
    });
    std::thread::sleep(Duration::from_secs(2));
    let mut next = 5;
    for round in 0..6 {
        let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
        for _ in 0..10 {
            f.write_all(line(next).as_bytes()).unwrap();
            next += 1;
        }
        drop(f);
        if round == 2 {
            std::fs::rename(&log, logs.join("app.log.1")).unwrap();
            std::fs::write(&log, "").unwrap();
        }
        std::thread::sleep(Duration::from_millis(700));
    }
    let mut got: Vec<String> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(40);
    while got.len() < 60 && Instant::now() < deadline {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(500)) {
            let v: serde_json::Value = serde_json::from_str(&l).unwrap();
            got.push(v["message"].as_str().unwrap_or("").to_string());
        }
    }
    // A little longer: nothing more may come.
    while let Ok(l) = rx.recv_timeout(Duration::from_secs(3)) {
        let v: serde_json::Value = serde_json::from_str(&l).unwrap();
        got.push(v["message"].as_str().unwrap_or("").to_string());
    }
    let _ = tail.kill();
    let _ = ship.kill();
    let _ = tail.wait();
    let _ = ship.wait();
    let want: Vec<String> = (5..65).map(|i| format!("job {i} done")).collect();
    let mut sorted = got.clone();
    sorted.sort();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(
        sorted,
        want_sorted,
        "each new line once (got {} lines)",
        got.len()
    );
}

#[test]
fn an_index_filled_by_another_shipper_is_searched_by_its_ecs_fields() {
    let Some(url) = node() else { return };
    let index = format!("tl-ecs-{}-filebeat", std::process::id());
    curl(
        url,
        "PUT",
        &index,
        Some(
            r#"{"mappings":{"properties":{"@timestamp":{"type":"date"},"message":{"type":"text"},"host":{"properties":{"name":{"type":"keyword"}}},"log":{"properties":{"level":{"type":"keyword"},"file":{"properties":{"path":{"type":"keyword"}}}}},"http":{"properties":{"response":{"properties":{"status_code":{"type":"long"}}}}}}}}"#,
        ),
    );
    let docs = [
        (
            "2026-12-03T10:00:00.000Z",
            "web1",
            "INFO",
            "GET /index.html 200",
            200,
        ),
        (
            "2026-12-03T10:00:01.000Z",
            "web1",
            "WARNING",
            "slow request GET /cart",
            200,
        ),
        (
            "2026-12-03T10:00:02.000Z",
            "web2",
            "ERROR",
            "upstream timed out GET /cart",
            504,
        ),
        (
            "2026-12-03T10:00:02.000Z",
            "web2",
            "err",
            "upstream reset GET /pay",
            502,
        ),
        (
            "2026-12-03T10:05:00.000Z",
            "db1",
            "notice",
            "checkpoint complete",
            0,
        ),
    ];
    let mut bulk = String::new();
    for (i, (ts, host, level, msg, status)) in docs.iter().enumerate() {
        bulk.push_str(&format!(
            "{{\"create\":{{\"_index\":\"{index}\",\"_id\":\"d{i}\"}}}}\n"
        ));
        bulk.push_str(&serde_json::json!({"@timestamp": ts, "host": {"name": host}, "log": {"level": level, "file": {"path": format!("/var/log/{host}.log")}}, "message": msg, "http": {"response": {"status_code": status}}}).to_string());
        bulk.push('\n');
    }
    let answer = curl(url, "POST", "_bulk?refresh=true", Some(&bulk));
    assert_eq!(answer["errors"], serde_json::json!(false), "{answer}");
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!("[[remote]]\nname = \"fb\"\nurl = \"{url}\"\nindex = \"{index}\"\n"),
    )
    .unwrap();
    let idx = dir.path().join("idx");
    let n = |q: &str| count(tl(&idx, &cfg).args(["search", "--count", "--remote", "fb", "-q", q]));
    assert_eq!(n(""), 5);
    assert_eq!(n("cart"), 2);
    assert_eq!(n("\"GET /cart\""), 2);
    assert_eq!(n("host:WEB2"), 2);
    assert_eq!(n("level:error"), 2, "ERROR and err are both error");
    assert_eq!(n("level:>=warn"), 3);
    assert_eq!(n("http.response.status_code:[500 TO 599]"), 2);
    assert_eq!(n("source:db1"), 1);
    let out = stdout(tl(&idx, &cfg).args([
        "search",
        "--remote",
        "fb",
        "--format",
        "jsonl",
        "--reverse",
        "--limit",
        "1",
    ]));
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["text"], "checkpoint complete");
    assert_eq!(v["level"], "notice");
    assert_eq!(v["host"], "db1");
    let h = stdout(tl(&idx, &cfg).args([
        "histogram",
        "--remote",
        "fb",
        "--bucket",
        "1m",
        "--format",
        "json",
    ]));
    let h: serde_json::Value = serde_json::from_str(&h).unwrap();
    let counts: Vec<u64> = h["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, vec![4, 0, 0, 0, 0, 1], "{h}");
}

#[test]
fn a_remote_not_in_the_config_or_with_a_password_in_its_url_is_refused_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(
        &cfg,
        "[[remote]]\nname = \"prod\"\nurl = \"https://admin:hunter2@127.0.0.1:1\"\n",
    )
    .unwrap();
    let idx = dir.path().join("idx");
    let out = tl(&idx, &cfg)
        .args(["search", "--remote", "stage"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("remotes: prod"));
    let out = tl(&idx, &cfg)
        .args(["search", "--remote", "prod"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("never in the url") && !err.contains("hunter2"),
        "{err}"
    );
}

#[test]
fn the_explorer_opens_on_a_remote_index_as_on_local_logs_in_tmux() {
    let Some(url) = node() else { return };
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
    {
        skip("tmux is not installed (.ci/run installs it)");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().unwrap();
    let idx = work.path().join("idx");
    let cfg = config(
        work.path(),
        url,
        "tui",
        Some(&root.join("assets/demo.toml")),
    );
    stdout(
        tl(&idx, &cfg)
            .args(["ship", "--to", "r"])
            .arg(root.join("assets/demo")),
    );
    let sock = work.path().join("tmux.sock");
    let sock = sock.to_str().unwrap();
    let cmd = format!(
        "TZ=UTC TIMBERLINE_STATE_DIR={state} {bin} --config {cfg} --remote r; echo explorer-exited; sleep 30",
        state = work.path().join("state").display(),
        bin = assert_cmd::cargo::cargo_bin("timberline").display(),
        cfg = cfg.display(),
    );
    let t = |args: &[&str]| {
        let mut all = vec!["-S", sock];
        all.extend_from_slice(args);
        let out = std::process::Command::new("tmux")
            .args(&all)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    t(&[
        "new-session",
        "-d",
        "-s",
        "tl",
        "-x",
        "120",
        "-y",
        "30",
        &cmd,
    ]);
    let wait_all = |texts: &[&str]| {
        let start = Instant::now();
        loop {
            let screen = t(&["capture-pane", "-t", "tl", "-p"]);
            if texts.iter().all(|x| screen.contains(x)) || start.elapsed() > Duration::from_secs(60)
            {
                return screen;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    let wait = |text: &str| wait_all(&[text]);
    let screen = wait("2,908 events");
    assert!(screen.contains("2,908 events"), "first screen:\n{screen}");
    t(&["send-keys", "-t", "tl", "/"]);
    t(&["send-keys", "-t", "tl", "Failed password", "Enter"]);
    let screen = wait("(215 hits)");
    assert!(
        screen.contains("/Failed password (215 hits)"),
        "search:\n{screen}"
    );
    t(&["send-keys", "-t", "tl", ":bucket 5m", "Enter"]);
    std::thread::sleep(Duration::from_millis(800));
    t(&["send-keys", "-t", "tl", "g"]);
    std::thread::sleep(Duration::from_millis(800));
    t(&["send-keys", "-t", "tl", "]"]);
    let screen = wait("gap: 47m12s");
    assert!(
        screen.contains("gap: 47m12s without events"),
        "the gap rule, remotely:\n{screen}"
    );
    t(&["send-keys", "-t", "tl", "q"]);
    // Quit (the session is written on the way out), then the same remote again.
    wait("explorer-exited");
    t(&["kill-server"]);
    // Opened again: the session of this remote comes back (search, zoom, place).
    t(&[
        "new-session",
        "-d",
        "-s",
        "tl",
        "-x",
        "120",
        "-y",
        "30",
        &cmd,
    ]);
    let screen = wait_all(&["last session restored", "(215 hits)"]);
    assert!(
        screen.contains("last session restored") && screen.contains("/Failed password (215 hits)"),
        "reopened:\n{screen}"
    );
    t(&["send-keys", "-t", "tl", "q"]);
    t(&["kill-server"]);
}

#[test]
fn indices_mixing_date_and_date_nanos_are_read_in_time_order() {
    let Some(url) = node() else { return };
    let base = format!("tl-mixed-{}", std::process::id());
    for (suffix, kind) in [("a", "date"), ("b", "date_nanos")] {
        curl(
            url,
            "PUT",
            &format!("{base}-{suffix}"),
            Some(&format!(
                r#"{{"mappings":{{"properties":{{"@timestamp":{{"type":"{kind}"}},"message":{{"type":"text"}}}}}}}}"#
            )),
        );
    }
    // Interleaved: a in the even seconds (ms precision), b in the odd ones (ns precision).
    let mut bulk = String::new();
    for i in 0..6 {
        let (index, ts) = if i % 2 == 0 {
            ("a", format!("2026-12-03T10:00:0{i}.000Z"))
        } else {
            ("b", format!("2026-12-03T10:00:0{i}.000000001Z"))
        };
        bulk.push_str(&format!(
            "{{\"create\":{{\"_index\":\"{base}-{index}\"}}}}\n"
        ));
        bulk.push_str(
            &serde_json::json!({"@timestamp": ts, "message": format!("event {i}")}).to_string(),
        );
        bulk.push('\n');
    }
    let answer = curl(url, "POST", "_bulk?refresh=true", Some(&bulk));
    assert_eq!(answer["errors"], serde_json::json!(false), "{answer}");
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!("[[remote]]\nname = \"m\"\nurl = \"{url}\"\nindex = \"{base}-*\"\n"),
    )
    .unwrap();
    let idx = dir.path().join("idx");
    let out = stdout(tl(&idx, &cfg).args(["search", "--remote", "m", "--format", "jsonl"]));
    let got: Vec<String> = common::jsonl(&out)
        .iter()
        .map(|v| v["text"].as_str().unwrap().to_string())
        .collect();
    let want: Vec<String> = (0..6).map(|i| format!("event {i}")).collect();
    assert_eq!(got, want);
    // Paged two at a time backwards too: nothing lost at the page seams.
    let out = stdout(tl(&idx, &cfg).args([
        "search",
        "--remote",
        "m",
        "--format",
        "jsonl",
        "--reverse",
        "--limit",
        "6",
    ]));
    let got: Vec<String> = common::jsonl(&out)
        .iter()
        .map(|v| v["text"].as_str().unwrap().to_string())
        .collect();
    let mut rev = want.clone();
    rev.reverse();
    assert_eq!(got, rev);
}

/// A node of this test's own, killed with -9 in the middle of a ship and started again on the
/// same data and port: the ship waits for it (backoff) and every event arrives once.
#[test]
// Every path reaps the child (wait after the node is back).
#[allow(clippy::zombie_processes)]
fn an_engine_killed_and_restarted_in_the_middle_of_a_ship_loses_nothing() {
    if node().is_none() {
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/opensearch");
    let state = tempfile::tempdir().unwrap();
    let start = |port: &str| {
        let out = std::process::Command::new(script.join("start"))
            .arg("--dir")
            .arg(state.path())
            .args([
                "--port",
                port,
                "--watch-pid",
                &std::process::id().to_string(),
            ])
            .stderr(Stdio::inherit())
            .output()
            .unwrap();
        assert!(out.status.success(), "own node did not start");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let url = start("0");
    let port = url.rsplit(':').next().unwrap().to_string();
    let c = make_corpus(4 << 20, 21);
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let cfg = config(dir.path(), &url, "restart", Some(&c.config));
    stdout(tl(&idx, &cfg).arg("index").arg(&c.logs));
    let mut ship = spawn_ship(&idx, &cfg, &c.logs, Stdio::piped());
    // Some batches in, then the node dies without a word.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !shipped_files_over(&idx, 1) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        ship.try_wait().unwrap().is_none(),
        "the ship ended before the kill"
    );
    let pid = std::fs::read_to_string(state.path().join("pid")).unwrap();
    std::process::Command::new("kill")
        .args(["-9", pid.trim()])
        .status()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let again = start(&port);
    assert_eq!(again, url, "the node came back on its port");
    let out = ship.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "ship: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        count(tl(&idx, &cfg).args(["search", "--count", "--remote", "r"])),
        c.manifest.events,
        "every event once"
    );
    let _ = std::process::Command::new(script.join("stop"))
        .arg("--dir")
        .arg(state.path())
        .arg("--clean")
        .output();
}
