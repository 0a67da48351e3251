"""Markdown / HTML / article rendering through the templates, and editors' own templates."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_pipeline import assert_citations_resolve
from test_report import tiny_brief

from briefgen.core.errors import ConfigError
from briefgen.output.render import anchor, markdown_to_html, md_text, write_outputs
from briefgen.output.report import Brief


def _write(tmp_path: Path, **kw: object) -> str:
    write_outputs(tiny_brief(), tmp_path, **kw)  # type: ignore[arg-type]
    return (tmp_path / "brief.md").read_text(encoding="utf-8")


def test_outputs_exist_and_every_citation_resolves(tmp_path: Path) -> None:
    paths = write_outputs(tiny_brief(), tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in paths}
    assert {"brief.md", "brief.html", "brief.json", "articles/zs-health.md", "articles/cd-bio.md"} <= names
    assert_citations_resolve(tmp_path)


def test_cells_show_status_never_rejected_text(tmp_path: Path) -> None:
    md = _write(tmp_path)
    table = md.split("## 对比表")[1].split("\n## ")[0]
    assert "[zs-health:p1](#zs-health-p1)" in table and "[cd-bio:p1](#cd-bio-p1)" in table
    assert "500平方公里" not in table and "未通过核验 / not verified" in table
    assert "来源中未提及 / not found in sources" in table
    # the rejected cell is listed with its reason in the verification section, unlinked
    verification = md.split("## 核验")[1].split("\n## ")[0]
    assert "number 500平方公里 not in cited text" in verification and "](#zs-health-p3)" not in verification


def test_key_figures_show_year_and_cny_billions(tmp_path: Path) -> None:
    md = _write(tmp_path)
    assert "| 462.2亿元 | CNY 46.22 billion |" in md and "| 2022 |" in md


def test_scope_and_how_it_was_made(tmp_path: Path) -> None:
    md = _write(tmp_path)
    assert "中山（1篇）、成都（1篇）" in md and "2022-08-28 至 2022-11-04" in md
    assert "`abc`" in md and "`p1`" in md and "`m`" in md and "No model was used" not in md


def test_source_text_cannot_inject_html(tmp_path: Path) -> None:
    write_outputs(tiny_brief(), tmp_path)
    html = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "\\[" in md_text("[x](y)") and "<" not in md_text("<b>")


@pytest.mark.parametrize(("lang", "present", "absent"), [
    ("zh", "中山产值462.2亿元；成都生物城约44平方公里。", "Zhongshan CNY 46.22 billion; Chengdu"),
    ("en", "Zhongshan CNY 46.22 billion; Chengdu about 44 km²", "中山产值462.2亿元；成都"),
])
def test_lang_keeps_one_language(tmp_path: Path, lang: str, present: str, absent: str) -> None:
    md = _write(tmp_path, lang=lang)
    assert present in md and absent not in md


def test_one_line_template_gives_exactly_that_line(tmp_path: Path) -> None:
    tpl = tmp_path / "mine.md.j2"
    tpl.write_text("{{ scope.articles }} articles on {{ scope.cities|map(attribute='en')|join(', ') }}, {{ verification.cells_verified }} cells verified\n", encoding="utf-8")
    md = _write(tmp_path / "out", template=tpl)
    assert md == "2 articles on Zhongshan, Chengdu, 2 cells verified\n"


def test_templates_dir_overrides_by_name(tmp_path: Path) -> None:
    custom = tmp_path / "tpl"
    custom.mkdir()
    (custom / "article.md.j2").write_text("{{ id }}: {{ claims|length }} verified\n", encoding="utf-8")
    md = _write(tmp_path / "out", templates_dir=custom)
    assert (tmp_path / "out" / "articles" / "zs-health.md").read_text(encoding="utf-8") == "zs-health: 1 verified\n"
    assert "## 附录" in md  # brief.md still from the shipped template


@pytest.mark.parametrize("body", ["{% for x in %}\n", "{{ no_such_variable }}\n", "{{ scope.nope.deeper }}\n"])
def test_template_errors_are_one_line_config_errors(tmp_path: Path, body: str) -> None:
    tpl = tmp_path / "bad.md.j2"
    tpl.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        _write(tmp_path / "out", template=tpl)
    assert "bad.md.j2" in err.value.one_line() and "\n" not in err.value.one_line()
    assert not (tmp_path / "out" / "brief.md").exists()


def test_article_page_has_summary_facts_verification_sources(tmp_path: Path) -> None:
    write_outputs(tiny_brief(), tmp_path)
    page = (tmp_path / "articles" / "zs-health.md").read_text(encoding="utf-8")
    for part in ("# 中山生物医药", "*Zhongshan biomedicine*", "## 中文摘要", "## English summary", "| 462.2亿元 | CNY 46.22 billion |", "unknown citation zs-health:p9", '<a id="zs-health-p1"></a>'):
        assert part in page


def test_html_is_a_page_with_anchored_headings() -> None:
    html = markdown_to_html("# T\n\n## 中山 / Zhongshan\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", "body{}")
    assert html.startswith("<!DOCTYPE html>") and "<table>" in html and "<style>\nbody{}" in html
    assert 'id="中山-zhongshan"' in html
    assert anchor("zs-health:p3") == "zs-health-p3"


def _dated_brief(year_source: str = "date", as_of: str | None = "2024-05-17") -> Brief:
    brief = tiny_brief()
    fact = brief.articles[0].facts[0]
    fact.year, fact.year_source, fact.as_of = 2024, year_source, as_of
    return brief


def test_year_from_article_date_says_reported_not_as_of(tmp_path: Path) -> None:
    write_outputs(_dated_brief(), tmp_path / "en", lang="en")
    md = (tmp_path / "en" / "brief.md").read_text(encoding="utf-8")
    page = (tmp_path / "en" / "articles" / "zs-health.md").read_text(encoding="utf-8")
    assert "| CNY 46.22 billion |" in md and "| reported 2024-05-17 |" in md
    assert "| reported 2024-05-17 |" in page and "| 2024 |" not in page and "as of" not in md + page


def test_year_from_article_date_says_baodaoyu_in_chinese(tmp_path: Path) -> None:
    write_outputs(_dated_brief(), tmp_path / "zh", lang="zh")
    md = (tmp_path / "zh" / "brief.md").read_text(encoding="utf-8")
    page = (tmp_path / "zh" / "articles" / "zs-health.md").read_text(encoding="utf-8")
    assert "| 462.2亿元 |" in md and "| 报道于2024年5月17日 |" in md
    assert "| 报道于2024年5月17日 |" in page and "2024-05-17" not in md + page and "reported" not in md + page


def test_stated_year_shows_plainly(tmp_path: Path) -> None:
    write_outputs(_dated_brief("explicit", None), tmp_path)
    md = (tmp_path / "brief.md").read_text(encoding="utf-8")
    page = (tmp_path / "articles" / "zs-health.md").read_text(encoding="utf-8")
    assert "| 462.2亿元 | CNY 46.22 billion |" in md and "| 2024 |" in md
    assert "| 2024 |" in page and "截至" not in md + page and "as of" not in md + page


def test_year_column_in_both_languages_and_unknown(tmp_path: Path) -> None:
    write_outputs(_dated_brief(), tmp_path / "both")
    page = (tmp_path / "both" / "articles" / "zs-health.md").read_text(encoding="utf-8")
    assert "| 报道于2024年5月17日 / reported 2024-05-17 |" in page
    brief = _dated_brief("", None)
    brief.articles[0].facts[0].year = None
    write_outputs(brief, tmp_path / "none")
    page = (tmp_path / "none" / "articles" / "zs-health.md").read_text(encoding="utf-8")
    assert "| — |" in page


def test_target_and_qualifier_in_key_figures(tmp_path: Path) -> None:
    brief = _dated_brief("explicit", None)
    fact = brief.articles[0].facts[0]
    fact.is_target, fact.year, fact.value, fact.unit = True, 2025, "1000", "亿元"
    fact.sentence, fact.at, fact.value_en = "到2025年产值超过1000亿元。", 8, "over CNY 100 billion"
    write_outputs(brief, tmp_path)
    page = (tmp_path / "articles" / "zs-health.md").read_text(encoding="utf-8")
    md = (tmp_path / "brief.md").read_text(encoding="utf-8")
    assert "| 超过1000亿元 | over CNY 100 billion |" in page + md
    assert "| 目标2025 / target 2025 |" in page and "| 目标2025 / target 2025 |" in md


def test_ampersand_stays_readable_in_markdown() -> None:
    from briefgen.output.render import md_text

    assert md_text("R&D 投入") == "R&D 投入" and md_text("&lt;b&gt;") == "&amp;lt;b&amp;gt;"


def test_figure_without_a_label_is_left_out_of_key_figures(tmp_path: Path) -> None:
    brief = tiny_brief()
    brief.articles[0].facts[0].what = ""
    write_outputs(brief, tmp_path)
    md = (tmp_path / "brief.md").read_text(encoding="utf-8")
    assert "| 462.2亿元 |" not in md
