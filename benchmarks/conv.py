"""(d) The digits CNN: glassnet's convolution against PyTorch's CPU conv2d and a naive loop.

    python -m benchmarks.conv [--quick]

Conv2D(1, 32, 3, padding 1) ReLU → MaxPool2D(2) → Flatten → Dense(512, 10) softmax,
float32, on scikit-learn's digits as (N, 1, 8, 8) images (the 70 % training part of a
stratified 70/30 split), Adam lr 1e-2, minibatches of 32, shuffled: the time of one
training epoch, glassnet against the same network in PyTorch (same initial weights),
both on one thread (``threadpoolctl`` for NumPy's BLAS, ``torch.set_num_threads(1)``),
round-robin in the same run. Then one convolution's forward and backward on a batch
of digits, im2col and one GEMM (glassnet's ``Conv2D``) against a naive loop over
every output position (the loops cs231n's ``conv_forward_naive`` writes).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import glassnet as gn


def digits_images(seed: int = 0):
    from sklearn.model_selection import train_test_split

    data = gn.datasets.digits_images()
    X = (data.X / 16.0).astype(np.float32)
    X, _, y, _ = train_test_split(X, data.y, test_size=0.3, random_state=seed, stratify=data.y)
    return X, y


def glassnet_cnn(seed: int = 0) -> gn.Network:
    return gn.Network([
        gn.Conv2D(1, 32, 3, padding=1, activation="relu", init="he"), gn.MaxPool2D(2),
        gn.Flatten(), gn.Dense(512, 10, activation="softmax", init="xavier"),
    ], seed=seed, dtype="float32")  # fmt: skip


def epoch_contenders(X: np.ndarray, y: np.ndarray, epochs: int = 1) -> dict:
    """{name: a function that trains a fresh CNN for ``epochs`` epochs}."""
    import torch

    start = glassnet_cnn()
    conv, dense = start.layers[0], start.layers[3]

    def glassnet_fit():
        net = glassnet_cnn()
        net.params[...] = start.params
        net.fit(X, y, epochs=epochs, loss="categorical_crossentropy", optimizer="adam",
                lr=1e-2, batch_size=32, shuffle=True)

    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))

    def pytorch_fit():
        torch.manual_seed(0)
        model = torch.nn.Sequential(
            torch.nn.Conv2d(1, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Flatten(), torch.nn.Linear(512, 10),
        )  # fmt: skip
        with torch.no_grad():
            model[0].weight.copy_(torch.from_numpy(conv.W.copy()))
            model[0].bias.copy_(torch.from_numpy(conv.b.copy()))
            model[4].weight.copy_(torch.from_numpy(dense.W.T.copy()))
            model[4].bias.copy_(torch.from_numpy(dense.b.copy()))
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        loss_fn = torch.nn.CrossEntropyLoss()  # softmax + cross-entropy, as glassnet's pair
        for _ in range(epochs):
            order = torch.randperm(Xt.shape[0])
            for i in range(0, Xt.shape[0], 32):
                idx = order[i : i + 32]
                opt.zero_grad()
                loss_fn(model(Xt[idx]), yt[idx]).backward()
                opt.step()

    return {"glassnet": glassnet_fit, "PyTorch": pytorch_fit}


def naive_conv(x: np.ndarray, W: np.ndarray, b: np.ndarray, grad: np.ndarray, pad: int):
    """Forward and backward of a stride-1 convolution by loops over every output cell."""
    N, C, H, Wd = x.shape
    F, _, kh, kw = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho, Wo = xp.shape[2] - kh + 1, xp.shape[3] - kw + 1
    out = np.empty((N, F, Ho, Wo), dtype=x.dtype)
    dxp, dW, db = np.zeros_like(xp), np.zeros_like(W), grad.sum(axis=(0, 2, 3))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    patch = xp[n, :, i : i + kh, j : j + kw]
                    out[n, f, i, j] = np.sum(patch * W[f]) + b[f]
                    dW[f] += patch * grad[n, f, i, j]
                    dxp[n, :, i : i + kh, j : j + kw] += W[f] * grad[n, f, i, j]
    return out, dxp[:, :, pad : pad + H, pad : pad + Wd], dW, db


def conv_contenders(X: np.ndarray, batch: int) -> dict:
    """One Conv2D(1, 32, 3, padding=1) forward + backward on ``batch`` digits images."""
    net = gn.Network([gn.Conv2D(1, 32, 3, padding=1)], seed=0, dtype="float32")
    layer, x = net.layers[0], X[:batch]
    grad = np.random.default_rng(0).standard_normal((batch, 32, 8, 8)).astype(np.float32)

    def im2col_gemm():
        out = layer.forward(x)
        return out, layer.backward(grad), layer.dW.copy(), layer.db.copy()

    def naive_loop():
        return naive_conv(x, layer.W, layer.b, grad, 1)

    return {"glassnet im2col + GEMM": im2col_gemm, "naive loop": naive_loop}


def timed(contenders: dict, repeats: int) -> dict:
    """Round-robin after a warm-up: {name: {"median": s, "times": [...], "result": ...}}."""
    results = {name: fn() for name, fn in contenders.items()}  # warm-up
    out = {name: {"times": [], "result": results[name]} for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            start = time.perf_counter()
            fn()
            out[name]["times"].append(time.perf_counter() - start)
    for entry in out.values():
        entry["median"] = statistics.median(entry["times"])
    return out


def run(quick: bool = False) -> dict:
    """Both measurements on one thread each; ratios are glassnet's time over the other's."""
    import torch
    from threadpoolctl import threadpool_limits

    X, y = digits_images()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(1):
            epochs = timed(epoch_contenders(X, y), 3 if quick else 7)
            convs = timed(conv_contenders(X, 32 if quick else 64), 3)
    finally:
        torch.set_num_threads(threads)
    mine, naive = convs["glassnet im2col + GEMM"]["result"], convs["naive loop"]["result"]
    agree = max(float(np.max(np.abs(a - b))) for a, b in zip(mine, naive))
    return {
        "epoch": {k: v["median"] for k, v in epochs.items()},
        "conv": {k: v["median"] for k, v in convs.items()},
        "n_train": int(X.shape[0]),
        "naive_max_abs_difference": agree,
    }


def markdown(r: dict) -> str:
    e, c = r["epoch"], r["conv"]
    ratio = e["glassnet"] / e["PyTorch"]
    speedup = c["naive loop"] / c["glassnet im2col + GEMM"]
    return "\n".join([
        "### (d) digits CNN: Conv 3×3×32 pad 1 ReLU → 2×2 max-pool → Dense 10, float32, "
        "one thread each",
        "",
        f"| one epoch ({r['n_train']} images, batch 32, Adam) | seconds |",
        "|---|---|",
        f"| glassnet | {e['glassnet']:.4f} |",
        f"| PyTorch CPU | {e['PyTorch']:.4f} |",
        "",
        f"glassnet / PyTorch epoch time: **{ratio:.2f}×** (target ≤ 2×, aim 1×).",
        "",
        f"One Conv2D forward + backward: im2col + GEMM {c['glassnet im2col + GEMM'] * 1e3:.2f} ms, "
        f"naive loop {c['naive loop'] * 1e3:.1f} ms: **{speedup:.0f}× faster** (target ≥ 10×; "
        f"results agree to {r['naive_max_abs_difference']:.1e}).",
    ])  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.conv", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds, a smaller batch")
    print(markdown(run(parser.parse_args().quick)))
