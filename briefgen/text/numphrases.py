"""Numbers written as phrases rather than digits: one-seventh, a third, one in five,
翻番 / doubled / tenfold, 一半 / half, 前20位 / top 20.

Each reads both languages into the same quantity as its digit form (1/7, 2倍, 1/2,
"top" 20), so a claim's "nearly four-fifths" or "top three" can be checked
against 近八成 or 前三甲 in the source.
"""

from __future__ import annotations

import re

from briefgen.core.types import Quantity
from briefgen.text.numattach import finish
from briefgen.text.numwords import EN_NUMBER, EN_WORDS, cn_to_number

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
    return 1 if word in ("a", "an", "one") else EN_WORDS[word]


def en_fractions(t: str) -> list[Quantity]:
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
            out.append(
                finish(t, m.start(), m.end(), f"{num}/{den}", num / den, "ratio", None, None, "")
            )
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


def multiples(t: str) -> list[Quantity]:
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
            value = float(word) if word[0].isdigit() else float(EN_WORDS[word])
        else:
            value = float(_MULT_WORD[verb.lower() if verb else m.group(1)])
        number = f"{value:g}"
        start = m.start(3) if m.group(3) else m.start()  # "to double": the verb alone
        out.append(finish(t, start, m.end(), number, value, "x", None, None, "倍"))
    return out


# ------------------------------------------------------------------ entry points


_HALF = re.compile(
    r"(?<![上下前后])一半|(?<!first )(?<!second )(?<!a )(?<!one )\bhalf\b(?!-year| year(?! on year)| of the year)",
    re.I,
)
_TOP = re.compile(
    r"前\s*(\d+|[一二两三四五六七八九十百]+)(?=\s*(?:位|名|强|甲|[的，。；、,;]|$))(?:\s*(?:位|名|强|甲))?"
    r"|\btop[\s-](\d+|" + EN_NUMBER + r")\b",
    re.I,
)


def halves(t: str) -> list[Quantity]:
    """一半 / half (not "first half" of a year): the ratio 1/2, as 五成 is 50%."""
    return [
        finish(t, m.start(), m.end(), "1/2", 0.5, "ratio", None, None, "")
        for m in _HALF.finditer(t)
    ]


def tops(t: str) -> list[Quantity]:
    """前20位, 前三甲, 全国前十 / top 20, top-three: a ranking bracket, one figure on both
    sides (without it "top 20" reads as a bare 20 that no 前20 in the source matches)."""
    out = []
    for m in _TOP.finditer(t):
        word = m.group(1) or m.group(2)
        value = cn_to_number(word) if m.group(1) and not word.isdigit() else None
        if value is None:
            value = float(word) if word.isdigit() else float(EN_WORDS.get(word.lower(), 0) or 0)
        if value:
            out.append(finish(t, m.start(), m.end(), word, float(value), "top", None, None, "前"))
    return out


_ORDINALS = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
)
_RANK = re.compile(
    r"(?:位列|位居|排名|排在|居|列)(?:全国|全省|全市|全球|国内|省内|世界|城市|同类城市|各区)?[^，。；\d]{0,6}?"
    r"第\s*(\d+|[一二三四五六七八九十]+)(?:位|名)?"
    r"|\b(?:rank(?:s|ed|ing)?|placing|placed|came|comes|stood|stands)\s+(?:at\s+)?(?:No\.\s*)?("
    + "|".join(_ORDINALS)
    + r")\b",
    re.I,
)


def ranks(t: str) -> list[Quantity]:
    """位列全国第三 / 排名第2位 / "ranks third": a place in a ranking, one figure on both sides
    (unit "place", comparable only with another place)."""
    out = []
    for m in _RANK.finditer(t):
        if m.group(1):
            word = m.group(1)
            value = float(word) if word.isdigit() else cn_to_number(word)
            start = m.start(1) - (1 if t[m.start(1) - 1] == "第" else 0)
        else:
            word = m.group(2)
            value, start = float(_ORDINALS.index(word.lower()) + 1), m.start(2)
        if value:
            out.append(finish(t, start, m.end(), word, float(value), "place", None, None, "第"))
    return out
