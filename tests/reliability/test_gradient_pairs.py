"""Class 4: the gradient used is always the derivative of the loss reported.

For every output activation × loss pair that ``fit`` accepts, and any target it
accepts (hypothesis draws them: multi-label, all-zero and rows summing to 2 for
categorical cross-entropy included), backprop equals central finite
differences. Pairs ``fit`` refuses are refused with a sentence (class 10).
"""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import glassnet as gn
from glassnet.activations import ACTIVATIONS
from glassnet.losses import LOSSES
from glassnet.validation import loss_output_problem

N, D, H = 5, 3, 4


def _accepted(activation, loss, k):
    try:
        gn.Dense(H, k, activation=activation)
    except ValueError:
        return False
    return loss_output_problem(loss, ACTIVATIONS[activation](), k) is None


PAIRS = [(a, loss, k) for a, loss, k in itertools.product(sorted(ACTIVATIONS), sorted(LOSSES),
                                                          (1, 3)) if _accepted(a, loss, k)]
REFUSED = [(a, loss, k) for a, loss, k in itertools.product(sorted(ACTIVATIONS), sorted(LOSSES),
                                                            (1, 3)) if not _accepted(a, loss, k)]


def _targets(loss, k):
    if loss == "binary_crossentropy":
        elements = st.floats(0, 1)
    elif loss == "categorical_crossentropy":  # any non-negative rows, not only one-hot
        elements = st.sampled_from([0.0, 0.5, 1.0, 2.0]) | st.floats(0, 3)
    else:
        elements = st.floats(-1, 1)  # L stays small: ε-roundoff in L is not in the gradient
    return arrays(np.float64, (N, k), elements=elements)


def test_the_pairs_cover_every_activation_and_loss():
    assert {a for a, _, _ in PAIRS} == set(ACTIVATIONS)
    assert {loss for _, loss, _ in PAIRS} == set(LOSSES)
    assert len(PAIRS) == 64 and len(REFUSED) == 32  # counted in docs/reliability.md


@pytest.mark.parametrize("activation, loss, k", PAIRS)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_gradcheck_passes_for_every_accepted_pair_and_target(activation, loss, k, data):
    y = data.draw(_targets(loss, k))
    seed = data.draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    net = gn.Network([gn.Dense(D, H, activation="tanh"),
                      gn.Dense(H, k, activation=activation)], seed=seed)
    X = rng.normal(size=(N, D))
    report = gn.gradcheck(net, X, y, loss=loss)
    assert report.passed, f"{activation} + {loss}, y={y.tolist()}\n{report}"


@pytest.mark.parametrize("y", [
    [[1.0, 1.0, 0.0]] * N,   # multi-label rows
    [[0.0, 0.0, 0.0]] * N,   # all-zero rows
    [[2.0, 0.0, 0.0]] * N,   # rows summing to 2
    [[0.2, 0.3, 0.5]] * N,   # probabilities
])
def test_softmax_categorical_crossentropy_on_rows_that_do_not_sum_to_1(y):
    net = gn.Network([gn.Dense(D, 3, activation="softmax")], seed=1)
    X = np.random.default_rng(2).normal(size=(N, D))
    assert gn.gradcheck(net, X, np.array(y), loss="categorical_crossentropy").passed


def test_one_hot_rows_keep_the_fused_delta_bit_for_bit():
    cce = gn.losses.get("categorical_crossentropy")
    yhat = np.random.default_rng(3).dirichlet(np.ones(4), size=6)
    y = np.eye(4)[[0, 1, 2, 3, 0, 1]]
    assert np.array_equal(cce.fused_delta(y, yhat), (yhat - y) / 6)


def test_a_softmax_over_one_unit_is_refused():
    with pytest.raises(ValueError, match="softmax over one unit always outputs 1"):
        gn.Dense(4, 1, activation="softmax")


@pytest.mark.parametrize("activation, loss, k", REFUSED)
def test_pairs_fit_refuses_say_what_to_change(activation, loss, k):
    net_layers = [gn.Dense(D, H, activation="tanh")]
    X = np.random.default_rng(0).normal(size=(N, D))
    y = np.eye(max(k, 2))[np.arange(N) % max(k, 2)][:, :k]
    if activation == "softmax" and k == 1:
        with pytest.raises(ValueError, match="activation='sigmoid'"):
            gn.Dense(H, k, activation=activation)
        return
    net = gn.Network(net_layers + [gn.Dense(H, k, activation=activation)], seed=0)
    with pytest.raises(ValueError, match="Use activation=|For two classes use"):
        net.fit(X, y, epochs=1, loss=loss)
