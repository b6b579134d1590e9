"""Backpropagation checked two ways, for every activation × loss × (bias / no bias):
central finite differences, and PyTorch autograd on the same network in float64."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import glassnet as gn
from finite_differences import numeric_gradient
from glassnet.activations import ACTIVATIONS
from glassnet.losses import LOSSES

REGRESSION_LOSSES = ["sse", "half_sse", "mse", "mae"]
#: the output activation each cross-entropy is paired with: fused pairs and non-fused ones
CROSS_ENTROPY_OUTPUTS = {
    "binary_crossentropy": ["sigmoid", "softmax"],
    "categorical_crossentropy": ["softmax", "sigmoid"],
}


def cases():
    for hidden in ACTIVATIONS:
        for use_bias in (True, False):
            for loss in REGRESSION_LOSSES:
                # the same activation on the hidden and the output layer
                yield hidden, hidden, loss, use_bias
            for loss, outputs in CROSS_ENTROPY_OUTPUTS.items():
                for output in outputs:
                    yield hidden, output, loss, use_bias


CASES = list(cases())


def make_problem(hidden, output, loss, use_bias, seed=0):
    rng = np.random.default_rng(seed)
    n, d, h, k = 6, 3, 5, 3
    net = gn.Network(
        [
            gn.Dense(d, h, hidden, use_bias=use_bias, init="xavier"),
            gn.Dense(h, 4, hidden, use_bias=use_bias, init="xavier"),
            gn.Dense(4, k, output, use_bias=use_bias, init="xavier"),
        ],
        seed=seed,
    )
    if use_bias:  # non-zero biases, so that their gradients are exercised
        net.set_weights([(W, rng.normal(size=b.shape)) for W, b in net.get_weights()])
    X = rng.normal(size=(n, d))
    if loss == "categorical_crossentropy":
        y = np.eye(k)[rng.integers(0, k, size=n)]
    elif loss == "binary_crossentropy":
        y = rng.integers(0, 2, size=(n, k)).astype(float)
    else:
        y = rng.normal(size=(n, k))
    return net, X, y


@pytest.mark.parametrize("hidden,output,loss_name,use_bias", CASES)
def test_backprop_matches_central_finite_differences(hidden, output, loss_name, use_bias):
    net, X, y = make_problem(hidden, output, loss_name, use_bias)
    loss = gn.losses.get(loss_name)
    net.loss_and_gradients(X, y, loss)
    analytic = net.grads.copy()
    numeric = numeric_gradient(net, X, y, loss)
    relative = np.linalg.norm(analytic - numeric) / max(
        np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12
    )
    assert relative < 1e-6, f"relative error {relative:.2e}"
    assert np.linalg.norm(analytic) > 0


TORCH_ACTIVATIONS = {
    "linear": lambda z: z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda z: F.leaky_relu(z, 0.01),
    "elu": lambda z: F.elu(z, alpha=1.0),
    "softplus": F.softplus,
    "softmax": lambda z: torch.softmax(z, dim=1),
}


def torch_loss(name, y, yhat):
    if name == "sse":
        return ((yhat - y) ** 2).sum()
    if name == "half_sse":
        return 0.5 * ((yhat - y) ** 2).sum()
    if name == "mse":
        return F.mse_loss(yhat, y)
    if name == "mae":
        return F.l1_loss(yhat, y)
    if name == "binary_crossentropy":
        return F.binary_cross_entropy(yhat, y)
    if name == "categorical_crossentropy":
        return -(y * torch.log(yhat)).sum(dim=1).mean()
    raise AssertionError(name)


@pytest.mark.parametrize("hidden,output,loss_name,use_bias", CASES)
def test_backprop_matches_pytorch_autograd(hidden, output, loss_name, use_bias):
    net, X, y = make_problem(hidden, output, loss_name, use_bias, seed=1)
    loss = gn.losses.get(loss_name)
    value = net.loss_and_gradients(X, y, loss)

    a = torch.tensor(X, dtype=torch.float64)
    params = []
    for layer in net.layers:
        W = torch.tensor(layer.W, dtype=torch.float64, requires_grad=True)
        z = a @ W
        params.append(W)
        if layer.b is not None:
            b = torch.tensor(layer.b, dtype=torch.float64, requires_grad=True)
            z = z + b
            params.append(b)
        a = TORCH_ACTIVATIONS[layer.activation.name](z)
    reference = torch_loss(loss_name, torch.tensor(y, dtype=torch.float64), a)
    reference.backward()

    assert value == pytest.approx(reference.item(), rel=1e-12, abs=1e-12)
    expected = np.concatenate([p.grad.numpy().ravel() for p in params])
    np.testing.assert_allclose(net.grads, expected, rtol=0, atol=1e-10)


def test_every_registered_loss_and_activation_is_covered():
    assert {c[2] for c in CASES} == set(LOSSES)
    assert {c[0] for c in CASES} == set(ACTIVATIONS) == set(TORCH_ACTIVATIONS)
