"""Model engine for articles: ONE call per article gives its summary and its comparison findings.

Each document's excerpts (cut to a token budget by retrieval, instruction-like
excerpts left out) are sent once, as ``[<id>] text`` lines inside one
``<data>`` block, and the model answers a ``SummaryAnswer``: claims, key facts,
and ``findings`` (what the article says about each of its cities on each
comparison dimension it covers).  The comparison table is built from the
verified findings (``compare.py``), so no excerpt is sent a second time.

Short articles are packed several to a call (``summarize_batch`` prompt,
``BatchAnswer``): the instructions, glossary and schema are then paid once per
batch instead of once per article.  Which batch an article lands in depends
on a hash of its ID, so adding one article to a folder changes one batch (and
all of them only when the number of batches grows).  When one batch holds
every article, the same call writes the executive summary (``overview``), so
a small folder costs one call.  A batch cut off by the length limit, or whose
reply does not parse, is split in two and asked again.

Nothing the model says is used unchecked: every claim, fact and finding goes
through ``verify``; failures are kept in ``ArticleSummary.rejected`` (and the
finding itself, with status "rejected") with their reasons.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
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
from briefgen.engines.schemas import (
    BatchAnswer,
    FindingOut,
    SummaryAnswer,
    batch_answer_for,
    summary_answer_for,
)
from briefgen.engines.verify import claim_from_answer, normalise_cite, verify_claim, verify_fact
from briefgen.evidence import retrieve
from briefgen.model.client import ModelRequest, ModelResult
from briefgen.model.prompts import PromptSet
from briefgen.text import numbers

if TYPE_CHECKING:
    from briefgen.evidence.glossary import Glossary
    from briefgen.model.client import ModelClient

PROMPT = "summarize"
BATCH_PROMPT = "summarize_batch"
DEFAULT_CONTEXT_TOKENS = 3000
DEFAULT_ANSWER_TOKENS = 3500
# A batch: at most this many evidence tokens and articles.  The article cap bounds the
# answer (about 1,200 tokens an article), which must fit the smallest common output limit.
DEFAULT_BATCH_TOKENS = 12000
DEFAULT_BATCH_ARTICLES = 6
BATCH_ANSWER_TOKENS = 8000
BATCH_GLOSSARY_TERMS = 8
MAX_GLOSSARY_TERMS = 12
INJECTION_REASON = "instruction"  # clean.py's drop reason for lines addressing a model
ECHO_REASON = "repeats text from a line addressed to a model"
OTHER_CITY_REASON = "citation to an excerpt about another city"

# What a summary is usually about, added to the title to rank excerpts of long articles.
_SUMMARY_TERMS = "产业 规模 产值 营收 目标 到 亿元 万元 企业 园区 基地 政策 措施 出台 发布 基金 项目 平台 人才 创新"


def purpose(doc: Document) -> str:
    return f"summary:{doc.id}"


def evidence(doc: Document) -> list[Excerpt]:
    """Excerpts that may be shown to a model: anything addressing a model is left out."""
    return [e for e in doc.excerpts if e.text.strip() and not looks_like_instruction(e.text)]


def injected_lines(doc: Document) -> list[str]:
    """Text in the article that addressed a model: lines dropped at ingest, excerpts left out."""
    lines = [line for reason, line in doc.dropped_lines if reason == INJECTION_REASON]
    lines += [e.text for e in doc.excerpts if e.text.strip() and looks_like_instruction(e.text)]
    return lines


def summary_query(doc: Document, dims: Sequence[Dimension] = ()) -> str:
    """Retrieval query for "what is this article about": title, cities, summary and dimension terms."""
    return " ".join([doc.title or "", " ".join(doc.cities), _SUMMARY_TERMS, *(d.zh for d in dims)])


# ------------------------------------------------------------------ cities


def city_names(city: str) -> tuple[str, ...]:
    return (city, city.removesuffix("市")) if city.endswith("市") else (city,)


def city_excerpts(city: str, docs: Sequence[Document]) -> list[Excerpt]:
    """The excerpts that can speak for ``city``.

    In an article about several cities, a paragraph that names another of its
    cities but not this one is about that other city and is left out.
    """
    out: list[Excerpt] = []
    for doc in docs:
        others = [o for o in doc.cities if o != city]
        for e in evidence(doc):
            if others and not any(n in e.text for n in city_names(city)):
                if any(n in e.text for o in others for n in city_names(o)):
                    continue
            out.append(e)
    return out


# ------------------------------------------------------------------ request


def _data(text: str) -> str:
    # An excerpt must not close the data block, open a tag, or start a line of its own.
    return " ".join(text.replace("<", "＜").replace(">", "＞").split())


def label(e: Excerpt) -> str:
    """The short label of an excerpt in its own article's call: ``p3`` for ``<doc>:p3``."""
    return e.id.removeprefix(f"{e.doc_id}:")


def excerpts_block(excerpts: Sequence[Excerpt]) -> str:
    """One ``[p3] text`` line per excerpt (the prompt wraps them in a data block).

    A call shows one article, so the paragraph label is unambiguous and the
    document ID (often a long slug) is not repeated on every line; answers
    citing ``p3`` are read back as ``<doc>:p3``.
    """
    return "\n".join(f"[{label(e)}] {_data(e.text)}" for e in excerpts)


def dimensions_block(dims: Sequence[Dimension]) -> str:
    return "\n".join(f"{d.id}: {d.zh}" for d in dims)


def glossary_terms(text: str, glossary: Glossary, limit: int = MAX_GLOSSARY_TERMS) -> list[tuple[str, str]]:
    """The glossary terms worth sending for ``text``, most frequent first.

    A term inside a longer term that is also sent (园区 in 产业园区) is left
    out: the longer one already shows its English.  At most ``limit`` terms,
    because the glossary keeps wording consistent; it is not evidence.
    """
    found = glossary.terms_in(text)
    zh_terms = [zh for zh, _ in found]
    kept = [(zh, en) for zh, en in found if not any(zh != o and zh in o for o in zh_terms)]
    ranked = sorted(kept, key=lambda t: -text.count(t[0]))  # stable: first appearance breaks ties
    return ranked[:limit]


def glossary_block(doc: Document, excerpts: Sequence[Excerpt], glossary: Glossary) -> str:
    """City names in pinyin, then the main glossary terms found in the text sent (``zh=en; ``)."""
    pairs = [(c, glossary.city_en(c)) for c in doc.cities if glossary.city_en(c) != c]
    text = "\n".join([doc.title or "", *(e.text for e in excerpts)])
    pairs += glossary_terms(text, glossary)
    return "; ".join(f"{zh}={en}" for zh, en in pairs)


def _title(doc: Document) -> str:
    ok = doc.title and not looks_like_instruction(doc.title)
    return _data(doc.title) if ok and doc.title else "(无标题 untitled)"


def build_request(
    doc: Document,
    prompts: PromptSet,
    glossary: Glossary,
    dims: Sequence[Dimension] = (),
    *,
    max_context_tokens: int = DEFAULT_CONTEXT_TOKENS,
    max_answer_tokens: int = DEFAULT_ANSWER_TOKENS,
) -> ModelRequest:
    """The one-article request for a document; ``context_ids`` lists the excerpts it shows."""
    dims = list(dims) or _shipped_dimensions()
    unit = choose_evidence(doc, dims, max_context_tokens)
    return _single_request(unit, prompts, glossary, dims, max_tokens=max_answer_tokens)


def _shipped_dimensions() -> list[Dimension]:
    from briefgen.evidence.dimensions import load_dimensions

    return load_dimensions()


# ------------------------------------------------------------------ answer


def _doc_years(doc: Document) -> set[int]:
    m = re.match(r"(\d{4})", doc.date or "")
    return {int(m.group(1))} if m else set()


def _empty(doc: Document, error: str | None) -> ArticleSummary:
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


def _extracted_facts(doc: Document, glossary: Glossary) -> list[Fact]:
    try:
        from briefgen.evidence.facts import extract_facts

        return extract_facts(doc, glossary)
    except Exception:  # dimension labels are a nicety; never fail a summary for them
        return []


_KEYED = re.compile(r"(a\d+)[.:\s]*(p\d+)")


def _full_cites(
    cites: Sequence[str], doc: Document | None, keys: dict[str, str] | None = None
) -> list[str]:
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


def _match_city(name: str, doc: Document, glossary: Glossary) -> str | None:
    """The article city a finding names (中山, 中山市 or Zhongshan all match 中山)."""
    want = name.strip()
    for city in doc.cities:
        if want in city_names(city) or want.removesuffix("市") in city_names(city):
            return city
        if want.casefold() == glossary.city_en(city).casefold():
            return city
    return None


def _match_dim(name: str, dims: Sequence[Dimension]) -> Dimension | None:
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
    one of the list, and its evidence excerpts of this article that speak for that city."""
    city = _match_city(out.city, doc, glossary)
    dim = _match_dim(out.dim, dims)
    pool = {e.id for e in city_excerpts(city, [doc])} if city else set()
    city_context = {i: e for i, e in context.items() if i in pool}
    claim = verify_claim(
        Claim(zh=out.zh.strip(), en=out.en.strip(), cites=_full_cites(out.cites, doc, keys)),
        city_context,
        known_ids,
        extra_years=_doc_years(doc),
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
    d = _match_dim(f.dimension, dims)
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
) -> ArticleSummary:
    """Turn one model result into a checked summary (errors become ``error``, not exceptions)."""
    if result.parsed is None:
        return _empty(doc, _failure(result))
    answer = (
        result.parsed
        if isinstance(result.parsed, SummaryAnswer)
        else SummaryAnswer.model_validate(result.parsed.model_dump())
    )
    return check_answer(doc, answer, set(result.request.context_ids), known_ids, glossary, dims)


def _failure(result: ModelResult) -> str:
    return result.error or (f"skipped ({result.skipped})" if result.skipped else "no answer")


def check_answer(
    doc: Document,
    answer: SummaryAnswer,
    context_ids: set[str],
    known_ids: set[str],
    glossary: Glossary,
    dims: Sequence[Dimension] = (),
    keys: dict[str, str] | None = None,
) -> ArticleSummary:
    """Verify one article's answer against the excerpts of it that the call showed."""
    dims = list(dims) or _shipped_dimensions()
    context = {e.id: e for e in doc.excerpts if e.id in context_ids}
    years = _doc_years(doc)
    summary = _empty(doc, None)
    title_en = answer.title_en.strip()
    summary.title_en = title_en if title_en and not looks_like_instruction(title_en) else None

    injected = injected_lines(doc)
    legit = [e.text for e in evidence(doc)] + [doc.title or ""]
    for out in answer.claims:
        out = out.model_copy(update={"cites": _full_cites(out.cites, doc, keys)})
        claim = verify_claim(claim_from_answer(out), context, known_ids, extra_years=years)
        if echoes(f"{claim.zh}\n{claim.en}", injected, legit):
            claim.status = "rejected"
            claim.reasons.append(ECHO_REASON)
        (summary.claims if claim.status == "verified" else summary.rejected).append(claim)

    extracted = _extracted_facts(doc, glossary)
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    for fo in answer.facts:
        fo = fo.model_copy(update={"cites": _full_cites(fo.cites, doc, keys)})
        check = verify_fact(fo, context, known_ids, extra_years=years)
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

    for found in answer.findings:
        finding = check_finding(found, doc, context, known_ids, dims, glossary, keys)
        if finding.status == "verified" and echoes(f"{finding.zh}\n{finding.en}", injected, legit):
            finding.status = "rejected"
            finding.reasons.append(ECHO_REASON)
        summary.findings.append(finding)
        if finding.status != "verified":
            summary.rejected.append(_finding_claim(finding, dims, glossary))
    return summary


@dataclass
class Unit:
    """One article ready to send: the excerpts retrieval chose and their size in tokens."""

    doc: Document
    chosen: list[Excerpt]
    tokens: int


@dataclass
class SummaryRun:
    """What the summary step gives back: one summary per document, in corpus order, and the
    ``overview`` claims (checked) when one call saw every article, else None."""

    articles: list[ArticleSummary]
    overview: list[Claim] | None = None
    notes: list[str] = field(default_factory=list)


def _bucket(doc_id: str, n: int) -> int:
    return int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:8], 16) % n


def plan_batches(units: Sequence[Unit], max_tokens: int, max_articles: int) -> list[list[Unit]]:
    """Group articles into calls of at most ``max_tokens`` evidence tokens and
    ``max_articles`` articles (an article over the cap goes alone).

    The number of batches comes from the totals and each article's batch from a
    hash of its ID, so adding an article changes only the batch it falls in, as
    long as the number of batches stays the same.  Order inside a batch follows
    the corpus.  ``max_articles <= 1`` or ``max_tokens <= 0``: one call per article.
    """
    if max_articles <= 1 or max_tokens <= 0:
        return [[u] for u in units]
    total = sum(u.tokens for u in units)
    n = max(1, math.ceil(total / max_tokens), math.ceil(len(units) / max_articles))
    buckets: list[list[Unit]] = [[] for _ in range(n)]
    for u in units:
        buckets[_bucket(u.doc.id, n)].append(u)
    batches: list[list[Unit]] = []
    for bucket in buckets:
        current: list[Unit] = []
        size = 0
        for u in bucket:
            if current and (size + u.tokens > max_tokens or len(current) >= max_articles):
                batches.append(current)
                current, size = [], 0
            current.append(u)
            size += u.tokens
        if current:
            batches.append(current)
    return batches


def choose_evidence(
    doc: Document, dims: Sequence[Dimension], max_context_tokens: int = DEFAULT_CONTEXT_TOKENS
) -> Unit:
    from briefgen.text.tokens import count

    chosen = retrieve.select(evidence(doc), summary_query(doc, dims), max_context_tokens, lead=1)
    return Unit(doc, chosen, sum(count(e.text) for e in chosen))


def batch_purpose(docs: Sequence[Document]) -> str:
    return "summary:" + "+".join(d.id for d in docs)


def article_block(key: str, doc: Document, excerpts: Sequence[Excerpt]) -> str:
    """One article of a batch: a ``## a1`` heading, its metadata line and ``[p3] text`` lines."""
    head = [
        f"## {key}",
        f"title: {_title(doc)}",
        f"date: {doc.date or 'unknown'}; cities: {'、'.join(doc.cities) or '(none)'}",
    ]
    return "\n".join([*head, excerpts_block(excerpts)])


def batch_glossary(units: Sequence[Unit], glossary: Glossary) -> str:
    """The main glossary terms of a batch (``zh=en; ``).  City names are left out: the
    prompt asks for them in pinyin, and the renderer writes them from the glossary."""
    text = "\n".join(
        [*(u.doc.title or "" for u in units), *(e.text for u in units for e in u.chosen)]
    )
    pairs = glossary_terms(text, glossary, BATCH_GLOSSARY_TERMS)
    return "; ".join(f"{zh}={en}" for zh, en in pairs)


def build_batch_request(
    units: Sequence[Unit],
    prompts: PromptSet,
    glossary: Glossary,
    dims: Sequence[Dimension],
    *,
    overview: bool,
) -> tuple[ModelRequest, dict[str, str]]:
    """The request for several articles, and its labels (``a1`` -> doc ID)."""
    keys = {f"a{i}": u.doc.id for i, u in enumerate(units, 1)}
    blocks = [article_block(k, u.doc, u.chosen) for k, u in zip(keys, units, strict=True)]
    messages = prompts.messages(
        BATCH_PROMPT,
        articles="\n".join(blocks),
        dimensions="; ".join(f"{d.id}={d.zh}" for d in dims),
        glossary=batch_glossary(units, glossary),
        overview=overview,
    )
    cities = list(dict.fromkeys(c for u in units for c in u.doc.cities))
    request = ModelRequest(
        purpose=batch_purpose([u.doc for u in units]),
        messages=messages,
        schema=batch_answer_for(list(keys), cities, [d.id for d in dims], overview=overview),
        max_tokens=BATCH_ANSWER_TOKENS,
        context_ids=tuple(e.id for u in units for e in u.chosen),
    )
    return request, keys


def _single_request(
    unit: Unit,
    prompts: PromptSet,
    glossary: Glossary,
    dims: Sequence[Dimension],
    *,
    max_tokens: int = DEFAULT_ANSWER_TOKENS,
) -> ModelRequest:
    doc, chosen = unit.doc, unit.chosen
    messages = prompts.messages(
        PROMPT,
        title=_title(doc),
        date=doc.date or "unknown",
        source=_data(doc.source or "unknown"),
        cities="、".join(doc.cities) or "(none)",
        dimensions=dimensions_block(dims),
        excerpts=excerpts_block(chosen),
        glossary=glossary_block(doc, chosen, glossary),
    )
    return ModelRequest(
        purpose=purpose(doc),
        messages=messages,
        schema=summary_answer_for(doc.cities, [d.id for d in dims]),
        max_tokens=max_tokens,
        context_ids=tuple(e.id for e in chosen),
    )


def _should_split(result: ModelResult) -> bool:
    """A smaller batch may do: the reply was cut off or unreadable, or the call would have
    passed the token budget (half the articles may still fit in it)."""
    if result.skipped == "budget":
        return True
    if result.skipped or result.parsed is not None:
        return False
    return result.finish_reason == "length" or bool(result.raw.strip())


def read_batch(
    units: Sequence[Unit],
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
        return {d: _empty(doc, _failure(result)) for d, doc in docs.items()}, None
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
        out[doc_id] = check_answer(docs[doc_id], single, context_ids, known_ids, glossary, dims, keys)
    for d, doc in docs.items():
        if d not in out:
            out[d] = _empty(doc, "the model's answer left this article out")
    if not overview:
        return out, None
    return out, check_overview(answer, keys, units, context_ids, known_ids, corpus)


def check_overview(
    answer: BatchAnswer,
    keys: dict[str, str],
    units: Sequence[Unit],
    context_ids: set[str],
    known_ids: set[str],
    corpus: Corpus,
) -> list[Claim]:
    """The overview's claims, each verified against the excerpts (of any article) it cites."""
    index = corpus.excerpt_index()
    context = {i: index[i] for i in context_ids if i in index}
    years = set().union(*(_doc_years(u.doc) for u in units))
    injected = [line for u in units for line in injected_lines(u.doc)]
    legit = [e.text for u in units for e in evidence(u.doc)]
    claims = []
    for out in answer.overview:
        claim = claim_from_answer(out)
        claim.cites = _full_cites(claim.cites, None, keys)
        claim = verify_claim(claim, context, known_ids, extra_years=years)
        if claim.status == "verified" and echoes(f"{claim.zh}\n{claim.en}", injected, legit):
            claim.status = "rejected"
            claim.reasons.append(ECHO_REASON)
        claims.append(claim)
    return claims


def summarize_corpus(
    corpus: Corpus,
    client: ModelClient,
    prompts: PromptSet,
    glossary: Glossary,
    dims: Sequence[Dimension] | None = None,
    *,
    max_context_tokens: int = DEFAULT_CONTEXT_TOKENS,
    batch_tokens: int = DEFAULT_BATCH_TOKENS,
    batch_articles: int = DEFAULT_BATCH_ARTICLES,
    overview: bool = True,
) -> SummaryRun:
    """Checked summaries (with findings) for every document, in as few calls as the batch
    limits allow; with ``overview`` and a single batch, that call's overview too."""
    dims = list(dims) if dims else _shipped_dimensions()
    known_ids = set(corpus.excerpt_index())
    out: dict[str, ArticleSummary] = {}
    units: list[Unit] = []
    for doc in corpus.documents:
        unit = choose_evidence(doc, dims, max_context_tokens)
        if unit.chosen:
            units.append(unit)
        else:
            out[doc.id] = _empty(doc, "no usable excerpts to summarise")
    batches = plan_batches(units, batch_tokens, batch_articles)
    ask_overview = overview and len(batches) == 1 and len(units) > 1
    run = SummaryRun(articles=[])
    todo = batches
    while todo:
        requests: list[tuple[list[Unit], ModelRequest, dict[str, str]]] = []
        for batch in todo:
            if len(batch) == 1:
                requests.append((batch, _single_request(batch[0], prompts, glossary, dims), {}))
            else:
                req, keys = build_batch_request(batch, prompts, glossary, dims, overview=ask_overview)
                requests.append((batch, req, keys))
        results = client.run([r for _, r, _ in requests])
        todo = []
        for (batch, _, keys), result in zip(requests, results, strict=True):
            if len(batch) > 1 and _should_split(result):
                half = len(batch) // 2
                todo += [batch[:half], batch[half:]]
                why = "over the token budget" if result.skipped == "budget" else _failure(result)
                client.replaced(result)  # its halves are tried instead
                run.notes.append(f"a batch of {len(batch)} articles was split and asked again: {why}")
                ask_overview = False
                continue
            try:
                if len(batch) == 1:
                    out[batch[0].doc.id] = read_answer(batch[0].doc, result, known_ids, glossary, dims)
                else:
                    parts, claims = read_batch(
                        batch, keys, result, known_ids, glossary, dims, corpus, overview=ask_overview
                    )
                    out.update(parts)
                    if claims is not None:
                        run.overview = claims
            except Exception as exc:  # a malformed answer must not stop the other articles
                why = f"could not read the model's answer: {exc}".splitlines()[0]
                for u in batch:
                    out[u.doc.id] = _empty(u.doc, why)
    run.articles = [out[d.id] for d in corpus.documents]
    return run


def summarize(
    corpus: Corpus,
    client: ModelClient,
    prompts: PromptSet,
    glossary: Glossary,
    dims: Sequence[Dimension] | None = None,
    *,
    max_context_tokens: int = DEFAULT_CONTEXT_TOKENS,
    batch_tokens: int = DEFAULT_BATCH_TOKENS,
    batch_articles: int = DEFAULT_BATCH_ARTICLES,
) -> list[ArticleSummary]:
    """One checked summary (with its findings) per document, in corpus order."""
    return summarize_corpus(
        corpus,
        client,
        prompts,
        glossary,
        dims,
        max_context_tokens=max_context_tokens,
        batch_tokens=batch_tokens,
        batch_articles=batch_articles,
        overview=False,
    ).articles
