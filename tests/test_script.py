"""Script normalisation: spaces, pinyin notes, traditional -> simplified."""

from __future__ import annotations

from briefgen.text.script import (
    normalise,
    normalise_original,
    normalise_spaces,
    strip_pinyin,
    to_simplified,
)


def test_spaces_are_folded_and_zero_width_removed() -> None:
    assert normalise_spaces("产业\u00a0\u3000 集群\u200b发展") == "产业 集群发展"


def test_fullwidth_digits_become_ascii_but_chinese_punctuation_stays() -> None:
    assert normalise_spaces("产值１２．５亿元，增长８％。") == "产值12.5亿元，增长8%。"


def test_pinyin_after_characters_is_removed() -> None:
    assert strip_pinyin("火炬開發(fā)區(qū)產(chǎn)業(yè)") == "火炬開發區產業"
    assert strip_pinyin("創（chuàng）新") == "創新"


def test_brackets_that_are_not_pinyin_are_kept() -> None:
    text = "人工智能(ai)、中国(china)、计划(2023—2025年)、药物(AI)"
    assert strip_pinyin(text) == text


def test_traditional_to_simplified() -> None:
    assert to_simplified("醫藥產業發展") == "医药产业发展"
    assert to_simplified("plain ascii") == "plain ascii"


def test_normalise_original_keeps_traditional_wording() -> None:
    assert normalise_original("與深圳同向發(fā)力") == "與深圳同向發力"
    assert normalise("與深圳同向發(fā)力") == "与深圳同向发力"


def test_line_breaks_survive_normalisation() -> None:
    assert normalise("第一行\n第二(èr)行").split("\n") == ["第一行", "第二行"]


def test_garbled_runs_are_found_and_ordinary_marks_are_not() -> None:
    from briefgen.text.script import garbled

    assert garbled("通过引进股权投资或?qū)嵤┎①徶亟M发展壮大") == ["或?qū)嵤┎①"]
    assert garbled("产值�亿元") == ["值�亿"]
    for fine in ("你知道吗?我们来了", "见 http://x.cn/a?b=1", "①提升；②扩大", "■ 图为园区", "Zhōngshān"):
        assert garbled(fine) == [], fine
