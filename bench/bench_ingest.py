"""Ingest benchmark: 10,000 seed-sized articles through the process pool.

Generates N distinct articles from ``examples/articles`` (``bench/generate.py``:
figures shifted, paragraphs left out, formats and encodings kept), runs
``briefgen.corpus.ingest.ingest`` on them with a process pool and reports wall
seconds and peak memory, then rewrites the "Ingest scale" section of
``bench/RESULTS.md``.  Target: under 60 s and 1.5 GB on a 2-core machine.

    python bench/bench_ingest.py                 # 10,000 articles, all cores
    python bench/bench_ingest.py --n 500 --no-write

Memory is measured two ways: ``resource.getrusage`` (peak RSS of this process
plus the largest worker: what the brief asks for), and a sampler that adds up
the RSS of this process and all its workers every 0.1 s (the honest total when
workers run at once).  The target is checked against the larger of the two.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS_MD = BENCH / "RESULTS.md"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from generate import generate  # noqa: E402

from briefgen.corpus.ingest import ingest  # noqa: E402

TARGET_SECONDS = 60.0
TARGET_BYTES = 1.5 * 1024**3


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


class MemorySampler:
    """Peak of (this process + its child processes) RSS, sampled in a thread."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            total = _rss_bytes(me) + sum(_rss_bytes(c) for c in _children(me))
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its finished workers."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


@dataclass
class Result:
    articles: int
    megabytes: float
    workers: int
    cpus: int
    seconds: float
    cpu_seconds: float
    load_after: float
    generate_seconds: float
    documents: int
    excerpts: int
    skipped: dict[str, int]
    self_bytes: int  # getrusage peak RSS of this process
    worker_bytes: int  # getrusage peak RSS of the largest worker
    sampled_bytes: int  # sampled peak of all processes together

    @property
    def peak_bytes(self) -> int:
        return max(self.self_bytes + self.worker_bytes, self.sampled_bytes)

    @property
    def met(self) -> bool:
        return self.seconds < TARGET_SECONDS and self.peak_bytes < TARGET_BYTES


def run(n: int, workers: int | None, keep: Path | None) -> Result:
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-ingest-") as tmp:
        folder = keep or Path(tmp) / "articles"
        t0 = time.perf_counter()
        paths = generate(n, folder)
        gen_seconds = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in paths)
        cpu0 = _cpu_seconds()
        with MemorySampler() as sampler:
            t0 = time.perf_counter()
            corpus = ingest(folder, workers=workers)
            seconds = time.perf_counter() - t0
        cpu = _cpu_seconds() - cpu0
    return Result(
        articles=n,
        megabytes=size / 1e6,
        workers=workers or _cpus(),
        cpus=_cpus(),
        seconds=seconds,
        cpu_seconds=cpu,
        load_after=os.getloadavg()[0],
        generate_seconds=gen_seconds,
        documents=len(corpus.documents),
        excerpts=sum(len(d.excerpts) for d in corpus.documents),
        skipped=dict(Counter(s.reason for s in corpus.skipped)),
        self_bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        worker_bytes=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
        sampled_bytes=sampler.peak,
    )


def _gb(n: float) -> str:
    return f"{n / 1024**3:.2f} GB"


def section(r: Result, command: str) -> str:
    skipped = ", ".join(f"{k} {v}" for k, v in sorted(r.skipped.items())) or "none"
    return "\n".join(
        [
            "## Ingest scale",
            "",
            "(Written by `bench/bench_ingest.py`; `bench/run_all.py` does not touch this section.)",
            "",
            "| articles | workers | seconds | peak memory | documents | excerpts | target (< 60 s, < 1.5 GB) |",
            "|---|---|---|---|---|---|---|",
            f"| {r.articles:,} ({r.megabytes:.0f} MB) | {r.workers} of {r.cpus} cores | {r.seconds:.1f} "
            f"| {_gb(r.peak_bytes)} | {r.documents:,} | {r.excerpts:,} | {'met' if r.met else '**not met**'} |",
            "",
            f"- Peak memory: getrusage self {_gb(r.self_bytes)} + largest worker {_gb(r.worker_bytes)} "
            f"= {_gb(r.self_bytes + r.worker_bytes)}; sampled total of all processes {_gb(r.sampled_bytes)} "
            "(the table shows the larger).",
            f"- CPU time (all processes): {r.cpu_seconds:.1f} s, {1000 * r.cpu_seconds / r.articles:.1f} ms "
            f"per article; CPU time ÷ workers = {r.cpu_seconds / r.workers:.1f} s, the wall time to expect on "
            f"an otherwise idle machine. 1-minute load average at the end of the run: {r.load_after:.1f} "
            "(other work on the machine stretches the wall time).",
            f"- Skipped: {skipped}"
            + (
                " (a generated repost of a generated copy is a real duplicate)"
                if "duplicate" in r.skipped
                else ""
            )
            + f". Generating the articles took {r.generate_seconds:.1f} s (not counted).",
            f"- Machine: {platform.system()} {platform.machine()}, Python {platform.python_version()}, "
            f"{r.cpus} CPU(s); measured {date.today().isoformat()}.",
            f"- Reproduce: `{command}`",
            "",
        ]
    )


def write_section(text: str) -> None:
    """Replace the "## Ingest ..." section of RESULTS.md (to the next ``## `` or the end)."""
    current = (
        RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else "# Benchmark results\n"
    )
    pattern = re.compile(r"^## Ingest.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        updated = pattern.sub(lambda _m: text, current, count=1)
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    RESULTS_MD.write_text(updated, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description="Ingest N generated articles; report seconds and peak memory."
    )
    p.add_argument("--n", type=int, default=10_000, help="number of articles [10000]")
    p.add_argument("--workers", type=int, default=None, help="worker processes [all cores]")
    p.add_argument("--keep", type=Path, default=None, help="generate into this folder and keep it")
    p.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    args = p.parse_args(argv)
    result = run(args.n, args.workers, args.keep)
    command = "python bench/bench_ingest.py" + (f" --n {args.n}" if args.n != 10_000 else "")
    if args.workers:
        command += f" --workers {args.workers}"
    text = section(result, command)
    print(text)
    if not args.no_write:
        write_section(text)
        print(f"updated {RESULTS_MD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
