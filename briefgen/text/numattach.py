"""Words written around a number: its unit, an English count noun, a qualifier before or
after it (约, 超过, 以上, about, more than), a currency before it (RMB, US$).

The scanner in :mod:`briefgen.text.numbers` decides where a number is; these read
what sits next to it, from the vocabularies in ``lexicons/`` (longest first).
"""

from __future__ import annotations

import re
from functools import lru_cache

from briefgen.core.types import Quantity
from briefgen.text.numlex import Unit, lexicon


@lru_cache(maxsize=1)
def _units_by_first() -> tuple[dict[str, tuple[Unit, ...]], dict[str, tuple[Unit, ...]]]:
    """Units indexed by their first character (lower-cased for English), longest first:
    the scanner tries a unit after every number, so it must not walk the whole list."""
    lex = lexicon()
    zh: dict[str, list[Unit]] = {}
    en: dict[str, list[Unit]] = {}
    for u in lex.zh_units:
        zh.setdefault(u.written[0], []).append(u)
    for u in lex.en_units:
        en.setdefault(u.written[0].lower(), []).append(u)
    return {c: tuple(us) for c, us in zh.items()}, {c: tuple(us) for c, us in en.items()}


def match_unit(t: str, i: int) -> tuple[Unit, int] | None:
    zh_units, en_units = _units_by_first()
    k = i + 1 if t.startswith(" ", i) else i  # "10 亿元", "76 亩": a typeset space
    for u in zh_units.get(t[k : k + 1], ()):
        if t.startswith(u.written, k):
            return u, k + len(u.written)
    j = i + 1 if t[i : i + 1].isspace() else i
    for u in en_units.get(t[j : j + 1].lower(), ()):
        w = len(u.written)
        cand = t[j : j + w]
        if cand.lower() == u.written.lower() and not (
            j + w < len(t) and t[j + w].isalnum() and t[j + w].isascii()
        ):
            if u.written in ("mu", "ha") and cand != u.written:
                continue
            return u, j + w
    return None


def count_noun(t: str, i: int) -> str | None:
    m = re.match(r"\s+(?:[A-Za-z-]+\s+){0,2}?([A-Za-z]+)\b", t[i:])
    if not m:
        return None
    first = re.match(r"\s+([A-Za-z]+)", t[i:])
    nouns = lexicon().count_nouns
    for word in {first.group(1) if first else "", m.group(1)}:
        if word.lower() in nouns:
            return nouns[word.lower()]
    return None


@lru_cache(maxsize=1)
def _before_words() -> tuple[tuple[tuple[str, str], ...], re.Pattern[str], dict[str, str]]:
    """Chinese hedges (longest first) and one compiled pattern for the English ones."""
    before = lexicon().before
    zh = tuple((w, c) for w, c in before if not w.isascii())
    en = {w.lower(): c for w, c in before if w.isascii()}
    words = sorted(en, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\s+(?:an?\s+)?$", re.I)
    return zh, pattern, en


def qual_before(t: str, start: int) -> tuple[str | None, int]:
    zh, pattern, en = _before_words()
    for written, code in zh:
        if t.endswith(written, 0, start):
            return code, start - len(written)
    lo = max(0, start - 40)
    m = pattern.search(t, lo, start)
    if m:
        return en[m.group(1).lower()], m.start()
    return None, start


def qual_after(t: str, end: int) -> tuple[str | None, int]:
    for written, code in lexicon().after:
        if written in ("多", "余"):
            continue  # only between number and unit
        if written.isascii():
            m = re.match(r"\s+" + re.escape(written) + r"\b", t[end:], re.I)
            if m:
                return code, end + m.end()
        elif t.startswith(written, end):
            return code, end + len(written)
    return None, end


def currency_before(t: str, start: int) -> tuple[str | None, int]:
    for written, code in lexicon().currency_prefixes:
        seg = t[max(0, start - len(written) - 1) : start]
        if seg.endswith(written):
            s = start - len(written)
        elif seg.endswith(written + " "):
            s = start - len(written) - 1
        else:
            continue
        if written.isalpha() and s > 0 and t[s - 1].isalpha():
            continue
        return code, s
    return None, start


def finish(
    t: str, start: int, end: int, number: str, value: float, unit: str,
    low: float | None, high: float | None, unit_raw: str, qual: str | None = None,
) -> Quantity:  # fmt: skip
    q1, s = qual_before(t, start)
    if q1 is None:  # "over CNY 100 billion": the qualifier sits before the currency
        cur, cs = currency_before(t, start)
        if cur and cs < start:
            q1, s = qual_before(t, cs)
    q2, e = qual_after(t, end)
    qualifier = q1 or qual or q2
    return Quantity(
        raw=t[s:e], value=value, unit=unit, low=low, high=high, qualifier=qualifier,
        start=s, end=e, number=number, unit_raw=unit_raw,
    )  # fmt: skip
