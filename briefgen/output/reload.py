"""A ``Brief`` read back from ``brief.json``: re-render without sources or a model.

Why: editors iterate on seconds, not minutes.  ``briefgen render OUT`` rebuilds the
Markdown, HTML and Word files from ``OUT/brief.json`` and the review file alone:
brief.json holds every excerpt of every document (to check an edit against), the
items with their keys, and each applied decision with what it replaced.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any

from briefgen.core.errors import ConfigError
from briefgen.core.types import (
    ArticleSummary,
    Cell,
    Claim,
    Comparison,
    Corpus,
    Dimension,
    Document,
    Excerpt,
    Fact,
    Skipped,
    Usage,
)
from briefgen.engines.engine import ModelFailure
from briefgen.engines.factyears import stored_kind
from briefgen.output.keys import ReviewedCell, ReviewedClaim, ReviewedFact
from briefgen.output.report import Brief


def read_brief_json(path: Path) -> dict[str, Any]:
    """``brief.json`` as a dict; a missing or broken file is one actionable line."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path} not found", help="run briefgen build DIR -o OUT first") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}", help="rebuild it with briefgen build") from exc
    if not isinstance(data, dict) or "articles" not in data or "comparison" not in data:
        raise ConfigError(f"{path} is not a briefgen brief.json", help="rebuild it with briefgen build")
    return data


_DOC_FIELDS = {f.name for f in fields(Document)}


def _n(eid: str) -> int:
    tail = eid.rpartition(":p")[2]
    return int(tail) if tail.isdigit() else 0


def _corpus(data: dict[str, Any]) -> Corpus:
    quoted = data.get("excerpts", {})
    docs = []
    for d in data.get("documents", []):
        excerpts = [
            Excerpt(e["id"], d["id"], _n(e["id"]), e["text"], quoted.get(e["id"], {}).get("original", e["text"]))
            for e in d.get("excerpts", [])
        ]
        # every other field ingest writes (dropped, warnings, provenance, ...) comes back as written
        extra = {k: v for k, v in d.items() if k in _DOC_FIELDS and k not in ("excerpts", "text")}
        docs.append(
            Document(
                **{"path": "", "title": None, "date": None, "source": None, "author": None, "cities": [], **extra},
                text="\n".join(e.text for e in excerpts), excerpts=excerpts,
            )
        )
    skipped = [Skipped(s["path"], s["reason"], s.get("detail", "")) for s in data.get("skipped", [])]
    return Corpus(docs, skipped)


def _claim(item: dict[str, Any]) -> Claim:
    args = (
        item.get("zh", ""), item.get("en", ""), [*item.get("cites", []), *item.get("unknown_cites", [])],
        item.get("status", "verified"), list(item.get("reasons", [])),
    )
    if "review" in item:
        return ReviewedClaim(*args, key=item.get("key", ""), review=item["review"])
    return Claim(*args)


def _fact(item: dict[str, Any]) -> Fact:
    fields: dict[str, Any] = {
        "value": item["value"], "unit": item["unit"], "what": item.get("what", ""),
        "what_en": item.get("what_en", ""), "year": item.get("year"), "dimension": item.get("dimension", ""),
        # the figure as written is the part of the sentence the renderers quote
        "sentence": item.get("as_written") or f"{item['value']}{item['unit']}",
        "cites": list(item.get("cites", [])), "value_en": item.get("value_en", ""),
        "is_target": bool(item.get("is_target")),
        "year_source": "date" if item.get("as_of") else "", "as_of": item.get("as_of"),
        # the sentence it was read from is not in brief.json: the kind is kept as written
        "kind": stored_kind(item),
    }
    if "review" in item:
        return ReviewedFact(**fields, key=item.get("key", ""), review=item["review"])
    return Fact(**fields)


def _cell(item: dict[str, Any]) -> Cell:
    args = (
        item["city"], item["dimension"], item.get("zh", ""), item.get("en", ""),
        [*item.get("cites", []), *item.get("unknown_cites", [])], item.get("status", "not_found"),
        list(item.get("reasons", [])),
    )
    if "review" in item:
        return ReviewedCell(*args, key=item.get("key", ""), review=item["review"])
    return Cell(*args)


def _article(a: dict[str, Any]) -> ArticleSummary:
    return ArticleSummary(
        doc_id=a["id"], title=a.get("title"), title_en=a.get("title_en"), date=a.get("date"),
        source=a.get("source"), cities=list(a.get("cities", [])),
        claims=[_claim(c) for c in a.get("claims", [])],
        rejected=[_claim(c) for c in a.get("rejected", [])],
        facts=[_fact(f) for f in a.get("facts", [])],
        engine=a.get("engine", "extractive"), error=a.get("error"),
    )


def brief_from_json(data: dict[str, Any]) -> Brief:
    """The ``Brief`` a brief.json was written from (what rendering needs of it)."""
    try:
        comp = data["comparison"]
        dims = [Dimension(d["id"], d["zh"], d["en"], tuple(d.get("keywords", []))) for d in comp["dimensions"]]
        summary = data.get("summary", {})
        u = data.get("usage", {})
        return Brief(
            corpus=_corpus(data),
            articles=[_article(a) for a in data["articles"]],
            comparison=Comparison(list(comp["cities"]), dims, [_cell(c) for c in comp["cells"]]),
            summary=[_claim(c) for c in [*summary.get("claims", []), *summary.get("rejected", [])]],
            usage=Usage(
                calls=u.get("calls", 0), cached=u.get("cached", 0), failed=u.get("failed", 0),
                prompt_tokens=u.get("prompt_tokens", 0), completion_tokens=u.get("completion_tokens", 0),
                cost=u.get("estimated_cost", 0.0), skipped_for_budget=list(u.get("skipped_for_budget", [])),
            ),
            settings=dict(data.get("settings", {})),
            engine=data.get("engine", "extractive"),
            generated=data.get("generated", ""),
            warnings=list(data.get("warnings", [])),
            city_en=dict(data.get("city_en") or comp.get("cities_en") or {}),
            model_failures=[
                ModelFailure(f.get("doc"), f.get("reason", ""), f.get("part", "article"))
                for f in data.get("model_failures", [])
            ],
        )
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ConfigError(
            f"brief.json is missing a field ({exc})", help="rebuild it with briefgen build"
        ) from exc
