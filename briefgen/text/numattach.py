"""Words written around a number: its unit, an English count noun, a qualifier before or
after it (约, 超过, 以上, about, more than), a currency before it (RMB, US$).

The scanner in :mod:`briefgen.text.numbers` decides where a number is; these read
what sits next to it, from the vocabularies in ``lexicons/`` (longest first).
"""

from __future__ import annotations

import re

from briefgen.core.types import Quantity
from briefgen.text.numlex import Unit, lexicon


def match_unit(t: str, i: int) -> tuple[Unit, int] | None:
    lex = lexicon()
    k = i + 1 if t.startswith(" ", i) else i  # "10 亿元", "76 亩": a typeset space
    for u in lex.zh_units:
        if t.startswith(u.written, k):
            return u, k + len(u.written)
    m = re.match(r"\s?", t[i:])
    j = i + (m.end() if m else 0)
    for u in lex.en_units:
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


def qual_before(t: str, start: int) -> tuple[str | None, int]:
    for written, code in lexicon().before:
        if written.isascii():
            m = re.search(
                r"\b" + re.escape(written) + r"\s+(?:an?\s+)?$", t[max(0, start - 40) : start], re.I
            )
            if m:
                return code, start - (len(t[max(0, start - 40) : start]) - m.start())
        elif t.endswith(written, 0, start):
            return code, start - len(written)
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
