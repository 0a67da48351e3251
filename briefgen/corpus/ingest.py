"""Read a whole folder into a ``Corpus``: every file becomes a document or a skip.

Stages per file (load -> clean -> metadata -> excerpts) are independent, so
big folders run in a process pool; document IDs are fixed from the sorted
file names before any work starts, so they do not depend on timing.  Reposts
(a document whose paragraphs are almost all in an earlier one, and the other
way round) are kept once and the later copy is listed as "duplicate".
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from briefgen.core.cpus import usable_cpus
from briefgen.core.types import Cleaned, Corpus, Document, Excerpt, Skipped
from briefgen.corpus.excerpts import make_excerpts, slugify
from briefgen.corpus.load import discover, display_name, read_file
from briefgen.text.script import INVISIBLE, garbled, han_count

SERIAL_BELOW = 48  # fewer files than this: no process pool (start-up costs more than it saves)
DUPLICATE_SHARE = 0.85  # share of characters two documents must have in common both ways
_FOLD = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass
class _Done:
    """What a worker sends back for one file."""

    document: Document | None
    skipped: Skipped | None


# ------------------------------------------------------------------ workers


def _process(path: Path, root: Path, doc_id: str) -> _Done:
    """Load, clean, describe and excerpt one file (runs in a worker process)."""
    raw = read_file(path, root)
    if isinstance(raw, Skipped):
        return _Done(None, raw)
    try:
        from briefgen.corpus.clean import clean
        from briefgen.corpus.metadata import extract

        cleaned = clean(raw)
        lines = [ln for ln in cleaned.lines if ln.strip()]
        if not lines:
            return _Done(None, Skipped(raw.path, "no article text", _why_empty(raw.text, cleaned)))
        meta = extract(cleaned)
        originals = cleaned.original_lines if len(cleaned.original_lines) == len(cleaned.lines) else cleaned.lines
        pairs = [(ln, orig) for ln, orig in zip(cleaned.lines, originals, strict=True) if ln.strip()]
        excerpts = make_excerpts(doc_id, [p[0] for p in pairs], [p[1] for p in pairs])
    except Exception as exc:  # a bug in a cleaning rule must not end the whole run
        detail = f"could not be processed ({type(exc).__name__}: {exc})"[:200]
        return _Done(None, Skipped(raw.path, "unreadable", detail))
    document = Document(
        id=doc_id,
        path=raw.path,
        title=meta.title,
        date=meta.date,
        source=meta.source,
        author=meta.author,
        cities=list(meta.cities),
        text="\n".join(ln.strip() for ln, _ in pairs),
        excerpts=excerpts,
        dropped=dict(Counter(reason for reason, _ in cleaned.dropped)),
        dropped_lines=list(cleaned.dropped),
        warnings=_invisible_warnings(raw.text) + list(cleaned.warnings) + meta.warnings + _garbled_warnings(excerpts),
        title_original=cleaned.title_original,
        encoding=raw.encoding,
        provenance=dict(meta.provenance),
        date_confidence=meta.date_confidence,
    )
    return _Done(document, None)


def _why_empty(text: str, cleaned: Cleaned) -> str:
    """What cleaning found instead of an article, so the user can tell a wrong file from a rule
    that went too far."""
    sample = text[:200_000]
    han = han_count(sample)
    if han < 10 and han < 0.05 * sum(ch.isalpha() for ch in sample):
        return "no Chinese text (briefgen reads Chinese-language articles)"
    kinds = Counter(reason for reason, _ in cleaned.dropped).most_common(3)
    shown = ", ".join(f"{n} {reason}" for reason, n in kinds)
    if shown:
        return f"nothing left after cleaning (lines dropped as: {shown})"
    return "only a title, no body text" if cleaned.title else "nothing left after cleaning"


def _invisible_warnings(text: str) -> list[str]:
    """Say that invisible characters were removed: Unicode tag characters can spell out an
    instruction no reader sees; control characters are debris of a broken save."""
    found = INVISIBLE.findall(text)
    if not found:
        return []
    tags = sum(1 for ch in found if ord(ch) >= 0xE0000)
    parts = [f"{tags} invisible Unicode tag character(s) (hidden text?)"] if tags else []
    if len(found) > tags:
        parts.append(f"{len(found) - tags} control character(s)")
    return [" and ".join(parts) + " removed"]


def _garbled_warnings(excerpts: list[Excerpt]) -> list[str]:
    """Say where the page's own text is broken: the excerpt is kept (it is what the source
    says), but extractive quotes avoid those sentences and an editor should check them."""
    out = []
    for e in excerpts:
        runs = garbled(e.text)
        if runs:
            shown = "; ".join(f'"{r}"' for r in runs[:3])
            out.append(f"garbled characters in {e.id.rsplit(':', 1)[-1]} (broken in the source page?): {shown}")
    return out


def _process_args(args: tuple[Path, Path, str]) -> _Done:
    return _process(*args)


def _warm_up() -> None:
    """Load the tokenizer and cleaning modules once per worker, not once per file."""
    from briefgen.text import tokens

    tokens.count("预热")
    try:
        from briefgen.corpus import (
            clean,  # noqa: F401
            metadata,  # noqa: F401
        )
    except ImportError:
        pass


# ---------------------------------------------------------------------- ids


def assign_ids(paths: list[Path]) -> list[str]:
    """Slug of each file name, with -2, -3 ... on clashes, in the given (sorted) order."""
    taken: set[str] = set()
    ids: list[str] = []
    for path in paths:
        base = slugify(display_name(path.name))
        doc_id = base
        n = 2
        while doc_id in taken:
            doc_id = f"{base}-{n}"
            n += 1
        taken.add(doc_id)
        ids.append(doc_id)
    return ids


# --------------------------------------------------------------- duplicates


def _line_keys(doc: Document) -> dict[str, int]:
    """Paragraph fingerprints (spaces and punctuation folded) with their lengths."""
    keys: dict[str, int] = {}
    for line in doc.text.split("\n"):
        folded = _FOLD.sub("", line)
        if folded:
            keys[hashlib.blake2b(folded.encode(), digest_size=12).hexdigest()] = len(folded)
    return keys


class _DuplicateIndex:
    """Finds an earlier document sharing most of its paragraphs with a new one."""

    def __init__(self) -> None:
        self._owner: dict[str, list[int]] = {}
        self._docs: list[tuple[str, dict[str, int]]] = []

    def check_and_add(self, doc: Document) -> str | None:
        keys = _line_keys(doc)
        total = sum(keys.values()) or 1
        shared: Counter[int] = Counter()
        for key, size in keys.items():
            for owner in self._owner.get(key, ()):
                shared[owner] += size
        for owner, size in shared.most_common(3):
            owner_id, owner_keys = self._docs[owner]
            owner_total = sum(owner_keys.values()) or 1
            if size / total >= DUPLICATE_SHARE and size / owner_total >= DUPLICATE_SHARE:
                return owner_id
        index = len(self._docs)
        self._docs.append((doc.id, keys))
        for key in keys:
            self._owner.setdefault(key, []).append(index)
        return None


# ------------------------------------------------------------------- ingest


def _results(jobs: list[tuple[Path, Path, str]], workers: int, stack: ExitStack) -> Iterator[_Done]:
    """Results in job order; the pool (if any) starts here, before any progress-bar thread."""
    if workers <= 1 or len(jobs) < SERIAL_BELOW:
        return (_process_args(job) for job in jobs)
    chunk = max(1, min(64, len(jobs) // (workers * 8)))
    pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers, initializer=_warm_up))
    return pool.map(_process_args, jobs, chunksize=chunk)


def _with_progress(items: Iterable[_Done], total: int, enabled: bool) -> Iterator[_Done]:
    if not enabled or total == 0:
        yield from items
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("reading articles"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("ingest", total=total)
        for item in items:
            yield item
            bar.advance(task)


def ingest(root: Path, *, workers: int | None = None, progress: bool = False, follow_links: bool = False) -> Corpus:
    """Every file under ``root`` as a cleaned ``Document`` or a ``Skipped`` with its reason.

    Symlinks that leave ``root`` are listed as skipped unless ``follow_links``."""
    root = Path(root)
    paths, skipped = discover(root, follow_links=follow_links)
    ids = assign_ids(paths)
    jobs = [(path, root, doc_id) for path, doc_id in zip(paths, ids, strict=True)]
    documents: list[Document] = []
    index = _DuplicateIndex()
    paths_by_id: dict[str, str] = {}
    with ExitStack() as stack:
        results = _results(jobs, workers or usable_cpus(), stack)
        for done in _with_progress(results, len(jobs), progress):
            if done.skipped is not None:
                skipped.append(done.skipped)
                continue
            assert done.document is not None
            doc = done.document
            kept = index.check_and_add(doc)
            if kept is not None:
                skipped.append(Skipped(doc.path, "duplicate", f"same article as {paths_by_id[kept]} ({kept})"))
                continue
            documents.append(doc)
            paths_by_id[doc.id] = doc.path
    skipped.sort(key=lambda s: s.path)
    return Corpus(documents=documents, skipped=skipped)


# --------------------------------------------------------------------- output


def corpus_to_json(corpus: Corpus, *, text: bool = True) -> dict[str, Any]:
    """The ``--json`` shape of ``briefgen ingest`` (keys are a contract: add, never rename).

    ``text=False`` leaves out each document's full ``text`` (its excerpts stay).
    """
    documents = []
    for doc in corpus.documents:
        item: dict[str, Any] = {
            "id": doc.id,
            "path": doc.path,
            "title": doc.title,
            "date": doc.date,
            "source": doc.source,
            "author": doc.author,
            "cities": list(doc.cities),
        }
        if text:
            item["text"] = doc.text
        item["excerpts"] = [{"id": e.id, "text": e.text} for e in doc.excerpts]
        item["dropped"] = dict(doc.dropped)
        item["warnings"] = list(doc.warnings)
        item["provenance"] = dict(doc.provenance)  # where each metadata field came from
        item["date_confidence"] = doc.date_confidence
        documents.append(item)
    skipped = [{"path": s.path, "reason": s.reason, "detail": s.detail} for s in corpus.skipped]
    return {"documents": documents, "skipped": skipped}


def _dropped_cell(dropped: dict[str, int]) -> str:
    if not dropped:
        return "0"
    parts = ", ".join(f"{reason} {n}" for reason, n in sorted(dropped.items(), key=lambda kv: -kv[1]))
    return f"{sum(dropped.values())} ({parts})"


def print_summary(corpus: Corpus, *, show_dropped: bool = False, stream: IO[str] | None = None) -> None:
    """Readable tables of the documents read and the files skipped (and, on request, dropped lines)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    out = stream or sys.stdout
    console = Console(file=out, width=None if out.isatty() else 120, highlight=False)
    docs = Table(title=f"{len(corpus.documents)} document(s)", show_lines=False)
    for name in ("id", "title", "date", "cities", "excerpts", "dropped lines"):
        docs.add_column(name, overflow="fold")
    for doc in corpus.documents:
        docs.add_row(
            doc.id,
            doc.title or "-",
            doc.date or "-",
            " ".join(doc.cities) or "-",
            str(len(doc.excerpts)),
            _dropped_cell(doc.dropped),
        )
    console.print(docs)
    if corpus.skipped:
        skips = Table(title=f"{len(corpus.skipped)} file(s) skipped")
        for name in ("file", "reason", "detail"):
            skips.add_column(name, overflow="fold")
        for s in corpus.skipped:
            skips.add_row(s.path, s.reason, s.detail)
        console.print(skips)
    if show_dropped:
        for doc in corpus.documents:
            console.print(f"\n[bold]{escape(doc.id)}[/bold] ({escape(doc.path)}): {len(doc.dropped_lines)} line(s) dropped")
            for reason, line in doc.dropped_lines:
                console.print(f"  [{reason}] {line}", markup=False, soft_wrap=True)
    for doc in corpus.documents:
        for warning in doc.warnings:
            console.print(f"warning: {doc.id}: {warning}", markup=False)
