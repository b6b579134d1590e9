"""Step tables for the convolutional and recurrent layers: the numbers of one
training step of a :class:`~glassnet.Conv2D`, :class:`~glassnet.MaxPool2D`,
:class:`~glassnet.RNN` or :class:`~glassnet.LSTM`, read off the engine's own
forward and backward passes (nothing is recomputed by a second copy of the math).

``trace_layers(net, X, y, loss)`` runs one forward and backward pass, leaves the
network as it was, and returns a :class:`LayerTrace` of named tables per layer:

- a convolution: for a chosen output cell (n, f, i, j), the ``patch`` of the padded
  input under it, the ``kernel`` W[f], their elementwise ``products`` and
  ``Σ patch ⊙ kernel + b[f]``, equal to z[n, f, i, j]; and the whole ``im2col``
  matrix X_col (one row per output cell, one column per (c, u, v)), with its row
  and column labels;
- max pooling: per window, the values, the ``winner`` (its (row, column) in the
  input) and where the window's gradient goes;
- an RNN: one column block per time step, ``x_t``, ``h_{t−1}``, ``z_t``, ``h_t``,
  and back-propagation through time right to left: ``dL/dh_t`` and δ_t = dL/dz_t.

``print(trace_layers(...).to_text())`` prints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet import losses as losses_module
from glassnet.conv import Conv2D, MaxPool2D
from glassnet.recurrent import RNN


@dataclass
class Table:
    """One named table: the numbers, their row and column labels, and a note."""

    name: str
    values: np.ndarray
    rows: list[str]
    columns: list[str]
    note: str = ""


@dataclass
class LayerTrace:
    """``tables`` in order; ``tr[name]`` gives one table's numbers."""

    tables: list[Table] = field(default_factory=list)
    loss_value: float = 0.0

    def __getitem__(self, name: str) -> np.ndarray:
        for table in self.tables:
            if table.name == name:
                return table.values
        raise KeyError(f"No table {name!r}; the tables are {[t.name for t in self.tables]}.")

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tables]

    def to_text(self, decimals: int = 3, max_rows: int = 12) -> str:
        blocks = []
        for t in self.tables:
            shown = t.values[:max_rows]
            width = max([len(c) for c in t.columns] + [decimals + 6])
            label = max([len(r) for r in t.rows[:max_rows]] + [1])
            lines = [f"{t.name}  ({t.note})" if t.note else t.name,
                     " " * label + " " + " ".join(f"{c:>{width}}" for c in t.columns)]
            for r, row in zip(t.rows, shown):
                cells = " ".join(f"{v:>{width}.{decimals}f}" for v in np.atleast_1d(row))
                lines.append(f"{r:<{label}} {cells}")
            if len(t.values) > max_rows:
                lines.append(f"… {len(t.values) - max_rows} more rows")
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks)


def conv_cell_tables(layer: Conv2D, prefix: str, cell: tuple[int, int, int, int]) -> list[Table]:
    """The patch, kernel and Σ patch ⊙ kernel of output cell (n, f, i, j), and im2col."""
    n, f, i, j = cell
    (kh, kw), (sh, sw), (pt, _, pl, _) = layer.kernel_size, layer.stride, layer.pads
    C = layer.in_channels
    cols = layer.cols  # the matrix the forward pass multiplied, (N·H′·W′, C·kh·kw)
    Ho, Wo = layer.z.shape[2:]
    row = (n * Ho + i) * Wo + j
    patch = cols[row].reshape(C, kh, kw)
    kernel = layer.W[f]
    products = patch * kernel
    bias = 0.0 if layer.b is None else float(layer.b[f])
    total = float(products.sum()) + bias
    spatial = [f"c{c} u{u}" for c in range(C) for u in range(kh)]
    col_labels = [f"v{v}" for v in range(kw)]
    where = (f"rows {i * sh - pt}…{i * sh - pt + kh - 1}, columns {j * sw - pl}…"
             f"{j * sw - pl + kw - 1} of image {n} (negative or past the edge: padding)")
    cols_labels = [f"c{c}u{u}v{v}" for c in range(C) for u in range(kh) for v in range(kw)]
    row_labels = [f"n{a}:{b},{c}" for a in range(layer.z.shape[0]) for b in range(Ho)
                  for c in range(Wo)]
    return [
        Table(f"{prefix}_patch", patch.reshape(C * kh, kw), spatial, col_labels, where),
        Table(f"{prefix}_kernel", kernel.reshape(C * kh, kw), spatial, col_labels, f"W[{f}]"),
        Table(f"{prefix}_patch_x_kernel", products.reshape(C * kh, kw), spatial, col_labels,
              "patch ⊙ kernel"),
        Table(f"{prefix}_cell", np.array([[float(products.sum()), bias, total,
                                           float(layer.z[n, f, i, j])]]),
              [f"({n}, {f}, {i}, {j})"], ["Σ p⊙k", "b[f]", "sum", "z"],
              "Σ patch ⊙ kernel + b equals z at this cell"),
        Table(f"{prefix}_im2col", cols, row_labels, cols_labels,
              "X_col: one row per output cell (image n: i,j), one column per (c, u, v)"),
    ]


def pool_tables(layer: MaxPool2D, prefix: str) -> list[Table]:
    """Per window: its maximum, the winner's place in x, and the gradient sent there."""
    index = layer.winner_index()  # flat index into x (also sets layer.winner)
    N, C, H, W = layer.x.shape
    plane = index % (H * W)
    rows, cols = plane // W, plane % W
    grad = np.zeros(index.shape) if layer.grad_a is None else layer.grad_a
    flat = np.stack([layer.a.ravel(), rows.ravel(), cols.ravel(), np.ravel(grad)], axis=1)
    labels = [f"n{n}c{c}:{i},{j}" for n in range(N) for c in range(C)
              for i in range(layer.a.shape[2]) for j in range(layer.a.shape[3])]
    return [Table(f"{prefix}_windows", flat, labels,
                  ["max", "winner row", "winner col", "dL/da → x[winner]"],
                  "each window's gradient goes to its winner alone (first maximum on ties)")]


def rnn_tables(layer: RNN, prefix: str, sample: int = 0) -> list[Table]:
    """Forward per time step (x_t, h_{t−1}, z_t, h_t) and BPTT right to left."""
    T = layer.x.shape[1]
    h_prev = [layer.h0[sample]] + [layer.h[sample, t - 1] for t in range(1, T)]
    tables = []
    for t in range(T):
        block = [("x_t", layer.x[sample, t]), ("h_{t-1}", h_prev[t]),
                 ("z_t", layer.z[sample, t]), ("h_t", layer.h[sample, t])]
        width = max(len(v) for _, v in block)
        values = np.full((len(block), width), np.nan)
        for r, (_, v) in enumerate(block):
            values[r, : len(v)] = v
        tables.append(Table(f"{prefix}_t{t + 1}", values, [name for name, _ in block],
                            [f"{k}" for k in range(width)],
                            f"step {t + 1}: z_t = x_t Wx + h_(t−1) Wh + b, h_t = f(z_t)"))
    if layer.dz is not None:
        for t in range(T - 1, -1, -1):
            tables.append(Table(f"{prefix}_bptt_t{t + 1}", layer.dz[sample, t][None],
                                ["δ_t"], [str(k) for k in range(layer.dz.shape[2])],
                                f"BPTT, right to left: δ_{t + 1} = (dL/dh_{t + 1} + "
                                f"δ_{t + 2} Whᵀ) ⊙ f'(z_{t + 1})"))
    return tables


def trace_layers(net: Any, X: np.ndarray, y: np.ndarray, loss: Any = "mse",
                 cell: tuple[int, int, int, int] = (0, 0, 0, 0)) -> LayerTrace:
    """One forward and backward pass of ``net`` on validated (X, y) (``net.trace``
    validates them), its layers' tables kept; weights and gradients are left as
    they were."""
    loss_obj = losses_module.get(loss)
    saved_params, saved_grads = net.params.copy(), net.grads.copy()
    try:
        value = net.loss_and_gradients(X, y, loss_obj)
        out = LayerTrace(loss_value=value)
        for k, layer in enumerate(net.layers, start=1):
            if isinstance(layer, Conv2D):
                out.tables += conv_cell_tables(layer, f"layer{k}", cell)
            elif isinstance(layer, MaxPool2D):
                out.tables += pool_tables(layer, f"layer{k}")
            elif isinstance(layer, RNN):
                out.tables += rnn_tables(layer, f"layer{k}")
    finally:
        np.copyto(net.params, saved_params)
        np.copyto(net.grads, saved_grads)
    return out


__all__ = ["LayerTrace", "Table", "conv_cell_tables", "pool_tables", "rnn_tables",
           "trace_layers"]
