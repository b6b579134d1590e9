"""One TensorFlow Playground epoch (``oneStep``, src/playground.ts; nn.ts) on a glassnet Network.

For i = 0 … n−1 over the training points in order, Playground runs one
example forward and back and adds its gradients to per-link and per-node
accumulators; whenever (i + 1) is a multiple of the batch size B it updates:

    b ← b − η · (Σ δ) / m
    w′ = w − (η / m) · Σ δ · a_prev                 (m = examples accumulated)
    w″ = w′ − η λ · R′(w)                            (R′ at the weight *before* the step)
    L1: if w′ · w″ < 0 the link is set to 0 and is dead for good; else w ← w″

with R′(w) = sign w for L1, w for L2 and 0 for none; biases are never
regularised; δ = (o − t) f′(z) at the output (Playground's error ½ (o − t)²).
Batch boundaries restart every epoch, so the n mod B examples left at the end
stay accumulated and join the next epoch's first update, which divides by all
of them (m = B + n mod B). After the epoch, ``getLoss`` is ½·mean (o − t)²
over the training and the test points from a fresh forward pass.

Between two updates the weights do not change, so the examples of one batch
run together, as arrays, through glassnet's own activations. The order of
every floating-point sum is Playground's, though (each node's input from its
bias then link by link, each accumulator example after example): where the
learning rate is large, training amplifies a difference in the last digit
— a matrix product's summation order — past 10⁻¹² within two epochs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from glassnet.glassbox.playground.dense import bias
from glassnet.glassbox.playground.state import check

if TYPE_CHECKING:
    from glassnet.glassbox.playground.core import Experiment

#: R′(w) of Playground's regularisations (nn.ts ``RegularizationFunction``)
REGULARIZATION_DERIVATIVES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "none": lambda W: np.zeros_like(W),
    "L1": np.sign,  # w < 0 ? −1 : (w > 0 ? 1 : 0)
    "L2": lambda W: W.copy(),
}


def loss(pg: Experiment, points: np.ndarray) -> float:
    """Playground's ``getLoss``: the mean error per example over ``points``, from a fresh
    forward pass: ½·mean (o − t)² (Playground's), or the categorical cross-entropy
    −(1/n) Σ t log o of a softmax output; NaN for no points, as Playground's 0/0."""
    if len(points) == 0:
        return math.nan
    error = pg.error
    with np.errstate(all="ignore"):  # JavaScript: a diverged network's loss is NaN, silently
        output = pg.network.forward(pg.inputs(points))
        value = error.value(pg.targets(points), output, pg.layers[-1].z)
    return value / len(points) if error.sums_over_rows else value


def output_delta(pg: Experiment, t: np.ndarray, z: np.ndarray, o: np.ndarray) -> np.ndarray:
    """δ = ∂E/∂z at the output for each example on its own (E summed over the examples):
    (o − t) f′(z) for Playground's ½ (o − t)², by the output's activation; the fused
    δ = o − t of softmax with cross-entropy, the engine's ``fused_delta`` times the n it
    divides by (a mean loss's gradient carries 1/n; one example's does not)."""
    error = pg.error
    activation = pg.layers[-1].activation
    if activation.name == error.fused_activation:
        return error.fused_delta(t, o) * error.fused_count(t)
    _, grad = error.value_and_gradient(t, o)
    if not error.sums_over_rows:
        grad = grad * len(t)
    return activation.backward(grad, z, o)


def forward_in_order(pg: Experiment, X: np.ndarray) -> list[tuple[np.ndarray, ...]]:
    """Forward propagation of the rows of X, each node's sum taken in Playground's order.

    ``totalInput = bias``, then ``+= w·a_prev`` link by link (``Node.updateOutput``);
    a = f(z) by the layer's glassnet activation. Returns (a_prev, z, a) per layer.
    """
    passes: list[tuple[np.ndarray, ...]] = []
    a = X
    for layer in pg.layers:
        W = layer.W
        z = np.repeat(bias(layer)[None, :], len(a), axis=0)
        for i in range(layer.n_inputs):
            z += a[:, i : i + 1] * W[i]
        passes.append((a, z, layer.activation.forward(z.copy())))
        a = passes[-1][2]
    return passes


def accumulate(pg: Experiment, X: np.ndarray, t: np.ndarray) -> None:
    """Playground's ``forwardProp`` and ``backProp`` for the examples X (targets t), in
    its order: δ = dE/da ⊙ f′(z) by the glassnet activation; every accumulator adds
    its examples one after the other (a running sum, not a pairwise one), dead
    links excepted; dE/da_prev[i] = Σ_j w_ij δ_j summed over j in order."""
    passes = forward_in_order(pg, X)
    last = len(passes) - 1
    grad = np.empty(0)
    for k in range(last, -1, -1):
        layer, (a_prev, z, a) = pg.layers[k], passes[k]
        delta = output_delta(pg, t, z, a) if k == last else layer.activation.backward(grad, z, a)
        terms = a_prev[:, :, None] * delta[:, None, :]  # δ_j · a_prev_i, example by example
        summed = np.concatenate([pg.acc_W[k][None], terms]).cumsum(axis=0)[-1]
        pg.acc_W[k] = np.where(pg.dead[k], pg.acc_W[k], summed)
        pg.acc_b[k] = np.concatenate([pg.acc_b[k][None], delta]).cumsum(axis=0)[-1]
        if k > 0:
            W = layer.W
            grad = delta[:, :1] * W[:, 0]
            for j in range(1, layer.n_units):
                grad += delta[:, j : j + 1] * W[:, j]
    pg.n_acc += len(X)


def update(pg: Experiment, record: bool = True) -> None:
    """Playground's ``updateWeights``: the averaged gradient step, then the
    regularisation step with R′ taken before it, L1's zero-crossing clamp.

    With ``record``, ``pg.last_update`` keeps this update's numbers (train_epoch
    records the epoch's last update only).
    """
    lr = pg.state.learningRate
    rate = pg.state.regularizationRate
    name = pg.state.regularization
    m = pg.n_acc
    if record:
        pg.last_update = []
    for k, layer in enumerate(pg.layers):
        W, b, dead = layer.W, bias(layer), pg.dead[k]
        regul_der = REGULARIZATION_DERIVATIVES[name](W)
        if record:
            pg.last_update.append(
                {"W_before": W.copy(), "b_before": b.copy(), "grad_W": pg.acc_W[k] / m,
                 "grad_b": pg.acc_b[k] / m, "regul_der": regul_der, "n": m}
            )
        b -= lr * pg.acc_b[k] / m
        stepped = W - (lr / m) * pg.acc_W[k]
        regularized = stepped - (lr * rate) * regul_der
        if name == "L1":
            crossed = ~dead & (stepped * regularized < 0)
            regularized[crossed] = 0.0
            live = ~dead
            dead |= crossed
        else:
            live = ~dead
        W[live] = regularized[live]
        pg.acc_W[k][...] = 0.0
        pg.acc_b[k][...] = 0.0
    pg.n_acc = 0


def train_epoch(pg: Experiment) -> tuple[float, float]:
    """Run one of Playground's epochs on ``pg.network`` in place; returns
    (train loss, test loss) as Playground's ``getLoss`` computes them.

    The examples left over after the last full batch stay in ``pg``'s
    accumulators and join the next epoch's first update. As in JavaScript, a
    network that diverges goes on with inf and NaN and warns of nothing.
    """
    check(pg.state)
    B = int(pg.state.batchSize)
    X = pg.inputs(pg.train)
    t = pg.targets(pg.train)
    last_full = len(X) - len(X) % B
    with np.errstate(all="ignore"):
        for start in range(0, len(X), B):
            stop = min(start + B, len(X))
            accumulate(pg, X[start:stop], t[start:stop])
            if stop - start == B:  # Playground: (i + 1) % batchSize === 0
                update(pg, record=stop == last_full)
    pg.epoch += 1
    pg.loss_train = loss(pg, pg.train)
    pg.loss_test = loss(pg, pg.test)
    return pg.loss_train, pg.loss_test
