#!/usr/bin/env python3
"""The explorer in a real terminal (tmux), measured from outside as a user sees it.

    python3 bench/tui_latency.py follow [--rate 2000] [--files 10] [--seconds 10] [--flood 50000]
    python3 bench/tui_latency.py browse LOGS --index-dir DIR [--config FILE] [--reps 5]

`follow`: `timberline -f` on a folder a writer appends to. Reports append → on screen (for every
line that appears on screen: when it was first seen minus when it was written), then during a
flood (FLOOD lines/s) how long a key (`t`, UTC/local) takes to show on screen, lines lost from the
index, and the explorer's peak RSS.

`browse`: the explorer on indexed logs (the benchmark corpus). Reports the time to the first
screen with events, then key press → redrawn screen for `G`, `g`, `:goto`, `]`, `j`, `/term`
(medians of REPS), and peak RSS while browsing.

Screens are read with `tmux capture-pane` every few milliseconds, so figures include up to ~5 ms
of polling. Python 3.11, stdlib only; needs tmux.
"""
import argparse, json, os, re, shutil, statistics, subprocess, sys, tempfile, threading, time
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Tmux:
    """A private tmux server running one command in a W×H window."""

    def __init__(self, cmd, env, width=160, height=48):
        self.dir = tempfile.mkdtemp(prefix="tl-tmux-")
        self.sock = os.path.join(self.dir, "sock")
        envs = " ".join(f"{k}={v}" for k, v in env.items())
        self.t("new-session", "-d", "-s", "b", "-x", str(width), "-y", str(height),
               f"env {envs} {cmd}; sleep 60")

    def t(self, *args):
        return subprocess.run(["tmux", "-S", self.sock, *args], capture_output=True,
                              text=True).stdout

    def screen(self, styled=False):
        """The pane's text (with its colours and highlights as escape sequences when styled)."""
        return self.t("capture-pane", "-t", "b", "-p", *(["-e"] if styled else []))

    def keys(self, *keys):
        self.t("send-keys", "-t", "b", *keys)

    def pid(self):
        """The pid of the program in the pane (the child of the pane's shell)."""
        shell = self.t("display-message", "-t", "b", "-p", "#{pane_pid}").strip()
        for _ in range(100):
            kids = subprocess.run(["pgrep", "-P", shell], capture_output=True,
                                  text=True).stdout.split()
            for k in kids:
                with open(f"/proc/{k}/comm") as f:
                    if f.read().strip() == "timberline":
                        return int(k)
            time.sleep(0.05)
        raise RuntimeError("timberline is not running in the pane:\n" + self.screen())

    def wait(self, pred, timeout=30.0, every=0.003, styled=False):
        """Polls the screen until pred(screen); returns (seconds, screen)."""
        t0 = time.perf_counter()
        while True:
            s = self.screen(styled)
            if pred(s):
                return time.perf_counter() - t0, s
            if time.perf_counter() - t0 > timeout:
                raise TimeoutError("screen never matched:\n" + s)
            time.sleep(every)

    def close(self):
        self.t("kill-server")
        shutil.rmtree(self.dir, ignore_errors=True)


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def ms(s):
    return f"{s * 1000:.0f} ms"


def utc_shown(screen):
    return "│ UTC │" in screen


def follow(a):
    work = tempfile.mkdtemp(prefix="tl-tui-follow-")
    logs, idx = os.path.join(work, "logs"), os.path.join(work, "index")
    os.makedirs(logs)
    files = [open(os.path.join(logs, f"app{i}.log"), "a") for i in range(a.files)]
    for i, f in enumerate(files):
        f.write(f"{datetime.now(timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')} host app[1]: start file={i}\n")
        f.flush()
    sent = {}
    seq = [0]

    def write(rate, seconds):
        start = time.time()
        n0 = seq[0]
        while time.time() - start < seconds:
            for _ in range(max(1, rate // 200)):
                f = files[seq[0] % a.files]
                ts = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
                f.write(f"{ts} host app[1]: seq={seq[0]} payload\n")
                f.flush()
                sent[seq[0]] = time.time()
                seq[0] += 1
            time.sleep(max(0, start + (seq[0] - n0) / rate - time.time()))

    tm = Tmux(f"{a.timberline} -f {logs}", {"TIMBERLINE_INDEX_DIR": idx, "TZ": "Asia/Tokyo",
                                                "TIMBERLINE_STATE_DIR": os.path.join(work, "state")})
    try:
        tm.wait(lambda s: "following" in s and "start file=" in s)
        pid = tm.pid()
        # 1. append → on screen, at RATE.
        seen = {}
        stop = threading.Event()

        def watch():
            while not stop.is_set():
                s = tm.screen()
                t = time.time()
                for m in re.finditer(r"seq=(\d+) ", s):
                    seen.setdefault(int(m.group(1)), t)
                time.sleep(0.003)

        w = threading.Thread(target=watch, daemon=True)
        w.start()
        write(a.rate, a.seconds)
        time.sleep(1.0)
        stop.set()
        w.join()
        lat = [(seen[s] - sent[s]) for s in seen if s in sent]
        print(f"append → on screen at {a.rate} lines/s across {a.files} files ({len(lat)} lines seen on screen): "
              f"p50 {ms(pct(lat, 50))}, p99 {ms(pct(lat, 99))}, max {ms(max(lat))}")
        # 2. a flood: keys still answered, memory bounded, nothing lost.
        flood_done = threading.Event()
        keys = []

        def press():
            while not flood_done.is_set():
                want = not utc_shown(tm.screen())
                t0 = time.perf_counter()
                tm.keys("t")
                try:
                    secs, _ = tm.wait(lambda s: utc_shown(s) == want, timeout=10)
                except TimeoutError:
                    secs = 10.0
                keys.append(secs)
                time.sleep(0.25)

        p = threading.Thread(target=press, daemon=True)
        p.start()
        before = seq[0]
        t0 = time.time()
        write(a.flood, a.flood_seconds)
        achieved = (seq[0] - before) / (time.time() - t0)
        flood_done.set()
        p.join()
        rss = peak_rss_mb(pid)
        # Wait for the explorer to take in the flood, then count what the index holds.
        total = seq[0] + a.files
        shown = lambda s: f"{total:,} events" in s
        try:
            tm.wait(shown, timeout=60, every=0.2)
            caught = "all indexed"
        except TimeoutError as e:
            caught = "NOT all indexed: " + str(e).splitlines()[-1][:200]
        print(f"flood of {achieved:,.0f} lines/s for {a.flood_seconds:.0f} s: key → screen p50 {ms(pct(keys, 50))}, "
              f"p99 {ms(pct(keys, 99))}, max {ms(max(keys))} ({len(keys)} presses); peak RSS {rss:.0f} MB; "
              f"{total:,} lines written, {caught}")
        tm.keys("q")
    finally:
        tm.close()
        shutil.rmtree(work, ignore_errors=True)


def browse(a):
    # A private state folder: every run starts without a saved session (at the end).
    state = tempfile.mkdtemp(prefix="tl-tui-state-")
    env = {"TIMBERLINE_INDEX_DIR": a.index_dir, "TZ": "UTC", "TIMBERLINE_STATE_DIR": state}
    cfg = f"--config {a.config} " if a.config else ""
    firsts, times = [], {}
    rss = 0.0
    for rep in range(a.reps):
        shutil.rmtree(os.path.join(state, "sessions"), ignore_errors=True)
        t0 = time.perf_counter()
        tm = Tmux(f"{a.timberline} {cfg}{a.logs}", env)
        try:
            # The first screen with events on it: the status line names the selected event's time.
            first, _ = tm.wait(lambda s: re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d │", s) and "events ·" in s,
                               timeout=120, every=0.002)
            firsts.append(time.perf_counter() - t0 - 0.0)
            pid = tm.pid()
            time.sleep(0.5)
            # Each step: its keys, and what the screen shows once it is done.
            goto_shown = a.goto.replace("T", " ")
            steps = [
                ("g", ["g"], lambda s: re.search(rf"{a.first} \d\d:\d\d:\d\d │", s)),
                ("G", ["G"], lambda s: re.search(rf"{a.last} \d\d:\d\d:\d\d │", s)),
                ("goto", [":goto " + a.goto, "Enter"], lambda s: f"{goto_shown}:" in s.splitlines()[-2]),
                ("]", ["]"], lambda s: "gap:" in s or "no later gap" in s),
                ("j", ["j"], None),
                ("search", ["/", a.term, "Enter"], lambda s: re.search(r"\(\d[\d,]* hits\)", s)),
            ]
            for name, keys, done in steps:
                if name in ("goto", "search"):
                    # Type the command first; time only its Enter.
                    before = tm.screen()
                    tm.keys(*keys[:-1])
                    tm.wait(lambda s: s != before, timeout=10)
                    keys = keys[-1:]
                # Without a marker to wait for, any change counts, the selection's highlight too.
                before = tm.screen(styled=done is None)
                ready = done or (lambda s: s != before)
                t = time.perf_counter()
                tm.keys(*keys)
                try:
                    tm.wait(ready, timeout=30, styled=done is None)
                    times.setdefault(name, []).append(time.perf_counter() - t)
                except TimeoutError as e:
                    print(f"{name}: {e}", file=sys.stderr)
                    times.setdefault(name, []).append(float("nan"))
                time.sleep(0.3)
            rss = max(rss, peak_rss_mb(pid))
            tm.keys("q")
        finally:
            tm.close()
    print(f"first screen with events: median {ms(statistics.median(firsts))} (of {len(firsts)})")
    for name, v in times.items():
        print(f"key {name!r} → redrawn: median {ms(statistics.median(v))}, max {ms(max(v))}")
    print(f"peak RSS while browsing: {rss:.0f} MB")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timberline", default=os.path.join(ROOT, "target/release/timberline"))
    sub = ap.add_subparsers(dest="mode", required=True)
    f = sub.add_parser("follow")
    f.add_argument("--rate", type=int, default=2000)
    f.add_argument("--files", type=int, default=10)
    f.add_argument("--seconds", type=float, default=10)
    f.add_argument("--flood", type=int, default=50000)
    f.add_argument("--flood-seconds", type=float, default=10)
    b = sub.add_parser("browse")
    b.add_argument("logs")
    b.add_argument("--index-dir", required=True)
    b.add_argument("--config")
    b.add_argument("--reps", type=int, default=5)
    b.add_argument("--goto", default="2026-10-08 13:00")
    b.add_argument("--first", default="2026-10-01", help="the logs' first day")
    b.add_argument("--last", default="2026-10-14", help="the logs' last day")
    b.add_argument("--term", default="error")
    a = ap.parse_args()
    if not shutil.which("tmux"):
        sys.exit("tmux is needed (apt-get install -y tmux)")
    follow(a) if a.mode == "follow" else browse(a)


if __name__ == "__main__":
    main()
