"""A small persistent response cache (SQLite), so a second identical run calls nothing.

The key is the request hash from ``request_key``: model, base URL, messages,
the answer schema and the sampling parameters.  Only replies that validated
are stored, so a bad answer is never served twice.  One connection guarded by
a lock is enough: asyncio runs the client in one thread, and SQLite's own
locking (WAL, busy timeout) covers two briefgen processes sharing the cache.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    content TEXT NOT NULL,
    finish_reason TEXT,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    created REAL NOT NULL
)
"""


def canonical_json(value: Any) -> str:
    """Stable JSON text: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def request_key(
    *,
    model: str,
    base_url: str,
    messages: list[dict[str, str]],
    schema: dict[str, Any] | None,
    params: dict[str, Any],
) -> str:
    """sha256 of everything that can change a reply (never the key or headers)."""
    payload = {
        "model": model,
        "base_url": base_url.rstrip("/"),
        "messages": messages,
        "schema": schema,
        "params": params,
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CachedReply:
    content: str
    finish_reason: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    model: str


class ResponseCache:
    """``get``/``put`` by request key; ``path`` is the SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(SCHEMA)
            self._db.commit()

    @classmethod
    def in_dir(cls, cache_dir: Path) -> ResponseCache:
        return cls(Path(cache_dir) / "responses.db")

    def get(self, key: str) -> CachedReply | None:
        with self._lock:
            row = self._db.execute(
                "SELECT content, finish_reason, prompt_tokens, completion_tokens, model "
                "FROM responses WHERE key = ?",
                (key,),
            ).fetchone()
        if row is None:
            return None
        return CachedReply(row[0], row[1], row[2], row[3], row[4])

    def put(self, key: str, reply: CachedReply) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key, reply.model, reply.content, reply.finish_reason, reply.prompt_tokens,
                 reply.completion_tokens, time.time()),
            )
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
