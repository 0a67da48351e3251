"""The audit log: every exchange is there, migrations upgrade old logs, `briefgen logs` reads it."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from briefgen.core.errors import BriefgenError
from briefgen.model.auditlog import MIGRATIONS, AuditLog, migrate, print_logs, read_entries
from briefgen.model.client import ModelRequest


class Answer(BaseModel):
    city: str


def ask(purpose: str) -> ModelRequest:
    return ModelRequest(purpose, [{"role": "user", "content": f"问题 {purpose}"}], Answer,
                        context_ids=("doc:p1",))


def test_every_exchange_is_logged_with_cache_status(mock_model: Any, tmp_path: Path) -> None:
    log = tmp_path / "out" / "briefgen-log.db"
    mock_model.enqueue("a", "no json here")
    mock_model.enqueue("a", {"city": "中山"})
    mock_model.client(log_path=log).run([ask("a")])
    mock_model.client(log_path=log).run([ask("a")])  # served from the cache
    rows = read_entries(log)
    assert [(r["purpose"], r["parsed_ok"], r["cache"]) for r in rows] == [
        ("a", False, "miss"), ("a", True, "miss"), ("a", True, "hit")]
    assert rows[0]["response"] == "no json here" and "did not validate" in rows[0]["error"]
    assert "问题 a" in rows[1]["messages"][0]["content"]  # what the model was told, as sent
    assert rows[1]["context_ids"] == ["doc:p1"] and rows[1]["attempt"] == 2


def test_failed_calls_and_budget_skips_are_logged(mock_model: Any, tmp_path: Path) -> None:
    log = tmp_path / "log.db"
    client = mock_model.client(log_path=log, budget_tokens=30)
    client.run([ask("b")])
    [row] = read_entries(log)
    assert row["cache"] == "skipped" and "budget" in row["error"]


def test_old_log_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(f"BEGIN; {MIGRATIONS[0]} PRAGMA user_version = 1; COMMIT;")
    db.close()
    AuditLog(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    cols = {r[1] for r in db.execute("PRAGMA table_info(calls)")}
    assert {"mode", "attempt", "context_ids", "cost"} <= cols
    assert migrate(db) == len(MIGRATIONS)  # idempotent


def test_print_logs_text_and_json(mock_model: Any, tmp_path: Path) -> None:
    log = tmp_path / "log.db"
    for p in ("x", "y", "z"):
        mock_model.enqueue(p, {"city": p})
    mock_model.client(log_path=log, concurrency=1).run([ask("x"), ask("y"), ask("z")])
    out = io.StringIO()
    print_logs(log, as_json=True, count=2, stream=out)
    entries = json.loads(out.getvalue())
    assert [e["purpose"] for e in entries] == ["y", "z"]
    assert json.loads(entries[0]["response"]) == {"city": "y"}
    text = io.StringIO()
    print_logs(log, as_json=False, count=0, stream=text)
    assert "3 call(s)" in text.getvalue() and "问题 z" in text.getvalue()


def test_missing_log_is_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(BriefgenError) as info:
        print_logs(tmp_path / "nope.db", as_json=False, count=5)
    assert "no audit log" in info.value.one_line()
    with pytest.raises(BriefgenError):
        print_logs(None, as_json=True, count=5)  # ./out/briefgen-log.db in an empty folder
