"""Time: wall time of ``briefgen build`` against the critical path, at several concurrencies.

50 articles generated from examples/articles; the bench server sleeps 1 s per call.  For each
concurrency c the critical path is what a perfect scheduler could do with the same calls.
A build has three dependent model steps: article summaries, then the comparison cells (their
evidence is chosen with the summaries' answers), then the executive summary (written from the
verified cells).  Within a step all calls are independent, so the ideal model time is

    ideal waves = sum over steps of ceil(calls in step / c)   [x latency]

Building the brief also does work before the first call (start-up, ingest, retrieval) and after
the last answer (verification, rendering).  That time, measured in the same run, is added:

    critical path = ideal waves x latency + (wall - span of model calls)

so wall ÷ critical path = (outside + span) ÷ (outside + ideal): everything the scheduler loses
inside the model phase (idle slots, CPU work between steps) counts against it.  Target <= 1.3
at every concurrency.  The span ÷ ideal ratio (model phase only) and the time of the same build
at 0 s latency are reported beside it.

    python bench/bench_time.py              # writes bench/results/time.json
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path
from typing import Any

from generate import generate
from server import ROOT, BenchServer, run_build

RESULTS = ROOT / "bench" / "results"
# The dependent model steps, in order, by the schema name sent with each request; a schema
# not listed counts with the first step.
STEPS = (("SummaryAnswer",), ("CellAnswer",), ("ExecSummaryAnswer",))


def critical_path(by_request: dict[str, int], concurrency: int, latency: float) -> float:
    """Seconds of model time a perfect scheduler needs for these calls."""
    counts = [0] * len(STEPS)
    for name, n in by_request.items():
        step = next((i for i, names in enumerate(STEPS) if name in names), 0)
        counts[step] += n
    return sum(math.ceil(n / concurrency) for n in counts) * latency


def derive(result: dict[str, Any]) -> dict[str, Any]:
    """Add the critical path and ratios to each measured row (kept apart from raw numbers)."""
    latency = result["latency_seconds"]
    for r in result["rows"]:
        ideal = critical_path(r["by_request"], r["concurrency"], latency)
        outside = r["wall_seconds"] - r["model_span_seconds"]
        r["ideal_model_seconds"] = round(ideal, 2)
        r["outside_model_seconds"] = round(outside, 2)
        r["critical_seconds"] = round(ideal + outside, 2)
        r["ratio"] = round(r["wall_seconds"] / (ideal + outside), 3)
        r["model_ratio"] = round(r["model_span_seconds"] / ideal, 3) if ideal else None
        for old in ("model_critical_seconds",):
            r.pop(old, None)
    return result


def measure(
    n: int = 50, latency: float = 1.0, concurrencies: tuple[int, ...] = (1, 4, 8, 16)
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-time-") as tmp:
        work = Path(tmp)
        articles = work / "articles"
        generate(n, articles)
        with BenchServer(latency=0.0, max_seconds=1800) as server:
            base = run_build(
                articles, work / "out0", server=server, home=work / "home0", concurrency=16
            )
        if base.returncode != 0:
            raise RuntimeError(f"build failed: {base.stderr.strip()[-800:]}")
        rows = []
        with BenchServer(latency=latency, max_seconds=3600) as server:
            for c in concurrencies:
                run = run_build(
                    articles, work / f"out{c}", server=server, home=work / f"home{c}", concurrency=c
                )
                if run.returncode != 0:
                    raise RuntimeError(f"build failed at c={c}: {run.stderr.strip()[-800:]}")
                st = run.stats
                span = st.get("last_end", 0.0) - st.get("first_start", 0.0)
                rows.append(
                    {
                        "concurrency": c,
                        "calls": run.calls,
                        "by_request": {k: v["requests"] for k, v in st["by_schema"].items()},
                        "max_in_flight": st["max_in_flight"],
                        "wall_seconds": round(run.wall, 2),
                        "load_average": round(run.load, 2),
                        "model_span_seconds": round(span, 2),
                        "first_call_after_seconds": round(
                            st.get("first_start", 0.0) - run.started, 2
                        ),
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
    return derive(
        {
            "articles": n,
            "latency_seconds": latency,
            "no_latency_build_seconds": round(base.wall, 2),
            "no_latency_calls": base.calls,
            "rows": rows,
        }
    )


def table(result: dict[str, Any]) -> str:
    lines = [
        f"{result['articles']} articles, {result['latency_seconds']:g} s per call; the same build at "
        f"0 s latency took {result['no_latency_build_seconds']} s.",
        "",
        "| concurrency | calls (summary / cell / exec) | max in flight | wall s | critical path s "
        "(ideal waves + outside model calls) | wall ÷ critical | model-call span s | span ÷ ideal "
        "| load avg |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        by = r["by_request"]
        kinds = " / ".join(
            str(by.get(k, 0)) for k in ("SummaryAnswer", "CellAnswer", "ExecSummaryAnswer")
        )
        lines.append(
            f"| {r['concurrency']} | {r['calls']} ({kinds}) | {r['max_in_flight']} | {r['wall_seconds']} "
            f"| {r['critical_seconds']} ({r['ideal_model_seconds']:g} + {r['outside_model_seconds']}) "
            f"| {r['ratio']} | {r['model_span_seconds']} | {r['model_ratio']} | {r.get('load_average', '')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Wall time vs critical path at several concurrencies.")
    p.add_argument("--articles", type=int, default=50)
    p.add_argument("--latency", type=float, default=1.0)
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8, 16])
    p.add_argument("--out", type=Path, default=RESULTS / "time.json")
    p.add_argument(
        "--derive-only", action="store_true", help="recompute critical paths in --out; run nothing"
    )
    args = p.parse_args(argv)
    if args.derive_only:
        result = derive(json.loads(args.out.read_text(encoding="utf-8")))
    else:
        result = measure(args.articles, args.latency, tuple(args.concurrency))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
