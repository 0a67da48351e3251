"""Fact extraction: figures with sentence, citation, year, target flag and dimension."""

from __future__ import annotations

import json
import re

import pytest
from conftest import SHARED

from briefgen.facts import extract_facts
from briefgen.types import Document, Excerpt


def make_doc(
    paragraphs: list[str], *, date: str | None = "2023-11-20", doc_id: str = "d"
) -> Document:
    exs = [Excerpt(f"{doc_id}:p{i}", doc_id, i, p, p) for i, p in enumerate(paragraphs, 1)]
    return Document(
        doc_id, f"{doc_id}.txt", "标题", date, None, None, ["佛山"], "\n".join(paragraphs), exs
    )


def test_fact_has_written_value_unit_citation_and_english() -> None:
    doc = make_doc(
        ["前言。", "全市2022年医药健康产业集群累计实现产值462.2亿元,其中规模以上企业约167家。"]
    )
    facts = extract_facts(doc)
    out = {(f.value, f.unit): f for f in facts}
    f = out[("462.2", "亿元")]
    assert f.cites == ["d:p2"] and f.year == 2022 and not f.is_target
    assert f.value_en == "CNY 46.22 billion"
    assert "产值" in f.what and "output value" in f.what_en
    assert out[("167", "家")].dimension == "enterprises"


def test_target_year_carries_through_the_paragraph() -> None:
    doc = make_doc(
        [
            "力争到2025年实现三大发展目标:一是扩大产业规模。集聚200家以上高新技术企业,实现总产值超1000亿元。"
        ]
    )
    facts = extract_facts(doc)
    assert {(f.value, f.year, f.is_target) for f in facts} >= {
        ("200", 2025, True),
        ("1000", 2025, True),
    }
    assert all(f.dimension == "target" for f in facts)


def test_year_falls_back_to_article_date_and_ignores_titles_and_since() -> None:
    doc = make_doc(
        ["自2018年以来累计支持584个项目。", "印发《行动计划(2023—2025年)》,建成6个园区。"]
    )
    years = {f.value: f.year for f in extract_facts(doc)}
    assert years == {"584": 2023, "6": 2023}
    assert extract_facts(make_doc(["建成6个园区。"], date=None))[0].year is None


def test_no_facts_from_dates_years_or_rhetorical_numerals() -> None:
    doc = make_doc(["2023年6月10日,会议提出三个重点和两个方向,第十二届大会召开。"])
    assert extract_facts(doc) == []


def test_area_and_people_dimensions_come_from_lexicons() -> None:
    doc = make_doc(
        ["园区规划面积约44平方公里。", "引进专业人才超过7000人。", "设立100亿元产业投资基金。"]
    )
    dims = {f.value: f.dimension for f in extract_facts(doc)}
    assert dims == {"44": "parks", "7000": "talent", "100": "finance"}


def _seed_corpus():  # type: ignore[no-untyped-def]
    from briefgen.ingest import ingest

    return ingest(SHARED / "seeds")


@pytest.mark.skipif(not (SHARED / "seeds-gold.json").is_file(), reason="shared seeds not available")
def test_seed_gold_facts_are_all_extracted() -> None:
    gold = json.loads((SHARED / "seeds-gold.json").read_text(encoding="utf-8"))
    corpus = _seed_corpus()
    by_file = {re.sub(r".*/", "", d.path): d for d in corpus.documents}
    missing = []
    for article in gold:
        doc = by_file.get(article["file"])
        assert doc is not None, f"ingest lost {article['file']}: {corpus.skipped}"
        got = {(f.value, f.unit) for f in extract_facts(doc)}
        missing += [
            (article["file"], g["value"], g["unit"])
            for g in article["facts"]
            if (g["value"], g["unit"]) not in got
        ]
    assert missing == []
