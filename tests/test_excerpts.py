"""excerpts.py: slugs, paragraph excerpts, token cap, stable IDs."""

from __future__ import annotations

import re

from briefgen.corpus.excerpts import make_excerpts, slugify
from briefgen.text import tokens

LONG = "".join(f"第{i}条措施支持生物医药企业扩大产能，新增投资{i * 3}亿元。" for i in range(1, 60))


def test_slugify_ascii_names() -> None:
    assert slugify("Foshan Plan 2023.txt") == "foshan-plan-2023"
    assert slugify("sub/Café_News.HTML") == "cafe-news"


def test_slugify_chinese_names_are_ascii_stable_and_distinct() -> None:
    a, b = slugify("佛山行动计划.txt"), slugify("中山健康基地.txt")
    assert a == slugify("佛山行动计划.txt") and a != b
    assert re.fullmatch(r"[a-z0-9-]+", a) and re.fullmatch(r"[a-z0-9-]+", slugify("2023佛山.md"))
    assert slugify("2023佛山.md").startswith("2023-")


def test_one_excerpt_per_paragraph_numbered_from_one() -> None:
    ex = make_excerpts("fs", ["第一段。", "", "第二段。"], ["第一段。", "", "第二段。"])
    assert [e.id for e in ex] == ["fs:p1", "fs:p2"]
    assert [e.text for e in ex] == ["第一段。", "第二段。"]


def test_long_paragraph_split_at_sentence_ends_under_cap() -> None:
    ex = make_excerpts("d", [LONG], [LONG], max_tokens=80)
    assert len(ex) > 3
    assert all(e.tokens <= 80 and e.tokens == tokens.count(e.text) for e in ex)
    assert all(e.text.endswith("。") for e in ex)
    assert "".join(e.text for e in ex) == LONG


def test_unpunctuated_paragraph_is_still_capped() -> None:
    text = "生物医药" * 400
    ex = make_excerpts("d", [text], [text], max_tokens=50)
    assert all(e.tokens <= 50 for e in ex) and "".join(e.text for e in ex) == text


def test_originals_follow_the_same_cuts() -> None:
    simp = LONG
    trad = LONG.replace("药", "藥").replace("业", "業")
    ex = make_excerpts("d", [simp], [trad], max_tokens=80)
    assert "".join(e.original for e in ex) == trad
    assert all(len(e.original) == len(e.text) for e in ex)


def test_ids_stable_across_runs() -> None:
    lines = ["短段落。", LONG, "结尾。"]
    first = [(e.id, e.text) for e in make_excerpts("x", lines, lines, max_tokens=60)]
    second = [(e.id, e.text) for e in make_excerpts("x", list(lines), list(lines), max_tokens=60)]
    assert first == second and first[-1][0] == f"x:p{len(first)}"
