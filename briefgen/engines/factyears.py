"""The year beside a figure, worded by what kind of figure it is (issue 15).

Why one module: a forecast (预计2026年…) shown with a bare year reads as done, and one
shown as "target 2026" reads as a plan's goal.  Comparison cells, the executive summary,
key-figures tables and brief.json say a figure's kind the same way because they all
ask here.  The kind is ``evidence.facts.fact_kind``, read once and kept on the fact
(``Fact.kind``), so a brief re-rendered from brief.json (whose facts keep only the
figure as written, not its sentence) still says it; the wording is data
(``briefgen/data/fact_years.toml``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any, Literal

from briefgen.core.paths import DATA_DIR
from briefgen.core.types import Fact
from briefgen.evidence.facts import FACT_KINDS, fact_kind
from briefgen.evidence.keysentences import split_sentences
from briefgen.text.dates import zh_date
from briefgen.text.numbers import parse_quantity, quantity_in_text

WORDS_FILE = DATA_DIR / "fact_years.toml"
Form = Literal["column", "note"]


def kind_of(fact: Fact) -> str:
    """The fact's kind (one of ``FACT_KINDS``), read from its sentence the first time."""
    if fact.kind not in FACT_KINDS:
        fact.kind = fact_kind(_own_sentence(fact))
    return fact.kind


def stored_kind(item: Mapping[str, Any]) -> str:
    """The kind of a fact as brief.json (and the templates) hold it.  A brief written before
    kinds has none: a target or a figure reached, as it was shown then."""
    return str(item.get("kind") or ("target" if item.get("is_target") else "achieved"))


def _own_sentence(fact: Fact) -> Fact:
    """A fact a model wrote carries its whole excerpt and no position (``at`` unset): its
    kind is read from the sentence that states its figure, so a forecast (预计…) elsewhere
    in the paragraph does not make a reached figure one."""
    if fact.at is not None:
        return fact
    q = parse_quantity(f"{fact.value}{fact.unit}")
    if q is None:
        return fact
    own = [s for s, _ in split_sentences(fact.sentence, semicolons=False) if quantity_in_text(q, s)]
    return replace(fact, sentence=own[0]) if own and own[0] != fact.sentence else fact


@lru_cache(maxsize=1)
def _words() -> dict[str, dict[str, tuple[str, str]]]:
    data = tomllib.loads(WORDS_FILE.read_text(encoding="utf-8"))
    return {form: {case: (str(zh), str(en)) for case, (zh, en) in cases.items()} for form, cases in data.items()}


def _case(kind: str, year: int | None, reported: str | None) -> str:
    if kind == "target":
        return "target" if year else "target_undated"
    if kind == "forecast":
        return "forecast_reported" if reported else "forecast" if year else "forecast_undated"
    return "reported" if reported else "stated" if year else "undated"


def year_words(kind: str, year: int | None, reported: str | None, form: Form) -> tuple[str, str]:
    """(zh, en) for a figure's year: ``目标2025`` / ``target 2025``, ``预计2026年`` /
    ``expected 2026``, ``报道于2024年5月17日`` / ``reported 2024-05-17`` (``reported``: the
    article's date, when the text states no year), ``2022``.  ``form``: "column" for a
    key-figures table's year column, "note" for the words beside a figure in a sentence
    ("" when there is nothing to say).  A target's year is its own even when unwritten."""
    if kind == "target":
        reported = None
    zh, en = _words()[form][_case(kind, year, reported)]
    values = {"year": year or "", "date": reported or "", "date_zh": zh_date(reported) if reported else ""}
    return zh.format(**values), en.format(**values)


__all__ = ["FACT_KINDS", "kind_of", "stored_kind", "year_words"]
