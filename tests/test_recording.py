"""Record/replay: readable files named by hash, and replays that need no model or key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from briefgen.core.errors import ReplayMissError
from briefgen.model.client import ModelClient, ModelRequest
from briefgen.model.config import ModelConfig
from briefgen.model.recording import Recordings

RESPONSES = Path(__file__).resolve().parent / "responses" / "llm"


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    city: str
    value: float


def ask(purpose: str, text: str = "规模?") -> ModelRequest:
    return ModelRequest(purpose, [{"role": "user", "content": text}], Answer)


def replay_client(directory: Path, tmp_path: Path, **kw: Any) -> ModelClient:
    cfg = ModelConfig(model="replay", replay_dir=directory, cache_dir=tmp_path / "cache", **kw)
    return ModelClient(cfg, log_path=tmp_path / "log.db")


def test_record_writes_readable_json_named_by_hash(mock_model: Any, tmp_path: Path) -> None:
    mock_model.enqueue("test:zs", {"city": "中山", "value": 462.2})
    [res] = mock_model.client(record_dir=tmp_path / "rec", cache_dir=tmp_path / "c").run([ask("test:zs")])
    path = tmp_path / "rec" / f"{res.hash}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["hash"] == res.hash and data["purpose"] == "test:zs"
    assert data["request"]["messages"] == [{"role": "user", "content": "规模?"}]
    assert data["request"]["schema"] == "Answer"
    assert json.loads(data["response"]["content"]) == {"city": "中山", "value": 462.2}
    assert data["response"]["finish_reason"] == "stop" and data["model"] == "mock"
    assert "prompt_tokens" in data["usage"] and data["timestamp"].endswith("Z")


def test_recorded_run_replays_without_the_model(mock_model: Any, tmp_path: Path) -> None:
    mock_model.enqueue(None, {"city": "成都", "value": 1.5})
    [orig] = mock_model.client(record_dir=tmp_path / "rec", cache_dir=tmp_path / "c").run([ask("test:cd")])
    # A different model name: matched through the prompt hash, no key, no HTTP.
    client = ModelClient(ModelConfig(model="other", base_url="https://example.invalid/v1",
                                     replay_dir=tmp_path / "rec", cache_dir=tmp_path / "c2"))
    [again] = client.run([ask("test:cd")])
    assert again.ok and again.parsed == orig.parsed and not again.cached


def test_authored_files_match_on_purpose_and_glob(tmp_path: Path) -> None:
    client = replay_client(RESPONSES, tmp_path)
    exact, cell = client.run([ask("test:city", "anything"), ask("glob:佛山:scale")])
    assert exact.parsed == Answer(city="中山", value=462.2)
    assert exact.prompt_tokens == 40  # usage as written in the file
    assert cell.parsed == Answer(city="佛山", value=7)  # think block + fence cleaned


def test_replay_miss_is_one_line_naming_the_request(tmp_path: Path) -> None:
    client = replay_client(RESPONSES, tmp_path)
    with pytest.raises(ReplayMissError) as info:
        client.run([ask("test:city"), ask("summary:nowhere")])
    line = info.value.one_line()
    assert "summary:nowhere" in line and "request hash" in line and "\n" not in line


def test_replay_miss_can_be_a_failed_result(tmp_path: Path) -> None:
    client = replay_client(RESPONSES, tmp_path, replay_strict=False)
    ok, missing = client.run([ask("test:city"), ask("summary:nowhere")])
    assert ok.ok and missing.parsed is None
    assert missing.error and "summary:nowhere" in missing.error


def test_index_ignores_other_json(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text('{"hello": 1}')
    (tmp_path / "broken.json").write_text("{")
    assert Recordings(tmp_path).items == []
