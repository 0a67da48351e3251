"""The output folder: checked before reading, written whole or not at all, tidied by a manifest.

Why: a brief replaces an editor's previous one.  A failed build must leave that
one intact; an output folder inside the input folder would be read back as
articles on the next run; and briefgen may only ever remove files it wrote.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.output.folder import MANIFEST

runner = CliRunner()


def _build(src: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["build", str(src), "-o", str(out), *extra])
    return result.exit_code, result.stderr


def _one_line_error(code: int, stderr: str) -> None:
    assert code == 1, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in stderr


def test_a_build_failing_while_writing_leaves_the_old_brief(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _build(EXAMPLES, out)[0] == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # the article template breaks only when pages are rendered, after brief.md is done
    custom = tmp_path / "tpl"
    custom.mkdir()
    (custom / "article.md.j2").write_text("{{ no_such_variable }}\n", encoding="utf-8")
    code, stderr = _build(EXAMPLES, out, "--templates", str(custom))
    _one_line_error(code, stderr)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.parametrize("where", [".", "sub/out"])
def test_output_inside_the_input_folder_is_refused(tmp_path: Path, where: str) -> None:
    src = tmp_path / "articles"
    shutil.copytree(EXAMPLES, src)
    before = sorted(p.relative_to(src) for p in src.rglob("*"))
    code, stderr = _build(src, src / where)
    _one_line_error(code, stderr)
    assert "input folder" in stderr and "choose an output folder outside" in stderr
    assert sorted(p.relative_to(src) for p in src.rglob("*")) == before


def test_stale_pages_go_and_other_files_stay(tmp_path: Path) -> None:
    src = tmp_path / "articles"
    shutil.copytree(EXAMPLES, src)
    out = tmp_path / "out"
    assert _build(src, out)[0] == 0
    pages = sorted(p.name for p in (out / "articles").glob("*.md"))
    assert len(pages) >= 2
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "articles" / "my-own.md").write_text("mine", encoding="utf-8")
    gone = pages[0].removesuffix(".md")
    for f in src.iterdir():
        if f.stem == gone or f.name.startswith(gone):
            f.unlink()
    assert _build(src, out)[0] == 0
    now = {p.name for p in (out / "articles").glob("*.md")}
    assert f"{gone}.md" not in now and "my-own.md" in now and set(pages[1:]) <= now
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert "brief.md" in listed and "articles/my-own.md" not in listed and "notes.txt" not in listed
    assert not [p for p in out.iterdir() if p.name.startswith(".briefgen-staging")]


def test_manifest_entries_outside_the_folder_are_never_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    victim = tmp_path / "victim.md"
    victim.write_text("keep", encoding="utf-8")
    out.mkdir()
    (out / MANIFEST).write_text(json.dumps({"files": ["../victim.md", str(victim), "articles/../../victim.md"]}))
    assert _build(EXAMPLES, out)[0] == 0
    assert victim.read_text(encoding="utf-8") == "keep"


def test_bad_output_paths_are_one_line_errors(tmp_path: Path) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    for out in (a_file, Path("/proc/briefgen-out"), a_file / "below-a-file"):
        code, stderr = _build(EXAMPLES, out)
        _one_line_error(code, stderr)


def test_ingest_output_errors_are_one_line(tmp_path: Path) -> None:
    for out in (tmp_path, Path("/proc/briefgen.json"), tmp_path / "f.txt" / "x.json"):
        if out.name == "x.json":
            (tmp_path / "f.txt").write_text("x", encoding="utf-8")
        result = runner.invoke(app, ["ingest", str(EXAMPLES), "-o", str(out)])
        _one_line_error(result.exit_code, result.stderr)
    good = tmp_path / "corpus.json"
    result = runner.invoke(app, ["ingest", str(EXAMPLES), "-o", str(good)])
    assert result.exit_code == 0 and json.loads(good.read_text(encoding="utf-8"))["documents"]


def test_summarize_checks_its_folder_and_removes_only_its_own_stale_pages(tmp_path: Path) -> None:
    src = tmp_path / "articles"
    shutil.copytree(EXAMPLES, src)
    result = runner.invoke(app, ["summarize", str(src), "-o", str(src / "sums")])
    _one_line_error(result.exit_code, result.stderr)
    out = tmp_path / "sums"
    assert runner.invoke(app, ["summarize", str(src), "-o", str(out)]).exit_code == 0
    pages = sorted(p.stem for p in out.glob("*.md"))
    (out / "notes.md").write_text("mine", encoding="utf-8")
    for f in src.iterdir():
        if f.stem == pages[0]:
            f.unlink()
    assert runner.invoke(app, ["summarize", str(src), "-o", str(out)]).exit_code == 0
    now = {p.stem for p in out.glob("*.md")}
    assert pages[0] not in now and "notes" in now and set(pages[1:]) <= now
