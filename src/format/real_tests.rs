//! Issue 13's classes over real lines: each line as the program printed it (collected by
//! running Python logging, PostgreSQL 15, MariaDB 10.11, strace, daemontools' `tai64n`, absl,
//! klog, pino and bunyan on this machine), or, for programs that could not be run here
//! (Windows CBS, vCenter, ESXi, MySQL 8, MongoDB, log4j2, journald, OTLP, Cloudflare,
//! Nextcloud, IIS), written exactly in the shape their documentation and public test suites
//! show. Each source is detected on its own lines, then every line is checked.

use super::*;
use crate::event::Level::{self, *};
use crate::time::format_utc;

/// 2026-12-03T10:00:00Z: just after the samples were collected.
const MTIME: i64 = 1_796_292_000_000_000;

/// One expected event start: (line index, UTC time, level, program).
type Want = (usize, &'static str, Option<Level>, Option<&'static str>);

struct Source {
    name: &'static str,
    zone: &'static str,
    format: &'static str,
    lines: &'static [&'static str],
    want: &'static [Want],
}

const SOURCES: &[Source] = &[
    Source {
        name: "python logging %(asctime)s:%(levelname)s:%(name)s:%(message)s",
        zone: "UTC",
        format: "iso",
        lines: &[
            "2026-12-03 09:17:20,382:DEBUG:app.db:connected",
            "2026-12-03 09:17:20,382:INFO:app.db:query took 12.5 ms",
            "2026-12-03 09:17:20,382:WARNING:app.db:slow query: 2026-01-01 is a date in the message",
            "2026-12-03 09:17:20,382:ERROR:app.db:failed",
            "Traceback (most recent call last):",
            "  File \"/tmp/real/py.py\", line 8, in <module>",
            "    1/0",
            "    ~^~",
            "ZeroDivisionError: division by zero",
            "2026-12-03 09:17:20,385:ERROR:app.db:done",
        ],
        want: &[
            (0, "2026-12-03T09:17:20.382Z", Some(Debug), Some("app.db")),
            (1, "2026-12-03T09:17:20.382Z", Some(Info), Some("app.db")),
            (2, "2026-12-03T09:17:20.382Z", Some(Warn), Some("app.db")),
            (3, "2026-12-03T09:17:20.382Z", Some(Error), Some("app.db")),
            (9, "2026-12-03T09:17:20.385Z", Some(Error), Some("app.db")),
        ],
    },
    Source {
        name: "Windows CBS.log",
        zone: "UTC",
        format: "iso",
        lines: &[
            "2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack v6.1.7601.23505 with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_6.1.7601.23505_none_681aa442f6fed7f0\\cbscore.dll",
            "2016-09-28 04:30:31, Info                  CSI    00000001@2016/9/27:20:30:31.455 WcpInitialize (wcp.dll version 0.0.0.6) called (stack @0x7fed806eb5d @0x7fef9fb9b6d @0x7fef9f8358f @0xff83e97c @0xff83d799 @0xff83db2f)",
            "2016-09-28 04:30:31, Warning               CBS    Unloading offline registry hive: {bf1a281b-ad7b-4476-ac95-f47682990ce7}GLOBALROOT/Device/HarddiskVolumeShadowCopy2/Windows/System32/config/COMPONENTS",
        ],
        want: &[
            (0, "2016-09-28T04:30:30.000Z", Some(Info), Some("CBS")),
            (1, "2016-09-28T04:30:31.000Z", Some(Info), Some("CSI")),
            (2, "2016-09-28T04:30:31.000Z", Some(Warn), Some("CBS")),
        ],
    },
    Source {
        name: "PostgreSQL 15 %m [%p], log_timezone America/Los_Angeles, read where TZ is Berlin",
        zone: "Europe/Berlin",
        format: "iso",
        lines: &[
            "2026-12-03 01:17:33.707 PST [11890] LOG:  starting PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14+deb12u1) 12.2.0, 64-bit",
            "2026-12-03 01:17:33.724 PST [11894] DEBUG:  checkpoint record is at 0/1500718",
            "2026-12-03 01:17:36.808 PST [11892] LOG:  checkpoint starting: immediate force wait",
            "2026-12-03 01:17:36.840 PST [12040] ERROR:  division by zero",
            "2026-12-03 01:17:36.840 PST [12040] STATEMENT:  select 1/0",
            "2026-08-13 01:45:01.123 PDT [12345] LOG:  checkpoint starting: time",
        ],
        want: &[
            (0, "2026-12-03T09:17:33.707Z", Some(Info), Some("postgres")),
            (1, "2026-12-03T09:17:33.724Z", Some(Debug), Some("postgres")),
            (2, "2026-12-03T09:17:36.808Z", Some(Info), Some("postgres")),
            (3, "2026-12-03T09:17:36.840Z", Some(Error), Some("postgres")),
            (4, "2026-12-03T09:17:36.840Z", None, Some("postgres")),
            (5, "2026-08-13T08:45:01.123Z", Some(Info), Some("postgres")),
        ],
    },
    Source {
        name: "PostgreSQL with log_timezone Europe/Berlin (CET) and UTC",
        zone: "America/New_York",
        format: "iso",
        lines: &[
            "2026-12-03 10:17:42.212 CET [12104] LOG:  checkpoint starting: immediate force wait",
            "2026-12-03 10:17:42.238 CET [12171] ERROR:  division by zero",
            "2026-12-03 09:17:47.793 UTC [12324] ERROR:  division by zero",
            "2026-12-03 09:17:47.793 UTC [12324] postgres@postgres ERROR:  division by zero",
        ],
        want: &[
            (0, "2026-12-03T09:17:42.212Z", Some(Info), Some("postgres")),
            (1, "2026-12-03T09:17:42.238Z", Some(Error), Some("postgres")),
            (2, "2026-12-03T09:17:47.793Z", Some(Error), Some("postgres")),
            (3, "2026-12-03T09:17:47.793Z", Some(Error), Some("postgres")),
        ],
    },
    Source {
        name: "PostgreSQL with log_timezone Asia/Kolkata (IST, ambiguous), source zone agrees",
        zone: "Asia/Kolkata",
        format: "iso",
        lines: &[
            "2026-12-03 14:47:49.962 IST [12532] DEBUG:  registering background worker \"logical replication launcher\"",
            "2026-12-03 14:47:53.037 IST [12535] LOG:  checkpoint starting: immediate force wait",
        ],
        want: &[
            (0, "2026-12-03T09:17:49.962Z", Some(Debug), Some("postgres")),
            (1, "2026-12-03T09:17:53.037Z", Some(Info), Some("postgres")),
        ],
    },
    Source {
        name: "numeric offsets and UTC/Z after a space",
        zone: "Asia/Tokyo",
        format: "iso",
        lines: &[
            "2026-08-13 01:45:01 +0200 INFO worker started",
            "2026-08-13 01:45:02.5 +02:00 WARN queue 90% full",
            "2026-08-13 01:45:03 UTC ERROR lost connection",
            "2026-08-13 01:45:04 Z ERROR lost connection",
            "2026-08-13 01:45:05 GMT DEBUG retry",
        ],
        want: &[
            (0, "2026-08-12T23:45:01.000Z", Some(Info), None),
            (1, "2026-08-12T23:45:02.500Z", Some(Warn), None),
            (2, "2026-08-13T01:45:03.000Z", Some(Error), None),
            (3, "2026-08-13T01:45:04.000Z", Some(Error), None),
            (4, "2026-08-13T01:45:05.000Z", Some(Debug), None),
        ],
    },
    Source {
        name: "MariaDB 10.11 error log (space-padded hour, [Note])",
        zone: "UTC",
        format: "iso",
        lines: &[
            "2026-12-03  9:19:22 0 [Note] Starting MariaDB 10.11.19-MariaDB-0+deb12u1-log source revision 5843d8475120241667a7ce0f8a1abb6c9b43a273 server_uid DDZGjTOKc7Ta2YNNK5sOhfpPEGE= as process 15516",
            "2026-12-03  9:19:22 0 [Warning] Could not increase number of max_open_files to more than 1024 (request: 32184)",
            "2026-12-03  9:19:23 0 [Note] InnoDB: Compressed tables use zlib 1.2.13",
            "2026-12-03  9:19:23 0 [Note] mariadbd: ready for connections.",
            "Version: '10.11.19-MariaDB-0+deb12u1-log'  socket: '/tmp/my/sock'  port: 3399  Debian 12",
            "2026-12-03 10:19:28 5 [ERROR] mariadbd: Table 'nope.t' doesn't exist",
        ],
        want: &[
            (0, "2026-12-03T09:19:22.000Z", Some(Info), None),
            (1, "2026-12-03T09:19:22.000Z", Some(Warn), None),
            (2, "2026-12-03T09:19:23.000Z", Some(Info), None),
            (3, "2026-12-03T09:19:23.000Z", Some(Info), None),
            (5, "2026-12-03T10:19:28.000Z", Some(Error), None),
        ],
    },
    Source {
        name: "MySQL 8 error log",
        zone: "Asia/Tokyo",
        format: "iso",
        lines: &[
            "2026-12-03T09:19:22.123456Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 8.0.35) starting as process 1",
            "2026-12-03T09:19:22.130034Z 1 [System] [MY-013576] [InnoDB] InnoDB initialization has started.",
            "2026-12-03T09:19:23.001223Z 0 [Warning] [MY-010068] [Server] CA certificate ca.pem is self signed.",
        ],
        want: &[
            (
                0,
                "2026-12-03T09:19:22.123456Z",
                Some(Notice),
                Some("Server"),
            ),
            (
                1,
                "2026-12-03T09:19:22.130034Z",
                Some(Notice),
                Some("InnoDB"),
            ),
            (2, "2026-12-03T09:19:23.001223Z", Some(Warn), Some("Server")),
        ],
    },
    Source {
        name: "vCenter vpxd (level in the host position)",
        zone: "UTC",
        format: "rfc3339-syslog",
        lines: &[
            "2026-07-01T12:00:00.123Z info vpxd[04012] [Originator@6876 sub=vpxLro opID=lro-1-5e0e2c1c] [VpxLRO] -- BEGIN lro-1 -- SessionManager -- vim.SessionManager.login",
            "2026-07-01T12:00:00.456Z warning vpxd[04013] [Originator@6876 sub=VpxProfiler] Ctr: TotalTime = 12004 ms",
            "2026-07-01T12:00:01.001Z error vpxd[04012] [Originator@6876 sub=Default] Failed to get host",
        ],
        want: &[
            (0, "2026-07-01T12:00:00.123Z", Some(Info), Some("vpxd")),
            (1, "2026-07-01T12:00:00.456Z", Some(Warn), Some("vpxd")),
            (2, "2026-07-01T12:00:01.001Z", Some(Error), Some("vpxd")),
        ],
    },
    Source {
        name: "ESXi 7 hostd (level and priority in the host position)",
        zone: "UTC",
        format: "rfc3339-syslog",
        lines: &[
            "2026-07-01T12:00:00.123Z In(166) Hostd[2100123]: [Originator@6876 sub=Vimsvc.TaskManager opID=abc] Task Created : haTask--vim.SearchIndex.findByInventoryPath-1",
            "2026-07-01T12:00:00.200Z Wa(164) Hostd[2100124]: [Originator@6876 sub=Libs] Unable to resolve symlink",
        ],
        want: &[
            (0, "2026-07-01T12:00:00.123Z", Some(Info), Some("Hostd")),
            (1, "2026-07-01T12:00:00.200Z", Some(Warn), Some("Hostd")),
        ],
    },
    Source {
        name: "unpadded fields and colon milliseconds",
        zone: "UTC",
        format: "iso",
        lines: &[
            "2026-1-5 7:05:09:12 INFO job 17 started",
            "2026-1-5 7:05:10:120 INFO job 17 running",
            "2026-1-15 17:05:11:7 ERROR job 17 failed",
        ],
        want: &[
            (0, "2026-01-05T07:05:09.012Z", Some(Info), None),
            (1, "2026-01-05T07:05:10.120Z", Some(Info), None),
            (2, "2026-01-15T17:05:11.007Z", Some(Error), None),
        ],
    },
    Source {
        name: "pino and bunyan (numeric levels 10-60)",
        zone: "UTC",
        format: "json",
        lines: &[
            r#"{"level":30,"time":1796289676549,"pid":17794,"hostname":"vm","msg":"hello pino"}"#,
            r#"{"name":"myapp","hostname":"vm","pid":17794,"level":30,"msg":"hi bunyan","time":"2026-12-03T09:21:16.560Z","v":0}"#,
            r#"{"name":"myapp","hostname":"vm","pid":17794,"level":60,"msg":"fatal!","time":"2026-12-03T09:21:16.561Z","v":0}"#,
            r#"{"name":"myapp","hostname":"vm","pid":17794,"level":40,"port":8080,"msg":"port busy","time":"2026-12-03T09:21:16.561Z","v":0}"#,
            r#"{"level":50,"time":1796289676549,"pid":17794,"hostname":"vm","err":"boom","msg":"failed"}"#,
            r#"{"level":20,"time":1796289676550,"pid":17794,"hostname":"vm","msg":"debug 42"}"#,
            r#"{"level":10,"time":1796289676550,"pid":17794,"hostname":"vm","msg":"trace"}"#,
        ],
        want: &[
            (0, "2026-12-03T09:21:16.549Z", Some(Info), None),
            (1, "2026-12-03T09:21:16.560Z", Some(Info), Some("myapp")),
            (2, "2026-12-03T09:21:16.561Z", Some(Emerg), Some("myapp")),
            (3, "2026-12-03T09:21:16.561Z", Some(Warn), Some("myapp")),
            (4, "2026-12-03T09:21:16.549Z", Some(Error), None),
            (5, "2026-12-03T09:21:16.550Z", Some(Debug), None),
            (6, "2026-12-03T09:21:16.550Z", Some(Trace), None),
        ],
    },
    Source {
        name: "Nextcloud nextcloud.log (levels 0-4)",
        zone: "UTC",
        format: "json",
        lines: &[
            r#"{"reqId":"Yx3eVRkCR1tbXqoCjz7C","level":1,"time":"2026-12-03T09:19:22+00:00","remoteAddr":"10.0.0.5","user":"admin","app":"files","method":"GET","url":"/index.php/apps/files/","message":"Scanning files for admin","userAgent":"Mozilla/5.0","version":"28.0.1.1","data":{"app":"files"}}"#,
            r#"{"reqId":"Yx3eVRkCR1tbXqoCjz7D","level":3,"time":"2026-12-03T09:19:23+00:00","remoteAddr":"10.0.0.5","user":"--","app":"core","method":"POST","url":"/login","message":"Login failed: 'bob' (Remote IP: '10.0.0.5')","userAgent":"curl/8.5.0","version":"28.0.1.1"}"#,
            r#"{"reqId":"Yx3eVRkCR1tbXqoCjz7E","level":0,"time":"2026-12-03T09:19:24+00:00","remoteAddr":"","user":"--","app":"cron","method":"","url":"--","message":"Run cron job","userAgent":"--","version":"28.0.1.1"}"#,
            r#"{"reqId":"Yx3eVRkCR1tbXqoCjz7F","level":2,"time":"2026-12-03T09:19:25+00:00","remoteAddr":"","user":"--","app":"core","method":"","url":"--","message":"Memory cache is not configured","userAgent":"--","version":"28.0.1.1"}"#,
            r#"{"reqId":"Yx3eVRkCR1tbXqoCjz7G","level":4,"time":"2026-12-03T09:19:26+00:00","remoteAddr":"","user":"--","app":"core","method":"","url":"--","message":"Database unreachable","userAgent":"--","version":"28.0.1.1"}"#,
        ],
        want: &[
            (0, "2026-12-03T09:19:22.000Z", Some(Info), Some("files")),
            (1, "2026-12-03T09:19:23.000Z", Some(Error), Some("core")),
            (2, "2026-12-03T09:19:24.000Z", Some(Debug), Some("cron")),
            (3, "2026-12-03T09:19:25.000Z", Some(Warn), Some("core")),
            (4, "2026-12-03T09:19:26.000Z", Some(Emerg), Some("core")),
        ],
    },
    Source {
        name: "GELF (syslog levels 0-7)",
        zone: "UTC",
        format: "json",
        lines: &[
            r#"{"version":"1.1","host":"web-1","short_message":"Backend unreachable","timestamp":1796289562.123,"level":3,"_facility":"nginx"}"#,
            r#"{"version":"1.1","host":"web-1","short_message":"Config reloaded","timestamp":1796289563.5,"level":6}"#,
        ],
        want: &[
            (0, "2026-12-03T09:19:22.123Z", Some(Error), None),
            (1, "2026-12-03T09:19:23.500Z", Some(Info), None),
        ],
    },
    Source {
        name: "MongoDB 4.4+ structured log",
        zone: "Asia/Tokyo",
        format: "json",
        lines: &[
            r#"{"t":{"$date":"2026-12-03T09:19:22.561+00:00"},"s":"I",  "c":"NETWORK",  "id":23015,   "ctx":"listener","msg":"Listening on","attr":{"address":"127.0.0.1"}}"#,
            r#"{"t":{"$date":"2026-12-03T18:19:23.001+09:00"},"s":"W",  "c":"CONTROL",  "id":22120,   "ctx":"initandlisten","msg":"Access control is not enabled for the database","tags":["startupWarnings"]}"#,
            r#"{"t":{"$date":"2026-12-03T09:19:24.000+00:00"},"s":"D2", "c":"COMMAND",  "id":21965,   "ctx":"conn1","msg":"About to run the command","attr":{"db":"admin"}}"#,
            r#"{"t":{"$date":"2026-12-03T09:19:25.000+00:00"},"s":"E",  "c":"STORAGE",  "id":22435,   "ctx":"initandlisten","msg":"WiredTiger error"}"#,
        ],
        want: &[
            (0, "2026-12-03T09:19:22.561Z", Some(Info), Some("NETWORK")),
            (1, "2026-12-03T09:19:23.001Z", Some(Warn), Some("CONTROL")),
            (2, "2026-12-03T09:19:24.000Z", Some(Debug), Some("COMMAND")),
            (3, "2026-12-03T09:19:25.000Z", Some(Error), Some("STORAGE")),
        ],
    },
    Source {
        name: "log4j2 JsonLayout (compact, eventEol)",
        zone: "UTC",
        format: "json",
        lines: &[
            r#"{"instant":{"epochSecond":1796289562,"nanoOfSecond":123456789},"thread":"main","level":"INFO","loggerName":"com.example.App","message":"Started App in 2.1 seconds","endOfBatch":false,"loggerFqcn":"org.apache.logging.log4j.spi.AbstractLogger","threadId":1,"threadPriority":5}"#,
            r#"{"instant":{"epochSecond":1796289563,"nanoOfSecond":5000000},"thread":"http-nio-8080-exec-1","level":"ERROR","loggerName":"com.example.Api","message":"Request failed","thrown":{"commonElementCount":0,"localizedMessage":"boom","message":"boom","name":"java.lang.IllegalStateException"},"endOfBatch":false,"loggerFqcn":"org.apache.logging.log4j.spi.AbstractLogger","threadId":31,"threadPriority":5}"#,
            r#"{"timeMillis":1796289564250,"thread":"main","level":"WARN","loggerName":"com.example.Old","message":"log4j2 2.10 layout","endOfBatch":false,"loggerFqcn":"org.apache.logging.log4j.spi.AbstractLogger","threadId":1,"threadPriority":5}"#,
        ],
        want: &[
            (
                0,
                "2026-12-03T09:19:22.123456Z",
                Some(Info),
                Some("com.example.App"),
            ),
            (
                1,
                "2026-12-03T09:19:23.005Z",
                Some(Error),
                Some("com.example.Api"),
            ),
            (
                2,
                "2026-12-03T09:19:24.250Z",
                Some(Warn),
                Some("com.example.Old"),
            ),
        ],
    },
    Source {
        name: "journalctl -o json",
        zone: "Asia/Tokyo",
        format: "json",
        lines: &[
            r#"{"__CURSOR":"s=3f3f0c54b1a64a23a0a8e2b1b5c1a0d1;i=1a2b;b=6f1e9f1d2c3b4a59;m=5a1b2c3d;t=6182c2e4d1f03;x=9c8b7a6f5e4d3c2b","__REALTIME_TIMESTAMP":"1796289562123456","__MONOTONIC_TIMESTAMP":"1511760957","_BOOT_ID":"6f1e9f1d2c3b4a5968778695a4b3c2d1","PRIORITY":"6","_TRANSPORT":"syslog","SYSLOG_FACILITY":"4","SYSLOG_IDENTIFIER":"sshd","_PID":"1234","_HOSTNAME":"web-1","MESSAGE":"Accepted publickey for deploy from 10.0.0.7 port 52144 ssh2"}"#,
            r#"{"__CURSOR":"s=3f3f0c54b1a64a23a0a8e2b1b5c1a0d1;i=1a2c;b=6f1e9f1d2c3b4a59;m=5a1b2c3e;t=6182c2e4d1f04;x=9c8b7a6f5e4d3c2c","__REALTIME_TIMESTAMP":"1796289563000001","__MONOTONIC_TIMESTAMP":"1512760957","_BOOT_ID":"6f1e9f1d2c3b4a5968778695a4b3c2d1","PRIORITY":"3","_TRANSPORT":"journal","SYSLOG_IDENTIFIER":"systemd","_SOURCE_REALTIME_TIMESTAMP":"1796289562999000","_PID":"1","_HOSTNAME":"web-1","MESSAGE":"Failed to start nginx.service."}"#,
        ],
        want: &[
            (0, "2026-12-03T09:19:22.123456Z", Some(Info), Some("sshd")),
            (1, "2026-12-03T09:19:22.999Z", Some(Error), Some("systemd")),
        ],
    },
    Source {
        name: "OTLP JSON (collector file exporter)",
        zone: "UTC",
        format: "json",
        lines: &[
            r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},"scopeLogs":[{"scope":{"name":"app"},"logRecords":[{"timeUnixNano":"1796289562123456789","observedTimeUnixNano":"1796289562200000000","severityNumber":17,"severityText":"ERROR","body":{"stringValue":"payment declined"},"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"}]}]}]}"#,
            r#"{"resourceLogs":[{"resource":{"attributes":[]},"scopeLogs":[{"scope":{},"logRecords":[{"timeUnixNano":"1796289563000000000","severityNumber":9,"body":{"stringValue":"ok"}}]}]}]}"#,
        ],
        want: &[
            (0, "2026-12-03T09:19:22.123456Z", Some(Error), None),
            (1, "2026-12-03T09:19:23.000Z", Some(Info), None),
        ],
    },
    Source {
        name: "Cloudflare Logpush http_requests",
        zone: "UTC",
        format: "json",
        lines: &[
            r#"{"ClientIP":"203.0.113.9","ClientRequestHost":"example.com","ClientRequestMethod":"GET","ClientRequestURI":"/","EdgeEndTimestamp":1796289562223000000,"EdgeResponseBytes":1723,"EdgeResponseStatus":200,"EdgeStartTimestamp":1796289562123000000,"RayID":"8d1f2e3a4b5c6d7e"}"#,
            r#"{"ClientIP":"203.0.113.9","ClientRequestHost":"example.com","ClientRequestMethod":"GET","ClientRequestURI":"/x","EdgeEndTimestamp":"2026-12-03T09:19:23Z","EdgeResponseBytes":1723,"EdgeResponseStatus":404,"EdgeStartTimestamp":"2026-12-03T09:19:23Z","RayID":"8d1f2e3a4b5c6d7f"}"#,
        ],
        want: &[
            (0, "2026-12-03T09:19:22.123Z", None, None),
            (1, "2026-12-03T09:19:23.000Z", None, None),
        ],
    },
    Source {
        name: "klog (Go, k8s.io/klog/v2), year-less",
        zone: "UTC",
        format: "glog",
        lines: &[
            "I1203 09:21:45.778845   18838 main.go:3] Starting kubelet",
            "W1203 09:21:45.778955   18838 main.go:3] slow disk 1500 ms",
            "E1203 09:21:45.778962   18838 main.go:3] \"Failed to sync pod\" pod=\"kube-system/coredns\"",
            "I1203 09:21:45.778981   18838 main.go:3] \"Pod status\" pod=\"default/web-1\" phase=\"Running\"",
        ],
        want: &[
            (0, "2026-12-03T09:21:45.778845Z", Some(Info), None),
            (1, "2026-12-03T09:21:45.778955Z", Some(Warn), None),
            (2, "2026-12-03T09:21:45.778962Z", Some(Error), None),
            (3, "2026-12-03T09:21:45.778981Z", Some(Info), None),
        ],
    },
    Source {
        name: "absl-py (glog layout)",
        zone: "UTC",
        format: "glog",
        lines: &[
            "I1203 09:21:21.229363 140548178168704 absl_t.py:3] Starting server on port 8080",
            "W1203 09:21:21.229529 140548178168704 absl_t.py:4] disk 91%% full",
            "E1203 09:21:21.229578 140548178168704 absl_t.py:5] connection refused",
        ],
        want: &[
            (0, "2026-12-03T09:21:21.229363Z", Some(Info), None),
            (1, "2026-12-03T09:21:21.229529Z", Some(Warn), None),
            (2, "2026-12-03T09:21:21.229578Z", Some(Error), None),
        ],
    },
    Source {
        name: "strace -tt (time-only: the day from the mtime)",
        zone: "UTC",
        format: "strace",
        lines: &[
            "09:18:03.080476 execve(\"/usr/bin/ls\", [\"ls\", \"/\"], 0x7ffd93625150 /* 35 vars */) = 0",
            "09:18:03.081265 brk(NULL)               = 0x5574e36a2000",
            "09:18:03.081632 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f9db9044000",
        ],
        want: &[
            (0, "2026-12-03T09:18:03.080476Z", None, None),
            (1, "2026-12-03T09:18:03.081265Z", None, None),
            (2, "2026-12-03T09:18:03.081632Z", None, None),
        ],
    },
    Source {
        name: "strace -f -tt",
        zone: "UTC",
        format: "strace",
        lines: &[
            "13077 09:18:03.129252 execve(\"/usr/bin/sh\", [\"sh\", \"-c\", \"ls / | cat\"], 0x7ffd9603e180 /* 35 vars */) = 0",
            "13077 09:18:03.141709 close(3 <unfinished ...>",
            "13079 09:18:03.141765 <... set_robust_list resumed>) = 0",
        ],
        want: &[
            (0, "2026-12-03T09:18:03.129252Z", None, None),
            (1, "2026-12-03T09:18:03.141709Z", None, None),
            (2, "2026-12-03T09:18:03.141765Z", None, None),
        ],
    },
    Source {
        name: "strace -ttt",
        zone: "Asia/Tokyo",
        format: "epoch",
        lines: &[
            "1796289483.104319 execve(\"/usr/bin/ls\", [\"ls\", \"/\"], 0x7ffc228bb9e0 /* 35 vars */) = 0",
            "1796289483.104776 brk(NULL)             = 0x5611e250f000",
        ],
        want: &[
            (0, "2026-12-03T09:18:03.104319Z", None, None),
            (1, "2026-12-03T09:18:03.104776Z", None, None),
        ],
    },
    Source {
        name: "daemontools tai64n",
        zone: "Asia/Tokyo",
        format: "tai64n",
        lines: &[
            "@400000006b11341b35585d4c hello",
            "@400000006b11341b35ef22f4 world 2026-01-01 12:00:00",
        ],
        want: &[
            (0, "2026-12-03T09:19:13.894983Z", None, None),
            (1, "2026-12-03T09:19:13.904864Z", None, None),
        ],
    },
    Source {
        name: "Proxifier (loghub), year-less",
        zone: "UTC",
        format: "proxifier",
        lines: &[
            "[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS",
            "[10.30 16:49:07] chrome.exe - proxy.cse.cuhk.edu.hk:5070 close, 0 bytes sent, 0 bytes received, lifetime 00:01",
        ],
        want: &[
            (0, "2026-10-30T16:49:06.000Z", None, Some("chrome.exe")),
            (1, "2026-10-30T16:49:07.000Z", None, Some("chrome.exe")),
        ],
    },
    Source {
        name: "Thunderbird (loghub): the epoch in column 2",
        zone: "UTC",
        format: "supercomputer",
        lines: &[
            "- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root",
            "- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session opened for user root by (uid=0)",
        ],
        want: &[
            (0, "2005-11-09T20:01:01.000Z", None, None),
            (1, "2005-11-09T20:01:01.000Z", None, None),
        ],
    },
    Source {
        name: "BGL (loghub)",
        zone: "UTC",
        format: "bgl",
        lines: &[
            "- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected",
            "KERNDTLB 1118536327 2005.06.11 R30-M0-N9-C:J16-U01 2005-06-11-17.32.07.581048 R30-M0-N9-C:J16-U01 RAS KERNEL FATAL data TLB error interrupt",
        ],
        want: &[
            (0, "2005-06-03T22:42:50.000Z", Some(Info), Some("KERNEL")),
            (1, "2005-06-12T00:32:07.000Z", Some(Emerg), Some("KERNEL")),
        ],
    },
    Source {
        name: "coloured lines (a terminal logger piped to a file)",
        zone: "UTC",
        format: "iso",
        lines: &[
            "\u{1b}[2m2026-12-03 09:19:22.001\u{1b}[0m \u{1b}[32mINFO\u{1b}[0m server started",
            "\u{1b}[2m2026-12-03 09:19:23.002\u{1b}[0m \u{1b}[1;31mERROR\u{1b}[0m boom",
        ],
        want: &[
            (0, "2026-12-03T09:19:22.001Z", Some(Info), None),
            (1, "2026-12-03T09:19:23.002Z", Some(Error), None),
        ],
    },
    // The PRI kept (RFC 3164 as sent): rsyslog's parser tests (rsyslog/rsyslog
    // tests/parsertest-parse1.sh), one message per connection there, here in time order. The
    // severity is the level: local4.debug, auth.info, daemon.notice, auth.crit.
    Source {
        name: "RFC 3164 with the PRI kept (rsyslog's parser tests)",
        zone: "UTC",
        format: "rfc3164",
        lines: &[
            "<167>Mar  6 16:57:54 172.20.245.8 %PIX-7-710005: UDP request discarded from SERVER1/2741 to test_app:255.255.255.255/61601",
            "<167>Mar 27 19:06:53 source_server sshd(pam_unix)[12750]: session opened for user foo by (uid=0)",
            "<38>Mar 27 19:06:53 source_server 0123456789012345678901234567890123456789: MSG part",
            "<167>Apr  6 15:07:10 lxcvs07 sshd(pam_unix)[31738]: session closed for user cvsadmin",
            "<167>Jul 31 21:39:21 example-b example-gw[10538]: disconnect host=/192.0.2.1 destination=192.0.2.2/11282 in=3274 out=1448 duration=0",
            "<34>Oct 11 22:14:15 mymachine su: su root failed for lonvick on /dev/pts/8",
            "<29>Oct 16 20:47:24 example-p exam-pl[12345]: connect host= /192.0.2.1",
        ],
        want: &[
            (
                0,
                "2026-03-06T16:57:54.000Z",
                Some(Debug),
                Some("%PIX-7-710005"),
            ),
            (
                1,
                "2026-03-27T19:06:53.000Z",
                Some(Debug),
                Some("sshd(pam_unix)"),
            ),
            (
                2,
                "2026-03-27T19:06:53.000Z",
                Some(Info),
                Some("0123456789012345678901234567890123456789"),
            ),
            (
                3,
                "2026-04-06T15:07:10.000Z",
                Some(Debug),
                Some("sshd(pam_unix)"),
            ),
            (
                4,
                "2026-07-31T21:39:21.000Z",
                Some(Debug),
                Some("example-gw"),
            ),
            (5, "2026-10-11T22:14:15.000Z", Some(Crit), Some("su")),
            (6, "2026-10-16T20:47:24.000Z", Some(Notice), Some("exam-pl")),
        ],
    },
    // nginx 1.10's access log as Filebeat's nginx module tests it (elastic/beats
    // filebeat/module/nginx/access/test/access.log, its first 12 lines): the status is the
    // level, 404 a warning, 200 and 304 info.
    Source {
        name: "nginx access.log (Filebeat's test log)",
        zone: "UTC",
        format: "access",
        lines: &[
            "77.179.66.156 - - [25/Oct/2016:14:49:33 +0200] \"GET / HTTP/1.1\" 200 612 \"-\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/54.0.2840.59 Safari/537.36\"",
            "77.179.66.156 - - [25/Oct/2016:14:49:34 +0200] \"GET /favicon.ico HTTP/1.1\" 404 571 \"http://localhost:8080/\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/54.0.2840.59 Safari/537.36\"",
            "77.179.66.156 - - [25/Oct/2016:14:50:44 +0200] \"GET /adsasd HTTP/1.1\" 404 571 \"-\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/54.0.2840.59 Safari/537.36\"",
            "77.179.66.156 - - [07/Dec/2016:10:34:43 +0100] \"GET / HTTP/1.1\" 200 612 \"-\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/54.0.2840.98 Safari/537.36\"",
            "77.179.66.156 - - [07/Dec/2016:10:34:43 +0100] \"GET /favicon.ico HTTP/1.1\" 404 571 \"http://localhost:8080/\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/54.0.2840.98 Safari/537.36\"",
            "77.179.66.156 - - [07/Dec/2016:10:43:18 +0100] \"GET /test HTTP/1.1\" 404 571 \"-\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/54.0.2840.98 Safari/537.36\"",
            "77.179.66.156 - - [07/Dec/2016:10:43:21 +0100] \"GET /test HTTP/1.1\" 404 571 \"-\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/54.0.2840.98 Safari/537.36\"",
            "77.179.66.156 - - [07/Dec/2016:10:43:23 +0100] \"GET /test1 HTTP/1.1\" 404 571 \"-\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/54.0.2840.98 Safari/537.36\"",
            "127.0.0.1 - - [07/Dec/2016:11:04:37 +0100] \"GET /test1 HTTP/1.1\" 404 571 \"-\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/54.0.2840.98 Safari/537.36\"",
            "127.0.0.1 - - [07/Dec/2016:11:04:58 +0100] \"GET / HTTP/1.1\" 304 0 \"-\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.12; rv:49.0) Gecko/20100101 Firefox/49.0\"",
            "127.0.0.1 - - [07/Dec/2016:11:04:59 +0100] \"GET / HTTP/1.1\" 304 0 \"-\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.12; rv:49.0) Gecko/20100101 Firefox/49.0\"",
            "127.0.0.1 - - [07/Dec/2016:11:05:07 +0100] \"GET /taga HTTP/1.1\" 404 169 \"-\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.12; rv:49.0) Gecko/20100101 Firefox/49.0\"",
        ],
        want: &[
            (0, "2016-10-25T12:49:33.000Z", Some(Info), None),
            (1, "2016-10-25T12:49:34.000Z", Some(Warn), None),
            (2, "2016-10-25T12:50:44.000Z", Some(Warn), None),
            (3, "2016-12-07T09:34:43.000Z", Some(Info), None),
            (4, "2016-12-07T09:34:43.000Z", Some(Warn), None),
            (5, "2016-12-07T09:43:18.000Z", Some(Warn), None),
            (6, "2016-12-07T09:43:21.000Z", Some(Warn), None),
            (7, "2016-12-07T09:43:23.000Z", Some(Warn), None),
            (8, "2016-12-07T10:04:37.000Z", Some(Warn), None),
            (9, "2016-12-07T10:04:58.000Z", Some(Info), None),
            (10, "2016-12-07T10:04:59.000Z", Some(Info), None),
            (11, "2016-12-07T10:05:07.000Z", Some(Warn), None),
        ],
    },
];

/// Parses every line of `src` with the format detected on its lines; returns what is wrong.
fn check(src: &Source) -> Vec<String> {
    let mut wrong = Vec::new();
    let f = match detect(src.lines, &[]) {
        Some(f) if f.name() == src.format => f,
        other => {
            wrong.push(format!(
                "{}: detected {:?}, want {}",
                src.name,
                other.map(|f| f.name().to_string()),
                src.format
            ));
            match Format::by_name(src.format, &[]) {
                Some(f) => f,
                None => return wrong,
            }
        }
    };
    let mut ctx = LineContext::new(&Zone::parse(src.zone).unwrap(), MTIME);
    let mut starts = Vec::new();
    for (i, line) in src.lines.iter().enumerate() {
        if let LineKind::Start(p) = f.parse_line(line, &mut ctx) {
            starts.push((i, format_utc(p.ts), p.level, p.program));
        }
    }
    let want: Vec<(usize, String, Option<Level>, Option<String>)> = src
        .want
        .iter()
        .map(|&(i, t, l, p)| (i, t.to_string(), l, p.map(str::to_string)))
        .collect();
    if starts != want {
        wrong.push(format!("{}:\n got {starts:?}\nwant {want:?}", src.name));
    }
    wrong
}

#[test]
fn real_sources_read_right() {
    let wrong: Vec<String> = SOURCES.iter().flat_map(check).collect();
    let lines: usize = SOURCES.iter().map(|s| s.lines.len()).sum();
    assert!(
        wrong.is_empty(),
        "{} of {} sources ({lines} lines) wrong:\n{}",
        wrong.len(),
        SOURCES.len(),
        wrong.join("\n")
    );
}

/// (level, facility) of every start of `lines` read as `fmt` from a file at `path`.
fn named_starts(fmt: &str, path: &str, lines: &[&str]) -> Vec<(Option<Level>, Option<String>)> {
    let f = Format::by_name(fmt, &[]).unwrap();
    let mut ctx =
        LineContext::new(&Zone::parse("UTC").unwrap(), MTIME).named(std::path::Path::new(path));
    lines
        .iter()
        .filter_map(|l| match f.parse_line(l, &mut ctx) {
            LineKind::Start(p) => Some((
                p.level,
                p.fields
                    .iter()
                    .find(|(k, _)| k == "facility")
                    .map(|(_, v)| v.clone()),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn a_severity_file_gives_its_syslog_lines_the_least_level_it_holds() {
    // Postfix's fatal errors as posted from a mail log (ubuntuforums, "Postfix and
    // Spamassassin problem?", 2004): Debian's rsyslog.conf routes `mail.err` to
    // /var/log/mail.err, so there they are err or worse; read from that file they are errors.
    let fatal = [
        "Nov 20 15:12:18 ubuntu postfix/postfix-script: fatal: the Postfix mail system is not running",
        "Nov 20 14:13:28 ubuntu postfix/postqueue[3343]: fatal: Cannot flush mail queue - mail system is down",
    ];
    let mail = Some("mail".to_string());
    for path in [
        "/var/log/mail.err",
        "/var/log/mail.err.1",
        "/var/log/mail.err.2.gz",
    ] {
        assert_eq!(
            named_starts("rfc3164", path, &fatal),
            [(Some(Error), mail.clone()), (Some(Error), mail.clone())],
            "{path}"
        );
    }
    assert_eq!(
        named_starts("rfc3164", "/var/log/mail.warn", &fatal[..1]),
        [(Some(Warn), mail.clone())]
    );
    // mail.info holds nearly everything: the facility, no level.
    assert_eq!(
        named_starts("rfc3164", "/var/log/mail.info", &fatal[..1]),
        [(None, mail)]
    );
    // A facility file: loghub's Linux kernel lines (loghub/Linux/Linux_2k.log) in kern.log
    // get `facility=kern` and no level; in syslog or messages, nothing.
    let kernel = [
        "Jul 27 14:41:57 combo kernel: klogd 1.4.1, log source = /proc/kmsg started.",
        "Jul 27 14:41:57 combo kernel: BIOS-provided physical RAM map:",
    ];
    let kern = (None, Some("kern".to_string()));
    assert_eq!(
        named_starts("rfc3164", "/var/log/kern.log", &kernel),
        [kern.clone(), kern]
    );
    for path in ["/var/log/syslog", "/var/log/messages", "/var/log/auth.log"] {
        assert_eq!(
            named_starts("rfc3164", path, &kernel),
            [(None, None), (None, None)],
            "{path}"
        );
    }
    // A line's own PRI wins over the name: rsyslog's test line (auth.crit) in mail.err.
    assert_eq!(
        named_starts(
            "rfc3164",
            "/var/log/mail.err",
            &["<34>Oct 11 22:14:15 mymachine su: su root failed for lonvick on /dev/pts/8"]
        ),
        [(Some(Crit), Some("auth".to_string()))]
    );
    // Only syslog lines take the name: what programs write to stderr, captured as `*.err`,
    // keeps its own level (Python logging, above) or has none (strace -ttt, above).
    assert_eq!(
        named_starts(
            "iso",
            "/var/log/app/app.err",
            &["2026-12-03 09:17:20,382:INFO:app.db:query took 12.5 ms"]
        ),
        [(Some(Info), None)]
    );
    assert_eq!(
        named_starts(
            "epoch",
            "/tmp/ls.err",
            &[
                "1796289483.104319 execve(\"/usr/bin/ls\", [\"ls\", \"/\"], 0x7ffc228bb9e0 /* 35 vars */) = 0"
            ]
        ),
        [(None, None)]
    );
}

#[test]
fn an_ambiguous_abbreviation_that_disagrees_with_the_source_zone_gets_a_note() {
    let f = Format::by_name("iso", &[]).unwrap();
    let line = "2026-12-03 14:47:53.037 IST [12535] LOG:  checkpoint starting";
    // The source zone agrees with one meaning of IST: no note.
    let mut ctx = LineContext::new(&Zone::parse("Asia/Kolkata").unwrap(), MTIME);
    assert!(matches!(f.parse_line(line, &mut ctx), LineKind::Start(_)));
    assert!(take_notes(&mut ctx).is_empty());
    // Read in UTC, which matches none of them: the configured zone, and one note.
    let mut ctx = LineContext::new(&Zone::parse("America/New_York").unwrap(), MTIME);
    let LineKind::Start(p) = f.parse_line(line, &mut ctx) else {
        panic!()
    };
    assert_eq!(format_utc(p.ts), "2026-12-03T19:47:53.037Z");
    f.parse_line(line, &mut ctx);
    let notes = take_notes(&mut ctx);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("IST") && notes[0].contains("America/New_York"));
    // Said once per source, also after the context went through a checkpoint.
    let json = serde_json::to_string(&ctx).unwrap();
    let mut ctx: LineContext = serde_json::from_str(&json).unwrap();
    f.parse_line(line, &mut ctx);
    assert!(take_notes(&mut ctx).is_empty());
}

#[test]
fn a_number_in_the_message_is_never_the_time() {
    let f = Format::by_name("iso", &[]).unwrap();
    let mut ctx = LineContext::new(&Zone::parse("UTC").unwrap(), MTIME);
    for line in [
        "job 2026-01-05 07:05:09 started",
        "12 2026-01-05 07:05:09 x",
        "[2026-01-05 07:05:09] x",
    ] {
        assert_eq!(
            f.parse_line(line, &mut ctx),
            LineKind::Continuation,
            "{line}"
        );
    }
}

/// Times of every start of `lines` read as `fmt`, planned first as the indexer does for a
/// file read from its start.
fn planned_times(fmt: &str, lines: &[&str], zone: &str, mtime: &str) -> Vec<String> {
    let f = Format::by_name(fmt, &[]).unwrap();
    let mtime = chrono::DateTime::parse_from_rfc3339(mtime)
        .unwrap()
        .timestamp_micros();
    let mut ctx = LineContext::new(&Zone::parse(zone).unwrap(), mtime);
    let text = lines.join("\n");
    let _ = plan(&f, &mut ctx, std::io::Cursor::new(text.into_bytes()));
    lines
        .iter()
        .filter_map(|l| match f.parse_line(l, &mut ctx) {
            LineKind::Start(p) => Some(format_utc(p.ts)),
            _ => None,
        })
        .collect()
}

#[test]
fn year_less_files_end_at_their_mtime_and_every_wrap_is_a_year() {
    // Oct 30 then Jun 26 with a November mtime: last October, then this June.
    let got = planned_times(
        "rfc3164",
        &[
            "Oct 30 06:25:01 web-1 CRON[2211]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)",
            "Jun 26 07:00:01 web-1 CRON[8101]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
        ],
        "UTC",
        "2026-11-20T10:00:00Z",
    );
    assert_eq!(
        got,
        ["2025-10-30T06:25:01.000Z", "2026-06-26T07:00:01.000Z"]
    );
    // The same with the PRI kept (rsyslog's parser-test lines): the plan reads past it.
    let got = planned_times(
        "rfc3164",
        &[
            "<34>Oct 11 22:14:15 mymachine su: su root failed for lonvick on /dev/pts/8",
            "<167>Mar  6 16:57:54 172.20.245.8 %PIX-7-710005: UDP request discarded from SERVER1/2741 to test_app:255.255.255.255/61601",
        ],
        "UTC",
        "2026-11-20T10:00:00Z",
    );
    assert_eq!(
        got,
        ["2025-10-11T22:14:15.000Z", "2026-03-06T16:57:54.000Z"]
    );
    // Three wraps (a long-lived file): 2023, 2024, 2025, 2026, never after the mtime.
    let got = planned_times(
        "rfc3164",
        &[
            "Dec 31 23:59:58 vm systemd[1]: Starting logrotate.service",
            "Jan  1 00:00:01 vm systemd[1]: logrotate.service: Deactivated successfully.",
            "Nov  2 03:00:00 vm sshd[101]: Server listening on 0.0.0.0 port 22.",
            "Mar  4 05:06:07 vm sshd[102]: Accepted publickey for ops from 10.0.0.2 port 50022 ssh2",
            "Feb 28 12:00:00 vm kernel: [    0.000000] Linux version 6.1.0-18-amd64",
            "Nov 19 09:00:00 vm sshd[103]: Received disconnect from 10.0.0.2 port 50022:11",
        ],
        "UTC",
        "2026-11-20T10:00:00Z",
    );
    assert_eq!(
        got,
        [
            "2023-12-31T23:59:58.000Z",
            "2024-01-01T00:00:01.000Z",
            "2024-11-02T03:00:00.000Z",
            "2025-03-04T05:06:07.000Z",
            "2026-02-28T12:00:00.000Z",
            "2026-11-19T09:00:00.000Z",
        ]
    );
}

#[test]
fn the_second_pass_through_a_dst_fold_is_the_later_instant() {
    // Python logging's default asctime is zone-less local time; New York left DST at 02:00 EDT
    // on 2026-11-01, so 01:00-01:59 came twice.
    let f = Format::by_name("iso", &[]).unwrap();
    let mut ctx = LineContext::new(&Zone::parse("America/New_York").unwrap(), MTIME);
    let got: Vec<String> = [
        "2026-11-01 01:50:00,000 INFO sync: pass 1",
        "2026-11-01 01:59:59,999 INFO sync: pass 1 ends",
        "2026-11-01 01:59:59,500 INFO sync: a line out of order by half a second",
        "2026-11-01 01:05:00,000 INFO sync: pass 2 (EST)",
        "2026-11-01 01:30:00,000 INFO sync: pass 2",
        "2026-11-01 02:00:00,000 INFO sync: after the fold",
    ]
    .iter()
    .map(|l| match f.parse_line(l, &mut ctx) {
        LineKind::Start(p) => format_utc(p.ts),
        other => panic!("{other:?}"),
    })
    .collect();
    assert_eq!(
        got,
        [
            "2026-11-01T05:50:00.000Z",
            "2026-11-01T05:59:59.999Z",
            "2026-11-01T05:59:59.500Z",
            "2026-11-01T06:05:00.000Z",
            "2026-11-01T06:30:00.000Z",
            "2026-11-01T07:00:00.000Z",
        ]
    );
    // A file that starts inside the fold has nothing to say otherwise: the earlier instant.
    let mut ctx = LineContext::new(&Zone::parse("America/New_York").unwrap(), MTIME);
    let LineKind::Start(p) = f.parse_line("2026-11-01 01:05:00,000 INFO x", &mut ctx) else {
        panic!()
    };
    assert_eq!(format_utc(p.ts), "2026-11-01T05:05:00.000Z");
}

#[test]
fn records_with_long_unindented_frames_are_detected_on_their_first_lines() {
    // Laravel: each error carries `[stacktrace]`, `#0 /var/www/...` frames and `"}`.
    let mut lines = Vec::new();
    for (i, t) in ["12:00:00", "12:00:05"].iter().enumerate() {
        lines.push(format!(
            "[2026-07-01 {t}] production.ERROR: SQLSTATE[HY000] [2002] Connection refused (SQL: select * from `users` where `id` = {i} limit 1) {{\"exception\":\"[object] (Illuminate\\\\Database\\\\QueryException(code: 2002): SQLSTATE[HY000] [2002] Connection refused at /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php:760)"
        ));
        lines.push("[stacktrace]".to_string());
        for n in 0..45 {
            lines.push(format!(
                "#{n} /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php({}): Illuminate\\\\Database\\\\Connection->runQueryCallback('select * from `...', Array, Object(Closure))",
                700 + n
            ));
        }
        lines.push("#45 {main}".to_string());
        lines.push("\"} ".to_string());
    }
    lines.push("[2026-07-01 12:00:09] production.INFO: User 1 logged in".to_string());
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let d = detect_explained(&refs, &[]);
    assert_eq!(
        d.chosen.as_ref().map(Format::name),
        Some("bracketed"),
        "{}",
        d.reason
    );
    let f = d.chosen.unwrap();
    let mut ctx = LineContext::new(&Zone::parse("UTC").unwrap(), MTIME);
    let starts: Vec<(usize, Option<Level>)> = refs
        .iter()
        .enumerate()
        .filter_map(|(i, l)| match f.parse_line(l, &mut ctx) {
            LineKind::Start(p) => Some((i, p.level)),
            _ => None,
        })
        .collect();
    assert_eq!(
        starts,
        [(0, Some(Error)), (49, Some(Error)), (98, Some(Info))]
    );
    // A text file with one date line in the middle is still text.
    let text = [
        "Release notes",
        "",
        "- faster",
        "2026-07-01 12:00:00 was the release",
        "- fixes",
    ];
    assert!(detect(&text, &[]).is_none());
}
