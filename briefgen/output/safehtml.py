"""Markdown to HTML with no way for page or model text to become markup or script.

Why: everything in a brief came from a scraped page or a model, and
``brief.html`` is opened in a browser.  Three walls, each enough on its own
for the cases it covers:

1. the template filters escape data for Markdown (``render.md_text``,
   ``code_span``) so it cannot open a tag, a link, an attribute block or
   break out of a code span;
2. Markdown runs without ``attr_list`` and without raw-HTML passthrough: the
   only markup a template may write is ``<br>`` and an empty ``<a id="...">``
   anchor, recognised by an exact pattern; any other ``<`` is text;
3. the finished body goes through ``nh3`` (an allow-list sanitiser) and the
   page carries a Content-Security-Policy that forbids scripts.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.extensions.toc import TocExtension, slugify_unicode
from markdown.inlinepatterns import InlineProcessor

# A policy for a page that needs no script, no network and no frames: inline styles only.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; script-src 'none'; base-uri 'none'; form-action 'none'"

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"*": {"id"}, "a": {"href", "title"}, "div": {"class"}}
URL_SCHEMES = {"http", "https", "mailto"}

_TEMPLATE_TAG = r'<br\s*/?>|<a id="([A-Za-z0-9_\-\u0080-\uffff]+)"></a>'


class _TemplateTags(InlineProcessor):
    """The two pieces of markup templates use, rebuilt as elements (never passed through)."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:  # type: ignore[override]  # noqa: N802
        if m.group(1) is None:
            return etree.Element("br"), m.start(0), m.end(0)
        el = etree.Element("a")
        el.set("id", m.group(1))
        return el, m.start(0), m.end(0)


def _converter() -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=["tables", TocExtension(slugify=slugify_unicode, toc_depth="2-3")],
        output_format="html",
    )
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.inlinePatterns.register(_TemplateTags(_TEMPLATE_TAG, md), "template_tags", 95)
    return md


def sanitise(body: str) -> str:
    """The second wall: only allow-listed tags, attributes and URL schemes survive."""
    return nh3.clean(
        body,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def markdown_body(md: str, *, toc: bool = False) -> str:
    """Markdown (already escaped by the template filters) as sanitised HTML.

    ``toc``: a table of contents of the level-2 headings, after the title: a long brief
    (a section per city, an appendix) is read by jumping, most of all on a phone.
    Every table sits in a ``div.table-scroll`` so a wide comparison scrolls sideways
    inside its box instead of widening the whole page on a narrow screen.
    """
    conv = _converter()
    body = conv.convert(md)
    if toc:
        # tokens are the h2s (toc_depth "2-3"); names are already escaped text
        items = "".join(
            f'<li><a href="#{html.escape(t["id"], quote=True)}">{t["name"]}</a></li>'
            for t in getattr(conv, "toc_tokens", []) if t.get("level") == 2
        )  # fmt: skip
        if items:
            box = f'<div class="toc"><ul>{items}</ul></div>'
            body = body.replace("</h1>", "</h1>\n" + box, 1) if "</h1>" in body else box + body
    body = body.replace("<table>", '<div class="table-scroll"><table>').replace("</table>", "</table></div>")
    return sanitise(body)
