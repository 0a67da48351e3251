"""Issue 17: an offline build's work grows linearly with the number of articles.

Why count instead of timing: a timed test is flaky on a shared machine, while counting
how often the build walks the corpus is deterministic.  A build may walk all documents
and summaries a fixed number of times (per stage, per city, per dimension), so going
from N to 3N articles at most triples the documents and summaries it visits.  Looking
an article's document up by a search through the corpus once per article (rendering
did, issue 17) visits N² of them: at 3N nine times as many, and this test fails.
Rebuilding the excerpt index per article is caught the same way: the number of index
builds must not depend on the number of articles.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefgen import build_brief
from briefgen.core.types import Corpus, Excerpt
from briefgen.output.report import Brief
from briefgen.pipeline import BuildSettings

CITIES = ("中山市", "佛山市")


def _article(i: int) -> str:
    """A short, distinct article: its own title, date and figures, one of two cities."""
    city = CITIES[i % len(CITIES)]
    return (
        f"{city}发布生物医药产业行动计划之{i}\n"
        f"发布时间：2024-05-{1 + i % 28:02d}  来源：{city[:-1]}日报\n\n"
        f"{city}近日印发生物医药产业发展行动计划，提出到2025年全市生物医药产业产值达到{300 + i}亿元。\n\n"
        f"2023年，{city}生物医药产业实现产值{100 + i}.5亿元，同比增长{5 + i % 9}.2%，"
        f"规模以上企业{40 + i}家。\n\n"
        f"行动计划提出，{city}将设立{10 + i}亿元产业基金，建设{2 + i % 5}个专业园区，"
        f"推动与广州、深圳的产业协同发展。\n"
    )


class _CountingList(list):  # type: ignore[type-arg]
    """A list that counts the items every walk through it yields (into ``counter``)."""

    def __init__(self, items: Any, counter: dict[str, int], key: str) -> None:
        super().__init__(items)
        self._counter, self._key = counter, key

    def __iter__(self) -> Iterator[Any]:
        for item in super().__iter__():
            self._counter[self._key] += 1
            yield item


def _counted_field(cls: type, name: str, counter: dict[str, int]) -> property:
    """A property standing in for the dataclass field ``name``: whatever list is stored
    there is wrapped so that walking it is counted."""
    slot = f"_counted_{name}"

    def get(self: Any) -> Any:
        return getattr(self, slot)

    def put(self: Any, value: Any) -> None:
        setattr(self, slot, _CountingList(value, counter, name))

    return property(get, put)


def _build_counts(tmp_path: Path, n: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    src = tmp_path / f"in{n}"
    src.mkdir()
    for i in range(n):
        (src / f"a{i:03d}.txt").write_text(_article(i), encoding="utf-8")
    counter = {"documents": 0, "articles": 0, "excerpt_index": 0}
    with monkeypatch.context() as m:
        m.setattr(Corpus, "documents", _counted_field(Corpus, "documents", counter), raising=False)
        m.setattr(Brief, "articles", _counted_field(Brief, "articles", counter), raising=False)
        build_index = Corpus.excerpt_index

        def counted_index(self: Corpus) -> dict[str, Excerpt]:
            counter["excerpt_index"] += 1
            return build_index(self)

        m.setattr(Corpus, "excerpt_index", counted_index)
        brief = build_brief(src, tmp_path / f"out{n}", BuildSettings(engine="extractive", workers=1))
        assert len(brief.corpus.documents) == n  # every article read: the counts are for n
    assert (tmp_path / f"out{n}" / "articles" / "a000.md").is_file()
    return counter


def test_a_build_walks_the_corpus_a_fixed_number_of_times(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small = _build_counts(tmp_path, 8, monkeypatch)
    large = _build_counts(tmp_path, 24, monkeypatch)
    # linear work c + a*N triples at most; a search per article (N²) multiplies by nine
    assert large["documents"] <= 3 * small["documents"], (small, large)
    assert large["articles"] <= 3 * small["articles"], (small, large)
    assert small["documents"] > 8  # the counting saw the build's walks at all
    # the excerpt index is built a fixed number of times, not once or twice per article
    assert large["excerpt_index"] == small["excerpt_index"] < 8, (small, large)


def test_worker_processes_give_the_same_summaries_and_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Big builds summarise and convert pages in worker processes; what they return must be
    what this process computes (here forced on for a small corpus)."""
    from briefgen.corpus.ingest import ingest
    from briefgen.engines import extractive
    from briefgen.evidence.glossary import load_glossary
    from briefgen.output import pages

    for i in range(4):
        (tmp_path / f"a{i}.txt").write_text(_article(i), encoding="utf-8")
    docs = ingest(tmp_path, workers=1).documents
    glossary = load_glossary([])
    here = extractive.summarize_documents(docs, glossary, workers=1)
    monkeypatch.setattr(extractive, "PARALLEL_FROM", 1)
    assert extractive.summarize_documents(docs, glossary, workers=2) == here
    assert [a.doc_id for a in here] == [d.id for d in docs] and any(a.facts for a in here)

    md = "# 标题\n\n| a | b |\n|---|---|\n| 1 | [x](articles/a.md#p1) |\n"
    monkeypatch.setattr(pages, "PARALLEL_FROM", 1)
    with pages.Converter(1, workers=2) as conv:
        assert conv.parallel
        got = conv.submit(pages.markdown_to_html, md, "body{}", "both", toc=True)()
    assert got == pages.markdown_to_html(md, "body{}", "both", toc=True)
    assert 'href="articles/a.html#p1"' in got


def test_comparison_reads_each_figure_once_in_the_summary_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 17: the summary workers also read each figure's city and city binding for the
    comparison (the main process had parsed every article again for them).  With their
    hints the comparison is the same and reads no figure's city itself; without, it does."""
    from briefgen.corpus.ingest import ingest
    from briefgen.engines import extractive
    from briefgen.engines.digest import executive_digest
    from briefgen.evidence.dimensions import load_dimensions
    from briefgen.evidence.glossary import load_glossary

    for i in range(6):
        (tmp_path / f"a{i}.txt").write_text(_article(i), encoding="utf-8")
    corpus = ingest(tmp_path, workers=1)
    glossary, dims = load_glossary([]), load_dimensions()
    monkeypatch.setattr(extractive, "PARALLEL_FROM", 1)
    hints: extractive.FactHints = {}
    known = extractive.cities_of(corpus)
    articles = extractive.summarize_documents(corpus.documents, glossary, dims=dims, workers=2,
                                              known=known, hints=hints)  # fmt: skip
    facts = {a.doc_id: a.facts for a in articles}
    assert len(hints) == sum(len(f) for f in facts.values()) > 0

    reads = {"fact_city": 0, "binding": 0}
    fact_city, city_reasons = extractive.fact_city, extractive._city_reasons

    def counted_city(*args: Any, **kwargs: Any) -> Any:
        reads["fact_city"] += 1
        return fact_city(*args, **kwargs)

    def counted_reasons(*args: Any, **kwargs: Any) -> Any:
        reads["binding"] += 1
        return city_reasons(*args, **kwargs)

    monkeypatch.setattr(extractive, "fact_city", counted_city)
    monkeypatch.setattr(extractive, "_city_reasons", counted_reasons)
    shared = extractive.compare(corpus, dims, glossary, facts, hints)
    # only the few figures a cell shows are checked again (``checked``), never the whole pool
    assert reads["fact_city"] == 0 and reads["binding"] <= len(shared.cells) * extractive._PER_CELL, reads
    index = corpus.excerpt_index()
    digest = executive_digest(articles, shared, glossary, index, hints)  # the executive summary too
    assert reads["fact_city"] == 0 and digest, reads
    alone = extractive.compare(corpus, dims, glossary, facts)
    assert reads["fact_city"] >= len(hints)
    assert alone == shared and any(c.status != "not_found" for c in shared.cells)
    assert executive_digest(articles, alone, glossary, index) == digest
