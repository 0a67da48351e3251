"""The briefs for examples/articles and the seed pages, byte for byte (extractive engine).

Why: refactors must not change what an editor reads. A change that is meant to
alter the brief updates these files on purpose, and the diff shows what moved:

    BRIEFGEN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

Only the generation date and the settings hash are masked.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from briefgen import BuildSettings, build_brief
from tests.conftest import EXAMPLES, SHARED

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = {"examples": EXAMPLES, "seeds": SHARED / "seeds"}
KEPT = ("brief.md", "brief.json")

_MASKS = [
    (re.compile(r'"generated": "\d{4}-\d{2}-\d{2}"'), '"generated": "<date>"'),
    (re.compile(r"Generated \d{4}-\d{2}-\d{2}"), "Generated <date>"),
    (re.compile(r"生成于 ?\d{4}-\d{2}-\d{2}"), "生成于<date>"),
    (re.compile(r'"hash": "[0-9a-f]{12}"'), '"hash": "<hash>"'),
    (re.compile(r"`[0-9a-f]{12}`"), "`<hash>`"),
]


def _masked(text: str) -> str:
    for pattern, repl in _MASKS:
        text = pattern.sub(repl, text)
    return text


def _outputs(out: Path) -> dict[str, str]:
    files = [out / name for name in KEPT] + sorted((out / "articles").glob("*.md"))
    return {p.relative_to(out).as_posix(): _masked(p.read_text(encoding="utf-8")) for p in files}


@pytest.mark.parametrize("case", sorted(CASES))
def test_brief_unchanged(case: str, tmp_path: Path) -> None:
    source = CASES[case]
    if not source.is_dir():
        pytest.skip(f"{source} not available")
    out = tmp_path / "out"
    build_brief(source, out, BuildSettings())
    got = _outputs(out)
    want_dir = GOLDEN / case
    if os.environ.get("BRIEFGEN_UPDATE_GOLDEN"):
        shutil.rmtree(want_dir, ignore_errors=True)
        for name, text in got.items():
            (want_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (want_dir / name).write_text(text, encoding="utf-8")
    want = {
        p.relative_to(want_dir).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(want_dir.rglob("*"))
        if p.is_file()
    }
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name] == want[name], f"{case}/{name} differs from tests/golden"
