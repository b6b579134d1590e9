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

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet import losses as losses_module
from glassnet.optimizers import GD
from glassnet.validation import check_positive_float

#: How a loss's E = −dL/d(output) reads in the tutorial's notation.
_E_TEXT = {
    "half_sse": "y − output",
    "sse": "2 (y − output)",
    "mse": "2 (y − output) / N",
    "mae": "−sign(output − y) / N",
    "binary_crossentropy": "(y − output) / (output (1 − output) N)",
    "categorical_crossentropy": "y / (output · n)",
}
#: The slope f'(z) in the tutorial's notation, and what it is computed from.
_SLOPE_TEXT = {
    "sigmoid": ("derivatives_sigmoid({a})", ("a",)),
    "tanh": ("1 − {a}²", ("a",)),
    "linear": ("1", ()),
    "relu": ("1 if {z} > 0 else 0", ("z",)),
    "leaky_relu": ("1 if {z} > 0 else α", ("z",)),
    "elu": ("1 if {z} > 0 else {a} + α", ("z", "a")),
    "softplus": ("sigmoid({z})", ("z",)),
}


@dataclass(frozen=True)
class Op:
    """How an array was computed: ``kind`` and the names of its operands.

    kinds: ``given``; ``affine`` (x, W[, b]): x W + b; ``activation`` (z,);
    ``slope`` (z-or-a...); ``error`` (y, output); ``delta`` (E, slope): E ⊙ slope;
    ``jvp`` (E, a): softmax's a ⊙ (E − Σ E a); ``copy`` (E,); ``backprop``
    (d, W): d Wᵀ; ``update_W`` (W, x, d): W + lr xᵀ d; ``update_b`` (b, d).
    """

    kind: str
    args: tuple[str, ...] = ()
    layer: int = 0  # 1-based layer whose activation/loss applies


@dataclass
class Step:
    """One step of the walk-through: its number, title, equation and arrays."""

    number: int
    title: str
    equation: str
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    note: str = ""

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k} {v.shape}" for k, v in self.arrays.items())
        return f"Step({self.number}, {self.title!r}: {shapes})"


class Trace:
    """A recorded iteration: ``steps`` in order and ``tr[name]`` for any array.

    Also: ``loss`` (the Loss object), ``loss_value`` (L before the update),
    ``lr``, ``fused`` (whether the output/loss pair is fused), ``activations``
    (per layer), ``ops`` (name → :class:`Op`, how each array was computed) and
    ``network`` (the traced network).
    """

    def __init__(self, steps, ops, *, loss, loss_value, lr, fused, layers, network, applied):
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

    def to_html(self, path=None, **kwargs) -> str:
        """Write the standalone HTML report to ``path`` and return the path (see
        :func:`glassnet.glassbox.report.write_html`); without a path, return the
        report's HTML as a string."""
        from glassnet.glassbox.report import render_html, write_html

        if path is None:
            return render_html(self, **kwargs)
        return write_html(self, path, **kwargs)

    def to_xlsx(self, path) -> str:
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


def trace(net, X, y, loss="half_sse", lr: float = 0.1, apply: bool = False) -> Trace:
    """Record one full-batch gradient-descent iteration of ``net`` on (X, y).

    X and y are validated as ``fit`` validates them (``Network.trace`` calls
    this); see the module docstring for the steps and the signs.
    """
    loss_obj = losses_module.get(loss)
    lr = check_positive_float(lr, "lr")
    X = net._check_X(X)
    y = net._check_y(y, X.shape[0], loss_obj)
    dense = net.layers
    for i, layer in enumerate(dense, start=1):
        if not (hasattr(layer, "delta") and hasattr(layer, "W")):
            raise TypeError(
                f"trace follows Dense layers only, but layer {i} is {layer!r}. Trace a "
                f"network of the Dense layers alone (copy their weights with get_weights / "
                f"set_weights); a Dropout mask is redrawn every step, so it has no fixed table."
            )
    L = len(dense)
    names = _layer_names(L, [layer.b is not None for layer in dense])
    saved_params, saved_grads = net.params.copy(), net.grads.copy()
    try:
        value = net.loss_and_gradients(X, y, loss_obj, training=True)
        fused = net._is_fused(loss_obj)
        rec = [
            dict(x=layer.x.copy(), z=layer.z.copy(), a=layer.a.copy(),
                 grad_a=None if layer.grad_a is None else layer.grad_a.copy(),
                 delta=layer.delta.copy(), W=layer.W.copy(),
                 b=None if layer.b is None else layer.b.reshape(1, -1).copy())
            for layer in dense
        ]
        for layer, r in zip(dense, rec):
            act = layer.activation
            r["slope"] = act.derivative(layer.z, layer.a) if act.elementwise else None
        GD(lr=lr).step([net.params], [net.grads])
        for layer, r in zip(dense, rec):
            r["W_new"] = layer.W.copy()
            r["b_new"] = None if layer.b is None else layer.b.reshape(1, -1).copy()
    finally:
        if not apply:
            np.copyto(net.params, saved_params)
            np.copyto(net.grads, saved_grads)
    if apply:
        net.history.record(len(net.history), {"loss": value})
    layers_info = []
    for layer, info in zip(dense, names):
        act = layer.activation
        layers_info.append(dict(info, activation=act.name, elementwise=act.elementwise,
                                alpha=getattr(act, "alpha", None), n_inputs=layer.n_inputs,
                                n_units=layer.n_units))
    steps, ops = _build_steps(X, y, rec, layers_info, loss_obj, fused, lr)
    return Trace(steps, ops, loss=loss_obj, loss_value=value, lr=lr, fused=fused,
                 layers=layers_info, network=net, applied=apply)


def _build_steps(X, y, rec, info, loss_obj, fused, lr):
    """Lay the recorded arrays out as the tutorial's steps, with each array's Op."""
    L = len(rec)
    steps: list[Step] = []
    ops: dict[str, Op] = {}

    def add(title, equation, arrays, note=""):
        steps.append(Step(len(steps), title, equation, dict(arrays), note))

    add("Read input and output", "X, y", {"X": X.copy(), "y": y.copy()})
    ops["X"], ops["y"] = Op("given"), Op("given")
    weights = {}
    for l, (r, n) in enumerate(zip(rec, info), start=1):
        weights[n["W"]] = r["W"]
        ops[n["W"]] = Op("given", (), l)
        if n["b"]:
            weights[n["b"]] = r["b"]
            ops[n["b"]] = Op("given", (), l)
    add("Initialize weights and biases", ", ".join(weights), weights)

    # forward propagation: per hidden layer an input step and an activation step
    prev = "X"
    for l, (r, n) in enumerate(zip(rec, info), start=1):
        bias = f" + {n['b']}" if n["b"] else ""
        z_eq = f"{n['z']} = matrix_dot_product({prev}, {n['W']}){bias}"
        a_eq = f"{n['a']} = {n['activation']}({n['z']})"
        ops[n["z"]] = Op("affine", (prev, n["W"]) + ((n["b"],) if n["b"] else ()), l)
        ops[n["a"]] = Op("activation", (n["z"],), l)
        if l < L:
            add(f"Calculate {n['title']} input", z_eq, {n["z"]: r["z"]})
            add(f"Perform non-linear transformation at {n['title']}", a_eq, {n["a"]: r["a"]})
        else:
            add("Perform linear and non-linear transformation at output layer",
                f"{z_eq};  {a_eq}", {n["z"]: r["z"], n["a"]: r["a"]})
        prev = n["a"]

    # E: the negated loss gradient at the output (at z where the pair is fused)
    out = info[-1]
    if fused:
        E = -rec[-1]["delta"]
        div = "N" if loss_obj.name == "binary_crossentropy" else "n"
        add("Calculate error gradient at output layer", f"E = −∂L/∂z = (y − output) / {div}",
            {"E": E}, note=f"{out['activation']} with {loss_obj.name} is a fused pair: the "
            "engine starts from δ = ∂L/∂z, so E is −δ and there is no output slope.")
    else:
        E = -rec[-1]["grad_a"]
        text = _E_TEXT.get(loss_obj.name, "−∂L/∂output")
        eq = f"E = {text}" if loss_obj.name == "half_sse" else f"E = −∂L/∂output = {text}"
        add("Calculate gradient of Error (E) at output layer", eq, {"E": E})
    ops["E"] = Op("error", ("y", "output"), L)

    # slopes, output first as in the tutorial
    slopes, slope_eqs = {}, []
    for l in range(L, 0, -1):
        r, n = rec[l - 1], info[l - 1]
        if r["slope"] is None or (l == L and fused):
            continue
        text, src = _SLOPE_TEXT.get(n["activation"], (f"{n['activation']}'({{z}})", ("z", "a")))
        slopes[n["slope"]] = r["slope"]
        ops[n["slope"]] = Op("slope", tuple(n[s] for s in src), l)
        slope_eqs.append(f"{n['slope']} = " + text.format(a=n["a"], z=n["z"]))
    if slopes:
        add("Compute slope at output and hidden layer" if L > 1 else "Compute slope at output",
            ";  ".join(slope_eqs), slopes)

    # deltas and errors, from the output back
    err = "E"
    for l in range(L, 0, -1):
        r, n = rec[l - 1], info[l - 1]
        where = "output layer" if l == L else n["title"]
        if l == L and fused:
            ops[n["d"]] = Op("copy", ("E",), l)
            eq = f"{n['d']} = E"
        elif r["slope"] is None:
            ops[n["d"]] = Op("jvp", (err, n["a"]), l)
            eq = f"{n['d']} = {n['a']} ⊙ ({err} − Σ_k {err}_k {n['a']}_k)   (softmax, per row)"
        else:
            ops[n["d"]] = Op("delta", (err, n["slope"]), l)
            eq = f"{n['d']} = {err} * {n['slope']}"
        add(f"Compute delta at {where}", eq, {n["d"]: -r["delta"]})
        if l > 1:
            below = info[l - 2]
            err = below["err"]
            ops[err] = Op("backprop", (n["d"], n["W"]), l)
            add(f"Calculate Error at {below['title']}",
                f"{err} = matrix_dot_product({n['d']}, {n['W']}.Transpose)",
                {err: -rec[l - 2]["grad_a"]})

    # updates, output layer first as in the tutorial
    new_w, w_eqs, new_b, b_eqs = {}, [], {}, []
    for l in range(L, 0, -1):
        r, n = rec[l - 1], info[l - 1]
        x = "X" if l == 1 else info[l - 2]["a"]
        new_w[n["W_new"]] = r["W_new"]
        ops[n["W_new"]] = Op("update_W", (n["W"], x, n["d"]), l)
        w_eqs.append(f"{n['W']} = {n['W']} + matrix_dot_product({x}.Transpose, {n['d']}) "
                     "* learning_rate")
        if n["b"]:
            new_b[n["b_new"]] = r["b_new"]
            ops[n["b_new"]] = Op("update_b", (n["b"], n["d"]), l)
            b_eqs.append(f"{n['b']} = {n['b']} + sum({n['d']}, axis=0) * learning_rate")
    add("Update weights", ";  ".join(w_eqs), new_w, note=f"learning_rate = {lr:g}")
    if new_b:
        add("Update biases", ";  ".join(b_eqs), new_b, note=f"learning_rate = {lr:g}")
    return steps, ops
