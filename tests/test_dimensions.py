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
