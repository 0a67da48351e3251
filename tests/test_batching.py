"""Several articles in one call: batch plan, labels, per-article checks, overview, splitting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_summarize import CD, ZS, mock_client

from briefgen.core.types import Corpus
from briefgen.engines.selection import ArticleEvidence
from briefgen.engines.summarize import plan_batches, summarize_corpus
from briefgen.evidence.glossary import load_glossary
from briefgen.model.prompts import load_prompts

PAIR = "summary:zs-biomed+cd-health"


def units(n: int, tokens: int = 300) -> list[ArticleEvidence]:
    return [ArticleEvidence(ZS.__class__(**{**ZS.__dict__, "id": f"doc-{i}"}), [], tokens) for i in range(n)]


def ids(batches: list[list[ArticleEvidence]]) -> list[list[str]]:
    return [[u.doc.id for u in b] for b in batches]


def test_batches_respect_token_and_article_limits() -> None:
    batches = plan_batches(units(40, 700), max_tokens=3000, max_articles=6)
    assert sorted(i for b in ids(batches) for i in b) == sorted(f"doc-{i}" for i in range(40))
    assert all(len(b) <= 6 and sum(u.tokens for u in b) <= 3000 for b in batches)


def test_small_folder_is_one_batch_and_zero_limits_mean_one_per_call() -> None:
    assert len(plan_batches(units(5), 12000, 6)) == 1
    assert ids(plan_batches(units(3), 0, 6)) == [["doc-0"], ["doc-1"], ["doc-2"]]
    assert len(plan_batches(units(3), 12000, 1)) == 3


def test_adding_an_article_changes_only_its_own_batch() -> None:
    # 28 and 29 articles of 300 tokens both need 5 batches of at most 6 articles
    before = ids(plan_batches(units(28), 3000, 6))
    after = ids(plan_batches(units(29), 3000, 6))
    changed = [b for b in after if b not in before]
    assert len(changed) == 1 and "doc-28" in changed[0]
    assert len([b for b in before if b not in after]) <= 1


def _article(doc: str, claims: list[dict[str, Any]]) -> dict[str, Any]:
    return {"doc": doc, "title_en": f"title {doc}", "claims": claims, "facts": [], "findings": []}


def _claim(zh: str, en: str, cites: list[str]) -> dict[str, Any]:
    return {"zh": zh, "en": en, "cites": cites}


def run(client: Any) -> Any:
    return summarize_corpus(Corpus([ZS, CD], []), client, load_prompts(), load_glossary())


def test_one_call_checks_each_article_against_its_own_excerpts(tmp_path: Path) -> None:
    client, mock = mock_client(tmp_path)
    mock.enqueue(PAIR, {"articles": [
        _article("a1", [_claim("2023年中山生物医药产业规模达462.2亿元。", "Zhongshan: CNY 46.22 billion in 2023.", ["p2"]),
                        _claim("产业规模突破2000亿元。", "over CNY 200 billion", ["a2.p1"])]),
        _article("a2", [_claim("成都设立规模50亿元的产业基金。", "Chengdu sets up a CNY 5 billion fund.", ["cd-health:p2"])]),
    ], "overview": [_claim("中山产业规模达462.2亿元，成都设立50亿元基金。", "Zhongshan CNY 46.22 billion; Chengdu a CNY 5 billion fund.", ["a1.p2", "a2.p2"]),
                    _claim("两市合计超3000亿元。", "together over CNY 300 billion", ["a1.p2"])]})  # fmt: skip
    result = run(client)
    zs, cd = result.articles
    assert [c.cites for c in zs.claims] == [["zs-biomed:p2"]] and [c.cites for c in cd.claims] == [["cd-health:p2"]]
    assert zs.rejected[0].reasons == ["citation outside context cd-health:p1"]
    assert [c.status for c in result.overview] == ["verified", "rejected"]
    assert result.overview[0].cites == ["zs-biomed:p2", "cd-health:p2"]
    assert [c.purpose for c in mock.calls] == [PAIR]


def test_article_left_out_of_the_answer_gets_an_error(tmp_path: Path) -> None:
    client, mock = mock_client(tmp_path)
    mock.enqueue(PAIR, {"articles": [_article("a1", []), _article("a1", [])], "overview": []})
    zs, cd = run(client).articles
    assert zs.error is None and cd.error == "the model's answer left this article out"


def test_cut_off_batch_is_split_and_asked_again_without_overview(tmp_path: Path) -> None:
    client, mock = mock_client(tmp_path)
    mock.enqueue(PAIR, '{"articles": [{"doc": "a1", "title_en": "Zhong', finish_reason="length")
    mock.enqueue("summary:zs-biomed", {"title_en": "Zhongshan", "claims": [], "facts": [], "findings": []})
    mock.enqueue("summary:cd-health", {"title_en": "Chengdu", "claims": [], "facts": [], "findings": []})
    result = run(client)
    assert [a.title_en for a in result.articles] == ["Zhongshan", "Chengdu"]
    assert result.overview is None and "split" in result.notes[0]
    assert [c.purpose for c in mock.calls] == [PAIR, "summary:zs-biomed", "summary:cd-health"]


def test_timed_out_batch_is_split_and_asked_again(tmp_path: Path) -> None:
    from fake_openai import MockModel, Reply

    mock = MockModel()
    mock.enqueue(PAIR, Reply(content='{"articles": []}', delay=1.4))  # free again well before the halves time out
    mock.enqueue("summary:zs-biomed", {"title_en": "Zhongshan", "claims": [], "facts": [], "findings": []})
    mock.enqueue("summary:cd-health", {"title_en": "Chengdu", "claims": [], "facts": [], "findings": []})
    client = mock.client(no_cache=True, cache_dir=tmp_path / "c", timeout=1.0, min_tokens_per_second=1e9)
    result = run(client)
    assert [a.title_en for a in result.articles] == ["Zhongshan", "Chengdu"]
    assert "split" in result.notes[0] and not result.failures
    assert [c.purpose for c in mock.calls] == [PAIR, "summary:zs-biomed", "summary:cd-health"]


def test_batch_prompt_labels_articles_and_their_paragraphs(tmp_path: Path) -> None:
    client, mock = mock_client(tmp_path)
    mock.enqueue(PAIR, {"articles": [], "overview": []})
    run(client)
    user = mock.calls[0].messages[-1]["content"]
    assert "## a1\ntitle: 中山市生物医药产业规模突破462亿元" in user and "## a2\n" in user
    assert "[p2] 2023年，中山市生物医药产业规模达462.2亿元" in user
    schema = mock.calls[0].schema_json
    assert schema["properties"]["articles"]["items"]["properties"]["doc"]["enum"] == ["a1", "a2"]


def test_batch_over_the_budget_is_split_so_what_fits_still_runs(tmp_path: Path) -> None:
    from fake_openai import MockModel

    mock = MockModel()
    mock.enqueue("summary:*", {"title_en": "t", "claims": [], "facts": [], "findings": []}, repeat=True)
    client = mock.client(no_cache=True, cache_dir=tmp_path / "c", budget_tokens=5000)
    result = run(client)
    assert [c.purpose for c in mock.calls] == ["summary:zs-biomed"]  # a batch (4,000 answer tokens) cannot fit
    assert result.articles[0].error is None and "budget" in (result.articles[1].error or "")
    assert client.usage.skipped_for_budget == ["summary:cd-health"]
