"""Reading one bare number: arabic (1,200.5), Chinese (一百二十, 十五点五) or English words
(twenty-five), with a trailing multiplier (万, 亿, billion, bn).

Kept apart from the scanner in :mod:`briefgen.text.numbers` because these are
mechanics with no judgement in them: whether the number is a *figure* (and not a
year, a date, a rank or a code) is decided there, by named rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefgen.text.numlex import lexicon

# One character in, one character out, so offsets stay valid.
_WIDE = {chr(0xFF10 + i): str(i) for i in range(10)}
_WIDE.update({"．": ".", "％": "%", "／": "/", "－": "-", "～": "~", "﹪": "%", "〜": "~"})
_TRANS = str.maketrans(_WIDE)

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10**4, "亿": 10**8}
EN_WORDS = {
    "one": 1, "hundred": 100, "thousand": 1000,
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_EN_MULT = {
    "hundred million": 1e8, "hundred": 1e2, "ten thousand": 1e4, "thousand": 1e3, "million": 1e6,
    "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mn": 1e6,
}  # fmt: skip
ZH_MULT = {"万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "千万": 1e7, "百万": 1e6, "十万": 1e5,
           "亿": 1e8, "万": 1e4, "千": 1e3, "百": 1e2}  # fmt: skip

_AR = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN = r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
EN_NUMBER = (
    r"(?:"
    + "|".join(sorted(EN_WORDS, key=len, reverse=True))
    + r")(?:-(?:one|two|three|four|five|six|seven|eight|nine))?"
)
_AR_RE = re.compile(_AR)
_CN_RE = re.compile(_CN)
_EN_RE = re.compile(r"\b" + EN_NUMBER + r"\b", re.I)
ZH_MULT_RE = re.compile("|".join(sorted(ZH_MULT, key=len, reverse=True)))
EN_MULT_RE = re.compile(
    r"(?:\s*|-)(?:" + "|".join(sorted(_EN_MULT, key=len, reverse=True)) + r")\b", re.I
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
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch] if digit is None else digit * 10 + CN_DIGITS[ch]
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
        if any(c not in CN_DIGITS for c in frac):
            return None
        value += float("0." + "".join(str(CN_DIGITS[c]) for c in frac))
    return value


_PLAIN = re.compile(r"[\d,]+(?:\.\d+)?")
_FRACTION_DIGITS = re.compile(r"\.(\d+)")


def number_value(s: str) -> float | None:
    """Value of one written number (arabic, Chinese numeral, English word, fraction)."""
    s = s.strip()
    if "/" in s:
        a, _, b = s.partition("/")
        na, nb = number_value(a), number_value(b)
        return na / nb if na is not None and nb else None
    if _PLAIN.fullmatch(s):
        return float(s.replace(",", ""))
    low = s.lower()
    if low in EN_WORDS:
        return float(EN_WORDS[low])
    if "-" in low:
        a, _, b = low.partition("-")
        if a in EN_WORDS and b in EN_WORDS:
            return float(EN_WORDS[a] + EN_WORDS[b])
    return cn_to_number(s)


def decimals(s: str) -> int:
    """Digits written after the decimal point: how precise the spelling is."""
    m = _FRACTION_DIGITS.search(s)
    return len(m.group(1)) if m else 0


@dataclass
class Bare:
    """A number as written, before anything around it is read."""

    text: str
    value: float
    start: int
    end: int
    kind: str  # "ar" | "cn" | "en"
    mult: float = 1.0
    mult_raw: str = ""


def starts_unit(t: str, i: int) -> bool:
    """A Chinese unit starts at i (then 万/亿 there belong to it: 万元, 亿元 are units)."""
    return any(t.startswith(u.written, i) for u in lexicon().zh_units)


def zh_multiplier(t: str, i: int) -> tuple[float, str, int] | None:
    """A 万 / 亿 / 千亿 multiplier at i that is not the start of a unit (one space before it
    is allowed: pages typeset "超过800 亿元")."""
    if t.startswith(" ", i) and ZH_MULT_RE.match(t, i + 1):
        i += 1
    mm = ZH_MULT_RE.match(t, i)
    if mm and not starts_unit(t, i):
        return ZH_MULT[mm.group()], mm.group(), mm.end()
    return None


def _en_multiplier(n: Bare, t: str) -> None:
    em = EN_MULT_RE.match(t, n.end)
    if em:
        n.mult, n.mult_raw, n.end = _EN_MULT[em.group().strip(" -\t").lower()], em.group(), em.end()


def _read_arabic(t: str, i: int) -> Bare | None:
    m = _AR_RE.match(t, i)
    if not m:
        return None
    n = Bare(m.group(), float(m.group().replace(",", "")), i, m.end(), "ar")
    zm = zh_multiplier(t, n.end)
    if zm:
        n.mult, n.mult_raw, n.end = zm
    else:
        _en_multiplier(n, t)
    return n


def _read_chinese(t: str, i: int) -> Bare | None:
    m = _CN_RE.match(t, i)
    if not m:
        return None
    s = m.group()
    # Trailing 万 / 亿 are multipliers so that unit_raw reads "亿元" as written.
    k = len(s)
    while k > 0 and s[k - 1] in "万亿" and "点" not in s[k - 1 :]:
        k -= 1
    head, tail = s[:k], s[k:]
    if not head:  # 万人, 亿元: a bare multiplier means one of it
        head, tail = (tail[0], tail[1:]) if len(tail) > 1 else (tail, "")
    v = cn_to_number(head)
    if v is None:
        return None
    mult = 1.0
    for ch in tail:
        mult *= _CN_BIG[ch]
    return Bare(head, v, i, m.end(), "cn", mult, tail)


def _read_english(t: str, i: int) -> Bare | None:
    m = _EN_RE.match(t, i)
    if not m:
        return None
    if re.match(r"-[A-Za-z]", t[m.end() : m.end() + 2]) and not EN_MULT_RE.match(t, m.end()):
        return None  # three-year: an adjective (ten-billion-yuan is a number)
    v = number_value(m.group())
    if v is None:
        return None
    n = Bare(m.group(), v, i, m.end(), "en")
    _en_multiplier(n, t)
    return n


def read_number(t: str, i: int) -> Bare | None:
    """The bare number starting at i (with a trailing 万/亿/billion multiplier)."""
    if _AR_RE.match(t, i):
        return _read_arabic(t, i)
    if _CN_RE.match(t, i):
        return _read_chinese(t, i)
    return _read_english(t, i)
