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

from briefgen.core.types import Excerpt, Quantity
from briefgen.evidence.figurecontext import Figure, month_days, read_figures
from briefgen.text.numbers import LEXICONS, same_quantity, unit_info

_SAME_HEDGE = ({"over", "at least"}, {"approx", "nearly"})
_LABEL_MARGIN = 0.3  # how much better another figure's wording must fit to call it a swap
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
    """"will"/将 fits anything; a claim without a cue fits an achieved figure and a target
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
        out.append(f"year {', '.join(map(str, sorted(c.years)))} where the cited text gives {given}")
    if c.place and s.place and c.place != s.place:
        out.append(f"attributed to {c.place} where the cited text gives it for {s.place}")
    return out


def _kind(unit: str) -> str:
    u = unit_info(unit)
    return u.kind if u else unit


def _overlap(claim: frozenset[str], source: frozenset[str]) -> float:
    return len(claim & source) / len(claim) if claim else 0.0


def _label_reason(c: Figure, matches: list[tuple[str, Figure]], sources: list[tuple[str, Figure]]) -> str | None:
    """A figure whose wording fits another figure of the same kind in the same cited
    paragraph much better than its own (上市5家、拟上市25家; 分别达到90亿元、120亿元): a
    swapped list position."""
    if not c.label:
        return None
    own = max((_overlap(c.label, s.label) for _, s in matches), default=0.0)
    where = {eid for eid, _ in matches}
    rivals = [
        s for eid, s in sources
        if eid in where and _kind(s.q.unit) == _kind(c.q.unit) and not same_quantity(c.q, s.q)
    ]  # fmt: skip
    best = max(rivals, key=lambda s: _overlap(c.label, s.label), default=None)
    if best is None:
        return None
    score = _overlap(c.label, best.label)
    if score >= _LABEL_MIN and score >= own + _LABEL_MARGIN:
        return f"number {c.q.raw.strip()}: the claim's wording fits the cited figure {best.q.raw.strip()}, not this one"
    return None


def _bound(q: Quantity) -> bool:
    """Figures worth binding: not durations ("over three years") nor small counts written
    as words (两条, 一年), which carry no year, place or hedge of their own."""
    u = unit_info(q.unit)
    if u is not None and u.kind == "duration":
        return False
    spelled = not re.search(r"\d", q.number)
    return not (spelled and q.value <= 10 and u is not None and u.kind == "count")


def _claim_figures(texts: Mapping[str, str], years: tuple[int, ...], place: str | None) -> list[Figure]:
    """The claim's figures in both languages; a figure one side leaves unmarked takes the
    target/forecast the other side states for the same number (a bilingual claim says it once)."""
    by_lang = {lang: [f for f in read_figures(t, lang, years, place, "claim") if _bound(f.q)] for lang, t in texts.items()}
    out = []
    for lang, figs in by_lang.items():
        others = [f for other, fs in by_lang.items() if other != lang for f in fs]
        for f in figs:
            if f.modality == "unmarked":
                marked = [o.modality for o in others if o.modality != "unmarked" and same_quantity(f.q, o.q)]
                if marked:
                    f = Figure(f.q, f.qualifier, marked[0], f.years, f.place, f.label)
            out.append(f)
    return out


def _source_figures(cited: Sequence[Excerpt], years: tuple[int, ...],
                    doc_cities: Mapping[str, Sequence[str]]) -> list[tuple[str, Figure]]:  # fmt: skip
    out: list[tuple[str, Figure]] = []
    for e in cited:
        cities = doc_cities.get(e.doc_id, ())
        place = cities[0].removesuffix("市") if len(cities) == 1 else None
        out.extend((e.id, f) for f in read_figures(e.text, "zh", years, place, "source"))
    return out


def binding_reasons(texts: Mapping[str, str], cited: Sequence[Excerpt], extra_years: Iterable[int], *,
                    city: str | None = None, doc_cities: Mapping[str, Sequence[str]]) -> list[str]:  # fmt: skip
    """Why figures of the claim (``texts``: "zh" and "en" text) differ from the same
    figures in the cited excerpts; empty when every figure keeps its bindings."""
    years = tuple(sorted(set(extra_years)))
    sources = _source_figures(cited, years, doc_cities)
    place = city.removesuffix("市") if city else None
    reasons: list[str] = []
    for c in _claim_figures(texts, years, place):
        matches = [(eid, s) for eid, s in sources if same_quantity(c.q, s.q)]
        if not matches:
            continue  # "not in cited text" is reported by the number check
        diffs = [_differences(c, s) for _, s in matches]
        if all(diffs):
            fewest = min(diffs, key=len)
            reasons.append(f"number {c.q.raw.strip()}: " + "; ".join(fewest))
        elif (why := _label_reason(c, matches, sources)) is not None:
            reasons.append(why)
    return list(dict.fromkeys(reasons))


def date_reasons(claim_text: str, cited: Sequence[Excerpt]) -> list[str]:
    """A day of the month the claim states must be one the cited text states."""
    stated = month_days(claim_text)
    if not stated:
        return []
    known = set().union(*(month_days(e.text) for e in cited))
    return [f"date {m}-{d:02d} (month-day) not in cited text" for m, d in sorted(stated - known)]


def _relative_words() -> dict[str, int]:
    rows = (LEXICONS / "relative_years.tsv").read_text(encoding="utf-8").splitlines()
    return {r.split("\t")[0]: int(r.split("\t")[1]) for r in rows if r.strip() and not r.startswith("#")}


_RELATIVE = _relative_words()


def relative_years(text: str, doc_years: Iterable[int]) -> set[int]:
    """Years a text states relative to its article's date: 去年 in a 2024 article is 2023."""
    return {y + off for word, off in _RELATIVE.items() if word in text for y in doc_years}
