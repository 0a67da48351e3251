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


# ------------------------------------------------------------- source


@pytest.mark.parametrize(
    ("meta_line", "source"),
    [
        ("来源：都市日报 2019-08-13 00:44", "都市日报"),
        ("文章来源: 都市日报    作者: 王平    点击数: 1,208", "都市日报"),
        ("2024年6月3日 都市日报 本报记者 王平", "都市日报"),
        ("都市晚报 · 2024/6/3 10:03 · 阅读 5632", "都市晚报"),
        ("2024-06-03 08:30 来源：都市日报 e3b7a91f5c2d48a6b0f4c9d1a7e26b58", "都市日报"),
        ("【来源：都市日报】【作者：王平】【时间：2024年6月3日】", "都市日报"),
        ("都市日报记者 王平 2024年06月03日 10:20", "都市日报"),
        ("来源：《都市日报》 2024-06-03", "都市日报"),
        ("2024-06-03 10:20 | 来源：都市日报 | 作者：王平 | 浏览：123次", "都市日报"),
    ],
)
def test_outlet_written_in_a_date_line(tmp_path: Path, meta_line: str, source: str) -> None:
    doc = _one(tmp_path, "s.txt", "\n".join([TITLE, meta_line, *BODY]))
    assert doc.source == source
    assert doc.date in ("2024-06-03", "2019-08-13") or "点击数" in meta_line
    assert doc.text.split("\n") == BODY
    assert "e3b7a91f" not in doc.text and "5632" not in doc.text


def test_agency_dateline_is_the_source(tmp_path: Path) -> None:
    lines = [TITLE, "2024-06-03", "中新社某城6月3日电 " + BODY[0], *BODY[1:]]
    doc = _one(tmp_path, "t.txt", "\n".join(lines))
    assert doc.source == "中新社" and doc.provenance["source"] == "dateline"


def test_spam_word_glued_to_a_label_is_not_a_source(tmp_path: Path) -> None:
    lines = [TITLE, "发布时间：2024-06-03 来源：大发黄金版参与互动", *BODY]
    doc = _one(tmp_path, "u.txt", "\n".join(lines))
    assert doc.source is None


# ------------------------------------------------------------------ titles


@pytest.mark.parametrize(
    "written",
    [f"{TITLE}_某某新闻网", f"{TITLE} | 产业观察", f"{TITLE} - 车城在线", f"title: '{TITLE}'", f"大发快三{TITLE}"],
)
def test_title_without_suffix_label_or_spam(written: str) -> None:
    from briefgen.corpus.titles import tidy_title

    assert tidy_title(written) == TITLE


def test_a_title_with_a_dash_inside_is_kept() -> None:
    from briefgen.corpus.titles import tidy_title

    assert tidy_title("某市发布2024—2026年智能网联汽车产业行动方案") == "某市发布2024—2026年智能网联汽车产业行动方案"


# ------------------------------------------------------------------ cities


def test_our_city_named_only_by_the_outlet(tmp_path: Path) -> None:
    body = [p.replace("全市", "我市") for p in BODY]
    doc = _one(tmp_path, "v.txt", "\n".join([TITLE, "发布时间：2024-06-03 来源：泰州日报", *body]))
    assert doc.cities[:1] == ["泰州"] and doc.provenance["cities"] == "outlet"


def test_our_city_named_only_by_the_dateline(tmp_path: Path) -> None:
    lines = [TITLE, "新华社合肥6月3日电 " + BODY[0].replace("全市", "我市"), *BODY[1:]]
    doc = _one(tmp_path, "w.txt", "\n".join(lines))
    assert doc.cities[:1] == ["合肥"]


def test_zones_count_for_their_city() -> None:
    from briefgen.corpus.cities import rank_cities

    body = ["钱塘区新增智能网联汽车企业30家，钱塘区产值增长两成。", "钱塘区将建设测试道路。"]
    assert rank_cities("钱塘区智能网联汽车产业加速", body) == ["杭州"]
    assert rank_cities(None, ["东湖高新区生物企业超过4000家，东湖高新区营收增长。"]) == ["武汉"]


# ------------------------------------------------------------------- junk


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("产业园鸟瞰图", "caption"),
        ("某某产业园效果图 图片来源：某区管委会", "caption"),
        ("图｜测试道路一角 摄影｜王平", "caption"),
        ("预约热线：0755-8888 6666", "advert"),
        ("微信/手机:13512345678", "advert"),
        ("文章编号：9f2c4e71a8b3d605c3e0a7b2f14d8e96", "crawler-field"),
        ("crawled_at: 2024-07-01 03:17:44", "crawler-field"),
        ("本文地址：http://www.example.cn/qc/202406/t20240603_1.shtml", "crawler-field"),
        ("点击上方蓝字“某某观察”关注我们", "widget"),
        ("【字体：大 中 小】", "widget"),
        ("阅读 5632", "widget"),
        ("编辑：王平 审核：李明", "metadata"),
    ],
)
def test_junk_lines_are_dropped_with_a_reason(line: str, reason: str) -> None:
    from briefgen.core.types import RawFile
    from briefgen.corpus.clean import clean

    c = clean(RawFile("p.txt", "txt", "\n".join([TITLE, BODY[0], BODY[1], line, BODY[2], BODY[3]]), "utf-8"))
    assert (reason, line) in c.dropped
    assert c.lines == BODY


def test_a_sentence_with_a_phone_number_is_kept() -> None:
    from briefgen.corpus.rules import classify

    s = "据介绍，企业可通过政务服务平台在线申报补贴，也可拨打咨询电话0755-88886666了解政策细则，全年受理不设名额限制。"
    assert classify(s) is None


# ------------------------------------------------------------ body kept whole


def _cleaned(lines: list[str]):  # type: ignore[no-untyped-def]
    from briefgen.core.types import RawFile
    from briefgen.corpus.clean import clean

    return clean(RawFile("p.txt", "txt", "\n".join(lines), "utf-8"))


def test_a_spam_word_inside_a_paragraph_goes_and_the_paragraph_stays() -> None:
    spammed = BODY[3].replace("将持续", "将大发快三持续")
    c = _cleaned([TITLE, *BODY[:3], spammed])
    assert c.lines == BODY
    assert c.original_lines[-1] == BODY[3]
    assert any("spam word removed" in w for w in c.warnings)


def test_a_paragraph_stuffed_with_spam_is_dropped() -> None:
    stuffed = "在线观看高清无码福利视频，澳门新葡京百家乐老虎机，欢迎光临本站，注册即送大礼包，天天有惊喜不断。"
    c = _cleaned([TITLE, *BODY[:2], stuffed, *BODY[2:]])
    assert ("spam", stuffed) in c.dropped and c.lines == BODY


def test_an_appended_news_brief_on_another_topic_is_dropped() -> None:
    brief = "【简讯】某县第十届油菜花旅游文化节日前开幕，活动持续一个月，预计接待游客20万人次，带动乡村民宿和农家乐消费。"
    c = _cleaned([TITLE, *BODY, brief])
    assert c.lines == BODY
    assert any(line == brief for _, line in c.dropped)


def test_a_truncated_last_sentence_is_dropped_and_said() -> None:
    cut = BODY[3] + "下一步，该市将围绕车路协同等方向，加快引进一批"
    c = _cleaned([TITLE, *BODY[:3], cut])
    assert c.lines == BODY
    assert any("mid-sentence" in w for w in c.warnings)
    whole = _cleaned([TITLE, *BODY])
    assert not any("mid-sentence" in w for w in whole.warnings)


# --------------------------------------------------------- meaning unchanged


def test_simplified_text_passes_through_traditional_conversion_unchanged() -> None:
    from briefgen.text.script import to_simplified

    simplified = "全市5G网络覆盖率达到98%，覆盖所有乡镇，发展后劲十足。"
    assert to_simplified(simplified) == simplified  # OpenCC alone writes 复盖
    assert to_simplified("全市5G網絡覆蓋率達到98%，覆蓋所有鄉鎮。") == "全市5G网络覆盖率达到98%，覆盖所有乡镇。"


def test_a_traditional_page_is_read_simplified_and_quoted_as_written(tmp_path: Path) -> None:
    from briefgen.text.script import to_simplified

    trad = ["智能網聯汽車產業產值突破四百億元", "記者近日從市發展改革委獲悉，去年全市智能網聯汽車產業實現產值412億元，同比增長18.6%，產業規模再創新高。"]
    c = _cleaned(trad)
    assert c.title == to_simplified(trad[0]) and c.lines == [to_simplified(trad[1])]
    assert c.original_lines == [trad[1]]


def test_spaces_inside_figures_are_closed_and_dates_keep_theirs() -> None:
    from briefgen.text.script import normalise

    assert normalise("产值过 10 亿元，新增 2000 万元投资，2024 年投产") == "产值过10亿元，新增2000万元投资，2024年投产"
    assert normalise("来源：某报 2019-08-13 00:44 阅读 5632") == "来源：某报 2019-08-13 00:44 阅读 5632"


def test_unfenced_front_matter_lines_are_metadata(tmp_path: Path) -> None:
    page = f"title: '{TITLE}'\ndate: 2024-06-03\nsource: 都市日报\n\n" + "\n".join(BODY)
    doc = _one(tmp_path, "k.txt", page)
    assert doc.title == TITLE and doc.date == "2024-06-03" and doc.source == "都市日报"
    assert doc.text.split("\n") == BODY


def test_app_promotion_lines_are_not_the_title(tmp_path: Path) -> None:
    doc = _one(tmp_path, "l.txt", "\n".join(["- 平台:安卓", "- 版本:v2.3.1", "下载APP 领红包", TITLE, *BODY]))
    assert doc.title == TITLE
    assert doc.text.split("\n") == BODY


def test_dates_of_related_items_in_the_markup_are_not_the_page_date(tmp_path: Path) -> None:
    side = '<ul class="related"><li><span class="date">2021-03-06</span><a href="/x">某县举办油菜花节</a></li></ul>'
    doc = _one(tmp_path, "m.html", "<html><head><title>x</title></head><body>" + _html_body() + side + "</body></html>")
    assert doc.date is None


def test_json_ld_in_the_body_counts_as_markup(tmp_path: Path) -> None:
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-06-03"}</script>'
    doc = _one(tmp_path, "n.html", "<html><body>" + ld + _html_body() + "</body></html>")
    assert doc.date == "2024-06-03" and doc.provenance["date"] == "meta"


def test_front_matter_with_chinese_keys_block_scalar_and_url_source(tmp_path: Path) -> None:
    page = (
        "---\n标题: >-\n  " + TITLE + "\n发布时间: 2024年6月3日\nsource: https://www.example.cn/a.html\n"
        "作者: 王平\n---\n" + "\n".join(BODY)
    )
    doc = _one(tmp_path, "o.md", page)
    assert doc.title == TITLE and doc.date == "2024-06-03"
    assert doc.source is None  # a URL is not an outlet


def test_html_dateline_year_from_the_saved_from_address(tmp_path: Path) -> None:
    head = "<!-- saved from url=(0052)https://news.example.cn/2024/0603/c1234-5678.html -->\n<html><body>"
    body = _html_body().replace(BODY[0], "新华社某城6月3日电 " + BODY[0])
    doc = _one(tmp_path, "p.html", head + body + "</body></html>")
    assert doc.date == "2024-06-03" and doc.provenance["date"] == "dateline" and doc.date_confidence == "medium"


def test_html_dateline_year_from_a_footer_trafilatura_leaves_out(tmp_path: Path) -> None:
    body = _html_body().replace(BODY[0], "新华社某城6月3日电 " + BODY[0])
    foot = '<div class="footer"><p>某某网 版权所有 Copyright © 2015-2024</p></div>'
    doc = _one(tmp_path, "q.html", "<html><body>" + body + foot + "</body></html>")
    assert doc.date == "2024-06-03" and doc.date_confidence == "low"


@pytest.mark.parametrize("line", ["视频加载中...", "点击图片查看原图", "您的浏览器不支持video标签"])
def test_player_and_app_widgets_are_dropped(line: str) -> None:
    from briefgen.corpus.rules import classify

    assert classify(line) == "widget"


def test_a_page_title_that_is_only_the_site_name_is_not_the_headline(tmp_path: Path) -> None:
    body = "<br><br>".join(BODY)
    page = (
        f"<html><head><title>车城产经网</title></head><body><div class='title'>{TITLE}</div>"
        f"<div class='info'>发布时间：2024-06-03 来源：都市日报</div><div class='content'>{body}</div></body></html>"
    )
    doc = _one(tmp_path, "r.html", page)
    assert doc.title == TITLE and doc.provenance["title"] == "text"
    assert doc.text.split("\n") == BODY


def test_wechat_page_date_from_its_script(tmp_path: Path) -> None:
    script = '<script>var nickname = "某某观察"; var ct = "1717372800";</script>'  # 2024-06-03 08:00 China time
    doc = _one(tmp_path, "s.html", "<html><head><title>x</title></head><body>" + script + _html_body() + "</body></html>")
    assert doc.date == "2024-06-03" and doc.provenance["date"] == "meta"


def test_front_matter_unix_time_is_read_in_china_time(tmp_path: Path) -> None:
    page = "---\ntitle: " + TITLE + "\ndate: 1717430400\n---\n" + "\n".join(BODY)  # 2024-06-03 16:00 UTC
    doc = _one(tmp_path, "t.md", page)
    assert doc.date == "2024-06-04"


def test_government_header_with_bracketed_buttons_is_metadata() -> None:
    from briefgen.corpus.rules import classify

    line = "发布时间：2024-06-03 来源：市发展改革委 【字体：大 中 小】 【我要打印】 【关闭窗口】"
    assert classify(line) == "metadata"


def test_wechat_account_is_the_outlet_not_the_platform(tmp_path: Path) -> None:
    head = '<html><head><title>x</title><meta property="og:site_name" content="微信公众平台"></head><body>'
    name = '<div><a id="js_name">某某产业观察</a></div>'
    doc = _one(tmp_path, "u.html", head + name + _html_body() + "</body></html>")
    assert doc.source == "某某产业观察"


def test_a_last_paragraph_that_only_lost_its_full_stop_is_kept_with_a_warning() -> None:
    last = BODY[3].rstrip("。")
    c = _cleaned([TITLE, *BODY[:3], last])
    assert c.lines == [*BODY[:3], last]
    assert any("no closing punctuation" in w for w in c.warnings)


def test_quanshi_in_a_story_about_another_city_does_not_bring_the_outlets_city() -> None:
    from briefgen.corpus.cities import with_home_city

    body = ["东莞全市新增智能网联汽车企业30家，东莞产值增长两成。"]
    assert with_home_city(["东莞"], "深圳", body) == ["东莞"]
    assert with_home_city(["东莞"], "深圳", ["我市企业赴东莞考察，东莞产值增长两成。"]) == ["深圳", "东莞"]
    assert with_home_city([], "泰州", ["全市新增企业30家。"]) == ["泰州"]


def test_counter_line_is_the_date_line(tmp_path: Path) -> None:
    doc = _one(tmp_path, "v2.txt", "\n".join([TITLE, "产业快讯 1916条 2021-09-29 16:17", *BODY]))
    assert doc.date == "2021-09-29" and doc.text.split("\n") == BODY


def test_a_sidebar_teaser_before_the_headline_is_not_the_title(tmp_path: Path) -> None:
    lines = ["热读：某县油菜花节吸引游客五万人次", "首页 > 汽车 > 正文", TITLE, "2024-06-03 来源：都市日报", *BODY]
    doc = _one(tmp_path, "w2.txt", "\n".join(lines))
    assert doc.title == TITLE and doc.text.split("\n") == BODY


def test_text_between_two_markdown_rules_is_not_taken_for_front_matter() -> None:
    from briefgen.corpus.page import split_front_matter

    text = "---\n记者：王平\n" + BODY[0] + "\n---\n" + BODY[1]
    assert split_front_matter(text) == ({}, text)


def test_front_matter_with_only_unknown_keys_is_still_dropped() -> None:
    from briefgen.corpus.page import split_front_matter

    assert split_front_matter("---\ncategories:\n  - 汽车\ncrawled_at: 2024-07-01\n---\n正文") == ({}, "正文")


def test_markdown_with_a_few_inline_images_stays_markdown(tmp_path: Path) -> None:
    img = '<img src="a.jpg" alt="">'
    page = "\n\n".join([f"# {TITLE}", BODY[0], img, BODY[1], img, BODY[2], img, BODY[3]])
    doc = _one(tmp_path, "x2.md", page)
    assert doc.title == TITLE and doc.text.split("\n") == BODY


def test_stray_tags_in_a_text_file_are_not_text(tmp_path: Path) -> None:
    lines = [TITLE, f'<font color="red">{BODY[0]}</font><br>', *BODY[1:]]
    doc = _one(tmp_path, "y2.txt", "\n".join(lines))
    assert doc.text.split("\n") == BODY


@pytest.mark.parametrize("label", ["消息来源", "转载自", "来源于", "内容来源"])
def test_more_source_labels(tmp_path: Path, label: str) -> None:
    doc = _one(tmp_path, "z2.txt", "\n".join([TITLE, f"2024-06-03 {label}：都市日报", *BODY]))
    assert doc.source == "都市日报" and doc.text.split("\n") == BODY
