"""The glass box: one full-batch gradient-descent iteration, every number kept.

``tr = net.trace(X, y, loss="half_sse", lr=0.1)`` runs the engine's own
``loss_and_gradients`` (forward and backward) and its own gradient-descent
optimizer once, keeps what each :class:`~glassnet.Dense` layer saw (x, z, a,
dL/da, δ = dL/dz) and the activations' slopes ``f'(z)``, and lays them out as
the numbered steps of Sunil Ray's walk-through ("Visualization of steps for
Neural Network methodology", steps 0-11). For one hidden layer the names are
the tutorial's own::

     0  X, y                    read input and output
     1  wh, bh, wout, bout      the weights and biases
     2  hidden_layer_input      = matrix_dot_product(X, wh) + bh
     3  hiddenlayer_activations = sigmoid(hidden_layer_input)
     4  output_layer_input, output
     5  E                       = y − output
     6  slope_output_layer, slope_hidden_layer
     7  d_output                = E * slope_output_layer
     8  Error_at_hidden_layer   = matrix_dot_product(d_output, wout.Transpose)
     9  d_hiddenlayer           = Error_at_hidden_layer * slope_hidden_layer
    10  wout_updated, wh_updated  (W + matrix_dot_product(input.Transpose, d) * lr)
    11  bout_updated, bh_updated  (b + sum(d, axis=0) * lr)

Sign convention. The tutorial adds ``lr · Xᵀ d``; gradient descent subtracts
``lr · dL/dW``. Both are the same update because the tutorial's quantities are
the negatives of the engine's gradients (for the half squared error
L = ½ Σ (y − output)²)::

    E = y − output = −dL/d(output)        d = −δ = −dL/dz
    Error_at_hidden_layer = −dL/d(hiddenlayer_activations)

The trace shows the tutorial's signs, read off the engine as ``−grad_a`` and
``−delta``. Other depths get the same steps per layer with layer-numbered
names (``W1``, ``layer1_input``, ``slope_layer1``, ``d_layer1``...). Other
losses put their negated gradient −dL/d(output) in place of E (e.g. 2 (y −
output) for ``sse``). Where the output and the loss are a fused pair (sigmoid
with binary cross-entropy, softmax with categorical cross-entropy) the engine
starts from δ directly, so step 5 shows E = −δ = (y − output)/N, step 6 has no
output slope (it cancels against the loss's own denominator) and step 7 is
d_output = E. A softmax layer that is not fused has no elementwise slope:
its d is the Jacobian-vector product a ⊙ (E − Σ_k E_k a_k), row by row.

Biases are shown as (1, n_units) rows, the tutorial's shape. Without
``apply`` the network is left exactly as it was (weights and gradient
buffers); ``apply=True`` keeps the update, records the loss in
``net.history`` and is then one epoch of ``fit(..., optimizer="gd",
batch_size=None)``.

>>> import glassnet as gn
>>> from glassnet.tutorials import RAY_X, RAY_Y
>>> net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=0)
>>> tr = net.trace(RAY_X, RAY_Y, lr=0.1)
>>> tr.steps[2].title, tr["hidden_layer_input"].shape
('Calculate hidden layer input', (3, 3))
"""

from __future__ import annotations

import os
from contextlib import nullcontext
from typing import Any

import numpy as np

from glassnet import losses as losses_module
from glassnet import shaped
from glassnet.glassbox.layer_tables import LayerTrace, trace_layers
from glassnet.glassbox.trace_steps import Op, Step, build_steps
from glassnet.optimizers import GD
from glassnet.validation import check_positive_float

__all__ = ["Op", "Step", "Trace", "trace"]

class Trace:
    """A recorded iteration: ``steps`` in order and ``tr[name]`` for any array.

    Also: ``loss`` (the Loss object), ``loss_value`` (L before the update),
    ``lr``, ``fused`` (whether the output/loss pair is fused), ``activations``
    (per layer), ``ops`` (name → :class:`Op`, how each array was computed) and
    ``network`` (the traced network).
    """

    def __init__(self, steps: list[Step], ops: dict[str, Op], *, loss: losses_module.Loss,
                 loss_value: float, lr: float, fused: bool, layers: list[dict[str, Any]],
                 network: Any, applied: bool) -> None:
        self.steps: list[Step] = steps
        self.ops: dict[str, Op] = ops
        self.loss = loss
        self.loss_value = float(loss_value)
        self.lr = float(lr)
        self.fused = bool(fused)
        self.layers: list[dict[str, Any]] = layers
        self.network = network
        self.applied = bool(applied)
        self.arrays: dict[str, np.ndarray] = {}
        for step in steps:
            self.arrays.update(step.arrays)

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.arrays[name]
        except KeyError:
            raise KeyError(
                f"This trace has no array named {name!r}. Its arrays are: "
                f"{', '.join(self.arrays)}."
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self.arrays

    @property
    def names(self) -> list[str]:
        return list(self.arrays)

    def step_of(self, name: str) -> Step:
        """The step that holds array ``name``."""
        self[name]
        return next(s for s in self.steps if name in s.arrays)

    def operands(self, step: Step) -> list[str]:
        """Names the step's arrays were computed from, in order, without repeats."""
        seen: list[str] = []
        for name in step.arrays:
            for arg in self.ops[name].args:
                if arg not in seen and arg not in step.arrays:
                    seen.append(arg)
        return seen

    def sources(self, name: str, i: int, j: int) -> list[tuple[str, int, int]]:
        """The cells that cell (i, j) of ``name`` was computed from (the tutorial's
        orange cells when (i, j) is the yellow one), as (array, row, column)."""
        op, arr = self.ops[name], self[name]
        if not (0 <= i < arr.shape[0] and 0 <= j < arr.shape[1]):
            raise IndexError(f"{name} has shape {arr.shape}; ({i}, {j}) is outside it.")
        a = op.args
        if op.kind == "given":
            return []
        if op.kind == "affine":
            n_in = self[a[1]].shape[0]
            out = [(a[0], i, k) for k in range(n_in)] + [(a[1], k, j) for k in range(n_in)]
            return out + [(a[2], 0, j)] if len(a) > 2 else out
        if op.kind == "activation" and not self.layers[op.layer - 1]["elementwise"]:
            return [(a[0], i, k) for k in range(arr.shape[1])]
        if op.kind in ("activation", "slope", "error", "delta", "copy"):
            return [(src, i, j) for src in a]
        if op.kind == "jvp":
            return [(src, i, k) for src in a for k in range(arr.shape[1])]
        if op.kind == "backprop":
            k_out = self[a[0]].shape[1]
            return [(a[0], i, k) for k in range(k_out)] + [(a[1], j, k) for k in range(k_out)]
        n = self[a[1]].shape[0]  # samples: rows of x (update_W) or of d (update_b)
        if op.kind == "update_W":
            return [(a[0], i, j)] + [(a[1], r, i) for r in range(n)] + [
                (a[2], r, j) for r in range(n)
            ]
        if op.kind == "update_b":
            return [(a[0], 0, j)] + [(a[1], r, j) for r in range(n)]
        raise ValueError(f"Unknown op kind {op.kind!r} for {name}.")

    def updated_weights(self) -> list[tuple[np.ndarray, np.ndarray | None]]:
        """``[(W, b), ...]`` after the update, as ``Network.get_weights`` gives them."""
        return [
            (self[info["W_new"]].copy(), None if info["b_new"] is None else
             self[info["b_new"]].reshape(-1).copy())
            for info in self.layers
        ]

    def to_text(self, width: int = 100, decimals: int = 2, max_rows: int = 8) -> str:
        """Every step's matrices side by side, rounded, in ``width`` columns."""
        from glassnet.glassbox.trace_text import render_text

        return render_text(self, width=width, decimals=decimals, max_rows=max_rows)

    def _repr_html_(self) -> str:
        from glassnet.glassbox.display import trace_html

        return trace_html(self)

    def to_html(self, path: str | os.PathLike[str] | None = None, **kwargs: Any) -> str:
        """Write the standalone HTML report to ``path`` and return the path (see
        :func:`glassnet.glassbox.report.write_html`); without a path, return the
        report's HTML as a string."""
        from glassnet.glassbox.report import render_html, write_html

        if path is None:
            return render_html(self, **kwargs)
        return write_html(self, path, **kwargs)

    def to_xlsx(self, path: str | os.PathLike[str]) -> str:
        """Write the live-formula workbook (:func:`~glassnet.glassbox.spreadsheet.write_xlsx`)."""
        from glassnet.glassbox.spreadsheet import write_xlsx

        return write_xlsx(self, path)

    def __repr__(self) -> str:
        return (
            f"Trace({len(self.steps)} steps, {len(self.arrays)} arrays, loss "
            f"{self.loss.name}={self.loss_value:.6g}, lr={self.lr:g})"
        )


def _layer_names(n_layers: int, use_bias: list[bool]) -> list[dict[str, str | None]]:
    """The tutorial's names for one hidden layer, layer-numbered names otherwise."""
    names: list[dict[str, str | None]]
    if n_layers == 2:
        names = [
            dict(W="wh", b="bh", z="hidden_layer_input", a="hiddenlayer_activations",
                 slope="slope_hidden_layer", d="d_hiddenlayer", err="Error_at_hidden_layer",
                 title="hidden layer"),
            dict(W="wout", b="bout", z="output_layer_input", a="output",
                 slope="slope_output_layer", d="d_output", err=None, title="output layer"),
        ]
    else:
        names = []
        for l in range(1, n_layers + 1):
            last = l == n_layers
            names.append(dict(
                W=f"W{l}", b=f"b{l}",
                z="output_layer_input" if last else f"layer{l}_input",
                a="output" if last else f"layer{l}_activations",
                slope="slope_output_layer" if last else f"slope_layer{l}",
                d="d_output" if last else f"d_layer{l}",
                err=None if last else f"Error_at_layer{l}",
                title="output layer" if last else f"hidden layer {l}",
            ))
    for info, bias in zip(names, use_bias):
        if not bias:
            info["b"] = None
        info["W_new"] = f"{info['W']}_updated"
        info["b_new"] = None if info["b"] is None else f"{info['b']}_updated"
    return names


def trace_network(net, X, y, loss="half_sse", lr: float = 0.1, apply: bool = False,
                  cell: tuple[int, int, int, int] = (0, 0, 0, 0)) -> Trace | LayerTrace:
    """``Network.trace``: :func:`trace` for a network of Dense layers; for one with
    convolutional or recurrent layers, their tables
    (:func:`glassnet.glassbox.layer_tables.trace_layers`, for output ``cell``)."""
    if not shaped.is_shaped(net.layers):
        return trace(net, X, y, loss=loss, lr=lr, apply=apply)
    if apply:
        raise ValueError(
            "trace(apply=True) applies the update of Dense networks only; a network "
            "with convolutional or recurrent layers is traced without changing it. "
            "Train it with fit(X, y, epochs=1, optimizer='gd', lr=...) instead."
        )
    check_positive_float(lr, "lr")
    loss_obj = losses_module.get(loss)
    X = net.check_X(X)
    return trace_layers(net, X, net.check_y(y, X.shape[0], loss_obj), loss=loss_obj, cell=cell)


def trace(net, X, y, loss="half_sse", lr: float = 0.1, apply: bool = False) -> Trace:
    """Record one full-batch gradient-descent iteration of ``net`` on (X, y).

    X and y are validated as ``fit`` validates them (``Network.trace`` calls
    this); see the module docstring for the steps and the signs.
    """
    loss_obj = losses_module.get(loss)
    lr = check_positive_float(lr, "lr")
    X = net.check_X(X)
    y = net.check_y(y, X.shape[0], loss_obj)
    dense = net.layers
    for i, layer in enumerate(dense, start=1):
        if not (hasattr(layer, "delta") and hasattr(layer, "W")):
            raise TypeError(
                f"trace follows Dense layers only, but layer {i} is {layer!r}. Trace a "
                f"network of the Dense layers alone (copy their weights with get_weights / "
                f"set_weights); a Dropout mask is redrawn every step, so it has no fixed table."
            )
    names = _layer_names(len(dense), [layer.b is not None for layer in dense])
    with nullcontext() if apply else net.preserved():
        value, rec = _record_step(net, X, y, loss_obj, lr)
    if apply:
        net.history.record(len(net.history), {"loss": value})
    fused = net.is_fused(loss_obj)
    layers_info = []
    for layer, info in zip(dense, names):
        act = layer.activation
        layers_info.append(dict(info, activation=act.name, elementwise=act.elementwise,
                                alpha=getattr(act, "alpha", None), n_inputs=layer.n_inputs,
                                n_units=layer.n_units))
    steps, ops = build_steps(X, y, rec, layers_info, loss_obj, fused, lr)
    return Trace(steps, ops, loss=loss_obj, loss_value=value, lr=lr, fused=fused,
                 layers=layers_info, network=net, applied=apply)


def _record_step(net, X, y, loss, lr) -> tuple[float, list[dict[str, Any]]]:
    """One forward and backward pass and one gradient-descent step of ``net``, with
    copies of what each layer saw (the work arrays are overwritten by the next pass)."""
    value = net.loss_and_gradients(X, y, loss, training=True)
    rec = []
    for layer in net.layers:
        act = layer.activation
        rec.append(dict(
            x=layer.x.copy(), z=layer.z.copy(), a=layer.a.copy(),
            grad_a=None if layer.grad_a is None else layer.grad_a.copy(),
            delta=layer.delta.copy(), W=layer.W.copy(),
            b=None if layer.b is None else layer.b.reshape(1, -1).copy(),
            slope=act.derivative(layer.z, layer.a) if act.elementwise else None,
        ))  # fmt: skip
    GD(lr=lr).step([net.params], [net.grads])
    for layer, r in zip(net.layers, rec):
        r["W_new"] = layer.W.copy()
        r["b_new"] = None if layer.b is None else layer.b.reshape(1, -1).copy()
    return value, rec
