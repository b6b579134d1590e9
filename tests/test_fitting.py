"""fit's own checks: the warning when a call's loss grew a thousandfold while every
number stayed finite (the review's sse on 1,000 rows at lr 0.1 ended at 6.8e286
and fit returned without a word)."""

import math
import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet import tutorials
from glassnet.fitting import LOSS_GROWTH_LIMIT, loss_growth_warning


def test_a_sum_loss_that_explodes_without_overflowing_is_said():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 3))
    y = (X @ [1.0, 2.0, 3.0])[:, None]
    net = gn.Network([gn.Dense(3, 8, "tanh"), gn.Dense(8, 1, "linear")], seed=0)
    with pytest.warns(RuntimeWarning, match=r"the sse loss grew from .* in this fit call") as w:
        history = net.fit(X, y, epochs=50, lr=0.1, loss="sse")
    assert all(map(math.isfinite, history.loss)) and history.loss[-1] > 1e6 * history.loss[0]
    assert "use a mean loss such as 'mse'" in str(w[0].message)


def test_a_healthy_fit_and_a_second_call_from_a_low_loss_say_nothing():
    net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=42)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        net.fit(tutorials.RAY_X, tutorials.RAY_Y, epochs=2000, lr=0.1, loss="half_sse")
        net.fit(tutorials.RAY_X, tutorials.RAY_Y, epochs=100, lr=0.1, loss="half_sse")
    assert not [w for w in caught if "loss grew" in str(w.message)]


@pytest.mark.parametrize("losses, said", [
    ([1.0, 999.0], False),
    ([1.0, 5.0, LOSS_GROWTH_LIMIT], True),   # first to last, whatever lies between
    ([1.0, 1e9, 2.0], False),
    ([0.0, 5.0], False),                     # no scale to grow from
    ([3.0], False),
    ([], False),
])
def test_the_rule_compares_the_calls_last_loss_with_its_first(losses, said):
    assert (loss_growth_warning(losses, "mse") is not None) is said
