"""What the layers on N-D data share: named parameters of any shape, the
per-sample shapes through a network, and the checks where such data enters.

A :class:`~glassnet.Dense` network reads (n_samples, n_features) rows. A
network that starts with (or contains) a :class:`~glassnet.Conv2D`,
:class:`~glassnet.MaxPool2D`, :class:`~glassnet.Flatten`, :class:`~glassnet.RNN`
or :class:`~glassnet.LSTM` reads arrays of any rank, (N, C, H, W) images or
(N, T, D) sequences, so the sizes it meets are known only when data arrives.
:func:`propagate` walks one sample's shape through the layers, each layer's
``output_shape(shape)`` turning the shape it receives into the shape it gives
(and refusing, in a sentence, a shape it cannot take), so a ``Flatten`` that
feeds a ``Dense`` of the wrong width is caught before the first forward pass
with both sizes named::

    (1, 8, 8) → Conv2D(1, 4, 3, padding=1) → (4, 8, 8) → MaxPool2D(2) → (4, 4, 4)
              → Flatten() → (64,) → Dense(64, 10) → (10,)
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.layers import Dropout, Layer, assign_parameter
from glassnet.validation import as_array


def as_pair(value: Any, name: str, minimum: int = 1) -> tuple[int, int]:
    """``3`` → (3, 3); ``(3, 2)`` → (3, 2); refuses anything else in a sentence."""
    pair = (value, value) if isinstance(value, numbers.Integral) else value
    if (
        not isinstance(pair, (tuple, list))
        or len(pair) != 2
        or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in pair)
        or min(pair) < minimum
    ):
        raise ValueError(
            f"{name} must be an integer ≥ {minimum} or a pair of them (height, width), but "
            f"got {value!r}."
        )
    return int(pair[0]), int(pair[1])


def show(shape: tuple[int, ...], batch: str = "N") -> str:
    """(8, 8) → '(N, 8, 8)': a shape as the user's array has it, batch axis first."""
    return "(" + ", ".join([batch, *(str(s) for s in shape)]) + ")"


# -- parameters by name ----------------------------------------------------------
class Param:
    """``layer.W``: a view into the network's flat buffer; ``layer.W = new`` copies
    into it after checking the shape (and finiteness)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, layer: Any, owner: type | None = None) -> Any:
        return self if layer is None else layer.parameters.get(self.name)

    def __set__(self, layer: Any, value: Any) -> None:
        layer.assign(self.name, value)


class Grad:
    """``layer.dW``: the gradient view dL/dW that ``backward`` fills (read only)."""

    def __init__(self, param: str) -> None:
        self.param = param

    def __get__(self, layer: Any, owner: type | None = None) -> Any:
        return self if layer is None else layer.gradients.get(self.param)


class ParamLayer(Layer):
    """A layer whose parameters are named arrays of any shape (``param_shapes``),
    bound as views into the network's flat parameter and gradient buffers."""

    def __init__(self) -> None:
        self.parameters: dict[str, np.ndarray] = {}
        self.gradients: dict[str, np.ndarray] = {}

    def bind(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        self.parameters, self.gradients = dict(params), dict(grads)

    @property
    def n_params(self) -> int:
        return sum(int(np.prod(s)) for s in self.param_shapes().values())

    def assign(self, name: str, value: Any) -> None:
        """Copy ``value`` into parameter ``name``, its shape and values checked first."""
        shape = self.param_shapes().get(name)
        if shape is None:
            if value is None:
                return
            raise ValueError(f"{self!r} has no parameter {name} (use_bias=False?).")
        assign_parameter(self, name, self.parameters.get(name), value, shape)


# -- shapes through a network ------------------------------------------------------
def is_shaped(layers: Sequence[Layer]) -> bool:
    """Whether any layer reads or gives N-D samples (then shapes are checked here)."""
    return any(hasattr(layer, "output_shape") for layer in layers)


def layer_output_shape(layer: Layer, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The per-sample shape ``layer`` gives for input samples of ``shape``."""
    if hasattr(layer, "output_shape"):
        return tuple(layer.output_shape(tuple(shape)))
    size = int(np.prod(shape))
    if isinstance(layer, Dropout):
        if layer.n_units is None:
            layer.build(size)  # after a Flatten, the width is known only now
        return tuple(shape)
    if len(shape) != 1 or shape[0] != layer.n_inputs:
        hint = (
            f"; put a gn.Flatten() before it, or give it n_inputs={size}"
            if len(shape) > 1 else f"; give it n_inputs={size}"
        )
        raise ValueError(
            f"{layer!r} expects {layer.n_inputs} input feature(s) per sample, but the data "
            f"reaching it has shape {show(shape)}, {size} per sample{hint}."
        )
    return (layer.n_units,)


def propagate(layers: Sequence[Layer], sample_shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Each layer's output shape for one sample of ``sample_shape`` (batch axis left out)."""
    shapes, shape = [], tuple(sample_shape)
    for i, layer in enumerate(layers, start=1):
        try:
            shape = layer_output_shape(layer, shape)
        except ValueError as exc:
            came = "X" if i == 1 else f"layer {i - 1} ({layers[i - 2]!r})"
            raise ValueError(f"Layer {i}: {exc} (The shape comes from {came}.)") from None
        shapes.append(shape)
    return shapes


def widest_and_output(
    layers: Sequence[Layer], sample_shape: tuple[int, ...]
) -> tuple[int, tuple[int, ...]]:
    """The most numbers one sample becomes in any layer, and the last layer's output
    shape per sample, for samples of ``sample_shape`` (what predict's chunks are sized by)."""
    shapes = propagate(layers, sample_shape)
    return max(int(np.prod(s)) for s in shapes), shapes[-1]


def input_rank(layer: Layer) -> int | None:
    """The number of axes of one sample the first layer reads (None: any)."""
    return getattr(layer, "sample_rank", 1)


def check_input(
    X: Any, layers: Sequence[Layer], dtype: np.dtype
) -> tuple[np.ndarray, tuple[int, ...]]:
    """X as an array of ``dtype`` whose samples the layers can take, or a sentence; and
    the shape of one sample of the last layer's output."""
    X = as_array(X, "X", dtype)
    rank = input_rank(layers[0])
    if X.ndim < 2 or (rank is not None and X.ndim != rank + 1):
        wanted = getattr(layers[0], "input_layout", None) or (
            "(N, ...), samples on the first axis" if rank is None else f"{rank + 1}-D"
        )
        raise ValueError(
            f"Layer 1 ({layers[0]!r}) expects X shaped {wanted}, but X has shape {X.shape}."
        )
    return X, propagate(layers, X.shape[1:])[-1]


def check_targets(y: Any, n_samples: int, out_shape: tuple[int, ...], dtype: np.dtype,
                  loss: Any) -> np.ndarray:
    """y for a network whose output samples are N-D (``out_shape``): the same shape."""
    if loss.accepts_labels:
        raise ValueError(
            f"The network's output is {show(out_shape)} per batch, which the {loss.name} loss "
            f"cannot score (it compares class rows). Use a regression loss such as 'mse', or "
            f"end the network with gn.Flatten() and a gn.Dense layer of one unit per class."
        )
    y = as_array(y, "y", dtype)
    if y.shape != (n_samples, *out_shape):
        raise ValueError(
            f"y must have the network's output shape {(n_samples, *out_shape)} (one target per "
            f"output cell), but has shape {y.shape}."
        )
    return y
