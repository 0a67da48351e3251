"""Turn a model's reply into a JSON value: models wrap, think aloud and slip.

Reasoning models put ``<think>…</think>`` before the answer; many models wrap
JSON in Markdown fences or add a sentence around it; some leave a trailing
comma or an unclosed bracket.  ``extract_json`` undoes all of that in order,
and only then reaches for json-repair, so a clean reply is never "repaired".
"""

from __future__ import annotations

import json
import re
from typing import Any

import json_repair
from pydantic import BaseModel, ValidationError

_THINK = re.compile(r"<(think|thinking|reasoning)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_THINK_OPEN = re.compile(r"^\s*<(think|thinking|reasoning)\b[^>]*>", re.I)
_THINK_CLOSE = re.compile(r"</(think|thinking|reasoning)\s*>", re.I)
_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_-]*)[ \t]*\n(.*?)(?:```|\Z)", re.S)


class JSONFixError(ValueError):
    """The reply holds no JSON object or array we could recover."""


def strip_think(text: str) -> str:
    """Remove reasoning blocks; an unclosed one at the start runs to its last close tag."""
    text = _THINK.sub("", text)
    if _THINK_OPEN.match(text):
        closes = list(_THINK_CLOSE.finditer(text))
        text = text[closes[-1].end():] if closes else ""
    return _THINK_CLOSE.sub("", text).strip()


def strip_fences(text: str) -> str:
    """Return the first fenced block that looks like JSON, else the text unchanged."""
    for match in _FENCE.finditer(text):
        lang, body = match.group(1).lower(), match.group(2).strip()
        if lang in ("json", "jsonc", "") and body[:1] in ("{", "["):
            return body
    return text.strip()


def _outer_span(text: str) -> str:
    """From the first ``{``/``[`` to the matching last ``}``/``]`` (or the end)."""
    starts = [i for i in (text.find("{"), text.find("[")) if i >= 0]
    if not starts:
        return text
    start = min(starts)
    close = "}" if text[start] == "{" else "]"
    end = text.rfind(close)
    return text[start:end + 1] if end > start else text[start:]


def clean_reply(text: str) -> str:
    """The JSON-looking part of a reply, before any repair."""
    return _outer_span(strip_fences(strip_think(text)))


def extract_json(text: str) -> Any:
    """Parse a reply into a dict or list, repairing near-JSON; raise JSONFixError if hopeless."""
    candidate = clean_reply(text)
    if not candidate.strip():
        raise JSONFixError("the reply is empty once reasoning and fences are removed")
    try:
        return json.loads(candidate)
    except json.JSONDecodeError:
        pass
    if candidate.lstrip()[:1] not in ("{", "["):
        raise JSONFixError("the reply contains no JSON object")
    repaired = json_repair.repair_json(candidate, return_objects=True)
    if isinstance(repaired, tuple):  # some versions return (value, log)
        repaired = repaired[0]
    if not isinstance(repaired, dict | list) or not repaired:
        raise JSONFixError("the reply is not valid JSON and could not be repaired")
    return repaired


def validation_summary(err: ValidationError, limit: int = 8) -> str:
    """Pydantic errors as one short line the model (and an editor) can act on."""
    parts = []
    for item in err.errors()[:limit]:
        where = ".".join(str(p) for p in item.get("loc", ())) or "(root)"
        parts.append(f"{where}: {item.get('msg', 'invalid')}")
    more = len(err.errors()) - limit
    if more > 0:
        parts.append(f"... and {more} more")
    return "; ".join(parts)


def parse_reply(text: str, schema: type[BaseModel]) -> BaseModel:
    """Clean, repair and validate; raises JSONFixError or ValueError with a one-line reason."""
    data = extract_json(text)
    # A model sometimes wraps the object in a one-element list, or answers the
    # list directly when the schema has a single list field.
    if isinstance(data, list):
        fields = list(schema.model_fields)
        if len(data) == 1 and isinstance(data[0], dict):
            data = data[0]
        elif len(fields) == 1:
            data = {fields[0]: data}
    try:
        return schema.model_validate(data)
    except ValidationError as err:
        raise ValueError(validation_summary(err)) from None
