"""Model engine for articles: ONE call per article (or per batch of articles) gives their
summaries and their comparison findings.

Each document's excerpts (cut to a token budget by retrieval, instruction-like
excerpts left out: ``selection``) are sent once as data (``prompting``), and
the model answers claims, key facts, and ``findings`` (what the article says
about each of its cities on each comparison dimension).  The comparison table
is built from the verified findings (``compare``), so no excerpt is sent twice.

This module does the batching.  Short articles are packed several to a call:
the instructions, glossary and schema are then paid once per batch instead of
once per article.  Which batch an article lands in depends on a hash of its
ID, so adding one article to a folder changes one batch (and all of them only
when the number of batches grows).  When one batch holds every article, the
same call writes the executive summary (``overview``), so a small folder
costs one call.  A batch cut off by the length limit, or whose reply does not
parse, is split in two and asked again.

Nothing the model says is used unchecked (``answers``): every claim, fact and
finding goes through ``verify``; failures are kept in
``ArticleSummary.rejected`` with their reasons.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefgen.core.types import ArticleSummary, Claim, Corpus, Dimension
from briefgen.engines.answers import empty_summary, failure, read_answer, read_batch
from briefgen.engines.prompting import build_batch_request, shipped_dimensions, single_request
from briefgen.engines.selection import DEFAULT_CONTEXT_TOKENS, ArticleEvidence, choose_evidence
from briefgen.model.client import ModelRequest, ModelResult
from briefgen.model.prompts import PromptSet

if TYPE_CHECKING:
    from briefgen.evidence.glossary import Glossary
    from briefgen.model.client import ModelClient

# A batch: at most this many evidence tokens and articles.  The article cap bounds the
# answer (about 1,200 tokens an article), which must fit the smallest common output limit.
DEFAULT_BATCH_TOKENS = 12000
DEFAULT_BATCH_ARTICLES = 6


def auto_batch_articles(n_articles: int, concurrency: int, cap: int = DEFAULT_BATCH_ARTICLES) -> int:
    """Articles per call when the user chose none: as few as keep every call in one round.

    Why: a model writes its answer at a fixed speed, so a call holding k articles takes
    about k times as long as a call holding one. While there are fewer articles than
    parallel calls, packing only lengthens the critical path (a six-article batch once
    took 160-200 s where six single calls in parallel took about 40 s). Past that,
    k = ceil(n / concurrency) articles a call keeps the same number of rounds with
    fewer calls and fewer prompt tokens."""
    return max(1, min(cap, math.ceil(n_articles / max(1, concurrency))))


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
                self.out[doc.id] = read_answer(doc, result, self.known_ids, self.glossary, self.dims)
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

    def ask(self, todo: list[list[ArticleEvidence]]) -> list[list[ArticleEvidence]]:
        """One round of calls; returns the halves of batches that must be asked again."""
        requests = [(batch, *self.request(batch)) for batch in todo]
        results = self.client.run([r for _, r, _ in requests])
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
) -> SummaryRun:
    """Checked summaries (with findings) for every document, in as few calls as the batch
    limits allow; with ``overview`` and a single batch, that call's overview too.
    ``batch_articles=None`` chooses it from the folder and the client's concurrency
    (``auto_batch_articles``)."""
    dim_list = list(dims) if dims else shipped_dimensions()
    job = _Job(corpus, client, prompts, glossary, dim_list, set(corpus.excerpt_index()), overview)
    units: list[ArticleEvidence] = []
    for doc in corpus.documents:
        unit = choose_evidence(doc, dim_list, max_context_tokens)
        if unit.chosen:
            units.append(unit)
        else:
            job.out[doc.id] = empty_summary(doc, "no usable excerpts to summarise")
    if batch_articles is None:
        batch_articles = auto_batch_articles(len(units), client.config.concurrency)
    todo = plan_batches(units, batch_tokens, batch_articles)
    job.overview = overview and len(todo) == 1 and len(units) > 1
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
