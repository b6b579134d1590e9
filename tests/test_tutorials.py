"""The tutorials, reproduced: glassnet against transcriptions of their published loops."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import tutorials


def ray_network(weights):
    net = gn.Network([gn.Dense(4, 3, "sigmoid"), gn.Dense(3, 1, "sigmoid")])
    net.set_weights([(weights["wh"], weights["bh"]), (weights["wout"], weights["bout"])])
    return net


def assert_same_weights(net, tutorial_weights, atol):
    """glassnet's (W, b) pairs equal the tutorial's wh, bh, wout, bout."""
    (wh, bh), (wout, bout) = net.get_weights()
    for ours, name in ((wh, "wh"), (bh, "bh"), (wout, "wout"), (bout, "bout")):
        expected = tutorial_weights[name].reshape(ours.shape)
        np.testing.assert_allclose(ours, expected, rtol=0, atol=atol, err_msg=name)


@pytest.mark.parametrize("seed", [42, 0, 7])
def test_ray_numpy_loop_5000_epochs(seed):
    w = tutorials.ray_initial_weights(seed)
    net = ray_network(w)
    net.fit(tutorials.RAY_X, tutorials.RAY_Y, epochs=5000, lr=0.1, loss="half_sse", optimizer="gd")
    _, trained = tutorials.ray_loop(tutorials.RAY_X, tutorials.RAY_Y, **w, epoch=5000, lr=0.1)

    expected = tutorials.ray_forward(tutorials.RAY_X, **trained)
    np.testing.assert_allclose(net.predict(tutorials.RAY_X), expected, rtol=0, atol=1e-9)
    assert_same_weights(net, trained, atol=1e-9)


def test_ray_history_is_the_loss_before_each_update():
    w = tutorials.ray_initial_weights(42)
    net = ray_network(w)
    hist = net.fit(tutorials.RAY_X, tutorials.RAY_Y, epochs=3, lr=0.1, loss="half_sse")
    # epoch 0's loss is computed from the initial weights, by the tutorial's forward pass
    out0 = tutorials.ray_forward(tutorials.RAY_X, **w)
    assert hist.loss[0] == pytest.approx(0.5 * np.sum((tutorials.RAY_Y - out0) ** 2), abs=1e-15)
    out1, _ = tutorials.ray_loop(tutorials.RAY_X, tutorials.RAY_Y, **w, epoch=2, lr=0.1)
    assert hist.loss[1] == pytest.approx(0.5 * np.sum((tutorials.RAY_Y - out1) ** 2), abs=1e-15)


def test_loy_neural_network_1500_iterations():
    w = tutorials.loy_initial_weights(1)
    net = gn.Network(
        [gn.Dense(3, 4, "sigmoid", use_bias=False), gn.Dense(4, 1, "sigmoid", use_bias=False)]
    )
    net.set_weights([(w["weights1"], None), (w["weights2"], None)])
    net.fit(tutorials.LOY_X, tutorials.LOY_Y, epochs=1500, lr=1.0, loss="sse", optimizer="gd")
    expected, trained = tutorials.loy_loop(tutorials.LOY_X, tutorials.LOY_Y, **w, iterations=1500)

    np.testing.assert_allclose(net.predict(tutorials.LOY_X), expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(net.layers[0].W, trained["weights1"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(net.layers[1].W, trained["weights2"], rtol=0, atol=1e-9)
    # and it learned the XOR of the first two inputs, as the article shows
    assert np.all(np.abs(net.predict(tutorials.LOY_X) - tutorials.LOY_Y) < 0.1)


def test_walkthrough_first_draw_gives_the_articles_single_step_error():
    # The article's single-step demo prints the per-sample half squared error
    # array([[0.05013458, 0.03727248, 0.25388062]]) for the FIRST draw after seed 42.
    rs = np.random.RandomState(42)
    w_ih, w_ho = rs.uniform(size=(4, 3)), rs.uniform(size=(3, 1))
    net = gn.Network(
        [gn.Dense(4, 3, "sigmoid", use_bias=False), gn.Dense(3, 1, "sigmoid", use_bias=False)]
    )
    net.set_weights([(w_ih, None), (w_ho, None)])
    error = (tutorials.WALKTHROUGH_Y - net.predict(tutorials.WALKTHROUGH_X)) ** 2 / 2
    np.testing.assert_allclose(error.ravel(), [0.05013458, 0.03727248, 0.25388062], atol=5e-9)


def test_walkthrough_error_table_matches_the_article_to_5_decimals():
    w = tutorials.walkthrough_initial_weights(42)
    net = gn.Network(
        [gn.Dense(4, 3, "sigmoid", use_bias=False), gn.Dense(3, 1, "sigmoid", use_bias=False)]
    )
    net.set_weights([(w["weights_input_hidden"], None), (w["weights_hidden_output"], None)])
    hist = net.fit(
        tutorials.WALKTHROUGH_X, tutorials.WALKTHROUGH_Y, epochs=1000, lr=0.1, loss="half_sse"
    )
    n = tutorials.WALKTHROUGH_X.shape[0]
    ours = [round(hist.loss[e] / n, 5) for e in range(0, 1000, 100)]
    published = [0.11553, 0.11082, 0.10606, 0.09845, 0.08483,
                 0.06396, 0.04206, 0.02641, 0.01719, 0.01190]  # fmt: skip
    assert ours == published

    losses, _ = tutorials.walkthrough_loop(
        tutorials.WALKTHROUGH_X, tutorials.WALKTHROUGH_Y, **w, epochs=1000
    )
    np.testing.assert_allclose(np.array(hist.loss) / n, losses, rtol=0, atol=1e-12)


def test_per_sample_sgd_equals_the_textbook_per_sample_loop():
    w = tutorials.ray_initial_weights(3)
    net = ray_network(w)
    net.fit(tutorials.RAY_X, tutorials.RAY_Y, epochs=200, lr=0.5, loss="half_sse", batch_size=1)

    # the textbook loop: one forward/backward/update per sample, in data order
    state = {k: v.copy() for k, v in w.items()}
    for _ in range(200):
        for i in range(tutorials.RAY_X.shape[0]):
            _, state = tutorials.ray_loop(
                tutorials.RAY_X[i : i + 1], tutorials.RAY_Y[i : i + 1], **state, epoch=1, lr=0.5
            )
    assert_same_weights(net, state, atol=1e-9)


def test_minibatch_of_two_updates_twice_per_epoch_on_three_samples():
    w = tutorials.ray_initial_weights(5)
    net = ray_network(w)
    net.fit(tutorials.RAY_X, tutorials.RAY_Y, epochs=1, lr=0.1, loss="half_sse", batch_size=2)
    state = {k: v.copy() for k, v in w.items()}
    _, state = tutorials.ray_loop(tutorials.RAY_X[:2], tutorials.RAY_Y[:2], **state, epoch=1)
    _, state = tutorials.ray_loop(tutorials.RAY_X[2:], tutorials.RAY_Y[2:], **state, epoch=1)
    np.testing.assert_allclose(net.layers[0].W, state["wh"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(net.layers[1].b, state["bout"].ravel(), rtol=0, atol=1e-12)
