"""The executive summary without a model: what the cities state, dimension by dimension.

Why: one number per city tells a director little.  Without a model the summary can
still say, with a citation on every line, (1) where two or more cities state the same
measure for the same year, side by side, and (2) which cities set targets, for which
year.  It never compares unlike measures (a count of firms with an output value, a
2022 figure with a 2024 one) and computes nothing the text does not state: each
figure is quoted as written and checked against its excerpt like every extractive item.
Measures that may be matched across labels are data (``briefgen/data/measures.tsv``).
What is missing where comes from the comparison cells and is shown by the template.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from briefgen.core.paths import DATA_DIR
from briefgen.core.types import ArticleSummary, Claim, Comparison, Dimension, Excerpt, Fact
from briefgen.engines.extractive import FactHints, checked, executive_summary, figure_city
from briefgen.engines.factyears import kind_of, year_words
from briefgen.evidence.facts import figure_as_written, quantity_of, year_is_stated
from briefgen.evidence.glossary import Glossary
from briefgen.text import numbers

MEASURES_FILE = DATA_DIR / "measures.tsv"
_PER_DIMENSION = 2  # side-by-side lines per dimension
_TARGETS_PER_CITY = 2


@lru_cache(maxsize=1)
def _measures() -> list[tuple[str, str, str, tuple[str, ...]]]:
    rows = []
    for line in MEASURES_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            mid, zh, en, words = line.split("\t")
            rows.append((mid, zh, en, tuple(sorted(words.split("|"), key=len, reverse=True))))
    return rows


def measure_of(fact: Fact) -> tuple[str, str, str]:
    """(key, zh, en) of what the figure measures: a headline measure of measures.tsv when
    the label ends in one of its words, else the label itself (compared only verbatim)."""
    what = fact.what.strip()
    ends = [(len(w), mid, zh, en) for mid, zh, en, words in _measures() for w in words if what.endswith(w)]
    if ends:  # the longest ending decides: 算力规模 is computing, not size
        _, mid, zh, en = max(ends)
        return mid, zh, en
    return f"label:{what}", what, fact.what_en or what


def _unit_kind(fact: Fact) -> str:
    q = quantity_of(fact)
    return q.unit if q is not None else fact.unit


def _comparable_year(fact: Fact) -> int | None:
    if fact.is_target:
        return fact.year
    return fact.year if year_is_stated(fact) else None


def qualifies_a_noun(fact: Fact) -> bool:
    """培育销售收入超百亿元的龙头企业: the figure is a bar some firms must reach (it is
    followed by 的 and a noun), not the city's own output or target: never a headline.
    A figure with no 的 soon after where it starts (``Fact.at``; no written figure is 40
    characters long) is not one, and its sentence need not be parsed again (issue 17)."""
    if fact.at is not None and "的" not in fact.sentence[fact.at : fact.at + 40]:
        return False
    q = quantity_of(fact)
    return q is not None and fact.sentence[q.end : q.end + 1] == "的"


def _city_facts(articles: Sequence[ArticleSummary], comparison: Comparison,
                excerpts: dict[str, Excerpt], hints: FactHints | None = None) -> dict[str, list[Fact]]:  # fmt: skip
    out: dict[str, list[Fact]] = {c: [] for c in comparison.cities}
    for art in articles:
        for f in art.facts:
            if not f.what or not f.cites or qualifies_a_noun(f):
                continue
            owner = figure_city(f, art.cities, comparison.cities, excerpts, hints)
            if owner in out and art.doc_id and owner in art.cities + comparison.cities:
                out[owner].append(f)
    return out


def _value(fact: Fact) -> float:
    q = quantity_of(fact)
    return q.value if q is not None else 0.0


def _side_by_side(dim: Dimension, by_city: dict[str, list[Fact]], glossary: Glossary,
                  excerpts: dict[str, Excerpt], covered: set[str]) -> list[Claim]:  # fmt: skip
    """One line per measure, year, unit and kind stated by two or more cities: a forecast
    is set beside forecasts only, never beside a figure reached nor a target."""
    groups: dict[tuple[str, int, str, str], dict[str, Fact]] = {}
    names: dict[str, tuple[str, str]] = {}
    for city, facts in by_city.items():
        for f in facts:
            in_dim = f.is_target if dim.id == "target" else (f.dimension == dim.id and not f.is_target)
            year = _comparable_year(f)
            if not in_dim or year is None:
                continue
            key, zh, en = measure_of(f)
            names[key] = (zh, en)
            kind = "target" if f.is_target else kind_of(f)
            slot = groups.setdefault((key, year, _unit_kind(f), kind), {})
            if city not in slot or _value(f) > _value(slot[city]):  # a city's largest, e.g. the whole city
                slot[city] = f
    shared = [(k, v) for k, v in groups.items() if len(v) >= 2]
    shared.sort(key=lambda kv: (kv[0][3] == "forecast", -len(kv[1]), -kv[0][1]))  # forecasts after results
    claims = []
    for (key, year, _, kind), per_city in shared[:_PER_DIMENSION]:
        zh_name, en_name = names[key]
        facts = list(per_city.values())
        when_zh, when_en = year_words(kind, year, None, "note")
        # each city's own label stays beside its figure: the reader sees what each one counts
        zh = f"{dim.zh} · {zh_name}（{when_zh}）：" + "；".join(
            f"{c} {f.what} {figure_as_written(f)}" for c, f in per_city.items()
        )
        en = f"{dim.en} · {en_name} ({when_en}): " + "; ".join(
            f"{glossary.city_en(c)} {_value_en(f)} ({f.what_en or f.what})" for c, f in per_city.items()
        )
        cites = list(dict.fromkeys(c for f in facts for c in f.cites))
        claims.append(checked(zh, en, cites, excerpts, facts=facts))
        if kind == "achieved":  # a city in a targets or forecasts line still gets its current headline figure
            covered.update(per_city)
    return claims


def _value_en(fact: Fact) -> str:
    if fact.value_en:
        return fact.value_en
    q = numbers.parse_quantity(f"{fact.value}{fact.unit}")
    return numbers.format_en(q) if q else f"{fact.value} {fact.unit}".strip()


def _targets(by_city: dict[str, list[Fact]], glossary: Glossary, excerpts: dict[str, Excerpt]) -> list[Claim]:
    """Per city that sets targets: for which years, with its headline targets."""
    claims = []
    for city, facts in by_city.items():
        targets = [f for f in facts if f.is_target]
        if not targets:
            continue
        years = sorted({f.year for f in targets if f.year})
        unique = list({(f.value, f.unit, f.year): f for f in reversed(targets)}.values())[::-1]
        # headline measures (output, revenue, size ...) first, then those with a target year,
        # then money, the latest year, the largest
        picks = sorted(unique, key=lambda f: (measure_of(f)[0].startswith("label:"), f.year is None,
                                              _unit_kind(f) not in ("CNY", "USD"), -(f.year or 0), -_value(f)))
        picks = picks[:_TARGETS_PER_CITY]
        when_zh = "、".join(f"{y}年" for y in years) or "未写明年份"
        when_en = ", ".join(str(y) for y in years) or "no year stated"
        zh = f"{city}设定目标（{when_zh}）：" + "；".join(
            f"{f.what} {figure_as_written(f)}" + (f"（{f.year}年）" if f.year else "") for f in picks
        )
        en = f"{glossary.city_en(city)} sets targets ({when_en}): " + "; ".join(
            f"{f.what_en or f.what} {_value_en(f)}" + (f" ({f.year})" if f.year else "") for f in picks
        )
        cites = list(dict.fromkeys(c for f in picks for c in f.cites))
        claims.append(checked(zh, en, cites, excerpts, facts=picks))
    return claims


_TITLE = re.compile(r"《[^《》]{2,60}》")
_TITLES_PER_CITY = 2


def _policy_titles(comparison: Comparison, glossary: Glossary, excerpts: dict[str, Excerpt]) -> list[Claim]:
    """Which cities name which policy documents: the 《titles》 in each city's verified
    policy cell, quoted as written; checked title by title against the cell's excerpts."""
    dim = next((d for d in comparison.dimensions if d.id == "policy"), None)
    if dim is None:
        return []
    parts: list[tuple[str, list[str], list[str]]] = []
    for cell in comparison.cells:
        if cell.dimension != dim.id or cell.status != "verified":
            continue
        found = list(dict.fromkeys(_TITLE.findall(cell.zh)))
        # a short name (以下简称《行动计划》) inside a full title is the same document
        titles = [t for t in found if not any(t != o and t[1:-1] in o for o in found)][:_TITLES_PER_CITY]
        cited = [excerpts[c].text for c in cell.cites if c in excerpts]
        titles = [t for t in titles if any(t in text for text in cited)]  # as written in the source
        if titles:
            parts.append((cell.city, titles, list(cell.cites)))
    if not parts:
        return []
    zh = f"{dim.zh}：" + "；".join(f"{city}{''.join(titles)}" for city, titles, _ in parts)
    en = f"{dim.en} named: " + "; ".join(f"{glossary.city_en(city)} {''.join(titles)}" for city, titles, _ in parts)
    cites = list(dict.fromkeys(c for _, _, ids in parts for c in ids))
    return [checked(zh, en, cites, excerpts)]


def executive_digest(
    articles: Sequence[ArticleSummary],
    comparison: Comparison,
    glossary: Glossary,
    excerpts: dict[str, Excerpt],
    hints: FactHints | None = None,
) -> list[Claim]:
    """Side-by-side lines (same measure, unit and year; two or more cities) for each
    dimension, the headline figure of each city no such line names, each city's targets
    and their years, and which policy documents each city names; every line cited and checked."""
    by_city = _city_facts(articles, comparison, excerpts, hints)
    claims: list[Claim] = []
    covered: set[str] = set()
    if len(comparison.cities) > 1:
        for dim in comparison.dimensions:
            claims += _side_by_side(dim, by_city, glossary, excerpts, covered)
    # a city no side-by-side line names still gets its headline figure (one line)
    # (its headline target is in the targets lines below)
    heads = executive_summary(list(articles), comparison, glossary, per_city=1, excerpts=excerpts,
                              targets=False, hints=hints)  # fmt: skip
    for c in heads:
        if not any(c.zh.startswith(f"{city}：") for city in covered):
            claims.append(c)
    claims += _targets(by_city, glossary, excerpts)
    claims += _policy_titles(comparison, glossary, excerpts)
    return claims


__all__ = ["executive_digest", "measure_of", "qualifies_a_noun"]
