"""Scale: an offline build's wall time, CPU time and time per article at several corpus sizes.

Issue 17's targets: a 5,000-article build with the extractive engine (no model key) in at
most 90 s on 2 cores, and the time per article at 5,000 within 1.2x of that at 200.  Each
size is a fresh folder of generated articles (``generate.py``: distinct articles, so ingest
drops none as duplicates), built by the real CLI in a child process with every default
format (md, html, json); CPU time is the child's user + sys, its ingest workers included.
The machine's load averages are printed before and after each build: on a shared box the
wall time is only as good as the load says, the CPU time is steadier.  The smallest size
carries the fixed start-up (imports, the word-segmentation dictionary, worker processes:
a few seconds), so its time per article is the higher one; the table also gives the
marginal time per article between consecutive sizes, which has no start-up in it.

    python bench/bench_scale.py                          # 200 1000 2000 5000
    python bench/bench_scale.py --sizes 5000             # the lead's one-line check
    python bench/bench_scale.py --sizes 200 1000 --json bench/results/scale.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path

from generate import ROOT, generate

SIZES = (200, 1000, 2000, 5000)
TIMEOUT = 30 * 60  # seconds per build
TARGET_SECONDS = 90.0  # at 5,000 articles
TARGET_RATIO = 1.2  # time per article at the largest size / at the smallest


@dataclass
class Row:
    articles: int
    wall: float  # seconds
    cpu: float  # user + sys seconds of the build and its workers
    per_article_ms: float  # wall / articles
    cpu_per_article_ms: float
    max_rss_mb: float  # the largest process of this build or an earlier one (getrusage children)
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]


def _offline_env() -> dict[str, str]:
    """The environment without any model setting, so the build is the extractive engine's."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFGEN_", "OPENAI_"))}


def measure(n: int, work: Path) -> Row:
    """Generate ``n`` articles under ``work`` and time one offline build of them."""
    src, out = work / f"in-{n}", work / f"out-{n}"
    generate(n, src)
    cmd = [sys.executable, "-m", "briefgen.cli", "build", str(src), "-o", str(out), "--engine", "extractive"]
    load_before = os.getloadavg()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=_offline_env(), cwd=work, timeout=TIMEOUT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"build of {n} articles failed ({done.returncode}):\n{done.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    written = len(list((out / "articles").glob("*.md")))
    if written != n:
        raise RuntimeError(f"{n} articles generated but {written} article pages written")
    return Row(n, wall, cpu, 1000 * wall / n, 1000 * cpu / n, after.ru_maxrss / 1024,
               load_before, os.getloadavg())  # fmt: skip


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def table(rows: list[Row]) -> str:
    """The results as a Markdown table, with the per-article ratio largest/smallest."""
    lines = [
        "| articles | wall s | CPU s (user+sys) | wall ms/article | CPU ms/article | max RSS MB | load before | load after |",
        "|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        lb = " ".join(f"{x:.2f}" for x in r.load_before)
        la = " ".join(f"{x:.2f}" for x in r.load_after)
        lines.append(f"| {r.articles:,} | {r.wall:.1f} | {r.cpu:.1f} | {r.per_article_ms:.1f} | "
                     f"{r.cpu_per_article_ms:.1f} | {r.max_rss_mb:.0f} | {lb} | {la} |")  # fmt: skip
    for prev, cur in pairwise(rows):
        if cur.articles > prev.articles:
            added = cur.articles - prev.articles
            wall, cpu = 1000 * (cur.wall - prev.wall) / added, 1000 * (cur.cpu - prev.cpu) / added
            lines.append(f"| {prev.articles:,} -> {cur.articles:,} (marginal) | | | {wall:.1f} | {cpu:.1f} | | | |")
    if len(rows) >= 2:
        lo, hi = min(rows, key=lambda r: r.articles), max(rows, key=lambda r: r.articles)
        wall_ratio = hi.per_article_ms / lo.per_article_ms
        cpu_ratio = hi.cpu_per_article_ms / lo.cpu_per_article_ms
        lines.append("")
        lines.append(f"Per article, {hi.articles:,} vs {lo.articles:,}: wall {wall_ratio:.2f}x, CPU {cpu_ratio:.2f}x "
                     f"(target <= {TARGET_RATIO}x: {'met' if wall_ratio <= TARGET_RATIO else 'not met'}).")  # fmt: skip
    for r in rows:
        if r.articles == 5000:
            ok = "met" if r.wall <= TARGET_SECONDS else "not met"
            lines.append(f"5,000 articles: {r.wall:.1f} s wall (target <= {TARGET_SECONDS:.0f} s: {ok}).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Offline build time at several corpus sizes (issue 17).")
    p.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="article counts")
    p.add_argument("--json", type=Path, help="also write the rows as JSON here")
    p.add_argument("--work", type=Path, help="folder for the generated articles and outputs (default: a temp dir)")
    args = p.parse_args(argv)
    print(f"commit {_commit()}, {os.cpu_count()} CPUs, python {sys.version.split()[0]}", flush=True)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for n in args.sizes:
            rows.append(measure(n, work))
            r = rows[-1]
            print(f"{n} articles: wall {r.wall:.1f} s, CPU {r.cpu:.1f} s, {r.per_article_ms:.1f} ms/article, "
                  f"load {r.load_before[0]:.2f} -> {r.load_after[0]:.2f}", flush=True)  # fmt: skip
    print()
    print(table(rows))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
