"""Activation functions a = f(z), each with its derivative.

Every activation maps a layer's pre-activation ``z`` (n_samples, n_units) to its
activation ``a`` of the same shape. ``derivative(z, a)`` is its slope f'(z),
elementwise, computed from the output ``a`` where that is cheaper, as the
tutorials do (``a * (1 - a)`` for the sigmoid is their
``derivatives_sigmoid(output)``). It is the only place each slope is written:
:meth:`Activation.backward`, what training runs, multiplies by it,

    dL/dz = dL/da ⊙ f'(z)                (elementwise activations)

and the trace shows the same call's result. Softmax is not elementwise: its
:meth:`~Softmax.backward` is the Jacobian-vector product instead.

``forward``, ``derivative`` and ``backward`` take an optional ``out`` array to
write into (a layer passes buffers it reuses from batch to batch); with
``out=None`` they return a fresh array. It is the same code either way: NumPy's
ufuncs accept ``out=None``. They keep the dtype of their inputs (float32 stays
float32). A custom activation may define them without ``out``: the base class
then lets them take it and ignore it (they return fresh arrays), so a caller may
always pass one.

All of them are numerically stable: inputs of ±1e4 or ±1e300 give finite
results with no NumPy warning.

>>> import numpy as np
>>> a = Sigmoid().forward(np.array([[0.0, 1e4, -1e4]]))
>>> a.round(6), bool(np.isfinite(a).all())
(array([[0.5, 1. , 0. ]]), True)
>>> Sigmoid().derivative(None, np.array([[0.5, 1.0]]))
array([[0.25, 0.  ]])
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet.registry import resolve
from glassnet.validation import check_real


def accepting_out(method: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    """``method`` itself if it accepts ``out=``, else a wrapper that accepts and ignores it.

    The built-in activations' methods accept it; a custom subclass written as plain
    ``forward(z)`` or ``derivative(z, a)`` still works, it just returns fresh arrays.
    """
    with contextlib.suppress(TypeError, ValueError):  # no signature to read: wrap it
        if "out" in inspect.signature(method).parameters:
            return method

    @functools.wraps(method)
    def ignoring_out(*args: Any, out: np.ndarray | None = None) -> np.ndarray:
        return method(*args)

    return ignoring_out


class Activation:
    """Base class: ``forward(z)``, ``derivative(z, a)``, ``backward(grad_a, z, a)``."""

    name = "activation"
    elementwise = True
    #: whether ``forward(z, out=z)`` may write a over z (glassnet's own activations;
    #: predict uses it): False for a custom class that defines its own ``forward``
    overwrites_z = True
    #: the closed interval the outputs a lie in (fit warns about targets outside it)
    output_range = (-math.inf, math.inf)

    def forward(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """a = f(z), written into ``out`` when given."""
        raise NotImplementedError

    def derivative(
        self, z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None
    ) -> np.ndarray:
        """The slope f'(z), elementwise, shaped like ``z``, written into ``out`` when given."""
        raise NotImplementedError

    def backward(
        self, grad_a: np.ndarray, z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None
    ) -> np.ndarray:
        """dL/dz = dL/da ⊙ f'(z): :meth:`derivative` times ``grad_a``, in ``out`` when given."""
        slope = self.derivative(z, a, out=out)
        if slope is out:  # the slope is already in the buffer: multiply in place
            slope *= grad_a
            return slope
        return np.multiply(grad_a, slope, out=out)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.overwrites_z = cls.forward.__module__ == __name__  # forward is glassnet's own
        # a custom class's methods written without out= take it too (and ignore it)
        for name in ("forward", "derivative", "backward"):
            if name in vars(cls):
                setattr(cls, name, accepting_out(vars(cls)[name]))

    def get_config(self) -> dict[str, Any]:
        return {}

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.forward(z)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Linear(Activation):
    """a = z;  f'(z) = 1."""

    name = "linear"

    def forward(self, z, out=None):
        return z  # a is z itself: nothing to compute, nothing to copy

    def derivative(self, z, a, out=None):
        if out is None:
            return np.ones_like(z)
        out.fill(1.0)
        return out


class Sigmoid(Activation):
    """a = 1 / (1 + e^(-z));  f'(z) = a (1 − a).

    Computed as written, the tutorials' own formula, with −z first capped at
    the largest exponent the dtype can take (709 in float64, 88 in float32):
    below z ≈ −709, a is 0 to within the smallest normal number anyway, and
    ``exp`` never overflows.
    """

    name = "sigmoid"
    output_range = (0.0, 1.0)

    def forward(self, z, out=None):
        a = np.negative(z, out=out)
        np.minimum(a, 709.0 if a.itemsize == 8 else 88.0, out=a)  # float64 / float32
        np.exp(a, out=a)
        a += 1.0
        np.reciprocal(a, out=a)
        return a

    def derivative(self, z, a, out=None):
        slope = np.subtract(1.0, a, out=out)  # a (1 − a), the tutorials' derivatives_sigmoid
        slope *= a
        return slope


class Tanh(Activation):
    """a = tanh(z);  f'(z) = 1 − a²."""

    name = "tanh"
    output_range = (-1.0, 1.0)

    def forward(self, z, out=None):
        return np.tanh(z, out=out)

    def derivative(self, z, a, out=None):
        slope = np.multiply(a, a, out=out)
        return np.subtract(1.0, slope, out=slope)


class ReLU(Activation):
    """a = max(z, 0);  f'(z) = 1 if z > 0 else 0."""

    name = "relu"
    output_range = (0.0, math.inf)

    def forward(self, z, out=None):
        # max(z, 0) as clip(z, 0, ∞): the same numbers, and NumPy's clip loop is
        # vectorised where maximum's NaN-aware loop is not (about 2× faster)
        return np.clip(z, 0.0, np.inf, out=out)

    def derivative(self, z, a, out=None):
        # the mask z > 0 as 1.0 / 0.0 in z's dtype
        return np.greater(z, 0, out=out) if out is not None else (z > 0).astype(z.dtype)


class LeakyReLU(Activation):
    """a = z if z > 0 else α z;  f'(z) = 1 if z > 0 else α."""

    name = "leaky_relu"

    def __init__(self, alpha: float = 0.01):
        self.alpha = check_real(alpha, "leaky_relu alpha (the slope below 0)", 0, 1)

    def forward(self, z, out=None):
        return np.where(z > 0, z, self.alpha * z)

    def derivative(self, z, a, out=None):
        return np.where(z > 0, 1, self.alpha).astype(z.dtype)

    def get_config(self):
        return {"alpha": self.alpha}


class ELU(Activation):
    """a = z if z > 0 else α (e^z − 1);  f'(z) = 1 if z > 0 else a + α."""

    name = "elu"

    def __init__(self, alpha: float = 1.0):
        self.alpha = check_real(alpha, "elu alpha (the limit −α below 0)", 0, 10)

    @property
    def output_range(self):
        return (-self.alpha, math.inf) if self.alpha >= 0 else (-math.inf, math.inf)

    def forward(self, z, out=None):
        # min(z, 0) keeps expm1 from overflowing on large positive z.
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0)))

    def derivative(self, z, a, out=None):
        return np.where(z > 0, 1, a + self.alpha).astype(z.dtype)

    def get_config(self):
        return {"alpha": self.alpha}


class Softplus(Activation):
    """a = log(1 + e^z);  f'(z) = 1 / (1 + e^(−z)), the sigmoid of z."""

    name = "softplus"
    output_range = (0.0, math.inf)

    def forward(self, z, out=None):
        return np.logaddexp(0, z, out=out)

    def derivative(self, z, a, out=None):
        return Sigmoid().forward(z)


class Softmax(Activation):
    """a_j = e^(z_j) / Σ_k e^(z_k), over each row.

    Its derivative is a Jacobian, not elementwise: for one row,
    dL/dz = a ⊙ (g − (g · a)) with g = dL/da. Shifting z by its row maximum
    before ``exp`` changes nothing mathematically and prevents overflow.
    """

    name = "softmax"
    output_range = (0.0, 1.0)
    elementwise = False

    def forward(self, z, out=None):
        # the ufuncs' own reduce methods: row max and row sum without .max()'s Python wrapper
        e = np.subtract(z, np.maximum.reduce(z, axis=1, keepdims=True), out=out)
        np.exp(e, out=e)
        e /= np.add.reduce(e, axis=1, keepdims=True)
        return e

    def derivative(self, z, a, out=None):
        raise ValueError(
            "softmax has no elementwise derivative: each output depends on every input "
            "of its row. Use Softmax.backward(grad_a, z, a) for the Jacobian-vector product."
        )

    def backward(self, grad_a, z, a, out=None):
        return np.multiply(a, grad_a - (grad_a * a).sum(axis=1, keepdims=True), out=out)


ACTIVATIONS: dict[str, type[Activation]] = {
    cls.name: cls for cls in (Linear, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Softplus, Softmax)
}


def get(spec: str | Activation) -> Activation:
    """An activation from its name (``"relu"``) or an :class:`Activation` instance."""
    return resolve(ACTIVATIONS, spec, "activation", Activation)
