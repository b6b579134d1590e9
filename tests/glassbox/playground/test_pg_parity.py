"""from_url + train_epoch against a literal transcription of Playground's nn.ts,
dataset.ts and playground.ts (reference.py): the data, the initial network and
every epoch's weights, dead links and losses agree to 1e-12."""

import dataclasses

import numpy as np
import pytest

import glassnet as gn
from glassbox.playground import reference

TOL = 1e-12
ACTIVATIONS = ["tanh", "relu", "sigmoid", "linear"]
REGULARIZATIONS = ["none", "L1", "L2"]
DATASETS = ["circle", "xor", "gauss", "spiral", "reg-plane", "reg-gauss"]


def page_for(pg):
    """Playground's page opened on the same state (same seed)."""
    state = dataclasses.asdict(pg.state)
    state.update(pg.state.hidden)
    return reference.Page(state)


def points(data):
    return np.array([[p["x"], p["y"], p["label"]] for p in data], dtype=np.float64).reshape(-1, 3)


def assert_same(pg, page):
    for k, (W, b) in enumerate(page.weights()):
        layer = pg.network.layers[k]
        np.testing.assert_allclose(layer.W, np.array(W), rtol=0, atol=TOL)
        np.testing.assert_allclose(layer.b, np.array(b), rtol=0, atol=TOL)
        np.testing.assert_array_equal(pg.dead[k], np.array(page.dead()[k]).reshape(layer.W.shape))
    assert pg.loss_train == pytest.approx(page.lossTrain, rel=0, abs=TOL)
    assert pg.loss_test == pytest.approx(page.lossTest, rel=0, abs=TOL)


def url_for(dataset, activation, regularization, extra=""):
    problem = "regression" if dataset.startswith("reg-") else "classification"
    key = "regDataset" if problem == "regression" else "dataset"
    return (
        f"#activation={activation}&regularization={regularization}&{key}={dataset}"
        f"&problem={problem}&batchSize=7&learningRate=0.1&regularizationRate=0.03"
        f"&noise=20&networkShape=4,3&seed=0.{len(dataset)}{len(activation)}81{extra}"
    )


def run_both(url, epochs):
    pg = gn.playground.from_url(url)
    page = page_for(pg)
    np.testing.assert_array_equal(pg.train, points(page.trainData))
    np.testing.assert_array_equal(pg.test, points(page.testData))
    assert_same(pg, page)
    for _ in range(epochs):
        losses = gn.playground.train_epoch(pg)
        page.oneStep()
        assert losses == (pg.loss_train, pg.loss_test)
        assert_same(pg, page)
    return pg, page


# every data set with every activation; each (data set, regularisation) and each
# (activation, regularisation) pair occurs; batch size 7 divides neither 250 nor 600
CASES = [
    (d, a, REGULARIZATIONS[(i + j) % 3])
    for i, d in enumerate(DATASETS)
    for j, a in enumerate(ACTIVATIONS)
]


@pytest.mark.parametrize("dataset, activation, regularization", CASES)
def test_three_epochs_equal_playground(dataset, activation, regularization):
    pg, _ = run_both(url_for(dataset, activation, regularization), epochs=3)
    assert pg.epoch == 3
    assert pg.n_acc == len(pg.train) % 7  # the leftovers are carried, not dropped


def test_l1_kills_links_exactly_where_playground_does():
    url = url_for("circle", "tanh", "L1").replace("regularizationRate=0.03",
                                                    "regularizationRate=0.01")
    pg, page = run_both(url, epochs=10)
    n_dead = sum(int(d.sum()) for d in pg.dead)
    assert 0 < n_dead < sum(d.size for d in pg.dead)
    for layer, dead in zip(pg.network.layers, pg.dead):
        assert np.all(layer.W[dead] == 0)


def test_features_hidden_inputs_and_no_hidden_layer():
    extra = "&xSquared=true&ySquared=true&xTimesY=true&sinX=true&sinY=true&x_hide=true"
    # Playground's default rate: at 0.1, x₁² up to 36 makes training oscillate, and
    # oscillation amplifies the last-place difference of NumPy's tanh from libm's
    url = url_for("spiral", "tanh", "L2", extra).replace("networkShape=4,3", "networkShape=")
    url = url.replace("learningRate=0.1", "learningRate=0.03")
    pg, _ = run_both(url, epochs=2)
    assert pg.feature_ids == ["y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY"]
    assert [layer.W.shape for layer in pg.network.layers] == [(6, 1)]


@pytest.mark.parametrize("extra", [
    "&initZero=true", "&batchSize=1&percTrainData=30", "&batchSize=30&percTrainData=90",
])
def test_init_zero_and_extreme_batches_and_splits(extra):
    run_both(url_for("xor", "relu", "none") + extra, epochs=2)


def test_a_batch_larger_than_the_training_set_never_updates():
    url = url_for("gauss", "tanh", "none") + "&batchSize=60&percTrainData=10"
    pg, _ = run_both(url, epochs=2)
    assert pg.n_acc == 100 and not pg.last_update


def test_regenerate_and_reset_continue_the_stream_as_playgrounds_controls_do():
    pg, page = run_both(url_for("spiral", "relu", "L1"), epochs=1)
    pg.regenerate()  # the "regenerate" button: generateData() only
    page.generateData(firstTime=False)
    assert pg.state.seed == page.state["seed"]
    np.testing.assert_array_equal(pg.train, points(page.trainData))
    gn.playground.train_epoch(pg)  # the old network on the new data
    page.oneStep()
    assert_same(pg, page)
    pg.state.noise = page.state["noise"] = 35  # the noise slider: generateData(); reset()
    pg.regenerate()
    page.generateData(firstTime=False)
    pg.reset()
    page.reset()
    assert_same(pg, page)
    for _ in range(2):
        gn.playground.train_epoch(pg)
        page.oneStep()
        assert_same(pg, page)


def test_the_issue_example_url_equals_playground():
    from test_pg_state import ISSUE_HASH

    pg, _ = run_both("https://playground.tensorflow.org/#" + ISSUE_HASH, epochs=3)
    assert pg.state.seed == "0.59454" and len(pg.train) == 250
