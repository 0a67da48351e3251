"""A read file as text lines with hints from its markup, plus what it says about itself.

Why a separate step: HTML, Markdown and plain text differ only in how lines and
page metadata are found; after this step cleaning sees one shape of page.  The
page's own metadata (HTML ``<title>``/``<meta>``) is read here once and carried
with the cleaned page, so metadata extraction never parses the HTML again.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from briefgen.core.types import RawFile
from briefgen.corpus import thresholds as th
from briefgen.corpus.html import html_captions, html_to_lines
from briefgen.text.script import HAN

Hint = str | None  # "caption" when the markup marks a line as a picture caption

_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_EMPH = re.compile(r"(\*\*|__|`)")
_MD_ITALIC = re.compile(r"^(?:\*(?!\*)(.+?)(?<!\*)\*|_(?!_)(.+?)(?<!_)_)$")
_HTML_ALT = re.compile(r"""<img\b[^>]*\balt\s*=\s*["']([^"']*)["']""", re.I)
_INLINE_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_MD_HEAD = re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?)")


@dataclass
class Page:
    """Text lines with hints, and page metadata, carried on as ``Cleaned.page_meta``.

    Keys (values are strings or None): ``title``, ``page_title``, ``date`` (ISO), ``source``,
    ``author``, ``url`` from the markup or front matter, each with ``<key>_from`` ("meta" or
    "front-matter"); ``front_matter_title``; ``saved_from``, ``footer_url`` and ``copyright_year``
    (what an HTML page says about itself outside the article); ``hidden`` (elements removed as
    invisible).  Cleaning adds ``title_from``.
    """

    lines: list[tuple[str, Hint]]
    meta: dict[str, str | None] = field(default_factory=dict)


def md_line(ln: str) -> list[tuple[str, Hint]]:
    """One Markdown line as text lines, each with a hint ("caption" for image alt text and short italic lines)."""
    out: list[tuple[str, Hint]] = []
    if "<" in ln:  # inline HTML in Markdown: an image's alt text is a caption, tags are not text
        out.extend((alt.strip(), "caption") for alt in _HTML_ALT.findall(ln) if alt.strip())
        ln = _INLINE_TAG.sub("", ln)
    for m in _MD_IMAGE.finditer(ln):
        alt = _MD_LINK.sub(r"\1", m.group(1)).strip()
        if alt:
            out.append((alt, "caption"))
    ln = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", ln))
    ln = _MD_HEAD.sub("", ln).strip()
    italic = _MD_ITALIC.match(ln)
    inner = (italic.group(1) or italic.group(2)).strip() if italic else ""
    if inner:
        out.append((_MD_EMPH.sub("", inner), "caption" if len(inner) <= th.CAPTION_MAX else None))
    elif ln:
        out.append((_MD_EMPH.sub("", ln), None))
    return out


def _html_page(markup: str) -> Page:
    lines, meta = html_to_lines(markup)
    captions = html_captions(markup)
    meta = dict(meta)
    meta.update({f"{k}_from": "meta" for k in ("title", "date", "source", "author") if meta.get(k)})
    return Page([(ln, "caption" if ln.strip() in captions else None) for ln in lines], meta)


# ------------------------------------------------------------- front matter

# Scrapers' exports start with a block of "key: value" lines between "---" lines (YAML front
# matter).  Only flat scalar fields are read, by hand: no YAML loader, so no aliases, tags or
# anchors that could expand or run anything.  Keys not listed here are dropped.
_FM_KEYS = {
    "title": "title", "headline": "title",
    "date": "date", "published": "date", "pubdate": "date", "publish_date": "date",
    "published_at": "date", "date_published": "date", "publishdate": "date", "created": "date",
    "author": "author", "byline": "author",
    "source": "source", "publisher": "source", "outlet": "source", "media": "source",
    "url": "url", "link": "url", "permalink": "url", "source_url": "url", "original_url": "url",
    "canonical": "url",
    # Chinese keys some exporters write inside the fences
    "标题": "title", "日期": "date", "发布时间": "date", "发布日期": "date", "时间": "date",
    "作者": "author", "来源": "source", "出处": "source", "链接": "url", "原文链接": "url", "网址": "url",
}
_FM_LINE = re.compile(rf"^([A-Za-z_][\w-]{{0,30}}|[{HAN}]{{2,6}})\s*[:：]\s?(.*)$")
_FM_ROW = re.compile(rf"^(?:\s*$|\s|-|#|(?:[A-Za-z_][\w-]{{0,30}}|[{HAN}]{{2,6}})\s*[:：])")  # every line of a block
_BLOCK_SCALAR = re.compile(r"^[|>][+-]?$")  # YAML "title: >-" with the value on indented lines
_FM_FENCE = re.compile(r"^(?:---|\.\.\.)\s*$")
FM_MAX_LINES = 80  # a longer block is not front matter
FM_MIN_UNFENCED = 2  # known fields needed to read unfenced "key: value" lines as front matter


def _fm_value(v: str) -> str | None:
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        v = v[1:-1].strip()
    return v or None


def split_front_matter(text: str) -> tuple[dict[str, str | None], str]:
    """({title, date, author, source, url} read from a leading front-matter block, rest of text).

    A text without front matter comes back whole with an empty dict.
    """
    lines = text.lstrip("\ufeff").split("\n")
    start = next((i for i, ln in enumerate(lines[:5]) if ln.strip()), None)
    if start is None:
        return {}, text
    if lines[start].strip() != "---":
        return _unfenced(lines, start, text)
    end = next((i for i in range(start + 1, min(len(lines), start + FM_MAX_LINES)) if _FM_FENCE.match(lines[i])), None)
    if end is None:
        return {}, text
    fields: dict[str, str | None] = {}
    block = lines[start + 1 : end]
    for i, ln in enumerate(block):
        m = _FM_LINE.match(ln)  # indented lines and list items belong to dropped keys
        key = _FM_KEYS.get(m.group(1).lower()) if m else None
        if m and key and not fields.get(key):
            value = m.group(2).strip()
            if _BLOCK_SCALAR.match(value):  # the value is on the indented lines below
                value = " ".join(x.strip() for x in itertools.takewhile(lambda x: x[:1] in " \t", block[i + 1 :]))
            fields[key] = _fm_value(value)
    if not any(_FM_LINE.match(ln) for ln in block) or not all(_FM_ROW.match(ln) for ln in block):
        return {}, text  # Markdown rules (---) around text, not front matter: nothing is dropped
    return fields, "\n".join(lines[end + 1 :])


def _unfenced(lines: list[str], start: int, text: str) -> tuple[dict[str, str | None], str]:
    """``title: …`` / ``date: …`` lines at the top without ``---`` fences (some exporters):
    read as front matter when at least ``FM_MIN_UNFENCED`` known fields open the file."""
    fields: dict[str, str | None] = {}
    end = start
    while end < min(len(lines), start + FM_MAX_LINES):
        m = _FM_LINE.match(lines[end])
        if not m or not m.group(2).strip() or not m.group(1).isascii():
            break  # Chinese "来源：…" lines without fences are the page's own header lines
        key = _FM_KEYS.get(m.group(1).lower())
        if key and not fields.get(key):
            fields[key] = _fm_value(m.group(2))
        end += 1
    if len([v for v in fields.values() if v]) < FM_MIN_UNFENCED:
        return {}, text
    return fields, "\n".join(lines[end:])


# Block-level tags that show a text file's body is really HTML (scraper exports).
# Inline tags (<img>, <a>, <span>) alone do not count: Markdown files carry them in plain text.
_HTML_TAG = re.compile(r"</?(?:p|div|section|article|br|h[1-6]|li|ul|ol|table|td|tr|figure|figcaption|blockquote)\b[^>]*>", re.I)
HTML_MIN_TAGS = 3  # fewer tags: a stray "<br>" in a text file, not markup
HTML_LINE_SHARE = 0.5  # ... and at least this share of the text lines carry a block tag


def looks_like_markup(text: str) -> bool:
    """Is this text (from a .txt or .md file) an HTML body?"""
    if len(_HTML_TAG.findall(text, 0, 200_000)) < HTML_MIN_TAGS:
        return False
    lines = [ln for ln in text.splitlines() if ln.strip()]
    tagged = sum(1 for ln in lines if _HTML_TAG.search(ln))
    return tagged >= HTML_LINE_SHARE * len(lines)


def _merge_front_matter(page: Page, fields: dict[str, str | None]) -> Page:
    """Front matter fills in (date, source, author, url: it is the exporter's record of the page)
    and its title stands in when the body has none."""
    for key in ("date", "source", "author", "url"):
        if fields.get(key):
            page.meta[key] = fields[key]
            page.meta[f"{key}_from"] = "front-matter"
    if fields.get("title"):
        page.meta["front_matter_title"] = fields["title"]
    return page


def read_page(raw: RawFile) -> Page:
    """The lines of a read file and the metadata its markup or front matter carries."""
    if raw.kind == "html":
        return _html_page(raw.text)
    fields, body = split_front_matter(raw.text)
    if looks_like_markup(body):
        page = _html_page(body)
    elif raw.kind == "md":
        page = Page([pair for ln in body.splitlines() for pair in md_line(ln)])
    else:  # a stray tag in plain text (<br>, <font>) is not text either
        page = Page([(_INLINE_TAG.sub("", ln) if "<" in ln else ln, None) for ln in body.splitlines()])
    return _merge_front_matter(page, fields)
