#!/usr/bin/env python3
"""Tail latency: a writer appends RATE lines/s across FILES files for SECONDS seconds while
`timberline tail --format jsonl` runs; reports append → stdout latency (p50/p99/max), lines lost
and duplicated, and append → found by a concurrent `timberline search` (p50/p99).

    python3 bench/tail_latency.py [--rate 2000] [--files 10] [--seconds 10] [--timberline PATH]
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, threading, time
from datetime import datetime, timezone


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def peak_rss(pid):
    """Peak resident memory of a running process, in MB (VmHWM)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=int, default=2000)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--timberline", default="target/release/timberline")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="tl-tail-")
    logs, idx = os.path.join(work, "logs"), os.path.join(work, "index")
    os.makedirs(logs)
    files = [open(os.path.join(logs, f"app{i}.log"), "a") for i in range(a.files)]
    env = dict(os.environ, TIMBERLINE_INDEX_DIR=idx)
    tail = subprocess.Popen([a.timberline, "tail", logs, "--format", "jsonl", "-n", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    sent, recv = {}, {}
    def reader():
        for line in tail.stdout:
            t = time.time()
            text = json.loads(line)["text"]
            seq = int(text.split("seq=")[1].split()[0])
            recv.setdefault(seq, t)
            recv[("dup", seq)] = recv.get(("dup", seq), 0) + 1
    th = threading.Thread(target=reader, daemon=True)
    th.start()
    time.sleep(1.5)
    found = []
    stop = threading.Event()
    def searcher():
        probed = -1
        while not stop.is_set():
            # Each probe looks for the newest line written since the previous probe (once the
            # writer stops, there is nothing new to probe).
            seq = max(sent, default=-1)
            if seq <= probed:
                time.sleep(0.05); continue
            probed = seq
            t0 = sent[seq]
            while not stop.is_set():
                out = subprocess.run([a.timberline, "search", logs, "--count", "-q", f'"seq={seq} "'],
                                     capture_output=True, text=True, env=env).stdout.strip()
                if out and out != "0":
                    found.append(time.time() - t0); break
                time.sleep(0.02)
            time.sleep(0.3)
    sth = threading.Thread(target=searcher, daemon=True)
    sth.start()
    seq, start = 0, time.time()
    tick = 0.005
    per_tick = max(1, int(a.rate * tick))
    while time.time() - start < a.seconds:
        for _ in range(per_tick):
            f = files[seq % a.files]
            ts = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            f.write(f"{ts} host app[1]: seq={seq} payload\n")
            f.flush()
            sent[seq] = time.time()
            seq += 1
        time.sleep(max(0, start + (seq / a.rate) - time.time()))
    time.sleep(3)
    stop.set()
    peak_rss_mb = peak_rss(tail.pid)
    tail.terminate()
    tail.wait(timeout=10)
    th.join(timeout=5)
    lat = [(recv[s] - sent[s]) * 1000 for s in sent if s in recv]
    lost = [s for s in sent if s not in recv]
    dups = sum(1 for k, v in recv.items() if isinstance(k, tuple) and v > 1)
    print(f"{seq} lines written at {a.rate}/s across {a.files} files for {a.seconds:.0f} s")
    print(f"append → tail stdout: p50 {pct(lat, 50):.0f} ms, p99 {pct(lat, 99):.0f} ms, max {max(lat):.0f} ms; "
          f"lost {len(lost)}, duplicated {dups}; tail peak RSS {peak_rss_mb:.0f} MB")
    if found:
        print(f"append → found by search: p50 {pct(found, 50)*1000:.0f} ms, p99 {pct(found, 99)*1000:.0f} ms ({len(found)} probes)")
        if os.environ.get("TL_BENCH_DEBUG"):
            print("probe latencies (ms, in order):", [round(x * 1000) for x in found])
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
