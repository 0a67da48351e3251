"""Dimension presets for other industries (issue 15): general dimensions for any
industrial policy plus each industry's keywords, named or chosen from the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.evidence.dimensions import choose_preset, load_dimensions, preset_names, resolve

GENERAL_IDS = [
    "scale",
    "target",
    "sectors",
    "parks",
    "policy",
    "finance",
    "talent",
    "enterprises",
    "cooperation",
]


@pytest.mark.parametrize("name", ["general", "biomedicine", "nev", "ic", "lowalt-ai"])
def test_every_preset_has_the_general_dimensions(name: str) -> None:
    assert name in preset_names()
    assert [d.id for d in load_dimensions(Path(name))] == GENERAL_IDS


def test_a_preset_adds_its_industry_keywords() -> None:
    nev = {d.id: d.keywords for d in load_dimensions(Path("nev"))}
    general = {d.id: d.keywords for d in load_dimensions(Path("general"))}
    assert "动力电池" in nev["sectors"] and "动力电池" not in general["sectors"]
    assert "万辆" in nev["scale"]


def test_a_real_file_wins_over_a_preset_name(tmp_path: Path) -> None:
    own = tmp_path / "nev.toml"
    own.write_text(
        '[[dimension]]\nid = "x"\nzh = "甲"\nen = "X"\nkeywords = ["甲"]\n', encoding="utf-8"
    )
    assert resolve(own) == own and [d.id for d in load_dimensions(own)] == ["x"]


@pytest.mark.parametrize(
    ("text", "preset"),
    [
        ("今年全市新能源汽车产量预计突破30万辆，动力电池装机量约12GWh，整车企业新增2家。", "nev"),
        (
            "新区集成电路产业营收增长两成，晶圆月产能提升，芯片设计企业达到40家，封测项目开工。",
            "ic",
        ),
        (
            "全市开通无人机航线20条，低空经济企业超过100家，智算中心新增算力500P，数据中心机架过万。",
            "lowalt-ai",
        ),
        (
            "园区生物医药企业超过300家，创新药和医疗器械项目加快落地，临床试验机构新增5家。",
            "biomedicine",
        ),
        ("全市纺织服装产业产值增长8%，新增规上企业12家。", "general"),
    ],
)
def test_the_preset_is_chosen_from_the_text(text: str, preset: str) -> None:
    assert choose_preset([text]) == preset
