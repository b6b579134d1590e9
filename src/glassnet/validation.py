"""Checks at the public boundary: turn user input into clean float matrices or
refuse it with a sentence that says what was expected and what came.

Validation happens once, where data enters (``fit``, ``predict``, ``evaluate``,
``set_weights``); the math below never re-checks.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Literal, overload

import numpy as np
from numpy.typing import DTypeLike


def _describe_nonfinite(arr: np.ndarray, name: str) -> str:
    positions = np.argwhere(~np.isfinite(arr))
    kinds = [kind for kind, test in (("NaN", np.isnan), ("inf", np.isinf)) if test(arr).any()]
    first = ", ".join(f"({', '.join(str(int(i)) for i in pos)})" for pos in positions[:5])
    more = f" and {len(positions) - 5} more" if len(positions) > 5 else ""
    return (
        f"{name} contains {' and '.join(kinds)} at {len(positions)} position(s) "
        f"[(row, column)]: {first}{more}. Remove or impute those values before training."
    )


def _first_non_number(arr: np.ndarray, limit: float = math.inf) -> tuple[tuple[int, ...], Any]:
    """The position and value of the first entry that is not a number, or (given a
    ``limit``) whose size is beyond it."""
    for position, value in np.ndenumerate(arr):
        try:
            beyond = abs(float(value)) > limit
        except OverflowError:  # a Python integer beyond every float
            beyond = True
        except (TypeError, ValueError):
            beyond = not math.isfinite(limit)  # (without a limit, the entry looked for)
        if beyond:
            return position, value.item() if isinstance(value, np.generic) else value
    return (), None


def _ndarray(data: Any, name: str) -> np.ndarray:
    """``data`` (array, list, pandas object) as a NumPy array, of whatever dtype it holds."""
    if data is None:
        raise TypeError(f"{name} must be an array of numbers, but got None.")
    if hasattr(data, "to_numpy"):  # pandas DataFrame / Series
        data = data.to_numpy()
    try:
        return np.asarray(data)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(
            f"{name} must be a rectangular array of numbers, but its rows have different "
            f"lengths ({exc})."
        ) from None


def as_array(data: Any, name: str, dtype: DTypeLike) -> np.ndarray:
    """Convert ``data`` (array, list, pandas object) to a finite array of ``dtype``.

    Never modifies ``data``; returns a copy only when a conversion needs one.
    """
    arr = _ndarray(data, name)
    if arr.ndim >= 2 and arr.shape[0] > 0 and 0 in arr.shape[1:]:
        raise ValueError(
            f"{name} has shape {arr.shape}: {arr.shape[0]} sample(s) but no feature columns; "
            f"it needs at least one feature."
        )
    if arr.dtype.kind not in "biuf" + "OUSVMm":  # numbers, or objects, text and times to convert
        raise TypeError(f"{name} must hold real numbers, but it has dtype {arr.dtype}.")
    try:
        with np.errstate(over="raise"):  # a finite number beyond the dtype's range
            arr = arr.astype(dtype, copy=False)
    except (TypeError, ValueError):
        position, sample = _first_non_number(arr)
        raise TypeError(
            f"{name} must hold numbers, but it has dtype {arr.dtype} and the entry at "
            f"{position} is {sample!r}. Encode text columns as numbers first."
        ) from None
    except (OverflowError, FloatingPointError):
        position, sample = _first_non_number(arr, float(np.finfo(dtype).max))
        raise ValueError(
            f"{name} must hold numbers a {np.dtype(dtype).name} can take (up to about "
            f"{np.finfo(dtype).max:.3g}), but the entry at {position} is {shown(sample)}. "
            f"Scale that column down, e.g. by a power of ten, first."
        ) from None
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one sample.")
    if not _all_finite(arr):
        raise ValueError(_describe_nonfinite(arr, name))
    return arr


def _all_finite(arr: np.ndarray) -> bool:
    """Whether every entry is finite, without a boolean copy of a large array.

    A NaN or inf anywhere makes the sum non-finite, so a finite sum settles it in
    one pass; only a non-finite sum (which a huge finite value can also give)
    needs min and max, which propagate NaN and show an inf.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        if np.isfinite(np.add.reduce(arr, axis=None)):
            return True
        return bool(np.isfinite(arr.min()) and np.isfinite(arr.max()))


def check_X(X: Any, n_features: int, dtype: np.dtype, first_layer: str) -> np.ndarray:
    """Return X as a (n_samples, n_features) array of ``dtype``.

    ``first_layer`` names the layer that reads X, for the error message.
    """
    X = as_array(X, "X", dtype)
    if X.ndim == 1 and n_features == 1:
        X = X.reshape(-1, 1)
    if X.ndim == 1:
        raise ValueError(
            f"X must be 2-D (n_samples, n_features), but got a 1-D array of shape "
            f"{X.shape}. For one sample use X.reshape(1, -1); for one feature, "
            f"X.reshape(-1, 1)."
        )
    if X.ndim != 2:
        raise ValueError(
            f"X must be 2-D (n_samples, n_features), but got {X.ndim}-D with shape {X.shape}."
        )
    if X.shape[1] != n_features:
        raise ValueError(
            f"{first_layer} expects {n_features} input feature(s) but X has {X.shape[1]} "
            f"column(s) (X.shape={X.shape}). Check that X has one row per sample and one "
            f"column per feature."
        )
    return X


def check_y(
    y: Any, n_samples: int, n_outputs: int, dtype: np.dtype, labels_allowed: bool
) -> np.ndarray:
    """Return y as (n_samples, n_outputs) of ``dtype``.

    A 1-D ``y`` is a column when the network has one output; when
    ``labels_allowed`` (cross-entropy losses) and it has several, 1-D integer
    class labels are one-hot encoded.
    """
    raw = _ndarray(y, "y")
    if raw.ndim == 1 and n_outputs > 1 and labels_allowed:
        labels = as_array(raw, "y", np.float64)
        bad = labels[(labels != np.round(labels)) | (labels < 0)]
        if bad.size:
            raise ValueError(
                f"y is 1-D, so it is read as class labels 0..{n_outputs - 1}, but it holds "
                f"{float(bad[0]):g}, which is not a non-negative integer."
            )
        if labels.max() >= n_outputs:
            raise ValueError(
                f"y holds class label {int(labels.max())}, but the network has only "
                f"{n_outputs} outputs (labels 0..{n_outputs - 1}). Give the last layer one "
                f"unit per class."
            )
        arr = np.zeros((labels.shape[0], n_outputs), dtype=dtype)
        arr[np.arange(labels.shape[0]), labels.astype(np.intp)] = 1
    else:
        arr = as_array(raw, "y", dtype)
        if arr.ndim == 1 and n_outputs == 1:
            arr = arr.reshape(-1, 1)
        if arr.ndim == 1:
            raise ValueError(
                f"y is 1-D with shape {arr.shape} but the network has {n_outputs} "
                f"outputs; give y as (n_samples, {n_outputs}). If y holds class labels "
                f"0..{n_outputs - 1}, train with loss='categorical_crossentropy', which "
                f"one-hot encodes them."
            )
        if arr.ndim != 2:
            raise ValueError(f"y must be 1-D or 2-D, but got shape {arr.shape}.")
        if arr.shape[1] != n_outputs:
            hint = (
                " If that column holds class labels, pass it 1-D (y.ravel()) with a "
                "cross-entropy loss."
                if arr.shape[1] == 1 and labels_allowed
                else ""
            )
            raise ValueError(
                f"y has {arr.shape[1]} column(s) (y.shape={arr.shape}) but the network's "
                f"last layer has {n_outputs} output unit(s).{hint}"
            )
    if arr.shape[0] != n_samples:
        raise ValueError(
            f"X has {n_samples} samples (rows) but y has {arr.shape[0]}; they must match."
        )
    return arr


def target_range_warning(y: np.ndarray, activation: Any) -> str | None:
    """A sentence when targets y lie outside the values the output activation can
    take (a sigmoid output asked for prices): training then cannot reach them."""
    low, high = getattr(activation, "output_range", (-np.inf, np.inf))
    y_min, y_max = float(np.min(y)), float(np.max(y))
    if low <= y_min and y_max <= high:
        return None
    name = getattr(activation, "name", type(activation).__name__)
    return (
        f"y spans [{y_min:.4g}, {y_max:.4g}], but the output layer's {name} only takes "
        f"values in [{low:g}, {high:g}]: the network cannot reach targets outside it. Use "
        f"activation=\"linear\" on the last layer for regression, or scale y into that range."
    )


def check_range(
    value: Any,
    name: str,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
    whole: bool = False,
    allow_none: bool = False,
    noun: str | None = None,
) -> Any:
    """The one range check: ``value`` as an int (``whole``) or a finite float, between
    ``low`` and ``high`` (closed ends unless ``low_open`` / ``high_open``; an infinite
    end is no bound), or a ValueError that says so: "epochs must be a positive
    integer, but got 0.".

    >>> check_range(0.25, "validation_split", 0, 1, high_open=True, noun="a fraction")
    0.25
    """
    if value is None and allow_none:
        return None
    kind = numbers.Integral if whole else numbers.Real
    ok = isinstance(value, kind) and not isinstance(value, bool)
    try:
        ok = ok and (whole or math.isfinite(value))
    except OverflowError:  # an integer too large for a float
        ok = False
    if ok:
        ok = (value > low if low_open else value >= low) and (
            value < high if high_open else value <= high
        )
    if not ok:
        raise ValueError(
            f"{name} must be {_describe_range(low, high, low_open, high_open, whole, noun)}, "
            f"but got {shown(value)}."
        )
    return int(value) if whole else float(value)


def _describe_range(low, high, low_open, high_open, whole, noun) -> str:
    if whole and low == 1 and high == math.inf and not low_open:
        return "a positive integer"
    if not whole and low == 0 and low_open and high == math.inf:
        return "a positive finite number"
    noun = noun or ("a whole number" if whole else "a finite number")
    if math.isfinite(low) and math.isfinite(high):
        return f"{noun} in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if math.isfinite(low):
        return f"{noun} {'>' if low_open else '>='} {low:g}"
    return noun if high == math.inf else f"{noun} {'<' if high_open else '<='} {high:g}"


def check_choice(value: Any, name: str, choices: tuple) -> Any:
    """``value`` if it is one of ``choices``, else "mode must be 'min' or 'max', but got …"."""
    if isinstance(value, bool) or value not in choices:
        listed = [repr(c) for c in choices]
        options = listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} or {listed[-1]}"
        raise ValueError(f"{name} must be {options}, but got {value!r}.")
    return value


@overload
def check_positive_int(value: Any, name: str, allow_none: Literal[False] = ...) -> int: ...
@overload
def check_positive_int(value: Any, name: str, allow_none: bool) -> int | None: ...
def check_positive_int(value: Any, name: str, allow_none: bool = False) -> int | None:
    """A whole number >= 1 (or None when ``allow_none``)."""
    return check_range(value, name, 1, whole=True, allow_none=allow_none)


def check_positive_float(value: Any, name: str) -> float:
    """A finite number > 0."""
    return check_range(value, name, 0, low_open=True)


def check_weight_pair(
    pair: Any, i: int, layer: Any, dtype: np.dtype
) -> tuple[np.ndarray, np.ndarray | None]:
    """``(W, b)`` for Dense layer ``i`` as arrays of ``dtype``, shapes checked.

    ``b`` may be (n_units,) or the tutorials' (1, n_units), and must be None
    exactly when the layer has no bias.
    """
    if not isinstance(pair, (list, tuple)) or len(pair) not in (1, 2):
        raise ValueError(f"Entry {i} of set_weights must be a (W, b) pair, got {pair!r}.")
    W = as_array(pair[0], f"W of layer {i}", dtype)
    b = pair[1] if len(pair) == 2 else None
    if W.shape != (layer.n_inputs, layer.n_units):
        raise ValueError(
            f"W of layer {i} ({layer!r}) must have shape {(layer.n_inputs, layer.n_units)}, "
            f"but the given array has shape {W.shape}."
        )
    if b is None:
        if layer.use_bias:
            raise ValueError(f"Layer {i} ({layer!r}) has a bias, but None was given for it.")
        return W, None
    if not layer.use_bias:
        raise ValueError(f"Layer {i} ({layer!r}) has no bias, but a bias was given.")
    b = as_array(b, f"b of layer {i}", dtype)
    if b.shape not in ((layer.n_units,), (1, layer.n_units)):
        raise ValueError(
            f"b of layer {i} ({layer!r}) must have shape ({layer.n_units},) or "
            f"(1, {layer.n_units}), but the given array has shape {b.shape}."
        )
    return W, b.reshape(-1)


def check_real(value: Any, name: str, low: float = -np.inf, high: float = np.inf, *,
               low_open: bool = False, high_open: bool = False) -> float:
    """``value`` as a float, refused unless it is a finite real number in the range
    (``low_open``/``high_open`` exclude an end), by :func:`check_range`: the check of
    every numeric hyper-parameter, in constructors and when a model file is loaded.

    >>> check_real(0.9, "beta1", 0, 1, high_open=True)
    0.9
    """
    return check_range(value, name, low, high, low_open=low_open, high_open=high_open)


def shown(value: Any, limit: int = 40) -> str:
    """``repr(value)`` cut to ``limit`` characters; an integer too long to print (Python
    refuses more than 4300 digits) is shown by its size."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    try:
        text = repr(value)
    except ValueError:  # a list holding such an integer
        text = f"<a {type(value).__name__}>"
    return text if len(text) <= limit else f"{type(value).__name__} {text[: limit - 10]}…"


#: the built-in output activations (the pairing rules below judge only these)
_KNOWN_OUTPUTS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus",
                  "softmax")


def loss_output_problem(loss_name: str, activation: Any, n_outputs: int) -> str | None:
    """A sentence when ``loss_name`` cannot train an output layer of ``n_outputs`` units
    with ``activation`` (a mistake that would otherwise run and give degenerate
    predictions), saying what to change; None when the pair makes sense.

    >>> loss_output_problem("categorical_crossentropy", None, 1) is None
    True
    """
    name = getattr(activation, "name", None)
    if name not in _KNOWN_OUTPUTS:  # a custom activation or layer: its author knows
        return None
    if loss_name == "categorical_crossentropy" and n_outputs == 1:
        return (
            f"loss='categorical_crossentropy' needs one output per class, but the last layer "
            f"has a single {name} output, so every prediction would drift to one class. For "
            f"two classes use loss='binary_crossentropy' with one sigmoid output; for k "
            f"classes, a last layer of k units with activation='softmax'."
        )
    if loss_name == "categorical_crossentropy" and name != "softmax":
        return (
            f"loss='categorical_crossentropy' needs outputs that are a probability "
            f"distribution over the classes, but the last layer's {n_outputs} {name} outputs "
            f"do not sum to 1. Use activation='softmax' on the last layer (one class per "
            f"row), or loss='binary_crossentropy' with sigmoid outputs (several labels per row)."
        )
    low, high = getattr(activation, "output_range", (-np.inf, np.inf))
    if loss_name == "binary_crossentropy" and not (0 <= low and high <= 1):
        return (
            f"loss='binary_crossentropy' needs outputs that are probabilities in (0, 1), but "
            f"the last layer's {name} gives values in [{low:g}, {high:g}]. Use "
            f"activation='sigmoid' on the last layer, or a regression loss such as 'mse'."
        )
    return None
