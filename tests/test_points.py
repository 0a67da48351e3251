"""Issue 17: a shorter answer for the same brief.

The model picks key figures by ID from those code found (it writes none out), its
points name the dimensions they speak to and so fill the cells, short articles
share a call only when that shortens nothing else, and the executive summary
never waits for the article calls.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from fake_openai import FakeOpenAI, MockModel, Reply, Seen
from test_summarize import CD, GF, ZS, make_doc, mock_client

from briefgen.core.types import Corpus, Document
from briefgen.engines import compare
from briefgen.engines.engine import ModelEngine
from briefgen.engines.selection import ArticleEvidence, fact_candidates, fact_ids
from briefgen.engines.summarize import SHORT_ARTICLE_TOKENS, plan_short, summarize, summarize_corpus
from briefgen.evidence.dimensions import load_dimensions
from briefgen.evidence.glossary import load_glossary
from briefgen.model.client import ModelClient
from briefgen.model.config import ModelConfig
from briefgen.model.prompts import load_prompts
from briefgen.output.progress import stages

DIMS = load_dimensions()


def _listed(doc: Document) -> dict[str, Any]:
    """The figure IDs the prompt for ``doc`` lists: ID -> the code's fact."""
    found = fact_candidates(doc, doc.excerpts, load_glossary(), DIMS)
    return dict(zip(fact_ids(found), found, strict=True))


def _one(doc: Document, answer: dict[str, Any], tmp_path: Path) -> Any:
    client, mock = mock_client(tmp_path)
    mock.enqueue(f"summary:{doc.id}", answer)
    (summary,) = summarize(Corpus([doc], []), client, load_prompts(), load_glossary(), DIMS, batch_articles=1)
    return summary, mock


# ------------------------------------------------------------------- facts


def test_picked_ids_are_the_code_facts_and_an_unlisted_id_is_rejected(tmp_path: Path) -> None:
    listed = _listed(ZS)
    scale = next(i for i, f in listed.items() if f.value == "462.2")
    target = next(i for i, f in listed.items() if f.value == "1000")
    answer = {"title_en": "Zhongshan", "claims": [], "facts": [scale, f" {target.upper()} ", scale, "f42", ""]}
    summary, mock = _one(ZS, answer, tmp_path)
    # each pick is the code's own fact: label, year and dimension as code found them
    assert summary.facts == [listed[scale], listed[target]]
    assert summary.facts[0].dimension == "scale" and summary.facts[1].is_target
    why = {c.zh: c.reasons for c in summary.rejected}
    assert why == {"【关键数据】f42": ["f42 is not one of the figures listed for this article"],
                   "【关键数据】(empty)": ["(empty) is not one of the figures listed for this article"]}  # fmt: skip
    # the request listed exactly these IDs, and the schema allows only them
    assert mock.calls[0].schema_json["properties"]["facts"]["items"]["enum"] == list(listed)
    assert f"{scale} 462.2亿元" in mock.calls[0].messages[-1]["content"]


def test_figures_listed_are_from_the_excerpts_shown_and_at_most_twelve() -> None:
    paragraphs = [f"2023年，中山第{i}园区产值{100 + i}亿元。" for i in range(1, 20)]
    doc = make_doc("many", "中山园区", "中山", "2024-01-01", paragraphs)
    shown = doc.excerpts[:15]
    found = fact_candidates(doc, shown, load_glossary(), DIMS)
    assert len(found) == 12 and {f.cites[0] for f in found} <= {e.id for e in shown}
    assert fact_candidates(doc, shown, load_glossary(), DIMS) == found  # the reader finds the same IDs


def test_headline_figures_are_listed_first_and_a_bar_for_firms_is_not() -> None:
    doc = make_doc("rank", "佛山生物医药", "佛山", "2024-01-01", [
        "全市新增博士后工作站5个，引进人才团队8个。",
        "到2025年，培育销售收入超百亿元的龙头企业。",
        "2023年，全市生物医药产业产值达300亿元。",
    ])  # fmt: skip
    found = fact_candidates(doc, doc.excerpts, load_glossary(), DIMS)
    assert found[0].value == "300"  # the city's output, though stated last
    # a revenue figure in money, yet a bar some firms must reach: after the plain counts
    assert len(found) >= 3 and "销售收入" in found[-1].what and "销售收入" not in "".join(f.what for f in found[:-1])


def test_the_figures_listed_say_which_are_targets_and_which_are_estimates(tmp_path: Path) -> None:
    # an estimate (预计) listed with a bare year would reach the model as a result
    doc = make_doc("kinds", "江门新能源产业", "江门", "2024-02-01", [
        "2023年，江门市新能源产业产值达到520亿元。",
        "预计2026年全市新能源产业产值将突破900亿元。",
        "到2027年，力争全市新能源产业产值超过1200亿元。",
    ])  # fmt: skip
    listed = {f.value: i for i, f in _listed(doc).items()}
    _, mock = _one(doc, {"title_en": "Jiangmen", "claims": [], "facts": []}, tmp_path)
    prompt = mock.calls[0].messages[-1]["content"]
    line = {v: next(x for x in prompt.splitlines() if x.startswith(f"{i} ")) for v, i in listed.items()}
    assert "预计2026年" in line["900"] and "目标" not in line["900"]
    assert "目标2027年" in line["1200"]
    assert "2023年" in line["520"] and "预计" not in line["520"] and "目标" not in line["520"]


# ------------------------------------------------------------------ points


def _point(zh: str, en: str, cites: list[str], dims: list[str], city: str | None = None) -> dict[str, Any]:
    return {"zh": zh, "en": en, "cites": cites, "dims": dims, **({"city": city} if city is not None else {})}


def test_a_points_dimensions_fill_those_cells_of_its_city(tmp_path: Path) -> None:
    answer = {"title_en": "Zhongshan", "facts": [], "claims": [
        _point("2023年，中山市生物医药产业规模达462.2亿元。", "Zhongshan's biomedicine industry reached CNY 46.22 billion in 2023.",
               ["p2"], ["scale", "enterprises"]),
        _point("中山健康医药产业基地规划面积约44平方公里。", "The base covers about 44 km².", ["p4"], ["parks", "weather"]),
        _point("中山召开生物医药产业大会。", "Zhongshan held a biomedicine conference.", ["p1"], []),
        _point("到2025年产业规模力争超1500亿元。", "Over CNY 150 billion by 2025.", ["p3"], ["target"]),
    ]}  # fmt: skip
    summary, _ = _one(ZS, answer, tmp_path)
    assert len(summary.claims) == 3  # every verified point is a point of the summary too
    status = {(f.city, f.dimension): (f.status, f.reasons) for f in summary.findings}
    assert status[("中山", "scale")] == status[("中山", "enterprises")] == status[("中山", "parks")] == ("verified", [])
    assert status[("中山", "weather")] == ("rejected", ["unknown dimension weather"])
    assert status[("中山", "target")][0] == "rejected"  # the point's wrong number: no cell
    assert any("超1500亿元" in r for r in status[("中山", "target")][1])
    listed = [c.zh for c in summary.rejected]
    assert listed.count("到2025年产业规模力争超1500亿元。") == 1  # a rejected point is listed once
    assert any(z.startswith("【对比：中山·") and "44平方公里" in z for z in listed)  # the unknown dimension
    cells = {(c.city, c.dimension): c for c in compare.compare(Corpus([ZS], []), [summary], load_glossary(), DIMS).cells}
    assert cells[("中山", "scale")].status == "verified" and "462.2亿元" in cells[("中山", "scale")].zh
    assert cells[("中山", "scale")].cites == ["zs-biomed:p2"]
    assert cells[("中山", "parks")].cites == ["zs-biomed:p4"]
    assert cells[("中山", "target")].status == "rejected"
    assert cells[("中山", "talent")].status == "not_found"  # no point spoke to it


def test_a_point_that_is_someones_view_fills_no_cell(tmp_path: Path) -> None:
    doc = make_doc("zs-view", "中山生物医药", "中山", "2024-03-15", [
        "2023年，中山市生物医药产业规模达462.2亿元。",
        "业内人士认为，中山生物医药产业规模有望在三年内突破1000亿元。",
    ])  # fmt: skip
    answer = {"title_en": "Zhongshan", "facts": [], "claims": [
        _point("2023年，中山市生物医药产业规模达462.2亿元。", "Zhongshan's industry reached CNY 46.22 billion in 2023.",
               ["p1"], ["scale"]),
        _point("业内人士认为，中山产业规模有望三年内突破1000亿元。", "Insiders think it may pass CNY 100 billion within three years.",
               ["p2"], ["target"]),
    ]}  # fmt: skip
    summary, _ = _one(doc, answer, tmp_path)
    assert len(summary.claims) == 2  # still a point of the article's summary
    assert {f.dimension for f in summary.findings} == {"scale"}
    cells = {(c.city, c.dimension): c for c in compare.compare(Corpus([doc], []), [summary], load_glossary(), DIMS).cells}
    assert "1000亿元" not in cells[("中山", "target")].zh


def test_in_a_two_city_article_a_point_fills_the_cell_of_its_own_city(tmp_path: Path) -> None:
    answer = {"title_en": "Guangzhou-Foshan", "facts": [], "claims": [
        _point("佛山医药健康产业集群产值462.2亿元。", "Foshan's cluster output is CNY 46.22 billion.", ["p2"], ["scale"], "佛山"),
        _point("广州生物医药产值突破2000亿元。", "Guangzhou's output passed CNY 200 billion.", ["p1"], ["scale"], ""),
        _point("两市合作共建产业园区。", "The two cities build a park together.", ["p3"], ["parks"], ""),
        _point("产值462.2亿元。", "Output CNY 46.22 billion.", ["p2"], ["scale"], "广州"),
    ]}  # fmt: skip
    summary, _ = _one(GF, answer, tmp_path)
    got = [(f.city, f.dimension, f.status, f.reasons) for f in summary.findings]
    assert got[0] == ("佛山", "scale", "verified", [])
    assert got[1] == ("广州", "scale", "verified", [])  # no city given: the one its text names
    assert got[2][2] == "rejected" and got[2][3] == ["city (empty) is not a city of this article"]
    assert got[3][:3] == ("广州", "scale", "rejected")  # Foshan's paragraph cannot speak for Guangzhou
    assert "citation to an excerpt about another city gf:p2" in got[3][3]
    assert len(summary.claims) == 4  # all four are true of the article itself


# ---------------------------------------------------------------- batching


def _units(sizes: list[int]) -> list[ArticleEvidence]:
    return [ArticleEvidence(make_doc(f"d{i}", "t", "中山", "2024-01-01", ["x"]), [], n) for i, n in enumerate(sizes)]


def test_only_very_short_articles_share_a_call_two_at_most() -> None:
    short, long = SHORT_ARTICLE_TOKENS, SHORT_ARTICLE_TOKENS + 1
    plan = plan_short(_units([long, short, 40, 900, 30, 20]))
    assert [[u.doc.id for u in b] for b in plan] == [["d0"], ["d1", "d2"], ["d3"], ["d4", "d5"]]
    assert all(len(b) == 1 or sum(u.tokens for u in b) <= 2 * short for b in plan)
    assert [len(b) for b in plan_short(_units([30, 20, 10]), max_tokens=0)] == [1, 1, 1]  # --batch-tokens 0


def test_two_short_articles_go_in_one_call_and_each_is_checked_alone(tmp_path: Path) -> None:
    a = make_doc("short-a", "中山基金", "中山", "2024-01-01", ["中山设立规模20亿元的生物医药产业基金。"])
    b = make_doc("short-b", "佛山园区", "佛山", "2024-01-01", ["佛山生物医药产业园区面积5平方公里。"])
    client, mock = mock_client(tmp_path)
    mock.enqueue("summary:short-a+short-b", {"articles": [
        {"doc": "a1", "title_en": "A", "facts": ["f1"], "claims": [
            _point("中山设立规模20亿元的生物医药产业基金。", "Zhongshan sets up a CNY 2 billion fund.", ["p1"], ["finance"], "中山")]},
        {"doc": "a2", "title_en": "B", "facts": ["f1", "f2"], "claims": [
            _point("佛山产业园区面积5平方公里。", "Foshan's park covers 5 km².", ["a1.p1"], ["parks"], "佛山")]},
    ]})  # fmt: skip
    run = summarize_corpus(Corpus([a, b], []), client, load_prompts(), load_glossary(), DIMS,
                           batch_articles=None, overview=False)  # fmt: skip
    assert [c.purpose for c in mock.calls] == ["summary:short-a+short-b"]
    assert "overview" not in mock.calls[0].schema_json["properties"]
    sa, sb = run.articles
    assert [(f.dimension, f.status) for f in sa.findings] == [("finance", "verified")]
    assert [f.value for f in sa.facts] == ["20"]
    assert sb.claims == [] and sb.findings[0].status == "rejected"  # cited the other article
    assert [f.value for f in sb.facts] == ["5"]  # f1: its own first figure, not a1's
    assert [c.reasons for c in sb.rejected if "f2" in c.zh] == [["f2 is not one of the figures listed for this article"]]


# ------------------------------------------------------- executive summary


def test_small_folder_gets_its_executive_summary_without_a_model_call(mock_model: MockModel, tmp_path: Path) -> None:
    point = _point("2023年，中山市生物医药产业规模达462.2亿元。", "Zhongshan: CNY 46.22 billion in 2023.", ["p2"], ["scale"])
    mock_model.enqueue("summary:zs-biomed", {"title_en": "Z", "claims": [point], "facts": []})
    mock_model.enqueue("summary:cd-health", {"title_en": "C", "claims": [], "facts": []})
    engine = ModelEngine(mock_model.client(cache_dir=tmp_path / "c", concurrency=2), load_prompts(),
                         load_glossary(), DIMS, batch_tokens=0, batch_articles=None)  # fmt: skip
    with stages(5, False) as bar:
        run = engine.run(Corpus([ZS, CD], []), bar)
    engine.close()
    assert sorted(c.purpose for c in mock_model.calls) == ["summary:cd-health", "summary:zs-biomed"]
    assert run.summary and all(c.status == "verified" and c.cites for c in run.summary)
    assert run.model_failures == []


def test_large_folder_sends_the_executive_summary_with_the_first_article_calls(tmp_path: Path) -> None:
    """Three calls, two at a time.  Each article call is answered only once the
    executive-summary call has arrived: had it waited for the article calls, they would
    have waited for it in vain (and said so)."""
    asked = threading.Event()
    waited: list[bool] = []

    def respond(seen: Seen) -> Reply:
        if seen.purpose == "exec-summary":
            asked.set()
            cells = [line.split("|")[0] for line in seen.messages[-1]["content"].splitlines() if "|" in line]
            point = {"zh": "中山、成都均提出产业规模目标。", "en": "Zhongshan and Chengdu both set scale targets.",
                     "cites": cells[:1]}  # fmt: skip
            return Reply(json.dumps({"claims": [point]}, ensure_ascii=False))
        waited.append(asked.wait(timeout=10))
        return Reply(json.dumps({"title_en": "T", "claims": [], "facts": []}))

    fs = make_doc("fs", "佛山生物医药", "佛山", "2024-02-01", ["2023年，佛山生物医药产业规模达300亿元。"])
    with FakeOpenAI(respond) as server:
        config = ModelConfig(model="m", base_url=server.url, no_cache=True, cache_dir=tmp_path / "c",
                             concurrency=2, backoff_base=0.01)  # fmt: skip
        engine = ModelEngine(ModelClient(config), load_prompts(), load_glossary(), DIMS,
                             batch_tokens=0, batch_articles=None)  # fmt: skip
        with stages(5, False) as bar:
            run = engine.run(Corpus([ZS, CD, fs], []), bar)
        engine.close()
        purposes = [c.purpose for c in server.calls]
    assert sorted(purposes) == ["exec-summary", "summary:cd-health", "summary:fs", "summary:zs-biomed"]
    assert waited == [True, True, True]
    assert run.summary and run.summary[0].cites and run.model_failures == []


# ------------------------------------------------- a replayed, authored answer

ZP = make_doc("zs-points", "中山市健康医药产业再上台阶", "中山", "2024-06-01", [
    "2023年，中山市健康医药产业产值达520亿元，规上企业150家。",
    "到2026年，中山力争健康医药产业产值突破800亿元。",
    "中山设立规模30亿元的健康医药产业基金，支持企业创新。",
    "翠亨新区生物医药园规划面积12平方公里。",
])  # fmt: skip


def test_replayed_answer_of_the_current_shape_is_checked_item_by_item(tmp_path: Path) -> None:
    from test_summarize import replay_client

    (summary,) = summarize(Corpus([ZP], []), replay_client(tmp_path), load_prompts(), load_glossary(), DIMS,
                           batch_articles=1)  # fmt: skip
    assert summary.error is None and len(summary.claims) == 3
    status = {f.dimension: f.status for f in summary.findings}
    assert status == {"scale": "verified", "enterprises": "verified", "target": "verified",
                      "finance": "verified", "parks": "rejected"}  # fmt: skip
    wrong = [c for c in summary.rejected if "15平方公里" in c.zh]
    assert len(wrong) == 1 and any("15平方公里" in r for r in wrong[0].reasons)
    listed = _listed(ZP)
    assert summary.facts == [listed["f1"], listed["f2"], listed["f3"]]
    assert [c.reasons for c in summary.rejected if "f40" in c.zh] == [["f40 is not one of the figures listed for this article"]]
