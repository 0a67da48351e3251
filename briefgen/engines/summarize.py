"""Model engine for articles: ONE call per article (or per batch of very short articles)
gives their summaries, the comparison cells they speak to and their key figures.

Each document's excerpts (cut to a token budget by retrieval, instruction-like
excerpts left out: ``selection``) are sent once as data (``prompting``), with
the figures code already found in them (``f1``, ``f2`` ...).  The model answers
a few short bilingual points, each naming the comparison dimensions it speaks
to, and the IDs of the key figures: it writes no figure out again and no
statement twice, so an answer is a few hundred tokens.  The comparison table
takes the verified points as its cells (``compare``).

Batching.  A model writes its answer at a fixed speed, so the critical path is
the longest answer: by default each article has its own call, and only very
short articles are packed, two at most, whose answers together are no longer
than one ordinary article's (``plan_short``).  ``--batch-articles N`` packs up
to N of any length (the instructions, glossary and schema are then paid once per
batch); which batch an article lands in then depends on a hash of its ID, so
adding one article to a folder changes one batch.  A batch cut off by the length
limit, or whose reply does not parse, is split in two and asked again.

Requests that need no article answer (the executive summary written from the
code-found cells) may ride along in the first round (``extra``), so they run
beside the article calls instead of after them.

Nothing the model says is used unchecked (``answers``): every claim, picked
fact and cell goes through ``verify``; failures are kept in
``ArticleSummary.rejected`` with their reasons.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefgen.core.types import ArticleSummary, Claim, Corpus, Dimension, Document, Fact
from briefgen.engines.answers import empty_summary, failure, read_answer, read_batch
from briefgen.engines.prompting import build_batch_request, shipped_dimensions, single_request
from briefgen.engines.selection import (
    DEFAULT_CONTEXT_TOKENS,
    ArticleEvidence,
    choose_evidence,
    fact_candidates,
)
from briefgen.model.client import ModelRequest, ModelResult
from briefgen.model.prompts import PromptSet

if TYPE_CHECKING:
    from briefgen.evidence.glossary import Glossary
    from briefgen.model.client import ModelClient

# --batch-articles N: at most this many evidence tokens a batch.
DEFAULT_BATCH_TOKENS = 12000
DEFAULT_BATCH_ARTICLES = 6  # the largest --batch-articles the output limit is sized for
# Default packing: an article this short (evidence tokens, a paragraph or two) expects one
# or two points, so two of them together answer no longer than one ordinary article.
SHORT_ARTICLE_TOKENS = 250
SHORT_BATCH_ARTICLES = 2


def plan_short(units: Sequence[ArticleEvidence], max_tokens: int = DEFAULT_BATCH_TOKENS) -> list[list[ArticleEvidence]]:
    """The default plan: one call per article, except that very short articles (at most
    ``SHORT_ARTICLE_TOKENS`` of evidence) go two to a call, in corpus order.

    Why: with answers of a few hundred tokens, wall time is the number of rounds times
    the longest answer.  A batch of ordinary articles writes k answers in one call, as
    long as k calls in a row, so it shortens nothing; two very short articles write
    about one ordinary answer in one call and free a parallel slot.
    ``max_tokens <= 0`` (``--batch-tokens 0``): one call per article, always."""
    batches: list[list[ArticleEvidence]] = []
    current: list[ArticleEvidence] = []
    for u in units:
        if max_tokens <= 0 or u.tokens > SHORT_ARTICLE_TOKENS:
            batches.append([u])
            continue
        current.append(u)
        if len(current) >= SHORT_BATCH_ARTICLES:
            batches.append(current)
            current = []
    if current:
        batches.append(current)
    return batches


@dataclass
class SummaryRun:
    """What the summary step gives back: one summary per document, in corpus order, and the
    ``overview`` claims (checked) when one call saw every article, else None."""

    articles: list[ArticleSummary]
    overview: list[Claim] | None = None
    notes: list[str] = field(default_factory=list)
    # doc ID -> why no model answer could be used for it (the call failed or was skipped,
    # the answer was unreadable or left the article out); never "no usable excerpts"
    failures: dict[str, str] = field(default_factory=dict)
    # results of the ``extra`` requests sent with the first round, in their order
    extra: list[ModelResult] = field(default_factory=list)


@dataclass
class SummaryPlan:
    """Which articles go to which call, decided before any call (``plan_summaries``)."""

    batches: list[list[ArticleEvidence]]
    unusable: list[Document]  # no usable excerpts: no call, an empty summary saying so


def _bucket(doc_id: str, n: int) -> int:
    return int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:8], 16) % n


def plan_batches(
    units: Sequence[ArticleEvidence], max_tokens: int, max_articles: int
) -> list[list[ArticleEvidence]]:
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
    buckets: list[list[ArticleEvidence]] = [[] for _ in range(n)]
    for u in units:
        buckets[_bucket(u.doc.id, n)].append(u)
    batches: list[list[ArticleEvidence]] = []
    for bucket in buckets:
        current: list[ArticleEvidence] = []
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


def _should_split(result: ModelResult) -> bool:
    """A smaller batch may do: the reply was cut off, took too long or was unreadable, or the
    call would have passed the token budget (half the articles may still fit in it)."""
    if result.skipped == "budget":
        return True
    if result.skipped or result.parsed is not None:
        return False
    return result.status in ("cut_off", "timed_out") or bool(result.raw.strip())


@dataclass
class _Job:
    """One summary run's fixed inputs, so each step below takes one argument, not eight."""

    corpus: Corpus
    client: ModelClient
    prompts: PromptSet
    glossary: Glossary
    dims: list[Dimension]
    known_ids: set[str]
    overview: bool
    out: dict[str, ArticleSummary] = field(default_factory=dict)
    run: SummaryRun = field(default_factory=lambda: SummaryRun(articles=[]))

    def request(self, batch: list[ArticleEvidence]) -> tuple[ModelRequest, dict[str, str]]:
        if len(batch) == 1:
            return single_request(batch[0], self.prompts, self.glossary, self.dims), {}
        return build_batch_request(batch, self.prompts, self.glossary, self.dims, overview=self.overview)

    def read(self, batch: list[ArticleEvidence], keys: dict[str, str], result: ModelResult) -> None:
        self._read(batch, keys, result)
        for u in batch:
            error = self.out[u.doc.id].error
            if error:
                self.run.failures[u.doc.id] = error

    def _read(self, batch: list[ArticleEvidence], keys: dict[str, str], result: ModelResult) -> None:
        try:
            if len(batch) == 1:
                doc = batch[0].doc
                self.out[doc.id] = read_answer(doc, result, self.known_ids, self.glossary, self.dims,
                                               batch[0].candidates)  # fmt: skip
                return
            parts, claims = read_batch(
                batch, keys, result, self.known_ids, self.glossary, self.dims, self.corpus,
                overview=self.overview,
            )  # fmt: skip
            self.out.update(parts)
            if claims is not None:
                self.run.overview = claims
        except Exception as exc:  # a malformed answer must not stop the other articles
            why = f"could not read the model's answer: {exc}".splitlines()[0]
            for u in batch:
                self.out[u.doc.id] = empty_summary(u.doc, why)

    def ask(
        self, todo: list[list[ArticleEvidence]], extra: Sequence[ModelRequest] = ()
    ) -> list[list[ArticleEvidence]]:
        """One round of calls (``extra`` requests first, so they start at once); returns the
        halves of batches that must be asked again."""
        requests = [(batch, *self.request(batch)) for batch in todo]
        results = self.client.run([*extra, *(r for _, r, _ in requests)])
        self.run.extra, results = results[: len(extra)], results[len(extra) :]
        again: list[list[ArticleEvidence]] = []
        for (batch, _, keys), result in zip(requests, results, strict=True):
            if len(batch) > 1 and _should_split(result):
                half = len(batch) // 2
                again += [batch[:half], batch[half:]]
                why = "over the token budget" if result.skipped == "budget" else failure(result)
                self.client.replaced(result)  # its halves are tried instead
                self.run.notes.append(f"a batch of {len(batch)} articles was split and asked again: {why}")
                self.overview = False
                continue
            self.read(batch, keys, result)
        return again


def plan_summaries(
    corpus: Corpus,
    glossary: Glossary,
    dims: Sequence[Dimension],
    *,
    max_context_tokens: int = DEFAULT_CONTEXT_TOKENS,
    batch_tokens: int = DEFAULT_BATCH_TOKENS,
    batch_articles: int | None = None,
    facts: dict[str, list[Fact]] | None = None,
) -> SummaryPlan:
    """Each article's evidence and figures, and the calls they go in: ``plan_short`` when
    ``batch_articles`` is None (the default), else ``plan_batches`` with that cap.
    ``facts``: doc ID -> its code-found facts, when the caller extracted them already."""
    units: list[ArticleEvidence] = []
    unusable: list[Document] = []
    for doc in corpus.documents:
        unit = choose_evidence(doc, dims, max_context_tokens)
        if unit.chosen:
            known = (facts or {}).get(doc.id)
            unit.candidates = fact_candidates(doc, unit.chosen, glossary, dims, facts=known)
            units.append(unit)
        else:
            unusable.append(doc)
    if batch_articles is None:
        return SummaryPlan(plan_short(units, batch_tokens), unusable)
    return SummaryPlan(plan_batches(units, batch_tokens, batch_articles), unusable)


def summarize_corpus(
    corpus: Corpus,
    client: ModelClient,
    prompts: PromptSet,
    glossary: Glossary,
    dims: Sequence[Dimension] | None = None,
    *,
    max_context_tokens: int = DEFAULT_CONTEXT_TOKENS,
    batch_tokens: int = DEFAULT_BATCH_TOKENS,
    batch_articles: int | None = DEFAULT_BATCH_ARTICLES,
    overview: bool = True,
    plan: SummaryPlan | None = None,
    extra: Sequence[ModelRequest] = (),
) -> SummaryRun:
    """Checked summaries (with their cells' findings) for every document; with ``overview``
    and a single batch of several articles, that call's overview too.  ``batch_articles=None``:
    the default plan (``plan_short``).  ``plan``: one made by ``plan_summaries`` already.
    ``extra``: requests sent with the first round; their results are ``SummaryRun.extra``."""
    dim_list = list(dims) if dims else shipped_dimensions()
    job = _Job(corpus, client, prompts, glossary, dim_list, set(corpus.excerpt_index()), overview)
    if plan is None:
        plan = plan_summaries(corpus, glossary, dim_list, max_context_tokens=max_context_tokens,
                              batch_tokens=batch_tokens, batch_articles=batch_articles)  # fmt: skip
    for doc in plan.unusable:
        job.out[doc.id] = empty_summary(doc, "no usable excerpts to summarise")
    todo = [list(b) for b in plan.batches]
    job.overview = overview and len(todo) == 1 and len(todo[0]) > 1
    todo = job.ask(todo, extra)
    while todo:
        todo = job.ask(todo)
    job.run.articles = [job.out[d.id] for d in corpus.documents]
    return job.run


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
