"""The no-model engine: verbatim cited Chinese, structured English, honest cells."""

from __future__ import annotations

from dataclasses import replace

from briefgen.core.statuses import NOT_FOUND_EN, NOT_FOUND_ZH
from briefgen.core.types import Corpus, Document, Excerpt
from briefgen.engines.extractive import (
    checked,
    compare,
    executive_summary,
    summarize_document,
)
from briefgen.evidence.dimensions import load_dimensions
from briefgen.evidence.facts import extract_facts
from briefgen.evidence.glossary import load_glossary

FOSHAN = [
    "佛山市人民政府办公室印发了《佛山市生物医药与健康产业集群行动计划》。",
    "全市2022年医药健康产业集群累计实现产值462.2亿元,其中规模以上企业约167家。",
    "力争到2025年,实现医药健康产业集群总产值超1000亿元,培育链主企业不少于2家。",
]
CHENGDU = [
    "成都天府国际生物城规划面积约44平方公里,目前累计落户项目180个,总投资超1200亿元。",
    "生物城专业人才超过7000人。",
]
BOTH = ["成都与佛山签署合作协议。成都新设50亿元产业基金,佛山新增3个产业园。"]


def make_doc(
    doc_id: str, paragraphs: list[str], cities: list[str], title: str = "产业集群发展"
) -> Document:
    exs = [Excerpt(f"{doc_id}:p{i}", doc_id, i, p, p) for i, p in enumerate(paragraphs, 1)]
    return Document(
        doc_id, f"{doc_id}.txt", title, "2023-11-20", None, None, cities, "\n".join(paragraphs), exs
    )


def corpus() -> Corpus:
    return Corpus(
        [
            make_doc("fs", FOSHAN, ["佛山"]),
            make_doc("cd", CHENGDU, ["成都"]),
            make_doc("both", BOTH, ["成都", "佛山"]),
        ],
        [],
    )


def test_summary_claims_are_verbatim_and_cited() -> None:
    doc = make_doc("fs", FOSHAN, ["佛山"], title="佛山出台生物医药三年行动计划")
    s = summarize_document(doc, load_glossary())
    assert s.engine == "extractive" and s.claims and not s.rejected
    index = {e.id: e.text for e in doc.excerpts}
    for c in s.claims:
        assert c.status == "verified" and c.zh in index[c.cites[0]]
    english = " ".join(c.en for c in s.claims)
    assert "CNY 46.22 billion (2022)" in english and "[Foshan" in english
    assert s.title_en is not None and "biomedicine" in s.title_en
    assert {(f.value, f.unit) for f in s.facts} >= {("462.2", "亿元"), ("1000", "亿元")}


def test_sentence_without_figures_is_marked_as_needing_a_model() -> None:
    doc = make_doc(
        "p", ["佛山市人民政府办公室印发了《佛山市生物医药与健康产业集群行动计划》。"], ["佛山"]
    )
    (claim,) = summarize_document(doc, load_glossary()).claims
    assert "translation needs a model" in claim.en and "action plan" in claim.en


def test_comparison_fills_cells_from_each_citys_own_sources() -> None:
    comp = compare(corpus(), load_dimensions(), load_glossary())
    cells = {(c.city, c.dimension): c for c in comp.cells}
    assert set(comp.cities) == {"佛山", "成都"}
    assert len(comp.cells) == 2 * len(comp.dimensions)
    scale = cells[("佛山", "scale")]
    assert (
        scale.status == "verified"
        and "462.2亿元" in scale.zh
        and "CNY 46.22 billion (2022)" in scale.en
    )
    target = cells[("佛山", "target")]
    assert "target 2025" in target.en and target.cites == ["fs:p3"]
    # the two-city article gives Chengdu its fund, and not Foshan's parks
    assert "CNY 5 billion" in cells[("成都", "finance")].en
    assert all(
        c.cites and all(x.startswith(("fs", "both")) for x in c.cites)
        for c in comp.cells
        if c.city == "佛山" and c.cites
    )
    assert not any("50亿元" in c.zh for c in comp.cells if c.city == "佛山")


def test_empty_cells_say_not_found_and_every_filled_cell_is_checked() -> None:
    comp = compare(corpus(), load_dimensions(), load_glossary())
    for c in comp.cells:
        if c.status == "not_found":
            assert (c.zh, c.en, c.cites) == (NOT_FOUND_ZH, NOT_FOUND_EN, [])
        else:
            assert c.status == "verified" and c.cites and c.reasons == []
    assert any(c.status == "not_found" for c in comp.cells)


def test_checked_catches_wrong_figures_misquotes_and_invented_cites() -> None:
    doc = make_doc("fs", FOSHAN, ["佛山"])
    index = {e.id: e for e in doc.excerpts}
    facts = [f for f in extract_facts(doc, load_glossary()) if f.value == "462.2"]
    assert facts and checked("产值", "x", ["fs:p2"], index, facts=facts).reasons == []
    wrong = replace(facts[0], value="4622")
    assert any("4622" in r for r in checked("产值", "x", ["fs:p2"], index, facts=[wrong]).reasons)
    wrong_year = replace(facts[0], year=2019, year_source="explicit")
    assert any("2019" in r for r in checked("产值", "x", ["fs:p2"], index, facts=[wrong_year]).reasons)
    sentence = FOSHAN[1]
    assert checked(sentence, "x", ["fs:p2"], index, quote=sentence).reasons == []
    assert "quoted sentence not in the cited text" in checked("佛山产值500亿元。", "x", ["fs:p2"], index, quote="佛山产值500亿元。").reasons
    assert "unknown citation fs:p9" in checked(sentence, "x", ["fs:p9"], index, quote=sentence).reasons
    assert "no citation" in checked("说明", "note", [], index).reasons


def test_executive_summary_cites_strongest_figures() -> None:
    c = corpus()
    g = load_glossary()
    arts = [summarize_document(d, g) for d in c.documents]
    index = c.excerpt_index()
    claims = executive_summary(arts, compare(c, load_dimensions(), g), g, excerpts=index)
    texts = " ".join(x.en for x in claims)
    assert "Foshan: CNY 46.22 billion (2022)" in texts and "Chengdu: over CNY 120 billion" in texts
    assert claims and all(x.cites and x.status == "verified" and not x.reasons for x in claims)


def test_cells_show_each_year_and_never_repeat_a_figure() -> None:
    doc = make_doc(
        "fs2",
        [
            "2022年全市医药健康产业集群实现产值462.2亿元。",
            "业内人士认为，从462.2亿元到1000亿元，产值要翻番。",
            "全市现有医药企业520家。",
        ],
        ["佛山"],
    )
    comp = compare(Corpus([doc], []), load_dimensions(), load_glossary())
    scale = next(c for c in comp.cells if c.dimension == "scale")
    assert scale.zh.count("462.2亿元") == 1 and "（2022年）" in scale.zh
    # a figure with no year of its own is shown as "reported" on the article's date (not
    # "as of" it, which would call it current), never as a bare year
    assert "520家（报道于2023年11月20日）" in scale.zh and "(reported 2023-11-20)" in scale.en
    assert scale.status == "verified"


def test_firm_counts_and_revenue_fill_industry_scale() -> None:
    docs = [
        make_doc(
            "wh",
            ["截至2023年底，武汉光谷生物城已集聚生物企业2500家，实现总收入1800亿元。"],
            ["武汉"],
        ),
        make_doc("sz", ["苏州生物医药产业园已入驻企业1200余家，其中上市公司45家。"], ["苏州"]),
    ]
    comp = compare(Corpus(docs, []), load_dimensions(), load_glossary())
    cells = {(c.city, c.dimension): c for c in comp.cells}
    wuhan, suzhou = cells[("武汉", "scale")], cells[("苏州", "scale")]
    assert wuhan.status == suzhou.status == "verified"
    assert "1800亿元（2023年）" in wuhan.zh and "2500家" in wuhan.zh
    assert "CNY 180 billion (2023): total revenue" in wuhan.en
    assert "45家" in suzhou.zh and "listed companies" in suzhou.en


def test_targets_cell_reads_targets_only_with_their_year() -> None:
    doc = make_doc(
        "qd",
        [
            "2022年，全市营业收入560亿元。《计划》提出，到2025年，全市海洋生物医药产业产值力争达到1000亿元。"
        ],
        ["青岛"],
    )
    comp = compare(Corpus([doc], []), load_dimensions(), load_glossary())
    cells = {c.dimension: c for c in comp.cells}
    assert "1000亿元（目标2025年）" in cells["target"].zh and "560" not in cells["target"].zh
    assert "(target 2025): output value" in cells["target"].en
    assert "560亿元（2022年）" in cells["scale"].zh


def test_key_sentence_cites_the_paragraph_that_gives_its_year() -> None:
    doc = make_doc(
        "fsx",
        ["2022年全市医药健康产业集群产值为462.2亿元。", "从462.2亿元到千亿元，产值要实现翻番。"],
        ["佛山"],
    )
    s = summarize_document(doc, load_glossary(), k=2)
    second = next(c for c in s.claims if c.zh.startswith("从"))
    assert second.cites == ["fsx:p2", "fsx:p1"] and "(2022)" in second.en
    assert [f.value for f in s.facts].count("462.2") == 1  # the restatement is not listed twice


def test_same_number_twice_in_a_sentence_keeps_each_its_own_qualifier() -> None:
    text = "广州现有药品生产企业近1000家，该领域国家高新技术企业超过1000家。"
    doc = make_doc("gz", [text], ["广州"])
    cells = compare(Corpus([doc], []), load_dimensions(), load_glossary()).cells
    zh = "；".join(c.zh for c in cells if c.status == "verified")
    assert "高新技术企业 超过1000家" in zh and "高新技术企业 近1000家" not in zh
