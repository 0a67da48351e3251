"""A local OpenAI-compatible chat server for benchmarks: counts tokens, sleeps, answers validly.

Why: token and timing numbers must come from a real HTTP exchange with the real client
(openai SDK under briefgen, langchain-openai under the map-reduce baseline), without a key,
a network or a bill.  The server

* is the tests' one fake model (``tests/fake_openai.py``: ``POST /v1/chat/completions``,
  ``GET /v1/models``, streaming, on 127.0.0.1, threaded) with benchmark answers on top;
* counts prompt tokens (message text + per-message overhead + the schema it was sent) and
  completion tokens with tiktoken, per request, and keeps start/end times and the largest
  number of requests in flight (``GET /stats``, ``POST /stats/reset``, or ``--stats-file``);
* takes ``latency + prompt/prefill_rate + completion/decode_rate`` seconds per call, like
  a remote model (``--prefill-rate 4000 --decode-rate 30`` for a hosted one);
* answers with a valid instance of whatever JSON schema the request carries
  (``response_format`` json_schema, ``tools`` function calling, or a schema written into the
  prompt), citing the labels the prompt's ``<data>`` block shows (``[p3] text`` excerpt lines
  of one article, ``c2|city|dim|text`` cell lines of the executive summary; full
  ``<doc>:p<N>`` IDs elsewhere), naming cities and dimensions from the schema's enums, quoting
  number-free clauses of the cited text so that verification passes, and with a plain-text
  summary of bounded length for free-text prompts (the map-reduce baseline);
* answers a batch of articles (``## a1`` sections in the data block, a schema whose items
  carry a ``doc`` enum) with one item per article, built from that article's own excerpts
  and cities only (bare ``p3`` cites), and an ``overview`` citing ``a1.p3`` labels;
* splits each prompt into fixed overhead (system prompt, glossary line, schema) and evidence
  (excerpt lines, cell lines), so the benchmarks can say where tokens go;
* stops by itself after ``max_seconds`` or ``max_requests``.

Run alone: ``python bench/server.py --port 8765 --latency 1 --max-seconds 600``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python bench/x.py` from a checkout: import briefgen from it
    sys.path.insert(1, str(ROOT))
if str(ROOT / "tests") not in sys.path:  # the one fake model lives with the tests
    sys.path.insert(1, str(ROOT / "tests"))

from fake_openai import FakeOpenAI, Reply, Seen, message_text  # noqa: E402 - after the path set-up

# ------------------------------------------------------------------ tokens


_ENCODING: Any = None
_ENC_LOCK = threading.Lock()

# Where tiktoken's own loader would fetch the shipped files from; the cache key is sha1(url).
_TIKTOKEN_URLS = {
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
}


def _offline_encoding() -> Any:
    """A tiktoken encoding from the files shipped in briefgen/data/tiktoken (no download)."""
    import tiktoken

    shipped = ROOT / "briefgen" / "data" / "tiktoken"
    for name in ("o200k_base", "cl100k_base"):
        src = shipped / f"{name}.tiktoken"
        if not src.is_file():
            continue
        cache = Path(tempfile.gettempdir()) / "briefgen-bench-tiktoken"
        cache.mkdir(parents=True, exist_ok=True)
        dst = cache / hashlib.sha1(_TIKTOKEN_URLS[name].encode()).hexdigest()
        if not dst.exists():
            shutil.copyfile(src, dst)
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(cache))
        if os.environ["TIKTOKEN_CACHE_DIR"] == str(cache):
            return tiktoken.get_encoding(name)
    return tiktoken.get_encoding("cl100k_base")


def token_ids(text: str) -> list[int]:
    """Token IDs of ``text`` (used to give LangChain an offline tokenizer)."""
    global _ENCODING
    with _ENC_LOCK:
        if _ENCODING is None:
            try:
                from briefgen.text.tokens import get_encoding
            except ImportError:
                _ENCODING = _offline_encoding()
            else:
                _ENCODING = get_encoding()
    return list(_ENCODING.encode(text, disallowed_special=()))


def count_tokens(text: str) -> int:
    """Tokens of ``text``: briefgen's own counter when present, so both sides agree."""
    try:
        from briefgen.text.tokens import count
    except ImportError:
        return len(token_ids(text))
    return int(count(text))


# ------------------------------------------------------------------- stats


@dataclass
class RequestRecord:
    """One answered request, as the stats endpoint reports it."""

    start: float
    end: float
    mode: str  # json_schema | tools | prompt_schema | json_object | text
    schema_name: str
    message_tokens: int
    schema_tokens: int
    prompt_tokens: int
    completion_tokens: int
    messages: int
    excerpt_tokens: int = 0  # tokens of the quoted excerpt texts (evidence) inside the messages
    excerpt_ids: list[str] = field(default_factory=list)  # labels: p3, a1.p3 (batch), doc:p3
    excerpt_keys: list[str] = field(default_factory=list)  # short hash of each excerpt's text
    cell_tokens: int = 0  # tokens of the cell texts in an executive-summary prompt
    system_tokens: int = 0  # tokens of the system messages (instructions + glossary)
    glossary_tokens: int = 0  # tokens of the glossary ("Terms: ...") lines


_SUMMED = (
    "prompt_tokens",
    "completion_tokens",
    "schema_tokens",
    "excerpt_tokens",
    "cell_tokens",
    "system_tokens",
    "glossary_tokens",
)


@dataclass
class Stats:
    """Thread-safe totals over the requests answered since the last reset.

    A record is added when its answer is decided, before the reply is sent (its ``end`` is
    when the reply will go out), so a client holding its answer always finds the record.
    The most requests in flight is the largest overlap of the records' [start, end].
    """

    records: list[RequestRecord] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, record: RequestRecord | None) -> None:
        with self.lock:
            if record is None:
                self.errors += 1
            else:
                self.records.append(record)

    def reset(self) -> None:
        with self.lock:
            self.records.clear()
            self.errors = 0

    @staticmethod
    def _max_overlap(recs: list[RequestRecord]) -> int:
        events = sorted([(r.start, 1) for r in recs] + [(r.end, -1) for r in recs])
        most = now = 0
        for _, step in events:
            now += step
            most = max(most, now)
        return most

    def snapshot(self, *, detail: bool = True) -> dict[str, Any]:
        with self.lock:
            recs = list(self.records)
            errors = self.errors
        out: dict[str, Any] = {
            "requests": len(recs),
            "errors": errors,
            "max_in_flight": self._max_overlap(recs),
            "prompt_tokens": sum(r.prompt_tokens for r in recs),
            "message_tokens": sum(r.message_tokens for r in recs),
            "by_mode": {},
            "by_schema": {},
        }
        for k in _SUMMED:
            out[k] = sum(getattr(r, k) for r in recs)
        for r in recs:
            for key, name in (("by_mode", r.mode), ("by_schema", r.schema_name)):
                slot = out[key].setdefault(name, dict.fromkeys(("requests", *_SUMMED), 0))
                slot["requests"] += 1
                for k in _SUMMED:
                    slot[k] += getattr(r, k)
        if recs:
            out["first_start"] = min(r.start for r in recs)
            out["last_end"] = max(r.end for r in recs)
        if detail:
            out["records"] = [asdict(r) for r in recs]
        return out


# ------------------------------------------------------- valid fake answers

EXCERPT_ID = re.compile(r"(?<![\w\-.])([A-Za-z0-9\u4e00-\u9fff][\w\-.\u4e00-\u9fff]*:p\d+)(?![\w])")
# How briefgen quotes evidence: a <data> block with "[p3] text" excerpt lines (one article) or
# "c2|city|dimension|text" cell lines (executive summary); older prompts used <excerpt id=...>.
DATA_BLOCK = re.compile(r"<data>(.*?)</data>", re.S)
# A batch of articles: the data block holds one "## a1" section per article, each with a
# "cities: 中山市、佛山市" metadata line and its own "[p3] text" lines.
SECTION_HEAD = re.compile(r"^## (a\d+)[ \t]*$", re.M)
CITIES_LINE = re.compile(r"^(?:.*;\s*)?cities:\s*(.*)$", re.M)
LABEL_LINE = re.compile(r"^\[(p\d+|[^\]\s]+:p\d+)\] (.*)$", re.M)
CELL_LINE = re.compile(r"^(c\d+)\|([^|\n]*)\|([^|\n]*)\|(.*)$", re.M)
EXCERPT_BLOCK = re.compile(r'<excerpt id="([^"]+:p\d+)">(.*?)</excerpt>', re.S)
GLOSSARY_LINE = re.compile(r"^Terms: .*$", re.M)
_CITE_NAME = re.compile(r"cite|citation|source_id|excerpt_id|evidence|^ids?$|_ids$", re.I)
_EN_NAME = re.compile(r"(^|_)en(_|$)|english", re.I)
_VALUE_NAME = re.compile(r"^(value|number|amount)$", re.I)
_UNIT_NAME = re.compile(r"^unit$", re.I)
_FIGURE = re.compile(
    r"(\d+(?:\.\d+)?)\s*(%|亿元|万元|元|亿|万|平方公里|平方米|亩|家|个|项|人|名|所|倍)?"
)
_NUMBERISH = re.compile(r"[0-9０-９〇零一二三四五六七八九十百千万亿两%％]")
FINDINGS_PER_CITY = 3  # dimensions a fake answer reports per city of an article
_CLAUSE = re.compile(r"[^，。；！？、,;:：\n（）()“”\"《》<>]+")
# Tokens of a fake Chinese statement, about: the authored and recorded answers in
# tests/responses average 16.5 tokens per Chinese claim or finding (46) and 5.8 per fact
# label (``what``, 10).
ZH_TOKENS = 16
LABEL_TOKENS = 6


def _plain(text: str) -> bool:
    """No number (the verifier checks every figure) and no line or field break."""
    return not _NUMBERISH.search(text) and ":" not in text and "：" not in text and "\n" not in text


TITLE_LINE = re.compile(r"^title:[ \t]*(.*)$", re.M)
# English tokens per Chinese token of the same statement: the authored and recorded answers
# in tests/responses (56 zh/en pairs: claims, findings, fact labels) have 885 English tokens
# for 819 Chinese ones (o200k), i.e. 1.08; a fake English string is that long.
EN_PER_ZH = 1.08
# Plain words that read as a policy statement: one token each, no digits, nothing that reads
# as an instruction to a model, so the English passes briefgen's checks like the Chinese.
_EN_WORDS = (
    "the city plans to expand its industrial cluster and support local enterprises with new "
    "policy measures for research platforms talent funding land use and market access while "
    "the provincial government backs major projects in the park"
).split()


def english_for(zh: str) -> str:
    """A fake English rendering of ``zh`` as long as a translation would be: EN_PER_ZH
    tokens per Chinese token (at least three), words from a fixed list, starting at a place
    chosen by the text so that different statements read differently.  Deterministic."""
    want = max(3, round(EN_PER_ZH * count_tokens(zh)))
    start = int(hashlib.sha1(zh.encode("utf-8")).hexdigest()[:6], 16) % len(_EN_WORDS)
    words = [_EN_WORDS[(start + i) % len(_EN_WORDS)] for i in range(want)]
    while count_tokens(" ".join(words) + ".") < want:  # a word merged with the full stop
        words.append(_EN_WORDS[(start + len(words)) % len(_EN_WORDS)])
    while len(words) > 1 and count_tokens(" ".join(words) + ".") > want:
        words.pop()
    text = " ".join(words)
    return text[:1].upper() + text[1:] + "."
_ASKED_COUNT = re.compile(r"\b([a-z_]+): (?:up to |at most )?(?:\d+\s*[-–]\s*)?(\d+)\b")


def asked_counts(prompt: str) -> dict[str, int]:
    """Most items the prompt asks for per field: "claims: 3-8" -> 8, "facts: up to 8" -> 8."""
    return {m.group(1): int(m.group(2)) for m in _ASKED_COUNT.finditer(prompt)}


@dataclass
class Section:
    """One article of a batch prompt: its label (a1), excerpt lines and cities."""

    key: str
    excerpts: list[tuple[str, str]]  # (label as shown, p3; text)
    cities: list[str]
    title: str = ""


@dataclass
class Evidence:
    """What a prompt shows as evidence: labelled excerpt lines and labelled cell lines."""

    excerpts: list[tuple[str, str]]  # (label, text); a1.p3 for an article of a batch
    cells: list[tuple[str, str]]  # (label, text)


def _cities(text: str) -> list[str]:
    m = CITIES_LINE.search(text)
    if m is None:
        return []
    return [
        c.strip() for c in re.split(r"[、,，]", m.group(1)) if c.strip() and c.strip() != "(none)"
    ]


def find_sections(prompt: str) -> list[Section]:
    """The articles of a batch prompt (``## a1`` sections of its data block); [] otherwise."""
    sections: list[Section] = []
    for block in DATA_BLOCK.findall(prompt):
        heads = list(SECTION_HEAD.finditer(block))
        for i, head in enumerate(heads):
            end = heads[i + 1].start() if i + 1 < len(heads) else len(block)
            body = block[head.end() : end]
            lines = [(m.group(1), m.group(2)) for m in LABEL_LINE.finditer(body)]
            title = TITLE_LINE.search(body)
            sections.append(
                Section(head.group(1), lines, _cities(body), title.group(1).strip() if title else "")
            )
    return sections


def find_evidence(prompt: str) -> Evidence:
    """The excerpt and cell lines of the prompt's ``<data>`` blocks (or ``<excerpt>`` tags).

    In a batch prompt each excerpt is labelled with its article (``a2.p3``): the bare
    paragraph labels repeat from one article to the next."""
    excerpts: list[tuple[str, str]] = []
    cells: list[tuple[str, str]] = []
    for block in DATA_BLOCK.findall(prompt):
        sections = find_sections(f"<data>{block}</data>")
        if sections:
            excerpts += [(f"{s.key}.{lab}", text) for s in sections for lab, text in s.excerpts]
        else:
            excerpts += [(m.group(1), m.group(2)) for m in LABEL_LINE.finditer(block)]
        cells += [(m.group(1), m.group(4)) for m in CELL_LINE.finditer(block)]
    excerpts += [(m.group(1), m.group(2)) for m in EXCERPT_BLOCK.finditer(prompt)]
    return Evidence(excerpts, cells)


@dataclass
class PromptContext:
    """What an answer may draw on: the citable labels in the prompt and their text."""

    ids: list[str]
    texts: dict[str, str]
    cursor: int = 0
    current: str | None = None
    city: str | None = None  # the city the object being built speaks for
    cities: list[str] = field(default_factory=list)  # every city the schema allows
    fixed: dict[str, Any] = field(default_factory=dict)  # field values set by the caller
    want_figure: bool = False  # the object being built quotes a figure (a key fact)
    sections: dict[str, Section] = field(default_factory=dict)  # a batch prompt's articles
    section: str | None = None  # the article (a1) whose item is being built
    # fill mode: as many items per array as the prompt asks for at most ("claims: 3-8",
    # "facts: up to 8"), and every dimension per city, like a diligent model
    counts: dict[str, int] = field(default_factory=dict)
    fill: bool = False
    title: str = ""  # the article's title line (a batch: the current article's)

    @classmethod
    def from_text(cls, prompt: str) -> PromptContext:
        found = find_evidence(prompt)
        labelled = found.excerpts + found.cells
        if labelled:  # the data block's own labels: p3 (one article), a1.p3 (batch), c2 (cells)
            texts: dict[str, str] = {}
            for label, text in labelled:
                texts.setdefault(label, text)
            sections = {s.key: s for s in find_sections(prompt)}
            title = TITLE_LINE.search(prompt)
            return cls(ids=list(texts), texts=texts, sections=sections,
                       title=title.group(1).strip() if title else "")
        hits = list(EXCERPT_ID.finditer(prompt))
        # IDs given as data (id="..." or [id]) win over IDs quoted as examples in instructions.
        tagged = [
            m for m in hits if prompt[max(0, m.start() - 4) : m.start()].endswith(('id="', "["))
        ]
        hits = tagged or hits
        ids: list[str] = []
        texts = {}
        for i, m in enumerate(hits):
            end = hits[i + 1].start() if i + 1 < len(hits) else min(len(prompt), m.end() + 600)
            eid = m.group(1)
            if eid not in texts:
                ids.append(eid)
                texts[eid] = prompt[m.end() : end]
        return cls(ids=ids, texts=texts)

    def _score(self, eid: str) -> tuple[int, bool]:
        return self._speaks_for_city(eid), not self.want_figure or self._figure_in(eid) is not None

    def _figure_in(self, eid: str) -> tuple[str, str] | None:
        source = self.texts.get(eid, "")
        for m in _FIGURE.finditer(source):
            if m.group(2) != "年" and not (
                len(m.group(1)) == 4 and source[m.end(1) : m.end(1) + 1] == "年"
            ):
                return m.group(1), m.group(2) or ""
        return None

    def _speaks_for_city(self, eid: str) -> int:
        """2 if the text names the current city, 1 if it names no other city, else 0."""
        if self.city is None:
            return 2
        text = self.texts.get(eid, "")
        if any(n and n in text for n in _city_names(self.city)):
            return 2
        others = [c for c in self.cities if c != self.city]
        return 0 if any(n and n in text for o in others for n in _city_names(o)) else 1

    def enter_section(self, key: str) -> tuple[Any, ...]:
        """Build an article's item of a batch from that article alone: its bare labels (p3),
        its texts and its cities.  Returns what ``leave_section`` restores."""
        saved = (self.ids, self.texts, self.cursor, self.current, self.cities, self.section,
                 self.title)
        sec = self.sections.get(key, Section(key, [], []))
        self.texts = {}
        for label, text in sec.excerpts:
            self.texts.setdefault(label, text)
        self.ids, self.cursor, self.current = list(self.texts), 0, None
        self.cities, self.section, self.title = list(sec.cities), key, sec.title
        return saved

    def leave_section(self, saved: tuple[Any, ...]) -> None:
        (self.ids, self.texts, self.cursor, self.current, self.cities, self.section,
         self.title) = saved

    def en_text(self, name: str) -> str:
        """English as long as a translation of what the sibling Chinese field says (the
        quoted text, a fact label for ``what_en``; for ``title_en`` the article's title)."""
        if name.startswith("title") and self.title:
            return english_for(self.title)
        return english_for(self.zh_text(LABEL_TOKENS if name == "what_en" else ZH_TOKENS))

    def take_id(self) -> str | None:
        if not self.ids:
            return None
        n = len(self.ids)
        order = [self.ids[(self.cursor + k) % n] for k in range(n)]
        eid = max(order, key=self._score)  # the first of the best (max keeps the first)
        self.cursor = (self.ids.index(eid) + 1) % n
        self.current = eid
        return eid

    def figure(self) -> tuple[str, str]:
        """The first figure (number, unit as written) in the current excerpt that is not a year."""
        return self._figure_in(self.current or "") or ("1", "")

    def zh_text(self, tokens: int = ZH_TOKENS) -> str:
        """Text quoted from the current excerpt without any number, so it verifies: the first
        number-free clause, continued through the number-free clauses after it while it is
        shorter than ``tokens`` (an authored statement's length) and stays under 1.5 times
        that."""
        source = self.texts.get(self.current or "", "")
        pieces = [(m.start(), m.end()) for m in _CLAUSE.finditer(source)]
        for i, (start, end) in enumerate(pieces):
            clause = source[start:end].strip(" \t*-_>[]")
            if not (6 <= len(clause) <= 60) or not _plain(clause):
                continue
            start = source.index(clause, start)
            end = start + len(clause)
            for _, nxt_end in pieces[i + 1 :]:
                longer = source[start:nxt_end].rstrip(" \t*-_>[]")
                if count_tokens(source[start:end]) >= tokens or not _plain(longer):
                    break
                if count_tokens(longer) > tokens * 3 // 2:
                    break
                end = start + len(longer)
            return source[start:end]
        return "来源摘录所述要点"


def _city_names(city: str) -> tuple[str, ...]:
    return (city, city.removesuffix("市")) if city.endswith("市") else (city,)


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 20:
        ref = str(schema["$ref"])
        node: Any = root
        for part in ref.lstrip("#/").split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        schema = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
        seen += 1
    return schema


def fake_instance(
    schema: dict[str, Any],
    ctx: PromptContext,
    *,
    root: dict[str, Any] | None = None,
    name: str = "",
    depth: int = 0,
) -> Any:
    """A small instance that validates against ``schema`` (the subset pydantic/OpenAI emit)."""
    root = root if root is not None else schema
    schema = _resolve(schema, root)
    if depth > 12:
        return None
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [_resolve(o, root) for o in schema[key]]
            usable = [o for o in options if o.get("type") != "null"] or options
            if len(usable) < len(options) and "year" in name.lower():
                return None  # an unknown year is honest; a made-up one fails verification
            return fake_instance(usable[0], ctx, root=root, name=name, depth=depth + 1)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(_resolve(part, root))
        return fake_instance(merged, ctx, root=root, name=name, depth=depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        if "null" in kind and "year" in name.lower():
            return None  # an unknown year is honest; a made-up one fails verification
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "array" if "items" in schema else "string"
    if kind == "object":
        return _fake_object(schema, ctx, root, depth)
    if kind == "array":
        return _fake_array(schema, ctx, root, name, depth)
    if kind == "string":
        return _fake_string(schema, ctx, name)
    if kind == "integer":
        low = schema.get(
            "minimum",
            schema.get("exclusiveMinimum", 0) + 1 if "exclusiveMinimum" in schema else None,
        )
        value: int = 2024 if "year" in name.lower() else 1
        if low is not None:
            value = max(value, int(low))
        if "maximum" in schema:
            value = min(value, int(schema["maximum"]))
        return value
    if kind == "number":
        number = float(schema.get("minimum", 1.0))
        return min(number, float(schema["maximum"])) if "maximum" in schema else number
    if kind == "boolean":
        return True
    return None


def _fake_object(
    schema: dict[str, Any], ctx: PromptContext, root: dict[str, Any], depth: int
) -> Any:
    props: dict[str, Any] = schema.get("properties", {})
    saved, fixed, want = ctx.current, ctx.fixed, ctx.want_figure
    ctx.fixed = {}
    ctx.want_figure = any(_VALUE_NAME.search(k) for k in props)
    values = {k: fixed[k] for k in props if k in fixed}
    # Cite first, so that sibling text fields quote the excerpt they cite.
    order = sorted((k for k in props if k not in values), key=lambda k: not _CITE_NAME.search(k))
    for k in order:
        values[k] = fake_instance(props[k], ctx, root=root, name=k, depth=depth + 1)
    ctx.current, ctx.want_figure = saved, want
    return {k: values[k] for k in props}


def _enum(schema: dict[str, Any], root: dict[str, Any]) -> list[Any]:
    return list(_resolve(schema, root).get("enum") or [])


def _fake_findings(
    item: dict[str, Any], ctx: PromptContext, root: dict[str, Any], depth: int
) -> list[Any]:
    """Items naming a city and a dimension from the schema's enums: a few dimensions per city,
    each citing an excerpt that speaks for that city (as briefgen's check requires)."""
    props = item.get("properties", {})
    cities, dims = _enum(props["city"], root), _enum(props["dim"], root)
    saved = ctx.cities
    if ctx.section is not None:  # an article of a batch: only its own cities (all batch's in enum)
        cities = [c for c in cities if str(c) in ctx.cities]
    else:
        ctx.cities = [str(c) for c in cities]
    out: list[Any] = []
    per_city = len(dims) if ctx.fill else min(FINDINGS_PER_CITY, len(dims))
    for i, city in enumerate(cities):
        for k in range(per_city):
            ctx.city = str(city)
            ctx.fixed = {"city": city, "dim": dims[(i + k) % len(dims)]}
            out.append(_fake_object(item, ctx, root, depth + 1))
    ctx.city, ctx.cities = None, saved
    return out


def _fake_points(
    item: dict[str, Any], ctx: PromptContext, root: dict[str, Any], depth: int, n: int
) -> list[Any]:
    """Summary points tagged with the dimensions they speak to (a ``dims`` enum array) and,
    where the schema asks, a city (``city`` enum): the article's cities and the dimensions
    in turn, one dimension a point, each citing an excerpt that speaks for its city."""
    props = item.get("properties", {})
    dims = _enum(props["dims"].get("items", {}), root)
    cities = _enum(props["city"], root) if "city" in props else []
    saved = ctx.cities
    if ctx.section is not None:  # an article of a batch: only its own cities
        cities = [c for c in cities if str(c) in ctx.cities] or cities[:1]
    elif cities:
        ctx.cities = [str(c) for c in cities]
    out: list[Any] = []
    for i in range(n):
        city = cities[i % len(cities)] if cities else None
        ctx.city = str(city) if city is not None else None
        ctx.fixed = {"dims": [dims[i % len(dims)]] if dims else []}
        if city is not None:
            ctx.fixed["city"] = city
        out.append(_fake_object(item, ctx, root, depth + 1))
    ctx.city, ctx.cities = None, saved
    return out


def _fake_articles(
    item: dict[str, Any], ctx: PromptContext, root: dict[str, Any], depth: int
) -> list[Any]:
    """One item per article of a batch (the ``doc`` enum: a1, a2, ...), each built from that
    article's section only, so its bare cites (p3) are labels of that article."""
    out: list[Any] = []
    for key in _enum(item["properties"]["doc"], root):
        saved = ctx.enter_section(str(key))
        ctx.fixed = {"doc": key}
        out.append(_fake_object(item, ctx, root, depth + 1))
        ctx.leave_section(saved)
    return out


OVERVIEW_ITEMS = 3  # at most this many cross-article items (one article's excerpt each)


def _fake_overview(
    item: dict[str, Any], ctx: PromptContext, root: dict[str, Any], depth: int
) -> list[Any]:
    """Cross-article items of a batch (the overview): each cites ``a1.p3`` labels of one
    article, taking the articles in turn."""
    out: list[Any] = []
    wanted = ctx.counts.get("overview", OVERVIEW_ITEMS) if ctx.fill else OVERVIEW_ITEMS
    keys = list(ctx.sections)
    for key in (keys * wanted)[:wanted]:
        ids = [i for i in ctx.ids if i.startswith(f"{key}.")]
        if not ids:
            continue
        ctx.cursor = ctx.ids.index(ids[0])
        out.append(_fake_object(item, ctx, root, depth + 1))
    return out


def _fake_array(
    schema: dict[str, Any], ctx: PromptContext, root: dict[str, Any], name: str, depth: int
) -> Any:
    items = schema.get("items", {})
    if isinstance(items, dict):
        item = _resolve(items, root)
        props = item.get("properties", {})
        if (
            "city" in props
            and "dim" in props
            and _enum(props["city"], root)
            and _enum(props["dim"], root)
        ):
            return _fake_findings(item, ctx, root, depth)
        if ctx.sections and ctx.section is None:
            if "doc" in props and _enum(props["doc"], root):
                return _fake_articles(item, ctx, root, depth)
            if any(_CITE_NAME.search(k) for k in props):
                return _fake_overview(item, ctx, root, depth)
    n = max(int(schema.get("minItems", 0)), 1)
    if ctx.fill and name in ctx.counts:
        n = max(n, ctx.counts[name])
    if "maxItems" in schema:
        n = min(n, int(schema["maxItems"]))
    if isinstance(items, list):  # tuple form
        return [fake_instance(i, ctx, root=root, name=name, depth=depth + 1) for i in items]
    point = _resolve(items, root) if isinstance(items, dict) else {}
    if "dims" in point.get("properties", {}) and "zh" in point["properties"]:
        return _fake_points(point, ctx, root, depth, n)
    choices = _enum(items, root) if isinstance(items, dict) else []
    if choices:  # IDs to pick (fact IDs f1, f2 ...): distinct ones, as a model would
        return choices[: min(n, len(choices))]
    return [fake_instance(items, ctx, root=root, name=name, depth=depth + 1) for _ in range(n)]


def _fake_string(schema: dict[str, Any], ctx: PromptContext, name: str) -> str:
    fmt = schema.get("format")
    if fmt == "date":
        return "2024-01-01"
    if fmt == "date-time":
        return "2024-01-01T00:00:00Z"
    if _CITE_NAME.search(name):
        text = ctx.take_id() or "none:p1"
    elif _EN_NAME.search(name):
        text = ctx.en_text(name)
    elif _VALUE_NAME.search(name):
        text = ctx.figure()[0]
    elif _UNIT_NAME.search(name):
        text = ctx.figure()[1]
    else:
        text = ctx.zh_text(LABEL_TOKENS if name == "what" else ZH_TOKENS)
    lo, hi = int(schema.get("minLength", 0)), schema.get("maxLength")
    if len(text) < lo:
        text = text + "。" * (lo - len(text))
    if hi is not None:
        text = text[: int(hi)]
    return text


def find_schema_in_text(text: str) -> dict[str, Any] | None:
    """The largest JSON object in a prompt that looks like a JSON schema."""
    decoder = json.JSONDecoder()
    best: dict[str, Any] | None = None
    best_len = 0
    for m in re.finditer(r"\{", text):
        if best is not None and m.start() < best_len:
            continue
        try:
            obj, end = decoder.raw_decode(text, m.start())
        except ValueError:
            continue
        if isinstance(obj, dict) and ("properties" in obj or obj.get("type") == "object"):
            if end - m.start() > best_len:
                best, best_len = obj, end - m.start()
    return best


def plain_summary(prompt: str, max_tokens: int) -> str:
    """A deterministic 'summary' for free-text prompts: the start of the quoted text, bounded."""
    quoted = re.findall(r'"([^"]{20,})"', prompt, flags=re.S)
    source = max(quoted, key=len) if quoted else prompt
    source = re.sub(r"\s+", " ", source).strip()
    ids = token_ids(source)[:max_tokens]
    return str(_ENCODING.decode(ids)) if ids else "Summary."


# ---------------------------------------------------------------- answering


@dataclass
class Answer:
    """What the bench decided to answer, before it goes on the wire."""

    content: str | None
    tool_call: tuple[str, str] | None  # (function name, arguments JSON)
    mode: str
    schema_name: str
    schema_tokens: int


def answer(body: dict[str, Any], *, summary_tokens: int, fill: bool = False) -> Answer:
    """Decide what kind of answer the request wants and produce a valid one (``fill``: as
    long as the prompt allows, see ``PromptContext.fill``)."""
    messages = body.get("messages") or []
    prompt = message_text(messages)
    ctx = PromptContext.from_text(prompt)
    if fill:
        ctx.fill, ctx.counts = True, asked_counts(prompt)
    fmt = body.get("response_format") or {}
    tools = body.get("tools") or []
    if fmt.get("type") == "json_schema":
        spec = fmt.get("json_schema") or {}
        schema = spec.get("schema") or {}
        return Answer(
            json.dumps(fake_instance(schema, ctx), ensure_ascii=False),
            None,
            "json_schema",
            str(spec.get("name", "")),
            count_tokens(_wire(schema)),
        )
    if tools:
        fn = tools[0].get("function", {})
        choice = body.get("tool_choice")
        if isinstance(choice, dict):
            wanted = choice.get("function", {}).get("name")
            fn = next(
                (t["function"] for t in tools if t.get("function", {}).get("name") == wanted), fn
            )
        schema = fn.get("parameters") or {}
        args = json.dumps(fake_instance(schema, ctx), ensure_ascii=False)
        return Answer(
            None,
            (str(fn.get("name", "answer")), args),
            "tools",
            str(fn.get("name", "")),
            count_tokens(_wire(tools)),
        )
    schema_in_prompt = find_schema_in_text(prompt)
    if schema_in_prompt is not None:
        name = str(schema_in_prompt.get("title", "prompt_schema"))
        return Answer(
            json.dumps(fake_instance(schema_in_prompt, ctx), ensure_ascii=False),
            None,
            "prompt_schema",
            name,
            0,
        )
    if fmt.get("type") == "json_object":
        return Answer(
            json.dumps({"summary": ctx.zh_text()}, ensure_ascii=False), None, "json_object", "", 0
        )
    limit = min(
        summary_tokens,
        int(body.get("max_tokens") or body.get("max_completion_tokens") or summary_tokens),
    )
    return Answer(plain_summary(prompt, limit), None, "text", "", 0)


def _wire(value: Any) -> str:
    """JSON as the openai SDK sends it (httpx: compact separators, UTF-8 kept): the schema is
    counted as the text on the wire.  Providers bill it in their own rendering."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def excerpt_key(text: str) -> str:
    """A short key for an excerpt's text: the same excerpt sent twice has the same key, and an
    excerpt as ingest keeps it has the key of the line briefgen sends (whitespace collapsed,
    ``<``/``>`` sent as full-width ``＜``/``＞`` so that no excerpt can close the data block)."""
    text = text.replace("＜", "<").replace("＞", ">")
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


# The structured answers briefgen asks for, by the schema name sent with the request.
SCHEMAS = ("SummaryAnswer", "BatchAnswer", "ExecSummaryAnswer")


def calls_by_schema(by_schema: dict[str, int]) -> str:
    """``"1 / 11 / 1"``: calls per schema of ``SCHEMAS`` (and ``+ N other`` for any other)."""
    text = " / ".join(str(by_schema.get(k, 0)) for k in SCHEMAS)
    other = sum(n for k, n in by_schema.items() if k not in SCHEMAS)
    return f"{text} + {other} other" if other else text


def _prompt_tokens(messages: list[dict[str, Any]]) -> int:
    # OpenAI's documented chat overhead: about 3 tokens per message plus 3 for the reply primer.
    return sum(count_tokens(message_text([m])) + 3 for m in messages) + 3


class BenchServer:
    """The benchmark server (a ``fake_openai.FakeOpenAI`` in a background thread, answering
    with ``answer``); use as a context manager.

    Each call takes ``latency + prompt_tokens / prefill_rate + completion_tokens /
    decode_rate`` seconds (a rate of 0 adds nothing), like a remote model: prefill
    4,000 tokens/s and decode 30 or 60 tokens/s are realistic for a hosted model.
    """

    def __init__(
        self,
        *,
        latency: float = 0.0,
        prefill_rate: float = 0.0,
        decode_rate: float = 0.0,
        port: int = 0,
        max_seconds: float = 3600.0,
        max_requests: int = 100_000,
        summary_tokens: int = 150,
        stats_file: Path | None = None,
        fill: bool = False,
    ) -> None:
        self.latency = latency
        self.fill = fill
        self.prefill_rate = prefill_rate
        self.decode_rate = decode_rate
        self.max_requests = max_requests
        self.summary_tokens = summary_tokens
        self.stats_file = stats_file
        self.stats = Stats()
        self._served = 0
        self._served_lock = threading.Lock()
        self._fake = FakeOpenAI(self._answer, port=port, routes={
            "GET /stats": lambda _b, path: (200, self.stats.snapshot(detail="detail=0" not in path)),
            "POST /stats/reset": lambda _b, _p: (200, self._reset()),
        })
        self._deadline = threading.Timer(max_seconds, self.stop)
        self._deadline.daemon = True
        self._stopped = threading.Event()

    @property
    def port(self) -> int:
        return self._fake.port

    @property
    def base_url(self) -> str:
        return self._fake.url

    def delay(self, prompt_tokens: int, completion_tokens: int) -> tuple[float, float]:
        """(seconds before the first token, seconds writing the answer) under the latency
        model; a streamed reply arrives in pieces over the second part."""
        start = self.latency + (prompt_tokens / self.prefill_rate if self.prefill_rate > 0 else 0.0)
        write = completion_tokens / self.decode_rate if self.decode_rate > 0 else 0.0
        return start, write

    def start(self) -> BenchServer:
        # Load the tokenizer now: loading it in the first request (0.6 s) made the first
        # wave of calls late, on top of the latency model.
        count_tokens("预热 warm-up")
        token_ids("warm-up")
        self._fake.start()
        self._deadline.start()
        return self

    def stop(self) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        self._deadline.cancel()
        self._fake.stop()
        self._write_stats()

    def wait(self) -> None:
        """Block until the server stops (deadline, request cap or Ctrl-C)."""
        try:
            while not self._stopped.wait(0.5):
                pass
        except KeyboardInterrupt:
            self.stop()

    def __enter__(self) -> BenchServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _reset(self) -> dict[str, bool]:
        self.stats.reset()
        return {"ok": True}

    def _write_stats(self) -> None:
        if self.stats_file is not None:
            self.stats_file.write_text(
                json.dumps(self.stats.snapshot(), indent=1), encoding="utf-8"
            )

    def _answer(self, seen: Seen) -> Reply:
        with self._served_lock:
            self._served += 1
            served = self._served
        if served > self.max_requests:
            threading.Thread(target=self.stop, daemon=True).start()
            return Reply(status=503, error="bench server request cap reached")
        try:
            made = answer(seen.body, summary_tokens=self.summary_tokens, fill=self.fill)
            record = self._record(seen, made)
        except Exception as exc:  # a bad request must not kill the benchmark run
            self.stats.add(None)
            return Reply(status=400, error=f"bench server: {exc}")
        start, write = self.delay(record.prompt_tokens, record.completion_tokens)
        record.end = time.time() + start + write
        self.stats.add(record)  # before the reply is sent (the client may read stats at once)
        usage = {
            "prompt_tokens": record.prompt_tokens,
            "completion_tokens": record.completion_tokens,
            "total_tokens": record.prompt_tokens + record.completion_tokens,
        }
        return Reply(made.content or "", usage=usage, delay=start, stream_seconds=write,
                     tool_call=made.tool_call)

    def _record(self, seen: Seen, made: Answer) -> RequestRecord:
        messages = seen.messages
        out_text = made.content if made.content is not None else (made.tool_call or ("", ""))[1]
        message_tokens = _prompt_tokens(messages)
        found = find_evidence(seen.text)
        system = message_text([m for m in messages if m.get("role") == "system"])
        return RequestRecord(
            start=seen.at,
            end=time.time(),
            mode=made.mode,
            schema_name=made.schema_name,
            message_tokens=message_tokens,
            schema_tokens=made.schema_tokens,
            prompt_tokens=message_tokens + made.schema_tokens,
            completion_tokens=count_tokens(out_text),
            messages=len(messages),
            excerpt_tokens=sum(count_tokens(t) for _, t in found.excerpts),
            excerpt_ids=[label for label, _ in found.excerpts],
            excerpt_keys=[excerpt_key(t) for _, t in found.excerpts],
            cell_tokens=sum(count_tokens(t) for _, t in found.cells),
            system_tokens=count_tokens(system) if system else 0,
            glossary_tokens=sum(count_tokens(g) for g in GLOSSARY_LINE.findall(system)),
        )


# ---------------------------------------------------------------- helpers


def fetch_stats(base_url: str, *, detail: bool = True) -> dict[str, Any]:
    """Stats of a server running in another process (127.0.0.1 only)."""
    import urllib.request

    url = base_url.rstrip("/") + "/stats" + ("" if detail else "?detail=0")
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("benchmark traffic goes to 127.0.0.1 only")
    with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 - loopback only
        return dict(json.loads(resp.read()))


@dataclass
class BuildRun:
    """One ``briefgen build`` run against a bench server, as the benchmarks record it."""

    returncode: int
    wall: float  # seconds, whole command (process start to exit)
    stats: dict[str, Any]  # server stats for this run only
    stdout: str
    stderr: str
    started: float = 0.0  # time.time() when the process was started
    load: float = 0.0  # 1-minute load average at the end: other work on the machine shows here

    @property
    def calls(self) -> int:
        return int(self.stats.get("requests", 0))


def run_build(
    input_dir: Path,
    out_dir: Path,
    *,
    server: BenchServer,
    home: Path,
    concurrency: int = 4,
    no_cache: bool = True,
    extra: tuple[str, ...] = (),
    timeout: float = 1800.0,
) -> BuildRun:
    """Run the real CLI (``python -m briefgen.cli build``) in a child process and time it.

    ``home`` is the run's BRIEFGEN_HOME and working folder, so the cache and any user
    config are isolated; the key is a dummy and the base URL is the loopback server.
    """
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFGEN_", "OPENAI_"))}
    env.update(
        OPENAI_API_KEY="bench-dummy-key",
        BRIEFGEN_HOME=str(home),
        PYTHONPATH=str(ROOT),
        NO_COLOR="1",
    )
    cmd = [
        sys.executable,
        "-m",
        "briefgen.cli",
        "build",
        str(input_dir),
        "-o",
        str(out_dir),
        "--model",
        "bench",
        "--base-url",
        server.base_url,
        "--concurrency",
        str(concurrency),
        *(["--no-cache"] if no_cache else []),
        *extra,
    ]
    server.stats.reset()
    started = time.time()
    t0 = time.perf_counter()
    proc = subprocess.run(
        cmd, cwd=home, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    wall = time.perf_counter() - t0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return BuildRun(
        proc.returncode, wall, server.stats.snapshot(), proc.stdout, proc.stderr, started, load
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--latency", type=float, default=0.5, help="fixed seconds per call")
    p.add_argument("--prefill-rate", type=float, default=4000.0, help="prompt tokens/s (0: instant)")
    p.add_argument("--decode-rate", type=float, default=30.0, help="completion tokens/s (0: instant)")
    p.add_argument("--max-seconds", type=float, default=600.0, help="stop after this long")
    p.add_argument("--max-requests", type=int, default=100_000)
    p.add_argument("--summary-tokens", type=int, default=150, help="length of free-text answers")
    p.add_argument("--stats-file", type=Path, default=None, help="write totals here on stop")
    p.add_argument("--fill", action="store_true", help="answer as long as the prompt allows")
    args = p.parse_args(argv)
    srv = BenchServer(
        latency=args.latency,
        prefill_rate=args.prefill_rate,
        decode_rate=args.decode_rate,
        port=args.port,
        max_seconds=args.max_seconds,
        max_requests=args.max_requests,
        summary_tokens=args.summary_tokens,
        stats_file=args.stats_file,
        fill=args.fill,
    ).start()
    print(
        f"bench server on {srv.base_url} (latency {args.latency}s + prompt/{args.prefill_rate:g} "
        f"+ completion/{args.decode_rate:g} tok/s, stops after {args.max_seconds}s)",
        flush=True,
    )
    srv.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
