"""Prompt files: load, check and render the ``prompts/*.md`` templates.

Prompts are files so editors can read and change what the model is told.  A
file is YAML front matter (``name``, ``version``, ``variables``) followed by
``## system`` / ``## user`` sections in Jinja2 syntax.  Everything is checked
at start-up: a template that uses a variable it does not declare, or declares
one it never uses, is a ``ConfigError`` before any model call is made.  A user
folder given with ``--prompts`` may override only some prompts; the others
come from the shipped folder, and ``PromptSet.sources`` says which is which.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import yaml

from briefgen.core.errors import ConfigError
from briefgen.core.paths import PROMPTS_DIR

ROLES = ("system", "user", "assistant")
_SECTION = re.compile(r"^##\s+(system|user|assistant)\s*$", re.IGNORECASE | re.MULTILINE)
_ENV = jinja2.Environment(
    undefined=jinja2.StrictUndefined,
    autoescape=False,
    keep_trailing_newline=False,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Prompt:
    """One checked prompt file."""

    name: str
    version: str
    variables: tuple[str, ...]
    sections: tuple[tuple[str, jinja2.Template], ...]  # (role, template) in file order
    path: Path
    text: str  # the file as read, for hashing and audit


@dataclass
class PromptSet:
    """All prompts of a run, by name."""

    prompts: dict[str, Prompt]
    sources: dict[str, str] = field(default_factory=dict)  # name -> "user" | "shipped"

    @property
    def version(self) -> str:
        """Short hash of every prompt file in use (goes into the brief's settings)."""
        h = hashlib.sha256()
        for name in sorted(self.prompts):
            h.update(name.encode())
            h.update(b"\0")
            h.update(self.prompts[name].text.encode())
            h.update(b"\0")
        return h.hexdigest()[:12]

    def names(self) -> list[str]:
        return sorted(self.prompts)

    def get(self, name: str) -> Prompt:
        try:
            return self.prompts[name]
        except KeyError:
            raise ConfigError(
                f"no prompt named {name!r}",
                help=f"available: {', '.join(self.names()) or 'none'}",
            ) from None

    def messages(self, name: str, **variables: Any) -> list[dict[str, str]]:
        """Render prompt ``name`` into chat messages; every declared variable must be given."""
        prompt = self.get(name)
        declared = set(prompt.variables)
        missing = sorted(declared - set(variables))
        unknown = sorted(set(variables) - declared)
        if missing:
            raise ConfigError(
                f"prompt {name!r} ({prompt.path}) needs variable(s) {', '.join(missing)}",
                help="pass every variable declared in its front matter",
            )
        if unknown:
            raise ConfigError(
                f"prompt {name!r} ({prompt.path}) does not declare variable(s) {', '.join(unknown)}",
                help=f"declared: {', '.join(prompt.variables)}",
            )
        out: list[dict[str, str]] = []
        for role, template in prompt.sections:
            try:
                content = template.render(**variables).strip()
            except jinja2.TemplateError as exc:  # e.g. attribute of an undefined value
                raise ConfigError(f"prompt {name!r} ({prompt.path}) failed to render: {exc}") from exc
            out.append({"role": role, "content": content})
        return out


def _front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ConfigError(f"prompt file {path} has no front matter", help="start it with a '---' block")
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            try:
                meta = yaml.safe_load("".join(lines[1:i])) or {}
            except yaml.YAMLError as exc:
                raise ConfigError(f"prompt file {path}: bad front matter: {exc}") from exc
            if not isinstance(meta, dict):
                raise ConfigError(f"prompt file {path}: front matter is not a mapping")
            return meta, "".join(lines[i + 1 :])
    raise ConfigError(f"prompt file {path}: front matter is not closed with '---'")


def parse_prompt(path: Path) -> Prompt:
    """Read and check one prompt file; any problem is a ConfigError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read prompt file {path}: {exc}") from exc
    meta, body = _front_matter(text, path)
    name = str(meta.get("name") or "")
    if name != path.stem:
        raise ConfigError(
            f"prompt file {path}: name {name!r} does not match the file name",
            help=f"set 'name: {path.stem}' in its front matter",
        )
    raw_vars = meta.get("variables", [])
    if not isinstance(raw_vars, list) or not all(isinstance(v, str) for v in raw_vars):
        raise ConfigError(f"prompt file {path}: 'variables' must be a list of names")
    variables = tuple(raw_vars)

    parts = _SECTION.split(body)
    if parts[0].strip():
        raise ConfigError(
            f"prompt file {path}: text before the first '## system' or '## user' section"
        )
    sections: list[tuple[str, jinja2.Template]] = []
    used: set[str] = set()
    for role, source in zip(parts[1::2], parts[2::2], strict=True):
        try:
            used |= jinja2.meta.find_undeclared_variables(_ENV.parse(source))
            sections.append((role.lower(), _ENV.from_string(source)))
        except jinja2.TemplateSyntaxError as exc:
            raise ConfigError(
                f"prompt file {path}: template error in '## {role}' line {exc.lineno}: {exc.message}"
            ) from exc
    if not sections:
        raise ConfigError(f"prompt file {path}: no '## system' or '## user' section")

    unknown = sorted(used - set(variables))
    unused = sorted(set(variables) - used)
    if unknown:
        raise ConfigError(
            f"prompt file {path}: unknown variable {', '.join(unknown)}",
            help="declare it under 'variables' in the front matter or remove it",
        )
    if unused:
        raise ConfigError(
            f"prompt file {path}: declared variable {', '.join(unused)} is never used",
            help="use it in the text or remove it from 'variables'",
        )
    return Prompt(
        name=name,
        version=str(meta.get("version", "")),
        variables=variables,
        sections=tuple(sections),
        path=path,
        text=text,
    )


def _prompt_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.md") if p.name.lower() != "readme.md" and p.is_file())


def load_prompts(folder: Path | None = None, *, shipped: Path | None = None) -> PromptSet:
    """Load the shipped prompts, then let files in ``folder`` replace or add to them."""
    base = shipped if shipped is not None else PROMPTS_DIR
    prompts: dict[str, Prompt] = {}
    sources: dict[str, str] = {}
    if base.is_dir():
        for path in _prompt_files(base):
            prompts[path.stem] = parse_prompt(path)
            sources[path.stem] = "shipped"
    if folder is not None and base.is_dir() and Path(folder).resolve() == base.resolve():
        folder = None  # --prompts pointed at the shipped folder itself
    if folder is not None:
        folder = Path(folder)
        if not folder.is_dir():
            raise ConfigError(f"prompts folder {folder} does not exist or is not a folder")
        files = _prompt_files(folder)
        if not files:
            raise ConfigError(
                f"prompts folder {folder} holds no prompt files (*.md)",
                help="copy the ones you want to change from the shipped prompts/ folder",
            )
        for path in files:
            prompt = parse_prompt(path)
            default = prompts.get(prompt.name)
            if default is not None and set(default.variables) != set(prompt.variables):
                # The code passes the shipped variables; say so now, not mid-run.
                raise ConfigError(
                    f"prompt file {path}: variables {', '.join(prompt.variables) or 'none'} differ "
                    f"from the shipped {prompt.name!r} prompt",
                    help=f"declare and use exactly: {', '.join(default.variables)}",
                )
            prompts[prompt.name] = prompt
            sources[prompt.name] = "user"
    return PromptSet(prompts=prompts, sources=sources)
