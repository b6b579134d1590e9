"""The trace's steps: the recorded arrays of one iteration laid out as the tutorial's
numbered steps 0-11, each array with the :class:`Op` that says how it was computed.

:func:`build_steps` takes what :func:`glassnet.glassbox.trace.trace` recorded from
the engine (per layer: x, z, a, dL/da, δ, the slope f'(z), W and b before and
after the update) and only arranges and names it; nothing here computes the
math again. The equations are written with :mod:`glassnet.glassbox.notation`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet.glassbox import notation


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


class _Steps:
    """The steps and ops being laid out, in order."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.ops: dict[str, Op] = {}

    def add(self, title: str, equation: str, arrays: dict[str, Any], note: str = "") -> None:
        self.steps.append(Step(len(self.steps), title, equation, dict(arrays), note))


def build_steps(X, y, rec, info, loss, fused: bool, lr: float):
    """Lay the recorded arrays out as the tutorial's steps; returns (steps, ops)."""
    out = _Steps()
    _given_steps(out, X, y, rec, info)
    _forward_steps(out, rec, info)
    _error_step(out, rec, info, loss, fused)
    _slope_step(out, rec, info, fused)
    _delta_steps(out, rec, info, fused)
    _update_steps(out, rec, info, lr)
    return out.steps, out.ops


def _given_steps(out: _Steps, X, y, rec, info) -> None:
    """Steps 0 and 1: the data, then every weight and bias."""
    out.add("Read input and output", "X, y", {"X": X.copy(), "y": y.copy()})
    out.ops["X"], out.ops["y"] = Op("given"), Op("given")
    weights = {}
    for l, (r, n) in enumerate(zip(rec, info), start=1):
        weights[n["W"]] = r["W"]
        out.ops[n["W"]] = Op("given", (), l)
        if n["b"]:
            weights[n["b"]] = r["b"]
            out.ops[n["b"]] = Op("given", (), l)
    out.add("Initialize weights and biases", ", ".join(weights), weights)


def _forward_steps(out: _Steps, rec, info) -> None:
    """Forward propagation: per hidden layer an input step and an activation step."""
    prev = "X"
    for l, (r, n) in enumerate(zip(rec, info), start=1):
        bias = f" + {n['b']}" if n["b"] else ""
        z_eq = f"{n['z']} = matrix_dot_product({prev}, {n['W']}){bias}"
        a_eq = f"{n['a']} = {n['activation']}({n['z']})"
        out.ops[n["z"]] = Op("affine", (prev, n["W"]) + ((n["b"],) if n["b"] else ()), l)
        out.ops[n["a"]] = Op("activation", (n["z"],), l)
        if l < len(rec):
            out.add(f"Calculate {n['title']} input", z_eq, {n["z"]: r["z"]})
            out.add(f"Perform non-linear transformation at {n['title']}", a_eq, {n["a"]: r["a"]})
        else:
            out.add("Perform linear and non-linear transformation at output layer",
                    f"{z_eq};  {a_eq}", {n["z"]: r["z"], n["a"]: r["a"]})  # fmt: skip
        prev = n["a"]


def _error_step(out: _Steps, rec, info, loss, fused: bool) -> None:
    """E: the negated loss gradient at the output (at z where the pair is fused)."""
    if fused:
        text = notation.FUSED_ERROR.error_text.format(divisor=loss.fused_divisor)
        out.add("Calculate error gradient at output layer", f"E = −∂L/∂z = {text}",
                {"E": -rec[-1]["delta"]},
                note=f"{info[-1]['activation']} with {loss.name} is a fused pair: the engine "
                "starts from δ = ∂L/∂z, so E is −δ and there is no output slope.")  # fmt: skip
    else:
        written = notation.LOSSES.get(loss.name)
        text = written.error_text if written else "−∂L/∂output"
        eq = f"E = {text}" if loss.name == "half_sse" else f"E = −∂L/∂output = {text}"
        out.add("Calculate gradient of Error (E) at output layer", eq, {"E": -rec[-1]["grad_a"]})
    out.ops["E"] = Op("error", ("y", "output"), len(rec))


def _slope_step(out: _Steps, rec, info, fused: bool) -> None:
    """The slopes f'(z) the engine's derivative returned, output first as in the tutorial."""
    L = len(rec)
    slopes, equations = {}, []
    for l in range(L, 0, -1):
        r, n = rec[l - 1], info[l - 1]
        if r["slope"] is None or (l == L and fused):
            continue
        written = notation.ACTIVATIONS.get(n["activation"])
        text, src = (written.slope_text, written.slope_from) if written else (
            f"{n['activation']}'({{z}})", ("z", "a"))  # fmt: skip
        slopes[n["slope"]] = r["slope"]
        out.ops[n["slope"]] = Op("slope", tuple(n[s] for s in src), l)
        equations.append(f"{n['slope']} = " + text.format(a=n["a"], z=n["z"]))
    if slopes:
        title = "Compute slope at output and hidden layer" if L > 1 else "Compute slope at output"
        out.add(title, ";  ".join(equations), slopes)


def _delta_steps(out: _Steps, rec, info, fused: bool) -> None:
    """The deltas and the errors passed back, from the output to the first layer."""
    L, err = len(rec), "E"
    for l in range(L, 0, -1):
        r, n = rec[l - 1], info[l - 1]
        where = "output layer" if l == L else n["title"]
        if l == L and fused:
            out.ops[n["d"]] = Op("copy", ("E",), l)
            eq = f"{n['d']} = E"
        elif r["slope"] is None:  # softmax outside a fused pair: the Jacobian product
            out.ops[n["d"]] = Op("jvp", (err, n["a"]), l)
            eq = f"{n['d']} = " + notation.ACTIVATIONS["softmax"].slope_text.format(
                a=n["a"], E=err)
        else:
            out.ops[n["d"]] = Op("delta", (err, n["slope"]), l)
            eq = f"{n['d']} = {err} * {n['slope']}"
        out.add(f"Compute delta at {where}", eq, {n["d"]: -r["delta"]})
        if l > 1:
            below = info[l - 2]
            err = below["err"]
            out.ops[err] = Op("backprop", (n["d"], n["W"]), l)
            out.add(f"Calculate Error at {below['title']}",
                    f"{err} = matrix_dot_product({n['d']}, {n['W']}.Transpose)",
                    {err: -rec[l - 2]["grad_a"]})  # fmt: skip


def _update_steps(out: _Steps, rec, info, lr: float) -> None:
    """Steps 10 and 11: the updated weights and biases, output layer first."""
    new_w, w_eqs, new_b, b_eqs = {}, [], {}, []
    for l in range(len(rec), 0, -1):
        r, n = rec[l - 1], info[l - 1]
        x = "X" if l == 1 else info[l - 2]["a"]
        new_w[n["W_new"]] = r["W_new"]
        out.ops[n["W_new"]] = Op("update_W", (n["W"], x, n["d"]), l)
        w_eqs.append(f"{n['W']} = {n['W']} + matrix_dot_product({x}.Transpose, {n['d']}) "
                     "* learning_rate")  # fmt: skip
        if n["b"]:
            new_b[n["b_new"]] = r["b_new"]
            out.ops[n["b_new"]] = Op("update_b", (n["b"], n["d"]), l)
            b_eqs.append(f"{n['b']} = {n['b']} + sum({n['d']}, axis=0) * learning_rate")
    out.add("Update weights", ";  ".join(w_eqs), new_w, note=f"learning_rate = {lr:g}")
    if new_b:
        out.add("Update biases", ";  ".join(b_eqs), new_b, note=f"learning_rate = {lr:g}")
