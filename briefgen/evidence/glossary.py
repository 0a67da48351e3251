"""Consistent English for Chinese policy and industry terms, and city names in pinyin.

The shipped ``briefgen/data/glossary.tsv`` (``zh<TAB>en``, ``#`` comments) is
extended or overridden by users' files, later files winning.  The same
glossary feeds model prompts and the no-model engine's English, so an article
summarised either way says "above-designated-size enterprises" for 规上企业.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.core.errors import ConfigError
from briefgen.core.paths import DATA_DIR

DEFAULT_GLOSSARY = DATA_DIR / "glossary.tsv"
CITIES_FILE = DATA_DIR / "cities.tsv"


def _read_terms(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise ConfigError(f"cannot read glossary file {path}: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"glossary file {path} is not UTF-8 text") from None
    terms: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        zh, sep, en = line.partition("\t")
        if not sep or not zh.strip() or not en.strip():
            raise ConfigError(
                f"glossary file {path} line {n}: expected 'Chinese<TAB>English'",
                help="one term a line, a tab between the two, # for comments",
            )
        terms[zh.strip()] = en.strip()
    return terms


def _read_cities(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    cities: dict[str, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines()):
        cols = line.split("\t")
        if n == 0 and cols[0] == "zh" or len(cols) < 2 or line.startswith("#"):
            continue
        cities[cols[0].strip()] = cols[1].strip()
    return cities


@dataclass
class Glossary:
    terms: dict[str, str]
    cities: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._max = max((len(t) for t in self.terms), default=0)

    def en(self, term: str) -> str | None:
        """English for a term, or for a city name; None when unknown."""
        return (
            self.terms.get(term)
            or self.cities.get(term)
            or self.cities.get(term.removesuffix("市"))
        )

    def terms_in(self, text: str) -> list[tuple[str, str]]:
        """Glossary terms in ``text``: leftmost-longest matching (规模以上企业 beats 企业),
        each term once, in order of first appearance."""
        found: dict[str, str] = {}
        i = 0
        while i < len(text):
            for n in range(min(self._max, len(text) - i), 0, -1):
                cand = text[i : i + n]
                if cand in self.terms:
                    found.setdefault(cand, self.terms[cand])
                    i += n
                    break
            else:
                i += 1
        return list(found.items())

    def city_en(self, zh_city: str) -> str:
        """City name in pinyin (中山 -> Zhongshan); the name as given if unknown."""
        name = zh_city.strip()
        for cand in (name, name.removesuffix("市")):
            if cand in self.cities:
                return self.cities[cand]
        return name

    def render_prompt_block(self, text: str) -> str:
        """The terms relevant to ``text``, one ``zh = en`` a line, for a prompt ('' if none)."""
        return "\n".join(f"{zh} = {en}" for zh, en in self.terms_in(text))


def load_glossary(extra: Sequence[Path] = ()) -> Glossary:
    """The shipped glossary, extended/overridden by ``extra`` files in order."""
    terms = _read_terms(DEFAULT_GLOSSARY)
    for path in extra:
        terms.update(_read_terms(Path(path)))
    return Glossary(terms=terms, cities=_read_cities(CITIES_FILE))
