"""Prompt files are checked at start-up and rendered with exactly their variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.core.errors import ConfigError
from briefgen.model.prompts import load_prompts, parse_prompt

SUMMARY_VARS = {"title": "标题", "date": "2024-01-02", "source": "来源", "cities": "中山", "dimensions": "scale: 产业规模", "excerpts": "<excerpt id=\"a:p1\">正文</excerpt>", "facts": "f1 462.2亿元 产值 2023年 (p1)", "glossary": ""}


def _write(folder: Path, name: str, variables: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(f"---\nname: {name}\nversion: 1\nvariables: [{variables}]\n---\n{body}", encoding="utf-8")
    return path


def test_shipped_summarize_prompt_renders_system_and_user_messages() -> None:
    prompts = load_prompts()
    messages = prompts.messages("summarize", **SUMMARY_VARS)
    assert [m["role"] for m in messages] == ["system", "user"]
    assert '<excerpt id="a:p1">正文</excerpt>' in messages[1]["content"]
    assert "instructions" in messages[0]["content"]  # excerpts-are-data rule is present
    assert "f1 462.2亿元 产值 2023年 (p1)" in messages[1]["content"]  # the figures to pick, as data
    assert prompts.sources["summarize"] == "shipped"


def test_unknown_variable_in_body_is_rejected_naming_file_and_variable(tmp_path: Path) -> None:
    path = _write(tmp_path, "p", "a", "## user\n{{ a }} {{ b }}\n")
    with pytest.raises(ConfigError, match=r"p\.md.*unknown variable b"):
        parse_prompt(path)


def test_declared_but_unused_variable_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, "p", "a, extra", "## user\n{{ a }}\n")
    with pytest.raises(ConfigError, match="extra is never used"):
        parse_prompt(path)


def test_syntax_error_and_missing_sections_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="template error"):
        parse_prompt(_write(tmp_path, "bad", "a", "## user\n{{ a \n"))
    with pytest.raises(ConfigError, match="no '## system'"):
        parse_prompt(_write(tmp_path, "empty", "", ""))
    (tmp_path / "nofm.md").write_text("## user\nhi\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="front matter"):
        parse_prompt(tmp_path / "nofm.md")


def test_messages_fails_on_missing_or_unknown_variable() -> None:
    prompts = load_prompts()
    partial = {k: v for k, v in SUMMARY_VARS.items() if k != "glossary"}
    with pytest.raises(ConfigError, match="needs variable.*glossary"):
        prompts.messages("summarize", **partial)
    with pytest.raises(ConfigError, match="does not declare.*city"):
        prompts.messages("summarize", city="中山", **SUMMARY_VARS)
    with pytest.raises(ConfigError, match="no prompt named"):
        prompts.messages("nonexistent")


def test_user_folder_overrides_some_prompts_and_the_rest_fall_back(tmp_path: Path) -> None:
    shipped = tmp_path / "shipped"
    _write(shipped, "one", "x", "## system\nshipped one {{ x }}\n")
    _write(shipped, "two", "y", "## user\nshipped two {{ y }}\n")
    user = tmp_path / "mine"
    _write(user, "one", "x", "## system\nMY one {{ x }}\n## user\nagain {{ x }}\n")
    default = load_prompts(shipped=shipped)
    prompts = load_prompts(user, shipped=shipped)
    assert prompts.sources == {"one": "user", "two": "shipped"}
    assert prompts.messages("one", x=1)[0]["content"] == "MY one 1"
    assert prompts.messages("two", y=2) == [{"role": "user", "content": "shipped two 2"}]
    assert prompts.version != default.version


def test_user_override_must_keep_the_shipped_variables(tmp_path: Path) -> None:
    shipped = tmp_path / "shipped"
    _write(shipped, "one", "x", "## user\n{{ x }}\n")
    user = tmp_path / "mine"
    _write(user, "one", "z", "## user\n{{ z }}\n")
    with pytest.raises(ConfigError, match="differ from the shipped"):
        load_prompts(user, shipped=shipped)


def test_missing_or_empty_user_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_prompts(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="no prompt files"):
        load_prompts(tmp_path / "empty")


def test_version_is_stable_and_changes_with_content(tmp_path: Path) -> None:
    shipped = tmp_path / "s"
    path = _write(shipped, "one", "x", "## user\n{{ x }}\n")
    v1 = load_prompts(shipped=shipped).version
    assert load_prompts(shipped=shipped).version == v1
    path.write_text(path.read_text(encoding="utf-8") + "more\n", encoding="utf-8")
    assert load_prompts(shipped=shipped).version != v1
