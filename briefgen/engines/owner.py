"""Whose figure is it: the city a figure belongs to, not the cities its article names.

A two-city article (广州 and 佛山) states each city's own figures; a Guangzhou
article may quote Shenzhen's.  Putting a figure under every city of its article
would show Foshan's output in Guangzhou's table, so the brief asks the text:
the city named last before the figure in its sentence, else the first named after
it in that sentence, else the city last named earlier in the same paragraph.  A
single-city article's figure whose sentence and paragraph name no other city is
that city's.  When the text does not say, the answer is ``None`` and the figure
stays on its article page only: an unattributed figure is never given to a city.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from briefgen.core.types import Excerpt, Fact
from briefgen.evidence.facts import quantity_of


def _names(city: str) -> set[str]:
    return {city, city.removesuffix("市")} - {""}


def _last_before(text: str, end: int, cities: Iterable[str]) -> tuple[int, str] | None:
    best: tuple[int, str] | None = None
    for c in cities:
        for name in _names(c):
            i = text.rfind(name, 0, end)
            if i >= 0 and (best is None or i > best[0]):
                best = (i, c)
    return best


def _first_after(text: str, start: int, cities: Iterable[str]) -> tuple[int, str] | None:
    best: tuple[int, str] | None = None
    for c in cities:
        for name in _names(c):
            j = text.find(name, start)
            if j >= 0 and (best is None or j < best[0]):
                best = (j, c)
    return best


def fact_city(
    fact: Fact,
    doc_cities: Sequence[str],
    known_cities: Iterable[str] = (),
    excerpts: dict[str, Excerpt] | None = None,
) -> str | None:
    """The city ``fact`` belongs to, or ``None`` when the text does not say.

    ``doc_cities``: its article's cities; ``known_cities``: every city of the brief
    (a single-city article quoting another city's figure names that city);
    ``excerpts``: the excerpt index, to read the paragraph before the sentence.
    """
    cities = list(dict.fromkeys([*doc_cities, *known_cities]))
    q = quantity_of(fact)
    at = fact.at if fact.at is not None else (q.start if q is not None else len(fact.sentence))
    hit = _last_before(fact.sentence, at, cities) or _first_after(fact.sentence, at, cities)
    if hit is not None:
        return hit[1]
    if excerpts is not None and fact.cites and (ex := excerpts.get(fact.cites[0])) is not None:
        start = ex.text.find(fact.sentence)
        if start > 0 and (hit := _last_before(ex.text, start, cities)) is not None:
            return hit[1]
    return doc_cities[0] if len(doc_cities) == 1 else None


__all__ = ["fact_city"]
