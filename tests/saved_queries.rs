//! The starter saved queries find what they promise on real-format lines, headless, and team
//! files and unknown names behave.

mod common;

use common::{count, stdout};
use std::fs;
use std::path::Path;

fn tl(idx: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("timberline").unwrap();
    // HOME points at the temp dir, so no user queries.toml interferes.
    cmd.env("TIMBERLINE_INDEX_DIR", idx)
        .env("TZ", "UTC")
        .env("HOME", idx)
        .env("XDG_CONFIG_HOME", idx);
    cmd
}

const SYSLOG: &str = "\
Nov 22 03:10:01 web01 sshd[1201]: Failed password for root from 203.0.113.9 port 52211 ssh2
Nov 22 03:10:05 web01 sshd[1203]: Invalid user admin from 203.0.113.9 port 52213
Nov 22 03:10:06 web01 sshd[1203]: Accepted publickey for alice from 10.0.0.5 port 40000 ssh2
Nov 22 03:11:00 web01 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx
Nov 22 03:11:30 web01 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=postgres ; COMMAND=/usr/bin/psql
Nov 22 03:12:00 web01 kernel: [12345.678901] Out of memory: Killed process 4242 (java) total-vm:8123456kB, anon-rss:4123456kB
Nov 22 03:12:30 web01 kernel: [12346.000001] app[4300]: segfault at 0 ip 00007f3a2b1c4d5e sp 00007ffd1a2b3c40 error 4 in libc.so.6[7f3a2b000000+1c5000]
Nov 22 03:13:00 web01 systemd[1]: nginx.service: Scheduled restart job, restart counter is at 3.
Nov 22 03:14:00 web01 kernel: [12400.100000] blk_update_request: I/O error, dev sda, sector 123456 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0
Nov 22 03:15:00 web01 CRON[5000]: (root) CMD (run-parts /etc/cron.hourly)
";

const ACCESS: &str = "\
203.0.113.9 - - [22/Nov/2026:03:16:00 +0000] \"GET /.env HTTP/1.1\" 404 153 \"-\" \"curl/8.0\"
203.0.113.9 - - [22/Nov/2026:03:16:01 +0000] \"GET /wp-login.php HTTP/1.1\" 404 153 \"-\" \"Mozilla/5.0\"
203.0.113.9 - - [22/Nov/2026:03:16:02 +0000] \"GET /api/stager HTTP/1.1\" 502 0 \"-\" \"python-requests/2.31\"
10.0.0.1 - - [22/Nov/2026:03:16:03 +0000] \"GET / HTTP/1.1\" 200 512 \"-\" \"curl/8.0\"
";

fn logs() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("syslog"), SYSLOG).unwrap();
    fs::create_dir(d.path().join("nginx")).unwrap();
    fs::write(d.path().join("nginx/access.log"), ACCESS).unwrap();
    d
}

#[test]
fn every_starter_query_finds_its_events_and_only_them() {
    let logs = logs();
    let idx = tempfile::tempdir().unwrap();
    for (name, want) in [
        ("ssh-brute-force", 1),
        ("invalid-users", 1),
        ("sudo-to-root", 1),
        ("oom-killer", 1),
        ("segfaults", 1),
        ("http-5xx", 1),
        ("web-scans", 3),
        ("service-restarts", 1),
        ("disk-errors", 1),
    ] {
        let n = count(
            tl(idx.path())
                .args(["search", "--count", "--saved", name])
                .arg(logs.path()),
        );
        assert_eq!(n, want, "{name}");
    }
    let out = stdout(
        tl(idx.path())
            .args(["search", "--saved", "sudo-to-root"])
            .arg(logs.path()),
    );
    assert!(
        out.contains("USER=root") && !out.contains("USER=postgres"),
        "{out}"
    );
    // -q narrows a saved query.
    let n = count(
        tl(idx.path())
            .args([
                "search",
                "--count",
                "--saved",
                "web-scans",
                "-q",
                "status:502",
            ])
            .arg(logs.path()),
    );
    assert_eq!(n, 1);
    let h = stdout(
        tl(idx.path())
            .args([
                "histogram",
                "--saved",
                "web-scans",
                "--bucket",
                "1m",
                "--format",
                "json",
            ])
            .arg(logs.path()),
    );
    assert!(h.contains("\"count\":3"), "{h}");
}

#[test]
fn a_team_file_overrides_the_starter_set_and_unknown_names_are_usage_errors() {
    let logs = logs();
    let idx = tempfile::tempdir().unwrap();
    let team_dir = tempfile::tempdir().unwrap();
    let team = team_dir.path().join("team.toml");
    fs::write(&team, "[[query]]\nname = \"ssh-brute-force\"\ndescription = \"team version\"\nquery = 'program:sshd'\nlevel = \"info\"\n\n[[query]]\nname = \"cron\"\nquery = 'program:CRON'\n").unwrap();
    let n = count(
        tl(idx.path())
            .args(["--queries"])
            .arg(&team)
            .args(["search", "--count", "--saved", "cron"])
            .arg(logs.path()),
    );
    assert_eq!(n, 1);
    // The team's ssh-brute-force adds `level:>=info`: syslog lines have no level, so none match.
    let n = count(
        tl(idx.path())
            .args(["--queries"])
            .arg(&team)
            .args(["search", "--count", "--saved", "ssh-brute-force"])
            .arg(logs.path()),
    );
    assert_eq!(n, 0);
    let out = tl(idx.path())
        .args(["search", "--saved", "nope"])
        .arg(logs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no saved query named \"nope\"") && err.contains("ssh-brute-force"),
        "{err}"
    );
    fs::write(
        &team,
        "[[query]]\nname = \"bad\"\nquery = 'status:[500 TO'\n",
    )
    .unwrap();
    let out = tl(idx.path())
        .args(["--queries"])
        .arg(&team)
        .args(["search", "--saved", "bad"])
        .arg(logs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("team.toml:1:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
