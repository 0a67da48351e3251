"""Comparison dimensions, read from a TOML file editors can change.

The shipped file is ``briefgen/data/dimensions.toml``; a user's own file with
the same layout replaces it.  A broken file is a one-line ``ConfigError``
naming the file and the problem, never a traceback.

Presets for other industries ship in ``briefgen/data/dimensions/`` (general,
biomedicine, nev, ic, lowalt-ai): the general dimensions of any industrial
policy with each industry's keywords added, so a brief on batteries or chips
fills its table as well as one on biomedicine.  A preset is named instead of a
path (``--dimensions nev``), or chosen from the text by :func:`choose_preset`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from briefgen.core.errors import ConfigError
from briefgen.core.paths import DATA_DIR
from briefgen.core.types import Dimension

DEFAULT_DIMENSIONS = DATA_DIR / "dimensions.toml"
PRESETS_DIR = DATA_DIR / "dimensions"
_MIN_DETECT = 3  # detect-word hits a folder needs before a preset is chosen for it


class _DimensionEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    keywords: list[str] = Field(min_length=1)
    cues: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", v):
            raise ValueError("id must be letters, digits, _ or - (starting with a letter)")
        return v


class _DimensionFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    detect: list[str] = Field(default_factory=list)
    dimension: list[_DimensionEntry] = Field(min_length=1)


def preset_names() -> list[str]:
    """The shipped presets: general, biomedicine, nev, ic, lowalt-ai."""
    return sorted(p.stem for p in PRESETS_DIR.glob("*.toml"))


def resolve(path: Path | str | None) -> Path:
    """A dimensions file: the given path, a preset named instead of a path, or the default."""
    if path is None:
        return DEFAULT_DIMENSIONS
    p = Path(path)
    if not p.exists() and p.suffix in ("", ".toml") and (PRESETS_DIR / f"{p.stem}.toml").is_file():
        return PRESETS_DIR / f"{p.stem}.toml"
    return p


def choose_preset(texts: Iterable[str]) -> str:
    """The preset whose ``detect`` words the texts use most ("general" when none is used
    at least a few times): a folder of battery news gets battery keywords."""
    body = "\n".join(texts)
    scores = {}
    for name in preset_names():
        detect = _parse(PRESETS_DIR / f"{name}.toml").detect
        scores[name] = sum(body.count(w) for w in detect)
    best = max(scores, key=lambda n: scores[n], default="general")
    return best if scores.get(best, 0) >= _MIN_DETECT else "general"


def _parse(path: Path) -> _DimensionFile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"cannot read dimensions file {path}: {e.strerror or e}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"dimensions file {path} is not valid TOML: {e}") from None
    try:
        parsed = _DimensionFile.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ConfigError(
            f"dimensions file {path}: {where}: {err['msg']}",
            help="each [[dimension]] needs id, zh, en and a non-empty keywords list",
        ) from None
    return parsed


def _load_entries(path: Path) -> list[_DimensionEntry]:
    parsed = _parse(resolve(path))
    ids = [d.id for d in parsed.dimension]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ConfigError(f"dimensions file {path}: duplicate id {dup[0]!r}")
    return parsed.dimension


def load_dimensions(path: Path | None = None) -> list[Dimension]:
    """The comparison dimensions, in file order."""
    return [
        Dimension(id=d.id, zh=d.zh, en=d.en, keywords=tuple(d.keywords), cues=tuple(d.cues))
        for d in _load_entries(path or DEFAULT_DIMENSIONS)
    ]


def dimension_cues(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Words that assign a figure to each dimension: its keywords plus any extra cues."""
    return {
        d.id: tuple(dict.fromkeys(d.keywords + d.cues))
        for d in _load_entries(path or DEFAULT_DIMENSIONS)
    }
