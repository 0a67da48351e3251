"""The package root exposes the Python API lazily (the CLI is a thin layer over it)."""

from __future__ import annotations

import subprocess
import sys

import briefgen


def test_every_exported_name_resolves() -> None:
    for name in briefgen.__all__:
        assert getattr(briefgen, name) is not None, name


def test_unknown_name_is_an_attribute_error() -> None:
    try:
        briefgen.no_such_thing  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as err:
        assert "no_such_thing" in str(err)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_importing_the_package_does_not_load_heavy_modules() -> None:
    code = "import sys, briefgen; print('jieba' in sys.modules, 'openai' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
