"""Glossary: shipped terms, user overrides, longest match, city pinyin, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.core.errors import ConfigError
from briefgen.evidence.glossary import load_glossary


def test_shipped_terms_and_cities() -> None:
    g = load_glossary()
    assert g.en("链主企业") == "chain-leader enterprise"
    assert g.en("规上企业") == g.en("规模以上企业") == "above-designated-size enterprises"
    assert g.en("不存在的词") is None
    assert g.city_en("中山") == "Zhongshan"
    assert g.city_en("佛山市") == "Foshan"


def test_terms_in_prefers_longest_match_in_text_order() -> None:
    g = load_glossary()
    found = g.terms_in("产业集群中规模以上企业约167家,生物医药与健康产业")
    assert [zh for zh, _ in found] == ["产业集群", "规模以上企业", "生物医药与健康"]


def test_user_file_extends_and_overrides(tmp_path: Path) -> None:
    extra = tmp_path / "mine.tsv"
    extra.write_text(
        "# mine\n链主企业\tchain-master firm\n揭榜挂帅\topen competition mechanism\n",
        encoding="utf-8",
    )
    g = load_glossary([extra])
    assert g.en("链主企业") == "chain-master firm"
    assert g.en("揭榜挂帅") == "open competition mechanism"
    assert "揭榜挂帅 = open competition mechanism" in g.render_prompt_block("实行揭榜挂帅制度")


def test_prompt_block_is_empty_without_terms() -> None:
    assert load_glossary().render_prompt_block("今天天气很好") == ""


def test_bad_file_is_one_line_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("生物医药 biomedicine\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 1"):
        load_glossary([bad])
    with pytest.raises(ConfigError, match="cannot read"):
        load_glossary([tmp_path / "missing.tsv"])
