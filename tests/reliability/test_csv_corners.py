"""Class 8 of the second round (issue 11): CSV corners that gave silently wrong output.

Each case is a file as people have it, through the CLI (or ``gn.fit_table`` for a
DataFrame), checked against what a person expects: one prediction per input row in
order, a duplicated column refused by name, a target with one blank cell still a
regression, a feature at 1e±300 that alone separates the classes learned, pandas'
``pd.NA`` read as missing. (Time against the number of columns is measured in
``benchmarks/csv_reader.py``, not here: these machines are too noisy for timed tests.)
"""

import json
import zipfile

import numpy as np
import pandas as pd
import pytest

import glassnet as gn
from glassnet.tools.cli import main

TRAIN = "a,b,y\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n1,3,x\n2,2,y\n4,1,x\n6,3,y\n"


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corners")
    (tmp / "train.csv").write_text(TRAIN)
    assert main(["train", str(tmp / "train.csv"), "--target", "y", "--epochs", "5",
                 "--quiet", "--out", str(tmp / "m.gnet")]) == 0
    return tmp / "m.gnet"


@pytest.mark.parametrize("rows", [
    ["1,2", ",", "3,4"],             # a row of empty fields in the middle
    [",", "1,2"],                    # first
    ["1,2", ","],                    # last
    ["1,2", "NA,NA", "?,", "3,4"],   # the usual missing markers
])
def test_every_input_row_gets_one_prediction_in_order(model, tmp_path, capsys, rows):
    data = tmp_path / "new.csv"
    data.write_text("a,b\n" + "\n".join(rows) + "\n")
    capsys.readouterr()
    assert main(["predict", str(model), str(data)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "y" and len(out) == 1 + len(rows), out
    full = [i for i, r in enumerate(rows) if r == "1,2"]
    assert len({out[1 + i] for i in full}) == 1  # the same row gives the same answer


@pytest.mark.parametrize("command", ["predict", "evaluate", "explain"])
def test_a_column_named_twice_is_refused_by_name(model, tmp_path, capsys, command):
    data = tmp_path / "twice.csv"
    data.write_text("a,a,b,y\n1,2,3,x\n")
    capsys.readouterr()
    assert main([command, str(model), str(data)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "names column 'a' more than once" in err, err


def test_a_numeric_target_with_one_blank_stays_a_regression(tmp_path, capsys):
    data = tmp_path / "na.csv"
    data.write_text("a,b,t\n" + "".join(f"{i},{i % 3},{0.5 * i + 0.25}\n" for i in range(40))
                    + "40,1,NA\n")
    assert main(["train", str(data), "--target", "t", "--epochs", "3", "--quiet",
                 "--out", str(tmp_path / "na.gnet")]) == 0
    captured = capsys.readouterr()
    assert "task: regression" in captured.out
    assert "1 row(s) with a missing target 't' dropped" in captured.err
    assert gn.load(tmp_path / "na.gnet").metadata["task"] == "regression"


@pytest.mark.parametrize("scale", [1e300, 1e-300])
def test_a_feature_at_extreme_magnitude_that_separates_the_classes_is_learned(
        tmp_path, capsys, scale):
    rng = np.random.default_rng(0)
    x, noise = rng.normal(size=80), rng.normal(size=80)
    data = tmp_path / "extreme.csv"
    data.write_text("big,noise,label\n" + "".join(
        f"{float(v * scale)!r},{float(n)!r},{'pos' if v > 0 else 'neg'}\n"
        for v, n in zip(x, noise)))
    model = tmp_path / "extreme.gnet"
    assert main(["train", str(data), "--target", "label", "--quiet", "--out",
                 str(model)]) == 0
    capsys.readouterr()
    assert main(["evaluate", str(model), str(data), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["metrics"]["accuracy"] >= 0.95, figures
    with zipfile.ZipFile(model) as archive:  # standard JSON: no Infinity, no NaN
        json.loads(archive.read("model.json"), parse_constant=pytest.fail)
    scale_of_big = gn.load(model).metadata["feature_scale"][0]
    assert np.isfinite(scale_of_big) and scale_of_big > 0


def test_pandas_missing_values_are_missing_not_text():
    frame = pd.DataFrame({
        "a": [1.0, 2.0, 3.5, 4.0, 5.0, 6.0, 7.0, 8.0] * 3,
        "b": pd.array([1, 2, pd.NA, 4, 5, 6, 7, 8] * 3, dtype="Int64"),
        "c": pd.array(["u", "v", pd.NA, "u"] * 6, dtype="string"),
        "y": ["p", "q"] * 12,
    })
    model = gn.fit_table(frame, "y", epochs=3)
    rules = {rule["name"]: rule for rule in model.metadata["columns"]}
    assert rules["b"]["kind"] == "number" and rules["b"]["indicator"] is True
    assert rules["c"] == {"name": "c", "kind": "category", "categories": ["u", "v"],
                          "missing": True}  # a category of its own, not the text "<NA>"
    assert model.predict(frame.drop(columns="y")).shape[0] == len(frame)
