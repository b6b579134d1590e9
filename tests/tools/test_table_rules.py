"""Each preprocessing rule of ``glassnet train``, end to end: train on a raw CSV,
predict a raw one-row file, evaluate, and run the exported predict.py; the
one-row prediction must equal that row's prediction in the whole file, the
script's, and what evaluate scores."""

import contextlib
import io
import json
import subprocess
import sys

import numpy as np
import pytest
from test_cli import write_csv

import glassnet as gn
from glassnet.tools import cli


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main([str(a) for a in argv])
    return status, out.getvalue(), err.getvalue()


def round_trip(tmp_path, header, rows, target, pick=0, train_args=()):
    """Train, then predict row ``pick`` alone and in the whole file, evaluate it
    alone, and run the exported script on it. Returns (train stdout, stderr,
    the one row's prediction, the model's metadata)."""
    data = write_csv(tmp_path / "data.csv", header, rows)
    model = tmp_path / "m.gnet"
    status, out, err = run("train", data, "--target", target, "--epochs", "60", "--quiet",
                           "--out", model, *train_args)
    assert status == 0, err
    one = write_csv(tmp_path / "one.csv", header, [rows[pick]])
    status, whole, _ = run("predict", model, data)
    assert status == 0
    status, alone, alone_err = run("predict", model, one)
    assert status == 0, alone_err
    assert alone.splitlines() == [whole.splitlines()[0], whole.splitlines()[pick + 1]]
    script = tmp_path / "predict.py"
    assert run("export", model, "--to", script)[0] == 0
    exported = subprocess.run([sys.executable, "-I", script, one], capture_output=True,
                              text=True, timeout=60)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == alone
    status, scored, score_err = run("evaluate", model, one, "--json")
    meta = gn.load(model).metadata
    label = rows[pick][header.index(target)]
    if str(label).strip() not in ("", "NA"):
        assert status == 0, score_err
        figures = json.loads(scored)
        assert figures["rows"] == 1
        if meta["task"] == "classification":
            right = alone.splitlines()[1] == str(label)
            assert figures["metrics"]["accuracy"] == float(right)
        else:
            error = abs(float(alone.splitlines()[1]) - float(label))
            assert figures["metrics"]["mae"] == pytest.approx(error, rel=1e-9, abs=1e-12)
    return out, err, alone.splitlines()[1], meta


def test_text_columns_are_one_hot_encoded(tmp_path):
    rng = np.random.default_rng(0)
    colour = rng.choice(["red", "green", "blue"], 60)
    rows = [[c, float(x), "hot" if c == "red" else "cold"] for c, x in
            zip(colour, rng.normal(size=60))]
    out, _, label, meta = round_trip(tmp_path, ["colour", "x", "t"], rows, "t")
    assert meta["feature_names"][:3] == ["colour=blue", "colour=green", "colour=red"]
    assert "one-hot, 3 categories" in out and label == rows[0][2]


def test_blanks_in_numbers_are_imputed_with_an_indicator(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=60)
    rows = [["" if i % 7 == 0 else round(v, 3), "NA" if i % 11 == 0 else 2 * v, 3 * v]
            for i, v in enumerate(x)]
    out, _, _, meta = round_trip(tmp_path, ["a", "b", "y"], rows, "y")
    spec = meta["columns"][0]
    assert spec["kind"] == "number" and spec["indicator"] is True
    assert meta["feature_names"] == ["a", "a missing", "b", "b missing"]
    present = [float(r[0]) for r in rows if r[0] != ""]
    assert spec["median"] == pytest.approx(np.median(present), abs=2)  # training rows only
    assert "missing → median" in out


def test_blanks_in_text_are_their_own_category(tmp_path):
    rows = [["m" if i % 3 == 0 else ("" if i % 3 == 1 else "f"), i % 2, i % 3 == 1]
            for i in range(45)]
    _, _, _, meta = round_trip(tmp_path, ["sex", "z", "t"], [[a, b, str(c)] for a, b, c in rows],
                               "t", pick=1)
    assert "sex=(missing)" in meta["feature_names"]


def test_dates_become_numeric_parts(tmp_path):
    rows = [[f"2012-{1 + i % 12:02d}-{1 + i % 28:02d}", i % 5, "summer" if 4 <= 1 + i % 12 <= 9
             else "winter"] for i in range(60)]
    out, _, _, meta = round_trip(tmp_path, ["date", "n", "season"], rows, "season", pick=5)
    assert meta["feature_names"][:4] == ["date.year", "date.month", "date.day", "date.weekday"]
    assert "date → year, month, day, weekday" in out


def test_id_columns_and_row_counters_are_dropped(tmp_path):
    rng = np.random.default_rng(2)
    rows = [[i * 3 + 1, f"P{i:04d}", float(v), int(v > 0)]
            for i, v in enumerate(rng.normal(size=60))]
    out, _, _, meta = round_trip(tmp_path, ["row", "name", "x", "t"], rows, "t")
    kinds = {s["name"]: s["kind"] for s in meta["columns"]}
    assert kinds == {"row": "dropped", "name": "dropped", "x": "number"}
    assert "a row counter" in out and "identifies rows" in out
    assert meta["feature_names"] == ["x"]


def test_too_many_categories_are_dropped(tmp_path):
    rows = [[f"model {i % 40}", i % 2, "a" if i % 2 else "b"] for i in range(60)]
    out, _, _, meta = round_trip(tmp_path, ["model", "k", "t"], rows, "t")
    assert meta["columns"][0]["kind"] == "dropped" and "too many to encode" in out


def test_an_unseen_category_is_zeros_with_one_warning(tmp_path):
    rows = [[["x", "y"][i % 2], i % 4, ["a", "b"][i % 2]] for i in range(40)]
    data = write_csv(tmp_path / "d.csv", ["c", "n", "t"], rows)
    model = tmp_path / "m.gnet"
    assert run("train", data, "--target", "t", "--quiet", "--out", model)[0] == 0
    new = write_csv(tmp_path / "new.csv", ["n", "c"], [[1, "zebra"], [2, "zebra"], [3, "x"]])
    status, out, err = run("predict", model, new)
    assert status == 0 and len(out.splitlines()) == 4
    assert err.count("\n") == 1 and "column 'c': 'zebra' not seen in training" in err
    script = tmp_path / "p.py"
    run("export", model, "--to", script)
    exported = subprocess.run([sys.executable, script, new], capture_output=True, text=True,
                              timeout=60)
    assert exported.stdout == out and "'zebra' not seen" in exported.stderr


def test_rows_with_a_missing_target_are_dropped_with_a_note(tmp_path):
    rows = [[i, (i * 7) % 10 / 10, "" if i % 10 == 0 else ("NA" if i % 10 == 5 else i * 2.5)]
            for i in range(1, 61)]
    rows = [[r[1], (r[0] % 3), r[2]] for r in rows]
    _, err, _, meta = round_trip(tmp_path, ["a", "b", "y"], rows, "y", pick=1)
    assert "12 row(s) with a missing target 'y' dropped" in err
    assert meta["task"] == "regression"  # an NA does not make 49 numbers 49 classes


def test_boolean_targets_are_classes(tmp_path):
    rows = [[v, "True" if v > 0 else "False"] for v in np.linspace(-1, 1, 40)]
    out, _, label, meta = round_trip(tmp_path, ["x", "ok"], rows, "ok", pick=3)
    assert meta["class_names"] == ["False", "True"] and label in ("False", "True")


def test_integer_coded_classes_are_classes_and_said(tmp_path):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(90, 2))
    rows = [[a, b, int(np.argmax([a, b, 0.3]))] for a, b in X]
    out, err, label, meta = round_trip(tmp_path, ["a", "b", "k"], rows, "k")
    assert meta["task"] == "classification" and meta["class_names"] == ["0", "1", "2"]
    assert "3 distinct integers" in out and "--task regression" in err
    assert label in ("0", "1", "2")


def test_pixel_like_integer_features_stay_numbers(tmp_path):
    rows = [[i % 17, (i * 5) % 17, "a" if i % 17 > 8 else "b"] for i in range(60)]
    _, _, _, meta = round_trip(tmp_path, ["p1", "p2", "t"], rows, "t")
    assert [s["kind"] for s in meta["columns"]] == ["number", "number"]


def test_predict_keeps_a_row_of_empty_fields_and_refuses_duplicate_columns(tmp_path):
    rows = [[i, i % 3, ["a", "b"][i % 2]] for i in range(30)]
    data = write_csv(tmp_path / "d.csv", ["x", "z", "t"], rows)
    model = tmp_path / "m.gnet"
    assert run("train", data, "--target", "t", "--quiet", "--out", model)[0] == 0
    (tmp_path / "e.csv").write_text("x,z\n1,2\n,\n3,1\n")
    status, out, _ = run("predict", model, tmp_path / "e.csv")
    assert status == 0 and len(out.splitlines()) == 4  # header + one per input row
    (tmp_path / "dup.csv").write_text("x,z,x\n1,2,3\n")
    status, _, err = run("predict", model, tmp_path / "dup.csv")
    assert status == 2 and "names column 'x' more than once" in err


def test_semicolons_quotes_and_a_bom_are_read(tmp_path):
    text = "\ufeffname;size;kind\n" + "".join(
        f'"a; {i}";{i % 9},{i % 3};{"big" if i % 9 > 4 else "small"}\n' for i in range(40))
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    status, out, err = run("train", tmp_path / "s.csv", "--target", "kind", "--quiet",
                           "--out", tmp_path / "s.gnet")
    assert status == 0, err
    meta = gn.load(tmp_path / "s.gnet").metadata
    assert meta["target_name"] == "kind" and meta["columns"][0]["name"] == "name"


def test_ignore_and_features_choose_the_columns(tmp_path):
    rows = [[i, i % 3, i % 5, ["a", "b"][i % 2]] for i in range(30)]
    data = write_csv(tmp_path / "d.csv", ["p", "q", "r", "t"], rows)
    assert run("train", data, "--target", "t", "--ignore", "q", "--quiet",
               "--out", tmp_path / "a.gnet")[0] == 0
    assert [s["name"] for s in gn.load(tmp_path / "a.gnet").metadata["columns"]] == ["p", "r"]
    assert run("train", data, "--target", "t", "--features", "r", "--quiet",
               "--out", tmp_path / "b.gnet")[0] == 0
    assert gn.load(tmp_path / "b.gnet").metadata["feature_names"] == ["r"]
    status, _, err = run("train", data, "--target", "t", "--ignore", "nope", "--quiet",
                         "--out", tmp_path / "c.gnet")
    assert status == 2 and "no column 'nope'" in err


def test_huge_and_tiny_magnitudes_are_scaled(tmp_path):
    rng = np.random.default_rng(4)
    signal = rng.normal(size=80)
    rows = [[s * 1e300, s * 1e-300, "pos" if s > 0 else "neg"] for s in signal]
    data = write_csv(tmp_path / "m.csv", ["huge", "tiny", "t"], rows)
    for keep in ("huge", "tiny"):
        model = tmp_path / f"{keep}.gnet"
        assert run("train", data, "--target", "t", "--features", keep, "--quiet",
                   "--out", model)[0] == 0
        meta = gn.load(model).metadata
        assert np.isfinite(meta["feature_scale"]).all()
        status, out, _ = run("evaluate", model, data, "--json")
        assert json.loads(out)["metrics"]["accuracy"] > 0.9


def test_the_test_split_is_reported_beside_train_and_validation(tmp_path):
    rows = [[v, 2 * v + 1] for v in np.linspace(0, 1, 100)]
    data = write_csv(tmp_path / "r.csv", ["x", "y"], rows)
    status, out, _ = run("train", data, "--target", "y", "--test-split", "0.2", "--json",
                         "--out", tmp_path / "r.gnet")
    doc = json.loads(out)
    assert status == 0 and list(doc["metrics"]) == ["train", "validation", "test"]
    assert [doc["metrics"][p]["rows"] for p in doc["metrics"]] == [64, 16, 20]


@pytest.mark.parametrize("n, fraction", [(10, 0.25), (120, 0.2), (344, 0.2), (37, 0.3)])
def test_the_table_split_holds_out_what_fit_holds_out_class_by_class(n, fraction):
    """One hold-out rule: as many rows as glassnet.training.hold_out (fit's and the
    estimators'), each class in proportion to its size, from a file sorted by class."""
    from glassnet.tools.preprocess import stratified_split

    labels = np.sort(np.random.default_rng(n).choice(3, size=n, p=[0.5, 0.3, 0.2]))
    keep, held = stratified_split(labels, n, fraction, np.random.default_rng(1))
    expected = gn.training.hold_out(n, fraction, np.random.default_rng(0))[1].size
    assert held.size == expected == -(-round(n * fraction * 1e9) // 10**9)  # ⌈n F⌉
    assert sorted([*keep, *held]) == list(range(n))
    for code in range(3):
        share = np.sum(labels == code) * held.size / n
        assert abs(np.sum(labels[held] == code) - share) < 1
    numbers_keep, numbers_held = stratified_split(None, n, fraction, np.random.default_rng(1))
    same_keep, same_held = gn.training.hold_out(n, fraction, np.random.default_rng(1))
    np.testing.assert_array_equal(numbers_held, same_held)  # numbers: the rule's own rows


def test_train_validates_the_rows_the_rule_gives_and_builds_with_mlp(tmp_path):
    rows = [[float(v), ["a", "b", "c"][i * 3 // 40]] for i, v in
            enumerate(np.random.default_rng(5).normal(size=40))]  # sorted by class
    data = write_csv(tmp_path / "d.csv", ["x", "t"], rows)
    status, out, err = run("train", data, "--target", "t", "--validation-split", "0.25",
                           "--dropout", "0.3", "--hidden", "8,4", "--json",
                           "--out", tmp_path / "m.gnet")
    assert status == 0, err
    assert json.loads(out)["metrics"]["validation"]["rows"] == 10  # ⌈40 × 0.25⌉, as fit
    net = gn.load(tmp_path / "m.gnet")
    assert repr(net.layers) == repr(gn.mlp([1, 8, 4, 3], activation="relu", output="softmax",
                                           init="xavier", dropout=0.3).layers)
    status, _, err = run("train", data, "--target", "t", "--test-split", "0.99",
                         "--out", tmp_path / "n.gnet")
    assert status == 2 and "too few to hold out a test split of 0.99" in err
