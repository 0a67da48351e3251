"""The model comparison: cells built from verified findings (no per-cell calls) and the executive summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_openai import MockModel

from briefgen.core.types import ArticleSummary, Corpus, Dimension, Document, Excerpt, Finding
from briefgen.engines import compare
from briefgen.engines.selection import city_excerpts
from briefgen.engines.summarize import summarize
from briefgen.evidence.glossary import load_glossary
from briefgen.model.client import ModelClient
from briefgen.model.config import ModelConfig, resolve_config
from briefgen.model.prompts import load_prompts

RESPONSES = Path(__file__).resolve().parent / "responses"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"


def _doc(doc_id: str, cities: list[str], texts: list[str], date: str = "2022-05-01") -> Document:
    excerpts = [Excerpt(f"{doc_id}:p{i}", doc_id, i, t, t, len(t)) for i, t in enumerate(texts, 1)]
    return Document(doc_id, f"{doc_id}.txt", "标题", date, "日报", None, cities, "\n".join(texts), excerpts)


ZS = _doc("zs", ["中山"], ["2022年中山生物医药产值达462.2亿元。", "中山健康医药产业园区规划面积13.5平方公里。"])
ZS2 = _doc("zs2", ["中山"], ["2023年中山生物医药产值达500亿元。"], date="2023-09-01")
GF = _doc(
    "gf",
    ["广州", "佛山"],
    ["广州生物医药产值突破2000亿元。", "佛山医药健康产业集群产值462.2亿元。", "两市合作共建广佛生物医药产业园区。"],
)
CORPUS = Corpus([ZS, ZS2, GF], [])
DIMS = [
    Dimension("scale", "产业规模", "Industry scale", ("产值",)),
    Dimension("parks", "园区与载体", "Parks and carriers", ("园区",)),
    Dimension("talent", "人才与创新平台", "Talent", ("院士", "博士后")),
]


def _finding(doc: str, city: str, dim: str, zh: str, cites: list[str], status: str = "verified", reasons: list[str] | None = None) -> Finding:
    return Finding(doc, city, dim, zh, f"(en) {zh}", cites, status, reasons or [])  # type: ignore[arg-type]


def _summary(doc: Document, findings: list[Finding]) -> ArticleSummary:
    return ArticleSummary(doc.id, doc.title, None, doc.date, doc.source, list(doc.cities), [], [], [], "model", None, findings)


SUMMARIES = [
    _summary(ZS, [_finding("zs", "中山", "scale", "2022年中山产值462.2亿元", ["zs:p1"])]),
    _summary(ZS2, [
        _finding("zs2", "中山", "scale", "2023年中山产值500亿元", ["zs2:p1"]),
        _finding("zs2", "中山", "parks", "园区99平方公里", ["zs2:p1"], "rejected", ["number 99平方公里 not in cited text"]),
    ]),  # fmt: skip
    _summary(GF, [
        _finding("gf", "佛山", "scale", "佛山产值462.2亿元", ["gf:p2"]),
        _finding("gf", "广州", "parks", "共建广佛生物医药产业园区", ["gf:p3"]),
    ]),  # fmt: skip
]


def _cells() -> dict[tuple[str, str], compare.Cell]:
    result = compare.compare(CORPUS, SUMMARIES, load_glossary(), DIMS)
    return {(c.city, c.dimension): c for c in result.cells}


def test_articles_count_for_each_of_their_cities() -> None:
    groups = compare.group_by_city(CORPUS)
    assert list(groups) == ["中山", "广州", "佛山"]
    assert groups["广州"] == groups["佛山"] == [GF]


def test_city_evidence_leaves_out_paragraphs_about_the_other_city() -> None:
    assert [e.id for e in city_excerpts("广州", [GF])] == ["gf:p1", "gf:p3"]
    assert [e.id for e in city_excerpts("佛山", [GF])] == ["gf:p2", "gf:p3"]


def test_every_city_and_dimension_gets_exactly_one_cell() -> None:
    result = compare.compare(CORPUS, SUMMARIES, load_glossary(), DIMS)
    assert len(result.cells) == 9 and result.cities == ["中山", "广州", "佛山"]
    assert {c.status for c in result.cells} == {"verified", "rejected", "not_found"}


def test_cell_merges_a_citys_articles_newest_first_with_their_years() -> None:
    cell = _cells()[("中山", "scale")]
    assert cell.status == "verified" and cell.cites == ["zs2:p1", "zs:p1"]
    assert cell.zh == "2023年中山产值500亿元（2023年报道）；2022年中山产值462.2亿元（2022年报道）"
    assert cell.en.startswith("(en) 2023年中山产值500亿元 (reported 2023); ")


def test_cell_with_only_rejected_findings_is_rejected_with_reasons() -> None:
    cell = _cells()[("中山", "parks")]
    assert cell.status == "rejected" and cell.reasons == ["zs2: number 99平方公里 not in cited text"]


def test_cell_without_findings_is_not_found_in_both_languages() -> None:
    cells = _cells()
    assert cells[("广州", "scale")].status == "not_found"
    assert (cells[("中山", "talent")].zh, cells[("中山", "talent")].en) == ("来源中未提及", "not found in sources")


def test_finding_for_a_city_outside_its_article_never_fills_a_cell() -> None:
    stray = _summary(ZS, [_finding("zs", "广州", "scale", "广州产值2000亿元", ["zs:p1"])])
    result = compare.compare(CORPUS, [stray], load_glossary(), DIMS)
    assert all(c.status == "not_found" for c in result.cells if c.city == "广州")


def test_examples_replay_builds_cells_from_verified_findings_only(tmp_path: Path) -> None:
    from briefgen.corpus.ingest import ingest

    full = ingest(EXAMPLES)
    corpus = Corpus([full.document("foshan-action-plan"), full.document("zhongshan-health-base")], [])
    client = ModelClient(ModelConfig(model="authored", replay_dir=RESPONSES, cache_dir=tmp_path / "c"))
    summaries = summarize(corpus, client, load_prompts(), load_glossary(), batch_articles=1)
    cells = {(c.city, c.dimension): c for c in compare.compare(corpus, summaries, load_glossary()).cells}
    assert cells[("佛山", "scale")].status == "verified" and cells[("佛山", "scale")].cites == ["foshan-action-plan:p2"]
    reasons = {d: cells[("佛山", d)].reasons for d in ("policy", "enterprises", "parks", "sectors", "talent")}
    assert reasons["policy"] == ["foshan-action-plan: unknown citation foshan-action-plan:p12"]
    assert "foshan-action-plan: number 不少于3家 not in cited text" in reasons["enterprises"]
    assert reasons["parks"] == ["foshan-action-plan: citation outside context zhongshan-health-base:p2"]
    assert reasons["sectors"] == ["foshan-action-plan: no citation"]
    assert any("zh/en numbers disagree" in r for r in reasons["talent"])
    assert all(cells[(c, d)].status == "rejected" for c, d in [("佛山", d) for d in reasons])
    assert cells[("中山", "talent")].status == "verified" and cells[("中山", "talent")].cites == ["zhongshan-health-base:p3"]
    assert cells[("中山", "finance")].status == "not_found"


# ---------------------------------------------------------- executive summary


def _client(tmp_path: Path) -> ModelClient:
    config = resolve_config({}, cwd=tmp_path)
    assert config is not None
    return ModelClient(config)


@pytest.fixture
def comparison() -> compare.Comparison:
    return compare.compare(CORPUS, SUMMARIES, load_glossary(), DIMS)


def test_executive_summary_sees_verified_cells_only_and_is_verified(mock_model: MockModel, comparison: compare.Comparison, tmp_path: Path) -> None:
    lines = {label: line for label, line, _ in compare.cell_lines(comparison)}
    zs, fs, gz = (next(k for k, v in lines.items() if v.startswith(f"{k}|{c}")) for c in ("中山", "佛山", "广州"))
    mock_model.enqueue("exec-summary", {"claims": [
        {"zh": "中山产值500亿元，佛山产值462.2亿元。", "en": "Zhongshan CNY 50 billion; Foshan CNY 46.22 billion.", "cites": [zs, fs]},
        {"zh": "广州产值2000亿元。", "en": "Guangzhou CNY 200 billion.", "cites": ["gf:p1"]},
        {"zh": "广州共建园区。", "en": "Guangzhou builds a joint park.", "cites": ["c99"]},
        {"zh": "广州共建园区。", "en": "Guangzhou builds a joint park.", "cites": [gz]},
    ]})  # fmt: skip
    claims = compare.executive_summary(CORPUS, comparison, _client(tmp_path), load_prompts(), load_glossary())
    assert [c.status for c in claims] == ["verified", "rejected", "rejected", "verified"]
    assert claims[0].cites == ["zs2:p1", "zs:p1", "gf:p2"]  # cell labels read back as excerpt IDs
    assert "citation outside context gf:p1" in claims[1].reasons
    assert "unknown citation c99" in claims[2].reasons
    prompt = mock_model.calls[0].messages[-1]["content"]
    assert "99平方公里" not in prompt and "|中山|scale|" in prompt and "gf:p1" not in prompt


def test_executive_summary_without_verified_cells_makes_no_call(mock_model: MockModel, tmp_path: Path) -> None:
    empty = compare.Comparison(["中山"], DIMS, [compare.not_found("中山", d) for d in DIMS])
    warnings: list[str] = []
    assert compare.executive_summary(CORPUS, empty, _client(tmp_path), load_prompts(), load_glossary(), warnings=warnings) == []
    assert mock_model.calls == []


def test_failed_executive_summary_is_a_warning(mock_model: MockModel, comparison: compare.Comparison, tmp_path: Path) -> None:
    mock_model.enqueue("exec-summary", "not JSON", repeat=True)
    warnings: list[str] = []
    out = compare.executive_summary(CORPUS, comparison, _client(tmp_path), load_prompts(), load_glossary(), warnings=warnings)
    assert out == [] and warnings and warnings[0].startswith("executive summary: model call failed")


def test_cell_lines_are_clipped_at_a_clause_keeping_the_year() -> None:
    long = "，".join(f"第{i}项措施落实到位" for i in range(1, 12))
    cell = compare.Cell("中山", "policy", f"{long}（2023年报道）", "x", ["zs:p1"], "verified")
    ((label, line, cites),) = compare.cell_lines(compare.Comparison(["中山"], DIMS, [cell]))
    assert label == "c1" and cites == ["zs:p1"]
    assert line.startswith("c1|中山|policy|第1项措施落实到位，") and line.endswith("（2023年报道）")
    assert len(line) < len(long) and "第11项" not in line
