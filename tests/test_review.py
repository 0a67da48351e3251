"""Editors' decisions survive a rebuild (issue 16): the whole loop on examples/articles."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from briefgen.core.errors import ConfigError
from briefgen.output.editorial import render_command, review_command
from briefgen.output.review import load_review
from tests.conftest import EXAMPLES

GOOD_ZH = "生物城已引进功能性平台109个。"
GOOD_EN = "The bio-town has brought in 109 functional platforms."


def _build(src: Path, out: Path, *extra: str) -> None:
    from typer.testing import CliRunner

    from briefgen.cli import app

    result = CliRunner().invoke(app, ["build", str(src), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output


def _json(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    return data


def _undated(out: Path) -> str:
    return re.sub(r'"generated": "[^"]*"', "", (out / "brief.json").read_text(encoding="utf-8"))


def _entry(
    entries: list[dict[str, Any]], *, key: str | None = None, zh: str | None = None, kind: str = ""
) -> dict[str, Any]:
    found = [
        e
        for e in entries
        if (key is None or e["key"] == key) and (zh is None or zh in e["zh"]) and kind in ("", e["kind"])
    ]
    assert len(found) == 1, (key, zh)
    return found[0]


def _decide(out: Path) -> dict[str, str]:
    """Write the review file, then act as the editor: reject, edit twice, approve."""
    path, _ = review_command(out)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = doc["items"]
    assert {e["status"] for e in items} == {"pending"}
    cell = _entry(items, key="cell:佛山:scale")
    cell.update(status="rejected", note="figures belong in the key-figures table")
    good = _entry(items, zh="生物城累计引进各类功能性平台109个", kind="claim")
    good.update(status="edited", zh=GOOD_ZH, en=GOOD_EN)
    bad = _entry(items, zh="累计支持项目584个", kind="claim")
    bad.update(status="edited", zh="成都高新区累计支持项目600个。", en="Chengdu Hi-tech Zone has supported 600 projects.")
    approved = next(e for e in items if e["kind"] == "summary")
    approved["status"] = "approved"
    taian = next(e for e in items if e["key"].startswith("claim:taian-medical-devices:"))
    taian.update(status="rejected", note="out of scope")
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return {"good": good["key"], "bad": bad["key"], "approved": approved["key"], "taian": taian["key"]}


def _article_items(data: dict[str, Any], name: str) -> dict[str, dict[str, Any]]:
    return {c["key"]: c for a in data["articles"] for c in a[name]}


def test_review_loop_on_the_examples(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(EXAMPLES, src)
    _build(src, out)
    keys = _decide(out)
    _build(src, out)

    data = _json(out)
    cell = next(c for c in data["comparison"]["cells"] if c["key"] == "cell:佛山:scale")
    assert cell["status"] == "rejected"
    assert cell["reasons"] == ["rejected by editor: figures belong in the key-figures table"]
    assert any(r.get("key") == "cell:佛山:scale" for r in data["verification"]["rejected"])
    md = (out / "brief.md").read_text(encoding="utf-8")
    assert "rejected by editor: figures belong in the key-figures table" in md
    # the rejected cell's text left the brief (it is quoted only in the verification section)
    assert "462.2亿元（2022年）；集群内规模以上企业 约167家（2022年）" not in md.split("## 核验")[0]

    good = _article_items(data, "claims")[keys["good"]]
    assert (good["zh"], good["en"], good["status"]) == (GOOD_ZH, GOOD_EN, "verified")
    assert good["review"]["status"] == "edited"
    assert GOOD_ZH in (out / "articles" / "chengdu-biotown.md").read_text(encoding="utf-8")

    bad = _article_items(data, "rejected")[keys["bad"]]
    assert bad["status"] == "rejected" and keys["bad"] not in _article_items(data, "claims")
    assert "number 600个 not in cited text" in bad["reasons"]
    assert "成都高新区累计支持项目600个" in md  # listed in the verification section with its reason

    approved = next(c for c in data["summary"]["claims"] if c["key"] == keys["approved"])
    assert approved["review"] == {"status": "approved", "note": ""}

    # no change: the same brief.json and, written again, the same review file
    first_json, first_review = _undated(out), review_command(out)[0].read_text(encoding="utf-8")
    _build(src, out)
    assert _undated(out) == first_json
    assert review_command(out)[0].read_text(encoding="utf-8") == first_review
    assert load_review(out / "review.yaml").decisions[keys["good"]].status == "edited"

    # render from brief.json and the review file alone gives the build's brief
    built_md = (out / "brief.md").read_text(encoding="utf-8")
    shutil.rmtree(src)
    render_command(out)
    assert (out / "brief.md").read_text(encoding="utf-8") == built_md
    assert _undated(out) == first_json


def test_decisions_on_a_removed_article_become_stale_not_lost(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(EXAMPLES, src)
    _build(src, out)
    keys = _decide(out)
    (src / "taian-medical-devices.txt").unlink()
    _build(src, out)

    data = _json(out)
    assert any(keys["taian"] in w and "stale" in w for w in data["warnings"])
    md = (out / "brief.md").read_text(encoding="utf-8")
    assert f"stale decision: rejected {keys['taian']}" in md.split("## 核验")[1]  # listed in the brief
    path, result = review_command(out)
    stale = {d.key: d for d in result.stale}
    assert stale[keys["taian"]].status == "rejected" and stale[keys["taian"]].note == "out of scope"
    assert keys["good"] in result.decisions and result.decisions[keys["good"]].status == "edited"
    # the stale list is written to the file and read back; the article returning revives it
    assert keys["taian"] in {d.key for d in load_review(path).stale}
    shutil.copy(EXAMPLES / "taian-medical-devices.txt", src)
    _build(src, out)
    assert review_command(out)[1].decisions[keys["taian"]].status == "rejected"
    assert keys["taian"] in _article_items(_json(out), "rejected")


def test_render_applies_a_changed_review_file_without_sources(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(EXAMPLES, src)
    _build(src, out)
    keys = _decide(out)
    _build(src, out)
    shutil.rmtree(src)
    # the editor changes their mind: the rejected cell comes back, the bad edit is fixed
    path = out / "review.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    _entry(doc["items"], key="cell:佛山:scale")["status"] = "pending"
    _entry(doc["items"], key=keys["bad"]).update(
        zh="成都高新区累计支持项目584个。", en="Chengdu Hi-tech Zone has supported 584 projects."
    )
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    render_command(out)
    data = _json(out)
    cell = next(c for c in data["comparison"]["cells"] if c["key"] == "cell:佛山:scale")
    assert cell["status"] == "verified" and "review" not in cell
    assert _article_items(data, "claims")[keys["bad"]]["zh"] == "成都高新区累计支持项目584个。"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("items: [{key: a, status: maybe}]", "status 'maybe' is not one of"),
        ("items: [{status: approved}]", "every entry needs a key"),
        ("items: {a: 1}", "items: must be a list"),
        ("items: [\n  - key: 'a\n", "review file"),
    ],
)
def test_a_bad_review_file_is_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "review.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_review(path)
    assert message in err.value.one_line() and "\n" not in err.value.one_line()


def test_show_review_marks_approved_items(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(EXAMPLES, src)
    _build(src, out)
    path, _ = review_command(out)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    summary = next(e for e in doc["items"] if e["kind"] == "summary")
    summary["status"] = "approved"
    _entry(doc["items"], key="cell:佛山:scale")["status"] = "approved"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    mark = "✓ 已审核 / approved"
    _build(src, out)
    assert mark not in (out / "brief.md").read_text(encoding="utf-8")
    _build(src, out, "--show-review")
    md = (out / "brief.md").read_text(encoding="utf-8")
    marked = [line for line in md.splitlines() if mark in line]
    assert any(line.startswith(f"- {summary['zh']}") for line in marked)
    assert any(line.startswith("| **产业规模") for line in marked)  # the table row of the approved cell
    # the city's section no longer repeats the table's cells (issue 15), so the cell is marked once
    assert len(marked) == 3  # the summary line in Chinese and English, the cell


def test_render_keeps_what_brief_json_records(tmp_path: Path) -> None:
    """Parts no model wrote stay flagged after a re-render (brief.json is the only input)."""
    out = tmp_path / "out"
    _build(EXAMPLES, out)
    data = _json(out)
    data["model_failures"] = [{"part": "article", "doc": "taian-medical-devices", "reason": "reply cut off"}]
    (out / "brief.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    render_command(out)
    assert _json(out)["model_failures"] == data["model_failures"]
    assert "reply cut off" in (out / "brief.md").read_text(encoding="utf-8")


def test_figures_can_be_edited_and_are_checked_like_claims() -> None:
    from briefgen import BuildSettings, build_brief
    from briefgen.output.keys import brief_items
    from briefgen.output.review import Decision, ReviewFile, apply_review, fact_text

    brief = build_brief(EXAMPLES, None, BuildSettings())
    facts = [i for i in brief_items(brief) if i.kind == "fact" and "规划面积" in i.obj.what]  # type: ignore[union-attr]
    item = facts[0]
    zh, en = fact_text(item.obj)  # type: ignore[arg-type]
    assert zh == "规划面积：约44平方公里"
    good = Decision(item.key, "fact", "edited", "园区规划面积：约44平方公里", "planned park area: about 44 km²", ["chengdu-biotown:p1"])
    outcome = apply_review(brief, ReviewFile({item.key: good}))
    assert outcome.edited == [item.key]
    art = next(a for a in brief.articles if a.doc_id == "chengdu-biotown")
    edited = next(f for f in art.facts if f.what == "园区规划面积")
    assert (edited.value, edited.unit, edited.what_en) == ("44", "平方公里", "planned park area")

    brief = build_brief(EXAMPLES, None, BuildSettings())
    bad = Decision(item.key, "fact", "edited", "规划面积：约55平方公里", "planned area: about 55 km²", ["chengdu-biotown:p1"])
    outcome = apply_review(brief, ReviewFile({item.key: bad}))
    assert outcome.failed == [item.key]
    art = next(a for a in brief.articles if a.doc_id == "chengdu-biotown")
    assert not any(f.what == "规划面积" for f in art.facts)
    failing = next(c for c in art.rejected if c.zh == "规划面积：约55平方公里")
    assert failing.reasons[0] == "edited by editor" and any("55" in r for r in failing.reasons)


def test_review_file_round_trips_any_text(tmp_path: Path) -> None:
    from briefgen import BuildSettings, build_brief
    from briefgen.core.types import Claim
    from briefgen.output.review import write_review

    brief = build_brief(EXAMPLES, None, BuildSettings())
    tricky = 'a "quote" \\ back\tslash # not a comment: {x: [1]}\n- dash \u2028 line'
    brief.articles[0].claims[0].zh = tricky
    brief.articles[0].title = "title\x7f with a control character"  # shown in a group comment
    brief.articles[0].rejected.append(Claim("失败\x01", "failed", [], "rejected", ["bad\u2028reason\x7f"]))
    result = write_review(brief, tmp_path / "review.yaml")
    again = load_review(tmp_path / "review.yaml")
    assert again.decisions == result.decisions
    assert any(d.zh == tricky for d in again.decisions.values())
