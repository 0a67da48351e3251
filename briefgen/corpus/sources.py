"""The outlet and the author of a page, from its date/source lines, datelines and markup.

Why its own module: the outlet is written in many ways (``来源：``, ``文章来源:``,
``本报讯``, ``新华社合肥3月8日电``, ``深圳商报 · 2024年3月5日``, ``<meta name="source">``)
and a spam word glued to a label must not become a source.  Each finder returns
the value and where it came from, for ``provenance`` in the ingest JSON.
"""

from __future__ import annotations

import re

from briefgen.corpus import thresholds as th
from briefgen.corpus.rules import COUNTER, HEX_ID, OUTLET, pattern, spam_word
from briefgen.corpus.vocab import label_alternation, labels_of
from briefgen.text.dates import DATELINE, parse_any_date

Found = tuple[str | None, str | None]  # (value, provenance)

_FIELD = re.compile(rf"({label_alternation()})\s*[:：|｜丨]\s*")
_ROLE_WORDS = re.compile(r"^.{0,12}?(本报记者|特约记者|见习记者|首席记者|记者|通讯员|作者)\s*")
_AGENCY = r"新华社|中新社|中新网"
_OUTLET_PIECE = re.compile(rf"^(?:{OUTLET}|{_AGENCY})$")
_BODY_SOURCE = [
    re.compile(rf"^(?:[(（]?)({OUTLET}|{_AGENCY})\s*(?:讯|电|消息)"),
    re.compile(rf"(?:据|来自)\s*《?({OUTLET}|{_AGENCY})》?\s*(?:报道|消息)"),
    re.compile(rf"接受\s*《?({OUTLET})》?\s*(?:记者|采访|专访)"),
]
_VALUE_JUNK = re.compile(r"(收集|整理|编辑|转载|原创|供稿人)$")
_CLOSE = re.compile(r"[】\]）)》>]")
_OUTLET_REPORTER = re.compile(rf"^({OUTLET})(?:记者|通讯员)$")
_PIECE_SEP = re.compile(r"\s*(?:[·•|｜丨]|\s)\s*")
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_DATE_TEXT = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?")


def fields(line: str) -> list[tuple[str, str, int]]:
    """(label, value, number of labels in line) for each labelled field of a meta line."""
    ms = list(_FIELD.finditer(line))
    out = []
    for k, m in enumerate(ms):
        end = ms[k + 1].start() if k + 1 < len(ms) else len(line)
        value = line[m.end() : end].strip(" |｜丨:：")
        out.append((m.group(1), value, len(ms)))
    return out


def plausible(value: str | None) -> str | None:
    """A field value that can name an outlet or a person: short, no date, no spam or widget word."""
    v = value.strip(" 【】[]（）()《》<>") if value else ""
    v = v.split()[0] if v else ""  # "北京日报 e3b7a9…", "合肥晚报 2019-08-13 00:44"
    v = _CLOSE.split(v)[0].strip("【[（(《<")  # "江淮晨报】【作者：…" -> "江淮晨报"
    v = _VALUE_JUNK.sub("", v).strip(" ,，。.;；")
    if not v or len(v) > th.META_VALUE_MAX or "://" in v or v.startswith("www.") or parse_any_date(v):
        return None
    low = v.lower()
    if spam_word(low) or pattern("widget").search(low):
        return None
    return v


def _labelled(meta_lines: list[str], labels: frozenset[str]) -> str | None:
    standalone: list[str] = []
    embedded: list[str] = []
    for line in meta_lines:
        for label, value, count in fields(line):
            v = plausible(value) if label in labels else None
            if v:
                (standalone if count == 1 else embedded).append(v)
    found = standalone + embedded
    return found[0] if found else None


def _outlet_piece(meta_lines: list[str]) -> str | None:
    """An outlet standing alone in a dated line: ``深圳商报 · 2024年3月5日 · 阅读 5632``."""
    for line in meta_lines:
        rest = COUNTER.sub(" ", HEX_ID.sub(" ", _TIME.sub(" ", _DATE_TEXT.sub(" ", line))))
        for piece in _PIECE_SEP.split(rest):
            if _OUTLET_PIECE.match(piece) and plausible(piece):
                return piece
            reporter = _OUTLET_REPORTER.match(piece)  # "江淮晨报记者 王平"
            if reporter and plausible(reporter.group(1)):
                return reporter.group(1)
    return None


def _body_source(body: list[str]) -> Found:
    for line in body[:3]:
        m = DATELINE.match(line.strip())
        if m and m.group("outlet") != "本报":
            return m.group("outlet"), "dateline"
        for rx in _BODY_SOURCE:
            found = rx.search(line)
            if found:
                return found.group(1), "text"
    return None, None


def source_of(meta_lines: list[str], body: list[str], page_meta: dict[str, str | None]) -> Found:
    """The outlet: front matter, then labelled and dated lines, the lead, and the markup last."""
    if page_meta.get("source_from") == "front-matter" and plausible(page_meta.get("source")):
        return plausible(page_meta.get("source")), "front-matter"
    for value in (_labelled(meta_lines, labels_of("source")), _outlet_piece(meta_lines)):
        if value:
            return value, "text"
    found = _body_source(body)
    if found[0]:
        return found
    markup = plausible(page_meta.get("source"))
    return (markup, "meta") if markup else (None, None)


def _person(value: str) -> str | None:
    v = _ROLE_WORDS.sub("", value.strip())
    name = re.split(r"[\s、,，/]+", v)[0] if v else ""
    return plausible(name)


def author_of(meta_lines: list[str], page_meta: dict[str, str | None]) -> Found:
    """The author: a labelled field or a byline, else front matter or markup."""
    for line in meta_lines:
        for label, value, _ in fields(line):
            name = _person(value) if label in labels_of("author") else None
            if name:
                return name, "text"
        m = re.match(r"^[(（]?(?:本报记者|记者)\s*(\S{2,4})", line)
        if m:
            return m.group(1), "text"
    raw = page_meta.get("author")
    name = _person(raw) if raw else None
    if name:
        return name, "front-matter" if page_meta.get("author_from") == "front-matter" else "meta"
    return None, None
