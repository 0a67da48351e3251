"""Where a model exchange goes: an OpenAI-compatible server, or recorded replies.

Why separate from the client: a backend does exactly one thing, ``execute(call)
-> Exchange`` (or raise ``BackendError``), and knows nothing of caching, retries,
budgets or logs.  That keeps the provider quirks (parameter names, error
bodies, a 200 that is not a chat completion) in one place, and lets the client
treat a replayed run and a live one the same way.

This is the only module that imports ``openai`` / ``langchain_openai``; both are
imported lazily, inside ``OpenAIBackend``, so offline runs never load them.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from typing import Any
from urllib.parse import quote

import pydantic

from briefgen.model.config import ModelConfig
from briefgen.model.recording import Recordings
from briefgen.model.types import BackendError, Call, Exchange, ReplayMiss

PURPOSE_HEADER = "X-Briefgen-Purpose"

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


def _snippet(body: bytes) -> str:
    """The start of an unusable body, on one line, as data (never the whole thing)."""
    text = " ".join(body[:2000].decode("utf-8", "replace").split())
    return repr(text[:80] + ("…" if len(text) > 80 else ""))


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
        self._stream = config.stream
        self._stream_usage = config.stream

    def _adjust(self, message: str) -> bool:
        """Adapt to a provider that rejects a parameter; True if worth resending."""
        low = message.lower()
        if "stream_options" in low and self._stream_usage:
            self._stream_usage = False
            return True
        if "stream" in low and self._stream and not self._stream_usage:
            self._stream = False
            return True
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
        if self._stream:
            kwargs["stream"] = True
            if self._stream_usage:
                kwargs["stream_options"] = {"include_usage": True}
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
        raw = await self._send(call)
        try:
            return await self._read(raw, call)
        finally:
            await raw.http_response.aclose()

    async def _send(self, call: Call) -> Any:
        """POST the call (adapting once per rejected parameter); the raw HTTP response.

        The purpose goes along as a header so that a gateway's logs (and the
        scripted test server) can tell the calls apart; it holds document IDs
        only, never text or keys.  Reads time out after ``call.idle_timeout``
        seconds without a byte when streaming, ``call.timeout`` otherwise.
        """
        import httpx

        openai = self._openai
        headers = {PURPOSE_HEADER: quote(call.purpose, safe="")}
        read = call.idle_timeout if self._stream else call.timeout
        limits = httpx.Timeout(call.timeout, read=read, connect=min(call.idle_timeout, 30.0))
        for _ in range(4):
            try:
                return await self._client.chat.completions.with_raw_response.create(
                    **self._payload(call), timeout=limits, extra_headers=headers)
            except openai.APITimeoutError:
                raise self._silent(read) from None
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
        raise BackendError("the provider rejected every parameter variant")  # pragma: no cover

    def _silent(self, seconds: float) -> BackendError:
        """No response at all in time.  Streaming, that is a server that is not answering
        (asking for less would not help: a failure, not retried); otherwise the answer may
        just be long (``timed_out``: the caller may ask for less)."""
        if self._stream:
            return BackendError(f"no reply within {seconds:g}s: the server sent nothing")
        return BackendError(f"no reply within {seconds:g}s", transient=True, timed_out=True)

    async def _read(self, raw: Any, call: Call) -> Exchange:
        """The answer inside an HTTP 200 (a stream or one JSON body), or a one-line reason
        why there is none."""
        http = raw.http_response
        ctype = http.headers.get("content-type", "").lower()
        if self._stream and "text/event-stream" in ctype:
            return await self._read_stream(raw.parse(), call)
        body = await self._body(http, call)
        if not body.strip():
            raise BackendError("the server answered HTTP 200 with an empty body")
        if "json" not in ctype:
            raise BackendError(
                f"the server answered HTTP 200 with {ctype.split(';')[0] or 'untyped'} content, "
                f"not a chat completion ({_snippet(body)}): check --base-url (it usually ends in /v1)")
        return self._from_json(body)

    async def _body(self, http: Any, call: Call) -> bytes:
        """The whole body, refusing one far longer than the answer allowed."""
        import httpx

        out = bytearray()
        try:
            async for piece in http.aiter_bytes():
                out += piece
                if len(out) > call.max_reply_bytes:
                    raise BackendError(f"reply too large: over {call.max_reply_bytes:,} bytes for "
                                       f"at most {call.max_tokens} tokens")
        except httpx.TimeoutException:
            raise BackendError(f"no reply within {call.timeout:g}s", transient=True,
                               timed_out=True) from None
        except httpx.StreamConsumed:
            out = bytearray(http.content)  # already read by the client
        except httpx.HTTPError as err:
            raise BackendError(f"connection error while reading the reply: {err}",
                               transient=True) from None
        if len(out) > call.max_reply_bytes:
            raise BackendError(f"reply too large: {len(out):,} bytes for at most "
                               f"{call.max_tokens} tokens (limit {call.max_reply_bytes:,})")
        return bytes(out)

    def _from_json(self, body: bytes) -> Exchange:
        """A chat.completion body, read leniently (providers differ in the fields around it)."""
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        choices = data.get("choices") if isinstance(data, dict) else None
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise BackendError(f"the server answered HTTP 200 with JSON that is not a chat "
                               f"completion with a choice ({_snippet(body)})")
        assert isinstance(data, dict)
        choice: dict[str, Any] = choices[0]
        message = choice.get("message")
        message = message if isinstance(message, dict) else {}
        usage = data.get("usage")
        usage = usage if isinstance(usage, dict) else {}
        return self._exchange(str(message.get("content") or ""), choice.get("finish_reason"),
                              message.get("refusal"), usage, data.get("model"))

    async def _read_stream(self, stream: Any, call: Call) -> Exchange:
        """Collect a streamed answer: content deltas, the finish reason, the usage chunk."""
        import httpx

        parts: list[str] = []
        size, finish, refusal = 0, None, ""
        usage: dict[str, Any] = {}
        model = None
        try:
            async for chunk in stream:  # each read waits at most the idle timeout
                model = model or getattr(chunk, "model", None)
                if getattr(chunk, "usage", None) is not None:
                    usage = chunk.usage.model_dump()
                for choice in (getattr(chunk, "choices", None) or [])[:1]:
                    delta = choice.delta
                    if delta is not None and delta.content:
                        parts.append(delta.content)
                        size += len(delta.content.encode("utf-8"))
                    refusal += (getattr(delta, "refusal", None) or "") if delta is not None else ""
                    finish = choice.finish_reason or finish
                if size > call.max_reply_bytes:
                    raise BackendError(f"reply too large: over {call.max_reply_bytes:,} bytes for "
                                       f"at most {call.max_tokens} tokens")
        except httpx.TimeoutException:
            raise BackendError(f"the reply stopped: nothing for {call.idle_timeout:g}s",
                               transient=True, timed_out=True) from None
        except (httpx.HTTPError, self._openai.APIError) as err:
            raise BackendError(scrub(f"the reply stream broke: {err}", self._secret),
                               transient=True) from None
        if not parts and finish is None and not refusal:
            raise BackendError("the server ended the reply stream without an answer")
        return self._exchange("".join(parts), finish, refusal or None, usage, model)

    def _exchange(self, content: str, finish: Any, refusal: Any, usage: dict[str, Any],
                  model: Any) -> Exchange:
        if not content and refusal:
            raise BackendError(scrub(f"the model refused: {refusal}", self._secret))

        def count(name: str) -> int | None:
            value = usage.get(name)
            return int(value) if isinstance(value, int | float) else None

        return Exchange(content=content, finish_reason=str(finish) if finish else None,
                        prompt_tokens=count("prompt_tokens"),
                        completion_tokens=count("completion_tokens"),
                        model=str(model) if model else None)

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
