"""What a :class:`~glassnet.Network` is built on: its chain of layers
(:func:`connect`) and the flat parameter store.

Every weight and bias of every layer lives in one vector ``params`` and every
gradient in ``grads``; ``layer.W``, ``layer.b``, ``layer.dW`` and ``layer.db``
are views into them, handed out in layer order by one method here, the one
place that decides the storage order (:meth:`~Parameters.named_parameters`
reports it). One flat vector lets an optimizer update every weight in one call.

Here too: copies (``net.copy()``, ``copy.deepcopy``, pickling) that re-bind the
views, ``get_weights`` / ``set_weights`` for the tutorials' (W, b) pairs, and
:meth:`~Parameters.preserved`, which undoes a probe.

>>> import glassnet as gn
>>> net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=0)
>>> for name, W, dW in net.named_parameters():
...     print(name, W.shape)
layer 1 W (4, 3)
layer 1 b (3,)
layer 2 W (3, 1)
layer 2 b (1,)
"""

from __future__ import annotations

import copy as copy_module
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from glassnet.layers import Dense, Layer
from glassnet.resources import check_fits
from glassnet.validation import check_weight_pair


def connect(layers: Sequence[Layer]) -> list[Layer]:
    """Check that ``layers`` form a chain, input to output, and size the layers that
    take their width from the layer before (Dropout). Returns them as a list."""
    layers = list(layers)
    if not layers:
        raise ValueError("A Network needs at least one layer, but the list is empty.")
    for i, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            raise TypeError(
                f"Layer {i + 1} must be a glassnet layer (e.g. gn.Dense(4, 3)), but got "
                f"{type(layer).__name__}: {layer!r}."
            )
        # a layer holds views into its network's weights: it cannot serve two places
        if any(layer is other for other in layers[:i]):
            raise ValueError(
                f"Layer {i + 1} ({layer!r}) is the same object as an earlier layer; give "
                f"each position its own layer, e.g. a new gn.Dense(...)."
            )
        if layer.in_network:
            raise ValueError(
                f"Layer {i + 1} ({layer!r}) already belongs to another Network and holds "
                f"views into that network's weights; build new layers for a new network."
            )
    if getattr(layers[0], "n_inputs", 0) is None and not layers[0].any_width:
        raise ValueError(
            f"Layer 1 ({layers[0]!r}) takes its width from the layer before it; as the "
            f"first layer, give it one, e.g. gn.Dropout(0.2, n_units=4)."
        )
    for i, (prev, nxt) in enumerate(zip(layers, layers[1:]), start=1):
        if nxt.n_inputs is None and prev.n_units is not None:
            nxt.build(prev.n_units)  # (prev is sized already: the loop goes input to output)
        # a width still unknown (after a Flatten) is checked when data comes (glassnet.shaped)
        if None not in (prev.n_units, nxt.n_inputs) and prev.n_units != nxt.n_inputs:
            raise ValueError(
                f"Layer {i} ({prev!r}) outputs {prev.n_units} unit(s) but layer {i + 1} "
                f"({nxt!r}) expects {nxt.n_inputs} input(s); they must be equal."
            )
    return layers


class Parameters:
    """``params`` and ``grads`` for ``layers``, with the operations on them as a whole.

    A subclass sets ``layers``, ``dtype``, ``rng``, ``optimizer``, ``loss`` and
    ``history`` and calls :meth:`_allocate`.
    """

    layers: list[Layer]
    dtype: np.dtype
    params: np.ndarray
    grads: np.ndarray
    rng: np.random.Generator
    optimizer: Any
    loss: Any
    history: Any
    stop_training: bool

    def _allocate(self) -> None:
        """One flat buffer for all parameters, one for all gradients; layers get views
        and draw their initial values."""
        total = sum(int(np.prod(s)) for layer in self.layers for s in layer.param_shapes().values())
        # parameters, gradients and up to two optimizer arrays (Adam's m and v)
        check_fits(
            4 * total * self.dtype.itemsize,
            f"A network of {total:,} parameters ({self.dtype.name})",
            "Use fewer or narrower layers.",
        )
        self.params = np.zeros(total, dtype=self.dtype)
        self.grads = np.zeros(total, dtype=self.dtype)
        self._bind_views()
        for layer in self.layers:  # initial values from the network's own generator
            layer.initialize(self.rng)
            layer.in_network = True

    def _bind_views(self) -> None:
        """Hand each layer its views into ``params`` and ``grads``, in layer order: the
        one place that decides the storage order (:meth:`named_parameters` reads it)."""
        self._named: list[tuple[str, np.ndarray, np.ndarray]] = []
        offset = 0
        for i, layer in enumerate(self.layers, start=1):
            p_views, g_views = {}, {}
            for name, shape in layer.param_shapes().items():
                size = int(np.prod(shape))
                p_views[name] = self.params[offset : offset + size].reshape(shape)
                g_views[name] = self.grads[offset : offset + size].reshape(shape)
                self._named.append((f"layer {i} {name}", p_views[name], g_views[name]))
                offset += size
            layer.bind(p_views, g_views)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_named"}  # views, rebuilt

    def __setstate__(self, state: dict[str, Any]) -> None:
        # copy.deepcopy and pickle copy ``params`` and every layer's W and b apart, so
        # the layers would hold arrays of their own that training the copy never
        # touches; bind them again as views into the copy's own vectors
        self.__dict__.update(state)
        self._bind_views()

    def copy(self) -> Any:
        """An independent copy: its own weights, gradients, optimizer state, random
        generator (in the same state), history and metadata; training it leaves
        this network as it was. Same as ``copy.deepcopy(net)`` and ``copy.copy(net)``."""
        return copy_module.deepcopy(self)

    # A shallow copy would share the layers and the parameter vector, so training it
    # would silently train the original too: copy.copy(net) is a whole copy as well.
    __copy__ = copy

    def named_parameters(self) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
        """``("layer 1 W", W, dW)``, ``("layer 1 b", b, db)``, … for every parameter
        tensor, in the order they are stored in the flat ``params`` and ``grads``
        (layer by layer from the input; within a layer as its ``param_shapes``
        lists them). W and dW are views: writing into them writes the network.
        """
        yield from self._named

    @contextmanager
    def preserved(self) -> Iterator[Any]:
        """``with net.preserved(): …`` runs a probe (a trace, a gradient check, a
        trial fit) and then puts the network back as it was: its parameters and
        gradients, its optimizer (the same object, its state and rate), its random
        generator's state (so later shuffles and dropout masks are unchanged), its
        loss and its history. The layers' last-pass arrays (``layer.z``, …) are not
        state and keep the probe's values.
        """
        params, grads = self.params.copy(), self.grads.copy()
        rng_state = self.rng.bit_generator.state
        optimizer, loss, stop = self.optimizer, self.loss, self.stop_training
        saved = None if optimizer is None else copy_module.deepcopy(optimizer.__getstate__())
        history = copy_module.deepcopy(self.history.__dict__)
        try:
            yield self
        finally:
            np.copyto(self.params, params)
            np.copyto(self.grads, grads)
            self.rng.bit_generator.state = rng_state
            self.optimizer, self.loss, self.stop_training = optimizer, loss, stop
            if optimizer is not None:
                optimizer.__dict__.clear()
                optimizer.__dict__.update(saved)
            self.history.__dict__.clear()
            self.history.__dict__.update(history)

    @property
    def n_inputs(self) -> int:
        return self.layers[0].n_inputs

    @property
    def n_outputs(self) -> int:
        return self.layers[-1].n_units

    @property
    def n_params(self) -> int:
        return int(self.params.size)

    @property
    def dense_layers(self) -> list[Dense]:
        return [layer for layer in self.layers if isinstance(layer, Dense)]

    # -- weights ------------------------------------------------------------
    def get_weights(self) -> list[tuple[np.ndarray, np.ndarray | None]]:
        """Copies of ``(W, b)`` for each Dense layer (b is None without bias)."""
        return [
            (layer.W.copy(), None if layer.b is None else layer.b.copy())
            for layer in self.dense_layers
        ]

    def set_weights(self, weights: Sequence[Sequence[Any]]) -> None:
        """Set ``[(W, b), ...]``, one pair per Dense layer, as ``get_weights`` gives them.

        ``b`` may also be (1, n_units), the tutorials' shape, or None for a
        layer without bias. Every shape is checked before anything is written.
        """
        dense = self.dense_layers
        if not isinstance(weights, (list, tuple)) or len(weights) != len(dense):
            got = len(weights) if isinstance(weights, (list, tuple)) else type(weights).__name__
            raise ValueError(
                f"set_weights expects a list of {len(dense)} (W, b) pair(s), one per Dense "
                f"layer, but got {got}."
            )
        staged = [
            (layer, *check_weight_pair(pair, i, layer, self.dtype))
            for i, (layer, pair) in enumerate(zip(dense, weights), start=1)
        ]
        for layer, W, b in staged:
            layer.W[...] = W
            if b is not None and layer.b is not None:  # (None exactly when use_bias=False)
                layer.b[...] = b
