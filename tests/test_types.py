"""The type checker over the package: ``mypy`` (configured in pyproject.toml) reports nothing.

Modules that had errors when the checker came in are listed in pyproject.toml's
``[[tool.mypy.overrides]]`` with ``ignore_errors = true``; that list only shrinks.
"""

import subprocess
import sys
from pathlib import Path

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
