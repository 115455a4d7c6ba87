#!/usr/bin/env python3
"""timberline benchmark: index/search/histogram on a generated corpus, beside lnav and rg.

    python3 bench/bench.py [--size 1G] [--reps 5] [--seed 1] [--days 14]

Builds the release binary and the corpus generator, generates (or reuses) a deterministic corpus
with planted facts in bench/out/, times every command N times, prints medians as a Markdown table
(also written to bench/out/results.md, raw figures to bench/out/results.json), and checks every
count against the corpus manifest (a cross when it differs). Python 3.11, stdlib only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OK, BAD = "✓", "✗"


# --------------------------------------------------------------------------------------------
# Running and measuring


@dataclass
class Run:
    secs: float
    rss_kb: int
    rc: int
    out: str
    err: str


def run(cmd: list[str], env: dict | None = None, keep_out: bool = True) -> Run:
    """Runs cmd; wall time and peak RSS of the process (ru_maxrss from wait4: what
    `/usr/bin/time -f %M` reports). stdout/stderr go through temp files, not pipes, so a big
    output cannot stall the child and the child is reaped by wait4 only."""
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        t0 = time.perf_counter()
        try:
            p = subprocess.Popen(cmd, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL, env=env)
        except OSError as e:
            return Run(0.0, 0, 127, "", f"{cmd[0]}: {e}")
        _, status, ru = os.wait4(p.pid, 0)
        secs = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        out = fo.read().decode("utf-8", "replace") if keep_out else ""
        err = fe.read().decode("utf-8", "replace")
    return Run(secs, ru.ru_maxrss, p.returncode, out, err)


@dataclass
class Cell:
    """One measured command: repetitions, and whether its answer matched the manifest."""

    runs: list[Run] = field(default_factory=list)
    ok: bool | None = None
    note: str = ""
    missing: str = ""  # "not installed", "n/a", "build failed"...

    @property
    def median(self) -> float:
        return statistics.median(r.secs for r in self.runs) if self.runs else float("nan")

    @property
    def rss_mb(self) -> float:
        return max((r.rss_kb for r in self.runs), default=0) / 1024

    def text(self, extra: str = "") -> str:
        if self.missing:
            return self.missing
        if not self.runs:
            return "–"
        failed = [r for r in self.runs if r.rc != 0]
        if failed and self.ok is False and not self.note:
            return f"failed (exit {failed[-1].rc}) {BAD}"
        mark = "" if self.ok is None else (" " + (OK if self.ok else BAD))
        s = fmt_secs(self.median)
        if extra:
            s += f" ({extra})"
        if self.note:
            s += f" [{self.note}]"
        return s + mark

    def as_json(self) -> dict:
        return {
            "median_s": None if not self.runs else round(self.median, 4),
            "times_s": [round(r.secs, 4) for r in self.runs],
            "peak_rss_mb": round(self.rss_mb, 1),
            "ok": self.ok,
            "note": self.note,
            "missing": self.missing,
        }


def fmt_secs(s: float) -> str:
    if s != s:  # nan
        return "–"
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def repeat(cell: Cell, n: int, cmd: list[str], env=None, before=None, keep_out=True) -> Cell:
    for _ in range(n):
        if before:
            before()
        r = run(cmd, env, keep_out)
        cell.runs.append(r)
        if r.rc != 0:
            cell.ok = False
            msg = (r.err.strip() or r.out.strip() or f"exit {r.rc}").splitlines()
            print(f"  ✗ {' '.join(cmd[:3])}... exit {r.rc}: " + "\n    ".join(msg[-8:]), file=sys.stderr)
            break
    return cell


def check(cell: Cell, got, want, what: str) -> None:
    """Compares an answer with the manifest; a mismatch is printed and marks the cell."""
    good = got == want
    if cell.ok is not False:
        cell.ok = good
    if not good:
        cell.note = f"got {got}, want {want}"
        print(f"  ✗ {what}: got {got}, manifest says {want}", file=sys.stderr)


# --------------------------------------------------------------------------------------------
# Build and corpus


def parse_size(s: str) -> int:
    m = re.fullmatch(r"\s*([0-9.]+)\s*([kKmMgG]?)\s*", s)
    if not m:
        raise argparse.ArgumentTypeError(f"bad size {s!r} (use e.g. 200K, 50M, 1G)")
    mult = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[m.group(2).lower()]
    return int(float(m.group(1)) * mult)


def target_dir() -> Path:
    if os.environ.get("CARGO_TARGET_DIR"):
        return Path(os.environ["CARGO_TARGET_DIR"]).resolve()
    r = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=ROOT, capture_output=True, text=True
    )
    if r.returncode == 0:
        return Path(json.loads(r.stdout)["target_directory"])
    return ROOT / "target"


def build(args) -> tuple[Path | None, Path | None]:
    tdir = target_dir() / "release"
    gen, tl = tdir / "examples" / "gencorpus", tdir / "timberline"
    if not args.skip_build:
        for what, extra in (("generator", ["--example", "gencorpus"]), ("timberline", ["--bin", "timberline"])):
            print(f"building {what} (cargo build --release {' '.join(extra)})...", file=sys.stderr)
            r = subprocess.run(["cargo", "build", "--release", *extra], cwd=ROOT, capture_output=True, text=True)
            if r.returncode != 0:
                print(f"  ✗ cargo build of {what} failed:\n{r.stderr[-3000:]}", file=sys.stderr)
                if what == "generator":
                    gen = None
                else:
                    tl = None
    if args.timberline:
        tl = Path(args.timberline)
    return (gen if gen and gen.exists() else None), (tl if tl and tl.exists() else None)


def corpus_key(args) -> str:
    """The corpus directory name: the spec plus a hash of the generator's sources, so a changed
    generator regenerates."""
    h = hashlib.sha256()
    for p in sorted((ROOT / "src" / "corpus").rglob("*.rs")) + [ROOT / "src" / "corpus.rs"]:
        if p.exists():
            h.update(p.read_bytes())
    size = args.size_text.upper()
    return f"corpus-{size}-s{args.seed}-d{args.days}-{h.hexdigest()[:10]}"


def ensure_corpus(args, gen: Path | None, out: Path) -> Path:
    cdir = out / corpus_key(args)
    if (cdir / "manifest.json").exists():
        print(f"reusing corpus {cdir}", file=sys.stderr)
        return cdir
    if gen is None:
        sys.exit("no corpus generator (build failed) and no cached corpus")
    for old in out.glob("corpus-*"):
        if old.is_dir() and old != cdir:
            print(f"removing stale corpus {old}", file=sys.stderr)
            shutil.rmtree(old)
    print(f"generating {args.size_text} corpus in {cdir}...", file=sys.stderr)
    cmd = [str(gen), "--out", str(cdir), "--size", str(args.size), "--seed", str(args.seed), "--days", str(args.days)]
    r = subprocess.run(cmd)
    if r.returncode != 0:
        sys.exit("corpus generation failed")
    return cdir


def du(path: Path) -> int:
    total = 0
    for p in path.rglob("*"):
        try:
            if p.is_file() and not p.is_symlink():
                total += p.stat().st_blocks * 512
        except OSError:
            pass
    return total


# --------------------------------------------------------------------------------------------
# Peers


def rg_count(out: str) -> int:
    """Sums `rg -c` output (`path:count` per file, or a bare count for one file)."""
    total = 0
    for line in out.splitlines():
        tail = line.rsplit(":", 1)[-1].strip()
        if tail.isdigit():
            total += int(tail)
    return total


def lnav_home(out: Path) -> dict:
    """A private HOME for lnav holding one extra format (our JSON lines), so lnav reads the same
    events timberline does and the user's own lnav config is left alone."""
    home = out / "lnav-home"
    fmt = ROOT / "bench" / "lnav-api-json.json"
    installed = home / ".lnav" / "formats" / "installed" / "timberline_api_json.json"
    env = dict(os.environ, HOME=str(home), TZ="UTC")
    if not installed.exists() or installed.read_bytes() != fmt.read_bytes():
        home.mkdir(parents=True, exist_ok=True)
        subprocess.run(["lnav", "-i", str(fmt)], env=env, capture_output=True)
    return env


def sql_table_ints(out: str, col: int = -1) -> list[int]:
    """Integers of one column of lnav's headless SQL result table."""
    vals = []
    for line in out.splitlines()[1:]:
        parts = line.split()
        if parts and re.fullmatch(r"\d+", parts[col]):
            vals.append(int(parts[col]))
    return vals


# --------------------------------------------------------------------------------------------
# The benchmark


def machine_info(tl: Path | None) -> list[str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass

    def version(cmd):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
            return (r.stdout or r.stderr).strip().splitlines()[0] if r.returncode == 0 else "?"
        except (OSError, subprocess.TimeoutExpired, IndexError):
            return "not installed"

    rev = version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True, text=True).stdout
    return [
        f"- machine: {cpu}, {os.cpu_count()} cores, {mem} RAM, {platform.system()} {platform.release()}",
        f"- timberline: {rev}{' (dirty tree)' if dirty.strip() else ''}"
        + ("" if tl else " — binary not built"),
        f"- lnav: {version(['lnav', '-V'])}; rg: {version(['rg', '--version'])}",
        f"- date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="1G", help="corpus size: 200K, 50M, 1G... (default 1G)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--days", type=int, default=14, help="span of the corpus in days (default 14)")
    ap.add_argument("--reps", type=int, default=5, help="repetitions of each timing (median reported)")
    ap.add_argument("--peer-reps", type=int, default=None, help="repetitions for lnav and rg (default: --reps)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "out"), help="work directory (default bench/out)")
    ap.add_argument("--skip-build", action="store_true", help="use the binaries already built")
    ap.add_argument("--timberline", help="path of the timberline binary to time (default: the release build)")
    ap.add_argument("--no-peers", action="store_true", help="time timberline only")
    ap.add_argument("--no-config", action="store_true", help="do not pass --config (the fra-db01 zone override)")
    args = ap.parse_args()
    args.size_text = args.size
    args.size = parse_size(args.size)
    peer_reps = args.peer_reps or args.reps
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)

    gen, tl = build(args)
    cdir = ensure_corpus(args, gen, out)
    m = json.loads((cdir / "manifest.json").read_text())
    logs = str(cdir / m["logs_dir"])
    raw_mb = m["raw_bytes"] / 1e6
    idx = out / "index"
    cfg = out / "timberline.toml"
    # The manifest's config, with the paths made absolute.
    cfg.write_text(re.sub(r'path = "([^"]+)"', lambda g: f'path = "{logs}/{g.group(1)}"', m["config_toml"]))
    # Zone-less files other than fra-db01 are UTC: read them with TZ=UTC.
    env = dict(os.environ, TZ="UTC")
    env.pop("TIMBERLINE_INDEX_DIR", None)
    base = ["--index-dir", str(idx)] + ([] if args.no_config else ["--config", str(cfg)])
    have_lnav = shutil.which("lnav") is not None and not args.no_peers
    have_rg = shutil.which("rg") is not None and not args.no_peers

    rows: list[tuple[str, str, str, str, str]] = []
    results: dict = {"corpus": {k: m[k] for k in ("raw_bytes", "disk_bytes", "events", "lines")}, "rows": {}}

    def tl_cell() -> Cell:
        return Cell() if tl else Cell(missing="build failed " + BAD)

    def peer(have: bool) -> Cell:
        return Cell() if have else Cell(missing="not installed" if not args.no_peers else "skipped")

    def tl_cmd(sub: str, *rest: str) -> list[str]:
        return [str(tl), sub, logs, *base, *rest]

    print(
        f"corpus: {len(m['files'])} files, {m['events']:,} events, {raw_mb:,.0f} MB raw, "
        f"{m['disk_bytes'] / 1e6:,.0f} MB on disk; {args.reps} reps, medians",
        file=sys.stderr,
    )

    # 1. First index (index dir removed before each run).
    print("timing: index (first run)...", file=sys.stderr)
    c_index = tl_cell()
    if tl:
        repeat(c_index, args.reps, tl_cmd("index"), env, before=lambda: shutil.rmtree(idx, ignore_errors=True))
        if c_index.ok is False and not args.no_config and "config" in (c_index.runs[-1].err or ""):
            print("  retrying without --config", file=sys.stderr)
            base[:] = ["--index-dir", str(idx)]
            c_index = repeat(Cell(), args.reps, tl_cmd("index"), env, before=lambda: shutil.rmtree(idx, ignore_errors=True))
    if c_index.ok is None and c_index.runs:
        # The summary names the events indexed ("... 6,981,229 events ..."): check it when present.
        g = re.search(r"([\d,]+)\s+new events", c_index.runs[-1].out + c_index.runs[-1].err)
        if g:
            check(c_index, int(g.group(1).replace(",", "")), m["events"], "events indexed")
    l_load = peer(have_lnav)
    if have_lnav:
        lenv = lnav_home(out)
        repeat(l_load, peer_reps, ["lnav", "-n", "-c", ";SELECT count(*) AS n FROM all_logs", "-r", logs], lenv)
        if l_load.ok is not False:
            check(l_load, (sql_table_ints(l_load.runs[-1].out) or [None])[0], m["events"], "lnav events loaded")
    mbps = raw_mb / c_index.median if c_index.runs and c_index.ok is not False else float("nan")
    idx_text = c_index.text(f"{mbps:.0f} MB/s, {c_index.rss_mb:.0f} MB RSS") if c_index.runs else c_index.text()
    rows.append(
        (
            "first `index` (load, for lnav): time, MB/s, peak RSS",
            idx_text,
            l_load.text(f"{raw_mb / l_load.median:.0f} MB/s, {l_load.rss_mb:.0f} MB RSS") if l_load.runs else l_load.text(),
            "n/a",
            "≥ 50 MB/s, ≤ 500 MB RSS",
        )
    )
    results["rows"]["index_first"] = {"timberline": c_index.as_json(), "lnav": l_load.as_json(), "mb_per_s": mbps}

    # Index size.
    size_cell = "–"
    if tl and idx.exists() and c_index.ok is not False:
        isz = du(idx)
        size_cell = f"{isz / 1e6:,.1f} MB = {100 * isz / m['raw_bytes']:.0f}% of raw ({m['disk_bytes'] / 1e6:,.0f} MB on disk)"
        results["rows"]["index_size"] = {"bytes": isz, "pct_of_raw": 100 * isz / m["raw_bytes"]}
    rows.append(("index size (% of raw uncompressed)", size_cell, "n/a (persists nothing)", "n/a", "≤ 50%"))

    # 2. Index again, nothing new.
    print("timing: index (nothing new)...", file=sys.stderr)
    c_again = tl_cell()
    if tl and c_index.ok is not False:
        repeat(c_again, args.reps, tl_cmd("index"), env)
    rows.append(("`index` again, nothing new", c_again.text(), "n/a", "n/a", "≤ 0.3 s"))
    results["rows"]["index_again"] = {"timberline": c_again.as_json()}

    # 3. Searches.
    searches = [
        ("rare", f"search rare term `{m['rare']['term']}` (count)", m["rare"], ["-F", m["rare"]["term"]], "≤ 50 ms"),
        ("common", f"search common term `{m['common']['term']}` (count)", m["common"], ["-i", "-w", m["common"]["term"]], ""),
        ("field", f"field query `{m['field']['query']}` (count)", m["field"], ["-e", r'" 502 ', "-e", '"status":502,'], ""),
        ("phrase", f"phrase `\"{m['phrase']['term']}\"` (count)", m["phrase"], ["-F", m["phrase"]["term"] + "("], ""),
    ]
    for key, label, fact, rg_args, target in searches:
        print(f"timing: search {key}...", file=sys.stderr)
        c = tl_cell()
        if tl and c_index.ok is not False:
            repeat(c, args.reps, tl_cmd("search", "-q", fact["query"], "--count"), env)
            if c.ok is not False:
                got = c.runs[-1].out.strip()
                check(c, int(got) if got.isdigit() else got, fact["events"], f"timberline {key} count")
        elif tl:
            c.missing = "index failed " + BAD
        r = peer(have_rg)
        if have_rg:
            repeat(r, peer_reps, ["rg", "-z", "-c", *rg_args, logs], env)
            r.ok = None  # rg exits 1 when nothing matches; the count decides
            r_runs_ok = all(x.rc in (0, 1) for x in r.runs)
            want_lines = fact.get("lines", fact["events"])
            check(r, rg_count(r.runs[-1].out) if r_runs_ok else "error", want_lines, f"rg {key} count")
        lv = peer(have_lnav)
        if have_lnav and key in ("rare", "common"):
            pat = re.escape(fact["term"]) if key == "rare" else r"(?i)\bconnection\b"
            repeat(lv, peer_reps, ["lnav", "-n", "-c", f":filter-in {pat}", "-r", logs], lenv)
            if lv.ok is not False:
                rx = re.compile(pat)
                got = sum(1 for line in lv.runs[-1].out.splitlines() if rx.search(line))
                check(lv, got, fact["lines"], f"lnav {key} filter-in")
                lv.runs = [dataclass_replace_out(x) for x in lv.runs]
        elif have_lnav:
            lv = Cell(missing="n/a")
        rows.append((label, c.text(), lv.text(), r.text(), target))
        results["rows"][f"search_{key}"] = {"timberline": c.as_json(), "lnav": lv.as_json(), "rg": r.as_json()}

    # 4. Histogram.
    print("timing: histogram...", file=sys.stderr)
    h = tl_cell()
    if tl and c_index.ok is not False:
        repeat(h, args.reps, tl_cmd("histogram", "--bucket", "1m", "--format", "json"), env)
        if h.ok is not False:
            check_histogram(h, h.runs[-1].out, m)
    elif tl:
        h.missing = "index failed " + BAD
    lh = peer(have_lnav)
    if have_lnav:
        q = ";SELECT strftime('%Y-%m-%dT%H:00', log_time) AS hour, count(*) AS n FROM all_logs GROUP BY hour"
        repeat(lh, peer_reps, ["lnav", "-n", "-c", q, "-r", logs], lenv)
        if lh.ok is not False:
            check(lh, sum(sql_table_ints(lh.runs[-1].out)), m["events"], "lnav hourly histogram total")
            lh.note = (lh.note + " hourly").strip()
    rows.append(("histogram of all events, 1-minute buckets", h.text(), lh.text(), "n/a", "≤ 200 ms"))
    results["rows"]["histogram"] = {"timberline": h.as_json(), "lnav": lh.as_json()}

    # Report.
    lines = [
        f"## timberline benchmark — {args.size_text} corpus",
        "",
        f"Corpus: seed {args.seed}, {args.days} days, {len(m['files'])} files, {m['events']:,} events "
        f"({m['lines']:,} lines), {raw_mb:,.0f} MB raw, {m['disk_bytes'] / 1e6:,.0f} MB on disk (rotated `.gz`). "
        f"Medians of {args.reps} runs (lnav/rg: {peer_reps}); whole-process wall time. "
        f"{OK}/{BAD}: the answer equals / differs from the manifest.",
        "",
        *machine_info(tl),
        "",
        "| what | timberline | lnav | rg | target |",
        "|---|---|---|---|---|",
        *(f"| {' | '.join(r)} |" for r in rows),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    (out / "results.md").write_text(text)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {out / 'results.md'} and results.json", file=sys.stderr)
    bad = any(BAD in " ".join(r[1:2]) for r in rows)
    return 1 if bad else 0


def dataclass_replace_out(r: Run) -> Run:
    """Drops a run's captured output once checked (lnav prints the whole filtered view)."""
    return Run(r.secs, r.rss_kb, r.rc, "", r.err)


def check_histogram(cell: Cell, out: str, m: dict) -> None:
    try:
        h = json.loads(out)
        buckets = h["buckets"]
        total = sum(b["count"] for b in buckets)
    except (ValueError, KeyError, TypeError) as e:
        cell.ok = False
        cell.note = f"bad json: {e}"
        print(f"  ✗ histogram output is not the promised JSON: {e}", file=sys.stderr)
        return
    check(cell, total, m["events"], "histogram total")
    def t(s: str) -> datetime:
        return datetime.fromisoformat(s.replace("Z", "+00:00"))

    gap_s, gap_e = t(m["gap"]["start"]), t(m["gap"]["end"])
    try:
        in_gap = [b for b in buckets if gap_s <= t(b["start"]) < gap_e]
        gaps = [(t(g["start"]), t(g["end"])) for g in h.get("gaps", [])]
        sp_s, sp_e = t(m["spike"]["start"]), t(m["spike"]["end"])
        spike = sum(b["count"] for b in buckets if sp_s <= t(b["start"]) < sp_e)
    except (ValueError, KeyError, TypeError) as e:
        cell.ok = False
        cell.note = f"bad times: {e}"
        print(f"  ✗ histogram times: {e}", file=sys.stderr)
        return
    check(
        cell,
        (sum(b["count"] for b in in_gap), len(in_gap)),
        (0, m["gap"]["minutes"]),
        "histogram (events, buckets) in the planted gap",
    )
    if not any(gs <= gap_s and gap_e <= ge for gs, ge in gaps):
        cell.note = (cell.note + " planted gap not in `gaps`").strip()
        cell.ok = False
        print(f"  ✗ histogram gaps {gaps[:5]} do not cover the planted gap {gap_s} .. {gap_e}", file=sys.stderr)
    check(cell, spike, m["spike"]["events_in_window"], "histogram events in the spike window")


if __name__ == "__main__":
    sys.exit(main())
