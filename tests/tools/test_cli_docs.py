"""Every ```console block of docs/cli.md and the README runs as written, in an
empty directory (one per file, blocks in order), and prints what is shown:
each `$ command` line is followed by its exact stdout."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def blocks(path):
    """[(command, expected stdout lines)] per console block, in order."""
    text = (ROOT / path).read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        steps: list = []
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            else:
                steps[-1][1].append(line)
        found.append(steps)
    return found


@pytest.mark.parametrize("path", ["docs/cli.md", "README.md"])
def test_every_console_block_prints_what_it_shows(path, tmp_path):
    env = dict(os.environ, COLUMNS="80",
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    found = blocks(path)
    assert found, f"{path} has no console block"
    for steps in found:
        for command, expected in steps:
            result = subprocess.run(command, shell=True, cwd=tmp_path, env=env,
                                    capture_output=True, text=True, timeout=300)
            shown = [line.rstrip() for line in result.stdout.splitlines()]
            assert shown == expected, f"{path}: $ {command}\n{result.stderr}"


def test_the_penguins_summary_fits_80_columns():
    """The train summary, the tables of evaluate and datasets, as the docs show them."""
    for path in ("docs/cli.md", "README.md"):
        for steps in blocks(path):
            for command, expected in steps:
                if command.startswith("glassnet") and "--json" not in command:
                    assert all(len(line) <= 80 for line in expected), (path, command)
