"""The Chinese rule vocabularies of cleaning and metadata, read from ``briefgen/data/cleaning/``.

Why data files: the phrases that mark web furniture, the labels of a page's
date/source line and the zone -> city map grow with every new site, and an editor
should be able to extend them without reading regular expressions in code.  Each
file has a commented header saying what its columns mean; this module only reads
them (once per process) and compiles them.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from briefgen.core.paths import DATA_DIR

CLEANING_DIR = DATA_DIR / "cleaning"


def rows(name: str) -> list[list[str]]:
    """Tab-separated rows of a data file, comments (#) and blank lines left out."""
    out = []
    for line in (CLEANING_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append([cell.strip() for cell in line.split("\t")])
    return out


@cache
def words(name: str, kind: str) -> tuple[str, ...]:
    """The entries of one kind (first column) of a ``kind<TAB>entry`` file, in file order."""
    return tuple(r[1] for r in rows(name) if r[0] == kind and len(r) > 1)


@cache
def alternation(name: str, kind: str) -> str:
    """The entries of one kind joined as a regular-expression alternation (no group)."""
    return "|".join(words(name, kind))


_META = re.compile(r"[\\.^$*+?{}\[\]|()]")


def split_literals(entries: tuple[str, ...]) -> tuple[str, str]:
    """(plain words, entries written as patterns), each as an alternation ("" when none).

    Why: Python's engine scans fast for an alternation of plain words (a literal-prefix
    search) but falls back to trying every entry at every position once one entry is a
    pattern, about ten times slower on a page; so the two are compiled apart."""
    literals = [re.escape(w) for w in entries if not _META.search(w)]
    patterns = [w for w in entries if _META.search(w)]
    return "|".join(literals), "|".join(patterns)


@cache
def line_rule(kind: str, template: str = "({})") -> re.Pattern[str]:
    """The furniture phrases of one class (``line_rules.tsv``) compiled into ``template``."""
    return re.compile(template.format(alternation("line_rules.tsv", kind)))


@lru_cache(maxsize=1)
def meta_labels() -> dict[str, str]:
    """Label -> role (source, author, editor, date, count, other), in file order."""
    return {r[0]: r[1] for r in rows("meta_labels.tsv")}


def labels_of(*roles: str) -> frozenset[str]:
    """The labels that play one of ``roles``."""
    return frozenset(label for label, role in meta_labels().items() if role in roles)


@lru_cache(maxsize=1)
def label_alternation() -> str:
    """Every metadata label as a regular-expression alternation, in file order."""
    return "|".join(re.escape(label) for label in meta_labels())


@lru_cache(maxsize=1)
def zones() -> dict[str, str]:
    """District or zone -> its city."""
    return {r[0]: r[1] for r in rows("zones.tsv")}


@cache
def city_rule(kind: str) -> tuple[str, ...]:
    """One list of ``city_rules.tsv`` (needs-suffix, not-after, not-before, counterpart-before)."""
    return words("city_rules.tsv", kind)
