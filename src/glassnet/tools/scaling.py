"""Standardising a table's columns, and undoing it on the predictions.

A network learns fastest when its inputs, and for regression its targets, are
centred with unit spread. ``glassnet train`` therefore standardises every
feature column and a numeric target with the mean and standard deviation of
the training rows::

    x' = (x − feature_mean) / feature_scale        inputs, every column
    y' = (y − target_mean) / target_scale          regression targets
    ŷ  = ŷ' · target_scale + target_mean          predictions, back in y's units

and keeps the four vectors in ``net.metadata`` (lists of floats), so that a
saved model reads raw rows and answers in the target's own units. The loss
that training reports is the loss on y'. A metadata dict without the keys
means no scaling: the functions return their input unchanged (as float64).

>>> import numpy as np
>>> meta = {"target_mean": [100.0], "target_scale": [10.0]}
>>> unscale_targets(scale_targets(np.array([[90.0], [125.0]]), meta), meta)
array([[ 90.],
       [125.]])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def standardise(values: np.ndarray, names: Sequence[str] | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """Column mean and scale of ``values`` (n, k): the standard deviation, or 1 for a
    constant column (which then only shifts to 0).

    Computed on the column divided by its largest magnitude m, then multiplied
    back (mean = m · mean(x / m), scale = m · std(x / m)): a column of 1e300s
    does not overflow x², and one of 1e-300s does not underflow to a zero
    spread. A column whose standardised values would still not be finite (near
    the float64 limit, 1.8e308) is refused naming it (``names``, or its index).
    """
    values = np.asarray(values, dtype=np.float64)
    size = np.max(np.abs(values), axis=0) if values.size else np.ones(values.shape[1:])
    size = np.where(size > 0, size, 1.0)
    with np.errstate(over="ignore", invalid="ignore"):
        unit = values / size
        mean = unit.mean(axis=0) * size
        scale = unit.std(axis=0) * size
        scale[scale == 0] = 1.0
        bad = ~(np.isfinite(mean) & np.isfinite(scale) & (scale > 0))
        if values.size:
            bad |= ~np.isfinite((values - mean) / scale).all(axis=0)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        name = repr(names[j]) if names is not None else f"{j + 1}"
        raise ValueError(
            f"column {name} cannot be standardised: its values (up to {size[j]:.3g} in "
            "magnitude) are too close to the float64 limit (1.8e308). Rescale the column "
            "(for example to other units) and train again."
        )
    return mean, scale


def _pair(metadata: dict[str, Any], prefix: str) -> tuple[np.ndarray, np.ndarray] | None:
    if f"{prefix}_mean" not in metadata or f"{prefix}_scale" not in metadata:
        return None
    return (
        np.asarray(metadata[f"{prefix}_mean"], dtype=np.float64),
        np.asarray(metadata[f"{prefix}_scale"], dtype=np.float64),
    )


def scale_features(X: Any, metadata: dict[str, Any]) -> np.ndarray:
    """x' = (x − feature_mean) / feature_scale, in float64.

    The exported ``predict.py`` does the same operations, so its predictions
    match glassnet's bit for bit.
    """
    X = np.asarray(X, dtype=np.float64)
    pair = _pair(metadata, "feature")
    return X if pair is None else (X - pair[0]) / pair[1]


def scale_targets(Y: Any, metadata: dict[str, Any]) -> np.ndarray:
    """y' = (y − target_mean) / target_scale, in float64 (Y: (n, k))."""
    Y = np.asarray(Y, dtype=np.float64)
    pair = _pair(metadata, "target")
    return Y if pair is None else (Y - pair[0]) / pair[1]


def unscale_targets(Y: Any, metadata: dict[str, Any]) -> np.ndarray:
    """ŷ = ŷ' · target_scale + target_mean, in float64: network outputs in the
    target's own units (Y: (n, k))."""
    Y = np.asarray(Y, dtype=np.float64)
    pair = _pair(metadata, "target")
    return Y if pair is None else Y * pair[1] + pair[0]
