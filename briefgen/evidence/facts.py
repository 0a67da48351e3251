"""Key facts without a model: every figure in an article with its sentence,
citation, year, dimension and a short label.

Figures come from :mod:`briefgen.numbers` (the same parser that verifies model
output).  Which dimension a figure belongs to, which words are fillers and
which words mark a target or the present are data (``briefgen/data/lexicons/``),
not code, so they can be tuned without edits here.

Years are decided clause by clause: the nearest year written in the figure's own
clause governs it ("2022年…实现产值462.2亿元", "从2022年的462.2亿元", "截至2023年底");
a year or target word at the start of a clause also governs the clauses after it
in the sentence ("到2025年，产值…，企业…"); a target stated in a paragraph carries to
its later sentences and to enumerated follow-up paragraphs ("二是…").  The same
figure stated elsewhere in the article with a year lends it that year.  Only then
does the article's date stand in, marked ``year_source="date"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from briefgen.core.types import Document, Excerpt, Fact, Quantity
from briefgen.evidence.dimensions import dimension_cues, load_dimensions
from briefgen.evidence.glossary import Glossary, load_glossary
from briefgen.evidence.keysentences import split_sentences
from briefgen.text.numbers import (
    LEXICONS,
    find_quantities,
    find_years,
    format_en,
    is_fact_unit,
    unit_info,
)

OTHER = "other"  # dimension of a figure no cue ties to any dimension
_MIN_SCORE = 1.5  # cue score a figure needs to be put in a dimension
_NEAR = 6  # characters: a cue this close to the figure counts double
_MASK = "\x00"

_CLAUSE = re.compile(r"[，,；;：:、]|——")
# document titles, and a "(以下简称…)" note, are not part of the statement
_TITLE = re.compile(r"《[^》]*》(?:\s*[（(][^）)]*[）)])?|[（(][^）)]*简称[^）)]*[）)]")
_RANGE_FIRST = re.compile(r"\s*年?\s*[-–—~至到]\s*(?:19|20)\d{2}")
_SINCE_AFTER = re.compile(r"\s*年?\s*(?:以来|至今|起|开始|伊始)")
_DEADLINE_AFTER = re.compile(r"\s*年\s*(?:底|末|年底|年末)?\s*(?:前|之前|以前)")
_COMPARE_AFTER = re.compile(r"\s*年?\s*(?:同期|相比|同比|水平)")
_ENUM = re.compile(
    r"^\s*(?:[二三四五六七八九十]是|第[二三四五六七八九十]|[（(][二三四五六七八九十][)）]"
    r"|[2-9][、.．]|其次|再次|最后)"
)
_TIME_WORDS = re.compile(
    r"(?:从|自|到|至|截至|截止|在|于|早在|较|比|相比)?\s*(?:19|20)\d{2}\s*"
    r"(?:[-–—~至到]\s*(?:19|20)\d{2}\s*)?年\s*(?:底|末|初|前|之前|以前|以来|上半年|下半年|全年|度)?的?"
    r"|\d{1,2}\s*(?:[-–—~至到]\s*\d{1,2}\s*)?月(?:份|底|末)?|\d{1,2}\s*日"
    r"|近年来|近几年|近年|多年来|近日|日前|年内|[一二两三四五六七八九十\d]+年(?:来|以来)"
)
_EDGE_PUNCT = " \t\"“”‘’'「」『』()（）[]【】<>〈〉·.。,，、;；:：!！?？-—"


@dataclass(frozen=True)
class _FactLexicon:
    cues: tuple[tuple[str, str, float], ...]  # word, dimension, weight (longest first)
    dim_words: dict[str, tuple[str, ...]]  # dimensions-file words, for dims the cues omit
    priors: tuple[tuple[str, str, float], ...]
    targets: tuple[str, ...]
    present: tuple[str, ...]
    relative: dict[str, int]
    lead: tuple[str, ...]  # trimmed from the start of a label (longest first)
    trail: tuple[str, ...]  # trimmed from the end of a label (longest first)
    verbs: tuple[str, ...]
    nouns: tuple[str, ...]
    growth: tuple[str, ...]
    terms: dict[str, str]  # fallback English for label words
    dim_en: dict[str, str]
    cue_re: re.Pattern[str]  # every cue word, longest first (leftmost-longest matching)
    cue_of: dict[str, tuple[str, float]]
    target_re: re.Pattern[str]
    present_re: re.Pattern[str]
    relative_re: re.Pattern[str]


def _alternation(words: Iterable[str]) -> re.Pattern[str]:
    ordered = _longest_first(words)
    return re.compile("|".join(re.escape(w) for w in ordered) if ordered else r"(?!)")


def _lines(name: str) -> list[str]:
    path = LEXICONS / name
    return [
        x.strip("\n")
        for x in path.read_text(encoding="utf-8").splitlines()
        if x.strip() and not x.startswith("#")
    ]


def _longest_first(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=4)
def _lexicon(dims_path: Path | None = None) -> _FactLexicon:
    cues = []
    for line in _lines("fact_cues.tsv"):
        word, dim, weight = line.split("\t")[:3]
        cues.append((word, dim, float(weight)))
    cues.sort(key=lambda c: -len(c[0]))
    priors = []
    for line in _lines("unit_dimensions.tsv"):
        unit, dim, weight = line.split("\t")[:3]
        priors.append((unit, dim, float(weight)))
    relative = {}
    for line in _lines("relative_years.tsv"):
        word, offset = line.split("\t")[:2]
        relative[word] = int(offset)
    terms = {}
    for line in _lines("label_terms.tsv"):
        zh, en = line.split("\t")[:2]
        terms[zh] = en
    fillers = _lines("label_fillers.tsv")
    connectives = _lines("label_connectives.tsv")
    verbs = _lines("label_verbs.tsv")
    targets = _lines("targets.tsv")
    present = _lines("present_markers.tsv")
    cue_dims = {d for _, d, _ in cues}
    return _FactLexicon(
        cues=tuple(cues),
        dim_words={d: w for d, w in dimension_cues(dims_path).items() if d not in cue_dims},
        priors=tuple(priors),
        targets=_longest_first(targets),
        present=_longest_first(present),
        relative=relative,
        lead=_longest_first(fillers + connectives + verbs + targets + present),
        trail=_longest_first(connectives + targets + [v for v in verbs if len(v) > 1]),
        verbs=_longest_first(verbs),
        nouns=_longest_first(_lines("label_nouns.tsv")),
        growth=_longest_first(_lines("label_growth.tsv")),
        terms=terms,
        dim_en={d.id: d.en for d in load_dimensions(dims_path)},
        cue_re=_alternation(w for w, _, _ in cues),
        cue_of={w: (d, wt) for w, d, wt in reversed(cues)},
        target_re=_alternation(targets),
        present_re=_alternation(present),
        relative_re=_alternation(relative),
    )


# ---------------------------------------------------------------------- time


@dataclass(frozen=True)
class _Event:
    """Something in a sentence that sets the time of the figures after it."""

    pos: int
    kind: str  # "point" | "target" | "since" (present, year of the article) | "cue"
    year: int | None
    carries: bool  # also governs the later clauses of the sentence
    source: str  # "explicit" | "relative" | ""


@dataclass(frozen=True)
class _When:
    year: int | None = None
    target: bool = False
    source: str = ""
    cite: str | None = None  # excerpt that states the year, when not the figure's own


def _mask_titles(sentence: str) -> str:
    return _TITLE.sub(lambda m: _MASK * len(m.group()), sentence)


def _clauses(sentence: str) -> list[tuple[int, int]]:
    spans, left = [], 0
    for m in _CLAUSE.finditer(sentence):
        spans.append((left, m.start()))
        left = m.end()
    spans.append((left, len(sentence)))
    return spans


def _clause_at(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for s, e in spans:
        if s <= pos <= e:
            return s, e
    return spans[-1]


_TOPIC_LEAD = re.compile(
    r"^(?:截至|截止|早在|到|至|从|自|在|于|按照|力争|争取|预计|计划|确保|全年|同时|其中|并)+"
)


def _is_topic(masked: str, clause_start: int, pos: int) -> bool:
    """A year at the head of its clause sets the time for what follows it."""
    head = masked[clause_start:pos].replace(_MASK, "").strip()
    return len(_TOPIC_LEAD.sub("", head)) <= 2


def _events(masked: str, spans: list[tuple[int, int]], doc_year: int | None,
            lex: _FactLexicon) -> list[_Event]:  # fmt: skip
    cue_pos = [m.start() for m in lex.target_re.finditer(masked)]

    def has_cue(pos: int) -> bool:
        cs, ce = _clause_at(spans, pos)
        return any(cs <= p < ce for p in cue_pos)

    events: list[_Event] = []
    for y, s, e in find_years(masked):
        after, before = masked[e : e + 8], masked[max(0, s - 4) : s].strip()
        if _RANGE_FIRST.match(after):
            continue  # "2023—2025年": the end year speaks for the range
        topic = _is_topic(masked, _clause_at(spans, s)[0], s)
        if _SINCE_AFTER.match(after) or before.endswith("自"):
            events.append(_Event(s, "since", None, topic, ""))
            continue
        if _COMPARE_AFTER.match(after) or before.endswith(("较", "比", "相比", "对比", "比上")):
            continue  # a base of comparison, not the figure's year
        past = doc_year is not None and y < doc_year
        future = doc_year is not None and y > doc_year
        deadline = (
            before.endswith(("到", "至")) and not before.endswith(("截至", "截止"))
        ) or bool(_DEADLINE_AFTER.match(after))
        target = future or (not past and (deadline or has_cue(s)))
        events.append(_Event(s, "target" if target else "point", y, topic, "explicit"))
    for m in lex.relative_re.finditer(masked):
        offset = lex.relative[m.group()]
        after = masked[m.end() : m.end() + 3]
        if after.startswith(("同期", "相比")) or doc_year is None:
            continue
        topic = _is_topic(masked, _clause_at(spans, m.start())[0], m.start())
        if after.startswith(("以来", "至今")) and offset != 0:
            events.append(_Event(m.start(), "since", None, topic, ""))
            continue
        target = offset > 0 or (offset == 0 and has_cue(m.start()))
        kind = "target" if target else "point"
        events.append(_Event(m.start(), kind, doc_year + offset, topic, "relative"))
    for m in lex.present_re.finditer(masked):
        events.append(_Event(m.start(), "since", None, True, ""))
    events += [_Event(p, "cue", None, True, "") for p in cue_pos]
    events.sort(key=lambda ev: (ev.pos, ev.kind != "cue"))
    return events


def _apply(state: _When, ev: _Event, target_year: _When | None) -> _When:
    if ev.kind == "point":
        return _When(ev.year, False, ev.source)
    if ev.kind == "target":
        return _When(ev.year, True, ev.source)
    if ev.kind == "since":
        return _When()
    if state.target:  # a cue after a target year: still that target
        return state
    if target_year is not None:
        return _When(target_year.year, True, target_year.source, target_year.cite)
    return _When(None, True, "")


def _time_of(pos: int, spans: list[tuple[int, int]], events: list[_Event], start: _When,
             target_year: _When | None) -> _When:  # fmt: skip
    """The time governing a figure at ``pos``: its own clause first, then the
    clauses before it in the sentence, then what the paragraph carried in."""
    cs, ce = _clause_at(spans, pos)
    state = start
    for ev in events:
        if ev.pos < cs and ev.carries:
            state = _apply(state, ev, target_year)
    own_before = [ev for ev in events if cs <= ev.pos < pos]
    for ev in own_before:
        state = _apply(state, ev, target_year)
    if not any(ev.kind in ("point", "target") for ev in own_before):
        after = [ev for ev in events if pos <= ev.pos < ce]
        years = [ev for ev in after if ev.kind in ("point", "target")]
        cues = [ev for ev in after if ev.kind == "cue"]
        if years:  # "产值462.2亿元（2022年）", "…的目标力争在2025年实现"
            state = _apply(state, years[0], target_year)
        elif cues:  # "…1000亿元的目标"
            state = _apply(state, cues[0], target_year)
    return state


def _sentence_target(events: list[_Event], start: _When) -> _When | None:
    """The target year stated in (or carried into) a sentence, for bare target words."""
    for ev in reversed(events):
        if ev.kind == "target":
            return _When(ev.year, True, ev.source)
    return start if start.target and start.year is not None else None


# -------------------------------------------------------------- dimensions


def _cue_hits(sentence: str, lex: _FactLexicon) -> list[tuple[int, int, str, float]]:
    """Cue words in the sentence, longest first, never overlapping."""
    hits = []
    for m in lex.cue_re.finditer(sentence):
        dim, weight = lex.cue_of[m.group()]
        hits.append((m.start(), m.end(), dim, weight))
    return hits


def _dimension(q: Quantity, span: tuple[int, int], hits: list[tuple[int, int, str, float]],
               sentence: str, lex: _FactLexicon) -> str:  # fmt: skip
    cs, ce = span
    scores: dict[str, float] = {}
    outside: dict[str, float] = {}
    for s, e, dim, w in hits:
        if cs <= s and e <= ce:
            gap = q.start - e if e <= q.start else s - q.end
            scores[dim] = scores.get(dim, 0.0) + w * (2 if gap <= _NEAR else 1)
        else:
            outside[dim] = outside.get(dim, 0.0) + w * 0.25
    for dim, v in outside.items():  # the rest of the sentence only tips a balance
        scores[dim] = scores.get(dim, 0.0) + min(v, 0.5)
    clause = sentence[cs:ce]
    for dim, words in lex.dim_words.items():
        scores[dim] = scores.get(dim, 0.0) + 2 * sum(1 for w in words if w in clause)
    u = unit_info(q.unit)
    kind = u.kind if u else ("ratio" if q.unit == "ratio" else "")
    for key, dim, weight in lex.priors:
        if key in (q.unit, kind):
            scores[dim] = scores.get(dim, 0.0) + weight
    scores = {d: v for d, v in scores.items() if d in lex.dim_en and d != "target"}
    if not scores:
        return OTHER
    best, score = max(scores.items(), key=lambda kv: kv[1])
    return best if score >= _MIN_SCORE else OTHER


def label_weight(what: str, dimension: str | None = None, dims_path: Path | None = None) -> float:
    """How strongly a label names a measure of ``dimension`` (产值, 企业, 基金 ...), or of
    any dimension when None: the comparison ranks a cell's figures by it."""
    lex = _lexicon(dims_path)
    per: dict[str, float] = {}
    for _, _, d, w in _cue_hits(what, lex):
        per[d] = max(per.get(d, 0.0), w)
    if dimension is None:
        return max(per.values(), default=0.0)
    return per.get(dimension, 0.0)


# ------------------------------------------------------------------- labels


def _strip(text: str, lex: _FactLexicon, cities: Iterable[str]) -> str:
    """Trim fillers, connectives, target and time words and city names from both ends."""
    places = tuple(cities)
    changed = True
    while changed and text:
        changed = False
        text = text.strip(_EDGE_PUNCT)
        if text.startswith(lex.lead) or (places and text.startswith(places)):
            for w in (*lex.lead, *places):
                if text.startswith(w) and len(text) > len(w):
                    text, changed = text[len(w) :], True
                    break
        if text.endswith(lex.trail):
            for w in lex.trail:
                if text.endswith(w) and len(text) > len(w):
                    text, changed = text[: -len(w)], True
                    break
    return text.strip(_EDGE_PUNCT)


def _head_phrase(text: str, lex: _FactLexicon, cities: Iterable[str]) -> tuple[str, bool]:
    """The noun phrase before a figure, and whether the words ended in a verb."""
    text = _TIME_WORDS.sub("", text.replace(_MASK, ""))
    for w in (*lex.present, *lex.relative):
        text = text.replace(w, "")
    if (share := _share_phrase(text, lex, cities)) is not None:
        return share, False
    if text.strip(_EDGE_PUNCT).endswith("的"):  # "…新引擎的|超万亩|生物医药主战场"
        return "", True
    bare = re.sub(r"[了着过]+$", "", text.strip(_EDGE_PUNCT))
    verbs = tuple(v for v in lex.verbs if len(v) > 1)
    if bare.endswith(verbs):  # "…企业提供|近50亿元融资": the noun comes after the figure
        verb = next(v for v in verbs if bare.endswith(v))
        left = _strip(bare[: -len(verb)], lex, cities)
        return ("" if left in lex.lead else left), True
    text = _strip(text, lex, cities)
    if text in lex.lead:  # only a verb or filler left: "建成|1个…园区"
        return "", text in lex.verbs
    best: tuple[int, int] | None = None  # (start, end) of the last verb inside the words
    for v in lex.verbs:
        i = text.rfind(v) if len(v) > 1 else -1
        if i > 0 and (best is None or i + len(v) > best[1]):
            best = (i, i + len(v))
    if best is None:
        return text, False
    left = _strip(text[: best[0]], lex, cities)
    right = _strip(text[best[1] :], lex, cities)
    if not right:
        return left, True  # "…企业提供|近50亿元融资": the noun comes after the figure
    if len(right) < 2:
        return text, False
    if len(right) <= 4 and 0 < len(left) <= 10:  # 医药健康产业集群 | 实现 | 产值
        return left + right, False
    return right, False


def _share_phrase(text: str, lex: _FactLexicon, cities: Iterable[str]) -> str | None:
    """A share's label: "其产值约占全国血液制品产业的|1/7" -> 产值约占全国血液制品产业.

    The words before 占 say what is measured and the words after it say of what, so both
    stay; without this the trailing 的 leaves the figure with no label at all.
    """
    words = text.strip(_EDGE_PUNCT)
    if not words.endswith("的") or "占" not in words:
        return None
    i = words.rfind("占")
    whole = words[i + 1 : -1].strip(_EDGE_PUNCT)
    hedge = re.search(r"(?:约|近|接近|超过|超|已)*$", words[:i])
    cut = hedge.start() if hedge else i
    subject = _strip(words[:cut], lex, cities)
    return f"{subject}{words[cut:i].replace('已', '')}占{whole}" if whole else None


def _tail_phrase(text: str, lex: _FactLexicon) -> str:
    """The noun phrase after a figure: "400家|健康产业类企业落户" -> 健康产业类企业."""
    text = re.sub(r"^(?:以上|以下|左右|之多|多|余)+", "", text.strip())
    text = text.removeprefix("的")
    text = re.split(r"[和及并、]|以及", text, maxsplit=1)[0][:16]
    stops = [i for v in lex.verbs if len(v) > 1 and (i := text.find(v)) > 0]
    text = text[: min(stops)] if stops else text  # "细分赛道|做好…"
    end = max((text.rfind(n) + len(n) for n in lex.nouns if n in text), default=-1)
    phrase = (text[:end] if end > 0 else text[:10]).strip(_EDGE_PUNCT)
    return "" if phrase.startswith(lex.verbs) else phrase


def _label(sentence: str, masked: str, span: tuple[int, int], q: Quantity,
           others: list[Quantity], lex: _FactLexicon, cities: Iterable[str]) -> str:  # fmt: skip
    """A short zh noun phrase for what the figure measures (no figures, years or
    target words in it)."""
    cs, ce = span
    start = max([cs] + [o.end for o in others if cs <= o.end <= q.start])
    end = min([ce] + [o.start for o in others if q.end <= o.start <= ce])
    head, verb_end = _head_phrase(masked[start : q.start], lex, cities)
    after = masked[q.end : end].replace(_MASK, "")
    tail = _tail_phrase(after, lex)
    sized = head.endswith(("规模", "总规模", "金额", "总额")) and after.startswith("的")
    u = unit_info(q.unit)
    counted = u is not None and u.kind == "count"  # the counted noun follows: 3个|创新科研团队
    graded = q.unit_raw.endswith("级")  # 千亿级|健康产业集群: the figure grades the noun after it
    place = head in cities  # "打造中山|千亿级健康产业集群": the place is not what is measured
    if len(tail) >= 2 and (not head or verb_end or sized or counted or graded or place):
        label = tail
    else:
        label = head[-16:] or tail
    return _strip(label, lex, ())


def _what_en(what: str, dim: str, glossary: Glossary, lex: _FactLexicon) -> str:
    """English label from glossary terms (and a small fallback list), never translated prose."""
    vocab = {**lex.terms, **glossary.terms}
    longest = max((len(t) for t in vocab), default=0)
    found: list[str] = []
    i = 0
    while i < len(what):
        for n in range(min(longest, len(what) - i), 0, -1):
            if what[i : i + n] in vocab:
                en = vocab[what[i : i + n]]
                if en not in found:
                    found.append(en)
                i += n
                break
        else:
            i += 1
    if not found:
        name = lex.dim_en.get(dim)
        return f"{name.lower()} figure" if name else "figure"
    if len(found) == 1:
        return found[0]
    return f"{found[-1]} ({', '.join(found[:-1][-2:])})"


def _rhetorical(q: Quantity) -> bool:
    """三个 / 两个 in prose are mostly rhetoric ("三个一批"), not figures: small counts
    written in Chinese numerals are left out; arabic figures are always kept."""
    u = unit_info(q.unit)
    spelled = bool(re.fullmatch(r"[零〇一二两三四五六七八九]", q.number))
    return spelled and u is not None and u.kind == "count" and q.high is None


def _is_change(q: Quantity) -> bool:
    u = unit_info(q.unit)
    return u is not None and u.kind in ("percent", "pp")


def _borrow_label(what: str, q: Quantity, last: Fact | None, lex: _FactLexicon) -> str:
    """Labels that only make sense with the figure before: "营业收入2400亿元，同比增长8.5%"
    -> 营业收入同比增长; "营收…1600亿元。预计2025年将达到3000亿元" -> 营业收入."""
    if last is None:
        return what
    if _is_change(q) and (not what or any(w in what[:6] for w in lex.growth)):
        if not any(w in what for w in lex.growth):
            return what
        return last.what + what if last.what not in what else what
    u = unit_info(q.unit)
    shared = u is not None and u.kind in ("money", "area")  # counts name different things
    if (not what or what in lex.growth) and shared and last.unit == q.unit_raw:
        return last.what  # "从…900亿元增长到…1600亿元"
    return what


# --------------------------------------------------------------- extraction


@dataclass
class _Context:
    doc_year: int | None
    doc_date: str | None
    cities: tuple[str, ...]
    carry: _When  # target carried from earlier sentences / enumerated paragraphs
    last: Fact | None = None  # the last labelled figure of the paragraph


def _sentence_facts(sentence: str, ex: Excerpt, ctx: _Context, lex: _FactLexicon,
                    glossary: Glossary) -> list[Fact]:  # fmt: skip
    masked = _mask_titles(sentence)
    spans = _clauses(masked)
    events = _events(masked, spans, ctx.doc_year, lex)
    start = ctx.carry
    target_year = _sentence_target(events, start)
    hits = _cue_hits(masked, lex)
    found = [q for q in find_quantities(sentence) if _MASK not in masked[q.start : q.end]]
    wanted = [
        q
        for q in found
        if (is_fact_unit(q.unit) or (q.unit == "" and q.unit_raw)) and not _rhetorical(q)
    ]
    facts = []
    for q in wanted:
        span = _clause_at(spans, q.start)
        when = _time_of(q.start, spans, events, start, target_year)
        if when is start and (start.year is not None or start.target):
            when = _When(start.year, start.target, "context", start.cite)
        year, source, as_of = when.year, when.source, None
        if year is None and not when.target:
            year, source, as_of = ctx.doc_year, ("date" if ctx.doc_year else ""), ctx.doc_date
        if when.target:
            dim = "target" if "target" in lex.dim_en else _dimension(q, span, hits, masked, lex)
        else:
            dim = _dimension(q, span, hits, masked, lex)
        others = [o for o in wanted if o is not q]
        what = _label(sentence, masked, span, q, others, lex, ctx.cities)
        what = _borrow_label(what, q, ctx.last, lex)
        cites = [ex.id] + ([when.cite] if when.cite and when.cite != ex.id else [])
        facts.append(
            Fact(
                value=q.number,
                unit=q.unit_raw,
                what=what,
                what_en=_what_en(what, dim, glossary, lex),
                year=year,
                dimension=dim,
                sentence=sentence,
                cites=cites,
                value_en=format_en(q),
                is_target=when.target,
                year_source=source,
                as_of=as_of,
                at=q.start,
            )
        )
        if what and not _is_change(q):
            ctx.last = facts[-1]
    # what this sentence hands on to the next ones of the paragraph
    final = start
    for ev in events:
        if ev.carries:
            final = _apply(final, ev, target_year)
    if final.target and final.year is not None:
        ctx.carry = _When(final.year, True, "context", final.cite or ex.id)
    elif final != start:
        ctx.carry = _When()
    return facts


def _excerpt_facts(ex: Excerpt, ctx: _Context, lex: _FactLexicon, glossary: Glossary) -> list[Fact]:
    if not _ENUM.match(ex.text):  # "二是…" continues the previous paragraph's targets
        ctx.carry = _When()
    ctx.last = None
    facts: list[Fact] = []
    for sentence, _ in split_sentences(ex.text, semicolons=False):
        facts.extend(_sentence_facts(sentence, ex, ctx, lex, glossary))
    return facts


def _link_same_figures(facts: list[Fact]) -> None:
    """A figure repeated without its year ("从462.2亿元到1000亿元") takes the year,
    target flag, dimension and label of the same figure stated with one."""
    dated: dict[tuple[str, str], Fact] = {}
    for f in facts:
        if f.year_source not in ("date", "") and (f.value, f.unit) not in dated:
            dated[(f.value, f.unit)] = f
    for f in facts:
        src = dated.get((f.value, f.unit))
        if src is None or src is f or f.year_source not in ("date", ""):
            continue
        if len(f.what) >= 2 and not _overlap(f.what, src.what):
            continue  # the same number for something else
        u = unit_info(parse_unit(f))
        if u is not None and u.kind == "count" and _small(f.value):
            continue  # "1个", "2家" repeat by chance
        if f.is_target and f.year is not None:
            continue
        f.year, f.is_target, f.year_source, f.as_of = src.year, src.is_target, "context", None
        if len(f.what) < 2 or f.dimension in (OTHER, "target") or src.is_target:
            f.dimension = src.dimension
        if len(f.what) < 2:
            f.what, f.what_en = src.what, src.what_en
        f.cites = list(dict.fromkeys(f.cites + src.cites[:1]))


def _overlap(a: str, b: str) -> bool:
    return any(a[i : i + 2] in b for i in range(len(a) - 1))


def _small(number: str) -> bool:
    try:
        return float(re.split(r"[-–—~]", number)[0]) < 10
    except ValueError:
        return True


def as_of_date(fact: Fact) -> str | None:
    """The article date a figure stands for when no year is written next to it."""
    if fact.year_source == "date" and fact.as_of and len(fact.as_of) >= 10:
        return fact.as_of
    return None


def _same_figures(fact: Fact) -> list[Quantity]:
    """Quantities in the fact's sentence with the fact's number and unit as written."""
    return [q for q in find_quantities(fact.sentence) if q.number == fact.value and q.unit_raw == fact.unit]


def quantity_of(fact: Fact) -> Quantity | None:
    """The quantity in the fact's sentence that the fact was made from (the one at
    ``fact.at`` when known, else the first with the fact's number and unit)."""
    same = _same_figures(fact)
    return next((q for q in same if q.start == fact.at), same[0] if same else None)


def figure_as_written(fact: Fact) -> str:
    """The figure as the source writes it, qualifier included: 近1000家, 200家以上.

    A fact keeps its bare number and unit (1000, 家) for sorting and checks; readers need
    the 近/超过 that the sentence puts around it.  When the sentence has the same number
    with different qualifiers and the fact does not say which one it is (``at`` unset,
    as for a model's fact), the bare figure is shown rather than a guess.
    """
    bare = f"{fact.value}{fact.unit}"
    same = _same_figures(fact)
    if fact.at is not None:
        same = [q for q in same if q.start == fact.at] or same
    written = {q.raw.strip() for q in same}
    return written.pop() if len(written) == 1 else bare


def parse_unit(fact: Fact) -> str:
    """The canonical unit code of a fact ("CNY", "km2", "家" ...), "" if none."""
    qs = find_quantities(f"{fact.value}{fact.unit}")
    return qs[0].unit if qs else ""


def extract_facts(
    doc: Document, glossary: Glossary | None = None, *, dimensions_path: Path | None = None
) -> list[Fact]:
    """Every figure worth a key-facts row, in document order, each citing its excerpt
    (and the excerpt that states its year, when that is another one)."""
    lex = _lexicon(dimensions_path)
    gl = glossary or _default_glossary()
    doc_year = int(doc.date[:4]) if doc.date and re.match(r"\d{4}", doc.date) else None
    ctx = _Context(doc_year, doc.date if doc_year else None, _places(doc.cities, gl), _When())
    out: list[Fact] = []
    for ex in doc.excerpts:
        out.extend(_excerpt_facts(ex, ctx, lex, gl))
    _link_same_figures(out)
    return out


def _places(cities: Iterable[str], glossary: Glossary) -> tuple[str, ...]:
    """City names to trim from the start of labels: the article's own and the glossary's."""
    names = [*cities, *glossary.cities]
    return _longest_first(
        c for city in names for c in (city, city.removesuffix("市"), city.removesuffix("市") + "市")
        if len(c) >= 2
    )  # fmt: skip


@lru_cache(maxsize=1)
def _default_glossary() -> Glossary:
    return load_glossary()
