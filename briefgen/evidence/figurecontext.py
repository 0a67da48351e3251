"""What a figure is bound to where it is written: its qualifier, whether it is a target,
a forecast or achieved, the year and the place it belongs to, and the words around it.

The verifier needs more than "this number occurs in the cited excerpt": a paragraph
often holds one city's figure beside another's, a 2022 figure beside a 2025 target,
约四成 beside 超过四成.  This module reads each figure of a text together with those
bindings, the same way for a cited excerpt (Chinese) and for a claim (Chinese or
English), so the verifier can compare them figure by figure.  The cue words are data
(``lexicons/modality.tsv``, ``relative_years.tsv``; places from ``cities.tsv``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from briefgen.core.types import Quantity
from briefgen.corpus.vocab import zones
from briefgen.evidence.glossary import load_glossary
from briefgen.text.numbers import LEXICONS, find_quantities, find_years

_SENTENCE = re.compile(r"[。！？!?]|\.(?=\s|$)")
_CLAUSE = re.compile(r"[，,；;：:、。！？!?]|\.(?=\s|$)|\s(?:and|while|with|including)\s")
_TITLE = re.compile(r"《[^》]*》")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_TO_YEAR = re.compile(r"(?<![截])(?:到|至)\s*((?:19|20)\d{2})\s*年")
_BY_YEAR = re.compile(r"\bby\s+(?:the\s+end\s+of\s+|end-)?((?:19|20)\d{2})\b", re.I)
_AFTER_TARGET = re.compile(r"[”\"’」]?的?(?:目标|任务)|\s*\((target|forecast)\b")
_COMPARED = re.compile(r"(?:较|比|相比|对比|比上)\s*$")  # 较2020年: a base of comparison
_NOT_YEARS = ("当年", "当期")  # "that year": the year already governing, not the article's


@dataclass(frozen=True)
class Figure:
    """One figure of a text and what it is bound to there."""

    q: Quantity
    qualifier: str | None  # the parser's, or 最高/过 just before the figure; "graded" for 千亿级
    modality: str  # "achieved" | "target" | "forecast" | "future" (claims: "will")
    years: frozenset[int]  # the years that govern it (source) or are stated with it (claim)
    place: str | None  # the city it belongs to (zh name, no 市), None when no city is named
    label: frozenset[str]  # Han bigrams of the words around it (its clause)
    slot: str | None = None  # its item in a 分别 list: "Ⅲ" in 按Ⅰ、Ⅱ、Ⅲ期分别给予…
    part: bool = False  # source: 全区/区内 before it (a district's figure); claim: names an area
    place_named: bool = False  # the place is written in the text (not the article's or finding's)


@dataclass(frozen=True)
class _Vocab:
    relative: dict[str, int]
    places_zh: dict[str, str]  # written -> city (both 中山 and 中山市)
    places_en: dict[str, str]  # pinyin -> city
    zh_words: tuple[tuple[str, str, tuple[str, ...]], ...]  # (word, class, not-after words)
    en_words: tuple[tuple[str, str, tuple[str, ...]], ...]


def _rows(name: str) -> list[list[str]]:
    text = (LEXICONS / name).read_text(encoding="utf-8")
    return [
        line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    zh: list[tuple[str, str, tuple[str, ...]]] = []
    en: list[tuple[str, str, tuple[str, ...]]] = []
    for row in _rows("modality.tsv"):
        word, cls, lang = row[:3]
        not_after = tuple(w for w in (row[3].split(",") if len(row) > 3 else []) if w)
        (zh if lang == "zh" else en).append(
            (word if lang == "zh" else word.lower(), cls, not_after)
        )
    cities = load_glossary().cities
    places_zh: dict[str, str] = {}
    for name in cities:
        base = name.removesuffix("市")
        if len(base) >= 2:
            places_zh[base] = base
            places_zh[base + "市"] = base
    for zone, city in zones().items():  # 前海, 深汕特别合作区: a zone's figure is its city's
        places_zh.setdefault(zone, city.removesuffix("市"))
    places_en: dict[str, str] = {}
    for zh_name, en_name in cities.items():  # Suzhou is 苏州 before 宿州: the first listed wins
        if en_name:
            places_en.setdefault(en_name, zh_name.removesuffix("市"))
    relative = {r[0]: int(r[1]) for r in _rows("relative_years.tsv")}
    return _Vocab(relative, places_zh, places_en, tuple(zh), tuple(en))


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    out, left = [], 0
    for m in pattern.finditer(text):
        out.append((left, m.start()))
        left = m.end()
    out.append((left, len(text)))
    return out


def _span_at(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    return next(((s, e) for s, e in spans if s <= pos <= e), spans[-1])


def _mask_titles(text: str) -> str:
    return _TITLE.sub(lambda m: "\x00" * len(m.group()), text)


# ---------------------------------------------------------------- modality


def _cue_positions(
    text: str, words: tuple[tuple[str, str, tuple[str, ...]], ...], whole: bool
) -> list[tuple[int, str]]:
    """Every cue word in the text: plain substring search (many short words in a short
    text is far quicker than one big alternation); English cues must be whole words,
    and a cue right after one of its "not after" words (研发计划) does not count."""
    low = text.lower() if whole else text
    out = []
    for word, cls, not_after in words:
        i = low.find(word)
        while i >= 0:
            j = i + len(word)
            bounded = not whole or (
                (i == 0 or not low[i - 1].isalnum()) and (j >= len(low) or not low[j].isalnum())
            )
            if bounded and not any(low.endswith(g, 0, i) for g in not_after):
                out.append((i, cls))
            i = low.find(word, i + 1)
    return out


def _modality_events(text: str, lang: str, doc_years: Sequence[int]) -> list[tuple[int, str]]:
    """(position, class) of every cue in reading order."""
    v = _vocab()
    events = _cue_positions(text, v.zh_words if lang == "zh" else v.en_words, lang == "en")
    if lang == "zh":
        events += [(m.start(), "target") for m in _TO_YEAR.finditer(text)]
        latest = max(doc_years, default=None)
        for y, s, _ in find_years(text):
            if latest is not None and not text[max(0, s - 2) : s].endswith(("到", "至")):
                events.append((s, "target-year" if y > latest else "achieved-year"))
    else:  # "by 2026" is a target; "by end-2023" in a 2024 article is "as of"
        latest = max(doc_years, default=None)
        for m in _BY_YEAR.finditer(text):
            future = latest is None or int(m.group(1)) > latest
            events.append((m.start(), "target" if future else "achieved-year"))
    return sorted(events)


_ENUM_START = re.compile(
    r"\s*(?:[一二三四五六七八九十]是|其[一二三]|首先|[（(][一二三四五六七八九十][)）])"
)
_ENUM_COLON = re.compile(r"[:：]\s*(?:[一1]是|其一|首先|[（(][一1][)）])")
_WEAK = ("future", "target-year", "achieved-year")  # 将/will and bare years: only fill a gap


def _apply(state: str, cls: str) -> str:
    """A cue word (力争, 预计, 已) decides; 将 and a bare year only speak when nothing
    stronger was said in the sentence (预计2026年…将提升至: still a forecast)."""
    if cls not in _WEAK:
        return cls
    if state in ("unmarked", "target*"):
        return {"future": "future", "target-year": "target", "achieved-year": "achieved"}[cls]
    return state


def _modality(text: str, pos: int, end: int, events: list[tuple[int, str]], sentences: list[tuple[int, int]],
              clauses: list[tuple[int, int]], carry: str = "unmarked") -> str:  # fmt: skip
    """The cues before the figure decide.  A target carries over from earlier sentences as
    "target*" (a plan's goals span several), as a plain target when the following sentences
    enumerate it (目标。一是…); with no cue at all the figure is "unmarked"; 目标 right after
    the figure counts."""
    s_start = _span_at(sentences, pos)[0]
    state, carried, listing = "unmarked", carry, carry == "target"
    for i, (s, e) in enumerate(sentences):
        if s >= s_start:
            break
        sent = "unmarked"
        for p, cls in events:
            if s <= p < e:
                sent = _apply(sent, cls)
        enum_next = i + 1 < len(sentences) and bool(_ENUM_START.match(text, e + 1))
        listing = listing or (
            sent == "target" and (enum_next or bool(_ENUM_COLON.search(text, s, e)))
        )
        carried = "target" if sent == "target" else ("unmarked" if sent == "achieved" else carried)
    if carried == "target":
        state = "target" if listing else "target*"
    for p, cls in events:
        if s_start <= p < pos:
            state = _apply(state, cls)
    c_end = _span_at(clauses, pos)[1]
    after = _AFTER_TARGET.match(text, end, max(c_end + 1, end + 12))
    if state == "unmarked" and after:
        return after.group(1) or "target"  # "…1000亿元的目标", "CNY 100 billion (target 2025)"
    return state


# ------------------------------------------------------------------- years


def _year_marks(text: str, doc_years: Sequence[int]) -> list[tuple[int, int]]:
    """(position, year) of written years and of 今年/去年 read against the article's year."""
    marks = [(s, y) for y, s, _ in find_years(text)]
    rel = _vocab().relative
    if rel:
        words = sorted((w for w in rel if w not in _NOT_YEARS), key=len, reverse=True)
        for m in re.finditer("|".join(map(re.escape, words)), text):
            marks += [(m.start(), y + rel[m.group()]) for y in doc_years]
    return sorted(marks)


def _source_years(pos: int, marks: list[tuple[int, int]], clause: tuple[int, int], sentence: tuple[int, int],
                  doc_years: Sequence[int], bases: frozenset[int] = frozenset()) -> frozenset[int]:  # fmt: skip
    """The governing year (the last one before the figure in its paragraph, not a base of
    comparison: 较2020年翻一番，年均增长26% is a 2023 figure), the years of its own clause,
    and the article's year when its sentence names none."""
    governing = [(p, y) for p, y in marks if p < pos and p not in bases]
    years = {governing[-1][1]} if governing else set()
    last_pos = governing[-1][0] if governing else -1
    years |= {y for p, y in marks if clause[0] <= p < clause[1] or p == last_pos}
    if last_pos >= 0:  # a range "2023—2025年" governs with both ends
        years |= {y for p, y in marks if last_pos - 6 <= p <= last_pos}
    if not any(sentence[0] <= p < sentence[1] for p, _ in marks):
        years |= set(doc_years)
    return frozenset(years)


def _claim_year(pos: int, end: int, marks: list[tuple[int, int]], clause: tuple[int, int],
                sentence: tuple[int, int], lang: str) -> frozenset[int]:  # fmt: skip
    """The year a claim states with a figure: English puts it after ("in 2022", "by 2026"),
    Chinese before (2022年…); fall back to the other side within the sentence."""
    after = [y for p, y in marks if end <= p < clause[1]]
    before = [y for p, y in marks if sentence[0] <= p < pos]
    if lang == "en" and after:
        return frozenset(after[:1])
    if before:
        return frozenset(before[-1:])
    return frozenset(after[:1])


# ------------------------------------------------------------------ places


@lru_cache(maxsize=2)
def _place_pattern(lang: str) -> re.Pattern[str] | None:
    v = _vocab()
    names = sorted(v.places_zh if lang == "zh" else v.places_en, key=len, reverse=True)
    if not names:
        return None
    if lang == "zh":
        return re.compile("|".join(map(re.escape, names)))
    return re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b")


@lru_cache(maxsize=1)
def _zone_pattern() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, sorted(zones(), key=len, reverse=True))) or r"(?!)")


def _names_zone(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] names a zone or district of a city (临港, 前海: zones.tsv)."""
    return _zone_pattern().search(text, start, end) is not None


def _place_marks(text: str, lang: str) -> list[tuple[int, str]]:
    v = _vocab()
    table = v.places_zh if lang == "zh" else v.places_en
    pattern = _place_pattern(lang)
    return [(m.start(), table[m.group()]) for m in pattern.finditer(text)] if pattern else []


# --------------------------------------------------------------- qualifiers

_WINDOW_QUAL = (
    (re.compile(r"最高(?:给予|可获得?|可获|补助|补贴|奖励|支持|可达)?\s*$"), "at most"),
    (re.compile(r"(?<![经通不越跨超])过\s*$"), "over"),
)


def _qualifier(text: str, q: Quantity) -> str | None:
    """The hedge a figure carries: the parser's (约, 超过, 余, more than …), else 最高给予
    ("up to") or 过 ("above") just before it; 千亿级 is "graded" (the 约 is implied)."""
    if q.unit_raw.endswith("级"):
        return "graded"
    if q.qualifier == "over" and text.startswith("突破", q.start):
        return "breakthrough"  # 突破29项核心技术: "broke through 29", or "over 29"
    if q.qualifier:
        return q.qualifier
    head = text[max(0, q.start - 6) : q.start]
    return next((code for pat, code in _WINDOW_QUAL if pat.search(head)), None)


# -------------------------------------------------------------------- dates

_MONTH_EN = {m: i for i, ms in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1) for m in [ms]}  # fmt: skip
_ZH_DAYS = re.compile(
    r"(\d{1,2})\s*月\s*(\d{1,2})\s*日?(?:\s*(?:至|到|-|—|–|~)\s*(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日)?"
)
_EN_DAY_MONTH = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?(?:\s*(?:-|–|to|and)\s*(\d{1,2})(?:st|nd|rd|th)?)?\s+([A-Z][a-z]{2,8})\b"
)
_EN_MONTH_DAY = re.compile(
    r"\b([A-Z][a-z]{2,8})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:\s*(?:-|–|to|and)\s*(\d{1,2})(?:st|nd|rd|th)?)?(?![\d,.]\d)"
)


@lru_cache(maxsize=4096)
def month_days(text: str) -> frozenset[tuple[int, int]]:
    """(month, day) of every date written in the text, each day of a range included:
    6月10日至12日 and "10 to 12 June" both give (6, 10), (6, 11), (6, 12)."""
    out: set[tuple[int, int]] = set()

    def add(month: int, first: int, last: int | None) -> None:
        if 1 <= month <= 12:
            out.update((month, d) for d in range(first, (last or first) + 1) if 1 <= d <= 31)

    for m in _ZH_DAYS.finditer(text):
        if m.group(2) and text[m.end(2) : m.end(2) + 2].strip().startswith("日") or m.group(4):
            add(int(m.group(1)), int(m.group(2)), int(m.group(4)) if m.group(4) else None)
    for m in _EN_DAY_MONTH.finditer(text):
        month = _MONTH_EN.get(m.group(3)[:3].lower())
        if month:
            add(month, int(m.group(1)), int(m.group(2)) if m.group(2) else None)
    for m in _EN_MONTH_DAY.finditer(text):
        month = _MONTH_EN.get(m.group(1)[:3].lower())
        if month:
            add(month, int(m.group(2)), int(m.group(3)) if m.group(3) else None)
    return frozenset(out)


_DISTRICT = re.compile(r"全区|区内")  # 会上披露，2023年全区…: the district's figure, not the city's
_AREA = {
    "zh": re.compile(r"区|园|基地|生物城|小镇"),
    "en": re.compile(r"\b(?:district|zone|park|area|base|town|ETDZ|E-Town)\b", re.I),
}
_FIRM = re.compile(
    r"(?:像|如|例如|比如)?(?!这|该|此)([\u4e00-\u9fff]{2,12}(?:公司|集团|药业|制药|股份|生物))"
    r"(?:[，,](?:这家|该)(?:公司|企业))?"
    r"(?:(?:是|为|，|,)[^。]*?其|(?:是|为)[^。]*?(?:企业|公司)[，,])"
)


def firm_subject(text: str, start: int, pos: int) -> str | None:
    """山东泰邦生物是…企业，其产值约占全国的1/7 (or …企业，产值占全国…): the figure is the
    company's, not its city's."""
    m = _FIRM.search(text, start, pos)
    return m.group(1) if m else None


# ------------------------------------------------------------------- labels


_SAME_WORDS = (
    ("位居", "位列"),
    ("位于", "位列"),
    ("排名", "位列"),
    ("营收", "营业收入"),
)  # one wording


def bigrams(text: str) -> frozenset[str]:
    """Han character pairs of a text: a wording fingerprint that survives small edits."""
    for word, same in _SAME_WORDS:
        text = text.replace(word, same)
    han = "".join(ch if _HAN.match(ch) else " " for ch in text)
    return frozenset(w[i : i + 2] for w in han.split() for i in range(len(w) - 1))


def _source_label(
    text: str, q: Quantity, clauses: list[tuple[int, int]], sentence: tuple[int, int]
) -> frozenset[str]:
    """The words around a cited figure: its clause, the clause before when its own is short
    (同比增长8.5% says what grew only with it), and the sentence's first clause (its subject)."""
    s, e = _span_at(clauses, q.start)
    words = text[s : q.start] + " " + text[q.end : e]
    i = clauses.index((s, e)) if (s, e) in clauses else 0
    if len(_HAN.findall(words)) < 6 and i > 0:
        ps, pe = clauses[i - 1]
        words = text[ps:pe] + " " + words
    head = _span_at(clauses, sentence[0])
    return bigrams(text[head[0] : head[1]] + " " + words)


def _claim_label(text: str, q: Quantity, clauses: list[tuple[int, int]]) -> frozenset[str]:
    """The words a claim puts right next to a figure (a few characters each side)."""
    s, e = _span_at(clauses, q.start)
    before = "".join(_HAN.findall(text[s : q.start]))[-8:]
    after = "".join(_HAN.findall(text[q.end : e]))[:6]
    i = clauses.index((s, e)) if (s, e) in clauses else 0
    if len(before) + len(after) < 6 and i > 0:
        ps, pe = clauses[i - 1]
        before = "".join(_HAN.findall(text[ps:pe]))[-8:] + " " + before
    return bigrams(before + " " + after)


_RESPECTIVELY = re.compile(r"([^，。；：,;:]*?)分别(?:为|是|达到|达|给予|增长|占)?([^。；;]*)")


@lru_cache(maxsize=4096)
def list_slots(text: str) -> list[tuple[tuple[str, ...], list[tuple[int, int]]]]:
    """The 分别 lists of a text: (item names, [(start, end) of each figure in order]).
    按Ⅰ、Ⅱ、Ⅲ期分别给予最高300万元、800万元、1500万元 gives (Ⅰ, Ⅱ, Ⅲ) and three spans."""
    out = []
    for m in _RESPECTIVELY.finditer(text):
        items = [w.strip() for w in re.split(r"[、和及]", m.group(1))]
        if len(items) < 2:
            continue
        width = max(len(w) for w in items[1:-1] or items[1:2])
        items[0] = re.split(r"[的对按为在向给将及与]", items[0])[-1][-max(width + 1, 1) :]
        tail = os.path.commonprefix([w[::-1] for w in items])[::-1]  # 期 in Ⅰ期、Ⅱ期 …
        items = [w.removesuffix(tail) if tail and len(w) > len(tail) else w for w in items]
        items[-1] = items[-1][:width] if len(items[-1]) > width else items[-1]
        figs = [(q.start + m.start(2), q.end + m.start(2)) for q in find_quantities(m.group(2))]
        if len(figs) == len(items) and all(items):
            out.append((tuple(items), figs))
    return out


def _with_slots(figures: list[Figure], text: str) -> list[Figure]:
    out = []
    for f in figures:
        for items, spans in list_slots(text):
            for item, (s, e) in zip(items, spans, strict=True):
                if s <= f.q.start < e or f.q.start <= s < f.q.end:
                    f = replace(f, slot=item)
        out.append(f)
    return out


def _same_list(a: Quantity, b: Quantity) -> bool:
    """b continues a's list: same unit, or a bare "8 million" after "CNY 3 million"."""
    return a.unit == b.unit or (b.unit == "" and bool(re.search(r"million|billion|万|亿", b.raw)))


def _inherit_qualifiers(figures: list[Figure], text: str) -> list[Figure]:
    """分别给予最高300万元、800万元、1500万元: a hedge before a list covers each item."""
    out: list[Figure] = []
    for f in figures:
        prev = out[-1] if out else None
        gap = text[prev.q.end : f.q.start] if prev else ""
        listed = gap.strip(" ,") in ("、", "和", "及", "", "and", "or")
        if prev and f.qualifier is None and prev.qualifier and listed and _same_list(prev.q, f.q):
            f = replace(f, qualifier=prev.qualifier)
        out.append(f)
    return out


# -------------------------------------------------------------------- entry


def paragraph_end(text: str, doc_years: tuple[int, ...] = ()) -> tuple[str, tuple[int, ...]]:
    """How a cited paragraph leaves off: a target still open (目标。一是…) and its year, for
    the enumerated paragraph after it (二是…) to continue."""
    masked = _mask_titles(text)
    sentences, clauses = _spans(_SENTENCE, masked), _spans(_CLAUSE, masked)
    events = _modality_events(masked, "zh", doc_years)
    mod = _modality(masked, len(masked), len(masked), events, sentences, clauses)
    marks = [
        y for p, y in _year_marks(masked, doc_years) if (p, "target") in events or mod == "target"
    ]
    return ("target" if mod.startswith("target") else "unmarked"), tuple(marks[-1:])


def continues(text: str) -> bool:
    """二是…, （三）…, 其次…: a paragraph that goes on with the previous one's list."""
    return bool(_CONTINUES.match(text))


_CONTINUES = re.compile(
    r"\s*(?:[二三四五六七八九十]是|其[二三]|其次|再次|最后|[（(][二三四五六七八九十][)）])"
)


@lru_cache(maxsize=4096)
def read_figures(text: str, lang: str = "zh", doc_years: tuple[int, ...] = (),
                 default_place: str | None = None, role: str = "source",
                 carry: tuple[str, tuple[int, ...]] = ("unmarked", ())) -> tuple[Figure, ...]:  # fmt: skip
    """Every figure of ``text`` with its bindings.  ``role`` "source" reads a cited
    excerpt (years and places carry from earlier sentences, the article's year and city
    stand in); "claim" reads model output (only what the claim itself states).  ``carry``
    is what an enumerated paragraph continues from the one before (see paragraph_end)."""
    masked = _mask_titles(text)
    sentences, clauses = _spans(_SENTENCE, masked), _spans(_CLAUSE, masked)
    events = _modality_events(masked, lang, doc_years)
    marks = _year_marks(masked, doc_years)
    bases = frozenset(p for p, _ in marks if _COMPARED.search(masked, max(0, p - 3), p))
    places = _place_marks(masked, lang)
    out = []
    for q in find_quantities(text):
        if "\x00" in masked[q.start : q.end]:
            continue
        clause, sentence = _span_at(clauses, q.start), _span_at(sentences, q.start)
        mod = _modality(masked, q.start, q.end, events, sentences, clauses, carry[0])
        if role == "source":
            years = _source_years(q.start, marks, clause, sentence, carry[1] or doc_years, bases)
            named = [c for p, c in places if p < q.start]
        else:
            years = _claim_year(q.start, q.end, marks, clause, sentence, lang)
            named = [c for p, c in places if sentence[0] <= p < q.start]
        place = named[-1] if named else default_place
        part = bool(
            (_DISTRICT if role == "source" else _AREA[lang]).search(masked, sentence[0], q.start)
        ) or (role == "claim" and _names_zone(masked, sentence[0], q.start))  # 临港…: a part of 上海
        if role == "source" and (firm := firm_subject(masked, sentence[0], q.start)):
            place = firm
        label = frozenset[str]()
        if lang == "zh":
            label = (
                _source_label(masked, q, clauses, sentence)
                if role == "source"
                else _claim_label(masked, q, clauses)
            )
        out.append(
            Figure(q, _qualifier(masked, q), mod, years, place, label, None, part, bool(named))
        )
    out = _inherit_qualifiers(out, masked)
    return tuple(_with_slots(out, masked) if role == "source" else out)
