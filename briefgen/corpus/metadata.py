"""Title, publish date, source outlet, author and cities of one cleaned page, and where each came from.

The date and outlet come from the page's front matter, its markup (carried in
``Cleaned.page_meta``), its own date/source lines (moved out of the body by
cleaning), an agency dateline or the page's URL; never from dates inside
related-reading lists and never from the clock: a page without a date gets None.
A date briefgen is unsure of says so (``date_confidence`` and a warning), and a
date years apart from the years the text reports is flagged rather than trusted.
Every field's origin is kept in ``provenance`` so an editor can judge it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from briefgen.core.types import Cleaned, RawFile
from briefgen.corpus.cities import City, home_city, load_cities, rank_cities, with_home_city
from briefgen.corpus.rules import meta_label
from briefgen.corpus.sources import author_of, source_of
from briefgen.corpus.titles import tidy_title
from briefgen.text.dates import (
    dateline,
    make_date,
    parse_any_date,
    parse_date,
    parse_epoch,
    text_years,
    url_date,
    years_apart,
    zh_date,
)

__all__ = ["City", "Metadata", "extract", "load_cities", "parse_date", "rank_cities", "zh_date"]

_LABELLED_DATE = re.compile(r"(发布|发表|发稿|更新|时间|日期)")
_URL = re.compile(r"https?://[^\s<>\"'）)]+")
_URL_LINE = re.compile(r"(本文地址|原文地址|原文链接|本文链接|文章地址|文章链接|网址|url)", re.I)
_COPYRIGHT = re.compile(r"(版权所有|copyright|©|\(c\))", re.I)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


@dataclass
class Metadata:
    title: str | None
    date: str | None
    source: str | None
    author: str | None
    cities: list[str] = field(default_factory=list)
    provenance: dict[str, str | None] = field(default_factory=dict)
    date_confidence: str | None = None  # "high" | "medium" | "low" | None (no date)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Date:
    iso: str | None = None
    origin: str | None = None
    confidence: str | None = None


# -------------------------------------------------------------------- dates


def _page_urls(cleaned: Cleaned) -> list[str]:
    """The page's own address: front matter or markup, the address the browser saved it from,
    then a visible "本文地址：…" line."""
    pm = cleaned.page_meta
    urls = [u for u in (pm.get("url"), pm.get("saved_from"), pm.get("footer_url")) if u]
    for _, line in cleaned.dropped:
        if _URL_LINE.search(line):
            urls.extend(_URL.findall(line))
    return urls


def _copyright_year(cleaned: Cleaned) -> int | None:
    years = [int(y) for _, line in cleaned.dropped if _COPYRIGHT.search(line) for y in _YEAR.findall(line)]
    if cleaned.page_meta.get("copyright_year"):  # HTML: read from the whole page, footer included
        years.append(int(str(cleaned.page_meta["copyright_year"])))
    return max(years) if years else None


def _dateline_date(cleaned: Cleaned, urls: list[str]) -> _Date:
    """``新华社合肥3月8日电``: month and day from the dateline, the year from the URL, the
    copyright line or the text's latest reported year (the less sure, the lower the confidence)."""
    found = next((d for d in (dateline(line) for line in cleaned.lines[:2]) if d), None)
    if found is None:
        return _Date()
    _, _, month, day = found
    url_years = [int(u[:4]) for u in map(url_date, urls) if u]
    reported = text_years("\n".join(cleaned.lines))
    candidates = [
        (url_years[0] if url_years else None, "medium"),
        (_copyright_year(cleaned), "low"),
        (max(reported) if reported else None, "low"),
    ]
    for year, confidence in candidates:
        iso = make_date(year, month, day) if year else None
        if iso:
            return _Date(iso, "dateline", confidence)
    return _Date()


def _find_date(cleaned: Cleaned) -> _Date:
    pm = cleaned.page_meta
    if pm.get("date_from") in ("front-matter", "meta"):
        iso = parse_any_date(pm.get("date")) or parse_epoch(pm.get("date"))
        if iso:
            return _Date(iso, pm["date_from"], "high")
    for line in cleaned.meta_lines:
        iso = parse_any_date(line)
        if iso:
            return _Date(iso, "text", "high" if _LABELLED_DATE.search(line) or meta_label(line) else "medium")
    urls = _page_urls(cleaned)
    found = _dateline_date(cleaned, urls)
    if found.iso:
        return found
    for url in urls:
        iso = url_date(url)
        if iso:
            return _Date(iso, "url", "medium")
    return _Date()


def _checked_date(cleaned: Cleaned) -> tuple[_Date, list[str]]:
    """The date, lowered to "low" confidence with a warning when it is unsure or years off."""
    found = _find_date(cleaned)
    warnings: list[str] = []
    if found.iso and years_apart(found.iso, text_years("\n".join(cleaned.lines))):
        found.confidence = "low"
        warnings.append(f"date {found.iso} ({found.origin}) lies years apart from the years the article reports: check it")
    elif found.iso and found.confidence == "low":
        warnings.append(f"date {found.iso} is uncertain: the {found.origin} gives no year; the year was taken from the page")
    return found, warnings


# -------------------------------------------------------------------- main


def _title(cleaned: Cleaned) -> tuple[str | None, str | None]:
    title = tidy_title(cleaned.title)
    return title, (cleaned.page_meta.get("title_from") or "text") if title else None


def _cities(cleaned: Cleaned, title: str | None, source: str | None) -> tuple[list[str], str | None]:
    ranked = rank_cities(title, cleaned.lines)
    found = next((d for d in (dateline(line) for line in cleaned.lines[:2]) if d), None)
    hints = [("dateline", found[1] if found else None), ("outlet", source), ("title", title)]
    home = home_city(cleaned.lines, hints)
    cities = with_home_city(ranked, home[0] if home else None, cleaned.lines)
    if home and cities != ranked:
        return cities, home[1]
    return cities, "text" if cities else None


def extract(cleaned: Cleaned, raw: RawFile | None = None) -> Metadata:
    """Metadata of a cleaned page with the origin of each field.

    ``raw`` is accepted for callers of the old signature; the markup's metadata now
    travels with the cleaned page (``Cleaned.page_meta``), so nothing is parsed twice.
    """
    title, title_from = _title(cleaned)
    date, warnings = _checked_date(cleaned)
    source, source_from = source_of(cleaned.meta_lines, cleaned.lines, cleaned.page_meta)
    author, author_from = author_of(cleaned.meta_lines, cleaned.page_meta)
    cities, cities_from = _cities(cleaned, title, source)
    provenance = {
        "title": title_from, "date": date.origin, "source": source_from, "author": author_from, "cities": cities_from,
    }
    return Metadata(
        title=title,
        date=date.iso,
        source=source or None,
        author=author or None,
        cities=cities,
        provenance=provenance,
        date_confidence=date.confidence,
        warnings=warnings,
    )
