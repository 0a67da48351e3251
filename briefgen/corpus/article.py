"""Where the article is on a page: its title, where its body starts, where it ends.

Why structure first: where the article ends is decided by the page's layout,
not by words.  The body is cut into blocks at end-of-article signals
(editor/source lines, link lists, reposts, a new [headline]) and at
subheadings; only a trailing block that starts at such a boundary and shares
few keywords with the article is dropped as "unrelated", so a long article
whose later paragraphs drift from the title keeps them.  Short lines that read
as article text (ending in 。； or starting with 一是/（三）, or numbered items
with figures) are not taken for link titles: they close the article when they
follow its last paragraph, even behind an editor line.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from briefgen.corpus import thresholds as th
from briefgen.corpus.lines import (
    BULLET,
    KEY_STRIP,
    LEAD_IN,
    TAG_BRACKET,
    Line,
    bigrams,
    headline_like,
    is_sentence,
    point_like,
    tag_title,
    title_like,
)
from briefgen.corpus.rules import editor_line, pattern
from briefgen.text.script import HAN_RUN, han_count, normalise_original, to_simplified

# ------------------------------------------------------------------- title


@dataclass
class Title:
    """The headline (line index when it is a line of the page) and where the body starts."""

    index: int | None
    text: str | None
    original: str | None
    body_start: int


def skip_meta(lines: list[Line], i: int) -> int:
    """The first line from ``i`` not already dropped."""
    while i < len(lines) and lines[i].reason is not None:
        i += 1
    return i


def first_content(lines: list[Line], i: int) -> int:
    """The first line from ``i`` that is kept and has some Chinese text."""
    while i < len(lines) and (lines[i].reason is not None or han_count(lines[i].norm) < th.CONTENT_MIN_HAN):
        i += 1
    return i


def _header_meta(lines: list[Line]) -> int | None:
    """Index of the date/source line that sits under the headline, if any."""
    paragraphs = 0
    for i, ln in enumerate(lines[: th.HEADER_SCAN]):
        if ln.reason == "metadata" and not editor_line(ln.norm):
            return i if paragraphs <= 1 else None
        if ln.reason is None and len(ln.norm) >= th.HEADER_PARAGRAPH_MIN and is_sentence(ln.norm):
            paragraphs += 1
            if paragraphs > 1:
                return None
    return None


def _matches_title(key: str, t_key: str) -> bool:
    """A line that is the title, holds it with a short kicker, or is most of it."""
    if not key:
        return False
    return key == t_key or (t_key in key and len(key) <= len(t_key) + th.TITLE_EXTRA) or (
        len(key) >= th.TITLE_PART * len(t_key) and key in t_key
    )


def _from_markup(lines: list[Line], page_title: str) -> Title:
    """The markup names the title: find its line (so it leaves the body) or keep it apart."""
    t_orig = normalise_original(page_title).strip()
    t_norm = to_simplified(t_orig).strip()
    t_key = KEY_STRIP.sub("", t_norm).lower()
    for i, ln in enumerate(lines[: th.TITLE_SCAN]):
        if ln.reason in (None, "duplicate", "link-list") and _matches_title(ln.key, t_key):
            return Title(i, ln.norm, ln.orig, skip_meta(lines, i + 1))
    return Title(None, t_norm, t_orig, first_content(lines, 0))


def _near_meta(lines: list[Line], m: int) -> Title:
    """The headline next to the date/source line: the line above it, else the one below."""
    window = [
        i for i in range(max(0, m - th.TITLE_WINDOW), min(len(lines), m + th.TITLE_WINDOW))
        if i != m and lines[i].reason in (None, "duplicate") and headline_like(lines[i].norm)
    ]
    # A headline repeated inside a longer line (page title + kicker) marks the real title.
    contained = [a for a in window if any(a != b and lines[a].key in lines[b].key for b in window)]
    before = [a for a in window if a < m]
    after = [a for a in window if a > m]
    pick: int | None
    if contained:
        pick = min(contained, key=lambda a: abs(a - m))
    else:
        pick = before[-1] if before else (after[0] if after else None)
    if pick is None:
        return Title(None, None, None, skip_meta(lines, m + 1))
    return Title(pick, lines[pick].norm, lines[pick].orig, skip_meta(lines, max(pick, m) + 1))


def _from_first_line(lines: list[Line]) -> Title:
    """No markup title and no date line: a 【bracketed】 lead or a headline-shaped first line."""
    first = first_content(lines, 0)
    if first >= len(lines):
        return Title(None, None, None, first)
    ln = lines[first]
    mt = tag_title(ln.norm)
    if mt:
        mo = TAG_BRACKET.match(ln.orig)
        orig_title = mo.group("title") if mo else mt.group("title")
        return Title(None, mt.group("title").strip(), orig_title.strip(), first)
    if headline_like(ln.norm) and not BULLET.match(ln.norm):  # "- 平台:安卓" is a list item, not a headline
        return Title(first, ln.norm, ln.orig, skip_meta(lines, first + 1))
    return Title(None, None, None, first)


def find_title(lines: list[Line], page_title: str | None) -> Title:
    """The headline and the body start, by the first strategy that applies."""
    if page_title:
        return _from_markup(lines, page_title)
    m = _header_meta(lines)
    if m is not None:
        return _near_meta(lines, m)
    return _from_first_line(lines)


# ------------------------------------------------------------ topic support


def similarities(lines: list[Line], idx: list[int], title: str | None) -> dict[int, float]:
    """Share of each line's bigrams found in the title or in another line of ``idx``."""
    # The topic comes from running text only, so list items do not vouch for each other.
    idx = [i for i in idx if is_sentence(lines[i].norm)]
    df: Counter[str] = Counter()
    for i in idx:
        df.update(lines[i].bigrams)
    title_bg = bigrams(title or "")
    seen_once = set(df) | title_bg  # support for lines outside the topic lines
    seen_twice = {b for b, c in df.items() if c >= 2} | title_bg  # for topic lines: support elsewhere
    members = set(idx)
    sims: dict[int, float] = {}
    for i, ln in enumerate(lines):
        bg = ln.bigrams
        if not bg:
            sims[i] = 0.0
            continue
        support = seen_twice if i in members else seen_once
        sims[i] = len(bg & support) / len(bg)
    return sims


# ------------------------------------------------------------ article end

# Dropped lines that mark the end of an article when body text follows them.
_BOUNDARY_REASONS = {"metadata", "link-list", "footer", "disclaimer", "widget", "spam", "more-link", "search", "breadcrumb"}


@dataclass
class Block:
    """Body lines between two boundaries, and what kind of boundary opened them."""

    idx: list[int]
    opened_by: str  # "start", "end" (end-of-article signal) or "heading" (subheading, separator)


def blocks(lines: list[Line], start: int, end: int) -> list[Block]:
    """Split the body region into blocks at structural boundaries (one pass)."""
    out: list[Block] = []
    end_seen = soft_seen = False
    duplicates = 0
    has_sentence = False
    for i in range(start, end):
        ln = lines[i]
        if ln.reason is not None:
            if ln.reason in _BOUNDARY_REASONS:
                end_seen = True
            elif ln.reason == "duplicate":
                duplicates += 1
                end_seen = end_seen or duplicates >= th.REPOST_DUPLICATES  # a repost, not a pull quote
            continue
        text = ln.norm
        if not KEY_STRIP.sub("", text):
            soft_seen = True  # a separator such as "---" or "***"
            continue
        sentence = is_sentence(text)
        opened_by = None
        if not out:
            opened_by = "start"
        elif end_seen or tag_title(text) or pattern("news-brief").match(text):
            opened_by = "end"
        elif (soft_seen or (not sentence and headline_like(text))) and has_sentence:
            opened_by = "heading"  # consecutive headings open one block together
        if opened_by:
            out.append(Block([i], opened_by))
            has_sentence = sentence
        else:
            out[-1].idx.append(i)
            has_sentence = has_sentence or sentence
        end_seen = soft_seen = False
        duplicates = 0
    return out


def _off_topic(
    grams_by_line: list[frozenset[str]], text: str, df: Counter[str], top: set[str], title_bg: frozenset[str]
) -> bool:
    """True when a block shares too little with the article so far (see thresholds.MIN_COVERAGE)."""
    if len(top) < th.MIN_TOPIC_WORDS:
        return False  # too little text kept to know the topic
    grams: set[str] = set().union(*grams_by_line)
    expected = max(1.0, min(len(top), len(grams) / 8))
    if len(grams & top) / expected >= th.MIN_COVERAGE:
        return False
    counts: Counter[str] = Counter()
    for run in HAN_RUN.findall(text):
        counts.update(map(str.__add__, run, run[1:]))
    own = [b for b, c in counts.items() if c >= 2]
    return len(own) < 3 or sum(b in df or b in title_bg for b in own) / len(own) < th.OWN_WORDS_ON_TOPIC


def _foreign_blocks(lines: list[Line], blocks_: list[Block], title_bg: frozenset[str]) -> tuple[list[bool], Counter[str]]:
    """Which blocks are off topic, and the bigram counts of the text kept."""
    df: Counter[str] = Counter()
    top: set[str] = set(title_bg)
    kept = top_at = 0  # paragraphs kept; paragraphs kept when ``top`` was computed
    off: list[bool] = []
    for block in blocks_:
        sentences = [i for i in block.idx if is_sentence(lines[i].norm)]
        foreign = False
        if block.opened_by != "start" and sentences:
            if kept != top_at and (top_at < 8 or kept * 4 >= top_at * 5):  # geometric: linear overall
                top = {b for b, c in df.most_common(th.TOP_KEYWORDS) if c >= 2} | title_bg
                top_at = kept
            heads = [i for i in block.idx if i < sentences[0]]
            if not any(lines[i].bigrams & top for i in heads):
                text = "\n".join(lines[i].norm for i in sentences)
                foreign = _off_topic([lines[i].bigrams for i in sentences], text, df, top, title_bg)
        off.append(foreign)
        if not foreign:
            for i in sentences:
                df.update(lines[i].bigrams)
            kept += len(sentences)
    return off, df


def _closing_points(lines: list[Line], blocks_: list[Block], vocab: set[str]) -> set[int]:
    """Short paragraphs and enumerated points that count as article text (see ``judge_blocks``)."""
    points = {
        i for b in blocks_ for i in b.idx
        if not is_sentence(lines[i].norm) and point_like(lines[i].norm) and lines[i].bigrams & vocab
    }
    for b in blocks_:  # a lead-in line ending with a colon goes with the points under it
        points.update(i for i, j in zip(b.idx, b.idx[1:], strict=False) if j in points and LEAD_IN.search(lines[i].norm))
    return points


def judge_blocks(lines: list[Line], blocks_: list[Block], title: str | None) -> int:
    """Drop the off-topic blocks that end the page; return the index of the last kept paragraph.

    The first block is the article's start and always stays; a long article's later
    paragraphs may drift from the title, so nothing inside a run of body paragraphs
    is judged.  A block that starts at a boundary is compared with the title and the
    text kept so far; an off-topic block is dropped only when no on-topic block
    follows it (appended items come after the article, not inside it).
    """
    title_bg = bigrams(title or "")
    off, df = _foreign_blocks(lines, blocks_, title_bg)
    with_text = [any(is_sentence(lines[i].norm) for i in b.idx) for b in blocks_]
    last_on = max((k for k, foreign in enumerate(off) if not foreign and with_text[k]), default=0)
    # Short paragraphs and enumerated points close many articles ("二是…。"); they count as text
    # when they read like it and share a word with the article.  After the last on-topic block
    # (e.g. behind an editor line) only those before any further running text are the article's.
    points = _closing_points(lines, blocks_, set(df) | title_bg)
    last = -1
    closing = True  # still in the sentence-less blocks right after the last on-topic block
    for k, block in enumerate(blocks_):
        if k <= last_on:
            last = max([last, *(i for i in block.idx if is_sentence(lines[i].norm) or i in points)])
            continue
        closing = closing and not with_text[k]
        for i in block.idx:
            ln = lines[i]
            if closing and i in points:
                last = max(last, i)
                continue
            short_link = BULLET.match(ln.norm) or title_like(ln.norm)
            ln.reason = "link-list" if short_link and not is_sentence(ln.norm) else "unrelated"
    return last
