"""Metrics: figures that describe predictions, not used for gradients.

Each takes ``y`` (n_samples, n_outputs) and ``yhat`` of the same shape and
returns a float.

- ``accuracy``: one-hot targets → argmax; one output or several 0/1 labels →
  each ŷ ≥ 0.5 is a 1.
- ``mae`` = mean |y − ŷ|,  ``mse`` = mean (y − ŷ)²,  ``rmse`` = √mse.
- ``r2`` = 1 − Σ(y − ŷ)² / Σ(y − ȳ)², averaged over outputs (scikit-learn's
  ``r2_score`` with uniform averaging).

>>> import numpy as np
>>> accuracy(np.array([[1.0], [0.0]]), np.array([[0.9], [0.6]]))
0.5
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


def accuracy(y: np.ndarray, yhat: np.ndarray) -> float:
    """Share of right answers: argmax against argmax when every target row is a
    class distribution (one-hot rows summing to 1); otherwise (one output, or
    several independent 0/1 labels) each output thresholded at 0.5."""
    if y.shape[1] > 1 and np.allclose(y.sum(axis=1), 1) and (y >= 0).all():
        return float(np.mean(np.argmax(yhat, axis=1) == np.argmax(y, axis=1)))
    return float(np.mean((yhat >= 0.5) == (y >= 0.5)))


def mae(y: np.ndarray, yhat: np.ndarray) -> float:
    return float(np.mean(np.abs(y - yhat)))


def mse(y: np.ndarray, yhat: np.ndarray) -> float:
    return float(np.mean((y - yhat) ** 2))


def rmse(y: np.ndarray, yhat: np.ndarray) -> float:
    return float(np.sqrt(mse(y, yhat)))


def r2(y: np.ndarray, yhat: np.ndarray) -> float:
    residual = np.sum((y - yhat) ** 2, axis=0)
    total = np.sum((y - y.mean(axis=0)) ** 2, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(total > 0, 1 - residual / np.where(total > 0, total, 1), 0.0)
    return float(np.mean(scores))


#: each metric under its function's name
METRICS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    metric.__name__: metric for metric in (accuracy, mae, mse, rmse, r2)
}


def get(name: str) -> Callable[[np.ndarray, np.ndarray], float]:
    if callable(name):
        return name
    if not isinstance(name, str) or name.lower() not in METRICS:
        raise ValueError(f"Unknown metric {name!r}. Expected one of: {', '.join(METRICS)}.")
    return METRICS[name.lower()]


def names(metric_names: Sequence[str]) -> list[str]:
    """``metric_names`` as a list, an unknown one refused (by :func:`get`) before any work."""
    listed = list(metric_names)
    for name in listed:
        get(name)
    return listed
