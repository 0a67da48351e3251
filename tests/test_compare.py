"""The model comparison: grouping by city, per-city evidence, verified/rejected/not_found cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen import compare
from briefgen.config import resolve_config
from briefgen.glossary import load_glossary
from briefgen.llm import MockBackend, ModelClient
from briefgen.prompts import load_prompts
from briefgen.types import Corpus, Dimension, Document, Excerpt


def _doc(doc_id: str, cities: list[str], texts: list[str]) -> Document:
    excerpts = [Excerpt(f"{doc_id}:p{i}", doc_id, i, t, t, len(t)) for i, t in enumerate(texts, 1)]
    return Document(doc_id, f"{doc_id}.txt", "标题", "2022-05-01", "日报", None, cities, "\n".join(texts), excerpts)


ZS = _doc("zs", ["中山"], ["2022年中山生物医药产值达462.2亿元。", "中山健康医药产业园区规划面积13.5平方公里。"])
GF = _doc(
    "gf",
    ["广州", "佛山"],
    ["广州生物医药产值突破2000亿元。", "佛山医药健康产业集群产值462.2亿元。", "两市合作共建广佛生物医药产业园区。"],
)
CORPUS = Corpus([ZS, GF], [])
DIMS = [
    Dimension("scale", "产业规模", "Industry scale", ("产值",)),
    Dimension("parks", "园区与载体", "Parks and carriers", ("园区",)),
    Dimension("talent", "人才与创新平台", "Talent", ("院士", "博士后")),
]


def _client(tmp_path: Path) -> ModelClient:
    config = resolve_config({}, cwd=tmp_path)
    assert config is not None
    return ModelClient(config)


def _cell(found: bool, zh: str = "", en: str = "", cites: list[str] | None = None) -> dict[str, object]:
    return {"found": found, "zh": zh, "en": en, "cites": cites or []}


def test_articles_count_for_each_of_their_cities() -> None:
    groups = compare.group_by_city(CORPUS)
    assert list(groups) == ["中山", "广州", "佛山"]
    assert groups["广州"] == groups["佛山"] == [GF]


def test_city_evidence_leaves_out_paragraphs_about_the_other_city() -> None:
    ids = [e.id for e in compare.city_excerpts("广州", [GF])]
    assert ids == ["gf:p1", "gf:p3"]
    assert [e.id for e in compare.city_excerpts("佛山", [GF])] == ["gf:p2", "gf:p3"]


@pytest.fixture
def compared(mock_model: MockBackend, tmp_path: Path) -> tuple[compare.Comparison, MockBackend]:
    mock_model.enqueue("cell:中山:scale", _cell(True, "2022年中山产值462.2亿元", "Zhongshan output CNY 46.22 billion in 2022", ["zs:p1"]))
    mock_model.enqueue("cell:中山:parks", _cell(True, "园区产值462.2亿元", "Park output CNY 46.22 billion", ["gf:p2"]))
    mock_model.enqueue("cell:广州:scale", _cell(False))
    mock_model.enqueue("cell:广州:parks", "this is not JSON", repeat=True)
    mock_model.enqueue("cell:佛山:scale", _cell(True, "佛山产值462.2亿元", "Foshan output CNY 46.22 billion", ["gf:p2"]))
    mock_model.enqueue("cell:佛山:parks", _cell(True, "共建园区99平方公里", "Joint park of 99 km²", ["gf:p3"]))
    result = compare.compare(CORPUS, [], _client(tmp_path), load_prompts(), load_glossary(), DIMS)
    return result, mock_model


def test_cells_are_verified_rejected_or_not_found(compared: tuple[compare.Comparison, MockBackend]) -> None:
    result, _ = compared
    status = {(c.city, c.dimension): c for c in result.cells}
    assert len(result.cells) == 9
    assert status[("中山", "scale")].status == "verified" and status[("中山", "scale")].cites == ["zs:p1"]
    assert status[("佛山", "scale")].status == "verified"
    assert "citation outside context gf:p2" in status[("中山", "parks")].reasons
    assert status[("广州", "scale")].status == "not_found" and status[("广州", "scale")].en == "not found in sources"
    assert status[("广州", "parks")].status == "rejected" and "model call failed" in status[("广州", "parks")].reasons[0]
    assert any("99" in r for r in status[("佛山", "parks")].reasons)


def test_no_call_for_a_cell_without_evidence(compared: tuple[compare.Comparison, MockBackend]) -> None:
    result, backend = compared
    purposes = {c.purpose for c in backend.calls}
    assert not any(p.endswith(":talent") for p in purposes)
    assert all(c.status == "not_found" for c in result.cells if c.dimension == "talent")


def test_each_cell_sees_only_its_own_city(compared: tuple[compare.Comparison, MockBackend]) -> None:
    _, backend = compared
    prompt = next(c for c in backend.calls if c.purpose == "cell:广州:scale").messages[-1]["content"]
    assert 'id="gf:p1"' in prompt and 'id="gf:p2"' not in prompt and 'id="zs:p1"' not in prompt


def test_executive_summary_is_verified_like_claims(compared: tuple[compare.Comparison, MockBackend], tmp_path: Path) -> None:
    result, backend = compared
    backend.enqueue("exec-summary", {"claims": [
        {"zh": "中山与佛山产值均为462.2亿元。", "en": "Zhongshan and Foshan each report CNY 46.22 billion.", "cites": ["zs:p1", "gf:p2"]},
        {"zh": "广州产值2000亿元。", "en": "Guangzhou CNY 200 billion.", "cites": ["gf:p1"]},
    ]})
    claims = compare.executive_summary(CORPUS, result, [], _client(tmp_path), load_prompts(), load_glossary())
    assert [c.status for c in claims] == ["verified", "rejected"]
    assert "citation outside context gf:p1" in claims[1].reasons
    prompt = next(c for c in backend.calls if c.purpose == "exec-summary").messages[-1]["content"]
    assert "99平方公里" not in prompt and "zs:p1" in prompt


def test_executive_summary_without_findings_makes_no_call(mock_model: MockBackend, tmp_path: Path) -> None:
    empty = compare.Comparison(["中山"], DIMS, [compare.not_found("中山", d) for d in DIMS])
    warnings: list[str] = []
    assert compare.executive_summary(CORPUS, empty, [], _client(tmp_path), load_prompts(), load_glossary(), warnings=warnings) == []
    assert mock_model.calls == []
