"""Losses: values worked by hand, sum vs mean reduction, stable cross-entropies."""

import math

import numpy as np
import pytest

from glassnet import losses
from glassnet.losses import LOSSES

y = np.array([[1.0, 0.0], [0.0, 1.0]])
yhat = np.array([[0.8, 0.1], [0.3, 0.6]])


def test_squared_error_family_worked_by_hand():
    squares = 0.2**2 + 0.1**2 + 0.3**2 + 0.4**2  # 0.30
    assert losses.get("sse").value(y, yhat) == pytest.approx(squares)
    assert losses.get("half_sse").value(y, yhat) == pytest.approx(squares / 2)
    assert losses.get("mse").value(y, yhat) == pytest.approx(squares / 4)
    assert losses.get("mae").value(y, yhat) == pytest.approx((0.2 + 0.1 + 0.3 + 0.4) / 4)


def test_gradients_worked_by_hand():
    r = yhat - y
    np.testing.assert_allclose(losses.get("sse").gradient(y, yhat), 2 * r)
    np.testing.assert_allclose(losses.get("half_sse").gradient(y, yhat), r)  # = −E
    np.testing.assert_allclose(losses.get("mse").gradient(y, yhat), 2 * r / 4)
    np.testing.assert_allclose(losses.get("mae").gradient(y, yhat), np.sign(r) / 4)


def test_cross_entropies_worked_by_hand():
    bce = -(math.log(0.8) + math.log(0.9) + math.log(0.7) + math.log(0.6)) / 4
    assert losses.get("binary_crossentropy").value(y, yhat) == pytest.approx(bce)
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    t = np.array([[1.0, 0, 0], [0, 0, 1.0]])
    cce = -(math.log(0.7) + math.log(0.8)) / 2
    assert losses.get("categorical_crossentropy").value(t, p) == pytest.approx(cce)


def test_sum_losses_grow_with_the_batch_and_mean_losses_do_not():
    double_y, double_yhat = np.vstack([y, y]), np.vstack([yhat, yhat])
    for name in ("sse", "half_sse"):
        loss = losses.get(name)
        assert loss.value(double_y, double_yhat) == pytest.approx(2 * loss.value(y, yhat))
    for name in ("mse", "mae", "binary_crossentropy", "categorical_crossentropy"):
        loss = losses.get(name)
        assert loss.value(double_y, double_yhat) == pytest.approx(loss.value(y, yhat))


def test_cross_entropy_from_logits_equals_from_probabilities():
    z = np.array([[0.5, -1.0, 2.0], [1.5, 0.2, -0.7]])
    t = np.array([[0.0, 0, 1], [1, 0, 0]])
    cce = losses.get("categorical_crossentropy")
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert cce.value(t, p, z) == pytest.approx(cce.value(t, p), rel=1e-13)
    bce = losses.get("binary_crossentropy")
    s = 1 / (1 + np.exp(-z))
    assert bce.value(t, s, z) == pytest.approx(bce.value(t, s), rel=1e-13)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_categorical_crossentropy_takes_the_logits_path_once_a_probability_underflows(dtype):
    from glassnet.activations import Softmax

    cce = losses.get("categorical_crossentropy")
    t = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=dtype)

    def exact(z):  # log-softmax in float64, by hand
        z = z.astype(np.float64)
        lse = z.max(axis=1) + np.log(np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1))
        return float(np.mean(lse - (t * z).sum(axis=1)))

    # a gap of 3: every probability is a normal number, so it is −Σ y log ŷ / n itself
    z = np.array([[1.0, -2.0], [0.5, 3.5]], dtype=dtype)
    p = Softmax().forward(z)
    assert cce.value(t, p, z) == float(-np.vdot(t, np.log(p))) / 2
    assert cce.value(t, p, z) == pytest.approx(exact(z), rel=10 * float(np.finfo(dtype).eps))
    # a gap of 800: e^-800 is 0 in both dtypes; the loss must still be the exact 800
    z = np.array([[400.0, -400.0], [-400.0, 400.0]], dtype=dtype)
    p = Softmax().forward(z)
    assert p.min() == 0
    assert cce.value(t, p, z) == pytest.approx(800.0, rel=1e-6)


@pytest.mark.parametrize("name", ["binary_crossentropy", "categorical_crossentropy"])
def test_cross_entropy_is_finite_on_exact_zero_and_one_probabilities(name):
    t = np.array([[1.0, 0.0], [0.0, 1.0]])
    p = np.array([[0.0, 1.0], [1.0, 0.0]])  # as wrong as can be, exactly saturated
    loss = losses.get(name)
    assert math.isfinite(loss.value(t, p))
    assert np.isfinite(loss.gradient(t, p)).all()
    z = np.array([[-1e300, 1e300], [1e4, -1e4]])
    assert math.isfinite(loss.value(t, p, z))


def test_binary_crossentropy_refuses_targets_outside_0_1():
    with pytest.raises(ValueError, match=r"targets in \[0, 1\].*1.5 at row 1, column 0"):
        losses.get("binary_crossentropy").check_target(np.array([[0.0], [1.5]]))


def test_unknown_loss_lists_the_valid_names():
    with pytest.raises(ValueError) as err:
        losses.get("cross_entropy")
    assert all(name in str(err.value) for name in LOSSES)


def test_for_targets_skips_the_row_sums_only_when_every_row_sums_to_one():
    cce = losses.CategoricalCrossEntropy()
    one_hot = np.eye(3)[[0, 2, 1, 1]]
    z = np.random.default_rng(0).normal(size=(4, 3))
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    twin = cce.for_targets(one_hot)
    assert twin is not cce and twin.rows_sum_to_one and not cce.rows_sum_to_one
    assert np.array_equal(twin.fused_delta(one_hot, p), cce.fused_delta(one_hot, p))
    for rows in (one_hot + np.eye(3)[[1, 0, 0, 0]], one_hot * [[1], [1], [0], [1]]):
        assert cce.for_targets(rows) is cce  # a row summing to 2 or 0: the exact formula
    half_sse = losses.get("half_sse")
    assert half_sse.for_targets(one_hot) is half_sse


def test_fit_trains_multi_label_rows_with_the_exact_gradient():
    import glassnet as gn

    X = np.random.default_rng(1).normal(size=(5, 2))
    y = np.eye(3)[[0, 1, 2, 0, 1]]
    y[0, 2] = y[3, 1] = 1.0  # two rows sum to 2
    net = gn.Network([gn.Dense(2, 3, activation="softmax")], seed=0)
    expected = net.params.copy()
    net.loss_and_gradients(X, y, losses.get("categorical_crossentropy"))
    expected -= 0.5 * net.grads
    net.fit(X, y, epochs=1, lr=0.5, optimizer="gd", loss="categorical_crossentropy")
    np.testing.assert_array_equal(net.params, expected)
