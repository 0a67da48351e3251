"""The response cache: keyed on everything that changes a reply, persistent, thread-safe."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from briefgen.model.cache import CachedReply, ResponseCache, request_key

BASE: dict[str, Any] = {
    "model": "m",
    "base_url": "http://localhost:1/v1",
    "messages": [{"role": "user", "content": "中山?"}],
    "schema": {"type": "object"},
    "params": {"temperature": 0.0, "max_tokens": 100},
}


def test_key_is_stable_and_sensitive_to_every_part() -> None:
    key = request_key(**BASE)
    assert key == request_key(**{**BASE, "base_url": "http://localhost:1/v1/"})
    changes = [
        {"model": "n"},
        {"base_url": "http://localhost:2/v1"},
        {"messages": [{"role": "user", "content": "佛山?"}]},
        {"schema": {"type": "array"}},
        {"params": {"temperature": 0.5, "max_tokens": 100}},
    ]
    keys = {request_key(**{**BASE, **change}) for change in changes}
    assert key not in keys and len(keys) == len(changes)


def test_put_get_persists_across_instances(tmp_path: Path) -> None:
    reply = CachedReply('{"a": 1}', "stop", 10, 3, "m")
    cache = ResponseCache.in_dir(tmp_path)
    assert cache.get("k") is None
    cache.put("k", reply)
    cache.close()
    again = ResponseCache.in_dir(tmp_path)
    assert again.get("k") == reply and len(again) == 1


def test_concurrent_writers(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c.db")

    def work(n: int) -> None:
        for i in range(20):
            cache.put(f"{n}-{i}", CachedReply(str(i), "stop", 1, 1, "m"))
            assert cache.get(f"{n}-{i}") is not None

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) == 80
