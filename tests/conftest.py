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


@pytest.fixture
def mock_model(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A model that answers from a script, without HTTP or a key (simonw/llm style).

    Returns a ``briefgen.model.client.MockBackend``.  Every ``ModelClient`` created during
    the test answers from it, including ones the pipeline builds itself: the
    fixture also sets BRIEFGEN_MODEL=mock and BRIEFGEN_BASE_URL to a local URL,
    so ``config.resolve_config`` finds a model that needs no key.

        def test_summary(mock_model):
            mock_model.enqueue("summary:zs-biomed", {"title_en": "...", "claims": [], "facts": []})
            mock_model.enqueue("cell:*", {"found": False, "zh": "", "en": "", "cites": []}, repeat=True)
            mock_model.enqueue(None, "not JSON at all")   # any purpose; a malformed reply
            client = mock_model.client()                  # or let build_brief make its own
            results = client.run([...])
            assert [c.purpose for c in mock_model.calls] == [...]

    ``enqueue(purpose, payload)``: purpose is exact, a glob, or None (any);
    payload is a dict/list (sent as JSON), a str (sent as is) or a
    ``llm.BackendError`` (raised).  Each answer is used once unless repeat=True;
    a request with nothing queued fails with "mock model: no answer queued".
    """
    from briefgen.model import client as llm

    backend = llm.MockBackend()
    monkeypatch.setattr(llm, "_test_backend", backend)
    monkeypatch.setenv("BRIEFGEN_MODEL", "mock")
    monkeypatch.setenv("BRIEFGEN_BASE_URL", "http://127.0.0.1:9/mock")
    return backend
