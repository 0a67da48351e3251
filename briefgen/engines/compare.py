"""Model engine for the cross-city comparison and the executive summary.

The comparison costs no model call of its own: each article's summary call
already answered points tagged with the dimensions they speak to (and older
answers ``findings``), and ``summarize`` verified every one, as a finding of
its city and dimension, against the excerpts of that article that speak for
that city.  Here the cells are assembled from
them: the verified findings of a city x dimension, from all of that city's
articles, are joined (newest article first, each with its year); a cell whose
only findings were rejected is "rejected" with their reasons; a cell with no
finding is "not_found" (the engine then takes the extractive engine's cell, when it
found one).  The executive summary is one small call over verified cells
(bounded by tokens); the engine decides when, and whether, to make it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.core.statuses import MODEL_FAILED_EN, MODEL_FAILED_ZH, NOT_FOUND_EN, NOT_FOUND_ZH
from briefgen.core.types import (
    ArticleSummary,
    Cell,
    Claim,
    Comparison,
    Corpus,
    Dimension,
    Document,
    Finding,
)
from briefgen.engines.prompting import glossary_terms
from briefgen.engines.schemas import ExecSummaryAnswer
from briefgen.engines.selection import doc_year, doc_years
from briefgen.engines.verify import claim_from_answer, verify_claim
from briefgen.model.client import ModelRequest, ModelResult
from briefgen.model.prompts import PromptSet
from briefgen.text import tokens

if TYPE_CHECKING:
    from briefgen.evidence.glossary import Glossary
    from briefgen.model.client import ModelClient

SUMMARY_PROMPT = "exec_summary"
EXEC_PURPOSE = "exec-summary"
SUMMARY_ANSWER_TOKENS = 1500
MAX_CELL_TOKENS = 1500  # tokens of cell lines in the executive-summary prompt (about 30-40 cells)
MAX_LINE_CHARS = 60  # Chinese text per cell line (whole clauses, at least the first)
MAX_EXEC_TERMS = 8  # glossary terms in the executive summary prompt

__all__ = [
    "compare",
    "executive_summary",
    "read_summary",
    "summary_call",
    "group_by_city",
    "load_dimensions",
    "model_failed",
    "not_found",
]


def load_dimensions(path: Path | None = None) -> list[Dimension]:
    """The comparison dimensions (shipped file, or the user's ``--dimensions`` file)."""
    from briefgen.evidence.dimensions import load_dimensions as _load

    return _load(path)


# ------------------------------------------------------------------ grouping


def group_by_city(corpus: Corpus) -> dict[str, list[Document]]:
    """City -> its articles; cities ordered by number of articles, then first appearance."""
    groups: dict[str, list[Document]] = {}
    for doc in corpus.documents:
        for city in doc.cities:
            groups.setdefault(city, []).append(doc)
    order = sorted(groups, key=lambda c: -len(groups[c]))  # sort is stable
    return {c: groups[c] for c in order}


# --------------------------------------------------------------------- cells


def not_found(city: str, dim: Dimension) -> Cell:
    return Cell(city, dim.id, NOT_FOUND_ZH, NOT_FOUND_EN, [], "not_found")


def model_failed(city: str, dim: Dimension, doc_ids: Sequence[str]) -> Cell:
    """A cell no model could fill because the calls for (some of) its articles failed:
    saying "not found in sources" would be false, the sources were never read."""
    why = f"model call failed for {', '.join(doc_ids)}"
    return Cell(city, dim.id, MODEL_FAILED_ZH, MODEL_FAILED_EN, [], "model_failed", [why])


_YEAR_TAG = re.compile(r"（\d{4}年报道）")


def _tagged(f: Finding, doc: Document | None) -> tuple[str, str]:
    """The finding's text with the year of its article, so cells from different years compare."""
    year = doc_year(doc.date) if doc else None
    if year is None:
        return f.zh, f.en
    return f"{f.zh.rstrip()}（{year}年报道）", f"{f.en.rstrip()} (reported {year})"


def _same_text(a: Finding, b: Finding) -> bool:
    return re.sub(r"\W", "", a.zh) == re.sub(r"\W", "", b.zh)


def cell_from_findings(
    city: str, dim: Dimension, findings: Sequence[Finding], docs: dict[str, Document]
) -> Cell:
    """One cell from the findings of a city x dimension across articles (newest article first)."""
    verified = [f for f in findings if f.status == "verified"]
    if not verified:
        rejected = [f for f in findings if f.status == "rejected"]
        if not rejected:
            return not_found(city, dim)
        reasons = [f"{f.doc_id}: {r}" for f in rejected for r in f.reasons]
        zh = "；".join(f.zh for f in rejected if f.zh)
        en = "; ".join(f.en for f in rejected if f.en)
        cites = list(dict.fromkeys(c for f in rejected for c in f.cites))
        return Cell(city, dim.id, zh, en, cites, "rejected", reasons)
    order = sorted(verified, key=lambda f: (docs[f.doc_id].date or "") if f.doc_id in docs else "", reverse=True)
    parts: list[Finding] = []
    for f in order:
        if not any(_same_text(f, p) for p in parts):  # a repost states the same thing twice
            parts.append(f)
    texts = [_tagged(f, docs.get(f.doc_id)) for f in parts]
    zh = "；".join(t[0] for t in texts)
    en = "; ".join(t[1] for t in texts)
    cites = list(dict.fromkeys(c for f in parts for c in f.cites))
    return Cell(city, dim.id, zh, en, cites, "verified")


def compare(
    corpus: Corpus,
    summaries: Sequence[ArticleSummary],
    glossary: Glossary | None = None,
    dims: Sequence[Dimension] = (),
    *,
    failed: Collection[str] = (),
) -> Comparison:
    """Every city x dimension cell from the articles' verified findings; no model call.

    ``glossary`` is unused here (the findings are already in English) and kept
    so the model and extractive engines take the same arguments.  ``failed``:
    IDs of articles whose model call failed; a cell with no finding for a city
    with such an article is "model_failed", never "not_found".
    """
    dims = list(dims) or load_dimensions()
    groups = group_by_city(corpus)
    docs = {d.id: d for d in corpus.documents}
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for s in summaries:
        for f in s.findings:
            if f.city in s.cities:
                by_cell.setdefault((f.city, f.dimension), []).append(f)
    cells = []
    for city in groups:
        lost = [d.id for d in groups[city] if d.id in failed]
        for dim in dims:
            cell = cell_from_findings(city, dim, by_cell.get((city, dim.id), []), docs)
            cells.append(model_failed(city, dim, lost) if lost and cell.status == "not_found" else cell)
    return Comparison(cities=list(groups), dimensions=list(dims), cells=cells)


# ---------------------------------------------------------- executive summary


def _failure(result: ModelResult) -> str:
    if result.skipped:
        return f"not answered ({result.skipped})"
    return f"model call failed: {result.error or 'no answer'}"


def _clip(text: str, limit: int) -> str:
    """Whole clauses of ``text`` up to ``limit`` characters (at least the first one).

    Cutting at a clause mark never splits a figure; the full cell is in the brief.
    """
    parts = re.split(r"(?<=[，,；;。])", text)
    out = parts[0]
    for p in parts[1:]:
        if len(out) + len(p) > limit:
            break
        out += p
    return out


def cell_lines(
    comparison: Comparison, max_tokens: int = MAX_CELL_TOKENS
) -> list[tuple[str, str, list[str]]]:
    """The verified cells as compact ``c<N>|city|dimension|zh`` lines: (label, line, cites).

    Bounded by tokens, not by a count of cells: a brief of two cities and one of
    ten differ fivefold in cells, and a cell's text from one to several clauses,
    so a fixed count either starves the overview or overruns the call.  Cells
    are taken round by round across dimensions (every dimension's first city,
    then every dimension's second ...), so a cut keeps every dimension the table
    compares (talent, parks, funds, not only scale and targets); the lines kept
    are then shown in table order.  Only verified cells come here: a rejected or
    wrong-city finding never reaches the overview.  The model cites a cell by
    its label; the label stands for the excerpts that cell cites.
    """
    dim_order = {d.id: i for i, d in enumerate(comparison.dimensions)}
    city_order = {c: i for i, c in enumerate(comparison.cities)}
    cells = [c for c in comparison.cells if c.status == "verified" and c.cites]
    cells.sort(key=lambda c: (dim_order.get(c.dimension, len(dim_order)), city_order.get(c.city, 0)))
    seen: dict[str, int] = {}
    ranked: list[tuple[int, int, Cell]] = []
    for n, cell in enumerate(cells):
        rank = seen[cell.dimension] = seen.get(cell.dimension, -1) + 1
        ranked.append((rank, n, cell))
    kept: list[tuple[int, str, Cell]] = []
    used = 0
    for _, n, cell in sorted(ranked, key=lambda r: (r[0], r[1])):
        body = _cell_text(cell)
        cost = tokens.count(f"c00|{cell.city}|{cell.dimension}|{body}") + 1
        if used + cost > max_tokens:
            continue  # a shorter cell of a later round may still fit
        used += cost
        kept.append((n, body, cell))
    out: list[tuple[str, str, list[str]]] = []
    for i, (_, body, cell) in enumerate(sorted(kept, key=lambda k: k[0]), 1):
        out.append((f"c{i}", f"c{i}|{cell.city}|{cell.dimension}|{body}", list(cell.cites)))
    return out


def _cell_text(cell: Cell) -> str:
    """A cell's Chinese text for the prompt: whole clauses up to a length, with its year."""
    full = " ".join(cell.zh.split())
    zh = _clip(full, MAX_LINE_CHARS)
    tag = _YEAR_TAG.search(full)
    if tag and tag.group() not in zh:  # keep the year the first finding was reported
        zh += tag.group()
    return zh.replace("|", "｜")


def summary_request(
    comparison: Comparison,
    lines: Sequence[tuple[str, str, list[str]]],
    prompts: PromptSet,
    glossary: Glossary,
) -> ModelRequest:
    text = "\n".join(line for _, line, _ in lines).replace("<", "＜").replace(">", "＞")
    context_ids = tuple(dict.fromkeys(i for _, _, ids in lines for i in ids))
    cities = "、".join(f"{c} {glossary.city_en(c)}" for c in comparison.cities)
    terms = glossary_terms(text, glossary, MAX_EXEC_TERMS)
    messages = prompts.messages(
        SUMMARY_PROMPT,
        cities=cities,
        cells=text,
        glossary="; ".join(f"{zh}={en}" for zh, en in terms),
    )
    return ModelRequest(
        purpose=EXEC_PURPOSE,
        messages=messages,
        schema=ExecSummaryAnswer,
        max_tokens=SUMMARY_ANSWER_TOKENS,
        context_ids=context_ids,
    )


def expand_cites(cites: Sequence[str], labels: dict[str, list[str]]) -> list[str]:
    """Cell labels (``c3``) -> the excerpt IDs of that cell; anything else is kept for verification."""
    out: list[str] = []
    for c in cites:
        key = c.strip().strip("[]【】()（） ")
        out += labels.get(key, [c])
    return list(dict.fromkeys(out))


def summary_call(
    corpus: Corpus, comparison: Comparison, prompts: PromptSet, glossary: Glossary
) -> tuple[ModelRequest, dict[str, list[str]]] | None:
    """The executive-summary request over the verified cells of ``comparison``, and its cell
    labels (``c3`` -> excerpt IDs); None when no cell is verified (nothing to summarise)."""
    lines = cell_lines(comparison)
    if not lines:
        return None
    labels = {label: ids for label, _, ids in lines}
    return summary_request(comparison, lines, prompts, glossary), labels


def read_summary(
    corpus: Corpus,
    request: ModelRequest,
    labels: dict[str, list[str]],
    result: ModelResult,
    *,
    warnings: list[str] | None = None,
) -> list[Claim]:
    """The executive summary's claims, each verified against the excerpts its cells cite.
    A failed call gives no claims and a line in ``warnings`` (never an empty "summary")."""
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
    years = doc_years(corpus.documents)
    claims = []
    for out in answer.claims:
        claim = claim_from_answer(out)
        claim.cites = expand_cites(claim.cites, labels)
        claims.append(verify_claim(claim, context, set(index), extra_years=years))
    return claims


def executive_summary(
    corpus: Corpus,
    comparison: Comparison,
    client: ModelClient,
    prompts: PromptSet,
    glossary: Glossary,
    *,
    warnings: list[str] | None = None,
) -> list[Claim]:
    """Cross-city claims from the verified cells, each verified against the excerpts those cells cite.

    Returns verified and rejected claims (status set); no verified cell means
    no call; a failed call returns no claims and adds a line to ``warnings``.
    """
    call = summary_call(corpus, comparison, prompts, glossary)
    if call is None:
        return []
    request, labels = call
    (result,) = client.run([request])
    return read_summary(corpus, request, labels, result, warnings=warnings)
