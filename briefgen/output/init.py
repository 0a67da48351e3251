"""``briefgen init``: a commented ``briefgen.toml`` and, on request, copies to customise.

Why: a team starting a brief should not have to read the source to find which
settings exist or where the prompts, layouts, dimensions and glossary live.  The
copies are the shipped files themselves, so a customised project starts from
exactly what the tool uses; nothing the user already has is overwritten.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from briefgen.core.errors import UsageError
from briefgen.core.paths import DATA_DIR, PROMPTS_DIR, TEMPLATES_DIR

CONFIG_NAME = "briefgen.toml"
# what --customise copies: (shipped path, name in the project folder)
CUSTOMISE = (
    (PROMPTS_DIR, "prompts"),
    (TEMPLATES_DIR, "templates"),
    (DATA_DIR / "dimensions.toml", "dimensions.toml"),
    (DATA_DIR / "glossary.tsv", "glossary.tsv"),
)
BUILD_HINT = (
    "briefgen build DIR -o out --prompts prompts --templates templates "
    "--dimensions dimensions.toml --glossary glossary.tsv"
)


def _plan(directory: Path, customise: bool) -> list[tuple[Path, Path]]:
    plan = [(DATA_DIR / "init" / CONFIG_NAME, directory / CONFIG_NAME)]
    if customise:
        plan += [(src, directory / name) for src, name in CUSTOMISE]
    return plan


def init_project(directory: Path, *, customise: bool = False, force: bool = False) -> list[Path]:
    """Write the files into ``directory``; the paths written.

    An existing file or folder is an error naming it (``force`` replaces it), checked
    before anything is written so a refused run leaves the folder as it was.
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} is not a folder")
    plan = _plan(directory, customise)
    existing = [dest for _, dest in plan if dest.exists()]
    if existing and not force:
        raise UsageError(
            f"{existing[0]} already exists" + (f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""),
            help="keep it, or pass --force to replace it with the shipped version",
        )
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for src, dest in plan:
        if dest.is_dir():
            shutil.rmtree(dest)
        if src.is_dir():
            shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            text = src.read_text(encoding="utf-8")
            if customise and dest.name == CONFIG_NAME:
                text += f"\n# Your copies of the prompts, templates, dimensions and glossary are used with:\n#   {BUILD_HINT}\n"
            dest.write_text(text, encoding="utf-8")
        written.append(dest)
    return written
