"""Fact labels keep the meaning (issue 15): one small text of our own per class of label
that lost it, and the built briefs of examples, seeds and the dev corpus, where no
figure may be labelled with a placeholder, nothing, or a pronoun."""

from __future__ import annotations

import shutil

import pytest
from conftest import EXAMPLES, SHARED

from briefgen import build_brief
from briefgen.core.types import Document, Excerpt, Fact
from briefgen.evidence.facts import extract_facts

PRONOUNS = {"此", "其", "该", "这", "之", "本", "其中", "这些", "上述"}


def _facts(text: str, city: str = "无锡") -> dict[str, Fact]:
    ex = [Excerpt("d:p1", "d", 1, text, text)]
    doc = Document("d", "d.txt", "标题", "2024-05-01", None, None, [city], text, ex)
    return {f.value + f.unit: f for f in extract_facts(doc)}


def _placeholder(f: Fact) -> bool:
    en = f.what_en.strip()
    return en == "figure" or en.endswith(" figure")


# ------------------------------------------------------------- caps


def test_a_cap_per_project_says_cap_and_per_project() -> None:
    got = _facts("对新建动力电池项目给予设备投资补助，单个项目最高3000万元。")
    f = got["3000万元"]
    assert f.what.startswith("单个项目") and f.what.endswith("上限")
    assert "设备投资补助" in f.what  # what is capped, from the clause before
    assert "cap per project" in f.what_en


def test_a_cap_per_any_counted_thing_says_per_what() -> None:
    f = _facts("对新开通航线，每条新开航线最高补贴150万元。")["150万元"]
    assert f.what == "每条新开航线补贴上限" and f.what_en == "subsidy cap per route"
    f = _facts("单个企业每年最高补贴1000万元。")["1000万元"]
    assert f.what_en == "subsidy cap per enterprise per year"


def test_each_cap_of_a_list_names_its_item() -> None:
    got = _facts("对临床试验按Ⅰ、Ⅱ、Ⅲ期分别给予最高200万元、500万元、900万元的资助。")
    labels = [got[k].what for k in ("200万元", "500万元", "900万元")]
    assert labels == ["Ⅰ期资助上限", "Ⅱ期资助上限", "Ⅲ期资助上限"]
    assert got["200万元"].what_en.endswith("(phase I)") and " cap" in got["200万元"].what_en


def test_a_reward_cap_names_who_it_is_for() -> None:
    f = _facts("对引进的顶尖人才团队最高给予2000万元项目资助。")["2000万元"]
    assert f.what == "顶尖人才团队项目资助上限"
    assert f.what_en.startswith("project funding cap")


# ------------------------------------------------------------ whose figure


def test_a_bar_for_each_leading_firm_is_not_the_clusters_revenue() -> None:
    got = _facts("到2026年，培育年营收超过50亿元的龙头企业3家。")
    bar, firms = got["50亿元"], got["3家"]
    assert bar.what.startswith("每家龙头企业") and bar.what_en.endswith("per leading enterprise")
    assert firms.what == "营收达标龙头企业"  # the firms that meet the bar, not all firms
    assert "meeting the revenue bar" in firms.what_en


def test_a_companys_national_share_is_the_companys() -> None:
    f = _facts("华康药业股份有限公司是省内最大的疫苗企业，其产量约占全国同类产品的1/5。")["1/5"]
    assert f.what.startswith("华康药业公司") and "占全国" in f.what
    assert f.what_en.startswith("one company's national share")


def test_the_nations_figure_says_national() -> None:
    f = _facts("2023年全国新能源汽车产量达到958万辆，无锡产量12万辆。")["958万辆"]
    assert f.what.startswith("全国") and f.what_en.startswith("national ")
    assert not _facts("无锡新能源汽车产量12万辆。")["12万辆"].what_en.startswith("national")


def test_a_districts_figure_says_district() -> None:
    f = _facts("到2027年，全区集成电路产业产值力争达到600亿元。", city="北京")["600亿元"]
    assert f.what == "全区集成电路产业产值" and f.what_en.startswith("district-wide output value")


def test_a_companys_own_figure_names_no_companies() -> None:
    f = _facts("远航汽车股份有限公司是省内最大的整车企业，其年产量达到30万辆。")["30万辆"]
    assert f.what.startswith("远航汽车公司") and f.what_en == "one company's annual output"


def test_a_company_referred_back_to_keeps_its_figures() -> None:
    got = _facts("该公司去年实现营收85亿元，同比增长30%。")
    assert got["85亿元"].what == "该公司营收" and got["85亿元"].what_en == "one company's revenue"
    assert got["30%"].what == "该公司营收同比增长"


def test_an_award_names_who_gets_it() -> None:
    got = _facts("对新获批的国家级创新平台给予一次性500万元支持。")
    assert got["500万元"].what == "国家级创新平台支持"


def test_a_share_of_what_follows_wei() -> None:
    f = _facts("据统计，上述企业中约七成为中小微企业。")["七成"]
    assert f.what == "中小微企业占比" and f.what_en.startswith("share")


def test_a_verb_after_the_figure_leaves_its_noun() -> None:
    f = _facts("市财政每年安排10亿元设立专项资金。")["10亿元"]
    assert f.what == "专项资金" and f.what_en == "special fund"


def test_a_parks_firms_keep_the_park() -> None:
    f = _facts("目前，园区已集聚生物医药企业2300余家。")["2300家"]
    assert f.what == "园区生物医药企业" and "park" in f.what_en


def test_firms_counted_in_a_chain_are_the_chains() -> None:
    f = _facts("全市生物医药产业链现有近90家企业，其中规上企业40家。")["90家"]
    assert f.what == "生物医药产业链企业"


# ------------------------------------------------------------ what the firms do


def test_firms_preparing_to_list_and_helped_to_list_differ() -> None:
    got = _facts("区内另有12家企业处于拟上市阶段，今年已推动3家企业上市。")
    assert got["12家"].what == "拟上市企业" and "preparing to list" in got["12家"].what_en
    assert (
        got["3家"].what == "推动上市的企业" and got["3家"].what_en == "enterprises helped to list"
    )


def test_a_saving_is_not_the_costs() -> None:
    f = _facts("新模式为40余家企业节省物流费用约15%。")["15%"]
    assert f.what == "物流费用节约" and f.what_en.startswith("savings")


def test_a_share_or_a_change_with_no_measure_of_its_own_takes_the_one_before() -> None:
    got = _facts("全市新能源汽车保有量突破50万辆，占汽车总量的18%。")
    assert got["18%"].what == "新能源汽车保有量占汽车总量" and got["18%"].what_en.startswith(
        "share"
    )
    got = _facts("其中，产值超亿元企业达到56家，比上年增加12家。")
    assert got["12家"].what == "产值达标企业增加"
    assert got["12家"].what_en == "increase in enterprises meeting the output value bar"


def test_higher_than_the_average_is_compared_with_its_measure() -> None:
    got = _facts("全市新材料企业研发投入强度达到3.2%，高于全市平均水平0.8个百分点。")
    f = got["0.8个百分点"]
    assert f.what == "新材料企业研发投入强度高于全市平均水平"
    assert f.what_en.startswith("R&D intensity (higher than the city average")


def test_a_lower_price_is_compared_with_its_measure() -> None:
    got = _facts("当地数据中心平均电价约0.35元/千瓦时，较东部地区低约三成。")
    f = got["三成"]
    assert "平均电价" in f.what and "lower than eastern region" in f.what_en


# ------------------------------------------------------------ no pronoun, no fragment


def test_a_count_out_of_a_group_is_not_labelled_with_a_pronoun() -> None:
    f = _facts("全球前十的医疗器械企业中有6家在此设立生产基地。")["6家"]
    assert f.what not in PRONOUNS and "医疗器械企业" in f.what
    assert not _placeholder(f)


def test_a_count_out_of_a_demonstrative_group_says_what_they_do() -> None:
    f = _facts("这些企业中有8家已在科创板上市。")["8家"]
    assert f.what == "科创板上市的企业" and f.what_en == "enterprises (listed on the STAR Market)"


def test_words_are_not_cut_inside() -> None:
    got = _facts("新区已集聚集成电路设计企业80余家，从业人员超过2万人。")
    assert got["80家"].what == "新区集成电路设计企业"  # not 成电路…: 聚集 is no verb across 集聚|集成
    assert got["2万人"].what == "从业人员" and got["2万人"].what_en == "employees"
    f = _facts("到2026年，打造5个工业互联网行业应用示范。")["5个"]
    assert f.what == "工业互联网行业应用示范"  # no known noun: kept whole, not cut at 10


def test_target_words_and_hedges_leave_the_label() -> None:
    got = _facts("到2026年，高新区力争集成电路产值突破800亿元，培育营收过百亿元企业2家。")
    assert got["800亿元"].what == "高新区集成电路产值"
    assert not got["百亿元"].what.endswith(("过", "超"))


def test_a_milestone_word_takes_the_measure_crossed() -> None:
    got = _facts("2023年，光谷生物城实现营业收入1086亿元，首次跨上千亿级台阶。")
    assert got["千亿级"].what == got["1086亿元"].what == "光谷生物城营业收入"


def test_a_planned_investment_keeps_its_noun() -> None:
    f = _facts("今年计划实施重点项目120项，年度计划投资约210亿元。")["210亿元"]
    assert f.what == "年度计划投资"


# ------------------------------------------------------------ ranks and items


def test_a_rank_move_is_places_in_a_ranking_and_items_are_items() -> None:
    got = _facts("2023年，无锡集成电路产业综合实力排名较上年提升3位，突破29项核心技术。")
    move = got["3位"]
    assert move.what.endswith("排名上升") and move.what_en.startswith("places up in the ranking")
    assert "people" not in move.value_en
    assert got["29项"].value_en == "over 29 items" and got["29项"].what == "核心技术"


# ------------------------------------------------------------ built briefs

INDUSTRIES = {
    "biomedicine": range(100, 106),
    "nev": range(106, 112),
    "ic": range(112, 118),
    "lowalt": range(118, 124),
}


@pytest.fixture(scope="module")
def briefs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Extractive briefs of examples, seeds and each dev industry (about a second each)."""
    out: dict[str, object] = {"examples": build_brief(EXAMPLES)}
    if (SHARED / "seeds").is_dir():
        out["seeds"] = build_brief(SHARED / "seeds")
    if (SHARED / "dev").is_dir():
        for name, numbers in INDUSTRIES.items():
            src = tmp_path_factory.mktemp(name)
            for f in sorted((SHARED / "dev").iterdir()):
                if f.name[:3].isdigit() and int(f.name[:3]) in numbers:
                    shutil.copyfile(f, src / f.name)
            out[name] = build_brief(src)
    return out


def test_no_placeholder_empty_or_pronoun_label_in_any_brief(briefs: dict[str, object]) -> None:
    bad = []
    count = 0
    for name, brief in briefs.items():
        for article in brief.articles:  # type: ignore[attr-defined]
            for f in article.facts:
                count += 1
                what = f.what.strip()
                if not what or len(what) < 2 or what in PRONOUNS or _placeholder(f):
                    bad.append((name, f.value + f.unit, f.what, f.what_en))
                if not f.what_en.strip():
                    bad.append((name, f.value + f.unit, f.what, "no English"))
    assert count > 50 and bad == []


def test_caps_in_the_briefs_say_cap(briefs: dict[str, object]) -> None:
    """Every 最高 figure (a subsidy or reward cap) reads as a cap in both languages."""
    caps = [
        f
        for brief in briefs.values()
        for a in brief.articles  # type: ignore[attr-defined]
        for f in a.facts
        if f.at is not None and "最高" in f.sentence[max(0, f.at - 8) : f.at]
    ]
    if not (SHARED / "dev").is_dir():
        pytest.skip("../shared/corpus absent")
    assert caps and all(
        f.what.endswith("上限") and " cap" in f.what_en or f.what_en.startswith("cap") for f in caps
    )
