"""Dimensions file: shipped set, user files, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.core.errors import ConfigError
from briefgen.evidence.dimensions import load_dimensions


def test_shipped_dimensions() -> None:
    dims = load_dimensions()
    assert [d.id for d in dims] == [
        "scale", "target", "sectors", "parks", "policy", "finance", "talent", "enterprises", "cooperation"
    ]  # fmt: skip
    assert all(d.zh and d.en and d.keywords for d in dims)


def test_user_file_replaces_the_set(tmp_path: Path) -> None:
    f = tmp_path / "dims.toml"
    f.write_text(
        '[[dimension]]\nid = "exports"\nzh = "出口"\nen = "Exports"\nkeywords = ["出口", "外贸"]\n',
        encoding="utf-8",
    )
    (d,) = load_dimensions(f)
    assert (d.id, d.en, d.keywords) == ("exports", "Exports", ("出口", "外贸"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[[dimension]\nid=", "not valid TOML"),
        ('[[dimension]]\nid = "x"\nzh = "甲"\nen = "X"\n', "keywords"),
        ('[[dimension]]\nid = "bad id"\nzh = "甲"\nen = "X"\nkeywords = ["甲"]\n', "id"),
        ('[[dimension]]\nid = "x"\nzh = "甲"\nen = "X"\nkeywords = ["甲"]\n' * 2, "duplicate id"),
    ],
)
def test_bad_file_is_config_error(tmp_path: Path, body: str, message: str) -> None:
    f = tmp_path / "dims.toml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as err:
        load_dimensions(f)
    assert "\n" not in err.value.one_line()


def test_a_user_files_cues_reach_the_builds_facts(tmp_path: Path) -> None:
    """``--dimensions FILE``: the file's ``cues`` (words that tie a figure to a dimension
    without retrieving evidence) travel with its dimensions into fact extraction."""
    from briefgen.pipeline import BuildSettings, build_brief

    dims = tmp_path / "dims.toml"
    dims.write_text(
        '[[dimension]]\nid = "logistics"\nzh = "物流"\nen = "Logistics"\nkeywords = ["物流"]\ncues = ["吞吐量"]\n'
        '[[dimension]]\nid = "scale"\nzh = "产业规模"\nen = "Industry scale"\nkeywords = ["产值"]\n',
        encoding="utf-8",
    )
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("宁波港口发展\n\n2024-03-01 宁波日报\n\n2023年，宁波港区集装箱吞吐量达到3530万标箱。\n", encoding="utf-8")
    brief = build_brief(src, settings=BuildSettings(engine="extractive", dimensions=dims))
    facts = {f.value: f.dimension for a in brief.articles for f in a.facts}
    assert facts.get("3530") == "logistics", facts
