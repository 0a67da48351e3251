"""Record model exchanges as readable JSON files, and answer from them later.

``--record DIR`` writes ``DIR/<hash>.json`` per request: the hash, purpose,
a request summary (messages, schema name, parameters: never headers or keys),
the response (content, finish_reason), model, usage and a timestamp.
``--replay DIR`` answers only from such files.  Matching, in order:

1. the exact request hash (same model, base URL, messages, schema, params);
2. the same prompt (``prompt_hash``: messages + schema + params), so a run
   recorded against one model replays without naming that model;
3. a hand-written file (``"authored": true``) whose ``purpose`` equals the
   request's purpose, or is a glob matching it (``"summary:*"``).

Hand-written files may give ``response.content`` as a JSON object instead of
a string; it is serialised as the model's reply.
"""

from __future__ import annotations

import fnmatch
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Recording:
    path: Path
    hash: str
    prompt_hash: str
    purpose: str
    content: str
    finish_reason: str | None
    model: str | None
    usage: dict[str, int]
    authored: bool


def _content_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=2)


def load_recording(path: Path) -> Recording | None:
    """Parse one file; None when it is not a recording (other JSON in the folder)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("response"), dict):
        return None
    response = data["response"]
    if "content" not in response:
        return None
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    return Recording(
        path=path,
        hash=str(data.get("hash", "")),
        prompt_hash=str(data.get("prompt_hash", "")),
        purpose=str(data.get("purpose", "")),
        content=_content_text(response["content"]),
        finish_reason=response.get("finish_reason", "stop"),
        model=data.get("model"),
        usage={k: int(v) for k, v in (usage or {}).items() if isinstance(v, int | float)},
        authored=bool(data.get("authored", False)),
    )


class Recordings:
    """An index of the recordings in one folder (read once, at first use)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._items: list[Recording] | None = None

    @property
    def items(self) -> list[Recording]:
        if self._items is None:
            found = []
            if self.directory.is_dir():
                for path in sorted(self.directory.rglob("*.json")):
                    rec = load_recording(path)
                    if rec is not None:
                        found.append(rec)
            self._items = found
        return self._items

    def find(self, *, hash: str, prompt_hash: str, purpose: str) -> Recording | None:
        for rec in self.items:
            if rec.hash and rec.hash == hash:
                return rec
        for rec in self.items:
            if rec.prompt_hash and rec.prompt_hash == prompt_hash:
                return rec
        authored = [r for r in self.items if r.authored]
        for rec in authored:
            if rec.purpose == purpose:
                return rec
        for rec in authored:
            if any(c in rec.purpose for c in "*?[") and fnmatch.fnmatchcase(purpose, rec.purpose):
                return rec
        return None


def write_recording(
    directory: Path,
    *,
    hash: str,
    prompt_hash: str,
    purpose: str,
    model: str,
    base_url: str,
    messages: list[dict[str, str]],
    schema_name: str | None,
    params: dict[str, Any],
    content: str,
    finish_reason: str | None,
    usage: dict[str, int],
    error: str | None = None,
) -> Path:
    """Write ``directory/<hash>.json`` (atomically) and return its path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any] = {
        "hash": hash,
        "prompt_hash": prompt_hash,
        "purpose": purpose,
        "request": {
            "messages": messages,
            "schema": schema_name,
            "params": params,
            "base_url": base_url,
        },
        "response": {"content": content, "finish_reason": finish_reason},
        "model": model,
        "usage": usage,
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    if error:
        record["error"] = error
    path = directory / f"{hash}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
