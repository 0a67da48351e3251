"""Comparison cells without a model (issue 15): one specific keyword is enough, views and
reporters' questions are never cells, and no sentence fills two cells."""

from __future__ import annotations

from briefgen.core.types import Corpus, Dimension, Document, Excerpt
from briefgen.engines.extractive import compare
from briefgen.evidence.glossary import load_glossary


def _corpus(*paras: str) -> Corpus:
    ex = [Excerpt(f"a:p{i}", "a", i, t, t, len(t)) for i, t in enumerate(paras, 1)]
    return Corpus([Document("a", "a.txt", "甲市新材料", "2024-03-01", "日报", None, ["苏州"], "\n".join(paras), ex)], [])


def _cells(corpus: Corpus, *dims: Dimension) -> dict[str, tuple[str, str]]:
    comp = compare(corpus, list(dims), load_glossary())
    return {c.dimension: (c.status, c.zh) for c in comp.cells}


FUND = Dimension("finance", "资金与金融", "Funds and finance", ("产业投资基金", "贷款"))
WEAK = Dimension("weak", "弱", "Weak", ("基金", "贷款"))
PARKS = Dimension("parks", "园区与载体", "Parks and carriers", ("新材料产业园", "共建"))


def test_one_specific_keyword_is_enough_a_short_one_is_not() -> None:
    corpus = _corpus("苏州设立新材料领域的产业投资基金，首期规模由市财政出资。")
    cells = _cells(corpus, FUND, WEAK)
    assert cells["finance"][0] == "verified" and "产业投资基金" in cells["finance"][1]
    assert cells["weak"][0] == "not_found"  # 基金 alone (two characters) is too common to decide


def test_views_and_questions_are_not_cells() -> None:
    corpus = _corpus("业内人士认为，苏州可在新材料产业园共建方面加强合作。", "苏州如何建好新材料产业园？")
    assert _cells(corpus, PARKS)["parks"][0] == "not_found"
    corpus = _corpus("业内人士认为，苏州可在新材料产业园共建方面加强合作。", "苏州将在吴江建设新材料产业园。")
    assert _cells(corpus, PARKS)["parks"] == ("verified", "苏州将在吴江建设新材料产业园。")


def test_a_sentence_fills_one_cell_only() -> None:
    corpus = _corpus("苏州将建设新材料产业园，并设立产业投资基金。")
    cells = _cells(corpus, PARKS, FUND)
    statuses = sorted(status for status, _ in cells.values())
    assert statuses == ["not_found", "verified"]


def test_a_sentence_repeated_in_two_paragraphs_is_one_bullet() -> None:
    from briefgen.engines.extractive import summarize_document

    paras = ["苏州新材料产业产值达到1200亿元，同比增长12%。", "苏州将建设新材料产业园，打造千亿级产业集群。",
             "苏州新材料产业产值达到1200亿元，同比增长12%。", "苏州新材料企业共300家，其中上市公司20家。"]  # fmt: skip
    doc = _corpus(*paras).documents[0]
    bullets = [c.zh for c in summarize_document(doc, load_glossary()).claims]
    assert bullets.count("苏州新材料产业产值达到1200亿元，同比增长12%。") == 1


def test_a_cell_holds_only_its_citys_figures() -> None:
    def doc(doc_id: str, city: str, text: str) -> Document:
        return Document(doc_id, f"{doc_id}.txt", city, "2024-03-01", "日报", None, [city], text,
                        [Excerpt(f"{doc_id}:p1", doc_id, 1, text, text, len(text))])  # fmt: skip

    corpus = Corpus([doc("sz", "苏州", "2023年苏州新材料产业产值达到1200亿元，无锡新材料产业产值为900亿元。"),
                     doc("wx", "无锡", "无锡新材料企业共50家。")], [])  # fmt: skip
    scale = Dimension("scale", "产业规模", "Industry scale", ("产值", "企业"))
    cells = {c.city: c.zh for c in compare(corpus, [scale], load_glossary()).cells}
    assert "1200亿元" in cells["苏州"] and "900亿元" not in cells["苏州"]


def test_a_bar_per_firm_comes_after_the_citys_own_targets() -> None:
    # 超百亿元 is what each leading firm must sell, not the city's target: it must not lead
    target = Dimension("target", "目标与期限", "Targets and deadlines", ("力争", "目标"))
    corpus = _corpus(
        "到2026年，力争培育销售收入超过50亿元的龙头企业2家，全市新材料产业产值突破800亿元，"
        "新增高新技术企业150家。"
    )
    status, zh = _cells(corpus, target)["target"]
    assert status == "verified"
    assert "800亿元" in zh and "150家" in zh
    assert "超过50亿元" not in zh or zh.index("超过50亿元") > max(zh.index("800亿元"), zh.index("150家"))
