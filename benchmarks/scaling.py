"""Scaling study: glassnet's time per epoch against batch size and layer width.

One epoch costs roughly  steps × c_step + FLOPs / R : a fixed cost per training
step (Python calls, one NumPy call per operation, ~30 of them) plus the matrix
multiplies at the BLAS's rate R. The batch-size sweep (fixed width) fits the
first term, the width sweep (fixed batch) shows where the second takes over.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

import glassnet as gn
from benchmarks.cases import gemm_gflops, wide_flops

N_ROWS, N_FEATURES, N_CLASSES = 4096, 256, 10


def _data():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((N_ROWS, N_FEATURES), dtype=np.float32)
    return X, rng.integers(0, N_CLASSES, size=N_ROWS)


def _net(width):
    return gn.Network(
        [gn.Dense(N_FEATURES, width, "relu", init="xavier"),
         gn.Dense(width, N_CLASSES, "softmax", init="xavier")],
        seed=0, dtype="float32",
    )  # fmt: skip


def _epoch_seconds(width, batch_size, X, labels, repeats):
    net = _net(width)
    fit = dict(epochs=1, batch_size=batch_size, lr=0.01, optimizer="gd",
               loss="categorical_crossentropy", shuffle=True)  # fmt: skip
    net.fit(X, labels, **fit)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        net.fit(X, labels, **fit)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(quick: bool) -> dict:
    """The two sweeps and predict's cost, against a GEMM peak measured just before
    them (median of 3): the machine's speed drifts over the minutes of a run."""
    X, labels = _data()
    peak_gflops = statistics.median(gemm_gflops() for _ in range(3))
    repeats = 3
    batches = [1, 4, 16, 64, 256, 1024] if quick else [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]
    widths = [16, 64, 256, 1024, 2048] if quick else [16, 32, 64, 128, 256, 512, 1024, 2048]
    rows_b = X if not quick else X[:1024]
    lab_b = labels[: rows_b.shape[0]]
    by_batch = [(b, _epoch_seconds(256, b, rows_b, lab_b, repeats)) for b in batches]
    by_width = [(w, _epoch_seconds(w, 128, X, labels, repeats)) for w in widths]

    # t ≈ steps × c_step + FLOPs / peak: c_step fitted (least squares, no intercept) on
    # what the batch sweep spends beyond the multiply floor
    steps = np.array([-(-rows_b.shape[0] // b) for b, _ in by_batch], float)
    floor = wide_flops(rows_b.shape[0], (N_FEATURES, 256, N_CLASSES)) / (peak_gflops * 1e9)
    beyond = np.array([s for _, s in by_batch]) - floor
    c_step = float(steps @ beyond / (steps @ steps))

    # predict: cost per row on a large input, and of a single row
    net = _net(256)
    big = np.tile(X, (4, 1))
    net.predict(big)
    per_row = statistics.median(_timed(lambda: net.predict(big)) for _ in range(3)) / len(big)
    one = X[:1]
    single = statistics.median(_timed(lambda: net.predict(one)) for _ in range(200))
    return {
        "rows": {"batch": rows_b.shape[0], "width": N_ROWS},
        "by_batch": by_batch,
        "by_width": by_width,
        "c_step": c_step,
        "predict_per_row": per_row,
        "predict_single": single,
        "predict_flop_floor_per_row": 2 * (N_FEATURES * 256 + 256 * N_CLASSES)
        / (peak_gflops * 1e9),
        "peak_gflops": peak_gflops,
    }


def _timed(f):
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def plot(result: dict, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    peak = result["peak_gflops"] * 1e9
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    b, t = zip(*result["by_batch"])
    n = result["rows"]["batch"]
    left.loglog(b, t, "o-", label="glassnet, measured")
    floor = wide_flops(n, (N_FEATURES, 256, N_CLASSES)) / peak
    model = [-(-n // bb) * result["c_step"] + floor for bb in b]
    left.loglog(b, model, "--", label=f"steps × {result['c_step'] * 1e6:.0f} µs + multiply floor")
    left.axhline(floor, color="grey", lw=0.8, label="matrix multiplies at GEMM peak")
    left.set(xlabel="batch size", ylabel=f"seconds per epoch ({n} rows)",
             title=f"{N_FEATURES}-256-{N_CLASSES}: batch size")  # fmt: skip
    left.legend(fontsize=8)
    w, t = zip(*result["by_width"])
    steps = -(-N_ROWS // 128)
    right.loglog(w, t, "o-", label="glassnet, measured")
    floors = [wide_flops(N_ROWS, (N_FEATURES, ww, N_CLASSES)) / peak for ww in w]
    right.loglog(w, floors, "--", color="grey", label="matrix multiplies at GEMM peak")
    overhead = steps * result["c_step"]
    right.axhline(overhead, color="C1", lw=0.8, label="steps × c_step (batch sweep)")
    right.loglog(w, [overhead + f for f in floors], ":", color="C1", label="sum of the two")
    right.set(xlabel="hidden width", ylabel=f"seconds per epoch ({N_ROWS} rows, batch 128)",
              title=f"{N_FEATURES}-width-{N_CLASSES}: width")  # fmt: skip
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
