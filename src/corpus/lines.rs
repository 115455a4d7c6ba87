//! The line templates of each format. Each call writes one whole event (its lines, each ending in
//! `\n`) into a reused buffer and says what it wrote that the manifest counts structurally.
//!
//! Vocabulary rules that keep the planted facts exact: the common term `connection` appears only
//! as a whole word (never `connect`, `connecting`, `connections`, `db_connection`, so stemming or
//! not, a search counts the same events); the rare string appears only where planted; `status`
//! is a field only in the access log and the JSON log; `session opened for user root` is always
//! followed by `(`.

use super::clock::{self, ZoneClock, push_hex, push_pad, push_u64};
use super::rng::Rng;
use crate::event::Level;

pub(crate) const RARE: &str = "ZEBRA-7f3a9";

/// The format of a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `remote/<host>/syslog`: RFC 3164.
    Syslog3164,
    /// `remote/<host>/auth.log`: RFC 3164, sshd/sudo/pam.
    Auth,
    /// `syslog`: RFC 3339 with microseconds and an offset (Debian 12).
    Syslog3339,
    /// `nginx/access.log`: combined format.
    Access,
    /// `nginx/error.log`.
    NginxError,
    /// `app/api.jsonl`.
    ApiJson,
    /// `app/worker.log`: logfmt with Python tracebacks.
    Worker,
}

impl Kind {
    pub(crate) fn format_name(self) -> &'static str {
        match self {
            Kind::Syslog3164 | Kind::Auth => "rfc3164",
            Kind::Syslog3339 => "rfc3339-syslog",
            Kind::Access => "nginx-combined",
            Kind::NginxError => "nginx-error",
            Kind::ApiJson => "jsonl",
            Kind::Worker => "logfmt",
        }
    }

    /// The resolution of the written timestamps, in microseconds.
    pub(crate) fn precision_us(self) -> i64 {
        match self {
            Kind::Syslog3164 | Kind::Auth | Kind::Access | Kind::NginxError => 1_000_000,
            Kind::ApiJson => 1_000,
            Kind::Syslog3339 | Kind::Worker => 1,
        }
    }
}

/// What an event must be instead of an ordinary one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Special {
    None,
    /// Carries the rare string.
    Rare,
    /// One line of the planted ssh brute-force burst.
    Spike,
}

/// What the manifest counts structurally (the text terms are counted by scanning).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Info {
    pub level: Option<Level>,
    pub status: Option<u16>,
}

const USERS: [&str; 12] = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "oscar",
];
const BAD_USERS: [&str; 14] = [
    "admin",
    "test",
    "oracle",
    "ubuntu",
    "postgres",
    "git",
    "user",
    "guest",
    "ftpuser",
    "pi",
    "support",
    "deploy",
    "hadoop",
    "minecraft",
];
const CRON_CMDS: [&str; 6] = [
    "cd / && run-parts --report /etc/cron.hourly",
    "[ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then /usr/lib/php/sessionclean; fi",
    "command -v debian-sa1 > /dev/null && debian-sa1 1 1",
    "/usr/local/bin/backup-db --quiet",
    "test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }",
    "/usr/bin/certbot -q renew",
];
const SUDO_CMDS: [&str; 6] = [
    "/usr/bin/systemctl restart nginx",
    "/usr/bin/journalctl -u ssh --since today",
    "/usr/bin/apt-get update",
    "/usr/bin/tail -n 200 /var/log/syslog",
    "/usr/sbin/ufw status verbose",
    "/bin/bash",
];
const UNITS: [&str; 8] = [
    "logrotate.service - Rotate log files",
    "apt-daily.service - Daily apt download activities",
    "man-db.service - Daily man-db regeneration",
    "sysstat-collect.service - system activity accounting tool",
    "phpsessionclean.service - Clean php session files",
    "fstrim.service - Discard unused blocks on filesystems from /etc/fstab",
    "certbot.service - Certbot",
    "e2scrub_all.service - Online ext4 Metadata Check for All Filesystems",
];
const PATHS: [&str; 12] = [
    "/",
    "/api/v1/orders",
    "/api/v1/orders/",
    "/api/v1/products",
    "/api/v1/products/",
    "/api/v1/cart",
    "/api/v1/login",
    "/static/js/app.",
    "/static/css/site.",
    "/images/p/",
    "/checkout",
    "/search?q=",
];
const SEARCH_WORDS: [&str; 8] = [
    "shoes", "lamp", "coffee", "desk", "usb-c", "backpack", "kettle", "socks",
];
const SCANS: [&str; 8] = [
    "/.env",
    "/wp-login.php",
    "/.git/config",
    "/phpmyadmin/index.php",
    "/wp-admin/setup-config.php",
    "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
    "/.aws/credentials",
    "/cgi-bin/luci/;stok=/locale",
];
const UAS: [&str; 6] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "okhttp/4.12.0",
    "Go-http-client/2.0",
];
const SCAN_UAS: [&str; 4] = [
    "Mozilla/5.0 zgrab/0.x",
    "python-requests/2.31.0",
    "curl/8.5.0",
    "Mozilla/5.0 (compatible; Nmap Scripting Engine)",
];
const JOBS: [&str; 6] = [
    "resize_image",
    "send_email",
    "sync_inventory",
    "generate_invoice",
    "reindex_search",
    "expire_sessions",
];

/// Per-family generator state.
pub(crate) struct Gen {
    pub kind: Kind,
    host: String,
    pub zone: ZoneClock,
    pid: u64,
    seq: u64,
    boot_s: i64,
}

impl Gen {
    pub(crate) fn new(
        kind: Kind,
        host: &str,
        zone: ZoneClock,
        start_us: i64,
        rng: &mut Rng,
    ) -> Gen {
        Gen {
            kind,
            host: host.to_string(),
            zone,
            pid: rng.range(2_000, 60_000),
            seq: rng.range(1_000, 90_000),
            boot_s: start_us / 1_000_000 - rng.range(86_400, 40 * 86_400) as i64,
        }
    }

    fn next_pid(&mut self, rng: &mut Rng) -> u64 {
        self.pid += rng.range(1, 40);
        if self.pid > 4_194_000 {
            self.pid = 1_000;
        }
        self.pid
    }

    /// Writes one event (all its lines) for time `us` into `b`.
    pub(crate) fn event(
        &mut self,
        rng: &mut Rng,
        us: i64,
        special: Special,
        b: &mut Vec<u8>,
    ) -> Info {
        match self.kind {
            Kind::Syslog3164 => {
                clock::rfc3164(b, us, &mut self.zone);
                self.host_prefix(b);
                self.syslog_body(rng, us, special, b);
                Info::default()
            }
            Kind::Syslog3339 => {
                clock::rfc3339_micros_offset(b, us, &mut self.zone);
                self.host_prefix(b);
                self.syslog_body(rng, us, special, b);
                Info::default()
            }
            Kind::Auth => {
                clock::rfc3164(b, us, &mut self.zone);
                self.host_prefix(b);
                self.auth_body(rng, special, b);
                Info::default()
            }
            Kind::Access => self.access(rng, us, special, b),
            Kind::NginxError => self.nginx_error(rng, us, special, b),
            Kind::ApiJson => self.api(rng, us, special, b),
            Kind::Worker => self.worker(rng, us, special, b),
        }
    }

    fn host_prefix(&self, b: &mut Vec<u8>) {
        b.push(b' ');
        b.extend_from_slice(self.host.as_bytes());
        b.push(b' ');
    }

    fn prog(&mut self, rng: &mut Rng, b: &mut Vec<u8>, name: &str) {
        b.extend_from_slice(name.as_bytes());
        b.push(b'[');
        let pid = self.next_pid(rng);
        push_u64(b, pid);
        b.extend_from_slice(b"]: ");
    }

    fn kernel(&self, rng: &mut Rng, us: i64, b: &mut Vec<u8>) {
        let up = (us / 1_000_000 - self.boot_s).max(0) as u64;
        b.extend_from_slice(b"kernel: [");
        // `printk` pads the uptime seconds to 5 columns.
        let mut digits = 1;
        let mut x = up;
        while x >= 10 {
            x /= 10;
            digits += 1;
        }
        for _ in digits..5 {
            b.push(b' ');
        }
        push_u64(b, up);
        b.push(b'.');
        // Second-resolution files lose the sub-second part of `us`: make one up.
        let frac = if us % 1_000_000 == 0 {
            rng.below(1_000_000)
        } else {
            us.rem_euclid(1_000_000) as u64
        };
        push_pad(b, frac, 6);
        b.extend_from_slice(b"] ");
    }

    fn syslog_body(&mut self, rng: &mut Rng, us: i64, special: Special, b: &mut Vec<u8>) {
        if special == Special::Rare {
            if self.kind == Kind::Syslog3164 {
                self.prog(rng, b, "deploy");
                b.extend_from_slice(b"release ");
                b.extend_from_slice(RARE.as_bytes());
                b.extend_from_slice(b" rolled out to /srv/app/current\n");
            } else {
                self.prog(rng, b, "CRON");
                b.extend_from_slice(b"(root) CMD (/usr/local/bin/backup --tag ");
                b.extend_from_slice(RARE.as_bytes());
                b.extend_from_slice(b")\n");
            }
            return;
        }
        let r = rng.below(100);
        match r {
            0..=27 => {
                self.prog(rng, b, "CRON");
                b.extend_from_slice(b"(root) CMD (");
                b.extend_from_slice(rng.pick(&CRON_CMDS).as_bytes());
                b.extend_from_slice(b")\n");
            }
            28..=41 => {
                b.extend_from_slice(b"systemd[1]: ");
                let unit = *rng.pick(&UNITS);
                match rng.below(3) {
                    0 => b.extend_from_slice(b"Starting "),
                    1 => b.extend_from_slice(b"Finished "),
                    _ => {
                        b.extend_from_slice(b"Started session-");
                        let n = self.next_seq(rng);
                        push_u64(b, n);
                        b.extend_from_slice(b".scope - Session ");
                        push_u64(b, n);
                        b.extend_from_slice(b" of User ");
                        b.extend_from_slice(rng.pick(&USERS).as_bytes());
                        b.extend_from_slice(b".\n");
                        return;
                    }
                }
                b.extend_from_slice(unit.as_bytes());
                b.extend_from_slice(b".\n");
            }
            42..=56 => {
                self.kernel(rng, us, b);
                b.extend_from_slice(
                    b"[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef:08:00 SRC=",
                );
                push_ext_ip(rng, b);
                b.extend_from_slice(b" DST=10.0.0.");
                push_u64(b, rng.range(2, 40));
                b.extend_from_slice(b" LEN=");
                push_u64(b, rng.range(40, 60));
                b.extend_from_slice(b" TOS=0x00 PREC=0x00 TTL=");
                push_u64(b, rng.range(40, 250));
                b.extend_from_slice(b" ID=");
                push_u64(b, rng.below(65_536));
                b.extend_from_slice(b" PROTO=TCP SPT=");
                push_u64(b, rng.range(1024, 65_535));
                b.extend_from_slice(b" DPT=");
                push_u64(
                    b,
                    *rng.pick(&[23u64, 22, 3389, 445, 8080, 5900, 6379, 9200]),
                );
                b.extend_from_slice(b" WINDOW=1024 RES=0x00 SYN URGP=0\n");
            }
            57..=64 => {
                if rng.below(3) == 0 {
                    self.prog(rng, b, "postfix/smtpd");
                    b.extend_from_slice(b"lost connection after AUTH from unknown[");
                    push_ext_ip(rng, b);
                    b.extend_from_slice(b"]\n");
                } else {
                    self.prog(rng, b, "postfix/qmgr");
                    push_hex(b, rng.next_u64(), 10);
                    b.extend_from_slice(b": from=<noreply@example.com>, size=");
                    push_u64(b, rng.range(900, 90_000));
                    b.extend_from_slice(b", nrcpt=1 (queue active)\n");
                }
            }
            65..=72 => {
                self.prog(rng, b, "chronyd");
                if rng.below(4) == 0 {
                    b.extend_from_slice(b"Selected source 192.0.2.");
                    push_u64(b, rng.range(1, 20));
                    b.extend_from_slice(b" (2.debian.pool.ntp.org)\n");
                } else {
                    b.extend_from_slice(b"System clock wrong by 0.");
                    push_pad(b, rng.below(1_000_000), 6);
                    b.extend_from_slice(b" seconds, adjustment started\n");
                }
            }
            73..=80 => {
                self.prog(rng, b, "dhclient");
                b.extend_from_slice(b"DHCPREQUEST for 10.0.0.");
                push_u64(b, rng.range(2, 40));
                b.extend_from_slice(b" on eth0 to 10.0.0.1 port 67\n");
            }
            81..=87 => {
                self.prog(rng, b, "systemd-logind");
                b.extend_from_slice(b"New session ");
                let n = self.next_seq(rng);
                push_u64(b, n);
                b.extend_from_slice(b" of user ");
                b.extend_from_slice(rng.pick(&USERS).as_bytes());
                b.extend_from_slice(b".\n");
            }
            88..=92 => {
                self.prog(rng, b, "rsyslogd");
                b.extend_from_slice(
                    b"[origin software=\"rsyslogd\" swVersion=\"8.2302.0\" x-pid=\"612\" x-info=\"https://www.rsyslog.com\"] rsyslogd was HUPed\n",
                );
            }
            93..=96 => {
                self.kernel(rng, us, b);
                b.extend_from_slice(b"EXT4-fs (vda1): resizing filesystem from ");
                push_u64(b, rng.range(1_000_000, 9_000_000));
                b.extend_from_slice(b" to ");
                push_u64(b, rng.range(9_000_000, 20_000_000));
                b.extend_from_slice(b" blocks\n");
            }
            97 => {
                self.kernel(rng, us, b);
                b.extend_from_slice(b"Out of memory: Killed process ");
                push_u64(b, rng.range(1_000, 90_000));
                b.extend_from_slice(b" (java) total-vm:");
                push_u64(b, rng.range(4_000_000, 9_000_000));
                b.extend_from_slice(b"kB, anon-rss:");
                push_u64(b, rng.range(2_000_000, 4_000_000));
                b.extend_from_slice(
                    b"kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:8120kB oom_score_adj:0\n",
                );
            }
            _ => {
                self.prog(rng, b, "smartd");
                b.extend_from_slice(b"Device: /dev/sda [SAT], SMART Usage Attribute: 194 Temperature_Celsius changed from ");
                let t = rng.range(30, 45);
                push_u64(b, t);
                b.extend_from_slice(b" to ");
                push_u64(b, t + 1);
                b.push(b'\n');
            }
        }
    }

    fn next_seq(&mut self, rng: &mut Rng) -> u64 {
        self.seq += rng.range(1, 3);
        self.seq
    }

    fn auth_body(&mut self, rng: &mut Rng, special: Special, b: &mut Vec<u8>) {
        match special {
            Special::Rare => {
                self.prog(rng, b, "sshd");
                b.extend_from_slice(b"Invalid user ");
                b.extend_from_slice(RARE.as_bytes());
                b.extend_from_slice(b" from 198.51.100.77 port 40022\n");
                return;
            }
            Special::Spike => {
                self.prog(rng, b, "sshd");
                if rng.below(4) == 0 {
                    b.extend_from_slice(b"Failed password for root");
                } else {
                    b.extend_from_slice(b"Failed password for invalid user ");
                    b.extend_from_slice(rng.pick(&BAD_USERS).as_bytes());
                }
                b.extend_from_slice(b" from 203.0.113.66 port ");
                push_u64(b, rng.range(30_000, 65_000));
                b.extend_from_slice(b" ssh2\n");
                return;
            }
            Special::None => {}
        }
        let r = rng.below(100);
        let ui = rng.below(USERS.len() as u64) as usize;
        let user = USERS[ui];
        let uid = 1000 + ui as u64;
        match r {
            0..=13 => {
                self.prog(rng, b, "sshd");
                b.extend_from_slice(b"Accepted publickey for ");
                b.extend_from_slice(user.as_bytes());
                b.extend_from_slice(b" from 10.8.");
                push_u64(b, rng.below(4));
                b.push(b'.');
                push_u64(b, rng.range(2, 250));
                b.extend_from_slice(b" port ");
                push_u64(b, rng.range(30_000, 65_000));
                b.extend_from_slice(b" ssh2: ED25519 SHA256:");
                push_b64ish(rng, b, 43);
                b.push(b'\n');
            }
            14..=17 => {
                self.prog(rng, b, "sshd");
                b.extend_from_slice(b"Accepted password for ");
                b.extend_from_slice(user.as_bytes());
                b.extend_from_slice(b" from 10.8.");
                push_u64(b, rng.below(4));
                b.push(b'.');
                push_u64(b, rng.range(2, 250));
                b.extend_from_slice(b" port ");
                push_u64(b, rng.range(30_000, 65_000));
                b.extend_from_slice(b" ssh2\n");
            }
            18..=31 => {
                self.prog(rng, b, "sshd");
                b.extend_from_slice(b"pam_unix(sshd:session): session opened for user ");
                if rng.below(5) == 0 {
                    b.extend_from_slice(b"root(uid=0)");
                } else {
                    b.extend_from_slice(user.as_bytes());
                    b.extend_from_slice(b"(uid=");
                    push_u64(b, uid);
                    b.push(b')');
                }
                b.extend_from_slice(b" by (uid=0)\n");
            }
            32..=43 => {
                self.prog(rng, b, "sshd");
                b.extend_from_slice(b"pam_unix(sshd:session): session closed for user ");
                b.extend_from_slice(user.as_bytes());
                b.push(b'\n');
            }
            44..=53 => {
                self.prog(rng, b, "sshd");
                match rng.below(3) {
                    0 => b.extend_from_slice(b"Failed password for root"),
                    1 => {
                        b.extend_from_slice(b"Failed password for ");
                        b.extend_from_slice(user.as_bytes());
                    }
                    _ => {
                        b.extend_from_slice(b"Failed password for invalid user ");
                        b.extend_from_slice(rng.pick(&BAD_USERS).as_bytes());
                    }
                }
                b.extend_from_slice(b" from ");
                push_ext_ip(rng, b);
                b.extend_from_slice(b" port ");
                push_u64(b, rng.range(30_000, 65_000));
                b.extend_from_slice(b" ssh2\n");
            }
            54..=61 => {
                self.prog(rng, b, "sshd");
                b.extend_from_slice(b"Invalid user ");
                b.extend_from_slice(rng.pick(&BAD_USERS).as_bytes());
                b.extend_from_slice(b" from ");
                push_ext_ip(rng, b);
                b.extend_from_slice(b" port ");
                push_u64(b, rng.range(30_000, 65_000));
                b.push(b'\n');
            }
            62..=69 => {
                self.prog(rng, b, "sshd");
                b.extend_from_slice(b"Connection closed by invalid user ");
                b.extend_from_slice(rng.pick(&BAD_USERS).as_bytes());
                b.push(b' ');
                push_ext_ip(rng, b);
                b.extend_from_slice(b" port ");
                push_u64(b, rng.range(30_000, 65_000));
                b.extend_from_slice(b" [preauth]\n");
            }
            70..=75 => {
                self.prog(rng, b, "sshd");
                b.extend_from_slice(b"Received disconnect from ");
                push_ext_ip(rng, b);
                b.extend_from_slice(b" port ");
                push_u64(b, rng.range(30_000, 65_000));
                b.extend_from_slice(b":11: Bye Bye [preauth]\n");
            }
            76..=81 => {
                self.prog(rng, b, "sudo");
                b.extend_from_slice(b"   ");
                b.extend_from_slice(user.as_bytes());
                b.extend_from_slice(b" : TTY=pts/");
                push_u64(b, rng.below(6));
                b.extend_from_slice(b" ; PWD=/home/");
                b.extend_from_slice(user.as_bytes());
                b.extend_from_slice(b" ; USER=root ; COMMAND=");
                b.extend_from_slice(rng.pick(&SUDO_CMDS).as_bytes());
                b.push(b'\n');
            }
            82..=87 => {
                self.prog(rng, b, "sudo");
                b.extend_from_slice(
                    b"pam_unix(sudo:session): session opened for user root(uid=0) by ",
                );
                b.extend_from_slice(user.as_bytes());
                b.extend_from_slice(b"(uid=");
                push_u64(b, uid);
                b.extend_from_slice(b")\n");
            }
            88..=91 => {
                self.prog(rng, b, "sudo");
                b.extend_from_slice(b"pam_unix(sudo:session): session closed for user root\n");
            }
            92..=97 => {
                self.prog(rng, b, "CRON");
                if rng.below(4) == 0 {
                    b.extend_from_slice(b"pam_unix(cron:session): session opened for user www-data(uid=33) by (uid=0)\n");
                } else {
                    b.extend_from_slice(
                        b"pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)\n",
                    );
                }
            }
            _ => {
                self.prog(rng, b, "systemd-logind");
                b.extend_from_slice(b"Removed session ");
                let n = self.next_seq(rng);
                push_u64(b, n);
                b.extend_from_slice(b".\n");
            }
        }
    }

    fn access(&mut self, rng: &mut Rng, us: i64, special: Special, b: &mut Vec<u8>) -> Info {
        let scan = special == Special::None && rng.below(100) < 3;
        if special == Special::Rare {
            b.extend_from_slice(b"198.51.100.77 - - [");
            clock::clf(b, us, &mut self.zone);
            b.extend_from_slice(b"] \"GET /search?q=");
            b.extend_from_slice(RARE.as_bytes());
            b.extend_from_slice(b" HTTP/1.1\" 200 5120 \"-\" \"curl/8.5.0\"\n");
            return Info {
                level: None,
                status: Some(200),
            };
        }
        if scan {
            push_ext_ip(rng, b);
            b.extend_from_slice(b" - - [");
            clock::clf(b, us, &mut self.zone);
            b.extend_from_slice(b"] \"GET ");
            b.extend_from_slice(rng.pick(&SCANS).as_bytes());
            let status = if rng.below(5) == 0 { 403 } else { 404 };
            b.extend_from_slice(b" HTTP/1.1\" ");
            push_u64(b, status);
            b.extend_from_slice(b" 153 \"-\" \"");
            b.extend_from_slice(rng.pick(&SCAN_UAS).as_bytes());
            b.extend_from_slice(b"\"\n");
            return Info {
                level: None,
                status: Some(status as u16),
            };
        }
        let status: u16 = match rng.below(1000) {
            0..=819 => 200,
            820..=869 => 304,
            870..=889 => 301,
            890..=929 => 404,
            930..=939 => 401,
            940..=949 => 403,
            950..=959 => 499,
            960..=972 => 500,
            973..=985 => 502,
            986..=994 => 503,
            _ => 504,
        };
        if rng.below(3) == 0 {
            b.extend_from_slice(b"10.8.");
            push_u64(b, rng.below(4));
            b.push(b'.');
            push_u64(b, rng.range(2, 250));
        } else {
            push_ext_ip(rng, b);
        }
        b.extend_from_slice(b" - ");
        if rng.below(4) == 0 {
            b.extend_from_slice(rng.pick(&USERS).as_bytes());
        } else {
            b.push(b'-');
        }
        b.extend_from_slice(b" [");
        clock::clf(b, us, &mut self.zone);
        b.extend_from_slice(b"] \"");
        let pi = rng.below(PATHS.len() as u64) as usize;
        let method: &[u8] = if pi == 5 || pi == 6 || (pi == 1 && rng.below(4) == 0) {
            b"POST "
        } else {
            b"GET "
        };
        b.extend_from_slice(method);
        b.extend_from_slice(PATHS[pi].as_bytes());
        match pi {
            2 | 4 | 9 => push_u64(b, rng.range(1, 99_999)),
            7 => {
                push_hex(b, rng.next_u64(), 8);
                b.extend_from_slice(b".js");
            }
            8 => {
                push_hex(b, rng.next_u64(), 8);
                b.extend_from_slice(b".css");
            }
            11 => b.extend_from_slice(rng.pick(&SEARCH_WORDS).as_bytes()),
            1 | 3 => {
                b.extend_from_slice(b"?page=");
                push_u64(b, rng.range(1, 20));
            }
            _ => {}
        }
        b.extend_from_slice(b" HTTP/1.1\" ");
        push_u64(b, u64::from(status));
        b.push(b' ');
        push_u64(
            b,
            if status == 304 {
                0
            } else {
                rng.range(120, 90_000)
            },
        );
        b.extend_from_slice(b" \"");
        if rng.below(3) == 0 {
            b.push(b'-');
        } else {
            b.extend_from_slice(b"https://shop.example.com");
            b.extend_from_slice(rng.pick(&PATHS[..7]).as_bytes());
        }
        b.extend_from_slice(b"\" \"");
        b.extend_from_slice(rng.pick(&UAS).as_bytes());
        b.extend_from_slice(b"\"\n");
        Info {
            level: None,
            status: Some(status),
        }
    }

    fn nginx_error(&mut self, rng: &mut Rng, us: i64, special: Special, b: &mut Vec<u8>) -> Info {
        clock::nginx_error(b, us, &mut self.zone);
        let r = rng.below(100);
        let level = if special == Special::Rare {
            Level::Error
        } else {
            match r {
                0..=59 => Level::Error,
                60..=87 => Level::Warn,
                88..=90 => Level::Crit,
                _ => Level::Notice,
            }
        };
        b.extend_from_slice(match level {
            Level::Error => b" [error] ",
            Level::Warn => b" [warn] ",
            Level::Crit => b" [crit] ",
            _ => b" [notice] ",
        });
        let worker = 1000 + self.pid % 7 + rng.below(2);
        if level == Level::Notice {
            b.extend_from_slice(b"1#1: signal process started\n");
            return Info {
                level: Some(level),
                status: None,
            };
        }
        push_u64(b, worker);
        b.push(b'#');
        push_u64(b, worker);
        b.extend_from_slice(b": *");
        self.seq += rng.range(1, 500);
        push_u64(b, self.seq);
        b.push(b' ');
        let (path, upstream) = match (special, level, r % 3) {
            (Special::Rare, _, _) => {
                b.extend_from_slice(b"open() \"/srv/www/shop/static/");
                b.extend_from_slice(RARE.as_bytes());
                b.extend_from_slice(b".txt\" failed (2: No such file or directory)");
                ("/static/missing.txt", false)
            }
            (_, Level::Error, 0) => {
                b.extend_from_slice(b"upstream timed out (110: Connection timed out) while reading response header from upstream");
                ("/api/v1/orders", true)
            }
            (_, Level::Error, 1) => {
                b.extend_from_slice(b"recv() failed (104: Connection reset by peer) while reading response header from upstream");
                ("/api/v1/products", true)
            }
            (_, Level::Error, _) => {
                let p = *rng.pick(&SCANS);
                b.extend_from_slice(b"open() \"/srv/www/shop");
                b.extend_from_slice(p.as_bytes());
                b.extend_from_slice(b"\" failed (2: No such file or directory)");
                (p, false)
            }
            (_, Level::Crit, _) => {
                b.extend_from_slice(b"SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking");
                ("", false)
            }
            _ => {
                b.extend_from_slice(b"an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/");
                push_u64(b, rng.below(10));
                b.extend_from_slice(b"/0");
                push_u64(b, rng.below(10));
                b.extend_from_slice(b"/00000");
                push_pad(b, rng.below(100_000), 5);
                b.extend_from_slice(b" while reading upstream");
                ("/api/v1/products", true)
            }
        };
        b.extend_from_slice(b", client: ");
        push_ext_ip(rng, b);
        if path.is_empty() {
            b.extend_from_slice(b", server: 0.0.0.0:443\n");
        } else {
            b.extend_from_slice(b", server: shop.example.com, request: \"GET ");
            b.extend_from_slice(path.as_bytes());
            b.extend_from_slice(b" HTTP/1.1\"");
            if upstream {
                b.extend_from_slice(b", upstream: \"http://127.0.0.1:8080");
                b.extend_from_slice(path.as_bytes());
                b.push(b'"');
            }
            b.extend_from_slice(b", host: \"shop.example.com\"\n");
        }
        Info {
            level: Some(level),
            status: None,
        }
    }

    fn api(&mut self, rng: &mut Rng, us: i64, special: Special, b: &mut Vec<u8>) -> Info {
        b.extend_from_slice(b"{\"ts\":\"");
        clock::rfc3339_utc(b, us, 3);
        if special == Special::None && rng.below(100) < 4 {
            b.extend_from_slice(b"\",\"level\":\"debug\",\"logger\":\"api.cache\",\"msg\":\"cache miss\",\"key\":\"product:");
            push_u64(b, rng.range(1, 99_999));
            b.extend_from_slice(b"\"}\n");
            return Info {
                level: Some(Level::Debug),
                status: None,
            };
        }
        let (level, status, msg): (Level, u16, &str) = if special == Special::Rare {
            (Level::Warn, 400, "rejected coupon code ZEBRA-7f3a9")
        } else {
            match rng.below(1000) {
                0..=799 => (Level::Info, 200, "request completed"),
                800..=849 => (Level::Info, 201, "request completed"),
                850..=869 => (Level::Info, 204, "request completed"),
                870..=889 => (Level::Warn, 400, "validation failed"),
                890..=904 => (Level::Warn, 401, "invalid credentials"),
                905..=934 => (Level::Info, 404, "request completed"),
                935..=949 => (Level::Warn, 429, "rate limit exceeded"),
                950..=964 => (Level::Warn, 200, "slow request"),
                965..=974 => (Level::Error, 500, "unhandled exception in handler"),
                975..=986 => (Level::Error, 502, "payment gateway returned bad gateway"),
                987..=995 => (Level::Error, 503, "database connection pool exhausted"),
                _ => (Level::Error, 504, "inventory service timed out"),
            }
        };
        b.extend_from_slice(b"\",\"level\":\"");
        b.extend_from_slice(level.as_str().as_bytes());
        b.extend_from_slice(b"\",\"logger\":\"api.http\",\"msg\":\"");
        b.extend_from_slice(msg.as_bytes());
        let pi = rng.below(7) as usize;
        b.extend_from_slice(if pi == 5 || pi == 6 {
            b"\",\"method\":\"POST\",\"path\":\""
        } else {
            b"\",\"method\":\"GET\",\"path\":\""
        });
        b.extend_from_slice(PATHS[pi].as_bytes());
        if pi == 2 || pi == 4 {
            push_u64(b, rng.range(1, 99_999));
        }
        b.extend_from_slice(b"\",\"status\":");
        push_u64(b, u64::from(status));
        b.extend_from_slice(b",\"latency_ms\":");
        let lat = if msg == "slow request" || status >= 502 {
            rng.range(1_000, 30_000)
        } else {
            rng.range(2, 400)
        };
        push_u64(b, lat);
        b.extend_from_slice(b",\"user\":\"");
        b.extend_from_slice(rng.pick(&USERS).as_bytes());
        b.extend_from_slice(b"\",\"request_id\":\"");
        push_hex(b, rng.next_u64(), 16);
        b.extend_from_slice(b"\"}\n");
        Info {
            level: Some(level),
            status: Some(status),
        }
    }

    fn worker(&mut self, rng: &mut Rng, us: i64, special: Special, b: &mut Vec<u8>) -> Info {
        b.extend_from_slice(b"ts=");
        clock::rfc3339_utc(b, us, 6);
        let ji = rng.below(JOBS.len() as u64) as usize;
        let job = JOBS[ji];
        self.seq += rng.range(1, 3);
        let job_id = self.seq;
        let r = if special == Special::Rare {
            999
        } else {
            rng.below(1000)
        };
        let level = match r {
            0..=99 => {
                b.extend_from_slice(
                    b" level=debug logger=worker.queue msg=\"polling queue\" queue=default depth=",
                );
                push_u64(b, rng.below(40));
                b.push(b'\n');
                return Info {
                    level: Some(Level::Debug),
                    status: None,
                };
            }
            100..=219 => {
                b.extend_from_slice(b" level=info logger=worker.jobs msg=\"job started\" job=");
                Level::Info
            }
            220..=919 => {
                b.extend_from_slice(b" level=info logger=worker.jobs msg=\"job finished\" job=");
                Level::Info
            }
            920..=969 => {
                b.extend_from_slice(
                    b" level=warning logger=worker.jobs msg=\"job retry scheduled\" job=",
                );
                Level::Warn
            }
            _ => {
                b.extend_from_slice(b" level=error logger=worker.jobs msg=\"job failed\" job=");
                Level::Error
            }
        };
        b.extend_from_slice(job.as_bytes());
        b.extend_from_slice(b" job_id=");
        push_u64(b, job_id);
        b.extend_from_slice(b" queue=default");
        match level {
            Level::Info => {
                b.extend_from_slice(b" duration_ms=");
                push_u64(b, rng.range(3, 9_000));
                b.push(b'\n');
            }
            Level::Warn => {
                b.extend_from_slice(b" attempt=");
                push_u64(b, rng.range(2, 5));
                b.extend_from_slice(b" backoff_s=30\n");
            }
            _ => {
                b.extend_from_slice(b" attempt=1\n");
                b.extend_from_slice(b"Traceback (most recent call last):\n  File \"/srv/worker/worker/runner.py\", line 118, in run_job\n    result = handler(**payload)\n");
                if special == Special::Rare {
                    b.extend_from_slice(b"  File \"/srv/worker/jobs/billing.py\", line 57, in apply_coupon\n    raise ValueError(f\"invalid coupon code {code!r}\")\nValueError: invalid coupon code '");
                    b.extend_from_slice(RARE.as_bytes());
                    b.extend_from_slice(b"'\n");
                } else {
                    match ji % 4 {
                        0 => {
                            b.extend_from_slice(b"  File \"/srv/worker/jobs/images.py\", line 42, in resize_image\n    raise ValueError(f\"unsupported dimensions {w}x{h}\")\nValueError: unsupported dimensions 0x");
                            push_u64(b, rng.range(100, 2000));
                            b.push(b'\n');
                        }
                        1 => b.extend_from_slice(b"  File \"/srv/worker/jobs/billing.py\", line 88, in generate_invoice\n    customer = payload[\"customer_id\"]\nKeyError: 'customer_id'\n"),
                        2 => b.extend_from_slice(b"  File \"/usr/lib/python3.11/socket.py\", line 706, in readinto\n    return self._sock.recv_into(b)\nConnectionResetError: [Errno 104] Connection reset by peer\n"),
                        _ => b.extend_from_slice(b"  File \"/srv/worker/jobs/search.py\", line 213, in reindex_search\n    lock.acquire(timeout=30)\nTimeoutError: timed out after 30s waiting for lock 'inventory'\n"),
                    }
                }
            }
        }
        Info {
            level: Some(level),
            status: None,
        }
    }
}

fn push_ext_ip(rng: &mut Rng, b: &mut Vec<u8>) {
    // Documentation and common scanner ranges; never 10.x (internal) or 198.51.100.77/203.0.113.66
    // (reserved for the planted events).
    const FIRST: [u64; 8] = [45, 185, 193, 103, 61, 91, 141, 80];
    push_u64(b, *rng.pick(&FIRST));
    b.push(b'.');
    push_u64(b, rng.range(1, 254));
    b.push(b'.');
    push_u64(b, rng.range(1, 254));
    b.push(b'.');
    push_u64(b, rng.range(1, 254));
}

fn push_b64ish(rng: &mut Rng, b: &mut Vec<u8>, n: usize) {
    const ALPHA: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut x = rng.next_u64();
    for i in 0..n {
        if i % 10 == 9 {
            x = rng.next_u64();
        }
        b.push(ALPHA[(x & 63) as usize]);
        x >>= 6;
    }
}
