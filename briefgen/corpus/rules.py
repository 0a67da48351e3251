"""Is this line web furniture?  One named rule per kind of furniture.

Why rules by name: cleaning drops a line only with a reason an editor can read
(``--show-dropped``), so each rule here is a small predicate that names its
reason.  The phrases come from ``briefgen/data/cleaning/line_rules.tsv`` and
``meta_labels.tsv``; the length limits from ``thresholds.py``.  Every rule sees
the simplified, space-normalised line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache

from briefgen.corpus import thresholds as th
from briefgen.corpus.lines import LEAD_SYMBOLS, SENT_END, is_sentence
from briefgen.corpus.vocab import (
    alternation,
    label_alternation,
    labels_of,
    line_rule,
    split_literals,
    words,
)
from briefgen.text.script import HAN

_CRUMB_SEP = re.compile(r"\s*(?:>>|>|»|›|→|＞|》)\s*")
_PUBLISHED = re.compile(r"于\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(发表|发布)|^(发布于|发表于|发布时间)")
DATE_ONLY = re.compile(r"^[\[【(（]?\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*(\d{1,2}:\d{2}(:\d{2})?)?[\]】)）]?$")
_BYLINE = re.compile(r"^[(（]?(本报记者|记者|通讯员|特约记者|见习记者)\s*\S{2,4}([\s、,，]+\S{2,4}){0,3}[)）]?$")
_VALUE_PUNCT = re.compile(r"[。？！?!，；;]|(?<!\d),|,(?!\d)")  # "1,208" is a count, not a clause
# Hex IDs and hashes (文章编号：9f2c…, a bare md5) and view counters inside a date/source line.
HEX_ID = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{16,}(?![0-9A-Za-z])|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
COUNTER = re.compile(r"(阅读|浏览|点击|人气|热度)(量|数|次数)?\s*[:：]?\s*[\d,.]+\s*[万wk+]?\s*(次|人)?|\d+\s*条|--")
_BRACKET_WIDGET = re.compile(r"[【\[][^】\]:：]{1,8}[】\]]")  # 【打印】【关闭窗口】 after a field
_PHONE = re.compile(r"(?<!\d)(0\d{2,3}[-\s]?\d{3,4}\s?\d{4}|1[3-9]\d{9}|1[3-9]\d[-\s]\d{4}[-\s]\d{4}|400[-\s]?\d{3}[-\s]?\d{4})(?!\d)")
_DATE_TEXT = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?")
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_PIECE_SEP = re.compile(r"[\s·•|｜丨]+")
OUTLET = rf"[{HAN}·]{{2,12}}?(?:日报|晚报|早报|时报|商报|快报|新闻网|网|电视台|广播电视台|广播电台|新闻社|通讯社|客户端|报)"
_OUTLET_PIECE = re.compile(rf"^(?:{OUTLET}|新华社|中新社|中新网)$")
_BYLINE_PIECE = re.compile(rf"^(本报记者|记者|通讯员|特约记者|见习记者|首席记者|作者|编辑|责编)|^(?:{OUTLET})(?:记者|通讯员)$")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    labels = label_alternation()
    spam_words, _ = split_literals(words("line_rules.tsv", "spam") + words("line_rules.tsv", "spam-brand"))
    editors = "|".join(re.escape(x) for x in labels_of("editor"))
    return {
        "breadcrumb": line_rule("breadcrumb", r"({})\s*[:：]?"),
        "search": line_rule("search"),
        "more-link": line_rule("more-link"),
        "widget": line_rule("widget"),
        "widget-short": line_rule("widget-short", "^({})$"),
        "disclaimer": line_rule("disclaimer"),
        "footer": line_rule("footer"),
        "spam": re.compile(f"({spam_words})"),
        "spam-brand": line_rule("spam-brand"),
        "crawler": line_rule("crawler"),
        "counter": line_rule("counter"),
        "contact-word": line_rule("contact-word"),
        "app-promo": line_rule("app-promo"),
        "open-ending": line_rule("open-ending", "({})$"),
        "news-brief": line_rule("news-brief", r"^[【\[]({})[】\]]"),
        "list-header": line_rule("list-header", r"^({})(的文章|的新闻|的资讯|内容)?\s*[:：]?$"),
        "caption-start": re.compile(rf"[△▲▽▼↑↓◆]|[(（]?({alternation('line_rules.tsv', 'caption-start')})"),
        "caption-end": re.compile(
            rf"({alternation('line_rules.tsv', 'caption-credit')}|"
            rf"[(（]({alternation('line_rules.tsv', 'caption-note')})[)）])\s*[)）]?$"
        ),
        "label": re.compile(rf"({labels})\s*[:：|｜丨]"),
        "editor": re.compile(rf"^[(（【\[]?\s*({editors})\s*[:：|｜丨]"),
    }


def pattern(name: str) -> re.Pattern[str]:
    """One compiled rule pattern by name (see ``_patterns``)."""
    return _patterns()[name]


def meta_label(s: str) -> bool:
    """Does the line carry a labelled field (来源：, 作者：, 发布时间：...)?"""
    return bool(pattern("label").search(s))


def editor_line(s: str) -> bool:
    """An editor/proofreader credit: it closes an article rather than opening it."""
    return bool(pattern("editor").match(s))


def list_header(s: str) -> bool:
    """A related-reading header ("相关阅读", "推荐文章：")."""
    core = LEAD_SYMBOLS.sub("", s)
    return bool(pattern("list-header").match(core)) and len(core) <= th.LIST_HEADER_MAX


def meta_line(s: str) -> bool:
    """A date/source/author line: labels with short values, or a bare date / 'published on' line."""
    if len(s) > th.META_LINE_MAX:
        return False
    if _PUBLISHED.search(s) and len(s) <= th.PUBLISHED_LINE_MAX:
        return True
    if DATE_ONLY.match(s) or (_BYLINE.match(s) and len(s) <= th.BYLINE_MAX):
        return True
    labels = list(pattern("label").finditer(s))
    if not labels:
        return dated_line(s)
    prefix = s[: labels[0].start()].strip()
    if prefix and not (DATE_ONLY.match(prefix) or len(prefix) <= th.META_PREFIX_MAX or dated_line(prefix)):
        return False
    # Values between labels must be short and unpunctuated ("记者:...?" is an interview question);
    # an ID or a view counter after a value does not make it text.
    starts = [m.start() for m in labels[1:]] + [len(s)]
    for m, end in zip(labels, starts, strict=True):
        value = _BRACKET_WIDGET.sub("", COUNTER.sub("", HEX_ID.sub("", s[m.end() : end]))).strip()
        if len(value) > th.META_VALUE_MAX or _VALUE_PUNCT.search(value):
            return False
    return True


def dated_line(s: str) -> bool:
    """A date with an outlet, byline or counter and nothing else: ``2024年3月5日 某某日报 本报记者 林晓``,
    ``某某报 · 2023/9/14 10:03 · 阅读 5632``, ``产业快讯 1916条 2021-09-29 16:17``."""
    if len(s) > th.DATED_LINE_MAX or not _DATE_TEXT.search(s):
        return False
    rest = COUNTER.sub(" # ", HEX_ID.sub(" # ", _TIME.sub(" ", _DATE_TEXT.sub(" ", s))))
    pieces = [p for p in _PIECE_SEP.split(rest) if p]
    if len(pieces) > th.DATED_LINE_PIECES or any(len(p) > th.DATED_PIECE_MAX or _VALUE_PUNCT.search(p) for p in pieces):
        return False
    signals = [p for p in pieces if p == "#" or _OUTLET_PIECE.match(p) or _BYLINE_PIECE.match(p)]
    return bool(signals) or not pieces


@dataclass
class _View:
    """A line as the rules see it: as written (simplified), lower-cased, without lead symbols."""

    s: str

    @cached_property
    def low(self) -> str:  # the phrase patterns are lower-case; cheaper than re.I
        return self.s.lower()

    @cached_property
    def core(self) -> str:
        return LEAD_SYMBOLS.sub("", self.s)


def _breadcrumb(v: _View) -> bool:
    s, n = v.s, len(v.s)
    if n <= th.BREADCRUMB_MAX and pattern("breadcrumb").search(s):
        return True
    if n > th.CRUMB_TRAIL_MAX or not _CRUMB_SEP.search(s):
        return False
    parts = [p for p in _CRUMB_SEP.split(s) if p]
    return len(parts) >= th.CRUMB_MIN_PARTS and all(len(p) <= th.CRUMB_PART_MAX for p in parts)


def _short(name: str, limit: int) -> Callable[[_View], bool]:
    """A phrase rule for lines up to ``limit`` characters."""
    return lambda v: len(v.s) <= limit and bool(pattern(name).search(v.low))


def _widget(v: _View) -> bool:
    if len(v.s) <= th.WIDGET_MAX and pattern("widget").search(v.low) and not is_sentence(v.s):
        return True
    return bool(pattern("widget-short").match(v.core))


def _caption(v: _View) -> bool:
    # The end patterns are anchored at the line's end and short: only its tail can match.
    tail = v.s[-th.CAPTION_TAIL :]
    return len(v.s) <= th.CAPTION_MAX and bool(pattern("caption-start").match(v.s) or pattern("caption-end").search(tail))


def _menu(v: _View) -> bool:
    """A menu bar or keyword stuffing: many short space-separated items."""
    tokens = v.s.split(" ")
    return len(tokens) >= th.MENU_MIN_ITEMS and not SENT_END.search(v.s) and all(len(t) <= th.MENU_ITEM_MAX for t in tokens)


def _meta_or_caption(v: _View) -> str | None:
    if not meta_line(v.s):
        return None
    # "图片来源：..." and "图｜… 摄影｜…" have the shape of a source line but credit a picture.
    caption = pattern("caption-start").match(v.s) and not _DATE_TEXT.search(v.s)
    return "caption" if caption and len(v.s) <= th.CAPTION_MAX else "metadata"


_LOOKAROUND = re.compile(r"\(\?<?[=!][^)]*\)")
_SPECIAL = re.compile(r"[\\.^$*+?{}\[\]|()]")


@lru_cache(maxsize=1)
def _spam_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Spam entries written as patterns, each with a literal it cannot match without
    (``(?<![a-z])av(?![a-z])`` needs "av"): a substring test first skips the slow scan."""
    out = []
    for entry in words("line_rules.tsv", "spam") + words("line_rules.tsv", "spam-brand"):
        if _SPECIAL.search(entry):
            hint = max(_SPECIAL.split(_LOOKAROUND.sub("|", entry)), key=len)
            out.append((hint, re.compile(entry)))
    return out


def spam_word(low: str) -> re.Match[str] | None:
    """The first spam word in a lower-cased text, or None."""
    found = pattern("spam").search(low)
    if found:
        return found
    return next((m for hint, rx in _spam_patterns() if hint in low for m in [rx.search(low)] if m), None)


def is_spam(s: str) -> bool:
    """Spam wherever it appears (see ``_spam``)."""
    return _spam(_View(s))


def _spam(v: _View) -> bool:
    """Spam: a short line with a spam word, or a paragraph stuffed with them.  A real paragraph
    with one spam word inside stays (the word is not evidence, the paragraph's figures are)."""
    if not spam_word(v.low):
        return False
    found = [m.group(0) for m in pattern("spam").finditer(v.low)]
    found += [m.group(0) for hint, rx in _spam_patterns() if hint in v.low for m in rx.finditer(v.low)]
    if len(v.s) < th.SPAM_PARAGRAPH_MIN or not is_sentence(v.s):
        return True
    return len(set(found)) >= th.SPAM_WORDS_IN_PARAGRAPH


def _crawler(v: _View) -> bool:
    """A scraper's or CMS field, a URL line, or an ID/hash standing alone."""
    if len(v.s) > th.CRAWLER_MAX:
        return False
    if pattern("crawler").match(v.low):  # every crawler pattern is anchored at the start
        return True
    if len(v.s) > th.ID_LINE_MAX or not HEX_ID.search(v.s):
        return False
    return len(re.sub(r"[\W_]", "", HEX_ID.sub("", v.s))) <= th.ID_LABEL_MAX


def _contact(v: _View) -> bool:
    """A contact or advert line: a phone number with a contact word, short or unpunctuated."""
    if len(v.s) > th.CONTACT_MAX or not _PHONE.search(v.s):
        return False
    return bool(pattern("contact-word").search(v.low)) and (len(v.s) <= th.CONTACT_SHORT or not is_sentence(v.s))


# Tried in order; the first that holds names the line.  Metadata is decided between "footer"
# and "caption" (a source line is not a caption, but a footer's 联系电话 is not a source line).
_RULES: list[tuple[str, Callable[[_View], bool]]] = [
    ("crawler-field", _crawler),
    ("widget", lambda v: len(v.s) <= th.COUNTER_MAX and bool(pattern("counter").match(v.s))),
    ("breadcrumb", _breadcrumb),
    ("search", _short("search", th.SEARCH_MAX)),
    ("more-link", _short("more-link", th.MORE_MAX)),
    ("widget", _widget),
    ("link-list", lambda v: list_header(v.s)),
    ("disclaimer", _short("disclaimer", th.DISCLAIMER_MAX)),
    ("footer", _short("footer", th.FOOTER_MAX)),
    ("advert", _contact),
    ("advert", _short("app-promo", th.WIDGET_MAX)),
]
_LATE_RULES: list[tuple[str, Callable[[_View], bool]]] = [
    ("caption", _caption),
    ("link-list", _menu),
]


@lru_cache(maxsize=65536)
def classify(s: str) -> str | None:
    """A reason for a line that is web furniture wherever it appears, or None.

    Cached: pages of one site repeat their navigation, footers and widgets line for line."""
    v = _View(s)
    if _spam(v):
        return "spam"
    if len(s) > th.LONG_LINE:
        return None  # long running text: none of the furniture rules apply
    for reason, rule in _RULES:
        if rule(v):
            return reason
    meta = _meta_or_caption(v)
    if meta:
        return meta
    for reason, rule in _LATE_RULES:
        if rule(v):
            return reason
    return None
