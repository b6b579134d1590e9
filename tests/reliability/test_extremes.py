"""Numerical extremes: every activation and loss, forward and backward, at ±1e4,
±1e300 and exact 0/1 probabilities; softmax shift invariance; divergence.

pytest turns every warning into an error, and each computation here also runs
under ``np.errstate(over/invalid/divide="raise")``, so an overflow, a 0/0 or a
log(0) fails the test even where NumPy would only have warned. (Underflow to 0
is the correct answer for e^(−1e300) and stays allowed.)

Documented behaviour (docs/reliability.md): the squared losses of a residual of
1e300 are ~1e600, which float64 cannot hold; their value is ``inf``, returned
without a warning, and ``fit`` stops on it with TrainingDivergedError. Their
gradients (2r, r, 2r/N) stay finite.
"""

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet import activations, losses
from glassnet.activations import ACTIVATIONS
from glassnet.losses import LOSSES
from glassnet.optimizers import OPTIMIZERS

EXTREMES = [1e4, -1e4, 1e300, -1e300, 0.0]
STRICT = {"over": "raise", "invalid": "raise", "divide": "raise"}
#: activations whose output is bounded, so a = f(±1e300) is a plain number
BOUNDED = {"sigmoid": (0, 1), "tanh": (-1, 1), "softmax": (0, 1)}


def column_of_extremes(dtype=np.float64):
    return np.array([EXTREMES + [-1.0, 1.0]], dtype=dtype)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_forward_and_backward_at_the_extremes(name):
    f = activations.get(name)
    z = column_of_extremes()
    with np.errstate(**STRICT):
        a = f.forward(z)
        for grad_scale in (1.0, 1e4, 1e-300):
            g = f.backward(np.full_like(z, grad_scale), z, a)
            assert np.isfinite(g).all(), (grad_scale, g)
        if f.elementwise:
            assert np.isfinite(f.derivative(z, a)).all()
    assert np.isfinite(a).all() and a.shape == z.shape
    if name in BOUNDED:
        low, high = BOUNDED[name]
        assert (a >= low).all() and (a <= high).all()


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus"])
def test_activation_limits_are_the_right_numbers(name):
    f = activations.get(name)
    z = np.array([[-1e300, -1e4, 1e4, 1e300]])
    with np.errstate(**STRICT):
        a = f.forward(z)
        slope = f.derivative(z, a)
    expected = {
        "sigmoid": ([0, 0, 1, 1], [0, 0, 0, 0]),
        "tanh": ([-1, -1, 1, 1], [0, 0, 0, 0]),
        "relu": ([0, 0, 1e4, 1e300], [0, 0, 1, 1]),
        "leaky_relu": ([-1e298, -100, 1e4, 1e300], [0.01, 0.01, 1, 1]),
        "elu": ([-1, -1, 1e4, 1e300], [0, 0, 1, 1]),
        "softplus": ([0, 0, 1e4, 1e300], [0, 0, 1, 1]),
    }[name]
    # the sigmoid caps −z where e^x would overflow, so its 0 is 1/(1 + e^709) ≈ 1.2e-308,
    # 0 to within the smallest normal float64
    tiny = 1e-307 if name in ("sigmoid", "softplus") else 0  # softplus' slope is a sigmoid
    np.testing.assert_allclose(a[0], expected[0], rtol=1e-15, atol=tiny)
    np.testing.assert_allclose(slope[0], expected[1], rtol=1e-15, atol=tiny)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_float32_activations_at_their_own_extremes(name):
    f = activations.get(name)
    # (±1e38: softmax subtracts the row maximum, and a spread beyond float32's
    # 3.4e38 would overflow there; the same holds for float64 beyond ±8e307)
    z = np.array([[1e38, -1e38, 1e4, -1e4, 0.0]], dtype=np.float32)
    with np.errstate(**STRICT):
        a = f.forward(z)
        g = f.backward(np.ones_like(z), z, a)
    assert a.dtype == np.float32 and g.dtype == np.float32
    assert np.isfinite(a).all() and np.isfinite(g).all()


@pytest.mark.parametrize("shift", [1e4, -1e4, 1e300, -1e300, 7.5])
def test_softmax_is_shift_invariant(shift):
    f = activations.Softmax()
    z = np.array([[0.0, 1.0, 2.0], [-3.0, 0.5, 0.25]])
    with np.errstate(**STRICT):
        shifted = f.forward(z + shift)
        plain = f.forward(z)
    if abs(shift) < 1e16:  # z + shift still resolves the differences of z
        np.testing.assert_allclose(shifted, plain, rtol=1e-12)
    else:  # the differences are lost in rounding: the row becomes uniform, not NaN
        np.testing.assert_allclose(shifted, np.full_like(z, 1 / 3), rtol=1e-15)
    np.testing.assert_allclose(shifted.sum(axis=1), 1.0, rtol=1e-15)


def test_softmax_of_a_row_of_extremes_picks_the_largest():
    z = np.array([[-1e300, 1e300, 1e4], [1e300, 1e300, -1e300]])
    with np.errstate(**STRICT):
        a = activations.Softmax().forward(z)
    np.testing.assert_array_equal(a, [[0, 1, 0], [0.5, 0.5, 0]])


REGRESSION_LOSSES = ["sse", "half_sse", "mse", "mae"]


@pytest.mark.parametrize("name", REGRESSION_LOSSES)
@pytest.mark.parametrize("scale", [1e4, 1e300])
def test_regression_losses_at_the_extremes(name, scale):
    loss = losses.get(name)
    y = np.array([[0.0], [1.0], [scale], [-scale]])
    yhat = np.array([[scale], [-scale], [scale], [0.0]])
    r = yhat - y  # scale, -scale-1, 0, scale
    with np.errstate(**STRICT):
        gradient = loss.gradient(y, yhat)
        with np.errstate(over="ignore"):  # the one overflow that is the true answer
            value = loss.value(y, yhat)
    assert np.isfinite(gradient).all()
    expected_gradient = {"sse": 2 * r, "half_sse": r, "mse": 2 * r / 4, "mae": np.sign(r) / 4}
    np.testing.assert_allclose(gradient, expected_gradient[name], rtol=1e-15)
    if name == "mae":
        assert value == pytest.approx(np.abs(r).sum() / 4, rel=1e-15)
    elif scale == 1e4:
        squares = float((r**2).sum())
        factor = {"sse": 1, "half_sse": 0.5, "mse": 0.25}[name]
        assert value == pytest.approx(factor * squares, rel=1e-15)
    else:  # (1e300)² = 1e600 is beyond float64: inf, honestly, not a made-up number
        assert value == math.inf


@pytest.mark.parametrize("name", ["sse", "half_sse", "mse"])
def test_squared_loss_overflow_is_inf_without_a_warning(name):
    # The value is computed with a dot product; a plain np.sum(r**2) would warn.
    y, yhat = np.zeros((2, 1)), np.array([[1e300], [-1e300]])
    assert losses.get(name).value(y, yhat) == math.inf  # pytest: any warning is an error


CROSS_ENTROPIES = ["binary_crossentropy", "categorical_crossentropy"]


@pytest.mark.parametrize("name", CROSS_ENTROPIES)
def test_cross_entropies_at_exact_zero_and_one_probabilities(name):
    loss = losses.get(name)
    t = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    p = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]])  # wrong, wrong, right; all saturated
    with np.errstate(**STRICT):
        value = loss.value(t, p)
        gradient = loss.gradient(t, p)
        delta = loss.fused_delta(t, p)
    assert math.isfinite(value) and value > 0
    assert np.isfinite(gradient).all()
    np.testing.assert_array_equal(delta, (p - t) / (t.size if name[0] == "b" else 3))
    # perfectly right predictions cost nothing (up to the clipping at eps)
    with np.errstate(**STRICT):
        assert 0 <= loss.value(t, t) < 1e-12


@pytest.mark.parametrize("name", CROSS_ENTROPIES)
@pytest.mark.parametrize("scale", [1e4, 1e300])
def test_cross_entropies_from_extreme_logits(name, scale):
    loss = losses.get(name)
    t = np.array([[1.0, 0.0], [0.0, 1.0]])
    z_right = np.array([[scale, -scale], [-scale, scale]])
    z_wrong = -z_right
    with np.errstate(**STRICT):
        right = loss.value(t, None, z_right)
        wrong = loss.value(t, None, z_wrong)
    assert right == 0.0
    # the exact cost of a confident mistake, from the logits: no clipping, no inf
    expected = {"binary_crossentropy": scale, "categorical_crossentropy": 2 * scale}[name]
    assert wrong == pytest.approx(expected, rel=1e-12)


def test_every_loss_is_covered():
    assert set(LOSSES) == set(REGRESSION_LOSSES) | set(CROSS_ENTROPIES)


def test_a_network_forward_and_backward_on_extreme_inputs():
    net = gn.Network([gn.Dense(2, 3, "tanh"), gn.Dense(3, 2, "softmax")], seed=0)
    X = np.array([[1e300, -1e300], [1e4, -1e4], [0.0, 0.0]])
    y = np.eye(2)[[0, 1, 0]]
    with np.errstate(**STRICT):
        L = net.loss_and_gradients(X, y, losses.get("categorical_crossentropy"))
    assert math.isfinite(L) and np.isfinite(net.grads).all()


# ---- divergence ------------------------------------------------------------------
OPTIMIZER_NAMES = sorted({cls.name for cls in OPTIMIZERS.values()})
#: Adam and RMSprop divide the step by the gradient's running size, so lr=1e3 moves
#: each weight by about 1e3 per step: large, but no overflow. They diverge at lr=1e300.
NORMALISED = {"adam", "rmsprop"}


def linear_problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 3))
    return X, X @ np.array([[1.0], [2.0], [3.0]])


@pytest.mark.parametrize("batch_size", [None, 5, 1])
@pytest.mark.parametrize("optimizer", OPTIMIZER_NAMES)
def test_divergence_stops_with_the_epoch_and_rolls_back(optimizer, batch_size):
    X, y = linear_problem()
    net = gn.Network([gn.Dense(3, 8, "linear"), gn.Dense(8, 1, "linear")], seed=0)
    start_of_epoch = [net.params.copy()]

    class Recorder:
        def on_epoch_end(self, epoch, logs):
            start_of_epoch.append(net.params.copy())

    lr = 1e300 if optimizer in NORMALISED else 1e3
    with pytest.raises(gn.TrainingDivergedError) as err:
        net.fit(X, y, epochs=300, lr=lr, optimizer=optimizer, batch_size=batch_size,
                shuffle=batch_size is not None, callbacks=[Recorder()])
    epoch = len(start_of_epoch) - 1  # the epoch that diverged, 0-based
    message = str(err.value)
    assert f"diverged at epoch {epoch}:" in message
    back_to = max(epoch - 1, 0)  # the start of the last epoch whose loss was finite
    if epoch > 0:
        assert f"rolled back to the start of epoch {back_to}, the last with a finite" in message
    else:
        assert "rolled back to the weights this fit call began with (epoch 0)" in message
    assert f"lr={lr:g}" in message
    assert np.isfinite(net.params).all()
    np.testing.assert_array_equal(net.params, start_of_epoch[back_to])
    assert len(net.history.loss) == epoch and all(map(math.isfinite, net.history.loss))
    assert np.isfinite(net.predict(X)).all()


@pytest.mark.parametrize("optimizer", sorted(NORMALISED))
def test_normalised_optimizers_at_lr_1e3_stay_finite(optimizer):
    X, y = linear_problem()
    net = gn.Network([gn.Dense(3, 8, "linear"), gn.Dense(8, 1, "linear")], seed=0)
    net.fit(X, y, epochs=50, lr=1e3, optimizer=optimizer)
    assert np.isfinite(net.params).all() and all(map(math.isfinite, net.history.loss))


def test_fit_on_targets_of_1e300_stops_on_the_infinite_squared_loss():
    X = np.ones((4, 1))
    y = np.full((4, 1), 1e300)
    net = gn.Network([gn.Dense(1, 1, "linear")], seed=0)
    before = net.params.copy()
    with pytest.raises(gn.TrainingDivergedError, match="epoch 0: the mse loss became inf"):
        net.fit(X, y, epochs=3, lr=0.1)
    np.testing.assert_array_equal(net.params, before)
    # mae's value stays representable, and training on it works
    net.fit(X, y, epochs=3, lr=0.1, loss="mae")
    assert np.isfinite(net.params).all()
