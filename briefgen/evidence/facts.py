"""Key facts without a model: every figure in an article with its sentence,
citation, year, dimension and a short label.

Figures come from :mod:`briefgen.numbers` (the same parser that verifies model
output).  Which dimension a figure belongs to, which words are fillers and
which words mark a target or the present are data (``briefgen/data/lexicons/``),
not code, so they can be tuned without edits here.

Years are decided clause by clause: the nearest year written in the figure's own
clause governs it ("2022年…实现产值462.2亿元", "从2022年的462.2亿元", "截至2023年底");
a year or target word at the start of a clause also governs the clauses after it
in the sentence ("到2025年，产值…，企业…"); a target stated in a paragraph carries to
its later sentences and to enumerated follow-up paragraphs ("二是…").  The same
figure stated elsewhere in the article with a year lends it that year.  Only then
does the article's date stand in, marked ``year_source="date"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from briefgen.core.types import Dimension, Document, Excerpt, Fact, Quantity
from briefgen.evidence.factlabels import borrow_label, is_change, label_of, what_en
from briefgen.evidence.factlex import MASK, FactLexicon, fact_lexicon, longest_first
from briefgen.evidence.facttime import (
    ENUM,
    When,
    apply_event,
    clause_at,
    clauses,
    events_of,
    is_provision,
    mask_titles,
    sentence_target,
    time_of,
)
from briefgen.evidence.figurecontext import read_figures
from briefgen.evidence.glossary import Glossary, load_glossary
from briefgen.evidence.keysentences import split_sentences
from briefgen.text.numbers import find_quantities, format_en, is_fact_unit, unit_info

OTHER = "other"  # dimension of a figure no cue ties to any dimension
_MIN_SCORE = 1.5  # cue score a figure needs to be put in a dimension
_NEAR = 6  # characters: a cue this close to the figure counts double


# -------------------------------------------------------------- dimensions


def _cue_hits(sentence: str, lex: FactLexicon) -> list[tuple[int, int, str, float]]:
    """Cue words in the sentence, longest first, never overlapping."""
    hits = []
    for m in lex.cue_re.finditer(sentence):
        dim, weight = lex.cue_of[m.group()]
        hits.append((m.start(), m.end(), dim, weight))
    return hits


def _dimension(q: Quantity, span: tuple[int, int], hits: list[tuple[int, int, str, float]],
               sentence: str, lex: FactLexicon) -> str:  # fmt: skip
    cs, ce = span
    scores: dict[str, float] = {}
    outside: dict[str, float] = {}
    for s, e, dim, w in hits:
        if cs <= s and e <= ce:
            gap = q.start - e if e <= q.start else s - q.end
            scores[dim] = scores.get(dim, 0.0) + w * (2 if gap <= _NEAR else 1)
        else:
            outside[dim] = outside.get(dim, 0.0) + w * 0.25
    for dim, v in outside.items():  # the rest of the sentence only tips a balance
        scores[dim] = scores.get(dim, 0.0) + min(v, 0.5)
    clause = sentence[cs:ce]
    for dim, words in lex.dim_words.items():
        scores[dim] = scores.get(dim, 0.0) + 2 * sum(1 for w in words if w in clause)
    u = unit_info(q.unit)
    kind = u.kind if u else ("ratio" if q.unit == "ratio" else "")
    for key, dim, weight in lex.priors:
        if key in (q.unit, kind):
            scores[dim] = scores.get(dim, 0.0) + weight
    scores = {d: v for d, v in scores.items() if d in lex.dim_en and d != "target"}
    if not scores:
        return OTHER
    best, score = max(scores.items(), key=lambda kv: kv[1])
    return best if score >= _MIN_SCORE else OTHER


def label_weight(what: str, dimension: str | None = None, dims_path: Path | None = None, *,
                 dimensions: Sequence[Dimension] | None = None) -> float:  # fmt: skip
    """How strongly a label names a measure of ``dimension`` (产值, 企业, 基金 ...), or of
    any dimension when None: the comparison ranks a cell's figures by it.  The measure
    words of the brief's ``dimensions`` count too (销量, 装机量 for nev's scale)."""
    lex = _lexicon(dimensions, dims_path)
    per: dict[str, float] = {}
    for _, _, d, w in _cue_hits(what, lex):
        per[d] = max(per.get(d, 0.0), w)
    measures = {d for _, d, _ in lex.cues}  # sectors or policy words name no measure
    for d, words in lex.dim_words.items():
        if d in measures and any(w in what for w in words):
            per[d] = max(per.get(d, 0.0), 2.0)
    if dimension is None:
        return max(per.values(), default=0.0)
    return per.get(dimension, 0.0)


def _lexicon(dimensions: Sequence[Dimension] | None, dims_path: Path | None = None) -> FactLexicon:
    """The fact lexicon for the brief's dimensions: the given ones (a preset chosen from the
    articles, or ``--dimensions``), else those of ``dims_path`` or the shipped file."""
    if dimensions is None:
        return _file_lexicon(dims_path)
    return _dims_lexicon(tuple(dimensions))


@lru_cache(maxsize=8)
def _file_lexicon(dims_path: Path | None) -> FactLexicon:
    from briefgen.evidence.dimensions import load_dimensions

    return _dims_lexicon(tuple(load_dimensions(dims_path)))


@lru_cache(maxsize=64)
def _dims_lexicon(dims: tuple[Dimension, ...]) -> FactLexicon:
    """The shared cue words (fact_cues.tsv) plus, per dimension, the dimensions' own words
    that are no cue word: all of a dimension the cues omit (sectors, policy ...) and the
    industry's additions to the others (销量, 装机量, GWh for nev's scale)."""
    base = fact_lexicon()
    cued = {d for _, d, _ in base.cues}
    words = {
        d.id: tuple(w for w in dict.fromkeys(d.keywords + d.cues) if d.id not in cued or w not in base.cue_of)
        for d in dims
    }
    return replace(
        base,
        dim_words={d: w for d, w in words.items() if w},
        dim_en={d.id: d.en for d in dims},
    )


def _rhetorical(q: Quantity) -> bool:
    """三个 / 两个 in prose are mostly rhetoric ("三个一批"), not figures: small counts
    written in Chinese numerals are left out; arabic figures are always kept."""
    u = unit_info(q.unit)
    spelled = bool(re.fullmatch(r"[零〇一二两三四五六七八九]", q.number))
    return spelled and u is not None and u.kind == "count" and q.high is None


# --------------------------------------------------------------- extraction


@dataclass
class _Context:
    doc_year: int | None
    doc_date: str | None
    cities: tuple[str, ...]
    carry: When  # target carried from earlier sentences / enumerated paragraphs
    last: Fact | None = None  # the last labelled figure of the paragraph


def _sentence_facts(sentence: str, ex: Excerpt, ctx: _Context, lex: FactLexicon,
                    glossary: Glossary) -> list[Fact]:  # fmt: skip
    masked = mask_titles(sentence)
    spans = clauses(masked)
    events = events_of(masked, spans, ctx.doc_year, lex)
    start = ctx.carry
    target_year = sentence_target(events, start)
    hits = _cue_hits(masked, lex)
    found = [q for q in find_quantities(sentence) if MASK not in masked[q.start : q.end]]
    wanted = [
        q
        for q in found
        if (is_fact_unit(q.unit) or (q.unit == "" and q.unit_raw)) and not _rhetorical(q)
    ]
    facts = []
    for q in wanted:
        span = clause_at(spans, q.start)
        when = time_of(q.start, spans, events, start, target_year)
        if when is start and (start.year is not None or start.target):
            when = When(start.year, start.target, "context", start.cite)
        year, source, as_of = when.year, when.source, None
        if year is None and not when.target:
            year, source, as_of = ctx.doc_year, ("date" if ctx.doc_year else ""), ctx.doc_date
        if when.target:
            dim = "target" if "target" in lex.dim_en else _dimension(q, span, hits, masked, lex)
        else:
            dim = _dimension(q, span, hits, masked, lex)
        others = [o for o in wanted if o is not q]
        what = label_of(sentence, masked, span, q, others, lex, ctx.cities)
        head = masked[span[0] : q.start]
        what = borrow_label(what, q, ctx.last, lex, expected=bool(lex.forecast_re.search(head)))
        cites = [ex.id] + ([when.cite] if when.cite and when.cite != ex.id else [])
        facts.append(
            Fact(
                value=q.number,
                unit=q.unit_raw,
                what=what,
                what_en=what_en(what, dim, glossary, lex),
                year=year,
                dimension=dim,
                sentence=sentence,
                cites=cites,
                value_en=format_en(q),
                is_target=when.target,
                year_source=source,
                as_of=as_of,
                at=q.start,
            )
        )
        if what and not is_change(q):
            ctx.last = facts[-1]
    # what this sentence hands on to the next ones of the paragraph
    final = start
    for ev in events:
        if ev.carries:
            final = apply_event(final, ev, target_year)
    if final.target and final.year is not None:
        ctx.carry = When(final.year, True, "context", final.cite or ex.id)
    elif final != start:
        ctx.carry = When()
    return facts


def _excerpt_facts(ex: Excerpt, ctx: _Context, lex: FactLexicon, glossary: Glossary) -> list[Fact]:
    if not ENUM.match(ex.text):  # "二是…" continues the previous paragraph's targets
        ctx.carry = When()
    ctx.last = None
    facts: list[Fact] = []
    for sentence, _ in split_sentences(ex.text, semicolons=False):
        if is_opinion(sentence, lex):
            continue
        facts.extend(_sentence_facts(sentence, ex, ctx, lex, glossary))
    return facts


def is_opinion(sentence: str, lex: FactLexicon | None = None) -> bool:
    """业内人士认为…, 专家建议…, a reporter's question: a view or a question, not a figure
    the article states, so its numbers are no key facts."""
    lex = lex or fact_lexicon()
    body = sentence.strip()
    return body.endswith(("？", "?")) or any(m in body for m in lex.opinions)


def fact_place(fact: Fact) -> str | None:
    """Whose figure a fact is, when its sentence says: the city named before it (广州方面，…;
    白沙市产业规模…) or the company whose figure it is (泰邦生物…，其产值…); None when the
    sentence names no one, so the article's own city stands.  A city's key-figures table
    should show only the figures that are that city's."""
    figures = read_figures(fact.sentence, "zh", (), None, "source")
    at = fact.at if fact.at is not None else -1
    mine = [f for f in figures if f.q.start <= at < f.q.end or f.q.start == at]
    if not mine:
        mine = [f for f in figures if f.q.number == fact.value]
    return mine[0].place if mine else None


FACT_KINDS = ("target", "forecast", "achieved", "provision")


def fact_kind(fact: Fact) -> str:
    """What kind of figure a fact is, one of :data:`FACT_KINDS`: a plan's "target", a
    "forecast" (预计, 有望, 达产后可形成), a "provision" (a policy's own term: a subsidy or
    award cap, a tax rate, a fund's size; never a target) or "achieved".

    Read from the fact's own sentence, the way the verifier reads it, so a forecast is
    never shown as a plan's target nor as a result, and a subsidy cap never as a goal."""
    lex = fact_lexicon()
    q = quantity_of(fact)
    if q is not None and is_provision(fact.sentence, q.start, lex):
        return "provision"
    if fact.is_target:
        return "target"
    at = fact.at if fact.at is not None else len(fact.sentence)
    head = fact.sentence[:at]
    cues = [(m.start(), "forecast") for m in lex.forecast_re.finditer(head)]
    cues += [(m.start(), "achieved") for m in lex.present_re.finditer(head)]
    return max(cues)[1] if cues else "achieved"


def _link_same_figures(facts: list[Fact]) -> None:
    """A figure repeated without its year ("从462.2亿元到1000亿元") takes the year,
    target flag, dimension and label of the same figure stated with one."""
    dated: dict[tuple[str, str], Fact] = {}
    for f in facts:
        if f.year_source not in ("date", "") and (f.value, f.unit) not in dated:
            dated[(f.value, f.unit)] = f
    for f in facts:
        src = dated.get((f.value, f.unit))
        if src is None or src is f or f.year_source not in ("date", ""):
            continue
        if len(f.what) >= 2 and not _overlap(f.what, src.what):
            continue  # the same number for something else
        u = unit_info(parse_unit(f))
        if u is not None and u.kind == "count" and _small(f.value):
            continue  # "1个", "2家" repeat by chance
        if f.is_target and f.year is not None:
            continue
        f.year, f.is_target, f.year_source, f.as_of = src.year, src.is_target, "context", None
        if len(f.what) < 2 or f.dimension in (OTHER, "target") or src.is_target:
            f.dimension = src.dimension
        if len(f.what) < 2:
            f.what, f.what_en = src.what, src.what_en
        f.cites = list(dict.fromkeys(f.cites + src.cites[:1]))


def _overlap(a: str, b: str) -> bool:
    return any(a[i : i + 2] in b for i in range(len(a) - 1))


def _small(number: str) -> bool:
    try:
        return float(re.split(r"[-–—~]", number)[0]) < 10
    except ValueError:
        return True


# Fact.year_source values of a year the text gives (written, 今年/明年, or from the
# sentences around it), as against "date": the article's publication date
STATED_YEAR_SOURCES = ("explicit", "relative", "context")


def year_is_stated(fact: Fact) -> bool:
    """Whether the fact's year comes from the text, not from the article's date."""
    return fact.year_source in STATED_YEAR_SOURCES


def as_of_date(fact: Fact) -> str | None:
    """The article date a figure stands for when no year is written next to it."""
    if fact.year_source == "date" and fact.as_of and len(fact.as_of) >= 10:
        return fact.as_of
    return None


def _same_figures(fact: Fact) -> list[Quantity]:
    """Quantities in the fact's sentence with the fact's number and unit as written."""
    return [
        q
        for q in find_quantities(fact.sentence)
        if q.number == fact.value and q.unit_raw == fact.unit
    ]


def quantity_of(fact: Fact) -> Quantity | None:
    """The quantity in the fact's sentence that the fact was made from (the one at
    ``fact.at`` when known, else the first with the fact's number and unit)."""
    same = _same_figures(fact)
    return next((q for q in same if q.start == fact.at), same[0] if same else None)


def figure_as_written(fact: Fact) -> str:
    """The figure as the source writes it, qualifier included: 近1000家, 200家以上.

    A fact keeps its bare number and unit (1000, 家) for sorting and checks; readers need
    the 近/超过 that the sentence puts around it.  When the sentence has the same number
    with different qualifiers and the fact does not say which one it is (``at`` unset,
    as for a model's fact), the bare figure is shown rather than a guess.
    """
    bare = f"{fact.value}{fact.unit}"
    same = _same_figures(fact)
    if fact.at is not None:
        same = [q for q in same if q.start == fact.at] or same
    written = {q.raw.strip() for q in same}
    return written.pop() if len(written) == 1 else bare


def parse_unit(fact: Fact) -> str:
    """The canonical unit code of a fact ("CNY", "km2", "家" ...), "" if none."""
    qs = find_quantities(f"{fact.value}{fact.unit}")
    return qs[0].unit if qs else ""


def extract_facts(
    doc: Document,
    glossary: Glossary | None = None,
    *,
    dimensions_path: Path | None = None,
    dimensions: Sequence[Dimension] | None = None,
) -> list[Fact]:
    """Every figure worth a key-facts row, in document order, each citing its excerpt
    (and the excerpt that states its year, when that is another one).

    A figure's dimension is one of the brief's ``dimensions`` (the preset chosen for the
    folder, or ``--dimensions``), read with their words; without them, those of
    ``dimensions_path`` or the shipped file."""
    lex = _lexicon(dimensions, dimensions_path)
    gl = glossary or _default_glossary()
    doc_year = int(doc.date[:4]) if doc.date and re.match(r"\d{4}", doc.date) else None
    ctx = _Context(doc_year, doc.date if doc_year else None, _places(doc.cities, gl), When())
    out: list[Fact] = []
    for ex in doc.excerpts:
        out.extend(_excerpt_facts(ex, ctx, lex, gl))
    _link_same_figures(out)
    return out


def _places(cities: Iterable[str], glossary: Glossary) -> tuple[str, ...]:
    """City names to trim from the start of labels: the article's own and the glossary's."""
    names = [*cities, *glossary.cities]
    return longest_first(
        c for city in names for c in (city, city.removesuffix("市"), city.removesuffix("市") + "市")
        if len(c) >= 2
    )  # fmt: skip


@lru_cache(maxsize=1)
def _default_glossary() -> Glossary:
    return load_glossary()
