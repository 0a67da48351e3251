"""The JSON Schema of ``brief.json`` (``briefgen schema``), from models that also validate it.

Why models: the schema editors' scripts rely on and the check of real output come
from one definition, so they cannot drift apart.  Items are strict (an undeclared
field in a claim, cell or fact fails the test that checks real output, which is
the reminder to document it here); ``settings``, ``usage`` and the documents'
ingest fields may grow without a schema change.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from briefgen.output.keys import SCHEMA_VERSION

StatusName = Literal["verified", "rejected", "not_found", "model_failed"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Review(_Strict):
    """An editor's decision applied to the item (see ``briefgen review``)."""

    status: Literal["approved", "rejected", "edited"]
    note: str = ""
    kind: Literal["fact"] | None = Field(None, description="set when a figure was rejected or failed an edit")
    original: dict[str, Any] | None = Field(None, description="the item before the decision, for re-rendering")


class _Keyed(_Strict):
    key: str = Field(description="stable across rebuilds while text and sources are unchanged")
    review: Review | None = None


class ClaimJson(_Keyed):
    zh: str
    en: str
    cites: list[str] = Field(description="excerpt IDs <doc-id>:p<N> that exist")
    status: StatusName
    unknown_cites: list[str] | None = Field(None, description="cited IDs that do not exist")
    reasons: list[str] | None = Field(None, description="why the claim failed verification")
    view: bool | None = Field(
        None,
        description="true on an article's claim that is someone's view or a question (业内人士认为, "
        "专家建议, a reporter's question), not the article's own statement; never a cell or key figure",
    )


class FactJson(_Keyed):
    value: str
    unit: str
    value_en: str
    what: str
    what_en: str
    year: int | None
    dimension: str
    is_target: bool
    kind: Literal["target", "forecast", "achieved", "provision"] | None = Field(
        None,
        description="what kind of figure: a plan's target, a forecast (预计, 有望, 达产后: neither "
        "reached nor a goal), achieved, or a provision (a policy's own term: subsidy cap, award, "
        "rate, fund size; never a target); absent in briefs written before it was added",
    )
    cites: list[str]
    as_written: str
    as_of: str | None


class CellJson(ClaimJson):
    city: str
    dimension: str


class SummaryLine(_Keyed):
    text: str
    cites: list[str]


class SourceQualityJson(_Strict):
    code: str = Field(description="company_supplied | repost_channel | no_source | undated | date_uncertain")
    zh: str
    en: str


class ArticleJson(_Strict):
    id: str
    title: str | None
    title_en: str | None
    date: str | None
    source: str | None
    cities: list[str]
    engine: str
    claims: list[ClaimJson]
    facts: list[FactJson]
    rejected: list[ClaimJson]
    error: str | None
    source_quality: list[SourceQualityJson] = Field(
        default_factory=list, description="what to weigh about the source (see data/source_quality.tsv)"
    )


class DimensionJson(_Strict):
    id: str
    zh: str
    en: str
    keywords: list[str]


class ComparisonJson(_Strict):
    cities: list[str]
    cities_en: dict[str, str]
    dimensions: list[DimensionJson]
    cells: list[CellJson]


class SummaryJson(_Strict):
    claims: list[ClaimJson]
    zh: list[SummaryLine]
    en: list[SummaryLine]
    rejected: list[ClaimJson]


class ExcerptJson(_Strict):
    doc: str
    text: str
    original: str | None = None


class RejectedItem(ClaimJson):
    kind: Literal["article", "cell", "summary"]
    doc: str | None = None
    city: str | None = None
    dimension: str | None = None


class VerificationJson(_Open):
    claims_verified: int
    claims_rejected: int
    cells_verified: int
    cells_rejected: int
    cells_not_found: int
    summary_verified: int
    summary_rejected: int
    rejected: list[RejectedItem]


class DocumentJson(_Open):
    id: str
    path: str
    title: str | None
    date: str | None
    source: str | None
    author: str | None
    cities: list[str]
    excerpts: list[dict[str, Any]] = Field(description="every excerpt: {id, text}")


class SkippedJson(_Open):
    path: str
    reason: str
    detail: str


class BriefJson(_Strict):
    """``OUT/brief.json``: everything one build produced."""

    schema_version: int = Field(description=f"{SCHEMA_VERSION} for this briefgen")
    documents: list[DocumentJson]
    articles: list[ArticleJson]
    comparison: ComparisonJson
    summary: SummaryJson
    excerpts: dict[str, ExcerptJson] = Field(description="every cited excerpt, by ID")
    verification: VerificationJson
    usage: dict[str, Any]
    settings: dict[str, Any]
    engine: Literal["model", "extractive"]
    generated: str
    warnings: list[str]
    skipped: list[SkippedJson]
    city_en: dict[str, str] = Field(description="English name of every city in the brief")
    model_failures: list[dict[str, Any]] | None = Field(
        None, description="parts no model call wrote: {part, doc, reason}"
    )


def brief_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of brief.json."""
    schema = BriefJson.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://briefgen/brief.schema.v{SCHEMA_VERSION}.json"
    return schema


def check_brief(data: dict[str, Any]) -> BriefJson:
    """Validate a brief.json dict against the schema (pydantic's ValidationError when it does not fit)."""
    return BriefJson.model_validate(data)
