"""Script-level normalisation of Chinese text: spaces, pinyin notes, traditional -> simplified.

Scraped pages mix no-break and full-width spaces, zero-width characters, pinyin
left in parentheses after characters (``發(fā)``) and traditional characters.
Processing (matching, numbers, cities) works on one normalised simplified form;
quotes keep the wording as written, with only spaces and pinyin notes fixed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# The one definition of "a Han character" for the whole package: CJK Unified Ideographs,
# Extension A and the compatibility ideographs (a regex character-class body, without the
# brackets, so callers can combine it: ``f"[{HAN}·]"``).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_CHAR = re.compile(f"[{HAN}]")
HAN_RUN = re.compile(f"[{HAN}]{{2,}}")  # two or more in a row: a Chinese word or phrase


def is_han(ch: str) -> bool:
    """True for one Han character (see ``HAN``)."""
    return bool(HAN_CHAR.match(ch))


# Space-like characters folded to a plain space; zero-width ones removed.
_SPACES = re.compile(r"[\t\x0b\x0c\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Removed: zero-width characters, control characters (stray NULs in a text file) and Unicode
# tag characters (U+E0000-E007F), which display as nothing and can carry hidden instructions.
_ZERO_WIDTH = re.compile(
    r"[\u200b-\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f\U000e0000-\U000e007f]"
)
INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\U000e0000-\U000e007f]")
_SPACE_RUN = re.compile(r" {2,}")

# Full-width digits/letters -> ASCII (keeps Chinese punctuation such as ，。：（）).
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}
_FULLWIDTH.update({cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)})
_FULLWIDTH.update({cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)})
_FULLWIDTH[0xFF05] = ord("%")  # ％
_HAS_FULLWIDTH = re.compile(r"[\uff05\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_FW_DOT = re.compile(r"(?<=\d)\uff0e(?=\d)")  # ５．５ -> 5.5

# Pinyin annotation: one CJK character, then a parenthesised syllable that carries
# a tone mark or tone digit and has the shape initial + vowels + final.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_VOWELS = "aeiouüvê" + _TONED
_SYLLABLE = rf"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[{_VOWELS}]{{1,4}}(?:ng|n|r)?[1-5]?"
_PINYIN = re.compile(rf"(?P<char>[{HAN}]) ?[(（] ?(?P<py>{_SYLLABLE}) ?[)）]")
_HAS_TONE = re.compile(rf"[{_TONED}]|[1-5]$")


def han_count(s: str) -> int:
    """Han characters (see ``HAN``) in ``s``."""
    return len(HAN_CHAR.findall(s))


# A space inside a figure ("过 10 亿", "2000 万", "2024 年"): removed so the figure reads whole.
# Only before a unit, so a date or a count standing apart ("来源：某报 2019-08-13", "阅读 5632")
# keeps its space.
_UNIT = (
    r"(?:亿|万|千|百|元|个|家|名|人|项|吨|公里|公顷|米|平方|亩|台|套|座|所|条|次|倍|户|件|辆|年|月|日|号|%|％|余|多|"
    r"以上|块|张|片|颗|架|艘|栋|间|类|款|种|批|位|级|岁|天|小时|分钟|秒|美元|欧元|英寸|纳米|兆|瓦|千瓦|度|周)"
)
_UNIT_SPACE = re.compile(rf"(?<=\d) (?={_UNIT})|(?<=[{HAN}]) (?=\d[\d.,]*(?: ?){_UNIT})")


def normalise_spaces(s: str) -> str:
    """Fold NBSP/full-width/odd spaces to one space, drop zero-width chars, fix full-width digits,
    and close the space inside a figure ("过 10 亿" -> "过10亿")."""
    s = _ZERO_WIDTH.sub("", s)
    s = _SPACES.sub(" ", s)
    if _HAS_FULLWIDTH.search(s):
        s = s.translate(_FULLWIDTH)
        s = _FW_DOT.sub(".", s)
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _SPACE_RUN.sub(" ", s)
    if " " in s:
        s = _UNIT_SPACE.sub("", s)
    return s


def _drop_pinyin(m: re.Match[str]) -> str:
    py = m.group("py")
    if _HAS_TONE.search(py) and py == py.lower():
        return m.group("char")
    return m.group(0)


def strip_pinyin(s: str) -> str:
    """Remove pinyin notes after characters: ``開發(fā)區(qū)`` -> ``開發區``."""
    if "(" not in s and "（" not in s:
        return s
    return _PINYIN.sub(_drop_pinyin, s)


@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


TRADITIONAL_SHARE = 0.05  # this share of traditional characters makes a text traditional


@lru_cache(maxsize=1)
def _traditional() -> dict[str, str]:
    """Han characters that OpenCC changes on their own (traditional forms) -> simplified form.

    Built once per process by converting every CJK Unified Ideograph one per line, so a
    text's traditional characters are a set intersection (C speed) rather than a scan."""
    chars = [chr(cp) for cp in range(0x4E00, 0xA000)] + [chr(cp) for cp in range(0x3400, 0x4DC0)]
    converted = str(_converter().convert("\n".join(chars))).split("\n")
    if len(converted) != len(chars):  # never seen; fall back to one call per character
        converted = [str(_converter().convert(ch)) for ch in chars]
    return {a: b for a, b in zip(chars, converted, strict=True) if a != b and len(b) == 1}


@lru_cache(maxsize=1)
def _traditional_char() -> re.Pattern[str]:
    """One traditional character (a character class: the engine scans it as a bitmap)."""
    return re.compile("[" + "".join(sorted(_traditional())) + "]")


def to_simplified(s: str) -> str:
    """Traditional -> simplified Chinese (OpenCC t2s), only for text that is traditional.

    OpenCC's phrase table also rewrites simplified words (覆盖 -> 复盖), so simplified text
    passes through byte-identical: a text counts as traditional when enough of its Han
    characters are traditional forms; a simplified text quoting a few traditional
    characters gets only those characters converted.
    """
    if not s or s.isascii():
        return s
    found = _traditional_char().findall(s)
    if not found:
        return s
    if len(found) >= TRADITIONAL_SHARE * han_count(s):
        return str(_converter().convert(s))
    table = _traditional()
    return _traditional_char().sub(lambda m: table[m.group(0)], s)


def normalise_original(s: str) -> str:
    """Spaces and pinyin fixed, wording kept as written (for quotes)."""
    return strip_pinyin(normalise_spaces(s))


def normalise(s: str) -> str:
    """The form used for processing: spaces folded, pinyin removed, simplified."""
    return to_simplified(normalise_original(s))


# Signs of text broken before we got it (a page saved in one encoding and read in another,
# a character the site could not encode): the replacement character, box-drawing and block
# characters, a "?" wedged between characters, pinyin tone letters left without their
# parentheses.  One sign alone is often innocent (a "?" in a URL, a name with tones), so a
# run needs two signs within a few characters, or one replacement/box character next to Han.
_SIGN = re.compile(
    rf"[\ufffd\u2500-\u259f]|(?<=[{HAN}])\?|\?(?=[{HAN}{_TONED}])|[{_TONED}](?=[)）]?[{HAN}])"
)
_STRONG = re.compile(rf"[\ufffd\u2500-\u259f](?=[{HAN}])|(?<=[{HAN}])[\ufffd\u2500-\u259f]")
_NEAR = 4  # characters between two signs of one garbled run
_ANY_SIGN = re.compile(rf"[\ufffd\u2500-\u259f?{_TONED}]")


def garbled(text: str) -> list[str]:
    """Garbled runs in ``text`` (each with a character of context either side), or []."""
    if not _ANY_SIGN.search(text):  # the common case: one cheap scan
        return []
    signs = [m.start() for m in _SIGN.finditer(text)]
    strong = {m.start() for m in _STRONG.finditer(text)}  # each match is one character
    runs: list[list[int]] = []
    for pos in signs:
        if runs and pos - runs[-1][-1] <= _NEAR:
            runs[-1].append(pos)
        else:
            runs.append([pos])
    out = []
    for run in runs:
        if len(run) >= 2 or any(p in strong for p in run):
            out.append(text[max(0, run[0] - 1) : run[-1] + 2])
    return out
