"""Which cities an article is about: gazetteer names and zones, ranked by salience.

Cities are prefecture-level names from ``data/cities.tsv``; districts and zones
whose names do not contain their city (光谷, 临港, 钱塘区 ...) are mapped to it
through ``data/cleaning/zones.tsv``.  Ranking weighs title mentions, frequency and
early position, so cities mentioned only in passing are left out.  An article that
says only 我市/本市 names its city elsewhere: in the outlet (泰州日报), the
dateline (新华社合肥3月8日电) or the title; ``home_city`` finds it there.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from briefgen.core.paths import DATA_DIR
from briefgen.corpus.vocab import city_rule, rows, zones


@dataclass(frozen=True)
class City:
    zh: str
    en: str
    province: str


@lru_cache(maxsize=1)
def load_cities() -> dict[str, City]:
    """The gazetteer (short simplified name -> City), read once per process."""
    path = DATA_DIR / "cities.tsv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return {r["zh"]: City(r["zh"], r["en"], r["province_zh"]) for r in rows}


@lru_cache(maxsize=1)
def zones_of() -> dict[str, tuple[str, ...]]:
    """City -> its zones, districts and parks named in ``zones.tsv`` (深圳: 前海, 坪山,
    深汕特别合作区 ...): a figure stated for one of them is the city's."""
    out: dict[str, list[str]] = {}
    for zone, city in zones().items():
        out.setdefault(city, []).append(zone)
    return {c: tuple(z) for c, z in out.items()}


@lru_cache(maxsize=1)
def zone_short_forms() -> dict[str, str]:
    """Zone -> how an article refers back to it once named (深汕特别合作区 -> 合作区), from
    the optional third column of ``zones.tsv``."""
    return {r[0]: r[2] for r in rows("zones.tsv") if len(r) > 2 and r[2]}


@lru_cache(maxsize=1)
def zone_names_en() -> dict[str, str]:
    """Zone -> its English name (深汕特别合作区 -> Shenzhen-Shanwei Special Cooperation Zone),
    from the optional fourth column of ``zones.tsv``."""
    return {r[0]: r[3] for r in rows("zones.tsv") if len(r) > 3 and r[3]}


@lru_cache(maxsize=1)
def _city_regex() -> re.Pattern[str]:
    names = sorted(list(load_cities()) + list(zones()), key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names))

@lru_cache(maxsize=1)
def _rules() -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...], tuple[str, ...], dict[str, str]]:
    """(needs-suffix, not-after, not-before, counterpart-before, zones), read once."""
    return (
        frozenset(city_rule("needs-suffix")),
        city_rule("not-after"),
        city_rule("not-before"),
        city_rule("counterpart-before"),
        zones(),
    )


def _weight(text: str, start: int, end: int) -> float:
    """How much one mention says the article is about this city."""
    before = text[max(0, start - 2) : start]
    if before.endswith(_rules()[3]) or text[end : end + 1] == "、":
        return 0.3
    return 1.0


def _mentions(text: str) -> list[tuple[str, int, float]]:
    """(city, position, weight) for each city mention in ``text``."""
    needs_suffix, not_after, not_before, _, zone_city = _rules()
    out = []
    for m in _city_regex().finditer(text):
        name, start, end = m.group(0), m.start(), m.end()
        after = text[end : end + 2]
        if name in needs_suffix and not after.startswith("市"):
            continue
        if after.startswith(not_after) or text[max(0, start - 2) : start].endswith(not_before):
            continue
        out.append((zone_city.get(name, name), start, _weight(text, start, end)))
    return out


def rank_cities(title: str | None, body: list[str], *, keep_ratio: float = 0.35) -> list[str]:
    """Cities the article is about, most salient first."""
    text = "\n".join(body)
    counts: Counter[str] = Counter()
    weights: dict[str, float] = {}
    first: dict[str, int] = {}
    for city, pos, w in _mentions(text):
        counts[city] += 1
        weights[city] = weights.get(city, 0.0) + w
        first.setdefault(city, pos)
    in_title = {c for c, _, w in _mentions(title or "") if w == 1.0}
    if not counts and not in_title:
        return []
    total = max(1, len(text))
    score: dict[str, float] = {}
    for city in set(counts) | in_title:
        s = weights.get(city, 0.0)
        if city in in_title:
            s += 2.0 + 0.25 * s
        if city in first and first[city] < 0.15 * total:
            s += 1.0
        score[city] = s
    top = max(score.values())
    ranked = sorted(score, key=lambda c: (-score[c], first.get(c, total)))
    keep = [c for c in ranked if score[c] >= keep_ratio * top and (counts[c] >= 2 or c in in_title)]
    return keep or ranked[:1]




_SELF_REFERENCE = re.compile(r"我市|本市|全市|市委|市政府")


def cities_named(text: str | None) -> list[str]:
    """Cities named in a short text (an outlet, a dateline place, a title), in order."""
    out: list[str] = []
    for city, _, _ in _mentions(text or ""):
        if city not in out:
            out.append(city)
    return out


def home_city(body: list[str], hints: list[tuple[str, str | None]]) -> tuple[str, str] | None:
    """(city, where it was named) for the city an article calls 我市/本市, named in one of
    ``hints`` ((kind, text): outlet, dateline place, title; most telling first), or None when
    the article does not speak of its own city or no hint names exactly one city."""
    if not any(_SELF_REFERENCE.search(line) for line in body[:40]):
        return None
    for kind, hint in hints:
        named = cities_named(hint)
        if len(named) == 1:
            return named[0], kind
    return None


_OUR_CITY = re.compile(r"我市|本市")


def with_home_city(ranked: list[str], home: str | None, body: list[str] | None = None) -> list[str]:
    """The ranked cities with the article's own city first when the text never names it.

    When the text names other cities, only an explicit 我市/本市 brings the outlet's city in:
    全市 in a 深圳特区报 story about 东莞 means 东莞."""
    if home is None or home in ranked:
        return ranked
    if ranked and body is not None and not any(_OUR_CITY.search(line) for line in body[:40]):
        return ranked
    return [home, *ranked]
