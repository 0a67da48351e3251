"""Time: wall time of ``briefgen build`` against the critical path, at several concurrencies.

50 articles generated from examples/articles; the bench server sleeps 1 s per call.  For each
concurrency c the critical path is what a perfect scheduler could do with the same calls.
A build has two dependent model steps: the summary calls (one per batch of articles, schema
``BatchAnswer``, or ``SummaryAnswer`` for a batch of one article), then, unless one batch held
every article and wrote the overview itself, one executive-summary call (``ExecSummaryAnswer``,
written from the verified table).  A batch whose answer is cut off or over the token budget
is split and its halves asked again: those are one more dependent round.  The steps and their
calls are read from the server's records of the run (a summary call that quotes a subset of
an earlier summary call's excerpts is a retry, one round later).  Within a step all calls are
independent, so the ideal model time is

    ideal waves = sum over steps of ceil(calls in step / c)   [x latency]

Building the brief also does work before the first call (start-up, ingest, retrieval) and after
the last answer (verification, rendering).  That time, measured in the same run, is added:

    critical path = ideal waves x latency + (wall - span of model calls)

so wall ÷ critical path = (outside + span) ÷ (outside + ideal): everything the scheduler loses
inside the model phase (idle slots, CPU work between steps) counts against it.  Target <= 1.3
at every concurrency.  The span ÷ ideal ratio (model phase only) and the time of the same build
at 0 s latency are reported beside it.  The bench server answers every call in the same time;
a real model takes longer for a longer answer, so a batch of six articles is slower than one.

    python bench/bench_time.py              # writes bench/results/time.json
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from generate import generate
from server import ROOT, BenchServer, calls_by_schema, run_build

RESULTS = ROOT / "bench" / "results"
# The dependent model steps, in order, by the schema name sent with each request; a schema
# not listed counts with the first step.  CellAnswer (per-cell calls) is only in results
# measured before the comparison was built from the summaries' findings.
STEPS = (("SummaryAnswer", "BatchAnswer"), ("CellAnswer",), ("ExecSummaryAnswer",))


def _step(name: str) -> int:
    return next((i for i, names in enumerate(STEPS) if name in names), 0)


def step_calls(records: list[dict[str, Any]]) -> list[int]:
    """Calls per dependent step, from the server's records of one build, in order.

    Summary calls come in rounds: a batch split and asked again quotes a subset of the
    excerpts of the call it came from, so it is one round after that call."""
    rounds: list[tuple[int, frozenset[str]]] = []  # (round, excerpt keys) of summary calls
    later: dict[int, int] = {}
    for r in sorted(records, key=lambda r: r["start"]):
        step = _step(r["schema_name"])
        if step != 0:
            later[step] = later.get(step, 0) + 1
            continue
        keys = frozenset(r.get("excerpt_keys") or ())
        parent = [n for n, k in rounds if keys and keys < k]
        rounds.append((max(parent, default=-1) + 1, keys))
    summary = [
        sum(1 for n, _ in rounds if n == i)
        for i in range(max((n for n, _ in rounds), default=-1) + 1)
    ]
    return summary + [later[k] for k in sorted(later)]


def critical_path(
    by_request: dict[str, int], concurrency: int, latency: float, steps: list[int] | None = None
) -> float:
    """Seconds of model time a perfect scheduler needs for these calls: ``steps`` (calls per
    dependent step) when measured, else the calls grouped by schema name into STEPS."""
    if steps is None:
        counts = [0] * len(STEPS)
        for name, n in by_request.items():
            counts[_step(name)] += n
        steps = counts
    return sum(math.ceil(n / concurrency) for n in steps) * latency


def derive(result: dict[str, Any]) -> dict[str, Any]:
    """Add the critical path and ratios to each measured row (kept apart from raw numbers)."""
    latency = result["latency_seconds"]
    for r in result["rows"]:
        ideal = critical_path(r["by_request"], r["concurrency"], latency, r.get("steps"))
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
                        "steps": step_calls(st["records"]),
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


SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
# Issue 17's settings: (completion tokens/s, concurrency).  Default settings otherwise.
ISSUE17 = ((30.0, 16), (60.0, 16), (30.0, 4))
# USD per 1M prompt / completion tokens: gpt-4o-mini in briefgen/data/prices.toml.  Issue 17
# prices completion tokens at 4x prompt tokens; any price with that ratio gives the same ratios.
PRICE = (0.15, 0.60)


def cost(prompt_tokens: int, completion_tokens: int) -> float:
    """USD at ``PRICE`` for these tokens."""
    return (prompt_tokens * PRICE[0] + completion_tokens * PRICE[1]) / 1_000_000


def commit() -> str:
    """The commit measured: git's short HEAD of this checkout, else $BENCH_COMMIT (a copy
    made with ``git archive``), else "?"."""
    import os
    import subprocess

    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() or os.environ.get("BENCH_COMMIT", "?")


def summarised(out: Path) -> tuple[int, int]:
    """(articles the model summarised, articles) in a build's brief.json."""
    data = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    arts = data.get("articles", [])
    return sum(a.get("engine") == "model" and not a.get("error") for a in arts), len(arts)


def brief_usage(out: Path) -> dict[str, int]:
    """The model calls a build's brief.json reports: calls, attempts, failed, retries,
    timeouts, cached (0 for a key the brief does not have)."""
    path = out / "brief.json"
    usage = json.loads(path.read_text(encoding="utf-8")).get("usage", {}) if path.exists() else {}
    keys = ("calls", "attempts", "failed", "retries", "timeouts", "cached")
    return {k: int(usage.get(k) or 0) for k in keys}


def measure_realistic(
    folder: Path, *, decode_rate: float = 30.0, concurrency: int = 16, extra: tuple[str, ...] = ()
) -> dict[str, Any]:
    """briefgen's default build beside the map-reduce baseline against a server that answers
    at a real model's speed (0.5 s + prompt/4,000 + completion/decode_rate seconds per call,
    answers as long as each prompt allows), at the same concurrency (issue 17's targets).

    The build runs with its default settings (the response cache on, in a fresh home), then
    once more in the same home: that rerun must make no model call."""
    import mapreduce_baseline

    speed = {"latency": 0.5, "prefill_rate": 4000.0, "decode_rate": decode_rate}
    with tempfile.TemporaryDirectory(prefix="bench-real-") as tmp:
        work = Path(tmp)
        with BenchServer(latency=speed["latency"], prefill_rate=speed["prefill_rate"],
                         decode_rate=decode_rate, fill=True, max_seconds=3600) as server:
            run = run_build(folder, work / "out", server=server, home=work / "home",
                            concurrency=concurrency, no_cache=False, extra=extra, timeout=3000)
            again = run_build(folder, work / "again", server=server, home=work / "home",
                              concurrency=concurrency, no_cache=False, extra=extra, timeout=600)
        done, total = summarised(work / "out") if (work / "out" / "brief.json").exists() else (0, 0)
        usage = brief_usage(work / "out")
    mr = mapreduce_baseline.measure(folder, concurrency=concurrency, **speed)
    st = run.stats
    bg = {"wall_seconds": round(run.wall, 2), "calls": run.calls, **usage,
          "summarised": done, "articles": total, "load_average": round(run.load, 2),
          "prompt_tokens": st["prompt_tokens"], "completion_tokens": st["completion_tokens"],
          "cost": round(cost(st["prompt_tokens"], st["completion_tokens"]), 6),
          "max_in_flight": st["max_in_flight"], "steps": step_calls(st["records"]),
          # where the wall time went: before the first call, calls, after the last answer
          "first_call_after_seconds": round(st.get("first_start", run.started) - run.started, 2),
          "model_span_seconds": round(st.get("last_end", 0.0) - st.get("first_start", 0.0), 2),
          "rerun_calls": again.calls, "rerun_exit_code": again.returncode,
          "rerun_wall_seconds": round(again.wall, 2)}
    mr["cost"] = round(cost(mr["prompt_tokens"], mr["completion_tokens"]), 6)
    return {
        "folder": folder.parent.name if folder.name == "articles" else folder.name,
        "decode_rate": decode_rate, "concurrency": concurrency,
        "extra": list(extra), "exit_code": run.returncode,
        "briefgen": bg,
        "mapreduce": mr,
        "wall_ratio": round(run.wall / max(mr["wall_seconds"], 0.01), 2),
        "cost_ratio": round(bg["cost"] / max(mr["cost"], 1e-9), 2),
    }


def _row_or_error(folder: Path, rate: float, c: int) -> dict[str, Any]:
    """One row; a crash is recorded in the row (with the folder and setting), not fatal to
    the other rows of a long run."""
    try:
        row = measure_realistic(folder, decode_rate=rate, concurrency=c)
    except Exception as exc:  # noqa: BLE001 - reported in the table
        name = folder.parent.name if folder.name == "articles" else folder.name
        row = {"folder": name, "decode_rate": rate, "concurrency": c,
               "error": f"{type(exc).__name__}: {exc}"[:500]}
    print(json.dumps(row), flush=True)
    return row


def measure_realistic_all(
    generated: int = 50, decode_rates: tuple[float, ...] = (30.0,),
    concurrencies: tuple[int, ...] = (16,), *, speeds: tuple[tuple[float, int], ...] = (),
    jobs: int = 1,
) -> dict[str, Any]:
    """``measure_realistic`` over examples, seeds and ``generated`` generated articles, at
    each (tokens/s, concurrency) of ``speeds`` (default: every decode rate x concurrency).

    ``jobs`` > 1 measures that many rows at a time (each row keeps its own servers; its
    briefgen build and its map-reduce run still follow each other), longest rows first."""
    from concurrent.futures import ThreadPoolExecutor

    settings = speeds or tuple((r, c) for r in decode_rates for c in concurrencies)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="bench-real-gen-") as tmp:
        folders = [ROOT / "examples" / "articles", SEEDS]
        if generated:
            generate(generated, Path(tmp) / f"generated-{generated}")
            folders.append(Path(tmp) / f"generated-{generated}")
        todo = [(f, r, c) for f in folders if f.is_dir() for r, c in settings]
        # longest first: most articles, slowest decoding, fewest calls at once
        order = sorted(range(len(todo)), key=lambda i: (
            -len(list(todo[i][0].iterdir())), todo[i][1], todo[i][2]))
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {i: pool.submit(_row_or_error, *todo[i]) for i in order}
            rows = [futures[i].result() for i in range(len(todo))]
    return {"rows": rows, "commit": commit(), "jobs": jobs, "generated": generated,
            "price_per_million": list(PRICE), "seconds": round(time.time() - started, 1),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))}


def _met(good: bool) -> str:
    return "met" if good else "**not met**"


def realistic_targets(r: dict[str, Any]) -> str:
    """Issue 17's targets for one row: every article summarised, wall <= 1.5x and cost <= 2x
    map-reduce's, and the cached rerun makes no call."""
    bg = r["briefgen"]
    checks = [
        ("all summarised", bg["articles"] > 0 and bg["summarised"] == bg["articles"]),
        ("wall ≤ 1.5×", r["wall_ratio"] <= 1.5),
        ("cost ≤ 2×", r.get("cost_ratio", math.inf) <= 2.0),
        ("rerun 0 calls", bg.get("rerun_calls", 0) == 0 and bg.get("rerun_exit_code", 0) == 0),
    ]
    failed = [name for name, ok in checks if not ok]
    return "all met" if not failed else "**not met**: " + ", ".join(failed)


def realistic_table(result: dict[str, Any]) -> str:
    """Issue 17's comparison: briefgen's default build vs map-reduce at a real model's speed."""
    price = result.get("price_per_million", PRICE)
    lines = [
        "Each call takes 0.5 s + prompt tokens/4,000 + completion tokens/decode rate; answers are "
        "as long as each prompt allows (`--fill`). Cost in USD at "
        f"${price[0]:g} / ${price[1]:g} per million prompt / completion tokens (completion 4×). "
        "briefgen calls: requests the server answered (brief.json's attempts / failed / retries); "
        "rerun: the same build again with its cache.",
        "",
        "| folder | tok/s | c | briefgen wall s | calls (attempts / failed / retries) | articles "
        "summarised | prompt tok | completion tok | cost $ | map-reduce wall s | calls | prompt tok "
        "| completion tok | cost $ | wall ratio | cost ratio | rerun calls | issue 17 targets |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        if "error" in r:
            lines.append(f"| {r['folder']} | {r['decode_rate']:g} | {r['concurrency']} | "
                         f"run failed: {r['error'][:200]} |" + " |" * 13 + " **not measured** |")
            continue
        bg, mr = r["briefgen"], r["mapreduce"]
        calls = f"{bg['calls']}"
        if "attempts" in bg:
            calls += f" ({bg['attempts']} / {bg['failed']} / {bg['retries']})"
        lines.append(
            f"| {r['folder']} | {r['decode_rate']:g} | {r['concurrency']} | {bg['wall_seconds']} "
            f"| {calls} | {bg['summarised']}/{bg['articles']} | {bg.get('prompt_tokens', 0):,} "
            f"| {bg['completion_tokens']:,} | {bg.get('cost', 0):.4f} | {mr['wall_seconds']} "
            f"| {mr['calls']} | {mr['prompt_tokens']:,} | {mr['completion_tokens']:,} "
            f"| {mr.get('cost', 0):.4f} | {r['wall_ratio']} | {r.get('cost_ratio', '?')} "
            f"| {bg.get('rerun_calls', '?')} | {realistic_targets(r)} |"
        )
    return "\n".join(lines)


def table(result: dict[str, Any]) -> str:
    lines = [
        f"{result['articles']} articles, {result['latency_seconds']:g} s per call; the same build at "
        f"0 s latency took {result['no_latency_build_seconds']} s.",
        "",
        "| concurrency | calls (SummaryAnswer / BatchAnswer / ExecSummaryAnswer) | calls per "
        "dependent step | max in flight | wall s | critical path s (ideal waves + outside model "
        "calls) | wall ÷ critical | model-call span s | span ÷ ideal | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        kinds = calls_by_schema(r["by_request"])
        steps = " → ".join(str(n) for n in r.get("steps") or ()) or "?"
        lines.append(
            f"| {r['concurrency']} | {r['calls']} ({kinds}) | {steps} | {r['max_in_flight']} "
            f"| {r['wall_seconds']} "
            f"| {r['critical_seconds']} ({r['ideal_model_seconds']:g} + {r['outside_model_seconds']}) "
            f"| {r['ratio']} | {r['model_span_seconds']} | {r['model_ratio']} | {r.get('load_average', '')} |"
        )
    return "\n".join(lines)


def _speed(text: str) -> tuple[tuple[float, int], ...]:
    """``30:16`` -> ((30.0, 16),); ``issue17`` -> ISSUE17."""
    if text == "issue17":
        return ISSUE17
    rate, _, c = text.partition(":")
    try:
        return ((float(rate), int(c)),)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: want TOKENS_PER_S:CONCURRENCY") from None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Wall time vs critical path at several concurrencies.")
    p.add_argument("--articles", type=int, default=50)
    p.add_argument("--latency", type=float, default=1.0)
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8, 16])
    p.add_argument("--out", type=Path, default=RESULTS / "time.json")
    p.add_argument(
        "--derive-only", action="store_true", help="recompute critical paths in --out; run nothing"
    )
    p.add_argument("--realistic", type=Path, nargs="*", default=None, metavar="FOLDER",
                   help="briefgen vs map-reduce at a real model's speed on FOLDER(s) (printed), or "
                        "with no folder on examples, seeds and --articles generated ones "
                        "(written to results/realistic.json)")
    p.add_argument("--decode-rate", type=float, default=30.0, help="with --realistic: tokens/s")
    p.add_argument("--speeds", type=_speed, nargs="+", default=None, metavar="TOKS:C",
                   help="with --realistic: (tokens/s:concurrency) settings instead of "
                        "--decode-rate x --concurrency; 'issue17' for 30:16 60:16 30:4")
    p.add_argument("--jobs", type=int, default=1,
                   help="with --realistic: rows measured at a time (default 1, one after another)")
    p.add_argument("--tag", default="",
                   help="with --realistic and no folder: write results/realistic-TAG.json")
    args = p.parse_args(argv)
    if args.realistic is not None:
        speeds = tuple(s for group in args.speeds or () for s in group) or tuple(
            (args.decode_rate, c) for c in args.concurrency)
        if args.realistic:
            rows = [_row_or_error(f.resolve(), rate, c) for f in args.realistic for rate, c in speeds]
            print(realistic_table({"rows": rows}))
            return 0
        real = measure_realistic_all(args.articles, speeds=speeds, jobs=args.jobs)
        out = RESULTS / (f"realistic-{args.tag}.json" if args.tag else "realistic.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(real, indent=1) + "\n", encoding="utf-8")
        print(realistic_table(real))
        return 0
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
