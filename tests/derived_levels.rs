//! Levels derived without a level field, through the binary: an nginx 502 storm (the status
//! gives the level), a collector's file of syslog lines that kept their PRI (the severity
//! gives it, the facility is a field), and Debian's per-selector files (`mail.err`,
//! `kern.log`). `level:>=error` (the explorer's `e`) counts exactly the 5xx and err-or-worse
//! lines planted.

mod common;

use common::{count, stdout, tl};
use std::fs;
use std::path::Path;

/// One access-log line in nginx's combined format, as in Filebeat's test log.
fn access(second: u32, path: &str, status: u16) -> String {
    format!(
        "77.179.66.156 - - [22/Nov/2026:03:16:{second:02} +0000] \"GET {path} HTTP/1.1\" {status} 571 \"-\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/54.0.2840.98 Safari/537.36\"\n"
    )
}

/// The statuses planted, in order: 20 ok, a storm of 40 502s among 3 503s and 2 500s, 9 4xx.
fn statuses() -> Vec<u16> {
    let mut s = vec![200; 12];
    s.extend([304; 5]);
    s.extend([301; 3]);
    s.extend([502; 40]);
    s.extend([503, 503, 503, 500, 500]);
    s.extend([404, 404, 404, 404, 404, 404, 403, 499, 499]);
    s
}

/// Kernel and daemon lines as a collector writes them with a template that keeps the PRI
/// (`<%PRI%>%TIMESTAMP% %HOSTNAME% %syslogtag%%msg%`): 6 err or worse, 1 warning, 3 below.
const DEVICES: &str = "\
<3>Nov 22 03:20:01 web01 kernel: [12345.678901] Out of memory: Killed process 4242 (java) total-vm:8123456kB, anon-rss:4123456kB
<3>Nov 22 03:20:02 web01 kernel: [12400.100000] blk_update_request: I/O error, dev sda, sector 123456 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0
<3>Nov 22 03:20:03 web01 kernel: [12401.200000] EXT4-fs error (device sda1): ext4_find_entry:1455: inode #2: comm systemd: reading directory lblock 0
<0>Nov 22 03:20:04 web01 kernel: [12402.300000] Kernel panic - not syncing: Fatal exception
<34>Nov 22 03:20:05 web01 su: 'su root' failed for lonvick on /dev/pts/8
<27>Nov 22 03:20:06 web01 nginx[812]: 2026/11/22 03:20:06 [emerg] 812#812: bind() to 0.0.0.0:80 failed (98: Address already in use)
<4>Nov 22 03:20:07 web01 kernel: [12500.000000] CPU0: Core temperature above threshold, cpu clock throttled (total events = 1)
<6>Nov 22 03:20:08 web01 kernel: [12501.000000] e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None
<30>Nov 22 03:20:09 web01 systemd[1]: Started Session 3 of user alice.
<13>Nov 22 03:20:10 web01 logger: hello
";

fn search_count(idx: &Path, config: &Path, logs: &Path, query: &str) -> u64 {
    count(
        tl(idx, config)
            .args(["search", "--count", "-q", query])
            .arg(logs),
    )
}

#[test]
fn a_502_storm_and_pri_errors_are_errors_and_4xx_are_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    fs::create_dir_all(logs.join("nginx")).unwrap();
    fs::create_dir_all(logs.join("remote")).unwrap();
    let statuses = statuses();
    let text: String = statuses
        .iter()
        .enumerate()
        .map(|(i, &s)| access(i as u32 % 60, &format!("/api/orders/{i}"), s))
        .collect();
    fs::write(logs.join("nginx/access.log"), text).unwrap();
    fs::write(logs.join("remote/devices.log"), DEVICES).unwrap();
    let config = dir.path().join("config.toml");
    fs::write(&config, "").unwrap();
    let idx = dir.path().join("index");

    let of_class = |c: u16| statuses.iter().filter(|&&s| s / 100 == c).count() as u64;
    assert_eq!((of_class(5), of_class(4)), (45, 9));
    let q = |query: &str| search_count(&idx, &config, &logs, query);
    assert_eq!(q("level:>=error"), of_class(5) + 6);
    assert_eq!(q("level:warn"), of_class(4) + 1);
    assert_eq!(q("level:info"), of_class(1) + of_class(2) + of_class(3) + 2);
    assert_eq!(q("level:>=error source:access.log"), of_class(5));
    assert_eq!(q("level:>=error status:502"), 40);
    // The severities by name: emerg, crit, err (with the 5xx).
    assert_eq!(q("level:emerg"), 1);
    assert_eq!(q("level:crit"), 1);
    assert_eq!(q("level:error"), of_class(5) + 4);
    // The facility is a field.
    assert_eq!(q("facility:kern"), 6);
    assert_eq!(q("facility:kern level:>=error"), 4);
    assert_eq!(q("facility:auth"), 1);

    let out = stdout(
        tl(&idx, &config)
            .args(["search", "--format", "jsonl", "-q", "EXT4"])
            .arg(&logs),
    );
    let rec: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(rec["level"], "error", "{rec}");
    assert_eq!(rec["fields"]["facility"], "kern", "{rec}");
    assert_eq!(rec["program"], "kernel", "{rec}");
}

/// Postfix's fatal errors (ubuntuforums, "Postfix and Spamassassin problem?") and loghub's
/// Linux kernel lines, as rsyslog writes them (no PRI) into Debian's files.
const POSTFIX_FATAL: &str = "\
Nov 20 15:12:18 ubuntu postfix/postfix-script: fatal: the Postfix mail system is not running
Nov 20 15:13:28 ubuntu postfix/postfix-script: fatal: the Postfix mail system is not running
Nov 20 15:14:28 ubuntu postfix/postqueue[3343]: fatal: Cannot flush mail queue - mail system is down
";
const POSTFIX_INFO: &str = "\
Nov 20 15:13:37 ubuntu postfix/postfix-script: starting the Postfix mail system
Nov 20 15:13:37 ubuntu postfix/master[3648]: daemon started -- version 2.1.3
";
const KERNEL: &str = "\
Jul 27 14:41:57 combo kernel: klogd 1.4.1, log source = /proc/kmsg started.
Jul 27 14:41:57 combo kernel: BIOS-provided physical RAM map:
";
const SYSLOG: &str = "\
Jul 27 14:41:57 combo kernel: 0MB HIGHMEM available.
Jul 27 14:41:57 combo kernel: 126MB LOWMEM available.
";

#[test]
fn debian_severity_and_facility_files_give_their_lines_a_level_and_a_facility() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    fs::create_dir_all(&logs).unwrap();
    fs::write(logs.join("mail.err"), POSTFIX_FATAL).unwrap();
    // A rotated severity file is still one.
    fs::write(
        logs.join("mail.err.1"),
        "Nov 19 09:00:01 ubuntu postfix/postfix-script: fatal: the Postfix mail system is not running\n",
    )
    .unwrap();
    fs::write(logs.join("mail.info"), POSTFIX_INFO).unwrap();
    fs::write(logs.join("kern.log"), KERNEL).unwrap();
    fs::write(logs.join("syslog"), SYSLOG).unwrap();
    let config = dir.path().join("config.toml");
    fs::write(&config, "").unwrap();
    let idx = dir.path().join("index");
    let q = |query: &str| search_count(&idx, &config, &logs, query);

    assert_eq!(q("level:>=error"), 4);
    assert_eq!(q("level:error source:mail.err"), 4);
    assert_eq!(q("facility:mail"), 6);
    // kern.log names a facility, not a severity; syslog names neither.
    assert_eq!(q("facility:kern"), 2);
    assert_eq!(q("facility:kern level:>=debug"), 0);
    assert_eq!(q("kernel"), 4);
    let out = stdout(
        tl(&idx, &config)
            .args(["search", "--format", "jsonl", "-q", "postqueue"])
            .arg(&logs),
    );
    let rec: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(rec["level"], "error", "{rec}");
    assert_eq!(rec["fields"]["facility"], "mail", "{rec}");
}
