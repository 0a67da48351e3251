"""What a run will cost: token estimates, model prices, and the ``--dry-run`` plan.

Why apart from the client: prices are data (``briefgen/data/prices.toml``) and
the plan is printing; neither needs the network, and both are read by people
deciding whether to start a run at all.
"""

from __future__ import annotations

import fnmatch
import json
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from briefgen.core.paths import DATA_DIR
from briefgen.model.config import ModelConfig
from briefgen.model.types import PlanRow
from briefgen.text.tokens import count


def count_tokens(text: str) -> int:
    """Tokens of a text, as the plan and a provider that reports no usage are counted."""
    return count(text)


def estimate_prompt_tokens(messages: Sequence[dict[str, str]], schema_json: dict[str, Any]) -> int:
    """Tokens of the messages plus the schema (sent either as response_format or in the prompt)."""
    total = 3 + sum(4 + count_tokens(m.get("content", "")) for m in messages)
    return total + count_tokens(json.dumps(schema_json, ensure_ascii=False))


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
