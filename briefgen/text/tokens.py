"""Token counting with tiktoken, strictly offline.

tiktoken normally downloads its encoding files on first use.  briefgen ships
them in ``briefgen/data/tiktoken/`` and builds a tiktoken cache folder from
them (tiktoken looks for ``$TIKTOKEN_CACHE_DIR/<sha1 of the download URL>``
and checks its sha256), so counting tokens never touches the network, and
other tiktoken users in the same process (langchain-openai) benefit too.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.core.paths import DATA_DIR

if TYPE_CHECKING:
    import tiktoken

TIKTOKEN_DIR = DATA_DIR / "tiktoken"
DEFAULT_ENCODING = "o200k_base"
_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"

# sha256 of each shipped file, as tiktoken_ext.openai_public expects it.
SHIPPED: dict[str, str] = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}
# Encodings that reuse a shipped file under another name.
_ALIASES = {"o200k_harmony": "o200k_base"}

_lock = threading.Lock()


def _cache_key(name: str) -> str:
    return hashlib.sha1(_URL.format(name=name).encode()).hexdigest()


def _file_ok(path: Path, sha256: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def _populate(cache_dir: Path) -> None:
    """Put every shipped encoding into ``cache_dir`` under tiktoken's cache name."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    for name, sha in SHIPPED.items():
        target = cache_dir / _cache_key(name)
        if target.exists() and _file_ok(target, sha):
            continue
        tmp = cache_dir / f"{target.name}.{os.getpid()}.tmp"
        shutil.copyfile(TIKTOKEN_DIR / f"{name}.tiktoken", tmp)
        os.replace(tmp, target)


def _candidate_dirs() -> list[Path]:
    dirs: list[Path] = []
    user = os.environ.get("TIKTOKEN_CACHE_DIR")
    if user:
        dirs.append(Path(user))
    home = os.environ.get("BRIEFGEN_HOME")
    if home:
        dirs.append(Path(home) / "cache" / "tiktoken")
    dirs.append(Path.home() / ".cache" / "briefgen" / "tiktoken")
    dirs.append(
        Path(tempfile.gettempdir())
        / f"briefgen-tiktoken-{os.getuid() if hasattr(os, 'getuid') else 0}"
    )
    return dirs


def prepare_cache() -> Path:
    """Make sure tiktoken finds the shipped files; return the cache folder used."""
    with _lock:
        errors: list[str] = []
        for cache_dir in _candidate_dirs():
            try:
                _populate(cache_dir)
            except OSError as exc:
                errors.append(f"{cache_dir}: {exc}")
                continue
            os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
            return cache_dir
        raise OSError("no writable folder for the tiktoken cache: " + "; ".join(errors))


@lru_cache(maxsize=8)
def get_encoding(name: str = DEFAULT_ENCODING) -> tiktoken.Encoding:
    """The tiktoken encoding ``name`` (one of the shipped ones), loaded offline."""
    import tiktoken

    base = _ALIASES.get(name, name)
    if base not in SHIPPED:
        raise ValueError(f"unknown or unshipped encoding {name!r}; shipped: {', '.join(SHIPPED)}")
    prepare_cache()
    return tiktoken.get_encoding(name)


def count(text: str, encoding: str = DEFAULT_ENCODING) -> int:
    """Number of tokens in ``text`` (special-token markers are counted as plain text)."""
    if not text:
        return 0
    return len(get_encoding(encoding).encode_ordinary(text))


def encoding_for_model(model: str) -> str:
    """The shipped encoding closest to what ``model`` uses (o200k_base when unknown)."""
    import tiktoken

    try:
        name = tiktoken.encoding_name_for_model(model)
    except KeyError:
        return DEFAULT_ENCODING
    name = _ALIASES.get(name, name)
    return name if name in SHIPPED else "cl100k_base"
