//! W3C extended logs, MySQL slow-query logs and `docker compose logs` output, from files as the
//! programs wrote them (sources named in `src/format/block_tests.rs`): each is detected from
//! the file, indexed with its headers left out and its blocks as single events, and its
//! key-values answer `top` and `field:value` queries.

use std::path::Path;

/// IIS 7.0 (brianary/scripts test/data/u_ex100815.log): two headers, four records.
const IIS: &str = "\
#Software: Microsoft Internet Information Services 7.0
#Version: 1.0
#Date: 2010-08-15 00:39:30
#Fields: date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken
2010-08-15 00:39:30 W3SVC20 67.222.136.138 GET / - 80 - 77.88.25.28 Mozilla/5.0+(compatible;+YandexBot/3.0;++http://yandex.com/bots) 200 0 0 8999 286 376
#Software: Microsoft Internet Information Services 7.0
#Version: 1.0
#Date: 2010-08-15 03:48:23
#Fields: date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken
2010-08-15 03:48:23 W3SVC20 67.222.136.138 GET /robots.txt - 80 - 207.46.195.235 msnbot/2.0b+(+http://search.msn.com/msnbot.htm) 404 0 64 0 219 27
2010-08-15 03:53:32 W3SVC20 67.222.136.138 GET /robots.txt - 80 - 66.249.71.164 Googlebot-Image/1.0 404 0 2 1405 211 22
2010-08-15 03:53:32 W3SVC20 67.222.136.138 GET /images/House/Guest1.JPG - 80 - 66.249.71.164 Googlebot-Image/1.0 304 0 0 210 257 97
";

/// MySQL 5.7 (percona/percona-toolkit t/lib/samples/slowlogs/mysql5.7.log).
const SLOW: &str = "\
/usr/sbin/mysqld, Version: 5.7.12-0ubuntu1.1-log ((Ubuntu)). started with:
Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock
Time                 Id Command    Argument
# Time: 2016-07-20T18:13:25.698433Z
# User@Host: root[root] @ localhost [127.0.0.1]  Id:     3
# Query_time: 0.003464  Lock_time: 0.000324 Rows_sent: 1000  Rows_examined: 2000
SET timestamp=1469038405;
SELECT * FROM db_facturacion.facturas LIMIT 0, 1000;
# Time: 2016-07-20T18:13:25.699880Z
# User@Host: root[root] @ localhost [127.0.0.1]  Id:     4
# Query_time: 0.000241  Lock_time: 0.000055 Rows_sent: 0  Rows_examined: 0
SET timestamp=1469038405;
SHOW INDEX FROM `db_facturacion`.`facturas`;
";

/// docker compose v2 (aws-samples/python-fastapi-demo-docker#18), the first prefix coloured
/// as compose writes it.
const COMPOSE: &str = "\
\u{1b}[36mpython-fastapi-demo-docker-db-1   | \u{1b}[0m2023-11-16 04:59:54.862 UTC [48] LOG:  listening on Unix socket \"/var/run/postgresql/.s.PGSQL.5432\"
python-fastapi-demo-docker-db-1   | 2023-11-16 04:59:54.866 UTC [49] LOG:  database system was shut down at 2023-11-16 04:59:54 UTC
python-fastapi-demo-docker-db-1   | 2023-11-16 04:59:54.870 UTC [48] LOG:  database system is ready to accept connections
python-fastapi-demo-docker-web-1  | INFO:server.app.connect:Trying to connect to db:5432 as bookdbadmin...
python-fastapi-demo-docker-web-1  | \tIs the server running on that host and accepting TCP/IP connections?
";

fn tl(idx: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("timberline").unwrap();
    cmd.env("TIMBERLINE_INDEX_DIR", idx)
        .env("TZ", "Asia/Tokyo")
        .env("HOME", idx);
    cmd
}

fn out(cmd: &mut assert_cmd::Command) -> String {
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn records(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

#[test]
fn w3c_slow_log_and_compose_files_are_detected_and_queried() {
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("u_ex100815.log", IIS),
        ("mysql-slow.log", SLOW),
        ("compose.log", COMPOSE),
    ] {
        std::fs::write(logs.path().join(name), text).unwrap();
    }
    let d = logs.path().to_str().unwrap();
    for (name, format) in [
        ("u_ex100815.log", "w3c"),
        ("mysql-slow.log", "mysql-slow"),
        ("compose.log", "compose:iso"),
    ] {
        let path = logs.path().join(name);
        let text = out(tl(idx.path()).arg("explain").arg(&path));
        assert!(
            text.contains(&format!("format: {format} (detected")),
            "{text}"
        );
    }
    out(tl(idx.path()).args(["index", d]));

    // W3C: four events (no header is one), the columns as key-values.
    let all = records(&out(tl(idx.path()).args(["search", "--format", "jsonl", d])));
    let iis: Vec<_> = all
        .iter()
        .filter(|r| r["source"].as_str().unwrap().ends_with("u_ex100815.log"))
        .collect();
    let times: Vec<&str> = iis.iter().map(|r| r["ts"].as_str().unwrap()).collect();
    assert_eq!(
        times,
        [
            "2010-08-15T00:39:30.000Z",
            "2010-08-15T03:48:23.000Z",
            "2010-08-15T03:53:32.000Z",
            "2010-08-15T03:53:32.000Z"
        ]
    );
    assert_eq!(iis[1]["fields"]["cs-uri-stem"], "/robots.txt");
    assert_eq!(iis[1]["fields"]["c-ip"], "207.46.195.235");
    let top = out(tl(idx.path()).args(["top", "sc-status", d]));
    let rows: Vec<Vec<&str>> = top
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows.first().map(|r| (r[0], r[2])),
        Some(("2", "404")),
        "{top}"
    );
    let count = out(tl(idx.path()).args(["search", "--count", "-q", "sc-status:404", d]));
    assert_eq!(count.trim(), "2");

    // MySQL: one event per block, with its lines, dated by `# Time:`, the preamble in none.
    let slow: Vec<_> = all
        .iter()
        .filter(|r| r["source"].as_str().unwrap().ends_with("mysql-slow.log"))
        .collect();
    assert_eq!(slow.len(), 2, "{slow:?}");
    assert_eq!(slow[0]["ts"], "2016-07-20T18:13:25.698433Z");
    assert_eq!(slow[0]["line"], 4);
    assert_eq!(slow[0]["text"].as_str().unwrap().lines().count(), 5);
    assert_eq!(slow[0]["fields"]["query_time"], "0.003464");
    assert_eq!(slow[1]["fields"]["rows_examined"], "0");
    assert_eq!(
        slow[1]["message"],
        "SHOW INDEX FROM `db_facturacion`.`facturas`;"
    );
    let count = out(tl(idx.path()).args(["search", "--count", "-q", "rows_examined:2000", d]));
    assert_eq!(count.trim(), "1");

    // Compose: the service is the host; the web line without a time is its own event.
    let hosts = out(tl(idx.path()).args(["top", "host", d]));
    assert!(hosts.contains("python-fastapi-demo-docker-db-1"), "{hosts}");
    let web = records(&out(tl(idx.path()).args([
        "search",
        "--format",
        "jsonl",
        "-q",
        "host:python-fastapi-demo-docker-web-1",
        d,
    ])));
    assert_eq!(web.len(), 1, "{web:?}");
    assert_eq!(web[0]["ts"], "2023-11-16T04:59:54.870Z");
    assert_eq!(web[0]["text"].as_str().unwrap().lines().count(), 2);
}

/// IIS 7.0 (u_ex100815.log above) then IIS 5.0 (Log Parser's IISW3C sample ex031118.log), as
/// IIS writes a new header when the site's fields change, then the W3C draft's own example
/// (WD-logfile-960323: `time` without `date`, the day from `#Date:`).
const W3C_BLOCKS: &str = "\
#Software: Microsoft Internet Information Services 7.0
#Version: 1.0
#Date: 2010-08-15 03:48:23
#Fields: date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken
2010-08-15 03:48:23 W3SVC20 67.222.136.138 GET /robots.txt - 80 - 207.46.195.235 msnbot/2.0b+(+http://search.msn.com/msnbot.htm) 404 0 64 0 219 27
2010-08-15 03:53:32 W3SVC20 67.222.136.138 GET /images/House/Guest1.JPG - 80 - 66.249.71.164 Googlebot-Image/1.0 304 0 0 210 257 97
#Software: Microsoft Internet Information Services 5.0
#Version: 1.0
#Date: 2003-11-18 00:28:33
#Fields: date c-ip cs-uri-stem cs-bytes
2003-11-18 192.168.1.101 /Default.htm 100
#Version: 1.0
#Date: 12-Jan-1996 00:00:00
#Fields: time cs-method cs-uri
00:34:23 GET /foo/bar.html
";

/// Every record is read back (when shown, from its file's offset, or from the text stored for
/// a compressed file) with the columns of the `#Fields:` line before it, and the day of the
/// `#Date:` before it, not those of the file's last header.
#[test]
fn w3c_records_are_read_back_under_their_own_header() {
    use std::io::Write as _;
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    std::fs::write(logs.path().join("u_ex1.log"), W3C_BLOCKS).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(W3C_BLOCKS.as_bytes()).unwrap();
    std::fs::write(logs.path().join("u_ex2.log.gz"), gz.finish().unwrap()).unwrap();
    // (record's time, key, value) for each record, in file order.
    let want: &[(&str, &[(&str, &str)])] = &[
        (
            "2010-08-15T03:48:23.000Z",
            &[
                ("s-sitename", "W3SVC20"),
                ("cs-uri-stem", "/robots.txt"),
                ("c-ip", "207.46.195.235"),
                ("sc-status", "404"),
            ],
        ),
        (
            "2010-08-15T03:53:32.000Z",
            &[("c-ip", "66.249.71.164"), ("sc-bytes", "210")],
        ),
        (
            "2003-11-18T00:00:00.000Z",
            &[("c-ip", "192.168.1.101"), ("cs-bytes", "100")],
        ),
        (
            "1996-01-12T00:34:23.000Z",
            &[("cs-method", "GET"), ("cs-uri", "/foo/bar.html")],
        ),
    ];
    // Indexed in two runs, the second resuming after the first header's records, as a
    // follower reads a file IIS is writing: the headers before the resume point are kept.
    let half = W3C_BLOCKS
        .find("#Software: Microsoft Internet Information Services 5.0")
        .unwrap();
    let grown = logs.path().join("u_ex3.log");
    std::fs::write(&grown, &W3C_BLOCKS[..half]).unwrap();
    out(tl(idx.path()).arg("index").arg(&grown));
    std::fs::OpenOptions::new()
        .append(true)
        .open(&grown)
        .unwrap()
        .write_all(&W3C_BLOCKS.as_bytes()[half..])
        .unwrap();
    for file in ["u_ex1.log", "u_ex2.log.gz", "u_ex3.log"] {
        let path = logs.path().join(file);
        let got = records(&out(tl(idx.path())
            .args(["search", "--format", "jsonl"])
            .arg(&path)));
        assert_eq!(got.len(), want.len(), "{file}: {got:?}");
        let mut got = got;
        got.sort_by_key(|r| r["line"].as_u64());
        let mut wrong = Vec::new();
        for (r, (ts, fields)) in got.iter().zip(want) {
            if r["ts"] != *ts {
                wrong.push(format!(
                    "{file} line {}: ts {} want {ts}",
                    r["line"], r["ts"]
                ));
            }
            for (k, v) in *fields {
                if r["fields"][k] != *v {
                    wrong.push(format!(
                        "{file} line {}: {k}={} want {v} in {}",
                        r["line"], r["fields"][k], r["fields"]
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}

/// `explain` shows each of the first events whole, as the index and search keep it: a
/// multi-line event's every line, indented under the event's summary line (the summary as the
/// event is indexed: a slow-log block's message is its SQL).
#[test]
fn explain_shows_multi_line_events_whole() {
    let logs = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    // (file, text, the summary's start, what the summary says, the event's lines).
    let cases: &[(&str, &str, &str, &str, std::ops::Range<usize>)] = &[
        (
            "mysql-slow.log",
            SLOW,
            "  line 4 ",
            "SELECT * FROM db_facturacion.facturas LIMIT 0, 1000;",
            3..8,
        ),
        (
            "mysql-slow.log",
            SLOW,
            "  line 9 ",
            "SHOW INDEX FROM `db_facturacion`.`facturas`;",
            8..13,
        ),
        (
            "compose.log",
            COMPOSE,
            "  line 4 ",
            "INFO:server.app.connect:Trying to connect",
            3..5,
        ),
    ];
    let mut wrong = Vec::new();
    for (file, text, start, says, lines) in cases {
        let path = logs.path().join(file);
        std::fs::write(&path, text).unwrap();
        let report = out(tl(idx.path()).arg("explain").arg(&path));
        let Some(at) = report.find(start) else {
            wrong.push(format!("{file}: no {start:?} in\n{report}"));
            continue;
        };
        let mut shown = report[at..].lines();
        let summary = shown.next().unwrap_or("");
        if !summary.contains(says) {
            wrong.push(format!("{file}: {summary:?} does not say {says:?}"));
        }
        let want: Vec<String> = text.lines().collect::<Vec<_>>()[lines.clone()]
            .iter()
            .map(|l| format!("      {l}"))
            .collect();
        let got: Vec<&str> = shown.take(want.len()).collect();
        if got != want {
            wrong.push(format!(
                "{file} {start:?}:\n got {got:#?}\nwant {want:#?}\nin\n{report}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
