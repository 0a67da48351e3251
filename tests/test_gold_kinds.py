"""Issue 15's done-when check: target, forecast, achieved or provision, and the year, for
every gold fact of the shared dev and seeds corpora, against a hand judgement.

tests/data/gold_kinds.json was judged by hand (reading each quote in its article); this
test ingests the two folders through the public API, finds briefgen's fact for each gold
quote (its value inside the quote, in the quote's sentence) and asserts the same kind and
year.  A gold year of null means the text writes none: briefgen may then fall back to the
article's date (``year_source == "date"``) but must not give the figure a year of its own.
Gold facts briefgen does not extract at all are counted apart (they are a matter of the
number parser, not of kinds) and may not grow beyond a small share.

Skipped when ../shared/corpus is absent.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from briefgen import extract_facts, ingest
from briefgen.core.types import Fact
from briefgen.evidence.facts import fact_kind
from briefgen.text.script import to_simplified

ROOT = Path(__file__).resolve().parent
CORPUS = ROOT.parent.parent / "shared" / "corpus"
GOLD = json.loads((ROOT / "data" / "gold_kinds.json").read_text(encoding="utf-8"))
MAX_UNFOUND = (
    0.15  # share of gold facts briefgen may not extract at all (chance figures: 三成, 1.4倍 …)
)
_HALF_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_PINYIN = re.compile(r"[（(][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]")

pytestmark = pytest.mark.skipif(
    not (CORPUS / "dev-gold.json").is_file(), reason="../shared/corpus absent"
)


@lru_cache(maxsize=2)
def _facts_by_file(corpus: str) -> dict[str, list[Fact]]:
    return {Path(d.path).name: extract_facts(d) for d in ingest(CORPUS / corpus).documents}


def _quote_span(quote: str, sentence: str) -> tuple[int, int] | None:
    """Where the quote stands in the sentence, read the way ingest writes text (simplified
    script, half-width digits, no pinyin notes, spaces ignored)."""
    plain = to_simplified(quote).translate(_HALF_WIDTH)
    chars = re.sub(r"\s+", "", _PINYIN.sub("", plain))
    m = re.search(r"\s*".join(re.escape(c) for c in chars), sentence)
    return m.span() if m else None


def _match(row: dict[str, object]) -> Fact | None:
    for fact in _facts_by_file(str(row["corpus"])).get(str(row["file"]), []):
        span = _quote_span(str(row["quote"]), fact.sentence)
        at = fact.at if fact.at is not None else -1
        if span and fact.value == row["value"] and span[0] <= at < span[1]:
            return fact
    return None


def _judged(fact: Fact) -> tuple[str, int | None]:
    stated = fact.year_source not in ("date", "")
    return fact_kind(fact), (fact.year if stated else None)


def test_gold_file_is_hand_authored_and_covers_every_gold_fact() -> None:
    assert GOLD["authored"] is True and "by hand" in GOLD["about"]
    kinds = {row["kind"] for row in GOLD["facts"]}
    assert kinds <= set(GOLD["kinds"])
    for name in ("dev", "seeds"):
        gold = json.loads((CORPUS / f"{name}-gold.json").read_text(encoding="utf-8"))
        quotes = [(a["file"], f["quote"]) for a in gold for f in a["facts"]]
        mine = [(r["file"], r["quote"]) for r in GOLD["facts"] if r["corpus"] == name]
        assert mine == quotes


def test_every_found_gold_fact_has_the_judged_kind_and_year() -> None:
    wrong, unfound = [], []
    for row in GOLD["facts"]:
        fact = _match(row)
        if fact is None:
            unfound.append((row["file"][:3], row["quote"]))
            continue
        got = _judged(fact)
        if got != (row["kind"], row["year"]) or fact.is_target != (row["kind"] == "target"):
            wrong.append((row["file"][:3], row["quote"], got, (row["kind"], row["year"])))
    assert wrong == []
    assert len(unfound) <= MAX_UNFOUND * len(GOLD["facts"]), unfound
