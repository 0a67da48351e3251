"""Errors that reach the user as one line (never a traceback).

Each carries a ``help`` text saying how to fix it; the CLI prints
``error: <message> (<help>)`` and exits with ``exit_code``.  A failed model
call is not an exception: it comes back as a ``ModelResult`` with an error.
"""

from __future__ import annotations


class BriefgenError(Exception):
    """A domain error: bad input, missing key, failed replay.  Exit status 1."""

    exit_code = 1

    def __init__(self, message: str, *, help: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.help = help

    def one_line(self) -> str:
        text = self.message if not self.help else f"{self.message} ({self.help})"
        return " ".join(text.split())


class UsageError(BriefgenError):
    """Wrong command-line usage.  Exit status 2."""

    exit_code = 2


class ConfigError(BriefgenError):
    """Missing or invalid settings (model, key, prompts, templates)."""


class ReplayMissError(BriefgenError):
    """``--replay DIR`` has no recorded response for a request."""
