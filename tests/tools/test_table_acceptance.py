"""Issue 12's acceptance points that the per-rule round trips (test_table_rules.py)
do not show: evaluate and explain take what predict takes, explain's labels and
title, the JSON objects as documented, notes on stderr and a clean stdout, the
defaults that generalise (early stopping on the best epoch, weight decay), and an
unseen category through predict, evaluate and the exported script."""

import contextlib
import csv
import io
import json
import re
import subprocess
import sys

import numpy as np
import pytest

import glassnet as gn
from glassnet.tools import cli, datasets, tabular


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main([str(a) for a in argv])
    return status, out.getvalue(), err.getvalue()


def read(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def write(path, rows):
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.fixture(scope="module")
def penguins(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("penguins")
    data = tmp / "penguins.csv"
    data.write_text(datasets.table_csv("penguins"))
    model = tmp / "p.gnet"
    status, out, err = run("train", data, "--target", "species", "--epochs", "40", "--quiet",
                           "--out", model)
    assert status == 0, err
    return tmp, data, model


def shuffled_columns(rows, extra=True):
    """The same rows, columns in reverse order, with an extra column in the middle."""
    order = list(range(len(rows[0])))[::-1]
    out = [[row[j] for j in order] for row in rows]
    if extra:
        out = [row[:3] + ([f"note {i}"] if i else ["comment"]) + row[3:]
               for i, row in enumerate(out)]
    return out


def test_evaluate_and_explain_take_extra_columns_in_any_order(penguins):
    tmp, data, model = penguins
    other = write(tmp / "other.csv", shuffled_columns(read(data)))
    for command in (("evaluate", "--json"), ("explain", "--rows", "3")):
        status, same, err = run(command[0], model, other, *command[1:])
        assert status == 0, err
        assert same == run(command[0], model, data, *command[1:])[1]
    assert run("predict", model, other)[1] == run("predict", model, data)[1]


def test_evaluate_leaves_out_rows_without_a_target_and_says_so(penguins):
    tmp, data, model = penguins
    rows = read(data)
    for i in (1, 5, 9):
        rows[i][0] = "NA" if i != 5 else ""
    holed = write(tmp / "holed.csv", rows)
    status, out, err = run("evaluate", model, holed, "--json")
    assert status == 0 and json.loads(out)["rows"] == 344 - 3
    assert "3 row(s) with a missing target 'species' dropped" in err
    assert sum(json.loads(out)["confusion"], []) and sum(map(sum, json.loads(out)["confusion"])) \
        == 341


def test_explain_names_inputs_and_classes_says_standardised_and_takes_decimals(penguins):
    _, data, model = penguins
    status, out, _ = run("explain", model, data, "--rows", "2", "--decimals", "4")
    assert status == 0
    names = gn.load(model).metadata["feature_names"]
    assert "island=Biscoe" in names and "sex=(missing)" in names
    legend = " ".join(out.split("\n\n")[0].split())
    assert "standardised with the training rows' mean and standard deviation" in legend
    assert "x' = (x - mean) / std" in legend
    assert all(f"{j + 1} {name}" in legend for j, name in enumerate(names))
    assert "Output columns: 1 Adelie, 2 Chinstrap, 3 Gentoo." in legend
    assert "The trained weights and biases (from the model file)" in out
    assert "Initialize weights and biases" not in out
    assert decimals_shown(out) == {4}
    assert decimals_shown(run("explain", model, data, "--rows", "2")[1]) == {2}


def decimals_shown(text):
    """How many decimals the arrays of a trace show (the learning rate aside)."""
    arrays = [line for line in text.split("The trained weights")[1].splitlines()
              if "learning_rate" not in line]
    return {len(n.split(".")[1]) for n in re.findall(r"-?\d+\.\d+", "\n".join(arrays))}


def test_explain_of_a_regression_model_says_the_target_is_standardised(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text(datasets.table_csv("diabetes"))
    model = tmp_path / "d.gnet"
    assert run("train", data, "--target", "progression", "--epochs", "5", "--quiet",
               "--out", model)[0] == 0
    out = run("explain", model, data, "--rows", "2")[1]
    assert "Output: the standardised progression, y' = (y - mean) / std" in " ".join(out.split())


def test_the_json_objects_are_the_documented_ones(penguins, tmp_path):
    _, data, model = penguins
    doc = json.loads(run("evaluate", model, data, "--json")[1])
    assert list(doc) == ["task", "rows", "metrics", "class_names", "confusion"]
    assert doc["task"] == "classification" and doc["rows"] == 344
    assert list(doc["metrics"]) == ["accuracy"]
    assert np.array(doc["confusion"]).shape == (3, 3)
    status, out, _ = run("train", data, "--target", "body_mass_g", "--epochs", "5", "--json",
                         "--out", tmp_path / "r.gnet")
    trained = json.loads(out)
    assert list(trained) == ["task", "reason", "model", "epochs", "best_epoch", "class_names",
                             "columns", "metrics", "notes"]
    assert list(trained["metrics"]) == ["train", "validation"]
    assert list(trained["columns"][0]) == ["column", "done", "inputs"]
    assert trained["notes"] == ["2 row(s) with a missing target 'body_mass_g' dropped"]
    regression = json.loads(run("evaluate", tmp_path / "r.gnet", data, "--json")[1])
    assert list(regression) == ["task", "rows", "metrics"]
    assert list(regression["metrics"]) == ["mae", "rmse", "r2"] and regression["rows"] == 342


def test_the_summary_says_which_loss_is_which(penguins, tmp_path):
    """The progress bar ends on the last epoch's mean batch loss; the table shows
    the loss of the saved weights, computed after training: the summary names both."""
    _, data, _ = penguins
    status, out, err = run("train", data, "--target", "species", "--epochs", "12",
                           "--dropout", "0.3", "--out", tmp_path / "d.gnet")
    assert status == 0, err
    bar = re.findall(r"(?<!val_)loss=([-+.e0-9]+\d)", err)[-1]  # the bar's last figure
    text = " ".join(out.split())
    assert "loss: computed after training, on the saved weights. The progress bar's loss is " \
        "the mean over an epoch's batches" in text
    assert f"and with dropout on (epoch 12: loss={bar})." in text
    best = int(re.search(r"\(best: epoch (\d+)\)", out)[1])
    header = next(line for line in out.splitlines() if line.endswith("train  validation"))
    assert header.split("  ")[0] == f"saved weights (epoch {best})"
    table_loss = next(line for line in out.splitlines() if line.startswith("loss "))
    assert float(table_loss.split()[1]) != pytest.approx(float(bar), rel=1e-3)  # two numbers


def test_notes_go_to_stderr_and_predict_writes_only_its_csv(tmp_path):
    rows = [["x", "z", "k"]] + [[i / 10, ["a", "b"][i % 2], "" if i % 9 == 0 else i % 3]
                               for i in range(90)]
    data = write(tmp_path / "d.csv", rows)
    status, out, err = run("train", data, "--target", "k", "--quiet", "--out", tmp_path / "m.gnet")
    assert status == 0
    assert "row(s) with a missing target 'k' dropped" in err and "--task regression" in err
    assert "note:" not in out and "dropped" not in out
    new = write(tmp_path / "new.csv", [["z", "x"], ["zebra", 1], ["a", 2], ["", ""], ["b", 0.5]])
    status, out, err = run("predict", tmp_path / "m.gnet", new)
    assert status == 0 and "'zebra' not seen in training" in err
    parsed = list(csv.reader(io.StringIO(out)))
    assert parsed[0] == ["k"] and len(parsed) == 5 and all(len(r) == 1 for r in parsed)
    assert {r[0] for r in parsed[1:]} <= {"0", "1", "2"}


def test_an_unseen_category_is_the_same_in_predict_evaluate_and_the_script(penguins):
    tmp, data, model = penguins
    rows = read(data)
    one = write(tmp / "unseen.csv", [rows[0], [rows[200][0], "Atlantis", *rows[200][2:]]])
    status, predicted, err = run("predict", model, one, "--proba")
    assert status == 0 and err.count("'Atlantis' not seen in training") == 1
    label = predicted.splitlines()[1].split(",")[0]
    status, scored, err = run("evaluate", model, one, "--json")
    assert status == 0 and "'Atlantis' not seen in training" in err
    assert json.loads(scored)["metrics"]["accuracy"] == float(label == rows[200][0])
    script = tmp / "predict.py"
    assert run("export", model, "--to", script)[0] == 0
    exported = subprocess.run([sys.executable, "-I", script, one], capture_output=True,
                              text=True, timeout=60)
    assert exported.stdout.splitlines() == [predicted.splitlines()[0].split(",")[0], label]
    assert "'Atlantis' not seen" in exported.stderr


def test_early_stopping_keeps_the_best_epoch_and_weight_decay_shrinks_weights(penguins):
    _, data, _ = penguins
    net, report = tabular.train_table(data, "species", epochs=300, patience=5, seed=1)
    val = net.history.val_loss
    assert report.best_epoch == int(np.argmin(val)) and report.epochs_run == len(val)
    assert report.epochs_run <= report.best_epoch + 1 + 5 < 300  # stopped by patience
    assert report.figures["validation"]["loss"] == pytest.approx(min(val), rel=1e-9)
    decayed, _ = tabular.train_table(data, "species", epochs=40, patience=40,
                                     weight_decay=0.05, seed=1)
    plain, _ = tabular.train_table(data, "species", epochs=40, patience=40, seed=1)
    assert np.linalg.norm(decayed.params) < 0.8 * np.linalg.norm(plain.params)
