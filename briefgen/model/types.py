"""The words the model boundary speaks: requests, results, exchanges, backend errors.

Why a module of its own: the engines only need these types (they build
``ModelRequest`` and read ``ModelResult``), the backends only need ``Call``,
``Exchange`` and ``BackendError``, and neither should have to import the
client's machinery (cache, retries, budget) to get them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import pydantic

from briefgen.core.types import Usage

MODES = ("json_schema", "json_mode", "text")
LENGTH_ERROR = "reply cut off at the length limit"

# What became of a request, for callers that must react differently to each:
# "cut_off" and "timed_out" replies were too long for one call, so the batching code splits
# them; "failed" is any other failure (HTTP error, unusable reply, replay miss).
Status = Literal["ok", "skipped", "cut_off", "timed_out", "failed"]


@dataclass
class ModelRequest:
    """One question for the model, with the pydantic schema of the answer."""

    purpose: str  # "summary:<doc-id>", "summary:<id>+<id>…" (a batch), "exec-summary"
    messages: list[dict[str, str]]  # [{"role": "system"|"user", "content": ...}]
    schema: type[pydantic.BaseModel]
    max_tokens: int = 2000
    context_ids: tuple[str, ...] = ()  # excerpt IDs shown to the model


@dataclass
class ModelResult:
    """What came back.  ``parsed`` is None when the call failed or was skipped.

    For ``skipped == "dry-run"`` the token fields hold the plan's estimates
    (prompt tokens, and ``max_tokens`` as the completion upper bound).  Token
    fields count every exchange made for the request, failed ones included
    (a provider bills what it generated even when we could not use it).
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
    timed_out: bool = False  # the last attempt got no (complete) reply in time

    @property
    def ok(self) -> bool:
        return self.parsed is not None and self.error is None

    @property
    def status(self) -> Status:
        """One word for what happened; ``cut_off`` and ``timed_out`` mean "ask for less"."""
        if self.ok:
            return "ok"
        if self.skipped:
            return "skipped"
        if self.finish_reason == "length":
            return "cut_off"
        if self.timed_out:
            return "timed_out"
        return "failed"


@dataclass
class ModelUsage(Usage):
    """``Usage`` plus what a run against a real provider needs to show honestly.

    ``calls`` counts exchanges that returned a reply; ``attempts`` every
    exchange tried (failed ones too), ``retries`` the repeated ones,
    ``timeouts`` those abandoned for time.  Token counts include the
    tokens the provider reported for replies that were then rejected.
    """

    attempts: int = 0
    retries: int = 0
    timeouts: int = 0
    failed_purposes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PlanRow:
    """One line of a ``--dry-run`` plan."""

    purpose: str
    prompt_tokens: int
    completion_tokens: int  # upper bound: the request's max_tokens
    cost: float
    cached: bool


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
    timeout: float = 60.0  # seconds this exchange may take in all (ModelConfig.call_timeout)
    idle_timeout: float = 60.0  # seconds a streamed reply may go without a byte
    max_reply_bytes: int = 1_000_000  # a longer HTTP body is refused unread by the parser


@dataclass(frozen=True)
class Exchange:
    """A reply as the provider sent it (token counts None when it did not say)."""

    content: str
    finish_reason: str | None
    prompt_tokens: int | None = None
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
        timed_out: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient
        self.retry_after = retry_after
        self.format_rejected = format_rejected
        self.timed_out = timed_out


class ReplayMiss(Exception):
    """No recording answers this request (collected; ``run`` raises one error at the end)."""

    def __init__(self, purpose: str, hash: str) -> None:
        super().__init__(f"no recording for {purpose} (request hash {hash[:16]})")
        self.purpose = purpose
        self.hash = hash


class Backend(Protocol):
    """Where exchanges go: HTTP (``OpenAIBackend``) or recordings (``ReplayBackend``)."""

    name: str

    async def execute(self, call: Call) -> Exchange: ...

    async def aclose(self) -> None: ...
