"""briefgen diff (issue 16): week over week, every line citing both sides."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from briefgen import BuildSettings, build_brief
from briefgen.output.diff import BriefDiff, diff_dirs, diff_markdown
from briefgen.output.review import Decision, ReviewFile, apply_review
from tests.conftest import EXAMPLES

NEW_ARTICLE = """中山出台生物医药产业新规划
2024-03-01 来源：中山日报
中山市近日印发《生物医药产业发展规划》。规划提出，到2027年，全市生物医药产业产值力争突破800亿元。
截至2023年底，中山生物医药企业超过500家，产业基地面积约20平方公里。
"""


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, BriefDiff, str]:
    """Last week's brief; this week one figure and one target moved, an article left, one came."""
    tmp = tmp_path_factory.mktemp("diff")
    src = tmp / "src"
    shutil.copytree(EXAMPLES, src)
    shutil.rmtree(src / "reposts")
    build_brief(src, tmp / "old", BuildSettings())
    plan = src / "foshan-action-plan.txt"
    text = plan.read_bytes().decode("gb18030").replace("462.2亿元", "470.5亿元")
    plan.write_bytes(text.replace("200家以上高新技术企业", "250家以上高新技术企业").encode("gb18030"))
    (src / "taian-medical-devices.txt").unlink()
    (src / "zhongshan-2024-plan.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    brief = build_brief(src, None, BuildSettings())
    # the editor rejects a cell that last week's brief showed as verified
    old = json.loads((tmp / "old" / "brief.json").read_text(encoding="utf-8"))
    cell = next(c for c in old["comparison"]["cells"] if c["status"] == "verified" and c["city"] == "广州")
    review = ReviewFile({cell["key"]: Decision(cell["key"], "cell", "rejected", "", "", [], "old data")})
    apply_review(brief, review)
    from briefgen.output.render import write_outputs

    write_outputs(brief, tmp / "new")
    return tmp / "old", tmp / "new", diff_dirs(tmp / "old", tmp / "new"), f"广州 × {cell['dimension']}"


def test_articles_figures_targets_and_cells(week: tuple[Path, Path, BriefDiff, str]) -> None:
    _, _, diff, rejected = week
    assert [c.what.split()[0] for c in diff.articles_added] == ["zhongshan-2024-plan"]
    assert diff.articles_added[0].new_cites == ["zhongshan-2024-plan:p1"]
    assert [c.what.split()[0] for c in diff.articles_removed] == ["taian-medical-devices"]
    figures = {c.what: c for c in diff.figures_changed}
    output = figures["佛山 · 医药健康产业集群产值 · 2022"]
    assert (output.old, output.new) == ("462.2亿元", "470.5亿元")
    assert output.old_cites == output.new_cites == ["foshan-action-plan:p2"]
    target = figures["佛山 · 高新技术企业 · 2025 (target)"]
    assert (target.old, target.new) == ("200家以上", "250家以上")
    assert len(diff.figures_changed) == 2  # nothing else moved
    assert [c.what for c in diff.targets_new] == ["中山 · 生物医药产业产值 · 2027"]
    assert {c.what.split(" · ")[0] for c in diff.targets_dropped} == {"泰安"}
    cells = {c.what: c for c in diff.cells_changed}
    assert (cells[rejected].old, cells[rejected].new) == ("verified", "rejected")
    assert cells[rejected].old_cites and cells["中山 × target"].new_cites
    assert all(not c.what.startswith("泰安") for c in diff.cells_changed)  # a city that left is an article change


def test_markdown_cites_both_sides(week: tuple[Path, Path, BriefDiff, str]) -> None:
    md = diff_markdown(week[2])
    line = next(x for x in md.splitlines() if "医药健康产业集群产值" in x)
    assert line == (
        "- 佛山 · 医药健康产业集群产值 · 2022: 462.2亿元 → 470.5亿元 "
        "(old: `foshan-action-plan:p2`; new: `foshan-action-plan:p2`)"
    )
    assert "## Articles removed (1)" in md and "## New targets (1)" in md


def test_no_change(week: tuple[Path, Path, BriefDiff, str]) -> None:
    old = week[0]
    diff = diff_dirs(old, old)
    assert diff.empty() and "No changes" in diff_markdown(diff)
