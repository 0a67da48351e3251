"""Prompt blocks and requests for article summaries (one article, or a batch).

Why a module of its own: everything here decides what text a model receives,
and every piece of it came from a page, so it is written as data (``as_data``:
no tag, no new line of its own) in one place that can be read and audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from briefgen.core.types import Dimension, Document, Excerpt, Fact
from briefgen.corpus.injection import looks_like_instruction
from briefgen.engines.factyears import kind_of, year_words
from briefgen.engines.schemas import batch_answer_for, summary_answer_for
from briefgen.engines.selection import (
    DEFAULT_CONTEXT_TOKENS,
    ArticleEvidence,
    choose_evidence,
    fact_candidates,
    fact_ids,
)
from briefgen.evidence.facts import figure_as_written, year_is_stated
from briefgen.model.client import ModelRequest
from briefgen.model.prompts import PromptSet

if TYPE_CHECKING:
    from briefgen.evidence.glossary import Glossary

PROMPT = "summarize"
BATCH_PROMPT = "summarize_batch"
# Output limits: an answer is now a few points and fact IDs (about 300-500 tokens an
# article); the limit only stops a runaway reply, and a batch holds at most a few
# very short articles (``summarize.plan_short``).
DEFAULT_ANSWER_TOKENS = 2000
BATCH_ANSWER_TOKENS = 4000
BATCH_GLOSSARY_TERMS = 8
MAX_GLOSSARY_TERMS = 12


def purpose(doc: Document) -> str:
    return f"summary:{doc.id}"


def batch_purpose(docs: Sequence[Document]) -> str:
    return "summary:" + "+".join(d.id for d in docs)


def shipped_dimensions() -> list[Dimension]:
    """The shipped comparison dimensions (when a caller gives none)."""
    from briefgen.evidence.dimensions import load_dimensions

    return load_dimensions()


def as_data(text: str) -> str:
    """Page text as prompt data: it must not close the data block, open a tag, or start a
    line of its own (where it could pose as a label or an instruction)."""
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
    return "\n".join(f"[{label(e)}] {as_data(e.text)}" for e in excerpts)


def dimensions_block(dims: Sequence[Dimension]) -> str:
    """``scale=规模; target=目标 ...``: the ids a point's ``dims`` may name."""
    return "; ".join(f"{d.id}={d.zh}" for d in dims)


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


def facts_block(candidates: Sequence[Fact]) -> str:
    """One ``f3 462.2亿元 产值 2023年 (p2)`` line per code-found figure, for the model to
    pick from by ID; the label is page text, so it is written as data."""
    lines = []
    for fid, f in zip(fact_ids(candidates), candidates, strict=True):
        # a year the text states (not the publication date, which the prompt gives anyway),
        # worded by kind as the brief words it: 目标2025年, 预计2026年 (an estimate must not
        # reach the model as a bare year, or it is written up as done), 2023年
        kind = kind_of(replace(f))  # a copy: listing a figure must not change the fact
        stated = kind == "target" or year_is_stated(f)
        zh, _ = year_words(kind, f.year if stated else None, None, "note")
        when = f" {zh}" if zh else ""
        cite = f.cites[0].rsplit(":", 1)[-1]  # its excerpt's label in the call: p2
        lines.append(f"{fid} {as_data(figure_as_written(f))} {as_data(f.what or '-')}{when} ({cite})")
    return "\n".join(lines)


def title_data(doc: Document) -> str:
    """The title as prompt data; a title that addresses a model is not sent."""
    ok = doc.title and not looks_like_instruction(doc.title)
    return as_data(doc.title) if ok and doc.title else "(无标题 untitled)"


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
    dims = list(dims) or shipped_dimensions()
    unit = choose_evidence(doc, dims, max_context_tokens)
    unit.candidates = fact_candidates(doc, unit.chosen, glossary, dims)
    return single_request(unit, prompts, glossary, dims, max_tokens=max_answer_tokens)


def single_request(
    unit: ArticleEvidence,
    prompts: PromptSet,
    glossary: Glossary,
    dims: Sequence[Dimension],
    *,
    max_tokens: int = DEFAULT_ANSWER_TOKENS,
) -> ModelRequest:
    """The ``summarize`` request for one article's chosen evidence."""
    doc, chosen = unit.doc, unit.chosen
    messages = prompts.messages(
        PROMPT,
        title=title_data(doc),
        date=doc.date or "unknown",
        source=as_data(doc.source or "unknown"),
        cities="、".join(doc.cities) or "(none)",
        dimensions=dimensions_block(dims),
        excerpts=excerpts_block(chosen),
        facts=facts_block(unit.candidates),
        glossary=glossary_block(doc, chosen, glossary),
    )
    return ModelRequest(
        purpose=purpose(doc),
        messages=messages,
        schema=summary_answer_for(doc.cities, [d.id for d in dims], fact_ids(unit.candidates)),
        max_tokens=max_tokens,
        context_ids=tuple(e.id for e in chosen),
    )


def article_block(key: str, doc: Document, excerpts: Sequence[Excerpt],
                  candidates: Sequence[Fact] = ()) -> str:  # fmt: skip
    """One article of a batch: a ``## a1`` heading, its metadata line, ``[p3] text`` lines
    and its figures to pick from (``f3 ...`` lines)."""
    head = [
        f"## {key}",
        f"title: {title_data(doc)}",
        f"date: {doc.date or 'unknown'}; cities: {'、'.join(doc.cities) or '(none)'}",
    ]
    figures = ["figures:", facts_block(candidates)] if candidates else []
    return "\n".join([*head, excerpts_block(excerpts), *figures])


def batch_glossary(units: Sequence[ArticleEvidence], glossary: Glossary) -> str:
    """The main glossary terms of a batch (``zh=en; ``).  City names are left out: the
    prompt asks for them in pinyin, and the renderer writes them from the glossary."""
    text = "\n".join(
        [*(u.doc.title or "" for u in units), *(e.text for u in units for e in u.chosen)]
    )
    pairs = glossary_terms(text, glossary, BATCH_GLOSSARY_TERMS)
    return "; ".join(f"{zh}={en}" for zh, en in pairs)


def build_batch_request(
    units: Sequence[ArticleEvidence],
    prompts: PromptSet,
    glossary: Glossary,
    dims: Sequence[Dimension],
    *,
    overview: bool,
) -> tuple[ModelRequest, dict[str, str]]:
    """The request for several articles, and its labels (``a1`` -> doc ID)."""
    keys = {f"a{i}": u.doc.id for i, u in enumerate(units, 1)}
    blocks = [article_block(k, u.doc, u.chosen, u.candidates) for k, u in zip(keys, units, strict=True)]
    messages = prompts.messages(
        BATCH_PROMPT,
        articles="\n".join(blocks),
        dimensions=dimensions_block(dims),
        glossary=batch_glossary(units, glossary),
        overview=overview,
    )
    cities = list(dict.fromkeys(c for u in units for c in u.doc.cities))
    most = max(len(u.candidates) for u in units)
    schema = batch_answer_for(
        list(keys), cities, [d.id for d in dims], overview=overview,
        facts=[f"f{i}" for i in range(1, most + 1)],
        with_city=any(len(u.doc.cities) > 1 for u in units),
    )  # fmt: skip
    request = ModelRequest(
        purpose=batch_purpose([u.doc for u in units]),
        messages=messages,
        schema=schema,
        max_tokens=BATCH_ANSWER_TOKENS,
        context_ids=tuple(e.id for u in units for e in u.chosen),
    )
    return request, keys
