"""The ``briefgen`` command: a thin typer layer over the Python API.

Errors reach the user as one line: exit 1 for domain errors, 2 for usage.  Exit 3:
the brief was written, but some model calls failed (the brief says which, in a
banner; ``--strict`` turns that into exit 1 before anything is written).
Heavy imports happen inside the commands so ``briefgen --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import os
import sys
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from briefgen.core.errors import BriefgenError, UsageError

# The brief was written, but model calls failed for some of it: a script must be able to
# tell this from a clean build (0) and from no brief at all (1).
EXIT_MODEL_FAILED = 3

app = typer.Typer(
    name="briefgen",
    help="Turn a folder of scraped news articles into cited, bilingual policy briefs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# ---------------------------------------------------------------- shared options
# Rich reads "[...]" as markup and would drop "[default: 12000]": defaults are written
# with an escaped bracket ("\\[default: ...]").

ModelOpt = Annotated[str | None, typer.Option("--model", help="Model name (env BRIEFGEN_MODEL).")]
BaseUrlOpt = Annotated[
    str | None, typer.Option("--base-url", help="OpenAI-compatible base URL (env BRIEFGEN_BASE_URL).")
]
ApiKeyFileOpt = Annotated[
    Path | None, typer.Option("--api-key-file", help="File holding the API key (mode 600).")
]
ConcurrencyOpt = Annotated[int | None, typer.Option("--concurrency", min=1, help="Parallel model calls \\[default: 4].")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Print planned calls, tokens and cost; call nothing.")]
BudgetOpt = Annotated[
    int | None, typer.Option("--budget-tokens", min=1, help="Hard cap on tokens; calls past it are not started.")
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Bypass the response cache.")]
RecordOpt = Annotated[Path | None, typer.Option("--record", help="Save every model exchange as JSON in DIR.")]
ReplayOpt = Annotated[Path | None, typer.Option("--replay", help="Answer only from recordings in DIR.")]
TimeoutOpt = Annotated[
    float | None,
    typer.Option("--timeout", min=1, help="Seconds the server may stay silent (before the first "
                 "token or between two); a whole call may take this plus max_tokens/10 s \\[default: 60]."),
]
AllowHttpOpt = Annotated[
    bool, typer.Option("--allow-http", help="Allow sending the API key to a plain-http server on another machine.")
]
BatchTokensOpt = Annotated[
    int | None,
    typer.Option(
        "--batch-tokens",
        min=0,
        help="Pack articles into one call up to N excerpt tokens \\[default: 12000]; 0: one call per article.",
    ),
]
BatchArticlesOpt = Annotated[
    int | None, typer.Option("--batch-articles", min=1, help="At most N articles per call \\[default: one per call; very short articles two to a call].")
]
EngineOpt = Annotated[
    str | None,
    typer.Option("--engine", help="model | extractive \\[default: model if one is configured, else extractive]."),
]
PromptsOpt = Annotated[Path | None, typer.Option("--prompts", help="Folder with your own prompt files.")]
GlossaryOpt = Annotated[
    list[Path] | None, typer.Option("--glossary", help="Extra glossary file(s) (TSV: zh<TAB>en).")
]
TemplatesOpt = Annotated[Path | None, typer.Option("--templates", help="Folder with your own templates.")]
DimensionsOpt = Annotated[
    Path | None,
    typer.Option(
        "--dimensions",
        help="Your own dimensions file, or a preset: general, biomedicine, nev, ic, lowalt-ai"
        " (default: the preset the articles' wording fits).",
    ),
]
StrictOpt = Annotated[
    bool, typer.Option("--strict", help="Any failed model call: exit 1 before writing anything.")
]
OutOpt = Annotated[Path | None, typer.Option("-o", "--output", help="Output folder.")]

# issue 16: the editorial workflow
ReviewOpt = Annotated[
    Path | None,
    typer.Option("--review", help="Editor's review file to apply \\[default: OUT/review.yaml when it exists]."),
]
FormatOpt = Annotated[
    str | None, typer.Option("--format", help="Outputs, any of md,html,json,docx \\[default: md,html,json].")
]
DocxTemplateOpt = Annotated[
    Path | None, typer.Option("--docx-template", help="House-style Word reference document for brief.docx.")
]
ShowReviewOpt = Annotated[bool, typer.Option("--show-review", help="Mark approved items in the brief.")]

# The options ``summarize`` and ``build`` share, defined once: (name, annotation, default).
SHARED_OPTIONS: tuple[tuple[str, Any, Any], ...] = (
    ("output", OutOpt, None),
    ("model", ModelOpt, None),
    ("base_url", BaseUrlOpt, None),
    ("api_key_file", ApiKeyFileOpt, None),
    ("engine", EngineOpt, None),
    ("concurrency", ConcurrencyOpt, None),
    ("dry_run", DryRunOpt, False),
    ("budget_tokens", BudgetOpt, None),
    ("no_cache", NoCacheOpt, False),
    ("record", RecordOpt, None),
    ("replay", ReplayOpt, None),
    ("timeout", TimeoutOpt, None),
    ("allow_http", AllowHttpOpt, False),
    ("batch_tokens", BatchTokensOpt, None),
    ("batch_articles", BatchArticlesOpt, None),
    ("prompts", PromptsOpt, None),
    ("glossary", GlossaryOpt, None),
    ("templates", TemplatesOpt, None),
    ("dimensions", DimensionsOpt, None),
    ("strict", StrictOpt, False),
)


def shared_options(func: Callable[..., None]) -> Callable[..., None]:
    """Give a command the shared options: typer reads the signature set here, and the
    command receives them in ``**options`` (so they are listed once, not per command)."""
    own = [p for p in inspect.signature(func).parameters.values() if p.kind is not p.VAR_KEYWORD]
    hints = typing.get_type_hints(func, include_extras=True)
    params = [p.replace(annotation=hints.get(p.name, p.annotation)) for p in own]
    params += [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=ann)
        for name, ann, default in SHARED_OPTIONS
    ]

    @functools.wraps(func)
    def command(**kw: Any) -> None:
        func(**kw)

    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    return command


def _fail(err: BriefgenError) -> None:
    typer.echo(f"error: {err.one_line()}", err=True)
    raise typer.Exit(err.exit_code)


def _check_dir(path: Path) -> None:
    if not path.exists():
        raise UsageError(f"{path} does not exist", help="give a folder of saved articles")
    if not path.is_dir():
        raise UsageError(f"{path} is not a folder", help="give a folder of saved articles")


# ---------------------------------------------------------------------- ingest


@app.command()
def ingest(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Folder of saved articles.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the documents as JSON.")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the JSON to FILE.")] = None,
    show_dropped: Annotated[bool, typer.Option("--show-dropped", help="List every dropped line and why.")] = False,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Worker processes.")] = None,
    follow_links: Annotated[
        bool, typer.Option("--follow-links", help="Also read symlinks that point outside DIR.")
    ] = False,
) -> None:
    """Read a folder of saved pages into clean documents with citable excerpts."""
    try:
        _check_dir(directory)
        from briefgen.corpus.ingest import corpus_to_json, print_summary
        from briefgen.corpus.ingest import ingest as run_ingest
        from briefgen.output.folder import check_output_file, write_file

        if output:
            check_output_file(output)  # before reading: a bad -o fails in a second, not after ingest

        corpus = run_ingest(directory, workers=workers, progress=not as_json, follow_links=follow_links)
        if as_json or output:
            data = json.dumps(corpus_to_json(corpus), ensure_ascii=False, indent=2)
            if output:
                write_file(output, data + "\n")
            else:
                sys.stdout.write(data + "\n")
        if not as_json:
            print_summary(corpus, show_dropped=show_dropped)
        elif show_dropped:
            print_summary(corpus, show_dropped=True, stream=sys.stderr)
        if not corpus.documents:
            raise BriefgenError(
                f"no article could be read from {directory} ({len(corpus.skipped)} file(s) skipped)",
                help="supported: .txt .md .html .htm .pdf .docx",
            )
    except BriefgenError as err:
        _fail(err)


# ------------------------------------------------------------------- summarize / build


def _settings(**kw: Any) -> Any:
    from briefgen.pipeline import BuildSettings

    return BuildSettings.from_cli(**kw)


@app.command()
@shared_options
def summarize(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Folder of saved articles.")],
    **options: Any,
) -> None:
    """Write a cited Chinese + English summary of each article (OUT/<doc-id>.md)."""
    try:
        _check_dir(directory)
        from briefgen.pipeline import run_summarize

        _, failures = run_summarize(directory, options["output"] or Path("out"), _settings(**options))
    except BriefgenError as err:
        _fail(err)
    if failures:
        raise typer.Exit(EXIT_MODEL_FAILED)


@app.command()
@shared_options
def build(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Folder of saved articles.")],
    template: Annotated[Path | None, typer.Option("--template", help="Your own brief template file.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh | en | both.")] = "both",
    review: ReviewOpt = None,
    formats: FormatOpt = None,
    docx_template: DocxTemplateOpt = None,
    show_review: ShowReviewOpt = False,
    **options: Any,
) -> None:
    """Ingest, summarise, compare and render the cross-city brief (OUT/brief.md/.html/.json)."""
    try:
        _check_dir(directory)
        if lang not in ("zh", "en", "both"):
            raise UsageError(f"--lang must be zh, en or both, not {lang!r}")
        from briefgen.pipeline import run_build

        editorial = {"review": review, "formats": formats, "docx_template": docx_template, "show_review": show_review}
        settings = _settings(template=template, lang=lang, **editorial, **options)
        if _STATE["quiet"]:
            settings.progress = False
        with _quiet():
            brief = run_build(directory, options["output"] or Path("out"), settings)
        if _STATE["verbose"]:
            from briefgen.output.editorial import review_lines

            for line in review_lines(brief):
                typer.echo(line)
    except BriefgenError as err:
        _fail(err)
    if brief.model_failures:
        raise typer.Exit(EXIT_MODEL_FAILED)


# ------------------------------------------------------------------------ logs


@app.command()
def logs(
    as_json: Annotated[bool, typer.Option("--json", help="Print the log entries as JSON.")] = False,
    database: Annotated[
        Path | None, typer.Option("--database", "-d", help="Audit log (default: ./out/briefgen-log.db).")
    ] = None,
    count: Annotated[int, typer.Option("-n", "--count", min=0, help="Newest N entries (0: all).")] = 20,
) -> None:
    """List the audit log of model calls: prompt, response, tokens, latency, cache hit, error."""
    try:
        from briefgen.model.auditlog import print_logs

        print_logs(database, as_json=as_json, count=count)
    except BriefgenError as err:
        _fail(err)


# ----------------------------------------------------------- editorial (issue 16)

_STATE = {"quiet": False, "verbose": False}


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """With --quiet the closing lines are not printed; warnings and errors (stderr) still are."""
    if not _STATE["quiet"]:
        yield
        return
    with open(os.devnull, "w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink):
        yield


def _say(text: str) -> None:
    if not _STATE["quiet"]:
        typer.echo(text)


@app.command()
def review(
    out: Annotated[Path, typer.Argument(metavar="OUT", help="Output folder of a build (holds brief.json).")],
    review_file: Annotated[
        Path | None, typer.Option("--review", help="Write the review file here \\[default: OUT/review.yaml].")
    ] = None,
) -> None:
    """Write OUT/review.yaml: every statement to approve, reject or edit (earlier decisions kept)."""
    try:
        from briefgen.output.editorial import review_command, review_summary

        path, result = review_command(out, review_file)
        _say(f"wrote {path}: {review_summary(result)}")
    except BriefgenError as err:
        _fail(err)


@app.command()
def render(
    out: Annotated[Path, typer.Argument(metavar="OUT", help="Output folder of a build (holds brief.json).")],
    review: ReviewOpt = None,
    formats: FormatOpt = None,
    lang: Annotated[str | None, typer.Option("--lang", help="zh | en | both \\[default: as built].")] = None,
    template: Annotated[Path | None, typer.Option("--template", help="Your own brief template file.")] = None,
    templates: TemplatesOpt = None,
    docx_template: DocxTemplateOpt = None,
    show_review: ShowReviewOpt = False,
) -> None:
    """Re-render OUT's brief from OUT/brief.json and the review file: no sources read, no model called."""
    try:
        from briefgen.output.console import warn
        from briefgen.output.editorial import parse_formats, render_command, review_lines

        brief, _, paths = render_command(
            out, review=review, formats=parse_formats(formats), lang=lang, template=template,
            templates_dir=templates, docx_template=docx_template, show_review=show_review,
        )
        warn(brief.warnings)
        shown = [p for p in paths if p.parent.name != "articles"]
        _say(f"wrote {', '.join(str(p) for p in shown)} ({len(paths) - len(shown)} article pages)")
        if _STATE["verbose"]:
            for line in review_lines(brief):
                typer.echo(line)
    except BriefgenError as err:
        _fail(err)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(metavar="OLD_OUT", help="Last week's output folder.")],
    new: Annotated[Path, typer.Argument(metavar="NEW_OUT", help="This week's output folder.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the changes as JSON.")] = False,
) -> None:
    """What changed between two briefs: articles, figures, cell statuses, targets (both sides cited)."""
    try:
        from briefgen.output.diff import diff_dirs, diff_markdown

        changes = diff_dirs(old, new)
        text = json.dumps(changes.to_json(), ensure_ascii=False, indent=2) if as_json else diff_markdown(changes)
        sys.stdout.write(text.rstrip("\n") + "\n")
    except BriefgenError as err:
        _fail(err)


@app.command()
def schema() -> None:
    """Print the JSON Schema of brief.json."""
    from briefgen.output.schema import brief_schema

    sys.stdout.write(json.dumps(brief_schema(), ensure_ascii=False, indent=2) + "\n")


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Project folder \\[default: here].")] = Path("."),
    customise: Annotated[
        bool, typer.Option("--customise", help="Also copy the prompts, templates, dimensions and glossary.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace files that already exist.")] = False,
) -> None:
    """Write a commented briefgen.toml (and, with --customise, copies of what you can change)."""
    try:
        from briefgen.output.init import init_project

        for path in init_project(directory, customise=customise, force=force):
            _say(f"wrote {path}")
    except BriefgenError as err:
        _fail(err)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"briefgen {version('briefgen')}")
        except PackageNotFoundError:
            typer.echo("briefgen (not installed)")
        raise typer.Exit(0)


@app.callback()
def _options(
    show_version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only warnings and errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also list each editor decision applied.")] = False,
) -> None:
    """Turn a folder of scraped news articles into cited, bilingual policy briefs."""
    if quiet and verbose:
        _fail(UsageError("--quiet and --verbose contradict each other", help="pass one of them"))
    _STATE["quiet"], _STATE["verbose"] = quiet, verbose


def main() -> None:
    """Console-script entry point; usage errors from click exit 2 on their own."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
