"""net.lr_find: fastai's range test (exponential lr over bounded steps, stop at 4× the
best smoothed loss, a suggestion), leaving the network exactly as it was."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.glassbox.lr_finder import BETA, suggestions

rng = np.random.default_rng(0)
X = rng.normal(size=(128, 3))
y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.05 * rng.normal(size=(128, 1))


def regression_net():
    return gn.Network([gn.Dense(3, 16, "tanh", init="glorot_uniform"),
                       gn.Dense(16, 1, "linear", init="glorot_uniform")], seed=1)


def snapshot(net):
    state = {k: {n: np.copy(v) for n, v in s.items()} for k, s in net.optimizer.state.items()}
    return (net.params.tobytes(), net.grads.tobytes(), state, net.rng.bit_generator.state,
            net.history.get_config(), net.optimizer.lr)


def test_weights_and_optimizer_state_are_bit_for_bit_as_before():
    net = regression_net()
    net.fit(X, y, epochs=5, loss="mse", optimizer="adam", lr=1e-3, batch_size=16, shuffle=True)
    before = snapshot(net)
    found = net.lr_find(X, y, batch_size=16)
    after = snapshot(net)
    assert after[0] == before[0] and after[1] == before[1]
    assert after[2].keys() == before[2].keys()
    for k in before[2]:
        for name, value in before[2][k].items():
            assert after[2][k][name].tobytes() == value.tobytes()
    assert after[3:] == before[3:]
    assert len(found.lrs) > 10
    # and training afterwards goes on exactly as without the finder
    twin = regression_net()
    twin.fit(X, y, epochs=5, loss="mse", optimizer="adam", lr=1e-3, batch_size=16, shuffle=True)
    for n in (net, twin):
        n.fit(X, y, epochs=3, loss="mse", optimizer="adam", lr=1e-3, batch_size=16, shuffle=True)
    np.testing.assert_array_equal(net.params, twin.params)


def test_the_rate_grows_exponentially_over_bounded_steps():
    found = regression_net().lr_find(X, y, loss="mse", num_it=50, stop_div=False)
    lrs = np.array(found.lrs)
    assert len(lrs) == 50 and lrs[0] == pytest.approx(1e-7) and lrs[-1] == pytest.approx(10)
    np.testing.assert_allclose(lrs[1:] / lrs[:-1], (10 / 1e-7) ** (1 / 49))
    # the smoothing is fastai's debiased moving average
    s, m = [], 0.0
    for i, v in enumerate(found.losses):
        m = BETA * m + (1 - BETA) * v
        s.append(m / (1 - BETA ** (i + 1)))
    np.testing.assert_allclose(found.smoothed, s)


def test_it_stops_when_the_smoothed_loss_passes_four_times_its_best():
    found = regression_net().lr_find(X, y, loss="mse", end_lr=1e3, num_it=200)
    assert found.stopped_early and len(found.lrs) < 200
    last, best = found.smoothed[-1], min(found.smoothed[:-1])
    assert last > 4 * best or not np.isfinite(last)
    assert all(v <= 4 * min(found.smoothed[: i + 1]) for i, v in enumerate(found.smoothed[:-1]))


def test_the_suggestion_is_where_the_loss_falls_fastest_and_trains_well():
    found = regression_net().lr_find(X, y, loss="mse")
    assert found.lrs[0] < found.suggestion < found.lrs[-1]
    kept = found.smoothed[10:-5]  # fastai reads the curve without its ends
    assert found.lr_min == pytest.approx(found.lrs[10 + int(np.nanargmin(kept))] / 10)
    net = regression_net()
    hist = net.fit(X, y, epochs=100, loss="mse", lr=found.suggestion)
    assert hist.loss[-1] < 0.1 * hist.loss[0]
    assert suggestions([1e-3, 1e-2, 1e-1, 1.0], [1.0, 0.9, 0.3, 0.28]) == (1e-2, 0.1)


def test_bad_bounds_are_refused_in_a_sentence():
    with pytest.raises(ValueError, match="0 < start_lr < end_lr"):
        regression_net().lr_find(X, y, start_lr=1.0, end_lr=0.1)


def test_the_curve_plots_on_a_log_axis():
    found = regression_net().lr_find(X, y, loss="mse")
    fig = found.plot()
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "learning rate (log scale)"
    assert f"{found.suggestion:.2g}" in " ".join(t.get_text() for t in ax.get_legend().texts)
