"""The wording of "nothing verified here" statuses, from ``briefgen/data/statuses.toml``.

Why one module: "not found in sources" is a claim about the sources, so every
engine and every output must say it the same way, and only when it is true;
a failed model call has its own status and text (``model_failed``).
"""

from __future__ import annotations

import tomllib
from functools import lru_cache

from briefgen.core.paths import DATA_DIR


@lru_cache(maxsize=1)
def _texts() -> dict[str, dict[str, str]]:
    data = tomllib.loads((DATA_DIR / "statuses.toml").read_text(encoding="utf-8"))
    return {k: {"zh": str(v["zh"]), "en": str(v["en"])} for k, v in data.items()}


def status_text(status: str) -> tuple[str, str]:
    """(zh, en) for ``not_found`` or ``model_failed``."""
    t = _texts()[status]
    return t["zh"], t["en"]


NOT_FOUND_ZH, NOT_FOUND_EN = status_text("not_found")
MODEL_FAILED_ZH, MODEL_FAILED_EN = status_text("model_failed")
