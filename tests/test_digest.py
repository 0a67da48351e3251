"""The no-model executive summary (issue 15): side by side only on the same measure, unit
and year; targets with their years; every line cited and checked; nothing computed."""

from __future__ import annotations

from pathlib import Path

from briefgen.core.types import Corpus, Dimension, Document, Excerpt
from briefgen.engines.digest import executive_digest, measure_of
from briefgen.engines.extractive import compare, summarize_document
from briefgen.evidence.glossary import load_glossary
from briefgen.output.render import write_outputs

DIMS = [
    Dimension("scale", "产业规模", "Industry scale", ("产值", "营收", "规模", "企业")),
    Dimension("target", "目标与期限", "Targets and deadlines", ("力争", "目标", "到2027年")),
    Dimension("finance", "资金与金融", "Funds and finance", ("基金", "资金")),
]

PAGES = {
    "jia": ("甲", "2023年，苏州新材料产业产值达到1200亿元。苏州新材料企业共300家。",
            "力争到2027年，苏州新材料产业产值突破2000亿元。"),
    "yi": ("乙", "2023年，无锡新材料产业产值达到900亿元。",
           "无锡设立新材料产业基金50亿元。"),
    "bing": ("丙", "2022年，常州新材料产业产值达到700亿元。常州新材料企业共500家。",
             "常州力争到2027年新材料产业产值突破1500亿元。"),
}  # fmt: skip


def _corpus() -> Corpus:
    docs = []
    city = {"jia": "苏州", "yi": "无锡", "bing": "常州"}
    for doc_id, (_, *paras) in PAGES.items():
        ex = [Excerpt(f"{doc_id}:p{i}", doc_id, i, t, t, len(t)) for i, t in enumerate(paras, 1)]
        docs.append(Document(doc_id, f"{doc_id}.txt", f"{city[doc_id]}新材料", "2024-03-01", "日报", None,
                             [city[doc_id]], "\n".join(paras), ex))  # fmt: skip
    return Corpus(docs, [])


def _digest() -> list:  # type: ignore[type-arg]
    corpus, glossary = _corpus(), load_glossary()
    arts = [summarize_document(d, glossary) for d in corpus.documents]
    comp = compare(corpus, DIMS, glossary, {a.doc_id: a.facts for a in arts})
    return executive_digest(arts, comp, glossary, corpus.excerpt_index())


def test_same_measure_and_year_side_by_side_only() -> None:
    lines = [c.zh for c in _digest()]
    side = [z for z in lines if z.startswith("产业规模 · 产值（2023年）")]
    assert len(side) == 1 and "苏州" in side[0] and "无锡" in side[0] and "1200亿元" in side[0]
    assert "常州" not in side[0]  # Changzhou's output is for 2022: never set beside 2023
    # a count of firms is never set beside an output value, and nothing is computed
    assert not any("300家" in z and "1200亿元" in z for z in lines)
    assert not any(v in " ".join(lines) for v in ("2100", "300亿元", "1.33", "33%"))


def test_targets_with_their_years_and_side_by_side_targets() -> None:
    lines = [c.zh for c in _digest()]
    assert any(z.startswith("苏州设定目标（2027年）") and "突破2000亿元" in z for z in lines)
    assert any(z.startswith("常州设定目标（2027年）") and "突破1500亿元" in z for z in lines)
    both = next(z for z in lines if z.startswith("目标与期限 · 产值（目标2027年）"))
    assert "苏州" in both and "常州" in both and "无锡" not in both
    assert not any(z.startswith("无锡设定目标") for z in lines)  # no target stated there


def test_every_line_cited_and_verified() -> None:
    claims = _digest()
    assert claims and all(c.status == "verified" and c.cites for c in claims)
    side = next(c for c in claims if c.zh.startswith("产业规模 · 产值（2023年）"))
    assert set(side.cites) == {"jia:p1", "yi:p1"}
    assert "Suzhou CNY 120 billion" in side.en and "Wuxi CNY 90 billion" in side.en


def test_measure_words_are_matched_longest_first() -> None:
    from briefgen.core.types import Fact

    def f(what: str) -> Fact:
        return Fact("1", "万P", what, "", 2024, "scale", "", [])

    assert measure_of(f("智能算力规模"))[0] == "computing"
    assert measure_of(f("生物医药产业规模"))[0] == "scale"
    assert measure_of(f("规模以上企业"))[0].startswith("label:")  # only identical labels match


def test_brief_says_what_is_missing_where(tmp_path: Path) -> None:
    from briefgen.core.types import Usage
    from briefgen.output.report import Brief

    corpus, glossary = _corpus(), load_glossary()
    arts = [summarize_document(d, glossary) for d in corpus.documents]
    comp = compare(corpus, DIMS, glossary, {a.doc_id: a.facts for a in arts})
    summary = executive_digest(arts, comp, glossary, corpus.excerpt_index())
    brief = Brief(corpus, arts, comp, summary, Usage(), {"hash": "h", "prompts_version": None}, "extractive",
                  "2024-03-02", city_en={"苏州": "Suzhou", "无锡": "Wuxi", "常州": "Changzhou"})  # fmt: skip
    write_outputs(brief, tmp_path, lang="en")
    md = (tmp_path / "brief.md").read_text(encoding="utf-8")
    summary_part = md.split("## Executive summary")[1].split("## Comparison table")[0]
    missing = [c.city for c in comp.cells if c.dimension == "finance" and c.status == "not_found"]
    assert sorted(missing) == ["常州", "苏州"]
    assert "- Funds and finance: Suzhou; Changzhou" in summary_part or "- Funds and finance: Changzhou; Suzhou" in summary_part


def test_policy_documents_each_city_names_quoted_as_written() -> None:
    policy = Dimension("policy", "政策文件", "Policy documents", ("印发", "出台", "行动计划", "若干措施"))
    texts = {
        "p1": ("苏州", "苏州市政府印发《苏州市新材料产业发展行动计划（2024—2026年）》（以下简称《行动计划》）。"),
        "p2": ("无锡", "无锡出台《无锡市支持新材料产业发展的若干措施》，明确了扶持方向。"),
        "p3": ("常州", "常州新材料企业共500家。"),
    }
    docs = [Document(i, f"{i}.txt", c, "2024-03-01", "日报", None, [c], t, [Excerpt(f"{i}:p1", i, 1, t, t, len(t))])
            for i, (c, t) in texts.items()]  # fmt: skip
    corpus, glossary = Corpus(docs, []), load_glossary()
    arts = [summarize_document(d, glossary) for d in docs]
    comp = compare(corpus, [policy], glossary, {a.doc_id: a.facts for a in arts})
    line = next(c for c in executive_digest(arts, comp, glossary, corpus.excerpt_index()) if c.zh.startswith("政策文件"))
    assert line.status == "verified" and set(line.cites) == {"p1:p1", "p2:p1"}
    assert line.zh == "政策文件：苏州《苏州市新材料产业发展行动计划（2024—2026年）》；无锡《无锡市支持新材料产业发展的若干措施》"
    assert "常州" not in line.zh and "《行动计划》" not in line.zh


def test_a_bar_for_firms_is_not_the_citys_target() -> None:
    text = "力争到2027年，苏州新材料产业产值突破2000亿元，培育营业收入超百亿元的龙头企业3家。"
    doc = Document("t", "t.txt", "苏州", "2024-03-01", "日报", None, ["苏州"], text, [Excerpt("t:p1", "t", 1, text, text, len(text))])
    corpus, glossary = Corpus([doc], []), load_glossary()
    arts = [summarize_document(doc, glossary)]
    comp = compare(corpus, DIMS, glossary, {"t": arts[0].facts})
    line = next(c.zh for c in executive_digest(arts, comp, glossary, corpus.excerpt_index()) if "设定目标" in c.zh)
    assert "突破2000亿元" in line and "超百亿元" not in line
