"""Long articles without a model: seconds and peak memory of a build (issue 14).

A saved page can be megabytes long (an annual report pasted into one page, a forum
dump). Every stage must grow linearly with it. This script writes one article of
1, 5 and 20 MB (plain text: paragraphs of made-up industrial-policy sentences with
figures, written for this benchmark) plus a 20 MB single-line file, builds each in a
child process with the extractive engine, and prints wall seconds and peak RSS.

    python bench/bench_long.py                # 1, 5, 20 MB and the one-line file
    python bench/bench_long.py --sizes 1 5    # a quicker run

Results go into bench/RESULTS.md by hand (section "Long articles").
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CITIES = ["合肥", "苏州", "成都", "武汉", "西安", "杭州"]
THINGS = ["生物医药企业", "集成电路项目", "新能源汽车产能", "创新平台", "产业基金", "重点园区"]


def _sentence(rng: random.Random) -> str:
    city, thing = rng.choice(CITIES), rng.choice(THINGS)
    year = rng.randint(2019, 2025)
    value = rng.randint(2, 9000)
    unit = rng.choice(["亿元", "家", "个", "万平方米", "%"])
    return f"{year}年{city}{thing}达到{value}{unit}，较上年明显增长。"


def write_article(path: Path, megabytes: float, *, one_line: bool = False) -> None:
    rng = random.Random(int(megabytes * 1000))
    target = int(megabytes * 1024 * 1024)
    parts = ["# 产业发展长篇报告（基准测试用文本，为本项目编写）\n\n", "发布时间：2024年5月17日\n\n"]
    size = sum(len(p.encode()) for p in parts)
    while size < target:
        para = "".join(_sentence(rng) for _ in range(6)) + ("" if one_line else "\n\n")
        parts.append(para)
        size += len(para.encode())
    path.write_text("".join(parts), encoding="utf-8")


def build(folder: Path, out: Path) -> dict[str, float]:
    code = (
        "import resource, sys, time; from pathlib import Path;"
        "from briefgen import build_brief, BuildSettings;"
        "t = time.perf_counter(); build_brief(Path(sys.argv[1]), Path(sys.argv[2]), BuildSettings());"
        "print(time.perf_counter() - t)"
    )
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code, str(folder), str(out)],
        capture_output=True, text=True, timeout=1800, check=False,
    )
    wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"ok": proc.returncode == 0, "seconds": round(wall, 1), "peak_mb": round(peak_mb),
            "error": proc.stderr.strip().splitlines()[-1] if proc.returncode else ""}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[1, 5, 20])
    ap.add_argument("--no-one-line", action="store_true")
    args = ap.parse_args()
    cases = [(s, False) for s in args.sizes] + ([] if args.no_one_line else [(max(args.sizes), True)])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for mb, one_line in cases:
            folder = Path(tmp) / f"in-{mb}-{one_line}"
            folder.mkdir()
            write_article(folder / "long.txt", mb, one_line=one_line)
            # peak RSS of children is a running maximum: run each case in its own process tree
            res = subprocess.run(
                [sys.executable, __file__, "--_one", str(folder), str(Path(tmp) / f"out-{mb}-{one_line}")],
                capture_output=True, text=True, check=False, timeout=1900,
            )
            row = json.loads(res.stdout.strip().splitlines()[-1]) if res.stdout.strip() else {"ok": False, "error": res.stderr[-300:]}
            row.update(mb=mb, one_line=one_line)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    print("\n| article | one line | seconds | peak MB | result |\n|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['mb']:g} MB | {'yes' if r['one_line'] else 'no'} | {r.get('seconds', '')} | {r.get('peak_mb', '')} | {'ok' if r['ok'] else r.get('error', '')} |")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--_one":
        print(json.dumps(build(Path(sys.argv[2]), Path(sys.argv[3]))))
    else:
        main()
