"""Run every benchmark and write the tables into bench/RESULTS.md.

    python bench/run_all.py                 # tokens, time, rerun, plot (about 5 minutes)
    python bench/run_all.py --with-ingest   # also bench/bench_ingest.py (10,000 articles)
    python bench/run_all.py --only tokens   # one of: tokens time rerun realistic
    python bench/run_all.py --only realistic   # issue 17's table: briefgen vs map-reduce on
        # examples, seeds and 50 generated articles at 30 tok/s c=16, 60 tok/s c=16, 30 tok/s c=4,
        # with the cached rerun (long: --jobs 3 measures three rows at a time)

Each benchmark writes its raw numbers to bench/results/<name>.json; this script then
replaces only the text between its own ``<!-- BEGIN name -->`` / ``<!-- END name -->``
markers in RESULTS.md, so sections written by other scripts (the ingest benchmark) stay.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import bench_rerun
import bench_time
import bench_tokens
import plot
from server import ROOT

BENCH = ROOT / "bench"
RESULTS_MD = BENCH / "RESULTS.md"
PY = "python"  # as written in the reproduce commands


def machine() -> str:
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    cpu = os.cpu_count()
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{dt.date.today().isoformat()}, {platform.system()} {platform.machine()}, {cpu} cores{mem}, "
        f"Python {platform.python_version()}, briefgen at commit `{commit or '?'}` plus working tree"
    )


def replace_section(text: str, name: str, body: str) -> str:
    """``text`` with the part between this section's markers replaced (appended if absent)."""
    begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
    block = f"{begin}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        return pattern.sub(lambda _m: block, text)
    return text.rstrip() + "\n\n" + block + "\n"


def update_results(sections: dict[str, str]) -> None:
    """Re-read RESULTS.md and replace only our sections (others may have edited it meanwhile)."""
    text = (
        RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else "# Benchmark results\n"
    )
    for name, body in sections.items():
        text = replace_section(text, name, body)
    RESULTS_MD.write_text(text, encoding="utf-8")


def _load(name: str) -> Any:
    path = BENCH / "results" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _ok(good: bool) -> str:
    return "met" if good else "**not met**"


def ingest_result() -> tuple[str, str] | None:
    """(measured, status) from the ingest section's table in RESULTS.md (its own script writes it)."""
    if not RESULTS_MD.exists():
        return None
    text = RESULTS_MD.read_text(encoding="utf-8")
    m = re.search(r"^## Ingest.*?$(.*?)(?=^## |\Z)", text, re.S | re.M)
    if not m:
        return None
    rows = [ln for ln in m.group(1).splitlines() if ln.startswith("|")]
    if len(rows) < 3:
        return None
    head = [c.strip().lower() for c in rows[0].strip("|").split("|")]
    cells = dict(zip(head, (c.strip() for c in rows[2].strip("|").split("|")), strict=False))
    status = next((v for k, v in cells.items() if k.startswith("target")), "")
    if "seconds" in cells and "peak memory" in cells:
        return f"{cells['seconds']} s, {cells['peak memory']} peak", status
    return "; ".join(f"{k}: {v}" for k, v in cells.items() if v), status


def summary(tokens: Any, timing: Any, rerun: Any) -> str:
    """One line per target: the measured value and whether the target is met."""
    lines = ["| benchmark | target | measured | |", "|---|---|---|---|"]
    for r in tokens or []:
        lines.append(
            f"| tokens, `{r['folder']}` | prompt tokens ÷ cleaned tokens ≤ 1.5 | {r['ratio']} "
            f"({r['ratio_without_schema']} without the schema) | {_ok(r['ratio'] <= 1.5)} |"
        )
        lines.append(
            f"| tokens, `{r['folder']}` | briefgen ≤ 0.5 × map-reduce prompt tokens | "
            f"{r['vs_mapreduce']} × | {_ok(r['vs_mapreduce'] <= 0.5)} |"
        )
    if timing:
        worst = max(timing["rows"], key=lambda r: r["ratio"])
        ratios = ", ".join(f"c={r['concurrency']}: {r['ratio']}" for r in timing["rows"])
        lines.append(
            f"| time, {timing['articles']} articles, {timing['latency_seconds']:g} s/call | "
            f"wall ≤ 1.3 × critical path at every concurrency | {ratios} | {_ok(worst['ratio'] <= 1.3)} |"
        )
    if rerun:
        again = next((r for r in rerun["rows"] if r["run"] == "same build again"), None)
        if again:
            lines.append(
                f"| rerun | zero model calls | {again['calls']} calls, {again['wall_seconds']} s "
                f"| {_ok(again['calls'] == 0)} |"
            )
    measured, status = ingest_result() or ("see Ingest scale", "")
    lines.append(f"| ingest, 10,000 articles | < 60 s and < 1.5 GB | {measured} | {status} |")
    return "\n".join(lines)


def render_sections() -> dict[str, str]:
    """Markdown for every benchmark whose JSON results exist."""
    out = {"machine": f"Measured on: {machine()}."}
    tokens, timing, rerun = _load("tokens"), _load("time"), _load("rerun")
    out["summary"] = summary(tokens, timing, rerun)
    if tokens:
        out["tokens"] = f"Reproduce: `{PY} bench/bench_tokens.py`\n\n{bench_tokens.table(tokens)}"
    if timing:
        out["time"] = (
            f"Reproduce: `{PY} bench/bench_time.py` then `{PY} bench/plot.py`\n\n"
            f"{bench_time.table(timing)}\n\n![wall time against concurrency](concurrency.png)"
        )
    if rerun:
        out["rerun"] = f"Reproduce: `{PY} bench/bench_rerun.py`\n\n{bench_rerun.table(rerun)}"
    for path in sorted((BENCH / "results").glob("realistic*.json")):
        real = json.loads(path.read_text(encoding="utf-8"))
        tag = path.stem.removeprefix("realistic").lstrip("-")
        cmd = realistic_command(real, tag)
        when = f"{real['date']}, " if real.get("date") else ""
        at = f"commit `{real['commit']}`, " if real.get("commit") else ""
        took = f"whole run {real['seconds']:.0f} s" if real.get("seconds") else ""
        out[path.stem] = (f"Reproduce: `{cmd}` ({when}{at}{took})"
                          f"\n\n{bench_time.realistic_table(real)}")
    return out


def realistic_command(real: dict[str, Any], tag: str = "") -> str:
    """The command that measured a realistic*.json (older files: the one used then)."""
    if "jobs" not in real:
        return f"{PY} bench/bench_time.py --realistic --concurrency 16"
    return (f"{PY} bench/run_all.py --only realistic --jobs {real['jobs']}"
            + (f" --tag {tag}" if tag else ""))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Run all benchmarks; update bench/RESULTS.md.")
    p.add_argument("--only", choices=["tokens", "time", "rerun", "realistic"], action="append")
    p.add_argument("--with-ingest", action="store_true", help="also run bench/bench_ingest.py")
    p.add_argument("--no-run", action="store_true", help="only re-render RESULTS.md from JSON")
    p.add_argument("--jobs", type=int, default=1, help="realistic: rows measured at a time")
    p.add_argument("--tag", default="", help="realistic: results/realistic-TAG.json, its own section")
    args = p.parse_args(argv)
    todo = args.only or ["tokens", "time", "rerun"]
    if not args.no_run:
        if "tokens" in todo:
            bench_tokens.main([])
        if "time" in todo:
            bench_time.main([])
            plot.main([])
        if "rerun" in todo:
            bench_rerun.main([])
        if "realistic" in todo:  # only when asked: real-speed builds take minutes each
            bench_time.main(["--realistic", "--speeds", "issue17", "--jobs", str(args.jobs),
                             *(["--tag", args.tag] if args.tag else [])])
        ingest_script = BENCH / "bench_ingest.py"
        if args.with_ingest and ingest_script.exists():
            subprocess.run([sys.executable, str(ingest_script)], cwd=ROOT, check=True, timeout=1800)
    sections = render_sections()
    if not args.no_run and set(todo) <= {"realistic"}:
        # only the realistic tables were measured: the machine line (date, commit) and the
        # summary describe the other benchmarks' runs and stay as they are
        sections = {k: v for k, v in sections.items() if k.startswith("realistic")}
    update_results(sections)
    print(f"updated {RESULTS_MD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
