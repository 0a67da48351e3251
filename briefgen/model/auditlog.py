"""The audit log: every model call, as an editor needs to see it, in SQLite.

One row per exchange: what the model was told (messages), what it answered,
whether the answer parsed, tokens, latency, cache hit/miss/replay, error.
The schema grows by numbered migrations (``PRAGMA user_version``), so an old
log next to old outputs still opens.  ``briefgen logs`` reads it back.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from briefgen.core.errors import BriefgenError

DEFAULT_LOG = Path("out") / "briefgen-log.db"
LOG_NAME = "briefgen-log.db"

MIGRATIONS: list[str] = [
    # 1: the calls table
    """
    CREATE TABLE calls (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL,
        timestamp TEXT NOT NULL,
        purpose TEXT NOT NULL,
        model TEXT NOT NULL,
        base_url TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        messages TEXT NOT NULL,
        schema_name TEXT,
        response TEXT,
        parsed_ok INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        prompt_tokens INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        latency REAL NOT NULL DEFAULT 0,
        cache TEXT NOT NULL,
        finish_reason TEXT
    );
    """,
    # 2: structured-output mode, attempt number, excerpt IDs shown, cost
    """
    ALTER TABLE calls ADD COLUMN mode TEXT;
    ALTER TABLE calls ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE calls ADD COLUMN context_ids TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE calls ADD COLUMN cost REAL NOT NULL DEFAULT 0;
    CREATE INDEX calls_purpose ON calls(purpose);
    CREATE INDEX calls_run ON calls(run_id);
    """,
]


@dataclass
class LogEntry:
    """One exchange.  ``cache``: hit | miss | replay | bypass | skipped."""

    run_id: str
    purpose: str
    model: str
    base_url: str
    request_hash: str
    messages: list[dict[str, str]]
    schema_name: str | None
    response: str | None
    parsed_ok: bool
    error: str | None
    prompt_tokens: int
    completion_tokens: int
    latency: float
    cache: str
    finish_reason: str | None = None
    mode: str | None = None
    attempt: int = 1
    context_ids: list[str] = field(default_factory=list)
    cost: float = 0.0
    timestamp: str = ""


def migrate(db: sqlite3.Connection) -> int:
    """Apply the migrations this database has not seen yet; return the new version."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    for number, script in enumerate(MIGRATIONS, start=1):
        if number > version:
            db.executescript(f"BEGIN; {script} PRAGMA user_version = {number}; COMMIT;")
    return len(MIGRATIONS)


class AuditLog:
    """Append-only writer; safe to share between the asyncio tasks of one client."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False,
                                   isolation_level=None)
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            migrate(self._db)

    def write(self, entry: LogEntry) -> None:
        row = asdict(entry)
        row["timestamp"] = entry.timestamp or time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime())
        row["messages"] = json.dumps(entry.messages, ensure_ascii=False)
        row["context_ids"] = json.dumps(list(entry.context_ids), ensure_ascii=False)
        row["parsed_ok"] = int(entry.parsed_ok)
        cols = ", ".join(row)
        marks = ", ".join(f":{k}" for k in row)
        with self._lock:
            self._db.execute(f"INSERT INTO calls ({cols}) VALUES ({marks})", row)

    def close(self) -> None:
        with self._lock:
            self._db.close()


def read_entries(path: Path, count: int = 0) -> list[dict[str, Any]]:
    """Newest ``count`` entries (0: all), oldest first, as plain dicts."""
    if not Path(path).is_file():
        raise BriefgenError(
            f"no audit log at {path}", help="run briefgen build/summarize with a model first, or pass -d FILE"
        )
    try:
        db = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
        db.row_factory = sqlite3.Row
        try:
            query = "SELECT * FROM calls ORDER BY id DESC"
            rows = db.execute(query + (f" LIMIT {int(count)}" if count else "")).fetchall()
        finally:
            db.close()
    except sqlite3.DatabaseError as err:
        raise BriefgenError(f"{path} is not a briefgen audit log ({err})") from None
    entries = []
    for row in reversed(rows):
        item = dict(row)
        item["messages"] = json.loads(item["messages"] or "[]")
        item["context_ids"] = json.loads(item.get("context_ids") or "[]")
        item["parsed_ok"] = bool(item["parsed_ok"])
        entries.append(item)
    return entries


def _short(text: str | None, width: int) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def print_logs(
    database: Path | None, *, as_json: bool, count: int, stream: TextIO | None = None
) -> None:
    """``briefgen logs``: a table of calls, or (``--json``) every field in full."""
    out = stream or sys.stdout
    entries = read_entries(database or DEFAULT_LOG, count)
    if as_json:
        out.write(json.dumps(entries, ensure_ascii=False, indent=2) + "\n")
        return
    if not entries:
        out.write("no model calls logged\n")
        return
    for e in entries:
        status = "ok" if e["parsed_ok"] else ("error: " + _short(e["error"], 60) if e["error"] else "not parsed")
        out.write(
            f"#{e['id']} {e['timestamp']} {e['purpose']}  {e['model']}  cache={e['cache']}  "
            f"tokens={e['prompt_tokens']}+{e['completion_tokens']}  {e['latency']:.2f}s  {status}\n"
        )
        last_user = next((m.get("content", "") for m in reversed(e["messages"]) if m.get("role") == "user"), "")
        out.write(f"    told:     {_short(last_user, 110)}\n")
        out.write(f"    answered: {_short(e['response'], 110)}\n")
    out.write(f"{len(entries)} call(s); `briefgen logs --json` shows prompts and replies in full\n")
