"""The one number parser: Chinese and English spellings, equality, English output."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefgen.text.numbers import (
    cn_to_number,
    find_quantities,
    find_years,
    format_en,
    parse_quantity,
    quantity_in_text,
    same_quantity,
)


def one(text: str):  # type: ignore[no-untyped-def]
    qs = find_quantities(text)
    assert len(qs) == 1, (text, qs)
    return qs[0]


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("全市实现产值462.2亿元", 4.622e10, "CNY", None),
        ("规划面积约44平方公里", 44.0, "km2", "approx"),
        ("总投资超1200亿元", 1.2e11, "CNY", "over"),
        ("提供近50亿元融资", 5e9, "CNY", "nearly"),
        ("培育不少于2家", 2.0, "家", "at least"),
        ("集聚200家以上企业", 200.0, "家", "over"),
        ("同比增长15%", 15.0, "%", None),
        ("增长百分之十五", 15.0, "%", None),
        ("吸纳1.2万人就业", 12000.0, "人", None),
        ("流转2万亩土地", 20000.0, "mu", None),
        ("十七家医院", 17.0, "家", None),
        ("一百亿元基金", 1e10, "CNY", None),
        ("两千人", 2000.0, "人", None),
        ("超百亿元", 1e10, "CNY", "over"),
        ("30多家企业", 30.0, "家", "over"),
        ("100多亿元", 1e10, "CNY", "over"),
        ("CNY 46.22 billion", 4.622e10, "CNY", None),
        ("RMB 100 billion", 1e11, "CNY", None),
        ("46.22 billion yuan", 4.622e10, "CNY", None),
        ("about 44 km²", 44.0, "km2", "approx"),
        ("44 sq km", 44.0, "km2", None),
        ("over 7,000 people", 7000.0, "人", "over"),
        ("1.2 million", 1.2e6, "", None),
    ],
)
def test_parses_value_unit_and_qualifier(
    text: str, value: float, unit: str, qualifier: str | None
) -> None:
    q = one(text)
    assert q.value == pytest.approx(value)
    assert (q.unit, q.qualifier) == (unit, qualifier)
    assert text[q.start : q.end] == q.raw


@pytest.mark.parametrize("text", ["新建设3-5家实验室", "3～5家", "三至五家", "3 to 5 labs"])
def test_ranges_keep_both_ends(text: str) -> None:
    q = one(text)
    assert (q.low, q.high, q.value) == (3.0, 5.0, 3.0)


def test_fractions_are_ratios() -> None:
    a, b = one("占全国的 1/7"), one("占全国的七分之一")
    assert a.unit == b.unit == "ratio"
    assert a.value == pytest.approx(1 / 7)
    assert same_quantity(a, b)


@pytest.mark.parametrize(
    "text",
    ["2025年", "力争到2025年", "行动计划(2023—2025年)", "6月10日至12日", "于2022年04月04日发表",
     "2022-08-28", "热线0755-8882 8155", "COVID-19", "5G网络", "第十二届大会", "一个重要方向", "in 2022"],
)  # fmt: skip
def test_years_dates_codes_are_not_quantities(text: str) -> None:
    assert find_quantities(text) == []


def test_find_years_reports_years_and_ranges() -> None:
    assert [y for y, _, _ in find_years("到2025年，(2023—2025年)")] == [2025, 2023, 2025]


def test_written_forms_are_kept_for_facts() -> None:
    q = one("全市2022年累计实现产值462.2亿元")
    assert (q.number, q.unit_raw) == ("462.2", "亿元")
    q = one("用好100亿广州生物医药产业投资基金")
    assert (q.number, q.unit_raw, q.value) == ("100", "亿", 1e10)


def test_chinese_numerals() -> None:
    assert cn_to_number("十七") == 17
    assert cn_to_number("两千零五") == 2005
    assert cn_to_number("一百亿") == 1e10
    assert cn_to_number("三万五千") == 35000
    assert cn_to_number("十五点五") == 15.5


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("462.2亿元", "CNY 46.22 billion"),
        ("1200亿元", "CNY 120 billion"),
        ("约44平方公里", "44 km²"),
        ("百分之十五", "15 percent"),
        ("3-5家", "3-5"),
        ("7000人", "7,000 people"),
        ("1.2万人", "12,000"),
        ("100亿", "CNY 10 billion"),
        ("462.2亿元", "CNY 46.2 billion"),  # rounded, still the same figure
    ],
)
def test_zh_and_en_spellings_agree(zh: str, en: str) -> None:
    assert same_quantity(one(zh), one(en))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("462.2亿元", "CNY 4.622 billion"),
        ("462.2亿元", "CNY 47 billion"),
        ("3-5家", "5家"),
        ("3-5家", "3-6家"),
        ("15%", "15平方公里"),
        ("44平方公里", "44亩"),
        ("50亿元", "50亿美元"),
    ],
)
def test_different_figures_differ(a: str, b: str) -> None:
    assert not same_quantity(one(a), one(b))


def test_quantity_in_text_across_languages() -> None:
    text = "全市2022年医药健康产业集群累计实现产值462.2亿元，其中规模以上企业约167家。"
    assert quantity_in_text(one("CNY 46.22 billion"), text)
    assert quantity_in_text(one("167 firms"), text)
    assert not quantity_in_text(one("CNY 46.23 billion"), text)


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("462.2亿元", "CNY 46.22 billion"),
        ("1200亿元", "CNY 120 billion"),
        ("约44平方公里", "about 44 km²"),
        ("超1000亿元", "over CNY 100 billion"),
        ("5.3亿美元", "USD 530 million"),
        ("1/7", "1/7"),
        ("3～5家", "3-5"),
        ("7000人", "7,000 people"),
        ("76亩", "76 mu"),
    ],
)
def test_format_en(zh: str, en: str) -> None:
    assert format_en(one(zh)) == en


@given(
    st.decimals(
        min_value="0.01", max_value="99999", places=2, allow_nan=False, allow_infinity=False
    ),
    st.sampled_from(["亿元", "万元", "平方公里", "亩", "%", "万人"]),
)
def test_english_rendering_round_trips(number: object, unit: str) -> None:
    zh = f"{number}{unit}"
    q = parse_quantity(zh)
    assert q is not None
    back = parse_quantity(format_en(q))
    assert back is not None, format_en(q)
    assert same_quantity(q, back), (zh, format_en(q))


@given(st.integers(min_value=2, max_value=10**7))
def test_plain_counts_match_with_or_without_counter(n: int) -> None:
    assert same_quantity(one(f"共有{n}家企业"), one(f"{n:,} companies"))


def test_english_prose_yields_only_its_figures() -> None:
    text = (
        "The 14th Five-Year Plan (2021-2025) sets a three-year plan: over RMB100bn and 7.5% growth."
    )
    assert [(q.unit, q.value) for q in find_quantities(text)] == [("CNY", 1e11), ("%", 7.5)]


@pytest.mark.parametrize(
    ("en", "zh"),
    [
        ("a 100-billion-yuan industry", "1000亿元"),
        ("one-seventh of the province", "1/7"),
        ("two-thirds of output", "三分之二"),
        ("one in three firms", "三分之一"),
        ("a CNY 100 billion-level cluster", "千亿级产业集群"),
    ],
)
def test_english_forms_models_write_match_the_chinese_figure(en: str, zh: str) -> None:
    (q_en,) = find_quantities(en)
    q_zh = find_quantities(zh)[0]
    assert same_quantity(q_en, q_zh)


def test_hyphens_do_not_make_figures_of_codes_or_ranges() -> None:
    assert [q.raw for q in find_quantities("COVID-19 vaccines, 3-5家, a first-quarter report")] == [
        "3-5家"
    ]


def test_magnitude_label_reads_as_written_and_as_an_approximate_amount() -> None:
    q = find_quantities("打造千亿级产业集群")[0]
    assert (q.number + q.unit_raw, q.unit, q.qualifier, q.value) == (
        "千亿级",
        "CNY",
        "approx",
        1e11,
    )


@pytest.mark.parametrize(
    ("en", "zh"),
    [
        ("output is set to double by 2025", "到2025年产值实现翻番"),
        ("revenue doubled", "营业收入增长了一倍"),
        ("revenue doubled", "营业收入增长1倍"),
        ("a tenfold rise", "增长10倍"),
        ("a 10-fold rise", "增长10倍"),
        ("output quadrupled", "产值翻了两番"),
        ("doubling the number of firms", "企业数量倍增"),
    ],
)
def test_multiples_written_as_words_match_the_chinese(en: str, zh: str) -> None:
    (q,) = [q for q in find_quantities(en) if q.unit == "x"]
    assert quantity_in_text(q, zh)


def test_multiples_are_checked_not_skipped() -> None:
    assert not quantity_in_text(one("output tripled"), "产值实现翻番")
    assert not quantity_in_text(one("a 10-fold rise"), "增长了3倍")


def test_double_as_an_adjective_is_not_a_multiple() -> None:
    for text in ("double first-class universities", "double-digit growth", "a double carbon goal"):
        assert find_quantities(text) == []


def test_a_text_is_parsed_once_and_callers_cannot_change_the_cached_result() -> None:
    from briefgen.text.numbers import parse_cache_info

    text = "缓存测试：全区实现营收318.6亿元，企业96家。"
    first = find_quantities(text)
    hits, misses = parse_cache_info()
    first.clear()  # a caller filtering its own list in place
    again = find_quantities(text)
    assert [q.raw for q in again] == ["318.6亿元", "96家"]
    assert parse_cache_info() == (hits + 1, misses)
    assert quantity_in_text(again[0], text) and parse_cache_info()[1] == misses


def test_english_dates_are_days_not_quantities() -> None:
    assert find_quantities("On 20 June, from 10 to 12 June and on November 19, 2023") == []
    assert [y for y, _, _ in find_years("It opened in 2022.")] == [2022]


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("近八成", "nearly four-fifths"),
        ("四成", "40%"),
        ("逾五成", "more than half"),
        ("一半", "half"),
        ("前20位", "top 20"),
        ("前三甲", "top three"),
        ("百强", "top 100"),
        ("百余位", "more than a hundred"),
        ("超过千家", "more than a thousand"),
        ("超万亩", "over 10,000 mu"),
        ("百亿级", "ten-billion-yuan"),
        ("超过800 亿元", "over CNY 80 billion"),
        ("1200P", "1,200 PFLOPS"),
        ("74.6万辆", "746,000 vehicles"),
        ("110GWh", "110 GWh"),
        ("12.69万平方米", "126,900 m2"),
        ("举办16届", "held 16 times"),
    ],
)
def test_both_languages_read_to_the_same_figure(zh: str, en: str) -> None:
    a, b = one(zh), one(en)
    assert same_quantity(a, b), (a, b)


def test_a_rank_move_is_places_moved_not_people() -> None:
    (q,) = find_quantities("排名上升1位")
    assert (q.number, q.unit) == ("1", "rank_up")  # not 1 person
    (q,) = find_quantities("综合实力名次下降两名")
    assert (q.value, q.unit) == (2.0, "rank_down")
    assert not same_quantity(one("排名上升1位"), one("排名上升2位"))
    assert one("来自海内外20余位院士专家").unit == "人"  # 位 after a noun of people still counts people


def test_counted_items_say_items_in_english() -> None:
    assert format_en(one("突破29项核心技术")) == "over 29 items"
    assert format_en(one("启动研发计划1项")) == "1 item"


def test_first_half_is_not_a_figure() -> None:
    assert find_quantities("in the first half of the year") == []


def test_a_place_in_a_ranking_reads_the_same_in_both_languages() -> None:
    assert same_quantity(one("数量位列全国第三"), one("ranks third nationally"))
    assert not same_quantity(one("位居全国第四"), one("ranks third"))
    assert find_quantities("第十二届中国生物产业大会") == []  # an edition, not a rank
