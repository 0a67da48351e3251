"""The model boundary against a real HTTP server: the openai client, our retries and parsing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_openai import FakeOpenAI, MockModel, Reply
from pydantic import BaseModel, ConfigDict

from briefgen.model.client import LENGTH_ERROR, ModelClient, ModelRequest
from briefgen.model.config import ModelConfig


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    city: str
    value: float


GOOD = {"city": "中山", "value": 462.2}


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as srv:
        yield srv


def make_client(tmp_path: Path, url: str, **kw: Any) -> ModelClient:
    settings: dict[str, Any] = {"model": "test-model", "base_url": url, "timeout": 5,
                                "backoff_base": 0.01, "cache_dir": tmp_path / "cache"}
    settings.update(kw)
    return ModelClient(ModelConfig(**settings), log_path=tmp_path / "log.db")


def ask(purpose: str = "test:one", text: str = "中山的产业规模?", **kw: Any) -> ModelRequest:
    return ModelRequest(purpose, [{"role": "system", "content": "Answer in JSON."},
                                  {"role": "user", "content": text}], Answer, **kw)


def test_success_uses_json_schema_and_provider_usage(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add(GOOD)
    client = make_client(tmp_path, server.url)
    [res] = client.run([ask()])
    assert res.ok and res.parsed == Answer(**GOOD)
    assert server.count == 1
    fmt = server.requests[0]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert server.requests[0]["temperature"] == 0.0
    assert res.prompt_tokens == 11 and client.usage.calls == 1


def test_429_then_success_honours_retry_after(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add(Reply(status=429, headers={"Retry-After": "1"}, error="slow down"), GOOD)
    started = time.monotonic()
    [res] = make_client(tmp_path, server.url).run([ask()])
    assert res.ok and res.attempts == 2
    assert server.count == 2
    assert time.monotonic() - started >= 0.95


def test_repeated_500_gives_failed_result_after_max_retries(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add(*[Reply(status=500, error="overloaded")] * 5)
    client = make_client(tmp_path, server.url, max_retries=2)
    [res] = client.run([ask()])
    assert res.parsed is None and res.error is not None
    assert "HTTP 500" in res.error and "gave up after 3 attempts" in res.error
    assert server.count == 3 and client.usage.failed == 1


def test_client_error_is_not_retried(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add(Reply(status=404, error="model does-not-exist not found"))
    [res] = make_client(tmp_path, server.url).run([ask()])
    assert res.error and "404" in res.error
    assert server.count == 1


def test_silent_server_fails_soon_and_is_not_retried(server: FakeOpenAI, tmp_path: Path) -> None:
    """A server that sends nothing is not answering: a failure after the idle timeout, not a
    'too long' answer to split and ask again."""
    server.add(Reply('{"city": "x", "value": 1}', delay=1.5))
    client = make_client(tmp_path, server.url, timeout=0.3, max_retries=3)
    started = time.monotonic()
    [res] = client.run([ask(max_tokens=4000)])  # the whole call could take 0.3 + 400 s
    assert time.monotonic() - started < 1.2
    assert res.error == "no reply within 0.3s: the server sent nothing"
    assert res.status == "failed" and server.count == 1
    assert client.usage.attempts == 1 and client.usage.failed == 1


def test_slow_whole_reply_is_timed_out(server: FakeOpenAI, tmp_path: Path) -> None:
    """Without streaming, silence may just be a long answer being written: status timed_out
    (the caller may ask for less)."""
    server.add(Reply('{"city": "x", "value": 1}', delay=1.0))
    whole = make_client(tmp_path, server.url, timeout=0.3, min_tokens_per_second=1e9, stream=False)
    [res] = whole.run([ask(max_tokens=100)])
    assert res.status == "timed_out" and res.error and "reply within 0.3s" in res.error
    assert whole.usage.timeouts == 1 and whole.usage.attempts == 1


def test_malformed_reply_is_retried_once_with_the_error(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add("I think the answer is Zhongshan.", GOOD)
    [res] = make_client(tmp_path, server.url).run([ask()])
    assert res.ok and res.parsed == Answer(**GOOD)
    assert server.count == 2
    second = server.requests[1]["messages"]
    assert second[-2] == {"role": "assistant", "content": "I think the answer is Zhongshan."}
    assert "could not be used" in second[-1]["content"]


def test_reply_failing_twice_is_a_failed_result(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add({"city": "中山"}, {"town": "中山"})
    [res] = make_client(tmp_path, server.url).run([ask()])
    assert res.parsed is None and res.error and "after one retry" in res.error
    assert "value" in res.error or "city" in res.error
    assert server.count == 2


def test_near_json_is_repaired_without_a_retry(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add('Here you go: {"city": "中山", "value": 462.2,}')
    [res] = make_client(tmp_path, server.url).run([ask()])
    assert res.ok and res.parsed == Answer(**GOOD)
    assert server.count == 1


def test_think_block_and_fence_before_json(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add('<think>The user wants {city}. Maybe {"city": "佛山"}?</think>\n'
               '```json\n{"city": "中山", "value": 462.2}\n```')
    [res] = make_client(tmp_path, server.url).run([ask()])
    assert res.ok and res.parsed == Answer(**GOOD)
    assert server.count == 1


def test_truncated_reply_is_reported_not_retried(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add(Reply('{"city": "中', finish_reason="length"))
    [res] = make_client(tmp_path, server.url).run([ask(max_tokens=5)])
    assert res.parsed is None and res.error and LENGTH_ERROR in res.error
    assert res.finish_reason == "length" and server.count == 1
    assert server.requests[0]["max_tokens"] == 5


def test_rejected_json_schema_falls_back_and_is_remembered(tmp_path: Path) -> None:
    with FakeOpenAI(reject_json_schema=True) as srv:
        srv.add(GOOD, {"city": "佛山", "value": 1})
        client = make_client(tmp_path, srv.url, concurrency=1)
        results = client.run([ask("test:a"), ask("test:b", "佛山?")])
    assert [r.ok for r in results] == [True, True]
    kinds = [(r.get("response_format") or {}).get("type") for r in srv.requests]
    assert kinds == ["json_schema", "json_object", "json_object"]
    assert "JSON schema" in srv.requests[1]["messages"][-1]["content"]
    assert results[1].mode == "json_mode"


def test_text_mode_when_json_mode_is_rejected_too(mock_model: MockModel) -> None:
    mock_model.enqueue(None, Reply(status=400, error="response_format is not supported"))
    mock_model.enqueue(None, Reply(status=400, error="response_format json_object unsupported"))
    mock_model.enqueue(None, GOOD)
    [res] = mock_model.client().run([ask()])
    assert res.ok and res.mode == "text"
    assert [c.mode for c in mock_model.calls] == ["json_schema", "json_mode", "text"]
    assert '"value"' in mock_model.calls[-1].messages[-1]["content"]


def test_second_identical_run_makes_no_calls(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add(GOOD)
    first = make_client(tmp_path, server.url).run([ask()])
    again = make_client(tmp_path, server.url)
    second = again.run([ask()])
    assert server.count == 1
    assert second[0].cached and second[0].parsed == first[0].parsed
    assert again.usage.cached == 1 and again.usage.calls == 0


def test_no_cache_bypasses_the_cache(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add(GOOD, GOOD)
    make_client(tmp_path, server.url).run([ask()])
    [res] = make_client(tmp_path, server.url, no_cache=True).run([ask()])
    assert server.count == 2 and not res.cached


def test_calls_run_concurrently_up_to_the_limit(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add(*[Reply('{"city": "x", "value": 1}', delay=0.3)] * 5)
    results = make_client(tmp_path, server.url, concurrency=2).run(
        [ask(f"test:{i}", f"q{i}") for i in range(5)])
    assert all(r.ok for r in results)
    assert server.max_in_flight == 2 and server.count == 5


def test_results_keep_request_order(mock_model: MockModel) -> None:
    for i in (2, 0, 1):
        mock_model.enqueue(f"test:{i}", {"city": f"c{i}", "value": i})
    results = mock_model.client().run([ask(f"test:{i}", f"q{i}") for i in range(3)])
    assert [r.parsed.city for r in results] == ["c0", "c1", "c2"]  # type: ignore[union-attr]


def test_dry_run_calls_nothing_and_plans(server: FakeOpenAI, tmp_path: Path) -> None:
    client = make_client(tmp_path, server.url, model="gpt-4o-mini", dry_run=True)
    results = client.run([ask("test:a", max_tokens=100), ask("test:b", "长一点的问题" * 50, max_tokens=100)])
    assert server.count == 0
    assert [r.skipped for r in results] == ["dry-run", "dry-run"]
    assert results[1].prompt_tokens > results[0].prompt_tokens > 0
    plan = client.plan_text()
    assert "test:a" in plan and "test:b" in plan and "total: 2 call(s)" in plan


def test_budget_stops_calls_that_would_pass_it(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add(GOOD, GOOD)
    probe = make_client(tmp_path, server.url).plan_table([ask(max_tokens=50)])[0]
    need = probe.prompt_tokens + probe.completion_tokens
    client = make_client(tmp_path, server.url, budget_tokens=need + 5, concurrency=1)
    results = client.run([ask("test:a", max_tokens=50), ask("test:b", "other", max_tokens=50)])
    assert results[0].ok and results[1].skipped == "budget"
    assert server.count == 1
    assert client.usage.skipped_for_budget == ["test:b"]


def test_max_tokens_param_is_adapted_when_rejected(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add(Reply(status=400, error="Unsupported parameter: 'max_tokens' is not supported with "
                                       "this model. Use 'max_completion_tokens' instead."), GOOD)
    [res] = make_client(tmp_path, server.url).run([ask()])
    assert res.ok and server.count == 2
    assert "max_completion_tokens" in server.requests[1] and "max_tokens" not in server.requests[1]


def test_unknown_model_costs_zero_with_a_note(server: FakeOpenAI, tmp_path: Path) -> None:
    remote = make_client(tmp_path, "https://example.invalid/v1", model="mystery-1", dry_run=True)
    assert remote.price.known is False and "unknown price" in remote.notes[0]
    priced = make_client(tmp_path, "https://example.invalid/v1", model="gpt-4o-mini", dry_run=True)
    [row] = priced.plan_table([ask(max_tokens=1000)])
    assert row.cost == pytest.approx((row.prompt_tokens * 0.15 + 1000 * 0.60) / 1e6)


def test_run_inside_an_event_loop(mock_model: MockModel) -> None:
    import asyncio

    mock_model.enqueue(None, GOOD)

    async def notebook() -> list[Any]:
        return mock_model.client().run([ask()])

    [res] = asyncio.run(notebook())
    assert res.ok


def test_failed_attempts_and_retries_are_counted(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add(*[Reply(status=503, error="busy")] * 3)
    client = make_client(tmp_path, server.url, max_retries=2)
    [res] = client.run([ask()])
    assert res.status == "failed" and res.attempts == 3
    u = client.usage
    assert (u.calls, u.attempts, u.retries, u.failed, u.failed_purposes) == (0, 3, 2, 1, ["test:one"])


def test_retry_waiting_is_bounded_in_total(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add(*[Reply(status=429, headers={"Retry-After": "0.4"}, error="slow down")] * 10)
    client = make_client(tmp_path, server.url, max_retries=9, retry_time_max=1.0)
    started = time.monotonic()
    [res] = client.run([ask()])
    assert res.error and "gave up after 3 attempts" in res.error  # 0.4 + 0.4, a third 0.4 > 1.0
    assert server.count == 3 and time.monotonic() - started < 2.5


def test_replies_are_streamed_with_usage(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add(Reply(json.dumps(GOOD), stream_seconds=0.2, usage={
        "prompt_tokens": 31, "completion_tokens": 7, "total_tokens": 38}))
    [res] = make_client(tmp_path, server.url).run([ask()])
    assert res.ok and (res.prompt_tokens, res.completion_tokens) == (31, 7)
    body = server.requests[0]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


def test_time_limit_grows_with_the_answer_allowed(server: FakeOpenAI, tmp_path: Path) -> None:
    """A slow model writing a long answer is waited for while it keeps writing; a fixed
    limit for the whole call would abandon it."""
    steady = Reply(json.dumps(GOOD), stream_seconds=1.0)  # a piece every 0.05 s for 1 s
    server.add(steady, steady, steady)
    fixed = make_client(tmp_path, server.url, timeout=0.4, min_tokens_per_second=1e9, no_cache=True)
    [cut] = fixed.run([ask(max_tokens=100)])
    assert cut.status == "timed_out" and cut.error == "no complete reply within 0.4s"
    grown = make_client(tmp_path, server.url, timeout=0.4, min_tokens_per_second=100, no_cache=True)
    assert grown.run([ask(max_tokens=100)])[0].ok  # limit 0.4 + 100/100 = 1.4 s
    whole = make_client(tmp_path, server.url, timeout=0.4, min_tokens_per_second=100,
                        no_cache=True, stream=False)
    assert whole.run([ask(max_tokens=100)])[0].ok  # one body after 1 s: read limit 1.4 s
    assert "stream" not in server.requests[2]
    assert ModelConfig(model="m").call_timeout(5000) == 60 + 500  # documented default


def test_provider_without_stream_usage_is_adapted_to(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add(Reply(status=400, error="Unrecognized request argument supplied: stream_options"), GOOD)
    [res] = make_client(tmp_path, server.url).run([ask()])
    assert res.ok and server.count == 2
    assert server.requests[1]["stream"] is True and "stream_options" not in server.requests[1]


@pytest.mark.parametrize("body,ctype,reason", [
    (b"", "application/json", "empty body"),
    (b"<html><body>Welcome to nginx!</body></html>", "text/html", "text/html content"),
    (b'{"hello": "world"}', "application/json", "not a chat completion"),
])
def test_http_200_without_a_completion_is_a_one_line_failure(
        server: FakeOpenAI, tmp_path: Path, body: bytes, ctype: str, reason: str) -> None:
    server.add(Reply(body=body, content_type=ctype))
    [res] = make_client(tmp_path, server.url).run([ask()])
    assert res.status == "failed" and res.error and reason in res.error
    assert "\n" not in res.error and "Traceback" not in res.error and server.count == 1


def test_huge_reply_is_refused_and_not_echoed_back(server: FakeOpenAI, tmp_path: Path) -> None:
    huge = '{"city": "' + "中" * 400_000 + '"'
    server.add(huge)
    [res] = make_client(tmp_path, server.url).run([ask(max_tokens=100)])
    assert res.status == "failed" and res.error and res.error.startswith("reply too large")
    assert server.count == 1 and res.raw == ""


def test_long_unusable_reply_is_described_not_echoed_in_the_repair(server: FakeOpenAI, tmp_path: Path) -> None:
    server.add("no JSON here " * 1000, GOOD)
    [res] = make_client(tmp_path, server.url).run([ask(max_tokens=2000)])
    assert res.ok and server.count == 2
    echoed = server.requests[1]["messages"][-2]["content"]
    assert "no JSON here" not in echoed and "13,000 characters" in echoed


def test_listener_sees_each_call_end_and_each_retry(server: FakeOpenAI, tmp_path: Path) -> None:
    """Per-call progress for the terminal (issue 16): calls done out of total, retries, failures."""
    from briefgen.model.client import CallProgress
    from briefgen.output.progress import call_line

    server.add(Reply(status=500, error="overloaded"), GOOD, *[Reply(status=500, error="down")] * 2)
    client = make_client(tmp_path, server.url, max_retries=1, concurrency=1)
    seen: list[CallProgress] = []
    client.listener = seen.append
    results = client.run([ask(), ask("test:two", "佛山的产业规模?")])
    assert [r.ok for r in results] == [True, False]
    assert [(p.event, p.done, p.total) for p in seen] == [
        ("retry", 0, 2), ("done", 1, 2), ("retry", 1, 2), ("done", 2, 2)]
    assert seen[-1].retries == 2 and seen[-1].failed == 1
    assert call_line("summarising articles", seen[-1]) == (
        "summarising articles: call 2/2, 2 retries, 1 failed")
