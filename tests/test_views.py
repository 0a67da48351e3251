"""Views are flagged in brief.json and never used as a cell or a key figure (issue 15).

业内人士认为…, 专家建议…, a reporter's question: someone's view, not what the article
states.  One test decides what a view is (``facts.is_opinion``); brief.json marks an
article's claim that is one with ``"view": true`` and no cell or key figure uses it.
The text is written for this test.
"""

from __future__ import annotations

import json
from pathlib import Path

from briefgen.evidence.facts import is_opinion
from briefgen.output.render import is_view
from briefgen.output.schema import brief_schema, check_brief
from briefgen.pipeline import BuildSettings, build_brief

TEXT = """珠海集成电路产业加快发展

2024-05-06 珠海特区报

2023年，珠海集成电路产业营业收入达到320亿元，集聚芯片设计企业150家。

业内人士认为，到2030年珠海集成电路产业营业收入有望达到1500亿元。

珠海将建设集成电路产业园，规划面积约5平方公里，引进封装测试企业。

芯片设计企业如何在珠海扎根成长？
"""

OPINION = "业内人士认为，到2030年珠海集成电路产业营业收入有望达到1500亿元。"


def test_one_test_for_views() -> None:
    for text in (OPINION, "芯片设计企业如何在珠海扎根成长？", "2023年，珠海集成电路产业营业收入达到320亿元。", ""):
        assert is_view(text) == is_opinion(text)
    assert is_opinion(OPINION) and not is_opinion("珠海将建设集成电路产业园。")


def test_brief_json_flags_views_and_no_cell_or_figure_uses_one(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    build_brief(src, out, BuildSettings(engine="extractive", formats=("json",)))
    data = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    check_brief(data)  # the new field is declared in the schema
    assert "view" in brief_schema()["$defs"]["ClaimJson"]["properties"]
    claims = [c for a in data["articles"] for c in a["claims"]]
    flagged = [c["zh"] for c in claims if c.get("view")]
    assert flagged, [c["zh"] for c in claims]  # the text's view is among the key sentences
    assert all(is_opinion(z) for z in flagged)
    assert not any(is_opinion(c["zh"]) for c in claims if not c.get("view"))
    assert all(c.get("view") in (None, True) for c in claims)  # present only when true
    cells = [c["zh"] for c in data["comparison"]["cells"]]
    assert not any(is_opinion(z) or "1500亿元" in z for z in cells)
    figures = [f["value"] + f["unit"] for a in data["articles"] for f in a["facts"]]
    assert "320亿元" in figures and "1500亿元" not in figures
