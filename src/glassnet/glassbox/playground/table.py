"""Your own data in the playground: a table with any number of feature columns.

``from_table(X, y)`` builds a Playground experiment on your rows instead of one
of its generated data sets, and trains it with the same
:func:`~glassnet.glassbox.playground.training.train_epoch`:

- every column of X is an input, in its order; the target is two classes
  (mapped to Playground's labels −1 and +1, in sorted order) or numbers
  (regression, a linear output);
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


@dataclass
class TableExperiment(Experiment):
    """An :class:`~.core.Experiment` on a table: ``names`` of X's columns, ``axes``
    (the two columns of the heatmap), ``center`` (X's column means), ``rows`` (every
    stored point), ``classes`` (the two class labels, or None for regression)."""

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


def labels(y) -> tuple[np.ndarray, tuple | None]:
    """Two classes → −1, +1 (sorted); numbers with more than two values → themselves."""
    y = np.asarray(y).reshape(-1)
    values = np.unique(y)
    numeric = np.issubdtype(y.dtype, np.number)
    if len(values) == 2:
        return np.where(y == values[1], 1.0, -1.0), tuple(v.item() for v in values)
    if not numeric:
        raise ValueError(
            f"The target has {len(values)} classes; the playground's output is one tanh "
            f"unit with labels −1 and +1, as TensorFlow Playground's: give a target with "
            f"two classes, or numbers for regression."
        )
    return y.astype(np.float64), None


def from_table(X, y, feature_names=None, target_name: str = "y", url: str = "",
               axes: tuple[int, int] = (0, 1)) -> TableExperiment:
    """A Playground experiment on the rows of X (n, d ≥ 2) and their targets y.

    ``url`` supplies Playground's settings (``networkShape``, ``activation``,
    ``learningRate``, ``batchSize``, ``percTrainData``, ``seed`` …); its data set
    and inputs are replaced by the table's.
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
    t, classes = labels(y)
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
                         axes=tuple(axes), center=X.mean(axis=0), rows=rows, classes=classes,
                         target_name=str(target_name), domain=(lo - pad, hi + pad))
    pg.reset()
    return pg
