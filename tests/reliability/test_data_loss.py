"""Class 1 of the second round: no command writes onto a file it reads.

Every writing command of the CLI (train --out, predict --out, export --to and
its --weights-beside .npz, explain --html) and the Python API's export_script
refuse, by file identity (the same path, ./x/../path, a hard link, a symbolic
link), with exit status 2 and one line; the input's bytes are unchanged.
"""

import os
from pathlib import Path

import numpy as np
import pytest

import glassnet as gn
from glassnet._files import atomic_write, check_not_inputs, same_file
from glassnet.tools import cli

ROWS = "a,b,label\n" + "".join(
    f"{x:.3f},{y:.3f},{'yes' if x + y > 0 else 'no'}\n"
    for x, y in np.random.default_rng(0).normal(size=(24, 2))
)


@pytest.fixture()
def files(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text(ROWS)
    model = tmp_path / "m.gnet"
    assert cli.main(["train", str(data), "--target", "label", "--epochs", "2", "--quiet",
                     "--out", str(model)]) == 0
    (tmp_path / "x").mkdir()
    return tmp_path, data, model


def _aliases(path, kind):
    """Another name of ``path``: the same string, ./x/../name, a hard link, a symlink."""
    directory, name = os.path.split(path)
    if kind == "same":
        return str(path)
    if kind == "dotdot":
        return os.path.join(directory, "x", "..", name)
    alias = os.path.join(directory, f"alias-{kind}-{name}")
    (os.link if kind == "hardlink" else os.symlink)(path, alias)
    return alias


KINDS = ["same", "dotdot", "hardlink", "symlink"]


def _run_refused(argv, capsys, *protected):
    before = {p: Path(p).read_bytes() for p in protected}
    status = cli.main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "same file as the input" in lines[0], err
    assert "Traceback" not in err
    for p, content in before.items():
        assert Path(p).read_bytes() == content, f"{p} was changed"
    return lines[0]


@pytest.mark.parametrize("kind", KINDS)
def test_train_out_onto_its_training_csv(files, capsys, kind):
    tmp, data, _ = files
    out = _aliases(data, kind)
    line = _run_refused(["train", data, "--target", "label", "--epochs", "1", "--quiet",
                         "--out", out], capsys, data)
    assert "--out" in line and os.path.basename(out) in line


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("onto", ["data", "model"])
def test_predict_out_onto_its_data_or_model(files, capsys, kind, onto):
    tmp, data, model = files
    out = _aliases(data if onto == "data" else model, kind)
    _run_refused(["predict", model, data, "--out", out], capsys, data, model)


@pytest.mark.parametrize("kind", KINDS)
def test_export_to_onto_the_model(files, capsys, kind):
    tmp, data, model = files
    _run_refused(["export", model, "--to", _aliases(model, kind)], capsys, model)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("onto", ["data", "model"])
def test_explain_html_onto_its_data_or_model(files, capsys, kind, onto):
    tmp, data, model = files
    out = _aliases(data if onto == "data" else model, kind)
    _run_refused(["explain", model, data, "--html", out], capsys, data, model)


def test_export_weights_beside_onto_the_model(files, capsys):
    tmp, data, model = files
    npz_model = tmp / "m.npz"
    os.replace(model, npz_model)  # a model file that happens to end in .npz
    line = _run_refused(["export", npz_model, "--to", tmp / "m.py", "--weights-beside"],
                        capsys, npz_model)
    assert "weights file" in line
    assert not (tmp / "m.py").exists()


def test_export_weights_beside_keeps_an_unrelated_npz(files, capsys):
    tmp, data, model = files
    mine = tmp / "predict.npz"
    np.savez(mine, my_results=np.arange(5))
    before = mine.read_bytes()
    status = cli.main(["export", str(model), "--to", str(tmp / "predict.py"), "--weights-beside"])
    err = capsys.readouterr().err
    assert status == 2 and len(err.strip().splitlines()) == 1
    assert "was not written by glassnet export" in err and "predict.npz" in err
    assert mine.read_bytes() == before and not (tmp / "predict.py").exists()
    # a text file of that name is just as unrelated
    mine.write_text("notes")
    assert cli.main(["export", str(model), "--to", str(tmp / "predict.py"),
                     "--weights-beside"]) == 2
    assert mine.read_text() == "notes"


def test_export_weights_beside_replaces_its_own_earlier_export(files, capsys):
    tmp, data, model = files
    argv = ["export", str(model), "--to", str(tmp / "predict.py"), "--weights-beside"]
    assert cli.main(argv) == 0
    assert cli.main(argv) == 0  # a re-export replaces what the first one wrote
    with np.load(tmp / "predict.npz") as npz:
        assert np.array_equal(npz["params"], gn.load(model).params)


def test_export_script_api_refuses_its_model_file(files):
    tmp, data, model = files
    before = model.read_bytes()
    for target in (model, _aliases(model, "dotdot"), _aliases(model, "symlink")):
        with pytest.raises(ValueError, match="same file as the input"):
            gn.export_script(model, target)
    net = gn.load(model)
    with pytest.raises(ValueError, match="same file as the input"):
        gn.export_script(net, _aliases(model, "hardlink"), protect=[model])
    assert model.read_bytes() == before


def test_atomic_write_protect_and_same_file(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("keep")
    (tmp_path / "x").mkdir()
    with pytest.raises(ValueError, match="same file"):
        with atomic_write(tmp_path / "x" / ".." / "in.txt", "w", protect=[src]):
            raise AssertionError("the body must not run")
    assert src.read_text() == "keep"
    assert not same_file(tmp_path / "missing", src)
    assert not same_file(tmp_path / "missing", tmp_path / "missing")
    check_not_inputs(tmp_path / "other.txt", [src, None])  # another file: fine
