"""Make N distinct articles from a folder of examples, for scale and timing benchmarks.

Why not plain copies: ingest drops duplicate documents and reposts, and the response cache
would answer repeated prompts, so copies would measure nothing.  Each generated article is
one example (round robin) with its figures shifted by the article's number (years, dates and
times left alone so metadata still parses) and, for plain-text pages, a different subset of
its later paragraphs left out.  Files keep their encoding and extension, so the mix of
formats (GB18030, HTML, traditional script ...) stays the same as in the examples.

    python bench/generate.py 50 /tmp/bench-articles            # from examples/articles
    python bench/generate.py 10000 /tmp/big --source DIR
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "articles"
SUFFIXES = {".txt", ".md", ".html", ".htm"}
MAX_ARTICLES = 100_000
_ENCODINGS = ("utf-8-sig", "utf-16", "gb18030", "big5")

# A number that is not part of a date, a time or a year.
_NUMBER = re.compile(r"(?<![\d.:/\-])(\d+)(\.\d+)?(?![\d:/\-]|\s*[年月日时点号])")


@dataclass(frozen=True)
class Example:
    """One source page: its text, how to write it back, and its kind."""

    path: Path
    text: str
    encoding: str
    html: bool


def load_examples(source: Path) -> list[Example]:
    """Every readable text/HTML page under ``source`` (READMEs excluded), in name order."""
    out: list[Example] = []
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in SUFFIXES:
            continue
        if path.stem.lower() == "readme":
            continue
        data = path.read_bytes()
        for enc in _ENCODINGS:
            if enc == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
                continue
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if enc == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
                enc = "utf-8"
            out.append(Example(path, text, enc, path.suffix.lower() in {".html", ".htm"}))
            break
    return out


def _shift_numbers(text: str, shift: int) -> str:
    def repl(m: re.Match[str]) -> str:
        whole = int(m.group(1))
        if 1900 <= whole <= 2100 and not m.group(2):
            return m.group(0)  # a year
        return f"{whole + shift}{m.group(2) or ''}"

    return _NUMBER.sub(repl, text)


def _shift_html(text: str, shift: int) -> str:
    # Only text between tags: attributes and styles stay as they were.
    return re.sub(r">([^<]+)<", lambda m: ">" + _shift_numbers(m.group(1), shift) + "<", text)


def _drop_paragraphs(text: str, copy: int) -> str:
    """Leave out every 5th line of the second half, offset by the copy number."""
    lines = text.split("\n")
    if copy == 0 or len(lines) < 14:
        return text
    head = max(8, len(lines) // 2)
    keep = [ln for i, ln in enumerate(lines) if i < head or i >= len(lines) - 3 or (i + copy) % 5]
    return "\n".join(keep)


def variant(example: Example, copy: int, shift: int) -> str:
    """A variant of an example: figures shifted by ``shift``, some lines left out per ``copy``."""
    if example.html:
        return _shift_html(example.text, shift)
    return _shift_numbers(_drop_paragraphs(example.text, copy), shift)


def generate(n: int, out_dir: Path, source: Path = EXAMPLES) -> list[Path]:
    """Write ``n`` articles into ``out_dir`` (emptied first); return their paths."""
    if not 0 < n <= MAX_ARTICLES:
        raise ValueError(f"n must be between 1 and {MAX_ARTICLES}")
    examples = load_examples(source)
    if not examples:
        raise ValueError(f"no .txt/.md/.html example articles in {source}")
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    written: list[Path] = []
    for i in range(n):
        ex = examples[i % len(examples)]
        copy = i // len(examples)
        target = out_dir / f"a{i:05d}-{ex.path.stem}{ex.path.suffix}"
        # The shift is unique per article, so two examples that are reposts of each other
        # still give different articles.
        target.write_bytes(variant(ex, copy, i + 1).encode(ex.encoding))
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Make N distinct articles from example pages.")
    p.add_argument("n", type=int, help=f"number of articles (1..{MAX_ARTICLES})")
    p.add_argument("out", type=Path, help="output folder (replaced)")
    p.add_argument("--source", type=Path, default=EXAMPLES, help="folder of example pages")
    args = p.parse_args(argv)
    paths = generate(args.n, args.out, args.source)
    print(f"wrote {len(paths)} articles to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
