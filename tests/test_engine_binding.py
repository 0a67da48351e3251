"""The engines use the verifier's city binding, and the overview sees every dimension.

A model often gives a city the figure of its neighbour quoted in the same
paragraph; the citation is real, so only the city binding catches it, and the
wrong figure must then stay out of the table and the executive summary.
"""

from __future__ import annotations

from pathlib import Path

from fake_openai import MockModel

from briefgen.core.types import Corpus, Document, Excerpt
from briefgen.engines import compare, extractive
from briefgen.engines.summarize import summarize
from briefgen.evidence.dimensions import load_dimensions
from briefgen.evidence.facts import extract_facts
from briefgen.evidence.glossary import load_glossary
from briefgen.model.client import ModelClient
from briefgen.model.prompts import load_prompts


def _doc(doc_id: str, cities: list[str], texts: list[str]) -> Document:
    excerpts = [Excerpt(f"{doc_id}:p{i}", doc_id, i, t, t, len(t)) for i, t in enumerate(texts, 1)]
    return Document(doc_id, f"{doc_id}.txt", "广佛生物医药", "2023-05-08", "日报", None, cities, "\n".join(texts), excerpts)


GF = _doc("gf", ["广州", "佛山"], [
    "2022年，广州生物医药产值突破2000亿元，佛山生物医药产值462.2亿元。",
    "广州新增博士后工作站12个，引进院士3名。",
    "佛山规划建设生物医药产业园区，面积5平方公里。",
])  # fmt: skip

POINTS = [
    # Foshan's figure given to Guangzhou: the excerpt names both cities, the figure is Foshan's,
    # and the point's text names no city (only its ``city`` field says Guangzhou).
    {"city": "广州", "dims": ["scale"], "zh": "2022年生物医药产值462.2亿元。",
     "en": "Biomedicine output was CNY 46.22 billion in 2022.", "cites": ["p1"]},
    {"city": "佛山", "dims": ["scale"], "zh": "2022年佛山生物医药产值462.2亿元。",
     "en": "Foshan's biomedicine output was CNY 46.22 billion in 2022.", "cites": ["p1"]},
    {"city": "广州", "dims": ["talent"], "zh": "广州新增博士后工作站12个。",
     "en": "Guangzhou added 12 postdoctoral workstations.", "cites": ["p2"]},
    {"city": "佛山", "dims": ["parks"], "zh": "佛山规划建设生物医药产业园区，面积5平方公里。",
     "en": "Foshan's biomedicine park covers 5 km².", "cites": ["p3"]},
]  # fmt: skip


def _client(mock: MockModel, tmp_path: Path) -> ModelClient:
    return mock.client(no_cache=True, cache_dir=tmp_path / "cache")


def test_neighbours_figure_is_rejected_and_reaches_neither_cell_nor_overview(mock_model: MockModel, tmp_path: Path) -> None:
    client = _client(mock_model, tmp_path)
    dims = load_dimensions()
    mock_model.enqueue("summary:*", {"title_en": "Guangzhou-Foshan", "claims": POINTS, "facts": []})
    corpus = Corpus([GF], [])
    (summary,) = summarize(corpus, client, load_prompts(), load_glossary(), dims, batch_articles=1)
    by = {(f.city, f.dimension): f for f in summary.findings}
    wrong = by[("广州", "scale")]
    assert wrong.status == "rejected"
    assert any("attributed to 广州" in r and "佛山" in r for r in wrong.reasons), wrong.reasons
    assert by[("佛山", "scale")].status == "verified"

    comparison = compare.compare(corpus, [summary], load_glossary(), dims)
    cells = {(c.city, c.dimension): c for c in comparison.cells}
    assert cells[("广州", "scale")].status == "rejected" and "462.2" not in cells[("佛山", "talent")].zh
    assert cells[("佛山", "scale")].status == "verified"

    mock_model.enqueue("exec-summary", {"claims": []})
    compare.executive_summary(corpus, comparison, client, load_prompts(), load_glossary())
    prompt = mock_model.calls[-1].messages[-1]["content"]
    # Every dimension the table fills reaches the overview, not only scale and targets ...
    assert "|广州|talent|" in prompt and "|佛山|parks|" in prompt and "|佛山|scale|" in prompt
    # ... and the rejected finding never does.
    assert "|广州|scale|" not in prompt


def test_cell_lines_keep_every_dimension_when_the_budget_is_tight() -> None:
    dims = load_dimensions()
    cities = [f"城{i}" for i in range(12)]
    cells = [
        compare.Cell(city, d.id, f"{city}{d.zh}的一条很长的已核实内容，" * 3, "x", [f"{city}:p1"], "verified")
        for d in dims
        for city in cities
    ]
    comparison = compare.Comparison(cities, dims, cells)
    lines = compare.cell_lines(comparison, max_tokens=1200)
    shown = {line.split("|")[2] for _, line, _ in lines}
    assert shown == {d.id for d in dims}  # the cut drops cities of every dimension, not whole dimensions
    assert len(lines) < len(cells)
    assert [label for label, _, _ in lines] == [f"c{i}" for i in range(1, len(lines) + 1)]


# ------------------------------------------------------------ extractive engine


def test_extractive_cell_leaves_out_a_companys_share_in_a_citys_article() -> None:
    zs = _doc("zs", ["中山"], [
        "中山市生物医药规模以上企业30家。",
        "中山康达生物公司是血液制品龙头，其产值约占全国血液制品产业1/7。",
    ])  # fmt: skip
    comparison = extractive.compare(Corpus([zs], []), load_dimensions(), load_glossary())
    scale = next(c for c in comparison.cells if c.dimension == "scale")
    assert scale.status == "verified" and "30家" in scale.zh
    assert "1/7" not in scale.zh  # the company's national share, not Zhongshan's


def test_extractive_check_rejects_a_neighbours_figure_with_a_reason() -> None:
    index = {e.id: e for e in GF.excerpts}
    (foshan,) = [f for f in extract_facts(GF, load_glossary()) if "462.2" in f.value]
    owners = {"gf": ["广州", "佛山"]}
    wrong = extractive.checked("462.2亿元", "CNY 46.22 billion", list(foshan.cites), index, facts=[foshan], city="广州", doc_cities=owners)
    right = extractive.checked("462.2亿元", "CNY 46.22 billion", list(foshan.cites), index, facts=[foshan], city="佛山", doc_cities=owners)
    assert wrong.status == "rejected" and any("attributed to 广州" in r for r in wrong.reasons)
    assert right.status == "verified"
