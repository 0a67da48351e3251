"""Key facts on small texts of our own: target / forecast / achieved / provision (a policy's
cap, award, rate or fund: never a target), the year, units of other industries, opinions
and questions left out (issue 15, facts side)."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.core.types import Document, Excerpt, Fact
from briefgen.evidence.facts import extract_facts, fact_kind, is_opinion


def _doc(*paras: str, date: str = "2024-03-05") -> Document:
    ex = [Excerpt(f"t:p{i}", "t", i, p, p) for i, p in enumerate(paras, 1)]
    return Document("t", "t.txt", "t", date, "", "", ["临江"], "\n".join(paras), ex)


def _facts(*paras: str) -> dict[str, Fact]:
    return {f.value + f.unit: f for f in extract_facts(_doc(*paras))}


@pytest.mark.parametrize(
    ("text", "figure", "kind", "year"),
    [
        # achieved, with its own year
        ("2023年，临江市电子信息产业产值达到520亿元。", "520亿元", "achieved", 2023),
        # 预计 is a forecast: not a target, and the year after it is the forecast's year
        ("预计2025年全市产值将突破800亿元。", "800亿元", "forecast", 2025),
        ("今年前两个月产量超过3万辆，全年有望突破20万辆。", "20万辆", "forecast", 2024),
        # a plan's target, with the deadline as its year
        ("到2027年，力争全市产值突破1500亿元。", "1500亿元", "target", 2027),
        # a past average is history, not a target
        ("近三年，全市产业年均增幅近30%。", "30%", "achieved", 2024),
    ],
)
def test_kind_and_year(text: str, figure: str, kind: str, year: int) -> None:
    f = _facts(text)[figure]
    assert (fact_kind(f), f.year) == (kind, year)
    assert f.is_target == (kind == "target")


def test_a_cue_after_a_forecast_does_not_make_it_a_target() -> None:
    # 将突破 is a target word, but this sentence is an expectation (预计 … 将突破)
    f = _facts("2023年产值为520亿元。预计2025年产值将突破800亿元。")["800亿元"]
    assert not f.is_target and fact_kind(f) == "forecast"


def test_opinions_and_questions_are_not_facts() -> None:
    assert is_opinion("业内人士认为，全市产值有望在三年内突破2000亿元。")
    assert is_opinion("记者：全市200家企业下一步如何发展？")
    assert not is_opinion("全市现有企业200家。")
    got = _facts(
        "业内人士认为，全市产值有望在三年内突破2000亿元。",
        "有专家建议，设立规模50亿元的产业基金。",
        "记者：全市200家企业下一步如何发展？",
        "全市现有规上企业120家。",
    )
    assert list(got) == ["120家"]


def test_units_of_other_industries() -> None:
    got = _facts(
        "全市新能源汽车产量达到74.6万辆，动力电池产能约110GWh，智能算力规模达到1.2万P，晶圆产能约10万片/月，完成无人机飞行3.8万架次。"
    )
    assert {"74.6万辆", "110GWh", "1.2万P", "10万片/月", "3.8万架次"} <= set(got)
    assert got["10万片/月"].value_en == "about 100,000 wafers per month"
    assert got["74.6万辆"].value_en == "746,000 vehicles"
    assert got["1.2万P"].value_en == "12,000 PFLOPS"


def test_a_rank_moved_up_is_not_a_number_of_people() -> None:
    got = _facts("全市排名上升1位，拥有院士5名。")
    assert list(got) == ["1位", "5名"]
    assert got["1位"].value_en == "1" and got["1位"].what_en == "places up in the ranking"


def test_same_measure_keeps_its_label() -> None:
    got = _facts("今年前两个月产量超过3万辆，全年有望突破20万辆。")
    assert got["20万辆"].what == got["3万辆"].what == "产量"
    assert got["20万辆"].what_en == "output"


def test_whose_figure_it_is() -> None:
    from briefgen.evidence.facts import fact_place

    got = _facts(
        "2023年湖州新材料产业规模达到860亿元；衢州同期约420亿元。",
        "华研生物是全省唯一的疫苗企业，其产值约占全国同类产业的1/9。",
        "全市现有规上企业120家。",
    )
    assert fact_place(got["860亿元"]) == "湖州"
    assert fact_place(got["420亿元"]) == "衢州"  # "同期" sentence part names its own city
    assert fact_place(got["1/9"]) == "华研生物"  # a company's national share, not the city's
    assert fact_place(got["120家"]) is None  # no one named: the article's own city stands


@pytest.mark.parametrize(
    ("paras", "figure"),
    [
        # a cap on support, a one-off award, a subsidy rate, a tax rate: a policy's terms
        (("对新落户的研发机构，最高给予800万元奖励。",), "800万元"),
        (("对首次营收突破20亿元的企业，一次性奖励300万元。",), "300万元"),
        (("按设备投资额给予最高12%的补贴，单个项目最高2500万元。",), "2500万元"),
        (("对符合条件的企业减按12%的税率征收企业所得税优惠。",), "12%"),
        (("全市将发放数据券，每年发放总额不超过8000万元。",), "8000万元"),
        # a fund's size, also in a clause that only names the size
        (("全市将设立新材料产业基金，总规模40亿元，首期15亿元。",), "15亿元"),
        # a yearly budget after a plan's targets: no target, and not the plan's year
        (("到2028年，临江市力争产值突破900亿元。", "全市每年安排不少于6亿元专项资金。"), "6亿元"),
    ],
)
def test_a_policy_provision_is_no_target_and_has_no_year_of_its_own(
    paras: tuple[str, ...], figure: str
) -> None:
    f = _facts(*paras)[figure]
    assert fact_kind(f) == "provision"
    assert not f.is_target and f.year_source == "date"  # shown as "reported <date>", not a year


def test_support_money_paid_out_is_a_result_not_a_provision() -> None:
    f = _facts("去年，全市共有35家企业获得720万元奖励。")["720万元"]
    assert (fact_kind(f), f.year) == ("achieved", 2023)


def test_that_year_is_the_year_named_before_it() -> None:
    got = _facts("截至2022年底，全市储能装机约60GWh；当年新增装机约18GWh。")
    assert (got["18GWh"].year, got["18GWh"].year_source) == (2022, "explicit")
    assert fact_kind(got["18GWh"]) == "achieved"


def test_a_full_year_target_is_this_years() -> None:
    f = _facts("下一步，临江将精准招商，力争全年新引进亿元以上项目45个。")["45个"]
    assert (fact_kind(f), f.year) == ("target", 2024)


def test_capacity_once_in_full_production_is_a_forecast() -> None:
    f = _facts("该基地全部达产后，可形成年产电芯30GWh的生产能力。")["30GWh"]
    assert (fact_kind(f), f.is_target) == ("forecast", False)


@pytest.mark.parametrize(
    "text",
    [
        "2020—2023年，临江市产值年均增长17%。",
        "临江市产值从2020年的210亿元增长至2023年的340亿元，年均增长17%。",
    ],
)
def test_an_average_over_a_period_is_dated_by_its_end(text: str) -> None:
    f = _facts(text)["17%"]
    assert (fact_kind(f), f.year, f.year_source) == ("achieved", 2023, "explicit")


def test_the_base_of_a_change_over_a_range_is_the_ranges_first_year() -> None:
    got = _facts("2020年至2023年，临江市规上企业从140家增加到230家。")
    assert (got["140家"].year, got["230家"].year) == (2020, 2023)
    plan = _facts("2024—2027年，临江市力争规上企业由230家增加到400家。")
    assert (fact_kind(plan["230家"]), plan["230家"].year) == ("achieved", 2024)
    assert (fact_kind(plan["400家"]), plan["400家"].year) == ("target", 2027)


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("今年，临江市启动算力枢纽建设，力争三年全建成、五年见成效，培育算力企业60家。", "60家"),
        ("今年初，临江市印发行动方案，提出打造千亿级新材料产业集群。", "千亿级"),
    ],
)
def test_this_year_in_a_target_sentence_is_not_the_targets_year(text: str, figure: str) -> None:
    # the plan starts (or is issued) this year; its goals name no year of their own
    f = _facts(text)[figure]
    assert (fact_kind(f), f.year) == ("target", None)


def test_a_target_word_already_done_is_no_target() -> None:
    got = _facts("去年，临江市打造了众创空间14个。", "临江市已打造孵化器9个。")
    assert (fact_kind(got["14个"]), got["14个"].year) == ("achieved", 2023)
    assert fact_kind(got["9个"]) == "achieved" and not got["9个"].is_target


_ARTICLE = """临江市新材料产业政策发布
2024-03-05 来源：临江日报
2023年，临江市新材料产业实现产值520亿元。
《临江市新材料产业行动方案》提出，到2026年，全市新材料产业产值力争突破900亿元。
对新落户的新材料企业，最高给予800万元奖励。
全市新材料产业园全部达产后，预计年产值将超过300亿元。
"""


def test_brief_json_facts_agree_with_their_kind(tmp_path: Path) -> None:
    """What an editor reads (brief.json's facts, the key-figures tables) says what fact_kind
    says: only a target is a target, and a cap or forecast gets no year of its own."""
    from briefgen import brief_to_json, build_brief

    src = tmp_path / "src"
    src.mkdir()
    (src / "linjiang.txt").write_text(_ARTICLE, encoding="utf-8")
    brief = build_brief(src)
    facts = {f.value + f.unit: f for art in brief.articles for f in art.facts}
    shown = {
        f["value"] + f["unit"]: f for a in brief_to_json(brief)["articles"] for f in a["facts"]
    }
    expected = {
        "520亿元": "achieved",
        "900亿元": "target",
        "800万元": "provision",
        "300亿元": "forecast",
    }
    assert {k: fact_kind(facts[k]) for k in expected} == expected
    for key, kind in expected.items():
        assert shown[key]["is_target"] == (kind == "target")
    assert shown["900亿元"]["year"] == 2026 and shown["520亿元"]["year"] == 2023
    assert shown["800万元"]["as_of"] == "2024-03-05"  # "reported 2024-03-05", not a year of its own
