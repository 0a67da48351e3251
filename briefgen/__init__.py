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
    "ingest": ("corpus.ingest", "ingest"),
    "corpus_to_json": ("corpus.ingest", "corpus_to_json"),
    "extract_facts": ("evidence.facts", "extract_facts"),
    "find_quantities": ("text.numbers", "find_quantities"),
    "load_glossary": ("evidence.glossary", "load_glossary"),
    "load_dimensions": ("evidence.dimensions", "load_dimensions"),
    "load_prompts": ("model.prompts", "load_prompts"),
    "summarize": ("engines.summarize", "summarize"),
    "summarize_document": ("engines.extractive", "summarize_document"),
    "compare": ("engines.compare", "compare"),
    "compare_extractive": ("engines.extractive", "compare"),
    "verify_claim": ("engines.verify", "verify_claim"),
    "brief_to_json": ("output.report", "brief_to_json"),
    "write_outputs": ("output.render", "write_outputs"),
    "ModelClient": ("model.client", "ModelClient"),
    "resolve_config": ("model.config", "resolve_config"),
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
    from .corpus.ingest import corpus_to_json, ingest
    from .engines.compare import compare
    from .engines.extractive import compare as compare_extractive
    from .engines.extractive import summarize_document
    from .engines.summarize import summarize
    from .engines.verify import verify_claim
    from .evidence.dimensions import load_dimensions
    from .evidence.facts import extract_facts
    from .evidence.glossary import load_glossary
    from .model.client import ModelClient
    from .model.config import resolve_config
    from .model.prompts import load_prompts
    from .output.render import write_outputs
    from .output.report import brief_to_json
    from .pipeline import BuildSettings, build_brief
    from .text.numbers import find_quantities


def __getattr__(name: str) -> Any:
    try:
        module, attr = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'briefgen' has no attribute {name!r}") from None
    return getattr(importlib.import_module(f".{module}", __name__), attr)
