"""Reply cleanup: reasoning blocks, fences, prose around JSON, near-JSON."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from briefgen.model.jsonfix import JSONFixError, extract_json, parse_reply, strip_think


class Items(BaseModel):
    items: list[str]


def test_unclosed_think_block_yields_nothing() -> None:
    assert strip_think("<think>still reasoning {\"a\": 1}") == ""
    assert strip_think("<THINK>x</THINK> {\"a\": 1}") == '{"a": 1}'


def test_prose_and_fences_around_json() -> None:
    assert extract_json('Sure!\n```json\n{"a": [1, 2]}\n```\nHope this helps.') == {"a": [1, 2]}
    assert extract_json('The answer: {"a": "x"} as requested.') == {"a": "x"}


def test_near_json_repaired_but_prose_refused() -> None:
    assert extract_json("{'a': 1, 'b': [1, 2,]}") == {"a": 1, "b": [1, 2]}
    with pytest.raises(JSONFixError):
        extract_json("I cannot answer that.")
    with pytest.raises(JSONFixError):
        extract_json("<think>only thoughts</think>")


def test_bare_list_fits_single_field_schema() -> None:
    assert parse_reply('["a", "b"]', Items) == Items(items=["a", "b"])
    with pytest.raises(ValueError, match="items"):
        parse_reply('{"things": []}', Items)
