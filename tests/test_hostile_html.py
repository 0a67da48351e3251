"""Hostile strings from pages and from a model never become live HTML in brief.html.

Why: brief.html is opened in a browser; a scraped page or a model reply that
could add a script, an event handler or a javascript: link would run there.
The test text is our own: a short Chinese article carrying each payload kind.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from fake_openai import MockModel

from briefgen import BuildSettings, build_brief
from briefgen.output.render import code_span, markdown_to_html

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    ' _x_{: tabindex="1" autofocus="autofocus" onfocus="alert(3)"} ',
    "[点我](javascript:alert(4))",
    "<a href='javascript:alert(5)'>链接</a>",
    "x`<img src=x onerror=alert(6)>`y",
    '<div onmouseover="alert(7)">raw</div>',
    "{{ 7*7 }}{% raw %}{{ config }}{% endraw %}",
    "<javascript:alert(8)>",
]
HOSTILE = " ".join(PAYLOADS)


def _article(folder: Path) -> Path:
    folder.mkdir()
    lines = [
        f"佛山市生物医药产业发展情况{PAYLOADS[0]}",
        f"来源：佛山日报{PAYLOADS[1]}",
        "2023年6月1日",
        f"佛山市2022年生物医药产业产值达到462.2亿元，同比增长10%。{PAYLOADS[2]}{PAYLOADS[3]}",
        f"佛山市规模以上企业约167家，其中{PAYLOADS[4]}{PAYLOADS[5]}龙头企业带动明显。",
        f"佛山市将建设产业园区，培育链主企业。{PAYLOADS[6]}{PAYLOADS[7]}{PAYLOADS[8]}",
    ]
    name = "佛山x`<img src=x onerror=alert(9)>`y.txt"
    (folder / name).write_text("\n\n".join(lines), encoding="utf-8")
    return folder


def _assert_inert(page: str) -> None:
    tree = lxml.html.fromstring(page)
    assert not tree.xpath("//script"), "a script element"
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), f"{el.tag} has {name}"
            assert "javascript:" not in value.replace(" ", "").lower(), f"{el.tag} {name}={value}"
            assert name.lower() not in ("autofocus", "tabindex", "style", "src")
    assert not tree.xpath("//img | //iframe | //object | //embed | //form")
    assert 'http-equiv="Content-Security-Policy"' in page and "script-src 'none'" in page


def test_hostile_page_text_title_source_and_file_name_stay_text(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_brief(_article(tmp_path / "in"), out, BuildSettings())
    page = (out / "brief.html").read_text(encoding="utf-8")
    _assert_inert(page)
    assert "onfocus" in page  # the payload reached the page, as text
    for md in (out / "articles").glob("*.md"):
        _assert_inert(markdown_to_html(md.read_text(encoding="utf-8"), ""))
    for page_file in out.rglob("*.html"):  # every HTML page written, article pages too
        _assert_inert(page_file.read_text(encoding="utf-8"))


def test_hostile_model_reply_stays_text(tmp_path: Path, mock_model: MockModel) -> None:
    claim = {"zh": f"佛山产值462.2亿元{HOSTILE}", "en": f"CNY 46.22 billion {HOSTILE}", "cites": ["p1", PAYLOADS[5]]}
    answer = {
        "title_en": HOSTILE,
        "claims": [claim, {**claim, "cites": ["p4"]}],
        "facts": [{"value": "462.2", "unit": "亿元", "what": HOSTILE, "what_en": HOSTILE, "year": 2022,
                   "cites": [PAYLOADS[5]]}],
        "findings": [{"city": "佛山", "dim": "scale", "zh": HOSTILE, "en": HOSTILE, "cites": ["p1"]}],
    }
    mock_model.enqueue("summary:*", answer, repeat=True)
    mock_model.enqueue("exec-summary", {"claims": [claim]}, repeat=True)
    out = tmp_path / "out"
    build_brief(_article(tmp_path / "in"), out, BuildSettings(engine="model"))
    assert mock_model.calls
    page = (out / "brief.html").read_text(encoding="utf-8")
    _assert_inert(page)
    assert "onerror" in page  # the model's text reached the page, as text
    for md in (out / "articles").glob("*.md"):
        _assert_inert(markdown_to_html(md.read_text(encoding="utf-8"), ""))
    for page_file in out.rglob("*.html"):  # every HTML page written, article pages too
        _assert_inert(page_file.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text", ["plain", "a`b", "``x``", "`", "x`<img src=x onerror=alert(1)>`y"])
def test_code_span_cannot_be_closed_from_inside(text: str) -> None:
    page = markdown_to_html(f"see {code_span(text)} here", "")
    code = lxml.html.fromstring(page).xpath("//code")
    assert len(code) == 1 and code[0].text_content() == text
