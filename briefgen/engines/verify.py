"""Check model output against the excerpts it cites, without a model.

A claim is shown as verified only when every citation is an excerpt that was
in the context of the call, every number it states (in Chinese or English,
after unit conversion) is in one of the cited excerpts, the Chinese and the
English text state the same numbers and years, and the claim does not itself
read as an instruction to a model.  Numbers are read by ``briefgen.numbers``,
the same parser the extractive engine uses, so "the number is in the cited
excerpt" means the same thing everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from briefgen.core.types import Claim, Excerpt, Fact, Quantity, Status
from briefgen.corpus.injection import looks_like_instruction
from briefgen.engines.schemas import ClaimOut, FactOut
from briefgen.evidence.binding import (
    binding_reasons,
    date_reasons,
    fact_year_reason,
    relative_years,
)
from briefgen.text import numbers

# English words that contain a number but are labels, not quantities.
_EN_LABELS = re.compile(
    r"\b\d+(?:st|nd|rd|th)\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten)-year\s+plan\b"
    r"|\b(?:phase|no\.?|number|level|class|grade|tier|batch|round|article|item)\s*\d{1,2}\b",
    re.IGNORECASE,
)
_CITE_STRIP = " \t\r\n[]【】()（）<>\"'`“”‘’,，;；"


def normalise_cite(cite: str) -> str:
    """``"[doc:p3]"`` / ``'id="doc:p3"'`` -> ``"doc:p3"``: forgive wrapping, not the ID."""
    c = cite.strip().strip(_CITE_STRIP)
    if c.lower().startswith("id="):
        c = c[3:].strip(_CITE_STRIP)
    return c


def _mask_labels(text: str) -> str:
    return _EN_LABELS.sub(lambda m: " " * len(m.group()), text)


def _significant(q: Quantity) -> bool:
    """Bare small integers with no unit ("2" in "Phase 2", "1" in "No. 1") are labels."""
    if q.unit == "" and q.high is None and not q.qualifier:
        return not (float(q.value).is_integer() and 0 <= q.value <= 10)
    return True


def quantities(text: str, *, all_: bool = False) -> list[Quantity]:
    """The quantities a claim states (labels and ordinals left out; ``all_`` keeps bare small numbers)."""
    found = numbers.find_quantities(_mask_labels(text))
    return found if all_ else [q for q in found if _significant(q)]


def _years(text: str) -> set[int]:
    return {y for y, _, _ in numbers.find_years(text)}


def _check_cites(
    cites: Iterable[str], context: Mapping[str, Excerpt], known_ids: set[str]
) -> tuple[list[str], list[Excerpt], list[str]]:
    """(normalised cites, cited excerpts in context, reasons)."""
    clean: list[str] = []
    for c in cites:
        n = normalise_cite(c)
        if n and n not in clean:
            clean.append(n)
    if not clean:
        return [], [], ["no citation"]
    reasons: list[str] = []
    cited: list[Excerpt] = []
    for c in clean:
        if c in context:
            cited.append(context[c])
        elif c in known_ids:
            reasons.append(f"citation outside context {c}")
        else:
            reasons.append(f"unknown citation {c}")
    return clean, cited, reasons


def _in_cited(q: Quantity, cited: list[Excerpt]) -> bool:
    return any(numbers.quantity_in_text(q, e.text) for e in cited)


def _needs_counterpart(q: Quantity) -> bool:
    """一年, 五年, 两位, 1个: small whole counts read as words in English ("the first year",
    "a single park", "double-digit") need no English figure of their own."""
    if q.unit == "place":  # 位居全国第四 may be "fourth in China", which reads no rank
        return False
    u = numbers.unit_info(q.unit)
    small = q.high is None and float(q.value).is_integer() and q.value <= 10
    spelled = not re.search(r"\d", q.number)
    return not (
        small and u is not None and u.kind in ("count", "duration") and (spelled or q.value == 1)
    )


def _number_reasons(zh: str, en: str, cited: list[Excerpt], extra_years: set[int]) -> list[str]:
    reasons: list[str] = []
    zh_all, en_all = quantities(zh, all_=True), quantities(en, all_=True)
    zh_q, en_q = [q for q in zh_all if _significant(q)], [q for q in en_all if _significant(q)]
    if cited:
        for q in zh_q + en_q:
            if not _in_cited(q, cited):
                reasons.append(f"number {q.raw.strip()} not in cited text")
    # A stated number must have a counterpart on the other side (which may be a bare "3").
    zh_only = [
        q.raw.strip()
        for q in zh_q
        if _needs_counterpart(q) and not any(numbers.same_quantity(q, o) for o in en_all)
    ]
    en_only = [q.raw.strip() for q in en_q if not any(numbers.same_quantity(q, o) for o in zh_all)]
    if zh_only or en_only:
        parts = []
        if zh_only:
            parts.append("only in Chinese: " + ", ".join(zh_only))
        if en_only:
            parts.append("only in English: " + ", ".join(en_only))
        reasons.append("zh/en numbers disagree: " + "; ".join(parts))
    zh_years, en_years = _years(zh), _years(en)
    missing = sorted(en_years - zh_years)
    if missing:
        reasons.append("zh/en years disagree: " + ", ".join(map(str, missing)) + " not in Chinese")
    if cited:
        cited_years = set().union(*(_years(e.text) for e in cited)) | extra_years
        cited_years |= set().union(*(relative_years(e.text, extra_years) for e in cited))
        for y in sorted((zh_years | en_years) - cited_years):
            reasons.append(f"year {y} not in cited text")
    return reasons


def verify_claim(
    claim: Claim,
    context: Mapping[str, Excerpt],
    known_ids: set[str],
    *,
    extra_years: Iterable[int] = (),
    city: str | None = None,
    doc_cities: Mapping[str, Sequence[str]] | None = None,
) -> Claim:
    """A copy of ``claim`` with status "verified" or "rejected" and the reasons.

    ``context`` holds the excerpts shown to the model for this call;
    ``known_ids`` every excerpt ID of the run (to tell an invented ID from one
    of another article); ``extra_years`` years a claim may state without a
    citation (the article's own publication year).  Each figure must also keep
    what the cited text binds it to (qualifier, target/forecast/achieved, year,
    city, its place in a list): ``city`` is the city a finding is about, and
    ``doc_cities`` the cities of each cited document (by document ID), which stand
    in when a paragraph names no city.
    """
    reasons: list[str] = []
    if not claim.zh.strip():
        reasons.append("empty Chinese text")
    if not claim.en.strip():
        reasons.append("empty English text")
    cites, cited, cite_reasons = _check_cites(claim.cites, context, known_ids)
    reasons += cite_reasons
    years = set(extra_years)
    reasons += _number_reasons(claim.zh, claim.en, cited, years)
    if cited:
        texts = {"zh": _mask_labels(claim.zh), "en": _mask_labels(claim.en)}
        reasons += binding_reasons(texts, cited, years, city=city, doc_cities=doc_cities or {})
        reasons += date_reasons(claim.zh + "\n" + claim.en, cited)
    if looks_like_instruction(claim.zh) or looks_like_instruction(claim.en):
        reasons.append("claim reads as an instruction to a model")
    status: Status = "rejected" if reasons else "verified"
    return replace(claim, cites=cites, status=status, reasons=reasons)


def claim_from_answer(answer: ClaimOut) -> Claim:
    return Claim(zh=answer.zh.strip(), en=answer.en.strip(), cites=list(answer.cites))


@dataclass
class FactCheck:
    """A key fact from the model with the outcome of its check."""

    fact: Fact
    status: Status
    reasons: list[str] = field(default_factory=list)


_CN_SMALL = "零一二三四五六七八九十"


def _rank_in_cited(answer: FactOut, cited: list[Excerpt]) -> bool:
    """A rank as a fact (value 2, unit 名) where the text says 第2名, 第二位 or 位列第2."""
    value = answer.value.strip()
    if answer.unit.strip() not in ("名", "位") or not value.isdigit():
        return False
    forms = [value] + ([_CN_SMALL[int(value)]] if int(value) <= 10 else [])
    pattern = re.compile(r"第\s*(?:" + "|".join(forms) + r")(?![\d零一二三四五六七八九十])")
    return any(pattern.search(e.text) for e in cited)


def verify_fact(
    answer: FactOut,
    context: Mapping[str, Excerpt],
    known_ids: set[str],
    *,
    extra_years: Iterable[int] = (),
) -> FactCheck:
    """Check a structured fact: valid citations, its number in a cited excerpt, its year there too."""
    cites, cited, reasons = _check_cites(answer.cites, context, known_ids)
    written = f"{answer.value}{answer.unit}".strip()
    q = numbers.parse_quantity(written) if written else None
    if q is None:
        reasons.append(f"value {written or '(empty)'} is not a number")
    elif cited and not _in_cited(q, cited) and not _rank_in_cited(answer, cited):
        reasons.append(f"number {written} not in cited text")
    if answer.year is not None and cited:
        cited_years = set().union(*(_years(e.text) for e in cited)) | set(extra_years)
        if answer.year not in cited_years:
            reasons.append(f"year {answer.year} not in cited text")
        elif q is not None and (why := fact_year_reason(q, answer.year, cited, extra_years)):
            reasons.append(why)
    if looks_like_instruction(answer.what) or looks_like_instruction(answer.what_en):
        reasons.append("fact reads as an instruction to a model")
    sentence = ""
    if q is not None:
        sentence = next((e.text for e in cited if numbers.quantity_in_text(q, e.text)), "")
    fact = Fact(
        value=answer.value.strip(),
        unit=answer.unit.strip(),
        what=answer.what.strip(),
        what_en=answer.what_en.strip(),
        year=answer.year,
        dimension="",
        sentence=sentence,
        cites=cites,
        value_en=numbers.format_en(q) if q is not None else "",
    )
    return FactCheck(fact=fact, status="rejected" if reasons else "verified", reasons=reasons)
