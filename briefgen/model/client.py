"""The one model boundary: every model call in briefgen passes through here.

``ModelClient(config).run(requests)`` sends each ``ModelRequest`` (messages +
the pydantic schema of the expected answer) to an OpenAI-compatible server
and returns a ``ModelResult`` per request, in order.  It never raises for a
bad call: failures come back as results with ``error`` set.  Around each call:

* the response cache (``cache.py``): a second identical run makes no call;
* record/replay (``recording.py``): ``--record DIR`` / ``--replay DIR``;
* the audit log (``auditlog.py``): every exchange, for editors to inspect;
* structured output: provider JSON schema -> JSON mode -> schema in the
  prompt, as the provider allows (remembered per base URL); replies are
  cleaned and repaired (``jsonfix.py``) and a reply that does not validate is
  retried once with the error shown to the model;
* retries with exponential backoff and jitter on 429 (``Retry-After``
  honoured), 5xx, connection errors and timeouts; a per-call timeout;
* asyncio concurrency (``config.concurrency``), token accounting, cost
  estimates (``data/prices.toml``), ``dry_run`` plans and a hard token budget.

This is the only module that imports ``openai`` / ``langchain_openai``; both
are imported lazily, inside ``OpenAIBackend``.  Backends share one async
``execute(call) -> Exchange`` method: ``OpenAIBackend`` (HTTP),
``ReplayBackend`` (recordings) and ``MockBackend`` (tests).
"""

from __future__ import annotations

import asyncio
import email.utils
import fnmatch
import json
import random
import re
import threading
import time
import tomllib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import pydantic

from briefgen.core.errors import ReplayMissError
from briefgen.core.paths import DATA_DIR
from briefgen.core.types import Usage
from briefgen.model.auditlog import AuditLog, LogEntry
from briefgen.model.cache import CachedReply, ResponseCache, request_key
from briefgen.model.config import ModelConfig
from briefgen.model.jsonfix import JSONFixError, parse_reply
from briefgen.model.recording import Recordings, write_recording

MODES = ("json_schema", "json_mode", "text")
LENGTH_ERROR = "reply cut off at the length limit"

# --------------------------------------------------------------- public types


@dataclass
class ModelRequest:
    """One question for the model, with the pydantic schema of the answer."""

    purpose: str  # "summary:<doc-id>", "cell:<city>:<dimension-id>", "exec-summary"
    messages: list[dict[str, str]]  # [{"role": "system"|"user", "content": ...}]
    schema: type[pydantic.BaseModel]
    max_tokens: int = 2000
    context_ids: tuple[str, ...] = ()  # excerpt IDs shown to the model


@dataclass
class ModelResult:
    """What came back.  ``parsed`` is None when the call failed or was skipped.

    For ``skipped == "dry-run"`` the token fields hold the plan's estimates
    (prompt tokens, and ``max_tokens`` as the completion upper bound).
    """

    request: ModelRequest
    parsed: pydantic.BaseModel | None
    raw: str
    error: str | None
    cached: bool
    prompt_tokens: int
    completion_tokens: int
    latency: float
    finish_reason: str | None
    skipped: str | None  # "dry-run" / "budget" when not called
    hash: str = ""
    mode: str | None = None  # structured-output mode that produced the answer
    attempts: int = 0  # HTTP exchanges made for this request
    cost: float = 0.0

    @property
    def ok(self) -> bool:
        return self.parsed is not None and self.error is None


@dataclass(frozen=True)
class PlanRow:
    """One line of a ``--dry-run`` plan."""

    purpose: str
    prompt_tokens: int
    completion_tokens: int  # upper bound: the request's max_tokens
    cost: float
    cached: bool


# ------------------------------------------------------------ backend layer


@dataclass(frozen=True)
class Call:
    """One HTTP exchange as a backend sees it (messages exactly as sent)."""

    purpose: str
    hash: str
    prompt_hash: str
    messages: list[dict[str, str]]
    mode: str
    schema_name: str
    schema_json: dict[str, Any]
    max_tokens: int
    temperature: float


@dataclass(frozen=True)
class Exchange:
    content: str
    finish_reason: str | None
    prompt_tokens: int | None = None  # None: the provider did not say
    completion_tokens: int | None = None
    model: str | None = None


class BackendError(Exception):
    """A failed exchange.  ``transient`` ones are retried with backoff."""

    def __init__(
        self,
        message: str,
        *,
        transient: bool = False,
        retry_after: float | None = None,
        format_rejected: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient
        self.retry_after = retry_after
        self.format_rejected = format_rejected


class ReplayMiss(Exception):
    def __init__(self, purpose: str, hash: str) -> None:
        super().__init__(f"no recording for {purpose} (request hash {hash[:16]})")
        self.purpose = purpose
        self.hash = hash


class Backend(Protocol):
    name: str

    async def execute(self, call: Call) -> Exchange: ...

    async def aclose(self) -> None: ...


# ---------------------------------------------------------- OpenAI backend

_FORMAT_WORDS = re.compile(r"response_format|json_schema|json_object|structured|schema", re.I)
_KEYLIKE = re.compile(r"(sk-|Bearer\s+)[A-Za-z0-9_\-.]{6,}")


def scrub(text: str, secret: str | None = None) -> str:
    """Remove an API key (and anything shaped like one) from a message."""
    if secret:
        text = text.replace(secret, "***")
    return _KEYLIKE.sub(lambda m: m.group(1) + "***", text)


def _retry_after(headers: Any) -> float | None:
    """Seconds to wait from ``retry-after-ms`` / ``retry-after`` (number or HTTP date)."""
    if headers is None:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


def _error_message(err: Any) -> str:
    body = getattr(err, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
        if isinstance(inner, str):
            return inner
    return str(getattr(err, "message", "") or err)


def _strict_ok(schema: Any) -> bool:
    """True when a JSON schema meets OpenAI's strict mode rules (closed, all required)."""
    if isinstance(schema, dict):
        if schema.get("type") == "object" or "properties" in schema:
            props = schema.get("properties", {})
            if schema.get("additionalProperties") is not False:
                return False
            if set(schema.get("required", [])) != set(props):
                return False
        return all(_strict_ok(v) for v in schema.values())
    if isinstance(schema, list):
        return all(_strict_ok(v) for v in schema)
    return True


class OpenAIBackend:
    """Any OpenAI-compatible chat endpoint, through langchain-openai's ChatOpenAI.

    ChatOpenAI holds the configured openai ``AsyncOpenAI`` client (model, base
    URL, key, timeout; SDK retries off, since retries are ours).  Calls go to
    that client's ``chat.completions.create`` so that the reply text,
    ``finish_reason``, usage and HTTP status reach us unaltered, whatever
    structured-output mode the provider accepts.  One backend per event loop.
    """

    name = "openai"

    def __init__(self, config: ModelConfig) -> None:
        import openai
        from langchain_openai import ChatOpenAI

        self._openai = openai
        self._config = config
        self._secret = config.api_key.get_secret_value() if config.api_key else None
        self._http = openai.DefaultAsyncHttpxClient()
        self._chat = ChatOpenAI(
            model=config.model,
            base_url=config.endpoint,
            api_key=pydantic.SecretStr(self._secret or "no-key-needed"),
            temperature=config.temperature,
            timeout=config.timeout,
            max_retries=0,
            http_async_client=self._http,
        )
        self._client = self._chat.root_async_client
        self._token_param = "max_tokens"
        self._send_temperature = True

    def _adjust(self, message: str) -> bool:
        """Adapt to a provider that rejects a parameter; True if worth resending."""
        low = message.lower()
        if "max_tokens" in low and "max_completion_tokens" in low and self._token_param == "max_tokens":
            self._token_param = "max_completion_tokens"
            return True
        if "temperature" in low and self._send_temperature:
            self._send_temperature = False
            return True
        return False

    def _payload(self, call: Call) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": self._config.model,
            "messages": call.messages,
            self._token_param: call.max_tokens,
        }
        if self._send_temperature:
            kwargs["temperature"] = call.temperature
        if call.mode == "json_schema":
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": re.sub(r"[^A-Za-z0-9_-]", "_", call.schema_name)[:64] or "answer",
                    "schema": call.schema_json,
                    "strict": _strict_ok(call.schema_json),
                },
            }
        elif call.mode == "json_mode":
            kwargs["response_format"] = {"type": "json_object"}
        return kwargs

    async def execute(self, call: Call) -> Exchange:
        openai = self._openai
        for _ in range(3):
            try:
                response = await self._client.chat.completions.create(**self._payload(call))
                break
            except openai.APITimeoutError:
                raise BackendError(
                    f"no reply within {self._config.timeout:g}s", transient=True
                ) from None
            except openai.APIConnectionError as err:
                raise BackendError(
                    scrub(f"connection error: {err.__cause__ or err}", self._secret), transient=True
                ) from None
            except openai.APIStatusError as err:
                text = scrub(_error_message(err), self._secret)
                status = err.status_code
                if status in (400, 422) and self._adjust(text):
                    continue
                raise self._classify(status, text, err) from None
        else:  # pragma: no cover - three adjustments in a row
            raise BackendError("the provider rejected every parameter variant")
        if not response.choices:
            raise BackendError("the provider sent no choices", transient=True)
        choice = response.choices[0]
        message = choice.message
        content = message.content or ""
        refusal = getattr(message, "refusal", None)
        if not content and refusal:
            raise BackendError(scrub(f"the model refused: {refusal}", self._secret))
        usage = response.usage
        return Exchange(
            content=content,
            finish_reason=choice.finish_reason,
            prompt_tokens=getattr(usage, "prompt_tokens", None) if usage else None,
            completion_tokens=getattr(usage, "completion_tokens", None) if usage else None,
            model=getattr(response, "model", None),
        )

    @staticmethod
    def _classify(status: int, text: str, err: Any) -> BackendError:
        short = " ".join(text.split())[:300]
        if status == 429:
            retry = _retry_after(getattr(getattr(err, "response", None), "headers", None))
            return BackendError(f"rate limited (HTTP 429): {short}", transient=True, retry_after=retry)
        if status >= 500 or status in (408, 409):
            return BackendError(f"server error (HTTP {status}): {short}", transient=True)
        if status in (400, 422) and _FORMAT_WORDS.search(text):
            return BackendError(f"HTTP {status}: {short}", format_rejected=True)
        if status == 401:
            return BackendError("authentication failed (HTTP 401): check the API key")
        if status == 404:
            return BackendError(f"not found (HTTP 404): check --model and --base-url: {short}")
        return BackendError(f"HTTP {status}: {short}")

    async def aclose(self) -> None:
        await self._http.aclose()


# ------------------------------------------------------ replay / mock backends


class ReplayBackend:
    """Answers only from recordings (``--replay DIR``); a miss raises ``ReplayMiss``."""

    name = "replay"

    def __init__(self, recordings: Recordings) -> None:
        self.recordings = recordings

    async def execute(self, call: Call) -> Exchange:
        rec = self.recordings.find(hash=call.hash, prompt_hash=call.prompt_hash, purpose=call.purpose)
        if rec is None:
            raise ReplayMiss(call.purpose, call.hash)
        return Exchange(
            content=rec.content,
            finish_reason=rec.finish_reason,
            prompt_tokens=rec.usage.get("prompt_tokens"),
            completion_tokens=rec.usage.get("completion_tokens"),
            model=rec.model,
        )

    async def aclose(self) -> None:
        return None


@dataclass
class _Scripted:
    purpose: str | None
    content: str | BackendError
    finish_reason: str
    repeat: bool


class MockBackend:
    """Scripted answers without HTTP, for tests (see the ``mock_model`` fixture).

    ``enqueue(purpose, payload)``: ``purpose`` is an exact purpose, a glob
    (``"summary:*"``) or None for "any request"; ``payload`` is a dict/list
    (sent as JSON text), a string (sent as is, so malformed replies can be
    tested) or a ``BackendError`` (raised, to test failures).  Answers are
    used once, first match first, unless ``repeat=True``.  ``calls`` lists
    every ``Call`` received.
    """

    name = "mock"

    def __init__(self) -> None:
        self._queue: list[_Scripted] = []
        self.calls: list[Call] = []
        self._lock = threading.Lock()

    def enqueue(
        self,
        purpose: str | None,
        payload: dict[str, Any] | list[Any] | str | BackendError,
        *,
        finish_reason: str = "stop",
        repeat: bool = False,
    ) -> None:
        content: str | BackendError
        if isinstance(payload, str | BackendError):
            content = payload
        else:
            content = json.dumps(payload, ensure_ascii=False)
        with self._lock:
            self._queue.append(_Scripted(purpose, content, finish_reason, repeat))

    def _take(self, purpose: str) -> _Scripted | None:
        with self._lock:
            for exact in (True, False):
                for i, item in enumerate(self._queue):
                    if exact and item.purpose != purpose:
                        continue
                    if not exact and item.purpose is not None and not fnmatch.fnmatchcase(
                        purpose, item.purpose
                    ):
                        continue
                    if not item.repeat:
                        del self._queue[i]
                    return item
        return None

    @property
    def pending(self) -> int:
        return len(self._queue)

    def client(self, log_path: Path | None = None, **settings: Any) -> ModelClient:
        """A ``ModelClient`` answering from this mock (settings override ModelConfig fields)."""
        values: dict[str, Any] = {"model": "mock", "base_url": "http://127.0.0.1:9/mock"}
        values.update(settings)
        return ModelClient(ModelConfig(**values), log_path=log_path, backend=self)

    async def execute(self, call: Call) -> Exchange:
        self.calls.append(call)
        item = self._take(call.purpose)
        if item is None:
            raise BackendError(f"mock model: no answer queued for {call.purpose}")
        if isinstance(item.content, BackendError):
            raise item.content
        return Exchange(content=item.content, finish_reason=item.finish_reason, model="mock")

    async def aclose(self) -> None:
        return None


_test_backend: Backend | None = None


def set_test_backend(backend: Backend | None) -> None:
    """Route every ModelClient without an explicit backend or replay folder to ``backend`` (tests)."""
    global _test_backend
    _test_backend = backend


# --------------------------------------------------------------- token costs


def _count_tokens(text: str) -> int:
    try:
        from briefgen.text.tokens import count
    except ImportError:  # pragma: no cover - tokens.py is another module's job
        return max(1, len(text) // 2)
    return count(text)


def estimate_prompt_tokens(messages: Sequence[dict[str, str]], schema_json: dict[str, Any]) -> int:
    """Tokens of the messages plus the schema (sent either as response_format or in the prompt)."""
    total = 3 + sum(4 + _count_tokens(m.get("content", "")) for m in messages)
    return total + _count_tokens(json.dumps(schema_json, ensure_ascii=False))


@dataclass(frozen=True)
class Price:
    input: float  # USD per 1M tokens
    output: float
    known: bool
    pattern: str = ""

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.input + completion_tokens * self.output) / 1_000_000


@lru_cache(maxsize=8)
def _price_table(path: Path) -> tuple[tuple[str, float, float], ...]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(
        (str(p["pattern"]).lower(), float(p["input"]), float(p["output"]))
        for p in data.get("price", [])
    )


def price_for(config: ModelConfig, table: Path | None = None) -> Price:
    """Price of ``config.model``: local servers are free, unknown models count 0."""
    if config.is_local:
        return Price(0.0, 0.0, True, "local")
    name = config.model.lower()
    for pattern, inp, out in _price_table(table or DATA_DIR / "prices.toml"):
        if fnmatch.fnmatchcase(name, pattern):
            return Price(inp, out, True, pattern)
    return Price(0.0, 0.0, False)


def format_plan(rows: Sequence[PlanRow]) -> str:
    """The ``--dry-run`` table: one line per planned call, then totals."""
    width = max([len("purpose")] + [len(r.purpose) for r in rows])
    lines = [f"{'purpose':<{width}}  {'prompt':>8}  {'max compl.':>10}  {'est. cost':>10}  cached"]
    for r in rows:
        lines.append(
            f"{r.purpose:<{width}}  {r.prompt_tokens:>8}  {r.completion_tokens:>10}  "
            f"{'$' + format(r.cost, '.4f'):>10}  {'yes' if r.cached else ''}"
        )
    todo = [r for r in rows if not r.cached]
    lines.append(
        f"{'total: ' + str(len(todo)) + ' call(s), ' + str(len(rows) - len(todo)) + ' cached':<{width}}  "
        f"{sum(r.prompt_tokens for r in todo):>8}  {sum(r.completion_tokens for r in todo):>10}  "
        f"{'$' + format(sum(r.cost for r in todo), '.4f'):>10}"
    )
    return "\n".join(lines)


# ------------------------------------------------------------------ the client


def _schema_instruction(schema_name: str, schema_json: dict[str, Any]) -> str:
    return (
        f"\n\nAnswer with one JSON object ({schema_name}) that matches this JSON schema, "
        "and nothing else: no prose, no code fences.\n"
        + json.dumps(schema_json, ensure_ascii=False)
    )


def _with_instruction(messages: list[dict[str, str]], text: str) -> list[dict[str, str]]:
    """Append ``text`` to the last user message (system-only chats get a user turn)."""
    out = [dict(m) for m in messages]
    for m in reversed(out):
        if m.get("role") == "user":
            m["content"] = m.get("content", "") + text
            return out
    return out + [{"role": "user", "content": text.strip()}]


@dataclass
class _State:
    """What one request went through (for its result and the log)."""

    attempts: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    raw: str = ""
    finish_reason: str | None = None
    mode: str | None = None
    last_prompt: int = 0  # the latest exchange alone (for its log row)
    last_completion: int = 0
    last_latency: float = 0.0
    last_cost: float = 0.0


class ModelClient:
    """Runs model requests with cache, record/replay, audit log, retries and budget.

    ``run(requests)`` returns one ``ModelResult`` per request, in order; it
    raises only ``ReplayMissError`` (``--replay`` without a matching recording,
    after every request was tried, unless ``config.replay_strict`` is off: then
    the miss is a failed result).  ``usage`` holds running totals: ``calls``
    counts exchanges with the model (replays included), ``cached`` cache hits.
    """

    def __init__(
        self,
        config: ModelConfig,
        *,
        log_path: Path | None = None,
        backend: Backend | None = None,
    ) -> None:
        self.config = config
        self.usage = Usage()
        self.log_path = Path(log_path) if log_path else None
        self.run_id = uuid.uuid4().hex[:12]
        self.price = price_for(config)
        self.notes: list[str] = []
        if not self.price.known:
            self.notes.append(f"unknown price for model {config.model}: cost counted as 0")
        self.planned: list[PlanRow] = []
        self.replay_misses: list[ReplayMiss] = []
        self._backend = backend
        self._modes: dict[str, str] = {}
        self._spent = 0
        self._reserved = 0
        self._secret = config.api_key.get_secret_value() if config.api_key else None
        self._cache: ResponseCache | None = None
        self._log: AuditLog | None = None
        self._recordings = Recordings(config.replay_dir) if config.replay_dir else None

    # ----------------------------------------------------------- resources

    @property
    def cache(self) -> ResponseCache | None:
        """The response cache (never used when replaying)."""
        if self.config.replay_dir is not None:
            return None
        if self._cache is None:
            self._cache = ResponseCache.in_dir(self.config.cache_dir)
        return self._cache

    @property
    def log(self) -> AuditLog | None:
        if self._log is None and self.log_path is not None:
            self._log = AuditLog(self.log_path)
        return self._log

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> ModelClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------- helpers

    @property
    def mode(self) -> str:
        """Structured-output mode to try first for this endpoint."""
        if self.config.structured != "auto":
            return self.config.structured
        return self._modes.get(self.config.endpoint, "json_schema")

    def _params(self, request: ModelRequest) -> dict[str, Any]:
        return {"temperature": self.config.temperature, "max_tokens": self._max_tokens(request)}

    def _max_tokens(self, request: ModelRequest) -> int:
        cap = self.config.max_completion_tokens
        return min(request.max_tokens, cap) if cap else request.max_tokens

    def _keys(self, request: ModelRequest) -> tuple[str, str, dict[str, Any]]:
        schema_json = request.schema.model_json_schema()
        common: dict[str, Any] = {"messages": request.messages, "schema": schema_json, "params": self._params(request)}
        full = request_key(model=self.config.model, base_url=self.config.public_url, **common)
        prompt = request_key(model="", base_url="", **common)
        return full, prompt, schema_json

    def plan_table(self, requests: Sequence[ModelRequest]) -> list[PlanRow]:
        """Estimated tokens and cost per request (cache hits cost nothing)."""
        rows = []
        for req in requests:
            key, _, schema_json = self._keys(req)
            prompt = estimate_prompt_tokens(req.messages, schema_json)
            completion = self._max_tokens(req)
            cache = None if self.config.no_cache else self.cache
            cached = bool(cache and cache.get(key))
            rows.append(PlanRow(req.purpose, prompt, completion,
                                0.0 if cached else self.price.cost(prompt, completion), cached))
        return rows

    def plan_text(self) -> str:
        """The plan of every dry-run request so far, as a printable table."""
        text = format_plan(self.planned)
        return text + "".join(f"\nnote: {n}" for n in self.notes)

    def _result(self, request: ModelRequest, key: str, st: _State, *, parsed: Any = None,
                error: str | None = None, cached: bool = False, latency: float = 0.0,
                skipped: str | None = None) -> ModelResult:
        if error is not None:
            error = scrub(" ".join(error.split()), self._secret)
        return ModelResult(
            request=request, parsed=parsed, raw=st.raw, error=error, cached=cached,
            prompt_tokens=st.prompt_tokens, completion_tokens=st.completion_tokens,
            latency=latency, finish_reason=st.finish_reason, skipped=skipped, hash=key,
            mode=st.mode, attempts=st.attempts, cost=st.cost,
        )

    def _write_log(self, request: ModelRequest, key: str, call_messages: list[dict[str, str]],
                   *, response: str | None, ok: bool, error: str | None, prompt_tokens: int,
                   completion_tokens: int, latency: float, cache: str, finish_reason: str | None,
                   mode: str | None, attempt: int, cost: float) -> None:
        log = self.log
        if log is None:
            return
        log.write(LogEntry(
            run_id=self.run_id, purpose=request.purpose, model=self.config.model,
            base_url=self.config.public_url, request_hash=key, messages=call_messages,
            schema_name=request.schema.__name__, response=response, parsed_ok=ok,
            error=scrub(error, self._secret) if error else None, prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens, latency=latency, cache=cache,
            finish_reason=finish_reason, mode=mode, attempt=attempt,
            context_ids=list(request.context_ids), cost=cost,
        ))

    def _record(self, request: ModelRequest, key: str, prompt_key: str, st: _State,
                error: str | None) -> None:
        if self.config.record_dir is None:
            return
        write_recording(
            self.config.record_dir, hash=key, prompt_hash=prompt_key, purpose=request.purpose,
            model=self.config.model, base_url=self.config.public_url, messages=request.messages,
            schema_name=request.schema.__name__, params=self._params(request), content=st.raw,
            finish_reason=st.finish_reason,
            usage={"prompt_tokens": st.prompt_tokens, "completion_tokens": st.completion_tokens},
            error=scrub(error, self._secret) if error else None,
        )

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.config.retry_after_max)
        delay = min(self.config.backoff_max, self.config.backoff_base * (2 ** attempt))
        return delay * random.uniform(0.5, 1.0)

    def _make_backend(self) -> tuple[Backend, bool]:
        """(backend, owned): owned backends are closed at the end of the run."""
        if self._backend is not None:
            return self._backend, False
        if self._recordings is not None:
            return ReplayBackend(self._recordings), True
        if _test_backend is not None:
            return _test_backend, False
        return OpenAIBackend(self.config), True

    # ---------------------------------------------------------------- run

    def run(self, requests: Sequence[ModelRequest]) -> list[ModelResult]:
        """Run every request (concurrently) and return results in the same order."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.arun(requests))
        # Called from inside an event loop (a notebook): run in a helper thread.
        box: dict[str, Any] = {}

        def target() -> None:
            try:
                box["value"] = asyncio.run(self.arun(requests))
            except BaseException as err:  # re-raised in the caller's thread
                box["error"] = err

        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
        if "error" in box:
            raise box["error"]
        return list(box["value"])

    async def arun(self, requests: Sequence[ModelRequest]) -> list[ModelResult]:
        """Async form of ``run``."""
        requests = list(requests)
        if self.config.dry_run:
            rows = self.plan_table(requests)
            self.planned.extend(rows)
            return [
                ModelResult(request=r, parsed=None, raw="", error=None, cached=row.cached,
                            prompt_tokens=row.prompt_tokens, completion_tokens=row.completion_tokens,
                            latency=0.0, finish_reason=None, skipped="dry-run", cost=row.cost)
                for r, row in zip(requests, rows, strict=True)
            ]
        backend, owned = self._make_backend()
        semaphore = asyncio.Semaphore(self.config.concurrency)
        misses_before = len(self.replay_misses)
        try:
            results = await asyncio.gather(*(self._one(r, backend, semaphore) for r in requests))
        finally:
            if owned:
                await backend.aclose()
        misses = self.replay_misses[misses_before:]
        if misses and self.config.replay_strict:
            first = misses[0]
            more = f" and {len(misses) - 1} more request(s)" if len(misses) > 1 else ""
            raise ReplayMissError(
                f"--replay {self.config.replay_dir}: no recording for {first.purpose} "
                f"(request hash {first.hash[:16]}){more}",
                help="record it with --record DIR against a model, or add an authored response file",
            )
        return list(results)

    async def _one(self, request: ModelRequest, backend: Backend,
                   semaphore: asyncio.Semaphore) -> ModelResult:
        key, prompt_key, schema_json = self._keys(request)
        st = _State()
        started = time.monotonic()
        cache = self.cache

        if cache is not None and not self.config.no_cache:
            hit = cache.get(key)
            if hit is not None:
                try:
                    parsed = parse_reply(hit.content, request.schema)
                except (JSONFixError, ValueError):
                    parsed = None
                if parsed is not None:
                    st.raw, st.finish_reason = hit.content, hit.finish_reason
                    self.usage.cached += 1
                    self._write_log(request, key, request.messages, response=hit.content, ok=True,
                                    error=None, prompt_tokens=0, completion_tokens=0, latency=0.0,
                                    cache="hit", finish_reason=hit.finish_reason, mode=None,
                                    attempt=0, cost=0.0)
                    self._record(request, key, prompt_key, st, None)
                    return self._result(request, key, st, parsed=parsed, cached=True)

        async with semaphore:
            need = estimate_prompt_tokens(request.messages, schema_json) + self._max_tokens(request)
            if not self._reserve(need):
                self.usage.skipped_for_budget.append(request.purpose)
                self._write_log(request, key, request.messages, response=None, ok=False,
                                error="skipped: token budget", prompt_tokens=0, completion_tokens=0,
                                latency=0.0, cache="skipped", finish_reason=None, mode=None,
                                attempt=0, cost=0.0)
                return self._result(request, key, st, skipped="budget",
                                    error="not run: it would pass the token budget")
            try:
                parsed, error = await self._converse(request, key, prompt_key, schema_json, backend, st)
            finally:
                self._reserved -= need
        latency = time.monotonic() - started
        if error is not None:
            self.usage.failed += 1
            if st.finish_reason is not None or st.raw:  # a reply came back: keep it
                self._record(request, key, prompt_key, st, error)
            return self._result(request, key, st, error=error, latency=latency)
        if cache is not None:
            cache.put(key, CachedReply(st.raw, st.finish_reason, st.prompt_tokens,
                                       st.completion_tokens, self.config.model))
        self._record(request, key, prompt_key, st, None)
        return self._result(request, key, st, parsed=parsed, latency=latency)

    def replaced(self, result: ModelResult) -> None:
        """The caller asks again in smaller parts instead: a request skipped for the budget no
        longer counts as left undone (its parts are counted if they are skipped too)."""
        skipped = self.usage.skipped_for_budget
        if result.skipped == "budget" and result.request.purpose in skipped:
            skipped.remove(result.request.purpose)

    def _reserve(self, tokens: int) -> bool:
        budget = self.config.budget_tokens
        if budget is not None and self._spent + self._reserved + tokens > budget:
            return False
        self._reserved += tokens
        return True

    async def _converse(self, request: ModelRequest, key: str, prompt_key: str,
                        schema_json: dict[str, Any], backend: Backend,
                        st: _State) -> tuple[Any, str | None]:
        """Call, parse, maybe repair once; returns (parsed, None) or (None, error)."""
        schema_name = request.schema.__name__
        repair: list[dict[str, str]] = []
        repaired = False
        cache_tag = "replay" if isinstance(backend, ReplayBackend) else (
            "bypass" if self.config.no_cache else "miss")
        while True:
            mode = self.mode
            base = request.messages if mode == "json_schema" else _with_instruction(
                request.messages, _schema_instruction(schema_name, schema_json))
            messages = base + repair
            call = Call(purpose=request.purpose, hash=key, prompt_hash=prompt_key, messages=messages,
                        mode=mode, schema_name=schema_name, schema_json=schema_json,
                        max_tokens=self._max_tokens(request), temperature=self.config.temperature)
            if repair and not self._reserve_extra(messages, schema_json, request):
                return None, "reply did not validate and the repair call would pass the token budget"
            try:
                exchange = await self._call_with_retries(call, backend, request, key, st, cache_tag)
            except BackendError as err:
                if err.format_rejected and mode != MODES[-1] and self.config.structured == "auto":
                    self._modes[self.config.endpoint] = MODES[MODES.index(mode) + 1]
                    continue
                return None, err.message
            except ReplayMiss as miss:
                self.replay_misses.append(miss)
                return None, str(miss)
            st.mode = mode
            st.raw, st.finish_reason = exchange.content, exchange.finish_reason
            if exchange.finish_reason == "length":
                error = f"{LENGTH_ERROR} ({call.max_tokens} tokens)"
                self._log_exchange(request, key, call, exchange, st, ok=False, error=error,
                                   cache=cache_tag)
                return None, error
            try:
                parsed = parse_reply(exchange.content, request.schema)
            except (JSONFixError, ValueError) as err:
                self._log_exchange(request, key, call, exchange, st, ok=False,
                                   error=f"reply did not validate: {err}", cache=cache_tag)
                if repaired:
                    return None, f"reply did not match {schema_name} after one retry: {err}"
                repaired = True
                repair = [
                    {"role": "assistant", "content": exchange.content},
                    {"role": "user", "content": (
                        f"Your reply could not be used: {err}. Reply again with only the "
                        f"corrected JSON object for {schema_name}, nothing else.")},
                ]
                continue
            self._log_exchange(request, key, call, exchange, st, ok=True, error=None, cache=cache_tag)
            return parsed, None

    def _reserve_extra(self, messages: list[dict[str, str]], schema_json: dict[str, Any],
                       request: ModelRequest) -> bool:
        """Budget check for the repair call (its tokens are counted when it returns)."""
        budget = self.config.budget_tokens
        if budget is None:
            return True
        need = estimate_prompt_tokens(messages, schema_json) + self._max_tokens(request)
        return self._spent + need <= budget

    def _log_exchange(self, request: ModelRequest, key: str, call: Call, exchange: Exchange,
                      st: _State, *, ok: bool, error: str | None, cache: str) -> None:
        self._write_log(request, key, call.messages, response=exchange.content, ok=ok, error=error,
                        prompt_tokens=st.last_prompt, completion_tokens=st.last_completion,
                        latency=st.last_latency, cache=cache, finish_reason=exchange.finish_reason,
                        mode=call.mode, attempt=st.attempts, cost=st.last_cost)

    async def _call_with_retries(self, call: Call, backend: Backend, request: ModelRequest,
                                 key: str, st: _State, cache_tag: str) -> Exchange:
        """One exchange, retried on transient errors; counts tokens and cost."""
        retries = self.config.max_retries
        for attempt in range(retries + 1):
            st.attempts += 1
            t0 = time.monotonic()
            try:
                exchange = await asyncio.wait_for(backend.execute(call),
                                                  timeout=self.config.timeout + 1)
            except TimeoutError:
                err = BackendError(f"no reply within {self.config.timeout:g}s", transient=True)
            except BackendError as e:
                err = e
            else:
                self._account(call, exchange, st, time.monotonic() - t0)
                return exchange
            err.message = scrub(err.message, self._secret)
            self._write_log(request, key, call.messages, response=None, ok=False, error=err.message,
                            prompt_tokens=0, completion_tokens=0, latency=time.monotonic() - t0,
                            cache=cache_tag, finish_reason=None, mode=call.mode,
                            attempt=st.attempts, cost=0.0)
            if not err.transient:
                raise err
            if attempt == retries:
                err.message = f"{err.message} (gave up after {retries + 1} attempts)"
                raise err
            await asyncio.sleep(self._backoff(attempt, err.retry_after))
        raise AssertionError("unreachable")  # pragma: no cover

    def _account(self, call: Call, exchange: Exchange, st: _State, latency: float) -> None:
        prompt = exchange.prompt_tokens
        if prompt is None:
            prompt = estimate_prompt_tokens(call.messages, call.schema_json)
        completion = exchange.completion_tokens
        if completion is None:
            completion = _count_tokens(exchange.content) if exchange.content else 0
        cost = self.price.cost(prompt, completion)
        st.prompt_tokens += prompt
        st.completion_tokens += completion
        st.cost += cost
        st.last_prompt, st.last_completion = prompt, completion
        st.last_latency, st.last_cost = latency, cost
        self._spent += prompt + completion
        self.usage.calls += 1
        self.usage.prompt_tokens += prompt
        self.usage.completion_tokens += completion
        self.usage.cost += cost
