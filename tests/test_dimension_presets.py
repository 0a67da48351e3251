"""A build picks the dimensions preset from the articles' wording, and says which.

Keywords tuned to biomedicine leave a battery or chip brief's table empty, so a
build without ``--dimensions`` compares the preset its texts fit; a reader
comparing two briefs must see which keywords each used (brief.json settings and
"How this brief was made").
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.evidence.dimensions import load_dimensions
from briefgen.pipeline import BuildSettings, build_brief

NEV = """合肥新能源汽车产业再上台阶

2024-03-01 合肥日报

2023年，合肥新能源汽车产量达到74万辆，动力电池装机量超过40GWh。合肥已集聚整车企业8家、零部件企业500余家。

合肥将加快建设新能源汽车产业园区，推动充电基础设施建设，到2025年新能源汽车产量力争突破100万辆。
"""

BIO = """中山生物医药产业稳步发展

2024-03-15 中山日报

2023年，中山市生物医药产业规模达462.2亿元，医疗器械和创新药企业120家，多个疫苗进入临床试验。
"""


def _folder(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "a.txt").write_text(text, encoding="utf-8")
    return folder


def test_nev_text_gets_the_nev_presets_dimensions(tmp_path: Path) -> None:
    brief = build_brief(_folder(tmp_path, "nev", NEV), settings=BuildSettings(engine="extractive"))
    nev = load_dimensions(Path("nev"))
    assert [d.keywords for d in brief.comparison.dimensions] == [d.keywords for d in nev]
    assert nev != load_dimensions(Path("biomedicine"))  # the test tells the presets apart
    assert brief.settings["dimensions_preset"] == "nev"
    assert brief.settings["dimensions_chosen"] == "from the articles"


def test_biomedicine_text_gets_the_biomedicine_preset(tmp_path: Path) -> None:
    brief = build_brief(_folder(tmp_path, "bio", BIO), settings=BuildSettings(engine="extractive"))
    assert brief.settings["dimensions_preset"] == "biomedicine"


def test_dimensions_option_names_a_preset_and_the_brief_says_so(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["build", str(_folder(tmp_path, "nev", NEV)), "-o", str(out), "--engine", "extractive", "--dimensions", "ic"]
    )
    assert result.exit_code == 0, result.output
    settings = json.loads((out / "brief.json").read_text(encoding="utf-8"))["settings"]
    assert settings["dimensions_preset"] == "ic" and settings["dimensions_chosen"] == "by --dimensions"
    brief_md = (out / "brief.md").read_text(encoding="utf-8")
    assert "preset `ic`" in brief_md and "chosen from the articles" not in brief_md
    ic_ids = [d.keywords for d in load_dimensions(Path("ic"))]
    dims = json.loads((out / "brief.json").read_text(encoding="utf-8"))["comparison"]["dimensions"]
    assert [tuple(d["keywords"]) for d in dims] == ic_ids


def test_a_figure_only_the_chosen_presets_words_name_gets_its_dimension(tmp_path: Path) -> None:
    """装机量 (installed capacity) is a scale word of the nev preset only: the build's facts
    and its scale cell use the chosen preset's words, not the shipped biomedicine file's."""
    from briefgen.core.types import Document, Excerpt
    from briefgen.evidence.facts import OTHER, extract_facts

    text = "2023年，芜湖动力电池装机量超过40GWh。"
    doc = Document("d", "d.txt", "标题", "2024-03-01", None, None, ["芜湖"], text, [Excerpt("d:p1", "d", 1, text, text)])
    by_default = {f.value + f.unit: f.dimension for f in extract_facts(doc)}
    with_nev = {f.value + f.unit: f.dimension for f in extract_facts(doc, dimensions=load_dimensions(Path("nev")))}
    assert by_default["40GWh"] == OTHER  # the shipped file has no word for it
    assert with_nev["40GWh"] == "scale"

    brief = build_brief(_folder(tmp_path, "nev", NEV), settings=BuildSettings(engine="extractive"))
    assert brief.settings["dimensions_preset"] == "nev"
    facts = {f.value + f.unit: f.dimension for a in brief.articles for f in a.facts}
    assert facts["40GWh"] == "scale"
    scale = next(c for c in brief.comparison.cells if c.dimension == "scale")
    assert "40GWh" in scale.zh or "装机量" in scale.zh, scale.zh
