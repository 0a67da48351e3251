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
    """A key figure written out by the model: answers to prompt version 2 and older (the
    current prompt lets the model pick code-found facts by ID instead)."""

    value: str = Field(description="The number exactly as written in the excerpt, e.g. 462.2")
    unit: str = Field(description="The unit as written in the excerpt, e.g. 亿元, 家, %")
    what: str = Field(description="What is measured, short Chinese label")
    what_en: str = Field(description="What is measured, short English label")
    year: int | None = Field(description="The year the figure refers to, or null")
    cites: list[str] = Field(description="IDs of the excerpts holding the figure")


class FindingOut(_Strict):
    """What the article says about one of its cities on one comparison dimension (answers to
    prompt version 2 and older; a point's ``dims`` do this job now)."""

    city: str = Field(description="The city, in Chinese, one of the article's cities")
    dim: str = Field(description="The dimension id from the prompt's list")
    zh: str = Field(description="A short statement in Chinese")
    en: str = Field(description="The same statement in English")
    cites: list[str] = Field(description="IDs of the excerpts it rests on")


class PointOut(ClaimOut):
    """A summary point that also says which comparison dimensions it speaks to (``dims``)
    and, in an article about several cities, for which city: a verified point then fills
    those cells too, so the model writes each statement once."""

    dims: list[str] = Field(default_factory=list, description="Dimension ids the point speaks to")
    city: str = Field(default="", description="The city it is about (articles of several cities)")


def _require_all(schema: dict[str, Any]) -> dict[str, Any]:
    """Strict mode wants every published property required (defaults only serve validation)."""
    schema["required"] = list(schema.get("properties", {}))
    return schema


def _without(schema: dict[str, Any], name: str) -> dict[str, Any]:
    schema["properties"].pop(name, None)
    return schema


def _publish_points(props: dict[str, Any], *, with_city: bool) -> None:
    """The published ``claims``, ``facts`` (IDs) and no ``findings``: a field asked for is a
    field paid for in completion tokens, so the schema shows only what the brief uses."""
    point = props["claims"]["items"]
    if not with_city:
        _without(point, "city")
    _require_all(point)
    props["facts"] = {"type": "array", "items": {"type": "string"}}
    props.pop("findings", None)


class SummaryAnswer(_Strict):
    """Answer to the ``summarize`` prompt for one article.

    ``facts`` are IDs of the code-found figures the prompt listed (``f3``): the model
    picks the key ones and writes none out.  Validation still takes written-out facts
    and ``findings`` (replies to prompt version 2, recordings made with it), which are
    checked as before; the published schema asks only for the new shape."""

    title_en: str = Field(description="The article title in English")
    claims: list[PointOut]
    facts: list[str | FactOut] = Field(default_factory=list)
    findings: list[FindingOut] = Field(default_factory=list)

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        schema = super().model_json_schema(*args, **kwargs)
        _publish_points(schema["properties"], with_city=True)
        return _require_all(schema)


def _allow(properties: dict[str, Any], **values: Sequence[str]) -> None:
    """Publish the allowed values of string fields as enums (an empty list leaves a field free)."""
    for name, allowed in values.items():
        if allowed and name in properties:
            properties[name] = {"type": "string", "enum": list(allowed)}


def _allow_points(props: dict[str, Any], cities: Sequence[str], dims: Sequence[str],
                  facts: Sequence[str]) -> None:  # fmt: skip
    """Enums for a point's ``city`` and ``dims`` and for the fact IDs; ``facts`` is not
    published when there is no candidate (an empty enum is no schema)."""
    point = props["claims"]["items"]["properties"]
    _allow(point, city=cities)
    if dims:
        point["dims"]["items"] = {"type": "string", "enum": list(dims)}
    if facts:
        props["facts"]["items"] = {"type": "string", "enum": list(facts)}
    else:
        props.pop("facts", None)


def summary_answer_for(
    cities: Sequence[str], dims: Sequence[str], facts: Sequence[str] = ()
) -> type[SummaryAnswer]:
    """``SummaryAnswer`` whose published schema lists the allowed ``city``, ``dims`` and
    fact-ID values (``city`` only for an article of several cities: with one it is known).

    With strict structured output the model can then only name one of the article's
    cities, a known dimension id and a listed fact.  Validation still accepts any
    string, so a provider without strict mode that answers "中山市" or "f99" loses that
    one item at verification (with a reason), not the whole answer.
    """
    return _summary_answer_for(tuple(cities), tuple(dims), tuple(facts))


@lru_cache(maxsize=512)
def _summary_answer_for(
    cities: tuple[str, ...], dims: tuple[str, ...], facts: tuple[str, ...]
) -> type[SummaryAnswer]:
    class _Answer(SummaryAnswer):
        @classmethod
        def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
            schema = super().model_json_schema(*args, **kwargs)
            props = schema["properties"]
            if len(cities) <= 1:  # the article's one city is known: not asked, not paid for
                _require_all(_without(props["claims"]["items"], "city"))
            _allow_points(props, cities, dims, facts)
            return _require_all(schema)

    # Same name as the base class: logs, recordings and benchmarks group calls by it.
    _Answer.__name__ = _Answer.__qualname__ = "SummaryAnswer"
    return _Answer


class ArticleOut(_Strict):
    """One article's part of a batch answer: ``doc`` is the label the prompt gave it (a1, a2)."""

    doc: str
    title_en: str
    claims: list[PointOut]
    facts: list[str | FactOut] = Field(default_factory=list)
    findings: list[FindingOut] = Field(default_factory=list)


class BatchAnswer(_Strict):
    """Answer to the ``summarize_batch`` prompt: several articles at once, and (when asked)
    an ``overview`` that compares them."""

    articles: list[ArticleOut]
    overview: list[ClaimOut] = Field(default_factory=list)


def batch_answer_for(
    docs: Sequence[str],
    cities: Sequence[str],
    dims: Sequence[str],
    *,
    overview: bool,
    facts: Sequence[str] = (),
    with_city: bool = True,
) -> type[BatchAnswer]:
    """``BatchAnswer`` whose published schema lists the allowed ``doc``, ``city``, ``dims``
    and fact-ID values, with or without the ``overview`` field (a field asked for is a
    field paid for) and a point's ``city`` (not when every article has one city)."""
    return _batch_answer_for(tuple(docs), tuple(cities), tuple(dims), overview, tuple(facts), with_city)


@lru_cache(maxsize=512)
def _batch_answer_for(
    docs: tuple[str, ...], cities: tuple[str, ...], dims: tuple[str, ...], overview: bool,
    facts: tuple[str, ...], with_city: bool,
) -> type[BatchAnswer]:  # fmt: skip
    class _Answer(BatchAnswer):
        @classmethod
        def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
            schema = BatchAnswer.model_json_schema(*args, **kwargs)
            if not overview:
                schema["properties"].pop("overview", None)
            _require_all(schema)
            article = schema["properties"]["articles"]["items"]
            props = article["properties"]
            _allow(props, doc=docs)
            _publish_points(props, with_city=with_city)
            _allow_points(props, cities, dims, facts)
            _require_all(article)
            return schema

    _Answer.__name__ = _Answer.__qualname__ = "BatchAnswer"
    return _Answer


class ExecSummaryAnswer(_Strict):
    """Answer to the ``exec_summary`` prompt: a few cross-city claims."""

    claims: list[ClaimOut]
