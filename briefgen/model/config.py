"""Which model to call and how: flags > environment > ``briefgen.toml``.

The key is held as a pydantic ``SecretStr`` from the moment it is read, so it
cannot end up in a log line, a recording or a ``repr`` by accident.  A missing
key for a remote model is a one-line ``ConfigError`` that says how to set it;
local servers (Ollama, vLLM on localhost) and ``--replay`` need no key.
"""

from __future__ import annotations

import os
import stat
import sys
import tomllib
from pathlib import Path
from typing import Any, Literal, TextIO
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from briefgen.core.errors import ConfigError

OPENAI_BASE_URL = "https://api.openai.com/v1"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "host.docker.internal"}
StructuredMode = Literal["auto", "json_schema", "json_mode", "text"]

KEY_HELP = (
    "export OPENAI_API_KEY=... (or BRIEFGEN_API_KEY=...), or pass --api-key-file FILE (mode 600)"
)


def briefgen_home() -> Path:
    """``$BRIEFGEN_HOME`` or ``~/.briefgen``: where the response cache lives."""
    env = os.environ.get("BRIEFGEN_HOME")
    return Path(env).expanduser() if env else Path.home() / ".briefgen"


def safe_url(url: str) -> str:
    """A URL without user info or query string (where keys sometimes hide)."""
    parts = urlparse(url)
    netloc = parts.hostname or ""
    if ":" in netloc:  # IPv6 literal
        netloc = f"[{netloc}]"
    if parts.port:
        netloc += f":{parts.port}"
    return parts._replace(netloc=netloc, query="", fragment="").geturl().rstrip("/")


def is_local_url(base_url: str | None) -> bool:
    """True for servers on this machine, which need no API key."""
    if not base_url:
        return False
    host = (urlparse(base_url).hostname or "").lower()
    return host in LOCAL_HOSTS or host.endswith(".localhost")


class ModelConfig(BaseModel):
    """Everything ``llm.ModelClient`` needs; immutable once resolved."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str
    base_url: str | None = None  # None: OpenAI's own endpoint
    api_key: SecretStr | None = None
    temperature: float = 0.0
    # Replies are streamed: ``timeout`` is how long the server may stay silent (before the
    # first token or between two), and a whole call may take timeout + max_tokens /
    # min_tokens_per_second (see call_timeout).  A fixed 60 s for the whole call abandoned
    # every long answer from a model writing 30 tokens a second.
    timeout: float = Field(default=60.0, gt=0)
    min_tokens_per_second: float = Field(default=10.0, gt=0)
    stream: bool = True  # False: one JSON body per call (then timeout + max_tokens/rate in all)
    concurrency: int = Field(default=4, ge=1)
    max_retries: int = Field(default=4, ge=0)
    backoff_base: float = Field(default=0.5, ge=0)  # seconds; doubled per retry, with jitter
    backoff_max: float = Field(default=30.0, ge=0)
    retry_time_max: float = Field(default=300.0, ge=0)  # total backoff sleep per request
    retry_after_max: float = Field(default=120.0, ge=0)  # cap on a server's Retry-After
    max_completion_tokens: int | None = Field(default=None, ge=1)  # cap over request.max_tokens
    structured: StructuredMode = "auto"  # auto: json_schema, falling back as the provider allows
    no_cache: bool = False  # do not answer from the cache (fresh replies still refresh it)
    cache_dir: Path = Field(default_factory=lambda: briefgen_home() / "cache")
    record_dir: Path | None = None
    replay_dir: Path | None = None
    replay_strict: bool = True  # a replay miss stops the run with ReplayMissError
    dry_run: bool = False
    budget_tokens: int | None = Field(default=None, ge=1)

    def call_timeout(self, max_tokens: int) -> float:
        """Seconds one exchange may take in all: time to start answering plus the slowest
        decode rate we wait for over the longest answer allowed.  With the defaults a
        2,000-token answer may take 260 s and an 8,000-token one 860 s; a server that goes
        silent for ``timeout`` seconds is abandoned sooner.  A timed-out call is not
        retried (``ModelResult.status == "timed_out"``)."""
        return self.timeout + max_tokens / self.min_tokens_per_second

    @staticmethod
    def max_reply_bytes(max_tokens: int) -> int:
        """The largest HTTP body accepted for an answer of ``max_tokens``: a reply far
        longer than any answer the model was allowed to write is refused unread."""
        return 64_000 + 32 * max_tokens

    @property
    def endpoint(self) -> str:
        """The base URL actually used (for cache keys, logs, the brief's settings)."""
        return (self.base_url or OPENAI_BASE_URL).rstrip("/")

    @property
    def public_url(self) -> str:
        """``endpoint`` safe to write down: no user info, no query string."""
        return safe_url(self.endpoint)

    @property
    def is_local(self) -> bool:
        return is_local_url(self.endpoint)

    def public_settings(self) -> dict[str, Any]:
        """Settings safe to print or write into a report: never the key."""
        data = self.model_dump(mode="json", exclude={"api_key"})
        data["base_url"] = self.public_url
        data["api_key_set"] = self.api_key is not None
        return data


# ---------------------------------------------------------------- resolution

_TOML_KEYS = {
    "model",
    "name",
    "base_url",
    "api_key_file",
    "temperature",
    "timeout",
    "concurrency",
    "max_retries",
    "max_completion_tokens",
    "budget_tokens",
    "structured",
    "cache_dir",
}


def _read_toml(cwd: Path) -> dict[str, Any]:
    path = cwd / "briefgen.toml"
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"cannot read {path}: {err}") from None
    table = data.get("model", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [model] must be a table")
    if "api_key" in table:
        raise ConfigError(
            f"{path} holds an API key in plain text; remove it",
            help="use api_key_file = \"...\" (mode 600) or the OPENAI_API_KEY variable",
        )
    unknown = sorted(set(table) - _TOML_KEYS)
    if unknown:
        raise ConfigError(
            f"{path}: unknown key(s) in [model]: {', '.join(unknown)}",
            help=f"known: {', '.join(sorted(_TOML_KEYS))}",
        )
    out = dict(table)
    if "name" in out and "model" not in out:
        out["model"] = out.pop("name")
    out.pop("name", None)
    for key in ("api_key_file", "cache_dir"):
        if key in out:
            p = Path(str(out[key])).expanduser()
            out[key] = p if p.is_absolute() else cwd / p
    return out


def read_key_file(path: Path) -> SecretStr:
    """Read a key file, refusing one that others can read (the key would leak)."""
    path = Path(path).expanduser()
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        text = path.read_text(encoding="utf-8").strip()
    except OSError as err:
        raise ConfigError(f"cannot read API key file {path}: {err.strerror or err}") from None
    if os.name == "posix" and mode & 0o077:
        raise ConfigError(
            f"API key file {path} can be read by other users (mode {mode:o})",
            help=f"run: chmod 600 {path}",
        )
    if not text:
        raise ConfigError(f"API key file {path} is empty")
    return SecretStr(text.splitlines()[0].strip())


def _env_key() -> tuple[SecretStr | None, str]:
    """The key from the environment, and the variable it came from."""
    for var in ("BRIEFGEN_API_KEY", "OPENAI_API_KEY"):
        value = os.environ.get(var, "").strip()
        if value:
            return SecretStr(value), var
    return None, ""


def check_key_destination(config: ModelConfig, *, url_from: str, key_from: str,
                          allow_http: bool = False, stream: TextIO | None = None) -> None:
    """Say where the key goes when the URL and the key come from different places, and
    refuse to send it in clear text to another machine.

    Why: a ``briefgen.toml`` in the working folder (a cloned project, a shared drive) can
    set ``base_url``; a user who only passes ``--model`` would otherwise send their
    ``OPENAI_API_KEY`` to that server without a word.
    """
    if config.api_key is None or config.replay_dir is not None:
        return
    if url_from == "briefgen.toml" and key_from:
        print(f"note: the API key from {key_from} goes to {config.public_url} "
              "(base_url set in ./briefgen.toml)", file=stream or sys.stderr)
    scheme = urlparse(config.endpoint).scheme.lower()
    if scheme != "https" and not config.is_local and not allow_http:
        raise ConfigError(
            f"refusing to send the API key unencrypted to {config.public_url} "
            f"(base_url from {url_from})",
            help="use an https:// URL, or pass --allow-http if this network is trusted",
        )


def resolve_config(flags: dict[str, Any], *, cwd: Path) -> ModelConfig | None:
    """Merge flags > environment > ``cwd/briefgen.toml`` into a ``ModelConfig``.

    ``flags`` uses the CLI's names (model, base_url, api_key_file, concurrency,
    dry_run, budget_tokens, no_cache, record, replay, timeout, allow_http); None/False
    values count as not given.  Returns None when no model is configured and no
    replay folder is given: the caller then runs the extractive engine.
    """
    given = {k: v for k, v in flags.items() if v is not None and v is not False}
    toml = _read_toml(cwd)
    env = {
        "model": os.environ.get("BRIEFGEN_MODEL", "").strip() or None,
        "base_url": os.environ.get("BRIEFGEN_BASE_URL", "").strip() or None,
    }

    def pick(name: str) -> Any:
        if name in given:
            return given[name]
        if env.get(name):
            return env[name]
        return toml.get(name)

    replay = given.get("replay")
    model = pick("model")
    if not model and not replay:
        return None

    values: dict[str, Any] = {
        "model": model or "replay",
        "base_url": pick("base_url"),
    }
    for name in ("temperature", "timeout", "concurrency", "max_retries", "max_completion_tokens",
                 "budget_tokens", "structured", "cache_dir"):
        v = pick(name)
        if v is not None:
            values[name] = v
    for name in ("dry_run", "no_cache"):
        if given.get(name):
            values[name] = True
    if given.get("record"):
        values["record_dir"] = Path(given["record"])
    if replay:
        values["replay_dir"] = Path(replay)
        if not Path(replay).is_dir():
            raise ConfigError(f"replay folder {replay} does not exist")

    key_file = given.get("api_key_file") or toml.get("api_key_file")
    key, key_from = (read_key_file(Path(key_file)), "") if key_file else _env_key()
    values["api_key"] = key

    try:
        config = ModelConfig(**values)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise ConfigError(f"invalid model setting {where}: {first.get('msg')}") from None

    if key is None and not config.is_local and not config.replay_dir and not config.dry_run:
        raise ConfigError(
            f"no API key for model {config.model} at {config.endpoint}", help=KEY_HELP
        )
    url_from = next((where for where, table in (("--base-url", given), ("BRIEFGEN_BASE_URL", env),
                                                ("briefgen.toml", toml)) if table.get("base_url")),
                    "the default")
    check_key_destination(config, url_from=url_from, key_from=key_from,
                          allow_http=bool(given.get("allow_http")))
    return config
