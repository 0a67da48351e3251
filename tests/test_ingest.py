"""ingest.py and `briefgen ingest`: whole folders, skips, duplicates, JSON shape, exit codes."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.corpus import ingest as ingest_mod
from briefgen.corpus import load
from briefgen.corpus.ingest import assign_ids, corpus_to_json, ingest, print_summary

ARTICLE = (
    "佛山出台医药健康产业集群三年行动计划\n"
    "发布时间:2023-04-18 来源:佛山日报\n"
    "近日，佛山市印发生物医药与健康产业集群行动计划，2022年全市医药健康产业集群实现产值462.2亿元。\n"
    "《行动计划》提出，到2025年建成1个大型综合性生物医药与健康产业园区，产业集群总产值超过1000亿元。\n"
    "佛山将重点支持药品、高端医疗器械、精准医疗、医疗服务、医养结合和大健康产品六大领域集聚发展。\n"
)
DOC_KEYS = [
    "id", "path", "title", "date", "source", "author", "cities", "text", "excerpts", "dropped", "warnings",
    "provenance", "date_confidence",
]


@pytest.fixture(scope="module")
def examples_corpus():  # type: ignore[no-untyped-def]
    return ingest(EXAMPLES, workers=1)


def _bad_folder(root: Path) -> Path:
    root.mkdir()
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (root / "setup.exe").write_bytes(b"MZ\x90\x00" * 10)
    (root / "garbled.txt").write_bytes(b"\x80\x80\xff\xfe\xff" * 20)
    with open(root / "huge.txt", "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    (root / "loop").symlink_to(root)
    (root / "locked.txt").write_text(ARTICLE, encoding="utf-8")
    return root


def _deny_locked(monkeypatch: pytest.MonkeyPatch) -> None:
    real = load._read_bytes

    def read(path: Path, limit: int) -> bytes:
        if Path(path).name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, limit)

    monkeypatch.setattr(load, "_read_bytes", read)


def test_examples_ingest_into_documents(examples_corpus) -> None:  # type: ignore[no-untyped-def]
    docs = examples_corpus.documents
    assert len(docs) >= 5
    assert len({d.id for d in docs}) == len(docs)
    cities = {c for d in docs for c in d.cities}
    assert {"中山", "成都", "佛山", "广州", "泰安"} <= cities
    for doc in docs:
        assert doc.excerpts and doc.title and doc.date
        assert [e.id for e in doc.excerpts] == [f"{doc.id}:p{i}" for i in range(1, len(doc.excerpts) + 1)]
        assert all(e.text in doc.text for e in doc.excerpts)


def test_examples_repost_and_readme_are_skipped(examples_corpus) -> None:  # type: ignore[no-untyped-def]
    reasons = {s.path: (s.reason, s.detail) for s in examples_corpus.skipped}
    dup = [(p, d) for p, (r, d) in reasons.items() if r == "duplicate"]
    assert len(dup) == 1 and dup[0][0].startswith("reposts/")
    kept = re.search(r"same article as (\S+)", dup[0][1])
    assert kept and kept.group(1) in {d.path for d in examples_corpus.documents}
    assert reasons["README.md"][0] == "no article text"


def test_traditional_page_keeps_original_wording(examples_corpus) -> None:  # type: ignore[no-untyped-def]
    doc = examples_corpus.document("zhongshan-health-base")
    assert "发展" in doc.text and "(fā)" not in doc.text and "發" not in doc.text
    assert any("發展" in e.original and "(fā)" not in e.original for e in doc.excerpts)


def test_ids_are_slugs_made_unique_in_path_order() -> None:
    paths = [Path("a/Report.txt"), Path("b/report.md"), Path("c/report.html"), Path("佛山.txt")]
    ids = assign_ids(paths)
    assert ids[:3] == ["report", "report-2", "report-3"]
    assert ids == assign_ids(list(paths)) and re.fullmatch(r"[a-z0-9-]+", ids[3])


def test_near_duplicate_with_other_boilerplate_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text("首页 | 新闻 | 政策\n" + ARTICLE + "热点文章\n版权所有 某某网\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text(ARTICLE.replace("佛山", "中山"), encoding="utf-8")
    corpus = ingest(tmp_path, workers=1)
    assert [d.path for d in corpus.documents] == ["a.txt", "c.txt"]
    assert [(s.path, s.reason) for s in corpus.skipped] == [("b.txt", "duplicate")]


def test_process_pool_gives_the_same_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_mod, "SERIAL_BELOW", 2)
    serial = corpus_to_json(ingest(EXAMPLES, workers=1))
    pooled = corpus_to_json(ingest(EXAMPLES, workers=2))
    assert pooled == serial


def test_bad_inputs_are_listed_and_run_ends_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _bad_folder(tmp_path / "bad")
    (root / "good.txt").write_text(ARTICLE, encoding="utf-8")
    _deny_locked(monkeypatch)
    corpus = ingest(root, workers=1)
    assert [d.path for d in corpus.documents] == ["good.txt"]
    assert {s.path: s.reason for s in corpus.skipped} == {
        "binary.txt": "binary",
        "empty.txt": "empty",
        "garbled.txt": "undecodable",
        "huge.txt": "too large",
        "locked.txt": "unreadable",
        "loop": "unreadable",
        "setup.exe": "unsupported type",
    }


def test_json_shape_is_exact(examples_corpus) -> None:  # type: ignore[no-untyped-def]
    data = corpus_to_json(examples_corpus)
    assert list(data) == ["documents", "skipped"]
    for doc in data["documents"]:
        assert list(doc) == DOC_KEYS
        assert all(list(e)[:2] == ["id", "text"] for e in doc["excerpts"])
        assert all(isinstance(v, int) for v in doc["dropped"].values())
    assert all({"path", "reason"} <= set(s) for s in data["skipped"])
    assert "text" not in corpus_to_json(examples_corpus, text=False)["documents"][0]


def test_summary_lists_documents_skips_and_dropped_lines(examples_corpus) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    print_summary(examples_corpus, show_dropped=True, stream=out)
    text = out.getvalue()
    assert "zhongshan-health-base" in text and "duplicate" in text
    reason, line = examples_corpus.documents[0].dropped_lines[0]
    assert f"[{reason}] {line.strip()[:10]}" in text


# ----------------------------------------------------------------------- CLI

runner = CliRunner()


def test_cli_json_prints_the_contract(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data["documents"][0]) == DOC_KEYS and data["skipped"] == []
    assert data["documents"][0]["date"] == "2023-04-18"


def test_cli_output_file(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.md").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out" / "corpus.json"
    result = runner.invoke(app, ["ingest", str(tmp_path / "in"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["documents"][0]["path"] == "a.md"


def test_cli_exit_1_when_nothing_readable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _bad_folder(tmp_path / "bad")
    _deny_locked(monkeypatch)
    result = runner.invoke(app, ["ingest", str(root), "--json"])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("error: no article") and len(result.stderr.strip().splitlines()) == 1
    assert len(json.loads(result.stdout)["skipped"]) == 7


def test_cli_exit_2_on_missing_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_garbled_source_text_is_kept_and_warned(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE + "我们鼓励企业通过引进股权投资或?qū)嵤┎①徶亟M发展壮大，共建科创园中园。\n", encoding="utf-8")
    (doc,) = ingest(tmp_path, workers=1).documents
    (warning,) = [w for w in doc.warnings if "garbled" in w]
    assert "p4" in warning and "嵤┎" in warning
    assert any("嵤┎" in e.text for e in doc.excerpts)  # kept: it is what the page says


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("An English page about biomedicine parks and nothing in Chinese at all.\n", "no Chinese text"),
        ("泰安医药产业\n", "only a title"),
    ],
)
def test_empty_result_says_why(tmp_path: Path, text: str, detail: str) -> None:
    (tmp_path / "page.txt").write_text(text, encoding="utf-8")
    (tmp_path / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    (skip,) = ingest(tmp_path, workers=1).skipped
    assert skip.reason == "no article text" and detail in skip.detail
