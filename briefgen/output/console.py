"""What ``briefgen build`` and ``briefgen summarize`` print on the terminal.

Why a module of its own: the pipeline decides what happened, this module only
says it, so the wording of the closing line, the plan and the warnings lives
in one place and the pipeline stays free of formatting.  stdout carries the
closing line and the plan; warnings go to stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from briefgen.core.types import ArticleSummary, Usage
from briefgen.output.report import Brief, verification_counts


def echo(text: str, *, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def warn(lines: Sequence[str]) -> None:
    for w in lines:
        echo(f"warning: {w}", err=True)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def usage_text(u: Usage, *, tokens_split: bool = True) -> str:
    """Calls, tokens and cost, with the attempts, failures and retries behind them
    (a run whose every call failed must not read as "0 model calls" and nothing else)."""
    attempts = getattr(u, "attempts", 0)
    retries = getattr(u, "retries", 0)
    extra = []
    if attempts and attempts != u.calls:
        extra.append(plural(attempts, "attempt"))
    if u.failed:
        extra.append(f"{u.failed} failed")
    if retries:
        extra.append(f"{retries} {'retry' if retries == 1 else 'retries'}")
    calls = f"{plural(u.calls, 'model call')} ({u.cached} cached{''.join(', ' + e for e in extra)})"
    total = u.prompt_tokens + u.completion_tokens
    split = f" ({u.prompt_tokens:,} prompt + {u.completion_tokens:,} completion)" if tokens_split else ""
    return f"{calls}, {total:,} tokens{split}, est. cost ${u.cost:.4f}"


def closing_line(brief: Brief, paths: list[Path], out_dir: Path) -> str:
    """One line: documents, calls, tokens, cost, verification, outputs."""
    v = verification_counts(brief)
    articles = [p for p in paths if p.parent.name == "articles"]
    pages = set(articles)  # a list here made the line cost articles² path comparisons (issue 17)
    shown = [str(p) for p in paths if p not in pages]
    if articles:
        # one article may have several pages (.md, .html): count articles, not files
        count = len({a.stem for a in articles})
        shown.insert(3, f"{articles[0].parent}/ ({plural(count, 'article')})")
    calls = (
        usage_text(brief.usage)
        if brief.engine == "model"
        else "extractive engine: 0 model calls, 0 tokens, est. cost $0.0000"
    )
    failed = v.get("cells_model_failed", 0)
    return (
        f"Done: {plural(len(brief.corpus.documents), 'document')} read, "
        f"{len(brief.corpus.skipped)} skipped; {calls}; "
        f"claims {v['claims_verified'] + v['summary_verified']} verified, "
        f"{v['claims_rejected'] + v['summary_rejected']} rejected; "
        f"cells {v['cells_verified']} verified, {v['cells_rejected']} rejected, "
        f"{v['cells_not_found']} not found{f', {failed} model failed' if failed else ''}; "
        f"wrote {', '.join(shown)}"
    )


def print_plan(brief: Brief, plan: str | None, input_dir: Path, out: Path) -> None:
    """The ``--dry-run`` plan of a build: documents, engine, calls, what would be written."""
    docs = len(brief.corpus.documents)
    echo(
        f"Plan for {input_dir}: {plural(docs, 'document')} "
        f"({len(brief.corpus.skipped)} skipped), engine {brief.engine}"
    )
    if plan is not None:
        echo(plan)
        echo(
            "the comparison table is built from the summaries' verified findings (no calls); "
            "when one call holds every article it also writes the executive summary, otherwise "
            "add 1 exec-summary call over the verified cells (its size depends on the answers)"
        )
    else:
        echo("no model calls: the extractive engine runs offline")
    echo(f"would write {out}/brief.md, brief.html, brief.json and articles/ ({plural(docs, 'file')}); dry run: nothing written")


def print_summarize_plan(plan: str | None, documents: int, out: Path) -> None:
    """The ``--dry-run`` plan of ``briefgen summarize``."""
    if plan is not None:
        echo(plan)
        echo(f"dry run: nothing written to {out}")
    else:
        echo(f"Plan: {plural(documents, 'document')}, extractive engine, no model calls; dry run: nothing written")


def summarize_line(
    articles: Sequence[ArticleSummary], documents: int, skipped: int, usage: Usage | None,
    written: int, out: Path,
) -> str:  # fmt: skip
    """The closing line of ``briefgen summarize``."""
    verified = sum(len(a.claims) for a in articles)
    rejected = sum(len(a.rejected) for a in articles)
    calls = usage_text(usage, tokens_split=False) if usage is not None else "extractive engine: 0 model calls"
    return (
        f"Done: {plural(documents, 'document')} read, {skipped} skipped; "
        f"{calls}; claims {verified} verified, {rejected} rejected; "
        f"wrote {plural(written, 'file')} to {out}/"
    )
