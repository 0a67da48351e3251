"""Model engine for the cross-city comparison and the executive summary.

Articles are grouped by city (an article about several cities counts for
each).  For every city x dimension cell the model sees only that city's
excerpts that bear on the dimension, answers a ``CellAnswer``, and the answer
goes through the same verification as article claims: a cell that fails is
"rejected" (shown as not verified, never as fact), a cell the sources are
silent on is "not_found", and a cell with no evidence at all costs no call.
The executive summary is written from the verified cells only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import retrieve
from .llm import ModelRequest, ModelResult
from .prompts import PromptSet
from .report import NOT_FOUND_EN, NOT_FOUND_ZH
from .schemas import CellAnswer, ExecSummaryAnswer
from .summarize import evidence, excerpts_block
from .types import ArticleSummary, Cell, Claim, Comparison, Corpus, Dimension, Document, Excerpt
from .verify import claim_from_answer, verify_cell, verify_claim

if TYPE_CHECKING:
    from .glossary import Glossary
    from .llm import ModelClient

CELL_PROMPT = "compare_cell"
SUMMARY_PROMPT = "exec_summary"
EXEC_PURPOSE = "exec-summary"
DEFAULT_CELL_TOKENS = 700  # evidence per cell: a few paragraphs, not the whole city
CELL_ANSWER_TOKENS = 600
SUMMARY_ANSWER_TOKENS = 1500
MAX_FINDINGS = 60


def load_dimensions(path: Path | None = None) -> list[Dimension]:
    """The comparison dimensions (shipped file, or the user's ``--dimensions`` file)."""
    from .dimensions import load_dimensions as _load

    return _load(path)


def cell_purpose(city: str, dim: Dimension) -> str:
    return f"cell:{city}:{dim.id}"


# ------------------------------------------------------------------ grouping


def group_by_city(corpus: Corpus) -> dict[str, list[Document]]:
    """City -> its articles; cities ordered by number of articles, then first appearance."""
    groups: dict[str, list[Document]] = {}
    for doc in corpus.documents:
        for city in doc.cities:
            groups.setdefault(city, []).append(doc)
    order = sorted(groups, key=lambda c: -len(groups[c]))  # sort is stable
    return {c: groups[c] for c in order}


def _names(city: str) -> tuple[str, ...]:
    return (city, city.removesuffix("市")) if city.endswith("市") else (city,)


def city_excerpts(city: str, docs: Sequence[Document]) -> list[Excerpt]:
    """The excerpts that can speak for ``city``.

    In an article about several cities, a paragraph that names another of its
    cities but not this one is about that other city and is left out.
    """
    out: list[Excerpt] = []
    for doc in docs:
        others = [o for o in doc.cities if o != city]
        for e in evidence(doc):
            if others and not any(n in e.text for n in _names(city)):
                if any(n in e.text for o in others for n in _names(o)):
                    continue
            out.append(e)
    return out


def cell_evidence(
    city: str,
    dim: Dimension,
    pool: Sequence[Excerpt],
    summaries: Sequence[ArticleSummary],
    max_tokens: int = DEFAULT_CELL_TOKENS,
) -> list[Excerpt]:
    """Excerpts for one cell: those holding this dimension's key facts, then the best BM25 matches.

    Only excerpts containing one of the dimension's terms are taken, so a city
    the sources are silent on gets an empty context (and no call).
    """
    in_pool = {e.id: e for e in pool}
    fact_ids = [
        cid
        for s in summaries
        if city in s.cities
        for f in s.facts
        if f.dimension == dim.id
        for cid in f.cites
        if cid in in_pool
    ]
    terms = [dim.zh, *dim.keywords]
    # A substring test, not only BM25 tokens: jieba may keep 产业园区 whole where the keyword is 园区.
    matching = [e for e in pool if any(t and t in e.text for t in terms)]
    ranked = retrieve.select(matching, " ".join(terms), max_tokens)
    chosen: dict[str, Excerpt] = {}
    used = 0
    for e in [*(in_pool[i] for i in dict.fromkeys(fact_ids)), *ranked]:
        size = e.tokens or len(e.text)
        if e.id not in chosen and used + size <= max_tokens:
            chosen[e.id] = e
            used += size
    order = {e.id: i for i, e in enumerate(pool)}
    return sorted(chosen.values(), key=lambda e: order[e.id])


# ------------------------------------------------------------------ requests


def _glossary_block(glossary: Glossary, cities: Sequence[str], text: str) -> str:
    lines = [f"{c} = {glossary.city_en(c)}" for c in cities if glossary.city_en(c) != c]
    block = glossary.render_prompt_block(text)
    return "\n".join([*lines, block] if block else lines)


def cell_request(
    city: str, dim: Dimension, chosen: Sequence[Excerpt], prompts: PromptSet, glossary: Glossary
) -> ModelRequest:
    text = "\n".join(e.text for e in chosen)
    messages = prompts.messages(
        CELL_PROMPT,
        city=city,
        city_en=glossary.city_en(city),
        dimension=dim.zh,
        dimension_en=dim.en,
        excerpts=excerpts_block(chosen),
        glossary=_glossary_block(glossary, [city], text),
    )
    return ModelRequest(
        purpose=cell_purpose(city, dim),
        messages=messages,
        schema=CellAnswer,
        max_tokens=CELL_ANSWER_TOKENS,
        context_ids=tuple(e.id for e in chosen),
    )


def _failure(result: ModelResult) -> str:
    if result.skipped:
        return f"not answered ({result.skipped})"
    return f"model call failed: {result.error or 'no answer'}"


def _years(docs: Sequence[Document]) -> set[int]:
    return {int(m.group(1)) for d in docs if (m := re.match(r"(\d{4})", d.date or ""))}


def read_cell(
    city: str,
    dim: Dimension,
    result: ModelResult,
    index: dict[str, Excerpt],
    extra_years: set[int],
) -> Cell:
    """One model result as a checked cell; a failed call is a rejected cell, never a crash."""
    if result.parsed is None:
        return Cell(city, dim.id, "", "", [], "rejected", [_failure(result)])
    try:
        answer = (
            result.parsed
            if isinstance(result.parsed, CellAnswer)
            else CellAnswer.model_validate(result.parsed.model_dump())
        )
    except ValueError as exc:
        return Cell(city, dim.id, "", "", [], "rejected", [f"unreadable answer: {exc}".splitlines()[0]])
    context = {i: index[i] for i in result.request.context_ids if i in index}
    return verify_cell(answer, city, dim.id, context, set(index), extra_years=extra_years)


def not_found(city: str, dim: Dimension) -> Cell:
    return Cell(city, dim.id, NOT_FOUND_ZH, NOT_FOUND_EN, [], "not_found")


def compare(
    corpus: Corpus,
    summaries: Sequence[ArticleSummary],
    client: ModelClient,
    prompts: PromptSet,
    glossary: Glossary,
    dims: Sequence[Dimension],
    *,
    max_cell_tokens: int = DEFAULT_CELL_TOKENS,
) -> Comparison:
    """Fill every city x dimension cell; all calls go out in one batch."""
    groups = group_by_city(corpus)
    index = corpus.excerpt_index()
    cells: dict[tuple[str, str], Cell] = {}
    pending: list[tuple[str, Dimension, ModelRequest, set[int]]] = []
    for city, docs in groups.items():
        pool = city_excerpts(city, docs)
        years = _years(docs)
        for dim in dims:
            chosen = cell_evidence(city, dim, pool, summaries, max_cell_tokens)
            if not chosen:
                cells[(city, dim.id)] = not_found(city, dim)
            else:
                pending.append((city, dim, cell_request(city, dim, chosen, prompts, glossary), years))
    results = client.run([p[2] for p in pending]) if pending else []
    for (city, dim, _, years), result in zip(pending, results, strict=True):
        cells[(city, dim.id)] = read_cell(city, dim, result, index, years)
    ordered = [cells[(c, d.id)] for c in groups for d in dims]
    return Comparison(cities=list(groups), dimensions=list(dims), cells=ordered)


# ---------------------------------------------------------- executive summary


def findings(
    comparison: Comparison,
    summaries: Sequence[ArticleSummary],
    glossary: Glossary,
    limit: int = MAX_FINDINGS,
) -> list[tuple[str, list[str]]]:
    """Checked statements the summary may use: verified cells first, then article claims.

    Article claims fill in only for cities with fewer than two verified cells.
    """
    dims = {d.id: d for d in comparison.dimensions}
    out: list[tuple[str, list[str]]] = []
    per_city: dict[str, int] = {}
    for cell in comparison.cells:
        if cell.status != "verified":
            continue
        d = dims.get(cell.dimension)
        label = f"{cell.city} {glossary.city_en(cell.city)} | {d.zh + ' ' + d.en if d else cell.dimension}"
        out.append((f"[{label}] {cell.zh} || {cell.en}", list(cell.cites)))
        per_city[cell.city] = per_city.get(cell.city, 0) + 1
    for s in summaries:
        city = s.cities[0] if s.cities else ""
        if per_city.get(city, 0) >= 2:
            continue
        for claim in s.claims[:3]:
            label = f"{city} {glossary.city_en(city)} | {s.title or s.doc_id}" if city else (s.title or s.doc_id)
            out.append((f"[{label}] {claim.zh} || {claim.en}", list(claim.cites)))
    return out[:limit]


def summary_request(
    comparison: Comparison,
    items: Sequence[tuple[str, list[str]]],
    prompts: PromptSet,
    glossary: Glossary,
) -> ModelRequest:
    lines = [f"{text} (cites: {', '.join(ids)})" for text, ids in items]
    context_ids = tuple(dict.fromkeys(i for _, ids in items for i in ids))
    cities = "、".join(f"{c} ({glossary.city_en(c)})" for c in comparison.cities)
    messages = prompts.messages(
        SUMMARY_PROMPT,
        cities=cities,
        findings="\n".join(lines).replace("<", "＜").replace(">", "＞"),
        glossary=_glossary_block(glossary, comparison.cities, "\n".join(lines)),
    )
    return ModelRequest(
        purpose=EXEC_PURPOSE,
        messages=messages,
        schema=ExecSummaryAnswer,
        max_tokens=SUMMARY_ANSWER_TOKENS,
        context_ids=context_ids,
    )


def executive_summary(
    corpus: Corpus,
    comparison: Comparison,
    summaries: Sequence[ArticleSummary],
    client: ModelClient,
    prompts: PromptSet,
    glossary: Glossary,
    *,
    warnings: list[str] | None = None,
) -> list[Claim]:
    """Cross-city claims, each verified against the excerpts its findings cite.

    Returns verified and rejected claims (status set); a failed call returns
    no claims and adds a line to ``warnings``.
    """
    items = findings(comparison, summaries, glossary)
    if not items:
        return []
    request = summary_request(comparison, items, prompts, glossary)
    (result,) = client.run([request])
    if result.parsed is None:
        if warnings is not None:
            warnings.append(f"executive summary: {_failure(result)}")
        return []
    answer = (
        result.parsed
        if isinstance(result.parsed, ExecSummaryAnswer)
        else ExecSummaryAnswer.model_validate(result.parsed.model_dump())
    )
    index = corpus.excerpt_index()
    context = {i: index[i] for i in request.context_ids if i in index}
    years = _years(corpus.documents)
    return [
        verify_claim(claim_from_answer(out), context, set(index), extra_years=years)
        for out in answer.claims
    ]
