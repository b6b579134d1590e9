"""The learning-rate finder (Leslie Smith's range test, as fastai's ``lr_find`` runs it).

Train a copy of the network for at most ``num_it`` steps while the learning rate
grows exponentially from ``start_lr`` to ``end_lr``::

    lr_i = start_lr · (end_lr / start_lr)^(i / (num_it − 1))          i = 0 … num_it − 1

recording each step's loss L_i and its smoothed, debiased value (fastai's β = 0.98)::

    m_i = β m_{i−1} + (1 − β) L_i,     s_i = m_i / (1 − β^{i+1})

and stop early once s_i > 4 · min_{j≤i} s_j (or is not finite): the loss has
diverged. The suggestion is fastai's "steep" rule, the rate where the smoothed
loss falls fastest against log lr; ``lr_min`` is fastai's "minimum" rule, a
tenth of the rate with the lowest smoothed loss.

The network itself is not touched: the finder trains ``net.copy()``, so its
weights, its optimizer's state and its random generator are exactly as before.

>>> import numpy as np, glassnet as gn
>>> X = np.random.default_rng(0).normal(size=(64, 2)); y = X[:, :1] - X[:, 1:]
>>> net = gn.Network([gn.Dense(2, 8, "tanh"), gn.Dense(8, 1, "linear")], seed=0)
>>> found = net.lr_find(X, y, loss="mse")
>>> 1e-7 <= found.suggestion <= 10
True
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet import losses as losses_module
from glassnet import optimizers as optimizers_module
from glassnet.validation import check_positive_int

if TYPE_CHECKING:
    from glassnet.network import Network

#: fastai's defaults
START_LR, END_LR, NUM_IT, BETA, DIVERGENCE = 1e-7, 10.0, 100, 0.98, 4.0


@dataclass
class LRFinderResult:
    """The range test's curve: ``lrs[i]``, ``losses[i]`` (raw) and ``smoothed[i]``;
    ``suggestion`` (steepest fall), ``lr_min`` (a tenth of the best rate's) and
    whether it ``stopped_early`` because the loss diverged."""

    lrs: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    smoothed: list[float] = field(default_factory=list)
    suggestion: float | None = None
    lr_min: float | None = None
    stopped_early: bool = False

    def plot(self, ax=None):
        """The curve on a log-lr axis with the suggestion marked (``glassnet[plot]``)."""
        from glassnet.glassbox.plotting import lr_find_curve

        return lr_find_curve(self, ax=ax)

    def __repr__(self) -> str:
        return (f"LRFinderResult({len(self.lrs)} steps, suggestion={self.suggestion:.3g}, "
                f"lr_min={self.lr_min:.3g}{', stopped early' if self.stopped_early else ''})")


def _batches(n: int, batch_size: int | None, rng: np.random.Generator):
    """Row indices of successive batches, a fresh permutation per pass (full batch: all)."""
    if batch_size is None or batch_size >= n:
        while True:
            yield slice(None)
    while True:
        order = rng.permutation(n)
        for start in range(0, n - batch_size + 1, batch_size):
            yield order[start : start + batch_size]


def suggestions(lrs: list[float], smoothed: list[float], num_it: int | None = None
                ) -> tuple[float, float]:
    """fastai's "steep" (most negative d s / d log lr) and "minimum" (argmin s / 10) rates,
    read as fastai reads them: without the first ``num_it // 10`` steps (a smoothed loss
    still settling) and the last 5 (the divergence), when enough steps remain."""
    skip = (num_it or len(lrs)) // 10
    if len(lrs) - skip - 5 >= 5:
        lrs, smoothed = lrs[skip:-5], smoothed[skip:-5]
    s = np.asarray(smoothed, dtype=float)
    finite = np.isfinite(s)
    lr = np.asarray(lrs, dtype=float)[finite]
    s = s[finite]
    if s.size < 2:
        return float(lr[0]), float(lr[0]) / 10
    slope = np.gradient(s, np.log(lr))
    return float(lr[int(np.argmin(slope))]), float(lr[int(np.argmin(s))]) / 10


def lr_find(
    net: Network,
    X: Any,
    y: Any,
    loss: str | losses_module.Loss | None = None,
    optimizer: str | optimizers_module.Optimizer | None = None,
    batch_size: int | None = None,
    start_lr: float = START_LR,
    end_lr: float = END_LR,
    num_it: int = NUM_IT,
    stop_div: bool = True,
) -> LRFinderResult:
    """Run the range test on a copy of ``net``; X and y as ``net.fit`` takes them.

    ``loss`` defaults to the one of the network's last ``fit`` (mse if never fitted),
    ``optimizer`` to its optimizer (plain gradient descent if none); the rate is the
    finder's, whatever the optimizer's was.
    """
    loss = losses_module.get(loss if loss is not None else (net.loss or "mse"))
    X = net.check_X(X)
    y = net.check_y(y, X.shape[0], loss)
    batch_size = check_positive_int(batch_size, "batch_size", allow_none=True)
    num_it = check_positive_int(num_it, "num_it")
    if not (0 < start_lr < end_lr and math.isfinite(end_lr)):
        raise ValueError(
            f"lr_find needs 0 < start_lr < end_lr, but got start_lr={start_lr!r}, "
            f"end_lr={end_lr!r}."
        )
    probe = net.copy()
    spec = optimizer if optimizer is not None else (probe.optimizer or "gd")
    if isinstance(spec, optimizers_module.Optimizer) and spec is not probe.optimizer:
        spec = copy.deepcopy(spec)  # the caller's object keeps its own state
    opt = optimizers_module.for_fit(spec, None, None, probe.optimizer)
    result = LRFinderResult()
    batches = _batches(X.shape[0], batch_size, probe.rng)
    avg, best = 0.0, math.inf
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for i in range(num_it):
            opt.lr = start_lr * (end_lr / start_lr) ** (i / max(num_it - 1, 1))
            rows = next(batches)
            value = float(probe.loss_and_gradients(X[rows], y[rows], loss, training=True))
            opt.step([probe.params], [probe.grads])
            avg = BETA * avg + (1 - BETA) * value
            smooth = avg / (1 - BETA ** (i + 1))
            result.lrs.append(opt.lr)
            result.losses.append(value)
            result.smoothed.append(smooth)
            best = min(best, smooth)
            if stop_div and (not math.isfinite(smooth) or smooth > DIVERGENCE * best):
                result.stopped_early = i < num_it - 1
                break
    result.suggestion, result.lr_min = suggestions(result.lrs, result.smoothed, num_it)
    return result
