"""Render a ``Brief`` into Markdown, HTML and JSON files through Jinja2 templates.

Layouts are files in ``templates/`` so editors can change them: ``--templates
DIR`` overrides any template by name, ``--template FILE`` replaces the brief
layout.  The templates receive plain dicts and lists (documented in
``templates/README.md``) and a few filters for citations and escaping.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import jinja2

from briefgen.core.errors import ConfigError
from briefgen.core.paths import TEMPLATES_DIR
from briefgen.core.statuses import NOT_FOUND_EN, NOT_FOUND_ZH
from briefgen.core.types import ArticleSummary, Cell, Claim, Corpus, Document, Excerpt, Fact
from briefgen.engines.factyears import kind_of, stored_kind, year_words
from briefgen.engines.owner import fact_city
from briefgen.evidence.facts import as_of_date, figure_as_written, is_opinion
from briefgen.output.backrefs import anchor_id, cited_by
from briefgen.output.pages import Converter, markdown_to_html
from briefgen.output.quality import source_quality
from briefgen.output.report import (
    Brief,
    brief_to_json,
    fact_value_en,
    verification_counts,
)

BRIEF_TEMPLATE = "brief.md.j2"
ARTICLE_TEMPLATE = "article.md.j2"
STYLESHEET = "brief.css"
LANGS = ("zh", "en", "both")

EXTRACTIVE_BANNER_ZH = (
    "每条陈述都是从来源中抽取的原句或数据，并附出处。"
    "英文部分仅包含结构化内容（数据、单位换算、术语表词汇、城市拼音），没有机器翻译的句子。"
    "配置模型后可增加：每篇文章的中英文概要、以文字表述的对比表格、跨城市执行摘要，均按同样方式核验。"
)
EXTRACTIVE_BANNER_EN = (
    "Every statement is a sentence or figure extracted from the "
    "sources, with its citation. The English is structured content only (figures with unit "
    "conversion, glossary terms, city names in pinyin), not machine-translated prose. With a "
    "model configured, briefgen adds written Chinese and English summaries of each article, "
    "comparison cells written as prose, and a cross-city executive summary, all verified the same way."
)

# ------------------------------------------------------------------ filters

_MD_SPECIAL = re.compile(r"([\\`*\[\]])")
_ENTITY_START = re.compile(r"&(?=#?\w+;)")


def anchor(excerpt_id: str) -> str:
    """HTML id for an excerpt: ``zs-health:p3`` -> ``zs-health-p3``."""
    return re.sub(r"[^\w-]+", "-", excerpt_id, flags=re.UNICODE).strip("-")


def md_text(value: Any) -> str:
    """Source text made safe for Markdown: no raw HTML, no accidental links or emphasis."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    # a bare "&" (R&D) stays readable; only one that would start an entity is escaped
    text = _ENTITY_START.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_cell(value: Any) -> str:
    """``md_text`` for a table cell (pipes escaped)."""
    return md_text(value).replace("|", "\\|")


def cite(excerpt_id: str) -> str:
    return f"[{excerpt_id}](#{anchor(excerpt_id)})"


def cites(ids: Iterable[str]) -> str:
    return " ".join(cite(i) for i in ids)


def code_span(value: Any) -> str:
    """``value`` as a Markdown code span it cannot close: the fence is one backtick longer
    than the longest run inside (a file name or a model's cite may hold backticks)."""
    text = " ".join(str(value if value is not None else "").split())
    runs = [len(r) for r in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or runs else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def plain_ids(ids: Iterable[str]) -> str:
    """IDs shown without links (for rejected items, whose IDs may not exist or come from
    a model), each in a code span it cannot break out of."""
    return ", ".join(code_span(i) for i in ids)


def fact_as_of(f: Fact) -> str | None:
    """The date a figure's year was taken from, when no year is stated in the text.

    The article's ISO date (``2024-05-17``) for ``year_source == "date"``; the bare year
    if that date is missing; ``None`` for a year stated in the text or no year at all.
    """
    if (day := as_of_date(f)) is not None:
        return day[:10]
    if f.year_source == "date" and f.year:
        return str(f.year)
    return None


@jinja2.pass_context
def year_label(ctx: jinja2.runtime.Context, f: Any, lang: str | None = None) -> str:
    """The year column of a key-facts row, worded by the figure's kind
    (``engines.factyears``): ``2022`` when stated in the text, ``目标2025`` / ``target 2025``
    for a target, ``预计2026年`` / ``expected 2026`` for a forecast, ``报道于2024年5月17日`` /
    ``reported 2024-05-17`` when the text dates the figure nowhere (the publication date
    says when it was reported, not that the figure is current: "as of" would restate a
    2022 figure as 2024's), ``—`` unknown.

    ``f`` is a fact as the templates receive it; ``lang`` defaults to the run's language.
    """
    t = _translator(lang or ctx.get("lang") or "both")
    zh, en = year_words(stored_kind(f), f.get("year"), f.get("as_of"), "column")
    return zh if zh == en else t(zh, en)


def _translator(lang: str) -> Callable[[str, str], str]:
    def t(zh: str, en: str) -> str:
        if lang == "zh":
            return zh
        if lang == "en":
            return en
        return f"{zh} / {en}"

    return t


# ---------------------------------------------------------------- templates


def _environment(templates_dir: Path | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None:
        if not Path(templates_dir).is_dir():
            raise ConfigError(f"templates folder {templates_dir} does not exist or is not a folder")
        loaders.append(jinja2.FileSystemLoader(str(templates_dir)))
    loaders.append(jinja2.FileSystemLoader(str(TEMPLATES_DIR)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        md=md_text, cell=md_cell, cite=cite, cites=cites, anchor=anchor, ids=plain_ids, code=code_span,
        year=year_label,
    )
    return env


def _template_error(name: str, exc: Exception) -> ConfigError:
    line = getattr(exc, "lineno", None)
    where = f"{name} line {line}" if line else name
    msg = getattr(exc, "message", None) or str(exc)
    return ConfigError(f"template {where}: {msg}", help="fix the template or drop --template/--templates")


def _load(env: jinja2.Environment, name: str, file: Path | None = None) -> tuple[jinja2.Template, str]:
    """A template and its source text (for the templates version hash)."""
    try:
        if file is not None:
            try:
                source = Path(file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"cannot read template {file}: {exc}") from exc
            return env.from_string(source), source
        assert env.loader is not None
        source, _, _ = env.loader.get_source(env, name)
        return env.get_template(name), source
    except jinja2.TemplateNotFound as exc:
        raise ConfigError(f"template {name} not found", help="check --templates") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise _template_error(str(file or name), exc) from exc


def _render(template: jinja2.Template, name: str, context: dict[str, Any]) -> str:
    try:
        return template.render(**context)
    except ConfigError:
        raise
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
        raise _template_error(name, exc) from exc


class Templates:
    """The brief, article and stylesheet templates of one run (user overrides first)."""

    def __init__(self, template: Path | None = None, templates_dir: Path | None = None) -> None:
        self.env = _environment(templates_dir)
        self.template_file = template
        self.brief, brief_src = _load(self.env, BRIEF_TEMPLATE, template)
        self.article, article_src = _load(self.env, ARTICLE_TEMPLATE)
        assert self.env.loader is not None
        try:
            self.css, _, _ = self.env.loader.get_source(self.env, STYLESHEET)
        except jinja2.TemplateNotFound:
            self.css = ""
        h = hashlib.sha256()
        for part in (brief_src, article_src, self.css):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
        self.version = h.hexdigest()[:12]

    def globals(self, lang: str) -> dict[str, Any]:
        return {"t": _translator(lang), "lang": lang, "show_zh": lang != "en", "show_en": lang != "zh"}


# ------------------------------------------------------------------ context


def is_view(text: str) -> bool:
    """A sentence that is someone's view (业内人士认为, 专家建议: lexicons/opinions.tsv) or a
    question: the article page marks it as a view, not as the article's statement."""
    return is_opinion(text or "")  # one test for views: brief.json, cells and facts use it too


def _claim_view(c: Claim) -> dict[str, Any]:
    return {"zh": c.zh, "en": c.en, "cites": list(c.cites), "reasons": list(c.reasons), "status": c.status}


def _fact_view(f: Fact) -> dict[str, Any]:
    return {
        "value": f"{f.value}{f.unit}",
        "as_written": figure_as_written(f),  # 近1000家: with the source's qualifier
        "number": f.value,
        "unit": f.unit,
        "value_en": fact_value_en(f),
        "what": f.what,
        "what_en": f.what_en,
        "year": f.year,
        # set when the year was only taken from the article date (see ``fact_as_of``)
        "year_source": f.year_source,
        "as_of": fact_as_of(f),
        "dimension": f.dimension,
        "is_target": f.is_target,
        "kind": kind_of(f),  # target / forecast / achieved / provision: how its year is worded
        "cites": list(f.cites),
    }


def _cell_view(cell: Cell | None, known: set[str]) -> dict[str, Any]:
    if cell is None:
        return {"status": "not_found", "zh": NOT_FOUND_ZH, "en": NOT_FOUND_EN, "cites": [], "reasons": []}
    if cell.status == "not_found":
        zh, en = cell.zh or NOT_FOUND_ZH, cell.en or NOT_FOUND_EN
    else:
        zh, en = cell.zh, cell.en
    return {
        "status": cell.status,
        "zh": zh,
        "en": en,
        # a rejected cell's IDs are shown without links: they may not exist
        "cites": [c for c in cell.cites if c in known] if cell.status == "verified" else [],
        "claimed_cites": list(cell.cites),
        "reasons": list(cell.reasons),
    }


def documents_by_id(corpus: Corpus) -> dict[str, Document]:
    """Each document by its ID (the first, as a search would find it): built once per
    rendering, where a search per article page made a build quadratic (issue 17)."""
    docs: dict[str, Document] = {}
    for d in corpus.documents:
        docs.setdefault(d.id, d)
    return docs


def article_context(
    art: ArticleSummary,
    corpus: Corpus,
    city_en: dict[str, str],
    lang: str = "both",
    *,
    docs: Mapping[str, Document] | None = None,
) -> dict[str, Any]:
    """What ``article.md.j2`` receives for one article (``docs``: ``documents_by_id``,
    built once by a caller that renders many articles)."""
    doc = (docs if docs is not None else documents_by_id(corpus)).get(art.doc_id)
    wanted: set[str] = set()
    for c in art.claims:
        wanted.update(c.cites)
    for f in art.facts:
        wanted.update(f.cites)
    sources = [
        {"id": e.id, "anchor": anchor(e.id), "text": e.text, "original": e.original}
        for e in (doc.excerpts if doc else [])
        if e.id in wanted
    ]
    return {
        "id": art.doc_id,
        "title": art.title or (doc.title if doc else None) or art.doc_id,
        "title_en": art.title_en or "",
        "date": art.date,
        "source": art.source,
        "author": doc.author if doc else None,
        "path": doc.path if doc else "",
        "cities": [{"zh": c, "en": city_en.get(c, c)} for c in art.cities],
        "engine": art.engine,
        "error": art.error,
        "claims": [{**_claim_view(c), "view": is_view(c.zh)} for c in art.claims],
        "rejected": [_claim_view(c) for c in art.rejected],
        "facts": [_fact_view(f) for f in art.facts],
        "sources": sources,
        "warnings": list(doc.warnings) if doc else [],
        "quality": source_quality(doc),
    }


FIGURES_PER_CITY = 12  # rows in a city's key-figures table; the rest are counted, not hidden


def _figures(brief: Brief, city: str, index: dict[str, Excerpt],
             limit: int = FIGURES_PER_CITY) -> tuple[list[dict[str, Any]], int]:  # fmt: skip
    """The city's own figures (``engines.owner.fact_city``: the city the text gives each
    figure to, not every city its article names), best dimension order first, and how
    many more there were than ``limit`` (the table says so instead of cutting silently).
    ``index``: the corpus' excerpt index, built once by the caller for every city."""
    order = {d.id: i for i, d in enumerate(brief.comparison.dimensions)}
    seen: set[tuple[Any, ...]] = set()
    figures: list[Fact] = []
    unlabelled = 0  # a label with no meaning (one character, or the English fallback "... figure")
    for art in brief.articles:
        if city not in art.cities:
            continue
        for f in art.facts:
            # the same figure reported by two articles on different dates is one row
            stated = f.year if f.year_source not in ("date", "") else None
            key = (f.value, f.unit, f.what, stated, f.is_target)
            if key in seen or not f.cites or not f.what:  # a figure with no label says nothing
                continue
            if fact_city(f, art.cities, brief.comparison.cities, index) != city:
                continue
            seen.add(key)
            if _placeholder_label(f):
                unlabelled += 1  # on its article page, counted under the table
                continue
            figures.append(f)
    # newest first within a dimension, what is expected after what was reached
    figures.sort(key=lambda f: (order.get(f.dimension, len(order)), kind_of(f) == "forecast", -(f.year or 0)))
    return [_fact_view(f) for f in figures[:limit]], max(0, len(figures) - limit) + unlabelled


def _placeholder_label(f: Fact) -> bool:
    """A label that names nothing: one Chinese character (此), or the English the labeller
    writes when no glossary term fits ("industry scale figure")."""
    en = (f.what_en or "").strip()
    return len(f.what.strip()) < 2 or en == "figure" or en.endswith(" figure")


class _Lookup:
    """Documents and summaries by ID and the excerpt index, built once per rendering
    (issue 17: a search per article or excerpt made rendering quadratic)."""

    def __init__(self, brief: Brief) -> None:
        self.index = brief.corpus.excerpt_index()
        self.docs = documents_by_id(brief.corpus)
        self.arts: dict[str, ArticleSummary] = {}
        for a in brief.articles:
            self.arts.setdefault(a.doc_id, a)  # the first, as a search would find


def _article_ref(look: _Lookup, doc_id: str) -> dict[str, Any]:
    """How the brief names an article wherever it points to one."""
    d = look.docs.get(doc_id)
    art = look.arts.get(doc_id)
    return {
        "id": doc_id,
        "title": (d.title if d else None) or doc_id,
        "title_en": (art.title_en if art else None) or "",
        "date": d.date if d else None,
        "source": d.source if d else None,
        "link": f"articles/{doc_id}.md",
        "quality": source_quality(d),
    }


def _cities_view(brief: Brief, dims: list[dict[str, Any]], known: set[str], look: _Lookup) -> list[dict[str, Any]]:
    comp = brief.comparison
    cells = {(c.city, c.dimension): c for c in comp.cells}
    return [
        {
            "zh": city,
            "en": brief.city_name_en(city),
            "articles": [_article_ref(look, d.id) for d in brief.corpus.documents if city in d.cities],
            "cells": [
                {"dimension": dim, "cell": _cell_view(cells.get((city, dim["id"])), known)}
                for dim in dims
            ],
            "figures": figs,
            "figures_omitted": omitted,
        }
        for city in comp.cities
        for figs, omitted in [_figures(brief, city, look.index)]
    ]


def _rows_view(brief: Brief, dims: list[dict[str, Any]], known: set[str]) -> list[dict[str, Any]]:
    comp = brief.comparison
    cells = {(c.city, c.dimension): c for c in comp.cells}
    return [
        {
            "dimension": dim,
            "cells": [
                {
                    **_cell_view(cells.get((city, dim["id"])), known),
                    # where the cell sits, so the appendix can link back to it
                    "city": {"zh": city, "en": brief.city_name_en(city)},
                    "anchor": anchor_id("cell", city, dim["id"]),
                }
                for city in comp.cities
            ],
        }
        for dim in dims
    ]


def _excerpts_view(brief: Brief, look: _Lookup,
                   refs: dict[str, list[dict[str, str]]] | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """The appendix: each cited excerpt with its article and (``cited_by``) the places
    in the brief that cite it."""
    out = []
    for eid in brief.cited_ids():
        e = look.index[eid]
        ref = _article_ref(look, e.doc_id)
        out.append({**ref, "id": eid, "anchor": anchor(eid), "doc": e.doc_id, "text": e.text,
                    "original": e.original, "cited_by": (refs or {}).get(eid, [])})  # fmt: skip
    return out


def brief_context(brief: Brief, lang: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """What ``brief.md.j2`` receives (see templates/README.md)."""
    data = data if data is not None else brief_to_json(brief)
    look = _Lookup(brief)
    known = set(look.index)
    comp = brief.comparison
    dims = [{"id": d.id, "zh": d.zh, "en": d.en} for d in comp.dimensions]
    cities = _cities_view(brief, dims, known, look)
    rows = _rows_view(brief, dims, known)
    summary = [_claim_view(c) for c in brief.verified_summary()]
    articles = [article_context(a, brief.corpus, brief.city_en, lang, docs=look.docs) for a in brief.articles]
    refs = cited_by(summary, rows, cities, articles, _translator(lang))
    # per dimension, the cities whose sources are silent on it (from the cells, so it is
    # "not found in sources" exactly where the table says so)
    missing = [
        {"dimension": row["dimension"], "cities": [c["city"] for c in row["cells"] if c["status"] == "not_found"]}
        for row in rows
    ]
    date_from, date_to = brief.date_range()
    extractive = brief.engine == "extractive"
    one_city = len(comp.cities) == 1  # no "cross-city" over one city
    return {
        "title_zh": "城市产业政策简报" if one_city else "城市产业政策对比简报",
        "title_en": "Industry policy brief" if one_city else "Cross-city industry policy brief",
        "generated": brief.generated,
        "engine": brief.engine,
        "banner_zh": EXTRACTIVE_BANNER_ZH if extractive else "",
        "banner_en": EXTRACTIVE_BANNER_EN if extractive else "",
        "settings": dict(brief.settings),
        "usage": data["usage"],
        "scope": {
            "cities": [{"zh": c["zh"], "en": c["en"], "articles": len(c["articles"])} for c in cities],
            "articles": len(brief.corpus.documents),
            # articles under more than one city: counted under each, so the per-city
            # counts add up to more than ``articles`` and the scope line says why
            "multi_city": sum(1 for d in brief.corpus.documents if len(set(d.cities) & set(comp.cities)) > 1),
            "skipped": len(brief.corpus.skipped),
            "date_from": date_from,
            "date_to": date_to,
        },
        "summary": summary,
        "missing": [m for m in missing if m["cities"]],
        "dimensions": dims,
        "dimension_names": {d["id"]: d for d in dims},
        "city_names": {c: brief.city_name_en(c) for c in comp.cities},
        "rows": rows,
        "cities": cities,
        "articles": articles,
        "verification": {**verification_counts(brief), "rejected": data["verification"]["rejected"]},
        "excerpts": _excerpts_view(brief, look, refs),
        "warnings": list(brief.warnings),
        "model_failures": data["model_failures"],
        "data": data,
    }


# ------------------------------------------------------------------- output


def render_article(art: ArticleSummary, corpus: Corpus, city_en: dict[str, str], templates: Templates,
                   lang: str = "both", *, docs: Mapping[str, Document] | None = None) -> str:  # fmt: skip
    """One article's Markdown page (``docs`` as for ``article_context``)."""
    ctx = {**templates.globals(lang), **article_context(art, corpus, city_en, lang, docs=docs)}
    return _render(templates.article, ARTICLE_TEMPLATE, ctx)


def write_articles(
    articles: list[ArticleSummary],
    corpus: Corpus,
    city_en: dict[str, str],
    out_dir: Path,
    templates: Templates,
    lang: str = "both",
    *,
    html_pages: bool = False,
) -> list[Path]:
    """One Markdown file per article, ``out_dir/<doc-id>.md``; with ``html_pages`` (a
    brief's build: brief.html links to them) also its HTML page ``<doc-id>.html``, in the
    brief's stylesheet."""
    with Converter(len(articles) if html_pages else 0) as conv:
        return _write_articles(articles, corpus, city_en, out_dir, templates, lang, html_pages, conv)


_AHEAD = 64  # HTML pages converting at once (each held in memory until written)


def _write_articles(articles: list[ArticleSummary], corpus: Corpus, city_en: dict[str, str], out_dir: Path,
                    templates: Templates, lang: str, html_pages: bool, conv: Converter) -> list[Path]:  # fmt: skip
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    docs = documents_by_id(corpus)  # once for all pages, not a search per page
    pending: deque[tuple[Path, Callable[[], str]]] = deque()
    for art in articles:
        path = out_dir / f"{art.doc_id}.md"
        md = render_article(art, corpus, city_en, templates, lang, docs=docs)
        path.write_text(md, encoding="utf-8")
        paths.append(path)
        if html_pages:
            page = out_dir / f"{art.doc_id}.html"
            pending.append((page, conv.submit(markdown_to_html, md, templates.css, lang)))
            paths.append(page)
        while len(pending) > (_AHEAD if conv.parallel else 0):
            page, html_of = pending.popleft()
            page.write_text(html_of(), encoding="utf-8")
    for page, html_of in pending:
        page.write_text(html_of(), encoding="utf-8")
    return paths


def write_outputs(
    brief: Brief,
    out_dir: Path,
    *,
    template: Path | None = None,
    templates_dir: Path | None = None,
    lang: str = "both",
    templates: Templates | None = None,
) -> list[Path]:
    """Write brief.md, brief.html, brief.json and articles/<doc-id>.md and .html; return the paths."""
    if lang not in LANGS:
        raise ConfigError(f"language must be zh, en or both, not {lang!r}")
    templates = templates or Templates(template, templates_dir)
    brief.settings.setdefault("templates_version", templates.version)
    data = brief_to_json(brief)
    context = {**templates.globals(lang), **brief_context(brief, lang, data)}
    md = _render(templates.brief, str(template or BRIEF_TEMPLATE), context)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    md_path, html_path, json_path = out_dir / "brief.md", out_dir / "brief.html", out_dir / "brief.json"
    md_path.write_text(md, encoding="utf-8")
    with Converter(len(brief.articles) + 1) as conv:  # brief.html converts beside the article pages
        brief_html = conv.submit(markdown_to_html, md, templates.css, lang, toc=True)
        json_path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        article_paths = _write_articles(brief.articles, brief.corpus, brief.city_en, out_dir / "articles",
                                        templates, lang, True, conv)  # fmt: skip
        html_path.write_text(brief_html(), encoding="utf-8")
    return [md_path, html_path, json_path, *article_paths]
