"""Layers: ``forward(x)`` keeps what ``backward`` needs; ``backward(grad)`` fills the
parameter gradients and returns the gradient for the layer's input.

A :class:`Dense` layer is the tutorials' whole story for one layer::

    z = x W + b          x: (n_samples, n_inputs)  W: (n_inputs, n_units)  b: (n_units,)
    a = f(z)             the activation; a and z: (n_samples, n_units)

    δ  = dL/dz = dL/da ⊙ f'(z)        (the tutorial's d_output / d_hiddenlayer, up to sign)
    dW = xᵀ δ                         db = Σ_samples δ = 1ᵀ δ
    dL/dx = δ Wᵀ                      (the tutorial's Error_at_hidden_layer, up to sign)

The parameters live in views into one flat buffer owned by the
:class:`~glassnet.Network`, so that an optimizer updates every weight in one
call; assigning ``layer.W = new`` copies into that view (shape checked).

z, a, δ and dL/dx are written into work arrays the layer keeps and reuses while
the number of rows stays the same (a new batch size makes new ones), so a
training step allocates nothing large. ``layer.z``, ``layer.a``, ``layer.delta``
... therefore hold the *last* pass: copy them to keep them past the next one.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from glassnet import activations, initializers
from glassnet.validation import check_positive_int, check_range


def assign_parameter(layer: object, name: str, target: np.ndarray | None, value: Any,
                     shape: tuple[int, ...]) -> None:
    """Copy ``value`` into the parameter view ``target`` (``layer.W = …``): the shape
    must be ``shape`` and every number finite, or nothing is written."""
    if target is None:
        raise ValueError(f"{layer!r} is not part of a Network yet, so it has no {name} to set.")
    value = np.asarray(value)
    if value.shape != shape:
        raise ValueError(
            f"{name} of {layer!r} must have shape {shape}, but the given array has shape "
            f"{value.shape}."
        )
    if not np.isfinite(value).all():
        raise ValueError(f"{name} of {layer!r} must be finite, but the given array has NaN/inf.")
    target[...] = value

class Layer:
    """Base class. A layer may own parameters (``param_shapes``) or none."""

    #: widths: features in, units out (None until ``build`` on the layers that take
    #: theirs from the layer before, Dropout and the N-D pooling layers)
    n_inputs: int
    n_units: int
    #: set when a Network adopts the layer (a layer belongs to one network)
    in_network: bool = False
    #: reads any width, known only when data comes (MaxPool2D, Flatten): may come first
    any_width: bool = False

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """Name → shape of each parameter, in storage order."""
        return {}

    def bind(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Adopt views into the network's flat parameter and gradient buffers."""

    def initialize(self, rng: np.random.Generator) -> None:
        """Fill the bound parameters with initial values drawn from ``rng``."""
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_out: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        raise NotImplementedError

    def infer(
        self, x: np.ndarray, keep_z: bool = False, out: np.ndarray | None = None
    ) -> tuple[np.ndarray | None, np.ndarray]:
        """(z, a) for predict, keeping nothing on the layer, so threads may predict at once
        (z None unless keep_z). By default forward on a shallow copy (Conv2D, LSTM…)."""
        clone = copy.copy(self)
        a = clone.forward(x)
        return (getattr(clone, "z", None) if keep_z else None), a

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError


class Dense(Layer):
    """A fully connected layer: a = f(x W + b).

    Parameters
    ----------
    n_inputs : number of features coming in (columns of x).
    n_units : number of neurons (columns of a).
    activation : a name from :data:`glassnet.activations.ACTIVATIONS` or an object.
    use_bias : whether the layer has a bias b (the 2020 walk-through and James
        Loy's network have none).
    init : a name from :data:`glassnet.initializers.INITIALIZERS` or an object.

    Examples
    --------
    >>> import glassnet as gn
    >>> net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=0)
    >>> net.layers[0].W.shape, net.layers[0].b.shape
    ((4, 3), (3,))
    """

    def __init__(
        self,
        n_inputs: int,
        n_units: int,
        activation: str | activations.Activation = "sigmoid",
        use_bias: bool = True,
        init: str | initializers.Initializer = "uniform",
    ):
        self.n_inputs = check_positive_int(n_inputs, "n_inputs")
        self.n_units = check_positive_int(n_units, "n_units")
        self.activation = activations.get(activation)
        if self.activation.name == "softmax" and self.n_units == 1:
            raise ValueError("A softmax over one unit always outputs 1. For two classes use "
                             "Dense(..., 1, activation='sigmoid') and binary_crossentropy.")
        self.use_bias = bool(use_bias)
        self.init = initializers.get(init)
        self._W: np.ndarray | None = None
        self._b: np.ndarray | None = None
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None
        # What forward keeps for backward (and for anyone who wants to look).
        self.x: np.ndarray | None = None
        self.z: np.ndarray | None = None
        self.a: np.ndarray | None = None
        # What backward saw: dL/da coming in and δ = dL/dz (read by the trace).
        self.grad_a: np.ndarray | None = None
        self.delta: np.ndarray | None = None
        self._work: dict[str, tuple[np.ndarray, ...]] = {}

    # -- parameters ---------------------------------------------------------
    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        shapes: dict[str, tuple[int, ...]] = {"W": (self.n_inputs, self.n_units)}
        if self.use_bias:
            shapes["b"] = (self.n_units,)
        return shapes

    def bind(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        self._W, self.dW = params["W"], grads["W"]
        self._b, self.db = params.get("b"), grads.get("b")

    def initialize(self, rng: np.random.Generator) -> None:
        W = self.W
        W[...] = self.init.weights(rng, self.n_inputs, self.n_units, W.dtype)
        if self._b is not None:
            self._b[...] = self.init.bias(rng, self.n_units, W.dtype)

    @property
    def W(self) -> np.ndarray:
        """Weights, (n_inputs, n_units): column j holds the weights into unit j."""
        if self._W is None:
            raise ValueError(f"{self} is not part of a Network yet, so it has no weights.")
        return self._W

    @W.setter
    def W(self, value: Any) -> None:
        assign_parameter(self, "W", self._W, value, (self.n_inputs, self.n_units))

    @property
    def b(self) -> np.ndarray | None:
        """Biases, (n_units,), or None when ``use_bias=False``."""
        return self._b

    @b.setter
    def b(self, value: Any) -> None:
        if not self.use_bias:
            if value is None:
                return
            raise ValueError(f"{self} has use_bias=False, so it cannot take a bias.")
        value = np.asarray(value)
        if value.shape == (1, self.n_units):  # the tutorials' (1, n_units) row
            value = value.reshape(-1)
        assign_parameter(self, "b", self._b, value, (self.n_units,))

    # -- math ---------------------------------------------------------------
    def work_arrays(self, kind: str, n_rows: int) -> tuple[np.ndarray, ...]:
        """The arrays a pass of ``n_rows`` rows writes into: ``"forward"`` gives (z, a),
        ``"backward"`` gives (δ, dL/dx), and ``"ones"`` gives (1,), the vector of n_rows
        ones for db = 1ᵀ δ.

        Made on first use and again only when the batch size changes, so every
        batch of a fit writes into the same memory.
        """
        arrays = self._work.get(kind)
        if arrays is None or arrays[0].shape[0] != n_rows:
            dtype = self.W.dtype
            if kind == "ones":
                arrays = (np.ones(n_rows, dtype=dtype),)
            else:
                widths = (self.n_units, self.n_units if kind == "forward" else self.n_inputs)
                arrays = tuple(np.empty((n_rows, width), dtype=dtype) for width in widths)
            self._work[kind] = arrays
        return arrays

    def __getstate__(self) -> dict[str, Any]:
        # work arrays are scratch: a pickle (or a copy) starts without them
        return {**self.__dict__, "_work": {}}

    def pre_activation(self, x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """z = x W + b, written into ``out`` when given."""
        W = self._W if self._W is not None else self.W  # (self.W refuses: not in a network)
        z = np.dot(x, W, out=out)
        if self._b is not None:
            z += self._b
        return z

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """z = x W + b;  a = f(z)."""
        z_out, a_out = self.work_arrays("forward", x.shape[0])
        z = self.pre_activation(x, out=z_out)
        self.x, self.z = x, z
        self.a = self.activation.forward(z, out=a_out)
        return self.a

    def infer(
        self, x: np.ndarray, keep_z: bool = False, out: np.ndarray | None = None
    ) -> tuple[np.ndarray | None, np.ndarray]:
        """z = x W + b, a = f(z) into ``out`` or new arrays; glassnet's f writes a over z."""
        z = self.pre_activation(x, out=out)
        out = z if self.activation.overwrites_z and not keep_z else None
        return (z if keep_z else None), self.activation.forward(z, out=out)

    def backward(self, grad_out: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """From dL/da: δ = dL/da ⊙ f'(z), then :meth:`backward_delta`."""
        z, a = self.z, self.a
        if z is None or a is None:
            raise ValueError(f"{self!r} has no forward pass to go back through; call forward.")
        self.grad_a = grad_out
        out = self.work_arrays("backward", grad_out.shape[0])[0]
        delta = self.activation.backward(grad_out, z, a, out=out)
        return self.backward_delta(delta, need_input_grad)

    def backward_delta(self, delta: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """From δ = dL/dz: dW = xᵀ δ, db = 1ᵀ δ; returns dL/dx = δ Wᵀ."""
        x, W, dW = self.x, self._W, self.dW
        if x is None or W is None or dW is None:
            raise ValueError(f"{self!r} has no forward pass to go back through; call forward.")
        self.delta = delta
        n_rows = delta.shape[0]
        np.dot(x.T, delta, out=dW)
        if self.db is not None:
            # Σ over the samples as a product with a ones vector: BLAS does it in
            # one pass, 1.5–2.5× faster than np.add.reduce(δ, axis=0)
            np.dot(self.work_arrays("ones", n_rows)[0], delta, out=self.db)
        if not need_input_grad:
            return None
        return np.dot(delta, W.T, out=self.work_arrays("backward", n_rows)[1])

    def get_config(self) -> dict[str, Any]:
        return {
            "type": "Dense",
            "n_inputs": self.n_inputs,
            "n_units": self.n_units,
            "activation": self.activation.name,
            "activation_config": self.activation.get_config(),
            "use_bias": self.use_bias,
            "init": self.init.name,
        }

    def __repr__(self) -> str:
        bias = "" if self.use_bias else ", use_bias=False"
        return f"Dense({self.n_inputs}, {self.n_units}, activation={self.activation.name!r}{bias})"


class Dropout(Layer):
    """Inverted dropout: while training, zero each input with probability ``rate``
    and scale the survivors by 1/(1 − rate), so that the expected activation is
    unchanged and ``predict`` can use the layer as the identity::

        training:   a = x ⊙ m / (1 − p),   m_ij ~ Bernoulli(1 − p), drawn every batch
        predict:    a = x
        backward:   dL/dx = dL/da ⊙ m / (1 − p)

    The masks come from the network's random generator (the layer keeps a
    reference to ``net.rng``; reseed it in place, not by assigning a new one),
    so a seeded network drops the same units every run, and a saved and loaded
    network continues with the same masks. The width is taken from the layer before
    (give ``n_units`` only when Dropout comes first, on the inputs).

    >>> import glassnet as gn
    >>> net = gn.Network([gn.Dense(4, 8), gn.Dropout(0.5), gn.Dense(8, 1)], seed=0)
    >>> net.layers[1]
    Dropout(0.5)
    """

    def __init__(self, rate: float, n_units: int | None = None):
        self.rate = check_range(rate, "Dropout rate", 0, 1, high_open=True, noun="a number")
        # None until build() gives the width of the layer before (connect calls it)
        self.n_inputs = self.n_units = None  # type: ignore[assignment]
        if n_units is not None:
            self.build(n_units)
        self.rng: np.random.Generator | None = None
        self.x: np.ndarray | None = None
        self.a: np.ndarray | None = None
        #: the scaled mask m / (1 − p) of the last training batch
        self.mask: np.ndarray | None = None

    def build(self, n_inputs: int) -> None:
        """Take the width of the layer before."""
        n_inputs = check_positive_int(n_inputs, "n_units")
        if self.n_inputs is not None and self.n_inputs != n_inputs:
            raise ValueError(
                f"{self!r} was built for {self.n_inputs} units and cannot take {n_inputs}; "
                f"use a new Dropout layer."
            )
        self.n_inputs = self.n_units = n_inputs

    def initialize(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self.x = x
        if not training or self.rate == 0:
            self.mask = None
            self.a = x
            return x
        if self.rng is None:
            raise ValueError(f"{self!r} is not part of a Network, so it has no random generator.")
        keep = self.rng.random(x.shape) >= self.rate
        self.mask = keep.astype(x.dtype)
        self.mask *= 1 / (1 - self.rate)
        self.a = x * self.mask
        return self.a

    def infer(
        self, x: np.ndarray, keep_z: bool = False, out: np.ndarray | None = None
    ) -> tuple[np.ndarray | None, np.ndarray]:
        return None, x  # the identity: predict never drops

    def backward(self, grad_out: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        return grad_out if self.mask is None else grad_out * self.mask

    def get_config(self) -> dict[str, Any]:
        return {"type": "Dropout", "rate": self.rate, "n_units": self.n_units}

    def __repr__(self) -> str:
        return f"Dropout({self.rate:g})"


#: layer ``type`` in :meth:`Layer.get_config` → class (the allow-list for model files)
LAYERS: dict[str, type[Layer]] = {"Dense": Dense, "Dropout": Dropout}
