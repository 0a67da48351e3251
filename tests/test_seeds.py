"""The five seed pages against their gold labels (skipped when ../shared is absent)."""

from __future__ import annotations

import json
import re

import pytest

from briefgen.core.types import RawFile
from briefgen.corpus.clean import clean
from briefgen.corpus.metadata import extract
from briefgen.text.script import normalise
from tests.conftest import SHARED

SEEDS = SHARED / "seeds"
GOLD = SHARED / "seeds-gold.json"

pytestmark = pytest.mark.skipif(not GOLD.exists(), reason="shared seed corpus not available")


def _gold() -> list[dict]:
    return json.loads(GOLD.read_text(encoding="utf-8")) if GOLD.exists() else []


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", normalise(s)).strip()


def _load(name: str) -> RawFile:
    data = (SEEDS / name).read_bytes()
    for enc in ("utf-8", "gb18030"):
        try:
            return RawFile(name, "txt", data.decode(enc), enc)
        except UnicodeDecodeError:
            continue
    raise AssertionError(f"cannot decode {name}")


@pytest.mark.parametrize("gold", _gold(), ids=lambda g: g["file"])
def test_seed_matches_gold(gold: dict) -> None:
    raw = _load(gold["file"])
    cleaned = clean(raw)
    meta = extract(cleaned, raw)
    text = _norm("\n".join(cleaned.lines))

    assert meta.title == _norm(gold["title"])
    assert meta.date == gold["date"]
    assert meta.source == (gold["source"] and _norm(gold["source"]))
    assert meta.cities == gold["cities"]
    assert _norm(gold["body_first_line"]) in text
    assert _norm(gold["body_last_line"]) in text
    for junk in gold["junk"]:
        assert _norm(junk) not in text, junk
    for fact in gold["facts"]:
        assert _norm(fact["quote"]) in text, fact["quote"]
    assert len(cleaned.lines) == len(cleaned.original_lines)
