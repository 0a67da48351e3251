"""htmltext.py: HTML pages to text lines, including tag soup libxml2 would give up on."""

from __future__ import annotations

import pytest

from briefgen.corpus.html import html_to_lines

BODY = "<p>中山市2023年生物医药产值达到100亿元，同比增长12%。</p><p>第二段正文内容在这里。</p>"


@pytest.mark.parametrize("opening", ["<div>" * 600, "<font>" * 600, "<div>" * 5000])
def test_deeply_nested_pages_keep_their_text(opening: str) -> None:
    page = f"<html><head><title>中山生物医药</title></head><body>{opening}{BODY}</body></html>"
    lines, meta = html_to_lines(page)
    assert "中山市2023年生物医药产值达到100亿元，同比增长12%。" in lines
    assert "第二段正文内容在这里。" in lines and meta["title"] == "中山生物医药"


def test_flat_fallback_skips_scripts_and_keeps_the_title_first() -> None:
    page = "<html><head><title>标题在此</title></head><body>" + "<b>" * 5000
    page += "<script>var s='脚本里的中文不要';</script>" + BODY + "</body></html>"
    lines, _ = html_to_lines(page)
    assert lines[0] == "标题在此" and not any("脚本" in ln for ln in lines)
