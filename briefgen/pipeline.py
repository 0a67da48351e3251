"""The Python API: ``build_brief()``; the CLI's ``build`` and ``summarize`` are thin layers over it.

One build is ingest -> article summaries -> comparison -> executive summary
-> rendering.  The engine is the model when one is configured, otherwise the
extractive engine, so ``briefgen build examples/articles -o out`` works with
no key and no network.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.core.errors import BriefgenError, ConfigError, UsageError
from briefgen.core.types import Corpus, Dimension
from briefgen.output.report import Brief, settings_hash

if TYPE_CHECKING:
    from briefgen.engines.engine import Engine, EngineName, EngineRun, ModelFailure
    from briefgen.evidence.glossary import Glossary
    from briefgen.model.config import ModelConfig
    from briefgen.model.prompts import PromptSet
    from briefgen.output.render import Templates

ENGINES = ("model", "extractive")
LOG_NAME = "briefgen-log.db"


@dataclass
class BuildSettings:
    """Everything a build needs besides the input folder (the CLI's options)."""

    engine: str | None = None  # "model" | "extractive" | None: model if configured
    lang: str = "both"
    template: Path | None = None  # a custom brief template file
    templates_dir: Path | None = None  # overrides any template by name
    prompts_dir: Path | None = None
    glossary: list[Path] = field(default_factory=list)
    dimensions: Path | None = None
    model_flags: dict[str, Any] = field(default_factory=dict)  # config.resolve_config's flags
    progress: bool = False
    workers: int | None = None
    # Articles per model call: at most this many evidence tokens / articles (0 or 1: one each).
    batch_tokens: int | None = None
    batch_articles: int | None = None
    strict: bool = False  # any failed model call: stop before writing (exit 1)
    # issue 16: the editor's review file (None: OUT/review.yaml when it exists), the
    # formats written (md, html, json, docx), Word's reference document, approvals shown
    review: Path | None = None
    formats: tuple[str, ...] = ("md", "html", "json")
    docx_template: Path | None = None
    show_review: bool = False

    @classmethod
    def from_cli(cls, **kw: Any) -> BuildSettings:
        """From the typer command's ``locals()`` (unknown names are ignored)."""
        # Every option given goes to resolve_config, which reads the model settings it knows:
        # their names are listed there only, not copied here.
        flags = {k: v for k, v in kw.items() if v is not None and v is not False}
        from briefgen.output.editorial import parse_formats

        return cls(
            engine=kw.get("engine"),
            lang=kw.get("lang") or "both",
            template=kw.get("template"),
            templates_dir=kw.get("templates"),
            prompts_dir=kw.get("prompts"),
            glossary=list(kw.get("glossary") or []),
            dimensions=kw.get("dimensions"),
            model_flags=flags,
            progress=True,
            batch_tokens=kw.get("batch_tokens"),
            batch_articles=kw.get("batch_articles"),
            strict=bool(kw.get("strict")),
            review=kw.get("review"),
            formats=parse_formats(kw.get("formats")),
            docx_template=kw.get("docx_template"),
            show_review=bool(kw.get("show_review")),
        )

    @property
    def dry_run(self) -> bool:
        return bool(self.model_flags.get("dry_run"))


# ---------------------------------------------------------------- helpers


def _today() -> str:
    return dt.date.today().isoformat()


def choose_engine(settings: BuildSettings) -> tuple[EngineName, ModelConfig | None]:
    """Which engine runs, and the model config when it is the model."""
    if settings.engine not in (None, *ENGINES):
        raise UsageError(f"--engine must be model or extractive, not {settings.engine!r}")
    if settings.engine == "extractive":
        return "extractive", None
    from briefgen.model.config import resolve_config

    config = resolve_config(settings.model_flags, cwd=Path.cwd())
    if config is None:
        if settings.engine == "model":
            raise ConfigError(
                "--engine model but no model is configured",
                help="pass --model NAME, set BRIEFGEN_MODEL, or put model = ... in briefgen.toml",
            )
        return "extractive", None
    return "model", config


def _batching(settings: BuildSettings) -> dict[str, Any]:
    """The batch limits for ``summarize_corpus`` (its defaults where the settings give none)."""
    from briefgen.engines.summarize import DEFAULT_BATCH_TOKENS

    tokens = DEFAULT_BATCH_TOKENS if settings.batch_tokens is None else settings.batch_tokens
    articles = settings.batch_articles  # None: one article per call, very short ones in pairs
    if tokens < 0:
        raise UsageError("--batch-tokens must be 0 (one article per call) or more")
    if articles is not None and articles < 1:
        raise UsageError("--batch-articles must be 1 or more")
    return {"batch_tokens": tokens, "batch_articles": articles}


def _file_hash(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc


def _dimensions_record(settings: BuildSettings, preset: str | None) -> dict[str, Any]:
    """Which dimensions the brief compares, for brief.json and the "how this brief was made"
    list: a reader comparing two briefs must see that one used the battery keywords."""
    from briefgen.evidence.dimensions import PRESETS_DIR, resolve

    path = resolve(settings.dimensions) if settings.dimensions else PRESETS_DIR / f"{preset}.toml"
    named = path.parent == PRESETS_DIR
    return {
        "dimensions": str(settings.dimensions) if settings.dimensions else preset,
        "dimensions_preset": path.stem if named else None,
        "dimensions_chosen": "from the articles" if settings.dimensions is None else "by --dimensions",
        "dimensions_version": _file_hash(path),
    }


def _corpus_dimensions(
    settings: BuildSettings, dims: list[Dimension], corpus: Corpus
) -> tuple[list[Dimension], str | None]:
    """The dimensions to compare and the preset chosen from the articles (None when
    ``--dimensions`` named one): without ``--dimensions`` a folder of battery or chip news
    gets that industry's keywords, so its table fills as well as a biomedicine one."""
    if settings.dimensions is not None:
        return dims, None
    from briefgen.evidence.dimensions import PRESETS_DIR, choose_preset, load_dimensions

    preset = choose_preset(d.text for d in corpus.documents)
    return load_dimensions(PRESETS_DIR / f"{preset}.toml"), preset


def _settings_record(
    settings: BuildSettings, engine: Engine, templates: Templates, preset: str | None
) -> dict[str, Any]:
    client = getattr(engine, "client", None)
    config: ModelConfig | None = client.config if client is not None else None
    record: dict[str, Any] = {
        "engine": engine.name,
        "model": config.model if config else None,
        "base_url": config.public_url if config else None,
        "temperature": config.temperature if config else None,
        "prompts_version": engine.prompts_version,
        "templates_version": templates.version,
        "template": str(settings.template) if settings.template else None,
        **_dimensions_record(settings, preset),
        "glossary": [str(p) for p in settings.glossary],
        "glossary_version": [_file_hash(p) for p in settings.glossary],
        "lang": settings.lang,
        "batch_tokens": settings.batch_tokens,
        "batch_articles": settings.batch_articles,
    }
    record["hash"] = settings_hash(record)
    return record


def _check_corpus(corpus: Corpus, input_dir: Path) -> None:
    if not corpus.documents:
        raise BriefgenError(
            f"no article could be read from {input_dir} ({len(corpus.skipped)} file(s) skipped)",
            help="supported: .txt .md .html .htm .pdf .docx",
        )


# -------------------------------------------------------------------- build


@dataclass
class _Run:
    brief: Brief
    plan: str | None  # the model's call plan (dry run), None for the extractive engine
    paths: list[Path]


def _log_path(settings: BuildSettings, out_dir: Path | None) -> Path | None:
    if settings.dry_run or out_dir is None:
        return None
    log_path = Path(out_dir) / LOG_NAME
    log_path.parent.mkdir(parents=True, exist_ok=True)
    return log_path


@dataclass
class EngineChoice:
    """Which engine a run uses, decided (and its settings and prompt files checked) once,
    before any article is read; the engine itself is made after ingest (``make_engine``)."""

    name: EngineName
    config: ModelConfig | None
    prompts: PromptSet | None


def choose(settings: BuildSettings) -> EngineChoice:
    name, config = choose_engine(settings)
    if name == "extractive" or config is None:
        return EngineChoice("extractive", None, None)
    from briefgen.model.prompts import load_prompts

    return EngineChoice("model", config, load_prompts(settings.prompts_dir))


def make_engine(
    choice: EngineChoice, settings: BuildSettings, glossary: Glossary, dims: list[Dimension], out_dir: Path | None
) -> Engine:
    """The engine a build runs: the model when one is configured, else extractive."""
    from briefgen.engines.engine import ExtractiveEngine, ModelEngine

    if choice.config is None or choice.prompts is None:
        return ExtractiveEngine(glossary, dims)
    from briefgen.model.client import ModelClient

    client = ModelClient(choice.config, log_path=_log_path(settings, out_dir))
    return ModelEngine(client, choice.prompts, glossary, dims, **_batching(settings))


def _plan(engine: Engine) -> str | None:
    client = getattr(engine, "client", None)
    return client.plan_text() if client is not None else None


def check_strict(failures: Sequence[ModelFailure]) -> None:
    """``--strict``: any failed model call stops the build before anything is written."""
    if failures:
        first = failures[0]
        what = f"article {first.doc_id}" if first.doc_id else "executive summary"
        raise BriefgenError(
            f"{len(failures)} part(s) not written by the model ({what}: {first.reason}); "
            "nothing written (--strict)",
            help="fix the model settings, or drop --strict to write the brief with the "
            "extractive engine standing in for the failed articles",
        )


def _brief(
    corpus: Corpus, result: EngineRun, engine: Engine, settings: dict[str, Any], glossary: Glossary
) -> Brief:
    return Brief(
        corpus=corpus,
        articles=result.articles,
        comparison=result.comparison,
        summary=result.summary,
        usage=result.usage,
        settings=settings,
        engine=engine.name,
        generated=_today(),
        warnings=result.warnings,
        city_en={c: glossary.city_en(c) for d in corpus.documents for c in d.cities},
        model_failures=list(result.model_failures),
    )


@dataclass
class _Setup:
    """What ``build`` and ``summarize`` both check and load before reading any article."""

    choice: EngineChoice
    templates: Templates
    glossary: Glossary
    dims: list[Dimension]


def _setup(settings: BuildSettings, input_dir: Path, out_dir: Path | None, template: Path | None) -> _Setup:
    """Everything that can fail on the user's settings and files, failing before any
    article is read or model called: engine and prompts, output folder, templates,
    glossary, dimensions (checked even when no model will use them)."""
    from briefgen.evidence.dimensions import load_dimensions
    from briefgen.evidence.glossary import load_glossary
    from briefgen.output.folder import check_output_dir
    from briefgen.output.render import Templates

    choice = choose(settings)
    if out_dir is not None:
        check_output_dir(out_dir, input_dir)
    templates = Templates(template, settings.templates_dir)
    return _Setup(choice, templates, load_glossary(settings.glossary), load_dimensions(settings.dimensions))


def _run(input_dir: Path, out_dir: Path | None, settings: BuildSettings, *, write: bool) -> _Run:
    from briefgen.corpus.ingest import ingest
    from briefgen.output.editorial import read_review_file, write_formats
    from briefgen.output.folder import staged
    from briefgen.output.progress import stages
    from briefgen.output.render import LANGS
    from briefgen.output.review import apply_review

    if settings.lang not in LANGS:
        raise UsageError(f"--lang must be zh, en or both, not {settings.lang!r}")
    setup = _setup(settings, input_dir, out_dir, settings.template)
    templates, glossary = setup.templates, setup.glossary
    review = read_review_file(out_dir, settings.review)  # the editor's decisions (issue 16)
    with stages(5, settings.progress) as bar:
        bar.start("reading articles")
        corpus = ingest(Path(input_dir), workers=settings.workers, progress=False)
        _check_corpus(corpus, Path(input_dir))
        dims, preset = _corpus_dimensions(settings, setup.dims, corpus)
        engine = make_engine(setup.choice, settings, glossary, dims, out_dir)
        try:
            result = engine.run(corpus, bar)
        finally:
            engine.close()
        if settings.strict:
            check_strict(result.model_failures)
        record = _settings_record(settings, engine, templates, preset)
        brief = _brief(corpus, result, engine, record, glossary)
        paths: list[Path] = []
        if review is not None and not settings.dry_run:
            apply_review(brief, review)
        if write and out_dir is not None and not settings.dry_run:
            bar.start("writing the brief")
            with staged(out_dir) as staging:  # the old brief stays until the new one is whole
                written = write_formats(
                    brief, staging, formats=settings.formats, lang=settings.lang, templates=templates,
                    docx_template=settings.docx_template, show_review=settings.show_review,
                )
            paths = [out_dir / p.relative_to(staging) for p in written]
            log = out_dir / LOG_NAME
            if engine.name == "model" and log.exists():
                paths.append(log)
    return _Run(brief, _plan(engine), paths)


def build_brief(
    input_dir: Path | str, out_dir: Path | str | None = None, settings: BuildSettings | None = None
) -> Brief:
    """Build the cross-city brief for a folder of articles (same result as ``briefgen build``).

    With ``out_dir`` the outputs (brief.md/.html/.json, articles/, the audit
    log) are written there too; without it nothing is written.
    """
    settings = settings or BuildSettings()
    out = Path(out_dir) if out_dir is not None else None
    return _run(Path(input_dir), out, settings, write=out is not None).brief


# ---------------------------------------------------------------------- CLI


def run_build(directory: Path, out: Path, settings: BuildSettings) -> Brief:
    """``briefgen build``: build, write the outputs, print the closing line (or the plan)."""
    from briefgen.output.console import closing_line, echo, print_plan, warn

    run = _run(Path(directory), Path(out), settings, write=True)
    if settings.dry_run:
        print_plan(run.brief, run.plan, Path(directory), Path(out))
        return run.brief
    warn(run.brief.warnings)
    echo(closing_line(run.brief, run.paths, Path(out)))
    return run.brief


def run_summarize(
    directory: Path, out: Path, settings: BuildSettings
) -> tuple[list[Path], list[ModelFailure]]:
    """``briefgen summarize``: one cited bilingual Markdown file per article in OUT; also
    returns the articles a model call failed for (the CLI's exit status says so)."""
    from briefgen.corpus.ingest import ingest
    from briefgen.output.console import echo, print_summarize_plan, summarize_line, warn
    from briefgen.output.folder import staged
    from briefgen.output.render import write_articles

    setup = _setup(settings, Path(directory), Path(out), None)
    glossary = setup.glossary
    corpus = ingest(Path(directory), workers=settings.workers, progress=settings.progress)
    _check_corpus(corpus, Path(directory))
    if settings.dry_run and setup.choice.name == "extractive":
        print_summarize_plan(None, len(corpus.documents), out)
        return [], []
    # The same requests as ``build`` (dimensions, batches, figures listed), so a
    # ``summarize`` then a ``build`` of one folder share the cached calls.
    dims, _ = _corpus_dimensions(settings, setup.dims, corpus)
    engine = make_engine(setup.choice, settings, glossary, dims, Path(out))
    try:
        articles, result = engine.summarize(corpus)
    finally:
        engine.close()
    if settings.dry_run:
        print_summarize_plan(_plan(engine), len(corpus.documents), out)
        return [], []
    if settings.strict:
        check_strict(result.model_failures)
    city_en = {c: glossary.city_en(c) for d in corpus.documents for c in d.cities}
    with staged(Path(out), replace_all=True) as staging:  # old pages stay until all new ones are written
        written = write_articles(articles, corpus, city_en, staging, setup.templates, settings.lang)
    paths = [Path(out) / p.relative_to(staging) for p in written]
    warn(result.warnings)
    usage = result.usage if engine.name == "model" else None
    echo(summarize_line(articles, len(corpus.documents), len(corpus.skipped), usage, len(paths), out))
    return paths, result.model_failures
