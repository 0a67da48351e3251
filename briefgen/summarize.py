"""Model engine for articles: ONE call per article gives its summary and its comparison findings.

Each document's excerpts (cut to a token budget by retrieval, instruction-like
excerpts left out) are sent once, as ``[<id>] text`` lines inside one
``<data>`` block, and the model answers a ``SummaryAnswer``: claims, key facts,
and ``findings`` (what the article says about each of its cities on each
comparison dimension it covers).  The comparison table is built from the
verified findings (``compare.py``), so no excerpt is sent a second time.

Nothing the model says is used unchecked: every claim, fact and finding goes
through ``verify``; failures are kept in ``ArticleSummary.rejected`` (and the
finding itself, with status "rejected") with their reasons.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import numbers, retrieve
from .injection import echoes, looks_like_instruction
from .llm import ModelRequest, ModelResult
from .prompts import PromptSet
from .schemas import FindingOut, SummaryAnswer, summary_answer_for
from .types import ArticleSummary, Claim, Corpus, Dimension, Document, Excerpt, Fact, Finding
from .verify import claim_from_answer, normalise_cite, verify_claim, verify_fact

if TYPE_CHECKING:
    from .glossary import Glossary
    from .llm import ModelClient

PROMPT = "summarize"
DEFAULT_CONTEXT_TOKENS = 3000
DEFAULT_ANSWER_TOKENS = 3500
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
    """The one request for a document; ``context_ids`` lists the excerpts it shows."""
    dims = list(dims) or _shipped_dimensions()
    chosen = retrieve.select(evidence(doc), summary_query(doc, dims), max_context_tokens, lead=1)
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
        max_tokens=max_answer_tokens,
        context_ids=tuple(e.id for e in chosen),
    )


def _shipped_dimensions() -> list[Dimension]:
    from .dimensions import load_dimensions

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
        from .facts import extract_facts

        return extract_facts(doc, glossary)
    except Exception:  # dimension labels are a nicety; never fail a summary for them
        return []


def _full_cites(cites: Sequence[str], doc: Document) -> list[str]:
    """``p3`` -> ``<doc>:p3``: in a one-article call a bare paragraph number is unambiguous."""
    out = []
    for c in cites:
        n = normalise_cite(c)
        out.append(f"{doc.id}:{n}" if re.fullmatch(r"p\d+", n) else n)
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
) -> Finding:
    """Verify one finding like a cell: its city must be one of the article's, its dimension
    one of the list, and its evidence excerpts of this article that speak for that city."""
    city = _match_city(out.city, doc, glossary)
    dim = _match_dim(out.dim, dims)
    pool = {e.id for e in city_excerpts(city, [doc])} if city else set()
    city_context = {i: e for i, e in context.items() if i in pool}
    claim = verify_claim(
        Claim(zh=out.zh.strip(), en=out.en.strip(), cites=_full_cites(out.cites, doc)),
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
        error = result.error or (f"skipped ({result.skipped})" if result.skipped else "no answer")
        return _empty(doc, error)
    dims = list(dims) or _shipped_dimensions()
    answer = (
        result.parsed
        if isinstance(result.parsed, SummaryAnswer)
        else SummaryAnswer.model_validate(result.parsed.model_dump())
    )
    context = {e.id: e for e in doc.excerpts if e.id in set(result.request.context_ids)}
    years = _doc_years(doc)
    summary = _empty(doc, None)
    title_en = answer.title_en.strip()
    summary.title_en = title_en if title_en and not looks_like_instruction(title_en) else None

    injected = injected_lines(doc)
    legit = [e.text for e in evidence(doc)] + [doc.title or ""]
    for out in answer.claims:
        out = out.model_copy(update={"cites": _full_cites(out.cites, doc)})
        claim = verify_claim(claim_from_answer(out), context, known_ids, extra_years=years)
        if echoes(f"{claim.zh}\n{claim.en}", injected, legit):
            claim.status = "rejected"
            claim.reasons.append(ECHO_REASON)
        (summary.claims if claim.status == "verified" else summary.rejected).append(claim)

    extracted = _extracted_facts(doc, glossary)
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    for fo in answer.facts:
        fo = fo.model_copy(update={"cites": _full_cites(fo.cites, doc)})
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
        finding = check_finding(found, doc, context, known_ids, dims, glossary)
        if finding.status == "verified" and echoes(f"{finding.zh}\n{finding.en}", injected, legit):
            finding.status = "rejected"
            finding.reasons.append(ECHO_REASON)
        summary.findings.append(finding)
        if finding.status != "verified":
            summary.rejected.append(_finding_claim(finding, dims, glossary))
    return summary


def summarize(
    corpus: Corpus,
    client: ModelClient,
    prompts: PromptSet,
    glossary: Glossary,
    dims: Sequence[Dimension] | None = None,
    *,
    max_context_tokens: int = DEFAULT_CONTEXT_TOKENS,
) -> list[ArticleSummary]:
    """One checked summary (with its findings) per document, in corpus order; one batch of calls."""
    dims = list(dims) if dims else _shipped_dimensions()
    known_ids = set(corpus.excerpt_index())
    pending: list[tuple[Document, ModelRequest]] = []
    out: dict[str, ArticleSummary] = {}
    for doc in corpus.documents:
        request = build_request(doc, prompts, glossary, dims, max_context_tokens=max_context_tokens)
        if not request.context_ids:
            out[doc.id] = _empty(doc, "no usable excerpts to summarise")
        else:
            pending.append((doc, request))
    results = client.run([r for _, r in pending]) if pending else []
    for (doc, _), result in zip(pending, results, strict=True):
        try:
            out[doc.id] = read_answer(doc, result, known_ids, glossary, dims)
        except Exception as exc:  # a malformed answer must not stop the other articles
            out[doc.id] = _empty(doc, f"could not read the model's answer: {exc}".splitlines()[0])
    return [out[d.id] for d in corpus.documents]
