"""The editorial commands' work: ``review``, the review step of ``build``, ``render``.

Why a module of its own: the CLI and the pipeline each call one function here, so
the rules (where the review file is, which formats exist, what a re-render reads)
live in one place and are tested without either of them.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.core.errors import ConfigError, UsageError
from briefgen.core.types import Fact
from briefgen.output.reload import brief_from_json, read_brief_json
from briefgen.output.report import Brief

if TYPE_CHECKING:
    from briefgen.output.render import Templates
from briefgen.output.review import (
    REVIEW_FILE,
    Outcome,
    ReviewFile,
    apply_review,
    load_review,
    unreview,
    write_review,
)

FORMATS = ("md", "html", "json", "docx")
DEFAULT_FORMATS = ("md", "html", "json")
# what each format writes (articles/ goes with the Markdown)
_FILES = {"md": ("brief.md", "articles"), "html": ("brief.html",), "json": ("brief.json",), "docx": ("brief.docx",)}


def parse_formats(text: str | None) -> tuple[str, ...]:
    """``md,html,json,docx`` -> the formats, in that order; an unknown one is a usage error."""
    if not text:
        return DEFAULT_FORMATS
    wanted = [p.strip().lower() for p in text.split(",") if p.strip()]
    unknown = [p for p in wanted if p not in FORMATS]
    if unknown or not wanted:
        raise UsageError(
            f"--format: unknown format {', '.join(unknown) or '(none)'}", help=f"choose from {','.join(FORMATS)}"
        )
    return tuple(f for f in FORMATS if f in wanted)


def review_path(out_dir: Path | None, review: Path | None = None) -> Path | None:
    """The review file a build applies: ``--review FILE`` (must exist), else ``OUT/review.yaml`` if present."""
    if review is not None:
        if not Path(review).is_file():
            raise UsageError(f"review file {review} not found", help="write one with briefgen review OUT")
        return Path(review)
    if out_dir is None:
        return None
    default = Path(out_dir) / REVIEW_FILE
    return default if default.is_file() else None


def read_review_file(out_dir: Path | None, review: Path | None = None) -> ReviewFile | None:
    """The decisions a build will apply, read up front so a broken file fails before any model call."""
    path = review_path(out_dir, review)
    return load_review(path) if path is not None else None


def apply_review_file(brief: Brief, out_dir: Path | None, review: Path | None = None) -> Outcome | None:
    """The review step of ``build``: apply OUT/review.yaml (or ``review``) when there is one."""
    path = review_path(out_dir, review)
    if path is None:
        return None
    return apply_review(brief, load_review(path))


def review_command(out_dir: Path, path: Path | None = None) -> tuple[Path, ReviewFile]:
    """``briefgen review OUT``: write OUT/review.yaml from OUT/brief.json, keeping decisions."""
    brief = brief_from_json(read_brief_json(Path(out_dir) / "brief.json"))
    target = Path(path) if path is not None else Path(out_dir) / REVIEW_FILE
    return target, write_review(brief, target)


def review_summary(result: ReviewFile) -> str:
    """One line for the terminal: how many entries wait for a decision, how many are stale."""
    counts: dict[str, int] = {}
    for d in result.decisions.values():
        counts[d.status] = counts.get(d.status, 0) + 1
    parts = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("pending", "approved", "edited", "rejected"))
    return f"{len(result.decisions)} entries ({parts}); {len(result.stale)} stale"


def review_lines(brief: Brief) -> list[str]:
    """One line per decision applied to ``brief`` (``--verbose``), failing edits with their reasons."""
    from briefgen.output.keys import brief_items, review_of

    lines = []
    for item in brief_items(brief):
        review = review_of(item.obj)
        if review is None:
            continue
        status = getattr(item.obj, "status", "verified")
        failed = review["status"] == "edited" and status != "verified"
        reasons = "; ".join(getattr(item.obj, "reasons", []))
        lines.append(f"review: {review['status']} {item.key}" + (f" (fails the check: {reasons})" if failed else ""))
    return lines


def approval_check(brief: Brief, show: bool) -> Callable[[Any], bool]:
    """``approved(item)`` for the templates: is this claim or cell one an editor approved?

    The templates receive plain views (zh, en, cites), so approved items are recognised
    by their text; with ``show`` false nothing is marked.
    """
    from briefgen.output.keys import brief_items, review_of

    texts = set()
    for item in brief_items(brief):
        review = review_of(item.obj)
        if show and review is not None and review.get("status") == "approved" and not isinstance(item.obj, Fact):
            texts.add((item.obj.zh, item.obj.en))

    def approved(view: Any) -> bool:
        return isinstance(view, Mapping) and (view.get("zh"), view.get("en")) in texts

    return approved


def write_formats(
    brief: Brief,
    out_dir: Path,
    *,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    lang: str = "both",
    template: Path | None = None,
    templates_dir: Path | None = None,
    docx_template: Path | None = None,
    templates: Templates | None = None,
    show_review: bool = False,
) -> list[Path]:
    """Write the requested formats of ``brief`` into ``out_dir`` (only those; others untouched).

    The renderers write every text format at once, so they write into a scratch folder
    and only the requested files move into place.  Paths come back in the order
    brief.md, brief.html, brief.json, articles/…, brief.docx.
    """
    from briefgen.output.render import Templates, write_outputs

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    templates = templates or Templates(template, templates_dir)
    # the templates mark approved items with ``approved(item)`` (--show-review)
    templates.env.globals["approved"] = approval_check(brief, show_review)
    paths: list[Path] = []
    articles: list[Path] = []
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".render-") as tmp:
        written = write_outputs(brief, Path(tmp), lang=lang, templates=templates)
        for fmt in formats:
            for name in _FILES[fmt]:
                src = Path(tmp) / name
                if not src.exists():
                    continue
                dest = out_dir / name
                if dest.is_dir():
                    shutil.rmtree(dest)
                src.replace(dest)
                if name == "articles":
                    articles = [out_dir / "articles" / p.name for p in written if p.parent.name == "articles"]
                else:
                    paths.append(dest)
    paths += articles
    if "docx" in formats:
        from briefgen.output.docx import write_docx

        docx_path = out_dir / "brief.docx"
        paths.append(write_docx(brief, docx_path, lang=lang, template=docx_template, show_review=show_review))
    return paths


def render_command(
    out_dir: Path,
    *,
    review: Path | None = None,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    lang: str | None = None,
    template: Path | None = None,
    templates_dir: Path | None = None,
    docx_template: Path | None = None,
    show_review: bool = False,
) -> tuple[Brief, Outcome | None, list[Path]]:
    """``briefgen render OUT``: the brief again from OUT/brief.json and the review file.

    No source is read and no model is called: the decisions recorded in brief.json are
    undone, the current review file applied (edits checked against the excerpts
    brief.json holds), and the requested formats written.
    """
    out_dir = Path(out_dir)
    brief = brief_from_json(read_brief_json(out_dir / "brief.json"))
    unreview(brief)
    path = review_path(out_dir, review)
    outcome = apply_review(brief, load_review(path)) if path is not None else None
    chosen = lang or str(brief.settings.get("lang") or "both")
    if chosen not in ("zh", "en", "both"):
        raise ConfigError(f"--lang must be zh, en or both, not {chosen!r}")
    paths = write_formats(
        brief, out_dir, formats=formats, lang=chosen, template=template,
        templates_dir=templates_dir, docx_template=docx_template, show_review=show_review,
    )
    return brief, outcome, paths
