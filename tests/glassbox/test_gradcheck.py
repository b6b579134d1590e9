"""gradcheck: backprop agrees with central differences; a wrong derivative is caught."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.activations import Sigmoid
from glassnet.tutorials import RAY_X, RAY_Y


class WrongSigmoid(Sigmoid):
    """A sigmoid whose backward forgets the (1 − a) factor: a bug gradcheck must see."""

    name = "wrong_sigmoid"

    def backward(self, grad_a, z, a):
        return grad_a * a


@pytest.mark.parametrize(
    "activations, loss",
    [
        (["sigmoid", "sigmoid"], "half_sse"),
        (["tanh", "linear"], "mse"),
        (["elu", "sigmoid"], "binary_crossentropy"),
        (["softplus", "softmax"], "categorical_crossentropy"),
        (["tanh", "softmax"], "sse"),
    ],
)
def test_backprop_agrees_with_finite_differences(activations, loss):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 3))
    n_out = 3 if activations[-1] == "softmax" else 1
    y = np.eye(n_out)[rng.integers(0, n_out, 6)] if n_out > 1 else rng.integers(0, 2, (6, 1))
    net = gn.Network([gn.Dense(3, 4, activations[0]), gn.Dense(4, n_out, activations[1])], seed=1)
    params = net.params.copy()
    report = gn.gradcheck(net, X, y, loss=loss)
    assert report.passed, str(report)
    assert [c.name for c in report.checks] == ["layer 1 W", "layer 1 b", "layer 2 W", "layer 2 b"]
    assert report["layer 1 W"].shape == (3, 4)
    assert report.max_rel_error < 1e-5
    np.testing.assert_array_equal(net.params, params)


def test_a_wrong_derivative_fails_the_check_and_says_where():
    net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1, activation=WrongSigmoid())], seed=0)
    report = gn.gradcheck(net, RAY_X, RAY_Y)
    assert not report.passed and not report
    assert not report["layer 2 W"].passed and not report["layer 1 W"].passed
    assert report["layer 2 W"].max_rel_error > 0.5
    text = str(report)
    assert "FAIL" in text and "SOME TENSORS FAILED" in text
    assert all(len(line) <= 100 for line in text.splitlines())


def test_report_text_lists_every_tensor():
    net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=0)
    text = str(gn.gradcheck(net, RAY_X, RAY_Y))
    lines = text.splitlines()
    assert lines[2].split()[:2] == ["tensor", "shape"]
    assert [line.split()[:3] for line in lines[3:7]] == [
        ["layer", "1", "W"], ["layer", "1", "b"], ["layer", "2", "W"], ["layer", "2", "b"]
    ]
    assert lines[-1] == "all passed" and text.count(" ok") == 4


def test_gradcheck_validates_its_inputs():
    net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=0)
    with pytest.raises(ValueError, match="expects 4 input feature"):
        gn.gradcheck(net, RAY_X[:, :2], RAY_Y)
    with pytest.raises(KeyError, match="No tensor"):
        gn.gradcheck(net, RAY_X, RAY_Y)["layer 9 W"]


def test_float32_networks_get_float32_tolerances():
    net = gn.Network([gn.Dense(4, 3, "tanh"), gn.Dense(3, 1)], seed=0, dtype="float32")
    report = gn.gradcheck(net, RAY_X, RAY_Y)
    assert (report.eps, report.rtol, report.atol) == (1e-2, 1e-2, 1e-4)
    assert report.passed, str(report)
    broken = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1, activation=WrongSigmoid())], seed=0,
                        dtype="float32")
    assert not gn.gradcheck(broken, RAY_X, RAY_Y).passed


def test_elements_passing_only_on_the_absolute_error_are_counted_and_said():
    """A feature of size 1e-9 gives weight gradients near 1e-9, where central
    differences are all roundoff: rel error ~1, abs error far under atol."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 2))
    X[:, 1] *= 1e-9
    y = rng.normal(size=(6, 1))
    net = gn.Network([gn.Dense(2, 3, "tanh"), gn.Dense(3, 1, "linear")], seed=0)
    report = gn.gradcheck(net, X, y, loss="mse")
    first = report["layer 1 W"]
    assert report.passed and first.max_rel_error > 0.5
    assert first.n_passed_on_abs == 3  # the row of W for the tiny feature
    assert report["layer 2 W"].n_passed_on_abs == 0
    assert "ok (3 near 0, on abs error)" in str(report)
