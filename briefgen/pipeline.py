"""The Python API: ``build_brief()``; the CLI's ``build`` and ``summarize`` are thin layers over it.

One build is ingest -> article summaries -> comparison -> executive summary
-> rendering.  The engine is the model when one is configured, otherwise the
extractive engine, so ``briefgen build examples/articles -o out`` works with
no key and no network.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from briefgen.core.errors import BriefgenError, ConfigError, UsageError
from briefgen.core.types import ArticleSummary, Claim, Comparison, Corpus, Usage
from briefgen.output.report import Brief, settings_hash, verification_counts

if TYPE_CHECKING:
    from briefgen.evidence.glossary import Glossary
    from briefgen.model.client import ModelClient
    from briefgen.model.config import ModelConfig
    from briefgen.output.render import Templates

Engine = Literal["model", "extractive"]
ENGINES = ("model", "extractive")
MODEL_FLAGS = (
    "model",
    "base_url",
    "api_key_file",
    "concurrency",
    "dry_run",
    "budget_tokens",
    "no_cache",
    "record",
    "replay",
    "timeout",
)
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

    @classmethod
    def from_cli(cls, **kw: Any) -> BuildSettings:
        """From the typer command's ``locals()`` (unknown names are ignored)."""
        flags = {k: kw[k] for k in MODEL_FLAGS if kw.get(k) not in (None, False)}
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
        )

    @property
    def dry_run(self) -> bool:
        return bool(self.model_flags.get("dry_run"))


# ---------------------------------------------------------------- helpers


def _today() -> str:
    return dt.date.today().isoformat()


def choose_engine(settings: BuildSettings) -> tuple[Engine, ModelConfig | None]:
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
    from briefgen.engines.summarize import DEFAULT_BATCH_ARTICLES, DEFAULT_BATCH_TOKENS

    tokens = DEFAULT_BATCH_TOKENS if settings.batch_tokens is None else settings.batch_tokens
    articles = DEFAULT_BATCH_ARTICLES if settings.batch_articles is None else settings.batch_articles
    if tokens < 0:
        raise UsageError("--batch-tokens must be 0 (one article per call) or more")
    if articles < 1:
        raise UsageError("--batch-articles must be 1 or more")
    return {"batch_tokens": tokens, "batch_articles": articles}


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


def _file_hash(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc


def _settings_record(
    settings: BuildSettings,
    engine: Engine,
    config: ModelConfig | None,
    prompts_version: str | None,
    templates: Templates,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "engine": engine,
        "model": config.model if config else None,
        "base_url": config.public_url if config else None,
        "temperature": config.temperature if config else None,
        "prompts_version": prompts_version,
        "templates_version": templates.version,
        "template": str(settings.template) if settings.template else None,
        "dimensions": str(settings.dimensions) if settings.dimensions else "shipped",
        "dimensions_version": _file_hash(settings.dimensions),
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


def _extractive(
    corpus: Corpus, glossary: Glossary, dims: list[Any]
) -> tuple[list[ArticleSummary], Comparison, list[Claim]]:
    from briefgen.engines import extractive
    from briefgen.engines.verify import verify_claim

    articles = [extractive.summarize_document(doc, glossary) for doc in corpus.documents]
    comparison = extractive.compare(corpus, dims, glossary, {a.doc_id: a.facts for a in articles})
    index = corpus.excerpt_index()
    years = {d.id: _year(d.date) for d in corpus.documents}
    summary = []
    for c in extractive.executive_summary(articles, comparison, glossary):
        cited = {i: index[i] for i in c.cites if i in index}
        own = {y for e in cited.values() if (y := years.get(e.doc_id))}
        summary.append(verify_claim(c, cited, set(index), extra_years=own))
    return articles, comparison, summary


def _warnings(articles: list[ArticleSummary], usage: Usage, notes: list[str]) -> list[str]:
    out = list(notes)
    failed = [a.doc_id for a in articles if a.error]
    if failed:
        out.append(f"{len(failed)} article summary call(s) failed: {', '.join(failed)}")
    if usage.skipped_for_budget:
        out.append(
            f"token budget reached: {len(usage.skipped_for_budget)} call(s) left undone "
            f"({', '.join(usage.skipped_for_budget)})"
        )
    return out


# -------------------------------------------------------------------- build


@dataclass
class _Run:
    brief: Brief
    client: ModelClient | None
    paths: list[Path]


def _run(input_dir: Path, out_dir: Path | None, settings: BuildSettings, *, write: bool) -> _Run:
    from briefgen.corpus.ingest import ingest
    from briefgen.evidence.dimensions import load_dimensions
    from briefgen.evidence.glossary import load_glossary
    from briefgen.output.progress import stages
    from briefgen.output.render import LANGS, Templates, write_outputs

    if settings.lang not in LANGS:
        raise UsageError(f"--lang must be zh, en or both, not {settings.lang!r}")
    engine, config = choose_engine(settings)
    # Everything that can fail on the user's files fails before any model call.
    templates = Templates(settings.template, settings.templates_dir)
    glossary = load_glossary(settings.glossary)
    dims = load_dimensions(settings.dimensions)
    prompts = None
    if engine == "model":
        from briefgen.model.prompts import load_prompts

        prompts = load_prompts(settings.prompts_dir)

    client: ModelClient | None = None
    with stages(5, settings.progress) as bar:
        bar.start("reading articles")
        corpus = ingest(Path(input_dir), workers=settings.workers, progress=False)
        _check_corpus(corpus, Path(input_dir))
        if engine == "model":
            from briefgen.engines.compare import compare as compare_cells
            from briefgen.engines.compare import executive_summary
            from briefgen.engines.summarize import summarize_corpus
            from briefgen.model.client import ModelClient

            assert config is not None and prompts is not None
            log_path = None if settings.dry_run or out_dir is None else Path(out_dir) / LOG_NAME
            if log_path is not None:
                log_path.parent.mkdir(parents=True, exist_ok=True)
            client = ModelClient(config, log_path=log_path)
            try:
                bar.start("summarising articles")
                run = summarize_corpus(corpus, client, prompts, glossary, dims, **_batching(settings))
                articles = run.articles
                bar.start("comparing cities")
                comparison = compare_cells(corpus, articles, glossary, dims)
                bar.start("executive summary")
                notes: list[str] = list(run.notes)
                if run.overview is not None:  # the one summary call saw every article
                    summary = run.overview
                else:
                    summary = executive_summary(
                        corpus, comparison, client, prompts, glossary, warnings=notes
                    )
            finally:
                client.close()
            usage = client.usage
            warnings = _warnings(articles, usage, [*client.notes, *notes])
        else:
            bar.start("summarising (extractive)")
            articles, comparison, summary = _extractive(corpus, glossary, dims)
            bar.start("comparing cities")
            usage, warnings = Usage(), []
        city_en = {c: glossary.city_en(c) for d in corpus.documents for c in d.cities}
        brief = Brief(
            corpus=corpus,
            articles=articles,
            comparison=comparison,
            summary=summary,
            usage=usage,
            settings=_settings_record(
                settings, engine, config, prompts.version if prompts else None, templates
            ),
            engine=engine,
            generated=_today(),
            warnings=warnings,
            city_en=city_en,
        )
        paths: list[Path] = []
        if write and out_dir is not None and not settings.dry_run:
            bar.start("writing the brief")
            paths = write_outputs(brief, Path(out_dir), lang=settings.lang, templates=templates)
            if client is not None and client.log_path is not None and client.log_path.exists():
                paths.append(client.log_path)
    return _Run(brief, client, paths)


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


def _echo(text: str, *, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def closing_line(brief: Brief, paths: list[Path], out_dir: Path) -> str:
    """One line: documents, calls, tokens, cost, verification, outputs."""
    u = brief.usage
    v = verification_counts(brief)
    articles = [p for p in paths if p.parent.name == "articles"]
    shown = [str(p) for p in paths if p not in articles]
    if articles:
        shown.insert(3, f"{articles[0].parent}/ ({_plural(len(articles), 'article')})")
    calls = (
        f"{_plural(u.calls, 'model call')} ({u.cached} cached), "
        f"{u.prompt_tokens + u.completion_tokens:,} tokens ({u.prompt_tokens:,} prompt + "
        f"{u.completion_tokens:,} completion), est. cost ${u.cost:.4f}"
        if brief.engine == "model"
        else "extractive engine: 0 model calls, 0 tokens, est. cost $0.0000"
    )
    return (
        f"Done: {_plural(len(brief.corpus.documents), 'document')} read, "
        f"{len(brief.corpus.skipped)} skipped; {calls}; "
        f"claims {v['claims_verified'] + v['summary_verified']} verified, "
        f"{v['claims_rejected'] + v['summary_rejected']} rejected; "
        f"cells {v['cells_verified']} verified, {v['cells_rejected']} rejected, "
        f"{v['cells_not_found']} not found; wrote {', '.join(shown)}"
    )


def _print_plan(run: _Run, input_dir: Path, out: Path) -> None:
    brief = run.brief
    docs = len(brief.corpus.documents)
    _echo(
        f"Plan for {input_dir}: {_plural(docs, 'document')} "
        f"({len(brief.corpus.skipped)} skipped), engine {brief.engine}"
    )
    if run.client is not None:
        _echo(run.client.plan_text())
        _echo(
            "the comparison table is built from the summaries' verified findings (no calls); "
            "when one call holds every article it also writes the executive summary, otherwise "
            "add 1 exec-summary call over the verified cells (its size depends on the answers)"
        )
    else:
        _echo("no model calls: the extractive engine runs offline")
    _echo(f"would write {out}/brief.md, brief.html, brief.json and articles/ ({_plural(docs, 'file')}); dry run: nothing written")


def run_build(directory: Path, out: Path, settings: BuildSettings) -> Brief:
    """``briefgen build``: build, write the outputs, print the closing line (or the plan)."""
    run = _run(Path(directory), Path(out), settings, write=True)
    if settings.dry_run:
        _print_plan(run, Path(directory), Path(out))
        return run.brief
    for w in run.brief.warnings:
        _echo(f"warning: {w}", err=True)
    _echo(closing_line(run.brief, run.paths, Path(out)))
    return run.brief


def run_summarize(directory: Path, out: Path, settings: BuildSettings) -> list[Path]:
    """``briefgen summarize``: one cited bilingual Markdown file per article in OUT."""
    from briefgen.corpus.ingest import ingest
    from briefgen.evidence.dimensions import load_dimensions
    from briefgen.evidence.glossary import load_glossary
    from briefgen.output.render import Templates, write_articles

    engine, config = choose_engine(settings)
    templates = Templates(None, settings.templates_dir)
    glossary = load_glossary(settings.glossary)
    # The same dimensions as ``build`` (checked even when no model will use them).
    dims = load_dimensions(settings.dimensions)
    corpus = ingest(Path(directory), workers=settings.workers, progress=settings.progress)
    _check_corpus(corpus, Path(directory))
    usage = Usage()
    client: ModelClient | None = None
    if engine == "model":
        from briefgen.engines.summarize import summarize_corpus
        from briefgen.model.client import ModelClient
        from briefgen.model.prompts import load_prompts

        assert config is not None
        prompts = load_prompts(settings.prompts_dir)
        # The same requests as ``build`` (dimensions, batches, overview asked for), so a
        # ``summarize`` then a ``build`` of one folder share the cached calls.
        log = None if settings.dry_run else Path(out) / LOG_NAME
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
        client = ModelClient(config, log_path=log)
        try:
            articles = summarize_corpus(
                corpus, client, prompts, glossary, dims, **_batching(settings)
            ).articles
        finally:
            client.close()
        usage = client.usage
        if settings.dry_run:
            _echo(client.plan_text())
            _echo(f"dry run: nothing written to {out}")
            return []
    else:
        from briefgen.engines.extractive import summarize_document

        if settings.dry_run:
            _echo(f"Plan: {_plural(len(corpus.documents), 'document')}, extractive engine, no model calls; dry run: nothing written")
            return []
        articles = [summarize_document(doc, glossary) for doc in corpus.documents]
    city_en = {c: glossary.city_en(c) for d in corpus.documents for c in d.cities}
    paths = write_articles(articles, corpus, city_en, Path(out), templates, settings.lang)
    for w in _warnings(articles, usage, client.notes if client else []):
        _echo(f"warning: {w}", err=True)
    verified = sum(len(a.claims) for a in articles)
    rejected = sum(len(a.rejected) for a in articles)
    calls = (
        f"{_plural(usage.calls, 'model call')} ({usage.cached} cached), "
        f"{usage.prompt_tokens + usage.completion_tokens:,} tokens, est. cost ${usage.cost:.4f}"
        if engine == "model"
        else "extractive engine: 0 model calls"
    )
    _echo(
        f"Done: {_plural(len(corpus.documents), 'document')} read, {len(corpus.skipped)} skipped; "
        f"{calls}; claims {verified} verified, {rejected} rejected; "
        f"wrote {_plural(len(paths), 'file')} to {out}/"
    )
    return paths
