"""float32 stays float32 in every intermediate, and predict/evaluate work in bounded
memory on large inputs (chunked results equal unchunked ones)."""

import tracemalloc

import numpy as np
import pytest

import glassnet as gn
from glassnet import optimizers, predicting

# random targets beside bounded outputs (tanh, sigmoid) are on purpose here: these
# tests check dtypes and bit-identity, not fits, so fit's "cannot reach" warning is noise
pytestmark = pytest.mark.filterwarnings("ignore:y spans:UserWarning")

# (hidden activation, output activation, loss): fused and unfused output pairs,
# every hidden activation, softmax's Jacobian path included
CASES = [
    ("relu", "softmax", "categorical_crossentropy"),  # fused
    ("tanh", "sigmoid", "binary_crossentropy"),  # fused
    ("sigmoid", "linear", "mse"),
    ("leaky_relu", "tanh", "half_sse"),
    ("elu", "softmax", "mse"),  # softmax backward, not fused
    ("softplus", "sigmoid", "sse"),
    ("linear", "linear", "mae"),
]
OPTIMIZERS = [
    optimizers.GD(lr=0.01),
    optimizers.Momentum(lr=0.01),
    optimizers.Nesterov(lr=0.01, weight_decay=0.01),
    optimizers.RMSprop(lr=0.001),
    optimizers.Adam(lr=0.001, weight_decay=0.01),
]


def arrays_of(layer):
    names = ("x", "z", "a", "grad_a", "delta", "W", "b", "dW", "db")
    return {name: getattr(layer, name) for name in names if getattr(layer, name) is not None}


def data(n, n_in, n_out, loss, dtype, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_in)).astype(dtype)
    if loss == "categorical_crossentropy":
        y = np.eye(n_out, dtype=dtype)[rng.integers(0, n_out, size=n)]
    elif loss == "binary_crossentropy":
        y = rng.integers(0, 2, size=(n, n_out)).astype(dtype)
    else:
        y = rng.normal(size=(n, n_out)).astype(dtype)
    return X, y


@pytest.mark.parametrize("hidden,output,loss", CASES, ids=[c[0] + "-" + c[2] for c in CASES])
@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=[o.name for o in OPTIMIZERS])
def test_float32_training_keeps_every_intermediate_float32(hidden, output, loss, optimizer):
    net = gn.Network(
        [gn.Dense(5, 6, hidden), gn.Dense(6, 4, hidden), gn.Dense(4, 3, output)],
        seed=1,
        dtype="float32",
    )
    X, y = data(23, 5, 3, loss, np.float64)  # float64 data: converted once, at the boundary
    optimizer.reset()
    hist = net.fit(
        X, y, epochs=2, batch_size=8, shuffle=True, loss=loss, optimizer=optimizer,
        validation_data=(X, y), metrics=("accuracy",),
    )  # fmt: skip

    assert net.params.dtype == np.float32 and net.grads.dtype == np.float32
    for i, layer in enumerate(net.layers, start=1):
        for name, array in arrays_of(layer).items():
            assert array.dtype == np.float32, f"layer {i} {name} is {array.dtype}"
    assert net.layers[-1].delta is not None and net.layers[0].grad_a is not None
    for state in optimizer.state.values():
        for key, value in state.items():
            if isinstance(value, np.ndarray):
                assert value.dtype == np.float32, f"optimizer state {key} is {value.dtype}"
    assert net.predict(X).dtype == np.float32
    assert net.forward(X.astype(np.float32)).dtype == np.float32
    figures = net.evaluate(X, y, loss=loss, metrics=("accuracy",))
    assert all(type(v) is float for v in figures.values())
    assert all(type(v) is float for v in hist.loss + hist.val_loss)


def test_a_float32_step_computes_in_float32():
    # θ − η m̂/(√v̂ + ε) done by hand in float32: a float64 intermediate would round
    # differently from this reference on at least some of 1000 entries
    rng = np.random.default_rng(0)
    theta = rng.normal(size=1000).astype(np.float32)
    g = rng.normal(size=1000).astype(np.float32)
    ours = theta.copy()
    optimizers.GD(lr=0.1).step([ours], [g])
    assert ours.dtype == np.float32
    np.testing.assert_array_equal(ours, theta - np.float32(0.1) * g)
    # and against the float64 computation the float32 one differs (it really is float32)
    assert not np.array_equal(ours.astype(np.float64), theta.astype(np.float64) - 0.1 * g)


def test_float64_networks_stay_float64_on_float32_data():
    net = gn.Network([gn.Dense(3, 4, "relu"), gn.Dense(4, 2, "softmax")], seed=0)
    X, y = data(10, 3, 2, "categorical_crossentropy", np.float32)
    net.fit(X, y, epochs=2, loss="categorical_crossentropy", optimizer="adam")
    assert net.predict(X).dtype == np.float64
    assert all(a.dtype == np.float64 for layer in net.layers for a in arrays_of(layer).values())


def reference_forward(net, X):
    """The network's function written out in plain NumPy (tanh hidden, softmax out)."""
    (W1, b1), (W2, b2) = net.get_weights()
    h = np.tanh(X.astype(np.float64) @ W1 + b1)
    z = h @ W2 + b2
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("dtype,rtol", [("float64", 1e-12), ("float32", 1e-5)])
def test_chunked_predict_and_evaluate_equal_unchunked(monkeypatch, dtype, rtol):
    rng = np.random.default_rng(3)
    net = gn.Network([gn.Dense(6, 9, "tanh"), gn.Dense(9, 4, "softmax")], seed=0, dtype=dtype)
    X = rng.normal(size=(1003, 6))
    labels = rng.integers(0, 4, size=1003)
    whole = net.predict(X)
    whole_eval = net.evaluate(X, labels, loss="categorical_crossentropy")
    assert net.predict_array(net.check_X(X), chunk_rows=10**6).shape == (1003, 4)

    monkeypatch.setattr(predicting, "PREDICT_CHUNK_BYTES", 9 * 8 * 100)  # ≈ 100 rows
    chunked = net.predict(X)
    chunked_eval = net.evaluate(X, labels, loss="categorical_crossentropy")
    np.testing.assert_allclose(chunked, whole, rtol=rtol, atol=0)
    np.testing.assert_allclose(chunked, reference_forward(net, X), rtol=rtol * 10, atol=1e-7)
    assert chunked_eval["loss"] == pytest.approx(whole_eval["loss"], rel=rtol)
    assert chunked_eval["accuracy"] == whole_eval["accuracy"]
    # uneven last chunk: every row is computed, none twice
    np.testing.assert_allclose(net.predict_array(net.check_X(X), chunk_rows=97), whole,
                               rtol=rtol)  # fmt: skip


def test_predict_and_evaluate_on_a_large_input_stay_in_bounded_memory(monkeypatch):
    # unchunked, the hidden layer alone would need 20000 × 512 × 4 B = 39 MiB per array
    rng = np.random.default_rng(4)
    net = gn.Network([gn.Dense(16, 512, "tanh"), gn.Dense(512, 3, "softmax")], seed=0,
                     dtype="float32")  # fmt: skip
    X = rng.normal(size=(20000, 16)).astype(np.float32)
    labels = rng.integers(0, 3, size=20000)
    monkeypatch.setattr(predicting, "PREDICT_CHUNK_BYTES", 2**20)
    net.predict(X[:10])  # allocate what a first call allocates once
    tracemalloc.start()
    try:
        out = net.predict(X)
        figures = net.evaluate(X, labels, loss="categorical_crossentropy")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MiB"
    np.testing.assert_allclose(out, reference_forward(net, X), rtol=1e-3, atol=1e-5)
    assert 0 <= figures["accuracy"] <= 1


@pytest.mark.parametrize(
    "values,finite",
    [
        ([3e38, 3e38, 3e38], True),  # float32 sum overflows, every entry is finite
        ([1.0, np.nan, 2.0], False),
        ([np.inf, -np.inf], False),  # the sum is NaN
        ([-np.inf, 1.0], False),
    ],
)
def test_large_inputs_are_checked_for_nan_and_inf_without_a_boolean_copy(values, finite):
    X = np.array(values, dtype=np.float32).reshape(-1, 1)
    net = gn.Network([gn.Dense(1, 1, "linear")], seed=0, dtype="float32")
    if finite:
        assert net.predict(X).shape == (len(values), 1)
    else:
        with pytest.raises(ValueError, match="contains"):
            net.predict(X)
