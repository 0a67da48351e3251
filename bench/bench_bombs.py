"""Resource bombs against ingest: seconds and peak memory (issue 14).

Writes a 1 MB-class .docx whose word/document.xml unpacks to ~1 GB (one highly
compressible run of text) beside an ordinary article, ingests the folder in a child
process and prints wall seconds, peak RSS and what ingest said about the bomb.

    python bench/bench_bombs.py
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

CHILD = """
import json, sys
from pathlib import Path
from briefgen import ingest
corpus = ingest(Path(sys.argv[1]), workers=1)
print(json.dumps({"documents": len(corpus.documents),
                  "skipped": [[s.path, s.reason] for s in corpus.skipped]}, ensure_ascii=False))
"""


def write_docx_bomb(path: Path, unpacked_mb: int) -> None:
    """Streamed, so this process never holds the unpacked text (its RSS would be charged
    to the child it forks next)."""
    chunk = ("产业" * 174763).encode()  # ~1 MB of UTF-8
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as f:
            f.write(b"<w:document><w:body><w:p><w:r><w:t>")
            for _ in range(unpacked_mb):
                f.write(chunk)
            f.write(b"</w:t></w:r></w:p></w:body></w:document>")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        write_docx_bomb(folder / "bomb.docx", 1024)
        (folder / "ok.txt").write_text("合肥市生物医药企业超过1000家。（为本基准编写的短文）\n" * 5, encoding="utf-8")
        size_mb = (folder / "bomb.docx").stat().st_size / 1e6
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", CHILD, str(folder)], capture_output=True,
                              text=True, timeout=600, check=False)
        wall = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        out = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-300:]
        print(json.dumps({"docx_mb": round(size_mb, 2), "unpacked_mb": 1024, "seconds": round(wall, 2),
                          "peak_mb": round(peak), "result": out}, ensure_ascii=False))


if __name__ == "__main__":
    main()
