"""Key facts without a model: every figure in an article with its sentence,
citation, year, dimension and a short label.

Figures come from :mod:`briefgen.numbers` (the same parser that verifies model
output).  Which dimension a figure belongs to, which words are fillers and
which words mark a target are data (``briefgen/data/dimensions.toml`` and
``briefgen/data/lexicons/``), not code, so they can be tuned without edits here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .dimensions import dimension_cues, load_dimensions
from .glossary import Glossary, load_glossary
from .keysentences import split_sentences
from .numbers import LEXICONS, find_quantities, find_years, format_en, is_fact_unit, unit_info
from .types import Document, Excerpt, Fact, Quantity

_CLAUSE = re.compile(r"[，,；;：:、]|——")
_TARGET_YEAR = re.compile(
    r"(?:到|至|在|于)\s*((?:19|20)\d{2})\s*年|((?:19|20)\d{2})\s*年(?:底|末)?(?:前|之前)"
)
_SINCE = re.compile(r"^\s*年?\s*(?:以来|至今|起)")
_TITLE = re.compile(r"《[^》]*》|（[^）]*）|\([^)]*\)")


@dataclass(frozen=True)
class _FactLexicon:
    cues: dict[str, tuple[str, ...]]
    priors: tuple[tuple[str, str, float], ...]
    targets: tuple[str, ...]
    fillers: tuple[str, ...]
    verbs: tuple[str, ...]
    dim_en: dict[str, str]


def _lines(name: str) -> list[str]:
    path = LEXICONS / name
    return [
        x
        for x in path.read_text(encoding="utf-8").splitlines()
        if x.strip() and not x.startswith("#")
    ]


@lru_cache(maxsize=4)
def _lexicon(dims_path: Path | None = None) -> _FactLexicon:
    priors = []
    for line in _lines("unit_dimensions.tsv"):
        unit, dim, weight = line.split("\t")[:3]
        priors.append((unit, dim, float(weight)))
    fillers = tuple(sorted(_lines("label_fillers.tsv"), key=len, reverse=True))
    return _FactLexicon(
        cues=dimension_cues(dims_path),
        priors=tuple(priors),
        targets=tuple(_lines("targets.tsv")),
        fillers=fillers,
        verbs=tuple(_lines("label_verbs.tsv")),
        dim_en={d.id: d.en for d in load_dimensions(dims_path)},
    )


def _clause(sentence: str, start: int, end: int) -> tuple[str, str, str]:
    """(clause text before the figure, the figure, clause text after it)."""
    cuts = [m.end() for m in _CLAUSE.finditer(sentence, 0, start)]
    left = cuts[-1] if cuts else 0
    m = _CLAUSE.search(sentence, end)
    right = m.start() if m else len(sentence)
    return sentence[left:start], sentence[start:end], sentence[end:right]


def _dimension(q: Quantity, clause: str, sentence: str, lex: _FactLexicon) -> str:
    scores: dict[str, float] = {d: 0.0 for d in lex.cues}
    for dim, words in lex.cues.items():
        for w in words:
            if w in clause:
                scores[dim] += 3
            elif w in sentence:
                scores[dim] += 1
    u = unit_info(q.unit)
    kind = u.kind if u else ("ratio" if q.unit == "ratio" else "")
    for key, dim, weight in lex.priors:
        if dim in scores and key in (q.unit, kind):
            scores[dim] += weight
    scores.pop("target", None)  # target-ness is decided by _target(), not by cue counts
    best = max(scores.items(), key=lambda kv: kv[1], default=("scale", 0.0))
    return (
        best[0]
        if best[1] > 0
        else ("scale" if "scale" in lex.cues else next(iter(lex.cues), "scale"))
    )


def _explicit_year(sentence: str, before: int) -> int | None:
    """The nearest year written before position ``before`` (else after it) in the
    sentence, ignoring years inside 《document titles》 and "since 2018" phrases."""
    masked = _TITLE.sub(lambda m: " " * len(m.group()), sentence)
    years = [
        (y, s, e)
        for y, s, e in find_years(masked)
        if not _SINCE.match(masked[e:]) and masked[max(0, s - 1) : s] not in ("自", "从")
    ]
    earlier = [y for y, s, _ in years if s < before]
    if earlier:
        return earlier[-1]
    later = [y for y, _, _ in years]
    return later[0] if later else None


def _target_year(text: str) -> int | None:
    masked = _TITLE.sub(lambda m: " " * len(m.group()), text)
    m = _TARGET_YEAR.search(masked)
    return int(m.group(1) or m.group(2)) if m else None


def _label(before: str, after: str, q: Quantity, lex: _FactLexicon) -> str:
    """A short zh label: the words before the figure, or after it for counts (400家企业)."""
    head = _TITLE.sub("", before)
    head = re.sub(r"(?:19|20)\d{2}\s*年(?:度)?|[\d.]+\s*[月日]", "", head)
    changed = True
    while changed:
        changed = False
        head = head.strip(' \t"“”')
        for w in lex.fillers:
            if head.startswith(w) and len(head) > len(w):
                head, changed = head[len(w) :], True
    u = unit_info(q.unit)
    tail = re.sub(r"^(?:以上|以下|左右|的)", "", after).strip()
    tail = re.split(r"[落入驻建在于是等和及与]", tail, maxsplit=1)[0] if len(tail) > 12 else tail
    counted = u is not None and u.kind == "count" or q.unit == "" or head.endswith(lex.verbs)
    if counted and len(tail) >= 2:
        return tail[:16].strip('。！？!?”" ')
    return (head[-16:] if head else tail[:16]).strip('。！？!?”" ')


def _what_en(what: str, dim: str, glossary: Glossary, lex: _FactLexicon) -> str:
    terms = [en for _, en in glossary.terms_in(what)]
    if not terms:
        return lex.dim_en.get(dim, dim).lower() + " figure"
    if len(terms) == 1:
        return terms[0]
    return f"{terms[-1]} ({', '.join(terms[:-1])})"


def _rhetorical(q: Quantity) -> bool:
    """三个 / 两个 in prose are mostly rhetoric ("三个一批"), not figures: small counts
    written in Chinese numerals are left out; arabic figures are always kept."""
    u = unit_info(q.unit)
    spelled = bool(re.fullmatch(r"[零〇一二两三四五六七八九]", q.number))
    return spelled and u is not None and u.kind == "count" and q.high is None


def _excerpt_facts(
    ex: Excerpt, doc_year: int | None, lex: _FactLexicon, glossary: Glossary
) -> list[Fact]:
    facts: list[Fact] = []
    carry_target: int | None = None  # a "到2025年" target applies to the rest of the paragraph
    for sentence, _ in split_sentences(ex.text, semicolons=False):
        tyear = _target_year(sentence)
        cue = any(w in sentence for w in lex.targets)
        if tyear is not None and (cue or "到" in sentence or "前" in sentence):
            carry_target = tyear
        for q in find_quantities(sentence):
            if not (is_fact_unit(q.unit) or (q.unit == "" and q.unit_raw)):
                continue
            if _rhetorical(q):
                continue
            before, _, after = _clause(sentence, q.start, q.end)
            year = _explicit_year(sentence, q.start)
            is_target = False
            if tyear is not None and (cue or carry_target == tyear):
                is_target, year = True, tyear
            elif carry_target is not None and (year is None or year == carry_target):
                is_target, year = True, carry_target
            if year is None:
                year = doc_year
            dim = (
                "target"
                if is_target and "target" in lex.cues
                else _dimension(q, before + after, sentence, lex)
            )
            what = _label(before, after, q, lex)
            facts.append(
                Fact(
                    value=q.number,
                    unit=q.unit_raw,
                    what=what,
                    what_en=_what_en(what, dim, glossary, lex),
                    year=year,
                    dimension=dim,
                    sentence=sentence,
                    cites=[ex.id],
                    value_en=format_en(q),
                    is_target=is_target,
                )
            )
    return facts


def extract_facts(
    doc: Document, glossary: Glossary | None = None, *, dimensions_path: Path | None = None
) -> list[Fact]:
    """Every figure worth a key-facts row, in document order, each citing its excerpt."""
    lex = _lexicon(dimensions_path)
    gl = glossary or _default_glossary()
    doc_year = int(doc.date[:4]) if doc.date and re.match(r"\d{4}", doc.date) else None
    out: list[Fact] = []
    for ex in doc.excerpts:
        out.extend(_excerpt_facts(ex, doc_year, lex, gl))
    return out


@lru_cache(maxsize=1)
def _default_glossary() -> Glossary:
    return load_glossary()
