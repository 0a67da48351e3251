"""brief.docx (issue 16): real headings, the comparison as a Word table, citations linked to
an appendix of excerpts, East Asian fonts; read back with python-docx."""

from __future__ import annotations

import copy
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from briefgen import BuildSettings, build_brief
from briefgen.core.errors import ConfigError
from briefgen.output.docx import write_docx
from briefgen.output.report import Brief
from briefgen.output.review import Decision, ReviewFile, apply_review
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def brief() -> Brief:
    return build_brief(EXAMPLES, None, BuildSettings())


def _headings(doc: docx.document.Document) -> list[tuple[str, str]]:
    styled = [(p.style.name or "", p.text) for p in doc.paragraphs if p.style is not None]
    return [(name, text) for name, text in styled if name.startswith(("Heading", "Title"))]


def test_headings_table_citations_and_fonts(brief: Brief, tmp_path: Path) -> None:
    path = write_docx(brief, tmp_path / "brief.docx")
    doc = docx.Document(str(path))
    heads = _headings(doc)
    assert ("Heading 1", "对比表 / Comparison table") in heads
    assert ("Heading 1", "附录：引用原文 / Appendix: cited excerpts") in heads
    assert sum(style == "Heading 2" for style, _ in heads) == len(brief.articles)

    table = doc.tables[0]
    comp = brief.comparison
    assert [c.text for c in table.rows[0].cells][1:] == [f"{c} / {brief.city_name_en(c)}" for c in comp.cities]
    foshan = next(c for c in comp.cells if (c.city, c.dimension) == ("佛山", "scale"))
    row = 1 + [d.id for d in comp.dimensions].index("scale")
    cell = table.rows[row].cells[1 + comp.cities.index("佛山")]
    assert foshan.zh in cell.text and foshan.en in cell.text
    anchors = [h.get(qn("w:anchor")) for h in cell._tc.iter(qn("w:hyperlink"))]
    assert len(anchors) == len(foshan.cites)

    body = doc.element.body
    marks = {b.get(qn("w:name")): b for b in body.iter(qn("w:bookmarkStart"))}
    links = [h.get(qn("w:anchor")) for h in body.iter(qn("w:hyperlink"))]
    assert links and set(links) <= set(marks)
    # the bookmark of the Foshan cell's first citation sits on the appendix line naming that excerpt
    target = marks[anchors[0]].getparent()
    assert foshan.cites[0] in "".join(t.text or "" for t in target.iter(qn("w:t")))

    normal = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "SimSun"
    assert doc.styles["Heading 1"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "SimHei"


def test_rejected_cell_and_control_characters(brief: Brief, tmp_path: Path) -> None:
    brief = copy.deepcopy(brief)
    cell = next(c for c in brief.comparison.cells if (c.city, c.dimension) == ("佛山", "scale"))
    text = cell.zh
    review = ReviewFile({"cell:佛山:scale": Decision("cell:佛山:scale", "cell", "rejected", "", "", [], "dup")})
    apply_review(brief, review)
    brief.articles[0].claims[0].zh += "\x0b\x01"  # a page's stray control bytes
    doc = docx.Document(str(write_docx(brief, tmp_path / "b.docx", lang="zh")))
    table_text = "\n".join(c.text for row in doc.tables[0].rows for c in row.cells)
    assert text not in table_text and "⚠ 未通过核验" in table_text
    assert any("rejected by editor: dup" in p.text for p in doc.paragraphs)
    assert "Comparison table" not in "\n".join(p.text for p in doc.paragraphs)


def test_house_style_template(brief: Brief, tmp_path: Path) -> None:
    house = docx.Document()
    house.styles["Heading 1"].font.size = docx.shared.Pt(31)
    house.add_paragraph("sample text of the reference document")
    house.save(str(tmp_path / "house.docx"))
    doc = docx.Document(str(write_docx(brief, tmp_path / "b.docx", template=tmp_path / "house.docx")))
    assert doc.styles["Heading 1"].font.size == docx.shared.Pt(31)
    assert not any("sample text" in p.text for p in doc.paragraphs)
    (tmp_path / "bad.docx").write_text("not a Word file", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot open Word template"):
        write_docx(brief, tmp_path / "c.docx", template=tmp_path / "bad.docx")


def test_show_review_marks_approved_items(brief: Brief, tmp_path: Path) -> None:
    brief = copy.deepcopy(brief)
    claim = brief.verified_summary()[0]
    from briefgen.output.keys import summary_key

    key = summary_key(claim)
    apply_review(brief, ReviewFile({key: Decision(key, "summary", "approved", "", "", [])}))
    plain = docx.Document(str(write_docx(brief, tmp_path / "a.docx")))
    marked = docx.Document(str(write_docx(brief, tmp_path / "b.docx", show_review=True)))
    assert not any("✓" in p.text for p in plain.paragraphs)
    lines = [p.text for p in marked.paragraphs if "✓ 已审核 / approved" in p.text]
    assert len(lines) == 1 and lines[0].startswith(claim.zh)
