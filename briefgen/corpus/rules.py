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
from briefgen.corpus.vocab import alternation, label_alternation, labels_of, line_rule

_CRUMB_SEP = re.compile(r"\s*(?:>>|>|»|›|→|＞|》)\s*")
_PUBLISHED = re.compile(r"于\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(发表|发布)|^(发布于|发表于|发布时间)")
DATE_ONLY = re.compile(r"^[\[【(（]?\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*(\d{1,2}:\d{2}(:\d{2})?)?[\]】)）]?$")
_BYLINE = re.compile(r"^[(（]?(本报记者|记者|通讯员|特约记者|见习记者)\s*\S{2,4}([\s、,，]+\S{2,4}){0,3}[)）]?$")
_VALUE_PUNCT = re.compile(r"[。？！?!，,；;]")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    labels = label_alternation()
    editors = "|".join(re.escape(x) for x in labels_of("editor"))
    return {
        "breadcrumb": line_rule("breadcrumb", r"({})\s*[:：]?"),
        "search": line_rule("search"),
        "more-link": line_rule("more-link"),
        "widget": line_rule("widget"),
        "widget-short": line_rule("widget-short", "^({})$"),
        "disclaimer": line_rule("disclaimer"),
        "footer": line_rule("footer"),
        "spam": line_rule("spam"),
        "list-header": line_rule("list-header", r"^({})(的文章|的新闻|的资讯|内容)?\s*[:：]?$"),
        "caption-start": re.compile(rf"^[△▲▽▼↑↓◆]|^[(（]?({alternation('line_rules.tsv', 'caption-start')})"),
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
        return False
    prefix = s[: labels[0].start()].strip()
    if prefix and not (DATE_ONLY.match(prefix) or len(prefix) <= th.META_PREFIX_MAX):
        return False
    # Values between labels must be short and unpunctuated ("记者:...?" is an interview question).
    starts = [m.start() for m in labels[1:]] + [len(s)]
    for m, end in zip(labels, starts, strict=True):
        value = s[m.end() : end].strip()
        if len(value) > th.META_VALUE_MAX or _VALUE_PUNCT.search(value):
            return False
    return True


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
    return len(v.s) <= th.CAPTION_MAX and bool(pattern("caption-start").search(v.s) or pattern("caption-end").search(v.s))


def _menu(v: _View) -> bool:
    """A menu bar or keyword stuffing: many short space-separated items."""
    tokens = v.s.split(" ")
    return len(tokens) >= th.MENU_MIN_ITEMS and not SENT_END.search(v.s) and all(len(t) <= th.MENU_ITEM_MAX for t in tokens)


def _meta_or_caption(v: _View) -> str | None:
    if not meta_line(v.s):
        return None
    # "图片来源：..." has the shape of a source line but credits a picture.
    single_label = pattern("caption-start").search(v.s) and len(pattern("label").findall(v.s)) == 1
    return "caption" if single_label and len(v.s) <= th.CAPTION_MAX else "metadata"


# Tried in order; the first that holds names the line.  Metadata is decided between "footer"
# and "caption" (a source line is not a caption, but a footer's 联系电话 is not a source line).
_RULES: list[tuple[str, Callable[[_View], bool]]] = [
    ("breadcrumb", _breadcrumb),
    ("search", _short("search", th.SEARCH_MAX)),
    ("more-link", _short("more-link", th.MORE_MAX)),
    ("widget", _widget),
    ("link-list", lambda v: list_header(v.s)),
    ("disclaimer", _short("disclaimer", th.DISCLAIMER_MAX)),
    ("footer", _short("footer", th.FOOTER_MAX)),
]
_LATE_RULES: list[tuple[str, Callable[[_View], bool]]] = [
    ("caption", _caption),
    ("link-list", _menu),
]


def classify(s: str) -> str | None:
    """A reason for a line that is web furniture wherever it appears, or None."""
    v = _View(s)
    if pattern("spam").search(v.low):
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
