//! W3C extended logs, MySQL slow-query logs and `docker compose` prefixes, on lines as the
//! programs wrote them (each table names its source): detection on the lines, event
//! boundaries (first line and line count), times (µs UTC), hosts and key-values, read the way
//! the indexer groups lines (a header ends an event, a detail line adds to it).

use super::{Format, LineContext, LineKind, detect};
use crate::time::Zone;

/// 2026-12-03T09:20:00Z, after every line below.
const MTIME: i64 = 1_796_289_600_000_000;

struct Case {
    name: &'static str,
    zone: &'static str,
    format: &'static str,
    lines: &'static [&'static str],
    /// Each event: its first line (index), its time (RFC 3339) and how many lines it has.
    events: &'static [(usize, &'static str, usize)],
    /// (event index, key, value) among the event's key-values; key `host` is its host,
    /// `message` its message, `level` its level (`-` for none).
    fields: &'static [(usize, &'static str, &'static str)],
}

/// One event as grouped.
#[derive(Debug)]
struct Ev {
    line: usize,
    ts: i64,
    lines: usize,
    host: Option<String>,
    level: Option<crate::event::Level>,
    fields: Vec<(String, String)>,
    message: String,
}

fn read(f: &Format, lines: &[&str], zone: &str) -> Vec<Ev> {
    let mut ctx = LineContext::new(&Zone::parse(zone).unwrap(), MTIME);
    let mut out: Vec<Ev> = Vec::new();
    let mut open = false;
    for (i, l) in lines.iter().enumerate() {
        match f.parse_line(l, &mut ctx) {
            LineKind::Start(p) => {
                out.push(Ev {
                    line: i,
                    ts: p.ts,
                    lines: 1,
                    host: p.host,
                    level: p.level,
                    fields: p.fields,
                    message: p.message,
                });
                open = true;
            }
            LineKind::Header => open = false,
            LineKind::Detail {
                ts,
                fields,
                message,
            } if open => {
                let e = out.last_mut().unwrap();
                e.ts = ts.unwrap_or(e.ts);
                e.fields.extend(fields);
                if e.message.is_empty() {
                    e.message = message.unwrap_or_default();
                }
                e.lines += 1;
            }
            _ if open => out.last_mut().unwrap().lines += 1,
            _ => {}
        }
    }
    out
}

fn us(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap_or_else(|e| panic!("{rfc3339}: {e}"))
        .timestamp_micros()
}

/// What is wrong with `case` (empty when it reads right).
fn check(case: &Case) -> Vec<String> {
    let mut wrong = Vec::new();
    let detected = detect(case.lines, &[]).map(|f| f.name().to_string());
    if detected.as_deref() != Some(case.format) {
        wrong.push(format!(
            "{}: detected {detected:?}, want {}",
            case.name, case.format
        ));
    }
    let Some(f) = Format::by_name(case.format, &[]) else {
        wrong.push(format!("{}: no format {}", case.name, case.format));
        return wrong;
    };
    let got = read(&f, case.lines, case.zone);
    let got_events: Vec<(usize, i64, usize)> =
        got.iter().map(|e| (e.line, e.ts, e.lines)).collect();
    let want: Vec<(usize, i64, usize)> =
        case.events.iter().map(|&(l, t, n)| (l, us(t), n)).collect();
    if got_events != want {
        wrong.push(format!(
            "{}:\n got {got_events:?}\nwant {want:?}",
            case.name
        ));
    }
    for &(i, k, v) in case.fields {
        let Some(e) = got.get(i) else {
            wrong.push(format!("{}: no event {i}", case.name));
            continue;
        };
        let found = if k == "host" {
            e.host.as_deref() == Some(v)
        } else if k == "message" {
            e.message == v
        } else if k == "level" {
            e.level.map_or("-", |l| l.as_str()) == v
        } else {
            e.fields.iter().any(|(a, b)| a == k && b == v)
        };
        if !found {
            wrong.push(format!("{}: event {i} lacks {k}={v}: {e:?}", case.name));
        }
    }
    wrong
}

const CASES: &[Case] = &[
    // IIS 8.5, brianary/scripts test/data/u_ex160110.log (from know-it-peru/WebKnowIT): a new
    // header at each restart, then records.
    Case {
        name: "IIS 8.5 W3C",
        zone: "Asia/Tokyo",
        format: "w3c",
        lines: &[
            "#Software: Microsoft Internet Information Services 8.5",
            "#Version: 1.0",
            "#Date: 2016-01-10 00:07:26",
            "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken",
            "2016-01-10 00:07:26 172.31.22.76 GET /httptest.php - 80 - 188.68.224.62 - - 404 0 2 591",
            "#Software: Microsoft Internet Information Services 8.5",
            "#Version: 1.0",
            "#Date: 2016-01-10 00:29:52",
            "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken",
            "2016-01-10 00:29:52 172.31.22.76 GET / - 80 - 66.249.66.155 Mozilla/5.0+(compatible;+Googlebot/2.1;++http://www.google.com/bot.html) - 200 0 0 1183",
            "#Software: Microsoft Internet Information Services 8.5",
            "#Version: 1.0",
            "#Date: 2016-01-10 17:07:48",
            "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken",
            "2016-01-10 17:07:48 172.31.22.76 GET /images/watch.png - 80 - 200.41.111.69 Mozilla/4.0+(compatible;) - 304 0 0 172",
            "2016-01-10 17:15:51 172.31.22.76 GET / - 80 - 208.100.26.232 - - 200 0 0 126",
            "2016-01-10 17:17:30 172.31.22.76 HEAD / - 80 - 208.100.26.232 Mozilla/5.0+(compatible;+Nmap+Scripting+Engine;+http://nmap.org/book/nse.html) - 200 0 0 89",
        ],
        events: &[
            (4, "2016-01-10T00:07:26Z", 1),
            (9, "2016-01-10T00:29:52Z", 1),
            (14, "2016-01-10T17:07:48Z", 1),
            (15, "2016-01-10T17:15:51Z", 1),
            (16, "2016-01-10T17:17:30Z", 1),
        ],
        fields: &[
            (0, "sc-status", "404"),
            (0, "level", "warn"),
            (1, "level", "info"),
            (2, "level", "info"),
            (0, "cs-uri-stem", "/httptest.php"),
            (0, "c-ip", "188.68.224.62"),
            (0, "time-taken", "591"),
            (
                1,
                "cs(User-Agent)",
                "Mozilla/5.0+(compatible;+Googlebot/2.1;++http://www.google.com/bot.html)",
            ),
            (4, "cs-method", "HEAD"),
        ],
    },
    // Windows Firewall (pfirewall.log), log2timeline/plaso test_data/firewall.log: a
    // `#Time Format: Local` header, so the times are the source's zone (here Berlin, CEST in
    // April: UTC+2), not UTC.
    Case {
        name: "Windows Firewall, local times",
        zone: "Europe/Berlin",
        format: "w3c",
        lines: &[
            "#Version: 1.5",
            "#Software: Microsoft Windows Firewall",
            "#Time Format: Local",
            "#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path",
            "2005-04-11 08:05:57 DROP UDP 123.45.78.90 123.156.78.255 137 137 78 - - - - - - - RECEIVE",
            "2005-04-11 08:06:26 DROP TCP 123.45.78.90 123.156.78.90 80 1774 576 A 123456789 987654321 12345 - - - RECEIVE",
            "2005-04-11 08:52:26 INFO-EVENTS-LOST - - - - - - - - - - - - 59 -",
        ],
        events: &[
            (4, "2005-04-11T06:05:57Z", 1),
            (5, "2005-04-11T06:06:26Z", 1),
            (6, "2005-04-11T06:52:26Z", 1),
        ],
        fields: &[
            (0, "action", "DROP"),
            (0, "level", "-"),
            (1, "tcpflags", "A"),
            (2, "info", "59"),
        ],
    },
    // The W3C draft's own example (WD-logfile-960323, "Example"): `time` without `date`,
    // the day from `#Date:` in its `dd-Mon-yyyy` form.
    Case {
        name: "W3C draft example, time only",
        zone: "UTC",
        format: "w3c",
        lines: &[
            "#Version: 1.0",
            "#Date: 12-Jan-1996 00:00:00",
            "#Fields: time cs-method cs-uri",
            "00:34:23 GET /foo/bar.html",
            "12:21:16 GET /foo/bar.html",
            "12:45:52 GET /foo/bar.html",
            "12:57:34 GET /foo/bar.html",
        ],
        events: &[
            (3, "1996-01-12T00:34:23Z", 1),
            (4, "1996-01-12T12:21:16Z", 1),
            (5, "1996-01-12T12:45:52Z", 1),
            (6, "1996-01-12T12:57:34Z", 1),
        ],
        fields: &[(0, "cs-uri", "/foo/bar.html")],
    },
    // IIS 7.0, brianary/scripts test/data/u_ex100815.log (from bherila/waikolai), then IIS 5.0
    // test/data/ex031118.log (Log Parser's IISW3C sample) in the same file, as IIS writes a
    // new header into the file when the site's fields change: the latest `#Fields:` names the
    // columns (here date without time: midnight UTC; a short record keeps what it has).
    Case {
        name: "IIS 7.0 then IIS 5.0 fields",
        zone: "UTC",
        format: "w3c",
        lines: &[
            "#Software: Microsoft Internet Information Services 7.0",
            "#Version: 1.0",
            "#Date: 2010-08-15 03:48:23",
            "#Fields: date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken",
            "2010-08-15 03:48:23 W3SVC20 67.222.136.138 GET /robots.txt - 80 - 207.46.195.235 msnbot/2.0b+(+http://search.msn.com/msnbot.htm) 404 0 64 0 219 27",
            "2010-08-15 03:53:32 W3SVC20 67.222.136.138 GET /robots.txt - 80 - 66.249.71.164 Googlebot-Image/1.0 404 0 2 1405 211 22",
            "2010-08-15 03:53:32 W3SVC20 67.222.136.138 GET /images/House/Guest1.JPG - 80 - 66.249.71.164 Googlebot-Image/1.0 304 0 0 210 257 97",
            "#Software: Microsoft Internet Information Services 5.0",
            "#Version: 1.0",
            "#Date: 2003-11-18 00:28:33",
            "#Fields: date c-ip cs-uri-stem cs-bytes",
            "2003-11-18 192.168.1.101 /Default.htm 100",
            "2003-11-18 192.168.1.102 /images/address.gif",
            "2003-11-18 192.168.1.102 /cgi-bin/counts.exe 400",
        ],
        events: &[
            (4, "2010-08-15T03:48:23Z", 1),
            (5, "2010-08-15T03:53:32Z", 1),
            (6, "2010-08-15T03:53:32Z", 1),
            (11, "2003-11-18T00:00:00Z", 1),
            (12, "2003-11-18T00:00:00Z", 1),
            (13, "2003-11-18T00:00:00Z", 1),
        ],
        fields: &[
            (0, "s-sitename", "W3SVC20"),
            (0, "sc-win32-status", "64"),
            (2, "sc-bytes", "210"),
            (3, "c-ip", "192.168.1.101"),
            (3, "cs-bytes", "100"),
            (4, "cs-uri-stem", "/images/address.gif"),
            (5, "cs-bytes", "400"),
        ],
    },
    // IIS answering a 500: the sample record of Sumo Logic's IIS field-extraction template
    // (SumoLogic/sumologic-documentation, microsoft-iis-logs.md), under the `#Fields:` line
    // that names its 16 columns (IIS 7.0's above without s-sitename; the page omits it).
    Case {
        name: "IIS, a 500",
        zone: "UTC",
        format: "w3c",
        lines: &[
            "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken",
            "2017-07-13 19:05:07 10.0.0.103 POST /ConfigWeb/ManageUsers.aspx name=.NET+StockTrader+Web+Application&cfgSvc=Trade.StockTraderWebApplicationConfigurationImplementation.ConfigurationService&version=Version+5.0&hoster=Microsoft+Corporation&platform=Windows+Server+2008+R2+with+.NET+Framework+v4.0.30319&action=addUser&identify=0 80 localadmin 164.110.188.119 Mozilla/5.0+(Windows+NT+6.1;+WOW64;+rv:14.0)+Gecko/20100101+Firefox/14.0.1 500 0 0 4786 194110 552",
        ],
        events: &[(1, "2017-07-13T19:05:07Z", 1)],
        fields: &[
            (0, "sc-status", "500"),
            (0, "level", "error"),
            (0, "cs-username", "localadmin"),
        ],
    },
    // MySQL 5.7.12, percona/percona-toolkit t/lib/samples/slowlogs/mysql5.7.log: the preamble
    // (twice: two starts), then blocks dated by `# Time:`.
    Case {
        name: "MySQL 5.7 slow log",
        zone: "Asia/Tokyo",
        format: "mysql-slow",
        lines: &[
            "/usr/sbin/mysqld, Version: 5.7.12-0ubuntu1.1-log ((Ubuntu)). started with:",
            "Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock",
            "Time                 Id Command    Argument",
            "/usr/sbin/mysqld, Version: 5.7.12-0ubuntu1.1-log ((Ubuntu)). started with:",
            "Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock",
            "Time                 Id Command    Argument",
            "# Time: 2016-07-20T18:13:25.698433Z",
            "# User@Host: root[root] @ localhost [127.0.0.1]  Id:     3",
            "# Query_time: 0.003464  Lock_time: 0.000324 Rows_sent: 1000  Rows_examined: 2000",
            "SET timestamp=1469038405;",
            "SELECT * FROM db_facturacion.facturas LIMIT 0, 1000;",
            "# Time: 2016-07-20T18:13:25.699880Z",
            "# User@Host: root[root] @ localhost [127.0.0.1]  Id:     4",
            "# Query_time: 0.000241  Lock_time: 0.000055 Rows_sent: 0  Rows_examined: 0",
            "SET timestamp=1469038405;",
            "SHOW INDEX FROM `db_facturacion`.`facturas`;",
        ],
        events: &[
            (6, "2016-07-20T18:13:25.698433Z", 5),
            (11, "2016-07-20T18:13:25.699880Z", 5),
        ],
        fields: &[
            (0, "query_time", "0.003464"),
            (0, "lock_time", "0.000324"),
            (0, "rows_sent", "1000"),
            (0, "rows_examined", "2000"),
            (
                0,
                "message",
                "SELECT * FROM db_facturacion.facturas LIMIT 0, 1000;",
            ),
            (0, "user", "root"),
            (0, "client_host", "localhost"),
            (0, "client_ip", "127.0.0.1"),
            (1, "id", "4"),
        ],
    },
    // MySQL 8.0.36 (log_slow_extra OFF, then ON), MariaDB 11.3.2 (the old `# Time:` form and
    // its `# Thread_id:` and `# Rows_affected:` lines) and Percona Server 8.0.36 with no
    // database, as jfg956/mysql-server jfg_brain_dump.md shows them (one log per server there).
    Case {
        name: "MySQL 8.0, MariaDB 11.3, Percona 8.0 slow log blocks",
        zone: "UTC",
        format: "mysql-slow",
        lines: &[
            "# Time: 2024-05-10T17:44:36.400424Z",
            "# User@Host: msandbox[msandbox] @ localhost []  Id:    12",
            "# Query_time: 0.000237  Lock_time: 0.000004 Rows_sent: 0  Rows_examined: 0",
            "SET timestamp=1715363076;",
            "select * from t;",
            "# Time: 2024-05-10T17:45:09.474988Z",
            "# User@Host: msandbox[msandbox] @ localhost []  Id:    12",
            "# Query_time: 0.000244  Lock_time: 0.000003 Rows_sent: 0  Rows_examined: 0 Thread_id: 12 Errno: 0 Killed: 0 Bytes_received: 22 Bytes_sent: 56 Read_first: 1 Read_last: 0 Read_key: 1 Read_next: 0 Read_prev: 0 Read_rnd: 0 Read_rnd_next: 1 Sort_merge_passes: 0 Sort_range_count: 0 Sort_rows: 0 Sort_scan_count: 0 Created_tmp_disk_tables: 0 Created_tmp_tables: 0 Start: 2024-05-10T17:45:09.474744Z End: 2024-05-10T17:45:09.474988Z",
            "SET timestamp=1715363109;",
            "select * from t;",
            "# Time: 240515 17:02:39",
            "# User@Host: msandbox[msandbox] @ localhost []",
            "# Thread_id: 8  Schema: test_jfg  QC_hit: No",
            "# Query_time: 0.000166  Lock_time: 0.000069  Rows_sent: 0  Rows_examined: 0",
            "# Rows_affected: 0  Bytes_sent: 65",
            "SET timestamp=1715792559;",
            "select * from t;",
            "# Time: 2024-06-03T19:33:49.052850Z",
            "# User@Host: msandbox[msandbox] @ localhost []  Id:    10",
            "# Schema:   Last_errno: 0  Killed: 0",
            "# Query_time: 0.000057  Lock_time: 0.000000  Rows_sent: 1  Rows_examined: 1  Rows_affected: 0  Bytes_sent: 57",
            "SET timestamp=1717443229;",
            "select database();",
        ],
        events: &[
            (0, "2024-05-10T17:44:36.400424Z", 5),
            (5, "2024-05-10T17:45:09.474988Z", 5),
            (10, "2024-05-15T17:02:39Z", 7),
            (17, "2024-06-03T19:33:49.052850Z", 6),
        ],
        fields: &[
            (0, "query_time", "0.000237"),
            (1, "bytes_sent", "56"),
            (1, "thread_id", "12"),
            (2, "thread_id", "8"),
            (2, "schema", "test_jfg"),
            (2, "qc_hit", "No"),
            (2, "rows_affected", "0"),
            (3, "last_errno", "0"),
            (3, "rows_examined", "1"),
        ],
    },
    // Percona Server's extended slow log, percona/percona-toolkit
    // t/lib/samples/slowlogs/slow002.txt: after the first block the server left `# Time:`
    // out (same second): each block is dated by its `SET timestamp=` (also inside `SET
    // insert_id=...,timestamp=...`), or, without one, by the block before it. The old
    // `# Time:` form is the server's local time (here UTC-5, which its timestamps agree with).
    Case {
        name: "Percona slow log without # Time lines",
        zone: "-05:00",
        format: "mysql-slow",
        lines: &[
            "# Time: 071218 11:48:27 # User@Host: [SQL_SLAVE] @  []",
            "# Thread_id: 10",
            "# Query_time: 0.000012  Lock_time: 0.000000  Rows_sent: 0  Rows_examined: 0",
            "# QC_Hit: No  Full_scan: No  Full_join: No  Tmp_table: No  Tmp_table_on_disk: No",
            "# Filesort: No  Filesort_on_disk: No  Merge_passes: 0",
            "# No InnoDB statistics available for this query",
            "BEGIN;",
            "# User@Host: [SQL_SLAVE] @  []",
            "# Thread_id: 10",
            "# Query_time: 0.726052  Lock_time: 0.000091  Rows_sent: 0  Rows_examined: 62951",
            "# QC_Hit: No  Full_scan: Yes  Full_join: No  Tmp_table: No  Tmp_table_on_disk: No",
            "# Filesort: No  Filesort_on_disk: No  Merge_passes: 0",
            "# No InnoDB statistics available for this query",
            "use db1;",
            "SET timestamp=1197996507;",
            "update db2.tuningdetail_21_265507 n",
            "      inner join db1.gonzo a using(gonzo) ",
            "      set n.column1 = a.column1, n.word3 = a.word3;",
            "# User@Host: [SQL_SLAVE] @  []",
            "# Thread_id: 10",
            "# Query_time: 0.033384  Lock_time: 0.000028  Rows_sent: 0  Rows_examined: 0",
            "# QC_Hit: No  Full_scan: No  Full_join: No  Tmp_table: No  Tmp_table_on_disk: No",
            "# Filesort: No  Filesort_on_disk: No  Merge_passes: 0",
            "#   InnoDB_IO_r_ops: 0  InnoDB_IO_r_bytes: 0  InnoDB_IO_r_wait: 0.000000",
            "#   InnoDB_rec_lock_wait: 0.000000  InnoDB_queue_wait: 0.000000",
            "#   InnoDB_pages_distinct: 11",
            "UPDATE db4.vab3concept1upload",
            "SET    vab3concept1id = '91848182522'",
            "WHERE  vab3concept1upload='6994465';",
            "# User@Host: [SQL_SLAVE] @  []",
            "# Thread_id: 10",
            "# Query_time: 0.000530  Lock_time: 0.000027  Rows_sent: 0  Rows_examined: 0",
            "SET insert_id=34484549,timestamp=1197996508;",
            "INSERT INTO db1.conch (word3, vid83)",
            "VALUES ('211', '18');",
        ],
        events: &[
            (0, "2007-12-18T16:48:27Z", 7),
            (7, "2007-12-18T16:48:27Z", 11),
            (18, "2007-12-18T16:48:27Z", 11),
            (29, "2007-12-18T16:48:28Z", 6),
        ],
        fields: &[
            (0, "thread_id", "10"),
            (1, "query_time", "0.726052"),
            (1, "rows_examined", "62951"),
            (1, "full_scan", "Yes"),
            (1, "message", "update db2.tuningdetail_21_265507 n"),
            (3, "message", "INSERT INTO db1.conch (word3, vid83)"),
            (2, "innodb_pages_distinct", "11"),
            (3, "query_time", "0.000530"),
        ],
    },
    // docker-compose v1 (`db_1     | `) around PostgreSQL's log, ruqqus/ruqqus#614: lines
    // without a time of the same service continue the event before them.
    Case {
        name: "compose v1, PostgreSQL",
        zone: "Asia/Tokyo",
        format: "compose:iso",
        lines: &[
            "db_1     | /usr/local/bin/docker-entrypoint.sh: running /docker-entrypoint-initdb.d/01_dev_data.sql",
            "db_1     | INSERT 0 1",
            "db_1     | ",
            "db_1     | waiting for server to shut down...2021-01-05 19:44:02.302 UTC [36] LOG:  received fast shutdown request",
            "db_1     | .2021-01-05 19:44:02.305 UTC [36] LOG:  aborting any active transactions",
            "db_1     | 2021-01-05 19:44:02.306 UTC [36] LOG:  background worker \"logical replication launcher\" (PID 43) exited with exit code 1",
            "db_1     | 2021-01-05 19:44:02.306 UTC [38] LOG:  shutting down",
            "db_1     | 2021-01-05 19:44:02.406 UTC [36] LOG:  database system is shut down",
            "db_1     |  done",
            "db_1     | server stopped",
            "db_1     | ",
            "db_1     | PostgreSQL init process complete; ready for start up.",
            "db_1     | 2021-01-05 19:44:02.520 UTC [1] LOG:  starting PostgreSQL 12.5 on x86_64-pc-linux-musl, compiled by gcc (Alpine 9.3.0) 9.3.0, 64-bit",
            "db_1     | 2021-01-05 19:44:02.520 UTC [1] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432",
            "db_1     | 2021-01-05 19:44:02.582 UTC [1] LOG:  database system is ready to accept connections",
        ],
        events: &[
            (5, "2021-01-05T19:44:02.306Z", 1),
            (6, "2021-01-05T19:44:02.306Z", 1),
            (7, "2021-01-05T19:44:02.406Z", 5),
            (12, "2021-01-05T19:44:02.520Z", 1),
            (13, "2021-01-05T19:44:02.520Z", 1),
            (14, "2021-01-05T19:44:02.582Z", 1),
        ],
        fields: &[(0, "host", "db_1"), (5, "host", "db_1")],
    },
    // docker compose v2 (`name-1  | `), aws-samples/python-fastapi-demo-docker#18: a web
    // service without times between the database's lines: its lines are events of their own
    // (at the time before them), its indented line continues its event.
    Case {
        name: "compose v2, two services",
        zone: "UTC",
        format: "compose:iso",
        lines: &[
            "python-fastapi-demo-docker-db-1   | 2023-11-16 04:59:54.862 UTC [48] LOG:  listening on Unix socket \"/var/run/postgresql/.s.PGSQL.5432\"",
            "python-fastapi-demo-docker-db-1   | 2023-11-16 04:59:54.866 UTC [49] LOG:  database system was shut down at 2023-11-16 04:59:54 UTC",
            "python-fastapi-demo-docker-db-1   | 2023-11-16 04:59:54.870 UTC [48] LOG:  database system is ready to accept connections",
            "python-fastapi-demo-docker-web-1  | INFO:server.app.connect:Trying to connect to db:5432 as bookdbadmin...",
            "python-fastapi-demo-docker-web-1  | WARNING:server.app.connect:Postgres is not ready yet. Waiting... connection to server at \"db\" (172.21.0.2), port 5432 failed: Connection refused",
            "python-fastapi-demo-docker-web-1  | \tIs the server running on that host and accepting TCP/IP connections?",
            "python-fastapi-demo-docker-web-1  |",
            "python-fastapi-demo-docker-db-1   |  done",
            "python-fastapi-demo-docker-db-1   | server started",
        ],
        events: &[
            (0, "2023-11-16T04:59:54.862Z", 1),
            (1, "2023-11-16T04:59:54.866Z", 1),
            (2, "2023-11-16T04:59:54.870Z", 1),
            (3, "2023-11-16T04:59:54.870Z", 4),
            (7, "2023-11-16T04:59:54.870Z", 2),
        ],
        fields: &[
            (0, "host", "python-fastapi-demo-docker-db-1"),
            (3, "host", "python-fastapi-demo-docker-web-1"),
            (4, "host", "python-fastapi-demo-docker-db-1"),
        ],
    },
    // docker compose v2, services each in their own format: PostgreSQL's log
    // (aws-samples/python-fastapi-demo-docker#18), nginx's access log behind a proxy service
    // (a wordpress2 compose tutorial's `docker-compose logs`) and zap JSON with epoch `ts`
    // (a tauth backend log): interleaved, each service's lines read by its own format.
    Case {
        name: "compose v2, a format per service",
        zone: "UTC",
        format: "compose:iso,wordpress2-proxy-1=access,tauth-1=json",
        lines: &[
            "python-fastapi-demo-docker-db-1  | 2023-11-16 04:59:54.862 UTC [48] LOG:  listening on Unix socket \"/var/run/postgresql/.s.PGSQL.5432\"",
            "wordpress2-proxy-1               | 173.76.40.122 - - [24/Feb/2023:01:52:01 +0000] \"GET / HTTP/1.1\" 200 10949 \"-\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/110.0.0.0 Safari/537.36\" \"-\"",
            "tauth-1                          | {\"level\":\"info\",\"ts\":1766959084.2432458,\"caller\":\"server/main.go:182\",\"msg\":\"using persistent refresh token store\",\"driver\":\"sqlite\"}",
            "python-fastapi-demo-docker-db-1  | 2023-11-16 04:59:54.866 UTC [49] LOG:  database system was shut down at 2023-11-16 04:59:54 UTC",
            "wordpress2-proxy-1               | 173.76.40.122 - - [24/Feb/2023:01:52:02 +0000] \"GET /2023/02/24/welcome-to-pi-day-2023/ HTTP/1.1\" 200 14761 \"http://129.213.187.155/\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/110.0.0.0 Safari/537.36\" \"-\"",
            "tauth-1                          | {\"level\":\"info\",\"ts\":1766959084.2435384,\"caller\":\"server/main.go:291\",\"msg\":\"listening\",\"addr\":\":8082\"}",
            "python-fastapi-demo-docker-db-1  | 2023-11-16 04:59:54.870 UTC [48] LOG:  database system is ready to accept connections",
        ],
        events: &[
            (0, "2023-11-16T04:59:54.862Z", 1),
            (1, "2023-02-24T01:52:01Z", 1),
            (2, "2025-12-28T21:58:04.243245Z", 1),
            (3, "2023-11-16T04:59:54.866Z", 1),
            (4, "2023-02-24T01:52:02Z", 1),
            (5, "2025-12-28T21:58:04.243538Z", 1),
            (6, "2023-11-16T04:59:54.870Z", 1),
        ],
        fields: &[
            (0, "host", "python-fastapi-demo-docker-db-1"),
            (1, "host", "wordpress2-proxy-1"),
            (1, "level", "info"),
            (2, "host", "tauth-1"),
            (2, "message", "using persistent refresh token store"),
            (2, "driver", "sqlite"),
            (5, "addr", ":8082"),
        ],
    },
    // docker compose v2 with colour, Kinto/kinto#3008's lines with the prefix coloured as
    // compose's formatter writes it (`ESC[36m` name ` | ` `ESC[0m`).
    Case {
        name: "compose v2, coloured prefix",
        zone: "UTC",
        format: "compose:iso",
        lines: &[
            "\u{1b}[36mkinto-db-1     | \u{1b}[0m2022-06-29 14:57:55.335 UTC [1] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432",
            "\u{1b}[36mkinto-db-1     | \u{1b}[0m2022-06-29 14:57:55.335 UTC [1] LOG:  listening on IPv6 address \"::\", port 5432",
            "\u{1b}[36mkinto-db-1     | \u{1b}[0m2022-06-29 14:57:55.348 UTC [1] LOG:  listening on Unix socket \"/var/run/postgresql/.s.PGSQL.5432\"",
            "\u{1b}[36mkinto-db-1     | \u{1b}[0m2022-06-29 14:57:55.361 UTC [60] LOG:  database system was shut down at 2022-06-29 14:57:55 UTC",
            "\u{1b}[36mkinto-db-1     | \u{1b}[0m2022-06-29 14:57:55.370 UTC [1] LOG:  database system is ready to accept connections",
        ],
        events: &[
            (0, "2022-06-29T14:57:55.335Z", 1),
            (1, "2022-06-29T14:57:55.335Z", 1),
            (2, "2022-06-29T14:57:55.348Z", 1),
            (3, "2022-06-29T14:57:55.361Z", 1),
            (4, "2022-06-29T14:57:55.370Z", 1),
        ],
        fields: &[(4, "host", "kinto-db-1")],
    },
];

#[test]
fn w3c_mysql_slow_and_compose_read_right() {
    let wrong: Vec<String> = CASES.iter().flat_map(check).collect();
    let lines: usize = CASES.iter().map(|c| c.lines.len()).sum();
    assert!(
        wrong.is_empty(),
        "{} of {} cases ({lines} lines) wrong:\n{}",
        wrong.len(),
        CASES.len(),
        wrong.join("\n")
    );
}

/// The time span of a record points at its date and time; behind a coloured compose prefix,
/// at them in the line as written.
#[test]
fn time_spans_cover_the_stamp() {
    let span = |f: &str, line: &str| {
        let f = Format::by_name(f, &[]).unwrap();
        let mut ctx = LineContext::new(&Zone::parse("UTC").unwrap(), MTIME);
        ctx.carry.w3c_fields = ["date", "time", "c-ip"].map(String::from).to_vec();
        match f.parse_line(line, &mut ctx) {
            LineKind::Start(p) => p.time_span.map(|(a, b)| line[a..b].to_string()),
            k => panic!("{line}: {k:?}"),
        }
    };
    assert_eq!(
        span("w3c", "2016-01-10 00:07:26 1.2.3.4").as_deref(),
        Some("2016-01-10 00:07:26")
    );
    assert_eq!(
        span("mysql-slow", "# Time: 240515 17:02:39").as_deref(),
        Some("240515 17:02:39")
    );
    let coloured = CASES
        .iter()
        .find_map(|c| c.lines.first().filter(|l| l.contains("kinto-db-1")))
        .expect("the coloured compose case");
    assert_eq!(
        span("compose:iso", coloured).as_deref(),
        Some("2022-06-29 14:57:55.335 UTC")
    );
}

/// Lines that only look alike are not read as these formats.
#[test]
fn look_alikes_are_not_taken() {
    let cases: &[&[&str]] = &[
        // A markdown table and HealthApp's `|` without a space before it: no compose prefix.
        &["| a | b |", "| 1 | 2 |", "|---|---|"],
        &[
            "20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579",
            "20171223-22:15:29:615|Step_LSC|30002312|onExtend:1514038530000 14 0 4",
        ],
        // The Java Service Wrapper's level column is no service (lines written in the shape of
        // ActiveMQ's wrapper.log, not collected).
        &[
            "STATUS | wrapper  | 2013/02/07 10:10:09 | --> Wrapper Started as Daemon",
            "INFO   | jvm 1    | 2013/02/07 10:10:10 | Java Service Wrapper Community Edition 64-bit 3.5.9",
            "INFO   | jvm 1    | 2013/02/07 10:10:10 |   Copyright (C) 1999-2011 Tanuki Software, Ltd. All Rights Reserved.",
        ],
        // Shell comments are not W3C directives, and no `# Time:` makes no slow log.
        &["# comment one", "# comment two", "echo hi"],
        // Directives alone, with no record: not W3C.
        &[
            "#Software: Microsoft Internet Information Services 8.5",
            "#Version: 1.0",
        ],
    ];
    for lines in cases {
        let got = detect(lines, &[]).map(|f| f.name().to_string());
        assert!(
            !got.as_deref()
                .is_some_and(|n| n == "w3c" || n == "mysql-slow" || n.starts_with("compose:")),
            "{lines:?}: {got:?}"
        );
    }
    let none = Format::by_name("w3c", &[]).unwrap();
    let mut ctx = LineContext::new(&Zone::parse("UTC").unwrap(), MTIME);
    // A record before any `#Fields:` line has no columns to be read by.
    assert_eq!(
        none.parse_line("2016-01-10 00:07:26 172.31.22.76 GET /", &mut ctx),
        LineKind::Continuation
    );
}

/// A year-less format behind compose prefixes is planned like the format alone: a file whose
/// lines wrap from December to January is two years (lines written in rsyslog's shape, each
/// behind a compose v1 prefix, not collected).
#[test]
fn a_yearless_format_behind_compose_prefixes_is_planned() {
    let f = Format::by_name("compose:rfc3164", &[]).unwrap();
    let text = "syslog_1  | Dec 31 23:59:58 web01 CRON[1]: (root) CMD (run-parts /etc/cron.hourly)\n\
                syslog_1  | Jan  1 00:00:01 web01 CRON[2]: (root) CMD (run-parts /etc/cron.hourly)\n";
    let mut ctx = LineContext::new(&Zone::parse("UTC").unwrap(), MTIME);
    let planned = super::plan(&f, &mut ctx, text.as_bytes()).expect("planned");
    assert_eq!(planned.wraps, 1, "{planned:?}");
}

/// A service that detection did not see (it started later, or `docker compose logs` printed
/// another container's lines first) is read by the first format that reads one of its lines:
/// the default when it does, else the first in detection order (lines of the case above).
#[test]
fn a_service_detection_did_not_see_gets_its_own_format() {
    let f = Format::by_name("compose:iso", &[]).unwrap();
    let case = CASES
        .iter()
        .find(|c| c.name == "compose v2, a format per service")
        .expect("the per-service case");
    let got = read(&f, case.lines, "UTC");
    let times: Vec<(usize, i64)> = got.iter().map(|e| (e.line, e.ts)).collect();
    let want: Vec<(usize, i64)> = case.events.iter().map(|&(l, t, _)| (l, us(t))).collect();
    assert_eq!(times, want);
}

/// A time the index cannot hold (after 2262: a digit slipped into an epoch) is an unreadable
/// time, not an event at a wrapped instant (log4j2's line above, and with one `1` more).
#[test]
fn a_time_past_the_index_range_is_a_bad_timestamp() {
    let f = Format::by_name("json", &[]).unwrap();
    let mut ctx = LineContext::new(&Zone::parse("UTC").unwrap(), MTIME);
    let line = r#"{"instant":{"epochSecond":1796289562,"nanoOfSecond":123456789},"thread":"main","level":"INFO","message":"Started App in 2.1 seconds"}"#;
    assert!(matches!(f.parse_line(line, &mut ctx), LineKind::Start(_)));
    let slipped = line.replace("1796289562", "17962895162");
    assert!(
        matches!(
            f.parse_line(&slipped, &mut ctx),
            LineKind::BadTimestamp { .. }
        ),
        "{slipped}"
    );
}
