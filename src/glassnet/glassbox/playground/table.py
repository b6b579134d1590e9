"""Your own data in the playground: a table with any number of feature columns.

``from_table(X, y)`` builds a Playground experiment on your rows instead of one
of its generated data sets, and trains it with the same
:func:`~glassnet.glassbox.playground.training.train_epoch`:

- every column of X is an input, in its order; the target is two classes
  (mapped to Playground's labels −1 and +1, in sorted order, its tanh output),
  k ≥ 3 classes (labels 0 … k−1 in sorted order: k softmax outputs trained with
  the categorical cross-entropy −Σ t log o, t one-hot) or numbers (regression,
  a linear output);
- the rows are shuffled with Playground's shuffle from the URL's seed and split
  at ⌊n·percTrainData/100⌋, as its own data are;
- the heatmaps show two chosen columns (``axes``) over their range, every other
  column held at its mean.

A point is stored as (x_a, x_b, label, the other columns…) so that the
heatmap's axes come first, where Playground keeps x₁ and x₂, and the label
third; :meth:`TableExperiment.inputs` puts the columns back in X's order.
Scale the columns first (``glassnet playground data.csv`` standardises them, as
``glassnet train`` does): Playground's learning rates suit inputs of about unit size.
"""

from __future__ import annotations

import math
import random as stdlib_random
from dataclasses import dataclass, field

import numpy as np

from glassnet.glassbox.playground import datasets
from glassnet.glassbox.playground.core import Experiment
from glassnet.glassbox.playground.seedrandom import SeedRandom
from glassnet.glassbox.playground.state import check, parse, to_fixed
from glassnet.losses import CategoricalCrossEntropy, HalfSSE, Loss

TASKS = (None, "classification", "regression")
MAX_CLASSES = 8  # one colour each (glassnet.glassbox.palette.CLASS_COLOURS)


@dataclass(repr=False)
class TableExperiment(Experiment):
    """An :class:`~.core.Experiment` on a table: ``names`` of X's columns, ``axes``
    (the two columns of the heatmap), ``center`` (X's column means), ``rows`` (every
    stored point), ``classes`` (the class labels in sorted order, or None for
    regression)."""

    names: tuple[str, ...] = ()
    axes: tuple[int, int] = (0, 1)
    center: np.ndarray = field(default_factory=lambda: np.zeros(0))
    rows: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))
    classes: tuple | None = None
    target_name: str = "y"
    domain: tuple[float, float] = (-6.0, 6.0)

    @property
    def feature_ids(self) -> list[str]:
        return list(self.names)

    @property
    def n_classes(self) -> int:
        """k for k ≥ 3 classes (a softmax output), else 0 (Playground's one output)."""
        return len(self.classes) if self.classes is not None and len(self.classes) > 2 else 0

    @property
    def error(self) -> Loss:
        """½ (o − t)² (Playground's), or the categorical cross-entropy for k classes."""
        return CategoricalCrossEntropy() if self.n_classes else HalfSSE()

    def targets(self, points: np.ndarray) -> np.ndarray:
        """The label column (m, 1), or for k classes its one-hot rows (m, k)."""
        if not self.n_classes:
            return points[:, 2:3]
        return np.eye(self.n_classes)[points[:, 2].astype(np.int64)]

    def inputs(self, points) -> np.ndarray:
        """X's columns for stored points (x_a, x_b, label, others…), or for heatmap
        points (x_a, x_b) with every other column at its mean."""
        points = np.asarray(points, dtype=np.float64)
        d = len(self.names)
        others = [c for c in range(d) if c not in self.axes]
        X = np.tile(self.center, (len(points), 1))
        X[:, self.axes[0]], X[:, self.axes[1]] = points[:, 0], points[:, 1]
        if points.shape[1] > 2 and others:
            X[:, others] = points[:, 3 : 3 + len(others)]
        return X

    def regenerate(self) -> None:
        """A new seed from the stream, then a new shuffle and split of the same rows."""
        self.state.seed = to_fixed(self.rng.random())
        self.train, self.test, self.rng = split(self.rows, self.state.seed,
                                                self.state.percTrainData)


def split(rows: np.ndarray, seed: str, perc_train: float):
    """Playground's shuffle from ``seed``, then the first ⌊n·perc/100⌋ rows train."""
    rng = SeedRandom(seed)
    shuffled = datasets.shuffle(rng, rows)
    cut = math.floor(len(rows) * perc_train / 100)
    return shuffled[:cut].copy(), shuffled[cut:].copy(), rng


def labels(y, task: str | None = None) -> tuple[np.ndarray, tuple | None]:
    """The stored label of each row and the classes (sorted), or None for numbers.

    Two classes → −1, +1 (Playground's labels); k ≥ 3 classes → 0 … k−1; numbers →
    themselves. ``task=None`` reads numbers with more than two values as regression
    and anything else (text, booleans, two values) as classes; give
    ``task="classification"`` for numbered classes (0, 1, 2 …).
    """
    if task not in TASKS:
        raise ValueError(f"task must be 'classification', 'regression' or None (decide from "
                         f"y), not {task!r}.")
    y = np.asarray(y).reshape(-1)
    values, index = np.unique(y, return_inverse=True)
    numeric = np.issubdtype(y.dtype, np.number) and y.dtype != np.bool_
    if task == "regression" or (task is None and numeric and len(values) > 2):
        if not numeric:
            raise ValueError(f"A regression target must be numbers, but y holds "
                             f"{y.dtype} values such as {values[0]!r}; give numbers, or "
                             f"task='classification'.")
        return y.astype(np.float64), None
    if len(values) < 2 or len(values) > MAX_CLASSES:
        raise ValueError(f"The target has {len(values)} classes; the playground trains 2 to "
                         f"{MAX_CLASSES} (give task='regression' for numbers).")
    classes = tuple(v.item() for v in values)
    if len(values) == 2:
        return np.where(index == 1, 1.0, -1.0), classes
    return index.astype(np.float64), classes


def from_table(X, y, feature_names=None, target_name: str = "y", url: str = "",
               axes: tuple[int, int] = (0, 1), task: str | None = None) -> TableExperiment:
    """A Playground experiment on the rows of X (n, d ≥ 2) and their targets y.

    ``url`` supplies Playground's settings (``networkShape``, ``activation``,
    ``learningRate``, ``batchSize``, ``percTrainData``, ``seed`` …); its data set
    and inputs are replaced by the table's. ``task``: see :func:`labels`.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] < 2 or X.shape[0] < 2 or not np.isfinite(X).all():
        raise ValueError(
            f"X must be a finite (n_rows, n_features) array with at least 2 rows and 2 "
            f"features (the heatmap's axes), but it has shape {X.shape}."
        )
    names = tuple(str(n) for n in (feature_names or [f"x{c + 1}" for c in range(X.shape[1])]))
    if len(names) != X.shape[1] or len(set(axes)) != 2 or not all(
            0 <= a < X.shape[1] for a in axes):
        raise ValueError(f"Give one name per column of X ({X.shape[1]}) and two different "
                         f"column indices as axes, not {len(names)} names and axes={axes}.")
    t, classes = labels(y, task)
    if len(t) != len(X):
        raise ValueError(f"y has {len(t)} values but X has {len(X)} rows; give one per row.")
    state = parse(url)
    state.problem = "regression" if classes is None else "classification"
    if state.seed is None:
        state.seed = to_fixed(stdlib_random.random())  # as Playground picks one
    check(state)
    others = [c for c in range(X.shape[1]) if c not in axes]
    rows = np.column_stack([X[:, axes[0]], X[:, axes[1]], t, X[:, others]])
    train, test, rng = split(rows, state.seed, state.percTrainData)
    lo, hi = float(X[:, list(axes)].min()), float(X[:, list(axes)].max())
    pad = 0.05 * (hi - lo) or 1.0
    pg = TableExperiment(state=state, train=train, test=test, rng=rng, names=names,
                         axes=(axes[0], axes[1]), center=X.mean(axis=0), rows=rows, classes=classes,
                         target_name=str(target_name), domain=(lo - pad, hi + pad))
    pg.reset()
    return pg
