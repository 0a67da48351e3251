"""Tokens: what briefgen sends for a folder, against cleaning's floor and the map-reduce baseline.

For each folder (examples/articles and ../shared/corpus/seeds):

* raw tokens: every page as a loader gives it (HTML reduced to visible text);
* cleaned tokens: the excerpts briefgen ingest keeps, i.e. each cleaned excerpt sent once,
  the physical limit for a tool that must show the model the evidence;
* briefgen: a full ``briefgen build --no-cache`` against the bench server; prompt tokens are
  counted by the server (messages + per-message overhead + the JSON schema sent with the
  request, as a provider bills them), and also without the schema;
* ratio = briefgen prompt tokens / cleaned tokens  (target <= 1.5);
* the LangChain map-reduce baseline over the raw files on the same server
  (target: briefgen at most half its prompt tokens).

    python bench/bench_tokens.py            # writes bench/results/tokens.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import mapreduce_baseline
from server import ROOT, BenchServer, count_tokens, run_build

RESULTS = ROOT / "bench" / "results"
FOLDERS = {
    "examples/articles": ROOT / "examples" / "articles",
    "../shared/corpus/seeds": ROOT.parent / "shared" / "corpus" / "seeds",
}


def cleaned_tokens(folder: Path) -> dict[str, int]:
    """Documents and the tokens of every excerpt briefgen ingest keeps for ``folder``."""
    from briefgen.ingest import ingest

    corpus = ingest(folder)
    excerpts = [e for d in corpus.documents for e in d.excerpts]
    return {
        "documents": len(corpus.documents),
        "skipped": len(corpus.skipped),
        "excerpts": len(excerpts),
        "cleaned_tokens": sum(count_tokens(e.text) for e in excerpts),
    }


def briefgen_tokens(folder: Path, work: Path) -> dict[str, Any]:
    """Prompt and completion tokens of one full ``briefgen build`` (no cache)."""
    with BenchServer(latency=0.0, max_seconds=1800) as server:
        run = run_build(folder, work / "out", server=server, home=work / "home", concurrency=4)
    if run.returncode != 0:
        raise RuntimeError(f"briefgen build failed ({run.returncode}): {run.stderr.strip()[-800:]}")
    stats = run.stats
    brief = json.loads((work / "out" / "brief.json").read_text(encoding="utf-8"))
    return {
        "calls": stats["requests"],
        "prompt_tokens": stats["prompt_tokens"],
        "prompt_tokens_without_schema": stats["message_tokens"],
        "schema_tokens": stats["schema_tokens"],
        "completion_tokens": stats["completion_tokens"],
        "by_request": stats["by_schema"],
        "briefgen_reported_usage": brief.get("usage", {}),
        "wall_seconds": round(run.wall, 2),
    }


def measure(name: str, folder: Path) -> dict[str, Any]:
    files = mapreduce_baseline.raw_files(folder)
    row: dict[str, Any] = {"folder": name, "files": len(files)}
    row["raw_tokens"] = sum(count_tokens(f.text) for f in files)
    row.update(cleaned_tokens(folder))
    with tempfile.TemporaryDirectory(prefix="bench-tokens-") as tmp:
        row["briefgen"] = briefgen_tokens(folder, Path(tmp))
    row["mapreduce"] = mapreduce_baseline.measure(folder)
    bg, mr = row["briefgen"], row["mapreduce"]
    row["ratio"] = round(bg["prompt_tokens"] / max(row["cleaned_tokens"], 1), 2)
    row["ratio_without_schema"] = round(
        bg["prompt_tokens_without_schema"] / max(row["cleaned_tokens"], 1), 2
    )
    row["vs_mapreduce"] = round(bg["prompt_tokens"] / max(mr["prompt_tokens"], 1), 2)
    row["cleaning_saves"] = round(1 - row["cleaned_tokens"] / max(row["raw_tokens"], 1), 3)
    return row


def table(rows: list[dict[str, Any]]) -> str:
    """The Markdown table for RESULTS.md."""
    head = (
        "| folder | files | raw tokens | cleaned tokens (saved) | briefgen calls | briefgen prompt tokens "
        "(without schema) | ratio ÷ cleaned (without schema) | map-reduce calls | map-reduce prompt "
        "tokens | briefgen ÷ map-reduce |\n|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for r in rows:
        bg, mr = r["briefgen"], r["mapreduce"]
        lines.append(
            f"| `{r['folder']}` | {r['files']} | {r['raw_tokens']:,} | {r['cleaned_tokens']:,} "
            f"({r['cleaning_saves']:.0%}) | {bg['calls']} | {bg['prompt_tokens']:,} "
            f"({bg['prompt_tokens_without_schema']:,}) | {r['ratio']} ({r['ratio_without_schema']}) "
            f"| {mr['calls']} | {mr['prompt_tokens']:,} | {r['vs_mapreduce']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description="Token benchmark: briefgen vs cleaning floor vs map-reduce."
    )
    p.add_argument("--out", type=Path, default=RESULTS / "tokens.json")
    args = p.parse_args(argv)
    rows = [measure(name, folder) for name, folder in FOLDERS.items() if folder.is_dir()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
