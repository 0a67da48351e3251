"""Metadata: dates, source, author and the cities an article is about."""

from __future__ import annotations

import pytest

from briefgen.core.types import Cleaned, RawFile
from briefgen.corpus.clean import clean
from briefgen.corpus.metadata import extract, load_cities, parse_date, rank_cities


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2022年04月04日", "2022-04-04"),
        ("2022年4月4日", "2022-04-04"),
        ("2022-08-28", "2022-08-28"),
        ("2022/8/28", "2022-08-28"),
        ("2022.08.28", "2022-08-28"),
        ("发布时间:2022-08-28 10:00", "2022-08-28"),
        ("Admin 于2022年04月04日发表", "2022-04-04"),
        ("2024-05-17T10:00:00+08:00", "2024-05-17"),
    ],
)
def test_parse_date_forms(text: str, iso: str) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["日期:", "2022年13月40日", "第十二届大会", "", None])
def test_parse_date_none(text: str | None) -> None:
    assert parse_date(text) is None


def _meta(lines: list[str], kind: str = "txt") -> tuple[Cleaned, object]:
    raw = RawFile("a.txt", kind, "\n".join(lines), "utf-8")  # type: ignore[arg-type]
    c = clean(raw)
    return c, extract(c, raw)


BODY = [
    "近日，成都市印发《生物医药产业发展规划》，提出到2025年成都生物医药产业规模突破2000亿元。",
    "规划提出，成都将以天府国际生物城为核心，加快建设创新药和高端医疗器械产业集群，对标上海、苏州等先进城市。",
    "成都高新区将设立产业基金，支持企业开展临床研究，培育一批龙头企业和专精特新企业。",
    "下一步，成都将完善人才政策，推动产业链上下游协同发展，打造具有全国影响力的生物医药产业高地。",
]


def test_full_header_gives_date_source_author() -> None:
    _, m = _meta(["成都发布生物医药产业发展规划", "时间：2023年6月1日 来源：成都日报 作者：王芳", *BODY])
    assert (m.date, m.source, m.author) == ("2023-06-01", "成都日报", "王芳")  # type: ignore[attr-defined]


def test_no_date_on_page_gives_none_even_with_dated_related_items() -> None:
    _, m = _meta(["成都发布生物医药产业发展规划", "来源：成都日报", *BODY, "相关阅读",
                  "• 2023年11月24日，某地举办秋季马拉松比赛，吸引两万名跑者参加。"])
    assert m.date is None  # type: ignore[attr-defined]


def test_byline_at_end_and_standalone_source_line_wins() -> None:
    _, m = _meta(["成都发布生物医药产业发展规划", "日期： 来源：某聚合网收集", *BODY, "文 | 记者 李雷 通讯员 韩梅",
                  "来源 | 四川日报·川观新闻"])
    assert m.source == "四川日报·川观新闻"  # type: ignore[attr-defined]
    assert m.author == "李雷"  # type: ignore[attr-defined]


def test_source_from_lead_sentence() -> None:
    body = ["据新华社报道，" + BODY[0], *BODY[1:]]
    _, m = _meta(["成都发布生物医药产业发展规划", "2023-06-01", *body])
    assert m.source == "新华社"  # type: ignore[attr-defined]


def test_empty_fields_are_none() -> None:
    _, m = _meta(["成都发布生物医药产业发展规划", "作者:    来源:    发布时间:2022-08-28", *BODY])
    assert (m.source, m.author, m.date) == (None, None, "2022-08-28")  # type: ignore[attr-defined]


def test_cities_drop_passing_mentions() -> None:
    _, m = _meta(["成都发布生物医药产业发展规划", "来源：成都日报", *BODY])
    assert m.cities == ["成都"]  # type: ignore[attr-defined]


def test_two_city_article_keeps_both_in_order() -> None:
    body = ["广州市和佛山市联合发布广佛生物医药产业协同发展方案，广州负责研发，佛山负责制造。",
            "广州将发挥科研优势，佛山将发挥制造优势，广州和佛山共建产业园。",
            "方案提出，到2025年，佛山医药产值突破1000亿元，广州生物医药产业营收突破3000亿元。"]
    assert rank_cities("广佛联手发展生物医药 广州佛山共建产业园", body) == ["广州", "佛山"]


def test_counterpart_and_ordinary_words_are_not_subjects() -> None:
    body = ["中山将与深圳同向发力，中山健康基地集团对标深圳，推动中山健康产业发展。",
            "中山市将打造朝阳产业，孙中山故居所在地翠亨新区将建设中山健康小镇。",
            "中山火炬开发区集聚企业400家，中山大学团队已落户。"]
    assert rank_cities("与深圳同向发力，推动大健康产业发展", body) == ["中山"]


def test_zone_names_count_for_their_city() -> None:
    assert rank_cities("天府新区建设生物医药产业园", ["天府新区将建设生物医药产业园，天府新区管委会表示将加大投入。"]) == ["成都"]


def test_gazetteer_has_all_prefectures() -> None:
    cities = load_cities()
    assert len(cities) >= 330
    assert cities["泰安"].en == "Tai'an" and cities["呼和浩特"].en == "Hohhot"
    assert all("市" not in name for name in cities)


def test_html_markup_date_wins() -> None:
    html = ("<html><head><title>成都发布规划</title><meta name='PubDate' content='2023-06-01 10:00'></head>"
            "<body><h1>成都发布规划</h1>" + "".join(f"<p>{p}</p>" for p in BODY) + "</body></html>")
    raw = RawFile("a.html", "html", html, "utf-8")
    m = extract(clean(raw), raw)
    assert m.date == "2023-06-01"
    assert m.title == "成都发布规划"
