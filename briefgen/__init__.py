"""briefgen: cited, bilingual (Chinese + English) policy briefs from saved news articles.

The Python API mirrors the CLI: ``build_brief`` runs the whole job, and each
stage function is importable from here for use inside editorial pipelines::

    from briefgen import ingest, summarize_document, compare_extractive, build_brief
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> (module, attribute); imported lazily so `import briefgen` stays cheap
_EXPORTS: dict[str, tuple[str, str]] = {
    "build_brief": ("pipeline", "build_brief"),
    "BuildSettings": ("pipeline", "BuildSettings"),
    "ingest": ("ingest", "ingest"),
    "corpus_to_json": ("ingest", "corpus_to_json"),
    "extract_facts": ("facts", "extract_facts"),
    "find_quantities": ("numbers", "find_quantities"),
    "load_glossary": ("glossary", "load_glossary"),
    "load_dimensions": ("dimensions", "load_dimensions"),
    "load_prompts": ("prompts", "load_prompts"),
    "summarize": ("summarize", "summarize"),
    "summarize_document": ("extractive", "summarize_document"),
    "compare": ("compare", "compare"),
    "compare_extractive": ("extractive", "compare"),
    "verify_claim": ("verify", "verify_claim"),
    "brief_to_json": ("report", "brief_to_json"),
    "write_outputs": ("render", "write_outputs"),
    "ModelClient": ("llm", "ModelClient"),
    "resolve_config": ("config", "resolve_config"),
}

__all__ = [
    "__version__",
    "build_brief",
    "BuildSettings",
    "ingest",
    "corpus_to_json",
    "extract_facts",
    "find_quantities",
    "load_glossary",
    "load_dimensions",
    "load_prompts",
    "summarize",
    "summarize_document",
    "compare",
    "compare_extractive",
    "verify_claim",
    "brief_to_json",
    "write_outputs",
    "ModelClient",
    "resolve_config",
]

if TYPE_CHECKING:  # pragma: no cover
    from .compare import compare
    from .config import resolve_config
    from .dimensions import load_dimensions
    from .extractive import compare as compare_extractive
    from .extractive import summarize_document
    from .facts import extract_facts
    from .glossary import load_glossary
    from .ingest import corpus_to_json, ingest
    from .llm import ModelClient
    from .numbers import find_quantities
    from .pipeline import BuildSettings, build_brief
    from .prompts import load_prompts
    from .render import write_outputs
    from .report import brief_to_json
    from .summarize import summarize
    from .verify import verify_claim


def __getattr__(name: str) -> Any:
    try:
        module, attr = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'briefgen' has no attribute {name!r}") from None
    return getattr(importlib.import_module(f".{module}", __name__), attr)
