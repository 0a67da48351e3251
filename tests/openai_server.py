"""A scriptable OpenAI-compatible chat server on 127.0.0.1, for tests.

The real openai client talks to it over HTTP, so tests exercise the same code
path as a run against a provider.  Each test queues replies (content, HTTP
status, headers, finish_reason, delay) and afterwards inspects ``requests``:
the JSON bodies the server received, in order.  Only the standard library.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted answer.  ``status != 200`` sends an OpenAI-style error body."""

    content: str = ""
    status: int = 200
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    error: str = "scripted error"
    usage: dict[str, int] | None = None


REJECT_JSON_SCHEMA = (
    "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model."
)


class OpenAIServer:
    """``with OpenAIServer() as srv: srv.add(Reply(...)); ... srv.url``."""

    def __init__(self, *, reject_json_schema: bool = False) -> None:
        self.reject_json_schema = reject_json_schema
        self.replies: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []  # lower-case names
        self.in_flight = 0
        self.max_in_flight = 0  # most requests being answered at once
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    # -------------------------------------------------------------- control

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    def add(self, *replies: Reply | str | dict[str, Any]) -> OpenAIServer:
        """Queue replies; a str is the content, a dict is sent as JSON content."""
        with self._lock:
            for r in replies:
                if isinstance(r, dict):
                    r = Reply(json.dumps(r, ensure_ascii=False))
                elif isinstance(r, str):
                    r = Reply(r)
                self.replies.append(r)
        return self

    def start(self) -> OpenAIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> OpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------- serving

    def _next(self, body: dict[str, Any], headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            fmt = body.get("response_format") or {}
            if self.reject_json_schema and fmt.get("type") == "json_schema":
                return Reply(status=400, error=REJECT_JSON_SCHEMA)
            if self.replies:
                return self.replies.popleft()
        return Reply(status=500, error="no scripted reply left")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except json.JSONDecodeError:
                    body = {}
                reply = server._next(body, {k.lower(): v for k, v in self.headers.items()})
                try:
                    self._answer(reply, body)
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _answer(self, reply: Reply, body: dict[str, Any]) -> None:
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.status == 200:
                    content = reply.content
                    usage = reply.usage or {
                        "prompt_tokens": 11,
                        "completion_tokens": max(1, len(content) // 4),
                        "total_tokens": 11 + max(1, len(content) // 4),
                    }
                    payload: dict[str, Any] = {
                        "id": f"chatcmpl-{server.count}",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body.get("model", "test-model"),
                        "choices": [{
                            "index": 0,
                            "message": {"role": "assistant", "content": content},
                            "finish_reason": reply.finish_reason,
                        }],
                        "usage": usage,
                    }
                else:
                    payload = {"error": {"message": reply.error, "type": "invalid_request_error",
                                         "param": None, "code": None}}
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # client gave up (timeout test)
                    pass

        return Handler
