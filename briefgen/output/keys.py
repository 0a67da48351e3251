"""Stable keys for every item an editor can judge: claims, facts, cells, summary lines.

Why: an editor's decision (approve, reject, edit) must find its item again after a
rebuild.  Positions change when an article is added; a key made of the item's own
text and citations does not, so a decision stays attached to what the editor read.
A key changes only when the text or its sources change, and then the decision is
reported as stale rather than applied to something the editor never saw.

This module sits below ``report`` (it never imports it): ``report.brief_to_json``
calls ``assign_keys`` on the finished dict.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from briefgen.core.types import Cell, Claim, Fact

# Bumped when a field of brief.json changes meaning (fields are only ever added).
SCHEMA_VERSION = 1

KINDS = ("summary", "cell", "claim", "fact")


# Items that carry a decision: the engine's own types plus the key they had before an
# edit changed their text and what the editor decided.  Subclasses, so every stage that
# takes a Claim / Cell / Fact takes these unchanged.


@dataclass
class ReviewedClaim(Claim):
    key: str = ""
    review: dict[str, Any] | None = None


@dataclass
class ReviewedCell(Cell):
    key: str = ""
    review: dict[str, Any] | None = None


@dataclass
class ReviewedFact(Fact):
    key: str = ""
    review: dict[str, Any] | None = None


def short_hash(*parts: str) -> str:
    """Eight hex digits of SHA-256 over the parts (NUL-separated, so parts cannot run together)."""
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:8]


def _cites_part(cites: list[str]) -> str:
    # sorted: brief.json lists known citations before unknown ones, the engine in its own
    # order; the key must not depend on which of the two it was computed from
    return ",".join(sorted(set(cites)))


def claim_key(doc_id: str, claim: Claim) -> str:
    """``claim:<doc-id>:<hash of the statement and its cites>``."""
    return f"claim:{doc_id}:{short_hash(claim.zh or claim.en, _cites_part(claim.cites))}"


def summary_key(claim: Claim) -> str:
    """``summary:<hash of the statement and its cites>``."""
    return f"summary:{short_hash(claim.zh or claim.en, _cites_part(claim.cites))}"


def fact_key(doc_id: str, fact: Fact) -> str:
    """``fact:<doc-id>:<hash of label, figure, year and cites>``."""
    parts = (fact.what, fact.value, fact.unit, str(fact.year or ""), _cites_part(fact.cites))
    return f"fact:{doc_id}:{short_hash(*parts)}"


def cell_key(cell: Cell) -> str:
    """``cell:<city>:<dimension>``: one cell per city and dimension, whatever it says."""
    return f"cell:{cell.city}:{cell.dimension}"


def stored_key(obj: object) -> str:
    """The key an item kept through an edit ("" for an item never reviewed)."""
    key = getattr(obj, "key", "")
    return key if isinstance(key, str) else ""


def review_of(obj: object) -> dict[str, Any] | None:
    review = getattr(obj, "review", None)
    return review if isinstance(review, dict) else None


@dataclass
class Item:
    """One judgeable item of a brief: its key, kind, scope (doc id or city) and object."""

    key: str
    kind: str
    scope: str
    obj: Claim | Cell | Fact


def _raw_items(brief: Any) -> Iterator[tuple[str, str, str, Claim | Cell | Fact]]:
    for art in brief.articles:
        for claim in [*art.claims, *art.rejected]:
            review = review_of(claim) or {}
            kind = "fact" if review.get("kind") == "fact" else "claim"
            yield kind, art.doc_id, stored_key(claim) or claim_key(art.doc_id, claim), claim
        for fact in art.facts:
            yield "fact", art.doc_id, stored_key(fact) or fact_key(art.doc_id, fact), fact
    for cell in brief.comparison.cells:
        yield "cell", cell.city, stored_key(cell) or cell_key(cell), cell
    for claim in brief.summary:
        yield "summary", "", stored_key(claim) or summary_key(claim), claim


def brief_items(brief: Any) -> list[Item]:
    """Every item of the brief with its unique key, in a fixed order.

    Two items with the same key (the same sentence citing the same paragraph twice)
    get ``~2``, ``~3`` in order, so each decision still has exactly one item.
    """
    seen: dict[str, int] = {}
    items: list[Item] = []
    for kind, scope, key, obj in _raw_items(brief):
        n = seen.get(key, 0) + 1
        seen[key] = n
        items.append(Item(key if n == 1 else f"{key}~{n}", kind, scope, obj))
    return items


def _mark(item: dict[str, Any], obj: object, keys: dict[int, str]) -> None:
    key = keys.get(id(obj))
    if key is not None:
        item["key"] = key
    review = review_of(obj)
    if review is not None:
        item["review"] = review


def assign_keys(brief: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Add ``key`` (and an applied ``review``) to every item of ``data`` and ``schema_version``.

    ``data`` is ``report.brief_to_json(brief)``; its lists are built from the brief's
    lists in the same order, so items are matched by position.
    """
    keys = {id(i.obj): i.key for i in brief_items(brief)}
    for art, out in zip(brief.articles, data.get("articles", []), strict=False):
        for objs, name in ((art.claims, "claims"), (art.rejected, "rejected"), (art.facts, "facts")):
            for obj, item in zip(objs, out.get(name, []), strict=False):
                _mark(item, obj, keys)
    comparison = data.get("comparison", {})
    for cell, item in zip(brief.comparison.cells, comparison.get("cells", []), strict=False):
        _mark(item, cell, keys)
    verified = [c for c in brief.summary if c.status == "verified"]
    rejected = [c for c in brief.summary if c.status != "verified"]
    summary = data.get("summary", {})
    for name, objs in (("claims", verified), ("zh", verified), ("en", verified), ("rejected", rejected)):
        for obj, item in zip(objs, summary.get(name, []), strict=False):
            _mark(item, obj, keys)
    _mark_verification(brief, data, keys)
    data["schema_version"] = SCHEMA_VERSION
    data["city_en"] = dict(sorted(brief.city_en.items()))
    return data


def _mark_verification(brief: Any, data: dict[str, Any], keys: dict[int, str]) -> None:
    """The verification list holds article rejections, rejected cells, then summary ones."""
    objs: list[object] = [c for art in brief.articles for c in art.rejected]
    objs += [c for c in brief.comparison.cells if c.status == "rejected"]
    objs += [c for c in brief.summary if c.status != "verified"]
    items = data.get("verification", {}).get("rejected", [])
    for obj, item in zip(objs, items, strict=False):
        _mark(item, obj, keys)
