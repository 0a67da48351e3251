"""Fact extraction: figures with sentence, citation, year, target flag and dimension."""

from __future__ import annotations

import json
import re

import pytest
from conftest import SHARED

from briefgen.core.types import Document, Excerpt, Fact
from briefgen.evidence.facts import extract_facts


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
    assert out[("167", "家")].dimension == "scale"  # a count of firms is industry scale
    assert out[("167", "家")].year == 2022  # the year heads the sentence: it governs both


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


def facts_of(paragraphs: list[str], date: str | None = "2023-11-20") -> dict[str, Fact]:
    return {f.value: f for f in extract_facts(make_doc(paragraphs, date=date))}


def test_baseline_year_is_not_the_target_that_follows() -> None:
    out = facts_of(["医药健康产业集群产值从2022年的462.2亿元，到2025年力争超过1000亿元。"])
    base, goal = out["462.2"], out["1000"]
    assert (base.year, base.is_target, base.year_source) == (2022, False, "explicit")
    assert (goal.year, goal.is_target, goal.dimension) == (2025, True, "target")
    assert base.dimension == "scale" and base.what == "医药健康产业集群产值"


def test_target_clause_does_not_reach_back_to_earlier_figures() -> None:
    out = facts_of(
        ["佛山方面，2022年产业集群产值为462.2亿元，到2025年产值力争超过1000亿元，并建成6个园区。"]
    )
    assert (out["462.2"].year, out["462.2"].is_target) == (2022, False)
    assert (out["1000"].year, out["1000"].is_target, out["1000"].what) == (2025, True, "产值")
    assert (out["6"].year, out["6"].is_target) == (2025, True)


def test_relative_years_and_as_of_dates() -> None:
    out = facts_of(["去年，园区营收180亿元。", "截至2023年底，全市拥有企业2500家。", "目前建成平台12个。"],
                   date="2024-05-20")  # fmt: skip
    assert (out["180"].year, out["180"].year_source) == (2023, "relative")
    assert (out["2500"].year, out["2500"].is_target) == (2023, False)
    assert (out["12"].year, out["12"].year_source, out["12"].as_of) == (2024, "date", "2024-05-20")


def test_future_year_is_a_target_and_past_deadline_is_not() -> None:
    out = facts_of(["计划2027年产值达到3000亿元。", "到2021年底，全市已集聚企业800家。", "预计2027年营收将达到900亿元。"])
    assert (out["3000"].year, out["3000"].is_target) == (2027, True)
    assert (out["900"].year, out["900"].is_target) == (2027, False)  # 预计: a forecast (issue 15)
    assert (out["800"].year, out["800"].is_target) == (2021, False)


def test_enumerated_paragraph_inherits_the_target_and_cites_it() -> None:
    doc = make_doc(
        ["《方案》提出，到2026年实现以下目标。一是建成3个园区。", "二是培育龙头企业10家。"]
    )
    f = next(f for f in extract_facts(doc) if f.value == "10")
    assert (f.year, f.is_target, f.year_source) == (2026, True, "context")
    assert f.cites == ["d:p2", "d:p1"]  # the paragraph that states 2026 is cited too


def test_repeated_figure_borrows_year_and_label() -> None:
    out = extract_facts(
        make_doc(["2022年全市生物医药产值462.2亿元。", "业内认为，从462.2亿元到千亿元并不容易。"])
    )
    again = [f for f in out if f.value == "462.2"][1]
    assert (again.year, again.year_source, again.what) == (2022, "context", out[0].what)
    assert again.cites == ["d:p2", "d:p1"]


def test_labels_are_clean_noun_phrases() -> None:
    out = facts_of(
        [
            "成都市2023年生物医药产业实现营业收入1500亿元，同比增长9.5%。",
            "高新区引导投资机构为企业提供近50亿元融资，设立规模20亿元的天使投资基金。",
            "园区已吸引400家健康产业类企业落户。",
        ]
    )
    assert out["1500"].what == "生物医药产业营业收入"
    assert out["9.5"].what.endswith("营业收入同比增长")
    assert out["50"].what == "融资" and out["20"].what == "天使投资基金"
    assert out["400"].what == "健康产业类企业" and "enterprises" in out["400"].what_en
    assert not any(re.search(r"\d|力争|到", f.what) for f in out.values())


def test_dimensions_for_firm_counts_parks_finance_and_talent() -> None:
    out = facts_of(
        [
            "全市共有医药企业320家，其中规上企业85家、上市公司12家，专精特新企业9家。",
            "产业园占地1200亩，总投资45亿元，引进院士团队6个。",
        ]
    )
    dims = {v: f.dimension for v, f in out.items()}
    assert dims["320"] == dims["85"] == dims["12"] == "scale"
    assert dims["9"] == "enterprises"
    assert (dims["1200"], dims["45"], dims["6"]) == ("parks", "finance", "talent")


def _seed_corpus():  # type: ignore[no-untyped-def]
    from briefgen.corpus.ingest import ingest

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


def test_demonstrative_and_its_noun_leave_the_label_together() -> None:
    doc = make_doc(["广州生物医药企业4124家；该领域国家高新技术企业超过1000家。"])
    what = {f.value: f.what for f in extract_facts(doc)}
    assert what["1000"] == "国家高新技术企业"


def test_share_keeps_what_and_of_what_and_whose() -> None:
    doc = make_doc(["泰邦生物是全省唯一的血液制品企业，其产值约占全国血液制品产业的1/7。"])
    (share,) = [f for f in extract_facts(doc) if f.value == "1/7"]
    assert share.what.endswith("产值约占全国血液制品产业")
    assert share.what.startswith("泰邦生物")  # the company's share, not the city's
    assert share.what_en.startswith("one company's national share")


def test_figure_as_written_keeps_its_own_qualifier() -> None:
    from briefgen.evidence.facts import figure_as_written

    doc = make_doc(["其中生产企业近1000家，位列全国第三；高新技术企业超过1000家，集聚200家以上。"])
    written = sorted(figure_as_written(f) for f in extract_facts(doc) if f.unit == "家")
    assert written == ["200家以上", "超过1000家", "近1000家"]
    bare = Fact("1000", "家", "企业", "", None, "scale", "近1000家和超过1000家", ["d:p1"])
    assert figure_as_written(bare) == "1000家"  # two readings and no position: no guess


def test_graded_figure_and_place_take_the_noun_after() -> None:
    doc = make_doc(["为打造中山千亿级健康产业集群增添新动力。"])
    (f,) = [f for f in extract_facts(doc) if f.unit.endswith("级")]
    assert f.what == "健康产业集群"


def test_year_on_year_growth_is_labelled_as_growth() -> None:
    doc = make_doc(["2018年，全市利润180亿元，利润同比增长22.2%。"])
    (f,) = [f for f in extract_facts(doc) if f.unit == "%"]
    assert f.what_en.startswith("year-on-year growth")


def test_what_a_body_will_do_is_a_target_and_jiangjin_is_not() -> None:
    doc = make_doc(["产业链将重点推出3家龙头企业，扶持6至8家骨干企业。", "全市现有企业将近1000家。"])
    target = {f.value: f.is_target for f in extract_facts(doc)}
    assert target["3"] and target["6至8"] and not target["1000"]
