"""The API key reaches the provider's Authorization header and nowhere else."""

from __future__ import annotations

import io
from pathlib import Path

from fake_openai import FakeOpenAI, Reply
from pydantic import BaseModel, SecretStr

from briefgen.model.auditlog import print_logs
from briefgen.model.client import ModelClient, ModelRequest
from briefgen.model.config import ModelConfig

KEY = "sk-test-SECRET123"


class Answer(BaseModel):
    city: str


def test_key_is_never_written(tmp_path: Path) -> None:
    with FakeOpenAI() as srv:
        srv.add({"city": "中山"},
                Reply(status=401, error=f"Incorrect API key provided: {KEY}."),
                Reply(status=500, error=f"upstream said Bearer {KEY}"), {"city": "佛山"})
        cfg = ModelConfig(model="gpt-4o-mini", base_url=srv.url, api_key=SecretStr(KEY),
                          cache_dir=tmp_path / "cache", record_dir=tmp_path / "rec",
                          backoff_base=0.01, concurrency=1)
        client = ModelClient(cfg, log_path=tmp_path / "out" / "briefgen-log.db")
        results = client.run([
            ModelRequest(p, [{"role": "user", "content": p}], Answer) for p in ("a", "b", "c")])
        client.close()
    assert srv.headers[0]["authorization"] == f"Bearer {KEY}"  # it was really used
    assert results[0].ok and results[1].error and results[2].ok
    text = io.StringIO()
    print_logs(tmp_path / "out" / "briefgen-log.db", as_json=True, count=0, stream=text)
    assert "Bearer ***" in text.getvalue()  # the echoed key was scrubbed, not dropped silently
    outputs = [repr(r) for r in results] + [text.getvalue(), repr(cfg), str(cfg.public_settings())]
    (tmp_path / "out" / "results.txt").write_text("\n".join(outputs), encoding="utf-8")
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) >= 5  # cache db, log db, two recordings, results
    for path in written:
        assert b"SECRET123" not in path.read_bytes(), path
