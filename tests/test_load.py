"""load.py: file discovery, skip reasons and encoding detection."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefgen.core.types import RawFile, Skipped
from briefgen.corpus import load

ZH = "佛山市2022年医药健康产业集群实现产值462.2亿元，力争到2025年超过1000亿元。"
ZH_TRAD = "佛山市2022年醫藥健康產業集群實現產值462.2億元，力爭到2025年超過1000億元。"


def _read(tmp_path: Path, name: str, data: bytes) -> RawFile | Skipped:
    path = tmp_path / name
    path.write_bytes(data)
    return load.read_file(path, tmp_path)


def _reason(result: RawFile | Skipped) -> str:
    return result.reason if isinstance(result, Skipped) else "read"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"\xef\xbb\xbf" + ZH.encode("utf-8"), "utf-8-sig"),
        (ZH.encode("utf-16"), "utf-16"),
        (ZH.encode("utf-8"), "utf-8"),
        (ZH.encode("gb18030"), "gb18030"),
        (ZH_TRAD.encode("big5"), "big5"),
    ],
)
def test_encodings_are_detected(tmp_path: Path, data: bytes, encoding: str) -> None:
    raw = _read(tmp_path, "a.txt", data)
    assert isinstance(raw, RawFile)
    assert raw.encoding == encoding
    assert raw.text.lstrip("\ufeff") in (ZH, ZH_TRAD)


def test_short_gb18030_text_is_not_taken_for_big5(tmp_path: Path) -> None:
    raw = _read(tmp_path, "short.txt", "中山健康".encode("gb18030"))
    assert isinstance(raw, RawFile) and raw.text == "中山健康"


def test_utf16_without_bom(tmp_path: Path) -> None:
    raw = _read(tmp_path, "le.txt", ("Zhongshan health park " + ZH).encode("utf-16-le"))
    assert isinstance(raw, RawFile) and raw.text.endswith(ZH)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text",
    [
        "佛山市医药健康产业集群实现产值，力争到目标年份超过千亿元。",  # no ASCII, no NUL byte
        "中山健康基地是国内首个国家级健康科技产业基地，也是全市发展健康医药产业的主阵地之一。",  # 一 = U+4E00
    ],
)
def test_chinese_utf16_without_bom_or_ascii(tmp_path: Path, codec: str, text: str) -> None:
    raw = _read(tmp_path, "zh.txt", text.encode(codec))
    assert isinstance(raw, RawFile) and raw.text == text and raw.encoding == codec


def test_html_meta_charset_is_honoured(tmp_path: Path) -> None:
    page = f'<html><head><meta charset="big5"></head><body><p>{ZH_TRAD}</p></body></html>'
    raw = _read(tmp_path, "p.html", page.encode("big5"))
    assert isinstance(raw, RawFile) and raw.kind == "html" and ZH_TRAD in raw.text


def test_html_saved_as_txt_is_read_as_html(tmp_path: Path) -> None:
    raw = _read(tmp_path, "page.txt", b"<!DOCTYPE html><html><body><p>hi</p></body></html>")
    assert isinstance(raw, RawFile) and raw.kind == "html"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.md", b" \n\t\r\n \xe3\x80\x80\n", "empty"),
        ("nul.txt", b"abc\x00\x01\x02\x00def\x00" * 20, "binary"),
        ("ctrl.txt", bytes(range(1, 32)) * 40, "binary"),
        ("bad.txt", b"\x80\x80\xff\xfe\xff" * 10 + b"abc", "undecodable"),
        ("tool.exe", b"MZ\x90\x00", "unsupported type"),
        ("broken.pdf", b"%PDF-1.4 not really a pdf", "unreadable"),
        ("broken.docx", b"PK not a zip", "unreadable"),
    ],
)
def test_bad_inputs_are_skipped_with_a_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    result = _read(tmp_path, name, data)
    assert _reason(result) == reason
    assert isinstance(result, Skipped) and result.path == name


def test_too_large_file_is_skipped_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:  # sparse: fast to make, 50 MB on paper
        fh.truncate(50 * 1024 * 1024)
    monkeypatch.setattr(load, "_read_bytes", lambda *a: pytest.fail("a too-large file was read"))
    assert _reason(load.read_file(big, tmp_path)) == "too large"


def test_permission_error_is_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(ZH, encoding="utf-8")

    def deny(p: Path, limit: int) -> bytes:
        raise PermissionError(13, "Permission denied", str(p))

    monkeypatch.setattr(load, "_read_bytes", deny)
    result = load.read_file(path, tmp_path)
    assert _reason(result) == "unreadable" and "permission" in result.detail  # type: ignore[union-attr]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_chmod_000_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(ZH, encoding="utf-8")
    path.chmod(0)
    assert _reason(load.read_file(path, tmp_path)) == "unreadable"


def test_docx_is_read(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("中山健康基地")
    document.add_paragraph(ZH)
    document.save(str(tmp_path / "a.docx"))
    raw = load.read_file(tmp_path / "a.docx", tmp_path)
    assert isinstance(raw, RawFile) and raw.kind == "docx" and ZH in raw.text


def test_discover_walks_recursively_and_survives_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "a.txt").write_text(ZH, encoding="utf-8")
    (tmp_path / "sub" / "deeper" / "b.md").write_text(ZH, encoding="utf-8")
    (tmp_path / "sub" / "x.exe").write_bytes(b"MZ")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)
    (tmp_path / "self").symlink_to(tmp_path / "self")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "README.md").write_text("notes", encoding="utf-8")
    paths, skipped = load.discover(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == ["a.txt", "sub/deeper/b.md"]
    reasons = {s.path: s.reason for s in skipped}
    assert reasons == {
        "sub/x.exe": "unsupported type",
        "sub/loop": "unreadable",
        "self": "unreadable",
        "gone.txt": "unreadable",
        "README.md": "no article text",
    }


def test_symlinked_folder_outside_is_followed_once_when_allowed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "c.txt").write_text(ZH, encoding="utf-8")
    root = tmp_path / "root"
    root.mkdir()
    (root / "link1").symlink_to(outside)
    (root / "link2").symlink_to(outside)
    paths, skipped = load.discover(root, follow_links=True)
    assert [p.relative_to(root).as_posix() for p in paths] == ["link1/c.txt"]
    assert [(s.path, s.reason) for s in skipped] == [("link2", "unreadable")]


def test_symlinks_leaving_the_folder_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "c.txt").write_text(ZH, encoding="utf-8")
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "b.txt").write_text(ZH, encoding="utf-8")
    (root / "dir-out").symlink_to(outside)
    (root / "file-out.txt").symlink_to(outside / "c.txt")
    (root / "dir-in").symlink_to(root / "sub")  # inside the folder: followed
    paths, skipped = load.discover(root)
    assert [p.relative_to(root).as_posix() for p in paths] == ["dir-in/b.txt"]
    details = {s.path: s.detail for s in skipped}
    assert set(details) == {"dir-out", "file-out.txt", "sub"}
    assert "outside the input folder" in details["dir-out"] and "--follow-links" in details["file-out.txt"]


def test_file_names_that_are_not_utf8_get_an_id(tmp_path: Path) -> None:
    import json

    from briefgen.corpus.ingest import corpus_to_json, ingest

    name = os.fsdecode("产业报告".encode("gbk") + b".txt")
    (tmp_path / name).write_text(ZH, encoding="utf-8")
    (tmp_path / os.fsdecode(b"\xff\xfe.txt")).write_text(ZH + "全市新增企业50家。", encoding="utf-8")
    corpus = ingest(tmp_path, workers=1)
    text = json.dumps(corpus_to_json(corpus), ensure_ascii=False)
    text.encode("utf-8")  # printable: no lone surrogates
    paths = sorted(d.path for d in corpus.documents)
    assert "产业报告.txt" in paths and len(corpus.documents) == 2
    assert all(d.id for d in corpus.documents)


def _pdf(*lines: str) -> bytes:
    """A one-page PDF with a text layer (ASCII, Helvetica), built by hand with a valid xref."""
    ops = " ".join(f"({line}) Tj 0 -16 Td" for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td {ops} ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_pdf_with_a_text_layer_is_read(tmp_path: Path) -> None:
    raw = _read(tmp_path, "report.pdf", _pdf("Foshan output 46.22 billion yuan in 2022", "Target 2025"))
    assert isinstance(raw, RawFile) and raw.kind == "pdf"
    assert "46.22 billion" in raw.text and "Target 2025" in raw.text


def test_pdf_without_text_says_scanned(tmp_path: Path) -> None:
    result = _read(tmp_path, "scan.pdf", _pdf())
    assert isinstance(result, Skipped) and result.reason == "empty" and "scanned" in result.detail
