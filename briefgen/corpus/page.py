"""A read file as text lines with hints from its markup, plus what it says about itself.

Why a separate step: HTML, Markdown and plain text differ only in how lines and
page metadata are found; after this step cleaning sees one shape of page.  The
page's own metadata (HTML ``<title>``/``<meta>``) is read here once and carried
with the cleaned page, so metadata extraction never parses the HTML again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from briefgen.core.types import RawFile
from briefgen.corpus import thresholds as th
from briefgen.corpus.html import html_captions, html_to_lines

Hint = str | None  # "caption" when the markup marks a line as a picture caption

_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_EMPH = re.compile(r"(\*\*|__|`)")
_MD_ITALIC = re.compile(r"^(?:\*(?!\*)(.+?)(?<!\*)\*|_(?!_)(.+?)(?<!_)_)$")
_MD_HEAD = re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?)")


@dataclass
class Page:
    """Text lines with hints, and page metadata (title, date, source, author ... or None)."""

    lines: list[tuple[str, Hint]]
    meta: dict[str, str | None] = field(default_factory=dict)


def md_line(ln: str) -> list[tuple[str, Hint]]:
    """One Markdown line as text lines, each with a hint ("caption" for image alt text and short italic lines)."""
    out: list[tuple[str, Hint]] = []
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
    return Page([(ln, "caption" if ln.strip() in captions else None) for ln in lines], meta)


def read_page(raw: RawFile) -> Page:
    """The lines of a read file and the metadata its markup carries."""
    if raw.kind == "html":
        return _html_page(raw.text)
    if raw.kind == "md":
        return Page([pair for ln in raw.text.splitlines() for pair in md_line(ln)])
    return Page([(ln, None) for ln in raw.text.splitlines()])
