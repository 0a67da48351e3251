"""Where a build writes: checked first, written whole or not at all, and tidied by a manifest.

Why: a brief replaces an editor's previous one, so a crash half-way must not
leave a new brief.md beside an empty brief.json; an output folder inside the
input folder would be read back as articles on the next build; and a folder
that also holds the editor's own files must only ever lose files briefgen
wrote there itself (listed in ``.briefgen-manifest.json``).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from briefgen.core.errors import BriefgenError

MANIFEST = ".briefgen-manifest.json"
# Kernel and device trees: never a place for a brief, and writing there can do harm.
_SYSTEM_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _nearest_existing(path: Path) -> Path:
    for p in (path, *path.parents):
        if p.exists():
            return p
    return Path("/")


def _check_writable(path: Path, what: str) -> None:
    resolved = path.resolve()
    if any(_inside(resolved, root) for root in _SYSTEM_ROOTS):
        raise BriefgenError(f"{what} {path} is in a system folder", help="choose a folder of your own")
    base = _nearest_existing(resolved)
    if base != resolved and not base.is_dir():
        raise BriefgenError(f"cannot create {path}: {base} is a file", help="choose another path")
    if not os.access(base, os.W_OK | os.X_OK):
        raise BriefgenError(f"cannot write to {base}: permission denied", help="choose a folder you can write to")


def check_output_dir(out_dir: Path, input_dir: Path | None = None) -> None:
    """Refuse an output folder that cannot hold a brief, or that is (inside) the input folder."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise BriefgenError(f"output folder {out} is a file", help="give -o a folder (it is created if missing)")
    _check_writable(out, "output folder")
    if input_dir is not None:
        src = Path(input_dir).resolve()
        if _inside(out.resolve(), src):
            where = "is the input folder" if out.resolve() == src else f"is inside the input folder {input_dir}"
            raise BriefgenError(
                f"output folder {out} {where}: the next build would read the brief back as articles",
                help=f"choose an output folder outside {input_dir}, e.g. -o {src.name}-brief",
            )


def check_output_file(path: Path) -> None:
    """Refuse an output file path that is a folder, in a system folder or not writable."""
    p = Path(path)
    if p.is_dir():
        raise BriefgenError(f"{p} is a folder", help="give -o a file name, e.g. -o corpus.json")
    _check_writable(p.parent if not p.exists() else p, "output file")


def write_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (a temporary file moved into place)."""
    check_output_file(path)
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise BriefgenError(f"cannot write {path}: {exc.strerror or exc}") from None


def read_manifest(out_dir: Path) -> set[str]:
    """The files an earlier build wrote in ``out_dir`` (relative paths; empty if none)."""
    try:
        data = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    files = data.get("files", []) if isinstance(data, dict) else []
    return {f for f in files if isinstance(f, str)}


def _safe_target(out_dir: Path, rel: str) -> Path | None:
    """``out_dir/rel`` if it stays inside ``out_dir`` (a manifest is a file anyone could edit)."""
    if not rel or Path(rel).is_absolute() or ".." in Path(rel).parts:
        return None
    target = out_dir / rel
    return target if _inside(target.resolve(), out_dir.resolve()) else None


def _remove_stale(out_dir: Path, stale: set[str]) -> None:
    for rel in sorted(stale):
        target = _safe_target(out_dir, rel)
        if target is None or target.is_symlink() or not target.is_file():
            continue  # never follow a link, never remove a folder
        target.unlink()
        parent = target.parent
        while parent != out_dir and _inside(parent, out_dir) and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


def publish(staging: Path, out_dir: Path, *, replace_all: bool = False) -> list[Path]:
    """Move every file of ``staging`` into ``out_dir``, remove files an earlier build wrote that
    this one did not, and record what was written.  Returns the final paths.

    ``replace_all``: every file an earlier run listed is stale unless written again (a folder
    of article pages, as ``briefgen summarize`` writes); otherwise only pages in a subfolder
    this run wrote to are."""
    out_dir = Path(out_dir)
    files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
    old = read_manifest(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for rel in files:
        dest = out_dir / rel
        if dest.is_dir() and not dest.is_symlink():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / rel, dest)
    # Only pages in a folder this build wrote to are stale (articles/<gone>.md); a file kind
    # this build did not write (``--format md,json`` leaves brief.html) stays, and stays listed.
    tops = {rel.split("/")[0] for rel in files if "/" in rel}
    stale = {r for r in old - set(files) if replace_all or ("/" in r and r.split("/")[0] in tops)}
    _remove_stale(out_dir, stale)
    kept = {r for r in old - stale if (t := _safe_target(out_dir, r)) is not None and t.is_file()}
    listed = sorted(set(files) | kept)
    manifest = json.dumps({"files": listed}, ensure_ascii=False, indent=1) + "\n"
    tmp = staging / MANIFEST
    tmp.write_text(manifest, encoding="utf-8")
    os.replace(tmp, out_dir / MANIFEST)
    return [out_dir / rel for rel in files]


@contextmanager
def staged(out_dir: Path, *, replace_all: bool = False) -> Iterator[Path]:
    """A scratch folder to write a whole output into; published into ``out_dir`` only when
    the ``with`` block finishes without an error, so a failed build leaves the old one."""
    out_dir = Path(out_dir)
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".briefgen-staging-", dir=out_dir))
    except OSError as exc:
        raise BriefgenError(f"cannot write to {out_dir}: {exc.strerror or exc}") from None
    ok = False
    try:
        yield staging
        ok = True
    finally:
        try:
            if ok:
                publish(staging, out_dir, replace_all=replace_all)
        except OSError as exc:
            raise BriefgenError(f"cannot write to {out_dir}: {exc.strerror or exc}") from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            if created and not ok and out_dir.is_dir() and not any(out_dir.iterdir()):
                out_dir.rmdir()
