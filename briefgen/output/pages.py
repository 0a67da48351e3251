"""Markdown pages to HTML (``markdown_to_html``), many of them on every core of the machine.

Why the cores: the Markdown library is pure Python, and converting each article page to HTML was
the largest single cost of an offline build (issue 17: about a third of a 1,000-article
build).  The conversion is a pure function of strings, so worker processes give the
same bytes; the pages are still written in the build's order by the caller.  A small
build converts in this process: starting workers costs more than it saves there.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from briefgen.core.cpus import usable_cpus
from briefgen.output.safehtml import CSP, markdown_body

PARALLEL_FROM = 100  # pages: fewer are converted in this process

# links between the Markdown files, pointed at their HTML twins in the HTML pages
_MD_LINK = re.compile(r'href="((?:\.\./)?(?:articles/)?[\w.\-]+)\.md((?:#[^"]*)?)"', re.UNICODE)


def markdown_to_html(md: str, css: str, lang: str = "both", *, toc: bool = False) -> str:
    """Markdown with tables and anchors (see ``safehtml``), wrapped in a standalone page
    whose Content-Security-Policy forbids scripts.  Links to the brief's Markdown files
    (``articles/<id>.md``, ``../brief.md``) lead to their HTML pages instead, so a reader
    of brief.html never lands on raw Markdown; ``toc`` adds a table of contents."""
    body = _MD_LINK.sub(r'href="\1.html\2"', markdown_body(md, toc=toc))
    m = re.search(r"^#\s+(.+)$", md, flags=re.MULTILINE)
    title = html.escape(m.group(1).strip()) if m else "briefgen"
    html_lang = "en" if lang == "en" else "zh-CN"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{css}\n</style>\n</head>\n"
        f'<body>\n<main class="brief">\n{body}\n</main>\n</body>\n</html>\n'
    )


class Converter:
    """``submit(fn, *args)`` runs ``fn`` (a module-level function of picklable arguments)
    in a worker process when ``pages`` is large and there is more than one CPU, here
    otherwise, and returns a function that gives its result (waiting for it).  Use it as a
    context manager: leaving waits for the workers and stops them."""

    def __init__(self, pages: int, workers: int | None = None) -> None:
        n = usable_cpus() if workers is None else workers
        self._pool = ProcessPoolExecutor(max_workers=n) if pages >= PARALLEL_FROM and n > 1 else None

    @property
    def parallel(self) -> bool:
        return self._pool is not None

    def submit(self, fn: Callable[..., str], *args: Any, **kwargs: Any) -> Callable[[], str]:
        if self._pool is None:
            value = fn(*args, **kwargs)
            return lambda: value
        future: Future[str] = self._pool.submit(fn, *args, **kwargs)
        return future.result

    def __enter__(self) -> Converter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


__all__ = ["PARALLEL_FROM", "Converter", "markdown_to_html"]
