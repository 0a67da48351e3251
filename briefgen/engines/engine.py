"""The two engines behind one interface: the model engine and the extractive engine.

Why: a build is the same sequence whichever engine runs (summaries, cells,
executive summary), so the pipeline has one path and asks an ``Engine`` for
each step, instead of branching on ``if engine == "model"`` at every one.
The model engine also owns honesty about its failures: an article whose call
failed is summarised by the extractive engine instead, and recorded in
``model_failures``, so nothing a failed call left empty reads as a brief.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal, Protocol

from briefgen.core.types import ArticleSummary, Claim, Comparison, Corpus, Dimension, Usage
from briefgen.engines.summarize import SummaryPlan, SummaryRun

if TYPE_CHECKING:
    from briefgen.engines.extractive import FactHints
    from briefgen.evidence.glossary import Glossary
    from briefgen.model.client import CallProgress, ModelClient, ModelRequest
    from briefgen.model.prompts import PromptSet

EngineName = Literal["model", "extractive"]


@dataclass
class ModelFailure:
    """One part of the brief a model call did not write, and why (one line).

    ``part`` is "article" (``doc_id`` names it; the extractive engine summarised
    it instead) or "summary" (the executive summary; none is shown).
    """

    doc_id: str | None
    reason: str
    part: str = "article"


@dataclass
class EngineRun:
    """Everything an engine produced for one corpus."""

    articles: list[ArticleSummary]
    comparison: Comparison
    summary: list[Claim]
    usage: Usage
    warnings: list[str] = field(default_factory=list)
    model_failures: list[ModelFailure] = field(default_factory=list)


class Stages(Protocol):
    def start(self, name: str) -> None: ...

    def calls(self, progress: CallProgress) -> None: ...


class Engine(Protocol):
    """What the pipeline needs from an engine."""

    name: EngineName
    prompts_version: str | None

    def run(self, corpus: Corpus, bar: Stages) -> EngineRun: ...

    def summarize(self, corpus: Corpus) -> tuple[list[ArticleSummary], EngineRun]: ...

    def close(self) -> None: ...


def _warnings(run: EngineRun, notes: Sequence[str]) -> list[str]:
    out = list(notes)
    lost = [f.doc_id for f in run.model_failures if f.part == "article" and f.doc_id]
    if lost:
        out.append(
            f"{len(lost)} article(s) not summarised by the model (its calls failed), "
            f"summarised by the extractive engine instead: {', '.join(lost)}"
        )
    failed = [a.doc_id for a in run.articles if a.error and a.doc_id not in lost]
    if failed:
        out.append(f"{len(failed)} article(s) without a summary: {', '.join(failed)}")
    if run.usage.skipped_for_budget:
        out.append(
            f"token budget reached: {len(run.usage.skipped_for_budget)} call(s) left undone "
            f"({', '.join(run.usage.skipped_for_budget)})"
        )
    return out


class ExtractiveEngine:
    """No model: key sentences and figures quoted from the sources, cited and checked."""

    name: EngineName = "extractive"
    prompts_version: str | None = None

    def __init__(self, glossary: Glossary, dims: list[Dimension]) -> None:
        self.glossary = glossary
        self.dims = dims
        self._hints: FactHints = {}

    def summarize(self, corpus: Corpus) -> tuple[list[ArticleSummary], EngineRun]:
        from briefgen.engines.extractive import cities_of, summarize_documents

        # the workers also read each figure's city for the comparison (``run``)
        self._hints.clear()
        articles = summarize_documents(corpus.documents, self.glossary, dims=self.dims,
                                       known=cities_of(corpus), hints=self._hints)  # fmt: skip
        return articles, EngineRun(articles, Comparison([], [], []), [], Usage())

    def run(self, corpus: Corpus, bar: Stages) -> EngineRun:
        from briefgen.engines import extractive
        from briefgen.engines.digest import executive_digest

        bar.start("summarising (extractive)")
        articles, out = self.summarize(corpus)
        bar.start("comparing cities")
        facts = {a.doc_id: a.facts for a in articles}
        out.comparison = extractive.compare(corpus, self.dims, self.glossary, facts, self._hints)
        index = corpus.excerpt_index()
        # per dimension: cities side by side on the same measure and year, targets and their years
        out.summary = executive_digest(articles, out.comparison, self.glossary, index, self._hints)
        self._hints.clear()
        return out

    def close(self) -> None:
        return None


class ModelEngine:
    """A configured model writes the summaries, findings and executive summary; every item
    is verified, and articles whose calls failed fall back to the extractive engine."""

    name: EngineName = "model"

    def __init__(
        self,
        client: ModelClient,
        prompts: PromptSet,
        glossary: Glossary,
        dims: list[Dimension],
        *,
        batch_tokens: int,
        batch_articles: int | None,
    ) -> None:
        self.client = client
        self.prompts = prompts
        self.prompts_version: str | None = prompts.version
        self.glossary = glossary
        self.dims = dims
        self.batch_tokens = batch_tokens
        self.batch_articles = batch_articles

    def _summary_run(self, corpus: Corpus, extra: Sequence[ModelRequest] = (),
                     plan: SummaryPlan | None = None) -> SummaryRun:  # fmt: skip
        from briefgen.engines.summarize import summarize_corpus

        return summarize_corpus(
            corpus, self.client, self.prompts, self.glossary, self.dims,
            batch_tokens=self.batch_tokens, batch_articles=self.batch_articles,
            overview=False, plan=plan, extra=extra,
        )  # fmt: skip

    def _fallback(self, corpus: Corpus, run: SummaryRun) -> list[ModelFailure]:
        """Articles whose model call failed, summarised by the extractive engine instead."""
        from briefgen.engines.extractive import summarize_document

        if self.client.config.dry_run:
            return []
        docs = {d.id: d for d in corpus.documents}
        failures = [ModelFailure(d, why) for d, why in run.failures.items()]
        for i, art in enumerate(run.articles):
            if art.doc_id in run.failures:
                fallback = summarize_document(docs[art.doc_id], self.glossary, dims=self.dims)
                fallback.error = run.failures[art.doc_id]  # the article page says why
                run.articles[i] = fallback
        return failures

    def summarize(self, corpus: Corpus, extra: Sequence[ModelRequest] = (),
                  plan: SummaryPlan | None = None) -> tuple[list[ArticleSummary], EngineRun]:  # fmt: skip
        self._run = self._summary_run(corpus, extra, plan)
        failures = self._fallback(corpus, self._run)
        out = EngineRun(self._run.articles, Comparison([], [], []), [], self.client.usage,
                        model_failures=failures)  # fmt: skip
        out.warnings = _warnings(out, [*self.client.notes, *self._run.notes])
        return self._run.articles, out

    def run(self, corpus: Corpus, bar: Stages) -> EngineRun:
        """Summaries, cells, executive summary; the executive summary never waits for the
        article calls: with every call in one round (a small folder) it is written without a
        model from the verified cells (``executive_digest``); otherwise its call is written
        from the code-found cells and sent with the first round of article calls."""
        from briefgen.engines import extractive
        from briefgen.engines.compare import compare, read_summary, summary_call
        from briefgen.engines.summarize import plan_summaries
        from briefgen.evidence.facts import extract_facts

        self.client.listener = bar.calls  # per-call progress and retries on a terminal
        bar.start("summarising articles")
        # every figure code finds, once: the figures a prompt lists, the code-found cells
        # (which fill the cells no point spoke to) and the summary written without a model
        facts = {d.id: extract_facts(d, self.glossary, dimensions=self.dims) for d in corpus.documents}
        plan = plan_summaries(corpus, self.glossary, self.dims, batch_tokens=self.batch_tokens,
                              batch_articles=self.batch_articles, facts=facts)  # fmt: skip
        backup = extractive.compare(corpus, self.dims, self.glossary, facts)  # code-found cells
        small = len(plan.batches) <= self.client.config.concurrency
        call = None if small else summary_call(corpus, backup, self.prompts, self.glossary)
        articles, out = self.summarize(corpus, [call[0]] if call else [], plan)
        bar.start("comparing cities")
        lost = {f.doc_id for f in out.model_failures if f.doc_id}
        out.comparison = compare(corpus, articles, self.glossary, self.dims, failed=lost)
        self._fill_from_extractive(out.comparison, backup)
        bar.start("executive summary")
        notes = list(self._run.notes)
        if call is None:
            from briefgen.engines.digest import executive_digest

            # from all the figures code found, not only those the model picked for display
            found = [replace(a, facts=facts.get(a.doc_id, a.facts)) for a in articles]
            out.summary = executive_digest(found, out.comparison, self.glossary, corpus.excerpt_index())
        else:
            failed: list[str] = []
            (result,) = self._run.extra
            out.summary = read_summary(corpus, call[0], call[1], result, warnings=failed)
            notes += failed
            out.model_failures += [
                ModelFailure(None, w.removeprefix("executive summary: "), "summary") for w in failed
            ]
        out.usage = self.client.usage
        if self.client.config.dry_run:  # nothing was asked, so nothing failed
            out.model_failures = []
        out.warnings = _warnings(out, [*self.client.notes, *notes])
        return out

    def _fill_from_extractive(self, comparison: Comparison, backup: Comparison) -> None:
        """Cells no verified point filled (``not_found``) or whose calls failed
        (``model_failed``) take the extractive engine's cell when it found something
        verified (quoted and cited, like the fallback summaries); the others keep their
        status: a failed call is never shown as "not found in sources"."""
        found = {(c.city, c.dimension): c for c in backup.cells if c.status == "verified"}
        comparison.cells = [
            found.get((c.city, c.dimension), c) if c.status in ("model_failed", "not_found") else c
            for c in comparison.cells
        ]

    def close(self) -> None:
        self.client.close()
