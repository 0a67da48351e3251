"""Where shipped files live, both in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PACKAGE_DIR / "data"


def _shipped(name: str) -> Path:
    # Wheel: hatch force-includes the top-level folder as briefgen/_shipped/<name>.
    inside = PACKAGE_DIR / "_shipped" / name
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent / name  # source checkout / editable install


PROMPTS_DIR = _shipped("prompts")
TEMPLATES_DIR = _shipped("templates")
