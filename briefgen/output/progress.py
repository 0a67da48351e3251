"""Stage progress on stderr for ``briefgen build`` (silent when disabled).

Model stages run as one batch each, so the bar advances per stage and names
the stage it is in; stdout stays free for the closing line and the plan.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Stages(Protocol):
    def start(self, name: str) -> None: ...


class _Silent:
    def start(self, name: str) -> None:
        return None


class _Bar:
    def __init__(self, progress: object, task: object) -> None:
        self._progress = progress
        self._task = task
        self._started = False

    def start(self, name: str) -> None:
        if self._started:
            self._progress.advance(self._task)  # type: ignore[attr-defined]
        self._started = True
        self._progress.update(self._task, description=name)  # type: ignore[attr-defined]


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
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("starting", total=total)
        yield _Bar(progress, task)
        progress.update(task, completed=total)
