"""Stable keys in brief.json: the same item gets the same key on every build (issue 16)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from briefgen import BuildSettings, build_brief
from briefgen.core.types import Claim
from briefgen.output.keys import SCHEMA_VERSION, claim_key
from tests.conftest import EXAMPLES


def _keyed(data: dict[str, Any]) -> list[str]:
    keys = []
    for art in data["articles"]:
        for name in ("claims", "rejected", "facts"):
            keys += [item["key"] for item in art[name]]
    keys += [c["key"] for c in data["comparison"]["cells"]]
    keys += [c["key"] for c in data["summary"]["claims"] + data["summary"]["rejected"]]
    return keys


def _build(src: Path, out: Path) -> dict[str, Any]:
    build_brief(src, out, BuildSettings())
    data: dict[str, Any] = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    return data


def test_every_item_has_a_unique_key_that_survives_a_rebuild(tmp_path: Path) -> None:
    first = _build(EXAMPLES, tmp_path / "a")
    keys = _keyed(first)
    assert keys and len(keys) == len(set(keys))
    assert "cell:佛山:scale" in keys
    assert first["schema_version"] == SCHEMA_VERSION
    assert all(k.split(":")[0] in {"claim", "fact", "cell", "summary"} for k in keys)
    # the executive summary's per-language lists carry the same keys as its claims
    assert [x["key"] for x in first["summary"]["zh"]] == [x["key"] for x in first["summary"]["claims"]]
    assert _keyed(_build(EXAMPLES, tmp_path / "b")) == keys


def test_keys_of_untouched_articles_survive_when_another_article_is_removed(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(EXAMPLES, src)
    before = _build(src, tmp_path / "a")
    (src / "taian-medical-devices.txt").unlink()
    after = _build(src, tmp_path / "b")

    def claims(data: dict[str, Any], doc: str) -> list[str]:
        return [c["key"] for a in data["articles"] if a["id"] == doc for c in a["claims"]]

    assert claims(before, "chengdu-biotown") == claims(after, "chengdu-biotown")
    assert claims(before, "taian-medical-devices") and not claims(after, "taian-medical-devices")


def test_key_changes_with_text_or_sources_not_with_cite_order() -> None:
    base = Claim(zh="规划面积约44平方公里", en="44 km²", cites=["d:p1", "d:p2"])
    assert claim_key("d", base) == claim_key("d", Claim(base.zh, "other English", ["d:p2", "d:p1"]))
    assert claim_key("d", base) != claim_key("d", Claim("规划面积约45平方公里", base.en, base.cites))
    assert claim_key("d", base) != claim_key("d", Claim(base.zh, base.en, ["d:p1"]))
