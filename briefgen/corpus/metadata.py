"""Title, publish date, source outlet, author and cities of one cleaned page.

The date and outlet come from the page's own date/source lines (moved out of the
body by cleaning) or the HTML markup, never from dates inside related-reading
lists and never from the clock: a page without a date gets None.  Cities are
prefecture-level names from ``data/cities.tsv`` ranked by salience (title
mentions, frequency, early position); cities mentioned only in passing are left
out, so the list says what the article is about.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from briefgen.core.paths import DATA_DIR
from briefgen.core.types import Cleaned, RawFile
from briefgen.corpus.vocab import city_rule, label_alternation, labels_of, zones
from briefgen.text.dates import parse_date, zh_date
from briefgen.text.script import HAN

__all__ = ["City", "Metadata", "extract", "load_cities", "parse_date", "rank_cities", "zh_date"]

# ------------------------------------------------------------ source, author

_FIELD = re.compile(rf"({label_alternation()})\s*[:：|｜丨]\s*")
_SOURCE_LABELS = labels_of("source")
_AUTHOR_LABELS = labels_of("author")
_ROLE_WORDS = re.compile(r"^(本报记者|特约记者|见习记者|首席记者|记者|通讯员|作者)\s*")
_OUTLET = rf"[{HAN}·]{{2,12}}?(?:日报|晚报|早报|时报|商报|快报|新闻网|网|电视台|广播电视台|广播电台|新闻社|通讯社|客户端)"
_BODY_SOURCE = [
    re.compile(rf"^(?:[(（]?)({_OUTLET}|新华社|中新社)\s*(?:讯|电|消息)"),
    re.compile(rf"(?:据|来自)\s*《?({_OUTLET}|新华社|中新社)》?\s*(?:报道|消息)"),
    re.compile(rf"接受\s*《?({_OUTLET})》?\s*(?:记者|采访|专访)"),
]
_VALUE_JUNK = re.compile(r"(收集|整理|编辑|转载|原创|供稿人)$")


def _fields(line: str) -> list[tuple[str, str, int]]:
    """(label, value, number of labels in line) for each labelled field of a meta line."""
    ms = list(_FIELD.finditer(line))
    out = []
    for k, m in enumerate(ms):
        end = ms[k + 1].start() if k + 1 < len(ms) else len(line)
        value = line[m.end() : end].strip(" |｜丨:：")
        out.append((m.group(1), value, len(ms)))
    return out


def _clean_value(v: str) -> str | None:
    v = re.split(r"\s{2,}|\s(?=\S+[:：])", v.strip())[0].strip() if v else ""
    v = _VALUE_JUNK.sub("", v).strip(" ,，。.;；")
    if not v or len(v) > 30 or parse_date(v):
        return None
    return v


def _source(meta_lines: list[str], body: list[str], html_source: str | None) -> str | None:
    standalone: list[str] = []
    embedded: list[str] = []
    for line in meta_lines:
        for label, value, count in _fields(line):
            if label in _SOURCE_LABELS:
                v = _clean_value(value)
                if v:
                    (standalone if count == 1 else embedded).append(v)
    for v in standalone + embedded:
        return v
    for line in body[:3]:
        for rx in _BODY_SOURCE:
            m = rx.search(line)
            if m:
                return m.group(1)
    if html_source:
        return _clean_value(html_source)
    return None


def _author(meta_lines: list[str], html_author: str | None) -> str | None:
    for line in meta_lines:
        for label, value, _ in _fields(line):
            if label in _AUTHOR_LABELS:
                v = _ROLE_WORDS.sub("", value.strip())
                name = re.split(r"[\s、,，/]+", v)[0] if v else ""
                name = _clean_value(name) or ""
                if name:
                    return name
        m = re.match(r"^[(（]?(?:本报记者|记者)\s*(\S{2,4})", line)
        if m:
            return m.group(1)
    return _clean_value(html_author) if html_author else None


# ------------------------------------------------------------------- cities

@dataclass(frozen=True)
class City:
    zh: str
    en: str
    province: str


@lru_cache(maxsize=1)
def load_cities() -> dict[str, City]:
    """The gazetteer (short simplified name -> City), read once per process."""
    path = DATA_DIR / "cities.tsv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return {r["zh"]: City(r["zh"], r["en"], r["province_zh"]) for r in rows}


@lru_cache(maxsize=1)
def _city_regex() -> re.Pattern[str]:
    names = sorted(list(load_cities()) + list(zones()), key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names))




def _weight(text: str, start: int, end: int) -> float:
    """How much one mention says the article is about this city."""
    before = text[max(0, start - 2) : start]
    if any(before.endswith(w) for w in city_rule("counterpart-before")) or text[end : end + 1] == "、":
        return 0.3
    return 1.0


def _mentions(text: str) -> list[tuple[str, int, float]]:
    """(city, position, weight) for each city mention in ``text``."""
    out = []
    for m in _city_regex().finditer(text):
        name, end = m.group(0), m.end()
        city = zones().get(name, name)
        after = text[end : end + 2]
        before = text[max(0, m.start() - 2) : m.start()]
        if name in city_rule("needs-suffix") and not after.startswith("市"):
            continue
        if any(after.startswith(w) for w in city_rule("not-after")) or any(
            before.endswith(w) for w in city_rule("not-before")
        ):
            continue
        out.append((city, m.start(), _weight(text, m.start(), end)))
    return out


def rank_cities(title: str | None, body: list[str], *, keep_ratio: float = 0.35) -> list[str]:
    """Cities the article is about, most salient first."""
    text = "\n".join(body)
    counts: Counter[str] = Counter()
    weights: dict[str, float] = {}
    first: dict[str, int] = {}
    for city, pos, w in _mentions(text):
        counts[city] += 1
        weights[city] = weights.get(city, 0.0) + w
        first.setdefault(city, pos)
    in_title = {c for c, _, w in _mentions(title or "") if w == 1.0}
    if not counts and not in_title:
        return []
    total = max(1, len(text))
    score: dict[str, float] = {}
    for city in set(counts) | in_title:
        s = weights.get(city, 0.0)
        if city in in_title:
            s += 2.0 + 0.25 * s
        if city in first and first[city] < 0.15 * total:
            s += 1.0
        score[city] = s
    top = max(score.values())
    ranked = sorted(score, key=lambda c: (-score[c], first.get(c, total)))
    keep = [c for c in ranked if score[c] >= keep_ratio * top and (counts[c] >= 2 or c in in_title)]
    return keep or ranked[:1]


# -------------------------------------------------------------------- main


@dataclass
class Metadata:
    title: str | None
    date: str | None
    source: str | None
    author: str | None
    cities: list[str] = field(default_factory=list)


def extract(cleaned: Cleaned, raw: RawFile | None = None) -> Metadata:
    """Metadata of a cleaned page (the page's own markup first where it has the field).

    ``raw`` is accepted for callers of the old signature; the markup's metadata now
    travels with the cleaned page (``Cleaned.page_meta``).
    """
    html = cleaned.page_meta
    date = html.get("date")
    if not date:
        for line in cleaned.meta_lines:
            date = parse_date(line)
            if date:
                break
    source = _source(cleaned.meta_lines, cleaned.lines, html.get("source"))
    author = _author(cleaned.meta_lines, html.get("author"))
    cities = rank_cities(cleaned.title, cleaned.lines)
    return Metadata(
        title=cleaned.title or None,
        date=date,
        source=source or None,
        author=author or None,
        cities=cities,
    )
