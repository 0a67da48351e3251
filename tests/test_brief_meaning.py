"""What the brief means (issue 15, output side): each city's figures are its own, a cut
table says so, the scope line's counts add up, and one city is not "cross-city"."""

from __future__ import annotations

from pathlib import Path

from briefgen.core.types import (
    ArticleSummary,
    Cell,
    Comparison,
    Corpus,
    Dimension,
    Document,
    Excerpt,
    Fact,
    Usage,
)
from briefgen.engines.owner import fact_city
from briefgen.output.render import write_outputs
from briefgen.output.report import Brief

TWO_CITY = [
    "甲市今年新材料产业产值达到300亿元。",
    "乙市新材料企业已有120家，力争2027年产值突破500亿元。",
    "两地将共建新材料创新中心。此外，合作区企业共58家。",
]


def _doc(doc_id: str, cities: list[str], texts: list[str]) -> Document:
    excerpts = [Excerpt(f"{doc_id}:p{i}", doc_id, i, t, t, len(t)) for i, t in enumerate(texts, 1)]
    return Document(doc_id, f"{doc_id}.txt", "新材料", "2024-03-01", "日报", None, cities, "\n".join(texts), excerpts)


def _fact(doc: Document, n: int, value: str, unit: str, what: str, *, target: bool = False,
          year: int | None = None, year_source: str = "") -> Fact:  # fmt: skip
    text = doc.excerpts[n - 1].text
    sentence = next(s + "。" for s in text.split("。") if value in s)
    return Fact(value, unit, what, what, year, "scale", sentence, [doc.excerpts[n - 1].id],
                is_target=target, year_source=year_source, at=sentence.index(value))  # fmt: skip


def _brief(docs: list[Document], facts: dict[str, list[Fact]], cities: list[str]) -> Brief:
    dims = [Dimension("scale", "产业规模", "Industry scale", ("产值",))]
    arts = [ArticleSummary(d.id, d.title, None, d.date, d.source, d.cities, [], [], facts.get(d.id, []),
                           engine="extractive") for d in docs]  # fmt: skip
    cells = [Cell(c, "scale", "来源中未提及", "not found in sources", [], "not_found") for c in cities]
    return Brief(
        corpus=Corpus(docs, []), articles=arts, comparison=Comparison(cities, dims, cells), summary=[],
        usage=Usage(), settings={"hash": "h", "prompts_version": None}, engine="extractive", generated="2024-03-02",
        city_en={"甲市": "Jia", "乙市": "Yi", "丙市": "Bing"},
    )  # fmt: skip


def _section(md: str, heading: str) -> str:
    return md.split(f"\n## {heading}")[1].split("\n## ")[0]


def test_fact_city_reads_the_sentence_then_the_paragraph() -> None:
    doc = _doc("ab", ["甲市", "乙市"], TWO_CITY)
    by_index = {e.id: e for e in doc.excerpts}
    assert fact_city(_fact(doc, 1, "300", "亿元", "产值"), doc.cities) == "甲市"
    assert fact_city(_fact(doc, 2, "120", "家", "企业"), doc.cities) == "乙市"
    # the sentence names no city; the paragraph does not either: nobody's figure
    assert fact_city(_fact(doc, 3, "58", "家", "企业"), doc.cities, excerpts=by_index) is None
    # a one-city article quoting another city of the brief gives that city the figure
    solo = _doc("c", ["丙市"], ["丙市产值80亿元，甲市产值300亿元。"])
    assert fact_city(_fact(solo, 1, "300", "亿元", "产值"), solo.cities, ["甲市", "丙市"]) == "甲市"
    assert fact_city(_fact(solo, 1, "80", "亿元", "产值"), solo.cities, ["甲市", "丙市"]) == "丙市"


def test_key_figures_hold_only_the_citys_own(tmp_path: Path) -> None:
    doc = _doc("ab", ["甲市", "乙市"], TWO_CITY)
    facts = [
        _fact(doc, 1, "300", "亿元", "新材料产业产值"),
        _fact(doc, 2, "120", "家", "新材料企业"),
        _fact(doc, 2, "500", "亿元", "产值目标", target=True, year=2027, year_source="explicit"),
        _fact(doc, 3, "58", "家", "合作区企业"),
    ]
    write_outputs(_brief([doc], {"ab": facts}, ["甲市", "乙市"]), tmp_path, lang="zh")
    md = (tmp_path / "brief.md").read_text(encoding="utf-8")
    jia, yi = _section(md, "甲市"), _section(md, "乙市")
    assert "| 300亿元 |" in jia and "120家" not in jia and "500亿元" not in jia
    assert "| 120家 |" in yi and "| 突破500亿元 |" in yi and "300亿元" not in yi
    assert "58家" not in jia + yi  # no city named: on the article page only
    assert "58家" in (tmp_path / "articles" / "ab.md").read_text(encoding="utf-8")


def test_a_cut_table_says_how_many_rows_are_left_out(tmp_path: Path) -> None:
    texts = [f"丙市第{i}类企业共{i + 10}家。" for i in range(1, 16)]
    doc = _doc("c", ["丙市"], texts)
    facts = [_fact(doc, i, str(i + 10), "家", f"第{i}类企业") for i in range(1, 16)]
    write_outputs(_brief([doc], {"c": facts}, ["丙市"]), tmp_path)
    md = (tmp_path / "brief.md").read_text(encoding="utf-8")
    assert "另有 3 项数据未列出" in md and "3 more figures not listed here" in md
    assert md.count("| 第") == 12


def test_scope_counts_add_up_and_one_city_is_not_cross_city(tmp_path: Path) -> None:
    ab = _doc("ab", ["甲市", "乙市"], TWO_CITY)
    a = _doc("a", ["甲市"], ["甲市产值300亿元。"])
    write_outputs(_brief([ab, a], {}, ["甲市", "乙市"]), tmp_path / "two")
    md = (tmp_path / "two" / "brief.md").read_text(encoding="utf-8")
    assert "甲市（2篇）、乙市（1篇）；共 2 篇文章（其中 1 篇涉及多个城市，分别计入各城市）" in md
    assert "Jia (2 articles), Yi (1 article); 2 articles (1 covers more than one city and is counted under each)" in md
    assert md.startswith("# 城市产业政策对比简报 / Cross-city industry policy brief")

    write_outputs(_brief([a], {}, ["甲市"]), tmp_path / "one")
    md = (tmp_path / "one" / "brief.md").read_text(encoding="utf-8")
    assert "Jia (1 article); 1 article," in md and "Cross-city" not in md and "对比简报" not in md
    assert "涉及多个城市" not in md


def test_city_section_does_not_repeat_the_table(tmp_path: Path) -> None:
    doc = _doc("a", ["甲市"], ["甲市产值300亿元。"])
    brief = _brief([doc], {}, ["甲市"])
    brief.comparison.cells = [Cell("甲市", "scale", "单元格：产值300亿元", "CNY 30 billion", ["a:p1"], "verified")]
    write_outputs(brief, tmp_path)
    md = (tmp_path / "brief.md").read_text(encoding="utf-8")
    assert md.count("单元格：产值300亿元") == 1  # in the table only; the city section points to it


# ------------------------------------------------------------------------ HTML


def _two_city_outputs(tmp_path: Path) -> Path:
    doc = _doc("ab", ["甲市", "乙市"], TWO_CITY)
    brief = _brief([doc], {"ab": [_fact(doc, 1, "300", "亿元", "新材料产业产值")]}, ["甲市", "乙市"])
    brief.comparison.cells[0] = Cell("甲市", "scale", "产值300亿元", "CNY 30 billion", ["ab:p1"], "verified")
    write_outputs(brief, tmp_path)
    return tmp_path


def test_html_has_contents_scrolling_tables_and_a_cjk_font_stack(tmp_path: Path) -> None:
    html = (_two_city_outputs(tmp_path) / "brief.html").read_text(encoding="utf-8")
    toc = html.split('<div class="toc">')[1].split("</div>")[0]
    assert 'href="#甲市-jia"' in toc and 'href="#乙市-yi"' in toc and "关键数据" not in toc  # h2 only
    assert html.index('<div class="toc">') < html.index("<h2")
    assert html.count("<table>") == html.count('<div class="table-scroll"><table>') >= 2
    for font in ("Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei"):
        assert font in html
    assert ".table-scroll { overflow-x: auto" in html
    assert "[TOC]" not in (tmp_path / "brief.md").read_text(encoding="utf-8")  # Markdown stays plain


def test_article_pages_are_html_and_linked_from_the_brief(tmp_path: Path) -> None:
    out = _two_city_outputs(tmp_path)
    html = (out / "brief.html").read_text(encoding="utf-8")
    assert 'href="articles/ab.html"' in html and 'href="articles/ab.md' not in html
    assert "(articles/ab.md)" in (out / "brief.md").read_text(encoding="utf-8")
    page = (out / "articles" / "ab.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'href="../brief.html"' in page and "<script" not in page
    assert 'id="ab-p1"' in page


def test_each_excerpt_links_back_to_what_cites_it(tmp_path: Path) -> None:
    md = (_two_city_outputs(tmp_path) / "brief.md").read_text(encoding="utf-8")
    appendix = md.split("\n## 附录")[1]
    back = next(line for line in appendix.splitlines() if line.startswith("↩"))
    assert "(#cell-甲市-scale)" in back and "(#figures-甲市)" in back and "(articles/ab.md#ab-p1)" in back
    assert '<a id="cell-甲市-scale"></a>产值300亿元' in md and '<a id="figures-甲市"></a>' in md
    html = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert 'id="cell-甲市-scale"' in html and 'href="#cell-甲市-scale"' in html


# -------------------------------------------------------------- source quality


def test_source_quality_beside_the_article_and_in_json(tmp_path: Path) -> None:
    from briefgen.output.report import brief_to_json
    from briefgen.output.schema import check_brief

    company = _doc("co", ["甲市"], ["甲市产值300亿元。"])
    company.source = "某某科技企业供稿"
    guessed = _doc("gs", ["甲市"], ["甲市企业120家。"])
    guessed.date_confidence, guessed.provenance = "medium", {"date": "url"}
    plain = _doc("np", ["甲市"], ["甲市园区3个。"])
    plain.date_confidence = "high"
    brief = _brief([company, guessed, plain], {}, ["甲市"])
    data = brief_to_json(brief)
    check_brief(data)
    codes = {a["id"]: [q["code"] for q in a["source_quality"]] for a in data["articles"]}
    assert codes == {"co": ["company_supplied"], "gs": ["date_uncertain"], "np": []}
    write_outputs(brief, tmp_path)
    md = (tmp_path / "brief.md").read_text(encoding="utf-8")
    line = next(x for x in md.splitlines() if "(articles/co.md)" in x)
    assert "⚠ 企业供稿 / company-supplied copy" in line
    line = next(x for x in md.splitlines() if "(articles/gs.md)" in x)
    assert "publication date uncertain (taken from: url)" in line
    assert "⚠" not in next(x for x in md.splitlines() if "(articles/np.md)" in x)
    page = (tmp_path / "articles" / "co.md").read_text(encoding="utf-8")
    assert "来源质量 / Source quality: 企业供稿 / company-supplied copy" in page


def test_views_are_marked_on_the_article_page(tmp_path: Path) -> None:
    from briefgen.core.types import Claim

    doc = _doc("v", ["甲市"], ["业内人士认为，甲市应加快建设新材料产业园。", "甲市已建成新材料产业园。"])
    brief = _brief([doc], {}, ["甲市"])
    brief.articles[0].claims = [
        Claim("业内人士认为，甲市应加快建设新材料产业园。", "[Jia] view", ["v:p1"]),
        Claim("甲市已建成新材料产业园。", "[Jia] park", ["v:p2"]),
    ]
    write_outputs(brief, tmp_path)
    page = (tmp_path / "articles" / "v.md").read_text(encoding="utf-8")
    assert "- *〔观点〕* 业内人士认为" in page and "- *(a view, not policy)* \\[Jia\\] view" in page
    assert "- 甲市已建成新材料产业园。" in page and "- \\[Jia\\] park" in page


def test_placeholder_labels_stay_out_of_the_city_table(tmp_path: Path) -> None:
    doc = _doc("c", ["丙市"], ["丙市产值80亿元。", "丙市此项120个。"])
    good = _fact(doc, 1, "80", "亿元", "产值")
    vague = _fact(doc, 2, "120", "个", "此")
    fallback = _fact(doc, 1, "80", "亿元", "组学领域")
    fallback.what_en = "talent and innovation platforms figure"
    write_outputs(_brief([doc], {"c": [good, vague, fallback]}, ["丙市"]), tmp_path)
    section = _section((tmp_path / "brief.md").read_text(encoding="utf-8"), "丙市")
    assert "| 80亿元 |" in section and "120个" not in section and "platforms figure" not in section
    assert "另有 2 项数据未列出" in section
