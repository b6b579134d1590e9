"""Copies that work: ``net.copy()`` and ``copy.deepcopy(net)`` own their weights."""

import copy
import pickle

import numpy as np
import pytest

import glassnet as gn

X = np.array([[1, 0, 1, 0], [1, 0, 1, 1], [0, 1, 0, 1]], dtype=float)
y = np.array([[1], [1], [0]], dtype=float)


def trained_net(**fit):
    net = gn.Network([gn.Dense(4, 3), gn.Dropout(0.2), gn.Dense(3, 1)], seed=42)
    net.fit(X, y, epochs=5, lr=0.1, optimizer="adam", **fit)
    return net


@pytest.mark.parametrize("make_copy", [lambda n: n.copy(), copy.deepcopy, copy.copy,
                                       lambda n: pickle.loads(pickle.dumps(n))])
def test_training_a_copy_changes_the_copy_and_not_the_original(make_copy):
    net = trained_net()
    before, state = net.params.copy(), net.rng.bit_generator.state
    adam_m = net.optimizer.state[0]["m"].copy()
    twin = make_copy(net)
    np.testing.assert_array_equal(twin.params, before)
    # the copy's layers view the copy's own vector
    for layer in twin.dense_layers:
        assert np.shares_memory(layer.W, twin.params) and np.shares_memory(layer.dW, twin.grads)
        assert not np.shares_memory(layer.W, net.params)
    assert twin.layers[1].rng is twin.rng and twin.rng is not net.rng
    twin.fit(X, y, epochs=20, lr=0.1)
    assert not np.array_equal(twin.params, before)  # training the copy moved the copy
    np.testing.assert_array_equal(twin.params, np.concatenate(
        [np.r_[W.ravel(), b] for W, b in twin.get_weights()]))
    np.testing.assert_array_equal(net.params, before)  # and not the original
    np.testing.assert_array_equal(net.optimizer.state[0]["m"], adam_m)
    assert net.rng.bit_generator.state == state
    assert len(net.history) == 5 and len(twin.history) == 25


def test_a_copy_trains_exactly_as_the_original_would():
    a = trained_net()
    b = a.copy()
    a.fit(X, y, epochs=30, lr=0.05, shuffle=True, batch_size=2)
    b.fit(X, y, epochs=30, lr=0.05, shuffle=True, batch_size=2)
    np.testing.assert_array_equal(a.params, b.params)
    assert a.history.loss == b.history.loss


def test_changing_the_original_leaves_the_copy():
    net = trained_net()
    twin = net.copy()
    net.layers[0].W = np.zeros((4, 3))
    assert not (twin.layers[0].W == 0).all()
    twin.metadata["note"] = "copy"
    assert "note" not in net.metadata
