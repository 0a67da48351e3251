"""The number parser's vocabulary: units, qualifiers, currency prefixes, count nouns.

They are data (``briefgen/data/lexicons/*.tsv``) so a new unit or hedge word is
a line in a file, not a code change; this module only loads them once and
indexes them the way the scanner needs (longest spelling first, so 平方公里
wins over 公里 and "more than" over "more").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from briefgen.core.paths import DATA_DIR

LEXICONS = DATA_DIR / "lexicons"


@dataclass(frozen=True)
class Unit:
    written: str
    canonical: str
    kind: str
    factor: float
    fact: bool
    en: str  # English noun, "" when the number stands alone
    english: bool  # written in Latin letters: matched case-insensitively as a whole word


def rows(name: str) -> list[list[str]]:
    """The tab-separated rows of a lexicon file, comments and blank lines left out."""
    out = []
    for line in (LEXICONS / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        out.append(line.split("\t"))
    return out


@dataclass(frozen=True)
class NumberLexicon:
    zh_units: tuple[Unit, ...]  # longest first
    en_units: tuple[Unit, ...]
    by_code: dict[str, Unit]
    currency_prefixes: tuple[tuple[str, str], ...]
    count_nouns: dict[str, str]
    before: tuple[tuple[str, str], ...]  # (written, code), longest first
    after: tuple[tuple[str, str], ...]


def _unit(r: list[str]) -> Unit:
    written, canonical, kind, factor, fact, en = (r + [""] * 6)[:6]
    english = not re.search(r"[\u3400-\u9fff%]", written)
    return Unit(
        written, canonical, kind, float(factor), fact == "yes", "" if en == "-" else en, english
    )


@lru_cache(maxsize=1)
def lexicon() -> NumberLexicon:
    """All number vocabularies, loaded once."""
    units = sorted((_unit(r) for r in rows("units.tsv")), key=lambda u: -len(u.written))
    by_code: dict[str, Unit] = {}
    # a code's own entry is its shortest Chinese spelling with factor 1 (元 for CNY, 家 for 家)
    for u in sorted(units, key=lambda u: len(u.written)):
        if not u.english and u.factor == 1:
            by_code.setdefault(u.canonical, u)
    for u in units:
        by_code.setdefault(u.canonical, u)
    prefixes = sorted(
        ((r[0], r[1]) for r in rows("currency_prefixes.tsv")), key=lambda p: -len(p[0])
    )
    quals = rows("qualifiers.tsv")
    before = sorted(((q[0], q[1]) for q in quals if q[2] == "before"), key=lambda p: -len(p[0]))
    after = sorted(((q[0], q[1]) for q in quals if q[2] == "after"), key=lambda p: -len(p[0]))
    return NumberLexicon(
        zh_units=tuple(u for u in units if not u.english),
        en_units=tuple(u for u in units if u.english),
        by_code=by_code,
        currency_prefixes=tuple(prefixes),
        count_nouns={r[0].lower(): r[1] for r in rows("count_nouns.tsv")},
        before=tuple(before),
        after=tuple(after),
    )


def unit_info(code: str) -> Unit | None:
    """The lexicon entry for a canonical unit code ("CNY", "km2", "家", ...)."""
    return lexicon().by_code.get(code)


def is_fact_unit(code: str) -> bool:
    """True when a number with this canonical unit is worth a key-facts row."""
    if code == "ratio":
        return True
    u = unit_info(code)
    return bool(u and u.fact)


def unit_kind(code: str) -> str:
    """What a unit code measures ("money", "area", "count", "ratio", "" for none)."""
    if code in ("ratio", ""):
        return code
    u = unit_info(code)
    return u.kind if u else code
