"""A build whose model calls fail must not look like a brief (issue 14).

Why: "not found in sources" is a statement about the sources; after a failed
call the sources were never read by a model.  Such articles are summarised by
the extractive engine, the brief says so in a banner and in brief.json, cells
say ``model_failed``, and the exit status tells a script what happened.
"""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
from conftest import EXAMPLES
from fake_openai import MockModel
from typer.testing import CliRunner

from briefgen.cli import EXIT_MODEL_FAILED, app
from briefgen.core.statuses import MODEL_FAILED_EN, NOT_FOUND_EN

runner = CliRunner()


def test_failed_calls_fall_back_to_extractive_and_say_so(mock_model: MockModel, tmp_path: Path) -> None:
    # nothing queued: the fake model answers every request with HTTP 400
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(out)])
    assert result.exit_code == EXIT_MODEL_FAILED, result.output
    assert EXIT_MODEL_FAILED not in (0, 1, 2)
    data = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    docs = {d["id"] for d in data["documents"]}
    failed = {f["doc"] for f in data["model_failures"] if f["part"] == "article"}
    assert failed == docs and all(f["reason"] for f in data["model_failures"])
    # each article was summarised by the extractive engine instead, and says why
    for art in data["articles"]:
        assert art["engine"] == "extractive" and art["error"] and art["claims"]
    cells = data["comparison"]["cells"]
    # cells come from the extractive engine where it found a cited, checked statement;
    # the rest say the model call failed: none claims the sources are silent
    assert {c["status"] for c in cells} == {"verified", "model_failed"}
    assert all(c["en"] == MODEL_FAILED_EN for c in cells if c["status"] == "model_failed")
    assert all(c["cites"] for c in cells if c["status"] == "verified")
    assert data["verification"]["cells_not_found"] == 0
    md = (out / "brief.md").read_text(encoding="utf-8")
    assert "Model calls failed" in md and NOT_FOUND_EN not in md
    page = lxml.html.fromstring((out / "brief.html").read_text(encoding="utf-8"))
    assert "Model calls failed" in page.text_content() and NOT_FOUND_EN not in page.text_content()
    # the usage line counts the failed calls instead of claiming nothing happened
    line = result.stdout.strip().splitlines()[-1]
    assert f"{len(mock_model.calls)} failed" in line or "failed" in line.split(";")[1]
    assert "not summarised by the model" in result.stderr


def test_strict_exits_1_before_writing_and_keeps_the_old_brief(mock_model: MockModel, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "brief.md").write_text("the previous brief\n", encoding="utf-8")
    result = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(out), "--strict"])
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().count("\n") == 0 and "--strict" in result.stderr
    assert (out / "brief.md").read_text(encoding="utf-8") == "the previous brief\n"
    assert not (out / "brief.json").exists()


def test_summarize_exit_status_says_calls_failed(mock_model: MockModel, tmp_path: Path) -> None:
    result = runner.invoke(app, ["summarize", str(EXAMPLES), "-o", str(tmp_path / "s")])
    assert result.exit_code == EXIT_MODEL_FAILED, result.output
    assert len(list((tmp_path / "s").glob("*.md"))) >= 1


def test_a_good_model_run_exits_0_with_no_failures(mock_model: MockModel, tmp_path: Path) -> None:
    empty = {"title_en": "T", "claims": [], "facts": [], "findings": []}
    mock_model.enqueue("summary:*", lambda seen: _answer_for(seen, empty), repeat=True)
    mock_model.enqueue("exec-summary", {"claims": []}, repeat=True)
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(out), "--batch-tokens", "0"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    assert data["model_failures"] == []
    # the model's points filled no cell: the code-found (extractive) cells stand in, and
    # a cell neither found anything for says "not found"; none says a call failed
    statuses = {c["status"] for c in data["comparison"]["cells"]}
    assert "model_failed" not in statuses and statuses <= {"verified", "not_found"}
    assert all(c["cites"] for c in data["comparison"]["cells"] if c["status"] == "verified")


def _answer_for(seen: object, empty: dict[str, object]) -> dict[str, object]:
    return empty


def test_failed_executive_summary_is_reported_not_hidden(mock_model: MockModel, tmp_path: Path) -> None:
    from test_summarize import CD, ZS

    from briefgen.core.types import Corpus
    from briefgen.engines.engine import ModelEngine
    from briefgen.evidence.dimensions import load_dimensions
    from briefgen.evidence.glossary import load_glossary
    from briefgen.model.prompts import load_prompts
    from briefgen.output.progress import stages

    point = {"zh": "2023年中山生物医药产业规模达462.2亿元。", "en": "Zhongshan: CNY 46.22 billion in 2023.",
             "cites": ["p2"], "dims": ["scale"]}  # fmt: skip
    mock_model.enqueue("summary:zs-biomed", {"title_en": "Z", "claims": [point], "facts": []})
    mock_model.enqueue("summary:cd-health", {"title_en": "C", "claims": [], "facts": []})
    # nothing queued for exec-summary: that call fails with HTTP 400.  Two calls, one at a
    # time: more calls than parallel slots, so the executive summary is a model call
    engine = ModelEngine(mock_model.client(cache_dir=tmp_path / "c", concurrency=1), load_prompts(),
                         load_glossary(), load_dimensions(), batch_tokens=0, batch_articles=1)  # fmt: skip
    with stages(5, False) as bar:
        run = engine.run(Corpus([ZS, CD], []), bar)
    engine.close()
    assert [c.purpose for c in mock_model.calls][0] == "exec-summary"  # asked first, not last
    assert [(f.part, f.doc_id) for f in run.model_failures] == [("summary", None)]
    assert run.summary == [] and any("executive summary" in w for w in run.warnings)
    assert any(c.status == "verified" for c in run.comparison.cells)


def test_usage_line_counts_attempts_failures_and_retries() -> None:
    from briefgen.model.types import ModelUsage
    from briefgen.output.console import usage_text

    failed = usage_text(ModelUsage(calls=0, failed=5, attempts=9, retries=4))
    assert failed.startswith("0 model calls (0 cached, 9 attempts, 5 failed, 4 retries)")
    clean = usage_text(ModelUsage(calls=3, cached=1, attempts=3, prompt_tokens=10, completion_tokens=5))
    assert clean.startswith("3 model calls (1 cached), 15 tokens (10 prompt + 5 completion)")
