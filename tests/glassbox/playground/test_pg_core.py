"""The Python contract of gn.playground: from_url, pg.train/test/inputs/network, train_epoch."""

import dataclasses

import numpy as np
import pytest
from test_pg_state import ISSUE_HASH

import glassnet as gn
from glassbox.playground import reference

ISSUE_URL = "https://playground.tensorflow.org/#" + ISSUE_HASH


def test_the_issue_url_builds_playgrounds_circle_set_and_4_2_network():
    pg = gn.playground.from_url(ISSUE_URL)
    assert pg.train.shape == (250, 3) and pg.test.shape == (250, 3)
    assert pg.train.dtype == np.float64 and pg.test.dtype == np.float64
    assert set(np.unique(pg.train[:, 2])) == {-1.0, 1.0}
    assert isinstance(pg.network, gn.Network)
    assert [(layer.W.shape, layer.activation.name) for layer in pg.network.layers] == [
        ((2, 4), "tanh"), ((4, 2), "tanh"), ((2, 1), "tanh")]
    assert all(np.all(layer.b == 0.1) for layer in pg.network.layers)
    assert all(np.all(np.abs(layer.W) <= 0.5) for layer in pg.network.layers)
    losses = [gn.playground.train_epoch(pg) for _ in range(30)]
    assert losses[-1][0] < 0.5 * losses[0][0]  # the circle is learnt, as on the page
    assert pg.epoch == 30


def test_one_stream_feeds_data_then_shuffle_then_weights_column_by_column():
    pg = gn.playground.from_url("#seed=abc&networkShape=3&dataset=xor")
    rng = gn.playground.SeedRandom("abc")
    rng.random_array(500 * 4)  # xor: four draws per point
    rng.random_array(500)  # the shuffle: one draw per point
    first = rng.random_array(2 * 3) - 0.5  # node 1's two input links, then node 2's, …
    np.testing.assert_array_equal(pg.network.layers[0].W, first.reshape(3, 2).T)
    second = rng.random_array(3) - 0.5
    np.testing.assert_array_equal(pg.network.layers[1].W[:, 0], second)


def test_W_i_j_is_playgrounds_link_from_node_i_to_node_j():
    pg = gn.playground.from_url("#seed=7&networkShape=3,2")
    state = dataclasses.asdict(pg.state)
    page = reference.Page(state)
    for k, layer in enumerate(page.network[1:]):
        for j, node in enumerate(layer):
            for link in node.inputLinks:
                i = page.network[k].index(link.source)
                assert pg.network.layers[k].W[i, j] == link.weight
            assert pg.network.layers[k].b[j] == node.bias


def test_split_is_floor_of_n_times_percTrainData():
    pg = gn.playground.from_url("#seed=1&percTrainData=33&problem=regression")
    assert len(pg.train) == 1200 * 33 // 100 and len(pg.test) == 1200 - 396
    assert gn.playground.from_url("#seed=1&percTrainData=10").train.shape == (50, 3)


def test_inputs_are_the_enabled_features_in_playgrounds_order():
    pg = gn.playground.from_url("#seed=1&sinY=true&xTimesY=true&ySquared=true&cosX=true")
    assert pg.feature_ids == ["x", "y", "ySquared", "xTimesY", "sinY"]  # cosX feeds nothing
    X = pg.inputs(np.array([[2.0, 3.0, 1.0]]))
    np.testing.assert_array_equal(X, [[2.0, 3.0, 9.0, 6.0, np.sin(3.0)]])
    assert pg.network.layers[0].W.shape == (5, 4)
    assert gn.playground.from_url("#seed=1&x_hide=true").feature_ids == ["y"]


def test_init_zero_consumes_the_draws():
    zero = gn.playground.from_url("#seed=5&initZero=true")
    normal = gn.playground.from_url("#seed=5")
    assert all(np.all(layer.W == 0) and np.all(layer.b == 0) for layer in zero.network.layers)
    assert zero.rng.random() == normal.rng.random()


def test_reset_continues_the_stream_and_the_url_gives_the_first_network():
    pg = gn.playground.from_url("#seed=5")
    first = [layer.W.copy() for layer in pg.network.layers]
    gn.playground.train_epoch(pg)
    pg.reset()
    assert pg.epoch == 0 and pg.n_acc == 0
    assert not np.array_equal(pg.network.layers[0].W, first[0])  # the next draws
    again = gn.playground.from_url(gn.playground.serialize(pg.state))
    np.testing.assert_array_equal(again.network.layers[0].W, first[0])


def test_regenerate_draws_the_new_seed_from_the_stream():
    pg = gn.playground.from_url("#seed=5")
    expected_seed = gn.playground.state.to_fixed(
        gn.playground.from_url("#seed=5").rng.random())
    old = pg.train.copy()
    pg.regenerate()
    assert pg.state.seed == expected_seed and not np.array_equal(pg.train, old)
    np.testing.assert_array_equal(pg.train, gn.playground.from_url("#seed=" + expected_seed).train)


def test_a_url_without_seed_gets_one_with_five_decimals():
    pg = gn.playground.from_url("https://playground.tensorflow.org/")
    assert len(pg.state.seed) == 7 and pg.state.seed.startswith("0.")


def test_learning_rate_changes_take_effect_at_the_next_epoch():
    a, b = gn.playground.from_url("#seed=3"), gn.playground.from_url("#seed=3")
    b.state.learningRate = 0.3
    gn.playground.train_epoch(a)
    gn.playground.train_epoch(b)
    assert not np.array_equal(a.network.layers[0].W, b.network.layers[0].W)


def test_last_update_holds_the_numbers_of_the_formula():
    pg = gn.playground.from_url("#seed=3&regularization=L2&regularizationRate=0.1&batchSize=250")
    before = pg.network.layers[1].W.copy()
    gn.playground.train_epoch(pg)
    u = pg.last_update[1]
    assert u["n"] == 250
    np.testing.assert_array_equal(u["W_before"], before)
    expected = (before - (0.03 / 250) * (u["grad_W"] * 250)) - (0.03 * 0.1) * before
    np.testing.assert_allclose(pg.network.layers[1].W, expected, rtol=0, atol=1e-15)


@pytest.mark.parametrize("url, message", [
    ("#seed=1&batchSize=0", "batchSize must be a whole number of 1 or more"),
    ("#seed=1&batchSize=2.5", "batchSize must be a whole number"),
    ("#seed=1&x=false&y=false", "No input feature is enabled"),
    ("#seed=1&learningRate=abc", "learningRate=abc in the URL is not a number"),
])
def test_what_playground_cannot_train_is_refused_with_a_sentence(url, message):
    with pytest.raises(ValueError, match=message):
        gn.playground.from_url(url)


def test_noise_above_the_slider_is_treated_as_the_page_does():
    assert gn.playground.from_url("#seed=1&noise=90").state.noise == 50
    assert gn.playground.from_url("#seed=1&noise=70").state.noise == 70


def test_a_diverging_network_goes_on_with_nan_and_warns_of_nothing():
    pg = gn.playground.from_url("#seed=1&learningRate=10&problem=regression&activation=relu"
                                "&xSquared=true&ySquared=true&batchSize=1")
    for _ in range(5):
        losses = gn.playground.train_epoch(pg)  # pytest turns any warning into an error
    assert not np.isfinite(losses[0]) and pg.epoch == 5
