"""Cut a cleaned document into citable excerpts with stable IDs.

One excerpt per paragraph; a paragraph longer than the token cap is split at
sentence ends (then at commas, then anywhere) so each piece fits.  IDs are
``<doc-id>:p<N>`` with N counted from 1 in document order, so the same input
always gives the same IDs and a citation such as ``foshan-plan:p3`` can be
read back by a person.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from briefgen.core.types import Excerpt
from briefgen.text import tokens

DEFAULT_MAX_TOKENS = 300
_CLOSERS = "”’」』）)》】\"'"
_SENTENCE_END = re.compile(rf"[。！？!?；;…]+[{re.escape(_CLOSERS)}]*")
_CLAUSE_END = re.compile(rf"[，,、：:]+[{re.escape(_CLOSERS)}]*")


def slugify(filename: str) -> str:
    """ASCII slug of a file's stem; names with Chinese get a stable short hash.

    ``"Foshan Plan 2023.txt" -> "foshan-plan-2023"``;
    ``"佛山行动计划.html" -> "doc-1a2b3c"``; ``"2023佛山.txt" -> "2023-<hash>"``.
    """
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name.strip(".") else name
    stem = unicodedata.normalize("NFC", stem)
    ascii_part = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_part.lower()).strip("-")[:60].strip("-")
    lost = any(ch.isalnum() and not ch.isascii() for ch in unicodedata.normalize("NFKD", stem))
    if lost or not slug:
        digest = hashlib.sha1(stem.encode("utf-8")).hexdigest()[:6]
        slug = f"{slug or 'doc'}-{digest}"
    return slug


def _pieces(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split after each match of ``pattern``, keeping the punctuation with its piece."""
    out: list[str] = []
    start = 0
    for match in pattern.finditer(text):
        out.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        out.append(text[start:])
    return [p for p in out if p.strip()]


def _fit(text: str, max_tokens: int) -> list[str]:
    """Pieces of ``text`` each within ``max_tokens``, split as gently as possible."""
    if len(text.encode("utf-8")) <= max_tokens or tokens.count(text) <= max_tokens:
        return [text]  # a token is at least one UTF-8 byte: short text needs no count
    for pattern in (_SENTENCE_END, _CLAUSE_END):
        parts = _pieces(text, pattern)
        if len(parts) > 1:
            return _group([p for part in parts for p in _fit(part, max_tokens)], max_tokens)
    # No punctuation to split at: cut into equal slices that fit.
    n = 2
    while True:
        size = -(-len(text) // n)
        slices = [text[i : i + size] for i in range(0, len(text), size)]
        if all(tokens.count(s) <= max_tokens for s in slices) or size <= 1:
            return slices
        n += 1


def _group(parts: list[str], max_tokens: int) -> list[str]:
    """Join consecutive pieces greedily while they stay under the cap."""
    groups: list[str] = []
    current = ""
    for part in parts:
        if current and tokens.count(current + part) > max_tokens:
            groups.append(current)
            current = part
        else:
            current += part
    if current:
        groups.append(current)
    return groups


def _split_original(original: str, pieces: list[str]) -> list[str]:
    """The as-written text of each piece: same offsets when lengths agree, else proportional."""
    if len(pieces) == 1:
        return [original]
    total = sum(len(p) for p in pieces)
    out: list[str] = []
    start = 0
    done = 0
    for i, piece in enumerate(pieces):
        done += len(piece)
        end = len(original) if i == len(pieces) - 1 else round(done * len(original) / total)
        out.append(original[start:end])
        start = end
    return out


def make_excerpts(
    doc_id: str,
    lines: list[str],
    original_lines: list[str] | None = None,
    max_tokens: int = DEFAULT_MAX_TOKENS,
) -> list[Excerpt]:
    """Excerpts ``<doc-id>:p1 ...`` from body paragraphs (simplified) and their originals."""
    if original_lines is None or len(original_lines) != len(lines):
        original_lines = list(lines)
    excerpts: list[Excerpt] = []
    for line, original in zip(lines, original_lines, strict=True):
        text = line.strip()
        if not text:
            continue
        orig = original.strip() or text
        pieces = _fit(text, max_tokens)
        originals = _split_original(orig, pieces)
        for raw_piece, orig_piece in zip(pieces, originals, strict=True):
            piece = raw_piece.strip()
            if not piece:
                continue
            n = len(excerpts) + 1
            excerpts.append(
                Excerpt(
                    id=f"{doc_id}:p{n}",
                    doc_id=doc_id,
                    n=n,
                    text=piece,
                    original=orig_piece.strip() or piece,
                    tokens=tokens.count(piece),
                )
            )
    return excerpts
