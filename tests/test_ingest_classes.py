"""Issue 12: classes of trouble seen on real scraped pages, each on a small page written here.

Each test builds a page with one kind of trouble (front matter, a date form, an outlet
written some way, a site suffix on the title ...) around the same short article and
checks what ``briefgen ingest`` reads from it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefgen.core.types import Document
from briefgen.corpus.ingest import corpus_to_json, ingest
from briefgen.text.dates import dateline, parse_any_date, text_years, url_date, years_apart

BODY = [
    "记者近日从市发展改革委获悉，去年全市智能网联汽车产业实现产值412亿元，同比增长18.6%，产业规模再创新高。",
    "目前，全市已集聚智能网联汽车上下游企业260余家，开放测试道路总里程超过900公里，建成智能化路口300个。",
    "根据新出台的行动方案，到2027年全市智能网联汽车产业产值力争突破800亿元，培育营收超百亿元企业3家。",
    "市发展改革委有关负责人表示，将持续完善测试示范环境，推动更多应用场景向企业开放，支持企业加快技术迭代。",
]
TITLE = "智能网联汽车产业产值突破四百亿元"


def _one(tmp_path: Path, name: str, text: str) -> Document:
    (tmp_path / name).write_text(text, encoding="utf-8")
    corpus = ingest(tmp_path, workers=1)
    assert len(corpus.documents) == 1, corpus.skipped
    return corpus.documents[0]


def _html_body(title: str = TITLE, meta: str = "") -> str:
    paras = "\n".join(f"<p>{p}</p>" for p in BODY)
    return f'<div class="main"><h1>{title}</h1>\n{meta}\n<div class="content">\n{paras}\n</div></div>\n'


# ------------------------------------------------------------ front matter


def test_front_matter_is_metadata_and_html_body_goes_through_the_html_path(tmp_path: Path) -> None:
    page = (
        "---\n"
        f'title: "{TITLE} - 车城在线"\n'
        "date: 2024-06-03T08:00:00+08:00\n"
        "author: 都市日报记者 王平\n"
        "categories:\n  - 汽车\n  - 科技\n"
        "source: 都市日报\n"
        "crawled_at: 2024-07-01 03:17:44\n"
        "---\n\n" + _html_body()
    )
    doc = _one(tmp_path, "a.md", page)
    assert doc.title == TITLE
    assert doc.date == "2024-06-03" and doc.provenance["date"] == "front-matter"
    assert doc.source == "都市日报" and doc.provenance["source"] == "front-matter"
    assert doc.author == "王平"
    assert doc.text.split("\n") == BODY
    assert "crawled_at" not in doc.text and "<p>" not in doc.text and "categories" not in doc.text


def test_front_matter_title_with_site_suffix_in_a_txt_file(tmp_path: Path) -> None:
    page = f"---\ntitle: '{TITLE} | 汽车产业观察'\ndate: Mon, 03 Jun 2024 02:30:00 GMT\n---\n" + "\n".join(BODY)
    doc = _one(tmp_path, "b.txt", page)
    assert doc.title == TITLE and doc.provenance["title"] == "front-matter"
    assert doc.date == "2024-06-03"
    assert doc.text.split("\n") == BODY


def test_html_inside_a_txt_file_without_front_matter(tmp_path: Path) -> None:
    doc = _one(tmp_path, "c.txt", _html_body(meta="<p>2024-06-03 来源：都市日报</p>"))
    assert doc.title == TITLE
    assert doc.text.split("\n") == BODY
    assert doc.date == "2024-06-03" and doc.source == "都市日报"


def test_a_markdown_rule_is_not_front_matter() -> None:
    from briefgen.corpus.page import split_front_matter

    text = "---\n\n某市发布新政策。\n---\n正文"
    assert split_front_matter(text) == ({}, text)


# ------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Thu, 09 Dec 2021 08:57:09 GMT", "2021-12-09"),
        ("December 9, 2021", "2021-12-09"),
        ("2024/3/5", "2024-03-05"),
        ("2024年3月5日", "2024-03-05"),
        ("来源:合肥晚报 2019-08-13 00:44", "2019-08-13"),
        ("产业快讯 1916条 2021-09-29 16:17", "2021-09-29"),
    ],
)
def test_date_forms(text: str, iso: str) -> None:
    assert parse_any_date(text) == iso


def test_url_and_dateline_parts() -> None:
    assert url_date("http://www.example.cn/jj/202405/t20240516_3387612.shtml") == "2024-05-16"
    assert url_date("https://news.example.cn/2023/1120/wh_88213.html") == "2023-11-20"
    assert url_date("https://example.cn/about.html") is None
    assert dateline("新华社合肥3月5日电（记者 某某）近日……") == ("新华社", "合肥", 3, 5)
    assert dateline("中新网上海10月9日电 记者……")[:2] == ("中新网", "上海")  # type: ignore[index]
    assert dateline("3月5日，记者从……") is None


def test_target_years_are_not_reported_years() -> None:
    assert text_years("2023年全市产值412亿元，到2027年力争突破800亿元，《方案（2024—2026年）》") == [2023]
    assert years_apart("2011-05-01", [2023, 2023])
    assert not years_apart("2024-05-01", [2023, 2007])


def test_meta_tag_date_is_high_confidence(tmp_path: Path) -> None:
    head = '<html><head><meta name="PubDate" content="2024-06-03 10:00"></head><body>'
    doc = _one(tmp_path, "d.html", head + _html_body() + "</body></html>")
    assert doc.date == "2024-06-03" and doc.provenance["date"] == "meta" and doc.date_confidence == "high"


def test_json_ld_date_read_by_htmldate(tmp_path: Path) -> None:
    head = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2024-06-03T07:45:00+08:00"}</script></head><body>'
    )
    doc = _one(tmp_path, "e.html", head + _html_body() + "</body></html>")
    assert doc.date == "2024-06-03" and doc.provenance["date"] == "meta"


def test_dateline_takes_its_year_from_the_copyright_line_and_says_it_is_unsure(tmp_path: Path) -> None:
    lines = [TITLE, "新华社某城6月3日电（记者 王平）" + BODY[0], *BODY[1:], "某某网 版权所有 Copyright © 2015-2024"]
    doc = _one(tmp_path, "f.txt", "\n".join(lines))
    assert doc.date == "2024-06-03" and doc.provenance["date"] == "dateline"
    assert doc.date_confidence == "low"
    assert any("uncertain" in w for w in doc.warnings)


def test_date_only_in_a_footer_url(tmp_path: Path) -> None:
    lines = [TITLE, *BODY, "本文地址：http://www.example.cn/qc/202406/t20240603_1234567.shtml"]
    doc = _one(tmp_path, "g.txt", "\n".join(lines))
    assert doc.date == "2024-06-03" and doc.provenance["date"] == "url"
    assert "本文地址" not in doc.text


def test_a_date_years_before_the_reported_years_is_flagged(tmp_path: Path) -> None:
    lines = [TITLE, "发布时间：2011-05-01 来源：都市日报", "2023年，" + BODY[0], *BODY[1:]]
    doc = _one(tmp_path, "h.txt", "\n".join(lines))
    assert doc.date == "2011-05-01" and doc.date_confidence == "low"
    assert any("years apart" in w for w in doc.warnings)


def test_no_date_anywhere_is_none(tmp_path: Path) -> None:
    doc = _one(tmp_path, "i.txt", "\n".join([TITLE, *BODY]))
    assert doc.date is None and doc.provenance["date"] is None and doc.date_confidence is None


# ----------------------------------------------------------- provenance


def test_ingest_json_reports_provenance(tmp_path: Path) -> None:
    page = f"---\ntitle: {TITLE}\ndate: 2024/6/3\nsource: 都市日报\n---\n" + "\n".join(BODY)
    (tmp_path / "j.md").write_text(page, encoding="utf-8")
    data = json.loads(json.dumps(corpus_to_json(ingest(tmp_path, workers=1))))
    prov = data["documents"][0]["provenance"]
    assert prov["date"] == "front-matter" and prov["title"] == "front-matter" and prov["source"] == "front-matter"
    assert data["documents"][0]["date_confidence"] == "high"
