"""The brief as one value (``Brief``) and its JSON form for other tools.

Everything the renderers and ``brief.json`` show comes from here, so the
Markdown, HTML and JSON outputs cannot disagree about what was verified or
which excerpts were cited.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from briefgen.core.types import (
    ArticleSummary,
    Cell,
    Claim,
    Comparison,
    Corpus,
    Excerpt,
    Fact,
    Usage,
)
from briefgen.engines.engine import ModelFailure
from briefgen.engines.factyears import kind_of
from briefgen.evidence.facts import as_of_date, figure_as_written, is_opinion
from briefgen.output.quality import source_quality


@dataclass
class Brief:
    """Everything one build produced: inputs, per-article summaries, comparison, summary."""

    corpus: Corpus
    articles: list[ArticleSummary]
    comparison: Comparison
    summary: list[Claim]  # executive summary claims, each verified or rejected
    usage: Usage
    settings: dict[str, Any]  # model, base_url, engine, versions, hash (see build_settings)
    engine: Literal["model", "extractive"]
    generated: str  # ISO date of the build
    warnings: list[str] = field(default_factory=list)
    city_en: dict[str, str] = field(default_factory=dict)  # 中山 -> Zhongshan
    # parts a model call did not write (articles summarised by the extractive engine
    # instead, or the executive summary): shown as a banner, never as "not found"
    model_failures: list[ModelFailure] = field(default_factory=list)

    # ---------------------------------------------------------------- views
    def city_name_en(self, city: str) -> str:
        return self.city_en.get(city) or city

    def verified_summary(self) -> list[Claim]:
        return [c for c in self.summary if c.status == "verified"]

    def rejected_summary(self) -> list[Claim]:
        return [c for c in self.summary if c.status != "verified"]

    def cited_ids(self) -> list[str]:
        """Every excerpt ID cited anywhere in the brief that exists, in corpus order."""
        wanted: set[str] = set()
        for art in self.articles:
            for claim in [*art.claims, *art.rejected]:
                wanted.update(claim.cites)
            for fact in art.facts:
                wanted.update(fact.cites)
        for cell in self.comparison.cells:
            wanted.update(cell.cites)
        for claim in self.summary:
            wanted.update(claim.cites)
        index = self.corpus.excerpt_index()
        return [eid for eid in index if eid in wanted]

    def date_range(self) -> tuple[str | None, str | None]:
        dates = sorted(d.date for d in self.corpus.documents if d.date)
        return (dates[0], dates[-1]) if dates else (None, None)


def settings_hash(values: dict[str, Any]) -> str:
    """Short, stable hash of the settings that decide the output (never includes keys)."""
    blob = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]


# ----------------------------------------------------------------- JSON


def _checked_json(item: Claim | Cell, known: set[str]) -> dict[str, Any]:
    """A claim or a cell: its text, the cites that exist (any others as ``unknown_cites``),
    its status and the reasons it was rejected; a cell also says where it sits."""
    where = {"city": item.city, "dimension": item.dimension} if isinstance(item, Cell) else {}
    out: dict[str, Any] = {
        **where,
        "zh": item.zh,
        "en": item.en,
        "cites": [c for c in item.cites if c in known],
        "status": item.status,
    }
    unknown = [c for c in item.cites if c not in known]
    if unknown:
        out["unknown_cites"] = unknown
    if item.reasons:
        out["reasons"] = list(item.reasons)
    return out


def _article_claim_json(claim: Claim, known: set[str]) -> dict[str, Any]:
    """An article's claim; ``"view": true`` when it is someone's view or a question
    (业内人士认为, 专家建议, a reporter's question: ``facts.is_opinion``), which the
    brief never uses as a cell or a key figure; absent for the article's own statements."""
    out = _checked_json(claim, known)
    if is_opinion(claim.zh):
        out["view"] = True
    return out


def fact_json(fact: Fact) -> dict[str, Any]:
    return {
        "value": fact.value,
        "unit": fact.unit,
        "value_en": fact_value_en(fact),
        "what": fact.what,
        "what_en": fact.what_en,
        "year": fact.year,
        "dimension": fact.dimension,
        "is_target": fact.is_target,
        # target / forecast (预计, 有望: an estimate, neither reached nor a goal) / achieved /
        # provision (a policy's own term: a subsidy cap, a fund's size; never a target)
        "kind": kind_of(fact),
        "cites": list(fact.cites),
        # the figure with its qualifier as the source writes it (近1000家), and the
        # article date a year was taken from when the text states none
        "as_written": figure_as_written(fact),
        "as_of": as_of_date(fact),
    }


def fact_value_en(fact: Fact) -> str:
    """English for a figure (亿元 as CNY billions); computed when the engine left it empty."""
    if fact.value_en:
        return fact.value_en
    from briefgen.text import numbers

    q = numbers.parse_quantity(f"{fact.value}{fact.unit}")
    return numbers.format_en(q) if q else f"{fact.value} {fact.unit}".strip()


def _documents_json(corpus: Corpus) -> list[dict[str, Any]]:
    from briefgen.corpus.ingest import corpus_to_json

    docs: list[dict[str, Any]] = corpus_to_json(corpus, text=False)["documents"]
    for d in docs:
        d.pop("text", None)
    return docs


def _excerpt_json(e: Excerpt) -> dict[str, Any]:
    out: dict[str, Any] = {"doc": e.doc_id, "text": e.text}
    if e.original and e.original != e.text:
        out["original"] = e.original
    return out


def model_failures_json(brief: Brief) -> list[dict[str, Any]]:
    """One entry per part a model call did not write: which, and why (one line)."""
    return [{"part": f.part, "doc": f.doc_id, "reason": f.reason} for f in brief.model_failures]


def verification_counts(brief: Brief) -> dict[str, int]:
    cells = brief.comparison.cells
    return {
        "claims_verified": sum(len(a.claims) for a in brief.articles),
        "claims_rejected": sum(len(a.rejected) for a in brief.articles),
        "cells_verified": sum(c.status == "verified" for c in cells),
        "cells_rejected": sum(c.status == "rejected" for c in cells),
        "cells_not_found": sum(c.status == "not_found" for c in cells),
        "cells_model_failed": sum(c.status == "model_failed" for c in cells),
        "summary_verified": len(brief.verified_summary()),
        "summary_rejected": len(brief.rejected_summary()),
    }


def rejected_items(brief: Brief, known: set[str]) -> list[dict[str, Any]]:
    """Every rejected claim, cell and summary sentence, with where it came from and why."""
    items: list[dict[str, Any]] = []
    for art in brief.articles:
        for claim in art.rejected:
            items.append({"kind": "article", "doc": art.doc_id, **_checked_json(claim, known)})
    for cell in brief.comparison.cells:
        if cell.status == "rejected":
            items.append({"kind": "cell", **_checked_json(cell, known)})
    for claim in brief.rejected_summary():
        items.append({"kind": "summary", **_checked_json(claim, known)})
    return items


def brief_to_json(brief: Brief) -> dict[str, Any]:
    """The ``brief.json`` document (keys fixed by issue 5; more may be added, none renamed)."""
    index = brief.corpus.excerpt_index()
    known = set(index)
    docs = {d.id: d for d in brief.corpus.documents}
    articles = []
    for art in brief.articles:
        articles.append(
            {
                "id": art.doc_id,
                "title": art.title,
                "title_en": art.title_en,
                "date": art.date,
                "source": art.source,
                "cities": list(art.cities),
                "engine": art.engine,
                "claims": [_article_claim_json(c, known) for c in art.claims],
                "facts": [fact_json(f) for f in art.facts],
                "rejected": [_checked_json(c, known) for c in art.rejected],
                "error": art.error,
                # company copy, repost channel, a missing or guessed date (output/quality.py)
                "source_quality": source_quality(docs.get(art.doc_id)),
            }
        )
    verified = brief.verified_summary()
    summary = {
        "claims": [_checked_json(c, known) for c in verified],
        "zh": [{"text": c.zh, "cites": [i for i in c.cites if i in known]} for c in verified],
        "en": [{"text": c.en, "cites": [i for i in c.cites if i in known]} for c in verified],
        "rejected": [_checked_json(c, known) for c in brief.rejected_summary()],
    }
    comp = brief.comparison
    usage = brief.usage
    data = {
        "documents": _documents_json(brief.corpus),
        "articles": articles,
        "comparison": {
            "cities": list(comp.cities),
            "cities_en": {c: brief.city_name_en(c) for c in comp.cities},
            "dimensions": [
                {"id": d.id, "zh": d.zh, "en": d.en, "keywords": list(d.keywords)}
                for d in comp.dimensions
            ],
            "cells": [_checked_json(c, known) for c in comp.cells],
        },
        "summary": summary,
        "excerpts": {eid: _excerpt_json(index[eid]) for eid in brief.cited_ids()},
        "verification": {
            **verification_counts(brief),
            "rejected": rejected_items(brief, known),
        },
        "usage": {
            "calls": usage.calls,
            "cached": usage.cached,
            "failed": usage.failed,
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
            "estimated_cost": round(usage.cost, 6),
            "skipped_for_budget": list(usage.skipped_for_budget),
            # every exchange tried, failed ones and retries included (0 without a model)
            "attempts": getattr(usage, "attempts", 0),
            "retries": getattr(usage, "retries", 0),
            "timeouts": getattr(usage, "timeouts", 0),
        },
        "model_failures": model_failures_json(brief),
        "settings": dict(brief.settings),
        "engine": brief.engine,
        "generated": brief.generated,
        "warnings": list(brief.warnings),
        "skipped": [
            {"path": s.path, "reason": s.reason, "detail": s.detail} for s in brief.corpus.skipped
        ],
    }
    # every claim, fact, cell and summary line gets the stable key editors' decisions use
    from briefgen.output.keys import assign_keys

    return assign_keys(brief, data)
