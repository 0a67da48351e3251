"""One line of a page and the shape features cleaning judges it by.

Why shapes: whether a line is article text, a headline, a link title or an
enumerated point shows in its length and punctuation far more reliably than in
its words, and these features are the same on every site.  The thresholds are
named in ``thresholds.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from briefgen.corpus import thresholds as th
from briefgen.text.script import HAN, HAN_RUN, han_count

SENT_END = re.compile(r"[。！？!?；;]")
_COMMA = re.compile(r"[，,、：:]")
_HEADLINE_COMMA = re.compile(r"[，,]")
BULLET = re.compile(r"^([•●·▪◦○■□◆◇▶▷►✓✔☆★※]|[-*+]\s|\d{1,3}\s*[.、．)）]\s*|[(（]\d{1,3}[)）])")
# Article points: "一是…", "（三）…", "第二，…", "首先，…" (link lists are not numbered this way).
_ENUM_ZH = re.compile(
    r"^([(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}(是|、)|"
    r"(第|其)[一二三四五六七八九十]{1,3}[是，,、：:]|(首先|其次|再次|最后)[，,])"
)
_POINT_END = re.compile(r"[。；;][”’\"')）]*$")  # ends like a sentence or a list item in running text
_FIGURE = re.compile(
    r"\d(?:[\d.,]*\d)?\s*(%|％|个|家|名|人|项|亿|万|千|元|吨|公里|千米|米|平方|亩|台|套|座|所|条|次|倍|户|件|辆|余|多|以上)"
)
LEAD_IN = re.compile(r"[：:]$")  # "目标有三个：" introduces the points below it
LEAD_SYMBOLS = re.compile(rf"^[^\w{HAN}#【\[(（]+")
TAG_BRACKET = re.compile(r"^(?:#[^#\n]{1,30}#\s*)?【(?P<title>[^】]{6,80})】(?P<rest>.*)$")
KEY_STRIP = re.compile(r"[\W_]+")


@dataclass
class Line:
    """A line as written (``orig``), in processing form (``norm``) and why it was dropped."""

    orig: str
    norm: str
    reason: str | None = None
    bigrams: frozenset[str] = frozenset()

    @property
    def key(self) -> str:
        """Letters and digits only, lower case: what two copies of a line share."""
        return KEY_STRIP.sub("", self.norm).lower()


def bigrams(s: str) -> frozenset[str]:
    """Character bigrams inside runs of Chinese characters (not across numbers or punctuation)."""
    out: set[str] = set()
    for run in HAN_RUN.findall(s):
        out.update(map(str.__add__, run, run[1:]))
    return frozenset(out)


@lru_cache(maxsize=8192)
def is_sentence(s: str) -> bool:
    """Reads like running text: long enough and punctuated."""
    return len(s) >= th.SENTENCE_MIN and (
        bool(SENT_END.search(s)) or len(_COMMA.findall(s)) >= th.SENTENCE_MIN_COMMAS
    )


def headline_like(s: str) -> bool:
    """Short, mostly Chinese, and not ending or broken up like a sentence."""
    s2 = s.strip()
    if not th.HEADLINE_MIN <= len(s2) <= th.HEADLINE_MAX or han_count(s2) < th.HEADLINE_MIN_HAN:
        return False
    if s2[-1] in "。！？!?：:；;…，," or "。" in s2:
        return False
    return len(_HEADLINE_COMMA.findall(s2)) <= th.HEADLINE_MAX_COMMAS


def title_like(s: str) -> bool:
    """A link title: short, no sentence punctuation."""
    return th.TITLE_LINK_MIN <= len(s) <= th.TITLE_LINK_MAX and not SENT_END.search(s[:-1] if s else s)


def point_like(s: str, weak: bool = True) -> bool:
    """A short line that reads as article text rather than a link title.

    Strong signals: it ends like a sentence or list item (。；), or it starts with a
    Chinese enumeration marker.  Weak (``weak=True``): a numbered or bulleted item
    carrying a figure with a unit ("3. 培育企业10家").
    """
    if han_count(s) < th.POINT_MIN_HAN:
        return False
    if _POINT_END.search(s) or _ENUM_ZH.match(s):
        return True
    bullet = BULLET.match(s) if weak else None
    return bool(bullet and _FIGURE.search(s[bullet.end() :]))


def tag_title(s: str) -> re.Match[str] | None:
    """``【标题】text…``: a bracketed headline followed by its article on the same line."""
    m = TAG_BRACKET.match(s)
    return m if m and len(m.group("rest")) >= th.TAG_TITLE_REST else None
