//! A property corpus for the newer formats, through the indexer: files built from real lines of
//! glog/klog, `docker compose` output, W3C extended logs, MySQL slow logs, TAI64N labels,
//! strace, JSON under its many time keys and the data-defined formats, mutated (lines cut
//! short, random bytes, CRLF, no final newline, formats mixed in one file, gzip), are indexed
//! without a panic; every byte of the file belongs to exactly one event, except the lines the
//! format reads as headers (W3C directives, a slow log's preamble: they belong to no event);
//! events are in file order, each at the line number of its offset; and each event read back
//! alone from its offset (as the engine shows it) does not panic.

use super::store;
use super::update::{Quiet, update};
use crate::config::Config;
use crate::format::{Format, LineContext, LineKind};
use crate::time::Zone;
use proptest::prelude::*;
use std::io::Write as _;

/// Real lines per family (sources as in `format::block_tests`, `format::real_tests` and
/// `formats/builtin.toml`), in the order their programs write them, so that a run of them
/// keeps a header before its records.
const FAMILIES: &[&[&str]] = &[
    // klog, absl-py (glog layout)
    &[
        "I1203 09:21:45.778845   18838 main.go:3] Starting kubelet",
        "W1203 09:21:45.778955   18838 main.go:3] slow disk 1500 ms",
        "E1203 09:21:45.778962   18838 main.go:3] \"Failed to sync pod\" pod=\"kube-system/coredns\"",
        "W1203 09:21:21.229529 140548178168704 absl_t.py:4] disk 91%% full",
    ],
    // docker compose v1 and v2, services in different formats
    &[
        "db_1     | 2021-01-05 19:44:02.306 UTC [38] LOG:  shutting down",
        "db_1     |  done",
        "python-fastapi-demo-docker-web-1  | INFO:server.app.connect:Trying to connect to db:5432 as bookdbadmin...",
        "python-fastapi-demo-docker-web-1  | \tIs the server running on that host and accepting TCP/IP connections?",
        "wordpress2-proxy-1               | 173.76.40.122 - - [24/Feb/2023:01:52:01 +0000] \"GET / HTTP/1.1\" 200 10949 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" \"-\"",
        "tauth-1                          | {\"level\":\"info\",\"ts\":1766959084.2432458,\"caller\":\"server/main.go:182\",\"msg\":\"using persistent refresh token store\"}",
        "\u{1b}[36mkinto-db-1     | \u{1b}[0m2022-06-29 14:57:55.335 UTC [1] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432",
    ],
    // IIS 7.0 then IIS 5.0, another header
    &[
        "#Software: Microsoft Internet Information Services 7.0",
        "#Version: 1.0",
        "#Date: 2010-08-15 03:48:23",
        "#Fields: date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken",
        "2010-08-15 03:48:23 W3SVC20 67.222.136.138 GET /robots.txt - 80 - 207.46.195.235 msnbot/2.0b+(+http://search.msn.com/msnbot.htm) 404 0 64 0 219 27",
        "2010-08-15 03:53:32 W3SVC20 67.222.136.138 GET /robots.txt - 80 - 66.249.71.164 Googlebot-Image/1.0 404 0 2 1405 211 22",
        "#Date: 2003-11-18 00:28:33",
        "#Fields: date c-ip cs-uri-stem cs-bytes",
        "2003-11-18 192.168.1.101 /Default.htm 100",
        "#Fields: time cs-method cs-uri",
        "00:34:23 GET /foo/bar.html",
    ],
    // MySQL 5.7 slow log, preamble then blocks
    &[
        "/usr/sbin/mysqld, Version: 5.7.12-0ubuntu1.1-log ((Ubuntu)). started with:",
        "Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock",
        "Time                 Id Command    Argument",
        "# Time: 2016-07-20T18:13:25.698433Z",
        "# User@Host: root[root] @ localhost [127.0.0.1]  Id:     3",
        "# Query_time: 0.003464  Lock_time: 0.000324 Rows_sent: 1000  Rows_examined: 2000",
        "SET timestamp=1469038405;",
        "SELECT * FROM db_facturacion.facturas LIMIT 0, 1000;",
    ],
    // svlogd -t, TAI64N labels
    &[
        "@400000006b11341b35585d4c hello",
        "@400000006b11341b35ef22f4 world 2026-01-01 12:00:00",
    ],
    // strace -tt and -f -tt
    &[
        "09:18:03.080476 execve(\"/usr/bin/ls\", [\"ls\", \"/\"], 0x7ffd93625150 /* 35 vars */) = 0",
        "09:18:03.081265 brk(NULL)               = 0x5574e36a2000",
        "13077 09:18:03.141709 close(3 <unfinished ...>",
    ],
    // JSON under its time keys: MongoDB, log4j2, journald, OTLP, zap
    &[
        r#"{"t":{"$date":"2026-12-03T09:19:22.561+00:00"},"s":"I",  "c":"NETWORK",  "id":23015,   "ctx":"listener","msg":"Listening on","attr":{"address":"127.0.0.1"}}"#,
        r#"{"instant":{"epochSecond":1796289562,"nanoOfSecond":123456789},"thread":"main","level":"INFO","loggerName":"com.example.App","message":"Started App in 2.1 seconds"}"#,
        r#"{"timeMillis":1796289564250,"thread":"main","level":"WARN","loggerName":"com.example.Old","message":"log4j2 2.10 layout"}"#,
        r#"{"__REALTIME_TIMESTAMP":"1796289562123456","PRIORITY":"6","SYSLOG_IDENTIFIER":"sshd","_HOSTNAME":"web-1","MESSAGE":"Accepted publickey for deploy from 10.0.0.7 port 52144 ssh2"}"#,
        r#"{"resourceLogs":[{"resource":{"attributes":[]},"scopeLogs":[{"scope":{},"logRecords":[{"timeUnixNano":"1796289563000000000","severityNumber":9,"body":{"stringValue":"ok"}}]}]}]}"#,
        r#"{"level":"info","ts":"2026-05-07T10:05:54.069451657Z","caller":"middleware/gin_logger.go:78","msg":"request","status":200}"#,
    ],
    // A Python traceback after an ISO line: continuation lines
    &[
        "2026-11-22 03:10:41,621 ERROR [payments.worker] 1125: job 99 failed with a traceback",
        "Traceback (most recent call last):",
        "  File \"<stdin>\", line 19, in <module>",
        "KeyError: 'missing'",
    ],
];

/// What is done to one line.
#[derive(Debug, Clone)]
enum Mutation {
    Keep,
    /// Cut after this many bytes (of the line's length, modulo).
    Cut(usize),
    /// These bytes put in at this place (modulo the length).
    Insert(usize, Vec<u8>),
    /// The line left empty.
    Blank,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => Just(Mutation::Keep),
        1 => any::<usize>().prop_map(Mutation::Cut),
        1 => (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..6))
            .prop_map(|(at, b)| Mutation::Insert(at, b)),
        1 => Just(Mutation::Blank),
    ]
}

/// A run of consecutive lines of one family: (family, first line, how many), each mutated.
fn run() -> impl Strategy<Value = (usize, usize, Vec<Mutation>)> {
    (
        0..FAMILIES.len(),
        0usize..12,
        proptest::collection::vec(mutation(), 1..14),
    )
}

/// The file's bytes: the runs' lines, mutated, joined by `\n` or `\r\n`.
fn build(runs: &[(usize, usize, Vec<Mutation>)], crlf: bool, final_newline: bool) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for (family, first, mutations) in runs {
        let lines_of = FAMILIES[*family];
        for (i, m) in mutations.iter().enumerate() {
            let mut l = lines_of[(first + i) % lines_of.len()].as_bytes().to_vec();
            match m {
                Mutation::Keep => {}
                Mutation::Cut(n) => l.truncate(n % (l.len() + 1)),
                Mutation::Insert(at, b) => {
                    let at = at % (l.len() + 1);
                    l.splice(at..at, b.iter().copied());
                }
                Mutation::Blank => l.clear(),
            }
            lines.push(l);
        }
    }
    let eol: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    let mut out = lines.join(eol);
    if final_newline {
        out.extend_from_slice(eol);
    }
    out
}

/// (offset, length, line) of every event indexed.
fn events(store: &store::Store) -> Vec<(u64, u64, u64)> {
    let searcher = store.index.reader().expect("a reader").searcher();
    let mut out = Vec::new();
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        let (offset, len, line) = (
            ff.u64("offset").expect("offset"),
            ff.u64("len").expect("len"),
            ff.u64("line").expect("line"),
        );
        for doc in seg.doc_ids_alive() {
            out.push((
                offset.first(doc).expect("an offset"),
                len.first(doc).expect("a length"),
                line.first(doc).expect("a line"),
            ));
        }
    }
    out.sort_unstable();
    out
}

/// The lines of `bytes` (with their line terminator) and where each starts.
fn lines_of(bytes: &[u8]) -> Vec<(usize, &[u8])> {
    let mut out = Vec::new();
    let mut at = 0;
    for l in bytes.split_inclusive(|&b| b == b'\n') {
        out.push((at, l));
        at += l.len();
    }
    out
}

/// The start offsets of the lines `format` reads as headers, read in order as the indexer
/// reads them.
fn header_lines(format: &Format, lines: &[(usize, &[u8])]) -> Vec<usize> {
    let mut ctx = LineContext::new(&Zone::Local, 0);
    let mut out = Vec::new();
    for (at, l) in lines {
        let l = l.strip_suffix(b"\n").unwrap_or(l);
        let text = String::from_utf8_lossy(l);
        if format.parse_line(&text, &mut ctx) == LineKind::Header {
            out.push(*at);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn every_byte_is_in_one_event_in_file_order(
        runs in proptest::collection::vec(run(), 1..5),
        crlf in any::<bool>(),
        final_newline in any::<bool>(),
        gz in any::<bool>(),
    ) {
        let bytes = build(&runs, crlf, final_newline);
        // A file mostly of control bytes is skipped as binary, not indexed.
        prop_assume!(crate::source::discover::binary_kind(&bytes[..bytes.len().min(8192)]).is_none());
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join(if gz { "app.log.gz" } else { "app.log" });
        if gz {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(&bytes).expect("gzip");
            std::fs::write(&path, enc.finish().expect("gzip")).expect("write");
        } else {
            std::fs::write(&path, &bytes).expect("write");
        }
        let mut store = store::in_ram();
        store.checkpoint.roots = vec![dir.path().canonicalize().expect("canonical")];
        let config = Config::default();
        update(&mut store, &config, &Quiet).expect("indexed");
        let file = store.checkpoint.files.first().cloned();
        prop_assert!(file.is_some() || bytes.is_empty(), "the file is known");
        let Some(file) = file else { return Ok(()) };
        let format = Format::by_name(&file.format, &[]).unwrap_or_else(Format::plain_text);
        let lines = lines_of(&bytes);
        let headers = header_lines(&format, &lines);
        let evs = events(&store);
        let line_no = |offset: usize| lines.iter().position(|(at, _)| *at == offset);
        // Walk the file: each event starts where the one before ended, but for header lines.
        let mut pos = 0usize;
        let mut last_line = 0u64;
        for &(offset, len, line) in &evs {
            let offset = offset as usize;
            prop_assert!(offset >= pos, "{}: event at {offset} overlaps the one before (ends at {pos})", file.format);
            while pos < offset {
                prop_assert!(headers.contains(&pos), "{}: bytes {pos}..{offset} are in no event and no header", file.format);
                let n = line_no(pos).map(|i| lines[i].1.len());
                prop_assert!(n.is_some(), "{}: a gap starts inside a line at {pos}", file.format);
                pos += n.unwrap_or(0);
            }
            prop_assert_eq!(pos, offset, "{}: a gap ends inside a line", file.format);
            let at = line_no(offset);
            prop_assert!(at.is_some(), "{}: event at {offset} starts inside a line", file.format);
            prop_assert_eq!(Some(line), at.map(|i| i as u64 + 1), "{}: event at {} has line {}", file.format, offset, line);
            prop_assert!(line > last_line, "{}: events out of file order", file.format);
            last_line = line;
            prop_assert!(len > 0, "{}: an empty event at {offset}", file.format);
            pos = offset + len as usize;
            prop_assert!(pos <= bytes.len(), "{}: event at {offset} runs past the end", file.format);
            // Read back alone from its offset, as the engine shows it.
            let text = String::from_utf8_lossy(&bytes[offset..pos]);
            let mut ctx = file.ctx.reader(offset as u64);
            for l in text.lines() {
                let _ = format.parse_line(l, &mut ctx);
            }
        }
        while pos < bytes.len() {
            prop_assert!(headers.contains(&pos), "{}: bytes {pos}.. at the end are in no event and no header", file.format);
            pos += line_no(pos).map_or(bytes.len(), |i| lines[i].1.len());
        }
        let _ = crate::explain::explain(&path, &config);
    }
}
