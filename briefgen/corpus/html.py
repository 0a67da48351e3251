"""HTML page -> text lines (main text) plus what the markup says about the page.

trafilatura finds the main text of most pages offline; when it returns nothing
useful we fall back to our own block-structure walk over the whole page, whose
navigation and footers the ordinary cleaning rules then remove.  Either way the
page's title line and its date/source line are kept at the top, so cleaning and
metadata see the same shape of page as for a plain-text file.  Dates in the
markup are parsed by ``text.dates.parse_date`` (trafilatura misreads 2024年5月17日).
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from briefgen.corpus import thresholds as th
from briefgen.corpus.lines import headline_like
from briefgen.corpus.titles import site_name
from briefgen.text.dates import parse_date, parse_epoch
from briefgen.text.script import han_count

_SKIP = {
    "script", "style", "noscript", "template", "iframe", "svg", "object", "canvas",
    "select", "button", "input", "textarea", "option", "head", "map", "video", "audio",
}
_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "tr", "td", "th", "table",
    "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer",
    "nav", "aside", "form", "blockquote", "pre", "figure", "figcaption", "hr", "main",
    "address", "center", "caption", "tbody", "thead", "fieldset", "legend", "body",
}
_VOID = {"input", "br", "hr", "img"}  # no end tag: never open a skipped region
_LAYOUT_ROW = 400  # a table row this long holds paragraphs: the table is the page layout
_WS = re.compile(r"[ \t\r\n\f\v]+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_TITLE_SEPS = re.compile(r"\s*(?:_|\||｜|--|—|–| - |·)\s*")
_META_HINT = re.compile(
    r"(来源|來源|发布|發布|时间|時間|日期|作者|记者|記者|编辑|編輯)\s*[:：|]|\d{4}\s*[-年/.]\s*\d{1,2}"
)
_DATE_KEYS = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "pubdate", "publishdate", "publish_date", "publish-date", "publishtime",
    "firstpublishedtime", "datepublished", "dc.date.issued", "dc.date", "dcterms.created",
    "dcterms.issued", "date", "sailthru.date", "parsely-pub-date",
)


def _parse(html: str) -> Any:
    html = _XML_DECL.sub("", html, count=1)
    if not html.strip():
        return None
    try:  # huge_tree: pages nested past libxml2's default depth (256) otherwise lose all text
        return lxml_html.document_fromstring(html, parser=lxml_html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError):
        return None


class _FlatText(HTMLParser):
    """Lines of a page by the standard library's tolerant parser, which keeps no tree and so
    has no depth limit: the fallback for pages libxml2 gives up on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP and tag not in _VOID:
            self.skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and tag not in _VOID:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(_WS.sub(" ", data))


def _flat_lines(html: str) -> list[str]:
    parser = _FlatText()
    parser.feed(html)
    parser.close()
    return [ln.strip() for ln in "".join(parser.parts).split("\n") if ln.strip()]


_TAG_OR_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.I | re.S)


def _lost_text(html: str, lines: list[str]) -> bool:
    """Did the tree lose most of the page's Chinese text (a tag soup too deep to parse)?"""
    seen = sum(han_count(ln) for ln in lines)
    if seen * th.MARKUP_PER_HAN >= len(html):  # plenty of text came through: no need to look closer
        return False
    raw = han_count(_TAG_OR_SCRIPT.sub(" ", html))
    return raw >= th.LOST_TEXT_MIN_HAN and seen < th.LOST_TEXT_SHARE * raw


def _block_lines(root: Any) -> list[str]:
    """Walk the tree and break lines at block elements (iterative: deep pages are common)."""
    parts: list[str] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        if event == "start":
            if not tag or tag in _SKIP:
                walker.skip_subtree()
                continue
            if tag in _BLOCK:
                parts.append("\n")
            if el.text:
                parts.append(_WS.sub(" ", el.text))
        else:
            if tag and tag not in _SKIP and tag in _BLOCK:
                parts.append("\n")
            if el.tail and el is not root:
                parts.append(_WS.sub(" ", el.tail))
    text = "".join(parts)
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def _text(el: Any) -> str:
    return _WS.sub(" ", el.text_content() or "").strip()


def _head_meta(root: Any) -> dict[str, str | None]:
    metas: dict[str, str] = {}
    for m in root.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        content = (m.get("content") or "").strip()
        if key and content and key not in metas:
            metas[key] = content
    page_title = None
    for t in root.iter("title"):
        page_title = _text(t) or None
        break
    h1s = [_text(h) for h in root.iter("h1")]
    h1s = [h for h in h1s if len(h) >= 4]
    og = metas.get("og:title") or metas.get("articletitle") or metas.get("title")
    title = _choose_title(h1s, og, page_title)
    date = None
    for key in _DATE_KEYS:
        if key in metas:
            date = parse_date(metas[key])
            if date:
                break
    if date is None:
        for t in root.iter("time"):
            date = parse_date(t.get("datetime") or _text(t))
            if date:
                break
    if date is None:
        date = _htmldate(root) or _script_date(root)
    source = metas.get("source") or metas.get("contentsource") or _site_name(metas.get("og:site_name"), root)
    author = metas.get("author") or metas.get("article:author")
    url = (
        metas.get("og:url")
        or next((lk.get("href") for lk in root.iter("link") if lk.get("rel") == "canonical"), None)
        or next((b.get("href") for b in root.iter("base")), None)
    )
    return {"title": title, "page_title": page_title, "date": date, "source": source, "author": author, "url": url}


# WeChat article pages fill their date in by script: ``var ct = "1705026600"`` or
# ``var createTime = '2024-01-12 10:30'``.
_SCRIPT_DATE = re.compile(r"""\b(?:var\s+)?(ct|createTime|create_time|publish_time|publishTime)\s*=\s*["']([^"']{8,25})["']""")


_NICKNAME = re.compile(r"""\bvar\s+nickname\s*=\s*["']([^"']{2,30})["']""")
_PLATFORMS = {"微信公众平台", "微信", "weixin", "wechat", "今日头条", "百家号", "搜狐号", "网易号"}


def _site_name(site: str | None, root: Any) -> str | None:
    """The site as an outlet; on a platform page (微信公众平台) the account that published it."""
    if site and site.strip().lower() not in _PLATFORMS:
        return site
    for el in root.iter():
        if el.get("id") == "js_name":
            name = _text(el)
            if name:
                return name
    for el in root.iter("script"):
        m = _NICKNAME.search(el.text or "")
        if m:
            return m.group(1)
    return None


def _script_date(root: Any) -> str | None:
    for el in root.iter("script"):
        for m in _SCRIPT_DATE.finditer(el.text or ""):
            found = parse_epoch(m.group(2)) or parse_date(m.group(2))
            if found:
                return found
    return None


def _htmldate(root: Any) -> str | None:
    """htmldate's reading of the markup only (JSON-LD, itemprop, meta variants we do not list).

    Its extensive search is left off: it reads ``2024年5月17日`` in the text as 2024-01-01
    (checked), and text dates are ours to read.
    """
    # Only the markup's own metadata: <head> and JSON-LD.  Given the body, htmldate also takes
    # dates from elements classed "date" anywhere, such as a related-reading list.
    parts = [lxml_html.tostring(el, encoding="unicode") for el in root.iter("head")]
    parts += [
        lxml_html.tostring(el, encoding="unicode")
        for el in root.iter("script")
        if (el.get("type") or "").lower() == "application/ld+json" and el.getparent() is not None
        and el.getparent().tag != "head"
    ]
    if not parts:
        return None
    try:
        from htmldate import find_date

        found = find_date("<html>" + "".join(parts) + "<body></body></html>", extensive_search=False, original_date=True)
    except Exception:  # noqa: BLE001 - a library failure means: no date from the markup
        return None
    return parse_date(found) if isinstance(found, str) else None


def _choose_title(h1s: list[str], og: str | None, page_title: str | None) -> str | None:
    """Prefer an <h1> that agrees with <title>/og:title; else og:title; else the longest <title> part."""
    refs = [r for r in (og, page_title) if r]
    for h in h1s:
        if any(h in r or r in h for r in refs):
            return h
    if og:
        return og.strip()
    if page_title:
        segs = [s for s in _TITLE_SEPS.split(page_title) if s.strip()]
        if segs:
            return max(segs, key=len).strip()
    return h1s[0] if h1s else None


def _trafilatura_lines(html: str) -> list[str]:
    try:
        import trafilatura

        out = trafilatura.extract(
            html, output_format="txt", include_comments=False, include_tables=True, favor_recall=True,
            fast=True,  # skip the readability/jusText fallbacks: same text on our pages, about 40% faster
        )
    except Exception:  # noqa: BLE001 - any extractor failure means: use the fallback
        return []
    if not out:
        return []
    return [ln.strip() for ln in out.split("\n") if ln.strip()]


def _captions(root: Any) -> frozenset[str]:
    """Texts the markup marks as picture captions: <figcaption>, alt/title of images,
    elements with a caption class, and a short block right after a picture-only block."""
    found: list[str] = []
    for el in root.iter():
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag:
            continue
        if tag == "img":
            found.extend(v for v in (el.get("alt"), el.get("title")) if v)
            continue
        cls = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
        if tag == "figcaption" or "caption" in cls:
            found.append(_text(el))
        elif tag in ("p", "div", "center") and _picture_only(el):
            nxt = el.getnext()
            if nxt is not None and isinstance(nxt.tag, str) and not _picture_only(nxt):
                found.append(_text(nxt))
    return frozenset(c for c in found if c and len(c) <= th.CAPTION_MAX)


# Text a reader never sees: hidden by inline style or the hidden attribute.  Pages use it to
# smuggle instructions to a model past the reader ("font-size:0", "display:none").
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|(?<![-\w])font-size\s*:\s*0*\.?0*(?:px|pt|em|rem|%)?\s*(?:;|$|!)"
    r"|(?<![-\w])opacity\s*:\s*0*\.?0*\s*(?:;|$|!)",
    re.I,
)
_HIDDEN_SHARE = 0.5  # a hidden block holding more of the page's text than this is a tab, kept


def drop_hidden(root: Any) -> int:
    """Remove elements hidden from the reader (their tail text, which is visible, stays);
    returns how many were removed."""
    hidden = [
        el for el in root.iter()
        if isinstance(el.tag, str) and (el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or ""))
    ]
    if not hidden:
        return 0
    total = len(root.text_content() or "")
    removed = 0
    for el in hidden:
        if el.getparent() is None or len(el.text_content() or "") > _HIDDEN_SHARE * total:
            continue
        el.drop_tree()  # lxml keeps the element's tail text in place
        removed += 1
    return removed


def _picture_only(el: Any) -> bool:
    return el.find(".//img") is not None and not _text(el)


@lru_cache(maxsize=8)
def _html_to_lines_cached(
    html: str,
) -> tuple[tuple[str, ...], tuple[tuple[str, str | None], ...], frozenset[str]]:
    root = _parse(html)
    if root is None:
        return (), (), frozenset()
    meta = _head_meta(root)
    hidden = drop_hidden(root)
    if hidden:  # trafilatura reads the markup again: give it the page without the hidden text
        html = lxml_html.tostring(root, encoding="unicode")
        meta["hidden"] = str(hidden)
    captions = _captions(root)
    full = _block_lines(root)
    meta.update(_page_facts(html, full))
    if _lost_text(html, full):
        flat = _flat_lines(html)
        return tuple(_restore_header(flat, flat, meta.get("title"))), tuple(meta.items()), captions
    main = _trafilatura_lines(html)
    full_chars = sum(len(x) for x in full)
    main_chars = sum(len(x) for x in main)
    # trafilatura may keep only a fragment of pages made of short paragraphs, and on pages laid
    # out with tables it flattens the layout table into "| … |" rows holding the whole article.
    enough = main_chars >= th.MAIN_TEXT_MIN or (main and main_chars >= th.MAIN_TEXT_SHARE * full_chars)
    use_main = enough and not _layout_table(main)
    lines = list(main) if use_main else list(full)
    if use_main:
        lines = _restore_header(lines, full, meta.get("title"))
    return tuple(lines), tuple(meta.items()), captions


# What the page says about itself outside the article, for dating it when nothing else does:
# the address a browser saved it from, a visible "本文地址：…" line, the copyright years.
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.I)
PAGE_URL_LINE = re.compile(r"(本文地址|原文地址|原文链接|本文链接|文章地址|文章链接|网页地址|网址|url)\s*[:：]?\s*(https?://\S+)", re.I)
COPYRIGHT = re.compile(r"版权所有|copyright|©|\(c\)", re.I)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def _page_facts(html: str, full: list[str]) -> dict[str, str | None]:
    saved = _SAVED_FROM.search(html, 0, 2000)
    url_line = next((m.group(2) for m in map(PAGE_URL_LINE.search, full) if m), None)
    years = [int(y) for ln in full if COPYRIGHT.search(ln) for y in _YEAR.findall(ln)]
    return {
        "saved_from": saved.group(1) if saved else None,
        "footer_url": url_line,
        "copyright_year": str(max(years)) if years else None,
    }


def _layout_table(lines: list[str]) -> bool:
    """Did trafilatura turn a page-layout table into one long table row (whole paragraphs in a cell)?"""
    return any(ln.startswith("|") and len(ln) > _LAYOUT_ROW for ln in lines)


def _headline_above(main: list[str], full: list[str]) -> list[str]:
    """The headline and date/source lines just above the article in the whole page, taken out of
    ``main`` (trafilatura sometimes puts them after the text): for pages whose markup names no
    title (or only the site)."""
    if not main or main[0] not in full:
        return []
    at = full.index(main[0])
    above = full[max(0, at - th.META_NEAR_TITLE) : at]
    heads = [i for i, ln in enumerate(above) if headline_like(ln) and not _META_HINT.search(ln)]
    if not heads:
        return []
    picked = [ln for ln in above[heads[-1] :] if ln == above[heads[-1]] or (_META_HINT.search(ln) and len(ln) < th.META_HINT_MAX)]
    for ln in picked:
        if ln in main[1:]:
            main.remove(ln)
    return picked


def _restore_header(main: list[str], full: list[str], title: str | None) -> list[str]:
    """Put the title line and the date/source line back in front of the main text."""
    if not title or site_name(title):
        lead = _headline_above(main, full)
        if lead:
            return lead + main
    head: list[str] = []
    if title and not any(title == ln or title in ln for ln in main[: th.HEADER_LINES]):
        head.append(title)
    if not any(_META_HINT.search(ln) and len(ln) < th.META_HINT_MAX for ln in main[: th.HEADER_LINES + 1]):
        # Look for a short date/source line near the title in the full page.
        start = 0
        if title:
            for i, ln in enumerate(full):
                if title in ln or ln in title and len(ln) >= 4:
                    start = i
                    break
        for ln in full[start : start + th.META_NEAR_TITLE]:
            if len(ln) < th.META_HINT_MAX and _META_HINT.search(ln) and ln not in main:
                head.append(ln)
                break
    return head + main


def html_to_lines(html: str) -> tuple[list[str], dict[str, str | None]]:
    """Main-text lines of an HTML page, and {title, page_title, date, source, author} from markup."""
    lines, meta, _ = _html_to_lines_cached(html)
    return list(lines), dict(meta)


def html_captions(html: str) -> frozenset[str]:
    """Picture captions and image alt texts found in the markup (whitespace folded)."""
    return _html_to_lines_cached(html)[2]
