"""tokens.py: shipped encodings, offline loading, model -> encoding."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import tiktoken
import tiktoken.load
import tiktoken.registry

from briefgen.text import tokens


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Forget every loaded encoding and make any download attempt fail."""

    def refuse(blobpath: str) -> bytes:
        raise AssertionError(f"tried to fetch {blobpath}")

    monkeypatch.setattr(tiktoken.load, "read_file", refuse)
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    monkeypatch.delenv("DATA_GYM_CACHE_DIR", raising=False)
    monkeypatch.setenv("BRIEFGEN_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})
    tokens.get_encoding.cache_clear()
    yield
    tokens.get_encoding.cache_clear()


@pytest.mark.parametrize("name", sorted(tokens.SHIPPED))
def test_shipped_files_match_tiktokens_expected_hash(name: str) -> None:
    data = (tokens.TIKTOKEN_DIR / f"{name}.tiktoken").read_bytes()
    assert hashlib.sha256(data).hexdigest() == tokens.SHIPPED[name]
    assert len(data) < 5 * 1024 * 1024


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("name", ["o200k_base", "cl100k_base"])
def test_count_works_offline_without_a_cache_dir(name: str) -> None:
    text = "佛山2022年医药健康产业产值462.2亿元 (CNY 46.22 billion)."
    n = tokens.count(text, name)
    assert n == len(tokens.get_encoding(name).encode(text))
    assert 5 < n < len(text.encode("utf-8"))


def test_count_edge_cases() -> None:
    assert tokens.count("") == 0
    assert tokens.count("<|endoftext|>") > 1  # counted as text, not refused
    with pytest.raises(ValueError):
        tokens.count("x", "r50k_base")


@pytest.mark.parametrize(
    ("model", "expected"),
    [("gpt-4o-mini", "o200k_base"), ("gpt-4", "cl100k_base"), ("deepseek-chat", "o200k_base"), ("davinci-002", "cl100k_base")],
)
def test_encoding_for_model(model: str, expected: str) -> None:
    assert tokens.encoding_for_model(model) == expected
