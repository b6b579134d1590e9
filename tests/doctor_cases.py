"""Seeded cases of the training pathologies the tutorials' readers met, for the
doctor's acceptance tests (tests/glassbox/test_doctor.py) and the notebook.

Each case returns ``(net, X, y, settings)``: ``gn.doctor(net, X, y, **settings)``
diagnoses it, and ``net.fit(X, y, **settings, epochs=...)`` trains it.
"""

import numpy as np

import glassnet as gn
from glassnet import tutorials

RAY_X, RAY_Y = tutorials.RAY_X, tutorials.RAY_Y


def ray_net(hidden: int = 3, output: str = "sigmoid") -> gn.Network:
    """Sunil Ray's 4-3-1 network (weights U[0, 1), as the tutorial draws them)."""
    return gn.Network([gn.Dense(4, hidden), gn.Dense(hidden, 1, activation=output)], seed=42)


def diverging():
    """The tutorial's network at lr 10. With its sigmoid output the steps stay bounded
    (it trains, faster); with a linear output, as for a regression, it overflows."""
    return ray_net(output="linear"), RAY_X, RAY_Y, {"loss": "half_sse", "lr": 10.0}


def unscaled_three_classes():
    """Tom's question: home win / draw / away win, one-hot, raw inputs up to 42."""
    X = np.array([[9, 2, 2], [6, 1, 11], [0, 2, 19], [8, 1, 12], [8, 2, 12], [7, 1, 16],
                  [9, 2, 15], [6, 1, 18], [23, 2, 4], [7, 1, 18], [13, 2, 16], [28, 1, 5],
                  [42, 1, 1], [21, 2, 11], [28, 1, 6]], dtype=float)
    y = np.eye(3)[[0, 2, 0, 0, 0, 0, 2, 0, 1, 0, 1, 0, 2, 1, 2]]
    net = gn.Network([gn.Dense(3, 3), gn.Dense(3, 3)], seed=0)
    return net, X, y, {"loss": "half_sse", "lr": 0.1}


def hundred_hidden_units():
    """Amit's question: hiddenlayer_neurons = 100, and the output is [1, 1, 1]."""
    return ray_net(hidden=100), RAY_X, RAY_Y, {"loss": "half_sse", "lr": 0.1}


def dead_relu():
    """A ReLU layer whose biases start at −5: every unit's z is negative."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = (X[:, :1] * X[:, 1:] > 0).astype(float)
    net = gn.Network([gn.Dense(2, 16, "relu", init="he_normal"),
                      gn.Dense(16, 1, "sigmoid", init="glorot_uniform")], seed=0)
    net.layers[0].b = np.full(16, -5.0)
    return net, X, y, {"loss": "binary_crossentropy", "lr": 0.1}


def ten_sigmoid_layers():
    """Ten sigmoid layers: the gradient shrinks by f' ≤ 0.25 at each."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = (X[:, :1] > 0).astype(float)
    layers = [gn.Dense(2, 8, init="glorot_uniform")]
    layers += [gn.Dense(8, 8, init="glorot_uniform") for _ in range(8)]
    layers += [gn.Dense(8, 1, init="glorot_uniform")]
    return gn.Network(layers, seed=0), X, y, {"loss": "mse", "lr": 0.1}


def tiny_lr():
    return ray_net(), RAY_X, RAY_Y, {"loss": "half_sse", "lr": 1e-6}


def overfitting(epochs: int = 60):
    """20 samples, two 256-unit layers, trained long; validated on 100 fresh rows.
    Returns the trained network (its history holds the validation loss)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 5))
    y = (X[:, :1] + 0.8 * rng.normal(size=(120, 1)) > 0).astype(float)
    net = gn.Network([gn.Dense(5, 256, "tanh", init="glorot_uniform"),
                      gn.Dense(256, 256, "tanh", init="glorot_uniform"),
                      gn.Dense(256, 1, "sigmoid", init="glorot_uniform")], seed=0)
    settings = {"loss": "binary_crossentropy", "lr": 1e-2, "optimizer": "adam"}
    net.fit(X[:20], y[:20], epochs=epochs, validation_data=(X[20:], y[20:]), **settings)
    return net, X[:20], y[:20], settings


def softmax_with_mse():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 2))
    labels = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int)
    net = gn.Network([gn.Dense(2, 16, "tanh", init="glorot_uniform"),
                      gn.Dense(16, 3, "softmax", init="glorot_uniform")], seed=0)
    return net, X, np.eye(3)[labels], {"loss": "mse", "lr": 0.5}


def sum_loss_on_many_rows():
    """sse on 1,000 rows with lr = 0.1, a rate that suits a mean loss (mse)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.1 * rng.normal(size=(1000, 1))
    net = gn.Network([gn.Dense(3, 8, "tanh", init="glorot_uniform"),
                      gn.Dense(8, 1, "linear", init="glorot_uniform")], seed=0)
    return net, X, y, {"loss": "sse", "lr": 0.1}


#: case → the finding it must trigger
CASES = {
    "diverged": diverging,
    "inputs_not_scaled": unscaled_three_classes,
    "constant_predictions": hundred_hidden_units,
    "dead_relu": dead_relu,
    "vanishing_gradient": ten_sigmoid_layers,
    "lr_too_low": tiny_lr,
    "overfitting": overfitting,
    "loss_output_mismatch": softmax_with_mse,
    "sum_loss_scales_lr": sum_loss_on_many_rows,
}
