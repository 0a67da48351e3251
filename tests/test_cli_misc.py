"""Small CLI things editors and their scripts expect (issue 16): --version, schema, init,
--format docx, render, diff --json, --quiet / --verbose."""

from __future__ import annotations

import json
import shutil
from importlib.metadata import version
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.model.config import resolve_config
from briefgen.output.schema import check_brief
from tests.conftest import EXAMPLES


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "out"
    code, stdout, stderr = _run("build", str(EXAMPLES), "-o", str(out), "--format", "md,json,docx")
    assert code == 0, stderr
    return out


def test_version() -> None:
    code, stdout, _ = _run("--version")
    assert code == 0 and stdout.strip() == f"briefgen {version('briefgen')}"


def test_schema_describes_real_output(built: Path) -> None:
    code, stdout, _ = _run("schema")
    schema = json.loads(stdout)
    assert code == 0 and "schema_version" in schema["required"]
    data = json.loads((built / "brief.json").read_text(encoding="utf-8"))
    check_brief(data)  # raises on a field the schema does not declare or a wrong type
    assert set(schema["required"]) <= set(data) <= set(schema["properties"])
    data["articles"][0]["claims"][0]["invented"] = 1
    with pytest.raises(ValueError, match="invented"):
        check_brief(data)


def test_format_writes_only_what_was_asked(built: Path) -> None:
    assert {p.name for p in built.iterdir() if not p.name.startswith(".")} == {"brief.md", "brief.json", "brief.docx", "articles"}
    paragraphs = docx.Document(str(built / "brief.docx")).paragraphs
    headings = [p.text for p in paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert "对比表 / Comparison table" in headings
    code, _, stderr = _run("build", str(EXAMPLES), "-o", str(built), "--format", "md,pdf")
    assert code == 2 and "unknown format pdf" in stderr and len(stderr.strip().splitlines()) == 1


def test_render_review_and_verbose(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(built, out)
    code, stdout, _ = _run("review", str(out))
    assert code == 0 and "entries" in stdout and (out / "review.yaml").is_file()
    text = (out / "review.yaml").read_text(encoding="utf-8")
    (out / "review.yaml").write_text(text.replace("status: pending", "status: approved", 1), encoding="utf-8")
    code, stdout, stderr = _run("--verbose", "render", str(out), "--format", "md,html")
    assert code == 0, stderr
    assert "review: approved summary:" in stdout and (out / "brief.html").is_file()
    code, stdout, _ = _run("--quiet", "render", str(out))
    assert code == 0 and stdout == ""
    code, _, stderr = _run("render", str(tmp_path / "nowhere"))
    assert code == 1 and "brief.json not found" in stderr


def test_diff_json(built: Path) -> None:
    code, stdout, _ = _run("diff", str(built), str(built), "--json")
    data = json.loads(stdout)
    assert code == 0 and data["figures_changed"] == [] and data["old"] == str(built)
    code, stdout, _ = _run("diff", str(built), str(built))
    assert stdout.startswith("# Brief diff") and "No changes" in stdout


def test_init(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stdout, _ = _run("init", str(tmp_path))
    assert code == 0 and (tmp_path / "briefgen.toml").is_file()
    assert resolve_config({}, cwd=tmp_path) is None  # all commented: the extractive engine
    toml = (tmp_path / "briefgen.toml").read_text(encoding="utf-8")
    (tmp_path / "briefgen.toml").write_text(toml.replace('# model = "gpt-4o-mini"', 'model = "gpt-4o-mini"'))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    config = resolve_config({}, cwd=tmp_path)
    assert config is not None and config.model == "gpt-4o-mini"
    code, _, stderr = _run("init", str(tmp_path))
    assert code == 2 and "briefgen.toml already exists" in stderr
    code, stdout, _ = _run("init", str(tmp_path), "--customise", "--force")
    assert code == 0
    for name in ("prompts/summarize.md", "templates/brief.md.j2", "dimensions.toml", "glossary.tsv"):
        assert (tmp_path / name).is_file(), name
    assert "--prompts prompts" in (tmp_path / "briefgen.toml").read_text(encoding="utf-8")
