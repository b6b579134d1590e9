"""The three benchmark cases, each a dict of contender name → a function that
trains from the same starting point and returns a test accuracy (or None).

Every contender does the same work: same architecture, same data, same number
of epochs, batch size, optimizer and learning rate, float32 where the case says
so. What is timed is one whole training run (fresh model each time, so no
contender profits from a warm optimizer state).
"""

from __future__ import annotations

import numpy as np

import glassnet as gn
from benchmarks.lean_mlp import LeanMLP
from benchmarks.lean_tiny import lean_ray_loop
from glassnet import losses, optimizers, tutorials

# -- (a) the tutorial's 4-3-1 network ----------------------------------------------


def tutorial_case(epochs: int) -> dict:
    """Sunil Ray's 4-3-1 sigmoid network, full batch, float64, lr 0.1."""
    import torch

    X, y = tutorials.RAY_X, tutorials.RAY_Y
    w = tutorials.ray_initial_weights(42)

    def glassnet_fit():
        net = gn.Network([gn.Dense(4, 3, "sigmoid"), gn.Dense(3, 1, "sigmoid")])
        net.set_weights([(w["wh"], w["bh"]), (w["wout"], w["bout"])])
        net.fit(X, y, epochs=epochs, lr=0.1, loss="half_sse", optimizer="gd")

    def glassnet_steps_only():
        # the engine without fit's per-epoch bookkeeping (divergence check, history,
        # callbacks): forward, loss, backward and the update, epochs times
        net = gn.Network([gn.Dense(4, 3, "sigmoid"), gn.Dense(3, 1, "sigmoid")])
        net.set_weights([(w["wh"], w["bh"]), (w["wout"], w["bout"])])
        loss, gd = losses.HalfSSE(), optimizers.GD(lr=0.1)
        for _ in range(epochs):
            net.loss_and_gradients(X, y, loss, training=True)
            gd.step([net.params], [net.grads])

    def tutorial_loop():
        tutorials.ray_loop(X, y, **w, epoch=epochs, lr=0.1)

    def lean_loop():
        lean_ray_loop(X, y, **w, epoch=epochs, lr=0.1)

    def pytorch_autograd():
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
        params = [torch.tensor(w[k], requires_grad=True) for k in ("wh", "bh", "wout", "bout")]
        wh, bh, wout, bout = params
        opt = torch.optim.SGD(params, lr=0.1)
        for _ in range(epochs):
            opt.zero_grad()
            out = torch.sigmoid(torch.sigmoid(Xt @ wh + bh) @ wout + bout)
            loss = 0.5 * ((yt - out) ** 2).sum()
            loss.backward()
            opt.step()

    return {
        "glassnet": glassnet_fit,
        "tutorial loop": tutorial_loop,
        "PyTorch": pytorch_autograd,
        "glassnet steps, no fit loop": glassnet_steps_only,
        "lean NumPy (benchmarks/lean_tiny.py)": lean_loop,
    }


# -- shared by (b) and (c): one MLP, four implementations -----------------------------


def _glassnet_mlp(sizes, seed):
    return gn.mlp(sizes, activation="relu", output="softmax", init="xavier", seed=seed,
                  dtype="float32")  # fmt: skip


def mlp_contenders(sizes, data, epochs, batch_size, lr, optimizer, seed=0) -> dict:
    """glassnet, the lean NumPy reference, PyTorch and scikit-learn on one MLP.

    ``data`` = (X_train, labels_train, X_test, labels_test), X float32. glassnet,
    the lean reference and PyTorch start from the same weights (glassnet's
    Glorot initialisation); scikit-learn draws its own (it has no way to be given
    them), with the same Glorot rule.
    """
    import torch
    from sklearn.neural_network import MLPClassifier

    X, labels, X_test, labels_test = data
    n_classes = sizes[-1]
    Y = np.eye(n_classes, dtype=np.float32)[labels]
    start_net = _glassnet_mlp(sizes, seed)
    initial = start_net.params.copy()
    initial_layers = [(layer.W.T.copy(), layer.b.copy()) for layer in start_net.layers]

    def accuracy(pred_rows):
        return None if X_test is None else float(np.mean(pred_rows == labels_test))

    def glassnet_fit():
        net = _glassnet_mlp(sizes, seed)
        net.fit(
            X, labels, epochs=epochs, batch_size=batch_size, lr=lr, optimizer=optimizer,
            loss="categorical_crossentropy", shuffle=True,
        )  # fmt: skip
        return None if X_test is None else accuracy(net.predict(X_test).argmax(axis=1))

    def lean_fit():
        mlp = LeanMLP(sizes, seed)
        mlp.params[...] = initial
        mlp.fit(X, Y, epochs, batch_size, lr, optimizer, seed=seed)
        return None if X_test is None else accuracy(mlp.predict(X_test).argmax(axis=1))

    def pytorch_fit():
        torch.manual_seed(seed)
        modules = []
        for i, o in zip(sizes, sizes[1:]):
            modules += [torch.nn.Linear(i, o), torch.nn.ReLU()]
        model = torch.nn.Sequential(*modules[:-1])
        with torch.no_grad():
            for linear, (W_t, b) in zip(model[::2], initial_layers):
                linear.weight.copy_(torch.from_numpy(W_t))
                linear.bias.copy_(torch.from_numpy(b))
        opt = (
            torch.optim.Adam(model.parameters(), lr=lr)
            if optimizer == "adam"
            else torch.optim.SGD(model.parameters(), lr=lr)
        )
        loss_fn = torch.nn.CrossEntropyLoss()
        Xt, yt = torch.from_numpy(X), torch.from_numpy(labels.astype(np.int64))
        for _ in range(epochs):
            order = torch.randperm(Xt.shape[0])
            for start in range(0, Xt.shape[0], batch_size):
                idx = order[start : start + batch_size]
                opt.zero_grad()
                loss = loss_fn(model(Xt[idx]), yt[idx])
                loss.backward()
                opt.step()
        if X_test is None:
            return None
        with torch.no_grad():
            return accuracy(model(torch.from_numpy(X_test)).argmax(dim=1).numpy())

    def sklearn_fit():
        import warnings

        from sklearn.exceptions import ConvergenceWarning

        clf = MLPClassifier(
            hidden_layer_sizes=tuple(sizes[1:-1]), activation="relu", solver=optimizer
            if optimizer == "adam" else "sgd", alpha=0.0, batch_size=batch_size,
            learning_rate_init=lr, max_iter=epochs, shuffle=True, random_state=seed, tol=0.0,
            n_iter_no_change=10**9, early_stopping=False, momentum=0.0,
            nesterovs_momentum=False,
        )  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # it ran max_iter, as asked
            clf.fit(X, labels)
        return None if X_test is None else accuracy(clf.predict(X_test))

    return {
        "glassnet": glassnet_fit,
        "lean NumPy": lean_fit,
        "PyTorch": pytorch_fit,
        "scikit-learn": sklearn_fit,
    }


# -- (b) scikit-learn's digits ------------------------------------------------------


def digits_data(seed=0):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, labels = load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32)
    X, X_test, labels, labels_test = train_test_split(
        X, labels, test_size=0.25, random_state=seed, stratify=labels
    )
    return X, labels, X_test, labels_test


def digits_case(epochs: int) -> dict:
    """64-128-10 ReLU/softmax, Adam lr 1e-3, batch 32, float32."""
    return mlp_contenders((64, 128, 10), digits_data(), epochs, 32, 1e-3, "adam")


# -- (c) 784-512-256-10 on random rows ---------------------------------------------------

WIDE_SIZES = (784, 512, 256, 10)


def wide_data(n_rows: int, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_rows, WIDE_SIZES[0]), dtype=np.float32)
    labels = rng.integers(0, WIDE_SIZES[-1], size=n_rows)
    return X, labels


def wide_case(n_rows: int) -> dict:
    """784-512-256-10 ReLU/softmax, plain SGD lr 0.01, batch 128, one epoch, float32."""
    X, labels = wide_data(n_rows)
    return mlp_contenders(WIDE_SIZES, (X, labels, None, None), 1, 128, 0.01, "sgd")


def wide_flops(n_rows: int, sizes=WIDE_SIZES) -> int:
    """Exact multiply-add FLOPs of one epoch: forward x W, backward xᵀδ for every
    layer, δ Wᵀ for every layer but the first (no gradient for the input)."""
    pairs = list(zip(sizes, sizes[1:]))
    per_row = sum(3 * i * o for i, o in pairs) - sizes[0] * sizes[1]
    return 2 * n_rows * per_row


def gemm_gflops(n: int = 2048, repeats: int = 3) -> float:
    """Best float32 GFLOP/s of an n×n×n matrix product (the BLAS's practical peak)."""
    import time

    rng = np.random.default_rng(0)
    A = rng.standard_normal((n, n), dtype=np.float32)
    B = rng.standard_normal((n, n), dtype=np.float32)
    C = np.empty((n, n), dtype=np.float32)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(A, B, out=C)
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9
