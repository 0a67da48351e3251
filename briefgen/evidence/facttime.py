"""When a figure is: the year that governs it and whether it is a target.

Years are decided clause by clause: the nearest year written in the figure's own
clause governs it ("2022年…实现产值462.2亿元", "从2022年的462.2亿元", "截至2023年底");
a year or target word at the start of a clause also governs the clauses after it
in the sentence ("到2025年，产值…，企业…").  Each year, target word or present
marker is an :class:`Event`; a figure's time is the state the events before it
leave (:func:`time_of`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefgen.evidence.factlex import MASK, FactLexicon
from briefgen.text.numbers import find_years

_CLAUSE = re.compile(r"[，,；;：:、]|——")
# document titles, and a "(以下简称…)" note, are not part of the statement
_TITLE = re.compile(r"《[^》]*》(?:\s*[（(][^）)]*[）)])?|[（(][^）)]*简称[^）)]*[）)]")
_RANGE_FIRST = re.compile(r"\s*年?\s*[-–—~至到]\s*(?:19|20)\d{2}")
_SINCE_AFTER = re.compile(r"\s*年?\s*(?:以来|至今|起|开始|伊始)")
_DEADLINE_AFTER = re.compile(r"\s*年\s*(?:底|末|年底|年末)?\s*(?:前|之前|以前)")
_COMPARE_AFTER = re.compile(r"\s*年?\s*(?:同期|相比|同比|水平)")
ENUM = re.compile(
    r"^\s*(?:[二三四五六七八九十]是|第[二三四五六七八九十]|[（(][二三四五六七八九十][)）]"
    r"|[2-9][、.．]|其次|再次|最后)"
)


@dataclass(frozen=True)
class Event:
    """Something in a sentence that sets the time of the figures after it."""

    pos: int
    kind: str  # "point" | "target" | "since" (present, year of the article) | "cue" | "forecast"
    year: int | None
    carries: bool  # also governs the later clauses of the sentence
    source: str  # "explicit" | "relative" | ""


@dataclass(frozen=True)
class When:
    year: int | None = None
    target: bool = False
    source: str = ""
    cite: str | None = None  # excerpt that states the year, when not the figure's own
    forecast: bool = False  # under 预计 / 有望: expected, not a target


def mask_titles(sentence: str) -> str:
    return _TITLE.sub(lambda m: MASK * len(m.group()), sentence)


def clauses(sentence: str) -> list[tuple[int, int]]:
    spans, left = [], 0
    for m in _CLAUSE.finditer(sentence):
        spans.append((left, m.start()))
        left = m.end()
    spans.append((left, len(sentence)))
    return spans


def clause_at(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for s, e in spans:
        if s <= pos <= e:
            return s, e
    return spans[-1]


_TOPIC_LEAD = re.compile(
    r"^(?:截至|截止|早在|到|至|从|自|在|于|按照|力争|争取|预计|计划|确保|全年|同时|其中|并)+"
)


def _is_topic(masked: str, clause_start: int, pos: int) -> bool:
    """A year at the head of its clause sets the time for what follows it."""
    head = masked[clause_start:pos].replace(MASK, "").strip()
    return len(_TOPIC_LEAD.sub("", head)) <= 2


def events_of(masked: str, spans: list[tuple[int, int]], doc_year: int | None,
            lex: FactLexicon) -> list[Event]:  # fmt: skip
    cue_pos = [m.start() for m in lex.target_re.finditer(masked)]
    forecast_pos = [m.start() for m in lex.forecast_re.finditer(masked)]

    def has_cue(pos: int) -> bool:
        cs, ce = clause_at(spans, pos)
        return any(cs <= p < ce for p in cue_pos)

    events: list[Event] = []
    for y, s, e in find_years(masked):
        after, before = masked[e : e + 8], masked[max(0, s - 4) : s].strip()
        if _RANGE_FIRST.match(after):
            continue  # "2023—2025年": the end year speaks for the range
        topic = _is_topic(masked, clause_at(spans, s)[0], s)
        if _SINCE_AFTER.match(after) or before.endswith("自"):
            events.append(Event(s, "since", None, topic, ""))
            continue
        if _COMPARE_AFTER.match(after) or before.endswith(("较", "比", "相比", "对比", "比上")):
            continue  # a base of comparison, not the figure's year
        past = doc_year is not None and y < doc_year
        future = doc_year is not None and y > doc_year
        deadline = (
            before.endswith(("到", "至")) and not before.endswith(("截至", "截止"))
        ) or bool(_DEADLINE_AFTER.match(after))
        target = future or (not past and (deadline or has_cue(s)))
        if any(p < s for p in forecast_pos):  # 预计2026年…达产: the year of a forecast
            target = False
        events.append(Event(s, "target" if target else "point", y, topic, "explicit"))
    for m in lex.relative_re.finditer(masked):
        offset = lex.relative[m.group()]
        after = masked[m.end() : m.end() + 3]
        if after.startswith(("同期", "相比")) or doc_year is None:
            continue
        topic = _is_topic(masked, clause_at(spans, m.start())[0], m.start())
        if after.startswith(("以来", "至今")) and offset != 0:
            events.append(Event(m.start(), "since", None, topic, ""))
            continue
        target = offset > 0 or (offset == 0 and has_cue(m.start()))
        if any(p < m.start() for p in forecast_pos):  # 预计今年底…将超过: a forecast
            target = False
        kind = "target" if target else "point"
        events.append(Event(m.start(), kind, doc_year + offset, topic, "relative"))
    for m in lex.present_re.finditer(masked):
        events.append(Event(m.start(), "since", None, True, ""))
    events += [Event(p, "cue", None, True, "") for p in cue_pos]
    events += [Event(p, "forecast", None, True, "") for p in forecast_pos]
    events.sort(key=lambda ev: (ev.pos, ev.kind != "cue"))
    return events


def apply_event(state: When, ev: Event, target_year: When | None) -> When:
    if ev.kind == "point":  # a year after 预计 is the forecast's year
        return When(ev.year, False, ev.source, forecast=state.forecast)
    if ev.kind == "target":
        return When(ev.year, True, ev.source)
    if ev.kind == "since":
        return When()
    if ev.kind == "forecast":  # 预计 / 有望: expected, so not a target (the year stays)
        return When(state.year, False, state.source, state.cite, forecast=True)
    if state.target or state.forecast:  # a cue after a target year (or a forecast): unchanged
        return state
    if target_year is not None:
        return When(target_year.year, True, target_year.source, target_year.cite)
    return When(None, True, "")


def time_of(pos: int, spans: list[tuple[int, int]], events: list[Event], start: When,
             target_year: When | None) -> When:  # fmt: skip
    """The time governing a figure at ``pos``: its own clause first, then the
    clauses before it in the sentence, then what the paragraph carried in."""
    cs, ce = clause_at(spans, pos)
    state = start
    for ev in events:
        if ev.pos < cs and ev.carries:
            state = apply_event(state, ev, target_year)
    own_before = [ev for ev in events if cs <= ev.pos < pos]
    for ev in own_before:
        state = apply_event(state, ev, target_year)
    if not any(ev.kind in ("point", "target") for ev in own_before):
        after = [ev for ev in events if pos <= ev.pos < ce]
        years = [ev for ev in after if ev.kind in ("point", "target")]
        cues = [ev for ev in after if ev.kind == "cue"]
        if years:  # "产值462.2亿元（2022年）", "…的目标力争在2025年实现"
            state = apply_event(state, years[0], target_year)
        elif cues:  # "…1000亿元的目标"
            state = apply_event(state, cues[0], target_year)
    return state


def sentence_target(events: list[Event], start: When) -> When | None:
    """The target year stated in (or carried into) a sentence, for bare target words."""
    for ev in reversed(events):
        if ev.kind == "target":
            return When(ev.year, True, ev.source)
    return start if start.target and start.year is not None else None
