"""Key sentences of an article by TextRank: PageRank over sentence similarity.

Sentences are split on Chinese/Latin end punctuation, tokenised with jieba and
compared by token overlap (log-normalised, as in the original TextRank paper);
a sentence that shares content words with many others is central.  No model.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np

from briefgen.core.types import Document
from briefgen.text.script import garbled

# An ASCII ! or ? ends a sentence only before a space, a closing quote or the end: wedged
# between characters ("或?qū…") it stands for a character the page lost, not a full stop.
_ASCII_END = r"[!?](?=[\s”」』\"]|$)"
_ASCII_IN = r"[!?](?![\s”」』\"]|$)"
_END = re.compile(rf"(?:[^。！？!?；;\n]|{_ASCII_IN})+(?:(?:[。！？；;]|{_ASCII_END})+[”」』\"]?)?")
_END_FULL = re.compile(rf"(?:[^。！？!?\n]|{_ASCII_IN})+(?:(?:[。！？]|{_ASCII_END})+[”」』\"]?)?")
_SHORT = 8  # characters; shorter fragments are headings or captions, not sentences
_CJK_OR_WORD = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]{2,}|\d")


def split_sentences(text: str, *, semicolons: bool = True) -> list[tuple[str, int]]:
    """Sentences of ``text`` with their start offsets (split on 。！？!? and newlines,
    and on ；; unless ``semicolons`` is False)."""
    out = []
    for m in (_END if semicolons else _END_FULL).finditer(text):
        s = m.group()
        stripped = s.strip()
        if stripped:
            out.append((stripped, m.start() + (len(s) - len(s.lstrip()))))
    return out


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


_STOP = set(
    "的 了 和 与 及 在 是 为 对 将 等 并 也 把 被 从 以 于 中 上 下 个 这 那 其 之 而 或 就 都 要 已 有".split()
)


def tokens(text: str) -> list[str]:
    """Content tokens (jieba words, no punctuation or stop words)."""
    return [
        w for w in _jieba().lcut(text) if w.strip() and w not in _STOP and _CJK_OR_WORD.search(w)
    ]


# TextRank compares every pair of sentences, so one graph is kept to this many sentences:
# a longer text is ranked in consecutive windows of this size. Time and memory then grow
# linearly with the text (a 15,000-sentence article once took minutes and gigabytes, and
# a 10 MB one asked numpy for an array of over 100 GiB). News articles have far fewer
# sentences, so their ranking is unchanged.
WINDOW = 400


def textrank(sentences: list[str], *, damping: float = 0.85, iterations: int = 60) -> list[float]:
    """TextRank score of each sentence (sums to 1; uniform if nothing is shared).

    Texts longer than ``WINDOW`` sentences are ranked window by window, each window's
    scores weighted by its share of the sentences, so the result still sums to 1."""
    n = len(sentences)
    if n <= WINDOW:
        return _textrank_graph(sentences, damping=damping, iterations=iterations)
    out: list[float] = []
    for start in range(0, n, WINDOW):
        part = sentences[start : start + WINDOW]
        weight = len(part) / n
        out.extend(
            s * weight for s in _textrank_graph(part, damping=damping, iterations=iterations)
        )
    return out


def _textrank_graph(sentences: list[str], *, damping: float, iterations: int) -> list[float]:
    n = len(sentences)
    if n == 0:
        return []
    toks = [set(tokens(s)) for s in sentences]
    w = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            shared = len(toks[i] & toks[j])
            if shared and len(toks[i]) > 1 and len(toks[j]) > 1:
                w[i, j] = w[j, i] = shared / (math.log(len(toks[i])) + math.log(len(toks[j])))
    out = w.sum(axis=1)
    trans = np.divide(w, out[:, None], out=np.zeros_like(w), where=out[:, None] > 0)
    score = np.full(n, 1.0 / n)
    for _ in range(iterations):
        new = (1 - damping) / n + damping * (trans.T @ score)
        new += damping * score[out == 0].sum() / n  # dangling sentences share evenly
        if np.abs(new - score).sum() < 1e-9:
            score = new
            break
        score = new
    return [float(x) for x in score / score.sum()]


def key_sentences(doc: Document, k: int = 5) -> list[tuple[str, str]]:
    """The ``k`` most central sentences as (sentence, excerpt_id), in DOCUMENT order
    (rank decides which are kept; reading order keeps the summary coherent).  Sentences
    with garbled characters are never quoted."""
    cands: list[tuple[str, str]] = []
    for ex in doc.excerpts:
        for s, _ in split_sentences(ex.text):
            if len(s) >= _SHORT and re.search(r"[\u4e00-\u9fff]", s) and not garbled(s):
                cands.append((s, ex.id))
    if not cands:
        return []
    scores = textrank([s for s, _ in cands])
    best = sorted(range(len(cands)), key=lambda i: (-scores[i], i))[:k]
    return [cands[i] for i in sorted(best)]
