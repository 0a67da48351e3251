"""Every code block in README.md runs as written (issue 11: the API example once crashed).

Why: the README is the first thing a user copies from. Python blocks are executed;
shell lines that start with ``briefgen`` are run through the CLI (model commands with
``--dry-run`` so nothing is sent anywhere); TOML blocks must be accepted by the config
loader; the output tree lists files a build really writes.
"""

from __future__ import annotations

import re
import shlex
import shutil
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefgen.cli import app
from tests.conftest import EXAMPLES, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```(\w*)\n(.*?)^```", README, flags=re.M | re.S)


def _blocks(lang: str) -> list[str]:
    return [body for kind, body in BLOCKS if kind == lang]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "examples" / "articles")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_readme_has_blocks_of_each_kind() -> None:
    kinds = {kind for kind, _ in BLOCKS}
    assert {"python", "bash", "toml"} <= kinds


@pytest.mark.parametrize("code", _blocks("python"))
def test_python_blocks_run(code: str, workdir: Path) -> None:
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})  # noqa: S102


def _shell_commands(body: str) -> list[list[str]]:
    """The briefgen invocations in a shell block (pip steps and comments left out)."""
    out = []
    for line in body.splitlines():
        line = line.split(" #", 1)[0].strip()
        for part in line.split("&&"):
            words = shlex.split(part.strip())
            if words and words[0] == "briefgen":
                out.append(words[1:])
    return out


COMMANDS = [cmd for body in _blocks("bash") for cmd in _shell_commands(body)]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_shell_commands_run(args: list[str], workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if "DIR" in args:
        args = ["examples/articles" if a == "DIR" else a for a in args]
    if "--model" in args:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
        args = [*args, "--dry-run"]  # a plan only: nothing leaves the machine
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_output_tree_matches_a_build(workdir: Path) -> None:
    tree = next(body for kind, body in BLOCKS if kind == "" and body.startswith("out/"))
    listed = [
        line.split()[0]
        for line in tree.splitlines()[1:]
        if re.match(r"^  \S", line) and re.match(r"^[\w<>./-]+$", line.split()[0])
    ]
    assert listed, "the README's output tree lists no files"
    result = CliRunner().invoke(app, ["build", "examples/articles", "-o", "out"])
    assert result.exit_code == 0, result.output
    for name in listed:
        if name.endswith(".db"):
            continue  # written only when a model is called
        path = workdir / "out" / name.replace("<doc-id>.md", "")
        assert path.exists(), name


@pytest.mark.parametrize("text", _blocks("toml"))
def test_toml_blocks_parse_as_config(text: str, workdir: Path) -> None:
    from briefgen import resolve_config

    data = tomllib.loads(text)
    assert "model" in data
    (workdir / "briefgen.toml").write_text(text, encoding="utf-8")
    key_file = Path(data["model"].get("api_key_file", "~/.config/briefgen/key")).expanduser()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text("sk-test-not-a-real-key\n", encoding="utf-8")
    key_file.chmod(0o600)
    config = resolve_config({}, cwd=workdir)
    assert config is not None
    assert config.model == data["model"]["model"]
    assert config.base_url == data["model"].get("base_url", config.base_url)
