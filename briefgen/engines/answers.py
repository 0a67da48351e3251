"""Checking a model's summary answers: every point, picked figure and finding.

Why a module of its own: this is the wall between what a model says and what
the brief shows.  Nothing here builds prompts or decides batches; it takes an
answer and the excerpts the call showed, and returns a summary in which every
item is verified or listed as rejected with its reasons.  A point is verified
as a claim (``verify``), then as a finding of each cell it names (its city's
excerpts only); a picked figure ID must be one the prompt listed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from briefgen.core.types import (
    ArticleSummary,
    Claim,
    Corpus,
    Dimension,
    Document,
    Excerpt,
    Fact,
    Finding,
)
from briefgen.corpus.injection import echoes, looks_like_instruction
from briefgen.engines.prompting import shipped_dimensions
from briefgen.engines.schemas import BatchAnswer, FactOut, FindingOut, PointOut, SummaryAnswer
from briefgen.engines.selection import (
    ArticleEvidence,
    city_excerpts,
    city_names,
    doc_year,
    doc_years,
    evidence,
    fact_candidates,
    fact_ids,
    injected_lines,
)
from briefgen.engines.verify import claim_from_answer, normalise_cite, verify_claim, verify_fact
from briefgen.evidence.facts import is_opinion
from briefgen.model.client import ModelResult
from briefgen.text import numbers

if TYPE_CHECKING:
    from briefgen.evidence.glossary import Glossary

ECHO_REASON = "repeats text from a line addressed to a model"
OTHER_CITY_REASON = "citation to an excerpt about another city"
_KEYED = re.compile(r"(a\d+)[.:\s]*(p\d+)")
_FACT_ID = re.compile(r"(?:a\d+[.:\s]*)?(f\d+)")
NOT_LISTED_REASON = "is not one of the figures listed for this article"


def empty_summary(doc: Document, error: str | None) -> ArticleSummary:
    """A summary with nothing in it yet (``error`` says why it stays empty, if it does)."""
    return ArticleSummary(
        doc_id=doc.id,
        title=doc.title,
        title_en=None,
        date=doc.date,
        source=doc.source,
        cities=list(doc.cities),
        claims=[],
        rejected=[],
        facts=[],
        engine="model",
        error=error,
    )


def failure(result: ModelResult) -> str:
    """One line on why a call gave no answer."""
    return result.error or (f"skipped ({result.skipped})" if result.skipped else "no answer")


def _own_years(doc: Document) -> set[int]:
    year = doc_year(doc.date)
    return {year} if year is not None else set()


def _fact_key(f: Fact) -> tuple[str, str, tuple[str, ...]]:
    return (f.value, f.unit, tuple(f.cites))


def _with_dimension(fact: Fact, extracted: list[Fact]) -> Fact:
    """Borrow dimension and target flag from the extractive facts of the same figure."""
    q = numbers.parse_quantity(f"{fact.value}{fact.unit}")
    if q is None:
        return fact
    for ex in extracted:
        if not set(ex.cites) & set(fact.cites):
            continue
        eq = numbers.parse_quantity(f"{ex.value}{ex.unit}")
        if eq is not None and numbers.same_quantity(q, eq):
            fact.dimension = ex.dimension
            fact.is_target = ex.is_target
            break
    return fact


def _extracted_facts(doc: Document, glossary: Glossary, dims: Sequence[Dimension] = ()) -> list[Fact]:
    try:
        from briefgen.evidence.facts import extract_facts

        return extract_facts(doc, glossary, dimensions=list(dims) or None)
    except Exception:  # dimension labels are a nicety; never fail a summary for them
        return []


def full_cites(cites: Sequence[str], doc: Document | None, keys: dict[str, str] | None = None) -> list[str]:
    """Cite labels back to excerpt IDs: ``p3`` -> ``<doc>:p3`` (a bare paragraph label is
    unambiguous inside one article's answer), ``a2.p3`` -> ``<doc of a2>:p3`` (a batch's
    labels); full IDs stay as they are.  Anything else stays too, and fails verification."""
    out = []
    for c in cites:
        n = normalise_cite(c)
        keyed = _KEYED.fullmatch(n)
        if keyed and keys and keyed.group(1) in keys:
            out.append(f"{keys[keyed.group(1)]}:{keyed.group(2)}")
        elif doc is not None and re.fullmatch(r"p\d+", n):
            out.append(f"{doc.id}:{n}")
        else:
            out.append(n)
    return out


def match_city(name: str, doc: Document, glossary: Glossary) -> str | None:
    """The article city a finding names (中山, 中山市 or Zhongshan all match 中山)."""
    want = name.strip()
    for city in doc.cities:
        if want in city_names(city) or want.removesuffix("市") in city_names(city):
            return city
        if want.casefold() == glossary.city_en(city).casefold():
            return city
    return None


def match_dim(name: str, dims: Sequence[Dimension]) -> Dimension | None:
    """The dimension a finding names, by id, Chinese or English name."""
    want = name.strip()
    for d in dims:
        if want in (d.id, d.zh) or want.casefold() in (d.id.casefold(), d.en.casefold()):
            return d
    return None


def check_finding(
    out: FindingOut,
    doc: Document,
    context: dict[str, Excerpt],
    known_ids: set[str],
    dims: Sequence[Dimension],
    glossary: Glossary,
    keys: dict[str, str] | None = None,
) -> Finding:
    """Verify one finding like a cell: its city must be one of the article's, its dimension
    one of the list, its evidence excerpts of this article that speak for that city, and
    each figure bound to that city in the cited text (not a neighbour's figure nearby)."""
    city = match_city(out.city, doc, glossary)
    dim = match_dim(out.dim, dims)
    pool = {e.id for e in city_excerpts(city, [doc])} if city else set()
    city_context = {i: e for i, e in context.items() if i in pool}
    claim = verify_claim(
        Claim(zh=out.zh.strip(), en=out.en.strip(), cites=full_cites(out.cites, doc, keys)),
        city_context,
        known_ids,
        extra_years=_own_years(doc),
        # A figure of another city (or district, company) in the same excerpt is not this city's.
        city=city,
        doc_cities={doc.id: list(doc.cities)},
    )
    reasons: list[str] = []
    if city is None:
        reasons.append(f"city {out.city.strip() or '(empty)'} is not a city of this article")
    if dim is None:
        reasons.append(f"unknown dimension {out.dim.strip() or '(empty)'}")
    for r in claim.reasons:
        cite = r.removeprefix("citation outside context ")
        if city is not None and cite != r and cite in context:
            reasons.append(f"{OTHER_CITY_REASON} {cite}")
        elif not (city is None and cite != r and cite in context):
            reasons.append(r)
    return Finding(
        doc_id=doc.id,
        city=city or out.city.strip(),
        dimension=dim.id if dim else out.dim.strip(),
        zh=claim.zh,
        en=claim.en,
        cites=claim.cites,
        status="rejected" if reasons else "verified",
        reasons=reasons,
    )


def _finding_claim(f: Finding, dims: Sequence[Dimension], glossary: Glossary) -> Claim:
    """A rejected finding as a claim for the article's verification section."""
    d = match_dim(f.dimension, dims)
    label_zh = f"{f.city}·{d.zh if d else f.dimension}"
    label_en = f"{glossary.city_en(f.city)} · {d.en if d else f.dimension}"
    return Claim(
        zh=f"【对比：{label_zh}】{f.zh}",
        en=f"[comparison: {label_en}] {f.en}",
        cites=list(f.cites),
        status="rejected",
        reasons=list(f.reasons),
    )


def read_answer(
    doc: Document,
    result: ModelResult,
    known_ids: set[str],
    glossary: Glossary,
    dims: Sequence[Dimension] = (),
    candidates: Sequence[Fact] | None = None,
) -> ArticleSummary:
    """Turn one model result into a checked summary (errors become ``error``, not exceptions).
    ``candidates``: the figures the prompt listed (found again from the call's excerpts when None)."""
    if result.parsed is None:
        return empty_summary(doc, failure(result))
    answer = (
        result.parsed
        if isinstance(result.parsed, SummaryAnswer)
        else SummaryAnswer.model_validate(result.parsed.model_dump())
    )
    return check_answer(doc, answer, set(result.request.context_ids), known_ids, glossary, dims,
                        candidates=candidates)  # fmt: skip


class _Echo:
    """Text addressed to a model in an article, and the article's own text (which a claim
    may repeat even where it overlaps an injected line)."""

    def __init__(self, docs: Sequence[Document], *, with_titles: bool) -> None:
        self.injected = [line for d in docs for line in injected_lines(d)]
        self.legit = [e.text for d in docs for e in evidence(d)]
        if with_titles:
            self.legit += [d.title or "" for d in docs]

    def __call__(self, zh: str, en: str) -> bool:
        return echoes(f"{zh}\n{en}", self.injected, self.legit)


def _picked_fact(summary: ArticleSummary, raw: str, listed: dict[str, Fact],
                 seen: set[tuple[str, str, tuple[str, ...]]]) -> None:  # fmt: skip
    """A fact the model picked by ID: the code's fact when the ID was listed for this
    article, else a rejected item saying so (never silently dropped)."""
    m = _FACT_ID.fullmatch(normalise_cite(raw).lower())
    fact = listed.get(m.group(1)) if m else None
    if fact is None:
        shown = raw.strip() or "(empty)"
        summary.rejected.append(Claim(zh=f"【关键数据】{shown}", en=f"[key fact] {shown}", cites=[],
                                      status="rejected", reasons=[f"{shown} {NOT_LISTED_REASON}"]))  # fmt: skip
    elif _fact_key(fact) not in seen:
        seen.add(_fact_key(fact))
        summary.facts.append(fact)


def _check_facts(
    summary: ArticleSummary,
    answer: SummaryAnswer,
    doc: Document,
    context: dict[str, Excerpt],
    known_ids: set[str],
    glossary: Glossary,
    keys: dict[str, str] | None,
    dims: Sequence[Dimension] = (),
    candidates: Sequence[Fact] = (),
) -> None:
    """Picked IDs become the listed code facts; written-out facts (older prompts) are
    verified figure by figure, as before."""
    listed = dict(zip(fact_ids(candidates), candidates, strict=True))
    written = [f for f in answer.facts if isinstance(f, FactOut)]
    extracted = _extracted_facts(doc, glossary, dims) if written else []
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    for fo in answer.facts:
        if isinstance(fo, str):
            _picked_fact(summary, fo, listed, seen)
            continue
        fo = fo.model_copy(update={"cites": full_cites(fo.cites, doc, keys)})
        check = verify_fact(fo, context, known_ids, extra_years=_own_years(doc))
        fact = check.fact
        if check.status == "verified":
            if _fact_key(fact) not in seen:
                seen.add(_fact_key(fact))
                summary.facts.append(_with_dimension(fact, extracted))
        else:
            # A failed fact is listed with the rejected claims so editors see it.
            summary.rejected.append(
                Claim(
                    zh=f"【关键数据】{fact.what}：{fact.value}{fact.unit}",
                    en=f"[key fact] {fact.what_en}: {fact.value_en or fact.value + ' ' + fact.unit}",
                    cites=fact.cites,
                    status="rejected",
                    reasons=check.reasons,
                )
            )


def _point_city(out: PointOut, doc: Document) -> str:
    """The city a point is about: the one it names (``city``), the article's only city, or
    the only one of the article's cities its Chinese text names; "" when unclear."""
    if out.city.strip():
        return out.city
    if len(doc.cities) == 1:
        return doc.cities[0]
    named = [c for c in doc.cities if any(n in out.zh for n in city_names(c))]
    return named[0] if len(named) == 1 else ""


def _point_findings(out: PointOut, claim: Claim, doc: Document) -> list[FindingOut]:
    """A point as the findings of the cells it speaks to (one per dimension id): checked
    like any finding, and rejected with the point's reasons when the point was.  A point
    that is someone's view (业内人士认为…, 专家建议…: ``facts.is_opinion``) fills no cell: a
    view is no policy or figure of the city (brief.json marks it ``"view": true``)."""
    if is_opinion(claim.zh):
        return []
    city = _point_city(out, doc)
    return [
        FindingOut(city=city, dim=d, zh=claim.zh, en=claim.en, cites=list(claim.cites))
        for d in dict.fromkeys(d.strip() for d in out.dims if d.strip())
    ]


def check_answer(
    doc: Document,
    answer: SummaryAnswer,
    context_ids: set[str],
    known_ids: set[str],
    glossary: Glossary,
    dims: Sequence[Dimension] = (),
    keys: dict[str, str] | None = None,
    *,
    candidates: Sequence[Fact] | None = None,
) -> ArticleSummary:
    """Verify one article's answer against the excerpts of it that the call showed.

    A verified point that names dimensions also fills those cells: it goes through the
    same city and dimension checks as a finding (``check_finding``).  ``candidates``:
    the figures the prompt listed (found again from the shown excerpts when None)."""
    dims = list(dims) or shipped_dimensions()
    context = {e.id: e for e in doc.excerpts if e.id in context_ids}
    if candidates is None:
        candidates = fact_candidates(doc, list(context.values()), glossary, dims)
    summary = empty_summary(doc, None)
    title_en = answer.title_en.strip()
    summary.title_en = title_en if title_en and not looks_like_instruction(title_en) else None

    echo = _Echo([doc], with_titles=True)
    # (finding, the point's own rejection reasons or None for a finding written on its own)
    found: list[tuple[FindingOut, list[str] | None]] = []
    for out in answer.claims:
        out = out.model_copy(update={"cites": full_cites(out.cites, doc, keys)})
        claim = verify_claim(claim_from_answer(out), context, known_ids, extra_years=_own_years(doc))
        if echo(claim.zh, claim.en):
            claim.status = "rejected"
            claim.reasons.append(ECHO_REASON)
        (summary.claims if claim.status == "verified" else summary.rejected).append(claim)
        found += [(f, list(claim.reasons)) for f in _point_findings(out, claim, doc)]

    _check_facts(summary, answer, doc, context, known_ids, glossary, keys, dims, candidates)

    for out_f, point_reasons in [*found, *((f, None) for f in answer.findings)]:
        finding = check_finding(out_f, doc, context, known_ids, dims, glossary, keys)
        if finding.status == "verified" and echo(finding.zh, finding.en):
            finding.status = "rejected"
            finding.reasons.append(ECHO_REASON)
        if point_reasons and finding.status == "verified":  # a rejected point fills no cell
            finding.status, finding.reasons = "rejected", point_reasons
        summary.findings.append(finding)
        # a rejected point is listed once (above); a verified point whose cell check
        # failed (another city's paragraph) is listed as that comparison item
        if finding.status != "verified" and not point_reasons:
            summary.rejected.append(_finding_claim(finding, dims, glossary))
    return summary


def read_batch(
    units: Sequence[ArticleEvidence],
    keys: dict[str, str],
    result: ModelResult,
    known_ids: set[str],
    glossary: Glossary,
    dims: Sequence[Dimension],
    corpus: Corpus,
    *,
    overview: bool,
) -> tuple[dict[str, ArticleSummary], list[Claim] | None]:
    """Check every article of a batch answer, and its overview claims (None when not asked)."""
    docs = {u.doc.id: u.doc for u in units}
    if result.parsed is None:
        return {d: empty_summary(doc, failure(result)) for d, doc in docs.items()}, None
    answer = (
        result.parsed
        if isinstance(result.parsed, BatchAnswer)
        else BatchAnswer.model_validate(result.parsed.model_dump())
    )
    context_ids = set(result.request.context_ids)
    out: dict[str, ArticleSummary] = {}
    for part in answer.articles:
        doc_id = keys.get(part.doc.strip()) or (part.doc.strip() if part.doc.strip() in docs else None)
        if doc_id is None or doc_id in out:
            continue  # an unknown or repeated label: nothing to attach it to
        single = SummaryAnswer(
            title_en=part.title_en, claims=part.claims, facts=part.facts, findings=part.findings
        )
        unit = next(u for u in units if u.doc.id == doc_id)
        out[doc_id] = check_answer(docs[doc_id], single, context_ids, known_ids, glossary, dims, keys,
                                   candidates=unit.candidates)  # fmt: skip
    for d, doc in docs.items():
        if d not in out:
            out[d] = empty_summary(doc, "the model's answer left this article out")
    if not overview:
        return out, None
    return out, check_overview(answer, keys, units, context_ids, known_ids, corpus)


def check_overview(
    answer: BatchAnswer,
    keys: dict[str, str],
    units: Sequence[ArticleEvidence],
    context_ids: set[str],
    known_ids: set[str],
    corpus: Corpus,
) -> list[Claim]:
    """The overview's claims, each verified against the excerpts (of any article) it cites."""
    index = corpus.excerpt_index()
    context = {i: index[i] for i in context_ids if i in index}
    years = doc_years([u.doc for u in units])
    echo = _Echo([u.doc for u in units], with_titles=False)
    claims = []
    for out in answer.overview:
        claim = claim_from_answer(out)
        claim.cites = full_cites(claim.cites, None, keys)
        claim = verify_claim(claim, context, known_ids, extra_years=years)
        if claim.status == "verified" and echo(claim.zh, claim.en):
            claim.status = "rejected"
            claim.reasons.append(ECHO_REASON)
        claims.append(claim)
    return claims
