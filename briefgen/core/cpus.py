"""How many processes a build may run at once.

Ingest, the offline summaries and the HTML pages each spread work over worker processes;
they ask here so they agree on what the machine (or the container's CPU set) allows.
"""

from __future__ import annotations

import os


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity set on Linux, the CPU count elsewhere)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


__all__ = ["usable_cpus"]
