"""The benchmark server answers structured requests validly and counts what it was sent."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import openai
import pydantic

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
