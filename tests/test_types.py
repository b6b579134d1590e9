"""The type checker over the package: ``mypy`` (configured in pyproject.toml) reports nothing,
and every public function and method of ``glassnet.__all__`` is annotated (mypy checks
only the bodies of annotated functions, and a reader learns the types from them).

Every module is checked: the "known offenders" list of modules whose errors were ignored
when the checker came in is empty and gone (issue 10); keep it that way.
"""

import inspect
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import glassnet as gn

ROOT = Path(__file__).resolve().parents[1]


def run_mypy(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mypy", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_mypy_finds_no_error_in_the_package():
    result = run_mypy()
    assert result.returncode == 0, f"mypy (see [tool.mypy] in pyproject.toml):\n{result.stdout}"
    assert "Success: no issues found" in result.stdout


def test_mypy_would_see_a_type_error(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import glassnet as gn\n\nnet: gn.Network = gn.Dense(2, 1)\n")
    result = run_mypy(str(bad))
    assert result.returncode == 1
    assert 'bad.py:3: error: Incompatible types in assignment (expression has type "Dense"' in (
        result.stdout
    )


# -- the public API is annotated -------------------------------------------------------
# Public names (of glassnet.__all__) whose modules others are reworking now: they alone
# do not fail the test. This list only shrinks: delete an entry once it is annotated;
# never add one.
NOT_YET_ANNOTATED: dict[str, str] = {}


def _unannotated(function: Any, name: str, needs_return: bool = True) -> list[str]:
    """``name: parameter p`` for each parameter without an annotation (self and cls
    aside), and ``name: return`` when the return has none."""
    annotations = getattr(function, "__annotations__", {})
    missing = [
        f"{name}: parameter {p}"
        for i, p in enumerate(inspect.signature(function).parameters)
        if p not in annotations and not (i == 0 and p in ("self", "cls"))
    ]
    if needs_return and "return" not in annotations:
        missing.append(f"{name}: return")
    return missing


def _public_methods(cls: type, home: str) -> Iterator[tuple[str, Any]]:
    """(qualified name, function) of each public method, property getter and the
    constructor of ``cls``, inherited ones included, defined in package ``home``."""
    for attr in sorted(dir(cls)):
        if attr.startswith("_") and attr != "__init__":
            continue
        owner = next((k for k in cls.__mro__ if attr in vars(k)), None)
        if owner is None or not owner.__module__.startswith(home):
            continue
        raw = vars(owner)[attr]
        if isinstance(raw, (staticmethod, classmethod)):
            raw = raw.__func__
        elif isinstance(raw, property):
            raw = raw.fget
        if inspect.isfunction(raw):
            yield f"{owner.__module__}.{owner.__qualname__}.{attr}", raw


def missing_annotations(
    names: Iterable[str], namespace: Any, home: str = "glassnet"
) -> dict[str, list[str]]:
    """For each public function and class of ``namespace`` listed in ``names`` (by that
    name): what it leaves unannotated (parameters, returns, each by its qualified name; a
    constructor's return may be left out)."""
    found: dict[str, list[str]] = {}
    for name in names:
        obj = getattr(namespace, name)
        if inspect.isfunction(obj):
            found[name] = _unannotated(obj, f"{obj.__module__}.{obj.__qualname__}")
        elif inspect.isclass(obj):
            found[name] = [
                gap
                for method, function in _public_methods(obj, home)
                for gap in _unannotated(function, method, needs_return=method[-8:] != "__init__")
            ]
    return {key: gaps for key, gaps in found.items() if gaps}


def test_every_public_function_and_method_is_annotated():
    found = missing_annotations(gn.__all__, gn)
    problems = [gap for key, gaps in sorted(found.items()) if key not in NOT_YET_ANNOTATED
                for gap in gaps]
    fixed = [key for key in NOT_YET_ANNOTATED if key not in found]
    assert not problems and not fixed, "\n".join(
        [f"not annotated: {gap}" for gap in problems]
        + [f"{key} is annotated now: delete it from NOT_YET_ANNOTATED" for key in fixed]
    )


class _Sample:
    def __init__(self, n: int, rate) -> None: ...

    def fine(self, x: int) -> int:
        return x

    def no_return(self, x: int): ...

    @property
    def width(self): ...

    def _private(self, x): ...


def _sample_function(a, b: int = 1, *args: int, **kwargs) -> None: ...


def test_the_annotation_check_names_what_is_missing():
    sample = SimpleNamespace(Sample=_Sample, sample=_sample_function, VALUE=3)
    found = missing_annotations(["Sample", "sample", "VALUE"], sample, home=__name__)
    here = f"{__name__}._Sample"
    assert found == {
        "Sample": [f"{here}.__init__: parameter rate", f"{here}.no_return: return",
                   f"{here}.width: return"],
        "sample": [f"{__name__}._sample_function: parameter a",
                   f"{__name__}._sample_function: parameter kwargs"],
    }


def test_a_pending_entry_that_is_annotated_now_must_go(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "NOT_YET_ANNOTATED",
                        {**NOT_YET_ANNOTATED, "Network": "pretend"})
    with pytest.raises(AssertionError, match="Network is annotated now: delete it"):
        test_every_public_function_and_method_is_annotated()


def test_no_module_has_its_errors_ignored():
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "[tool.mypy]" in config
    assert "ignore_errors" not in config, "a mypy override ignores a module's errors: fix them"
