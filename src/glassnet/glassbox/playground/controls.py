"""The page's controls: Playground's menus, which controls do what, and their values checked.

A value from the page is checked against Playground's own menus and ranges before
the session applies it (:meth:`.session.Session.control`); a bad one is a
:class:`ControlError` whose message says what was expected.
"""

from __future__ import annotations

import math
from typing import Any

from glassnet.glassbox.playground.state import (
    ACTIVATIONS,
    DATASETS,
    PROBLEMS,
    REG_DATASETS,
    REGULARIZATIONS,
)

#: Playground's menus (index.html)
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
REGULARIZATION_RATES = (0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
PLAYGROUND_MAX_LAYERS, PLAYGROUND_MAX_NEURONS = 6, 8

LIVE = {"learningRate"}  # takes effect at the next epoch
VIEW = {"showTestData", "discretize"}  # only the picture changes
RESET = {"activation", "regularization", "regularizationRate", "batchSize", "initZero"}
DATA = {"dataset", "regDataset", "noise", "percTrainData", "problem"}
CHOICES = {"activation": ACTIVATIONS, "regularization": REGULARIZATIONS,
           "dataset": DATASETS, "regDataset": REG_DATASETS, "problem": PROBLEMS}
RANGES = {"learningRate": (0, math.inf), "regularizationRate": (0, math.inf),
          "batchSize": (1, math.inf), "noise": (0, 80), "percTrainData": (1, 99)}


class ControlError(ValueError):
    """A control the session cannot apply; the message says why."""


def integer(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ControlError(f"{what} must be a whole number, but it is {value!r}.")
    return value


def number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ControlError(f"The {what} must be a finite number, but it is {value!r}.")
    return float(value)


def checked_value(name: Any, value: Any) -> Any:
    """A control's value, checked against Playground's menus and ranges."""
    if name in CHOICES:
        if value not in CHOICES[name]:
            raise ControlError(f"{name} must be one of {', '.join(CHOICES[name])}, not {value!r}.")
        return value
    if name in VIEW or name == "initZero":
        if not isinstance(value, bool):
            raise ControlError(f"{name} must be true or false, not {value!r}.")
        return value
    if name in RANGES:
        low, high = RANGES[name]
        x = number(value, name)
        if not low <= x <= high or (name == "batchSize" and not x.is_integer()):
            raise ControlError(f"{name} must be a number from {low} to {high}"
                               f"{' (whole)' if name == 'batchSize' else ''}, not {value!r}.")
        return int(x) if x.is_integer() else x
    raise ControlError(f"{name!r} is not a control; expected one of "
                       f"{', '.join(sorted(LIVE | VIEW | RESET | DATA))}.")
