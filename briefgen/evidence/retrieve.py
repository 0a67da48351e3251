"""Rank excerpts against a query with BM25 over jieba tokens, and fit a token budget.

Long articles do not fit a model's context budget whole; rather than cutting
the tail we keep the excerpts that matter for the question (the summary, or a
comparison dimension).  BM25 needs no model and no network, and jieba gives it
Chinese words to count.  The selection is returned in document order so the
model reads the article as written.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from briefgen.core.types import Excerpt
from briefgen.text import tokens

K1 = 1.5
B = 0.75

_jieba_lock = threading.Lock()
_jieba_ready = False

# Function words that carry no topic (Chinese and English); kept short on purpose.
_STOP = frozenset(
    "的 了 和 与 及 以及 在 是 为 对 等 将 把 被 也 都 而 并 或 其 之 于 从 到 由 中 上 下 "
    "这 那 这个 一个 我们 他们 有 有关 进行 相关 通过 方面 已 已经 还 又 就 要 会 "
    "a an the of and or to in on for by with at from is are was were be as that this it its".split()
)
_WORDY = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")


def _jieba() -> Any:
    """Import and initialise jieba once, without its start-up chatter."""
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        with _jieba_lock:
            if not _jieba_ready:
                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                jieba.initialize()
                _jieba_ready = True
    return jieba


@lru_cache(maxsize=50_000)
def tokenize(text: str) -> tuple[str, ...]:
    """Content words of ``text``: jieba words, lower-cased, no punctuation or stop words."""
    words = _jieba().lcut(text)
    out = []
    for w in words:
        w = w.strip().lower()
        if w and _WORDY.search(w) and w not in _STOP:
            out.append(w)
    return tuple(out)


def _excerpt_tokens(e: Excerpt) -> int:
    return e.tokens if e.tokens > 0 else tokens.count(e.text)


def bm25_scores(docs: Sequence[Sequence[str]], query: Sequence[str]) -> list[float]:
    """Okapi BM25 score of each tokenised doc for the tokenised query."""
    n = len(docs)
    if n == 0:
        return []
    q = Counter(query)
    if not q:
        return [0.0] * n
    avgdl = sum(len(d) for d in docs) / n or 1.0
    df: Counter[str] = Counter()
    for d in docs:
        df.update(set(d) & q.keys())
    idf = {t: math.log(1.0 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in q}
    scores = []
    for d in docs:
        tf = Counter(d)
        norm = K1 * (1.0 - B + B * len(d) / avgdl)
        s = 0.0
        for t, qn in q.items():
            f = tf.get(t, 0)
            if f:
                s += qn * idf[t] * f * (K1 + 1.0) / (f + norm)
        scores.append(s)
    return scores


def rank(excerpts: Sequence[Excerpt], query: str) -> list[tuple[Excerpt, float]]:
    """Excerpts with their BM25 score, best first (ties keep document order)."""
    docs = [tokenize(e.text) for e in excerpts]
    scores = bm25_scores(docs, tokenize(query))
    order = sorted(range(len(excerpts)), key=lambda i: (-scores[i], i))
    return [(excerpts[i], scores[i]) for i in order]


def select(
    excerpts: Sequence[Excerpt],
    query: str,
    max_tokens: int,
    *,
    lead: int = 0,
    only_matching: bool = False,
) -> list[Excerpt]:
    """The most relevant excerpts that fit in ``max_tokens``, in document order.

    ``lead`` first excerpts are taken first when they fit (an article's opening
    usually states its point).  With ``only_matching`` excerpts scoring zero are
    never taken, so a dimension with no evidence gets an empty context.
    """
    items = list(excerpts)
    sizes = [_excerpt_tokens(e) for e in items]
    if not only_matching and sum(sizes) <= max_tokens:
        return items
    position = {id(e): i for i, e in enumerate(items)}
    ranked = rank(items, query)
    chosen: set[int] = set()
    used = 0

    def take(i: int) -> None:
        nonlocal used
        if i not in chosen and used + sizes[i] <= max_tokens:
            chosen.add(i)
            used += sizes[i]

    scores = {position[id(e)]: s for e, s in ranked}
    for i in range(min(lead, len(items))):
        if not only_matching or scores[i] > 0:
            take(i)
    for e, s in ranked:
        if only_matching and s <= 0:
            break
        take(position[id(e)])
    return [items[i] for i in sorted(chosen)]
