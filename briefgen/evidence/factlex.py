"""The fact extractor's vocabulary: cue words per dimension, target, forecast and present
markers, relative years, the words of a policy provision, label fillers, verbs and nouns.

All of it is data (``briefgen/data/lexicons/*.tsv`` and the dimensions file) so an
analyst can tune what counts as a target or which words name a measure without
touching code; this module loads it once per dimensions file and compiles the
alternations the extractor scans with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from briefgen.evidence.dimensions import dimension_cues, load_dimensions
from briefgen.text.numbers import LEXICONS

MASK = "\x00"  # stands in for masked text (document titles) so offsets stay valid
EDGE_PUNCT = " \t\"“”‘’'「」『』()（）[]【】<>〈〉·.。,，、;；:：!！?？-—"


@dataclass(frozen=True)
class FactLexicon:
    cues: tuple[tuple[str, str, float], ...]  # word, dimension, weight (longest first)
    dim_words: dict[str, tuple[str, ...]]  # dimensions-file words, for dims the cues omit
    priors: tuple[tuple[str, str, float], ...]
    targets: tuple[str, ...]
    present: tuple[str, ...]
    forecasts: tuple[str, ...]  # 预计, 有望: expected, neither target nor achieved
    opinions: tuple[str, ...]  # 业内人士认为, 专家建议: a view, not a fact
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
    forecast_re: re.Pattern[str]
    relative_re: re.Pattern[str]
    kind_words: dict[str, str]  # fact_kinds.tsv: word -> role (cap, support, backref ...)
    kind_re: re.Pattern[str]


def alternation(words: Iterable[str]) -> re.Pattern[str]:
    ordered = longest_first(words)
    return re.compile("|".join(re.escape(w) for w in ordered) if ordered else r"(?!)")


def lexicon_lines(name: str) -> list[str]:
    path = LEXICONS / name
    return [
        x.strip("\n")
        for x in path.read_text(encoding="utf-8").splitlines()
        if x.strip() and not x.startswith("#")
    ]


def longest_first(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=4)
def fact_lexicon(dims_path: Path | None = None) -> FactLexicon:
    cues = []
    for line in lexicon_lines("fact_cues.tsv"):
        word, dim, weight = line.split("\t")[:3]
        cues.append((word, dim, float(weight)))
    cues.sort(key=lambda c: -len(c[0]))
    priors = []
    for line in lexicon_lines("unit_dimensions.tsv"):
        unit, dim, weight = line.split("\t")[:3]
        priors.append((unit, dim, float(weight)))
    relative = {}
    for line in lexicon_lines("relative_years.tsv"):
        word, offset = line.split("\t")[:2]
        relative[word] = int(offset)
    terms = {}
    for line in lexicon_lines("label_terms.tsv"):
        zh, en = line.split("\t")[:2]
        terms[zh] = en
    fillers = lexicon_lines("label_fillers.tsv")
    connectives = lexicon_lines("label_connectives.tsv")
    verbs = lexicon_lines("label_verbs.tsv")
    targets = lexicon_lines("targets.tsv")
    present = lexicon_lines("present_markers.tsv")
    forecasts = lexicon_lines("forecasts.tsv")
    kind_words = dict(line.split("\t")[:2] for line in lexicon_lines("fact_kinds.tsv"))
    cue_dims = {d for _, d, _ in cues}
    return FactLexicon(
        cues=tuple(cues),
        dim_words={d: w for d, w in dimension_cues(dims_path).items() if d not in cue_dims},
        priors=tuple(priors),
        targets=longest_first(targets),
        forecasts=longest_first(forecasts),
        opinions=tuple(lexicon_lines("opinions.tsv")),
        present=longest_first(present),
        relative=relative,
        lead=longest_first(fillers + connectives + verbs + targets + forecasts + present),
        trail=longest_first(connectives + targets + forecasts + [v for v in verbs if len(v) > 1]),
        verbs=longest_first(verbs),
        nouns=longest_first(lexicon_lines("label_nouns.tsv")),
        growth=longest_first(lexicon_lines("label_growth.tsv")),
        terms=terms,
        dim_en={d.id: d.en for d in load_dimensions(dims_path)},
        cue_re=alternation(w for w, _, _ in cues),
        cue_of={w: (d, wt) for w, d, wt in reversed(cues)},
        target_re=alternation(targets),
        present_re=alternation(present),
        forecast_re=alternation(
            forecasts + [w for w, role in kind_words.items() if role == "forecast"]
        ),
        relative_re=alternation(relative),
        kind_words=kind_words,
        kind_re=alternation(kind_words),
    )
