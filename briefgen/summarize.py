"""Model engine for article summaries: one cited, bilingual summary per document.

For each document the model sees its excerpts (cut to a token budget by
retrieval, instruction-like excerpts left out) wrapped in ``<excerpt id=...>``
tags, and answers a ``SummaryAnswer``.  Nothing the model says reaches the
summary unchecked: every claim and key fact goes through ``verify``; the ones
that fail are kept aside in ``ArticleSummary.rejected`` with their reasons.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import numbers, retrieve
from .injection import echoes, looks_like_instruction
from .llm import ModelRequest, ModelResult
from .prompts import PromptSet
from .schemas import SummaryAnswer
from .types import ArticleSummary, Claim, Corpus, Document, Excerpt, Fact
from .verify import claim_from_answer, verify_claim, verify_fact

if TYPE_CHECKING:
    from .glossary import Glossary
    from .llm import ModelClient

PROMPT = "summarize"
DEFAULT_CONTEXT_TOKENS = 3000
DEFAULT_ANSWER_TOKENS = 2500
INJECTION_REASON = "instruction"  # clean.py's drop reason for lines addressing a model
ECHO_REASON = "repeats text from a line addressed to a model"

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


def summary_query(doc: Document) -> str:
    """Retrieval query for "what is this article about": its title, cities and summary terms."""
    return " ".join([doc.title or "", " ".join(doc.cities), _SUMMARY_TERMS])


def _data(text: str) -> str:
    # An excerpt must not be able to close its own tag or open a new one.
    return text.replace("<", "＜").replace(">", "＞")


def excerpts_block(excerpts: Sequence[Excerpt]) -> str:
    return "\n".join(f'<excerpt id="{e.id}">{_data(e.text)}</excerpt>' for e in excerpts)


def glossary_block(doc: Document, excerpts: Sequence[Excerpt], glossary: Glossary) -> str:
    lines = [f"{c} = {glossary.city_en(c)}" for c in doc.cities if glossary.city_en(c) != c]
    text = "\n".join([doc.title or "", *(e.text for e in excerpts)])
    block = glossary.render_prompt_block(text)
    if block:
        lines.append(block)
    return "\n".join(lines)


def build_request(
    doc: Document,
    prompts: PromptSet,
    glossary: Glossary,
    *,
    max_context_tokens: int = DEFAULT_CONTEXT_TOKENS,
    max_answer_tokens: int = DEFAULT_ANSWER_TOKENS,
) -> ModelRequest:
    """The summary request for one document; ``context_ids`` lists the excerpts it shows."""
    chosen = retrieve.select(evidence(doc), summary_query(doc), max_context_tokens, lead=1)
    messages = prompts.messages(
        PROMPT,
        title=_data(doc.title if doc.title and not looks_like_instruction(doc.title) else "(无标题 untitled)"),
        date=doc.date or "unknown",
        source=_data(doc.source or "unknown"),
        excerpts=excerpts_block(chosen),
        glossary=glossary_block(doc, chosen, glossary),
    )
    return ModelRequest(
        purpose=purpose(doc),
        messages=messages,
        schema=SummaryAnswer,
        max_tokens=max_answer_tokens,
        context_ids=tuple(e.id for e in chosen),
    )


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


def read_answer(
    doc: Document,
    result: ModelResult,
    known_ids: set[str],
    glossary: Glossary,
) -> ArticleSummary:
    """Turn one model result into a checked summary (errors become ``error``, not exceptions)."""
    if result.parsed is None:
        error = result.error or (f"skipped ({result.skipped})" if result.skipped else "no answer")
        return _empty(doc, error)
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
        claim = verify_claim(claim_from_answer(out), context, known_ids, extra_years=years)
        if echoes(f"{claim.zh}\n{claim.en}", injected, legit):
            claim.status = "rejected"
            claim.reasons.append(ECHO_REASON)
        (summary.claims if claim.status == "verified" else summary.rejected).append(claim)

    extracted = _extracted_facts(doc, glossary)
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    for fo in answer.facts:
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
    return summary


def summarize(
    corpus: Corpus,
    client: ModelClient,
    prompts: PromptSet,
    glossary: Glossary,
    *,
    max_context_tokens: int = DEFAULT_CONTEXT_TOKENS,
) -> list[ArticleSummary]:
    """One checked summary per document, in corpus order; all calls go out in one batch."""
    known_ids = set(corpus.excerpt_index())
    pending: list[tuple[Document, ModelRequest]] = []
    out: dict[str, ArticleSummary] = {}
    for doc in corpus.documents:
        request = build_request(doc, prompts, glossary, max_context_tokens=max_context_tokens)
        if not request.context_ids:
            out[doc.id] = _empty(doc, "no usable excerpts to summarise")
        else:
            pending.append((doc, request))
    results = client.run([r for _, r in pending]) if pending else []
    for (doc, _), result in zip(pending, results, strict=True):
        try:
            out[doc.id] = read_answer(doc, result, known_ids, glossary)
        except Exception as exc:  # a malformed answer must not stop the other articles
            out[doc.id] = _empty(doc, f"could not read the model's answer: {exc}".splitlines()[0])
    return [out[d.id] for d in corpus.documents]
