//! Table tests over real lines (excerpts of the corpora typed in), detection, zones, years,
//! continuations, and property tests.

use super::*;
use crate::event::Level;
use crate::time::format_utc;

/// 2026-11-22T02:12:00Z, just after the `real/` corpora were written.
const MTIME: i64 = 1_795_313_520_000_000;

fn ctx(zone: &str, mtime: i64) -> LineContext {
    LineContext::new(&Zone::parse(zone).unwrap(), mtime)
}

fn start(fmt: &str, line: &str, zone: &str) -> Parsed {
    let f = Format::by_name(fmt, &[]).unwrap();
    match f.parse_line(line, &mut ctx(zone, MTIME)) {
        LineKind::Start(p) => p,
        other => panic!("{fmt}: {line:?} -> {other:?}"),
    }
}

struct Case {
    fmt: &'static str,
    line: &'static str,
    ts: &'static str,
    level: Option<Level>,
    host: Option<&'static str>,
    program: Option<&'static str>,
    message: &'static str,
    fields: &'static [(&'static str, &'static str)],
}

#[allow(clippy::too_many_arguments)]
const fn c(
    fmt: &'static str,
    line: &'static str,
    ts: &'static str,
    level: Option<Level>,
    host: Option<&'static str>,
    program: Option<&'static str>,
    message: &'static str,
    fields: &'static [(&'static str, &'static str)],
) -> Case {
    Case {
        fmt,
        line,
        ts,
        level,
        host,
        program,
        message,
        fields,
    }
}

use Level::*;

/// Real lines; zone-less ones are read in UTC.
const CASES: &[Case] = &[
    c(
        "android",
        "03-17 16:13:38.819  1702  8671 D PowerManagerService: acquire lock=233570404, flags=0x1, tag=\"View Lock\", name=com.android.systemui, ws=null, uid=10037, pid=2227\r",
        "2026-03-17T16:13:38.819Z",
        Some(Debug),
        None,
        Some("PowerManagerService"),
        "acquire lock=233570404, flags=0x1, tag=\"View Lock\", name=com.android.systemui, ws=null, uid=10037, pid=2227",
        &[
            ("pid", "1702"),
            ("tid", "8671"),
            ("lock", "233570404"),
            ("tag", "View Lock"),
            ("uid", "10037"),
        ],
    ),
    c(
        "apache-error",
        "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6\r",
        "2005-12-04T04:47:44.000Z",
        Some(Error),
        None,
        None,
        "mod_jk child workerEnv in error state 6",
        &[],
    ),
    c(
        "apache-error",
        "[Wed Oct 11 14:32:52.123456 2017] [core:error] [pid 123:tid 456] [client 1.2.3.4:5678] AH00037: Symbolic link not allowed",
        "2017-10-11T14:32:52.123456Z",
        Some(Error),
        None,
        None,
        "AH00037: Symbolic link not allowed",
        &[
            ("module", "core"),
            ("pid", "123"),
            ("tid", "456"),
            ("client", "1.2.3.4:5678"),
        ],
    ),
    c(
        "hdfs",
        "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating\r",
        "2008-11-09T20:36:15.000Z",
        Some(Info),
        None,
        Some("dfs.DataNode$PacketResponder"),
        "PacketResponder 1 for block blk_38865049064139660 terminating",
        &[("pid", "148")],
    ),
    c(
        "iso",
        "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1445144423722_0020_000001\r",
        "2015-10-18T18:01:47.978Z",
        Some(Info),
        None,
        Some("org.apache.hadoop.mapreduce.v2.app.MRAppMaster"),
        "Created MRAppMaster for application appattempt_1445144423722_0020_000001",
        &[("thread", "main")],
    ),
    c(
        "rfc3164",
        "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4 \r",
        "2026-06-14T15:16:01.000Z",
        None,
        Some("combo"),
        Some("sshd(pam_unix)"),
        "authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4 ",
        &[("pid", "19939"), ("uid", "0"), ("rhost", "218.188.2.4")],
    ),
    // December is after the November mtime: last year.
    c(
        "rfc3164",
        "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186\r",
        "2025-12-10T06:55:46.000Z",
        None,
        Some("LabSZ"),
        Some("sshd"),
        "Invalid user webmaster from 173.234.31.186",
        &[("pid", "24200")],
    ),
    c(
        "rfc3164",
        "Nov 22 07:39:58 vm kernel: [UFW BLOCK] IN=eth0 OUT= MAC=00:16 SRC=10.0.0.5 DST=10.0.0.1 LEN=60 PROTO=TCP SPT=51000 DPT=22",
        "2026-11-22T07:39:58.000Z",
        None,
        Some("vm"),
        Some("kernel"),
        "[UFW BLOCK] IN=eth0 OUT= MAC=00:16 SRC=10.0.0.5 DST=10.0.0.1 LEN=60 PROTO=TCP SPT=51000 DPT=22",
        &[
            ("IN", "eth0"),
            ("OUT", ""),
            ("SRC", "10.0.0.5"),
            ("DST", "10.0.0.1"),
            ("DPT", "22"),
        ],
    ),
    c(
        "rfc3164",
        "Nov  2 07:39:58 vm a message without a program tag",
        "2026-11-02T07:39:58.000Z",
        None,
        Some("vm"),
        None,
        "a message without a program tag",
        &[],
    ),
    // With a year (Cisco/BSD): no year inference.
    c(
        "rfc3164",
        "Nov 22 2026 07:39:58 host prog: msg",
        "2026-11-22T07:39:58.000Z",
        None,
        Some("host"),
        Some("prog"),
        "msg",
        &[],
    ),
    c(
        "rfc3164",
        "Mar  1 2019 00:00:01.123 rtr1 %LINK-3-UPDOWN: Interface Gi0/1, changed state to down",
        "2019-03-01T00:00:01.123Z",
        None,
        Some("rtr1"),
        Some("%LINK-3-UPDOWN"),
        "Interface Gi0/1, changed state to down",
        &[],
    ),
    c(
        "rfc3164",
        "Nov 22 07:39:58 kernel: [    0.000000] Linux version 6.1.0-18-amd64",
        "2026-11-22T07:39:58.000Z",
        None,
        None,
        Some("kernel"),
        "[    0.000000] Linux version 6.1.0-18-amd64",
        &[],
    ),
    c(
        "spark",
        "17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers for [TERM, HUP, INT]\r",
        "2017-06-09T20:10:40.000Z",
        Some(Info),
        None,
        Some("executor.CoarseGrainedExecutorBackend"),
        "Registered signal handlers for [TERM, HUP, INT]",
        &[],
    ),
    c(
        "iso",
        "2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200\r",
        "2015-07-29T17:41:44.747Z",
        Some(Info),
        None,
        None,
        "[QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200",
        &[],
    ),
    c(
        "iso",
        "2026-11-22 03:10:41,621 ERROR [payments.worker] 1125: job 99 failed with a traceback",
        "2026-11-22T03:10:41.621Z",
        Some(Error),
        None,
        Some("payments.worker"),
        "job 99 failed with a traceback",
        &[("pid", "1125")],
    ),
    c(
        "iso",
        "2026-11-22 03:10:41,621 CRITICAL [payments.worker] 1125: chained exception",
        "2026-11-22T03:10:41.621Z",
        Some(Crit),
        None,
        Some("payments.worker"),
        "chained exception",
        &[],
    ),
    c(
        "iso",
        "2026-11-22 03:10:41,620 - payments.worker - WARNING - job 2 processed amount=7.0",
        "2026-11-22T03:10:41.620Z",
        Some(Warn),
        None,
        Some("payments.worker"),
        "job 2 processed amount=7.0",
        &[("amount", "7.0")],
    ),
    c(
        "access",
        "83.149.9.216 - - [17/May/2015:10:05:03 +0000] \"GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1\" 200 203023 \"http://semicomplete.com/presentations/logstash-monitorama-2013/\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36\"",
        "2015-05-17T10:05:03.000Z",
        Some(Info),
        None,
        None,
        "GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1 200",
        &[
            ("client", "83.149.9.216"),
            ("method", "GET"),
            ("protocol", "HTTP/1.1"),
            ("status", "200"),
            ("bytes", "203023"),
            (
                "referer",
                "http://semicomplete.com/presentations/logstash-monitorama-2013/",
            ),
        ],
    ),
    c(
        "access",
        "127.0.0.1 - - [21/Nov/2026:21:09:59 -0500] \"GET / HTTP/1.1\" 200 32 \"-\" \"curl/7.88.1\"",
        "2026-11-22T02:09:59.000Z",
        Some(Info),
        None,
        None,
        "GET / HTTP/1.1 200",
        &[
            ("client", "127.0.0.1"),
            ("method", "GET"),
            ("path", "/"),
            ("status", "200"),
            ("bytes", "32"),
            ("agent", "curl/7.88.1"),
        ],
    ),
    c(
        "access",
        "127.0.0.1 - - [21/Nov/2026:21:10:03 -0500] \"GARBAGE\" 400 157 \"-\" \"-\"",
        "2026-11-22T02:10:03.000Z",
        Some(Warn),
        None,
        None,
        "GARBAGE 400",
        &[("status", "400"), ("bytes", "157")],
    ),
    c(
        "access",
        "127.0.0.1 - - [21/Nov/2026:21:10:03 -0500] \"GET /a b c HTTP/1.1\" 400 157 \"-\" \"-\"",
        "2026-11-22T02:10:03.000Z",
        Some(Warn),
        None,
        None,
        "GET /a b c HTTP/1.1 400",
        &[("path", "/a b c"), ("protocol", "HTTP/1.1")],
    ),
    c(
        "access",
        "10.0.0.9 - frank [21/Nov/2026:21:10:03 -0500] \"\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03\" 400 157 \"-\" \"-\"",
        "2026-11-22T02:10:03.000Z",
        Some(Warn),
        None,
        None,
        "\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03 400",
        &[("user", "frank"), ("status", "400")],
    ),
    c(
        "access",
        "10.0.0.9 - - [21/Nov/2026:21:10:03 -0500] \"-\" 408 0",
        "2026-11-22T02:10:03.000Z",
        Some(Warn),
        None,
        None,
        "- 408",
        &[("status", "408"), ("bytes", "0")],
    ),
    c(
        "json",
        "{\"time_iso8601\":\"2026-11-21T21:09:59-05:00\",\"time_local\":\"21/Nov/2026:21:09:59 -0500\",\"msec\":1795313399.076,\"remote_addr\":\"127.0.0.1\",\"remote_user\":\"\",\"request\":\"GET / HTTP/1.1\",\"status\":200,\"body_bytes_sent\":32,\"http_referer\":\"\",\"http_user_agent\":\"curl/7.88.1\",\"request_time\":0.000}",
        "2026-11-22T02:09:59.076Z",
        None,
        None,
        None,
        "{\"time_iso8601\":\"2026-11-21T21:09:59-05:00\",\"time_local\":\"21/Nov/2026:21:09:59 -0500\",\"msec\":1795313399.076,\"remote_addr\":\"127.0.0.1\",\"remote_user\":\"\",\"request\":\"GET / HTTP/1.1\",\"status\":200,\"body_bytes_sent\":32,\"http_referer\":\"\",\"http_user_agent\":\"curl/7.88.1\",\"request_time\":0.000}",
        &[
            ("status", "200"),
            ("request", "GET / HTTP/1.1"),
            ("remote_addr", "127.0.0.1"),
        ],
    ),
    c(
        "json",
        "{\"timereported\":\"2026-11-22T07:39:58.484023+05:30\", \"timegenerated\":\"2026-11-22T07:39:58.484023+05:30\", \"host\":\"vm\", \"facility\":\"syslog\", \"severity\":\"info\", \"program\":\"rsyslogd\", \"tag\":\"rsyslogd:\", \"procid\":\"-\", \"msgid\":\"-\", \"sd\":\"-\", \"msg\":\" [origin software=\\\"rsyslogd\\\" swVersion=\\\"8.2302.0\\\" x-pid=\\\"31751\\\" x-info=\\\"https:\\/\\/www.rsyslog.com\\\"] start\"}",
        "2026-11-22T02:09:58.484023Z",
        Some(Info),
        Some("vm"),
        Some("rsyslogd"),
        " [origin software=\"rsyslogd\" swVersion=\"8.2302.0\" x-pid=\"31751\" x-info=\"https://www.rsyslog.com\"] start",
        &[("facility", "syslog")],
    ),
    c(
        "json",
        "{\"@timestamp\":\"2026-11-22T02:10:00.5Z\",\"log\":{\"level\":\"WARN\"},\"message\":\"disk low\",\"service\":{\"name\":\"api\"},\"tags\":[\"a\",\"b\"]}",
        "2026-11-22T02:10:00.500Z",
        Some(Warn),
        None,
        Some("api"),
        "disk low",
        &[("log.level", "WARN"), ("tags.1", "b")],
    ),
    c(
        "json",
        "{\"level\":30,\"time\":1795313400123,\"pid\":7,\"hostname\":\"box\",\"msg\":\"pino says hi\"}",
        "2026-11-22T02:10:00.123Z",
        Some(Info),
        Some("box"),
        None,
        "pino says hi",
        &[("pid", "7")],
    ),
    c(
        "json",
        "{\"date\":\"Sun, 22 Nov 2026 03:10:00 +0100\",\"lvl\":\"E\",\"message\":\"x\"}",
        "2026-11-22T02:10:00.000Z",
        Some(Error),
        None,
        None,
        "x",
        &[],
    ),
    c(
        "ltsv",
        "time:2026-11-21T21:09:59-05:00\thost:127.0.0.1\treq:GET / HTTP/1.1\tstatus:200\tsize:32\tua:curl/7.88.1",
        "2026-11-22T02:09:59.000Z",
        None,
        Some("127.0.0.1"),
        None,
        "GET / HTTP/1.1 200",
        &[
            ("host", "127.0.0.1"),
            ("status", "200"),
            ("ua", "curl/7.88.1"),
        ],
    ),
    c(
        "nginx-error",
        "2026/11/21 21:09:58 [notice] 31987#31987: using the \"epoll\" event method\r",
        "2026-11-21T21:09:58.000Z",
        Some(Notice),
        None,
        None,
        "using the \"epoll\" event method",
        &[("pid", "31987"), ("tid", "31987")],
    ),
    c(
        "nginx-error",
        "2026/11/21 21:09:59 [error] 31991#31991: *20 open() \"/tmp/www/missing/deep/file.php\" failed (2: No such file or directory), client: 127.0.0.1, server: localhost, request: \"HEAD /missing/deep/file.php HTTP/1.1\", host: \"127.0.0.1:18080\", referrer: \"http://localhost/ref?k=18\"",
        "2026-11-21T21:09:59.000Z",
        Some(Error),
        None,
        None,
        "open() \"/tmp/www/missing/deep/file.php\" failed (2: No such file or directory), client: 127.0.0.1, server: localhost, request: \"HEAD /missing/deep/file.php HTTP/1.1\", host: \"127.0.0.1:18080\", referrer: \"http://localhost/ref?k=18\"",
        &[
            ("connection", "20"),
            ("client", "127.0.0.1"),
            ("request", "HEAD /missing/deep/file.php HTTP/1.1"),
            ("referrer", "http://localhost/ref?k=18"),
        ],
    ),
    c(
        "bracketed",
        "[2026-11-22 03:10:41.620] payments.worker[1125]: WARNING: job 2 processed amount=7.0",
        "2026-11-22T03:10:41.620Z",
        Some(Warn),
        None,
        Some("payments.worker"),
        "job 2 processed amount=7.0",
        &[("pid", "1125"), ("amount", "7.0")],
    ),
    c(
        "bracketed",
        "[2020-11-17 03:35:02.681] nsd[8910]: info: zone example.org. serial 2020111701 is updated",
        "2020-11-17T03:35:02.681Z",
        Some(Info),
        None,
        Some("nsd"),
        "zone example.org. serial 2020111701 is updated",
        &[("pid", "8910")],
    ),
    c(
        "bracketed",
        "[2020-08-02T18:09:30,389][INFO ][logstash.agent] Successfully started Logstash API endpoint {:port=>9600}",
        "2020-08-02T18:09:30.389Z",
        Some(Info),
        None,
        Some("logstash.agent"),
        "Successfully started Logstash API endpoint {:port=>9600}",
        &[],
    ),
    c(
        "rfc5424",
        "<46>1 2026-11-22T07:39:58.484023+05:30 vm rsyslogd - - -  [origin software=\"rsyslogd\" swVersion=\"8.2302.0\" x-pid=\"31751\" x-info=\"https://www.rsyslog.com\"] start",
        "2026-11-22T02:09:58.484023Z",
        Some(Info),
        Some("vm"),
        Some("rsyslogd"),
        "[origin software=\"rsyslogd\" swVersion=\"8.2302.0\" x-pid=\"31751\" x-info=\"https://www.rsyslog.com\"] start",
        &[
            ("facility", "syslog"),
            ("software", "rsyslogd"),
            ("swVersion", "8.2302.0"),
        ],
    ),
    c(
        "rfc5424",
        "<168>1 2026-11-22T02:09:58.874973+00:00 vm netapp5424 31724 ID0 [timeQuality tzKnown=\"1\" isSynced=\"0\"][exampleSDID@32473 iut=\"0\" eventSource=\"Application\"] EV0054 over udp rfc5424 k=0",
        "2026-11-22T02:09:58.874973Z",
        Some(Emerg),
        Some("vm"),
        Some("netapp5424"),
        "EV0054 over udp rfc5424 k=0",
        &[
            ("facility", "local5"),
            ("pid", "31724"),
            ("msgid", "ID0"),
            ("tzKnown", "1"),
            ("isSynced", "0"),
            ("iut", "0"),
            ("eventSource", "Application"),
            ("k", "0"),
        ],
    ),
    c(
        "rfc5424",
        "<155>1 2026-11-22T07:39:58.622578+05:30 vm demo-app 31724 - -  EV0004 k=3 value=9 user=\"alice\" path=/var/tmp/x3",
        "2026-11-22T02:09:58.622578Z",
        Some(Error),
        Some("vm"),
        Some("demo-app"),
        "EV0004 k=3 value=9 user=\"alice\" path=/var/tmp/x3",
        &[
            ("facility", "local3"),
            ("user", "alice"),
            ("path", "/var/tmp/x3"),
        ],
    ),
    c(
        "rfc3339-syslog",
        "2026-11-22T07:39:58.589980+05:30 vm demo-app[31724]: EV0001 k=0 value=0 user=\"alice\" path=/var/tmp/x0",
        "2026-11-22T02:09:58.589980Z",
        None,
        Some("vm"),
        Some("demo-app"),
        "EV0001 k=0 value=0 user=\"alice\" path=/var/tmp/x0",
        &[
            ("pid", "31724"),
            ("k", "0"),
            ("user", "alice"),
            ("path", "/var/tmp/x0"),
        ],
    ),
    // The level-looking word inside an RFC 3339 syslog message is not a level field.
    c(
        "rfc3339-syslog",
        "2026-11-22T07:40:03.356143+05:30 vm sshd[32561]: error: kex_exchange_identification: Connection closed by remote host",
        "2026-11-22T02:10:03.356143Z",
        None,
        Some("vm"),
        Some("sshd"),
        "error: kex_exchange_identification: Connection closed by remote host",
        &[],
    ),
    c(
        "logfmt",
        "ts=2026-11-22T02:10:00.25Z level=warn msg=\"disk \\\"almost\\\" full\" component=storage free_mb=12",
        "2026-11-22T02:10:00.250Z",
        Some(Warn),
        None,
        None,
        "disk \"almost\" full",
        &[("component", "storage"), ("free_mb", "12")],
    ),
    c(
        "kv",
        "date=2026-11-22 time=07:39:58 devname=\"FG100\" type=\"traffic\" srcip=10.1.1.5 dstip=8.8.8.8 action=\"deny\"",
        "2026-11-22T07:39:58.000Z",
        None,
        None,
        None,
        "date=2026-11-22 time=07:39:58 devname=\"FG100\" type=\"traffic\" srcip=10.1.1.5 dstip=8.8.8.8 action=\"deny\"",
        &[
            ("devname", "FG100"),
            ("srcip", "10.1.1.5"),
            ("action", "deny"),
        ],
    ),
    c(
        "epoch",
        "1795313399.076 ERROR upstream timed out",
        "2026-11-22T02:09:59.076Z",
        Some(Error),
        None,
        None,
        "upstream timed out",
        &[],
    ),
    c(
        "epoch",
        "1795313399076 cache warmed in 1795 ms",
        "2026-11-22T02:09:59.076Z",
        None,
        None,
        None,
        "cache warmed in 1795 ms",
        &[],
    ),
    // Levels from what the line carries besides a level word (README "What the level is
    // derived from"). The PRI of RFC 3164 lines as sent, RFC 3164 §5.4's examples:
    c(
        "rfc3164",
        "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
        "2026-10-11T22:14:15.000Z",
        Some(Crit),
        Some("mymachine"),
        Some("su"),
        "'su root' failed for lonvick on /dev/pts/8",
        &[("facility", "auth")],
    ),
    c(
        "rfc3164",
        "<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!",
        "2026-02-05T17:32:18.000Z",
        Some(Notice),
        Some("10.0.0.99"),
        None,
        "Use the BFG!",
        &[("facility", "user")],
    ),
    // rsyslog's parser tests (rsyslog/rsyslog tests/parsertest-parse1.sh: lines sent to
    // imtcp, with the facility and severity rsyslog reads from them), a Cisco PIX among them.
    c(
        "rfc3164",
        "<167>Mar  6 16:57:54 172.20.245.8 %PIX-7-710005: UDP request discarded from SERVER1/2741 to test_app:255.255.255.255/61601",
        "2026-03-06T16:57:54.000Z",
        Some(Debug),
        Some("172.20.245.8"),
        Some("%PIX-7-710005"),
        "UDP request discarded from SERVER1/2741 to test_app:255.255.255.255/61601",
        &[("facility", "local4")],
    ),
    c(
        "rfc3164",
        "<167>Mar 27 19:06:53 source_server sshd(pam_unix)[12750]: session opened for user foo by (uid=0)",
        "2026-03-27T19:06:53.000Z",
        Some(Debug),
        Some("source_server"),
        Some("sshd(pam_unix)"),
        "session opened for user foo by (uid=0)",
        &[("facility", "local4"), ("pid", "12750")],
    ),
    c(
        "rfc3164",
        "<38>Mar 27 19:06:53 source_server 0123456789012345678901234567890123456789: MSG part",
        "2026-03-27T19:06:53.000Z",
        Some(Info),
        Some("source_server"),
        Some("0123456789012345678901234567890123456789"),
        "MSG part",
        &[("facility", "auth")],
    ),
    c(
        "rfc3164",
        "<29>Oct 16 20:47:24 example-p exam-pl[12345]: connect host= /192.0.2.1",
        "2026-10-16T20:47:24.000Z",
        Some(Notice),
        Some("example-p"),
        Some("exam-pl"),
        "connect host= /192.0.2.1",
        &[("facility", "daemon"), ("pid", "12345")],
    ),
    // syslog-ng's own start line and a PRI before an RFC 3339 stamp (Graylog2/graylog2-server
    // SyslogCodecTest: UNSTRUCTURED, issue 2954), and rsyslog's test of the same shape.
    c(
        "rfc3164",
        "<45>Oct 21 12:09:37 c4dc57ba1ebb syslog-ng[7208]: syslog-ng starting up; version='3.5.3'",
        "2026-10-21T12:09:37.000Z",
        Some(Notice),
        Some("c4dc57ba1ebb"),
        Some("syslog-ng"),
        "syslog-ng starting up; version='3.5.3'",
        &[("facility", "syslog"), ("pid", "7208")],
    ),
    c(
        "rfc3339-syslog",
        "<6>2016-10-12T14:10:18Z hostname testmsg[20]: Test",
        "2016-10-12T14:10:18.000Z",
        Some(Info),
        Some("hostname"),
        Some("testmsg"),
        "Test",
        &[("facility", "kern"), ("pid", "20")],
    ),
    c(
        "rfc3339-syslog",
        "<14>2010-08-30T23:00:05Z X4711 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "2010-08-30T23:00:05.000Z",
        Some(Info),
        Some("X4711"),
        None,
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        &[("facility", "user")],
    ),
    // pfSense's filter log as it reaches a collector (pfelk/pfelk#258, from tcpdump, which
    // decodes the PRI as "Facility local0 (16), Severity info (6)"): no host in the header.
    c(
        "rfc3164",
        "<134>Jan 21 12:34:27 filterlog: 5,,,1000000003,vtnet0,match,block,in,6,0x00,0x00000,255,ICMPv6,58,144,fe80::201:5cff:fe63:2446,ff02::1,",
        "2026-01-21T12:34:27.000Z",
        Some(Info),
        None,
        Some("filterlog"),
        "5,,,1000000003,vtnet0,match,block,in,6,0x00,0x00000,255,ICMPv6,58,144,fe80::201:5cff:fe63:2446,ff02::1,",
        &[("facility", "local0")],
    ),
    // RFC 5424 §6.5's examples (the BOM as the bytes it stands for), pfSense in RFC 5424
    // (pfelk/pfelk#243) and a Juniper SRX (Graylog2/graylog2-server SyslogCodecTest, issue
    // 549).
    c(
        "rfc5424",
        "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \u{feff}'su root' failed for lonvick on /dev/pts/8",
        "2003-10-11T22:14:15.003Z",
        Some(Crit),
        Some("mymachine.example.com"),
        Some("su"),
        "'su root' failed for lonvick on /dev/pts/8",
        &[("facility", "auth"), ("msgid", "ID47")],
    ),
    c(
        "rfc5424",
        "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
        "2003-08-24T12:14:15.000003Z",
        Some(Notice),
        Some("192.0.2.1"),
        Some("myproc"),
        "%% It's time to make the do-nuts.",
        &[("facility", "local4"), ("pid", "8710")],
    ),
    c(
        "rfc5424",
        "<134>1 2020-12-29T17:30:17.897251+00:00 heimdall-fw.localnet filterlog 35553 - - 97,,,1568496159,pppoe0,match,block,in,4,0x0,,243,734,0,none,6,tcp,40,x.x.x.x,y.y.y.y,40022,50752,0,S,1395699778,,1024,,",
        "2020-12-29T17:30:17.897251Z",
        Some(Info),
        Some("heimdall-fw.localnet"),
        Some("filterlog"),
        "97,,,1568496159,pppoe0,match,block,in,4,0x0,,243,734,0,none,6,tcp,40,x.x.x.x,y.y.y.y,40022,50752,0,S,1395699778,,1024,,",
        &[("facility", "local0"), ("pid", "35553")],
    ),
    c(
        "rfc5424",
        "<14>1 2014-05-01T08:26:51.179Z fw01 RT_FLOW - RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.39 source-address=\"1.2.3.4\" source-port=\"56639\" destination-address=\"5.6.7.8\" destination-port=\"2003\" service-name=\"None\" protocol-id=\"6\" icmp-type=\"0\" policy-name=\"log-all-else\" source-zone-name=\"campus\" destination-zone-name=\"mngmt\" application=\"UNKNOWN\" nested-application=\"UNKNOWN\" username=\"N/A\" roles=\"N/A\" packet-incoming-interface=\"reth6.0\" encrypted=\"No\"]",
        "2014-05-01T08:26:51.179Z",
        Some(Info),
        Some("fw01"),
        Some("RT_FLOW"),
        "",
        &[
            ("facility", "user"),
            ("msgid", "RT_FLOW_SESSION_DENY"),
            ("policy-name", "log-all-else"),
        ],
    ),
    // Access logs: the status gives the level. Apache's own examples (httpd docs, "Log
    // Files": Common and Combined Log Format).
    c(
        "access",
        "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326",
        "2000-10-10T20:55:36.000Z",
        Some(Info),
        None,
        None,
        "GET /apache_pb.gif HTTP/1.0 200",
        &[("user", "frank"), ("status", "200"), ("bytes", "2326")],
    ),
    c(
        "access",
        "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 \"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"",
        "2000-10-10T20:55:36.000Z",
        Some(Info),
        None,
        None,
        "GET /apache_pb.gif HTTP/1.0 200",
        &[
            ("referer", "http://www.example.com/start.html"),
            ("agent", "Mozilla/4.08 [en] (Win98; I ;Nav)"),
        ],
    ),
    // nginx: a 502 (bpaquet/node-logstash test/test_202_filter_regex.js), and Filebeat's nginx
    // module test logs (elastic/beats filebeat/module/nginx/access/test/): a 404 with the
    // Docker image's trailing `"$http_x_forwarded_for"`, a 304, and an empty request line.
    c(
        "access",
        "127.0.0.1 - - [31/Jul/2012:18:02:28 +0200] \"GET /favicon.ico HTTP/1.1\" 502 574 \"-\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_4) AppleWebKit/537.2 (KHTML, like Gecko) Chrome/22.0.1215.0 Safari/537.2\"",
        "2012-07-31T16:02:28.000Z",
        Some(Error),
        None,
        None,
        "GET /favicon.ico HTTP/1.1 502",
        &[("status", "502"), ("bytes", "574")],
    ),
    c(
        "access",
        "172.17.0.1 - - [29/May/2017:19:02:48 +0000] \"GET /stringpatch HTTP/1.1\" 404 612 \"-\" \"Mozilla/5.0 (Windows NT 6.1; rv:15.0) Gecko/20120716 Firefox/15.0a2\" \"-\"",
        "2017-05-29T19:02:48.000Z",
        Some(Warn),
        None,
        None,
        "GET /stringpatch HTTP/1.1 404",
        &[("status", "404"), ("path", "/stringpatch")],
    ),
    c(
        "access",
        "127.0.0.1 - - [07/Dec/2016:11:04:58 +0100] \"GET / HTTP/1.1\" 304 0 \"-\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.12; rv:49.0) Gecko/20100101 Firefox/49.0\"",
        "2016-12-07T10:04:58.000Z",
        Some(Info),
        None,
        None,
        "GET / HTTP/1.1 304",
        &[("status", "304")],
    ),
    c(
        "access",
        "127.0.0.1 - - [12/Apr/2018:09:48:40 +0200] \"\" 400 0 \"-\" \"-\"",
        "2018-04-12T07:48:40.000Z",
        Some(Warn),
        None,
        None,
        " 400",
        &[("status", "400")],
    ),
];

#[test]
fn real_lines_parse() {
    let mut failures = Vec::new();
    for case in CASES {
        let p = start(case.fmt, case.line, "UTC");
        let got = (
            format_utc(p.ts),
            p.level,
            p.host.as_deref(),
            p.program.as_deref(),
            p.message.as_str(),
        );
        let want = (
            case.ts.to_string(),
            case.level,
            case.host,
            case.program,
            case.message,
        );
        if got != want {
            failures.push(format!(
                "{}: {:?}\n  got  {got:?}\n  want {want:?}",
                case.fmt, case.line
            ));
        }
        for (k, v) in case.fields {
            if !p.fields.iter().any(|(fk, fv)| fk == k && fv == v) {
                failures.push(format!(
                    "{}: {:?} lacks field {k}={v:?}; has {:?}",
                    case.fmt, case.line, p.fields
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn continuations_and_bad_timestamps() {
    let iso = Format::by_name("iso", &[]).unwrap();
    let mut cx = ctx("UTC", MTIME);
    for line in [
        "Traceback (most recent call last):",
        "  File \"<stdin>\", line 19, in <module>",
        "KeyError: 'missing'",
        "",
        "The above exception was the direct cause of the following exception:",
        "ZeroDivisionError: division by zero",
        "\tat org.apache.hadoop.ipc.Client.call(Client.java:1475)",
        "Caused by: java.net.ConnectException: Connection refused",
        "\t... 12 more",
        "  continuation line 1\r",
    ] {
        assert_eq!(
            iso.parse_line(line, &mut cx),
            LineKind::Continuation,
            "{line:?}"
        );
    }
    for (fmt, line, reason) in [
        ("iso", "2026-13-45 25:61:00 ERROR x", "month 13"),
        ("iso", "2026-02-30 10:00:00 ERROR x", "day 30"),
        ("iso", "2026-02-10 25:00:00 ERROR x", "hour 25"),
        ("rfc3164", "Nov 31 10:00:00 vm prog: x", "day 31"),
        (
            "access",
            "1.2.3.4 - - [32/Nov/2026:21:09:59 -0500] \"GET / HTTP/1.1\" 200 1",
            "day 32",
        ),
        (
            "rfc3339-syslog",
            "2026-11-22T24:39:58+05:30 vm p: x",
            "hour 24",
        ),
        (
            "json",
            "{\"ts\":\"2026-02-30T10:00:00Z\",\"msg\":\"x\"}",
            "day 30",
        ),
    ] {
        let f = Format::by_name(fmt, &[]).unwrap();
        match f.parse_line(line, &mut cx) {
            LineKind::BadTimestamp { reason: r } => assert!(r.contains(reason), "{line}: {r}"),
            other => panic!("{fmt}: {line} -> {other:?}"),
        }
    }
}

#[test]
fn zone_less_times_use_the_source_zone() {
    let line = "2026-11-22 03:10:41,620 ERROR [payments.worker] 1125: job 3 processed amount=10.5";
    assert_eq!(
        format_utc(start("iso", line, "Asia/Kolkata").ts),
        "2026-11-21T21:40:41.620Z"
    );
    assert_eq!(
        format_utc(start("iso", line, "America/New_York").ts),
        "2026-11-22T08:10:41.620Z"
    );
    // An explicit offset wins over the source zone.
    let line = "2026-11-22T07:39:58.589980+05:30 vm demo-app[31724]: EV0001";
    assert_eq!(
        format_utc(start("rfc3339-syslog", line, "America/New_York").ts),
        "2026-11-22T02:09:58.589980Z"
    );
    // Unparseable zone names fall back to local time instead of failing.
    let f = Format::by_name("iso", &[]).unwrap();
    let mut cx = LineContext {
        zone: "Mars/Olympus".to_string(),
        mtime_us: MTIME,
        year: None,
        last_month: None,
        carry: Default::default(),
        named: Default::default(),
    };
    assert!(matches!(
        f.parse_line("2026-11-22 03:10:41 INFO x", &mut cx),
        LineKind::Start(_)
    ));
}

fn yearless_times(lines: &[&str], mtime_rfc3339: &str) -> Vec<String> {
    let mtime = chrono::DateTime::parse_from_rfc3339(mtime_rfc3339)
        .unwrap()
        .timestamp_micros();
    let f = Format::by_name("rfc3164", &[]).unwrap();
    let mut cx = ctx("UTC", mtime);
    lines
        .iter()
        .map(|l| match f.parse_line(l, &mut cx) {
            LineKind::Start(p) => format_utc(p.ts),
            other => panic!("{l}: {other:?}"),
        })
        .collect()
}

#[test]
fn year_inference() {
    // mtime in January, December lines: previous year; then the Dec -> Jan rollover.
    let got = yearless_times(
        &[
            "Dec 30 23:59:58 vm cron[1]: a",
            "Dec 31 23:59:59 vm cron[1]: b",
            "Jan  1 00:00:01 vm cron[1]: c",
        ],
        "2027-01-02T12:00:00Z",
    );
    assert_eq!(
        got,
        [
            "2026-12-30T23:59:58.000Z",
            "2026-12-31T23:59:59.000Z",
            "2027-01-01T00:00:01.000Z"
        ]
    );
    // A line 1 day after the mtime stays in the mtime's year.
    assert_eq!(
        yearless_times(&["Nov 23 07:39:58 vm p: x"], "2026-11-22T02:12:00Z"),
        ["2026-11-23T07:39:58.000Z"]
    );
    // The traditional file jumps back a few hours (UTC-stamped messages next to +05:30 ones):
    // no new year.
    let got = yearless_times(
        &[
            "Nov 22 07:39:58 vm demo-app[31724]: EV0040",
            "Nov 22 02:09:58 vm netapp3164[31724]: EV0044",
            "Nov 21 21:09:59 vm nginx: x",
        ],
        "2026-11-22T02:12:00Z",
    );
    assert_eq!(
        got,
        [
            "2026-11-22T07:39:58.000Z",
            "2026-11-22T02:09:58.000Z",
            "2026-11-21T21:09:59.000Z"
        ]
    );
}

#[test]
fn year_state_resumes_from_a_serialised_context() {
    let f = Format::by_name("rfc3164", &[]).unwrap();
    let mut cx = ctx(
        "UTC",
        chrono::DateTime::parse_from_rfc3339("2027-01-02T00:00:00Z")
            .unwrap()
            .timestamp_micros(),
    );
    assert!(matches!(
        f.parse_line("Dec 31 10:00:00 vm p: x", &mut cx),
        LineKind::Start(_)
    ));
    let saved = serde_json::to_string(&cx).unwrap();
    let mut resumed: LineContext = serde_json::from_str(&saved).unwrap();
    match f.parse_line("Jan  1 10:00:00 vm p: y", &mut resumed) {
        LineKind::Start(p) => assert_eq!(format_utc(p.ts), "2027-01-01T10:00:00.000Z"),
        other => panic!("{other:?}"),
    }
}

fn detect_lines(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    detect(&lines, &[]).map(|f| f.name().to_string())
}

#[test]
fn detection_on_excerpts() {
    let cases = [
        (
            "rfc3164",
            "Nov 22 07:40:03 vm sshd[32557]: Server listening on 127.0.0.1 port 12222.\nNov 22 07:40:03 vm sshd[32561]: error: kex_exchange_identification: Connection closed by remote host\n",
        ),
        (
            "rfc3339-syslog",
            "2026-11-22T07:40:03.322180+05:30 vm sshd[32557]: Server listening on 127.0.0.1 port 12222.\n2026-11-22T07:40:03.356186+05:30 vm sshd[32561]: Connection closed by 127.0.0.1 port 44070\n",
        ),
        (
            "iso",
            "2026-11-22T07:40:03Z INFO starting\n2026-11-22T07:40:04Z WARN slow\n",
        ),
        (
            "iso",
            "2026-11-22 03:10:41,621 ERROR [payments.worker] 1125: job 99 failed with a traceback\nTraceback (most recent call last):\n  File \"<stdin>\", line 19, in <module>\n  File \"<stdin>\", line 17, in inner\nKeyError: 'missing'\n",
        ),
        (
            "json",
            "{\"ts\":1795313400,\"msg\":\"a\"}\n{\"ts\":1795313401,\"msg\":\"b\"}\n",
        ),
        (
            "logfmt",
            "ts=2026-11-22T02:10:00Z level=info msg=a\nts=2026-11-22T02:10:01Z level=info msg=b\n",
        ),
        (
            "hdfs",
            "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_1 terminating\n",
        ),
        ("epoch", "1795313399 started\n1795313400 stopped\n"),
    ];
    for (want, text) in cases {
        assert_eq!(detect_lines(text).as_deref(), Some(want), "{text}");
    }
    // A number inside a message is never a timestamp; plain text is not detected.
    assert_eq!(
        detect_lines("hello 2026-11-22 03:10:41 world\nuser 1795313399 logged in\n"),
        None
    );
    assert_eq!(
        detect_lines(
            "Traceback (most recent call last):\n  File \"<stdin>\", line 31, in <module>\nRuntimeError: uncaught at exit\n"
        ),
        None
    );
    assert_eq!(detect_lines(""), None);
    // JSON lines without any time key are plain text, not one huge bad-timestamp event.
    assert_eq!(detect_lines("{\"a\":1}\n{\"a\":2}\n"), None);
}

#[test]
fn user_formats() {
    let user = [
        UserFormat {
            name: "myapp".to_string(),
            regex: r"^(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \[(?P<level>\w+)\] (?P<program>[\w.]+) req=(?P<req>\d+): (?P<message>.*)$".to_string(),
            time_format: Some("%Y-%m-%d %H:%M:%S".to_string()),
        },
        UserFormat {
            name: "yearless".to_string(),
            regex: r"^(?P<ts>\w{3} \d\d \d\d:\d\d:\d\d) (?P<message>.*)$".to_string(),
            time_format: None,
        },
        UserFormat { name: "broken".to_string(), regex: "(".to_string(), time_format: None },
    ];
    let lines = [
        "2026-11-22 03:10:41 [WARN] billing.api req=42: slow answer user=bob",
        "2026-11-22 03:10:42 [INFO] billing.api req=43: ok",
    ];
    let f = detect(&lines, &user).unwrap();
    assert_eq!(f.name(), "myapp");
    match f.parse_line(lines[0], &mut ctx("Asia/Kolkata", MTIME)) {
        LineKind::Start(p) => {
            assert_eq!(format_utc(p.ts), "2026-11-21T21:40:41.000Z");
            assert_eq!(
                (p.level, p.program.as_deref(), p.message.as_str()),
                (Some(Warn), Some("billing.api"), "slow answer user=bob")
            );
            assert_eq!(
                p.fields,
                [
                    ("req".to_string(), "42".to_string()),
                    ("user".to_string(), "bob".to_string())
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    let y = Format::by_name("yearless", &user).unwrap();
    match y.parse_line("Dec 24 18:00:00 presents", &mut ctx("UTC", MTIME)) {
        LineKind::Start(p) => assert_eq!(format_utc(p.ts), "2025-12-24T18:00:00.000Z"),
        other => panic!("{other:?}"),
    }
    assert!(Format::by_name("broken", &user).is_none());
    assert!(Format::by_name("nope", &user).is_none());
    assert!(Format::by_name("text", &user).unwrap().is_plain_text());
}

#[test]
fn plain_text_and_huge_lines() {
    let t = Format::plain_text();
    assert_eq!(t.name(), "text");
    match t.parse_line("anything at all\r", &mut ctx("UTC", MTIME)) {
        LineKind::Start(p) => assert_eq!(p.message, "anything at all"),
        other => panic!("{other:?}"),
    }
    // 10 MB lines with many `=` and an unclosed quote stay linear.
    let mut huge = String::from("2026-11-22 03:10:41 INFO ");
    while huge.len() < 10_000_000 {
        huge.push_str("a=b c=\"d ");
    }
    huge.push('\0');
    let start = std::time::Instant::now();
    for name in builtin_names() {
        let f = Format::by_name(name, &[]).unwrap();
        let _ = f.parse_line(&huge, &mut ctx("UTC", MTIME));
    }
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
}

/// (format, real line, expected `&line[time_span]`).
const SPANS: &[(&str, &str, &str)] = &[
    (
        "android",
        "03-17 16:13:38.819  1702  8671 D PowerManagerService: acquire lock=233570404, flags=0x1, tag=\"View Lock\", name=com.android.systemui, ws=null, uid=10037, pid=2227\r",
        "03-17 16:13:38.819",
    ),
    (
        "apache-error",
        "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6\r",
        "[Sun Dec 04 04:47:44 2005]",
    ),
    (
        "apache-error",
        "[Wed Oct 11 14:32:52.123456 2017] [core:error] [pid 123:tid 456] [client 1.2.3.4:5678] AH00037: Symbolic link not allowed",
        "[Wed Oct 11 14:32:52.123456 2017]",
    ),
    (
        "hdfs",
        "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating\r",
        "081109 203615",
    ),
    (
        "iso",
        "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1445144423722_0020_000001\r",
        "2015-10-18 18:01:47,978",
    ),
    (
        "iso",
        "2026-11-22T07:40:03Z INFO starting",
        "2026-11-22T07:40:03Z",
    ),
    (
        "rfc3164",
        "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4 \r",
        "Jun 14 15:16:01",
    ),
    (
        "rfc3164",
        "Nov  2 07:39:58 vm a message without a program tag",
        "Nov  2 07:39:58",
    ),
    (
        "rfc3164",
        "Nov 22 2026 07:39:58 host prog: msg",
        "Nov 22 2026 07:39:58",
    ),
    // The PRI goes with the stamp, as RFC 5424's does.
    (
        "rfc3164",
        "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
        "<34>Oct 11 22:14:15",
    ),
    (
        "rfc3339-syslog",
        "<6>2016-10-12T14:10:18Z hostname testmsg[20]: Test",
        "<6>2016-10-12T14:10:18Z",
    ),
    (
        "spark",
        "17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers for [TERM, HUP, INT]\r",
        "17/06/09 20:10:40",
    ),
    (
        "access",
        "83.149.9.216 - - [17/May/2015:10:05:03 +0000] \"GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1\" 200 203023 \"http://semicomplete.com/presentations/logstash-monitorama-2013/\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36\"",
        "[17/May/2015:10:05:03 +0000]",
    ),
    (
        "access",
        "10.0.0.9 - frank [21/Nov/2026:21:10:03 -0500] \"\\x16\\x03\\x01\" 400 157 \"-\" \"-\"",
        "[21/Nov/2026:21:10:03 -0500]",
    ),
    (
        "json",
        "{\"time_iso8601\":\"2026-11-21T21:09:59-05:00\",\"time_local\":\"21/Nov/2026:21:09:59 -0500\",\"msec\":1795313399.076,\"remote_addr\":\"127.0.0.1\",\"remote_user\":\"\",\"request\":\"GET / HTTP/1.1\",\"status\":200,\"body_bytes_sent\":32,\"http_referer\":\"\",\"http_user_agent\":\"curl/7.88.1\",\"request_time\":0.000}",
        "\"msec\":1795313399.076",
    ),
    (
        "json",
        "{\"timereported\":\"2026-11-22T07:39:58.484023+05:30\", \"timegenerated\":\"2026-11-22T07:39:58.484023+05:30\", \"host\":\"vm\", \"facility\":\"syslog\", \"severity\":\"info\", \"program\":\"rsyslogd\", \"tag\":\"rsyslogd:\", \"procid\":\"-\", \"msgid\":\"-\", \"sd\":\"-\", \"msg\":\" [origin software=\\\"rsyslogd\\\" swVersion=\\\"8.2302.0\\\" x-pid=\\\"31751\\\" x-info=\\\"https:\\/\\/www.rsyslog.com\\\"] start\"}",
        "\"timereported\":\"2026-11-22T07:39:58.484023+05:30\"",
    ),
    (
        "json",
        "{\"@timestamp\":\"2026-11-22T02:10:00.5Z\",\"log\":{\"level\":\"WARN\"},\"message\":\"disk low\",\"service\":{\"name\":\"api\"},\"tags\":[\"a\",\"b\"]}",
        "\"@timestamp\":\"2026-11-22T02:10:00.5Z\"",
    ),
    (
        "json",
        "{\"level\":30,\"time\":1795313400123,\"pid\":7,\"hostname\":\"box\",\"msg\":\"pino says hi\"}",
        "\"time\":1795313400123",
    ),
    (
        "json",
        "{\"date\":\"Sun, 22 Nov 2026 03:10:00 +0100\",\"lvl\":\"E\",\"message\":\"x\"}",
        "\"date\":\"Sun, 22 Nov 2026 03:10:00 +0100\"",
    ),
    // The key text inside a string, a nested `ts`, multi-byte text and blanks around the `:`.
    (
        "json",
        "{ \"msg\":\"h\u{e9}llo \\\"ts\\\":1 \u{2713}\",\"a\":{\"ts\":\"2000-01-01T00:00:00Z\"},\"ts\" : 1795313400 }",
        "\"ts\" : 1795313400",
    ),
    (
        "ltsv",
        "time:2026-11-21T21:09:59-05:00\thost:127.0.0.1\treq:GET / HTTP/1.1\tstatus:200\tsize:32\tua:curl/7.88.1",
        "time:2026-11-21T21:09:59-05:00",
    ),
    (
        "ltsv",
        "host:h\tts:2026-11-21T21:09:59-05:00\tmsg:x\u{e9}",
        "ts:2026-11-21T21:09:59-05:00",
    ),
    (
        "nginx-error",
        "2026/11/21 21:09:58 [notice] 31987#31987: using the \"epoll\" event method\r",
        "2026/11/21 21:09:58",
    ),
    (
        "bracketed",
        "[2020-11-17 03:35:02.681] nsd[8910]: info: zone example.org. serial 2020111701 is updated",
        "[2020-11-17 03:35:02.681]",
    ),
    (
        "bracketed",
        "[2020-08-02T18:09:30,389][INFO ][logstash.agent] Successfully started Logstash API endpoint {:port=>9600}",
        "[2020-08-02T18:09:30,389]",
    ),
    (
        "rfc5424",
        "<46>1 2026-11-22T07:39:58.484023+05:30 vm rsyslogd - - -  [origin software=\"rsyslogd\" swVersion=\"8.2302.0\" x-pid=\"31751\" x-info=\"https://www.rsyslog.com\"] start",
        "<46>1 2026-11-22T07:39:58.484023+05:30",
    ),
    (
        "rfc5424",
        "<168>1 2026-11-22T02:09:58.874973+00:00 vm netapp5424 31724 ID0 [timeQuality tzKnown=\"1\" isSynced=\"0\"][exampleSDID@32473 iut=\"0\" eventSource=\"Application\"] EV0054 over udp rfc5424 k=0",
        "<168>1 2026-11-22T02:09:58.874973+00:00",
    ),
    (
        "rfc3339-syslog",
        "2026-11-22T07:39:58.589980+05:30 vm demo-app[31724]: EV0001 k=0 value=0 user=\"alice\" path=/var/tmp/x0",
        "2026-11-22T07:39:58.589980+05:30",
    ),
    (
        "logfmt",
        "ts=2026-11-22T02:10:00.25Z level=warn msg=\"disk \\\"almost\\\" full\" component=storage free_mb=12",
        "ts=2026-11-22T02:10:00.25Z",
    ),
    (
        "logfmt",
        "level=info time=\"2026-11-22T02:10:00Z\" msg=x",
        "time=\"2026-11-22T02:10:00Z\"",
    ),
    (
        "kv",
        "date=2026-11-22 time=07:39:58 devname=\"FG100\" type=\"traffic\" srcip=10.1.1.5 dstip=8.8.8.8 action=\"deny\"",
        "date=2026-11-22 time=07:39:58",
    ),
    // Not adjacent: the time pair alone, so `devname` stays searchable.
    (
        "kv",
        "date=2026-11-22 devname=\"FG100\" time=07:39:58 action=\"deny\"",
        "time=07:39:58",
    ),
    (
        "epoch",
        "1795313399.076 ERROR upstream timed out",
        "1795313399.076",
    ),
    (
        "epoch",
        "1795313399076 cache warmed in 1795 ms",
        "1795313399076",
    ),
    (
        "mysql-slow",
        "# Time: 2024-05-10T17:44:36.400424Z",
        "2024-05-10T17:44:36.400424Z",
    ),
];

fn span_text<'a>(fmt: &str, line: &'a str, user: &[UserFormat]) -> Option<&'a str> {
    let f = Format::by_name(fmt, user).unwrap();
    match f.parse_line(line, &mut ctx("UTC", MTIME)) {
        LineKind::Start(p) => line.get(p.time_span?.0..p.time_span?.1),
        other => panic!("{fmt}: {line:?} -> {other:?}"),
    }
}

#[test]
fn time_spans_cover_the_timestamp_text() {
    let mut failures = Vec::new();
    for &(fmt, line, want) in SPANS {
        // Also with a BOM before the line: the span indexes the line as given.
        for line in [line.to_string(), format!("\u{feff}{line}")] {
            let got = span_text(fmt, &line, &[]);
            if got != Some(want) {
                failures.push(format!("{fmt}: {line:?}\n  got  {got:?}\n  want {want:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every hand-written format has a case above (the data formats' span is their `ts` group,
    // checked in `data`), and every real line of the table has a span.
    // (W3C records are read under a header line before them: their span is checked in
    // `block_tests`.)
    for name in BUILTIN.iter().map(|(_, n)| *n).filter(|&n| n != "w3c") {
        assert!(
            SPANS.iter().any(|(f, ..)| *f == name),
            "no span case for {name}"
        );
    }
    for case in CASES {
        assert!(
            start(case.fmt, case.line, "UTC").time_span.is_some(),
            "{}: {:?}",
            case.fmt,
            case.line
        );
    }
    // User formats: the `ts` group; plain text: none.
    let user = [UserFormat {
        name: "myapp".to_string(),
        regex: r"(?P<level>\w+) @ (?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (?P<message>.*)"
            .to_string(),
        time_format: Some("%Y-%m-%d %H:%M:%S".to_string()),
    }];
    assert_eq!(
        span_text("myapp", "WARN @ 2026-11-22 03:10:41 slow", &user),
        Some("2026-11-22 03:10:41")
    );
    assert_eq!(span_text("text", "2026-11-22 03:10:41 x", &[]), None);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    /// Keys that the JSON parser would read a time from (they would compete with the chosen one).
    fn json_time_key(k: &str) -> bool {
        json::TIME_KEYS.contains(&k)
    }

    proptest! {
        #[test]
        fn never_panics(lines in proptest::collection::vec(".{0,120}", 0..8), prefix in prop::sample::select(vec![
            "", "<13>1 ", "Nov 22 ", "2026-11-22T", "2026-11-22 10:00:00", "[", "{\"ts\":", "ts=", "1795313399", "127.0.0.1 - - [", "03-17 ", "17/06/09 ", "081109 ", "2026/11/21 ", "time:",
        ])) {
            let lines: Vec<String> = lines.into_iter().map(|l| format!("{prefix}{l}")).collect();
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            let _ = detect(&refs, &[]);
            let user = [UserFormat {
                name: "u".to_string(),
                regex: r"(?P<ts>\S+ \S+) (?P<level>\S+)? ?(?P<rest>.*)".to_string(),
                time_format: None,
            }];
            let _ = detect(&refs, &user);
            for name in builtin_names().chain(["u"]) {
                let f = Format::by_name(name, &user).unwrap();
                let mut cx = ctx("Europe/Berlin", MTIME);
                for l in &refs {
                    let _ = f.parse_line(l, &mut cx);
                }
            }
        }

        #[test]
        fn time_spans_are_in_bounds(
            tail in ".{0,80}",
            bom in any::<bool>(),
            cr in any::<bool>(),
            head in prop::sample::select(vec![
                "", "<13>1 2026-11-22T07:39:58Z ", "<13>1 2026-11-22T07:39:58.1+05:30 - ",
                "Nov 22 07:39:58 ", "Nov  2 07:39:58.5 ", "Nov 22 2026 07:39:58 ",
                "2026-11-22T07:39:58.123456+05:30 ", "2026-11-22 10:00:00,1", "[2026-11-22 03:10:41.620]",
                "[2026-11-22 03:10:41] ", "{\"ts\":1795313400,", "{\"ts\":\"2026-11-22T02:10:00Z\"}",
                "ts=2026-11-22T02:10:00Z ", "ts=\"2026-11-22T02:10:00Z", "date=2026-11-22 time=07:39:58 ",
                "time:2026-11-21T21:09:59-05:00\t", "1795313399.076 ", "1795313399076",
                "127.0.0.1 - - [21/Nov/2026:21:09:59 -0500] \"GET / HTTP/1.1\" 200 ",
                "03-17 16:13:38.819  1702  8671 D ", "17/06/09 20:10:40 INFO ", "081109 203615 148 INFO ",
                "2026/11/21 21:09:58 [error] ", "[Sun Dec 04 04:47:44 2005] [error] ",
                "[Wed Oct 11 14:32:52.123456 2017] [core:error] ",
            ]),
        ) {
            let line = format!("{}{head}{tail}{}", if bom { "\u{feff}" } else { "" }, if cr { "\r" } else { "" });
            let user = [UserFormat {
                name: "u".to_string(),
                regex: r"(?P<ts>\S+ \S+) (?P<level>\S+)? ?(?P<rest>.*)".to_string(),
                time_format: None,
            }];
            for name in builtin_names().chain(["u"]) {
                let f = Format::by_name(name, &user).unwrap();
                let mut cx = ctx("Europe/Berlin", MTIME);
                if let LineKind::Start(p) = f.parse_line(&line, &mut cx) {
                    if name == "text" {
                        prop_assert_eq!(p.time_span, None);
                        continue;
                    }
                    prop_assert!(p.time_span.is_some(), "{name}: {line:?}");
                    if let Some((a, b)) = p.time_span {
                        prop_assert!(a < b && b <= line.len(), "{name}: {line:?} {a}..{b}");
                        prop_assert!(line.is_char_boundary(a) && line.is_char_boundary(b), "{name}: {line:?} {a}..{b}");
                        prop_assert!(!bom || a >= 3, "{name}: {line:?} {a}..{b}");
                    }
                }
            }
        }

        #[test]
        fn json_time_spans_find_the_member(
            members in proptest::collection::vec((".{0,6}", ".{0,12}"), 0..6),
            key in prop::sample::select(vec!["ts", "time", "@timestamp", "msec", "t"]),
            at in 0usize..6,
        ) {
            let mut obj: Vec<(String, serde_json::Value)> = members
                .into_iter()
                .filter(|(k, _)| !k.is_empty() && !json_time_key(k))
                .map(|(k, v)| (k, serde_json::Value::String(v)))
                .collect();
            let at = at.min(obj.len());
            obj.insert(at, (key.to_string(), serde_json::Value::String("2026-11-22T02:10:00.25Z".to_string())));
            let body: Vec<String> = obj
                .iter()
                .map(|(k, v)| format!("{}:{}", serde_json::to_string(k).unwrap(), v))
                .collect();
            let line = format!("{{{}}}", body.join(", "));
            match Format::by_name("json", &[]).unwrap().parse_line(&line, &mut ctx("UTC", MTIME)) {
                LineKind::Start(p) => {
                    let (a, b) = p.time_span.unwrap();
                    let want = format!("\"{key}\":\"2026-11-22T02:10:00.25Z\"");
                    prop_assert_eq!(line.get(a..b), Some(want.as_str()), "{}", line);
                }
                other => prop_assert!(false, "{line}: {other:?}"),
            }
        }

        #[test]
        fn rfc3339_round_trips(secs in 0i64..9_223_372_036, us in 0u32..1_000_000, off_min in -14 * 60i32..=14 * 60) {
            let off = chrono::FixedOffset::east_opt(off_min * 60).unwrap();
            let utc = chrono::DateTime::from_timestamp(secs, us * 1000).unwrap();
            let text = utc.with_timezone(&off).to_rfc3339_opts(chrono::SecondsFormat::Micros, false);
            let want = utc.timestamp_micros();
            for (fmt, line) in [("rfc3339-syslog", format!("{text} host prog[1]: m")), ("iso", format!("{text} INFO m"))] {
                match Format::by_name(fmt, &[]).unwrap().parse_line(&line, &mut ctx("Asia/Tokyo", MTIME)) {
                    LineKind::Start(p) => prop_assert_eq!(p.ts, want, "{}", line),
                    other => prop_assert!(false, "{line}: {other:?}"),
                }
            }
        }
    }
}
