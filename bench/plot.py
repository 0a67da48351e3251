"""Plot wall time against concurrency (bench/results/time.json -> bench/concurrency.png).

The measured wall time is drawn with the critical path and the 1.3x target band, so the
gap between what briefgen does and what a perfect scheduler could do is visible at a glance.

    python bench/plot.py
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from server import ROOT

BENCH = ROOT / "bench"


def plot(result_file: Path, png: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    result = json.loads(result_file.read_text(encoding="utf-8"))
    rows = result["rows"]
    conc = [r["concurrency"] for r in rows]
    wall = [r["wall_seconds"] for r in rows]
    crit = [r["critical_seconds"] for r in rows]
    fig, ax = plt.subplots(figsize=(5.2, 3.4), dpi=90)
    ax.fill_between(
        conc, crit, [c * 1.3 for c in crit], color="#cfe8cf", label="target: ≤ 1.3× critical path"
    )
    ax.plot(conc, crit, "--", color="#2e7d32", marker="s", label="critical path")
    ax.plot(conc, wall, "-", color="#1f4e9c", marker="o", label="briefgen build, wall time")
    for x, y in zip(conc, wall, strict=True):
        ax.annotate(f"{y:.0f}s", (x, y), textcoords="offset points", xytext=(4, 6), fontsize=8)
    ax.set_xscale("log", base=2)
    ax.set_xticks(conc, [str(c) for c in conc])
    ax.set_yscale("log")
    top = max(max(wall), max(crit) * 1.3)
    ticks = [t for t in (5, 10, 20, 40, 80, 160, 320, 640) if min(crit) * 0.6 <= t <= top * 1.6]
    ax.set_yticks(ticks, [str(t) for t in ticks])
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel("--concurrency")
    ax.set_ylabel("seconds (log scale)")
    ax.set_title(
        f"{result['articles']} articles, {result['latency_seconds']:g} s per model call",
        fontsize=10,
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(png)
    plt.close(fig)
    return png


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="PNG of wall time against concurrency.")
    p.add_argument("--results", type=Path, default=BENCH / "results" / "time.json")
    p.add_argument("--out", type=Path, default=BENCH / "concurrency.png")
    args = p.parse_args(argv)
    print(f"wrote {plot(args.results, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
