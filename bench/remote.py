#!/usr/bin/env python3
"""timberline over OpenSearch: `ship` throughput and remote search/histogram latency beside the
local index, on the same generated corpus, in one run.

    python3 bench/remote.py [--size 200M] [--reps 5] [--url http://127.0.0.1:9200]

Without --url it starts a real single-node OpenSearch with tests/opensearch/start (Java 17 and
Maven; 2 GB heap, full JIT) and stops it at the end. Builds the release binary and the corpus generator, generates
(or reuses) a deterministic corpus in bench/out/, indexes it locally, ships it, then times each
query locally and remotely (whole process, medians) and checks that both give the manifest's
count. Prints a Markdown table (also bench/out/remote-results.md). Python 3.11, stdlib only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (the corpus and build helpers)

ROOT = bench.ROOT


def timed(cmd: list[str], env: dict) -> tuple[float, str, str, int]:
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return time.perf_counter() - t0, p.stdout, p.stderr, p.returncode


def median_of(reps: int, cmd: list[str], env: dict) -> tuple[float, str]:
    secs, out = [], ""
    for _ in range(reps):
        s, out, err, rc = timed(cmd, env)
        if rc != 0:
            sys.exit(f"failed ({rc}): {' '.join(cmd)}\n{err[-2000:]}")
        secs.append(s)
    return statistics.median(secs), out


def ms(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 10 else f"{s:.1f} s"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="200M")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--url", help="an OpenSearch node to use (default: start one)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "out"))
    ap.add_argument("--skip-build", action="store_true")
    ap.add_argument("--timberline", help="path of the timberline binary (default: the release build)")
    args = ap.parse_args()
    args.size_text = args.size
    args.size = bench.parse_size(args.size)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    gen, tl = bench.build(args)
    if tl is None:
        sys.exit("no timberline binary")
    cdir = bench.ensure_corpus(args, gen, out)
    m = json.loads((cdir / "manifest.json").read_text())
    logs = str(cdir / m["logs_dir"])
    work = out / "remote"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    node_dir = None
    url = args.url
    if not url:
        node_dir = work / "node"
        # A node sized for throughput (the tests' node starts small and with the C1 JIT only).
        node_env = dict(os.environ, OPENSEARCH_HEAP="2g", OPENSEARCH_JAVA_OPTS="-XX:TieredStopAtLevel=4")
        r = subprocess.run(
            [str(ROOT / "tests/opensearch/start"), "--dir", str(node_dir)], capture_output=True, text=True, env=node_env
        )
        if r.returncode != 0:
            sys.exit(f"OpenSearch did not start:\n{r.stderr[-2000:]}")
        url = r.stdout.strip()
    try:
        cfg = work / "timberline.toml"
        conf = re.sub(r'path = "([^"]+)"', lambda g: f'path = "{logs}/{g.group(1)}"', m["config_toml"])
        index = f"bench-{os.getpid()}"
        cfg.write_text(conf + f'\n[[remote]]\nname = "os"\nurl = "{url}"\nindex = "{index}"\n')
        env = dict(os.environ, TZ="UTC", TIMBERLINE_INDEX_DIR=str(work / "index"))
        base = [str(tl), "--config", str(cfg)]
        print(f"corpus: {m['events']:,} events, {m['raw_bytes'] / 1e6:,.0f} MB raw; node {url}", file=sys.stderr)
        s, _, err, rc = timed(base + ["index", logs], env)
        if rc != 0:
            sys.exit(err)
        print(f"local index: {s:.1f} s", file=sys.stderr)
        s_ship, _, err, rc = timed(base + ["ship", logs, "--to", "os"], env)
        if rc != 0:
            sys.exit(err)
        print(err.strip(), file=sys.stderr)
        rows = [
            ("`ship` (first, whole corpus)", f"{s_ship:.1f} s: {m['events'] / s_ship:,.0f} events/s, "
             f"{m['raw_bytes'] / 1e6 / s_ship:.1f} MB/s", "", "")
        ]
        queries = [
            (f"count rare term `{m['rare']['term']}`", ["search", "--count", "-q", m["rare"]["query"]], m["rare"]["events"]),
            (f"count common term `{m['common']['term']}`", ["search", "--count", "-q", m["common"]["query"]], m["common"]["events"]),
            (f"count `{m['field']['query']}`", ["search", "--count", "-q", m["field"]["query"]], m["field"]["events"]),
            (f"count phrase `\"{m['phrase']['term']}\"`", ["search", "--count", "-q", m["phrase"]["query"]], m["phrase"]["events"]),
            ("first 100 events", ["search", "--limit", "100"], None),
            ("histogram of all events, 1-minute buckets", ["histogram", "--bucket", "1m", "--format", "json"], None),
        ]
        for label, q, want in queries:
            print(f"timing: {label}...", file=sys.stderr)
            s_local, o_local = median_of(args.reps, base + [q[0], logs] + q[1:], env)
            s_remote, o_remote = median_of(args.reps, base + [q[0], "--remote", "os"] + q[1:], env)
            same = "✓" if o_local == o_remote and (want is None or o_local.strip() == str(want)) else "✗"
            rows.append((label, ms(s_local), ms(s_remote), same))
        table = ["| what | local index | OpenSearch (same corpus) | same answer |", "|---|---|---|---|"]
        table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
        text = "\n".join(table)
        print(text)
        (out / "remote-results.md").write_text(text + "\n")
    finally:
        if node_dir is not None:
            subprocess.run([str(ROOT / "tests/opensearch/stop"), "--dir", str(node_dir), "--clean"], capture_output=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
