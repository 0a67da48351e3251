"""Figure-by-figure comparison of a claim with the excerpts it cites.

A number that occurs somewhere in the cited text is not enough: the claim must
keep what the text binds that number to.  For every figure a claim states (in
Chinese and in English) some occurrence of the same figure in a cited excerpt
must agree on all of: the qualifier (约/近/超过/以上/最高 … about/nearly/over/
up to), whether it is a target, a forecast or achieved, the year it belongs to,
the city it belongs to, and, in Chinese, the words that label it when a sentence
lists several figures.  Each rejection names what differs, so an editor can see
why a claim was held back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from briefgen.core.types import Excerpt, Quantity
from briefgen.evidence.figurecontext import (
    Figure,
    continues,
    list_slots,
    month_days,
    paragraph_end,
    read_figures,
)
from briefgen.text.numbers import LEXICONS, same_quantity, unit_info

_SAME_HEDGE = ({"over", "at least"},)  # 约 is not 近: "about 40%" misstates 近四成
_LABEL_MARGIN = 0.25  # how much better another figure's wording must fit to call it a swap
_LABEL_MIN = 0.5


def _qualifier_ok(claim: str | None, source: str | None) -> bool:
    """Hedges must agree: 超过 ~ over/more than/at least, 约/近 ~ about/nearly; a claim may
    add "about" to an exact figure, and 千亿级 is met by a plain "100-billion-yuan"."""
    if claim == source or (source == "graded" and claim in (None, "approx", "nearly")):
        return True
    if source == "breakthrough":
        return claim in (None, "over", "at least")
    if claim and source and any(claim in g and source in g for g in _SAME_HEDGE):
        return True
    return claim == "approx" and source is None


def _modality_ok(claim: str, source: str) -> bool:
    """ "will"/将 fits anything; a claim without a cue fits an achieved figure and a target
    carried from an earlier sentence (target*), not a target or forecast stated with the
    figure; a claim that says "has"/已 must not meet a target."""
    if "future" in (claim, source) or claim == source.rstrip("*"):
        return True
    if claim == "unmarked":
        return source in ("achieved", "target*")
    if claim == "achieved":
        return source == "unmarked"
    return False


def _differences(c: Figure, s: Figure) -> list[str]:
    out = []
    if not _qualifier_ok(c.qualifier, s.qualifier):
        had = "none" if s.qualifier in (None, "graded") else s.qualifier
        out.append(f"qualifier {c.qualifier or 'none'} where the cited text has {had}")
    if s.qualifier != "graded" and not _modality_ok(c.modality, s.modality):
        said = "achieved" if c.modality == "unmarked" else c.modality
        gave = "achieved" if s.modality == "unmarked" else s.modality.rstrip("*")
        out.append(f"stated as {said} where the cited text gives a {gave} figure")
    if c.years and not c.years & s.years:
        given = ", ".join(map(str, sorted(s.years))) or "no year"
        out.append(
            f"year {', '.join(map(str, sorted(c.years)))} where the cited text gives {given}"
        )
    if c.place and s.place and c.place != s.place:
        out.append(f"attributed to {c.place} where the cited text gives it for {s.place}")
    elif c.place and c.place_named and s.part and not c.part:
        out.append(
            f"attributed to all of {c.place} where the cited text gives it for a district (全区)"
        )
    return out


def _kind(unit: str) -> str:
    u = unit_info(unit)
    return u.kind if u else unit


def _overlap(claim: frozenset[str], source: frozenset[str]) -> float:
    return len(claim & source) / len(claim) if claim else 0.0


def _label_reason(c: Figure, fits: list[tuple[str, Figure]], sources: list[tuple[str, Figure]],
                  matches: list[tuple[str, Figure]]) -> str | None:  # fmt: skip
    """A figure whose wording fits another figure of the same kind in the same cited
    paragraph much better than the one it agrees with (上市5家、拟上市25家; 近1000家 …
    超过1000家): a swapped list position, or a hedge taken from a neighbour."""
    if not c.label:
        return None
    own = max((_overlap(c.label, s.label) for _, s in fits), default=0.0)
    where = {eid for eid, _ in fits}
    kept = {id(s) for _, s in fits}
    rivals = [
        s for eid, s in sources
        if eid in where and id(s) not in kept and _kind(s.q.unit) == _kind(c.q.unit)
    ]  # fmt: skip
    best = max(rivals, key=lambda s: _overlap(c.label, s.label), default=None)
    if best is None:
        return None
    score = _overlap(c.label, best.label)
    if score < _LABEL_MIN or score < own + _LABEL_MARGIN:
        return None
    if any(best is s for _, s in matches):
        return f"number {c.q.raw.strip()}: " + "; ".join(_differences(c, best))
    return f"number {c.q.raw.strip()}: the claim's wording fits the cited figure {best.q.raw.strip()}, not this one"


_ROMAN = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V", "Ⅵ": "VI"}


def _item_positions(text: str, items: Sequence[str]) -> list[tuple[int, str]]:
    out = []
    for item in items:
        forms = {item, _ROMAN.get(item, item)}
        for form in forms:
            pat = re.escape(form) if not form.isascii() else r"\b" + re.escape(form) + r"\b"
            out += [(m.start(), item) for m in re.finditer(pat, text)]
    return out


def _slot_reason(
    c: Figure, text: str, fits: list[tuple[str, Figure]], cited: Sequence[Excerpt]
) -> str | None:
    """In 按Ⅰ、Ⅱ、Ⅲ期分别给予300万元、800万元、1500万元 each figure belongs to one item; a
    claim naming another item next to the figure has swapped them."""
    slotted = [s for _, s in fits if s.slot]
    if not slotted or re.search(r"分别|respectively", text):
        return None
    items = next(
        (its for e in cited for its, _ in list_slots(e.text) if slotted[0].slot in its), ()
    )
    named = _item_positions(text, items)
    if not named:
        return None
    nearest = min(named, key=lambda p: abs(p[0] - c.q.start))[1]
    if any(s.slot == nearest for s in slotted):
        return None
    return f"number {c.q.raw.strip()}: the cited text gives it for {slotted[0].slot}, not {nearest}"


def _bound(q: Quantity) -> bool:
    """Figures worth binding: not durations ("over three years") nor small counts written
    as words (两条, 一年), which carry no year, place or hedge of their own."""
    u = unit_info(q.unit)
    if u is not None and u.kind == "duration":
        return False
    spelled = not re.search(r"\d", q.number)
    return not (spelled and q.value <= 10 and u is not None and u.kind == "count")


def _language(text: str) -> str:
    """Read by what the text is, not by the field it came in (engines check one side at a time)."""
    return "zh" if re.search(r"[\u4e00-\u9fff]", text) else "en"


def _claim_figures(
    texts: Mapping[str, str], years: tuple[int, ...], place: str | None
) -> list[tuple[str, Figure]]:
    """The claim's figures in both languages; a figure one side leaves unmarked takes the
    target/forecast the other side states for the same number (a bilingual claim says it once)."""
    by_lang = {
        lang: [f for f in read_figures(t, lang, years, place, "claim") if _bound(f.q)]
        for lang, t in texts.items()
    }
    out = []
    for lang, figs in by_lang.items():
        others = [f for other, fs in by_lang.items() if other != lang for f in fs]
        for f in figs:
            if f.modality == "unmarked":
                marked = [
                    o.modality
                    for o in others
                    if o.modality != "unmarked" and same_quantity(f.q, o.q)
                ]
                if marked:
                    f = replace(f, modality=marked[0])
            out.append((lang, f))
    return out


def _source_figures(cited: Sequence[Excerpt], years: tuple[int, ...],
                    doc_cities: Mapping[str, Sequence[str]]) -> list[tuple[str, Figure]]:  # fmt: skip
    out: list[tuple[str, Figure]] = []
    by_n = {(e.doc_id, e.n): e for e in cited}
    for e in cited:
        cities = doc_cities.get(e.doc_id, ())
        place = cities[0].removesuffix("市") if len(cities) == 1 else None
        before = by_n.get((e.doc_id, e.n - 1))
        carry = (
            paragraph_end(before.text, years) if before and continues(e.text) else ("unmarked", ())
        )
        out.extend((e.id, f) for f in read_figures(e.text, "zh", years, place, "source", carry))
    return out


def _quotes(text: str, cited: Sequence[Excerpt]) -> bool:
    """A claim that copies a sentence of the cited text word for word (the extractive
    engine's key sentences) states its figures with the source's own framing."""
    body = text.strip().rstrip("。.")
    return len(body) >= 8 and any(body in e.text for e in cited)


def binding_reasons(texts: Mapping[str, str], cited: Sequence[Excerpt], extra_years: Iterable[int], *,
                    city: str | None = None, doc_cities: Mapping[str, Sequence[str]]) -> list[str]:  # fmt: skip
    """Why figures of the claim (``texts``: "zh" and "en" text) differ from the same
    figures in the cited excerpts; empty when every figure keeps its bindings."""
    years = tuple(sorted(set(extra_years)))
    sources = _source_figures(cited, years, doc_cities)
    place = city.removesuffix("市") if city else None
    reasons: list[str] = []
    quoted = {lang for lang, t in texts.items() if _quotes(t, cited)}
    for lang, c in _claim_figures(texts, years, place):
        if lang in quoted:
            continue
        matches = [(eid, s) for eid, s in sources if same_quantity(c.q, s.q)]
        if not matches:
            continue  # "not in cited text" is reported by the number check
        diffs: list[list[str]] = [_differences(c, s) for _, s in matches]
        fits = [m for m, d in zip(matches, diffs, strict=True) if not d]
        if not fits:
            fewest: list[str] = min(diffs, key=len)
            reasons.append(f"number {c.q.raw.strip()}: " + "; ".join(fewest))
        elif why := (
            _slot_reason(c, texts[lang], fits, cited) or _label_reason(c, fits, sources, matches)
        ):
            reasons.append(why)
    return list(dict.fromkeys(reasons))


def fact_year_reason(q: Quantity, year: int, cited: Sequence[Excerpt], extra_years: Iterable[int],
                     doc_cities: Mapping[str, Sequence[str]] | None = None) -> str | None:  # fmt: skip
    """A key fact's year must be the year the cited text gives that figure, not merely a
    year written somewhere in the excerpt."""
    years = tuple(sorted(set(extra_years)))
    matches = [
        s for _, s in _source_figures(cited, years, doc_cities or {}) if same_quantity(q, s.q)
    ]
    if not matches or any(year in s.years for s in matches):
        return None
    given = sorted(set().union(*(s.years for s in matches)))
    return f"year {year} where the cited text gives {', '.join(map(str, given)) or 'no year'} for {q.raw.strip()}"


def date_reasons(claim_text: str, cited: Sequence[Excerpt]) -> list[str]:
    """A day of the month the claim states must be one the cited text states."""
    stated = month_days(claim_text)
    if not stated:
        return []
    known = set().union(*(month_days(e.text) for e in cited))
    return [f"date {m}-{d:02d} (month-day) not in cited text" for m, d in sorted(stated - known)]


def _relative_words() -> dict[str, int]:
    rows = (LEXICONS / "relative_years.tsv").read_text(encoding="utf-8").splitlines()
    return {
        r.split("\t")[0]: int(r.split("\t")[1]) for r in rows if r.strip() and not r.startswith("#")
    }


_RELATIVE = _relative_words()


def relative_years(text: str, doc_years: Iterable[int]) -> set[int]:
    """Years a text states relative to its article's date: 去年 in a 2024 article is 2023."""
    return {y + off for word, off in _RELATIVE.items() if word in text for y in doc_years}
