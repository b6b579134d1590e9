"""Properties over random architectures (hypothesis): depth 1-4, widths 1-16, every
activation, with and without bias."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import glassnet as gn
from finite_differences import numeric_gradient
from glassnet.activations import ACTIVATIONS
from problems import data_for

# random targets beside bounded outputs (tanh, sigmoid) are on purpose here: these
# tests check dtypes and bit-identity, not fits, so fit's "cannot reach" warning is noise
pytestmark = pytest.mark.filterwarnings("ignore:y spans:UserWarning")

KINKED = {"relu", "leaky_relu", "elu"}


@st.composite
def networks(draw, dtype="float64"):
    depth = draw(st.integers(1, 4))
    widths = draw(st.lists(st.integers(1, 16), min_size=depth + 1, max_size=depth + 1))
    names = sorted(ACTIVATIONS)
    layers = [
        gn.Dense(
            widths[i],
            widths[i + 1],
            # a softmax over one unit is refused (it always outputs 1)
            activation=draw(st.sampled_from(names if widths[i + 1] > 1 else
                                            [n for n in names if n != "softmax"])),
            use_bias=draw(st.booleans()),
            init=draw(st.sampled_from(["xavier", "he", "normal", "uniform"])),
        )
        for i in range(depth)
    ]
    seed = draw(st.integers(0, 2**32 - 1))
    return gn.Network(layers, seed=seed, dtype=dtype), seed


@settings(max_examples=60, deadline=None)
@given(networks(), st.integers(1, 6))
def test_backprop_equals_finite_differences(case, n):
    net, seed = case
    X, y, loss_name = data_for(net, seed, n)
    loss = gn.losses.get(loss_name)
    net.loss_and_gradients(X, y, loss)
    # Finite differences are meaningless across a kink (relu-like at z = 0, mae at
    # ŷ = y): such draws are not differentiable points, so they are rejected.
    for layer in net.layers:
        if layer.activation.name in KINKED:
            assume(np.abs(layer.z).min() > 1e-4)
    if loss_name == "mse":
        assume(np.abs(net.layers[-1].a - y).min() > 1e-4)
    analytic = net.grads.copy()
    numeric = numeric_gradient(net, X, y, loss)
    # relative to the gradient's size: the finite-difference round-off grows with |L|
    error = np.linalg.norm(analytic - numeric)
    assert error <= 1e-6 * (np.linalg.norm(analytic) + np.linalg.norm(numeric)) + 1e-8


@settings(max_examples=40, deadline=None)
@given(networks(), st.integers(1, 20))
def test_predict_on_a_batch_equals_predict_row_by_row(case, n):
    net, seed = case
    X = np.random.default_rng(seed).normal(size=(n, net.n_inputs))
    rows = np.vstack([net.predict(X[i : i + 1]) for i in range(n)])
    np.testing.assert_allclose(net.predict(X), rows, rtol=1e-12, atol=1e-14)


@settings(max_examples=20, deadline=None)
@given(st.data(), st.sampled_from(["float64", "float32"]))
def test_training_twice_with_the_same_seed_is_bit_identical(data, dtype):
    spec = data.draw(networks(dtype=dtype))[0]
    configs = [layer.get_config() for layer in spec.layers]

    def train_once():
        layers = [
            gn.Dense(c["n_inputs"], c["n_units"], c["activation"], c["use_bias"], c["init"])
            for c in configs
        ]
        net = gn.Network(layers, seed=spec.seed, dtype=dtype)
        X, y, loss = data_for(net, 0, 12)
        try:
            net.fit(X, y, epochs=3, batch_size=5, shuffle=True, loss=loss, optimizer="adam")
        except gn.TrainingDivergedError as err:
            return str(err)
        return net.params.copy()

    first, second = train_once(), train_once()
    if isinstance(first, str):
        assert first == second
    else:
        assert first.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(first, second)
