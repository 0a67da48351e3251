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
from server import ROOT, BenchServer, calls_by_schema, count_tokens, excerpt_key, run_build

RESULTS = ROOT / "bench" / "results"
FOLDERS = {
    "examples/articles": ROOT / "examples" / "articles",
    "../shared/corpus/seeds": ROOT.parent / "shared" / "corpus" / "seeds",
}


def excerpt_tokens(folder: Path) -> tuple[dict[str, int], int]:
    """Tokens of every distinct excerpt text briefgen ingest keeps for ``folder``, keyed like the
    server's ``excerpt_keys`` (a hash of the text: labels such as p3 repeat across articles),
    and the total over all excerpts (the cleaned tokens)."""
    from briefgen.corpus.ingest import ingest

    corpus = ingest(folder)
    sizes: dict[str, int] = {}
    total = 0
    for d in corpus.documents:
        for e in d.excerpts:
            n = count_tokens(e.text)
            total += n
            sizes.setdefault(excerpt_key(e.text), n)
    return sizes, total


def breakdown(records: list[dict[str, Any]], sizes: dict[str, int]) -> dict[str, Any]:
    """Where the prompt tokens go: schema, quoted excerpts (and how often each), instructions.

    Excerpts are told apart by the hash of their text (``excerpt_keys``), not by the label
    the prompt shows them under: a batch labels every article's paragraphs p1, p2, ...
    """
    sent: dict[str, int] = {}
    for r in records:
        for key in r["excerpt_keys"]:
            sent[key] = sent.get(key, 0) + 1
    prompt = sum(r["prompt_tokens"] for r in records)
    schema = sum(r["schema_tokens"] for r in records)
    quoted = sum(r["excerpt_tokens"] for r in records)
    unique = sum(sizes.get(key, 0) for key in sent)
    return {
        "schema_tokens": schema,
        "excerpt_tokens_sent": quoted,
        "excerpt_tokens_unique": unique,
        "excerpts_sent_distinct": len(sent),
        "excerpts_sent_unmatched": sum(1 for key in sent if key not in sizes),
        "excerpt_lines_sent": sum(sent.values()),
        "excerpt_repeats": round(quoted / max(unique, 1), 2),
        "instruction_tokens": prompt - schema - quoted,
        "instruction_tokens_per_call": round((prompt - schema - quoted) / max(len(records), 1)),
        "schema_tokens_per_call": round(schema / max(len(records), 1)),
    }


def briefgen_tokens(folder: Path, work: Path, sizes: dict[str, int]) -> dict[str, Any]:
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
        "breakdown": breakdown(stats["records"], sizes),
        "briefgen_reported_usage": brief.get("usage", {}),
        "wall_seconds": round(run.wall, 2),
    }


def measure(name: str, folder: Path) -> dict[str, Any]:
    files = mapreduce_baseline.raw_files(folder)
    row: dict[str, Any] = {"folder": name, "files": len(files)}
    row["raw_tokens"] = sum(count_tokens(f.text) for f in files)
    sizes, cleaned = excerpt_tokens(folder)
    row["excerpts"] = len(sizes)  # distinct excerpt texts
    row["cleaned_tokens"] = cleaned
    with tempfile.TemporaryDirectory(prefix="bench-tokens-") as tmp:
        row["briefgen"] = briefgen_tokens(folder, Path(tmp), sizes)
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
    lines += [
        "",
        "Where briefgen's prompt tokens go:",
        "",
        "| folder | calls (SummaryAnswer / BatchAnswer / ExecSummaryAnswer) | JSON schema "
        "| quoted excerpts (distinct excerpts × repeats) "
        "| instructions, glossary, framing | per call: instructions + schema |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        bg, b = r["briefgen"], r["briefgen"]["breakdown"]
        kinds = calls_by_schema({k: v["requests"] for k, v in bg["by_request"].items()})
        lines.append(
            f"| `{r['folder']}` | {kinds} | {b['schema_tokens']:,} | {b['excerpt_tokens_sent']:,} "
            f"({b['excerpts_sent_distinct']} of {r['excerpts']} excerpts, {b['excerpt_tokens_unique']:,} "
            f"tokens, × {b['excerpt_repeats']}) | {b['instruction_tokens']:,} "
            f"| {b['instruction_tokens_per_call']} + {b['schema_tokens_per_call']} |"
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
