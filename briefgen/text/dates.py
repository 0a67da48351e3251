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
