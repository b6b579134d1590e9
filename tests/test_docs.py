"""The documentation builds in strict mode: a broken reference, a missing page
or a module that mkdocstrings cannot find fails the build. The README's Python
blocks run as written."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mkdocs_builds_strict(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", ROOT / "mkdocs.yml",
         "-d", tmp_path / "site"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    api = (tmp_path / "site" / "api" / "sklearn" / "index.html").read_text()
    assert "GlassClassifier" in api and "predict_proba" in api
    cli = (tmp_path / "site" / "cli" / "index.html").read_text()
    assert "glassnet predict" in cli


def test_strict_build_fails_on_a_broken_reference(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# x\n\n::: glassnet.no_such_module\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: t\nstrict: true\nplugins:\n  - mkdocstrings:\n      handlers:\n"
        f"        python:\n          paths: [{ROOT / 'src'}]\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config,
         "-d", tmp_path / "site"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode != 0
    assert "no_such_module" in result.stderr


def test_performance_page_joins_the_nav_when_present(tmp_path):
    """docs/performance.md is written on another branch; the hook lists it once it exists."""
    import shutil

    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    (tmp_path / "docs" / "performance.md").write_text("# Performance\n\nFigures.\n")
    config = (ROOT / "mkdocs.yml").read_text().replace("paths: [src]", f"paths: [{ROOT / 'src'}]")
    (tmp_path / "mkdocs.yml").write_text(config)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", tmp_path / "mkdocs.yml",
         "-d", tmp_path / "site"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    home = (tmp_path / "site" / "index.html").read_text()
    assert 'href="performance/"' in home


def test_the_readmes_python_blocks_run_in_order_and_say_what_they_promise(tmp_path, monkeypatch):
    """Every ```python block of the README, executed top to bottom in one namespace
    (they build on each other), in an empty directory for the files they write."""
    import re

    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"README.md python block {i + 1}", "exec"), namespace)
        if "ray_initial_weights" in block:
            # from the tutorial's own draws, its first loss: 0.339184 (its step-5 table)
            tr = namespace["net"].trace(namespace["X"], namespace["y"], loss="half_sse")
            assert round(tr.loss_value, 6) == 0.339184
    assert {"step.html", "step.xlsx", "model.gnet", "predict.py"} <= set(os.listdir(tmp_path))
