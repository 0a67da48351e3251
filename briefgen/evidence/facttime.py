"""When a figure is: the year that governs it and whether it is a target.

Years are decided clause by clause: the nearest year written in the figure's own
clause governs it ("2022年…实现产值462.2亿元", "从2022年的462.2亿元", "截至2023年底");
a year or target word at the start of a clause also governs the clauses after it
in the sentence ("到2025年，产值…，企业…").  Each year, target word or present
marker is an :class:`Event`; a figure's time is the state the events before it
leave (:func:`time_of`).

A policy's own terms (a subsidy cap, a one-off award, a tax rate, a fund's size) are
*provisions*: neither a goal nor a result, so never a target, and dated only by a year
written in their own clause (``lexicons/fact_kinds.tsv``, :func:`is_provision`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from briefgen.evidence.factlex import MASK, FactLexicon
from briefgen.text.numbers import find_quantities, find_years, unit_info

_CLAUSE = re.compile(r"[，,；;：:、]|——")
# clauses for a provision's words: a list "300万元、800万元、1500万元的补助" stays whole
_WIDE_CLAUSE = re.compile(r"[，,；;：:]|——")
_YEAR_RANGE_HEAD = re.compile(r"^(?:19|20)\d{2}\s*年?\s*[-–—~至到]\s*")
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
    #          | "average" (年均: takes the period's end) | a provision role (cap, support ...)
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
    provision: bool = False  # a policy's term (最高补贴N万元): neither target nor result


def mask_titles(sentence: str) -> str:
    return _TITLE.sub(lambda m: MASK * len(m.group()), sentence)


def clauses(sentence: str, splitter: re.Pattern[str] = _CLAUSE) -> list[tuple[int, int]]:
    spans, left = [], 0
    for m in splitter.finditer(sentence):
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
    head = _YEAR_RANGE_HEAD.sub("", _TOPIC_LEAD.sub("", head))  # "2021—2024年，": the end year
    return len(_TOPIC_LEAD.sub("", head)) <= 2


def events_of(masked: str, spans: list[tuple[int, int]], doc_year: int | None,
            lex: FactLexicon) -> list[Event]:  # fmt: skip
    # a target word already done is none: 打造了 / 已打造 tell what was built
    cue_pos = [
        m.start()
        for m in lex.target_re.finditer(masked)
        if not masked.startswith("了", m.end()) and not masked[: m.start()].endswith("已")
    ]
    forecast_pos = [m.start() for m in lex.forecast_re.finditer(masked)]

    def has_cue(pos: int) -> bool:
        cs, ce = clause_at(spans, pos)
        return any(cs <= p < ce for p in cue_pos)

    events: list[Event] = []
    for y, s, e in find_years(masked):
        after, before = masked[e : e + 8], masked[max(0, s - 4) : s].strip()
        if _RANGE_FIRST.match(after):  # "2023—2025年": the end year speaks for the range,
            events.append(Event(s, "range_start", y, False, "explicit"))  # but for 从… (below)
            continue
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
    events += _relative_events(masked, spans, doc_year, lex, events, has_cue, forecast_pos)
    events += _kind_events(masked, spans, doc_year, lex, events, has_cue)
    for m in lex.present_re.finditer(masked):
        events.append(Event(m.start(), "since", None, True, ""))
    events += [Event(p, "cue", None, True, "") for p in cue_pos]
    events += [Event(p, "forecast", None, True, "") for p in forecast_pos]
    if any(ev.kind == "range_start" for ev in events):
        events += [
            Event(m.start(), _FROM_TO[m.group()], None, False, "")
            for m in _FROM_TO_RE.finditer(masked)
        ]
    events.sort(key=lambda ev: (ev.pos, ev.kind != "cue"))
    return events


def _relative_events(masked: str, spans: list[tuple[int, int]], doc_year: int | None, lex: FactLexicon,
                     years: list[Event], has_cue: Callable[[int], bool],
                     forecast_pos: list[int]) -> list[Event]:  # fmt: skip
    """今年 / 去年 / 明年 read against the article's year; 当年 ("that year") is the year
    named before it in the sentence (截至2023年底…；当年装机量…), the article's only when
    the sentence names none."""
    events: list[Event] = []
    for m in lex.relative_re.finditer(masked):
        offset = lex.relative[m.group()]
        after = masked[m.end() : m.end() + 3]
        if after.startswith(("同期", "相比")) or doc_year is None:
            continue
        topic = _is_topic(masked, clause_at(spans, m.start())[0], m.start())
        named = [ev for ev in years if ev.pos < m.start() and ev.year is not None]
        if lex.kind_words.get(m.group()) == "backref" and named:
            events.append(Event(m.start(), named[-1].kind, named[-1].year, topic, named[-1].source))
            continue
        if after.startswith(("以来", "至今")) and offset != 0:
            events.append(Event(m.start(), "since", None, topic, ""))
            continue
        target = offset > 0 or (offset == 0 and has_cue(m.start()))
        if any(p < m.start() for p in forecast_pos):  # 预计今年底…将超过: a forecast
            target = False
        kind = "target" if target else "point"
        events.append(Event(m.start(), kind, doc_year + offset, topic, "relative"))
    return events


def _kind_events(masked: str, spans: list[tuple[int, int]], doc_year: int | None, lex: FactLexicon,
                 years: list[Event], has_cue: Callable[[int], bool]) -> list[Event]:  # fmt: skip
    """The words of ``fact_kinds.tsv``: 力争全年 (this year, in a target's clause only), 年均
    (an average over a period), and the figures of the sentence that are a policy's terms."""
    events: list[Event] = []
    for m in lex.kind_re.finditer(masked):
        role = lex.kind_words[m.group()]
        if role == "target":
            named = any(ev.pos < m.start() and ev.year is not None for ev in years)
            if doc_year is not None and has_cue(m.start()) and not named:
                topic = _is_topic(masked, clause_at(spans, m.start())[0], m.start())
                events.append(Event(m.start(), "target", doc_year, topic, "relative"))
        elif role == "average":
            events.append(Event(m.start(), "average", None, False, ""))
        elif role in _PROVISION_ROLES:
            events.append(Event(m.start(), role, None, False, ""))
    if any(ev.kind in ("cap", "support", "head") for ev in events):
        events += [Event(pos, "provision", None, False, "") for pos in _provisions(masked, events)]
    return events


_FROM_TO = {"从": "from", "由": "from", "到": "to", "至": "to"}
# 从 / 由 as "from" a figure (not 从业, 从事, 由…牵头); 到 / 至 as "to"
_FROM_TO_RE = re.compile(r"从(?![业事而严来未中头容属])|由(?=\s*[约近超逾\d])|[到至]")
_PROVISION_ROLES = ("cap", "support", "spent", "head")
_TIME_KINDS = ("point", "target", "since", "cue", "forecast")
_MAGNITUDES = ("亿", "万", "万亿")  # "100亿…基金": an amount of money without 元


def _provisions(masked: str, events: list[Event]) -> list[int]:
    """Positions of the money amounts and rates that a policy sets (caps, awards, subsidy or
    tax rates, fund sizes, budgets), read within the figure's clause of the sentence:
    a cap before it, or a support word after it unless money paid out precedes it; a clause
    opening with 总规模 / 首期 takes the clause before it."""
    wide = clauses(masked, _WIDE_CLAUSE)
    found = []
    for q in find_quantities(masked):
        u = unit_info(q.unit)
        if not (
            (u is not None and u.kind in ("money", "percent"))
            or (not q.unit and q.unit_raw in _MAGNITUDES)
        ):
            continue
        ws, we = clause_at(wide, q.start)
        own = [ev for ev in events if ws <= ev.pos < we]
        cap = any(ev.kind == "cap" and ev.pos < q.start for ev in own)
        spent = any(ev.kind == "spent" and ev.pos < q.start for ev in own)
        support = any(ev.kind == "support" and ev.pos >= q.end for ev in own)
        head = _opens_with_head(masked, (ws, we), events) and _head_of_support(
            masked, wide, ws, events
        )
        if cap or (support and not spent) or (head and not spent):
            found.append(q.start)
    return found


def _opens_with_head(masked: str, span: tuple[int, int], events: list[Event]) -> bool:
    return any(
        ev.kind == "head"
        and span[0] <= ev.pos < span[1]
        and not masked[span[0] : ev.pos].strip(MASK + " ")
        for ev in events
    )


def _head_of_support(
    masked: str, wide: list[tuple[int, int]], start: int, events: list[Event]
) -> bool:
    """设立…基金，总规模50亿元，首期20亿元: the clauses before, back over those that open
    with 总规模 / 首期 too, name a support word (the fund the sizes belong to)."""
    for span in reversed([sp for sp in wide if sp[1] <= start]):
        if not _opens_with_head(masked, span, events):
            return any(ev.kind == "support" and span[0] <= ev.pos < span[1] for ev in events)
    return False


def is_provision(sentence: str, pos: int, lex: FactLexicon) -> bool:
    """Whether the figure at ``pos`` in ``sentence`` is a term of a policy measure
    (最高补贴1000万元, 一次性奖励500万元, 15%的企业所得税优惠, a fund's size), read as
    :func:`events_of` reads it for the extractor."""
    masked = mask_titles(sentence)
    if not lex.kind_re.search(masked):
        return False
    events = _kind_events(masked, clauses(masked), None, lex, [], lambda _: False)
    return any(ev.kind == "provision" and ev.pos == pos for ev in events)


def apply_event(state: When, ev: Event, target_year: When | None) -> When:
    if ev.kind not in _TIME_KINDS:  # a provision's or an average's word sets no time
        return state
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
    own_year = [ev for ev in own_before if ev.kind in ("point", "target")]
    if any(ev.kind == "provision" and ev.pos == pos for ev in events):
        # a policy's term: no goal, and no year but one written in its own clause
        year = own_year[-1] if own_year else None
        return When(year.year if year else None, False, year.source if year else "", provision=True)
    for ev in own_before:
        state = apply_event(state, ev, target_year)
    if not own_year:
        after = [ev for ev in events if pos <= ev.pos < ce]
        years = [ev for ev in after if ev.kind in ("point", "target")]
        cues = [ev for ev in after if ev.kind == "cue"]
        if years:  # "产值462.2亿元（2022年）", "…的目标力争在2025年实现"
            state = apply_event(state, years[0], target_year)
        elif cues:  # "…1000亿元的目标"
            state = apply_event(state, cues[0], target_year)
        elif state.year is None and any(ev.kind == "average" for ev in own_before):
            # 从2021年的…增长至2024年的…，年均增长18%: the period ends with the last year named
            named = [ev for ev in events if ev.pos < cs and ev.kind in ("point", "target")]
            state = apply_event(state, named[-1], target_year) if named else state
    return _range_start(pos, (cs, ce), events, state)


def _range_start(pos: int, span: tuple[int, int], events: list[Event], state: When) -> When:
    """2021—2024年，企业从100家增加到160家: under a range, the figure after 从 (and before
    到) is the range's first year's, and no target: the base the change starts from."""
    years = [ev for ev in events if ev.kind in ("point", "target")]
    mine = [
        a
        for a in events
        if a.kind == "range_start"
        and a.pos < pos
        and any(b.pos > a.pos for b in years)
        and next(b for b in years if b.pos > a.pos).year == state.year
    ]
    if not mine or state.year is None:
        return state
    marks = [ev for ev in events if span[0] <= ev.pos < pos and ev.kind in ("from", "to")]
    if marks and marks[-1].kind == "from":
        return When(mine[-1].year, False, "explicit", state.cite)
    return state


def sentence_target(events: list[Event], start: When) -> When | None:
    """The target year stated in (or carried into) a sentence, for bare target words."""
    for ev in reversed(events):
        if ev.kind == "target":
            return When(ev.year, True, ev.source)
    return start if start.target and start.year is not None else None
