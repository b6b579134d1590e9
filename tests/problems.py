"""Random data that fits a network's output: the tests' shared problem generator."""

import numpy as np

#: the loss each output activation is naturally trained with (mse for the rest)
LOSS_FOR_OUTPUT = {"softmax": "categorical_crossentropy", "sigmoid": "binary_crossentropy"}


def data_for(net, seed, n=12):
    """X ~ N(0, 1) with the network's input width, and targets its output can reach:
    one-hot rows for softmax, 0/1 for sigmoid, N(0, 1) otherwise. Returns X, y, loss."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, net.n_inputs))
    loss = LOSS_FOR_OUTPUT.get(net.layers[-1].activation.name, "mse")
    if loss == "categorical_crossentropy":
        y = np.eye(net.n_outputs)[rng.integers(0, net.n_outputs, size=n)]
    elif loss == "binary_crossentropy":
        y = rng.integers(0, 2, size=(n, net.n_outputs)).astype(float)
    else:
        y = rng.normal(size=(n, net.n_outputs))
    return X, y, loss
