"""Class 9: the exported predict.py reads what ``glassnet predict`` reads (a UTF-8
BOM), and no file name is interpolated raw into its code."""

import subprocess
import sys

import numpy as np
import pytest

from glassnet.tools import cli

ROWS = "a,b,label\n" + "".join(
    f"{x:.3f},{y:.3f},{'yes' if x + y > 0 else 'no'}\n"
    for x, y in np.random.default_rng(1).normal(size=(20, 2))
)

NAMES = ['my"model.py', "it's.py", 'a\\b.py', '"""q.py', "{x}{{y}}.py", "ü—model.py",
         "two\nlines.py", "tab\there.py", "x'''y.py", "ends-with-backslash\\.py"]


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("export")
    data = tmp / "data.csv"
    data.write_text(ROWS)
    bom = tmp / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + ROWS.encode())
    out = tmp / "m.gnet"
    assert cli.main(["train", str(data), "--target", "label", "--epochs", "3", "--quiet",
                     "--out", str(out)]) == 0
    return tmp, out, bom


def _expected(model_path, csv_path, capsys):
    assert cli.main(["predict", str(model_path), str(csv_path)]) == 0
    return capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("beside", [False, True])
def test_any_script_name_compiles_and_predicts_a_bom_file(model, name, beside, capsys):
    tmp, model_path, bom = model
    expected = _expected(model_path, bom, capsys)
    target = tmp / f"{int(beside)}{name}"
    argv = ["export", str(model_path), "--to", str(target)] + (["--weights-beside"] * beside)
    assert cli.main(argv) == 0, capsys.readouterr().err
    capsys.readouterr()
    source = target.read_text(encoding="utf-8")
    compile(source, str(target), "exec")  # no SyntaxError, whatever the name
    run = subprocess.run([sys.executable, str(target), str(bom)], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == expected
    usage = subprocess.run([sys.executable, str(target)], capture_output=True, text=True,
                           timeout=60)
    assert usage.returncode == 1 and target.name in usage.stderr
