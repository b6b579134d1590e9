"""Initialisers draw from the distributions their docstrings name, from the network's generator."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import initializers


def draw(name, n_inputs=400, n_units=300, seed=0):
    return initializers.get(name).weights(
        np.random.default_rng(seed), n_inputs, n_units, np.float64
    )


def test_uniform_is_the_tutorials_unit_interval():
    W = draw("uniform")
    assert W.min() >= 0 and W.max() < 1
    assert W.mean() == pytest.approx(0.5, abs=0.01)
    assert W.var() == pytest.approx(1 / 12, rel=0.03)


def test_normal_is_standard():
    W = draw("normal")
    assert W.mean() == pytest.approx(0, abs=0.01)
    assert W.std() == pytest.approx(1, rel=0.02)


@pytest.mark.parametrize("name", ["xavier", "glorot_uniform"])
def test_glorot_uniform_limit(name):
    W = draw(name)
    limit = np.sqrt(6 / 700)
    assert np.abs(W).max() <= limit
    assert np.abs(W).max() > 0.99 * limit
    assert W.var() == pytest.approx(limit**2 / 3, rel=0.03)


@pytest.mark.parametrize("name", ["he", "he_normal"])
def test_he_normal_scale(name):
    assert draw(name).std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)


def test_zeros_and_bias_rules():
    assert not draw("zeros").any()
    rng = np.random.default_rng(0)
    assert not initializers.get("he").bias(rng, 5, np.float64).any()
    assert (initializers.get("uniform").bias(rng, 5, np.float64) > 0).all()


def test_network_seed_fixes_the_initial_weights_and_dtype():
    def weights(seed, dtype="float64"):
        return gn.Network(
            [gn.Dense(4, 3, init="he"), gn.Dense(3, 2, init="xavier")], seed=seed, dtype=dtype
        ).params

    np.testing.assert_array_equal(weights(5), weights(5))
    assert not np.array_equal(weights(5), weights(6))
    assert weights(5, "float32").dtype == np.float32
    np.testing.assert_allclose(weights(5, "float32"), weights(5), rtol=1e-6)
