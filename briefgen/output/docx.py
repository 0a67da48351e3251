"""``brief.docx``: the brief as a Word document editors can hand on.

Why Word: newsrooms and policy teams edit and circulate .docx, not Markdown.  The
document has real headings (navigable, styleable), the comparison as a Word table,
every citation as a link ``[n]`` to a bookmarked excerpt in the appendix, and East
Asian fonts set explicitly (``w:eastAsia``) so Chinese does not fall back to
whatever font Word guesses.  ``--docx-template FILE`` takes a house-style reference
document, as pandoc's ``--reference-doc`` does.  Labels, fonts and style names are
in ``templates/docx.toml``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from briefgen.core.errors import ConfigError
from briefgen.core.paths import TEMPLATES_DIR
from briefgen.engines.factyears import stored_kind, year_words
from briefgen.output.report import Brief, brief_to_json

LAYOUT_FILE = "docx.toml"
# characters XML 1.0 cannot hold (a page's stray control bytes must not break the file)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def load_layout(path: Path | None = None) -> dict[str, Any]:
    """The Word layout (fonts, style names, labels) from templates/docx.toml."""
    path = path or TEMPLATES_DIR / LAYOUT_FILE
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read the Word layout {path}: {exc}") from exc


def clean(text: Any) -> str:
    """Text from a page or a model, made safe for Word's XML."""
    return _NOT_XML.sub("", " ".join(str(text or "").split()))


def bookmark_name(n: int) -> str:
    """The appendix bookmark of citation ``n`` (Word: a letter first, at most 40 characters)."""
    return f"excerpt_{n}"


@dataclass
class _Writer:
    doc: DocxDocument
    layout: dict[str, Any]
    lang: str
    refs: dict[str, int]  # excerpt id -> citation number
    show_review: bool = False

    # ------------------------------------------------------------ helpers
    def t(self, label: str, **values: Any) -> str:
        zh, en = self.layout["labels"][label]
        zh, en = zh.format(**values), en.format(**values)
        return self.pick(zh, en)

    def pick(self, zh: str, en: str, sep: str = " / ") -> str:
        if self.lang == "zh" or not en:
            return zh
        if self.lang == "en" or not zh:
            return en
        return f"{zh}{sep}{en}"

    def style(self, kind: str, level: int = 1) -> str | None:
        name = str(self.layout["styles"][kind]).format(level=level)
        try:
            self.doc.styles[name]
        except KeyError:
            return None
        return name

    def heading(self, text: str, level: int) -> Paragraph:
        if level == 0:
            return self.doc.add_paragraph(clean(text), style=self.style("title"))
        return self.doc.add_paragraph(clean(text), style=self.style("heading", level))

    def para(self, text: str = "", style: str | None = None) -> Paragraph:
        return self.doc.add_paragraph(clean(text), style=self.style(style) if style else None)

    def cite(self, p: Paragraph, ids: list[str]) -> None:
        """``[n]`` links to the appendix bookmarks (ids with no excerpt are shown plainly)."""
        for eid in ids:
            n = self.refs.get(eid)
            if n is None:
                p.add_run(f" [{clean(eid)}]")
                continue
            p.add_run(" ")
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), bookmark_name(n))
            run = OxmlElement("w:r")
            props = OxmlElement("w:rPr")
            align = OxmlElement("w:vertAlign")
            align.set(qn("w:val"), "superscript")
            props.append(align)
            run.append(props)
            text = OxmlElement("w:t")
            text.text = f"[{n}]"
            run.append(text)
            link.append(run)
            p._p.append(link)

    def bookmark(self, p: Paragraph, n: int) -> None:
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(n))
        start.set(qn("w:name"), bookmark_name(n))
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(n))
        p._p.insert(0, start)
        p._p.append(end)

    def both(self, p: Paragraph, zh: str, en: str, item: dict[str, Any]) -> None:
        """Chinese, then English on a new line (per --lang), then the review mark."""
        parts = [x for x in (zh if self.lang != "en" else "", en if self.lang != "zh" else "") if x]
        for i, part in enumerate(parts or [zh or en]):
            if i:
                p.add_run().add_break()
            p.add_run(clean(part))
        if mark := self.mark(item):
            p.add_run(mark)

    def mark(self, item: dict[str, Any]) -> str:
        review = item.get("review") or {}
        if self.show_review and review.get("status") == "approved":
            return f" ✓ {self.t('approved')}"
        return ""


def set_fonts(doc: DocxDocument, layout: dict[str, Any]) -> None:
    """Latin and East Asian fonts on the styles the brief uses (``w:eastAsia`` for Chinese)."""
    fonts = layout["fonts"]
    if not fonts.get("set_fonts", True):
        return
    for style in doc.styles:
        if style.type != 1 and style.name not in ("Table Grid", "Normal Table"):
            continue  # paragraph styles (type 1) and the table style carry run fonts
        heading = style.name.startswith(("Heading", "Title"))
        east = fonts["heading_east_asia"] if heading else fonts["east_asia"]
        style.font.name = fonts["latin"]
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = OxmlElement("w:rFonts")
            rpr.append(rfonts)
        rfonts.set(qn("w:eastAsia"), east)


def _summary(w: _Writer, data: dict[str, Any]) -> None:
    w.heading(w.t("summary"), 1)
    claims = data["summary"]["claims"]
    if not claims:
        w.para(w.t("no_summary"))
    for c in claims:
        p = w.para(style="bullet")
        w.both(p, c["zh"], c["en"], c)
        w.cite(p, c["cites"])


def _cell(w: _Writer, p: Paragraph, cell: dict[str, Any] | None) -> None:
    if cell is None or cell["status"] == "not_found":
        p.add_run(w.t("not_found")).italic = True
    elif cell["status"] != "verified":
        p.add_run(f"⚠ {w.t('not_verified')}")
    else:
        w.both(p, cell["zh"], cell["en"], cell)
        w.cite(p, cell["cites"])


def _table(w: _Writer, data: dict[str, Any]) -> None:
    comp = data["comparison"]
    cities, dims = comp["cities"], comp["dimensions"]
    cells = {(c["city"], c["dimension"]): c for c in comp["cells"]}
    w.heading(w.t("comparison"), 1)
    table = w.doc.add_table(rows=1 + len(dims), cols=1 + len(cities))
    if (style := w.style("table")) is not None:
        table.style = w.doc.styles[style]
    header = table.rows[0].cells
    header[0].text = w.t("dimension")
    for i, city in enumerate(cities, 1):
        header[i].text = clean(w.pick(city, comp.get("cities_en", {}).get(city, city)))
    for r, dim in enumerate(dims, 1):
        row = table.rows[r].cells
        row[0].text = clean(w.pick(dim["zh"], dim["en"]))
        for i, city in enumerate(cities, 1):
            _cell(w, row[i].paragraphs[0], cells.get((city, dim["id"])))


def _articles(w: _Writer, data: dict[str, Any]) -> None:
    w.heading(w.t("articles"), 1)
    for art in data["articles"]:
        title = art.get("title") or art["id"]
        w.heading(w.pick(title, art.get("title_en") or ""), 2)
        w.para(" · ".join(clean(x) for x in (art.get("date"), art.get("source"), art["id"]) if x))
        for c in art["claims"]:
            p = w.para(style="bullet")
            w.both(p, c["zh"], c["en"], c)
            w.cite(p, c["cites"])
        figures = [f for f in art["facts"] if f.get("what")]
        if figures:
            w.heading(w.t("figures"), 3)
            for f in figures:
                # the year worded by the figure's kind, as in the Markdown tables (预计2026年: expected)
                year_zh, year_en = year_words(stored_kind(f), f.get("year"), f.get("as_of"), "note")
                zh = f"{f['what']}：{f.get('as_written') or f['value'] + f['unit']}" + (f"（{year_zh}）" if year_zh else "")
                en = f"{f.get('what_en') or ''}: {f.get('value_en') or ''}" + (f" ({year_en})" if year_en else "")
                p = w.para(w.pick(zh, en) + w.mark(f), "bullet")
                w.cite(p, f["cites"])


def _verification(w: _Writer, data: dict[str, Any]) -> None:
    v = data["verification"]
    w.heading(w.t("verification"), 1)
    w.para(w.t("counts", **{k: n for k, n in v.items() if isinstance(n, int)}))
    if v["rejected"]:
        w.para(w.t("rejected_intro"))
    for r in v["rejected"]:
        where = r.get("doc") or (f"{r['city']} × {r['dimension']}" if r.get("kind") == "cell" else r.get("kind", ""))
        ids = [*r.get("cites", []), *r.get("unknown_cites", [])]
        text = f"{where}: “{w.pick(r.get('zh', ''), r.get('en', ''))}” — {'; '.join(r.get('reasons', []))}"
        w.para(text + (f" ({', '.join(ids)})" if ids else ""), "bullet")


def _appendix(w: _Writer, data: dict[str, Any]) -> None:
    w.heading(w.t("appendix"), 1)
    titles = {d["id"]: d for d in data.get("documents", [])}
    for eid, n in w.refs.items():
        e = data["excerpts"][eid]
        doc = titles.get(e["doc"], {})
        meta = ", ".join(clean(x) for x in (doc.get("title"), doc.get("date"), doc.get("source")) if x)
        p = w.para(f"[{n}] {eid} — {meta}")
        w.bookmark(p, n)
        w.para(e.get("original") or e["text"], "quote")


def _open(template: Path | None) -> DocxDocument:
    if template is None:
        return docx.Document()
    try:
        doc = docx.Document(str(template))
    except Exception as exc:  # python-docx raises several types for a file that is not .docx
        raise ConfigError(
            f"cannot open Word template {template}: {type(exc).__name__}", help="give a .docx reference document"
        ) from exc
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):  # keep the page setup, drop the sample content
            body.remove(child)
    return doc


def build_docx(
    brief: Brief, *, lang: str = "both", template: Path | None = None, show_review: bool = False,
    layout: dict[str, Any] | None = None,
) -> DocxDocument:
    """The Word document of ``brief`` (not saved)."""
    data = brief_to_json(brief)
    layout = layout or load_layout()
    doc = _open(template)
    set_fonts(doc, layout)
    refs = {eid: n for n, eid in enumerate(data["excerpts"], 1)}
    w = _Writer(doc, layout, lang, refs, show_review)
    w.heading(w.t("title"), 0)
    if data.get("engine") == "extractive":
        w.para(w.t("banner"))
    sections: list[Callable[[_Writer, dict[str, Any]], None]] = [_summary, _table, _articles, _verification, _appendix]
    for section in sections:
        section(w, data)
    return doc


def write_docx(
    brief: Brief, path: Path, *, lang: str = "both", template: Path | None = None, show_review: bool = False
) -> Path:
    """Write ``brief.docx``; the path written."""
    doc = build_docx(brief, lang=lang, template=template, show_review=show_review)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return Path(path)
