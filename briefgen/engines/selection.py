"""Choosing the evidence a model may see for an article (no prompt text, no model).

Why a module of its own: what is shown to a model decides both cost and what
can be verified later, and the comparison engine needs the same rules (which
excerpts speak for which city) without pulling in prompt building.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefgen.core.types import Dimension, Document, Excerpt, Fact
from briefgen.corpus.injection import looks_like_instruction
from briefgen.evidence import retrieve

if TYPE_CHECKING:
    from briefgen.evidence.glossary import Glossary

DEFAULT_CONTEXT_TOKENS = 3000
MAX_FACT_CANDIDATES = 12  # code-found figures listed in a prompt for the model to pick from
INJECTION_REASON = "instruction"  # clean.py's drop reason for lines addressing a model

# What a summary is usually about, added to the title to rank excerpts of long articles.
_SUMMARY_TERMS = "产业 规模 产值 营收 目标 到 亿元 万元 企业 园区 基地 政策 措施 出台 发布 基金 项目 平台 人才 创新"
_YEAR = re.compile(r"(\d{4})")


@dataclass
class ArticleEvidence:
    """One article ready to send: the excerpts retrieval chose and their size in tokens."""

    doc: Document
    chosen: list[Excerpt]
    tokens: int
    # the code-found figures of the chosen excerpts the prompt lists as f1, f2 ... (best first)
    candidates: list[Fact] = field(default_factory=list)


def doc_year(date: str | None) -> int | None:
    """The year of an ISO-ish article date (``2024-05-17`` -> 2024), None when unknown.

    One reading of a document's year for every engine, so the year a claim may
    mention without citing it is the same the comparison tags its cells with.
    """
    m = _YEAR.match(date or "")
    return int(m.group(1)) if m else None


def doc_years(docs: Sequence[Document]) -> set[int]:
    """The years of these documents' dates (for ``verify_claim``'s ``extra_years``)."""
    return {y for d in docs if (y := doc_year(d.date)) is not None}


def evidence(doc: Document) -> list[Excerpt]:
    """Excerpts that may be shown to a model: anything addressing a model is left out."""
    return [e for e in doc.excerpts if e.text.strip() and not looks_like_instruction(e.text)]


def injected_lines(doc: Document) -> list[str]:
    """Text in the article that addressed a model: lines dropped at ingest, excerpts left out."""
    lines = [line for reason, line in doc.dropped_lines if reason == INJECTION_REASON]
    lines += [e.text for e in doc.excerpts if e.text.strip() and looks_like_instruction(e.text)]
    return lines


def summary_query(doc: Document, dims: Sequence[Dimension] = ()) -> str:
    """Retrieval query for "what is this article about": title, cities, summary and dimension terms."""
    return " ".join([doc.title or "", " ".join(doc.cities), _SUMMARY_TERMS, *(d.zh for d in dims)])


def choose_evidence(
    doc: Document, dims: Sequence[Dimension], max_context_tokens: int = DEFAULT_CONTEXT_TOKENS
) -> ArticleEvidence:
    """The excerpts of ``doc`` worth a model's reading, within ``max_context_tokens``."""
    from briefgen.text.tokens import count

    chosen = retrieve.select(evidence(doc), summary_query(doc, dims), max_context_tokens, lead=1)
    return ArticleEvidence(doc, chosen, sum(count(e.text) for e in chosen))


def city_names(city: str) -> tuple[str, ...]:
    """The ways an article may name a city: 中山市 and 中山."""
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
            if others and not any(n in e.text for n in city_names(city)):
                if any(n in e.text for o in others for n in city_names(o)):
                    continue
            out.append(e)
    return out


def fact_candidates(
    doc: Document,
    chosen: Sequence[Excerpt],
    glossary: Glossary,
    dims: Sequence[Dimension],
    limit: int = MAX_FACT_CANDIDATES,
    facts: Sequence[Fact] | None = None,
) -> list[Fact]:
    """The figures code found in the excerpts a call shows, best first, at most ``limit``.

    Why: the key figures are already extracted (and labelled, dated and placed in a
    dimension) by code, so the model only picks which matter (``f3``) instead of writing
    each one out again in two languages; a pick is the code's fact, checked at extraction.
    Best: a headline measure (产值, 营收, 产业规模, 投资 ...: ``measures.tsv``) that is no
    bar some firms must reach (销售收入超百亿元的龙头企业), then money,
    then a label naming a measure of a dimension (企业, 基金), then a year the text
    states, then a target; ties keep document order.  A figure restated with the same
    label and year is listed once.  Deterministic, so the reader of the answer finds the
    same IDs.  ``facts``: the document's facts when the caller extracted them already.
    """
    from briefgen.engines.digest import measure_of, qualifies_a_noun
    from briefgen.evidence.facts import extract_facts, label_weight, quantity_of, year_is_stated

    shown = {e.id for e in chosen}
    if facts is None:
        facts = extract_facts(doc, glossary, dimensions=list(dims) or None)
    facts = [f for f in facts if f.cites and f.cites[0] in shown]
    seen: set[tuple[str, str, int | None, bool, str]] = set()
    unique: list[Fact] = []
    for f in facts:
        key = (f.value, f.unit, f.year, f.is_target, f.what)
        if key not in seen:
            seen.add(key)
            unique.append(f)

    def rank(item: tuple[int, Fact]) -> tuple[bool, bool, bool, float, bool, bool, int]:
        n, f = item
        q = quantity_of(f)
        money = q is not None and q.unit in ("CNY", "USD", "EUR", "HKD")
        weight = label_weight(f.what, dimensions=list(dims) or None)
        stated = year_is_stated(f)
        headline = not measure_of(f)[0].startswith("label:")
        return (qualifies_a_noun(f), not headline, not money, -weight, not stated, not f.is_target, n)

    ranked = sorted(enumerate(unique), key=rank)
    return [f for _, f in ranked[:limit]]


def fact_ids(candidates: Sequence[Fact]) -> list[str]:
    """The IDs a prompt gives the candidates: f1, f2 ... in their order."""
    return [f"f{i}" for i in range(1, len(candidates) + 1)]
