"""TextRank key sentences: central sentences win, citations point at their excerpt."""

from __future__ import annotations

from briefgen.core.types import Document, Excerpt
from briefgen.evidence.keysentences import key_sentences, split_sentences, textrank


def make_doc(paragraphs: list[str]) -> Document:
    exs = [Excerpt(f"d:p{i}", "d", i, p, p) for i, p in enumerate(paragraphs, 1)]
    return Document("d", "d.txt", None, None, None, None, [], "\n".join(paragraphs), exs)


def test_split_sentences_offsets_and_semicolons() -> None:
    text = "第一句话。第二句话；第三句\n第四句!"
    parts = split_sentences(text)
    assert [s for s, _ in parts] == ["第一句话。", "第二句话；", "第三句", "第四句!"]
    assert all(text[i : i + len(s)] == s for s, i in parts)
    assert len(split_sentences(text, semicolons=False)) == 3


def test_central_sentence_scores_highest() -> None:
    sents = [
        "生物医药产业集群发展迅速,产业规模持续扩大。",
        "生物医药企业加快集聚,产业集群效应明显。",
        "产业集群带动生物医药创新发展。",
        "今天天气晴朗适合出游。",
    ]
    scores = textrank(sents)
    assert abs(sum(scores) - 1) < 1e-6
    assert scores.index(min(scores)) == 3


def test_key_sentences_in_document_order_with_excerpt_ids() -> None:
    doc = make_doc(
        [
            "今天天气晴朗适合出游。生物医药产业集群发展迅速。",
            "生物医药企业加快集聚,产业集群效应明显。",
            "生物医药产业集群带动创新发展。",
        ]
    )
    got = key_sentences(doc, k=2)
    assert len(got) == 2
    assert all(s in doc.excerpts[int(eid.split(":p")[1]) - 1].text for s, eid in got)
    order = [doc.text.index(s) for s, _ in got]
    assert order == sorted(order)
    assert "天气" not in "".join(s for s, _ in got)


def test_empty_document_has_no_key_sentences() -> None:
    assert key_sentences(make_doc([]), k=3) == []


def test_question_mark_inside_a_word_does_not_end_the_sentence() -> None:
    out = [s for s, _ in split_sentences("或?qū)嵤发展壮大,政府共建。他问：“为什么?”然后走了。Is it? Yes!")]
    assert out == ["或?qū)嵤发展壮大,政府共建。", "他问：“为什么?”", "然后走了。", "Is it?", "Yes!"]


def test_long_text_is_ranked_in_windows_with_bounded_memory() -> None:
    """A text far longer than one window is ranked without an n-by-n matrix (issue 14)."""
    import tracemalloc

    from briefgen.evidence.keysentences import WINDOW, textrank

    sentences = [f"第{i}家企业在园区投资建设新项目，带动产业链发展。" for i in range(WINDOW * 6)]
    tracemalloc.start()
    scores = textrank(sentences)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(scores) == len(sentences)
    assert abs(sum(scores) - 1.0) < 1e-6
    # one window's matrices are a few MB; the whole 2,400 x 2,400 graph would be ~46 MB per copy
    assert peak < 20 * 1024 * 1024


def test_short_text_ranking_is_one_graph() -> None:
    from briefgen.evidence.keysentences import textrank

    sentences = ["生物医药产业规模突破千亿元。", "生物医药企业超过千家。", "天气晴朗。"]
    scores = textrank(sentences)
    assert scores[2] < scores[0] and scores[2] < scores[1]
