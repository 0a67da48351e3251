"""When two quantities are the same figure, and how a quantity reads in English.

Equality and the English spelling live together because the verifier and the
extractive engine must agree on both: a figure the extractive engine writes as
"CNY 46.22 billion" must be one the verifier accepts as 462.2亿元.
"""

from __future__ import annotations

import math
import re

from briefgen.core.types import Quantity
from briefgen.text.numlex import unit_info, unit_kind
from briefgen.text.numwords import decimals, number_value

_COUNT_KINDS = {"count", ""}
_AREA_M2 = {"km2": 1e6, "m2": 1.0, "ha": 1e4, "mu": 10000 / 15}


_RANGE_SPLIT = re.compile(r"\s*(?:-|–|—|~|至|到|\bto\b)\s*")


def _precision(q: Quantity) -> float:
    """Half of this is how far a value may be off and still be the same written number."""
    if q.unit == "ratio":
        return 0.0
    first = _RANGE_SPLIT.split(q.number)[0]
    base = number_value(first)
    d = decimals(first)
    lo = q.low if q.low is not None else q.value
    factor = lo / base if base else 1.0
    return (10.0**-d) * abs(factor)


def _comparable(a: Quantity, b: Quantity) -> tuple[float, float] | None:
    """Scale factors that bring a and b to one unit, or None if they measure different things."""
    ka, kb = unit_kind(a.unit), unit_kind(b.unit)
    if a.unit == b.unit:
        return 1.0, 1.0
    if ka in _COUNT_KINDS and kb in _COUNT_KINDS:
        return 1.0, 1.0
    if (ka == "" and kb == "money") or (ka == "money" and kb == ""):
        return 1.0, 1.0
    if ka == kb == "area":
        return _AREA_M2[a.unit], _AREA_M2[b.unit]
    if {ka, kb} == {"ratio", "percent"}:  # 四成 = 40% = two-fifths
        return (100.0 if ka == "ratio" else 1.0), (100.0 if kb == "ratio" else 1.0)
    if {ka, kb} <= {"multiple", "count"}:  # "held 16 times" = 16届
        return 1.0, 1.0
    if {ka, kb} <= {"rank", "count", ""}:  # 百强 = "top 100"
        return 1.0, 1.0
    return None


def same_quantity(a: Quantity, b: Quantity) -> bool:
    """Same unit (after conversion) and equal within the rounding of the less precise spelling."""
    scale = _comparable(a, b)
    if scale is None:
        return False
    sa, sb = scale
    if (a.high is None) != (b.high is None):
        return False
    tol = max(_precision(a) * sa, _precision(b) * sb) / 2
    if a.unit != b.unit and unit_kind(a.unit) == "area":  # mu/ha conversions are not exact
        tol = max(tol, 0.005 * max(abs(a.value * sa), abs(b.value * sb)))

    def close(x: float, y: float) -> bool:
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12) or abs(x - y) <= tol * (1 + 1e-9)

    lo_a = a.low if a.low is not None else a.value
    lo_b = b.low if b.low is not None else b.value
    if not close(lo_a * sa, lo_b * sb):
        return False
    if a.high is not None and b.high is not None:
        return close(a.high * sa, b.high * sb)
    return True


# ------------------------------------------------------------------ English

_QUAL_EN = {
    "approx": "about",
    "over": "over",
    "nearly": "nearly",
    "at least": "at least",
    "at most": "up to",
}
_CUR_EN = {"CNY": "CNY", "USD": "USD", "EUR": "EUR", "HKD": "HKD", "JPY": "JPY"}
_AREA_EN = {"km2": "km²", "m2": "m²", "mu": "mu", "ha": "ha", "km": "km"}


def _fmt_num(x: float, digits: int = 6) -> str:
    """Shortest plain spelling: 46.22, 120, 7,000 (no exponent, no float noise)."""
    r = round(x, digits)
    if r == int(r):
        return f"{int(r):,}"
    s = f"{r:,.{digits}f}".rstrip("0").rstrip(".")
    return s


def _fmt_scaled(lo: float, hi: float | None) -> str:
    top = max(abs(lo), abs(hi or 0))
    for size, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if top >= size:
            s = _fmt_num(lo / size)
            return (s + "-" + _fmt_num(hi / size) if hi is not None else s) + word
    s = _fmt_num(lo)
    return s + "-" + _fmt_num(hi) if hi is not None else s


def format_en(q: Quantity) -> str:
    """English for a quantity: "CNY 46.22 billion", "about 44 km²", "3-5", "15%", "1/7"."""
    qual = _QUAL_EN.get(q.qualifier or "", "")
    lo = q.low if q.low is not None else q.value
    hi = q.high
    kind = unit_kind(q.unit)
    if q.unit == "ratio":
        body = q.number if re.fullmatch(r"\d+/\d+", q.number) else _ratio_text(q.value)
    elif q.unit in _CUR_EN:
        body = f"{_CUR_EN[q.unit]} {_fmt_scaled(lo, hi)}"
    elif kind == "percent":
        body = f"{_fmt_num(lo)}%" + (f"-{_fmt_num(hi)}%" if hi is not None else "")
    elif kind == "pp":
        body = _fmt_scaled(lo, hi) + " percentage points"
    elif q.unit in _AREA_EN:
        body = f"{_fmt_scaled(lo, hi)} {_AREA_EN[q.unit]}"
    else:
        u = unit_info(q.unit)
        noun = u.en if u else ""
        if noun and lo == 1 and hi is None and noun.endswith("s"):
            noun = noun[:-1]
        body = _fmt_scaled(lo, hi) + (f" {noun}" if noun else "")
    return f"{qual} {body}".strip()


def _ratio_text(v: float) -> str:
    for den in range(2, 101):
        num = round(v * den)
        if num and abs(num / den - v) < 1e-9:
            return f"{num}/{den}"
    return _fmt_num(v, 4)
