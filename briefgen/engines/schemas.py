"""Pydantic models of the structured answers models give back.

Every field is required and no model allows extra keys, so each one maps onto
an OpenAI "strict" JSON schema (all properties required, additionalProperties
false) and the same class validates replies from providers without strict mode.

The schema is sent with every call and billed as prompt tokens, so the answer
models publish a compact JSON schema: no titles or descriptions (the prompt
files explain the fields), nested objects inlined.  Validation is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

_DROP = ("title", "description", "default", "examples")


def _compact(node: Any, defs: dict[str, Any]) -> Any:
    """``node`` with ``$ref``s inlined, labels dropped and ``T | None`` as a type list."""
    if isinstance(node, list):
        return [_compact(v, defs) for v in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _compact(defs[ref.removeprefix("#/$defs/")], defs)
    options = node.get("anyOf")
    if isinstance(options, list) and all(isinstance(o, dict) and set(o) <= {"type"} for o in options):
        return {"type": [o["type"] for o in options]}
    return {k: _compact(v, defs) for k, v in node.items() if k not in _DROP and k != "$defs"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        full = super().model_json_schema(*args, **kwargs)
        out: dict[str, Any] = _compact(full, full.get("$defs", {}))
        return out


class ClaimOut(_Strict):
    """One statement in both languages, resting on the cited excerpts."""

    zh: str = Field(description="The claim in Chinese, numbers copied exactly from the excerpts")
    en: str = Field(description="The same claim in English")
    cites: list[str] = Field(description="IDs of the excerpts the claim rests on, e.g. doc:p3")


class FactOut(_Strict):
    """A key figure: the number as written in the excerpt, its unit, year and meaning."""

    value: str = Field(description="The number exactly as written in the excerpt, e.g. 462.2")
    unit: str = Field(description="The unit as written in the excerpt, e.g. 亿元, 家, %")
    what: str = Field(description="What is measured, short Chinese label")
    what_en: str = Field(description="What is measured, short English label")
    year: int | None = Field(description="The year the figure refers to, or null")
    cites: list[str] = Field(description="IDs of the excerpts holding the figure")


class FindingOut(_Strict):
    """What the article says about one of its cities on one comparison dimension."""

    city: str = Field(description="The city, in Chinese, one of the article's cities")
    dim: str = Field(description="The dimension id from the prompt's list")
    zh: str = Field(description="A short statement in Chinese")
    en: str = Field(description="The same statement in English")
    cites: list[str] = Field(description="IDs of the excerpts it rests on")


class SummaryAnswer(_Strict):
    """Answer to the ``summarize`` prompt for one article: summary and comparison findings."""

    title_en: str = Field(description="The article title in English")
    claims: list[ClaimOut]
    facts: list[FactOut]
    findings: list[FindingOut]


def _allow(properties: dict[str, Any], **values: Sequence[str]) -> None:
    """Publish the allowed values of string fields as enums (an empty list leaves a field free)."""
    for name, allowed in values.items():
        if allowed:
            properties[name] = {"type": "string", "enum": list(allowed)}


def summary_answer_for(cities: Sequence[str], dims: Sequence[str]) -> type[SummaryAnswer]:
    """``SummaryAnswer`` whose published schema lists the allowed ``city`` and ``dim`` values.

    With strict structured output the model can then only name one of the
    article's cities and a known dimension id.  Validation still accepts any
    string, so a provider without strict mode that answers "中山市" loses one
    finding at verification (with a reason), not the whole answer.
    """
    return _summary_answer_for(tuple(cities), tuple(dims))


@lru_cache(maxsize=512)
def _summary_answer_for(cities: tuple[str, ...], dims: tuple[str, ...]) -> type[SummaryAnswer]:
    class _Answer(SummaryAnswer):
        @classmethod
        def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
            schema = super().model_json_schema(*args, **kwargs)
            _allow(schema["properties"]["findings"]["items"]["properties"], city=cities, dim=dims)
            return schema

    # Same name as the base class: logs, recordings and benchmarks group calls by it.
    _Answer.__name__ = _Answer.__qualname__ = "SummaryAnswer"
    return _Answer


class ArticleOut(_Strict):
    """One article's part of a batch answer: ``doc`` is the label the prompt gave it (a1, a2)."""

    doc: str
    title_en: str
    claims: list[ClaimOut]
    facts: list[FactOut]
    findings: list[FindingOut]


class BatchAnswer(_Strict):
    """Answer to the ``summarize_batch`` prompt: several articles at once, and (when the batch
    holds every article of the brief) an ``overview`` that compares them."""

    articles: list[ArticleOut]
    overview: list[ClaimOut] = Field(default_factory=list)


class _BatchNoOverview(_Strict):
    articles: list[ArticleOut]


def batch_answer_for(
    docs: Sequence[str], cities: Sequence[str], dims: Sequence[str], *, overview: bool
) -> type[BatchAnswer]:
    """``BatchAnswer`` whose published schema lists the allowed ``doc``, ``city`` and ``dim``
    values, with or without the ``overview`` field (a field asked for is a field paid for)."""
    return _batch_answer_for(tuple(docs), tuple(cities), tuple(dims), overview)


@lru_cache(maxsize=512)
def _batch_answer_for(
    docs: tuple[str, ...], cities: tuple[str, ...], dims: tuple[str, ...], overview: bool
) -> type[BatchAnswer]:
    class _Answer(BatchAnswer):
        @classmethod
        def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
            base = BatchAnswer if overview else _BatchNoOverview
            schema = base.model_json_schema(*args, **kwargs)
            if overview:  # strict mode wants every property required
                schema["required"] = list(schema["properties"])
            article = schema["properties"]["articles"]["items"]["properties"]
            _allow(article, doc=docs)
            _allow(article["findings"]["items"]["properties"], city=cities, dim=dims)
            return schema

    _Answer.__name__ = _Answer.__qualname__ = "BatchAnswer"
    return _Answer


class ExecSummaryAnswer(_Strict):
    """Answer to the ``exec_summary`` prompt: a few cross-city claims."""

    claims: list[ClaimOut]
