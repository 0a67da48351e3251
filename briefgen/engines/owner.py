"""Whose figure is it: the city a figure belongs to, not the cities its article names.

A two-city article (广州 and 佛山) states each city's own figures; a Guangzhou
article may quote Shenzhen's.  Putting a figure under every city of its article
would show Foshan's output in Guangzhou's table, so the brief asks the text:
the city named last before the figure in its sentence, else the first named after
it in that sentence, else the city last named earlier in the same paragraph.  A
city is named by its own name or by one of its zones, districts and parks
(``data/cleaning/zones.tsv``: 前海 and 深汕特别合作区 are Shenzhen's), and a figure
stated for a zone is its city's, shown with the zone's name (:func:`fact_owner`).
A sentence that names no place but refers back to a zone named earlier in the
article (合作区 after 深汕特别合作区, the short form in zones.tsv) is that zone's.  A
figure the sentence gives to several places together (两地合计, 双方) is no one city's.  A
single-city article's figure whose sentence and paragraph name no other city is
that city's.  When the text does not say, the answer is ``None`` and the figure
stays on its article page only: an unattributed figure is never given to a city.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from briefgen.core.types import Excerpt, Fact
from briefgen.corpus.cities import zone_short_forms, zones_of
from briefgen.evidence.factlex import lexicon_lines
from briefgen.evidence.facts import quantity_of


@dataclass(frozen=True)
class Owner:
    """The city a figure belongs to, and the zone of it the text names (None: the city itself)."""

    city: str
    zone: str | None = None


def _names(city: str) -> list[tuple[str, str | None]]:
    """(name as written, zone or None) for each way the text can name ``city``."""
    own = [(n, None) for n in dict.fromkeys([city, city.removesuffix("市")]) if n]
    return own + [(z, z) for z in zones_of().get(city.removesuffix("市"), ())]


# (position, city, zone) of a mention; a later position wins, then the longer name
_Hit = tuple[int, str, str | None]


def _last_before(text: str, end: int, cities: Iterable[str]) -> _Hit | None:
    best: tuple[int, int, str, str | None] | None = None
    for c in cities:
        for name, zone in _names(c):
            i = text.rfind(name, 0, end)
            if i >= 0 and (best is None or (i + len(name), len(name)) > (best[0], best[1])):
                best = (i + len(name), len(name), c, zone)
    return (best[0], best[2], best[3]) if best else None


def _first_after(text: str, start: int, cities: Iterable[str]) -> _Hit | None:
    best: tuple[int, int, str, str | None] | None = None
    for c in cities:
        for name, zone in _names(c):
            j = text.find(name, start)
            if j >= 0 and (best is None or (j, -len(name)) < (best[0], -best[1])):
                best = (j, len(name), c, zone)
    return (best[0], best[2], best[3]) if best else None


def _referred_zone(head: str, before: list[str], cities: Sequence[str]) -> Owner | None:
    """The zone that ``head`` (the paragraph up to the figure) refers back to by its short
    form (合作区), when the article named that zone earlier (``before``: the text before
    the sentence, nearest first)."""
    shorts = zone_short_forms()
    for text in before:
        hits = []
        for c in cities:
            for _, zone in _names(c):
                if zone and shorts.get(zone) and shorts[zone] in head and (i := text.rfind(zone)) >= 0:
                    hits.append((i, Owner(c, zone)))
        if hits:
            return max(hits, key=lambda h: h[0])[1]
    return None


def _earlier_text(ex: Excerpt, start: int, excerpts: dict[str, Excerpt]) -> list[str]:
    """The article's text before the fact's sentence, nearest first: its own paragraph's
    start, then the paragraphs before it."""
    out = [ex.text[:start]] if start > 0 else []
    for n in range(ex.n - 1, 0, -1):
        prev = excerpts.get(f"{ex.doc_id}:p{n}")
        if prev is not None:
            out.append(prev.text)
    return out


@lru_cache(maxsize=1)
def _joint_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(word, characters that, written right after it, make it part of another word)."""
    out = []
    for line in lexicon_lines("joint_places.tsv"):
        word, _, unless = line.partition("\t")
        out.append((word.strip(), tuple(unless.split())))
    return tuple(out)


def _last_joint(text: str, at: int) -> int:
    """Where the last joint word before ``at`` starts (-1: none).  三方面目标 is not 三方:
    a word followed by one of its exception characters is part of a longer word."""
    best = -1
    for word, unless in _joint_words():
        end = at
        while (i := text.rfind(word, 0, end)) >= 0:
            if not unless or not text.startswith(unless, i + len(word)):
                best = max(best, i)
                break
            end = i
    return best


_JOINT = Owner("")  # the sentence gives the figure to several places together


def _sentence_owner(text: str, at: int, cities: Sequence[str], *, after: bool = True) -> Owner | None:
    """The place named last before ``at`` (or, with ``after``, first after it), or _JOINT
    when a joint word stands after that place (or alone) before ``at``."""
    before = _last_before(text, at, cities)
    joint = _last_joint(text, at)
    if joint >= 0 and (before is None or joint >= before[0]):
        return _JOINT  # 两地合计…, 深汕两地…: a joint figure, no single city's
    hit = before or (_first_after(text, at, cities) if after else None)
    return Owner(hit[1], hit[2]) if hit is not None else None


def place_at(text: str, at: int, cities: Sequence[str]) -> Owner | None:
    """Whose a figure at ``at`` in ``text`` (one sentence) is by its own words: the city or
    zone named last before it, else the first named after it; None when none is named or
    when a joint word (两地, 双方: ``lexicons/joint_places.tsv``) stands after the last city
    named before it."""
    own = _sentence_owner(text, at, cities)
    return None if own is _JOINT else own


def fact_owner(
    fact: Fact,
    doc_cities: Sequence[str],
    known_cities: Iterable[str] = (),
    excerpts: dict[str, Excerpt] | None = None,
) -> Owner | None:
    """The city ``fact`` belongs to (with the zone of it the text names), or ``None`` when
    the text does not say.

    ``doc_cities``: its article's cities; ``known_cities``: every city of the brief
    (a single-city article quoting another city's figure names that city);
    ``excerpts``: the excerpt index, to read the text before the sentence.
    """
    cities = list(dict.fromkeys([*doc_cities, *known_cities]))
    q = quantity_of(fact)
    at = fact.at if fact.at is not None else (q.start if q is not None else len(fact.sentence))
    own = _sentence_owner(fact.sentence, at, cities)
    if own is _JOINT:
        return None
    if own is not None:
        return own
    if excerpts is not None and fact.cites and (ex := excerpts.get(fact.cites[0])) is not None:
        start = ex.text.find(fact.sentence)
        # the paragraph up to the figure: a city named before the sentence, unless a joint
        # word follows it (a reloaded brief's fact has only its figure for a sentence)
        para = _sentence_owner(ex.text, start + at, cities, after=False) if start > 0 else None
        if para is _JOINT:
            return None
        if para is not None:
            return para
        head = ex.text[: start + at] if start >= 0 else fact.sentence[:at]  # the paragraph up to the figure
        referred = _referred_zone(head, _earlier_text(ex, start, excerpts), cities)
        if referred is not None:
            return referred
    return Owner(doc_cities[0]) if len(doc_cities) == 1 else None


def fact_city(
    fact: Fact,
    doc_cities: Sequence[str],
    known_cities: Iterable[str] = (),
    excerpts: dict[str, Excerpt] | None = None,
) -> str | None:
    """The city ``fact`` belongs to, or ``None`` when the text does not say (see
    :func:`fact_owner`, which also says which zone of the city the text names)."""
    owner = fact_owner(fact, doc_cities, known_cities, excerpts)
    return owner.city if owner is not None else None


__all__ = ["Owner", "fact_city", "fact_owner", "place_at"]
