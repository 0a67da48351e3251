"""Source quality: what a reader should know about where an article comes from.

Why: a figure from company-supplied copy (企业供稿), a repost through an app channel
or a page whose date briefgen had to guess carries less weight than a newspaper's
own dated report, and the brief would otherwise present them all alike.  The notes
come from what ingest recorded (source, date, ``date_confidence``, ``provenance``);
their words and labels are data (``briefgen/data/source_quality.tsv``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from briefgen.core.paths import DATA_DIR
from briefgen.core.types import Document

QUALITY_FILE = DATA_DIR / "source_quality.tsv"


@lru_cache(maxsize=1)
def _notes() -> dict[str, tuple[str, str, tuple[str, ...]]]:
    out: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for line in QUALITY_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, zh, en, *rest = line.split("\t")
        words = tuple(w for w in (rest[0] if rest else "").split("|") if w)
        out[code] = (zh, en, words)
    return out


def _note(code: str, detail_zh: str = "", detail_en: str = "") -> dict[str, str]:
    zh, en, _ = _notes()[code]
    return {"code": code, "zh": zh + detail_zh, "en": en + detail_en}


def source_quality(doc: Document | None) -> list[dict[str, Any]]:
    """The notes for one article: [{``code``, ``zh``, ``en``}], empty for a dated
    newspaper report whose source names no channel."""
    if doc is None:
        return []
    notes: list[dict[str, Any]] = []
    source = doc.source or ""
    for code, (_, _, words) in _notes().items():
        if words and any(w in source for w in words):
            notes.append(_note(code))
    if not source:
        notes.append(_note("no_source"))
    if not doc.date:
        notes.append(_note("undated"))
    elif doc.date_confidence in ("medium", "low"):
        where = (doc.provenance or {}).get("date")
        notes.append(_note("date_uncertain", f"（取自 {where}）" if where else "", f" (taken from: {where})" if where else ""))
    return notes


__all__ = ["source_quality"]
