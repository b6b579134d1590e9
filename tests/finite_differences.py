"""Central finite differences of a network's loss, the tests' independent oracle:
dL/dθᵢ ≈ (L(θ + ε eᵢ) − L(θ − ε eᵢ)) / 2ε, one parameter at a time."""

import numpy as np


def numeric_gradient(net, X, y, loss, eps=1e-6):
    grad = np.zeros_like(net.params)
    for i in range(net.params.size):
        saved = net.params[i]
        net.params[i] = saved + eps
        up = net.loss_and_gradients(X, y, loss)
        net.params[i] = saved - eps
        down = net.loss_and_gradients(X, y, loss)
        net.params[i] = saved
        grad[i] = (up - down) / (2 * eps)
    return grad
