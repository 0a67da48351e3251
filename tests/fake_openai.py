"""The one fake model: a scriptable OpenAI-compatible chat server on 127.0.0.1.

Why one, and why HTTP: briefgen's tests and benchmarks must exercise the code
that runs against a provider (the openai client, our retries, timeouts and
parsing), not a shortcut around it; and one fake means one set of quirks to
know.  Only the standard library, so ``bench/`` can import it too.

* ``FakeOpenAI``: the server.  Each request becomes a ``Seen`` (body, headers,
  purpose, mode, schema), stored *before* the reply is sent, so a client that
  has its answer always finds the record.  A ``responder(seen) -> Reply``
  decides the answer; the default one pops ``add()``-ed replies in order.
  Replies can be errors (status, ``Retry-After``), slow to start (``delay``),
  slow to write (``stream_seconds``: a ``stream: true`` request gets server-sent
  events spread over that time), cut off (``finish_reason="length"``), or a raw
  body (empty, HTML, huge).
* ``MockModel``: what the ``mock_model`` fixture returns (simonw/llm style):
  ``enqueue(purpose, payload, repeat=...)`` scripts answers by request
  purpose (exact, glob or None), ``calls`` lists what was asked, ``client()``
  makes a ``ModelClient`` pointed at it.  It answers one request at a time, so
  ``calls`` is in the order the client sent them.
"""

from __future__ import annotations

import fnmatch
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

PURPOSE_HEADER = "x-briefgen-purpose"  # sent by briefgen.model.backends.OpenAIBackend
REJECT_JSON_SCHEMA = (
    "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model."
)


@dataclass
class Reply:
    """One answer.  ``status != 200`` sends an OpenAI-style error body with ``error``;
    ``body`` (bytes or str) replaces the whole response body, sent as ``content_type``."""

    content: str = ""
    status: int = 200
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the first byte
    stream_seconds: float = 0.0  # a streamed answer arrives in pieces over this long
    error: str = "scripted error"
    usage: dict[str, int] | None = None
    body: bytes | str | None = None
    content_type: str = "application/json"
    tool_call: tuple[str, str] | None = None  # (function name, arguments JSON)


@dataclass
class Seen:
    """One request as the server received it."""

    body: dict[str, Any]
    headers: dict[str, str]  # lower-case names
    at: float  # time.time() on arrival

    @property
    def purpose(self) -> str:
        return unquote(self.headers.get(PURPOSE_HEADER, ""))

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages") or [])

    @property
    def mode(self) -> str:
        """json_schema | json_mode | text, as briefgen names its structured-output modes."""
        kind = (self.body.get("response_format") or {}).get("type")
        return {"json_schema": "json_schema", "json_object": "json_mode"}.get(kind or "", "text")

    @property
    def schema_json(self) -> dict[str, Any]:
        spec = (self.body.get("response_format") or {}).get("json_schema") or {}
        return dict(spec.get("schema") or {})

    @property
    def schema_name(self) -> str:
        spec = (self.body.get("response_format") or {}).get("json_schema") or {}
        return str(spec.get("name", ""))

    @property
    def max_tokens(self) -> int | None:
        value = self.body.get("max_tokens") or self.body.get("max_completion_tokens")
        return int(value) if value else None

    @property
    def text(self) -> str:
        """All message text, joined (content parts included)."""
        return message_text(self.messages)


def message_text(messages: list[dict[str, Any]]) -> str:
    """The text of chat messages, joined (content given as a list of parts included)."""
    parts: list[str] = []
    for m in messages:
        c = m.get("content")
        if isinstance(c, list):
            parts.extend(str(p.get("text", "")) for p in c if isinstance(p, dict))
        elif c is not None:
            parts.append(str(c))
    return "\n".join(parts)


Responder = Callable[[Seen], Reply]
Route = Callable[[dict[str, Any], str], tuple[int, Any]]  # (body, path) -> (status, JSON)


def completion(reply: Reply, model: str, rid: str) -> dict[str, Any]:
    """The chat.completion object for a 200 reply."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    finish = reply.finish_reason
    if reply.tool_call is not None:
        name, args = reply.tool_call
        message = {"role": "assistant", "content": None, "tool_calls": [
            {"id": f"call_{rid}", "type": "function", "function": {"name": name, "arguments": args}}]}
        finish = "tool_calls"
    tokens = max(1, len(reply.content) // 4)
    usage = reply.usage or {"prompt_tokens": 11, "completion_tokens": tokens,
                            "total_tokens": 11 + tokens}
    return {
        "id": rid, "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": usage,
    }


def sse_events(done: dict[str, Any], pieces: int = 1) -> list[bytes]:
    """A finished completion as server-sent events: the content in ``pieces`` deltas, the
    finish, the usage (as ``stream_options.include_usage`` asks), ``[DONE]``."""
    choice = done["choices"][0]
    delta = {k: v for k, v in choice["message"].items() if v is not None}
    if "tool_calls" in delta:
        delta["tool_calls"] = [{**c, "index": 0} for c in delta["tool_calls"]]
    base = {k: done[k] for k in ("id", "created", "model")} | {"object": "chat.completion.chunk"}
    content = str(delta.pop("content", "") or "")
    step = max(1, -(-len(content) // max(1, pieces)))
    deltas = [{**delta, "content": content[:step]}] + [
        {"content": content[i:i + step]} for i in range(step, len(content), step)]
    chunks = [{**base, "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas]
    chunks += [
        {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": choice["finish_reason"]}]},
        {**base, "choices": [], "usage": done["usage"]},
    ]
    events = [f"data: {json.dumps(c, ensure_ascii=False)}\n\n".encode() for c in chunks]
    return events + [b"data: [DONE]\n\n"]


# The listen backlog is fixed when the constructor calls listen(), so it must be a class
# attribute: setting it on the instance afterwards changed nothing and the backlog stayed at
# socketserver's 5.  With 16 clients connecting at once (a pool of --concurrency connections
# opening together) the kernel's SYN queue overflowed, it answered with SYN cookies and reset
# connections whose cookie it could not check: the client read "connection reset" before any
# reply (httpx.ReadError, openai.APIConnectionError), and connections whose SYN was dropped
# waited a second for the retransmit, which also added to benchmark wall times.
BACKLOG = 512


class _ThreadedServer(ThreadingHTTPServer):
    request_queue_size = BACKLOG
    daemon_threads = True
    block_on_close = False


class _SerialServer(HTTPServer):
    request_queue_size = BACKLOG


class FakeOpenAI:
    """``with FakeOpenAI() as srv: srv.add(Reply(...)); ... srv.url``.

    ``serial=True`` answers one connection at a time (request order is then the
    client's send order); otherwise one thread per connection, with keep-alive.
    ``routes`` adds JSON endpoints by path suffix (``{"GET /stats": fn}``).
    """

    def __init__(self, responder: Responder | None = None, *, serial: bool = False,
                 port: int = 0, reject_json_schema: bool = False,
                 routes: dict[str, Route] | None = None) -> None:
        self.responder = responder or self._next_queued
        self.reject_json_schema = reject_json_schema
        self.routes = dict(routes or {})
        self.replies: deque[Reply] = deque()
        self.calls: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0  # most requests being answered at once
        self.lock = threading.Lock()
        server_class = _SerialServer if serial else _ThreadedServer
        self._httpd = server_class(("127.0.0.1", port), self._handler(serial))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._stopped = False

    # -------------------------------------------------------------- control

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The JSON bodies received, in order."""
        with self.lock:
            return [c.body for c in self.calls]

    @property
    def headers(self) -> list[dict[str, str]]:
        with self.lock:
            return [c.headers for c in self.calls]

    @property
    def count(self) -> int:
        with self.lock:
            return len(self.calls)

    def add(self, *replies: Reply | str | dict[str, Any]) -> FakeOpenAI:
        """Queue replies; a str is the content, a dict is sent as JSON content."""
        with self.lock:
            for r in replies:
                if isinstance(r, dict):
                    r = Reply(json.dumps(r, ensure_ascii=False))
                elif isinstance(r, str):
                    r = Reply(r)
                self.replies.append(r)
        return self

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._thread.is_alive():
            self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------- serving

    def _next_queued(self, seen: Seen) -> Reply:
        with self.lock:
            if self.replies:
                return self.replies.popleft()
        return Reply(status=500, error="no scripted reply left")

    def answer(self, body: dict[str, Any], headers: dict[str, str]) -> tuple[Reply, Seen]:
        """Store the request, then decide the reply (the record exists before any byte is sent)."""
        seen = Seen(body, headers, time.time())
        with self.lock:
            self.calls.append(seen)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        fmt = body.get("response_format") or {}
        if self.reject_json_schema and fmt.get("type") == "json_schema":
            return Reply(status=400, error=REJECT_JSON_SCHEMA), seen
        try:
            return self.responder(seen), seen
        except Exception as exc:  # a responder bug is a 500 with its reason, not a dead server
            return Reply(status=500, error=f"fake server: {type(exc).__name__}: {exc}"), seen

    def payload(self, reply: Reply, seen: Seen) -> tuple[bytes, str]:
        """Body bytes and content type for a reply."""
        if reply.body is not None:
            data = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
            return data, reply.content_type
        if reply.status != 200:
            err = {"error": {"message": reply.error, "type": "invalid_request_error",
                             "param": None, "code": None}}
            return json.dumps(err).encode("utf-8"), "application/json"
        done = completion(reply, str(seen.body.get("model", "fake")), f"chatcmpl-{self.count}")
        return json.dumps(done, ensure_ascii=False).encode("utf-8"), "application/json"

    def events(self, reply: Reply, seen: Seen) -> list[bytes] | None:
        """The server-sent events for a streamed 200 reply (None: answer with one body)."""
        if not seen.body.get("stream") or reply.status != 200 or reply.body is not None:
            return None
        done = completion(reply, str(seen.body.get("model", "fake")), f"chatcmpl-{self.count}")
        pieces = max(1, int(reply.stream_seconds / 0.05)) if reply.stream_seconds else 1
        return sse_events(done, pieces)

    def _handler(self, serial: bool) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
                return

            def _body(self) -> dict[str, Any]:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except json.JSONDecodeError:
                    body = {}
                return body if isinstance(body, dict) else {}

            def _send(self, status: int, data: bytes, ctype: str,
                      headers: dict[str, str] | None = None) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(data)))
                    if serial:
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeouts)
                    self.close_connection = True

            def _stream(self, events: list[bytes], seconds: float) -> None:
                """Send events as they are 'generated', spread over ``seconds``; the body
                ends when the connection closes."""
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.close_connection = True
                    pause = seconds / max(1, len(events) - 1)
                    for i, event in enumerate(events):
                        if i and pause:
                            time.sleep(pause)
                        self.wfile.write(event)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up
                    self.close_connection = True

            def _route(self, method: str, body: dict[str, Any]) -> bool:
                path = self.path.split("?")[0].rstrip("/")
                for key, fn in server.routes.items():
                    m, _, suffix = key.partition(" ")
                    if m == method and path.endswith(suffix):
                        status, out = fn(body, self.path)
                        self._send(status, json.dumps(out).encode("utf-8"), "application/json")
                        return True
                return False

            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                if self._route("GET", {}):
                    return
                if self.path.rstrip("/").endswith("/models"):
                    data = {"object": "list", "data": [{"id": "fake", "object": "model"}]}
                    self._send(200, json.dumps(data).encode(), "application/json")
                    return
                self._send(404, b'{"error": {"message": "no such route"}}', "application/json")

            def do_POST(self) -> None:  # noqa: N802 - stdlib name
                body = self._body()
                if self._route("POST", body):
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply, seen = server.answer(body, headers)
                try:
                    if reply.delay:
                        time.sleep(reply.delay)
                    events = server.events(reply, seen)
                    if events is not None:
                        self._stream(events, reply.stream_seconds)
                        return
                    if reply.stream_seconds:  # the whole answer, sent when it is complete
                        time.sleep(reply.stream_seconds)
                    data, ctype = server.payload(reply, seen)
                    self._send(reply.status, data, ctype, reply.headers)
                finally:
                    with server.lock:
                        server.in_flight -= 1

        return Handler


# ------------------------------------------------------------------ MockModel


Payload = dict[str, Any] | list[Any] | str | Reply | Callable[[Seen], Any]


@dataclass
class _Scripted:
    purpose: str | None
    payload: Payload
    finish_reason: str
    repeat: bool


class MockModel:
    """Answers scripted by purpose, over real HTTP (see the ``mock_model`` fixture).

    ``enqueue(purpose, payload)``: ``purpose`` is an exact purpose, a glob
    (``"summary:*"``) or None for "any request"; ``payload`` is a dict/list
    (sent as JSON text), a str (sent as is, so malformed replies can be
    tested), a ``Reply`` (errors, delays, raw bodies) or a function of the
    ``Seen`` request returning any of those.  Answers are used once, exact
    purpose before glob, first match first, unless ``repeat=True``.  A request
    with nothing queued gets HTTP 400 "mock model: no answer queued for ...".
    """

    def __init__(self) -> None:
        self._queue: list[_Scripted] = []
        self._lock = threading.Lock()
        self.server = FakeOpenAI(self._respond, serial=True).start()

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def calls(self) -> list[Seen]:
        with self.server.lock:
            return list(self.server.calls)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def enqueue(self, purpose: str | None, payload: Payload, *, finish_reason: str = "stop",
                repeat: bool = False) -> None:
        with self._lock:
            self._queue.append(_Scripted(purpose, payload, finish_reason, repeat))

    def client(self, log_path: Path | None = None, **settings: Any) -> Any:
        """A ``ModelClient`` answering from this mock (settings override ModelConfig fields)."""
        from briefgen.model.client import ModelClient
        from briefgen.model.config import ModelConfig

        values: dict[str, Any] = {"model": "mock", "base_url": self.url, "backoff_base": 0.01}
        values.update(settings)
        return ModelClient(ModelConfig(**values), log_path=log_path)

    def close(self) -> None:
        self.server.stop()

    def _take(self, purpose: str) -> _Scripted | None:
        with self._lock:
            for exact in (True, False):
                for i, item in enumerate(self._queue):
                    if exact and item.purpose != purpose:
                        continue
                    if not exact and item.purpose is not None and not fnmatch.fnmatchcase(
                            purpose, item.purpose):
                        continue
                    if not item.repeat:
                        del self._queue[i]
                    return item
        return None

    def _respond(self, seen: Seen) -> Reply:
        item = self._take(seen.purpose)
        if item is None:
            return Reply(status=400, error=f"mock model: no answer queued for {seen.purpose}")
        payload = item.payload(seen) if callable(item.payload) else item.payload
        if isinstance(payload, Reply):
            return payload
        content = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
        return Reply(content, finish_reason=item.finish_reason)
