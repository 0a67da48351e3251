"""The benchmark server answers structured requests validly and counts what it was sent."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from typing import Any

import openai
import pydantic
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_server_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_server", ROOT / "bench" / "server.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_server"] = module
    spec.loader.exec_module(module)
    return module


class Point(pydantic.BaseModel):
    zh: str
    en: str
    cites: list[str] = pydantic.Field(min_length=1)
    year: int | None = None


class Answer(pydantic.BaseModel):
    title_en: str
    points: list[Point]


PROMPT = "Excerpts:\n[zs-news:p1] 中山市加快建设健康医药产业集群，推动企业创新发展。\n[zs-news:p2] 到2025年产值达到500亿元。"


def test_json_schema_reply_validates_and_cites_prompt_ids() -> None:
    bench = _load_server_module()
    with bench.BenchServer(latency=0.0, max_seconds=30) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="bench", max_retries=0, timeout=10)
        done = client.chat.completions.parse(
            model="bench",
            messages=[{"role": "user", "content": PROMPT}],
            response_format=Answer,
        )
        stats = server.stats.snapshot()
    parsed = done.choices[0].message.parsed
    assert isinstance(parsed, Answer)
    cited = {c for p in parsed.points for c in p.cites}
    assert cited and cited <= {"zs-news:p1", "zs-news:p2"}
    assert stats["requests"] == 1 and stats["by_mode"]["json_schema"]["requests"] == 1
    assert stats["prompt_tokens"] > stats["message_tokens"] > 0
    assert done.usage is not None and done.usage.prompt_tokens == stats["prompt_tokens"]


def test_text_prompt_gets_bounded_plain_summary() -> None:
    bench = _load_server_module()
    long_text = "生物医药产业发展迅速。" * 400
    with bench.BenchServer(summary_tokens=40, max_seconds=30) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="bench", max_retries=0, timeout=10)
        done = client.chat.completions.create(
            model="bench",
            messages=[
                {
                    "role": "user",
                    "content": f'Write a concise summary of the following:\n"{long_text}"',
                }
            ],
        )
    content = done.choices[0].message.content or ""
    assert content and content in long_text
    assert done.usage is not None and 0 < done.usage.completion_tokens <= 40


BATCH_PROMPT = """Write cited notes on Chinese news articles.
<data>
## a1
title: 湾区生物医药
date: 2024-05-17; cities: 中山市、佛山市
[p1] 中山市加快建设健康医药产业集群，推动龙头企业创新发展。
[p2] 佛山市出台专项政策，支持医疗器械企业扩大生产规模。
[p3] 两地合作园区已引进项目，总投资达到120亿元。
## a2
title: 成都生物城
date: 2023-11-04; cities: 成都市
[p1] 成都天府国际生物城聚焦生物技术药物，形成完整的产业链条。
[p2] 生物城已落地重大项目，累计引进企业超过180家。
</data>"""


def test_batch_answer_gives_each_article_its_own_cites_and_cities() -> None:
    from briefgen.engines.schemas import BatchAnswer, batch_answer_for

    bench = _load_server_module()
    schema = batch_answer_for(
        ["a1", "a2"], ["中山市", "佛山市", "成都市"], ["scale", "policy", "parks"], overview=True
    ).model_json_schema()
    sections = {s.key: s for s in bench.find_sections(BATCH_PROMPT)}
    texts = {k: dict(s.excerpts) for k, s in sections.items()}
    assert {k: s.cities for k, s in sections.items()} == {
        "a1": ["中山市", "佛山市"],
        "a2": ["成都市"],
    }
    with bench.BenchServer(latency=0.0, max_seconds=30) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="bench", max_retries=0, timeout=10)
        done = client.chat.completions.create(
            model="bench",
            messages=[{"role": "user", "content": BATCH_PROMPT}],
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "BatchAnswer", "schema": schema, "strict": True},
            },
        )
        stats = server.stats.snapshot()
    answer = BatchAnswer.model_validate_json(done.choices[0].message.content or "")
    assert [a.doc for a in answer.articles] == ["a1", "a2"]
    for part in answer.articles:
        own = texts[part.doc]
        cited = [c for item in part.claims for c in item.cites]
        assert cited and set(cited) <= set(own)  # bare labels of this article only
        assert all(isinstance(f, str) for f in part.facts)  # figures are picked by ID
        assert part.claims and {f.city for f in part.claims} <= set(sections[part.doc].cities)
        for f in part.claims:
            others = [c for c in sections[part.doc].cities if c != f.city]
            for c in f.cites:  # a paragraph naming the city, or none of the article's others
                name = f.city.removesuffix("市")
                assert name in own[c] or not any(o.removesuffix("市") in own[c] for o in others)
        for claim in part.claims:
            assert claim.zh in "".join(own[c] for c in claim.cites)
    assert answer.overview
    for claim in answer.overview:
        for cite in claim.cites:
            key, _, label = cite.partition(".")
            assert label in texts[key] and claim.zh in texts[key][label]
    record = stats["records"][0]
    assert record["schema_name"] == "BatchAnswer"
    assert record["excerpt_ids"] == ["a1.p1", "a1.p2", "a1.p3", "a2.p1", "a2.p2"]
    assert len(set(record["excerpt_keys"])) == 5 and record["excerpt_tokens"] > 0


def test_stats_hold_every_answered_request_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The record is stored before the reply is sent: a client that has its answer always
    finds it in the stats (this raced, and failed about one run in four).  Slow bookkeeping
    makes the race certain if the record is stored after the reply."""
    bench = _load_server_module()
    store = bench.Stats.add

    def slow_add(self: Any, record: Any) -> None:
        time.sleep(0.02)
        store(self, record)

    monkeypatch.setattr(bench.Stats, "add", slow_add)
    with bench.BenchServer(max_seconds=30) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="bench", max_retries=0, timeout=10)
        for i in range(15):
            client.chat.completions.create(
                model="bench", messages=[{"role": "user", "content": f'Summarise:\n"{PROMPT}{i}"'}])
            assert server.stats.snapshot(detail=False)["requests"] == i + 1


def test_latency_model_adds_prefill_and_decode_time() -> None:
    bench = _load_server_module()
    with bench.BenchServer(latency=0.1, prefill_rate=1000, decode_rate=100, max_seconds=30,
                           summary_tokens=30) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="bench", max_retries=0, timeout=10)
        started = time.monotonic()
        done = client.chat.completions.create(
            model="bench", messages=[{"role": "user", "content": f'Summarise:\n"{PROMPT * 5}"'}])
        took = time.monotonic() - started
    assert done.usage is not None
    expected = 0.1 + done.usage.prompt_tokens / 1000 + done.usage.completion_tokens / 100
    assert done.usage.completion_tokens >= 20 and expected >= 0.3
    assert expected <= took < expected + 1.0


def test_mapreduce_baseline_runs_calls_in_parallel_up_to_the_limit() -> None:
    """The baseline runs with ``ainvoke`` at briefgen's concurrency, not one call at a time."""
    pytest.importorskip("langchain_classic")
    pytest.importorskip("langchain_text_splitters")
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import mapreduce_baseline as mr  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "bench"))
    text = "\n".join(f"第{i}段：某市推进产业园区建设，引进企业，完善配套服务，扩大生产规模。" * 12
                     for i in range(12))
    files = [mr.RawFile("a.txt", text)]
    with mr.BenchServer(latency=0.3, max_seconds=60) as server:
        run = mr.run_mapreduce(files, server.base_url, concurrency=2)
        stats = server.stats.snapshot(detail=False)
    assert run["chunks"] >= 3 and run["summary"]
    assert stats["max_in_flight"] == 2 and stats["requests"] > run["chunks"]


def test_fill_mode_answers_as_long_as_the_prompt_allows() -> None:
    from briefgen.engines.schemas import BatchAnswer, batch_answer_for

    bench = _load_server_module()
    dims = ["scale", "policy", "parks"]
    schema = batch_answer_for(["a1", "a2"], ["中山市", "佛山市", "成都市"], dims, overview=True).model_json_schema()
    prompt = "claims: 3-8 main points. facts: up to 8 key figures. overview: 3-6 points.\n" + BATCH_PROMPT
    body = {"messages": [{"role": "user", "content": prompt}], "response_format": {
        "type": "json_schema", "json_schema": {"name": "BatchAnswer", "schema": schema}}}
    short = BatchAnswer.model_validate_json(bench.answer(body, summary_tokens=50).content)
    full = BatchAnswer.model_validate_json(bench.answer(body, summary_tokens=50, fill=True).content)
    assert [len(a.claims) for a in short.articles] == [1, 1]
    assert [len(a.claims) for a in full.articles] == [8, 8] and len(full.overview) == 6
    points = full.articles[0].claims  # its two cities and every dimension, in turn
    assert {p.city for p in points} == {"中山市", "佛山市"} and {d for p in points for d in p.dims} == set(dims)
    assert bench.count_tokens(full.model_dump_json()) > 2 * bench.count_tokens(short.model_dump_json())


def test_many_clients_connecting_at_once_are_all_answered() -> None:
    """A pool of connections opening together (the map-reduce baseline at concurrency 16) is
    answered on every connection: the listen backlog was socketserver's 5, the kernel's SYN
    queue overflowed and some connections were reset before any reply (httpx.ReadError)."""
    import asyncio

    import httpx

    bench = _load_server_module()
    clients = 64
    with bench.BenchServer(latency=0.2, max_seconds=30) as server:
        async def ask_all() -> list[Any]:
            limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
            async with httpx.AsyncClient(limits=limits, timeout=20) as http:
                body = {"model": "bench", "messages": [{"role": "user", "content": "Summarise: 中山"}]}
                ask = [http.post(f"{server.base_url}/chat/completions", json=body)
                       for _ in range(clients)]
                return list(await asyncio.gather(*ask, return_exceptions=True))

        replies = asyncio.run(ask_all())
    failed = [repr(r) for r in replies if not isinstance(r, httpx.Response) or r.status_code != 200]
    assert failed == []


def _zh_en_pairs(value: Any) -> list[tuple[str, str]]:
    """(Chinese, English) of every statement in an answer: zh/en, what/what_en."""
    if isinstance(value, list):
        return [p for v in value for p in _zh_en_pairs(v)]
    if not isinstance(value, dict):
        return []
    pairs = [(value[z], value[e]) for z, e in (("zh", "en"), ("what", "what_en"))
             if isinstance(value.get(z), str) and isinstance(value.get(e), str)]
    return pairs + [p for v in value.values() for p in _zh_en_pairs(v)]


def test_fake_statements_are_as_long_as_authored_ones() -> None:
    """English is as long as a translation (not an 8-token stock phrase) and Chinese about
    as long as an authored statement: the lengths the constants take from tests/responses."""
    import json

    bench = _load_server_module()
    authored = [p for f in sorted((ROOT / "tests" / "responses").rglob("*.json"))
                for p in _zh_en_pairs(json.loads(f.read_text(encoding="utf-8")))]
    zh_tokens = sum(bench.count_tokens(z) for z, _ in authored)
    en_tokens = sum(bench.count_tokens(e) for _, e in authored)
    assert len(authored) >= 40
    assert abs(en_tokens / zh_tokens - bench.EN_PER_ZH) < 0.05
    statements = [(z, e) for f in sorted((ROOT / "tests" / "responses").rglob("*.json"))
                  for z, e in _zh_en_pairs(json.loads(f.read_text(encoding="utf-8")))
                  if bench.count_tokens(z) > 8]  # claims and findings, not fact labels
    mean = sum(bench.count_tokens(z) for z, _ in statements) / len(statements)
    assert abs(mean - bench.ZH_TOKENS) < 2

    for zh in ("中山市加快建设健康医药产业集群", "佛山市出台专项政策，支持医疗器械企业扩大生产规模", "湾区"):
        en = bench.english_for(zh)
        assert en == bench.english_for(zh) and not any(ch.isdigit() for ch in en)
        assert abs(bench.count_tokens(en) - round(bench.EN_PER_ZH * bench.count_tokens(zh))) <= 1

    text = "中山市建设医药集群，推动企业创新，打造湾区医药高地，扩大开放合作，到2025年产值达到500亿元。"
    ctx = bench.PromptContext.from_text(f"<data>\n[p1] {text}\n</data>")
    ctx.current = "p1"
    zh = ctx.zh_text()
    assert zh.startswith("中山市建设医药集群，推动") and zh in text and "2025" not in zh
    assert abs(bench.count_tokens(zh) - bench.ZH_TOKENS) <= 4
