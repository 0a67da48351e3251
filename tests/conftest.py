"""Shared fixtures: keep every test offline and away from the user's own folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_openai import MockModel

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
def mock_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockModel]:
    """A model that answers from a script, without a key (simonw/llm style), over HTTP.

    Returns a ``fake_openai.MockModel``: a scripted OpenAI-compatible server on
    127.0.0.1.  Every ``ModelClient`` created during the test can reach it,
    including ones the pipeline builds itself: the fixture sets
    BRIEFGEN_MODEL=mock and BRIEFGEN_BASE_URL to the server's URL, so
    ``config.resolve_config`` finds a local model that needs no key.

        def test_summary(mock_model):
            mock_model.enqueue("summary:zs-biomed", {"title_en": "...", "claims": [], "facts": []})
            mock_model.enqueue("exec-summary", {"claims": []}, repeat=True)
            mock_model.enqueue(None, "not JSON at all")   # any purpose; a malformed reply
            mock_model.enqueue(None, Reply(status=503))   # an HTTP error
            client = mock_model.client()                  # or let build_brief make its own
            results = client.run([...])
            assert [c.purpose for c in mock_model.calls] == [...]

    ``enqueue(purpose, payload)``: purpose is exact, a glob, or None (any);
    payload is a dict/list (sent as JSON), a str (sent as is), a
    ``fake_openai.Reply`` or a function of the request.  Each answer is used
    once unless repeat=True; a request with nothing queued fails with
    "mock model: no answer queued".
    """
    mock = MockModel()
    monkeypatch.setenv("BRIEFGEN_MODEL", "mock")
    monkeypatch.setenv("BRIEFGEN_BASE_URL", mock.url)
    yield mock
    mock.close()
