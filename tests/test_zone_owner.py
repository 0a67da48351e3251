"""A zone's figures are its city's (issue 15: the 深汕 article gave Shenzhen nothing).

Zones, districts and parks whose names do not contain their city (前海, 深汕特别合作区)
map to the city in ``data/cleaning/zones.tsv``; the owner rule reads a zone's name as
its city's, a later 合作区 (the zone's short form there) as that zone, and a cell names
the zone beside the figure.  The texts below are written for these tests.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.core.types import Document, Excerpt
from briefgen.corpus.cities import zone_short_forms, zones_of
from briefgen.engines.owner import fact_city, fact_owner
from briefgen.evidence.facts import extract_facts
from briefgen.pipeline import BuildSettings, build_brief

PARAS = [
    "汕尾与深圳两市领导日前调研深汕特别合作区，合作区新建成的智能装备产业园已引进企业36家。",
    "今年前三季度，合作区固定资产投资完成85亿元。",
    "汕尾市今年前三季度地区生产总值完成1020亿元，两地合计引进产业项目45个。",
    "据了解，两地今年共同引进高层次人才200名。",
]


def _doc(paras: list[str], cities: list[str]) -> Document:
    exs = [Excerpt(f"z:p{i}", "z", i, p, p) for i, p in enumerate(paras, 1)]
    return Document("z", "z.txt", "标题", "2024-10-20", None, None, cities, "\n".join(paras), exs)


def test_the_data_maps_the_zone_and_its_short_form() -> None:
    assert "深汕特别合作区" in zones_of()["深圳"]
    assert zone_short_forms()["深汕特别合作区"] == "合作区"


def test_every_zone_has_a_city_of_the_gazetteer_and_an_english_name() -> None:
    from briefgen.corpus.cities import load_cities, zone_names_en
    from briefgen.corpus.vocab import zones

    assert {c for c in zones().values() if c not in load_cities()} == set()
    assert {z for z in zones() if not zone_names_en().get(z)} == set()


def test_a_zones_figure_is_its_citys_and_says_which_zone() -> None:
    doc = _doc(PARAS, ["深圳", "汕尾"])
    index = {e.id: e for e in doc.excerpts}
    owner = {f.value + f.unit: fact_owner(f, doc.cities, (), index) for f in extract_facts(doc)}
    # the zone is named after both cities, just before the figure: the zone's city
    assert owner["36家"] is not None and (owner["36家"].city, owner["36家"].zone) == ("深圳", "深汕特别合作区")
    # 合作区 in a later paragraph refers back to the zone named before
    assert owner["85亿元"] is not None and owner["85亿元"].city == "深圳"
    assert owner["1020亿元"] is not None and owner["1020亿元"].city == "汕尾"  # the city itself, named
    assert owner["1020亿元"].zone is None
    assert owner["200名"] is None  # 两地: the text gives it to neither city
    assert owner["45个"] is None  # 两地 after 汕尾市: a joint figure, not Shanwei's


def test_without_the_zone_the_short_form_is_no_one() -> None:
    """合作区 refers back only to a zone the article named: alone it gives no city."""
    doc = _doc([PARAS[1], PARAS[2]], ["深圳", "汕尾"])
    index = {e.id: e for e in doc.excerpts}
    facts = {f.value + f.unit: f for f in extract_facts(doc)}
    assert fact_city(facts["85亿元"], doc.cities, (), index) is None


def test_the_citys_cell_shows_the_zones_figure_with_the_zones_name(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    body = "\n\n".join(PARAS)
    (folder / "a.txt").write_text(f"深汕特别合作区产业发展提速\n\n2024-10-20 南方日报\n\n{body}\n", encoding="utf-8")
    brief = build_brief(folder, settings=BuildSettings(engine="extractive"))
    assert set(brief.corpus.documents[0].cities) >= {"深圳", "汕尾"}
    shenzhen = [c for c in brief.comparison.cells if c.city == "深圳" and c.status == "verified"]
    with_figure = [c for c in shenzhen if "85亿元" in c.zh or "36家" in c.zh]
    assert with_figure, [c.zh for c in shenzhen]
    assert all("深汕特别合作区" in c.zh for c in with_figure)
    assert all("Shenzhen-Shanwei Special Cooperation Zone (Shenzhen)" in c.en for c in with_figure)
    # nor does Shanwei's column quote the sentence of the zone's figures
    shanwei = [c.zh for c in brief.comparison.cells if c.city == "汕尾"]
    assert not any("85亿元" in z or "36家" in z for z in shanwei), shanwei


def test_a_reloaded_figure_gets_the_same_owner() -> None:
    """brief.json keeps a figure as written, not its sentence: read back, the owner rule
    sees the paragraph only, and must still give each figure to the same city (or none)."""
    from dataclasses import replace

    from briefgen.evidence.facts import figure_as_written

    doc = _doc(PARAS, ["深圳", "汕尾"])
    index = {e.id: e for e in doc.excerpts}
    for f in extract_facts(doc):
        bare = replace(f, sentence=figure_as_written(f), at=None)
        assert fact_city(bare, doc.cities, (), index) == fact_city(f, doc.cities, (), index), f.value + f.unit


def test_a_joint_word_inside_a_longer_word_does_not_make_a_figure_joint() -> None:
    # 三方面目标 is "three kinds of target", not 三方 (three parties); 双方向 is "two-way"
    from briefgen.engines.owner import place_at

    cities = ["江门", "肇庆"]
    for text in (
        "江门市提出三方面目标，到2025年产业产值超过500亿元。",
        "江门市推进双方向物流通道建设，新增仓储面积12万平方米。",
    ):
        at = next(i for i, ch in enumerate(text) if ch.isdigit() and text[i : i + 4] != "2025")
        owner = place_at(text, at, cities)
        assert owner is not None and owner.city == "江门", text
    joint = "江门与肇庆双方共同设立规模20亿元的基金。"
    assert place_at(joint, joint.index("20"), cities) is None
