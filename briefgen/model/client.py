"""The one model boundary: every model call in briefgen passes through ``ModelClient``.

``ModelClient(config).run(requests)`` sends each ``ModelRequest`` (messages +
the pydantic schema of the expected answer) to a backend and returns a
``ModelResult`` per request, in order.  It never raises for a bad call:
failures come back as results with ``error`` set and a ``status``.  Around
each call:

* the response cache (``cache.py``): a second identical run makes no call;
* record/replay (``recording.py``): ``--record DIR`` / ``--replay DIR``;
* the audit log (``auditlog.py``): every exchange, for editors to inspect;
* structured output: provider JSON schema -> JSON mode -> schema in the
  prompt, as the provider allows (remembered per base URL); replies are
  cleaned and repaired (``jsonfix.py``) and a reply that does not validate is
  asked for once more with the error shown (its text echoed only up to
  ``REPAIR_ECHO_CHARS``);
* retries with exponential backoff and jitter on 429 (``Retry-After``
  honoured), 5xx and connection errors, at most ``max_retries`` times and
  ``retry_time_max`` seconds of waiting; a per-call time limit that grows
  with ``max_tokens`` (``ModelConfig.call_timeout``); a timed-out call is
  not retried but reported as ``status == "timed_out"`` so the caller can ask
  for less;
* asyncio concurrency (``config.concurrency``), token accounting (attempts,
  retries and failures too), cost estimates, ``dry_run`` plans and a hard
  token budget.

The types live in ``types.py`` (re-exported here), the backends in
``backends.py``, prices and plans in ``prices.py``.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.core.errors import ReplayMissError
from briefgen.model.auditlog import AuditLog, LogEntry
from briefgen.model.backends import OpenAIBackend, ReplayBackend, scrub
from briefgen.model.cache import CachedReply, ResponseCache, request_key
from briefgen.model.config import ModelConfig
from briefgen.model.jsonfix import JSONFixError, parse_reply
from briefgen.model.prices import count_tokens, estimate_prompt_tokens, format_plan, price_for
from briefgen.model.recording import Recordings, write_recording
from briefgen.model.types import (
    LENGTH_ERROR,
    MODES,
    Backend,
    BackendError,
    Call,
    Exchange,
    ModelRequest,
    ModelResult,
    ModelUsage,
    PlanRow,
    ReplayMiss,
)

__all__ = [
    "LENGTH_ERROR",
    "BackendError",
    "ModelClient",
    "ModelRequest",
    "ModelResult",
    "ModelUsage",
    "PlanRow",
]

# A reply that did not validate is shown back to the model in the repair call; a longer one
# is described instead of echoed (a 5 MB reply sent back would cost more than the answer).
REPAIR_ECHO_CHARS = 8000


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


def repair_messages(reply: str, error: str, schema_name: str) -> list[dict[str, str]]:
    """The turns that ask again after an unusable reply; a huge reply is not echoed."""
    if len(reply) > REPAIR_ECHO_CHARS:
        echoed = f"(a reply of {len(reply):,} characters, not repeated here)"
        error = error[:300]
    else:
        echoed = reply
    return [
        {"role": "assistant", "content": echoed},
        {"role": "user", "content": (
            f"Your reply could not be used: {error}. Reply again with only the "
            f"corrected JSON object for {schema_name}, nothing else.")},
    ]


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
    timed_out: bool = False
    last_prompt: int = 0  # the latest exchange alone (for its log row)
    last_completion: int = 0
    last_latency: float = 0.0
    last_cost: float = 0.0


@dataclass
class _Row:
    """One audit-log row before the client adds what it knows (run, model, request)."""

    messages: list[dict[str, str]]
    cache: str
    response: str | None = None
    ok: bool = False
    error: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency: float = 0.0
    finish_reason: str | None = None
    mode: str | None = None
    attempt: int = 0
    cost: float = 0.0


@dataclass(frozen=True)
class CallProgress:
    """Where a batch of model calls stands, for a progress display (``ModelClient.listener``).

    Why: a real model takes tens of seconds a call; on a terminal the user should see
    calls finishing and retries happening rather than a frozen bar."""

    done: int
    total: int
    retries: int
    failed: int
    event: str  # "done" | "retry"
    purpose: str


class ModelClient:
    """Runs model requests with cache, record/replay, audit log, retries and budget.

    ``run(requests)`` returns one ``ModelResult`` per request, in order; it
    raises only ``ReplayMissError`` (``--replay`` without a matching recording,
    after every request was tried, unless ``config.replay_strict`` is off: then
    the miss is a failed result).  ``usage`` (a ``ModelUsage``) holds running
    totals: ``calls`` counts exchanges that returned a reply (replays included),
    ``attempts`` every exchange tried, ``retries``, ``timeouts``, ``failed``
    requests, ``cached`` cache hits.
    """

    def __init__(
        self,
        config: ModelConfig,
        *,
        log_path: Path | None = None,
    ) -> None:
        self.config = config
        self.usage = ModelUsage()
        self.log_path = Path(log_path) if log_path else None
        self.run_id = uuid.uuid4().hex[:12]
        self.price = price_for(config)
        self.notes: list[str] = []
        if not self.price.known:
            self.notes.append(f"unknown price for model {config.model}: cost counted as 0")
        self.planned: list[PlanRow] = []
        self.replay_misses: list[ReplayMiss] = []
        self._modes: dict[str, str] = {}
        self._spent = 0
        self._reserved = 0
        self._secret = config.api_key.get_secret_value() if config.api_key else None
        self._cache: ResponseCache | None = None
        self._log: AuditLog | None = None
        self._recordings = Recordings(config.replay_dir) if config.replay_dir else None
        # called after each call ends and before each retry (progress on a terminal)
        self.listener: Callable[[CallProgress], None] | None = None
        self._batch_done = 0
        self._batch_total = 0

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
        common: dict[str, Any] = {"messages": request.messages, "schema": schema_json,
                                  "params": self._params(request)}
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
            mode=st.mode, attempts=st.attempts, cost=st.cost, timed_out=st.timed_out,
        )

    def _write_log(self, request: ModelRequest, key: str, row: _Row) -> None:
        log = self.log
        if log is None:
            return
        log.write(LogEntry(
            run_id=self.run_id, purpose=request.purpose, model=self.config.model,
            base_url=self.config.public_url, request_hash=key, messages=row.messages,
            schema_name=request.schema.__name__, response=row.response, parsed_ok=row.ok,
            error=scrub(row.error, self._secret) if row.error else None,
            prompt_tokens=row.prompt_tokens, completion_tokens=row.completion_tokens,
            latency=row.latency, cache=row.cache, finish_reason=row.finish_reason, mode=row.mode,
            attempt=row.attempt, context_ids=list(request.context_ids), cost=row.cost,
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

    def _make_backend(self) -> Backend:
        """A fresh backend for this run (closed at its end): recordings or HTTP."""
        if self._recordings is not None:
            return ReplayBackend(self._recordings)
        return OpenAIBackend(self.config)

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
        backend = self._make_backend()
        semaphore = asyncio.Semaphore(self.config.concurrency)
        misses_before = len(self.replay_misses)
        self._batch_done, self._batch_total = 0, len(requests)

        async def one(request: ModelRequest) -> ModelResult:
            result = await self._one(request, backend, semaphore)
            self._batch_done += 1
            self._notify("done", request.purpose)
            return result

        try:
            results = await asyncio.gather(*(one(r) for r in requests))
        finally:
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

    def _from_cache(self, request: ModelRequest, key: str, prompt_key: str) -> ModelResult | None:
        cache = self.cache
        if cache is None or self.config.no_cache:
            return None
        hit = cache.get(key)
        if hit is None:
            return None
        try:
            parsed = parse_reply(hit.content, request.schema)
        except (JSONFixError, ValueError):
            return None
        st = _State(raw=hit.content, finish_reason=hit.finish_reason)
        self.usage.cached += 1
        self._write_log(request, key, _Row(request.messages, "hit", response=hit.content, ok=True,
                                           finish_reason=hit.finish_reason))
        self._record(request, key, prompt_key, st, None)
        return self._result(request, key, st, parsed=parsed, cached=True)

    async def _one(self, request: ModelRequest, backend: Backend,
                   semaphore: asyncio.Semaphore) -> ModelResult:
        key, prompt_key, schema_json = self._keys(request)
        st = _State()
        started = time.monotonic()
        hit = self._from_cache(request, key, prompt_key)
        if hit is not None:
            return hit
        async with semaphore:
            need = estimate_prompt_tokens(request.messages, schema_json) + self._max_tokens(request)
            if not self._reserve(need):
                self.usage.skipped_for_budget.append(request.purpose)
                self._write_log(request, key, _Row(request.messages, "skipped",
                                                   error="skipped: token budget"))
                return self._result(request, key, st, skipped="budget",
                                    error="not run: it would pass the token budget")
            try:
                parsed, error = await self._converse(request, key, prompt_key, schema_json, backend, st)
            finally:
                self._reserved -= need
        latency = time.monotonic() - started
        if error is not None:
            self.usage.failed += 1
            self.usage.failed_purposes.append(request.purpose)
            if st.finish_reason is not None or st.raw:  # a reply came back: keep it
                self._record(request, key, prompt_key, st, error)
            return self._result(request, key, st, error=error, latency=latency)
        if self.cache is not None:
            self.cache.put(key, CachedReply(st.raw, st.finish_reason, st.prompt_tokens,
                                            st.completion_tokens, self.config.model))
        self._record(request, key, prompt_key, st, None)
        return self._result(request, key, st, parsed=parsed, latency=latency)

    def _notify(self, event: str, purpose: str) -> None:
        if self.listener is not None:
            self.listener(CallProgress(self._batch_done, self._batch_total, self.usage.retries,
                                       self.usage.failed, event, purpose))

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

    def _call(self, request: ModelRequest, key: str, prompt_key: str,
              schema_json: dict[str, Any], messages: list[dict[str, str]], mode: str) -> Call:
        max_tokens = self._max_tokens(request)
        return Call(purpose=request.purpose, hash=key, prompt_hash=prompt_key, messages=messages,
                    mode=mode, schema_name=request.schema.__name__, schema_json=schema_json,
                    max_tokens=max_tokens, temperature=self.config.temperature,
                    timeout=self.config.call_timeout(max_tokens), idle_timeout=self.config.timeout,
                    max_reply_bytes=self.config.max_reply_bytes(max_tokens))

    async def _converse(self, request: ModelRequest, key: str, prompt_key: str,
                        schema_json: dict[str, Any], backend: Backend,
                        st: _State) -> tuple[Any, str | None]:
        """Call, parse, maybe repair once; returns (parsed, None) or (None, error)."""
        schema_name = request.schema.__name__
        repair: list[dict[str, str]] = []
        cache_tag = "replay" if isinstance(backend, ReplayBackend) else (
            "bypass" if self.config.no_cache else "miss")
        while True:
            mode = self.mode
            base = request.messages if mode == "json_schema" else _with_instruction(
                request.messages, _schema_instruction(schema_name, schema_json))
            call = self._call(request, key, prompt_key, schema_json, base + repair, mode)
            if repair and not self._reserve_extra(call.messages, schema_json, request):
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
                if repair:
                    return None, f"reply did not match {schema_name} after one retry: {err}"
                repair = repair_messages(exchange.content, str(err), schema_name)
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
        self._write_log(request, key, _Row(
            call.messages, cache, response=exchange.content, ok=ok, error=error,
            prompt_tokens=st.last_prompt, completion_tokens=st.last_completion,
            latency=st.last_latency, finish_reason=exchange.finish_reason, mode=call.mode,
            attempt=st.attempts, cost=st.last_cost))

    async def _attempt(self, call: Call, backend: Backend) -> Exchange:
        """One exchange under the call's total time limit (the backend keeps the idle one)."""
        try:
            return await asyncio.wait_for(backend.execute(call), timeout=call.timeout)
        except TimeoutError:
            raise BackendError(f"no complete reply within {call.timeout:g}s", transient=True,
                               timed_out=True) from None

    async def _call_with_retries(self, call: Call, backend: Backend, request: ModelRequest,
                                 key: str, st: _State, cache_tag: str) -> Exchange:
        """One exchange, retried on transient errors; counts attempts, tokens and cost.

        A timed-out exchange is not retried: waiting the same time again rarely helps,
        and the caller can ask for less (``ModelResult.status == "timed_out"``)."""
        retries = self.config.max_retries
        waited = 0.0
        for attempt in range(retries + 1):
            st.attempts += 1
            self.usage.attempts += 1
            if attempt:
                self.usage.retries += 1
                self._notify("retry", request.purpose)
            t0 = time.monotonic()
            try:
                exchange = await self._attempt(call, backend)
            except BackendError as err:
                error = err
            else:
                self._account(call, exchange, st, time.monotonic() - t0)
                return exchange
            error.message = scrub(error.message, self._secret)
            self._write_log(request, key, _Row(call.messages, cache_tag, error=error.message,
                                               latency=time.monotonic() - t0, mode=call.mode,
                                               attempt=st.attempts))
            if error.timed_out:
                st.timed_out = True
                self.usage.timeouts += 1
                raise error
            if not error.transient:
                raise error
            delay = self._backoff(attempt, error.retry_after)
            if attempt == retries or waited + delay > self.config.retry_time_max:
                error.message = f"{error.message} (gave up after {attempt + 1} attempts)"
                raise error
            waited += delay
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _account(self, call: Call, exchange: Exchange, st: _State, latency: float) -> None:
        prompt = exchange.prompt_tokens
        if prompt is None:
            prompt = estimate_prompt_tokens(call.messages, call.schema_json)
        completion = exchange.completion_tokens
        if completion is None:
            completion = count_tokens(exchange.content) if exchange.content else 0
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
