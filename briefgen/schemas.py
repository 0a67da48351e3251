"""Pydantic models of the structured answers models give back.

Every field is required and no model allows extra keys, so each one maps onto
an OpenAI "strict" JSON schema (all properties required, additionalProperties
false) and the same class validates replies from providers without strict mode.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


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


class SummaryAnswer(_Strict):
    """Answer to the ``summarize`` prompt for one article."""

    title_en: str = Field(description="The article title in English")
    claims: list[ClaimOut]
    facts: list[FactOut]


class CellAnswer(_Strict):
    """Answer for one city x dimension cell of the comparison table."""

    found: bool = Field(description="False when the excerpts say nothing on this dimension")
    zh: str
    en: str
    cites: list[str]


class ExecSummaryAnswer(_Strict):
    """Answer to the ``exec_summary`` prompt: a few cross-city claims."""

    claims: list[ClaimOut]
