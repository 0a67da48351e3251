"""One number parser for fact extraction AND model-output verification.

Both uses must agree on what "the same number" means, so there is exactly one
place that reads ``462.2亿元``, ``约44平方公里``, ``1/7``, ``3-5家``,
``百分之十五``, ``CNY 46.22 billion`` or ``44 km²`` and normalises them to a
:class:`~briefgen.core.types.Quantity` (value in base units + canonical unit).

Years and dates are not quantities (``2025年`` is a year, ``6月10日`` a date);
:func:`find_years` reports years separately because facts need them.  Units,
qualifiers, currency prefixes and English count nouns are data files in
``briefgen/data/lexicons/`` so they can be extended without code changes.

The package is split by job: :mod:`numlex` loads the vocabularies,
:mod:`numwords` reads one bare number, this module decides which numbers are
figures (the "not a figure" rules are named predicates, tried in order) and
reads what is written around them, :mod:`numcompare` says when two quantities
are equal and spells them in English.  Callers import everything from here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

from briefgen.core.types import Quantity
from briefgen.text.numattach import count_noun, currency_before, finish, match_unit
from briefgen.text.numcompare import format_en, same_quantity
from briefgen.text.numlex import LEXICONS, Unit, is_fact_unit, lexicon, unit_info
from briefgen.text.numphrases import en_fractions, halves, multiples, ranks, tops
from briefgen.text.numwords import (
    EN_MULT_RE,
    EN_NUMBER,
    Bare,
    cn_to_number,
    normalise,
    read_number,
    zh_multiplier,
)

__all__ = [
    "LEXICONS",
    "Unit",
    "cn_to_number",
    "find_quantities",
    "find_years",
    "format_en",
    "is_fact_unit",
    "normalise",
    "parse_cache_info",
    "parse_quantity",
    "quantity_in_text",
    "same_quantity",
    "unit_info",
]

_START = re.compile(
    r"百分之|[0-9零〇一二两三四五六七八九十百千万亿]|\b(?:" + EN_NUMBER + r")\b", re.I
)
_RANGE_SEP = re.compile(r"\s*(?:-|–|—|~|至|到)\s*|\s+to\s+", re.I)
_MORE = re.compile(r"[多余]")

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# Spans that look numeric but are not quantities: dates, times, phone numbers, codes.
_MASKS = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"  # 2022-08-28
    r"|\d{1,2}:\d{2}(?::\d{2})?"  # 10:30
    r"|\d{3,4}-\d{7,8}|\d{3,4}-\d{4}\s\d{4}|1[3-9]\d{9}"  # phones
    r"|[A-Za-z]+[-_]\d+[A-Za-z\d]*"  # COVID-19, H-1
    r"|〔\d{4}〕\d+号|\[\d{4}\]\d+号"  # document numbers
    # English dates: "20 June", "10 to 12 June", "June 10", "November 19th" (days, not figures)
    r"|\b\d{1,2}(?:st|nd|rd|th)?(?:\s*(?:-|–|to|and)\s*\d{1,2}(?:st|nd|rd|th)?)?\s+"
    + _MONTHS
    + r"\b"
    r"|\b"
    + _MONTHS
    + r"\s+\d{1,2}(?:st|nd|rd|th)?(?:\s*(?:-|–|to|and)\s*\d{1,2}(?:st|nd|rd|th)?)?(?!\d|[.,]\d)"
)


# ------------------------------------------------------- words around a number


def _is_year(n: Bare) -> bool:
    return n.kind == "ar" and re.fullmatch(r"\d{4}", n.text) is not None and 1900 <= n.value <= 2100


# ------------------------------------------------------------------- scanning


@dataclass
class _Hit:
    q: Quantity | None
    end: int


@dataclass
class _Span:
    """A number (or range) with what follows it, before deciding whether it is a figure."""

    t: str
    i: int  # where the number starts
    n: Bare
    n2: Bare | None  # the upper end of a range
    sep: str  # the range separator as written
    j: int  # end of the number(s), 多/余 and multiplier included
    more: str | None  # "over" when 多/余 follows the number
    unit: tuple[Unit, int] | None  # the unit after it and where the unit ends

    @property
    def prev(self) -> str:
        return self.t[self.i - 1] if self.i > 0 else ""


# "Not a figure" rules, each with its reason in its name.  Each returns where the
# scan goes on when the rule applies, None when it does not.


def _a_code(t: str, i: int, n: Bare) -> int | None:
    """043, 0755: a leading zero makes a code, not a figure."""
    return n.end if n.kind == "ar" and re.fullmatch(r"0\d+", n.text.split(".")[0]) else None


def _a_label_or_inside_a_word(t: str, i: int, n: Bare) -> int | None:
    """第3, *2, ×4, A380, v2.5: an ordinal, a product or part of a name (RMB100bn is money)."""
    prev = t[i - 1] if i > 0 else ""
    if prev in ("第", "*", "×"):
        return n.end
    glued = prev != "" and (prev.isascii() and prev.isalnum() or prev in "./")
    if n.kind == "ar" and glued and not currency_before(t, i)[0]:
        return n.end
    return None


def _a_date(s: _Span) -> int | None:
    """6月, 10日, 15号, 9时: days, months and hours (日元 is money)."""
    if s.t.startswith(("月", "日", "号", "时"), s.j) and not s.t.startswith("日元", s.j):
        return s.j + 1
    return None


def _a_year_with_unit(s: _Span) -> int | None:
    """2025年: a year, not a duration of 2025 years."""
    u = s.unit
    if u and u[0].canonical == "year" and not u[0].english and (_is_year(s.n) or s.n.value >= 1000):
        return u[1]
    return None


def _a_bare_year(s: _Span) -> int | None:
    """A lone 2023 with nothing that makes it an amount (no unit, 多, currency or noun)."""
    plain = s.n2 is None and s.n.mult == 1 and s.unit is None and s.more is None
    if _is_year(s.n) and plain and not currency_before(s.t, s.i)[0] and not count_noun(s.t, s.j):
        return s.j
    return None


def _spelled_without_unit(s: _Span) -> int | None:
    """Chinese numerals count only with a unit: 一方面, 三是, 十四五 are words."""
    return s.j if s.unit is None and s.n.kind == "cn" else None


def _one_as_article(s: _Span) -> int | None:
    """一个 / 一家: an article ("a park"), not a figure."""
    n, u = s.n, s.unit
    if (
        u
        and n.kind == "cn"
        and s.n2 is None
        and n.value == 1
        and n.mult == 1
        and u[0].kind == "count"
    ):
        return u[1]
    return None


def _a_model_name(s: _Span) -> int | None:
    """5G, 3D: a digit glued to Latin letters names a thing."""
    t, j = s.t, s.j
    alpha = j < len(t) and t[j].isascii() and t[j].isalpha()
    return j if s.unit is None and s.n.kind == "ar" and alpha and not s.n.mult_raw else None


def _a_ranking(s: _Span) -> int | None:
    """前五位 / 前10名: a ranking, not a number of people."""
    return (
        s.unit[1] if s.unit is not None and s.prev == "前" and s.unit[0].canonical == "人" else None
    )


def _a_rank_move(s: _Span) -> int | None:
    """排名上升1位 / 下降2名: places moved in a ranking, not people."""
    u = s.unit
    moved = re.search(
        r"(?:上升|下降|提升|前移|后移|跃升|攀升|下滑|前进|后退)了?\s*$", s.t[max(0, s.i - 4) : s.i]
    )
    return u[1] if u and u[0].written in ("位", "名") and moved else None


_RANK_MOVE = re.compile(
    r"(?:排名|位次|名次|排位)[^，。；,;\d]{0,4}?(上升|提升|前移|跃升|攀升|前进|下降|后移|下滑|后退)了?\s*"
    r"(\d+|[一二两三四五六七八九十]+)\s*(位|名)"
)
_DOWN = ("下降", "后移", "下滑", "后退")


def rank_moves(t: str) -> list[Quantity]:
    """排名上升1位 / 名次下降2名: places moved in a ranking, a figure of its own (unit
    rank_up / rank_down), neither a number of people nor a place in the ranking."""
    out = []
    for m in _RANK_MOVE.finditer(t):
        value = float(m.group(2)) if m.group(2).isdigit() else cn_to_number(m.group(2))
        if value:
            unit = "rank_down" if m.group(1) in _DOWN else "rank_up"
            out.append(finish(t, m.start(2), m.end(), m.group(2), value, unit, None, None, m.group(3)))
    return out


_NOT_BARE: tuple[Callable[[str, int, Bare], int | None], ...] = (_a_code, _a_label_or_inside_a_word)
_NOT_A_FIGURE: tuple[Callable[[_Span], int | None], ...] = (
    _a_date,
    _a_year_with_unit,
    _a_bare_year,
    _spelled_without_unit,
    _one_as_article,
    _a_model_name,
    _a_ranking,
    _a_rank_move,
)


def _percent_prefix(t: str, i: int) -> _Hit:
    """百分之十五: the percent sign written before the number."""
    n = read_number(t, i + 3)
    if n is None:
        return _Hit(None, i + 3)
    span = _Span(t, i, n, None, "", n.end, None, (lexicon().by_code["%"], n.end))
    return _Hit(_make(span, "百分之"), n.end)


def _fraction(t: str, i: int, n: Bare) -> Quantity | None:
    """1/7 and 七分之一: ratios, whose value is the quotient."""
    j = n.end
    fm = re.match(r"/(\d+)(?![\d/])", t[j:]) if n.kind == "ar" and not n.mult_raw else None
    if fm and not re.match(r"\d", t[j + fm.end() : j + fm.end() + 1]):
        den = float(fm.group(1))
        if 0 < n.value < den:
            end = j + fm.end()
            return finish(
                t, i, end, n.text + "/" + fm.group(1), n.value / den, "ratio", None, None, ""
            )
    if t.startswith("分之", j):
        n2 = read_number(t, j + 2)
        if n2 is not None and n2.mult == 1 and n.mult == 1 and n.value > 0:
            raw_num = f"{n2.text}/{n.text}" if n.kind == "ar" else t[i : n2.end]
            return finish(t, i, n2.end, raw_num, n2.value / n.value, "ratio", None, None, "")
    return None


def _range_end(t: str, n: Bare) -> tuple[Bare | None, str, int | None]:
    """3-5家, 三至五家, 10%-15%, 1亿-2亿元, 3 to 5: (upper end, separator, skip).

    A year range (2023-2025) is no quantity: skip says where the scan goes on."""
    first_unit = match_unit(t, n.end) if n.mult == 1 else None
    k = first_unit[1] if first_unit and first_unit[0].kind == "percent" else n.end
    rm = _RANGE_SEP.match(t, k)
    if not rm:
        return None, "", None
    cand = read_number(t, rm.end())
    if cand is None or cand.kind != n.kind or cand.value <= n.value:
        return None, "", None
    if _is_year(n) and _is_year(cand):
        return None, "", cand.end
    return cand, rm.group(), None


def _span(t: str, i: int, n: Bare, n2: Bare | None, sep: str) -> _Span:
    """Read 多/余, a late multiplier (100多亿元) and the unit after the number(s)."""
    last = n2 or n
    j = last.end
    more = _MORE.match(t, j)
    qual_more = None
    if more and not EN_MULT_RE.match(t, j):
        qual_more, j = "over", more.end()
        if last.mult == 1 and (zm := zh_multiplier(t, j)):  # 100多亿元
            last.mult, last.mult_raw, j = zm
            if n2 is not None:
                n.mult = last.mult
    if n2 is not None and n.mult == 1 and n2.mult != 1:
        n.mult = n2.mult  # 1-2亿元: the multiplier applies to both ends
    um = match_unit(t, j)
    if um is None and last.mult_raw and re.match(r"-[A-Za-z]", t[j : j + 2]):
        um = match_unit(t, j + 1)  # a 100-billion-yuan industry
    return _Span(t, i, n, n2, sep, j, qual_more, um)


def _graded(s: _Span) -> Quantity | None:
    """千亿级产业集群: a cluster of about CNY 100 billion (the yuan is implied)."""
    n, t, j = s.n, s.t, s.j
    if (
        s.unit is None
        and n.kind == "cn"
        and s.n2 is None
        and n.mult >= 1e8
        and t.startswith("级", j)
    ):
        unit_raw = t[n.start + len(n.text) : j + 1]  # 亿级, as written
        graded = replace(s, j=j + 1, more="approx", unit=(lexicon().by_code["CNY"], j + 1))
        return _make(graded, unit_raw)
    return None


def _parse_at(t: str, i: int) -> _Hit:
    """Try to read one quantity starting at i; on failure say how far to skip."""
    if t.startswith("百分之", i):
        return _percent_prefix(t, i)
    n = read_number(t, i)
    if n is None:
        return _Hit(None, i + 1)
    for bare_rule in _NOT_BARE:
        if (skip := bare_rule(t, i, n)) is not None:
            return _Hit(None, skip)
    if (ratio := _fraction(t, i, n)) is not None:
        return _Hit(ratio, ratio.end)
    n2, sep, skip = _range_end(t, n)
    if skip is not None:
        return _Hit(None, skip)
    span = _span(t, i, n, n2, sep)
    if (graded := _graded(span)) is not None:
        return _Hit(graded, graded.end)
    for rule in _NOT_A_FIGURE:
        if (skip := rule(span)) is not None:
            return _Hit(None, skip)
    last = n2 or n
    end = span.unit[1] if span.unit else span.j
    unit_raw = re.sub(r"^[多余]", "", t[last.start + len(last.text) : end].strip()).strip()
    q = _make(span, unit_raw)
    return _Hit(q, q.end)


def _make(s: _Span, unit_raw: str) -> Quantity:
    """The quantity of a span: value in base units, currency prefix and qualifiers read."""
    t, n, n2 = s.t, s.n, s.n2
    unit = s.unit[0] if s.unit else None
    end = s.unit[1] if s.unit else s.j
    factor = unit.factor if unit else 1.0
    code = unit.canonical if unit else ""
    cur, cstart = currency_before(t, s.i)
    if cur and unit is None:
        code = cur
    if not (cur and (unit is None or unit.kind == "money")):
        cstart = s.i
    if unit is None and cur is None and n.kind != "cn" and count_noun(t, end):
        code = count_noun(t, end) or ""
    low = n.value * n.mult * factor
    high = n2.value * n2.mult * factor if n2 else None
    number = n.text if n2 is None else n.text + s.sep + n2.text
    return finish(t, cstart, end, number, low, code, low if n2 else None, high, unit_raw, s.more)


def _masked(t: str) -> str:
    return _MASKS.sub(lambda m: "\x00" * len(m.group()), t)


# ------------------------------------------------------------ numbers as words


# Texts the parse caches keep.  Why this many: a build parses about 11 distinct texts per
# article (sentences, excerpts, figures) and reads them again stage after stage (summaries,
# then comparison, then rendering); a cache smaller than the corpus' texts forgets the first
# articles' before the comparison reads them again, so the misses grew faster than the
# articles (8,192: 17,149 misses at 1,000 articles, 47,847 at 2,000; 21,870 when every text
# is kept).  131,072 holds some 12,000 articles' texts; an entry (both caches) takes about
# 1.3 KB besides its text, so some 70 MB at 5,000 articles and under 200 MB when full.
PARSE_CACHE_TEXTS = 1 << 17


@lru_cache(maxsize=PARSE_CACHE_TEXTS)
def _scan(text: str) -> tuple[Quantity, ...]:
    """Every quantity of one text, computed once: facts, the extractive engine and the
    verifier read the same sentences again and again (issue 17: 90% of the calls)."""
    t = _masked(normalise(text))
    out: list[Quantity] = []
    pos = 0
    while True:
        m = _START.search(t, pos)
        if not m:
            break
        hit = _parse_at(t, m.start())
        if hit.q is not None:
            q = hit.q
            if out and q.start < out[-1].end:  # qualifier reached back into the previous one
                q = replace(q, start=out[-1].end)
            out.append(replace(q, raw=text[q.start : q.end]))
        pos = max(hit.end, m.start() + 1)
    # "one in three" is one ratio and "10-fold" one multiple, not the bare numbers inside
    words = en_fractions(t) + multiples(t) + halves(t) + tops(t) + ranks(t) + rank_moves(t)
    if words:
        out = [q for q in out if not any(f.start < q.end and q.start < f.end for f in words)]
        out += [replace(q, raw=text[q.start : q.end]) for q in words]
        out.sort(key=lambda q: q.start)
    return tuple(out)


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text`` in reading order; offsets refer to ``text``.

    A fresh list each call (the quantities themselves are frozen), so a caller that
    filters or sorts it in place cannot change what the next caller sees."""
    return list(_scan(text))


def parse_cache_info() -> tuple[int, int]:
    """(hits, misses) of the by-text parse cache, for benchmarks and tests."""
    info = _scan.cache_info()
    return info.hits, info.misses


def parse_quantity(s: str) -> Quantity | None:
    """The single quantity written in ``s`` (the first one if several)."""
    found = find_quantities(s)
    return found[0] if found else None


_YEAR_RE = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?=\s*(?:年|[-–—~至到]\s*(?:19|20)\d{2}\s*年))")
_YEAR_EN = re.compile(r"(?<![\d.,$¥])\b((?:19|20)\d{2})\b(?!\d|[.,]\d|\s*(?:%|亿|万|元|家|个|人))")


def find_years(text: str) -> list[tuple[int, int, int]]:
    """Years written in the text: (year, start, end).  ``2023—2025年`` gives both."""
    return list(_years_of(text))


@lru_cache(maxsize=PARSE_CACHE_TEXTS)
def _years_of(text: str) -> tuple[tuple[int, int, int], ...]:
    t = normalise(text)
    seen: dict[int, tuple[int, int, int]] = {}
    for m in _YEAR_RE.finditer(t):
        seen[m.start()] = (int(m.group(1)), m.start(1), m.end(1))
    for m in re.finditer(r"(?<![\d.])((?:19|20)\d{2})\s*[-–—~至到]\s*((?:19|20)\d{2})\s*年", t):
        seen.setdefault(m.start(2), (int(m.group(2)), m.start(2), m.end(2)))
    for m in _YEAR_EN.finditer(t):
        if not re.search(r"[\u4e00-\u9fff]", t[m.end() : m.end() + 1]) or t.startswith(
            "年", m.end()
        ):
            seen.setdefault(m.start(1), (int(m.group(1)), m.start(1), m.end(1)))
    return tuple(seen[k] for k in sorted(seen))


def quantity_in_text(q: Quantity, text: str) -> bool:
    """Is this quantity stated in ``text`` (any spelling, zh or en)?"""
    return any(same_quantity(q, other) for other in _scan(text))
