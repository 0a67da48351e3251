"""Shared fixtures: keep every test offline and away from the user's own folders."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "articles"
SHARED = ROOT.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees a real key or writes to the user's folders."""
    for var in ("OPENAI_API_KEY", "BRIEFGEN_API_KEY", "BRIEFGEN_MODEL", "BRIEFGEN_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("BRIEFGEN_HOME", str(home / ".briefgen"))
    monkeypatch.chdir(home)
