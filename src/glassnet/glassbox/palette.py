"""The colours of every picture glassnet draws, so the HTML report and the plots agree.

Class k is ``CLASS_COLOURS[k % 8]`` everywhere: class 0 blue, class 1 red,
class 2 green, … A decision region is that colour paled towards white
(``REGION_STRENGTH`` of it kept), so the samples drawn on top stand out. For a
network with one sigmoid output, ŷ = P(class 1) blends class 0's region colour
(ŷ = 0) linearly into class 1's (ŷ = 1):

    region(ŷ) = (1 − ŷ) · pale(class 0) + ŷ · pale(class 1),
    pale(c) = 255 − REGION_STRENGTH · (255 − c).

Weights are blue when positive and red when negative, faded by their size.
"""

from __future__ import annotations

import numpy as np

#: one colour per class, as hex (matplotlib's tab10 order, red and blue first)
CLASS_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                 "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
POSITIVE_COLOUR = "#1f77b4"
NEGATIVE_COLOUR = "#d62728"
#: how much of a class colour a decision region keeps (the rest is white)
REGION_STRENGTH = 0.45
#: the faintest a weight's line is drawn (its opacity at w = 0)
MIN_WEIGHT_OPACITY = 0.08


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[k:k + 2], 16) for k in (1, 3, 5)], dtype=float)


CLASS_RGB = np.array([_rgb(c) for c in CLASS_COLOURS])


def class_rgb(labels: np.ndarray) -> np.ndarray:
    """(n, 3) colours in 0–255 for integer class labels."""
    return CLASS_RGB[np.asarray(labels, dtype=np.int64) % len(CLASS_COLOURS)]


def pale(rgb: np.ndarray) -> np.ndarray:
    """A region's colour: ``rgb`` (0–255) moved towards white."""
    return 255.0 - REGION_STRENGTH * (255.0 - np.asarray(rgb, dtype=float))


def region_rgb(outputs: np.ndarray) -> np.ndarray:
    """(n, 3) region colours in 0–255 for network outputs ``(n, k)``.

    One column: the blend of class 0 and class 1 by ŷ (clipped to [0, 1]);
    several: the colour of the predicted class argmax ŷ.
    """
    outputs = np.asarray(outputs, dtype=float)
    if outputs.shape[1] == 1:
        t = np.clip(outputs, 0.0, 1.0)
        return (1.0 - t) * pale(CLASS_RGB[0]) + t * pale(CLASS_RGB[1])
    return pale(class_rgb(np.argmax(outputs, axis=1)))


def weight_opacity(weights: np.ndarray, largest: float | None = None) -> np.ndarray:
    """Opacity per weight: ∝ |w| / largest (default: max |w|), never below
    ``MIN_WEIGHT_OPACITY``."""
    magnitude = np.abs(np.asarray(weights, dtype=float))
    if largest is None:
        largest = float(magnitude.max()) if magnitude.size else 0.0
    if largest == 0.0:
        return np.full(magnitude.shape, MIN_WEIGHT_OPACITY)
    return np.minimum(MIN_WEIGHT_OPACITY + (1.0 - MIN_WEIGHT_OPACITY) * magnitude / largest, 1.0)


def strongest_links(W: np.ndarray, limit: int) -> np.ndarray:
    """A boolean mask of the links of ``W`` to draw: all when there are at most
    ``limit``, else the ``limit`` largest |w|, plus each unit's strongest incoming
    link, so that no unit is left unconnected."""
    W = np.asarray(W)
    if W.size <= limit:
        return np.ones(W.shape, dtype=bool)
    magnitude = np.abs(W)
    keep = np.zeros(W.shape, dtype=bool)
    keep.flat[np.argsort(magnitude, axis=None)[-limit:]] = True
    keep[np.argmax(magnitude, axis=0), np.arange(W.shape[1])] = True
    return keep
