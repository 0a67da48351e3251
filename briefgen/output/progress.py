"""Stage progress on stderr for ``briefgen build`` (silent when disabled).

The bar advances per stage and names the stage it is in; during a model stage it also
counts calls finished, retries and failures, so a slow or struggling model is visible.
stdout stays free for the closing line and the plan.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from briefgen.model.client import CallProgress


class Stages(Protocol):
    def start(self, name: str) -> None: ...

    def calls(self, progress: CallProgress) -> None: ...


def call_line(stage: str, progress: CallProgress) -> str:
    """``summarising articles: call 3/6, 1 retry, 1 failed``."""
    parts = [f"{stage}: call {progress.done}/{progress.total}"]
    if progress.retries:
        parts.append(f"{progress.retries} retr{'y' if progress.retries == 1 else 'ies'}")
    if progress.failed:
        parts.append(f"{progress.failed} failed")
    return ", ".join(parts)


class _Silent:
    def start(self, name: str) -> None:
        return None

    def calls(self, progress: CallProgress) -> None:
        return None


class _Bar:
    def __init__(self, progress: object, task: object) -> None:
        self._progress = progress
        self._task = task
        self._started = False
        self._stage = ""

    def start(self, name: str) -> None:
        if self._started:
            self._progress.advance(self._task)  # type: ignore[attr-defined]
        self._started = True
        self._stage = name
        self._progress.update(self._task, description=name)  # type: ignore[attr-defined]

    def calls(self, progress: CallProgress) -> None:
        self._progress.update(self._task, description=call_line(self._stage, progress))  # type: ignore[attr-defined]


@contextmanager
def stages(total: int, enabled: bool) -> Iterator[Stages]:
    """A bar of ``total`` stages; ``start(name)`` closes the previous stage and opens the next."""
    if not enabled:
        yield _Silent()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<48}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("starting", total=total)
        yield _Bar(progress, task)
        progress.update(task, completed=total)
