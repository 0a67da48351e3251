"""briefgen: cited, bilingual (Chinese + English) policy briefs from saved news articles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["build_brief", "ingest", "__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from .ingest import ingest
    from .pipeline import build_brief


def __getattr__(name: str) -> Any:
    # Lazy so that `import briefgen` stays cheap (jieba, langchain load on demand).
    if name == "build_brief":
        from .pipeline import build_brief

        return build_brief
    if name == "ingest":
        from .ingest import ingest

        return ingest
    raise AttributeError(name)
