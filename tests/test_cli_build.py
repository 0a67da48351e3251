"""`briefgen build` / `briefgen summarize` through typer's CliRunner: exit codes and closing line."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import EXAMPLES
from fake_openai import MockModel
from typer.testing import CliRunner

from briefgen.cli import app

runner = CliRunner()


def test_build_without_a_model_writes_the_brief_and_a_closing_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    line = result.stdout.strip().splitlines()[-1]
    docs = len(json.loads((out / "brief.json").read_text(encoding="utf-8"))["documents"])
    assert line.startswith(f"Done: {docs} documents read") and "0 model calls" in line
    assert "verified" in line and str(out / "brief.html") in line
    assert f"articles/ ({docs} articles)" in line  # articles, not their .md and .html pages
    assert len(list((out / "articles").glob("*.md"))) == docs


def test_build_with_a_model_counts_calls_and_writes_the_log(mock_model: MockModel, tmp_path: Path) -> None:
    mock_model.enqueue("summary:*", {"title_en": "T", "claims": [], "facts": [], "findings": []}, repeat=True)
    mock_model.enqueue("exec-summary", {"claims": []})  # 6 articles > 4 parallel calls: a model writes it
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    calls = len(mock_model.calls)
    assert calls > 0 and f"{calls} model calls (0 cached" in result.stdout
    assert (out / "briefgen-log.db").exists() and "briefgen-log.db" in result.stdout


def test_bad_lang_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(tmp_path), "--lang", "fr"])
    assert result.exit_code == 2 and "--lang" in result.output


def test_engine_model_without_a_model_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(tmp_path / "o"), "--engine", "model"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: --engine model")
    assert not (tmp_path / "o").exists()


def test_broken_template_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    tpl = tmp_path / "t.md.j2"
    tpl.write_text("{% if %}\n", encoding="utf-8")
    result = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(tmp_path / "o"), "--template", str(tpl)])
    assert result.exit_code == 1 and "t.md.j2" in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "o" / "brief.md").exists()


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(tmp_path / "o"), "--dry-run"])
    assert result.exit_code == 0 and "nothing written" in result.stdout
    assert not (tmp_path / "o").exists()


def test_summarize_writes_one_file_per_article(tmp_path: Path) -> None:
    out = tmp_path / "sums"
    result = runner.invoke(app, ["summarize", str(EXAMPLES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    pages = sorted(out.glob("*.md"))
    assert pages and f"wrote {len(pages)} files" in result.stdout
    assert all("## 中文摘要" in p.read_text(encoding="utf-8") for p in pages)


def test_summarize_takes_the_dimensions_file_like_build(tmp_path: Path) -> None:
    result = runner.invoke(app, ["summarize", str(EXAMPLES), "-o", str(tmp_path / "s"), "--dimensions", str(tmp_path / "none.toml")])
    assert result.exit_code == 1 and "none.toml" in result.output
    assert len(result.output.strip().splitlines()) <= 2 and "Traceback" not in result.output


def test_help_keeps_default_texts() -> None:
    # rich reads "[...]" as markup: an unescaped "[default: 12000]" vanished from --help
    result = runner.invoke(app, ["build", "--help"], env={"COLUMNS": "250"}, terminal_width=250)
    assert result.exit_code == 0
    for text in ("[default: 12000]", "[default: one per call; very short articles two", "[default: 4]", "[default: model if one is configured"):
        assert text in result.stdout, text


def test_summarize_and_build_share_the_same_options() -> None:
    def options(cmd: str) -> set[str]:
        out = runner.invoke(app, [cmd, "--help"], env={"COLUMNS": "250"}, terminal_width=250).stdout
        return {w for line in out.splitlines() for w in line.split() if w.startswith("--")}

    shared = options("summarize")
    assert {"--model", "--batch-tokens", "--strict", "--dimensions", "--output"} <= shared
    assert shared <= options("build")
