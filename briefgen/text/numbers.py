"""One number parser for fact extraction AND model-output verification.

Both uses must agree on what "the same number" means, so there is exactly one
place that reads ``462.2亿元``, ``约44平方公里``, ``1/7``, ``3-5家``,
``百分之十五``, ``CNY 46.22 billion`` or ``44 km²`` and normalises them to a
:class:`~briefgen.core.types.Quantity` (value in base units + canonical unit).

Years and dates are not quantities (``2025年`` is a year, ``6月10日`` a date);
:func:`find_years` reports years separately because facts need them.  Units,
qualifiers, currency prefixes and English count nouns are data files in
``briefgen/data/lexicons/`` so they can be extended without code changes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from briefgen.core.paths import DATA_DIR
from briefgen.core.types import Quantity

LEXICONS = DATA_DIR / "lexicons"

# ------------------------------------------------------------------ lexicons


@dataclass(frozen=True)
class Unit:
    written: str
    canonical: str
    kind: str
    factor: float
    fact: bool
    en: str  # English noun, "" when the number stands alone
    english: bool  # written in Latin letters: matched case-insensitively as a whole word


def _rows(name: str) -> list[list[str]]:
    rows = []
    for line in (LEXICONS / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows


@dataclass(frozen=True)
class _Lexicon:
    zh_units: tuple[Unit, ...]  # longest first
    en_units: tuple[Unit, ...]
    by_code: dict[str, Unit]
    currency_prefixes: tuple[tuple[str, str], ...]
    count_nouns: dict[str, str]
    before: tuple[tuple[str, str], ...]  # (written, code), longest first
    after: tuple[tuple[str, str], ...]


@lru_cache(maxsize=1)
def _lex() -> _Lexicon:
    units = []
    for r in _rows("units.tsv"):
        written, canonical, kind, factor, fact, en = (r + [""] * 6)[:6]
        english = not re.search(r"[\u3400-\u9fff%]", written)
        units.append(
            Unit(
                written,
                canonical,
                kind,
                float(factor),
                fact == "yes",
                "" if en == "-" else en,
                english,
            )
        )
    units.sort(key=lambda u: -len(u.written))
    by_code: dict[str, Unit] = {}
    for u in sorted(units, key=lambda u: len(u.written)):
        if not u.english and u.factor == 1:
            by_code.setdefault(u.canonical, u)
    for u in units:
        by_code.setdefault(u.canonical, u)
    prefixes = sorted(
        ((r[0], r[1]) for r in _rows("currency_prefixes.tsv")), key=lambda p: -len(p[0])
    )
    nouns = {r[0].lower(): r[1] for r in _rows("count_nouns.tsv")}
    quals = _rows("qualifiers.tsv")
    before = sorted(((q[0], q[1]) for q in quals if q[2] == "before"), key=lambda p: -len(p[0]))
    after = sorted(((q[0], q[1]) for q in quals if q[2] == "after"), key=lambda p: -len(p[0]))
    return _Lexicon(
        tuple(u for u in units if not u.english),
        tuple(u for u in units if u.english),
        by_code,
        tuple(prefixes),
        nouns,
        tuple(before),
        tuple(after),
    )


def unit_info(code: str) -> Unit | None:
    """The lexicon entry for a canonical unit code ("CNY", "km2", "家", ...)."""
    return _lex().by_code.get(code)


def is_fact_unit(code: str) -> bool:
    """True when a number with this canonical unit is worth a key-facts row."""
    if code == "ratio":
        return True
    u = unit_info(code)
    return bool(u and u.fact)


# ------------------------------------------------------------- normalisation

# One character in, one character out, so offsets stay valid.
_WIDE = {chr(0xFF10 + i): str(i) for i in range(10)}
_WIDE.update({"．": ".", "％": "%", "／": "/", "－": "-", "～": "~", "﹪": "%", "〜": "~"})
_TRANS = str.maketrans(_WIDE)

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10**4, "亿": 10**8}
_EN_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_EN_MULT = {
    "hundred million": 1e8, "ten thousand": 1e4, "thousand": 1e3, "million": 1e6,
    "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mn": 1e6,
}  # fmt: skip
_ZH_MULT = {"万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "千万": 1e7, "百万": 1e6, "十万": 1e5,
            "亿": 1e8, "万": 1e4, "千": 1e3, "百": 1e2}  # fmt: skip

_AR = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN = r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
_EN = (
    r"(?:"
    + "|".join(sorted(_EN_WORDS, key=len, reverse=True))
    + r")(?:-(?:one|two|three|four|five|six|seven|eight|nine))?"
)
_AR_RE = re.compile(_AR)
_CN_RE = re.compile(_CN)
_EN_RE = re.compile(r"\b" + _EN + r"\b", re.I)
_START = re.compile(r"百分之|[0-9零〇一二两三四五六七八九十百千万亿]|\b(?:" + _EN + r")\b", re.I)
_RANGE_SEP = re.compile(r"\s*(?:-|–|—|~|至|到)\s*|\s+to\s+", re.I)
_ZH_MULT_RE = re.compile("|".join(sorted(_ZH_MULT, key=len, reverse=True)))
_EN_MULT_RE = re.compile(
    r"(?:\s*|-)(?:" + "|".join(sorted(_EN_MULT, key=len, reverse=True)) + r")\b", re.I
)
_MORE = re.compile(r"[多余]")

# Spans that look numeric but are not quantities: dates, times, phone numbers, codes.
_MASKS = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"  # 2022-08-28
    r"|\d{1,2}:\d{2}(?::\d{2})?"  # 10:30
    r"|\d{3,4}-\d{7,8}|\d{3,4}-\d{4}\s\d{4}|1[3-9]\d{9}"  # phones
    r"|[A-Za-z]+[-_]\d+[A-Za-z\d]*"  # COVID-19, H-1
    r"|〔\d{4}〕\d+号|\[\d{4}\]\d+号"  # document numbers
)


def normalise(text: str) -> str:
    """Full-width digits and signs to ASCII, keeping every offset unchanged."""
    return text.translate(_TRANS)


def cn_to_number(s: str) -> float | None:
    """Value of a Chinese numeral: 十七 -> 17, 两千 -> 2000, 一百亿 -> 1e10, 十五点五 -> 15.5."""
    if not s:
        return None
    whole, _, frac = s.partition("点")
    total = 0
    section = 0
    digit: int | None = None
    for ch in whole:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch] if digit is None else digit * 10 + _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (1 if digit is None else digit) * _CN_SMALL[ch]
            digit = None
        elif ch in _CN_BIG:
            part = section + (digit or 0)
            if part == 0 and total == 0:
                part = 1
            if ch == "亿":
                total = (total + part) * _CN_BIG[ch]
            else:
                total += part * _CN_BIG[ch]
            section, digit = 0, None
        else:
            return None
    value: float = total + section + (digit or 0)
    if frac:
        if any(c not in _CN_DIGITS for c in frac):
            return None
        value += float("0." + "".join(str(_CN_DIGITS[c]) for c in frac))
    return value


def _num(s: str) -> float | None:
    """Value of one written number (arabic, Chinese numeral, English word, fraction)."""
    s = s.strip()
    if "/" in s:
        a, _, b = s.partition("/")
        na, nb = _num(a), _num(b)
        return na / nb if na is not None and nb else None
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", s):
        return float(s.replace(",", ""))
    low = s.lower()
    if low in _EN_WORDS:
        return float(_EN_WORDS[low])
    if "-" in low:
        a, _, b = low.partition("-")
        if a in _EN_WORDS and b in _EN_WORDS:
            return float(_EN_WORDS[a] + _EN_WORDS[b])
    return cn_to_number(s)


def _decimals(s: str) -> int:
    m = re.search(r"\.(\d+)", s)
    return len(m.group(1)) if m else 0


# ------------------------------------------------------------------- scanning


@dataclass
class _Num:
    text: str
    value: float
    start: int
    end: int
    kind: str  # "ar" | "cn" | "en"
    mult: float = 1.0
    mult_raw: str = ""


def _read_number(t: str, i: int) -> _Num | None:
    """The bare number starting at i (with a trailing 万/亿/billion multiplier)."""
    m = _AR_RE.match(t, i)
    if m:
        n = _Num(m.group(), float(m.group().replace(",", "")), i, m.end(), "ar")
        mm = _ZH_MULT_RE.match(t, n.end)
        if mm and not any(t.startswith(u.written, n.end) for u in _lex().zh_units):
            n.mult, n.mult_raw, n.end = _ZH_MULT[mm.group()], mm.group(), mm.end()
        else:
            em = _EN_MULT_RE.match(t, n.end)
            if em:
                n.mult, n.mult_raw, n.end = (
                    _EN_MULT[em.group().strip(" -\t").lower()],
                    em.group(),
                    em.end(),
                )
        return n
    m = _CN_RE.match(t, i)
    if m:
        s = m.group()
        # Trailing 万 / 亿 are multipliers so that unit_raw reads "亿元" as written.
        k = len(s)
        while k > 0 and s[k - 1] in "万亿" and "点" not in s[k - 1 :]:
            k -= 1
        head, tail = s[:k], s[k:]
        if not head:  # 万人, 亿元: a bare multiplier means one of it
            if len(tail) > 1:
                head, tail = tail[0], tail[1:]
            else:
                head, tail = tail, ""
        v = cn_to_number(head)
        if v is None:
            return None
        mult = 1.0
        for ch in tail:
            mult *= _CN_BIG[ch]
        return _Num(head, v, i, m.end(), "cn", mult, tail)
    m = _EN_RE.match(t, i)
    if m and not re.match(r"-[A-Za-z]", t[m.end() : m.end() + 2]):  # three-year: an adjective
        v = _num(m.group())
        if v is None:
            return None
        n = _Num(m.group(), v, i, m.end(), "en")
        em = _EN_MULT_RE.match(t, n.end)
        if em:
            n.mult, n.mult_raw, n.end = _EN_MULT[em.group().strip(" -\t").lower()], em.group(), em.end()
        return n
    return None


def _match_unit(t: str, i: int) -> tuple[Unit, int] | None:
    lex = _lex()
    for u in lex.zh_units:
        if t.startswith(u.written, i):
            return u, i + len(u.written)
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


def _count_noun(t: str, i: int) -> str | None:
    m = re.match(r"\s+(?:[A-Za-z-]+\s+){0,2}?([A-Za-z]+)\b", t[i:])
    if not m:
        return None
    first = re.match(r"\s+([A-Za-z]+)", t[i:])
    for word in {first.group(1) if first else "", m.group(1)}:
        if word.lower() in _lex().count_nouns:
            return _lex().count_nouns[word.lower()]
    return None


def _qual_before(t: str, start: int) -> tuple[str | None, int]:
    for written, code in _lex().before:
        if written.isascii():
            m = re.search(r"\b" + re.escape(written) + r"\s+$", t[max(0, start - 40) : start], re.I)
            if m:
                return code, start - (len(t[max(0, start - 40) : start]) - m.start())
        elif t.endswith(written, 0, start):
            return code, start - len(written)
    return None, start


def _qual_after(t: str, end: int) -> tuple[str | None, int]:
    for written, code in _lex().after:
        if written in ("多", "余"):
            continue  # only between number and unit
        if written.isascii():
            m = re.match(r"\s+" + re.escape(written) + r"\b", t[end:], re.I)
            if m:
                return code, end + m.end()
        elif t.startswith(written, end):
            return code, end + len(written)
    return None, end


def _currency_before(t: str, start: int) -> tuple[str | None, int]:
    for written, code in _lex().currency_prefixes:
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


def _is_year(n: _Num) -> bool:
    return n.kind == "ar" and re.fullmatch(r"\d{4}", n.text) is not None and 1900 <= n.value <= 2100


@dataclass
class _Hit:
    q: Quantity | None
    end: int


def _parse_at(t: str, i: int) -> _Hit:  # noqa: C901  (issue 11: rules as named predicates)
    """Try to read one quantity starting at i; on failure say how far to skip."""
    if t.startswith("百分之", i):
        n = _read_number(t, i + 3)
        if n is None:
            return _Hit(None, i + 3)
        return _Hit(
            _make(t, i, n, None, _lex().by_code["%"], n.end, "百分之", percent_prefix=True), n.end
        )
    n = _read_number(t, i)
    if n is None:
        return _Hit(None, i + 1)
    prev = t[i - 1] if i > 0 else ""
    if n.kind == "ar" and re.fullmatch(r"0\d+", n.text.split(".")[0]):
        return _Hit(None, n.end)  # 043, 0755: codes, not figures
    if prev in ("第", "*", "×") or (
        n.kind == "ar"
        and (prev != "" and (prev.isascii() and prev.isalnum() or prev in "./"))
        and not _currency_before(t, i)[0]  # RMB100bn
    ):
        return _Hit(None, n.end)
    j = n.end
    # Fractions: 1/7, 七分之一.
    fm = re.match(r"/(\d+)(?![\d/])", t[j:]) if n.kind == "ar" and not n.mult_raw else None
    if fm and not re.match(r"\d", t[j + fm.end() : j + fm.end() + 1]):
        den = float(fm.group(1))
        if 0 < n.value < den:
            end = j + fm.end()
            raw_num = n.text + "/" + fm.group(1)
            q = _finish(t, i, end, raw_num, n.value / den, "ratio", None, None, "")
            return _Hit(q, q.end)
    if t.startswith("分之", j):
        n2 = _read_number(t, j + 2)
        if n2 is not None and n2.mult == 1 and n.mult == 1 and n.value > 0:
            end = n2.end
            raw_num = f"{n2.text}/{n.text}" if n.kind == "ar" else t[i:end]
            q = _finish(t, i, end, raw_num, n2.value / n.value, "ratio", None, None, "")
            return _Hit(q, q.end)
    # Ranges: 3-5家, 3～5家, 三至五家, 10%-15%, 1亿-2亿元, 3 to 5.
    first_unit = _match_unit(t, j) if n.mult == 1 else None
    k = first_unit[1] if first_unit and first_unit[0].kind == "percent" else j
    n2 = None
    rm = _RANGE_SEP.match(t, k)
    if rm:
        cand = _read_number(t, rm.end())
        if cand is not None and cand.kind == n.kind and cand.value > n.value:
            if not (_is_year(n) and _is_year(cand)):
                n2 = cand
            else:
                return _Hit(None, cand.end)
    last = n2 or n
    j = last.end
    more = _MORE.match(t, j)
    qual_more = None
    if more and not _EN_MULT_RE.match(t, j):
        qual_more, j = "over", more.end()
        if last.mult == 1:  # 100多亿元
            mm = _ZH_MULT_RE.match(t, j)
            if mm and not any(t.startswith(u.written, j) for u in _lex().zh_units):
                last.mult, last.mult_raw, j = _ZH_MULT[mm.group()], mm.group(), mm.end()
                if n2 is not None:
                    n.mult = last.mult
    if n2 is not None and n.mult == 1 and n2.mult != 1:
        n.mult = n2.mult  # 1-2亿元: the multiplier applies to both ends
    um = _match_unit(t, j)
    if um is None and last.mult_raw and re.match(r"-[A-Za-z]", t[j : j + 2]):
        um = _match_unit(t, j + 1)  # a 100-billion-yuan industry
    # Years and dates are not quantities.
    if t.startswith(("月", "日", "号", "时"), j) and not t.startswith("日元", j):
        return _Hit(None, j + 1)
    if um and um[0].canonical == "year" and not um[0].english and (_is_year(n) or n.value >= 1000):
        return _Hit(None, um[1])
    if (
        _is_year(n) and n2 is None and n.mult == 1 and um is None and qual_more is None
        and not _currency_before(t, i)[0] and not _count_noun(t, j)
    ):  # fmt: skip
        return _Hit(None, j)
    if um is None and n.kind == "cn" and n2 is None and n.mult >= 1e8 and t.startswith("级", j):
        # 千亿级产业集群: a cluster of about CNY 100 billion (the yuan is implied)
        unit_raw = t[n.start + len(n.text) : j + 1]  # 亿级, as written
        q = _make(t, i, n, None, _lex().by_code.get("CNY"), j + 1, unit_raw, qual="approx")
        return _Hit(q, q.end)
    if um is None and n.kind == "cn":
        return _Hit(None, j)  # Chinese numerals count only with a unit
    if (
        um is not None
        and n.kind == "cn"
        and n2 is None
        and n.value == 1
        and n.mult == 1
        and um[0].kind == "count"
    ):
        return _Hit(None, um[1])  # 一个 / 一家: an article, not a figure
    if (
        um is None
        and n.kind == "ar"
        and j < len(t)
        and t[j].isascii()
        and t[j].isalpha()
        and not n.mult_raw
    ):
        return _Hit(None, j)  # 5G, 3D
    if um is not None and prev == "前" and um[0].canonical == "人":
        return _Hit(None, um[1])  # 前五位 / 前10名: a ranking, not people
    unit = um[0] if um else None
    end = um[1] if um else j
    unit_raw = re.sub(r"^[多余]", "", t[last.start + len(last.text) : end].strip()).strip()
    sep = rm.group() if (rm and n2 is not None) else ""
    q = _make(t, i, n, n2, unit, end, unit_raw, qual=qual_more, sep=sep)
    return _Hit(q, q.end)


def _make(
    t: str, i: int, n: _Num, n2: _Num | None, unit: Unit | None, end: int, unit_raw: str,
    *, qual: str | None = None, percent_prefix: bool = False, sep: str = "",
) -> Quantity:  # fmt: skip
    factor = unit.factor if unit else 1.0
    code = unit.canonical if unit else ""
    cur, cstart = _currency_before(t, i)
    if cur and (unit is None or unit.kind == "money"):
        code = cur if unit is None else code
    elif cur is None:
        cstart = i
    else:
        cstart = i
    if unit is None and cur is None and n.kind != "cn" and _count_noun(t, end):
        code = _count_noun(t, end) or ""
    low = n.value * n.mult * factor
    high = n2.value * n2.mult * factor if n2 else None
    number = n.text if n2 is None else n.text + sep + n2.text
    if percent_prefix:
        unit_raw = "百分之"
    return _finish(t, cstart, end, number, low, code, low if n2 else None, high, unit_raw, qual)


def _finish(
    t: str, start: int, end: int, number: str, value: float, unit: str,
    low: float | None, high: float | None, unit_raw: str, qual: str | None = None,
) -> Quantity:  # fmt: skip
    q1, s = _qual_before(t, start)
    if q1 is None:  # "over CNY 100 billion": the qualifier sits before the currency
        cur, cs = _currency_before(t, start)
        if cur and cs < start:
            q1, s = _qual_before(t, cs)
    q2, e = _qual_after(t, end)
    qualifier = q1 or qual or q2
    return Quantity(
        raw=t[s:e], value=value, unit=unit, low=low, high=high, qualifier=qualifier,
        start=s, end=e, number=number, unit_raw=unit_raw,
    )  # fmt: skip


def _masked(t: str) -> str:
    return _MASKS.sub(lambda m: "\x00" * len(m.group()), t)


_EN_ORD = {
    "half": 2, "halves": 2, "third": 3, "quarter": 4, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
_EN_FRACTION = re.compile(
    r"\b(a|an|one|two|three|four|five)[\s-](half|halves|thirds?|quarters?|fourths?|fifths?"
    r"|sixths?|sevenths?|eighths?|ninths?|tenths?)\b"
    r"|\b(one|two|three)\s+(?:in|out\s+of)\s+(two|three|four|five|six|seven|eight|nine|ten)\b",
    re.I,
)


def _en_count(word: str) -> int:
    """The numerator or denominator word of an English fraction (a/an/one = 1)."""
    word = word.lower()
    return 1 if word in ("a", "an", "one") else _EN_WORDS[word]


def _en_fractions(t: str) -> list[Quantity]:
    """one-seventh, a third, two-thirds, one in five: the same ratios as 1/7, 三分之一."""
    out = []
    for m in _EN_FRACTION.finditer(t):
        if m.group(1):
            word = m.group(2).lower()
            word = "half" if word == "halves" else word.removesuffix("s")
            num, den = _en_count(m.group(1)), _EN_ORD[word]
        else:
            num, den = _en_count(m.group(3)), _en_count(m.group(4))
        if 0 < num < den:
            out.append(_finish(t, m.start(), m.end(), f"{num}/{den}", num / den, "ratio", None, None, ""))
    return out


_MULTIPLE = re.compile(
    r"翻(?:了)?(一|两|三)?番|倍增|(?:(?<=增长|增加|提高|提升|扩大)|(?<=增长了|增加了|提高了|提升了|扩大了))[一1]倍"
    # the verb only: "double first-class", "double carbon", "double-digit" are not multiples
    r"|\b(doubl|tripl|quadrupl)(?:es|ed|ing)\b"
    r"|\b(?:to|will|would|could|can|may|should) (doubl|tripl|quadrupl)e\b"
    r"|\b(doubl|tripl|quadrupl)e(?= (?:the|its|their|in|by|from|to|within|over)\b)"
    r"|\b(\d+(?:\.\d+)?|two|three|four|five|six|seven|eight|nine|ten|twenty)[\s-]?fold\b",
    re.I,
)
_MULT_WORD = {"doubl": 2, "tripl": 3, "quadrupl": 4, "一": 2, "两": 4, "三": 8, None: 2}


def _multiples(t: str) -> list[Quantity]:
    """翻番, 倍增, 增长一倍, doubled, tenfold, 10-fold: multiples written as words, read as
    2倍, 10倍 … (增长一倍 "grew by one times" is a doubling, not 1倍).

    Without them a claim "output doubled" carries no number to check, and "10-fold"
    reads as a bare 10 that no 10倍 in the source matches.
    """
    out = []
    for m in _MULTIPLE.finditer(t):
        verb = m.group(2) or m.group(3) or m.group(4)
        if m.group(5):
            word = m.group(5).lower()
            value = float(word) if word[0].isdigit() else float(_EN_WORDS[word])
        else:
            value = float(_MULT_WORD[verb.lower() if verb else m.group(1)])
        number = f"{value:g}"
        start = m.start(3) if m.group(3) else m.start()  # "to double": the verb alone
        out.append(_finish(t, start, m.end(), number, value, "x", None, None, "倍"))
    return out


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text`` in reading order; offsets refer to ``text``."""
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
                q = Quantity(**{**q.__dict__, "start": out[-1].end, "raw": t[out[-1].end : q.end]})
            out.append(Quantity(**{**q.__dict__, "raw": text[q.start : q.end]}))
        pos = max(hit.end, m.start() + 1)
    # "one in three" is one ratio and "10-fold" one multiple, not the bare numbers inside
    words = _en_fractions(t) + _multiples(t)
    if words:
        out = [q for q in out if not any(f.start < q.end and q.start < f.end for f in words)]
        out += [Quantity(**{**q.__dict__, "raw": text[q.start : q.end]}) for q in words]
        out.sort(key=lambda q: q.start)
    return out


def parse_quantity(s: str) -> Quantity | None:
    """The single quantity written in ``s`` (the first one if several)."""
    found = find_quantities(s)
    return found[0] if found else None


_YEAR_RE = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?=\s*(?:年|[-–—~至到]\s*(?:19|20)\d{2}\s*年))")
_YEAR_EN = re.compile(r"(?<![\d.,$¥])\b((?:19|20)\d{2})\b(?![\d.,]|\s*(?:%|亿|万|元|家|个|人))")


def find_years(text: str) -> list[tuple[int, int, int]]:
    """Years written in the text: (year, start, end).  ``2023—2025年`` gives both."""
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
    return [seen[k] for k in sorted(seen)]


# ---------------------------------------------------------------- comparison

_COUNT_KINDS = {"count", ""}


def _kind(code: str) -> str:
    if code == "ratio":
        return "ratio"
    if code == "":
        return ""
    u = unit_info(code)
    return u.kind if u else code


_AREA_M2 = {"km2": 1e6, "m2": 1.0, "ha": 1e4, "mu": 10000 / 15}


def _precision(q: Quantity) -> float:
    """Half of this is how far a value may be off and still be the same written number."""
    if q.unit == "ratio":
        return 0.0
    first = re.split(r"\s*(?:-|–|—|~|至|到|\bto\b)\s*", q.number)[0]
    base = _num(first)
    d = _decimals(first)
    lo = q.low if q.low is not None else q.value
    factor = lo / base if base else 1.0
    return (10.0**-d) * abs(factor)


def _comparable(a: Quantity, b: Quantity) -> tuple[float, float] | None:
    """Scale factors that bring a and b to one unit, or None if they measure different things."""
    ka, kb = _kind(a.unit), _kind(b.unit)
    if a.unit == b.unit:
        return 1.0, 1.0
    if ka in _COUNT_KINDS and kb in _COUNT_KINDS:
        return 1.0, 1.0
    if (ka == "" and kb == "money") or (ka == "money" and kb == ""):
        return 1.0, 1.0
    if ka == kb == "area":
        return _AREA_M2[a.unit], _AREA_M2[b.unit]
    return None


def same_quantity(a: Quantity, b: Quantity) -> bool:
    """Same unit (after conversion) and equal within the rounding of the less precise spelling."""
    scale = _comparable(a, b)
    if scale is None:
        return False
    sa, sb = scale
    if (a.high is None) != (b.high is None):
        return False
    tol = max(_precision(a) * sa, _precision(b) * sb) / 2
    if a.unit != b.unit and _kind(a.unit) == "area":  # mu/ha conversions are not exact
        tol = max(tol, 0.005 * max(abs(a.value * sa), abs(b.value * sb)))

    def close(x: float, y: float) -> bool:
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12) or abs(x - y) <= tol * (1 + 1e-9)

    lo_a = a.low if a.low is not None else a.value
    lo_b = b.low if b.low is not None else b.value
    if not close(lo_a * sa, lo_b * sb):
        return False
    if a.high is not None and b.high is not None:
        return close(a.high * sa, b.high * sb)
    return True


def quantity_in_text(q: Quantity, text: str) -> bool:
    """Is this quantity stated in ``text`` (any spelling, zh or en)?"""
    return any(same_quantity(q, other) for other in find_quantities(text))


# ------------------------------------------------------------------ English

_QUAL_EN = {
    "approx": "about",
    "over": "over",
    "nearly": "nearly",
    "at least": "at least",
    "at most": "up to",
}
_CUR_EN = {"CNY": "CNY", "USD": "USD", "EUR": "EUR", "HKD": "HKD", "JPY": "JPY"}
_AREA_EN = {"km2": "km²", "m2": "m²", "mu": "mu", "ha": "ha", "km": "km"}


def _fmt_num(x: float, digits: int = 6) -> str:
    """Shortest plain spelling: 46.22, 120, 7,000 (no exponent, no float noise)."""
    r = round(x, digits)
    if r == int(r):
        return f"{int(r):,}"
    s = f"{r:,.{digits}f}".rstrip("0").rstrip(".")
    return s


def _fmt_scaled(lo: float, hi: float | None) -> str:
    top = max(abs(lo), abs(hi or 0))
    for size, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if top >= size:
            s = _fmt_num(lo / size)
            return (s + "-" + _fmt_num(hi / size) if hi is not None else s) + word
    s = _fmt_num(lo)
    return s + "-" + _fmt_num(hi) if hi is not None else s


def format_en(q: Quantity) -> str:
    """English for a quantity: "CNY 46.22 billion", "about 44 km²", "3-5", "15%", "1/7"."""
    qual = _QUAL_EN.get(q.qualifier or "", "")
    lo = q.low if q.low is not None else q.value
    hi = q.high
    kind = _kind(q.unit)
    if q.unit == "ratio":
        body = q.number if re.fullmatch(r"\d+/\d+", q.number) else _ratio_text(q.value)
    elif q.unit in _CUR_EN:
        body = f"{_CUR_EN[q.unit]} {_fmt_scaled(lo, hi)}"
    elif kind == "percent":
        body = f"{_fmt_num(lo)}%" + (f"-{_fmt_num(hi)}%" if hi is not None else "")
    elif kind == "pp":
        body = _fmt_scaled(lo, hi) + " percentage points"
    elif q.unit in _AREA_EN:
        body = f"{_fmt_scaled(lo, hi)} {_AREA_EN[q.unit]}"
    else:
        u = unit_info(q.unit)
        noun = u.en if u else ""
        if noun and lo == 1 and hi is None and noun.endswith("s"):
            noun = noun[:-1]
        body = _fmt_scaled(lo, hi) + (f" {noun}" if noun else "")
    return f"{qual} {body}".strip()


def _ratio_text(v: float) -> str:
    for den in range(2, 101):
        num = round(v * den)
        if num and abs(num / den - v) < 1e-9:
            return f"{num}/{den}"
    return _fmt_num(v, 4)
