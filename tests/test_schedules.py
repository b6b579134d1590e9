"""Learning-rate schedules: the documented rate per epoch, and how fit applies them."""

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet.schedules import CosineDecay, ExponentialDecay, StepDecay


def test_step_decay_halves_every_step_size_epochs():
    schedule = StepDecay(step_size=3, gamma=0.5)
    assert [schedule(0.8, e) for e in range(8)] == [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2]


def test_exponential_decay_multiplies_every_epoch():
    schedule = ExponentialDecay(gamma=0.5)
    assert [schedule(1.0, e) for e in range(4)] == [1.0, 0.5, 0.25, 0.125]


def test_cosine_decay_runs_half_a_cosine_then_stays_at_min_lr():
    schedule = CosineDecay(period=4, min_lr=0.1)
    got = [schedule(1.1, e) for e in range(7)]
    # η_min + (η − η_min)(1 + cos(π e / 4))/2 with η = 1.1, η_min = 0.1
    r = math.sqrt(0.5)  # cos(π/4)
    expected = [1.1, 0.1 + (1 + r) / 2, 0.6, 0.1 + (1 - r) / 2, 0.1, 0.1, 0.1]
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-15)


@pytest.mark.parametrize(
    "make",
    [
        lambda: StepDecay(0),
        lambda: StepDecay(2, gamma=1.5),
        lambda: ExponentialDecay(0),
        lambda: CosineDecay(period=0),
        lambda: CosineDecay(period=5, min_lr=-1),
    ],
)
def test_bad_schedule_arguments_are_refused(make):
    with pytest.raises(ValueError, match="must be"):
        make()


def _linear_net():
    net = gn.Network([gn.Dense(1, 1, activation="linear")], seed=0)
    X = np.linspace(-1, 1, 8).reshape(-1, 1)
    return net, X, 3 * X


def test_fit_uses_the_scheduled_rate_each_epoch_and_restores_the_base_rate():
    net, X, y = _linear_net()
    hist = net.fit(X, y, epochs=5, lr=0.4, lr_schedule=StepDecay(2, gamma=0.5))
    assert hist.lr == [0.4, 0.4, 0.2, 0.2, 0.1]
    assert net.optimizer.lr == 0.4


def test_the_schedule_continues_across_fit_calls():
    net, X, y = _linear_net()
    net.fit(X, y, epochs=3, lr=0.4, lr_schedule=ExponentialDecay(0.5))
    hist = net.fit(X, y, epochs=2, lr=0.4, lr_schedule=ExponentialDecay(0.5))
    assert hist.lr == [0.4, 0.2, 0.1, 0.05, 0.025]


def test_a_scheduled_update_uses_the_scheduled_rate():
    # One full-batch GD step with rate η_e must equal θ − η_e g, g computed by hand.
    net, X, y = _linear_net()
    net.fit(X, y, epochs=1, lr=0.4)  # epoch 0 at η = 0.4
    W, b = net.layers[0].W[0, 0], net.layers[0].b[0]
    residual = (W * X[:, 0] + b) - y[:, 0]
    gW, gb = 2 * np.mean(residual * X[:, 0]), 2 * np.mean(residual)
    net.fit(X, y, epochs=1, lr=0.4, lr_schedule=StepDecay(1, gamma=0.25))  # epoch 1: η = 0.1
    assert net.layers[0].W[0, 0] == pytest.approx(W - 0.1 * gW, abs=1e-15)
    assert net.layers[0].b[0] == pytest.approx(b - 0.1 * gb, abs=1e-15)


def test_a_plain_function_works_as_a_schedule():
    net, X, y = _linear_net()
    hist = net.fit(X, y, epochs=3, lr=0.5, lr_schedule=lambda lr, epoch: lr / 2**epoch)
    assert hist.lr == [0.5, 0.25, 0.125]


def test_a_non_callable_schedule_is_refused():
    net, X, y = _linear_net()
    with pytest.raises(TypeError, match="lr_schedule"):
        net.fit(X, y, epochs=1, lr_schedule=0.5)
