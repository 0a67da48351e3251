"""BM25 retrieval keeps the relevant excerpts under a token budget, in document order."""

from __future__ import annotations

from briefgen.core.types import Excerpt
from briefgen.evidence.retrieve import bm25_scores, rank, select, tokenize

TEXTS = [
    "中山市召开全市工作会议，部署下半年重点任务。",
    "会议指出，要持续优化营商环境，提升政务服务水平。",
    "中山生物医药产业规模达462.2亿元，规上企业120家。",
    "全市交通建设稳步推进，新开通两条公交线路。",
    "到2025年，生物医药产业力争突破1000亿元，建设健康医药产业园。",
    "文化活动丰富多彩，市民参与热情高涨。",
]


def _excerpts(tokens: int = 10) -> list[Excerpt]:
    return [Excerpt(f"d:p{i + 1}", "d", i + 1, t, t, tokens) for i, t in enumerate(TEXTS)]


def test_tokenize_gives_content_words_without_punctuation_or_stopwords() -> None:
    words = tokenize("中山市的生物医药产业，规模达462.2亿元。")
    assert "生物医药" in words and "462.2" in words
    assert "的" not in words and "，" not in words


def test_rank_puts_matching_excerpts_first() -> None:
    ranked = rank(_excerpts(), "生物医药 产业 亿元")
    top = {e.id for e, _ in ranked[:2]}
    assert top == {"d:p3", "d:p5"}
    assert ranked[-1][1] == 0.0


def test_select_fits_budget_and_keeps_document_order() -> None:
    chosen = select(_excerpts(tokens=10), "生物医药 产业 亿元", max_tokens=25)
    assert [e.id for e in chosen] == ["d:p3", "d:p5"]


def test_select_returns_everything_when_it_fits() -> None:
    assert select(_excerpts(tokens=10), "无关", max_tokens=1000) == _excerpts(tokens=10)


def test_select_lead_keeps_the_opening_and_only_matching_drops_zero_scores() -> None:
    chosen = select(_excerpts(tokens=10), "生物医药", max_tokens=30, lead=1)
    assert [e.id for e in chosen] == ["d:p1", "d:p3", "d:p5"]
    only = select(_excerpts(tokens=10), "生物医药", max_tokens=1000, only_matching=True)
    assert [e.id for e in only] == ["d:p3", "d:p5"]


def test_select_counts_tokens_when_excerpts_carry_none() -> None:
    exc = _excerpts(tokens=0)
    chosen = select(exc, "生物医药 亿元", max_tokens=40)
    assert chosen and len(chosen) < len(exc)
    assert "d:p3" in {e.id for e in chosen}


def test_bm25_prefers_rarer_terms_and_handles_empty_input() -> None:
    docs = [["a", "common"], ["b", "common"], ["rare", "common"]]
    scores = bm25_scores(docs, ["rare", "common"])
    assert scores[2] > scores[0] == scores[1]
    assert bm25_scores([], ["x"]) == [] and bm25_scores(docs, []) == [0.0, 0.0, 0.0]
