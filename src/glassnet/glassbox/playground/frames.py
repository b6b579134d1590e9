"""What the page draws, computed by the engine: heatmaps of every node and the numbers
of one weight's last update.

The page never evaluates the network. Every heatmap is the engine's own forward
pass (``network.forward``) over Playground's grid, sent as bytes:

- the grid is Playground's ``DENSITY`` × ``DENSITY`` = 100 × 100 points over
  x₁, x₂ ∈ [−6, 6]; row r, column c is the point (x₁, x₂) = (−6 + 12c/99, 6 − 12r/99)
  (row 0 is the top of the picture, as Playground draws it);
- each node's value there (an input's feature, a neuron's activation a) is
  clipped to [−1, 1], Playground's colour domain, and written as one byte
  q = round((v + 1) · 127.5), so that v ≈ q / 127.5 − 1 (NaN becomes 127.5 ↦ grey);
- a neuron's small picture is Playground's ``reduceMatrix(boundary, 10)``: the mean
  of each 10 × 10 block, a 10 × 10 grid;
- "discretize output" sends sign(v) (v ≥ 0 ↦ 1, else −1), as Playground draws it;
- with k ≥ 3 classes (a softmax output o), the output's picture is a class map:
  two bytes a point, the class c = argmax o and its strength
  s = round(255 · (o_c − 1/k) / (1 − 1/k)) (0 where the network is as unsure as
  it can be, 255 where o_c = 1; 255 everywhere when discretized); the page paints
  class c's colour with lightness from s.

The link view puts numbers into Playground's update (see
:mod:`glassnet.glassbox.playground.training`)::

    w ← w − η·(1/B)·Σ δ·a_prev − η·λ·R′(w)     R′(w) = sign w (L1), w (L2), 0 (none)
"""

from __future__ import annotations

import base64
import copy
import math
from typing import Any

import numpy as np

from glassnet.glassbox.playground import datasets
from glassnet.glassbox.playground.dense import dense_layers, last_pass
from glassnet.glassbox.playground.seedrandom import SeedRandom
from glassnet.metrics import accuracy, r2, rmse

DENSITY = 100  # Playground's heatmap resolution
DOMAIN = (-6.0, 6.0)  # Playground's xDomain, for x₁ and x₂
REDUCE = 10  # the neurons' small heatmaps: reduceMatrix(boundary, 10)


def grid_points(density: int = DENSITY, domain: tuple[float, float] = DOMAIN) -> np.ndarray:
    """The (density², 2) points of the heatmap, row-major, row 0 at the top (x₂ = 6)."""
    ticks = np.linspace(domain[0], domain[1], density)
    x1, x2 = np.meshgrid(ticks, ticks[::-1])
    return np.column_stack([x1.ravel(), x2.ravel()])


def node_values(network, features: np.ndarray) -> list[np.ndarray]:
    """The value of every node on every row of ``features``, layer by layer: the
    features themselves (layer 0), then each layer's activation a, by the engine's
    forward pass. Returns arrays (n_rows, n_nodes of the layer)."""
    values = [features]
    a = features
    for layer in dense_layers(network):
        a = layer.forward(a).copy()  # a layer keeps only its last pass: copy to keep it
        values.append(a)
    return values


def reduce(matrix: np.ndarray, factor: int = REDUCE) -> np.ndarray:
    """Playground's ``reduceMatrix``: the mean over each factor × factor block."""
    n = matrix.shape[0] // factor
    return matrix[: n * factor, : n * factor].reshape(n, factor, n, factor).mean(axis=(1, 3))


def encode(grid: np.ndarray, discretize: bool = False) -> str:
    """A square grid as base64 bytes, q = round((clip(v, −1, 1) + 1) · 127.5)."""
    v = np.asarray(grid, dtype=np.float64)
    if discretize:
        v = np.where(v >= 0, 1.0, -1.0)
    v = np.where(np.isnan(v), 0.0, np.clip(v, -1.0, 1.0))
    q = np.rint((v + 1.0) * 127.5).astype(np.uint8)
    return base64.b64encode(q.tobytes()).decode("ascii")


def encode_classes(output: np.ndarray, discretize: bool = False) -> str:
    """A class map of softmax outputs (n_points, k): per point the bytes c = argmax o
    and s = round(255 · (o_c − 1/k) / (1 − 1/k)), base64 (NaN rows: class 0, s = 0)."""
    o = np.nan_to_num(np.asarray(output, dtype=np.float64), nan=0.0)
    k = o.shape[1]
    c = np.argmax(o, axis=1)
    top = o[np.arange(len(o)), c]
    s = np.full(len(o), 255.0) if discretize else np.clip(
        255 * (top - 1 / k) / (1 - 1 / k), 0, 255)
    return base64.b64encode(np.column_stack([c, np.rint(s)]).astype(np.uint8).tobytes()
                            ).decode("ascii")


def finite(value: float) -> float | None:
    """A float for JSON: NaN and ±∞ (a diverged network) become None (null)."""
    value = float(value)
    return value if math.isfinite(value) else None


def to_json(array: np.ndarray) -> list:
    """An array as nested lists of floats, NaN/∞ as None."""
    array = np.asarray(array, dtype=np.float64)
    if np.isfinite(array).all():
        return array.tolist()
    return [to_json(row) for row in array] if array.ndim > 1 else [finite(v) for v in array]


def link_update(update: dict, k: int, i: int, j: int, lr: float, rate: float,
                regularization: str, weight_now: float, dead: bool) -> dict:
    """The numbers of the last update of W[i, j] of layer k, from ``update`` (one entry
    of the experiment's ``last_update``: ``W_before``, ``grad_W`` = Σ δ·a_prev / B,
    ``regul_der`` = R′(w), ``n`` = B), at learning rate η = ``lr`` and regularisation
    rate λ = ``rate``: the products and differences a reader would do by hand.

    ``w_after`` is w − η·g − η·λ·R′(w), or 0 where L1's step crosses zero (the link
    then dies); it equals ``weight_now`` unless the weight was edited since.
    """
    w = float(update["W_before"][i, j])
    B = int(update["n"])
    g = float(update["grad_W"][i, j])
    r = float(update["regul_der"][i, j])
    stepped = w - lr * g
    after = stepped - lr * rate * r
    crossed = regularization == "L1" and stepped * after < 0
    if crossed:
        after = 0.0
    return {
        "w": finite(w), "lr": lr, "B": B, "sum": finite(g * B), "mean": finite(g),
        "rate": rate, "regularization": regularization, "R": finite(r),
        "gradient_step": finite(lr * g), "regularization_step": finite(lr * rate * r),
        "w_after": finite(after), "clamped": bool(crossed), "dead": bool(dead),
        "w_now": finite(weight_now),
    }


def bias_update(update: dict, j: int, lr: float, bias_now: float) -> dict:
    """The numbers of the last update of b[j]: b ← b − η·(1/B)·Σ δ (never regularised)."""
    b = float(update["b_before"][j])
    B = int(update["n"])
    g = float(update["grad_b"][j])
    return {"b": finite(b), "lr": lr, "B": B, "sum": finite(g * B), "mean": finite(g),
            "gradient_step": finite(lr * g), "b_after": finite(b - lr * g),
            "b_now": finite(bias_now)}


def figures(pg) -> dict[str, Any]:
    """Beside the loss: accuracy and the confusion matrix (classification: the
    output's sign is the class, or the argmax of k softmax outputs), or RMSE and R²
    (regression), on train and test."""
    out: dict[str, Any] = {}
    for name, points in (("train", pg.train), ("test", pg.test)):
        if len(points) == 0:
            continue
        with np.errstate(all="ignore"):
            o = pg.network.forward(pg.inputs(points))
        t = points[:, 2:3]
        if not np.isfinite(o).all():
            out[name] = None
        elif pg.is_regression:
            out[name] = {"rmse": rmse(t, o), "r2": r2(t, o)}
        else:
            out[name] = class_figures(pg, points, o)
    return out


def class_figures(pg, points: np.ndarray, o: np.ndarray) -> dict[str, Any]:
    """Accuracy and the confusion matrix (rows: true class, columns: predicted) of
    outputs o. Labels ±1 with a tanh output: the class is sign(o), so accuracy reads
    o ≥ 0 against t > 0 as 0/1 at 0.5; k softmax outputs: argmax against the one-hot t."""
    if pg.n_classes:
        t = pg.targets(points)
        actual, predicted = np.argmax(t, axis=1), np.argmax(o, axis=1)
        score = accuracy(t, o)
    else:
        predicted, actual = (o >= 0).ravel().astype(int), (points[:, 2] > 0).astype(int)
        score = accuracy(actual[:, None] * 1.0, predicted[:, None] * 1.0)
    k = pg.n_classes or 2
    confusion = np.zeros((k, k), dtype=int)
    np.add.at(confusion, (actual, predicted), 1)
    return {"accuracy": score, "confusion": confusion.tolist()}


def layer_stats(a: np.ndarray, delta: np.ndarray) -> dict[str, float | None]:
    """A layer's activations a and deltas δ over a pass: mean, std, share exactly 0."""
    return {"a_mean": finite(a.mean()), "a_std": finite(a.std()),
            "a_zero": float(np.mean(a == 0)), "delta_mean": finite(delta.mean()),
            "delta_std": finite(delta.std()), "delta_zero": float(np.mean(delta == 0))}


def neuron(pg, k: int, j: int) -> dict[str, Any]:
    """Neuron j of layer k: z, a and δ for the examples of the next update (the first
    B training points), and a and δ's mean, std and share of zeros over the training
    set, for the neuron and for every layer (``layers``), from the engine's own passes
    (``Network.forward``, ``Network.backward`` with the experiment's error: ½ (o − t)²
    as Playground's, or the cross-entropy of k classes) on a copy of the network.
    δ is each example's own ∂E/∂z (a mean loss's 1/n taken back out)."""
    B = min(int(pg.state.batchSize), len(pg.train))
    network = copy.deepcopy(pg.network)
    values = {}
    per_layer: list[dict[str, float | None]] = []
    for name, points in (("all", pg.train), ("batch", pg.train[:B])):
        scale = 1 if pg.error.sums_over_rows else len(points)
        with np.errstate(all="ignore"):
            network.forward(pg.inputs(points))
            network.backward(pg.targets(points), pg.error)
        if name == "all":
            per_layer = [layer_stats(a, delta * scale) for _, a, delta in
                         map(last_pass, dense_layers(network))]
        z, a, delta = last_pass(dense_layers(network)[k - 1])
        values[name] = (z[:, j].copy(), a[:, j].copy(), delta[:, j] * scale)
    z, a, delta = values["batch"]
    _, a_all, d_all = values["all"]
    rows = [{"row": r, "x1": float(p[0]), "x2": float(p[1]), "t": float(p[2]),
             "z": finite(z[r]), "a": finite(a[r]),
             "delta": finite(delta[r])} for r, p in enumerate(pg.train[:B])]
    return {"layer": k, "j": j, "activation": pg.layers[k - 1].activation.name,
            "first": 0, "rows": rows, "epoch": pg.epoch, "layers": per_layer, "stats": {
                "a_mean": finite(a_all.mean()), "a_std": finite(a_all.std()),
                "a_zero": float(np.mean(a_all == 0)),
                "delta_mean": finite(d_all.mean()),
                "delta_std": finite(d_all.std())}}


_GRIDS: dict[tuple[float, float], np.ndarray] = {}
_THUMBNAILS: dict[str, list] = {}


def grid(domain: tuple[float, float] = DOMAIN) -> np.ndarray:
    """The 100 × 100 heatmap points over ``domain`` (Playground's: [−6, 6]), made once."""
    key = (float(domain[0]), float(domain[1]))
    if key not in _GRIDS:
        _GRIDS[key] = grid_points(domain=key)
    return _GRIDS[key]


def thumbnails() -> dict[str, list]:
    """200 noiseless points of each data set, for its button (Playground draws
    ``generator(200, 0)``), from a fixed seed."""
    if not _THUMBNAILS:
        for name, generator in datasets.GENERATORS.items():
            points = generator(SeedRandom("thumbnails"), 200, 0.0)
            _THUMBNAILS[name] = np.round(points, 3).tolist()
    return _THUMBNAILS
