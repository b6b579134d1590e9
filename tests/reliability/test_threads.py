"""Class 2: inference is re-entrant. Threads calling predict / evaluate /
predict_proba on one network (or one loaded model) at once get exactly the
numbers a single thread gets; two fits of one network at once are refused."""

import threading

import numpy as np
import pytest

import glassnet as gn
from glassnet.tools.sklearn import GlassClassifier, GlassRegressor

N_THREADS, N_CALLS, ROWS = 6, 100, 32


def _hammer(call, inputs, expected):
    """Each thread calls ``call`` on its own inputs N_CALLS times; returns wrong counts."""
    wrong = [0] * len(inputs)
    errors = []
    start = threading.Barrier(len(inputs))

    def work(t):
        try:
            start.wait()
            for i in range(N_CALLS):
                k = (t + i) % len(inputs[t])
                got = call(inputs[t][k])
                if not np.array_equal(got, expected[t][k]):
                    wrong[t] += 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(len(inputs))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
    return sum(wrong)


def _inputs(n_features, seed=0):
    rng = np.random.default_rng(seed)
    # every thread the same row count: the case that shared work arrays get wrong
    return [[rng.normal(size=(ROWS, n_features)) * 3 for _ in range(5)] for _ in range(N_THREADS)]


def _net(dtype="float64", out="softmax"):
    return gn.Network([gn.Dense(5, 64, activation="tanh"), gn.Dropout(0.2),
                       gn.Dense(64, 32, activation="relu"),
                       gn.Dense(32, 4 if out == "softmax" else 1, activation=out)],
                      seed=1, dtype=dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("out", ["softmax", "sigmoid", "linear"])
def test_network_predict_from_threads(dtype, out):
    net = _net(dtype, out)
    inputs = _inputs(5)
    expected = [[net.predict(x) for x in per] for per in inputs]
    assert _hammer(net.predict, inputs, expected) == 0


def test_network_evaluate_from_threads():
    net = _net()
    inputs = _inputs(5, seed=2)
    rng = np.random.default_rng(3)
    labels = {id(x): rng.integers(0, 4, ROWS) for per in inputs for x in per}

    def call(x):
        return np.array(list(net.evaluate(x, labels[id(x)], loss="categorical_crossentropy",
                                          metrics=["accuracy"]).values()))

    expected = [[call(x) for x in per] for per in inputs]
    assert _hammer(call, inputs, expected) == 0


def test_a_loaded_model_predicts_from_threads(tmp_path):
    net = _net()
    net.fit(np.random.default_rng(0).normal(size=(40, 5)),
            np.random.default_rng(1).integers(0, 4, 40), epochs=3, optimizer="adam",
            loss="categorical_crossentropy", lr=0.01)
    net.save(tmp_path / "m.gnet")
    loaded = gn.load(tmp_path / "m.gnet")
    inputs = _inputs(5, seed=4)
    expected = [[net.predict(x) for x in per] for per in inputs]
    assert _hammer(loaded.predict, inputs, expected) == 0


def test_estimators_predict_from_threads():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(60, 5))
    clf = GlassClassifier(hidden_layer_sizes=(32,), epochs=5, random_state=0)
    clf.fit(X, rng.integers(0, 3, 60))
    reg = GlassRegressor(hidden_layer_sizes=(32,), epochs=5, random_state=0)
    reg.fit(X, rng.normal(size=60))
    inputs = _inputs(5, seed=6)
    for call in (clf.predict_proba, clf.predict, reg.predict):
        expected = [[call(x) for x in per] for per in inputs]
        assert _hammer(call, inputs, expected) == 0


def test_predict_during_training_steps_leaves_training_state_alone():
    """predict between training passes does not disturb what backward needs."""
    net = _net()
    X = np.random.default_rng(7).normal(size=(ROWS, 5))
    y = np.eye(4)[np.arange(ROWS) % 4]
    loss = gn.losses.get("categorical_crossentropy")
    net.forward(X, training=False)
    a_before = net.layers[-1].a.copy()
    net.predict(np.random.default_rng(8).normal(size=(ROWS, 5)))  # same row count
    assert np.array_equal(net.layers[-1].a, a_before)
    net.backward(y, loss)  # still the gradient of X's pass
    grads = net.grads.copy()
    net.loss_and_gradients(X, y, loss)
    assert np.array_equal(net.grads, grads)


def test_two_fits_of_one_network_at_once_are_refused():
    net = gn.Network([gn.Dense(3, 8), gn.Dense(8, 1)], seed=0)
    X, y = np.random.default_rng(0).normal(size=(20, 3)), np.zeros((20, 1))
    inside, release = threading.Event(), threading.Event()

    class Hold:
        def on_epoch_end(self, epoch, logs):
            inside.set()
            release.wait(10)

    first = threading.Thread(target=net.fit, args=(X, y), kwargs={"epochs": 1,
                                                                    "callbacks": [Hold()]})
    first.start()
    assert inside.wait(10)
    try:
        with pytest.raises(RuntimeError, match="already being trained.*single-threaded"):
            net.fit(X, y, epochs=1)
        other = gn.Network([gn.Dense(3, 2), gn.Dense(2, 1)], seed=0)
        other.fit(X, y, epochs=1)  # another network trains meanwhile
        net.predict(X)  # and predicting is fine
    finally:
        release.set()
        first.join()
    net.fit(X, y, epochs=1)  # once the first fit ended, fit works again


def test_conv_and_recurrent_networks_predict_from_threads():
    rng = np.random.default_rng(9)
    conv = gn.Network([gn.Conv2D(1, 3, 3, activation="relu"), gn.MaxPool2D(2), gn.Flatten(),
                       gn.Dense(27, 4, activation="softmax")], seed=0)
    lstm = gn.Network([gn.LSTM(3, 5), gn.Dense(5, 2, activation="softmax")], seed=0)
    for net, shape in ((conv, (8, 1, 8, 8)), (lstm, (8, 6, 3))):
        inputs = [[rng.normal(size=shape) for _ in range(3)] for _ in range(4)]
        expected = [[net.predict(x) for x in per] for per in inputs]
        assert _hammer(net.predict, inputs, expected) == 0
