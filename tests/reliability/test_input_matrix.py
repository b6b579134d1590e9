"""The input-validation matrix: one table of bad (and awkward but fine) inputs
across every public entry point.

Each row either works (and its result is checked against a plain float64
computation of the same thing) or raises ValueError/TypeError whose message
contains the words listed: the argument's name, what was expected and what
came. After every row, the inputs are compared with copies taken before the
call (nothing is modified in place), and a refused call leaves the network's
weights as they were.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

import glassnet as gn
from glassnet.tools.datasets import load_csv
from glassnet.tools.sklearn import GlassClassifier, GlassRegressor

RNG = np.random.default_rng(0)
X5 = RNG.normal(size=(5, 3))
Y5 = np.array([[0.0], [1.0], [1.0], [0.0], [1.0]])
LABELS5 = np.array([0, 2, 1, 0, 2])


def sigmoid_net():
    return gn.Network([gn.Dense(3, 4, "tanh"), gn.Dense(4, 1, "sigmoid")], seed=0)


def softmax_net():
    return gn.Network([gn.Dense(3, 4, "tanh"), gn.Dense(4, 3, "softmax")], seed=0)


def with_value(array, index, value):
    array = np.array(array, dtype=float)
    array[index] = value
    return array


@dataclass
class Case:
    id: str
    inputs: Callable[[], dict[str, Any]]  # fresh arguments for each run
    call: Callable[[Any, dict[str, Any]], Any]  # (network, inputs) -> result
    error: type[Exception] | None = None
    words: tuple[str, ...] = ()  # each must appear in the message
    check: Callable[[Any, Any, dict[str, Any]], None] | None = None  # (result, net, inputs)
    net: Callable[[], Any] = sigmoid_net


def fit(**options):
    def call(net, a):
        return net.fit(a["X"], a["y"], **{"epochs": 2, "lr": 0.1, **options})

    return call


def fit_args():
    return lambda: {"X": X5.copy(), "y": Y5.copy()}


def trained_like_plain_float64(result, net, a):
    """fit on the awkward input trains exactly as on a clean float64 copy."""
    reference = sigmoid_net()
    reference.fit(np.array(a["X"], dtype=float), np.array(a["y"], dtype=float).reshape(-1, 1),
                  epochs=2, lr=0.1)
    np.testing.assert_array_equal(net.params, reference.params)


def predicts_like_plain_float64(result, net, a):
    np.testing.assert_array_equal(result, sigmoid_net().predict(np.array(a["X"], dtype=float)))


def predict(net, a):
    return net.predict(a["X"])


def evaluate(**options):
    return lambda net, a: net.evaluate(a["X"], a["y"], **options)


def set_weights(net, a):
    return net.set_weights(a["weights"])


def trace(**options):
    return lambda net, a: net.trace(a["X"], a["y"], **options)


GOOD_WEIGHTS = [(np.ones((3, 4)), np.zeros(4)), (np.ones((4, 1)), np.zeros(1))]


def weights(edit):
    def make():
        w = [[W.copy(), b.copy()] for W, b in GOOD_WEIGHTS]
        edit(w)
        return {"weights": w}

    return make


def estimator(cls, method="fit", **params):
    def call(net, a):
        est = cls(hidden_layer_sizes=(4,), epochs=2, random_state=0, **params)
        if method == "fit":
            return est.fit(a["X"], a["y"])
        est.fit(X5, [0, 1, 1, 0, 1] if cls is GlassClassifier else Y5[:, 0])
        return getattr(est, method)(a["X"])

    return call


def csv_text(text, **options):
    """A load_csv case: the text is written to a file by the test."""
    return lambda: {"csv": text, "options": options}


def read_csv(net, a):
    return load_csv(a["path"], **a["options"])


NAN_X = lambda: {"X": with_value(X5, (1, 2), np.nan), "y": Y5}  # noqa: E731

CASES = [
    # ---- fit: X --------------------------------------------------------------
    Case("fit-X-nan", NAN_X, fit(), ValueError, ("X contains NaN", "(1, 2)")),
    Case("fit-X-inf", lambda: {"X": with_value(X5, (0, 0), np.inf), "y": Y5}, fit(),
         ValueError, ("X contains inf", "(0, 0)")),
    Case("fit-X-neg-inf", lambda: {"X": with_value(X5, (4, 1), -np.inf), "y": Y5}, fit(),
         ValueError, ("X contains inf", "(4, 1)")),
    Case("fit-X-strings", lambda: {"X": [[1, 2, "abc"]] * 5, "y": Y5}, fit(),
         TypeError, ("X must hold numbers", "'abc'")),
    # None inside an object array reads as NaN, and is reported as such
    Case("fit-X-object-array", lambda: {"X": np.array([[1, None, 3]] * 5, dtype=object),
                                        "y": Y5}, fit(), ValueError, ("X contains NaN", "(0, 1)")),
    Case("fit-X-complex", lambda: {"X": X5.astype(complex), "y": Y5}, fit(),
         TypeError, ("X must hold real numbers", "complex")),
    Case("fit-X-ragged", lambda: {"X": [[1, 2, 3], [1, 2]], "y": [0, 1]}, fit(),
         ValueError, ("X must be a rectangular array", "different lengths")),
    Case("fit-X-0d", lambda: {"X": np.float64(3.0), "y": [1.0]}, fit(),
         ValueError, ("X must be 2-D", "0-D")),
    Case("fit-X-1d", lambda: {"X": X5[:, 0].copy(), "y": Y5}, fit(),
         ValueError, ("X must be 2-D", "1-D array of shape (5,)")),
    Case("fit-X-3d", lambda: {"X": X5.reshape(5, 3, 1), "y": Y5}, fit(),
         ValueError, ("X must be 2-D", "3-D", "(5, 3, 1)")),
    Case("fit-X-empty", lambda: {"X": np.zeros((0, 3)), "y": np.zeros((0, 1))}, fit(),
         ValueError, ("X is empty", "(0, 3)")),
    Case("fit-X-zero-features", lambda: {"X": np.zeros((5, 0)), "y": Y5}, fit(),
         ValueError, ("X has shape (5, 0)", "no feature columns")),
    Case("fit-X-wrong-width", lambda: {"X": np.ones((5, 6)), "y": Y5}, fit(),
         ValueError, ("expects 3 input feature(s)", "X has 6 column(s)")),
    # ---- fit: y --------------------------------------------------------------
    Case("fit-y-nan", lambda: {"X": X5, "y": with_value(Y5, (2, 0), np.nan)}, fit(),
         ValueError, ("y contains NaN", "(2, 0)")),
    Case("fit-y-inf", lambda: {"X": X5, "y": with_value(Y5, (3, 0), np.inf)}, fit(),
         ValueError, ("y contains inf", "(3, 0)")),
    Case("fit-y-strings", lambda: {"X": X5, "y": ["a", "b", "a", "b", "a"]}, fit(),
         TypeError, ("y must hold numbers", "'a'")),
    Case("fit-y-short", lambda: {"X": X5, "y": Y5[:4]}, fit(),
         ValueError, ("X has 5 samples", "y has 4")),
    Case("fit-y-empty", lambda: {"X": X5, "y": []}, fit(), ValueError, ("y is empty",)),
    Case("fit-y-too-many-columns", lambda: {"X": X5, "y": np.ones((5, 2))}, fit(),
         ValueError, ("y has 2 column(s)", "1 output unit(s)")),
    Case("fit-y-3d", lambda: {"X": X5, "y": np.ones((5, 1, 1))}, fit(),
         ValueError, ("y must be 1-D or 2-D", "(5, 1, 1)")),
    Case("fit-label-too-large", lambda: {"X": X5, "y": [0, 1, 3, 0, 1]},
         fit(loss="categorical_crossentropy"), ValueError,
         ("y holds class label 3", "only 3 outputs", "0..2"), net=softmax_net),
    Case("fit-label-negative", lambda: {"X": X5, "y": [0, 1, -1, 0, 1]},
         fit(loss="categorical_crossentropy"), ValueError,
         ("class labels 0..2", "-1", "not a non-negative integer"), net=softmax_net),
    Case("fit-label-fractional", lambda: {"X": X5, "y": [0, 1, 1.5, 0, 1]},
         fit(loss="categorical_crossentropy"), ValueError,
         ("class labels 0..2", "1.5", "not a non-negative integer"), net=softmax_net),
    Case("fit-onehot-negative", lambda: {"X": X5, "y": -np.eye(3)[LABELS5]},
         fit(loss="categorical_crossentropy"), ValueError,
         ("categorical_crossentropy expects non-negative targets", "-1"), net=softmax_net),
    Case("fit-bce-target-above-1", lambda: {"X": X5, "y": [0, 2, 1, 0, 1]},
         fit(loss="binary_crossentropy"), ValueError,
         ("binary_crossentropy expects targets in [0, 1]", "the first 2")),
    Case("fit-bce-target-negative", lambda: {"X": X5, "y": [0, 1, -0.5, 0, 1]},
         fit(loss="binary_crossentropy"), ValueError,
         ("targets in [0, 1]", "-0.5 at row 2")),
    # ---- fit: options --------------------------------------------------------
    Case("fit-epochs-0", fit_args(), fit(epochs=0), ValueError,
         ("epochs must be a positive integer", "got 0")),
    Case("fit-epochs-negative", fit_args(), fit(epochs=-3), ValueError,
         ("epochs must be a positive integer", "got -3")),
    Case("fit-epochs-float", fit_args(), fit(epochs=2.5), ValueError,
         ("epochs must be a positive integer", "got 2.5")),
    Case("fit-epochs-string", fit_args(), fit(epochs="10"), ValueError,
         ("epochs must be a positive integer", "got '10'")),
    Case("fit-batch-size-0", fit_args(), fit(batch_size=0), ValueError,
         ("batch_size must be a positive integer", "got 0")),
    Case("fit-batch-size-negative", fit_args(), fit(batch_size=-4), ValueError,
         ("batch_size must be a positive integer", "got -4")),
    Case("fit-lr-0", fit_args(), fit(lr=0), ValueError,
         ("lr must be a positive finite number", "got 0")),
    Case("fit-lr-negative", fit_args(), fit(lr=-0.1), ValueError,
         ("lr must be a positive finite number", "got -0.1")),
    Case("fit-lr-inf", fit_args(), fit(lr=float("inf")), ValueError,
         ("lr must be a positive finite number", "got inf")),
    Case("fit-unknown-loss", fit_args(), fit(loss="hinge"), ValueError,
         ("Unknown loss 'hinge'", "Expected one of", "mse")),
    Case("fit-unknown-optimizer", fit_args(), fit(optimizer="lbfgs"), ValueError,
         ("Unknown optimizer 'lbfgs'", "Expected one of", "adam")),
    Case("fit-unknown-metric", fit_args(), fit(metrics=["f1"]), ValueError,
         ("Unknown metric 'f1'", "Expected one of", "accuracy")),
    Case("fit-validation-split-1", fit_args(), fit(validation_split=1.0), ValueError,
         ("validation_split must be a fraction in [0, 1)", "got 1.0")),
    # ---- fit: awkward inputs that must work ---------------------------------
    Case("fit-lists", lambda: {"X": X5.tolist(), "y": Y5[:, 0].tolist()}, fit(),
         check=trained_like_plain_float64),
    Case("fit-pandas", lambda: {"X": pd.DataFrame(X5, columns=list("abc")),
                                "y": pd.Series(Y5[:, 0])}, fit(),
         check=trained_like_plain_float64),
    Case("fit-int-dtypes", lambda: {"X": np.arange(15, dtype=np.int32).reshape(5, 3),
                                    "y": np.array([0, 1, 1, 0, 1], dtype=np.uint8)}, fit(),
         check=trained_like_plain_float64),
    Case("fit-bool-target", lambda: {"X": X5, "y": np.array([0, 1, 1, 0, 1], dtype=bool)},
         fit(), check=trained_like_plain_float64),
    Case("fit-fortran-order", lambda: {"X": np.asfortranarray(X5), "y": Y5}, fit(),
         check=trained_like_plain_float64),
    Case("fit-non-contiguous", lambda: {"X": np.repeat(X5, 2, axis=0)[::2], "y": Y5[:, 0]},
         fit(), check=trained_like_plain_float64),
    Case("fit-float32-into-float64", lambda: {"X": X5.astype(np.float32), "y": Y5}, fit(),
         check=trained_like_plain_float64),
    # ---- predict -------------------------------------------------------------
    Case("predict-nan", NAN_X, predict, ValueError, ("X contains NaN", "(1, 2)")),
    Case("predict-strings", lambda: {"X": [["1", "2", "x"]]}, predict,
         TypeError, ("X must hold numbers", "'x'")),
    Case("predict-wrong-width", lambda: {"X": np.ones((2, 4))}, predict,
         ValueError, ("expects 3 input feature(s)", "X has 4 column(s)")),
    Case("predict-one-sample-1d", lambda: {"X": X5[0].copy()}, predict,
         ValueError, ("X must be 2-D", "X.reshape(1, -1)")),
    Case("predict-none", lambda: {"X": None}, predict,
         TypeError, ("X must be an array of numbers", "got None")),
    Case("predict-pandas", lambda: {"X": pd.DataFrame(X5)}, predict,
         check=predicts_like_plain_float64),
    Case("predict-numeric-strings", lambda: {"X": X5.astype(str)}, predict,
         check=predicts_like_plain_float64),
    Case("predict-transposed-view", lambda: {"X": np.ascontiguousarray(X5.T).T}, predict,
         check=predicts_like_plain_float64),
    Case("predict-int64", lambda: {"X": np.arange(6).reshape(2, 3)}, predict,
         check=predicts_like_plain_float64),
    # ---- evaluate ------------------------------------------------------------
    Case("evaluate-y-short", lambda: {"X": X5, "y": Y5[:3]}, evaluate(),
         ValueError, ("X has 5 samples", "y has 3")),
    Case("evaluate-y-nan", lambda: {"X": X5, "y": with_value(Y5, (0, 0), np.nan)}, evaluate(),
         ValueError, ("y contains NaN", "(0, 0)")),
    Case("evaluate-unknown-metric", fit_args(), evaluate(metrics=("auc",)),
         ValueError, ("Unknown metric 'auc'", "Expected one of")),
    Case("evaluate-unknown-loss", fit_args(), evaluate(loss="huber"),
         ValueError, ("Unknown loss 'huber'", "Expected one of")),
    Case("evaluate-labels-too-large", lambda: {"X": X5, "y": [0, 1, 5, 0, 1]},
         evaluate(loss="categorical_crossentropy"), ValueError,
         ("class label 5", "only 3 outputs"), net=softmax_net),
    Case("evaluate-pandas", lambda: {"X": pd.DataFrame(X5), "y": pd.Series(Y5[:, 0])},
         evaluate(loss="mse", metrics=()),
         check=lambda result, net, a: np.testing.assert_allclose(
             result["loss"], np.mean((sigmoid_net().predict(X5) - Y5) ** 2), rtol=1e-15)),
    # ---- set_weights ---------------------------------------------------------
    Case("set-weights-W-shape", weights(lambda w: w[0].__setitem__(0, np.ones((4, 3)))),
         set_weights, ValueError, ("W of layer 1", "must have shape (3, 4)", "shape (4, 3)")),
    Case("set-weights-b-shape", weights(lambda w: w[1].__setitem__(1, np.zeros(2))),
         set_weights, ValueError, ("b of layer 2", "(1,) or (1, 1)", "shape (2,)")),
    Case("set-weights-too-few", weights(lambda w: w.pop()), set_weights,
         ValueError, ("list of 2 (W, b) pair(s)", "got 1")),
    Case("set-weights-not-a-list", lambda: {"weights": np.ones((3, 4))}, set_weights,
         ValueError, ("list of 2 (W, b) pair(s)", "got ndarray")),
    Case("set-weights-nan", weights(lambda w: w[0][0].__setitem__((1, 1), np.nan)),
         set_weights, ValueError, ("W of layer 1", "NaN")),
    Case("set-weights-strings", weights(lambda w: w[0].__setitem__(0, [["a"] * 4] * 3)),
         set_weights, TypeError, ("W of layer 1", "must hold numbers", "'a'")),
    Case("set-weights-bias-missing", weights(lambda w: w[0].__setitem__(1, None)),
         set_weights, ValueError, ("Layer 1", "has a bias, but None was given")),
    Case("set-weights-tutorial-shapes-and-lists",
         weights(lambda w: w.__setitem__(0, [w[0][0].tolist(), [[0.5] * 4]])), set_weights,
         check=lambda result, net, a: np.testing.assert_array_equal(
             net.layers[0].b, [0.5] * 4)),
    # ---- trace ---------------------------------------------------------------
    Case("trace-X-nan", NAN_X, trace(), ValueError, ("X contains NaN",)),
    Case("trace-lr-0", fit_args(), trace(lr=0), ValueError, ("lr must be a positive", "got 0")),
    Case("trace-unknown-loss", fit_args(), trace(loss="l1"), ValueError, ("Unknown loss 'l1'",)),
    Case("trace-y-wrong-length", lambda: {"X": X5, "y": [1, 0]}, trace(),
         ValueError, ("X has 5 samples", "y has 2")),
    Case("trace-lists", lambda: {"X": X5.tolist(), "y": Y5.tolist()}, trace(),
         check=lambda tr, net, a: np.testing.assert_array_equal(tr["X"], X5)),
    # ---- scikit-learn estimators ---------------------------------------------
    Case("classifier-X-nan", lambda: {"X": with_value(X5, (0, 1), np.nan), "y": [0, 1, 1, 0, 1]},
         estimator(GlassClassifier), ValueError, ("Input X contains NaN",)),
    Case("classifier-one-class", lambda: {"X": X5, "y": [1] * 5},
         estimator(GlassClassifier), ValueError, ("y holds only one class", "at least two")),
    Case("classifier-y-short", lambda: {"X": X5, "y": [0, 1, 1]},
         estimator(GlassClassifier), ValueError, ("inconsistent numbers of samples", "[5, 3]")),
    Case("classifier-X-3d", lambda: {"X": X5.reshape(5, 3, 1), "y": [0, 1, 1, 0, 1]},
         estimator(GlassClassifier), ValueError, ("dim 3", "dim <= 2 is required")),
    Case("classifier-continuous-y", lambda: {"X": X5, "y": [0.1, 0.2, 0.3, 0.4, 0.5]},
         estimator(GlassClassifier), ValueError, ("Unknown label type", "continuous")),
    Case("classifier-bad-hidden", lambda: {"X": X5, "y": [0, 1, 1, 0, 1]},
         lambda net, a: GlassClassifier(hidden_layer_sizes=(0,)).fit(a["X"], a["y"]),
         ValueError, ("hidden_layer_sizes must hold positive integers", "(0,)")),
    Case("classifier-predict-wrong-width", lambda: {"X": np.ones((2, 5))},
         estimator(GlassClassifier, "predict"), ValueError,
         ("X has 5 features", "expecting 3 features")),
    Case("classifier-pandas-strings", lambda: {"X": pd.DataFrame(X5, columns=list("abc")),
                                               "y": pd.Series(list("xyyxy"))},
         estimator(GlassClassifier),
         check=lambda est, net, a: np.testing.assert_array_equal(est.classes_, ["x", "y"])),
    Case("regressor-X-strings", lambda: {"X": [["a", "b", "c"]] * 5, "y": Y5[:, 0]},
         estimator(GlassRegressor), ValueError, ("could not convert string to float", "'a'")),
    Case("regressor-y-inf", lambda: {"X": X5, "y": with_value(Y5[:, 0], 2, np.inf)},
         estimator(GlassRegressor), ValueError, ("Input y contains infinity",)),
    Case("regressor-fortran-int",
         lambda: {"X": np.asfortranarray(np.arange(15).reshape(5, 3)), "y": [1, 2, 3, 4, 5]},
         estimator(GlassRegressor),
         check=lambda est, net, a: np.testing.assert_array_equal(
             est.predict(np.arange(15).reshape(5, 3)),
             est.predict(np.arange(15, dtype=float).reshape(5, 3)))),
    # ---- load_csv ------------------------------------------------------------
    Case("csv-text-feature", csv_text("a,b,y\n1,2,0\n3,n/a,1\n"), read_csv, ValueError,
         ("line 3 (data row 2)", "column 2 ('b')", "'n/a'", "not a finite number")),
    Case("csv-inf-feature", csv_text("a,b,y\n1,inf,0\n"), read_csv, ValueError,
         ("column 2 ('b')", "'inf'", "not a finite number")),
    Case("csv-empty-feature", csv_text("a,b,y\n1,,0\n"), read_csv, ValueError,
         ("column 2 ('b')", "is empty")),
    Case("csv-ragged-row", csv_text("a,b,y\n1,2,0\n1,2,0,4\n"), read_csv, ValueError,
         ("line 3", "Expected 3 fields", "saw 4")),
    Case("csv-empty-file", csv_text(""), read_csv, ValueError, ("is empty", "header row")),
    Case("csv-header-only", csv_text("a,b,y\n"), read_csv, ValueError, ("no data rows",)),
    Case("csv-duplicate-header", csv_text("a,a,y\n1,2,0\n"), read_csv, ValueError,
         ("names column 'a' more than once",)),
    Case("csv-unknown-target", csv_text("a,b,y\n1,2,0\n", target="label"), read_csv, ValueError,
         ("no column 'label'", "a, b, y")),
    Case("csv-target-out-of-range", csv_text("a,b,y\n1,2,0\n", target=3), read_csv, ValueError,
         ("target=3 is out of range", "3 columns")),
    Case("csv-target-wrong-type", csv_text("a,b,y\n1,2,0\n", target=1.0), read_csv, TypeError,
         ("target must be a column name or index", "1.0")),
    Case("csv-one-column", csv_text("y\n1\n"), read_csv, ValueError, ("only one column",)),
    Case("csv-numeric-target-required", csv_text("a,y\n1,cat\n", categorical=False), read_csv,
         ValueError, ("'cat'", "categorical=False asks for a numeric target")),
    Case("csv-blank-lines-and-bom", csv_text("\ufeffa,b,y\n\n1,2,cat\n\n3,4,dog\n"), read_csv,
         check=lambda ds, net, a: (
             np.testing.assert_array_equal(ds.X, [[1, 2], [3, 4]]),
             np.testing.assert_array_equal(ds.y, [0, 1]),
             ds.class_names == ("cat", "dog") or pytest.fail(str(ds.class_names)))),
]


def snapshot(inputs):
    return copy.deepcopy({k: v for k, v in inputs.items()})


def assert_same(before, after, where=""):
    """Deep equality that treats NaN as equal to NaN and compares dtypes and order."""
    if isinstance(before, (pd.DataFrame, pd.Series)):
        assert type(before) is type(after)
        np.testing.assert_array_equal(before.to_numpy(), after.to_numpy(), err_msg=where)
        assert list(before.index) == list(after.index)
    elif isinstance(before, np.ndarray):
        assert before.dtype == after.dtype and before.shape == after.shape, where
        assert before.flags.f_contiguous == after.flags.f_contiguous, where
        np.testing.assert_array_equal(before, after, err_msg=where)
    elif isinstance(before, (list, tuple)):
        assert type(before) is type(after) and len(before) == len(after), where
        for i, (b, a) in enumerate(zip(before, after)):
            assert_same(b, a, f"{where}[{i}]")
    elif isinstance(before, dict):
        assert before.keys() == after.keys(), where
        for k in before:
            assert_same(before[k], after[k], f"{where}[{k!r}]")
    elif isinstance(before, float) and before != before:
        assert after != after, where
    else:
        assert before == after, where


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_input_matrix(case, tmp_path):
    inputs = case.inputs()
    if "csv" in inputs:
        path = tmp_path / "data.csv"
        path.write_text(inputs.pop("csv"), encoding="utf-8")
        inputs["path"] = path
        file_before = path.read_bytes()
    before = snapshot(inputs)
    net = case.net()
    params_before = net.params.copy()
    if case.error is None:
        result = case.call(net, inputs)
        case.check(result, net, inputs)
    else:
        with pytest.raises(case.error) as err:
            case.call(net, inputs)
        message = str(err.value)
        for words in case.words:
            assert words in message, f"{words!r} not in {message!r}"
        assert type(err.value) in (ValueError, TypeError)  # not a subclass of something odd
        np.testing.assert_array_equal(net.params, params_before)  # refused: nothing trained
    for key in before:
        assert_same(before[key], inputs[key], key)
    if "path" in inputs:
        assert inputs["path"].read_bytes() == file_before


def test_the_matrix_is_big_and_covers_every_entry_point():
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)
    prefixes = {c.id.split("-")[0] for c in CASES}
    assert {"fit", "predict", "evaluate", "set", "trace", "classifier", "regressor",
            "csv"} <= prefixes
    assert sum(c.error is None for c in CASES) >= 15  # inputs that must simply work
