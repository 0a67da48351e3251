"""Rerun: the same build a second time must make zero model calls (response cache).

50 generated articles, 1 s latency per call, concurrency 4, cache on:

1. cold build: every call goes to the server;
2. the same build again: the server must see zero calls; its wall time is reported;
3. one article added (the generator is deterministic, so the first 50 are unchanged):
   only the calls that depend on the new article should be made: the summary call of the
   batch it falls in (batches are chosen by a hash of the article ID; all of them change
   only when the number of batches grows) and the executive summary, whose input changed.

    python bench/bench_rerun.py             # writes bench/results/rerun.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from generate import generate
from server import ROOT, BenchServer, calls_by_schema, run_build

RESULTS = ROOT / "bench" / "results"


def measure(n: int = 50, latency: float = 1.0, concurrency: int = 4) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-rerun-") as tmp:
        work = Path(tmp)
        articles = work / "articles"
        generate(n, articles)
        with BenchServer(latency=latency, max_seconds=3600) as server:
            steps = [("cold build", n), ("same build again", n), ("one article added", n + 1)]
            for label, count in steps:
                if count != n:
                    generate(count, articles)
                run = run_build(
                    articles,
                    work / "out",
                    server=server,
                    home=work / "home",
                    concurrency=concurrency,
                    no_cache=False,
                )
                if run.returncode != 0:
                    raise RuntimeError(f"{label} failed: {run.stderr.strip()[-800:]}")
                rows.append(
                    {
                        "run": label,
                        "articles": count,
                        "calls": run.calls,
                        "by_request": {k: v["requests"] for k, v in run.stats["by_schema"].items()},
                        "prompt_tokens": run.stats["prompt_tokens"],
                        "wall_seconds": round(run.wall, 2),
                        "load_average": round(run.load, 2),
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
    return {"latency_seconds": latency, "concurrency": concurrency, "rows": rows}


def table(result: dict[str, Any]) -> str:
    lines = [
        "| run | articles | model calls (SummaryAnswer / BatchAnswer / ExecSummaryAnswer) "
        "| prompt tokens | wall s | load avg |",
        "|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        kinds = calls_by_schema(r.get("by_request") or {})
        lines.append(
            f"| {r['run']} | {r['articles']} | {r['calls']} ({kinds}) | {r['prompt_tokens']:,} "
            f"| {r['wall_seconds']} | {r.get('load_average', '')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Second identical build: zero calls, wall time.")
    p.add_argument("--articles", type=int, default=50)
    p.add_argument("--latency", type=float, default=1.0)
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--out", type=Path, default=RESULTS / "rerun.json")
    args = p.parse_args(argv)
    result = measure(args.articles, args.latency, args.concurrency)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
