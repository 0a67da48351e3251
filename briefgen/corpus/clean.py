"""Clean one page as an editor would: keep the article, record everything taken out.

Cleaning is a pipeline of named passes over the page's lines (see ``PASSES``);
each pass may give a line a reason to drop it, and every removed line is kept in
``Cleaned.dropped`` with that reason.  The rules lean on general signals rather
than on phrases from particular pages: position relative to the title and the
date/source line, line length and sentence punctuation, the shape of link lists
(runs of short title-like lines, bullets, numbered items), repetition, and how
much a line shares with the article's topic.  Phrase lists cover generic web
furniture only and live in ``briefgen/data/cleaning/`` (see ``rules.py``);
where the article starts and ends is ``article.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from briefgen.core.types import Cleaned, RawFile
from briefgen.corpus import thresholds as th
from briefgen.corpus.article import Title, blocks, find_title, judge_blocks, similarities
from briefgen.corpus.injection import find_instruction, may_address_a_model
from briefgen.corpus.lines import (
    BULLET,
    KEY_STRIP,
    Line,
    bigrams,
    is_sentence,
    point_like,
    title_like,
)
from briefgen.corpus.page import Hint, read_page
from briefgen.corpus.rules import classify, is_spam, list_header, pattern
from briefgen.corpus.titles import site_name, tidy_title
from briefgen.text.script import HAN, han_count, normalise_original, to_simplified

# The last paragraph ends in a character or a figure, not in punctuation: it was cut off.
_UNFINISHED = re.compile(rf"[{HAN}0-9A-Za-z]$")


@dataclass
class _State:
    """A page on its way through the passes."""

    lines: list[Line]
    page_title: str | None
    title: Title = field(default_factory=lambda: Title(None, None, None, 0))
    list_start: int = 0  # where a trailing related-reading list begins (len(lines) if none)
    last: int = -1  # the last paragraph of the article
    meta_idx: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def make_lines(raw_lines: list[tuple[str, Hint]]) -> list[Line]:
    """Lines as written and in processing form (spaces fixed, simplified), empty ones left out."""
    # One normalisation and one OpenCC call per page: newlines survive both, so lines stay aligned.
    texts = [t for t, _ in raw_lines]
    origs = [o.strip() for o in normalise_original("\n".join(texts)).split("\n")]
    if len(origs) != len(texts):
        origs = [normalise_original(t).strip() for t in texts]
    kept = [(o, hint) for o, (_, hint) in zip(origs, raw_lines, strict=True) if o]
    joined = to_simplified("\n".join(o for o, _ in kept))
    norms = joined.split("\n")
    if len(norms) != len(kept):
        norms = [to_simplified(o) for o, _ in kept]
    return [Line(o, n.strip(), hint, bigrams(n)) for (o, hint), n in zip(kept, norms, strict=True)]


# ------------------------------------------------------------------- passes


def drop_instructions(st: _State) -> None:
    """Lines that address a language model are not evidence: drop them and say so."""
    for ln in st.lines:
        if may_address_a_model(ln.orig) and find_instruction(ln.orig):
            ln.reason = "instruction"
            st.warnings.append(f'possible prompt injection dropped: "{ln.orig[:40]}"')


def strip_spam_words(st: _State) -> None:
    """A spam brand wedged inside a real sentence goes; the sentence stays (with its figures)."""
    rx = pattern("spam-brand")
    for ln in st.lines:
        if ln.reason or not rx.search(ln.norm.lower()) or is_spam(ln.norm):
            continue  # no brand word, or a spam paragraph that the furniture rules drop whole
        norm = _cut(rx, ln.norm)
        if not is_sentence(norm):
            continue  # a short line made of spam: the furniture rules drop it whole
        orig = _cut(rx, ln.orig) if rx.search(ln.orig.lower()) else _cut_like(ln.orig, ln.norm, rx)
        ln.orig, ln.norm, ln.bigrams = orig, norm, bigrams(norm)
        st.warnings.append(f'spam word removed inside a paragraph: "{norm[:30]}…"')


def _cut(rx: re.Pattern[str], text: str) -> str:
    """``text`` without the matches of ``rx`` (matched case-insensitively, cut as written)."""
    spans = [m.span() for m in rx.finditer(text.lower())]
    out, at = [], 0
    for a, b in spans:
        out.append(text[at:a])
        at = b
    return "".join(out) + text[at:]


def _cut_like(orig: str, norm: str, rx: re.Pattern[str]) -> str:
    """Cut the as-written line where the simplified one matched (same length: same offsets)."""
    if len(orig) != len(norm):
        return orig
    spans = [m.span() for m in rx.finditer(norm.lower())]
    keep = [ch for i, ch in enumerate(orig) if not any(a <= i < b for a, b in spans)]
    return "".join(keep)


def drop_furniture(st: _State) -> None:
    """Web furniture wherever it appears, and repeated lines (a hint from the markup stands)."""
    seen: set[str] = set()
    for ln in st.lines:
        if ln.reason == "instruction":
            continue
        ln.reason = ln.reason or classify(ln.norm)
        key = ln.key
        if ln.reason is None and len(key) >= th.KEY_MIN and key in seen:
            ln.reason = "duplicate"
        if key:
            seen.add(key)


def locate_title(st: _State) -> None:
    """The headline, and where the body starts."""
    st.title = find_title(st.lines, st.page_title)


def drop_header(st: _State) -> None:
    """Everything above the body is page header (its date/source lines are kept as metadata)."""
    for i in range(min(st.title.body_start, len(st.lines))):
        ln = st.lines[i]
        if i == st.title.index:
            continue
        if ln.reason == "metadata":
            st.meta_idx.append(i)
        elif ln.reason is None or ln.reason == "duplicate":
            short = len(ln.norm) < th.HEADER_NAV_MAX or not is_sentence(ln.norm)
            ln.reason = "navigation" if short else "header"


def find_related_list(st: _State) -> None:
    """The related-reading block: from a list header to the end, unless the article resumes."""
    lines, start = st.lines, st.title.body_start
    st.list_start = len(lines)
    for i in range(start, len(lines)):
        if lines[i].reason == "link-list" and list_header(lines[i].norm):
            if any(lines[j].reason is None and is_sentence(lines[j].norm) for j in range(start, i)):
                st.list_start = i
                return


def _link_run_end(lines: list[Line], i: int, stop: int) -> int:
    """End of the run of short title-like lines starting at ``i``."""
    j = i
    while (
        j < stop
        and lines[j].reason is None
        and title_like(lines[j].norm)
        and not is_sentence(lines[j].norm)
        and not point_like(lines[j].norm, weak=False)  # "一是…。" items are text, not links
    ):
        j += 1
    return j


def drop_link_runs(st: _State) -> None:
    """Runs of short title-like lines inside the body are link lists, unless on topic."""
    lines, start, stop = st.lines, st.title.body_start, st.list_start
    core = [i for i in range(start, stop) if lines[i].reason is None and han_count(lines[i].norm) >= th.CONTENT_MIN_HAN]
    sims = similarities(lines, core, st.title.text)
    i = start
    while i < stop:
        j = _link_run_end(lines, i, stop)
        # Numbered items that all carry figures with units are targets or results, not headlines.
        figures = all(point_like(lines[k].norm) for k in range(i, j))
        run = j - i
        if run >= th.LINK_RUN_MIN and sum(sims[k] for k in range(i, j)) / run < th.LINK_RUN_ON_TOPIC and not figures:
            for k in range(i, j):
                lines[k].reason = "link-list"
        i = max(j, i + 1)


def find_article_end(st: _State) -> None:
    """Unrelated items appended to the page start after an end-of-article signal and have their own topic."""
    st.last = judge_blocks(st.lines, blocks(st.lines, st.title.body_start, st.list_start), st.title.text)


def _tail_reason(ln: Line, i: int, st: _State) -> str | None:
    """Why a still-kept body line goes: too short, or left over after the last paragraph."""
    if len(KEY_STRIP.sub("", ln.norm)) < th.KEY_MIN:
        return "short-fragment"
    if i > st.last and (BULLET.match(ln.norm) or title_like(ln.norm)):
        return "link-list"  # headings and link titles left after the last paragraph
    if i > st.last and not is_sentence(ln.norm):
        return "unrelated"
    return None


def settle_body(st: _State) -> None:
    """Final say per body line: the related list goes, metadata is kept apart, fragments go."""
    for i in range(st.title.body_start, len(st.lines)):
        ln = st.lines[i]
        if i >= st.list_start:
            if ln.reason is None or ln.reason in ("metadata", "duplicate", "caption"):
                ln.reason = "link-list"
        elif ln.reason == "metadata":
            st.meta_idx.append(i)
        elif ln.reason is None:
            ln.reason = _tail_reason(ln, i, st)


def trim_truncated_end(st: _State) -> None:
    """A page cut off mid-sentence ("…加快引进一批"): the unfinished sentence goes, and the
    warnings say so (a half sentence can carry half a figure)."""
    body = [i for i, ln in enumerate(st.lines) if ln.reason is None and i != st.title.index]
    if not body:
        return
    ln = st.lines[body[-1]]
    if len(ln.norm) < th.SENTENCE_MIN or not _UNFINISHED.search(ln.norm):
        return
    if not (ln.norm[-1].isdigit() or pattern("open-ending").search(ln.norm)):
        # Ends on a content word: probably a sentence that only lost its full stop.  Kept.
        st.warnings.append(f'the last paragraph has no closing punctuation (cut off?): "…{ln.orig[-20:]}"')
        return
    cut_norm, cut_orig = ln.norm.rfind("。"), ln.orig.rfind("。")
    if cut_norm > 0 and cut_orig > 0:
        tail = ln.norm[cut_norm + 1 :]
        ln.norm, ln.orig = ln.norm[: cut_norm + 1], ln.orig[: cut_orig + 1]
        ln.bigrams = bigrams(ln.norm)
    else:
        tail = ln.norm
        ln.reason = "truncated"
    st.warnings.append(f'the article ends mid-sentence (page cut off?): dropped "{tail[-30:]}"')


# In order: each pass sees the reasons the earlier ones gave.
PASSES: list[Callable[[_State], None]] = [
    drop_instructions,
    strip_spam_words,
    drop_furniture,
    locate_title,
    drop_header,
    find_related_list,
    drop_link_runs,
    find_article_end,
    settle_body,
    trim_truncated_end,
]


def _result(st: _State, meta: dict[str, str | None]) -> Cleaned:
    lines, title_idx = st.lines, st.title.index
    body = [ln for i, ln in enumerate(lines) if ln.reason is None and i != title_idx]
    dropped = [(ln.reason or "", ln.orig) for i, ln in enumerate(lines) if ln.reason is not None and i != title_idx]
    if meta.get("hidden"):
        st.warnings.append(f"{meta['hidden']} hidden element(s) removed: text a reader does not see (display:none, font-size:0 ...)")
    if st.title.text is None:
        st.warnings.append("no title found")
    if not body:
        st.warnings.append("no article text left after cleaning")
    return Cleaned(
        lines=[ln.norm for ln in body],
        original_lines=[ln.orig for ln in body],
        title=st.title.text,
        title_original=st.title.original,
        meta_lines=[lines[i].norm for i in sorted(st.meta_idx)],
        dropped=dropped,
        warnings=st.warnings,
        page_meta=meta,
    )


def _page_title(meta: dict[str, str | None]) -> str | None:
    """The title the page names outside its text (markup, then front matter), noting where from."""
    if meta.get("title") and not site_name(str(meta["title"])):
        meta["title_from"] = "meta"
        return meta["title"]
    meta.pop("title_from", None)  # no markup title, or only the site's name: the text decides
    title = tidy_title(meta.get("front_matter_title"))
    if title:
        meta["title_from"] = "front-matter"
    return title


def clean(raw: RawFile) -> Cleaned:
    """Separate the article from the page around it (see module docstring)."""
    page = read_page(raw)
    st = _State(make_lines(page.lines), _page_title(page.meta))
    for step in PASSES:
        step(st)
    return _result(st, page.meta)
