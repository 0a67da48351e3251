"""A fact's kind reaches every output (issue 15): a forecast is labelled as expected.

预计… is an estimate: shown with a bare year it reads as reached, shown as "target" it
reads as a plan's goal.  brief.json says each fact's kind; the key-figures tables,
comparison cells and the executive digest word a forecast's year as expected; a target
keeps "target <year>", a policy's own term (a subsidy cap) keeps "reported <date>"; a
forecast is set beside forecasts only.  The articles are written for this test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from briefgen.evidence.facts import FACT_KINDS
from briefgen.output.reload import brief_from_json
from briefgen.output.render import write_outputs
from briefgen.output.schema import brief_schema, check_brief
from briefgen.pipeline import BuildSettings, build_brief

SUZHOU = """苏州集成电路产业加快发展

2024-05-06 苏州日报

2023年，苏州集成电路产业产值达到800亿元。

预计2026年，苏州集成电路产业产值将达到1500亿元。

力争到2027年，苏州集成电路产业产值突破2000亿元。

对新引进的芯片设计企业，最高给予1000万元奖励。
"""

WUXI = """无锡集成电路产业稳步增长

2024-05-08 无锡日报

2023年，无锡集成电路产业产值达到600亿元。

预计2026年，无锡集成电路产业产值将达到1200亿元。
"""

# a forecast with no year of its own, in a city that states no result
NANTONG = """南通新能源电池项目签约

2024-06-18 南通日报

南通新能源电池项目全部达产后，预计年产值可达300亿元。
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kinds")
    src = root / "in"
    src.mkdir()
    for name, text in (("suzhou", SUZHOU), ("wuxi", WUXI), ("nantong", NANTONG)):
        (src / f"{name}.txt").write_text(text, encoding="utf-8")
    out = root / "out"
    build_brief(src, out, BuildSettings(engine="extractive", formats=("json", "md"), lang="both", workers=1))
    return out


def _data(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    return data


def _facts(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["as_written"]: f for a in data["articles"] for f in a["facts"]}


def _row(md: str, figure: str) -> str:
    """The key-figures row that starts with ``figure``."""
    rows = [line for line in md.splitlines() if line.startswith(f"| {figure} |")]
    assert rows, f"no row for {figure}"
    return rows[0]


def test_brief_json_says_each_facts_kind_and_fits_the_schema(built: Path) -> None:
    data = _data(built)
    check_brief(data)  # the added field is declared
    fact_schema = brief_schema()["$defs"]["FactJson"]
    assert fact_schema["properties"]["kind"]["anyOf"][0]["enum"] == list(FACT_KINDS)
    assert "kind" not in fact_schema["required"]  # added, optional: older briefs still validate
    facts = _facts(data)
    assert facts["800亿元"]["kind"] == "achieved"
    assert facts["1500亿元"]["kind"] == "forecast" and not facts["1500亿元"]["is_target"]
    assert facts["突破2000亿元"]["kind"] == "target" and facts["突破2000亿元"]["is_target"]
    assert facts["1000万元"]["kind"] == "provision" and not facts["1000万元"]["is_target"]
    assert facts["300亿元"]["kind"] == "forecast"
    assert all(f["kind"] in FACT_KINDS for f in facts.values())


def test_key_figures_tables_label_each_kind(built: Path) -> None:
    page = (built / "articles" / "suzhou.md").read_text(encoding="utf-8")
    assert "| 预计2026年 / expected 2026 |" in _row(page, "1500亿元")
    assert "| 2023 |" in _row(page, "800亿元")
    assert "| 目标2027 / target 2027 |" in _row(page, "突破2000亿元")
    assert "| 报道于2024年5月6日 / reported 2024-05-06 |" in _row(page, "1000万元")
    brief = (built / "brief.md").read_text(encoding="utf-8")
    # the city's key-figures table: the forecast is expected, and listed after the result
    assert "| 预计2026年 / expected 2026 |" in _row(brief, "1500亿元")
    assert brief.index("| 800亿元 |") < brief.index("| 1500亿元 |")
    # no year of its own: expected, with the date it was reported
    nantong = (built / "articles" / "nantong.md").read_text(encoding="utf-8")
    assert "| 预计，报道于2024年6月18日 / expected, reported 2024-06-18 |" in _row(nantong, "300亿元")


def test_cells_say_a_forecast_is_expected(built: Path) -> None:
    cells = {(c["city"], c["dimension"]): c for c in _data(built)["comparison"]["cells"]}
    scale = cells[("苏州", "scale")]
    assert scale["status"] == "verified"
    assert "1500亿元（预计2026年）" in scale["zh"] and "(expected 2026)" in scale["en"]
    assert "1500亿元（2026年）" not in scale["zh"] and "(2026)" not in scale["en"]
    assert scale["zh"].index("800亿元（2023年）") < scale["zh"].index("1500亿元")  # reached first
    assert "突破2000亿元（目标2027年）" in cells[("苏州", "target")]["zh"]


def test_digest_compares_like_with_like_and_never_shows_a_forecast_as_reached(built: Path) -> None:
    lines = [c["zh"] for c in _data(built)["summary"]["claims"]]
    en = [c["en"] for c in _data(built)["summary"]["claims"]]
    reached = [z for z in lines if "（2023年）：" in z]
    expected = [z for z in lines if "（预计2026年）：" in z]
    assert len(reached) == 1 and "800亿元" in reached[0] and "600亿元" in reached[0]
    assert len(expected) == 1 and "1500亿元" in expected[0] and "1200亿元" in expected[0]
    assert not any(v in reached[0] for v in ("1500亿元", "1200亿元"))  # never set beside results
    assert lines.index(reached[0]) < lines.index(expected[0])
    assert any("(expected 2026)" in e and "CNY 150 billion" in e for e in en)
    # no line gives a forecast a bare year or makes it a target
    for z in lines:
        for figure in ("1500亿元", "1200亿元", "300亿元"):
            if figure in z:
                assert "预计" in z, z
                assert not z.startswith(("苏州设定目标", "无锡设定目标", "南通设定目标")), z
    # Nantong states no result: its headline is the forecast, labelled as such
    nantong = [z for z in lines if z.startswith("南通：")]
    assert len(nantong) == 1 and "300亿元（预计，报道于2024年6月18日）" in nantong[0]
    # a subsidy cap is a policy's term, never a city's headline figure
    assert not any(z.startswith("苏州：") and "1000万元" in z for z in lines)


def test_render_from_brief_json_keeps_the_kinds(built: Path, tmp_path: Path) -> None:
    """Re-rendering (briefgen render) has no sentences to read kinds from: brief.json's
    own ``kind`` decides; a brief.json from before kinds shows targets and years as then."""
    data = _data(built)
    out = tmp_path / "again"
    out.mkdir()
    write_outputs(brief_from_json(data), out, lang="both")
    page = (out / "articles" / "suzhou.md").read_text(encoding="utf-8")
    assert "| 预计2026年 / expected 2026 |" in _row(page, "1500亿元")
    assert "| 目标2027 / target 2027 |" in _row(page, "突破2000亿元")
    for art in data["articles"]:
        for f in art["facts"]:
            del f["kind"]
    check_brief(data)  # optional: a brief written before it still validates
    old = tmp_path / "old"
    old.mkdir()
    write_outputs(brief_from_json(data), old, lang="both")
    page = (old / "articles" / "suzhou.md").read_text(encoding="utf-8")
    assert "| 2026 |" in _row(page, "1500亿元") and "| 目标2027 / target 2027 |" in _row(page, "突破2000亿元")


def test_word_figures_say_a_forecast_is_expected(built: Path, tmp_path: Path) -> None:
    import docx

    from briefgen.output.docx import write_docx

    path = write_docx(brief_from_json(_data(built)), tmp_path / "brief.docx")
    paras = [p.text for p in docx.Document(str(path)).paragraphs]
    row = next(t for t in paras if t.startswith("集成电路产业产值：1500亿元"))
    assert "（预计2026年）" in row and "(expected 2026)" in row
    assert any(t.startswith("集成电路产业产值：800亿元（2023年）") for t in paras)
    assert any(t.startswith("集成电路产业产值：突破2000亿元（目标2027年）") for t in paras)


def test_diff_never_sets_a_forecast_beside_a_result() -> None:
    """briefgen diff: an estimate for 2026 in the old brief and the 2026 result in the new
    one are not "the same measure and year changed"; two estimates are, and say so."""
    from briefgen.output.diff import diff_briefs

    def brief(value: str, kind: str) -> dict[str, Any]:
        fact = {"value": value, "unit": "亿元", "what": "产值", "year": 2026, "is_target": False,
                "kind": kind, "cites": ["a:p1"], "as_written": f"{value}亿元"}  # fmt: skip
        return {"articles": [{"id": "a", "cities": ["苏州"], "facts": [fact], "claims": []}]}

    assert diff_briefs(brief("1500", "forecast"), brief("1450", "achieved")).figures_changed == []
    changed = diff_briefs(brief("1500", "forecast"), brief("1600", "forecast")).figures_changed
    assert [c.what for c in changed] == ["苏州 · 产值 · expected 2026"]
    assert [c.what for c in diff_briefs(brief("1400", "achieved"), brief("1450", "achieved")).figures_changed] == [
        "苏州 · 产值 · 2026"
    ]


def test_a_model_written_fact_takes_the_kind_of_its_own_sentence() -> None:
    """A figure a model writes out is checked against its whole excerpt and has no position:
    a forecast in the paragraph's next sentence does not make the reached figure one."""
    from briefgen.core.types import Excerpt
    from briefgen.engines.factyears import kind_of
    from briefgen.engines.schemas import FactOut
    from briefgen.engines.verify import verify_fact

    text = "2023年，苏州集成电路产业产值达到800亿元。预计2026年，苏州集成电路产业产值将达到1500亿元。"
    excerpts = {"a:p1": Excerpt("a:p1", "a", 1, text, text, len(text))}

    def kind(value: str, year: int) -> str:
        out = FactOut(value=value, unit="亿元", what="产值", what_en="output value", year=year, cites=["a:p1"])
        check = verify_fact(out, excerpts, set(excerpts))
        assert check.status == "verified" and check.fact.sentence == text
        return kind_of(check.fact)

    assert kind("800", 2023) == "achieved"
    assert kind("1500", 2026) == "forecast"
