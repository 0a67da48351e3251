"""A headline as the article gives it: no site name, no label, no spam glued to it.

Why: page titles carry the site's name (``…_XX新闻网``, ``… | XX观察``, ``… - 江城网``),
exporters write ``title: '…'`` and spam injectors glue a brand word in front of
the headline.  The brief shows the title to an editor and the model reads it, so it
should be the headline and nothing else.
"""

from __future__ import annotations

import re

from briefgen.corpus.rules import spam_word

_LABEL = re.compile(r"^\s*(?:title|headline|标题|题目)\s*[:：]\s*", re.I)
_QUOTES = "'\"“”‘’「」"
# The last segment after one of these is a site or column name when it is short.
_SUFFIX_SEP = re.compile(r"\s*(?:\s[-–—|｜·]\s|[_|｜]|--|——)\s*")
SUFFIX_MAX = 14  # a site name is short ...
HEADLINE_KEEP = 8  # ... and what is left must still be a headline
SPAM_PREFIX_MAX = 12  # a spam word glued in front sits within the first characters
_SITE_WORD = re.compile(r"(网|报|台|观察|在线|资讯|频道|新闻|日报|晚报|周刊|客户端|公众号|官网|门户|时讯|财经|产经|快讯)$")


def strip_label(title: str) -> str:
    """``title: '某市发布…'`` -> ``某市发布…``."""
    t = _LABEL.sub("", title).strip()
    if len(t) >= 2 and t[0] in _QUOTES and t[-1] in _QUOTES:
        t = t[1:-1].strip()
    return t


def strip_site_suffix(title: str) -> str:
    """Drop a trailing ``_站名`` / ``| 栏目`` / `` - 网站`` segment (repeatedly: ``标题_栏目_网站``)."""
    t = title.strip()
    while True:
        parts = list(_SUFFIX_SEP.finditer(t))
        if not parts:
            return t
        last = parts[-1]
        head, tail = t[: last.start()].strip(), t[last.end() :].strip()
        site = len(tail) <= SUFFIX_MAX and (_SITE_WORD.search(tail) or len(tail) <= 4)
        if not (site and len(head) >= HEADLINE_KEEP):
            return t
        t = head


SITE_NAME_MAX = 10  # a <title> this short ending like a site name (…网, …日报) names the site


def site_name(title: str) -> bool:
    """A page title that is only the site's name ("江淮产经网"), not a headline."""
    t = strip_label(title).strip()
    return len(t) <= SITE_NAME_MAX and bool(_SITE_WORD.search(t))


def strip_spam_prefix(title: str) -> str:
    """Drop a spam word (``data/cleaning/line_rules.tsv``, class spam) glued to the front."""
    m = spam_word(title.lower())
    if not m or m.start() > SPAM_PREFIX_MAX:
        return title
    rest = title[m.end() :].lstrip(" -_:：|｜·,，")
    return rest if len(rest) >= HEADLINE_KEEP else title


def tidy_title(title: str | None) -> str | None:
    """The headline without label, quotes, site suffix or spam prefix; None when nothing is left."""
    if not title:
        return None
    t = strip_spam_prefix(strip_site_suffix(strip_label(title)))
    return t or None
