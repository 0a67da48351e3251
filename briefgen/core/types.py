"""Plain data types passed between the pipeline stages.

Each stage is a module that takes one of these and returns another, so the
flow folder -> load -> clean -> documents -> excerpts -> retrieval -> model ->
verification -> report -> templates stays visible in the code.  These are
dataclasses (cheap, picklable for process pools); pydantic is used only at the
boundaries (model answers, config, JSON output).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# --------------------------------------------------------------------- load


@dataclass(frozen=True)
class RawFile:
    """A file that was read and decoded, before any cleaning."""

    path: str  # path relative to the input folder, POSIX style
    kind: Literal["txt", "md", "html", "pdf", "docx"]
    text: str  # decoded text (for HTML: the raw markup)
    encoding: str  # e.g. "utf-8", "utf-8-sig", "gb18030", "utf-16", "big5", "binary-format"


@dataclass(frozen=True)
class Skipped:
    """An input file that was not used, and why (one of SKIP_REASONS)."""

    path: str
    reason: str  # short code, e.g. "empty", "binary", "unsupported type", ...
    detail: str = ""  # human-readable detail


SKIP_REASONS = (
    "empty",
    "binary",
    "unsupported type",
    "undecodable",
    "too large",
    "unreadable",
    "duplicate",
    "no article text",
)

# -------------------------------------------------------------------- clean


@dataclass
class Cleaned:
    """Output of cleaning one page: body lines plus what was taken out."""

    lines: list[str]  # body paragraphs, simplified Chinese, normalised
    original_lines: list[str]  # same paragraphs as written (traditional kept), same length
    title: str | None
    title_original: str | None
    meta_lines: list[str]  # date/source/author lines moved out of the body
    dropped: list[tuple[str, str]]  # (reason, line as written)
    warnings: list[str]
    # What the page says about itself outside the text (HTML <meta>/<title>, front matter,
    # the file's URL): read once while reading the page, so metadata never re-parses it.
    page_meta: dict[str, str | None] = field(default_factory=dict)


# ---------------------------------------------------------------- documents


@dataclass(frozen=True)
class Excerpt:
    """A citable paragraph (or part of one).  ID: ``<doc-id>:p<N>``, N from 1."""

    id: str
    doc_id: str
    n: int
    text: str  # simplified, cleaned: what the model sees and what verification checks
    original: str  # as written, for quotes
    tokens: int = 0


@dataclass
class Document:
    id: str  # slug of the file name, unique within a run
    path: str
    title: str | None
    date: str | None  # ISO YYYY-MM-DD or None
    source: str | None
    author: str | None
    cities: list[str]  # prefecture-level cities in simplified Chinese, most salient first
    text: str  # cleaned, simplified body ("\n" between paragraphs)
    excerpts: list[Excerpt]
    dropped: dict[str, int] = field(default_factory=dict)
    dropped_lines: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    title_original: str | None = None
    encoding: str = ""
    # Where each metadata field came from ("front-matter", "meta", "dateline", "text", "url", ...
    # or None when not found), so an editor can judge it; see corpus.metadata.
    provenance: dict[str, str | None] = field(default_factory=dict)
    date_confidence: str | None = None  # "high" | "medium" | "low", None without a date


@dataclass
class Corpus:
    """Result of ``ingest``: every input file is either a document or skipped."""

    documents: list[Document]
    skipped: list[Skipped]

    def excerpt_index(self) -> dict[str, Excerpt]:
        return {e.id: e for d in self.documents for e in d.excerpts}

    def document(self, doc_id: str) -> Document:
        for d in self.documents:
            if d.id == doc_id:
                return d
        raise KeyError(doc_id)


# ------------------------------------------------------------------ numbers


@dataclass(frozen=True)
class Quantity:
    """A number found in text, normalised so that two spellings compare equal.

    ``value`` is in base units: 462.2亿元 -> 4.622e10 with unit "CNY";
    44平方公里 / 44 km² -> 44.0 with unit "km2"; 15% -> 15.0 with unit "%".
    Ranges (3-5家) have low=3, high=5 and value=low.  ``unit`` is a canonical
    code ("CNY", "USD", "km2", "mu", "m2", "%", "家", "个", "人", "项", "" ...).
    """

    raw: str  # the text matched, e.g. "约44平方公里"
    value: float
    unit: str
    low: float | None = None
    high: float | None = None
    qualifier: str | None = None  # 约 / 超 / 近 / 不少于 / 以上 ...: "approx", "over", "nearly", "at least"
    start: int = 0
    end: int = 0
    number: str = ""  # the number as written without unit, e.g. "462.2", "3-5", "1/7"
    unit_raw: str = ""  # the unit as written, e.g. "亿元", "平方公里"


# -------------------------------------------------------------------- facts


@dataclass
class Fact:
    """A quantity with its sentence, year and dimension: one key-facts row."""

    value: str  # number as written: "462.2"
    unit: str  # unit as written: "亿元"
    what: str  # short label of what is measured (zh)
    what_en: str  # English label
    year: int | None
    dimension: str  # dimension id, e.g. "scale", "target"
    sentence: str
    cites: list[str]  # excerpt IDs
    value_en: str = ""  # e.g. "CNY 46.22 billion"
    is_target: bool = False
    # where ``year`` comes from: "explicit" (written next to the figure), "relative"
    # (去年/今年 against the article date), "context" (an earlier sentence or paragraph,
    # or the same figure elsewhere in the article), "date" (fallback: the article's
    # publication year; show it as "as of <as_of>"), "" (unknown or not set)
    year_source: str = ""
    as_of: str | None = None  # the article date (ISO) when year_source == "date"
    # where the figure starts in ``sentence`` (set by facts.py): tells it apart from the same
    # number written twice in one sentence (近1000家 … 超过1000家)
    at: int | None = None
    # what kind of figure it is: "target", "forecast", "achieved" or "provision"
    # (evidence.facts.FACT_KINDS); "" until read from the sentence (engines.factyears.kind_of),
    # kept so a brief re-read from brief.json, whose facts no longer hold their sentence, keeps it
    kind: str = ""


# ------------------------------------------------------------------- claims


# "model_failed": no model answer could be used (the call failed), so nothing was checked;
# never shown as "not_found", which says the sources were read and are silent.
Status = Literal["verified", "rejected", "not_found", "model_failed"]


@dataclass
class Claim:
    zh: str
    en: str
    cites: list[str]
    status: Status = "verified"
    reasons: list[str] = field(default_factory=list)


@dataclass
class Finding:
    """What one article says about one of its cities on one comparison dimension.

    The model engine asks for these in the article's summary call, checks each
    like a claim, and builds the comparison cells from the verified ones.
    """

    doc_id: str
    city: str
    dimension: str  # Dimension.id
    zh: str
    en: str
    cites: list[str]
    status: Status = "verified"
    reasons: list[str] = field(default_factory=list)


@dataclass
class ArticleSummary:
    doc_id: str
    title: str | None
    title_en: str | None
    date: str | None
    source: str | None
    cities: list[str]
    claims: list[Claim]  # verified claims only
    rejected: list[Claim]  # failed verification, with reasons
    facts: list[Fact]
    engine: Literal["model", "extractive"] = "extractive"
    error: str | None = None  # set when the model call failed
    findings: list[Finding] = field(default_factory=list)  # model engine: verified and rejected


@dataclass(frozen=True)
class Dimension:
    id: str
    zh: str
    en: str
    keywords: tuple[str, ...]  # retrieval query terms (zh)
    cues: tuple[str, ...] = ()  # extra words that tie a figure to it (the file's ``cues``)


@dataclass
class Cell:
    city: str
    dimension: str  # Dimension.id
    zh: str
    en: str
    cites: list[str]
    status: Status
    reasons: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    cities: list[str]
    dimensions: list[Dimension]
    cells: list[Cell]


@dataclass
class Usage:
    calls: int = 0
    cached: int = 0
    failed: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    skipped_for_budget: list[str] = field(default_factory=list)
