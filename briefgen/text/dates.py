"""Calendar dates as Chinese news pages write them, read into ISO ``YYYY-MM-DD``.

Its own module because three stages need it (the HTML markup reader, the metadata
extractor, and the writers that print ``2024年5月17日``), and a lower module may not
reach up into a higher one.  Only full dates are read: a bare year or month is not a
publish date, and nothing here ever falls back to the clock.
"""

from __future__ import annotations

import datetime as dt
import re

# Years outside this range are page furniture (copyright lines of old templates, IDs), not dates.
FIRST_YEAR = 1980
LAST_YEAR = 2100

_DATE_PATTERNS = [
    re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"),
    re.compile(r"(?<!\d)(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?:T|\s|$)"),
]


def make_date(year: int, month: int, day: int) -> str | None:
    """ISO date, or None when the parts are not a real day in the accepted years."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str | None) -> str | None:
    """First valid calendar date in ``text`` as ISO YYYY-MM-DD, or None."""
    if not text:
        return None
    best: tuple[int, str] | None = None
    for rx in _DATE_PATTERNS:
        for m in rx.finditer(text):
            iso = make_date(*(int(g) for g in m.groups()))
            if iso is None:
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), iso)
            break
    return best[1] if best else None


def zh_date(iso: str) -> str:
    """An ISO date the way Chinese text writes it: ``2024-05-17`` -> ``2024年5月17日``
    (a bare year or anything else comes back unchanged)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso[:10])
    if not m:
        return iso
    y, mo, d = m.groups()
    return f"{y}年{int(mo)}月{int(d)}日"


# ----------------------------------------------------------- other forms

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
# "Thu, 09 Dec 2021 08:57:09 GMT" (RSS, HTTP, e-mail) and "9 December 2021".
_DAY_MONTH_YEAR = re.compile(r"(?<!\d)(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?,?\s+(\d{4})(?!\d)")
# "December 9, 2021" and "Dec. 9 2021".
_MONTH_DAY_YEAR = re.compile(r"\b([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})(?!\d)")


def parse_english_date(text: str | None) -> str | None:
    """A date written with an English month name, as ISO, or None."""
    if not text:
        return None
    for rx, order in ((_DAY_MONTH_YEAR, (2, 1, 0)), (_MONTH_DAY_YEAR, (2, 0, 1))):
        m = rx.search(text)
        if not m:
            continue
        parts = m.groups()
        month = _MONTHS.get(parts[order[1]].lower()[:3])
        if month:
            iso = make_date(int(parts[order[0]]), month, int(parts[order[2]]))
            if iso:
                return iso
    return None


def parse_any_date(text: str | None) -> str | None:
    """A full date in any form pages use: Chinese, numeric, ISO or with an English month name."""
    return parse_date(text) or parse_english_date(text)


# Dates inside URLs: /2024/0516/, /2024-05-16/, /20240516/, /202405/t20240516_...
_URL_DATES = [
    re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?=[_/.\-]|$)"),
    re.compile(r"/(20\d{2})[/-](\d{2})[/-]?(\d{2})(?=[/_.\-])"),
]


def url_date(url: str | None) -> str | None:
    """The date a URL path carries (news systems put it there), or None."""
    if not url:
        return None
    path = url.split("?", 1)[0]
    for rx in _URL_DATES:
        for m in rx.finditer(path):
            iso = make_date(*(int(g) for g in m.groups()))
            if iso:
                return iso
    return None


# "新华社合肥3月5日电", "中新网上海10月9日电", "本报北京5月7日讯": month and day, no year.
DATELINE = re.compile(
    r"^[（(]?(?P<outlet>新华社|中新社|中新网|人民网|央视网|本报|[^\s，,。（(]{2,8}?(?:社|网|报|台))"
    r"(?P<place>[^\s\d，,。（(]{0,8}?)(?P<month>\d{1,2})月(?P<day>\d{1,2})日(?:电|讯|消息)"
)


def dateline(text: str) -> tuple[str, str, int, int] | None:
    """(outlet, place, month, day) of an agency dateline at the start of ``text``, or None."""
    m = DATELINE.match(text.strip())
    if not m:
        return None
    month, day = int(m.group("month")), int(m.group("day"))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return m.group("outlet"), m.group("place"), month, day


# A year the text reports on ("2023年，全市…"), not a target or the end of a plan's range
# ("到2027年", "（2024—2026年）", "2030年前", "预计2026年", "2026年将…").
_YEAR = re.compile(r"(?<![到至\d—–\-~～])((?:19|20)\d{2})\s*年")
_TARGET_BEFORE = re.compile(r"(预计|力争|争取|计划|目标|有望|将|要|到|至|—|–|-)\s*$")
_TARGET_AFTER = re.compile(
    r"^\s*年?\s*(前|底前|以前|之前)?\s*[，,]?\s*(前|将|力争|要|有望|预计|计划|目标|全部|基本|建成|实现|达到|突破)"
)


def text_years(text: str) -> list[int]:
    """The years the text reports on, written as ``2023年`` (targets such as 到2027年 left out)."""
    out = []
    for m in _YEAR.finditer(text):
        if _TARGET_BEFORE.search(text[max(0, m.start() - 4) : m.start()]) or _TARGET_AFTER.match(
            text[m.end() : m.end() + 8]
        ):
            continue
        year = int(m.group(1))
        if FIRST_YEAR <= year <= LAST_YEAR:
            out.append(year)
    return out


def years_apart(iso: str, years: list[int], *, gap: int = 2) -> bool:
    """True when the text reports on years ``gap`` or more after the date's year (a 2011 date
    on a story about 2023): an article cannot report a year that had not begun, so such a date
    is a template's, a crawler's or a wrong reading.  Earlier years (retrospectives) are normal."""
    if not years:
        return False
    year = int(iso[:4])
    late = [y for y in years if y >= year + gap]
    return len(late) * 2 >= len(years)


# A Unix time in seconds or milliseconds ("1705026600", WeChat's ``var ct``): read in China's time
# zone (UTC+8), where the pages were published.
_EPOCH = re.compile(r"^\s*(\d{10})(\d{3})?\s*$")
_CHINA = dt.timezone(dt.timedelta(hours=8))


def parse_epoch(text: str | None) -> str | None:
    """A Unix timestamp standing alone as an ISO date (China time), or None."""
    m = _EPOCH.match(text or "")
    if not m:
        return None
    day = dt.datetime.fromtimestamp(int(m.group(1)), tz=_CHINA).date()
    return make_date(day.year, day.month, day.day)
