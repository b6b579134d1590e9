"""Each module readable in one sitting: the package's shape, measured from its source.

- no module over ``MAX_MODULE_LINES`` lines (every line counts);
- no function over ``MAX_FUNCTION_CODE`` lines of code (blank lines, comments and
  docstrings do not count; a nested function counts in its parent too);
- the engine (the modules at the package root) within ``MAX_ENGINE_CODE`` lines of code;
  it was over that when this test landed, so ``ENGINE_CODE_CEILING`` holds it where it
  was: lower the ceiling as the engine shrinks, and delete it once the goal is met.
  The layer families in ``BEYOND_THE_DENSE_ENGINE`` are counted apart: the budget is
  for the dense engine a learner reads in one sitting (docs/architecture.md).

``KNOWN_LONG_MODULES`` and ``KNOWN_LONG_FUNCTIONS`` name what was over when this test
landed; other work is shortening them. They only shrink: delete an entry once it is
within the limit (a failure for another reason also names those entries; they alone do
not fail the test, so that the work shortening them lands on its own). Never add to them.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "src" / "glassnet"

MAX_MODULE_LINES = 400
MAX_FUNCTION_CODE = 60
MAX_ENGINE_CODE = 1500  # the goal (issue 10)
# Where the dense engine stands, as this test counts it (code lines only; the modules
# in BEYOND_THE_DENSE_ENGINE apart): 1,879 when this test was written; 2,382 on main on
# 1 Dec 2026 (the refactor's mlp, named_parameters, preserved and protocols, the
# doctor's lr finder, issue 11's input and optimizer checks, Network.export_script);
# 2,448 after network.py's fit and predict moved to fitting.py and predicting.py (their
# imports and headers) and the type fixes (typed signatures, the checks that forward /
# a network come first). The 1,500 goal is NOT met: the engine is about 950 lines over
# it; 2,467 with fit's loss-growth warning (a finite loss that grew 1000-fold was
# silent). 2,156 on main on 1 Dec 2026 evening, after the diet: the displays
# (ProgressBar, EpochLogger), the learning-rate finder and the text summary moved to the
# glass box, a model file's optimizer-state check to tools/model_checks, and every
# engine module simplified, numbers unchanged bit for bit. Still about 650 over: what is
# left are the checks and features later issues put in the engine (issue 11's input,
# weight and state checks, 14's fit hooks for the doctor, 5's buffers and BLAS tricks).
# The ceiling is where it stands plus a little room; lower it as the engine shrinks,
# None once the goal is met.
ENGINE_CODE_CEILING: int | None = 2160
BEYOND_THE_DENSE_ENGINE: dict[str, str] = {
    "conv.py": "Conv2D (issue 15), read after the dense engine",
    "pooling.py": "MaxPool2D, Flatten (issue 15), read after the dense engine",
    "recurrent.py": "RNN and LSTM (issue 15), read after the dense engine",
    "shaped.py": "N-D inputs for the layer families above (issue 15)",
}

KNOWN_LONG_MODULES: set[str] = set()
KNOWN_LONG_FUNCTIONS: set[str] = set()

NOT_CODE = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENCODING,
    tokenize.ENDMARKER,
}


def _docstring_lines(tree: ast.Module) -> set[int]:
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


def code_lines(source: str) -> set[int]:
    """Line numbers holding code: not blank, not only a comment, not part of a docstring."""
    lines = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type not in NOT_CODE:
            lines.update(range(tok.start[0], tok.end[0] + 1))
    return lines - _docstring_lines(ast.parse(source))


def functions(tree: ast.Module):
    """(qualname, node) for every function and method, nested ones included."""

    def walk(node, scope):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                name = [*scope, child.name]
                if not isinstance(child, ast.ClassDef):
                    yield ".".join(name), child
                yield from walk(child, name)
            else:
                yield from walk(child, scope)

    yield from walk(tree, [])


def function_code(source: str) -> dict[str, int]:
    """Lines of code of each function, from its ``def`` line (decorators excluded) to its end."""
    code = code_lines(source)
    return {
        name: len(code & set(range(node.lineno, node.end_lineno + 1)))
        for name, node in functions(ast.parse(source))
    }


def modules(package_dir: Path = PACKAGE_DIR):
    for path in sorted(package_dir.rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def engine_modules(package_dir: Path = PACKAGE_DIR):
    """The dense engine: the package root's modules, its public face and later layer
    families excluded."""
    for path in sorted(package_dir.glob("*.py")):
        if path.name not in ("__init__.py", "__main__.py", *BEYOND_THE_DENSE_ENGINE):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def shrinking(found: dict[str, int], known: set[str], limit: int, what: str) -> list[str]:
    """Messages for new offenders and for known ones that are now within the limit."""
    problems = [
        f"{key}: {n} {what} (at most {limit})"
        for key, n in sorted(found.items())
        if key not in known
    ]
    if problems:
        problems += [
            f"{key} is within {limit} {what} now: delete it from the known list in this test"
            for key in sorted(known - set(found))
        ]
    return problems


def test_no_module_over_400_lines():
    found = {file: text.count("\n") for file, text in modules()}
    over = {file: n for file, n in found.items() if n > MAX_MODULE_LINES}
    problems = shrinking(over, KNOWN_LONG_MODULES, MAX_MODULE_LINES, "lines")
    assert not problems, "\n".join(problems)


def test_no_function_over_60_lines_of_code():
    over = {
        f"{file}: {name}": n
        for file, text in modules()
        for name, n in function_code(text).items()
        if n > MAX_FUNCTION_CODE
    }
    problems = shrinking(over, KNOWN_LONG_FUNCTIONS, MAX_FUNCTION_CODE, "lines of code")
    assert not problems, "\n".join(problems)


def test_the_engine_is_within_1500_lines_of_code():
    sizes = {file: len(code_lines(text)) for file, text in engine_modules()}
    total = sum(sizes.values())
    table = "\n".join(f"  {n:5}  {file}" for file, n in sorted(sizes.items(), key=lambda x: -x[1]))
    limit = MAX_ENGINE_CODE if ENGINE_CODE_CEILING is None else ENGINE_CODE_CEILING
    assert total <= limit, (
        f"the engine has {total} lines of code, over {limit} (goal {MAX_ENGINE_CODE}): make it "
        "shorter, or if the growth is deliberate raise ENGINE_CODE_CEILING in "
        f"tests/test_code_shape.py and say why in the commit:\n{table}"
    )
    if ENGINE_CODE_CEILING is not None:
        assert total > MAX_ENGINE_CODE, (
            f"the engine has {total} lines of code, within the goal of {MAX_ENGINE_CODE}: "
            "set ENGINE_CODE_CEILING = None in tests/test_code_shape.py"
        )
    assert "src/glassnet/network.py" in sizes and "src/glassnet/layers.py" in sizes
    for name in BEYOND_THE_DENSE_ENGINE:
        assert (PACKAGE_DIR / name).exists(), (
            f"{name} is gone: delete it from BEYOND_THE_DENSE_ENGINE"
        )


SAMPLE = '''"""Module docstring,
two lines."""

import math  # a comment


def f(x):
    """Docstring."""
    # a comment line

    y = """not a docstring:
    a string that is code"""
    return (x +
            1)


class C:
    """Doc."""

    def g(self):
        def h():
            return 1
        return h()
'''


def test_code_lines_leave_out_docstrings_comments_and_blanks():
    assert sorted(code_lines(SAMPLE)) == [4, 7, 11, 12, 13, 14, 17, 20, 21, 22, 23]
    assert function_code(SAMPLE) == {"f": 5, "C.g": 4, "C.g.h": 2}


@pytest.mark.parametrize("limit_test", [test_no_module_over_400_lines])
def test_a_new_long_module_is_named(limit_test, monkeypatch):
    monkeypatch.setattr(
        "test_code_shape.modules", lambda: iter([("src/glassnet/big.py", "x = 1\n" * 401)])
    )
    monkeypatch.setattr("test_code_shape.KNOWN_LONG_MODULES", set())
    with pytest.raises(AssertionError, match=r"src/glassnet/big.py: 401 lines \(at most 400\)"):
        limit_test()


def test_a_new_long_function_is_named_and_so_are_fixed_ones(monkeypatch):
    body = "def long():\n" + "    x = 1\n" * 61 + "\n\ndef short():\n    return 1\n"
    monkeypatch.setattr("test_code_shape.modules", lambda: iter([("src/glassnet/m.py", body)]))
    monkeypatch.setattr("test_code_shape.KNOWN_LONG_FUNCTIONS", {"src/glassnet/m.py: short"})
    with pytest.raises(AssertionError) as info:
        test_no_function_over_60_lines_of_code()
    assert "src/glassnet/m.py: long: 62 lines of code (at most 60)" in str(info.value)
    assert "src/glassnet/m.py: short is within 60 lines of code now: delete it" in str(info.value)
    short_only = "def short():\n    return 1\n"
    monkeypatch.setattr(
        "test_code_shape.modules", lambda: iter([("src/glassnet/m.py", short_only)])
    )
    test_no_function_over_60_lines_of_code()  # a fixed entry alone does not fail
