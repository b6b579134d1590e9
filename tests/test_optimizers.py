"""Every optimizer against torch.optim: same parameters, same gradients, 20 steps."""

import numpy as np
import pytest
import torch

import glassnet as gn
from glassnet import optimizers

CONFIGS = [
    ("gd", optimizers.GD(lr=0.05), lambda p: torch.optim.SGD(p, lr=0.05)),
    (
        "momentum",
        optimizers.Momentum(lr=0.02, momentum=0.9),
        lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9),
    ),
    (
        "nesterov",
        optimizers.Nesterov(lr=0.02, momentum=0.8),
        lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.8, nesterov=True),
    ),
    (
        "rmsprop",
        optimizers.RMSprop(lr=0.01, alpha=0.9, eps=1e-8),
        lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-8),
    ),
    (
        "adam",
        optimizers.Adam(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-8),
        lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-8),
    ),
    (
        "adam+l2",
        optimizers.Adam(lr=0.01, weight_decay=0.1),
        lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.1),
    ),
    (
        "momentum+l2",
        optimizers.Momentum(lr=0.01, momentum=0.5, weight_decay=0.2),
        lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.5, weight_decay=0.2),
    ),
]


@pytest.mark.parametrize("name,ours,make_theirs", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_optimizer_matches_torch_on_a_quadratic_over_20_steps(name, ours, make_theirs):
    rng = np.random.default_rng(0)
    A = rng.normal(size=(6, 6))
    A = A @ A.T / 6 + np.eye(6)
    c = rng.normal(size=6)
    theta = rng.normal(size=6)
    p = torch.tensor(theta.copy(), requires_grad=True)
    theirs = make_theirs([p])
    for _ in range(20):
        ours.step([theta], [A @ theta - c])  # gradient of ½θᵀAθ − cᵀθ
        p.grad = torch.tensor(A) @ p.detach() - torch.tensor(c)
        theirs.step()
        np.testing.assert_allclose(theta, p.detach().numpy(), rtol=0, atol=1e-10)


@pytest.mark.parametrize("name", ["gd", "momentum", "nesterov", "rmsprop", "adam"])
def test_training_a_network_matches_torch_over_20_minibatch_steps(name):
    rng = np.random.default_rng(1)
    X, labels = rng.normal(size=(40, 5)), rng.integers(0, 3, size=40)
    net = gn.Network(
        [gn.Dense(5, 8, "tanh", init="xavier"), gn.Dense(8, 3, "softmax", init="xavier")], seed=3
    )
    W1, b1 = (torch.tensor(a.copy(), requires_grad=True) for a in net.get_weights()[0])
    W2, b2 = (torch.tensor(a.copy(), requires_grad=True) for a in net.get_weights()[1])
    torch_opts = {
        "gd": lambda p: torch.optim.SGD(p, lr=0.1),
        "momentum": lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9),
        "nesterov": lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9, nesterov=True),
        "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.01),
        "adam": lambda p: torch.optim.Adam(p, lr=1e-3),
    }
    theirs = torch_opts[name]([W1, b1, W2, b2])
    # 40 samples in batches of 10, two epochs: 8 steps; five epochs: 20 steps
    net.fit(X, labels, epochs=5, batch_size=10, loss="categorical_crossentropy", optimizer=name)
    Xt, yt = torch.tensor(X), torch.tensor(labels)
    for _ in range(5):
        for start in range(0, 40, 10):
            theirs.zero_grad()
            logits = torch.tanh(Xt[start : start + 10] @ W1 + b1) @ W2 + b2
            torch.nn.functional.cross_entropy(logits, yt[start : start + 10]).backward()
            theirs.step()
    expected = np.concatenate([t.detach().numpy().ravel() for t in (W1, b1, W2, b2)])
    np.testing.assert_allclose(net.params, expected, rtol=0, atol=1e-10)


def test_fit_twice_equals_fit_once_for_twice_as_long_with_momentum_state():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(20, 3)), rng.normal(size=(20, 1))

    def fresh():
        return gn.Network([gn.Dense(3, 4, "tanh"), gn.Dense(4, 1, "linear")], seed=9)

    once, twice = fresh(), fresh()
    once.fit(X, y, epochs=30, optimizer="adam", lr=0.01)
    twice.fit(X, y, epochs=15, optimizer="adam", lr=0.01)
    twice.fit(X, y, epochs=15, optimizer="adam", lr=0.01)
    np.testing.assert_array_equal(once.params, twice.params)
    assert len(twice.history.loss) == 30
    np.testing.assert_array_equal(once.history.loss, twice.history.loss)


def test_optimizer_by_name_with_lr_and_object_with_conflicting_lr():
    assert optimizers.get("adam", lr=0.5).lr == 0.5
    assert optimizers.get("sgd").name == "gd"
    net = gn.Network([gn.Dense(2, 1)], seed=0)
    with pytest.raises(ValueError, match="lr=0.1 was given to fit"):
        net.fit([[0.0, 1.0]], [1.0], epochs=1, lr=0.1, optimizer=optimizers.Adam(lr=0.01))


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf"), "fast"])
def test_optimizer_refuses_a_bad_learning_rate(bad):
    with pytest.raises(ValueError, match="lr must be a positive finite number"):
        optimizers.Adam(lr=bad)


def test_unknown_optimizer_lists_the_valid_names():
    with pytest.raises(ValueError, match="Unknown optimizer 'adamw'. Expected one of: adam, gd"):
        optimizers.get("adamw")
